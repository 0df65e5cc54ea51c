"""Fair holds (issue 15, part 7): a hold that is part of a complete application waits for the
organiser until the week's review deadline (working days), a hold without one stays short, a
waiting-list offer has its own hours; the pages show each deadline. SQLite and PostgreSQL."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from exhibit.booking import queries
from exhibit.booking import services as booking
from exhibit.booking.models import Allocation
from exhibit.core import events
from exhibit.core.db import utcnow
from exhibit.extensions import db
from exhibit.floorplan.services import get_booth
from exhibit.vn.dates import VIETNAM_TZ, to_vietnam_time, vietnam_today
from exhibit.vn.workdays import add_working_days
from tests.conftest import login

PRODUCTS = "Nước mắm Phan Thiết, thanh long ruột đỏ"


def complete(make_exhibitor, week, booth_count=1, **kw):
    """An exhibitor whose submitted application lists its products: a complete application."""
    user = make_exhibitor(**kw)
    booking.apply_to_week(actor=user, week=week,
                          data={"booth_count": booth_count, "intended_products": PRODUCTS})
    return user


def bare(make_exhibitor, week, booth_count=1, **kw):
    """An exhibitor whose submitted application does not say what it will show."""
    user = make_exhibitor(**kw)
    booking.apply_to_week(actor=user, week=week, data={"booth_count": booth_count})
    return user


def next_friday_4pm() -> datetime:
    """16:00 next Friday in Vietnam (within the open week's registration), as UTC."""
    today = vietnam_today()
    friday = today + timedelta(days=(4 - today.weekday()) % 7 or 7)
    return datetime.combine(friday, time(16, 0), tzinfo=VIETNAM_TZ).astimezone(timezone.utc)


def shown(moment: datetime) -> str:
    """A moment as the pages print it (the local_time filter)."""
    return to_vietnam_time(moment).strftime("%H:%M %d/%m/%Y")


# -- the rule ----------------------------------------------------------------------------------

def test_a_review_hold_made_on_friday_afternoon_lasts_until_wednesday_afternoon(open_week, make_exhibitor):
    user = complete(make_exhibitor, open_week)
    friday = next_friday_4pm()
    hold = booking.hold_booth(actor=user, week=open_week, booth=get_booth(open_week, "A01"), now=friday)
    assert hold.hold_kind == "review"
    deadline = to_vietnam_time(hold.expires_at)
    assert (deadline.strftime("%A %H:%M"), (deadline.date() - to_vietnam_time(friday).date()).days) \
        == ("Wednesday 16:00", 5)  # Monday, Tuesday, Wednesday: the weekend does not count


def test_the_weeks_review_days_set_the_deadline(open_week, make_exhibitor):
    open_week.review_days = 1
    db.session.commit()
    user = complete(make_exhibitor, open_week)
    friday = next_friday_4pm()
    hold = booking.hold_booth(actor=user, week=open_week, booth=get_booth(open_week, "A01"), now=friday)
    assert hold.expires_at == friday + timedelta(days=3)  # Monday 16:00


def test_a_review_hold_survives_fifteen_minutes_and_lapses_at_its_deadline(open_week, make_exhibitor):
    user, later = complete(make_exhibitor, open_week), complete(make_exhibitor, open_week)
    booth = get_booth(open_week, "A01")
    t0 = next_friday_4pm()
    hold = booking.hold_booth(actor=user, week=open_week, booth=booth, now=t0)
    deadline = add_working_days(t0, open_week.review_days)
    assert hold.expires_at == deadline

    for moment in (t0 + timedelta(minutes=16), t0 + timedelta(days=2), deadline - timedelta(seconds=1)):
        assert booking.expire_due_holds(open_week, now=moment) == 0
        assert queries.booth_states(open_week, now=moment)[booth.id].status == "held"
    assert db.session.scalar(select(Allocation.status).where(Allocation.id == hold.id)) == "held"

    assert queries.booth_states(open_week, now=deadline)[booth.id].status == "available"
    assert booking.expire_due_holds(open_week, now=deadline) == 1
    db.session.refresh(hold)
    assert (hold.status, hold.ended_at) == ("expired", deadline)
    assert booking.hold_booth(actor=later, week=open_week, booth=booth,
                              now=deadline + timedelta(minutes=1)).status == "held"


def test_a_hold_without_a_complete_application_still_lapses_after_hold_minutes(open_week, make_exhibitor):
    user = bare(make_exhibitor, open_week)
    t0 = next_friday_4pm()
    hold = booking.hold_booth(actor=user, week=open_week, booth=get_booth(open_week, "A01"), now=t0)
    assert (hold.hold_kind, hold.expires_at) == ("short", t0 + timedelta(minutes=open_week.hold_minutes))
    assert booking.expire_due_holds(open_week, now=t0 + timedelta(minutes=14)) == 0
    assert booking.expire_due_holds(open_week, now=t0 + timedelta(minutes=15)) == 1
    db.session.refresh(hold)
    assert hold.status == "expired"


def test_an_approved_application_is_complete_without_products(open_week, organiser, make_exhibitor):
    """The organiser has already said yes: a booth it picks then waits for confirmation."""
    user = bare(make_exhibitor, open_week)
    booking.decide_application(actor=organiser, decision="approve",
                               application=queries.application_for(open_week.id, user.business_id))
    t0 = next_friday_4pm()
    hold = booking.hold_booth(actor=user, week=open_week, booth=get_booth(open_week, "A01"), now=t0)
    assert (hold.hold_kind, hold.expires_at) == ("review", add_working_days(t0, 3))


def test_a_waiting_list_offer_has_its_own_hours(open_week, organiser, make_exhibitor):
    holder, waiting = bare(make_exhibitor, open_week), complete(make_exhibitor, open_week)
    booking.decide_application(actor=organiser, decision="waitlist", reason="Hết chỗ",
                               application=queries.application_for(open_week.id, waiting.business_id))
    t0 = next_friday_4pm()
    booking.hold_booth(actor=holder, week=open_week, booth=get_booth(open_week, "A02"), now=t0)
    assert booking.expire_due_holds(open_week, now=t0 + timedelta(minutes=15)) == 1
    offer = db.session.scalar(select(Allocation).where(Allocation.business_id == waiting.business_id))
    assert (offer.source, offer.hold_kind) == ("waitlist_offer", "offer")
    assert offer.expires_at == t0 + timedelta(minutes=15, hours=open_week.waitlist_offer_hours)


def test_a_move_keeps_the_holds_kind_and_deadline(open_week, organiser, make_exhibitor):
    user = complete(make_exhibitor, open_week)
    hold = booking.hold_booth(actor=user, week=open_week, booth=get_booth(open_week, "A01"))
    moved = booking.move_allocation(actor=organiser, allocation=hold, target=get_booth(open_week, "A05"))
    assert (moved.status, moved.hold_kind, moved.expires_at) == ("held", "review", hold.expires_at)


# -- the organiser's decision ------------------------------------------------------------------

def test_rejecting_releases_the_review_hold_and_offers_the_booth(open_week, organiser, make_exhibitor):
    user, waiting = complete(make_exhibitor, open_week), bare(make_exhibitor, open_week)
    booking.decide_application(actor=organiser, decision="waitlist", reason="Hết chỗ",
                               application=queries.application_for(open_week.id, waiting.business_id))
    hold = booking.hold_booth(actor=user, week=open_week, booth=get_booth(open_week, "A01"))
    assert hold.hold_kind == "review"
    booking.decide_application(actor=organiser, decision="reject", reason="Không phải sản phẩm OCOP",
                               application=queries.application_for(open_week.id, user.business_id))
    db.session.refresh(hold)
    assert hold.status == "released"
    offer = queries.business_allocations(waiting.business_id)[0]
    assert (offer.booth.code, offer.hold_kind) == ("A01", "offer")


def test_approving_confirms_the_live_holds_and_leaves_lapsed_ones(open_week, organiser, make_exhibitor):
    reviewed = complete(make_exhibitor, open_week, booth_count=2)
    review_holds = [booking.hold_booth(actor=reviewed, week=open_week, booth=get_booth(open_week, code))
                    for code in ("A01", "A02")]
    short = bare(make_exhibitor, open_week, booth_count=2)
    lapsed = booking.hold_booth(actor=short, week=open_week, booth=get_booth(open_week, "A03"),
                                now=utcnow() - timedelta(minutes=20))
    live_short = booking.hold_booth(actor=short, week=open_week, booth=get_booth(open_week, "A04"))

    heard = []

    def listen(_sender, **payload):
        heard.append(payload)
    events.booking_changed.connect(listen)
    try:
        for user in (reviewed, short):
            booking.decide_application(actor=organiser, decision="approve",
                                       application=queries.application_for(open_week.id, user.business_id))
    finally:
        events.booking_changed.disconnect(listen)

    for allocation in (*review_holds, live_short, lapsed):
        db.session.refresh(allocation)
    assert [a.status for a in review_holds] == ["confirmed", "confirmed"]
    assert all(a.expires_at is None and a.hold_kind == "review" for a in review_holds)
    assert (live_short.status, lapsed.status) == ("confirmed", "held")  # a lapsed hold stays lapsed
    assert sorted((p["action"], p["allocation_id"]) for p in heard) == sorted(
        ("confirm", a.id) for a in (*review_holds, live_short))
    assert booking.expire_due_holds(open_week) == 1


def test_waitlisting_releases_holds_too(open_week, organiser, make_exhibitor):
    user = complete(make_exhibitor, open_week)
    hold = booking.hold_booth(actor=user, week=open_week, booth=get_booth(open_week, "A01"))
    booking.decide_application(actor=organiser, decision="waitlist", reason="Chờ",
                               application=queries.application_for(open_week.id, user.business_id))
    db.session.refresh(hold)
    assert hold.status == "released"


# -- what others are told ----------------------------------------------------------------------

def test_hold_and_offer_announcements_say_the_kind_and_the_deadline(open_week, organiser, make_exhibitor):
    reviewed, waiting = complete(make_exhibitor, open_week), bare(make_exhibitor, open_week)
    booking.decide_application(actor=organiser, decision="waitlist", reason="Hết chỗ",
                               application=queries.application_for(open_week.id, waiting.business_id))
    heard = []

    def listen(_sender, **payload):
        heard.append(payload)
    events.booking_changed.connect(listen)
    try:
        hold = booking.hold_booth(actor=reviewed, week=open_week, booth=get_booth(open_week, "A01"))
        booking.release_allocation(actor=reviewed, allocation=hold)
    finally:
        events.booking_changed.disconnect(listen)
    offer = queries.business_allocations(waiting.business_id)[0]
    by_action = {p["action"]: p for p in heard}
    assert by_action["hold"] == {
        "week_id": open_week.id, "business_id": reviewed.business_id, "booth_id": hold.booth_id,
        "allocation_id": hold.id, "action": "hold", "expires_at": hold.expires_at,
        "hold_kind": "review"}
    assert by_action["waitlist_offer"]["hold_kind"] == "offer"
    assert by_action["waitlist_offer"]["expires_at"] == offer.expires_at
    assert by_action["waitlist_offer"]["allocation_id"] == offer.id
    # only a held booking has a deadline; an ended one still says which kind of hold it was
    # (a lapsed waiting-list offer is told apart from a lapsed hold)
    assert "expires_at" not in by_action["release"]
    assert by_action["release"]["hold_kind"] == by_action["hold"]["hold_kind"]


def test_holds_lapsing_lists_the_holds_whose_deadline_falls_in_the_window(open_week, organiser,
                                                                         make_exhibitor):
    t0 = utcnow()
    short_user, review_user = bare(make_exhibitor, open_week), complete(make_exhibitor, open_week)
    lapsing_user, waiting = bare(make_exhibitor, open_week), bare(make_exhibitor, open_week)
    confirmed_user = complete(make_exhibitor, open_week)
    booking.decide_application(actor=organiser, decision="waitlist", reason="Hết chỗ",
                               application=queries.application_for(open_week.id, waiting.business_id))
    short = booking.hold_booth(actor=short_user, week=open_week, booth=get_booth(open_week, "A01"), now=t0)
    review = booking.hold_booth(actor=review_user, week=open_week, booth=get_booth(open_week, "A02"), now=t0)
    booking.hold_booth(actor=lapsing_user, week=open_week, booth=get_booth(open_week, "A03"),
                       now=t0 - timedelta(hours=1))
    assert booking.expire_due_holds(open_week, now=t0) == 1  # A03 goes to the waiting list
    offer = queries.business_allocations(waiting.business_id)[0]
    booking.confirm_allocation(actor=organiser, allocation=booking.hold_booth(
        actor=confirmed_user, week=open_week, booth=get_booth(open_week, "A04"), now=t0), now=t0)

    def window(before, after=None):
        return [(h.booth_code, h.hold_kind) for h in queries.holds_lapsing(before, after)]

    assert window(t0 + timedelta(hours=1), t0) == [("A01", "short")]
    assert window(t0 + timedelta(hours=49), t0) == [("A01", "short"), ("A03", "offer")]
    # (after, before]: the offer lapsing exactly at `after` is no longer live then
    assert window(review.expires_at, offer.expires_at) == [("A02", "review")]
    # 48 hours come before 3 working days, whatever day it is
    assert window(t0 + timedelta(days=30), t0 + timedelta(minutes=20)) == [
        ("A03", "offer"), ("A02", "review")]
    assert window(t0 + timedelta(hours=1)) == [("A01", "short")]  # after defaults to now

    first = queries.holds_lapsing(t0 + timedelta(hours=1), t0)[0]
    assert (first.allocation_id, first.week_id, first.business_id, first.booth_id, first.expires_at) == (
        short.id, open_week.id, short_user.business_id, short.booth_id, short.expires_at)


# -- the pages ---------------------------------------------------------------------------------

def test_the_desk_lists_holds_by_deadline(client, organiser, open_week, make_exhibitor):
    reviewed, quick = complete(make_exhibitor, open_week, name="Hợp tác xã Xem Xét"), \
        bare(make_exhibitor, open_week, name="Cơ sở Giữ Nhanh")
    review = booking.hold_booth(actor=reviewed, week=open_week, booth=get_booth(open_week, "A01"))
    short = booking.hold_booth(actor=quick, week=open_week, booth=get_booth(open_week, "A05"))
    confirmed = complete(make_exhibitor, open_week)
    booking.assign_booth(actor=organiser, week=open_week, booth=get_booth(open_week, "A03"),
                         business_id=confirmed.business_id)
    login(client, organiser)
    html = client.get(f"/organiser/weeks/{open_week.slug}").get_data(as_text=True)
    holds = re.findall(r'<tr class="hold" data-booth="(\w+)" data-kind="(\w+)">', html)
    assert holds == [("A05", "short"), ("A01", "review")]  # the soonest deadline first
    table = html[html.index('class="table responsive holds"'):]
    table = table[:table.index("</table>")]
    assert shown(short.expires_at) in table and shown(review.expires_at) in table
    assert "A03" not in table  # a confirmed booth waits for nothing
    assert f"/allocations/{review.id}/confirm" in table
    rule = re.search(r'<p class="hint hold-rule">([^<]*)</p>', html).group(1)
    assert re.findall(r"\d+", rule) == ["3", "15", "48"]  # review days, hold minutes, offer hours


def test_the_exhibitor_sees_the_deadline_and_the_rule(client, open_week, make_exhibitor):
    user = complete(make_exhibitor, open_week)
    login(client, user)
    before = utcnow()
    page = client.get(f"/weeks/{open_week.slug}/booths/A02").get_data(as_text=True)
    assert 'class="hint hold-rule"' in page
    offered = re.search(r"\d\d:\d\d \d\d/\d\d/\d{4}", page[page.index("/booths/A02/hold"):]).group(0)
    earliest, latest = shown(add_working_days(before, 3)), shown(add_working_days(utcnow(), 3))
    assert offered in (earliest, latest)  # the button names the deadline holding it would get

    assert client.post(f"/weeks/{open_week.slug}/booths/A02/hold").status_code == 302
    hold = queries.business_allocations(user.business_id)[0]
    my = client.get("/my").get_data(as_text=True)
    assert re.search(r'class="hold-deadline" data-kind="review"><time datetime="[^"]+">[^<]*'
                     + re.escape(shown(hold.expires_at)), my)
    page = client.get(f"/weeks/{open_week.slug}/booths/A02").get_data(as_text=True)
    assert 'class="hold-deadline" data-kind="review"' in page and shown(hold.expires_at) in page


def test_the_booth_page_offers_the_short_hold_without_a_complete_application(client, open_week,
                                                                           make_exhibitor):
    login(client, bare(make_exhibitor, open_week))
    page = client.get(f"/weeks/{open_week.slug}/booths/A02").get_data(as_text=True)
    button = page[page.index("/booths/A02/hold"):]
    button = button[:button.index("</form>")]
    assert str(open_week.hold_minutes) in button and not re.search(r"\d\d/\d\d/\d{4}", button)
    assert 'class="hint hold-rule"' in page


@pytest.mark.parametrize("value", ["0", "21", "ba", ""])
def test_the_week_form_keeps_review_days_between_1_and_20(client, organiser, open_week, value):
    from tests.weeks.test_weeks_pages import WEEK_FORM
    login(client, organiser)
    form = {**WEEK_FORM, "slug": open_week.slug, "status": "open", "review_days": value}
    response = client.post(f"/organiser/weeks/{open_week.slug}/edit", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'<div class="field [^"]*has-error">\s*<label for="review_days"', html)
    assert html.count('class="error"') == 1
    db.session.refresh(open_week)
    assert open_week.review_days == 3


def test_the_week_form_saves_review_days(client, organiser, open_week):
    from tests.weeks.test_weeks_pages import WEEK_FORM
    login(client, organiser)
    edit = client.get(f"/organiser/weeks/{open_week.slug}/edit").get_data(as_text=True)
    assert re.search(r'id="review_days"[^>]*value="3"', edit)
    form = {**WEEK_FORM, "slug": open_week.slug, "status": "open", "review_days": "5"}
    assert client.post(f"/organiser/weeks/{open_week.slug}/edit", data=form).status_code == 302
    db.session.refresh(open_week)
    assert open_week.review_days == 5


# -- the migration -----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_the_migration_keeps_every_row_and_tells_old_holds_apart(kind, tmp_path_factory):
    """Down and up again on a database with bookings: no row is lost (SQLite copies no table,
    so no foreign-key cascade runs) and holds made before the revision get their kind."""
    from flask_migrate import downgrade, upgrade

    from exhibit.accounts.services import create_organiser_user, register_exhibitor
    from exhibit.floorplan.services import save_booth, save_hall
    from exhibit.weeks.services import create_week
    from tests.conftest import PASSWORD, _test_app, business_data

    with _test_app(kind, tmp_path_factory, "holds_migration") as app, app.app_context():
        organiser = create_organiser_user(email="btc@itpc.example", password=PASSWORD,
                                          organizer_name="ITPC", organizer_short_name="ITPC")
        today = vietnam_today()
        week = create_week(actor=organiser, data={
            "name_vi": "Tuần lễ OCOP", "slug": "tuan-le", "host_province_scheme": "2025",
            "host_province_code": "79", "venue_name": "ITPC", "start_date": today + timedelta(days=60),
            "end_date": today + timedelta(days=62), "status": "open", "review_days": 4})
        hall = save_hall(actor=organiser, week=week, data={"name": "Sảnh A", "grid_width": 20, "grid_height": 5})
        for i in range(3):
            save_booth(actor=organiser, week=week, hall_id=hall.id,
                       data={"code": f"A{i + 1:02d}", "price_vnd": 1, "grid_x": i * 3, "grid_y": 1})
        users = [register_exhibitor(email=f"dn{n}@example.vn", password=PASSWORD, full_name="A",
                                    business=business_data()) for n in range(3)]
        for user in users:
            booking.apply_to_week(actor=user, week=week,
                                  data={"booth_count": 2, "intended_products": PRODUCTS})
        booking.decide_application(actor=organiser, decision="waitlist", reason="Chờ",
                                   application=queries.application_for(week.id, users[2].business_id))
        booking.hold_booth(actor=users[0], week=week, booth=get_booth(week, "A01"))
        booking.assign_booth(actor=organiser, week=week, booth=get_booth(week, "A02"),
                             business_id=users[1].business_id)
        gone = booking.hold_booth(actor=users[1], week=week, booth=get_booth(week, "A03"))
        booking.release_allocation(actor=users[1], allocation=gone)  # A03 offered to users[2]
        db.session.remove()

        def rows(sql):
            with db.engine.connect() as conn:
                return conn.execute(text(sql)).all()
        counts = {t: rows(f"SELECT count(*) FROM {t}")[0][0]
                  for t in ("exhibition_weeks", "booths", "applications", "allocations", "audit_entries")}
        downgrade(revision="8d1f53f4254a")
        with db.engine.connect() as conn:
            columns = conn.execute(text("SELECT * FROM allocations")).keys()
        assert "hold_kind" not in columns
        upgrade()
        assert {t: rows(f"SELECT count(*) FROM {t}")[0][0] for t in counts} == counts
        kinds = dict(rows("SELECT b.code || ':' || a.status, a.hold_kind FROM allocations a "
                          "JOIN booths b ON b.id = a.booth_id"))
        assert kinds == {"A01:held": "short", "A02:confirmed": None, "A03:released": "short",
                         "A03:held": "offer"}
        assert rows("SELECT review_days FROM exhibition_weeks") == [(3,)]  # the default again
        with pytest.raises(IntegrityError):  # the CHECK constraints came with the columns
            with db.engine.begin() as conn:
                conn.execute(text("UPDATE exhibition_weeks SET review_days = 21"))
        with pytest.raises(IntegrityError):
            with db.engine.begin() as conn:
                conn.execute(text("UPDATE allocations SET hold_kind = 'forever'"))
