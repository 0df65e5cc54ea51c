"""Rounds of a B2B schedule: provisional (participants flag conflicts), the organiser swaps and
locks, then publishes the final schedule through the outbox; later changes tell only those
affected; each participant's calendar file."""
from __future__ import annotations

import re

import pytest

from tests.b2b.test_preferences import _buyer_user, _mark_everything, _scheduled
from tests.b2b.conftest import BUYER_PASSWORD
from tests.conftest import login


def _told(event="b2b.scheduled"):
    """(business id, subject id) of every message of ``event`` queued, one per channel merged."""
    from exhibit.extensions import db
    from exhibit.messaging.models import Message
    return sorted({(m.business_id, m.subject_id) for m in
                   db.session.query(Message).filter(Message.event == event)})


def test_a_provisional_schedule_is_told_to_nobody_and_publishing_tells_both_sides(organiser, fair):
    from exhibit.b2b import services
    week, buyers, suppliers, slots, tables = fair
    _mark_everything(week, buyers[:2], suppliers[:2])
    services.generate_schedule(actor=organiser, week=week, seconds=2)
    meetings = _scheduled(week)
    assert len(meetings) == 4 and _told() == []
    assert services.publish_schedule(actor=organiser, week=week) == 4
    expected = sorted({(m.supplier_id, m.id) for m in meetings}
                      | {(m.buyer.business_id, m.id) for m in meetings})
    assert _told() == expected
    # publishing again tells nobody new: nothing moved
    services.publish_schedule(actor=organiser, week=week)
    assert _told() == expected


def test_after_publishing_a_swap_tells_only_the_two_meetings_sides(organiser, fair):
    from exhibit.b2b import services
    from exhibit.extensions import db
    from exhibit.messaging.models import Message
    week, buyers, suppliers, slots, tables = fair
    _mark_everything(week, buyers, suppliers[:1])  # one supplier, three buyers: three slots
    services.generate_schedule(actor=organiser, week=week, seconds=2)
    services.publish_schedule(actor=organiser, week=week)
    first, second, third = sorted(_scheduled(week), key=lambda m: m.slot.starts_at)
    before = db.session.query(Message).count()
    services.swap_meetings(actor=organiser, week=week, meeting_id=first.id, other_id=third.id)
    db.session.expire_all()
    assert (first.slot_id, third.slot_id) == (slots[2].id, slots[0].id)
    assert first.locked and third.locked
    new = db.session.query(Message).filter(Message.id > 0).order_by(Message.id).all()[before:]
    assert {m.subject_id for m in new} == {first.id, third.id}
    assert second.id not in {m.subject_id for m in new}
    # a new generation after publishing moves nothing that was published
    placed = {m.id: (m.slot_id, m.table_id) for m in _scheduled(week)}
    services.generate_schedule(actor=organiser, week=week, seconds=2)
    assert {m.id: (m.slot_id, m.table_id) for m in _scheduled(week)} == placed


def test_a_swap_that_would_double_book_is_refused(organiser, fair):
    from exhibit.b2b import services
    from exhibit.core.errors import Conflict, ValidationFailed
    week, buyers, suppliers, slots, tables = fair

    def placed(buyer, supplier, slot, table):
        meeting = services.request_meeting(actor=organiser, week=week, buyer_id=buyer.id,
                                           supplier_id=supplier.business_id)
        return services.schedule(actor=organiser, meeting=meeting, slot_id=slot.id,
                                 table_id=table.id)
    a = placed(buyers[0], suppliers[0], slots[0], tables[0])
    b = placed(buyers[0], suppliers[1], slots[1], tables[0])
    c = placed(buyers[1], suppliers[1], slots[0], tables[1])
    # b would go to 9:00, where its buyer already meets a's supplier
    with pytest.raises(Conflict) as refused:
        services.swap_meetings(actor=organiser, week=week, meeting_id=b.id, other_id=c.id)
    assert refused.value.code == "buyer_busy"
    with pytest.raises(ValidationFailed):
        services.swap_meetings(actor=organiser, week=week, meeting_id=a.id, other_id=a.id)
    assert {m.id: (m.slot_id, m.table_id) for m in _scheduled(week)} == {
        a.id: (slots[0].id, tables[0].id), b.id: (slots[1].id, tables[0].id),
        c.id: (slots[0].id, tables[1].id)}
    # a and c share 9:00 and swap tables
    services.swap_meetings(actor=organiser, week=week, meeting_id=a.id, other_id=c.id)
    assert {m.id: m.table_id for m in _scheduled(week)}[a.id] == tables[1].id


def test_participants_flag_a_conflict_the_organiser_sees_and_a_move_clears(client, organiser, fair):
    from exhibit.b2b import services
    from exhibit.core.errors import Conflict, Forbidden
    week, buyers, suppliers, slots, tables = fair
    _mark_everything(week, buyers[:1], suppliers[:2])
    services.generate_schedule(actor=organiser, week=week, seconds=2)
    meeting, other = _scheduled(week)
    login(client, _buyer_user(buyers[0]), BUYER_PASSWORD)
    base = f"/my/weeks/{week.slug}/b2b"
    page = client.get(base).get_data(as_text=True)
    assert "data-schedule-state" in page and f'data-flag-form="{meeting.id}"' in page
    client.post(f"{base}/meetings/{meeting.id}/flag", data={"note": "Trùng giờ họp đoàn"})
    client.get("/logout")
    with pytest.raises(Forbidden):  # not a side of it
        services.flag_meeting(actor=suppliers[3], meeting=meeting, note="x")
    login(client, organiser)
    manage = client.get(f"/organiser/weeks/{week.slug}/b2b").get_data(as_text=True)
    assert "Trùng giờ họp đoàn" in manage and "data-flagged" in manage
    services.swap_meetings(actor=organiser, week=week, meeting_id=meeting.id, other_id=other.id)
    assert services.flagged_count(week) == 0
    services.unschedule(actor=organiser, meeting=meeting)
    with pytest.raises(Conflict):
        services.flag_meeting(actor=_buyer_user(buyers[0]), meeting=meeting, note="x")


def test_the_calendar_file_has_one_event_per_scheduled_meeting(client, organiser, fair):
    from exhibit.b2b import services
    week, buyers, suppliers, slots, tables = fair
    _mark_everything(week, buyers[:1], suppliers[:3])
    services.generate_schedule(actor=organiser, week=week, seconds=2)
    meetings = _scheduled(week)
    login(client, _buyer_user(buyers[0]), BUYER_PASSWORD)
    response = client.get(f"/my/weeks/{week.slug}/b2b/schedule.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    uids = re.findall(r"UID:b2b-meeting-(\d+)@", unfolded)
    assert sorted(map(int, uids)) == sorted(m.id for m in meetings)
    for m in meetings:
        start = m.slot.starts_at.astimezone(__import__("datetime").timezone.utc)
        assert f"DTSTART:{start:%Y%m%dT%H%M%S}Z" in unfolded
        assert m.table.label in unfolded
