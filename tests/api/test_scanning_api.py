"""The scanning devices' API through real requests (the test client), each answer checked
against the OpenAPI document: pairing once, the device token, the snapshot (gzip, since a
cursor), uploads idempotent by nonce, a revoked device refused and counted, and the organiser's
zones and devices."""
from __future__ import annotations

import gzip
import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from exhibit.badges.models import Badge, CheckIn, GateScan
from exhibit.core.db import utcnow
from exhibit.extensions import db
from exhibit.scanning import devices
from exhibit.scanning import snapshot as snapshots
from exhibit.scanning.models import ScanDevice
from tests.api.test_contract import conforms
from tests.conftest import PASSWORD, bearer
from tests.scanning.helpers_devices import (gate_device, key_of, keyed, paired_gate,
                                            paired_leads, visitor)


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


@pytest.fixture
def other_organiser(app):
    from exhibit.accounts.services import create_organiser_user
    return create_organiser_user(email=f"btc-{uuid.uuid4().hex[:6]}@khac.example",
                                 password=PASSWORD, organizer_name="Sở Công Thương khác",
                                 organizer_short_name="SCT")


def device_auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def scan(code: str, n: int, *, at: datetime | None = None, **extra) -> dict:
    moment = at or utcnow()
    return {"nonce": f"dev1-{n:06d}", "code": code,
            "scanned_at": moment.astimezone(timezone(timedelta(hours=7))).isoformat(), **extra}


def test_a_pairing_code_gives_a_token_once(app, client, document, organiser, open_week):
    _device, code = gate_device(organiser, open_week)
    paired = conforms(document, "POST", "/devices/pair", client.post(
        "/api/v1/devices/pair", json={"code": code, "app_version": "1.0.0"}))
    assert paired.status_code == 201
    assert paired.json["token"].startswith("dv_")
    assert paired.json["device"]["purpose"] == "gate"
    assert paired.json["device"]["zone"]["is_default"] is True
    assert paired.json["week"]["slug"] == open_week.slug

    again = conforms(document, "POST", "/devices/pair", client.post(
        "/api/v1/devices/pair", json={"code": code}))
    assert again.status_code == 410 and again.json["error"] == "pairing_used"
    unknown = conforms(document, "POST", "/devices/pair", client.post(
        "/api/v1/devices/pair", json={"code": "never-given-to-anyone-at-all"}))
    assert unknown.status_code == 404
    missing = conforms(document, "POST", "/devices/pair", client.post(
        "/api/v1/devices/pair", json={"app_version": "1"}))
    assert missing.status_code == 422 and set(missing.json["fields"]) == {"code"}

    late, late_code = gate_device(organiser, open_week, "Cổng B – máy 1")
    db.session.execute(db.update(ScanDevice).where(ScanDevice.id == late.id).values(
        pairing_expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    expired = conforms(document, "POST", "/devices/pair", client.post(
        "/api/v1/devices/pair", json={"code": late_code}))
    assert expired.status_code == 410 and expired.json["error"] == "pairing_expired"


def test_guessing_pairing_codes_is_limited_per_address(app, client, organiser, open_week):
    _device, code = gate_device(organiser, open_week)
    address = {"REMOTE_ADDR": f"198.51.100.{uuid.uuid4().int % 250 + 1}"}
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = "3 per minute"
    try:
        for n in range(3):
            assert client.post("/api/v1/devices/pair", json={"code": f"guess-{n}-" + "x" * 24},
                               environ_base=address).status_code == 404
        refused = client.post("/api/v1/devices/pair", json={"code": code}, environ_base=address)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        # another address is not held back, and a right code is not counted
        assert client.post("/api/v1/devices/pair", json={"code": code}).status_code == 201
    finally:
        app.config["LOGIN_FAILURES_PER_ADDRESS"] = "1000 per minute"


def test_the_device_token_and_a_revoked_device(app, client, document, organiser, open_week):
    device, token = paired_gate(organiser, open_week)
    me = conforms(document, "GET", "/device", client.get("/api/v1/device",
                                                         headers=device_auth(token)))
    assert me.status_code == 200 and me.json["device"]["id"] == device.id
    assert abs(datetime.fromisoformat(me.json["server_time"]) - utcnow()) < timedelta(minutes=1)
    assert db.session.get(ScanDevice, device.id).last_seen_at is not None

    for headers in ({}, device_auth("dv_unknown"), bearer(app, organiser)):
        answer = conforms(document, "GET", "/device", client.get("/api/v1/device",
                                                                 headers=headers))
        assert answer.status_code == 401

    devices.revoke_device(organiser, device, "Máy bị mất")
    for path in ("/device", "/device/snapshot"):
        refused = conforms(document, "GET", path, client.get("/api/v1" + path,
                                                             headers=device_auth(token)))
        assert refused.status_code == 403 and refused.json["error"] == "device_revoked"
        assert "revoked" in refused.json["message"] or "thu hồi" in refused.json["message"]


def test_the_snapshot_is_gzipped_and_then_comes_in_changes(app, client, document, organiser,
                                                           open_week):
    hường = visitor(open_week)
    _device, token = paired_gate(organiser, open_week)
    answer = client.get("/api/v1/device/snapshot",
                        headers={**device_auth(token), "Accept-Encoding": "gzip, br"})
    assert answer.status_code == 200 and answer.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in answer.headers["Vary"]
    assert answer.headers["Cache-Control"] == "private, no-store"
    data = json.loads(gzip.decompress(answer.data))
    from tests.api.conftest import problems
    assert not problems(document, "GET", "/device/snapshot", 200,
                        answer.headers["Content-Type"], data)
    key = key_of(data)
    assert [row[0] for row in data["badges"]] == [keyed(key, hường.entry_code)]

    plain = client.get("/api/v1/device/snapshot", headers=device_auth(token))
    assert "Content-Encoding" not in plain.headers and plain.json["full"] is True
    refused = client.get("/api/v1/device/snapshot",
                         headers={**device_auth(token), "Accept-Encoding": "gzip;q=0, br"})
    assert "Content-Encoding" not in refused.headers and refused.json["badges"]
    db.session.execute(db.update(Badge).values(
        changed_at=utcnow() - snapshots.OVERLAP - timedelta(minutes=1)))
    db.session.commit()
    cursor = plain.json["cursor"]
    late = visitor(open_week, "Võ Minh Muộn")
    since = conforms(document, "GET", "/device/snapshot", client.get(
        "/api/v1/device/snapshot", query_string={"since": cursor}, headers=device_auth(token)))
    assert since.json["full"] is False
    assert [row[0] for row in since.json["badges"]] == [keyed(key, late.entry_code)]
    bad = conforms(document, "GET", "/device/snapshot", client.get(
        "/api/v1/device/snapshot?since=yesterday", headers=device_auth(token)))
    assert bad.status_code == 422 and set(bad.json["fields"]) == {"since"}


def test_a_batch_sent_twice_counts_once(app, client, document, organiser, running_week):
    hường, thu = visitor(running_week), visitor(running_week, "Phạm Thị Thu")
    _device, token = paired_gate(organiser, running_week)
    earlier = utcnow() - timedelta(minutes=10)
    batch = {"scans": [scan(hường.entry_code, 1, at=earlier, device_answer="ok"),
                       scan("zzzz9999zzzz", 2, at=earlier + timedelta(seconds=5)),
                       scan(hường.entry_code, 3, at=earlier + timedelta(seconds=9)),
                       scan(thu.entry_code.upper(), 4)],
             "unsynced": 0, "app_version": "1.0.1"}
    first = conforms(document, "POST", "/device/scans", client.post(
        "/api/v1/device/scans", json=batch, headers=device_auth(token)))
    assert first.status_code == 200, first.json
    statuses = [(r["nonce"], r["status"], r["reason"]) for r in first.json["results"]]
    assert statuses == [("dev1-000001", "ok", None), ("dev1-000002", "invalid", "unknown"),
                        ("dev1-000003", "already_checked_in", None), ("dev1-000004", "ok", None)]
    assert first.json["results"][0]["badge"] == {"name": "Nguyễn Thị Thu Hường",
                                                 "kind": "visitor"}
    again = client.post("/api/v1/device/scans", json=batch, headers=device_auth(token))
    assert again.json["results"] == first.json["results"]
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 2
    assert db.session.scalar(select(func.count()).select_from(GateScan)) == 4
    checkin = db.session.scalar(select(CheckIn).where(CheckIn.badge_id == hường.id))
    assert abs(checkin.first_at - earlier) < timedelta(seconds=1)  # its own time, not arrival
    stored = db.session.scalar(select(ScanDevice))
    assert stored.app_version == "1.0.1" and stored.last_sync_at is not None


def test_a_revoked_devices_uploads_are_refused_and_counted(app, client, document, organiser,
                                                           running_week):
    hường = visitor(running_week)
    device, token = paired_gate(organiser, running_week)
    devices.revoke_device(organiser, device, "Máy bị mất")
    refused = conforms(document, "POST", "/device/scans", client.post(
        "/api/v1/device/scans", headers=device_auth(token),
        json={"scans": [scan(hường.entry_code, 1), scan(hường.entry_code, 2)], "unsynced": 0}))
    assert refused.status_code == 403 and refused.json["error"] == "device_revoked"
    stored = db.session.get(ScanDevice, device.id)
    db.session.refresh(stored)
    assert stored.refused_scans == 2 and stored.last_refused_at is not None
    assert db.session.scalar(select(func.count()).select_from(GateScan)) == 0


def test_a_bad_batch_names_its_fields(app, client, document, organiser, open_week):
    _device, token = paired_gate(organiser, open_week)

    def refused(body):
        answer = conforms(document, "POST", "/device/scans", client.post(
            "/api/v1/device/scans", json=body, headers=device_auth(token)))
        assert answer.status_code == 422, answer.json
        return set(answer.json["fields"])

    good = scan("k7q29xmd3pla", 1)
    assert refused({"scans": [{**good, "nonce": "short"}]}) == {"scans.nonce"}
    assert refused({"scans": [{**good, "scanned_at": "2026-12-05T08:30:00"}],
                    "unsynced": -1}) == {"scans.scanned_at", "unsynced"}
    assert refused({"scans": [{**good, "direction": "sideways", "code": 12345}]}) == {
        "scans.direction", "scans.code"}
    assert refused({"scans": [{**good, "device_answer": "maybe"}]}) == {"scans.device_answer"}
    assert refused({"scans": []}) == {"scans"}
    assert refused({"scans": [scan("k7q29xmd3pla", n) for n in range(501)]}) == {"scans"}
    assert refused({}) == {"scans"}
    assert db.session.scalar(select(func.count()).select_from(GateScan)) == 0


def test_a_lead_device_saves_contacts_without_names_beforehand(app, client, document,
                                                               running_week,
                                                               confirmed_exhibitor):
    hường = visitor(running_week)
    _device, token = paired_leads(confirmed_exhibitor(), running_week)
    snapshot = client.get("/api/v1/device/snapshot", headers=device_auth(token)).json
    assert snapshot["badges"][0][2:4] == ["", ""]
    batch = {"scans": [scan(hường.contact_code, 1, device_answer="saved")], "unsynced": 0}
    saved = conforms(document, "POST", "/device/scans", client.post(
        "/api/v1/device/scans", json=batch, headers=device_auth(token)))
    assert saved.status_code == 200, saved.json
    assert saved.json["results"][0]["status"] == "saved"
    assert saved.json["results"][0]["badge"]["name"] == "Nguyễn Thị Thu Hường"
    again = client.post("/api/v1/device/scans", json=batch, headers=device_auth(token))
    assert again.json["results"][0]["status"] == "saved"


def test_the_organisers_zones_with_todays_figures(app, client, document, organiser,
                                                  other_organiser, running_week, make_exhibitor):
    hường = visitor(running_week)
    _device, token = paired_gate(organiser, running_week)
    client.post("/api/v1/device/scans", json={"scans": [scan(hường.entry_code, 1)]},
                headers=device_auth(token))
    url = f"/api/v1/weeks/{running_week.slug}/zones"
    answer = conforms(document, "GET", "/weeks/{slug}/zones",
                      client.get(url, headers=bearer(app, organiser)))
    assert answer.status_code == 200
    hall = answer.json["items"][0]
    assert hall["is_default"] and hall["entries"] == 1 and hall["inside"] == 1
    assert sum(hall["by_hour"]) == 1 and len(hall["by_hour"]) == 24
    for headers, status in ((bearer(app, other_organiser), 404),
                            (bearer(app, make_exhibitor()), 403), ({}, 401)):
        assert conforms(document, "GET", "/weeks/{slug}/zones",
                        client.get(url, headers=headers)).status_code == status
    assert client.get("/api/v1/weeks/no-such-week/zones",
                      headers=bearer(app, organiser)).status_code == 404


def test_the_organisers_devices(app, client, document, organiser, other_organiser, open_week,
                                make_exhibitor):
    from exhibit.scanning import zones
    hall = zones.default_zone(open_week)
    base = f"/api/v1/weeks/{open_week.slug}/devices"
    mine = bearer(app, organiser)
    made = conforms(document, "POST", "/weeks/{slug}/devices", client.post(
        base, headers=mine, json={"name": "Cổng A – máy 1", "zone_id": hall.id, "gate": "Cổng A"}))
    assert made.status_code == 201, made.json
    code = made.json["pairing_code"]
    assert made.json["pairing_url"] == "http://exhibit.test/scan/pair#" + code
    assert made.json["device"]["paired"] is False and made.json["device"]["zone"] == hall.name
    assert client.post("/api/v1/devices/pair", json={"code": code}).status_code == 201

    listed = conforms(document, "GET", "/weeks/{slug}/devices", client.get(base, headers=mine))
    assert [d["name"] for d in listed.json["items"]] == ["Cổng A – máy 1"]
    assert listed.json["items"][0]["paired"] is True

    bad = conforms(document, "POST", "/weeks/{slug}/devices", client.post(
        base, headers=mine, json={"name": " ", "zone_id": 2**30}))
    assert bad.status_code == 422 and set(bad.json["fields"]) == {"name", "zone_id"}

    device_id = made.json["device"]["id"]
    revoke = f"{base}/{device_id}/revoke"
    path = "/weeks/{slug}/devices/{device_id}/revoke"
    theirs, exhibitor = bearer(app, other_organiser), bearer(app, make_exhibitor())
    assert conforms(document, "GET", "/weeks/{slug}/devices",
                    client.get(base, headers=theirs)).status_code == 404
    assert conforms(document, "POST", "/weeks/{slug}/devices", client.post(
        base, headers=theirs, json={"name": "X", "zone_id": hall.id})).status_code == 404
    assert conforms(document, "POST", path, client.post(
        revoke, headers=theirs, json={"reason": "x"})).status_code == 404
    assert conforms(document, "POST", path, client.post(
        revoke, headers=exhibitor, json={"reason": "x"})).status_code == 403
    assert conforms(document, "POST", path, client.post(
        f"{base}/{device_id + 1000}/revoke", headers=mine, json={"reason": "x"})).status_code == 404
    no_reason = conforms(document, "POST", path, client.post(revoke, headers=mine, json={}))
    assert no_reason.status_code == 422 and set(no_reason.json["fields"]) == {"reason"}
    done = conforms(document, "POST", path, client.post(
        revoke, headers=mine, json={"reason": "Máy bị mất"}))
    assert done.status_code == 200 and done.json["revoked_at"]


def test_a_full_batch_of_scanned_addresses_fits_and_a_larger_body_is_413(app, client, document,
                                                                         organiser, running_week):
    _device, token = paired_gate(organiser, running_week)
    batch = {"scans": [scan(f"https://hoi-cho.example.vn/e/zzzz{n:08d}", n, direction="in",
                            device_answer="invalid") for n in range(500)],
             "unsynced": 0, "app_version": "1.0.0"}
    assert len(json.dumps(batch)) > app.config["API_MAX_JSON_BYTES"]
    answer = conforms(document, "POST", "/device/scans", client.post(
        "/api/v1/device/scans", json=batch, headers=device_auth(token)))
    assert answer.status_code == 200 and len(answer.json["results"]) == 500
    assert {result["reason"] for result in answer.json["results"]} == {"unknown"}
    huge = {"scans": [scan("x" * 2000, n) for n in range(300)]}
    too_large = conforms(document, "POST", "/device/scans", client.post(
        "/api/v1/device/scans", json=huge, headers=device_auth(token)))
    assert too_large.status_code == 413


def test_a_device_of_a_week_long_over_is_refused_with_its_own_code(app, client, document,
                                                                    organiser, open_week):
    from exhibit.vn.dates import vietnam_today
    _device, token = paired_gate(organiser, open_week)
    _unused, code = gate_device(organiser, open_week, "Cổng B – máy 1")
    open_week.start_date = vietnam_today() - timedelta(days=8)
    open_week.end_date = vietnam_today() - timedelta(days=3)
    db.session.commit()
    answers = [conforms(document, "GET", "/device", client.get(
                   "/api/v1/device", headers=device_auth(token))),
               conforms(document, "GET", "/device/snapshot", client.get(
                   "/api/v1/device/snapshot", headers=device_auth(token))),
               conforms(document, "POST", "/device/scans", client.post(
                   "/api/v1/device/scans", headers=device_auth(token),
                   json={"scans": [scan("k7q29xmd3pla", 1)]}))]
    for answer in answers:
        assert answer.status_code == 401 and answer.json["error"] == "device_expired"
        assert answer.json["message"]
    paired = client.post("/api/v1/devices/pair", json={"code": code})
    assert paired.status_code == 401 and paired.json["error"] == "device_expired"
    assert db.session.scalar(select(func.count()).select_from(GateScan)) == 0


def test_a_count_of_queued_scans_beyond_a_32_bit_integer_is_refused_on_its_field(
        app, client, document, organiser, running_week):
    hường = visitor(running_week)
    device, token = paired_gate(organiser, running_week)
    for unsynced, status in ((2**64, 422), (2**31, 422), (2**31 - 1, 200)):
        answer = conforms(document, "POST", "/device/scans", client.post(
            "/api/v1/device/scans", headers=device_auth(token),
            json={"scans": [scan(hường.entry_code, unsynced % 10**6)], "unsynced": unsynced}))
        assert answer.status_code == status, answer.json
        if status == 422:
            assert set(answer.json["fields"]) == {"unsynced"}
    assert db.session.get(ScanDevice, device.id).unsynced == 2**31 - 1


def test_the_organisers_list_of_devices_is_a_fixed_number_of_queries(
        app, client, organiser, open_week, confirmed_exhibitor):
    from tests.querycount import queries_of
    mine = bearer(app, organiser)
    url = f"/api/v1/weeks/{open_week.slug}/devices"

    def queries() -> int:
        db.session.remove()
        with app.test_client() as fresh_client:
            status, statements = queries_of(_Authorised(fresh_client, mine), url)
        assert status == 200
        return len(statements)

    gate_device(organiser, open_week, "Cổng A")
    few = queries()
    for n in range(3):
        gate_device(organiser, open_week, f"Cổng {n}")
        exhibitor = confirmed_exhibitor(f"Hợp tác xã số {n}")
        devices.create_device(exhibitor, open_week, "leads", f"Quầy {n}")
    assert queries() == few, few


class _Authorised:
    """A test client sending one token with every GET."""

    def __init__(self, client, headers):
        self.client, self.headers = client, headers

    def get(self, url):
        return self.client.get(url, headers=self.headers)
