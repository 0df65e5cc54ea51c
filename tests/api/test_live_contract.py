"""The API against its own document, over real HTTP, on SQLite and on PostgreSQL.

1. Every documented GET, asked about real objects (a week with booths, products, documents…),
   answers a status the document lists for it, with a body valid against the schema it gives
   (JSON Schema 2020-12, ``$ref`` resolved into the document's components).
2. A schema-driven fuzzer (schemathesis) sends what the document allows — and what it does not —
   to every operation, with an exhibitor's, another exhibitor's, an organiser's, entrance staff's
   or no token, and fails on any 5xx and on any answer the document does not describe (status,
   content type, body, headers; 405 with ``Allow`` for methods an address does not take; a
   request the document forbids that is answered as if valid). About 1,500 cases, ~15 s per
   database; API_FUZZ_EXAMPLES=200 (and API_FUZZ_SEED) for a longer hunt.
"""
from __future__ import annotations

import os
import time
import zlib

import pytest
import requests
import schemathesis

from tests.api.conftest import problems


# -- 1. every documented GET, on real objects --------------------------------------------------------

def get_requests(world) -> dict[str, list[tuple[str, dict, str | None]]]:
    """For each documented GET path: (path filled in, query, whose token) to ask."""
    week, draft = world.week, world.draft_week
    product, plain, archived = (world.products[k] for k in ("ocop", "plain", "archived"))
    issued, draft_doc, mou = (world.documents[k] for k in ("issued", "draft", "mou"))
    return {
        "/weeks": [("/weeks", {}, None), ("/weeks", {}, "exhibitor")],
        "/weeks/{slug}/booths": [
            (f"/weeks/{week}/booths", {}, None), (f"/weeks/{draft}/booths", {}, None),
            ("/weeks/no-such-week/booths", {}, None)],
        "/weeks/{slug}/products": [
            (f"/weeks/{week}/products", {}, None),
            (f"/weeks/{week}/products", {"q": "nuoc mam", "stars": "4", "group": "thuc_pham"}, None),
            (f"/weeks/{week}/products", {"province": "66", "price_min": "1000",
                                         "price_max": "90000", "page": "1", "per_page": "1"}, None),
            (f"/weeks/{week}/products", {"stars": "9", "group": "x"}, None),
            (f"/weeks/{draft}/products", {}, None)],
        "/products/{product_id}": [
            (f"/products/{product}", {}, "exhibitor"), (f"/products/{plain}", {}, "exhibitor"),
            (f"/products/{archived}", {}, "exhibitor"), (f"/products/{product}", {}, "other"),
            (f"/products/{product}", {}, "organiser"), (f"/products/{product}", {}, None)],
        "/weeks/{slug}/badges.pdf": [
            (f"/weeks/{week}/badges.pdf", {"kind": "staff"}, "organiser"),
            (f"/weeks/{week}/badges.pdf", {"kind": "visitor", "layout": "a6-4"}, "organiser"),
            (f"/weeks/{week}/badges.pdf", {}, "organiser"),
            (f"/weeks/{week}/badges.pdf", {"kind": "staff"}, "exhibitor")],
        "/weeks/{slug}/documents": [
            (f"/weeks/{week}/documents", {}, "organiser"),
            (f"/weeks/{week}/documents", {}, "exhibitor"),
            ("/weeks/no-such-week/documents", {}, "organiser")],
        "/documents/{document_id}.pdf": [
            (f"/documents/{issued}.pdf", {}, "organiser"),
            (f"/documents/{issued}.pdf", {"version": "1"}, "exhibitor"),
            (f"/documents/{issued}.pdf", {"lang": "en"}, "organiser"),
            (f"/documents/{issued}.pdf", {"version": "7"}, "organiser"),
            (f"/documents/{issued}.pdf", {"version": "abc"}, "organiser"),
            (f"/documents/{draft_doc}.pdf", {}, "organiser"),
            (f"/documents/{mou}.pdf", {}, "other"), (f"/documents/{issued}.pdf", {}, "other")],
        "/weeks/{slug}/report.pdf": [(f"/weeks/{week}/report.pdf", {}, "organiser"),
                                     (f"/weeks/{week}/report.pdf", {"lang": "fr"}, "organiser")],
        "/weeks/{slug}/report.xlsx": [(f"/weeks/{week}/report.xlsx", {"lang": "en"}, "organiser"),
                                      (f"/weeks/{week}/report.xlsx", {}, "exhibitor")],
        "/business": [("/business", {}, "exhibitor"), ("/business", {}, "organiser"),
                      ("/business", {}, None)],
        "/device": [("/device", {}, "gate_device"), ("/device", {}, "revoked_device"),
                    ("/device", {}, "organiser"), ("/device", {}, None)],
        "/device/snapshot": [("/device/snapshot", {}, "gate_device"),
                             ("/device/snapshot", {}, "lead_device"),
                             ("/device/snapshot", {"since": "yesterday"}, "gate_device"),
                             ("/device/snapshot", {}, "revoked_device")],
        "/weeks/{slug}/zones": [(f"/weeks/{week}/zones", {}, "organiser"),
                                (f"/weeks/{week}/zones", {}, "exhibitor"),
                                ("/weeks/no-such-week/zones", {}, "organiser")],
        "/weeks/{slug}/devices": [(f"/weeks/{week}/devices", {}, "organiser"),
                                  (f"/weeks/{week}/devices", {}, "exhibitor"),
                                  ("/weeks/no-such-week/devices", {}, "organiser")],
    }


def scanning_devices(world) -> dict[str, str]:
    """Device tokens for the world's week: a gate device, the seller's lead device, and a
    revoked gate device."""
    from exhibit.scanning import devices, zones
    from exhibit.weeks.services import get_week
    week = get_week(world.week)
    tokens = {}
    for who, actor, purpose in (("gate_device", world.organiser, "gate"),
                                ("lead_device", world.exhibitor, "leads"),
                                ("revoked_device", world.organiser, "gate")):
        zone = zones.default_zone(week) if purpose == "gate" else None
        device, code = devices.create_device(actor, week, purpose, who, zone=zone)
        _device, tokens[who] = devices.pair(code, "1.0.0")
    devices.revoke_device(world.organiser, _device, "Máy bị mất")
    return tokens


def test_every_documented_get_answers_what_the_document_says(app, api_world, live_api):
    api = live_api + "/api/v1"
    document = requests.get(f"{api}/openapi.json", timeout=30).json()
    tokens = {"exhibitor": api_world.token(api_world.exhibitor),
              "other": api_world.token(api_world.other_exhibitor),
              "organiser": api_world.token(api_world.organiser), **scanning_devices(api_world)}
    asks = get_requests(api_world)
    documented = {path for path, item in document["paths"].items() if "get" in item}
    assert documented == set(asks), "documented GETs and the GETs asked here differ"

    seen: dict[str, dict] = {}
    for path, calls in asks.items():
        for url, query, who in calls:
            headers = {"Authorization": f"Bearer {tokens[who]}"} if who else {}
            answer = requests.get(api + url, params=query, headers=headers, timeout=60)
            json_body = answer.headers.get("Content-Type", "").startswith("application/json")
            found = problems(document, "GET", path, answer.status_code,
                             answer.headers.get("Content-Type"),
                             answer.json() if json_body else None)
            assert not found, f"GET {url} {query} as {who}:\n" + "\n".join(found)
            if json_body:
                seen.setdefault(url, answer.json())
            elif answer.status_code == 200:
                assert answer.content[:4] in (b"%PDF", b"PK\x03\x04"), url

    # the answers above were about real objects, not empty lists
    week = api_world.week
    assert {w["slug"] for w in seen["/weeks"]["items"]} == {week}
    booths = {b["code"]: b for b in seen[f"/weeks/{week}/booths"]["items"]}
    assert {code: booths[code]["status"] for code in api_world.booths} == api_world.booths
    assert booths["A01"]["business"] and booths["A02"]["business"] is None
    catalogue = seen[f"/weeks/{week}/products"]
    assert catalogue["total"] == 2 and "A01" in {i["booth"] for i in catalogue["items"]}
    archived = seen[f"/products/{api_world.products['archived']}"]
    assert archived["status"] == "archived" and archived["id"] not in {
        i["id"] for i in catalogue["items"]}
    ocop = seen[f"/products/{api_world.products['ocop']}"]
    assert len(ocop["photos"]) == 2 and ocop["stars"] == 4 and ocop["cert_valid_until"]
    documents = {d["kind"] + ":" + d["status"]: d for d in seen[f"/weeks/{week}/documents"]["items"]}
    assert set(documents) == {"contract:issued", "contract:draft", "mou:draft"}
    assert documents["contract:draft"]["number"] is None and documents["contract:issued"]["number"]


# -- 2. the fuzzer ---------------------------------------------------------------------------------

#: cases per operation and phase; API_FUZZ_EXAMPLES raises it for a longer hunt
MAX_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "25"))
#: cases sent, per database, for the figures printed at the end
SENT: dict[str, int] = {}
PERSONAS = ("exhibitor", "organiser", "other", "entrance", None)


def persona(case) -> str | None:
    """Whose token a case is sent with: one of PERSONAS, chosen by the case's own content, so
    that every operation is tried by each of them and a replayed case gets the same one."""
    sent = repr((case.operation.label, case.path_parameters, case.query, case.body))
    return PERSONAS[zlib.crc32(sent.encode("utf-8", "surrogatepass")) % len(PERSONAS)]


@pytest.fixture
def api_schema(app, api_world, live_api):
    config = schemathesis.Config.from_dict({
        "base-url": live_api + "/api/v1",
        "seed": int(os.environ.get("API_FUZZ_SEED", "20261129")),
        "suppress-health-check": ["all"],
        "request-timeout": 60,
        "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "database": "none"},
        # every check schemathesis has but one that cannot hold here: the document cannot say
        # which generated values the services accept (a valid tax code, a slug that exists), so
        # "a request the schema allows must succeed" is not a property of this API
        "checks": {"positive_data_acceptance": {"enabled": False}},
    })
    document = requests.get(live_api + "/api/v1/openapi.json", timeout=30).json()
    scanning_devices(api_world)  # a device for the revoke address to reach
    schema = schemathesis.openapi.from_dict(with_real_examples(document, api_world),
                                            config=config)
    users = {"exhibitor": api_world.exhibitor, "other": api_world.other_exhibitor,
             "organiser": api_world.organiser, "entrance": api_world.entrance}
    tokens = {who: api_world.token(user) for who, user in users.items()}

    @schema.auth(refresh_interval=None)
    class Personas:
        """A persona's bearer token on each case (schemathesis leaves it off the cases that
        test a missing token)."""

        def get(self, case, _context):
            who = persona(case)
            if who is not None and case.operation.path == "/tokens/current" \
                    and case.operation.method.upper() == "DELETE":
                return api_world.token(users[who])  # its own: revoking it leaves the others
            return tokens.get(who)

        def set(self, case, token, _context):
            if token is not None:
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}

    started = time.monotonic()
    yield schema
    kind = app.config["DB_KIND"]
    print(f"\nschema fuzzing on {kind}: {SENT.get(kind, 0)} requests in "
          f"{time.monotonic() - started:.1f} s")


def with_real_examples(document: dict, world) -> dict:
    """The document with its URL variables' examples pointing at the world's objects, so that
    the cases built from examples (and mutated from them) reach real ones; the fuzzing phase
    still tries any value."""
    from exhibit.scanning.models import ScanDevice
    from exhibit.extensions import db
    real = {"slug": world.week, "code": "A01", "product_id": world.products["ocop"],
            "document_id": world.documents["issued"],
            "device_id": db.session.scalar(db.select(db.func.min(ScanDevice.id))) or 1,
            "token": "no-link-was-sent-with-this-token"}
    for item in document["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", ()):
                if parameter["in"] == "path":
                    parameter["example"] = real[parameter["name"]]
    return document


lazy_schema = schemathesis.pytest.from_fixture("api_schema")


@lazy_schema.parametrize()
def test_schema_fuzzing_finds_no_server_error_and_no_contract_violation(case, app):
    SENT[app.config["DB_KIND"]] = SENT.get(app.config["DB_KIND"], 0) + 1
    case.call_and_validate()
