"""The organiser desk's work queue against the demo (SQLite and PostgreSQL): every count is the
one a test makes itself from the rows, with the owning package's rules written out again in
Python; every item's link opens the list that holds exactly those rows."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import url_for
from sqlalchemy import select

from exhibit.accounts.models import User
from exhibit.b2b.models import Meeting
from exhibit.booking.models import Allocation, Application
from exhibit.catalogue import ocop
from exhibit.catalogue.models import ProductListing
from exhibit.core.db import utcnow
from exhibit.demo.accounts import DEMO_PASSWORD
from exhibit.documents import payments
from exhibit.documents.models import Document
from exhibit.extensions import db
from exhibit.vn.dates import VIETNAM_TZ, vietnam_today
from exhibit.weeks import desk
from exhibit.weeks.models import ExhibitionWeek
from exhibit.weeks.views import WAITING_SOURCES

ORGANISER = "bantochuc@exhibit.demo"
PROBLEMS = {ocop.EXPIRED, ocop.EXPIRES_DURING, ocop.NOT_YET_VALID}


def _expected(week: ExhibitionWeek, now: datetime) -> Counter:
    """What waits at ``week`` at ``now``, counted row by row in Python."""
    today = vietnam_today(now)
    found: Counter = Counter()
    for application in db.session.scalars(select(Application).where(Application.week_id == week.id)):
        found["applications"] += application.status == "submitted"
    confirmed = set()
    for allocation in db.session.scalars(select(Allocation).where(Allocation.week_id == week.id)):
        found["holds"] += allocation.status == "held" and allocation.expires_at > now
        if allocation.status == "confirmed":
            confirmed.add(allocation.business_id)
    for listing in db.session.scalars(select(ProductListing).where(ProductListing.week_id == week.id)):
        found["products"] += listing.status == "pending"
        check = ocop.check_certificate(listing.product.stars, listing.product.cert_decision_date,
                                       week.start_date, week.end_date)
        found["certificates"] += listing.status == "approved" and check.status in PROBLEMS
    contracts = db.session.scalars(select(Document).where(
        Document.week_id == week.id, Document.kind == "contract")).all()
    with_contract = {d.business_id for d in contracts if d.status != "cancelled"}
    found["no_contract"] = len(confirmed - with_contract)
    found["contract_drafts"] = sum(d.status == "draft" for d in contracts)
    found["contracts_unsigned"] = sum(d.status == "issued" for d in contracts)
    # the ledger's own row-by-row rule (LedgerRow.state), not its SQL
    found["late_payers"] = len(payments.overdue(week, today))
    for meeting in db.session.scalars(select(Meeting).where(Meeting.week_id == week.id)):
        found["meeting_requests"] += meeting.status == "requested"
        found["meetings_to_schedule"] += meeting.status == "accepted" and meeting.slot_id is None
    return +found  # only what is waiting


def _counted(queue: desk.WeekQueue) -> Counter:
    return Counter({item.kind: item.count for item in queue.items})


def _organiser():
    return db.session.scalar(select(User).where(User.email == ORGANISER))


def _moments():
    """Now, and two other days the rules read differently on: before the demo's weeks took
    bookings and after the live week's payments fell due."""
    now = utcnow()
    return [now, now - timedelta(days=40), now + timedelta(days=20)]


def test_every_count_is_the_rows_counted_one_by_one(demo_app):
    with demo_app.test_request_context():
        weeks = db.session.scalars(select(ExhibitionWeek)).all()
        seen = Counter()
        for now in _moments():
            queues = desk.queues_for(weeks, WAITING_SOURCES, now=now)
            assert {q.week.id for q in queues} == {w.id for w in weeks}
            for queue in queues:
                assert _counted(queue) == _expected(queue.week, now), queue.week.slug
                seen += _counted(queue)
        # the demo gives most kinds something to count (else this test could not fail)
        assert {"applications", "holds", "products", "certificates", "no_contract",
                "contract_drafts", "contracts_unsigned", "late_payers"} <= set(seen)


def test_most_urgent_first(demo_app):
    with demo_app.test_request_context():
        desk_now = desk.work_queue(_organiser(), WAITING_SOURCES)
        for queue in desk_now.queues:
            keys = [item.urgency() for item in queue.items]
            assert keys == sorted(keys)
            dated = [item for item in queue.items if item.due]
            # a deadline (a payment day missed, a hold lapsing) comes before anything without
            assert queue.items[:len(dated)] == dated
        busy = [q for q in desk_now.queues if q.items]
        assert len(busy) >= 2, "the demo has two weeks with work waiting"
        firsts = [q.items[0].urgency() for q in busy]
        assert firsts == sorted(firsts)
        assert desk_now.queues[:len(busy)] == busy  # the weeks with nothing waiting come last
        urgent = [item.urgency() for _week, item in desk_now.most_urgent]
        assert urgent == sorted(urgent) and urgent[0] == min(firsts)


def test_past_and_archived_weeks_have_no_queue(demo_app):
    with demo_app.test_request_context():
        today = vietnam_today()
        result = desk.work_queue(_organiser(), WAITING_SOURCES)
        for queue in result.queues:
            assert queue.week.status != "archived"
            assert queue.week.end_date >= today - timedelta(days=desk.FOLLOW_UP_DAYS)
        for week in result.past_weeks:
            assert week.status == "archived" or week.end_date < today - timedelta(days=desk.FOLLOW_UP_DAYS)
        assert result.past_weeks, "the demo has past weeks"


def _list_total(week, endpoint: str, args: dict, now: datetime) -> int:
    """How many rows the list behind a link holds, by that list's own filters and queries."""
    from exhibit.b2b import services as b2b
    from exhibit.booking import queries
    from exhibit.catalogue import review
    from exhibit.documents import services as documents
    if endpoint == "booking.manage_week" and args.get("tab") == "applications":
        return queries.application_page(week, queries.ApplicationFilter.from_args(args), 1).total
    if endpoint == "booking.manage_week":
        return queries.booking_page(week, queries.BookingFilter.from_args(args), 1, now).total
    if endpoint == "catalogue.review":
        filters, problem = review.parse_filters(args)
        assert problem is None
        return review.review_page(week, filters, 1, 20).listing_count
    if endpoint == "documents.week_documents" and not args:
        return documents.contracts_waiting(week)[0]
    if endpoint == "documents.week_documents":
        return documents.documents_page(week, documents.DocumentFilters.from_args(args), 1).total
    if endpoint == "documents.week_payments":
        return payments.ledger_page(week, vietnam_today(now), args).page.total
    if endpoint == "b2b.manage":
        filters = b2b.MeetingFilters.from_args(args, b2b.slots(week), b2b.tables(week))
        return b2b.meetings_page(week, filters, 1).total
    raise AssertionError(f"no list known for {endpoint}")


def test_each_link_opens_the_list_of_exactly_those_rows(demo_app):
    client = demo_app.test_client()
    assert client.post("/login", data={"email": ORGANISER, "password": DEMO_PASSWORD}).status_code == 302
    html = client.get("/organiser/").get_data(as_text=True)
    with demo_app.test_request_context():
        now = utcnow()
        result = desk.work_queue(_organiser(), WAITING_SOURCES, now=now)
        checked = 0
        for queue in result.queues:
            for item in queue.items:
                link = url_for(item.endpoint, slug=queue.week.slug, **item.args)
                assert f'href="{link.replace("&", "&amp;")}"' in html
                args = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
                assert _list_total(queue.week, item.endpoint, args, now) == item.count, item.kind
                assert client.get(link).status_code == 200
                checked += 1
        assert checked >= 8


def test_the_desk_page_shows_each_week_and_says_when_nothing_waits(demo_app):
    client = demo_app.test_client()
    client.post("/login", data={"email": ORGANISER, "password": DEMO_PASSWORD})
    with demo_app.test_request_context():
        result = desk.work_queue(_organiser(), WAITING_SOURCES)
    html = client.get("/organiser/").get_data(as_text=True)
    for queue in result.queues:
        assert f'data-week="{queue.week.slug}" data-waiting="{queue.total}"' in html
        assert html.count(f'href="/organiser/weeks/{queue.week.slug}') >= len(queue.items)
    assert "data-most-urgent" in html
    for week in result.past_weeks:
        assert f'<li data-week="{week.slug}">' in html


@pytest.mark.parametrize("status", ["archived", "closed"])
def test_a_week_with_nothing_waiting_says_so_and_past_weeks_drop_off(client, organiser, open_week,
                                                                     status):
    from exhibit.weeks.services import create_week
    from tests.conftest import login
    login(client, organiser)
    html = client.get("/organiser/").get_data(as_text=True)
    assert f'data-week="{open_week.slug}" data-waiting="0"' in html
    assert html.count("data-nothing-waiting") == 1 and "data-all-clear" in html
    today = vietnam_today()
    old = create_week(actor=organiser, data={
        "name_vi": "Tuần lễ đã lưu trữ", "slug": "tuan-le-luu-tru", "host_province_code": "79",
        "venue_name": "ITPC",
        "start_date": today - timedelta(days=desk.FOLLOW_UP_DAYS + 10),
        "end_date": today - timedelta(days=desk.FOLLOW_UP_DAYS + 5) if status == "closed"
        else today - timedelta(days=5), "status": status})
    html = client.get("/organiser/").get_data(as_text=True)
    assert f'<li data-week="{old.slug}">' in html and f'data-week="{old.slug}" data-waiting' not in html


def test_a_missed_payment_day_is_a_deadline_in_vietnam_time(demo_app):
    with demo_app.test_request_context():
        for queue in desk.work_queue(_organiser(), WAITING_SOURCES).queues:
            for item in queue.items:
                if item.kind == "late_payers":
                    assert item.due.tzinfo is not None
                    assert item.due.astimezone(VIETNAM_TZ).time() == time.min
                    assert item.due.date() < vietnam_today()


def test_one_weeks_queue_is_its_card_on_the_desk(demo_app):
    """desk.week_queue (for the top of a week's own pages) answers what the desk shows."""
    with demo_app.test_request_context():
        now = utcnow()
        for queue in desk.queues_for(db.session.scalars(select(ExhibitionWeek)).all(),
                                     WAITING_SOURCES, now=now):
            alone = desk.week_queue(queue.week, WAITING_SOURCES, now=now)
            assert alone.items == queue.items


def test_the_missed_payment_day_is_the_first_unpaid_one(demo_app):
    """The late payers' deadline is the earliest day an overdue exhibitor missed: the deposit's
    day while the deposit is unpaid, else the balance's (a paid deposit's day is not missed)."""
    with demo_app.test_request_context():
        today = vietnam_today()
        for queue in desk.work_queue(_organiser(), WAITING_SOURCES).queues:
            [item] = [i for i in queue.items if i.kind == "late_payers"] or [None]
            if item is None:
                continue
            missed = []
            for row in payments.overdue(queue.week, today):
                deposit_day = row.contract.deposit_due_on
                deposit_missed = deposit_day and deposit_day < today and row.paid < row.deposit_due
                missed.append(deposit_day if deposit_missed else row.contract.balance_due_on)
            assert item.due.astimezone(VIETNAM_TZ).date() == min(missed), queue.week.slug
