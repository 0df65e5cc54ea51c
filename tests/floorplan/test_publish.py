"""Publishing the plan editor's draft (floorplan.publish): the rows become the draft in one
transaction, a stale revision is refused (409), a plan with problems too (422), versions are
numbered, every kind of change is recorded readably, a merge moves the booked booth's booking
to the surviving booth (whose printed QR still opens it), and only the exhibitors whose booth
changed are told, with what changed for them — on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from exhibit.booking import queries as booking_queries
from exhibit.booking.services import apply_to_week, assign_booth
from exhibit.core.audit import AuditEntry
from exhibit.core.errors import Conflict, Forbidden, ValidationFailed
from exhibit.extensions import db
from exhibit.floorplan import diff, publish
from exhibit.floorplan import draft as drafts
from exhibit.floorplan.models import Booth, BoothCluster, PlanDraft, PlanElement, PlanVersion
from exhibit.floorplan.services import get_booth
from exhibit.messaging.models import Message
from exhibit.visitors.models import BoothToken


def key(week, code: str) -> str:
    return drafts.booth_key(get_booth(week, code).id)


def entry(document: dict, booth_key: str) -> dict:
    return next(b for b in document["booths"] if b["key"] == booth_key)


def new_booth(document: dict, key: str, code: str, x: float, y: float, w=3.0, h=3.0, **extra):
    hall_id = document["booths"][0]["hall_id"]
    document["booths"].append({
        "key": key, "id": None, "hall_id": hall_id, "code": code, "booth_type": "standard",
        "x_m": x, "y_m": y, "w_m": w, "h_m": h, "rotation": 0, "outline": [],
        "price_vnd": 1_300_000, "width_m": w, "depth_m": h, "area_m2": w * h, "blocked": False,
        "blocked_reason": "", "cluster_id": None, "merged_from": [], "split_from": None, **extra})
    return document


def save(organiser, week, document) -> int:
    revision = drafts.load_draft(week).revision
    return drafts.save_draft(actor=organiser, week=week, document=document,
                             revision=revision).revision


def book(make_exhibitor, organiser, week, code: str, name: str):
    user = make_exhibitor(name)
    apply_to_week(actor=user, week=week, data={"booth_count": 1})
    allocation = assign_booth(actor=organiser, week=week, booth=get_booth(week, code),
                              business_id=user.business_id)
    return user, allocation


def kinds(changes: list[dict]) -> list[str]:
    return [c["kind"] for c in changes]


def plan_messages(business_id=None) -> list[Message]:
    query = select(Message).where(Message.event == "floorplan.changed")
    if business_id is not None:
        query = query.where(Message.business_id == business_id)
    return db.session.scalars(query.order_by(Message.id)).all()


# -- applying ------------------------------------------------------------------------------------

def test_publishing_applies_the_draft_and_records_every_kind_of_change(week, organiser):
    cluster = BoothCluster(week_id=week.id, name="Cụm gian hàng tỉnh Đắk Lắk",
                           province_scheme="2025", province_code="66")
    db.session.add(cluster)
    db.session.commit()
    a01, a02, a03, a04, a05, a06 = (get_booth(week, f"A0{i}") for i in range(1, 7))
    document = drafts.draft_document(drafts.load_draft(week))
    entry(document, key(week, "A01")).update(y_m=5.0)                      # moved
    entry(document, key(week, "A02")).update(w_m=2.0, width_m=2.0, area_m2=6.0)  # resized
    entry(document, key(week, "A03")).update(code="B03")                   # renumbered
    entry(document, key(week, "A04")).update(price_vnd=2_000_000)          # price changed
    entry(document, key(week, "A05")).update(cluster_id=cluster.id)        # cluster changed
    document["booths"] = [b for b in document["booths"] if b["key"] != key(week, "A06")]  # removed
    new_booth(document, "n1", "C01", 20.0, 5.0)                            # added
    document["elements"].append({"key": "n2", "id": None, "hall_id": a01.hall_id,
                                 "kind": "column", "label": "C1", "x_m": 28.0, "y_m": 8.0,
                                 "w_m": 0.5, "h_m": 0.5, "rotation": 0})
    revision = save(organiser, week, document)

    version = publish.publish(actor=organiser, week=week, revision=revision, note="Bản 1")
    db.session.expire_all()

    assert version.number == 1 and version.note == "Bản 1"
    changes = publish.version_changes(version)
    assert sorted(kinds(changes)) == sorted(["moved", "resized", "renumbered", "price_changed",
                                             "cluster_changed", "removed", "added"])
    assert db.session.get(Booth, a01.id).y_m == 5.0
    assert db.session.get(Booth, a02.id).w_m == 2.0
    renumbered = db.session.get(Booth, a03.id)
    assert renumbered.code == "B03"
    assert db.session.get(Booth, a04.id).price_vnd == 2_000_000
    assert db.session.get(Booth, a05.id).cluster_id == cluster.id
    removed = db.session.get(Booth, a06.id)
    assert removed.retired_at is not None and removed.merged_into_id is None
    assert removed.code != "A06"  # the code is free for the plan again
    added = db.session.scalar(select(Booth).where(Booth.week_id == week.id, Booth.code == "C01"))
    assert (added.x_m, added.y_m, added.w_m, added.h_m) == (20.0, 5.0, 3.0, 3.0)
    # a new booth gets its printed QR as any new booth does
    assert db.session.scalar(select(BoothToken).where(BoothToken.booth_id == added.id))
    assert [e.label for e in db.session.scalars(select(PlanElement))] == ["C1"]
    # the draft is spent: the editor starts again from the plan just published
    assert db.session.get(PlanDraft, week.id) is None
    assert drafts.load_draft(week).base_version == 1
    # the snapshot is the plan as published
    snapshot = publish.version_snapshot(version)
    assert sorted(b["code"] for b in snapshot["booths"]) == ["A01", "A02", "A04", "A05", "B03", "C01"]
    assert snapshot == publish.snapshot(week)
    # audited
    entry_ = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "plan_version"))
    assert entry_.action == "publish" and entry_.entity_id == version.id
    assert entry_.after["number"] == 1 and entry_.after["changes"]["added"] == 1
    # each change reads as a sentence
    for change in changes:
        assert diff.describe(change) and diff.describe(change) != change["kind"]


def test_a_stale_revision_is_refused_and_changes_nothing(week, organiser):
    document = drafts.draft_document(drafts.load_draft(week))
    entry(document, key(week, "A01")).update(code="Z01")
    revision = save(organiser, week, document)
    with pytest.raises(Conflict) as refused:
        publish.publish(actor=organiser, week=week, revision=revision - 1)
    assert refused.value.code == "stale_revision"
    db.session.expire_all()
    assert get_booth(week, "A01") and db.session.scalar(select(PlanVersion)) is None


def test_a_plan_with_problems_is_refused_naming_the_booth(week, organiser):
    document = drafts.draft_document(drafts.load_draft(week))
    entry(document, key(week, "A02")).update(x_m=1.0)  # over A01
    revision = save(organiser, week, document)
    with pytest.raises(ValidationFailed) as refused:
        publish.publish(actor=organiser, week=week, revision=revision)
    assert refused.value.code == "plan_has_problems"
    assert key(week, "A02") in refused.value.fields
    db.session.expire_all()
    assert get_booth(week, "A02").x_m == 3.0
    assert db.session.scalar(select(PlanVersion)) is None


def test_only_the_weeks_organisers_publish(week, make_exhibitor):
    with pytest.raises(Forbidden):
        publish.publish(actor=make_exhibitor(), week=week, revision=0)


def test_versions_are_numbered_and_an_unchanged_draft_is_not_published_again(week, organiser):
    first = publish.publish(actor=organiser, week=week, revision=0)
    assert first.number == 1 and publish.version_changes(first) == []
    with pytest.raises(Conflict) as refused:
        publish.publish(actor=organiser, week=week, revision=0)
    assert refused.value.code == "nothing_to_publish"
    document = drafts.draft_document(drafts.load_draft(week))
    assert drafts.load_draft(week).base_version == 1
    entry(document, key(week, "A01")).update(code="A10")
    second = publish.publish(actor=organiser, week=week, revision=save(organiser, week, document))
    assert second.number == 2
    assert [v.number for v in publish.versions(week)] == [2, 1]
    assert kinds(publish.version_changes(second)) == ["renumbered"]


# -- merges, splits and bookings -----------------------------------------------------------------

def test_a_merge_moves_the_booking_to_the_surviving_booth_and_tells_that_exhibitor_only(
        week, organiser, make_exhibitor, client):
    a01, a02 = get_booth(week, "A01"), get_booth(week, "A02")
    a01_id, a02_id = a01.id, a02.id
    user, allocation = book(make_exhibitor, organiser, week, "A02", "Hợp tác xã Cà phê Buôn Ma Thuột")
    other, _other_allocation = book(make_exhibitor, organiser, week, "A05", "Cơ sở Mật ong Bảo Lộc")
    token_a01 = db.session.scalar(select(BoothToken.token).where(BoothToken.booth_id == a01_id))
    before = len(plan_messages())
    moved_messages = db.session.scalar(select(db.func.count(Message.id)).where(
        Message.event == "booking.moved"))

    document = drafts.merge(drafts.draft_document(drafts.load_draft(week)),
                            [key(week, "A01"), key(week, "A02")], price_rule="sum")
    # without the booking's move the merge is refused
    revision = save(organiser, week, document)
    with pytest.raises(ValidationFailed):
        publish.publish(actor=organiser, week=week, revision=revision)
    document = drafts.add_moves(document, [{"allocation_id": allocation.id, "to": key(week, "A01")}])
    version = publish.publish(actor=organiser, week=week, revision=save(organiser, week, document))
    db.session.expire_all()

    survivor, gone = db.session.get(Booth, a01_id), db.session.get(Booth, a02_id)
    assert survivor.code == "A01" and survivor.retired_at is None
    assert survivor.area_m2 == 18.0 and survivor.price_vnd == 2_600_000
    assert gone.retired_at is not None and gone.merged_into_id == a01_id
    holder = booking_queries.booth_states(week)[a01_id].allocation
    assert holder.business_id == user.business_id and holder.status == "confirmed"
    assert a02_id not in booking_queries.booth_states(week)
    changes = publish.version_changes(version)
    assert kinds(changes) == ["merged", "price_changed", "booking_moved"]
    assert changes[0]["merged_codes"] == ["A02"]

    # the surviving booth's printed QR still opens its page, with its exhibitor
    page = client.get(f"/b/{token_a01}")
    assert page.status_code == 200
    assert "A01" in page.get_data(as_text=True)
    assert "Cà phê Buôn Ma Thuột" in page.get_data(as_text=True)

    # the exhibitor is told once, by the publication, what changed for them; nobody else is
    told = plan_messages()[before:]
    assert {m.business_id for m in told} == {user.business_id}
    assert plan_messages(other.business_id) == []
    message = told[0]
    assert "A02" in message.body_text and "A01" in message.body_text
    assert "18" in message.body_text  # the merged booth's area
    assert db.session.scalar(select(db.func.count(Message.id)).where(
        Message.event == "booking.moved")) == moved_messages
    # the move is audited as booking's own, naming the version
    move = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "allocation",
                                                      AuditEntry.action == "move"))
    assert move.business_id == user.business_id and "1" in move.note


def test_a_split_adds_the_new_part_with_its_own_qr(week, organiser):
    a03 = get_booth(week, "A03")
    document = drafts.split(drafts.draft_document(drafts.load_draft(week)), key(week, "A03"), 2)
    version = publish.publish(actor=organiser, week=week, revision=save(organiser, week, document))
    db.session.expire_all()
    changes = publish.version_changes(version)
    assert kinds(changes) == ["split", "price_changed"]
    part_code = changes[0]["part_codes"][0]
    part = get_booth(week, part_code)
    assert db.session.get(Booth, a03.id).w_m == 1.5 and part.w_m == 1.5
    assert db.session.scalar(select(BoothToken).where(BoothToken.booth_id == part.id))
    assert sorted(changes[0]["booth_ids"]) == sorted([a03.id, part.id])


def test_a_deleted_booked_booth_needs_its_booking_moved(week, organiser, make_exhibitor):
    user, allocation = book(make_exhibitor, organiser, week, "A03", "Công ty TNHH Chè Thái")
    document = drafts.draft_document(drafts.load_draft(week))
    document["booths"] = [b for b in document["booths"] if b["key"] != key(week, "A03")]
    document = drafts.add_moves(document, [{"allocation_id": allocation.id, "to": key(week, "A06")}])
    version = publish.publish(actor=organiser, week=week, revision=save(organiser, week, document))
    db.session.expire_all()
    assert kinds(publish.version_changes(version)) == ["removed", "booking_moved"]
    a06 = get_booth(week, "A06")
    assert booking_queries.booth_states(week)[a06.id].allocation.business_id == user.business_id
    told = plan_messages(user.business_id)
    assert len(told) == 1 and "A06" in told[0].body_text


def test_pending_changes_say_what_publishing_will_do(week, organiser):
    document = drafts.draft_document(drafts.load_draft(week))
    entry(document, key(week, "A01")).update(code="A11")
    new_booth(document, "n1", "C01", 20.0, 5.0)
    revision = save(organiser, week, document)
    pending = publish.pending(week)
    assert pending.revision == revision and pending.saved
    assert sorted(kinds(pending.changes)) == ["added", "renumbered"]
    assert pending.errors == []
    db.session.expire_all()
    assert get_booth(week, "A01")  # reading changed nothing


def test_exhibitors_see_the_changes_that_touched_their_booth(week, organiser, make_exhibitor):
    user, _allocation = book(make_exhibitor, organiser, week, "A02", "Hộ kinh doanh Bánh pía")
    document = drafts.draft_document(drafts.load_draft(week))
    entry(document, key(week, "A02")).update(price_vnd=1_500_000)
    entry(document, key(week, "A04")).update(code="A14")
    publish.publish(actor=organiser, week=week, revision=save(organiser, week, document))
    a02 = get_booth(week, "A02")
    found = publish.changes_for_booths(week, [a02.id])
    assert [(v.number, kinds(c)) for v, c in found] == [(1, ["price_changed"])]
    told = plan_messages(user.business_id)
    assert len(told) == 1 and "A02" in told[0].body_text and "A14" not in told[0].body_text
    assert publish.touched_booths({week.id}, {a02.id, get_booth(week, "A03").id}) == {a02.id}


def test_my_page_links_to_what_changed_on_the_plan(week, organiser, make_exhibitor, client):
    from tests.conftest import login
    user, _allocation = book(make_exhibitor, organiser, week, "A02", "Hộ kinh doanh Bánh pía")
    login(client, user)
    assert "/plan-changes" not in client.get("/my").get_data(as_text=True)
    document = drafts.draft_document(drafts.load_draft(week))
    entry(document, key(week, "A02")).update(y_m=5.0)
    publish.publish(actor=organiser, week=week, revision=save(organiser, week, document))
    page = client.get("/my").get_data(as_text=True)
    assert f"/my/weeks/{week.slug}/plan-changes" in page
    changes = client.get(f"/my/weeks/{week.slug}/plan-changes").get_data(as_text=True)
    assert "A02" in changes


def test_the_publish_button_answers_409_when_stale_and_422_with_problems(week, organiser, client):
    from tests.conftest import login
    login(client, organiser)
    document = drafts.draft_document(drafts.load_draft(week))
    entry(document, key(week, "A02")).update(x_m=1.0)  # over A01
    revision = save(organiser, week, document)
    url = f"/organiser/weeks/{week.slug}/plan/publish"
    page = client.get(url).get_data(as_text=True)
    assert 'name="revision"' not in page  # no button while the plan has errors
    refused = client.post(url, data={"revision": revision})
    assert refused.status_code == 422 and "A02" in refused.get_data(as_text=True)
    entry(document, key(week, "A02")).update(x_m=3.0, code="A12")
    revision = save(organiser, week, document)
    stale = client.post(url, data={"revision": revision - 1})
    assert stale.status_code == 409
    done = client.post(url, data={"revision": revision, "note": "Đổi số gian"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/plan/versions/1")
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "A12" in page and "Đổi số gian" in page
    assert client.get(f"/organiser/weeks/{week.slug}/plan/versions").status_code == 200
    assert client.get(f"/organiser/weeks/{week.slug}/plan/versions/2").status_code == 404


def test_two_organisers_publishing_at_once_make_one_version(app, week, organiser):
    """The draft's row lock: the second publication of the same revision waits, then finds the
    draft spent (409)."""
    from exhibit.weeks.models import ExhibitionWeek
    from tests.conftest import race
    document = drafts.draft_document(drafts.load_draft(week))
    entry(document, key(week, "A01")).update(code="A21")
    revision = save(organiser, week, document)
    week_id, organiser_id = week.id, organiser.id

    def work(_i):
        from exhibit.accounts.models import User
        return publish.publish(actor=db.session.get(User, organiser_id),
                               week=db.session.get(ExhibitionWeek, week_id), revision=revision).number

    results = race(app, work, 2)
    assert sorted(str(r) if isinstance(r, int) else type(r).__name__ for r in results) == [
        "1", "Conflict"], results
    assert [v.number for v in publish.versions(week)] == [1]


def test_a_retired_booth_cannot_be_held_or_assigned(app, organiser, open_week, make_exhibitor):
    """A request that waited for a booth's lock while publishing retired it finds it gone."""
    from exhibit.booking.services import hold_booth
    from exhibit.core.db import utcnow
    from exhibit.core.errors import NotFound
    from exhibit.floorplan.models import Booth
    from exhibit.floorplan.services import get_booth
    user = make_exhibitor()
    apply_to_week(actor=user, week=open_week, data={"booth_count": 1})
    booth = get_booth(open_week, "A01")
    db.session.get(Booth, booth.id).retired_at = utcnow()
    db.session.commit()
    with pytest.raises(NotFound):
        hold_booth(actor=user, week=open_week, booth=booth)
    with pytest.raises(NotFound):
        assign_booth(actor=organiser, week=open_week, booth=booth, business_id=user.business_id)
