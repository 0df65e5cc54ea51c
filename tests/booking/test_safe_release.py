"""Safe actions on the week desk: releasing a booking asks for a reason (the business is told),
refuses without one and changes nothing, says what happened, and can be undone for a minute by
the organiser who did it while nobody else took the booth. Also the words of a conflict, the
desk's element ids, rejecting an application and the apply flow of a week without a plan."""
from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from flask_babel import force_locale
from sqlalchemy import text

from exhibit.booking import services as booking
from exhibit.core.db import utcnow
from exhibit.core.errors import Conflict, ValidationFailed
from exhibit.extensions import db
from exhibit.floorplan.services import get_booth
from tests.conftest import login as sign_in


def login(client, user):
    """Sign in with English as the user's language, so the tests read the English msgids."""
    user.locale = "en"
    db.session.commit()
    return sign_in(client, user)


def stored(sql: str, **params):
    """Read straight from the database on a connection of its own, not through the session
    the app wrote with: what is really stored."""
    with db.engine.connect() as connection:
        return connection.execute(text(sql), params).all()


def allocation_row(allocation_id: int):
    return stored("SELECT status, end_reason FROM allocations WHERE id = :id", id=allocation_id)[0]


def audit_rows(allocation_id: int):
    return stored("SELECT action, note, actor_id FROM audit_entries WHERE entity = 'allocation' "
                  "AND entity_id = :id ORDER BY id", id=allocation_id)


def outbox_events(business_id: int):
    return [row[0] for row in stored("SELECT event FROM messages WHERE business_id = :b "
                                     "ORDER BY id", b=business_id)]


class Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = Counter()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id":
                self.ids[value] += 1


def duplicate_ids(page: str) -> dict:
    parser = Ids()
    parser.feed(page)
    return {k: n for k, n in parser.ids.items() if n > 1}


def _flashes(page: str) -> list[str]:
    return [re.sub(r"\s+", " ", m).strip()
            for m in re.findall(r'class="flash [^"]*"[^>]*>(.*?)</p>', page, re.S)]


def desk(week):
    return f"/organiser/weeks/{week.slug}"


@pytest.fixture
def booked(confirmed_exhibitor):
    """A business with booth A01 confirmed; returns (user, allocation id)."""
    user = confirmed_exhibitor("Hợp tác xã Nước mắm Phan Thiết")
    from exhibit.booking import queries
    allocation = queries.business_allocations(user.business_id)[0]
    return user, allocation.id


def test_the_organiser_must_give_a_reason_and_nothing_changes_without_one(
        client, organiser, open_week, booked):
    user, allocation_id = booked
    before_audit, before_messages = audit_rows(allocation_id), outbox_events(user.business_id)
    with pytest.raises(ValidationFailed) as refused, force_locale("en"):
        booking.release_allocation(actor=organiser, allocation=booking.get_allocation(allocation_id),
                                   reason="   ")
    assert "reason" in refused.value.fields
    login(client, organiser)
    page = client.post(f"{desk(open_week)}/allocations/{allocation_id}/release?next={desk(open_week)}",
                       data={"reason": ""})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "Give the reason for releasing" in html and 'name="reason"' in html
    assert "Booth A01 is taken away from Hợp tác xã Nước mắm Phan Thiết" in html
    assert tuple(allocation_row(allocation_id)) == ("confirmed", "")
    assert audit_rows(allocation_id) == before_audit
    assert outbox_events(user.business_id) == before_messages


def test_release_with_a_reason_records_it_tells_the_business_and_offers_undo(
        client, organiser, open_week, booked):
    user, allocation_id = booked
    login(client, organiser)
    response = client.post(f"{desk(open_week)}/allocations/{allocation_id}/release?next={desk(open_week)}",
                           data={"reason": "Không nộp tiền đặt cọc"}, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert any("Booth A01 released from Hợp tác xã Nước mắm Phan Thiết" in f for f in _flashes(page))
    assert tuple(allocation_row(allocation_id)) == ("released", "Không nộp tiền đặt cọc")
    action, note, actor_id = audit_rows(allocation_id)[-1]
    assert (action, note, actor_id) == ("release", "Không nộp tiền đặt cọc", organiser.id)
    assert outbox_events(user.business_id)[-1] == "booking.released"
    assert f"/allocations/{allocation_id}/undo-release" in page  # the desk offers Undo


def test_undo_within_the_minute_restores_the_same_booking(client, organiser, open_week, booked):
    user, allocation_id = booked
    login(client, organiser)
    client.post(f"{desk(open_week)}/allocations/{allocation_id}/release",
                data={"reason": "Bấm nhầm"})
    response = client.post(f"{desk(open_week)}/allocations/{allocation_id}/undo-release", follow_redirects=True)
    assert response.status_code == 200
    assert any("Release undone: booth A01 is confirmed to" in f
               for f in _flashes(response.get_data(as_text=True))), _flashes(response.get_data(as_text=True))
    assert tuple(allocation_row(allocation_id)) == ("confirmed", "")
    assert [a for a, _, _ in audit_rows(allocation_id)][-2:] == ["release", "undo_release"]
    assert "Bấm nhầm" in audit_rows(allocation_id)[-1][1]
    # the business was told of the release, then that the booth is theirs again
    assert outbox_events(user.business_id)[-2:] == ["booking.released", "booking.confirmed"]
    # and once more is refused: it is not released any more
    again = client.post(f"{desk(open_week)}/allocations/{allocation_id}/undo-release")
    assert again.status_code == 409
    # released for good this time: the business is told again
    client.post(f"{desk(open_week)}/allocations/{allocation_id}/release",
                data={"reason": "Không nộp tiền đặt cọc"})
    assert outbox_events(user.business_id)[-3:] == [
        "booking.released", "booking.confirmed", "booking.released"]


def test_undo_is_refused_after_the_minute_by_someone_else_or_when_the_booth_was_taken(
        organiser, open_week, booked, make_exhibitor):
    from exhibit.accounts.services import create_organiser_user
    user, allocation_id = booked
    released_at = utcnow()
    booking.release_allocation(actor=organiser, allocation=booking.get_allocation(allocation_id),
                               reason="Thử", now=released_at)
    late = released_at + timedelta(seconds=booking.UNDO_RELEASE_SECONDS + 1)
    with pytest.raises(Conflict), force_locale("en"):
        booking.undo_release(actor=organiser, allocation=booking.get_allocation(allocation_id),
                             now=late)
    colleague = create_organiser_user(email="dong-nghiep@itpc.example", password="thanhlong2024",
                                      organizer_name="ITPC thử nghiệm", organizer_short_name="ITPC")
    with force_locale("en"):
        assert "Only the organiser who released" in booking.undoable_release(
            colleague, booking.get_allocation(allocation_id), released_at + timedelta(seconds=5))
        assert booking.undoable_release(organiser, booking.get_allocation(allocation_id),
                                        released_at + timedelta(seconds=5)) is None
    # another business takes the booth: undo is a 409 naming who has it
    other = make_exhibitor("Cơ sở Mắm ruốc Huế")
    booking.apply_to_week(actor=other, week=open_week, data={})
    booking.hold_booth(actor=other, week=open_week, booth=get_booth(open_week, "A01"),
                       now=released_at + timedelta(seconds=2))
    with pytest.raises(Conflict) as taken, force_locale("en"):
        booking.undo_release(actor=organiser, allocation=booking.get_allocation(allocation_id),
                             now=released_at + timedelta(seconds=10))
    assert "Cơ sở Mắm ruốc Huế" in taken.value.message
    assert allocation_row(allocation_id)[0] == "released"
    assert booking.releases_to_undo(organiser, open_week, released_at + timedelta(seconds=10)) == []


def test_moving_onto_a_booth_confirmed_long_ago_names_its_occupant(organiser, open_week,
                                                                    confirmed_exhibitor):
    first = confirmed_exhibitor("Hợp tác xã Cà phê Cầu Đất")      # A01, confirmed
    second = confirmed_exhibitor("Hợp tác xã Chè Thái Nguyên")   # A02
    from exhibit.booking import queries
    moving = queries.business_allocations(second.business_id)[0]
    with pytest.raises(Conflict) as refused, force_locale("en"):
        booking.move_allocation(actor=organiser, allocation=moving,
                                target=get_booth(open_week, "A01"))
    assert refused.value.message == "Booth A01 is confirmed to Hợp tác xã Cà phê Cầu Đất."
    assert "just been taken" not in refused.value.message
    assert first.business_id  # the first business keeps A01


def test_a_taken_booth_held_for_someone_says_until_when(organiser, open_week, make_exhibitor):
    holder = make_exhibitor("Cơ sở Bánh pía Sóc Trăng")
    booking.apply_to_week(actor=holder, week=open_week, data={})
    booking.hold_booth(actor=holder, week=open_week, booth=get_booth(open_week, "A03"))
    with pytest.raises(Conflict) as refused, force_locale("en"):
        booking.assign_booth(actor=organiser, week=open_week, booth=get_booth(open_week, "A03"),
                             business_id=holder.business_id)
    assert refused.value.message.startswith("Booth A03 is held for Cơ sở Bánh pía Sóc Trăng until ")


def test_the_week_desk_has_no_duplicate_ids(client, organiser, open_week, confirmed_exhibitor,
                                           make_exhibitor):
    for name in ("Cơ sở Một", "Cơ sở Hai", "Cơ sở Ba"):
        confirmed_exhibitor(name)
    waiting = make_exhibitor("Cơ sở Bốn")
    booking.apply_to_week(actor=waiting, week=open_week, data={})
    login(client, organiser)
    for tab in ("", "?tab=applications", "?tab=waiting", "?state=all"):
        page = client.get(desk(open_week) + tab).get_data(as_text=True)
        assert duplicate_ids(page) == {}, tab
    page = client.get(desk(open_week)).get_data(as_text=True)
    assert page.count('class="confirm-action"') >= 3  # one release confirmation per booking


def test_rejecting_needs_a_reason_and_the_message_carries_it(client, organiser, open_week,
                                                            make_exhibitor):
    user = make_exhibitor("Cơ sở Kẹo dừa Bến Tre")
    application = booking.apply_to_week(actor=user, week=open_week, data={})
    login(client, organiser)
    url = f"{desk(open_week)}/applications/{application.id}/decide?next={desk(open_week)}"
    refused = client.post(url, data={"decision": "reject", "reason": ""})
    assert refused.status_code == 422
    assert "Give a reason for rejecting" in refused.get_data(as_text=True)
    # the page of the refused attempt posts the same decision again
    assert '<input type="hidden" name="decision" value="reject">' in refused.get_data(as_text=True)
    assert stored("SELECT status FROM applications WHERE id = :id",
                  id=application.id)[0][0] == "submitted"
    done = client.post(url, data={"decision": "reject", "reason": "Sản phẩm chưa đạt OCOP"},
                       follow_redirects=True)
    assert any("is rejected" in f for f in _flashes(done.get_data(as_text=True)))
    assert stored("SELECT status, decision_reason FROM applications WHERE id = :id",
                  id=application.id)[0] == ("rejected", "Sản phẩm chưa đạt OCOP")
    body = stored("SELECT body_text FROM messages WHERE business_id = :b AND "
                  "event = 'application.rejected'", b=user.business_id)
    assert body and "Sản phẩm chưa đạt OCOP" in body[0][0]


def test_the_exhibitor_confirms_releasing_its_own_hold(client, open_week, make_exhibitor):
    user = make_exhibitor("Cơ sở Tỏi Lý Sơn")
    booking.apply_to_week(actor=user, week=open_week, data={})
    hold = booking.hold_booth(actor=user, week=open_week, booth=get_booth(open_week, "A05"))
    login(client, user)
    page = client.get("/my").get_data(as_text=True)
    assert "Your hold on booth A05 ends now" in page and "confirm-action" in page
    done = client.post(f"/my/allocations/{hold.id}/release", data={"reason": ""},
                       follow_redirects=True)
    assert any("Your hold on booth A05 has ended" in f for f in _flashes(done.get_data(as_text=True)))
    assert allocation_row(hold.id)[0] == "released"


def test_a_week_without_booths_says_they_will_be_assigned_later(client, organiser, make_exhibitor):
    from exhibit.weeks.services import create_week
    from datetime import date
    today = date.today()
    week = create_week(actor=organiser, data={
        "name_vi": "Tuần lễ chưa có sơ đồ", "name_en": "Week without a plan",
        "slug": "chua-co-so-do", "host_province_scheme": "2025", "host_province_code": "79",
        "venue_name": "ITPC", "start_date": today + timedelta(days=60),
        "end_date": today + timedelta(days=66), "registration_opens_on": today - timedelta(days=5),
        "registration_closes_on": today + timedelta(days=30), "status": "open", "hold_minutes": 15})
    user = make_exhibitor("Cơ sở Bưởi Năm Roi")
    login(client, user)
    form = client.get(f"/weeks/{week.slug}/apply")
    assert "will assign your booths later" in form.get_data(as_text=True)
    sent = client.post(f"/weeks/{week.slug}/apply", data={"booth_count": 1},
                       follow_redirects=True)
    flashes = _flashes(sent.get_data(as_text=True))
    assert any("assign your booths later" in f for f in flashes), flashes
    assert not any("pick your booth on the plan" in f for f in flashes)
    mine = client.get("/my").get_data(as_text=True)
    assert "No floor plan yet: the organiser assigns booths later." in mine
    assert f"/weeks/{week.slug}/plan" not in mine


def test_an_undo_racing_a_new_hold_leaves_the_booth_to_exactly_one(app, organiser, open_week,
                                                                  booked, make_exhibitor):
    """The organiser's Undo and another business's hold on the freed booth, at one instant:
    one wins, the other is an ordinary Conflict (409), and the booth has one booking."""
    from exhibit.accounts.models import User
    from tests.conftest import race
    _, allocation_id = booked
    booking.release_allocation(actor=organiser, allocation=booking.get_allocation(allocation_id),
                               reason="Bấm nhầm")
    rival = make_exhibitor("Cơ sở Bánh tráng Trảng Bàng")
    booking.apply_to_week(actor=rival, week=open_week, data={})
    organiser_id, rival_id, week_id = organiser.id, rival.id, open_week.id
    db.session.commit()

    def work(i):
        from exhibit.weeks.models import ExhibitionWeek
        week = db.session.get(ExhibitionWeek, week_id)
        if i == 0:
            return booking.undo_release(actor=db.session.get(User, organiser_id),
                                        allocation=booking.get_allocation(allocation_id))
        return booking.hold_booth(actor=db.session.get(User, rival_id), week=week,
                                  booth=get_booth(week, "A01"))

    results = race(app, work, 2)
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(conflicts) == 1, results
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, Conflict)]
    live = stored("SELECT count(*) FROM allocations a JOIN booths b ON b.id = a.booth_id "
                  "WHERE b.code = 'A01' AND b.week_id = :w AND a.status IN ('held', 'confirmed')",
                  w=week_id)
    assert live[0][0] == 1
