"""The demo is alive: `flask seed-demo` makes a week running today (Vietnam time) with work
waiting on the organiser, a visitor can be checked in at its gate at once, the demo's holds
wait days for the organiser (not 15 minutes), and a second run changes nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from exhibit.booking.models import Allocation, Application
from exhibit.badges.models import Badge, CheckIn, GateScan
from exhibit.catalogue.models import ProductListing
from exhibit.core.db import utcnow
from exhibit.demo import live
from exhibit.demo.accounts import DEMO_PASSWORD
from exhibit.demo.seed import seed_demo
from exhibit.demo.visitors import ENTRANCE_EMAIL
from exhibit.documents import payments
from exhibit.documents.models import Document
from exhibit.extensions import db
from exhibit.visitors.models import BoothScan
from exhibit.vn.dates import to_vietnam_time, vietnam_today
from exhibit.weeks.models import ExhibitionWeek


@pytest.fixture
def demo(demo_app):
    with demo_app.app_context():
        yield demo_app
        db.session.rollback()
        db.session.remove()


def _live_week() -> ExhibitionWeek:
    return db.session.scalar(select(ExhibitionWeek).where(ExhibitionWeek.slug == live.SLUG))


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_live_week_runs_today_with_work_waiting(demo):
    week = _live_week()
    today = vietnam_today()
    assert week is not None and week.status == "open"
    assert week.start_date < today < week.end_date  # days before and after it
    # exhibitors with confirmed booths and approved products, visitors who came today
    assert _count(Allocation, Allocation.week_id == week.id, Allocation.status == "confirmed") >= 6
    assert _count(ProductListing, ProductListing.week_id == week.id,
                  ProductListing.status == "approved") > 0
    assert _count(Badge, Badge.week_id == week.id, Badge.kind == "visitor") == live.VISITORS
    assert live.checkins_today(week) > 0
    assert _count(CheckIn, CheckIn.week_id == week.id, CheckIn.day < today) > 0
    scanned_days = {to_vietnam_time(at).date() for at in db.session.scalars(
        select(BoothScan.scanned_at).where(BoothScan.week_id == week.id))}
    assert today in scanned_days
    assert max(db.session.scalars(select(BoothScan.scanned_at).where(
        BoothScan.week_id == week.id))) <= utcnow()  # nothing happened in the future
    # waiting on the organiser: an application, a hold, products, a draft contract, a late payer
    assert _count(Application, Application.week_id == week.id, Application.status == "submitted") == 2
    assert _count(Allocation, Allocation.week_id == week.id, Allocation.status == "held") == 1
    assert _count(ProductListing, ProductListing.week_id == week.id,
                  ProductListing.status == "pending") > 0
    assert _count(Document, Document.week_id == week.id, Document.status == "draft") == 1
    late = payments.overdue(week, today)
    assert len(late) == 2 and all(row.overdue_amount > 0 for row in late)


def test_every_demo_hold_waits_days_for_the_organiser(demo):
    """A held booth of the demo is part of a complete application: it lasts until the review
    deadline (3 working days), so it is still there long after `make run`."""
    held = db.session.scalars(select(Allocation).where(Allocation.status == "held")).all()
    assert {a.week.slug for a in held} >= {live.SLUG, "tuan-le-ocop-itpc-2027"}
    for allocation in held:
        assert allocation.hold_kind == "review"
        assert allocation.expires_at - allocation.created_at >= timedelta(days=3)
    live_hold = next(a for a in held if a.week.slug == live.SLUG)
    assert live_hold.expires_at > utcnow() + timedelta(days=1)


def test_a_visitor_is_checked_in_at_the_live_week_gate(demo):
    week = _live_week()
    badge = live.visitor_to_check_in(week)
    assert badge is not None
    client = demo.test_client()
    response = client.post("/login", data={"email": ENTRANCE_EMAIL, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    try:
        page = client.get(f"/gate/{week.slug}")
        assert page.status_code == 200
        answer = client.post(f"/gate/{week.slug}", data={
            "code": badge.entry_code.upper(), "nonce": "test-live-gate-1"})
        assert answer.status_code == 200
        assert 'data-result="ok"' in answer.get_data(as_text=True)
        assert db.session.scalar(select(CheckIn.id).where(
            CheckIn.badge_id == badge.id, CheckIn.day == vietnam_today())) is not None
    finally:  # the demo database is shared by the session's tests: leave it as it was
        db.session.rollback()
        with db.session.begin():
            db.session.execute(delete(GateScan).where(GateScan.nonce == "test-live-gate-1"))
            db.session.execute(delete(CheckIn).where(CheckIn.badge_id == badge.id,
                                                     CheckIn.day == vietnam_today()))


def test_seeding_again_changes_nothing(demo):
    tables = (ExhibitionWeek, Application, Allocation, ProductListing, Badge, CheckIn, BoothScan,
              Document)
    before = [_count(model) for model in tables]
    lines = list(seed_demo())
    assert any(line.startswith(f"week {live.SLUG}: already there") for line in lines)
    assert any(line.startswith(f"gate: /gate/{live.SLUG}") for line in lines)
    db.session.remove()
    assert [_count(model) for model in tables] == before
