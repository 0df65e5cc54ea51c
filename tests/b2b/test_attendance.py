"""Attendance on the day: both sides (or the table staff) say whether a meeting happened, one
"didn't happen" makes a no-show, whose table a walk-in pair may take; the live board counts."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.b2b.conftest import BUYER_PASSWORD
from tests.b2b.test_preferences import _buyer_user
from tests.conftest import login


@pytest.fixture
def day(organiser, fair):
    """Two meetings at the first slot (tables 1 and 2), the slot begun five minutes ago."""
    from exhibit.b2b import services
    from exhibit.core.db import utcnow
    from exhibit.extensions import db
    week, buyers, suppliers, slots, tables = fair
    meetings = []
    for n in range(2):
        meeting = services.request_meeting(actor=organiser, week=week, buyer_id=buyers[n].id,
                                           supplier_id=suppliers[n].business_id)
        meetings.append(services.schedule(actor=organiser, meeting=meeting, slot_id=slots[0].id,
                                          table_id=tables[n].id))
    # the session is today: the first slot began five minutes ago, the others follow
    now = utcnow()
    for n, slot in enumerate(slots):
        slot.starts_at = now - timedelta(minutes=5) + timedelta(minutes=25 * n)
        slot.ends_at = slot.starts_at + timedelta(minutes=20)
    db.session.commit()
    return week, buyers, suppliers, slots, tables, meetings


def test_one_didnt_happen_makes_a_no_show(organiser, day):
    from exhibit.b2b import services
    from exhibit.core.errors import Conflict, ValidationFailed
    week, buyers, suppliers, slots, tables, (first, second) = day
    services.record_attendance(actor=suppliers[0], meeting=first, said="met")
    assert first.attendance == "held"
    services.record_attendance(actor=_buyer_user(buyers[0]), meeting=first, said="met")
    assert first.attendance == "held"
    services.record_attendance(actor=_buyer_user(buyers[1]), meeting=second, said="missed")
    assert second.attendance == "no_show"
    services.record_attendance(actor=suppliers[1], meeting=second, said="met")
    assert second.attendance == "no_show"  # one "didn't happen" is enough
    # the table staff say too; a side corrects itself
    services.record_attendance(actor=_buyer_user(buyers[1]), meeting=second, said="met")
    assert second.attendance == "held"
    services.record_attendance(actor=organiser, meeting=second, said="missed")
    assert (second.staff_says, second.attendance) == ("missed", "no_show")
    with pytest.raises(ValidationFailed) as bad:
        services.record_attendance(actor=organiser, meeting=first, said="maybe")
    assert "said" in bad.value.fields
    # not before the slot begins
    later = services.request_meeting(actor=organiser, week=week, buyer_id=buyers[2].id,
                                     supplier_id=suppliers[2].business_id)
    services.schedule(actor=organiser, meeting=later, slot_id=slots[1].id, table_id=tables[0].id)
    with pytest.raises(Conflict) as early:
        services.record_attendance(actor=suppliers[2], meeting=later, said="met")
    assert early.value.code == "too_early"


def test_a_no_shows_table_goes_to_a_walk_in_pair_and_the_board_counts(client, organiser, day,
                                                                        make_exhibitor):
    from exhibit.b2b import services
    from exhibit.core.errors import Conflict, ValidationFailed
    week, buyers, suppliers, slots, tables, (first, second) = day
    services.record_attendance(actor=suppliers[0], meeting=first, said="met")
    services.record_attendance(actor=suppliers[1], meeting=second, said="missed")
    # table 1 is taken by a held meeting; a supplier without a booth is no walk-in
    with pytest.raises(Conflict) as taken:
        services.walk_in(actor=organiser, week=week, buyer_id=buyers[2].id,
                         supplier_id=suppliers[2].business_id, slot_id=slots[0].id,
                         table_id=tables[0].id)
    assert taken.value.code == "table_taken"
    with pytest.raises(ValidationFailed) as bad:
        services.walk_in(actor=organiser, week=week, buyer_id=buyers[2].id,
                         supplier_id=make_exhibitor().business_id, slot_id=slots[0].id,
                         table_id=tables[1].id)
    assert "supplier_id" in bad.value.fields
    # the no-show's buyer came after all, and meets another supplier at the freed table
    walk = services.walk_in(actor=organiser, week=week, buyer_id=buyers[1].id,
                            supplier_id=suppliers[2].business_id, slot_id=slots[0].id,
                            table_id=tables[1].id)
    assert (walk.walk_in, walk.attendance, walk.table_id) == (True, "held", tables[1].id)
    # the no-show cannot take its place back now
    with pytest.raises(Conflict) as back:
        services.record_attendance(actor=suppliers[1], meeting=second, said="met")
    assert back.value.code == "place_taken"

    board = services.board(week)
    assert board.slot.id == slots[0].id and board.in_progress
    assert (board.held, board.no_shows, board.unconfirmed) == (2, 1, 0)
    assert board.free == []
    # the week report and the dashboard count them the same way
    from exhibit.reports.figures import week_report
    report = week_report(week)
    attendance = report.table("meetings_by_attendance")
    assert (attendance.value("held"), attendance.value("no_show"),
            attendance.value("unconfirmed")) == (2, 1, 0)
    assert report.headline("meetings_held").value == 2
    assert report.headline("no_shows").value == 1
    login(client, organiser)
    page = client.get(f"/organiser/weeks/{week.slug}/b2b/board").get_data(as_text=True)
    assert "data-board-counts" in page and "data-walk-in-meeting" in page
    assert page.count("data-free") == 0


def test_participants_say_through_their_page_and_staff_through_the_board(client, organiser, day):
    from exhibit.b2b.models import Meeting
    from exhibit.extensions import db
    week, buyers, suppliers, slots, tables, (first, second) = day
    login(client, suppliers[0])
    page = client.get(f"/my/weeks/{week.slug}/b2b").get_data(as_text=True)
    assert f'data-attendance="{first.id}"' in page
    client.post(f"/my/weeks/{week.slug}/b2b/meetings/{first.id}/attendance", data={"said": "met"})
    client.get("/logout")
    login(client, _buyer_user(buyers[1]), BUYER_PASSWORD)
    client.post(f"/my/weeks/{week.slug}/b2b/meetings/{second.id}/attendance",
                data={"said": "missed"})
    client.get("/logout")
    db.session.expire_all()
    assert db.session.get(Meeting, first.id).attendance == "held"
    assert db.session.get(Meeting, second.id).attendance == "no_show"
    login(client, organiser)
    board = client.get(f"/organiser/weeks/{week.slug}/b2b/board").get_data(as_text=True)
    assert board.count("data-free") == 1 and "data-walk-in" in board
    client.post(f"/organiser/weeks/{week.slug}/b2b/meetings/{second.id}/attendance",
                data={"said": "met", "back": "board"})
    db.session.expire_all()
    assert db.session.get(Meeting, second.id).attendance == "no_show"  # the buyer's word stands
