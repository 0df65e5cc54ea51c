"""The plan editor's draft (floorplan.draft): built from the published rows, saved with a
revision (409 when stale), a malformed document refused naming its field, the plan's problems
listed (errors and warnings), merge and split as pure functions, and a booking never broken by
a deletion, merge or split without a move — on SQLite and PostgreSQL."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from exhibit.core.audit import AuditEntry
from exhibit.core.errors import Conflict, Forbidden, ValidationFailed
from exhibit.extensions import db
from exhibit.floorplan import draft as drafts
from exhibit.floorplan.models import PlanDraft
from exhibit.floorplan.services import get_booth
from tests.conftest import login


def key(week, code: str) -> str:
    return drafts.booth_key(get_booth(week, code).id)


def booth(document: dict, booth_key: str) -> dict:
    return next(b for b in document["booths"] if b["key"] == booth_key)


def codes(problems: list[dict]) -> list[tuple[str, str]]:
    return [(p["code"], p["key"]) for p in problems]


def new_booth(document: dict, key: str, code: str, x: float, y: float, w=3.0, h=3.0, **extra):
    hall_id = document["booths"][0]["hall_id"]
    document["booths"].append({
        "key": key, "id": None, "hall_id": hall_id, "code": code, "booth_type": "standard",
        "x_m": x, "y_m": y, "w_m": w, "h_m": h, "rotation": 0, "outline": [],
        "price_vnd": 1_300_000, "width_m": w, "depth_m": h, "area_m2": w * h, "blocked": False,
        "blocked_reason": "", "cluster_id": None, "merged_from": [], "split_from": None, **extra})
    return document


# -- load, save, discard ------------------------------------------------------------------------

def test_a_week_without_draft_starts_from_the_published_rows(week):
    draft = drafts.load_draft(week)
    assert draft.revision == 0 and draft.base_version == 0
    assert db.session.get(PlanDraft, week.id) is None  # reading never writes
    document = drafts.draft_document(draft)
    assert [b["code"] for b in document["booths"]] == ["A01", "A02", "A03", "A04", "A05", "A06"]
    first = booth(document, key(week, "A01"))
    assert first["id"] == get_booth(week, "A01").id
    assert (first["x_m"], first["y_m"], first["w_m"], first["h_m"]) == (0, 1, 3, 3)
    assert document["halls"] == {str(week.halls[0].id): {"width_m": 30.0, "depth_m": 10.0}}
    assert document["moves"] == [] and document["elements"] == []


def test_save_keeps_revisions_and_refuses_a_stale_one(week, organiser):
    document = drafts.draft_document(drafts.load_draft(week))
    booth(document, key(week, "A01"))["x_m"] = 0.5
    saved = drafts.save_draft(actor=organiser, week=week, document=document, revision=0)
    assert saved.revision == 1
    with pytest.raises(Conflict) as stale:
        drafts.save_draft(actor=organiser, week=week, document=document, revision=0)
    assert stale.value.status == 409 and stale.value.code == "stale_revision"
    booth(document, key(week, "A02"))["code"] = "A2B"
    assert drafts.save_draft(actor=organiser, week=week, document=document, revision=1).revision == 2
    stored = drafts.draft_document(drafts.load_draft(week))
    assert booth(stored, key(week, "A01"))["x_m"] == 0.5
    assert booth(stored, key(week, "A02"))["code"] == "A2B"
    # the published rows are untouched
    assert get_booth(week, "A02").x_m == 3.0
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity == "plan_draft", AuditEntry.entity_id == week.id)).all()
    assert actions == ["save", "save"]
    assert drafts.discard_draft(actor=organiser, week=week) is True
    assert drafts.load_draft(week).revision == 0
    assert drafts.discard_draft(actor=organiser, week=week) is False


def test_a_malformed_document_is_refused_naming_the_field(week, organiser, make_exhibitor):
    document = drafts.draft_document(drafts.load_draft(week))
    document["booths"][2]["w_m"] = -1
    with pytest.raises(ValidationFailed) as bad:
        drafts.save_draft(actor=organiser, week=week, document=document, revision=0)
    assert bad.value.status == 422 and "booths[2].w_m" in bad.value.fields
    for broken, field in (
            ({"booths": "many"}, "booths"),
            ({"booths": [{"key": "x1"}]}, "booths[0].key"),
            ({"booths": [{**document["booths"][0], "w_m": 3, "hall_id": 999999}]}, "booths[0].hall_id"),
            ({"booths": [{**document["booths"][0], "w_m": 3, "key": "b999999", "id": 999999}]},
             "booths[0].key"),
            ({"elements": [{"key": "n1", "hall_id": week.halls[0].id, "kind": "volcano",
                            "x_m": 1, "y_m": 1, "w_m": 1, "h_m": 1}]}, "elements[0].kind"),
            ({"moves": [{"allocation_id": 1, "to": "b0"}]}, "moves[0].to")):
        with pytest.raises(ValidationFailed) as bad:
            drafts.clean_document(week, broken)
        assert field in bad.value.fields, (broken, bad.value.fields)
    with pytest.raises(ValidationFailed) as bad:
        drafts.clean_document(week, "not json")
    assert "document" in bad.value.fields
    assert db.session.get(PlanDraft, week.id) is None
    with pytest.raises(Forbidden):
        drafts.save_draft(actor=make_exhibitor(), week=week, document=document, revision=0)


# -- problems -----------------------------------------------------------------------------------

def test_problems_name_overlaps_outside_codes_elements_and_columns(week):
    document = drafts.clean_document(week, drafts.draft_document(drafts.load_draft(week)))
    hall_id = week.halls[0].id
    booth(document, key(week, "A02"))["x_m"] = 2.0            # overlaps A01 (0–3)
    booth(document, key(week, "A06"))["x_m"] = 28.0           # 28 + 3 > 30: outside
    booth(document, key(week, "A05"))["code"] = "A04"         # duplicate
    document["elements"] = [
        {"key": "n1", "id": None, "hall_id": hall_id, "kind": "column", "label": "C7",
         "x_m": 10.0, "y_m": 2.0, "w_m": 1.0, "h_m": 1.0, "rotation": 0},       # inside A04
        {"key": "n2", "id": None, "hall_id": hall_id, "kind": "column", "label": "",
         "x_m": 6.0, "y_m": 4.0, "w_m": 0.5, "h_m": 0.5, "rotation": 0}]       # touches A03's edge
    document = drafts.clean_document(week, document)
    problems = drafts.validate(week, document)
    found = codes(problems)
    assert ("overlap", key(week, "A02")) in found
    assert ("outside_hall", key(week, "A06")) in found
    assert ("duplicate_code", key(week, "A05")) in found
    over = next(p for p in problems if p["code"] == "over_element")
    assert over["key"] == key(week, "A04") and "C7" in over["message"]
    touching = next(p for p in problems if p["code"] == "touches_column")
    assert touching["key"] == key(week, "A03") and touching["severity"] == "warning"
    assert drafts.has_errors(problems)
    assert [p["severity"] for p in problems] == sorted(
        (p["severity"] for p in problems), key=lambda s: s != "error")
    # a draft with problems may still be saved (publishing refuses it)
    assert drafts.clean_document(week, document)["booths"]


# -- merge and split ----------------------------------------------------------------------------

def test_merge_an_l_shape_keeps_the_first_booths_key_id_and_code(week):
    document = new_booth(drafts.draft_document(drafts.load_draft(week)), "n1", "X01", 0, 4)
    a01, a02 = key(week, "A01"), key(week, "A02")
    booth(document, a02)["price_vnd"] = 1_500_000
    merged = drafts.merge(document, [a01, a02, "n1"], price_rule="sum")
    survivor = booth(merged, a01)
    assert survivor["id"] == get_booth(week, "A01").id and survivor["code"] == "A01"
    assert survivor["area_m2"] == 27.0
    assert survivor["price_vnd"] == 1_300_000 + 1_500_000 + 1_300_000
    assert survivor["outline"] == [[0, 1, 3, 3], [3, 1, 3, 3], [0, 4, 3, 3]]
    assert (survivor["x_m"], survivor["y_m"], survivor["w_m"], survivor["h_m"]) == (0, 1, 6, 6)
    assert survivor["merged_from"] == [a02]  # a new booth merged away leaves no trace
    assert {b["key"] for b in merged["booths"]} == {key(week, c) for c in
                                                    ("A01", "A03", "A04", "A05", "A06")}
    assert booth(document, a01)["outline"] == []  # pure: the original is unchanged
    by_type = drafts.merge(document, [a01, a02, "n1"])
    # the standard booths' median price per m² (1.3 M / 9 m²) × 27 m²
    assert booth(by_type, a01)["price_vnd"] == 3_900_000
    assert drafts.validate(week, drafts.clean_document(week, merged)) == []


def test_merge_a_u_shape_and_refuse_booths_that_do_not_touch(week):
    document = drafts.draft_document(drafts.load_draft(week))
    new_booth(document, "n1", "X01", 0, 4)
    new_booth(document, "n2", "X02", 6, 4)
    keys = [key(week, "A01"), key(week, "A02"), key(week, "A03"), "n1", "n2"]
    u_shape = drafts.merge(document, keys)
    survivor = booth(u_shape, key(week, "A01"))
    assert len(survivor["outline"]) == 5 and survivor["area_m2"] == 45.0
    assert survivor["merged_from"] == [key(week, "A02"), key(week, "A03")]
    with pytest.raises(ValidationFailed) as apart:
        drafts.merge(document, [key(week, "A01"), key(week, "A03")])
    assert "keys" in apart.value.fields
    with pytest.raises(ValidationFailed):
        drafts.merge(document, [key(week, "A01")])


def test_split_a_merged_booth_back_and_a_plain_one_into_equal_parts(week):
    document = drafts.draft_document(drafts.load_draft(week))
    a01, a02 = key(week, "A01"), key(week, "A02")
    merged = drafts.merge(document, [a01, a02], price_rule="sum")
    originals = {b["key"]: b for b in drafts.published_document(week)["booths"]}
    back = drafts.split(merged, a01, originals=originals, price_rule="sum")
    assert booth(back, a01)["outline"] == [] and booth(back, a01)["merged_from"] == []
    restored = booth(back, a02)
    assert restored["code"] == "A02" and restored["id"] == get_booth(week, "A02").id
    assert (restored["x_m"], restored["w_m"], restored["area_m2"]) == (3, 3, 9)
    assert drafts.validate(week, drafts.clean_document(week, back)) == []

    thirds = drafts.split(document, key(week, "A04"), parts=3, axis="x")
    parts = [b for b in thirds["booths"] if b["key"] == key(week, "A04") or b["split_from"]]
    assert [(b["code"], b["x_m"], b["w_m"], b["area_m2"]) for b in parts] == [
        ("A04", 9, 1, 3), ("A04-2", 10, 1, 3), ("A04-3", 11, 1, 3)]
    assert parts[0]["id"] == get_booth(week, "A04").id
    assert {b["key"] for b in parts[1:]} == {"n1", "n2"}
    assert all(b["split_from"] == key(week, "A04") for b in parts[1:])
    # the type's price per m² (1.3 M / 9) × 3 m², to the thousand
    assert parts[1]["price_vnd"] == 433_000
    halves = drafts.split(document, key(week, "A05"), parts=2, axis="y")
    assert [b["h_m"] for b in halves["booths"] if b["code"].startswith("A05")] == [1.5, 1.5]
    assert drafts.validate(week, drafts.clean_document(week, thirds)) == []


# -- bookings ------------------------------------------------------------------------------------

def test_a_booked_booth_is_not_merged_deleted_or_split_without_a_move(week, confirmed_exhibitor):
    holder = confirmed_exhibitor("Hợp tác xã Cà phê Cầu Đất")  # A01
    other = confirmed_exhibitor("Công ty TNHH Trà Bảo Lộc")    # A02
    document = drafts.draft_document(drafts.load_draft(week))
    a01, a02, a03 = key(week, "A01"), key(week, "A02"), key(week, "A03")
    bookings = drafts.active_bookings(week)
    allocation = bookings[get_booth(week, "A02").id].allocation_id
    assert bookings[get_booth(week, "A01").id].holder == holder.business.name

    merged = drafts.merge(document, [a03, a02])   # A02 (booked) merged away into A03
    problems = drafts.validate(week, drafts.clean_document(week, merged))
    need = [p for p in problems if p["code"] == "booking_needs_move"]
    assert [(p["key"], p["allocation_id"]) for p in need] == [(a02, allocation)]
    assert other.business.name in need[0]["message"] and "A02" in need[0]["message"]
    moved = drafts.add_moves(merged, [{"allocation_id": allocation, "to": a03}])
    assert drafts.validate(week, drafts.clean_document(week, moved)) == []

    # moving it to A01 (booked by someone else) is refused
    taken = drafts.add_moves(merged, [{"allocation_id": allocation, "to": a01}])
    assert ("move_target_taken", a01) in codes(drafts.validate(week, drafts.clean_document(week, taken)))

    deleted = drafts.delete(document, [a02])
    assert ("booking_needs_move", a02) in codes(drafts.validate(week, deleted))
    deleted = drafts.delete(document, [a02], moves=[{"allocation_id": allocation, "to": key(week, "A06")}])
    assert drafts.validate(week, drafts.clean_document(week, deleted)) == []

    split = drafts.split(document, a02, parts=2)
    assert ("booking_needs_move", a02) in codes(drafts.validate(week, split))
    # keeping the booking on the booth's changed self is a decision the organiser may take
    kept = drafts.add_moves(split, [{"allocation_id": allocation, "to": a02}])
    assert drafts.validate(week, drafts.clean_document(week, kept)) == []
    assert [b["code"] for b in drafts.free_booths(kept, bookings)] == [
        "A02-2", "A03", "A04", "A05", "A06"]


# -- through the editor's endpoints -------------------------------------------------------------

def test_endpoints_save_409_and_merge_with_the_booking_moved(client, week, organiser,
                                                            confirmed_exhibitor):
    confirmed_exhibitor()  # A01
    booked = confirmed_exhibitor()  # A02
    login(client, organiser)
    base = f"/organiser/weeks/{week.slug}/plan/editor"
    page = client.get(base)
    assert page.status_code == 200
    config = json.loads(page.text.split('id="plan-editor-data">', 1)[1].split("</script>", 1)[0])
    document, revision = config["document"], config["revision"]
    a02, a03 = key(week, "A02"), key(week, "A03")
    assert config["bookings"][a02]["holder"] == booked.business.name

    refused = client.post(f"{base}/operation", json={"document": document, "operation": "merge",
                                                     "keys": [a03, a02]})
    assert refused.status_code == 422 and refused.json["error"] == "booking_needs_move"
    allocation = refused.json["bookings"][0]["allocation_id"]
    assert refused.json["bookings"][0]["from"] == a02
    assert a03 in [b["key"] for b in refused.json["free_booths"]]
    assert key(week, "A01") not in [b["key"] for b in refused.json["free_booths"]]
    merged = client.post(f"{base}/operation", json={
        "document": document, "operation": "merge", "keys": [a03, a02],
        "moves": [{"allocation_id": allocation, "to": a03}]})
    assert merged.status_code == 200, merged.json
    assert merged.json["problems"] == []
    assert booth(merged.json["document"], a03)["merged_from"] == [a02]

    # deleting the booked booth is refused the same way, and done with its booking moved
    deleting = {"document": document, "operation": "delete", "keys": [a02]}
    assert client.post(f"{base}/operation", json=deleting).json["error"] == "booking_needs_move"
    deleted = client.post(f"{base}/operation", json={
        **deleting, "moves": [{"allocation_id": allocation, "to": key(week, "A06")}]})
    assert deleted.status_code == 200 and deleted.json["problems"] == []
    assert a02 not in [b["key"] for b in deleted.json["document"]["booths"]]
    split = client.post(f"{base}/operation", json={"document": document, "operation": "split",
                                                   "keys": [a03], "parts": 3, "axis": "y"})
    assert [b["code"] for b in split.json["document"]["booths"] if b["code"].startswith("A03")] == [
        "A03", "A03-2", "A03-3"]
    assert client.post(f"{base}/operation", json={"document": document, "operation": "explode",
                                                   "keys": [a03]}).status_code == 422

    saved = client.post(f"{base}/draft", json={"document": merged.json["document"],
                                               "revision": revision})
    assert saved.status_code == 200 and saved.json["revision"] == revision + 1
    stale = client.post(f"{base}/draft", json={"document": document, "revision": revision})
    assert stale.status_code == 409 and stale.json["error"] == "stale_revision"
    bad = client.post(f"{base}/draft", json={"document": {"booths": [{"key": "b1", "w_m": "x"}]},
                                             "revision": revision + 1})
    assert bad.status_code == 422 and bad.json["fields"]
    assert client.post(f"{base}/draft", data="nonsense").status_code == 422
    assert drafts.load_draft(week).revision == revision + 1

    assert client.post(f"{base}/discard").status_code == 302
    assert drafts.load_draft(week).revision == 0


def test_the_editor_opens_the_draft_brought_up_to_date_with_the_rows(week, organiser):
    from exhibit.core.db import utcnow
    from exhibit.floorplan.services import save_booth
    document = drafts.draft_document(drafts.load_draft(week))
    a03, a04 = key(week, "A03"), key(week, "A04")
    document = drafts.delete(document, [a03])
    drafts.save_draft(actor=organiser, week=week, document=document, revision=0)
    # a booth added with the booth form after the save, and one retired by a publication
    added = save_booth(actor=organiser, week=week, hall_id=week.halls[0].id, data={
        "code": "A07", "price_vnd": 1_300_000, "grid_x": 20, "grid_y": 5})
    retired = get_booth(week, "A04")
    retired.retired_at = utcnow()
    db.session.commit()
    opened = drafts.editor_document(week, drafts.load_draft(week))
    keys = [b["key"] for b in opened["booths"]]
    assert a03 not in keys  # deleted in the draft: stays deleted
    assert a04 not in keys  # gone from the rows
    assert drafts.booth_key(added.id) in keys
    drafts.clean_document(week, opened)  # and it can be saved again


def test_only_the_weeks_organisers_open_the_editor(client, week, organiser, make_exhibitor):
    from exhibit.accounts.services import create_organiser_user
    base = f"/organiser/weeks/{week.slug}/plan/editor"
    calls = [("get", base, {}), ("post", f"{base}/draft", {"json": {"document": {}, "revision": 0}}),
             ("post", f"{base}/operation", {"json": {"document": {}, "operation": "check"}}),
             ("post", f"{base}/discard", {"data": {}})]
    for method, url, extra in calls:
        response = getattr(client, method)(url, **extra)
        assert response.status_code == 302 and "/login" in response.location, url
    other = create_organiser_user(email="khac@btc.example", password="thanhlong2024",
                                  organizer_name="Sở Công Thương khác", organizer_short_name="SCT")
    for user in (make_exhibitor(), other):
        login(client, user)
        for method, url, extra in calls:
            assert getattr(client, method)(url, **extra).status_code == 403, (user.email, url)
        client.post("/logout")
    assert db.session.get(PlanDraft, week.id) is None
