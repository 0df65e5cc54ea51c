"""Publishing edge cases found in review (floorplan.draft / floorplan.publish): a booking moved
onto a booth whose own booking stays there is a problem, not a publication refused halfway; a
code the plan keeps for retired booths is a problem, not a database error; a booth added by the
booth form after the draft was saved stays on the plan; two first publications at once make one
version and a 409 — on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from exhibit.extensions import db
from exhibit.floorplan import draft as drafts
from exhibit.floorplan import publish
from exhibit.floorplan.models import Booth
from exhibit.floorplan.services import get_booth, save_booth
from tests.floorplan.test_publish import book, entry, key, new_booth, save


def problem_codes(problems: list[dict]) -> list[str]:
    return [p["code"] for p in problems if p["severity"] == drafts.ERROR]


def test_a_booking_moved_onto_a_booth_whose_booking_stays_is_a_problem(week, organiser,
                                                                         make_exhibitor):
    _, staying = book(make_exhibitor, organiser, week, "A01", "Hợp tác xã Ở lại")
    _, moving = book(make_exhibitor, organiser, week, "A05", "Hợp tác xã Dời đi")
    document = drafts.draft_document(drafts.load_draft(week))
    document = drafts.merge(document, [key(week, "A01"), key(week, "A02")])
    document["booths"] = [b for b in document["booths"] if b["key"] != key(week, "A05")]
    # A01's booking stays on the merged booth, and A05's is sent there too
    document["moves"] = [{"allocation_id": moving.id, "to": key(week, "A01")},
                         {"allocation_id": staying.id, "to": key(week, "A01")}]
    document = drafts.clean_document(week, document)
    assert "move_target_taken" in problem_codes(drafts.validate(week, document))
    document["moves"].reverse()
    assert "move_target_taken" in problem_codes(drafts.validate(week, document))
    assert drafts.booth_key(get_booth(week, "A01").id) not in {
        b["key"] for b in drafts.free_booths(document, drafts.active_bookings(week))}


def test_a_code_kept_by_a_retired_booth_is_a_problem_not_a_database_error(week, organiser):
    gone = get_booth(week, "A06")
    document = drafts.draft_document(drafts.load_draft(week))
    document["booths"] = [b for b in document["booths"] if b["key"] != key(week, "A06")]
    publish.publish(actor=organiser, week=week, revision=save(organiser, week, document))
    retired_code = db.session.get(Booth, gone.id).code
    assert "~" in retired_code

    document = drafts.draft_document(drafts.load_draft(week))
    new_booth(document, "n1", retired_code, 20.0, 5.0)
    revision = save(organiser, week, document)
    problems = drafts.validate(week, drafts.draft_document(drafts.load_draft(week)))
    assert "reserved_code" in problem_codes(problems)
    try:
        publish.publish(actor=organiser, week=week, revision=revision)
    except Exception as refused:  # noqa: BLE001 - the kind of refusal is the point
        assert getattr(refused, "status", None) == 422, repr(refused)
    else:
        raise AssertionError("published a code a retired booth keeps")


def test_a_booth_added_by_the_form_after_the_draft_was_saved_stays(week, organiser):
    document = drafts.draft_document(drafts.load_draft(week))
    entry(document, key(week, "A01")).update(price_vnd=2_000_000)
    revision = save(organiser, week, document)
    added = save_booth(actor=organiser, week=week, hall_id=week.halls[0].id, data={
        "code": "Z01", "price_vnd": 1_000_000, "grid_x": 20, "grid_y": 6})

    assert [c["kind"] for c in publish.pending(week).changes] == ["price_changed"]
    version = publish.publish(actor=organiser, week=week, revision=revision)
    db.session.expire_all()
    assert db.session.get(Booth, added.id).retired_at is None
    assert [c["kind"] for c in publish.version_changes(version)] == ["price_changed"]


def test_two_first_publications_without_a_draft_make_one_version(app, week, organiser):
    from exhibit.weeks.models import ExhibitionWeek
    from tests.conftest import race
    week_id, organiser_id = week.id, organiser.id

    def work(_i):
        from exhibit.accounts.models import User
        return publish.publish(actor=db.session.get(User, organiser_id),
                               week=db.session.get(ExhibitionWeek, week_id), revision=0).number

    results = race(app, work, 2)
    assert sorted(str(r) if isinstance(r, int) else type(r).__name__ for r in results) == [
        "1", "Conflict"], results
    db.session.rollback()  # read afresh, not this session's earlier snapshot
    assert [v.number for v in publish.versions(week)] == [1]


def test_a_booked_booth_blocked_in_the_draft_is_a_problem(week, organiser, make_exhibitor):
    _, booking = book(make_exhibitor, organiser, week, "A03", "Hợp tác xã Bị chặn")
    document = drafts.draft_document(drafts.load_draft(week))
    entry(document, key(week, "A03")).update(blocked=True, blocked_reason="Cột điện")
    document = drafts.clean_document(week, document)
    assert "booking_blocked" in problem_codes(drafts.validate(week, document))
    document["moves"] = [{"allocation_id": booking.id, "to": key(week, "A03")}]
    assert "booking_blocked" in problem_codes(drafts.validate(week, document))
    document["moves"] = [{"allocation_id": booking.id, "to": key(week, "A06")}]
    assert problem_codes(drafts.validate(week, document)) == []
    a03, a06 = get_booth(week, "A03"), get_booth(week, "A06")
    publish.publish(actor=organiser, week=week, revision=save(organiser, week, document))
    db.session.expire_all()
    assert db.session.get(Booth, a03.id).blocked
    assert set(drafts.active_bookings(week)) == {a06.id}


def test_the_diff_tells_parts_of_a_deleted_booth_and_merges_into_a_new_one(week, organiser):
    a01, a02 = get_booth(week, "A01"), get_booth(week, "A02")
    document = drafts.draft_document(drafts.load_draft(week))
    # A01 cut in two, then its first part deleted: the second part is a new booth
    document = drafts.split(document, key(week, "A01"), 2)
    document["booths"] = [b for b in document["booths"] if b["key"] != key(week, "A01")]
    # a new booth drawn below A02, A02 merged into it
    new_booth(document, "n9", "N09", 3.0, 4.0)
    document = drafts.merge(document, ["n9", key(week, "A02")])
    version = publish.publish(actor=organiser, week=week, revision=save(organiser, week, document))

    changes = publish.version_changes(version)
    part = db.session.scalar(select(Booth).where(Booth.week_id == week.id, Booth.code == "A01-2"))
    merged = db.session.scalar(select(Booth).where(Booth.week_id == week.id, Booth.code == "N09"))
    told = {(c["kind"], c["booth_id"]) for c in changes}
    assert ("removed", a01.id) in told
    assert ("added", part.id) in told
    assert ("merged", merged.id) in told
    merge = next(c for c in changes if c["kind"] == "merged")
    assert set(merge["booth_ids"]) == {merged.id, a02.id} and merge["merged_codes"] == ["A02"]
    assert all(publish.diff.describe(c) for c in changes)


@pytest.mark.parametrize("field, value", [
    ("hall_id", []), ("hall_id", {}), ("hall_id", True), ("booth_type", ["standard"]),
    ("booth_type", {"a": 1}), ("cluster_id", [1]), ("cluster_id", {})])
def test_a_list_or_object_where_an_id_or_type_goes_is_a_422(client, week, organiser, field, value):
    from tests.conftest import login
    login(client, organiser)
    document = drafts.draft_document(drafts.load_draft(week))
    document["booths"][0][field] = value
    document["elements"] = [{"key": "n1", "hall_id": week.halls[0].id, "kind": ["column"],
                             "x_m": 1, "y_m": 1, "w_m": 1, "h_m": 1}] if field == "booth_type" else []
    base = f"/organiser/weeks/{week.slug}/plan/editor"
    for url, body in ((f"{base}/draft", {"document": document, "revision": 0}),
                      (f"{base}/operation", {"document": document, "operation": "check"})):
        answer = client.post(url, json=body)
        assert answer.status_code == 422, (url, answer.status_code)
        assert f"booths[0].{field}" in answer.json["fields"]


def test_a_booking_moved_away_is_not_told_to_the_next_holder_of_the_booth(
        week, organiser, make_exhibitor):
    from exhibit.booking.services import apply_to_week, assign_booth
    _, moved = book(make_exhibitor, organiser, week, "A03", "Hợp tác xã Dời đi")
    a03, a06 = get_booth(week, "A03"), get_booth(week, "A06")
    document = drafts.draft_document(drafts.load_draft(week))
    document["moves"] = [{"allocation_id": moved.id, "to": key(week, "A06")}]
    publish.publish(actor=organiser, week=week, revision=save(organiser, week, document))
    later = make_exhibitor("Hợp tác xã Đến sau")
    apply_to_week(actor=later, week=week, data={"booth_count": 1})
    assign_booth(actor=organiser, week=week, booth=db.session.get(Booth, a03.id),
                 business_id=later.business_id)

    assert publish.changes_for_booths(week, {a03.id}) == []
    assert publish.touched_booths({week.id}, {a03.id}) == set()
    assert publish.touched_booths({week.id}, {a06.id}) == {a06.id}
    assert [c["kind"] for _v, found in publish.changes_for_booths(week, {a06.id})
            for c in found] == ["booking_moved"]


def test_a_booth_added_by_the_form_stays_when_the_cluster_page_saves_the_draft(week, organiser):
    from exhibit.floorplan import clusters
    document = drafts.draft_document(drafts.load_draft(week))
    entry(document, key(week, "A01")).update(price_vnd=2_000_000)
    save(organiser, week, document)
    added = save_booth(actor=organiser, week=week, hall_id=week.halls[0].id, data={
        "code": "Z01", "price_vnd": 1_000_000, "grid_x": 20, "grid_y": 6})
    cluster = clusters.save_cluster(actor=organiser, week=week, data={"name": "Cụm Z"})
    saved = clusters.set_cluster_booths(actor=organiser, week=week, cluster=cluster,
                                        booth_keys=[key(week, "A02")],
                                        revision=drafts.load_draft(week).revision)
    assert drafts.booth_key(added.id) in {b["key"] for b in drafts.draft_document(saved)["booths"]}

    publish.publish(actor=organiser, week=week, revision=saved.revision)
    db.session.expire_all()
    assert db.session.get(Booth, added.id).retired_at is None


def test_deleting_booths_sends_as_many_queries_for_five_booths_as_for_one(app, organiser):
    """Booths leaving the plan are checked for bookings in one query, not one or two each."""
    from exhibit.floorplan.services import save_booth as add_booth
    from exhibit.floorplan.services import save_hall
    from exhibit.weeks.services import create_week
    from tests.querycount import counted_queries
    counts = []
    for n, gone in enumerate((1, 5)):
        other = create_week(actor=organiser, data={
            "name_vi": f"Tuần {n}", "name_en": f"Week {n}", "slug": f"tuan-dem-{n}",
            "host_province_scheme": "2025", "host_province_code": "79", "venue_name": "ITPC",
            "start_date": date.today() + timedelta(days=60),
            "end_date": date.today() + timedelta(days=62),
            "status": "open", "hold_minutes": 15})
        hall = save_hall(actor=organiser, week=other, data={"name": "Sảnh", "grid_width": 40,
                                                              "grid_height": 10})
        for i in range(6):
            add_booth(actor=organiser, week=other, hall_id=hall.id, data={
                "code": f"B{i + 1:02d}", "price_vnd": 1_000_000, "grid_x": i * 3, "grid_y": 1})
        document = drafts.draft_document(drafts.load_draft(other))
        document["booths"] = document["booths"][gone:]
        revision = save(organiser, other, document)
        with counted_queries() as statements:
            publish.publish(actor=organiser, week=other, revision=revision)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_a_price_the_booths_column_cannot_hold_is_a_422_not_a_database_error(week, organiser):
    document = drafts.draft_document(drafts.load_draft(week))
    entry(document, key(week, "A01")).update(price_vnd=3_000_000_000)
    try:
        save(organiser, week, document)
    except Exception as refused:  # noqa: BLE001 - the kind of refusal is the point
        assert getattr(refused, "status", None) == 422, repr(refused)
        assert "booths[0].price_vnd" in refused.fields
    else:
        raise AssertionError("saved a price PostgreSQL's integer column cannot hold")
    entry(document, key(week, "A01")).update(price_vnd=drafts.MAX_PRICE_VND)
    publish.publish(actor=organiser, week=week, revision=save(organiser, week, document))
    assert get_booth(week, "A01").price_vnd == drafts.MAX_PRICE_VND


def test_a_move_saved_for_a_booking_that_ended_since_does_not_block_publishing(
        week, organiser, make_exhibitor):
    from exhibit.booking.services import release_allocation
    _, booking = book(make_exhibitor, organiser, week, "A05", "Hợp tác xã Trả gian")
    document = drafts.draft_document(drafts.load_draft(week))
    document = drafts.delete(document, [key(week, "A05")],
                             [{"allocation_id": booking.id, "to": key(week, "A06")}])
    revision = save(organiser, week, document)
    # the booking ends before the draft is published (released, or a hold that lapsed)
    release_allocation(actor=organiser, allocation=booking, reason="Doanh nghiệp rút lui")

    document = drafts.draft_document(drafts.load_draft(week))
    assert problem_codes(drafts.validate(week, document)) == []
    version = publish.publish(actor=organiser, week=week, revision=revision)
    assert [c["kind"] for c in publish.version_changes(version)] == ["removed"]
    assert drafts.active_bookings(week) == {}


def test_an_editor_opened_before_the_form_added_a_booth_saves_without_deleting_it(
        client, week, organiser):
    import json as json_module
    import re

    from tests.conftest import login
    login(client, organiser)
    base = f"/organiser/weeks/{week.slug}/plan/editor"
    page = client.get(base).get_data(as_text=True)
    config = json_module.loads(re.search(
        r'<script type="application/json" id="plan-editor-data">(.*?)</script>', page,
        re.S).group(1))
    # meanwhile, in another tab, a booth is added with the booth form
    added = save_booth(actor=organiser, week=week, hall_id=week.halls[0].id, data={
        "code": "Z01", "price_vnd": 1_000_000, "grid_x": 20, "grid_y": 6})
    document = config["document"]
    entry(document, key(week, "A01")).update(price_vnd=2_000_000)
    saved = client.post(f"{base}/draft", json={"document": document, "revision": config["revision"],
                                               "opened_at": config["opened_at"]})
    assert saved.status_code == 200, saved.json
    stored = drafts.draft_document(drafts.load_draft(week))
    assert drafts.booth_key(added.id) in {b["key"] for b in stored["booths"]}

    publish.publish(actor=organiser, week=week, revision=saved.json["revision"])
    db.session.expire_all()
    assert db.session.get(Booth, added.id).retired_at is None
    assert db.session.get(Booth, get_booth(week, "A01").id).price_vnd == 2_000_000


def test_a_booking_that_arrived_on_a_booth_the_draft_deleted_can_be_given_a_move(
        client, week, organiser, make_exhibitor):
    """The editor asks where it goes (operation "ask": every booking still needing a move, with
    the booths it could go to), then posts the move."""
    from tests.conftest import login
    login(client, organiser)
    document = drafts.draft_document(drafts.load_draft(week))
    document["booths"] = [b for b in document["booths"] if b["key"] != key(week, "A05")]
    save(organiser, week, document)
    _, late = book(make_exhibitor, organiser, week, "A05", "Hợp tác xã Đặt muộn")
    base = f"/organiser/weeks/{week.slug}/plan/editor"

    asked = client.post(f"{base}/operation", json={"document": document, "operation": "ask"})
    assert asked.status_code == 422 and asked.json["error"] == "booking_needs_move"
    assert [b["allocation_id"] for b in asked.json["bookings"]] == [late.id]
    assert not asked.json["bookings"][0]["can_stay"]
    assert key(week, "A06") in {b["key"] for b in asked.json["free_booths"]}
    moved = client.post(f"{base}/operation", json={
        "document": document, "operation": "ask",
        "moves": [{"allocation_id": late.id, "to": key(week, "A06")}]})
    assert moved.status_code == 200
    assert moved.json["document"]["moves"] == [{"allocation_id": late.id, "to": key(week, "A06")}]
    assert problem_codes(moved.json["problems"]) == []
    # nothing to ask: the document as it is
    assert client.post(f"{base}/operation", json={"document": moved.json["document"],
                                                  "operation": "ask"}).status_code == 200


def test_two_bookings_swapping_booths_are_a_problem_not_a_409_at_publishing(
        week, organiser, make_exhibitor):
    _, first = book(make_exhibitor, organiser, week, "A01", "Hợp tác xã Một")
    _, second = book(make_exhibitor, organiser, week, "A02", "Hợp tác xã Hai")
    document = drafts.draft_document(drafts.load_draft(week))
    document["moves"] = [{"allocation_id": first.id, "to": key(week, "A02")},
                         {"allocation_id": second.id, "to": key(week, "A01")}]
    assert "move_cycle" in problem_codes(drafts.validate(week, document))
    cycle = next(p for p in drafts.validate(week, document) if p["code"] == "move_cycle")
    assert cycle["allocation_id"] in {first.id, second.id}  # the editor asks where it goes
    # a chain is fine: A01's booking to A03, A02's to A01
    document["moves"] = [{"allocation_id": first.id, "to": key(week, "A03")},
                         {"allocation_id": second.id, "to": key(week, "A01")}]
    assert problem_codes(drafts.validate(week, document)) == []
    publish.publish(actor=organiser, week=week, revision=save(organiser, week, document))
    assert set(drafts.active_bookings(week)) == {get_booth(week, "A03").id,
                                                 get_booth(week, "A01").id}


def test_the_booth_form_refuses_edits_while_a_draft_is_open_and_prices_beyond_two_billion(
        app, organiser, open_week):
    """An edit through the booth form while the editor holds a draft would be put back at
    publishing: it is refused (409) with the way out; a price the column cannot hold is a field
    error, not a database error."""
    from exhibit.core.errors import Conflict as _Conflict
    from exhibit.core.errors import ValidationFailed
    from exhibit.floorplan import draft as _drafts
    from exhibit.floorplan.services import get_booth, save_booth, set_booth_blocked
    booth = get_booth(open_week, "A01")
    data = {"code": "A01", "price_vnd": "2000000001", "x_m": "0", "y_m": "1"}
    with pytest.raises(ValidationFailed) as refused:
        save_booth(actor=organiser, week=open_week, hall_id=booth.hall_id, data=data,
                   booth=booth)
    assert "price_vnd" in refused.value.fields
    draft = _drafts.load_draft(open_week)
    _drafts.save_draft(actor=organiser, week=open_week, document=_drafts.draft_document(draft),
                       revision=draft.revision)
    with pytest.raises(_Conflict) as drafted:
        save_booth(actor=organiser, week=open_week, hall_id=booth.hall_id,
                   data={**data, "price_vnd": "5000000"}, booth=booth)
    assert drafted.value.code == "plan_drafted"
    with pytest.raises(_Conflict):
        set_booth_blocked(actor=organiser, week=open_week, booth=booth, blocked=True)
    # a new booth is still welcome: the editor picks it up
    save_booth(actor=organiser, week=open_week, hall_id=booth.hall_id,
               data={"code": "Z01", "price_vnd": "0", "x_m": "20", "y_m": "6"})
