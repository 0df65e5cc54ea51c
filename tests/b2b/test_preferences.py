"""Preferences, blocked slots, answer deadlines and the generated schedule, through the real
services and pages on both databases: nobody and no table twice in a slot, blocked slots and
"no" pairs respected, locked meetings kept by a new generation, expired requests refused."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from tests.b2b.conftest import BUYER_PASSWORD
from tests.conftest import login


def _buyer_user(buyer):
    from exhibit.accounts.models import User
    from exhibit.extensions import db
    return db.session.query(User).filter_by(business_id=buyer.business_id).one()


def _scheduled(week):
    from exhibit.b2b.models import Meeting
    from exhibit.extensions import db
    db.session.expire_all()
    return db.session.query(Meeting).filter(Meeting.week_id == week.id,
                                            Meeting.slot_id.isnot(None)).all()


def _assert_not_double_booked(meetings):
    for key in (lambda m: (m.slot_id, m.table_id), lambda m: (m.slot_id, m.buyer_id),
                lambda m: (m.slot_id, m.supplier_id)):
        assert max(Counter(map(key, meetings)).values(), default=0) == 1


def _mark_everything(week, buyers, suppliers, level="meet"):
    from exhibit.b2b import services
    for buyer in buyers:
        for supplier in suppliers:
            services.set_preference(actor=_buyer_user(buyer), week=week,
                                    other_id=supplier.business_id, level=level)


def test_a_generated_schedule_respects_preferences_blocked_slots_and_tables(organiser, fair):
    from exhibit.b2b import services
    week, buyers, suppliers, slots, tables = fair
    _mark_everything(week, buyers, suppliers)
    # the first buyer must meet the last supplier; the second supplier says no to the first buyer
    services.set_preference(actor=_buyer_user(buyers[0]), week=week,
                            other_id=suppliers[3].business_id, level="must")
    services.set_preference(actor=suppliers[1], week=week, other_id=buyers[0].id, level="no")
    # the first buyer cannot come at 9:00, the first supplier at 9:25
    services.set_blocked_slots(actor=_buyer_user(buyers[0]), week=week, slot_ids=[slots[0].id])
    services.set_blocked_slots(actor=suppliers[0], week=week, slot_ids=[str(slots[1].id)])

    result = services.generate_schedule(actor=organiser, week=week, seconds=3)
    meetings = _scheduled(week)
    # 12 pairs wanted, one refused; 3 slots × 2 tables = 6 places, all filled
    assert result.scheduled == len(meetings) == 6 and result.must == 1
    _assert_not_double_booked(meetings)
    pairs = {(m.buyer_id, m.supplier_id) for m in meetings}
    assert (buyers[0].id, suppliers[1].business_id) not in pairs
    assert (buyers[0].id, suppliers[3].business_id) in pairs
    assert not [m for m in meetings if m.buyer_id == buyers[0].id and m.slot_id == slots[0].id]
    assert not [m for m in meetings if m.supplier_id == suppliers[0].business_id
                and m.slot_id == slots[1].id]
    assert all(m.generated and m.status == "accepted" and not m.locked for m in meetings)


def test_locked_meetings_survive_a_new_generation_and_generated_ones_are_replaced(organiser, fair):
    from exhibit.b2b import services
    from exhibit.b2b.models import Meeting
    from exhibit.extensions import db
    week, buyers, suppliers, slots, tables = fair
    _mark_everything(week, buyers, suppliers)
    # a meeting the organiser paired and put at 9:50, table 2, by hand: locked
    paired = services.request_meeting(actor=organiser, week=week, buyer_id=buyers[2].id,
                                      supplier_id=suppliers[0].business_id)
    services.schedule(actor=organiser, meeting=paired, slot_id=slots[2].id, table_id=tables[1].id)
    services.generate_schedule(actor=organiser, week=week, seconds=3)
    first = _scheduled(week)
    # the organiser locks one generated meeting, and a buyer changes their mind about another
    kept = next(m for m in first if m.generated)
    services.set_locked(actor=organiser, meeting=kept, locked=True)
    dropped = next(m for m in first if m.generated and m.id != kept.id)
    services.set_preference(actor=_buyer_user(db.session.get(type(dropped.buyer), dropped.buyer_id)),
                            week=week, other_id=dropped.supplier_id, level="no")

    services.generate_schedule(actor=organiser, week=week, seconds=3)
    second = _scheduled(week)
    _assert_not_double_booked(second)
    by_id = {m.id: m for m in second}
    assert (by_id[paired.id].slot_id, by_id[paired.id].table_id) == (slots[2].id, tables[1].id)
    assert (by_id[kept.id].slot_id, by_id[kept.id].table_id) == (kept.slot_id, kept.table_id)
    assert (dropped.buyer_id, dropped.supplier_id) not in {(m.buyer_id, m.supplier_id) for m in second}
    # generated meetings not locked were replaced, never duplicated: one meeting per pair
    assert max(Counter((m.buyer_id, m.supplier_id) for m in db.session.query(Meeting).filter(
        Meeting.status == "accepted")).values()) == 1
    # unlocked again, the meeting may move; the organiser's hand-placed one is still locked
    services.set_locked(actor=organiser, meeting=kept, locked=False)
    assert db.session.get(Meeting, paired.id).locked


def test_accepted_requests_are_scheduled_first_and_open_ones_wait(organiser, fair):
    """An accepted request counts as a must-meet pair; a pair with an unanswered request is
    not generated (its answer decides)."""
    from exhibit.b2b import services
    week, buyers, suppliers, slots, tables = fair
    asked = services.request_meeting(actor=_buyer_user(buyers[0]), week=week, buyer_id=buyers[0].id,
                                     supplier_id=suppliers[0].business_id)
    services.respond(actor=suppliers[0], meeting=asked, accept=True)
    waiting = services.request_meeting(actor=_buyer_user(buyers[1]), week=week,
                                       buyer_id=buyers[1].id, supplier_id=suppliers[1].business_id)
    _mark_everything(week, buyers[1:2], suppliers[1:2], "must")
    result = services.generate_schedule(actor=organiser, week=week, seconds=2)
    meetings = _scheduled(week)
    assert [m.id for m in meetings] == [asked.id] and result.must == 1
    assert waiting.id not in {m.id for m in meetings}


def test_the_greedy_scheduler_is_still_there_to_compare(organiser, fair):
    from exhibit.b2b import services
    week, buyers, suppliers, slots, tables = fair
    _mark_everything(week, buyers, suppliers)
    result = services.generate_schedule(actor=organiser, week=week, method="greedy")
    meetings = _scheduled(week)
    assert result.method == "greedy" and len(meetings) == 6
    _assert_not_double_booked(meetings)


def test_generation_needs_slots_and_tables(organiser, open_week):
    from exhibit.b2b import services
    from exhibit.core.errors import Conflict, ValidationFailed
    with pytest.raises(Conflict) as refused:
        services.generate_schedule(actor=organiser, week=open_week)
    assert refused.value.code == "no_slots"
    with pytest.raises(ValidationFailed) as bad:
        services.generate_schedule(actor=organiser, week=open_week, method="magic")
    assert "method" in bad.value.fields


def test_preferences_and_blocked_slots_refuse_bad_input_naming_the_field(fair, make_exhibitor):
    from exhibit.b2b import services
    from exhibit.core.errors import Forbidden, ValidationFailed
    week, buyers, suppliers, slots, tables = fair
    buyer_user = _buyer_user(buyers[0])
    with pytest.raises(ValidationFailed) as bad:
        services.set_preference(actor=buyer_user, week=week, other_id=suppliers[0].business_id,
                                level="maybe")
    assert "level" in bad.value.fields
    with pytest.raises(ValidationFailed) as bad:  # not a supplier of the week
        services.set_preference(actor=buyer_user, week=week, other_id=buyers[1].business_id,
                                level="meet")
    assert "supplier_id" in bad.value.fields
    with pytest.raises(ValidationFailed) as bad:
        services.set_preference(actor=suppliers[0], week=week, other_id=10**6, level="meet")
    assert "buyer_id" in bad.value.fields
    with pytest.raises(ValidationFailed) as bad:
        services.set_blocked_slots(actor=buyer_user, week=week, slot_ids=[slots[0].id, "x"])
    assert "slots" in bad.value.fields
    with pytest.raises(Forbidden):  # an exhibitor without a booth at the week
        services.set_blocked_slots(actor=make_exhibitor(), week=week, slot_ids=[])
    # marks change and clear; blocked slots are replaced by the ones ticked
    services.set_preference(actor=buyer_user, week=week, other_id=suppliers[0].business_id, level="must")
    services.set_preference(actor=buyer_user, week=week, other_id=suppliers[0].business_id, level="no")
    services.set_preference(actor=buyer_user, week=week, other_id=suppliers[1].business_id, level="meet")
    services.set_preference(actor=buyer_user, week=week, other_id=suppliers[1].business_id, level="")
    taking_part = services.participation(week, buyer_user)
    assert services.my_preferences(week, taking_part) == {suppliers[0].business_id: "no"}
    services.set_blocked_slots(actor=buyer_user, week=week, slot_ids=[slots[0].id, slots[1].id])
    services.set_blocked_slots(actor=buyer_user, week=week, slot_ids=[slots[2].id])
    assert services.blocked_slot_ids(week, taking_part) == {slots[2].id}


def test_an_expired_request_cannot_be_accepted(client, organiser, fair):
    from exhibit.b2b import services
    from exhibit.b2b.models import Meeting
    from exhibit.core.errors import Conflict, ValidationFailed
    from exhibit.extensions import db
    week, buyers, suppliers, slots, tables = fair
    with pytest.raises(ValidationFailed) as bad:
        services.update_settings(actor=organiser, week=week, request_hours="abc", fixed_tables=False)
    assert "request_hours" in bad.value.fields
    services.update_settings(actor=organiser, week=week, request_hours="48", fixed_tables=False)
    asked = services.request_meeting(actor=suppliers[0], week=week, buyer_id=buyers[0].id,
                                     supplier_id=suppliers[0].business_id)
    assert timedelta(hours=47) < asked.expires_at - asked.created_at <= timedelta(hours=48)
    fresh = services.request_meeting(actor=suppliers[1], week=week, buyer_id=buyers[0].id,
                                     supplier_id=suppliers[1].business_id)
    # two days later, unanswered
    asked.expires_at = asked.created_at - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        services.respond(actor=_buyer_user(buyers[0]), meeting=asked, accept=True)
    assert refused.value.status == 409 and refused.value.code == "request_expired"
    assert "expired" in refused.value.message.lower() or "hết hạn" in refused.value.message

    # the pass marks it once, and again finds nothing
    assert services.expire_requests() == 1
    assert services.expire_requests() == 0
    db.session.expire_all()
    assert db.session.get(Meeting, asked.id).status == "expired"
    assert db.session.get(Meeting, fresh.id).status == "requested"
    with pytest.raises(Conflict) as refused:
        services.respond(actor=_buyer_user(buyers[0]), meeting=asked, accept=False)
    assert refused.value.code == "request_expired"

    # the buyer's page offers no answer to it, and posting one changes nothing
    login(client, _buyer_user(buyers[0]), BUYER_PASSWORD)
    page = client.get(f"/my/weeks/{week.slug}/b2b").get_data(as_text=True)
    assert f"/meetings/{asked.id}/accept" not in page and f"/meetings/{fresh.id}/accept" in page
    client.post(f"/my/weeks/{week.slug}/b2b/meetings/{asked.id}/accept")
    db.session.expire_all()
    assert db.session.get(Meeting, asked.id).status == "expired"
    # the pair may ask again
    again = services.request_meeting(actor=suppliers[0], week=week, buyer_id=buyers[0].id,
                                     supplier_id=suppliers[0].business_id)
    assert again.status == "requested"


def test_the_expiry_pass_runs_before_the_page_reads(client, organiser, fair):
    from exhibit.b2b import services
    from exhibit.b2b.models import Meeting
    from exhibit.extensions import db
    week, buyers, suppliers, slots, tables = fair
    services.update_settings(actor=organiser, week=week, request_hours=1, fixed_tables=False)
    asked = services.request_meeting(actor=suppliers[0], week=week, buyer_id=buyers[0].id,
                                     supplier_id=suppliers[0].business_id)
    asked.expires_at = asked.created_at - timedelta(seconds=1)
    db.session.commit()
    login(client, organiser)
    page = client.get(f"/organiser/weeks/{week.slug}/b2b?status=expired").get_data(as_text=True)
    assert f'id="m{asked.id}"' in page
    db.session.expire_all()
    assert db.session.get(Meeting, asked.id).status == "expired"


def test_participants_mark_and_block_through_their_page(client, fair):
    from exhibit.b2b import services
    week, buyers, suppliers, slots, tables = fair
    buyer_user = _buyer_user(buyers[0])
    login(client, buyer_user, BUYER_PASSWORD)
    base = f"/my/weeks/{week.slug}/b2b"
    assert client.post(f"{base}/preferences", data={
        "other_id": str(suppliers[2].business_id), "level": "must"}).status_code == 302
    assert client.post(f"{base}/blocked-slots", data={"slots": [str(slots[1].id)]}).status_code == 302
    taking_part = services.participation(week, buyer_user)
    assert services.my_preferences(week, taking_part) == {suppliers[2].business_id: "must"}
    assert services.blocked_slot_ids(week, taking_part) == {slots[1].id}
    page = client.get(base).get_data(as_text=True)
    assert "data-my-preferences" in page and f'value="{slots[1].id}" checked' in page
    # a bad level is refused with its message, nothing stored
    client.post(f"{base}/preferences", data={"other_id": str(suppliers[2].business_id),
                                             "level": "maybe"})
    assert services.my_preferences(week, taking_part) == {suppliers[2].business_id: "must"}


def test_the_organiser_generates_and_locks_from_the_page(client, organiser, fair):
    from exhibit.b2b import services
    from exhibit.b2b.models import Meeting
    from exhibit.extensions import db
    week, buyers, suppliers, slots, tables = fair
    _mark_everything(week, buyers[:1], suppliers[:2])
    login(client, organiser)
    base = f"/organiser/weeks/{week.slug}/b2b"
    assert client.post(f"{base}/settings", data={"request_hours": "24", "fixed_tables": "1"}
                       ).status_code == 302
    assert services.session_settings(week).fixed_tables
    assert client.post(f"{base}/generate", data={"method": "optimised"}).status_code == 302
    meetings = _scheduled(week)
    assert len(meetings) == 2
    page = client.get(base).get_data(as_text=True)
    assert "data-generate" in page and f'data-lock="{meetings[0].id}"' in page
    client.post(f"{base}/meetings/{meetings[0].id}/lock", data={"locked": "1"})
    db.session.expire_all()
    assert db.session.get(Meeting, meetings[0].id).locked


def test_the_expiry_command_marks_what_is_due_once(app, organiser, fair):
    from exhibit.b2b import services
    from exhibit.extensions import db
    week, buyers, suppliers, slots, tables = fair
    services.update_settings(actor=organiser, week=week, request_hours=2, fixed_tables=False)
    asked = services.request_meeting(actor=suppliers[0], week=week, buyer_id=buyers[0].id,
                                     supplier_id=suppliers[0].business_id)
    asked.expires_at = asked.created_at - timedelta(seconds=1)
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["b2b", "expire-requests"])
    assert first.exit_code == 0 and "1 request(s) expired." in first.output
    assert "0 request(s) expired." in runner.invoke(args=["b2b", "expire-requests"]).output


def test_a_supplier_marks_any_buyer_of_the_week_from_its_page(client, fair):
    """Not only the buyers matching its products: any buyer registered for the week."""
    from exhibit.b2b import services
    week, buyers, suppliers, slots, tables = fair
    login(client, suppliers[0])
    page = client.get(f"/my/weeks/{week.slug}/b2b").get_data(as_text=True)
    assert "data-mark-any" in page and f'<option value="{buyers[2].id}">' in page
    client.post(f"/my/weeks/{week.slug}/b2b/preferences",
                data={"other_id": str(buyers[2].id), "level": "no"})
    taking_part = services.participation(week, suppliers[0])
    assert services.my_preferences(week, taking_part) == {buyers[2].id: "no"}


def test_the_side_asked_is_reminded_once_before_a_request_expires(organiser, fair):
    from exhibit import clock
    from exhibit.b2b import services
    from exhibit.messaging.models import Message
    from exhibit.extensions import db
    week, buyers, suppliers, _slots, _tables = fair
    services.update_settings(actor=organiser, week=week, request_hours="48", fixed_tables=False)
    asked = services.request_meeting(actor=suppliers[0], week=week, buyer_id=buyers[0].id,
                                     supplier_id=suppliers[0].business_id)
    # a day before its deadline: nothing yet; six hours before: the buyer is told, once
    assert clock.tick(now=asked.expires_at - timedelta(hours=24))["request_reminders"] == 0
    assert clock.tick(now=asked.expires_at - timedelta(hours=6))["request_reminders"] >= 1
    assert clock.tick(now=asked.expires_at - timedelta(hours=5))["request_reminders"] == 0
    told = list(db.session.scalars(db.select(Message).where(
        Message.event == "b2b.request_expiring")))
    assert told and {m.business_id for m in told} == {buyers[0].business_id}
