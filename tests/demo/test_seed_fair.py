"""`flask seed-fair` at a small size, on SQLite and PostgreSQL: the counts it was asked for, a
QR token for every booth, one live allocation per booth, the screens that read the week, and
the same fair for the same seed."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from exhibit.accounts.models import User
from exhibit.badges.models import Badge, CheckIn
from exhibit.booking.models import Allocation, Application
from exhibit.businesses.models import Business
from exhibit.businesses.services import legal_form_named
from exhibit.catalogue.models import Product, ProductListing
from exhibit.core.errors import Conflict
from exhibit.demo.accounts import DEMO_PASSWORD
from exhibit.demo.fair import FairOptions, seed_fair
from exhibit.documents.models import Document, Payment
from exhibit.b2b.models import Meeting
from exhibit.extensions import db
from exhibit.messaging.models import Message
from exhibit.floorplan.models import Booth
from exhibit.visitors.models import BoothScan, BoothToken, Lead
from exhibit.vn import tax_codes
from exhibit.vn.text import fold_search_key, search_document
from exhibit.weeks.models import ExhibitionWeek
from tests.conftest import login

SMALL = dict(booths=60, businesses=40, products=120, visitors=300, scans=500, checkins=300)


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _seed(**extra) -> tuple[FairOptions, dict]:
    options = FairOptions(**{**SMALL, "slug": "hoi-cho-thu", **extra})
    return options, seed_fair(options)


def test_counts_tokens_and_allocations(app):
    options, counts = _seed()
    week = db.session.scalar(select(ExhibitionWeek).where(ExhibitionWeek.slug == "hoi-cho-thu"))
    assert _count(Booth, Booth.week_id == week.id) == options.booths == counts["booths"]
    generated = Business.tax_code != ""  # every business here was generated (no demo loaded)
    buyers = counts["b2b_buyers"]
    assert _count(Business, generated) == options.businesses + buyers
    assert _count(Product) == options.products
    assert _count(ProductListing, ProductListing.week_id == week.id) == options.products
    assert _count(Badge, Badge.week_id == week.id, Badge.kind == "visitor") == options.visitors
    assert _count(BoothScan, BoothScan.week_id == week.id) == options.scans
    assert _count(CheckIn, CheckIn.week_id == week.id) == options.checkins
    assert _count(Application, Application.week_id == week.id) == options.businesses
    assert _count(Lead, Lead.week_id == week.id) == counts["leads"] > 0
    assert _count(Meeting, Meeting.week_id == week.id) == counts["b2b_meetings"] > 0
    assert _count(Payment, Payment.week_id == week.id) == counts["payments"] > 0
    assert _count(Document, Document.week_id == week.id) == counts["documents"] > 0

    # a current QR token for every booth
    tokens = db.session.scalars(select(BoothToken.booth_id).where(BoothToken.replaced_at.is_(None))).all()
    assert sorted(tokens) == sorted(db.session.scalars(select(Booth.id).where(Booth.week_id == week.id)))

    # every allocation state, and never two live allocations on one booth
    states = set(db.session.scalars(select(Allocation.status).where(Allocation.week_id == week.id)))
    assert states == {"confirmed", "held", "released", "expired"}
    live = db.session.execute(
        select(Allocation.booth_id, func.count()).where(
            Allocation.week_id == week.id, Allocation.status.in_(("held", "confirmed")))
        .group_by(Allocation.booth_id)).all()
    assert live and all(n == 1 for _booth, n in live)
    held = db.session.scalars(select(Allocation).where(Allocation.status == "held")).all()
    assert all(a.hold_kind in ("short", "review", "offer") and a.expires_at for a in held)
    blocked = set(db.session.scalars(select(Booth.id).where(Booth.blocked)))
    assert not blocked & {booth for booth, _n in live}
    assert set(db.session.scalars(select(ProductListing.status))) == {"approved", "pending", "rejected"}

    # a booth offered from the waiting list has taken its application off the list
    offered = select(Allocation.application_id).where(Allocation.source == "waitlist_offer")
    assert _count(Allocation, Allocation.source == "waitlist_offer") > 0
    assert set(db.session.scalars(select(Application.status).where(
        Application.id.in_(offered)))) == {"approved"}
    assert _count(Application, Application.status == "waitlisted") > 0

    # businesses as the sign-up rules would take them; products searchable as the services fold them
    for business in db.session.scalars(select(Business)):
        tax_codes.normalize_tax_code(business.tax_code)
        said = legal_form_named(business.name)
        assert said is None or said[1].value == business.legal_form, business.name
        assert business.name_search == fold_search_key(business.name)
    for product in db.session.scalars(select(Product).limit(20)):
        assert product.name_search == search_document(product.name, product.name_en)
        assert search_document(product.business.name).strip() in product.search_text
    # each listing carries its product's words (PostgreSQL searches the listing's copy) …
    assert _count(ProductListing, ProductListing.search_text != select(Product.search_text).where(
        Product.id == ProductListing.product_id).scalar_subquery()) == 0
    # … so the public catalogue finds a product by a word of its name
    from exhibit.catalogue import search
    approved = db.session.scalar(select(Product).join(ProductListing).where(
        ProductListing.week_id == week.id, ProductListing.visible.is_(True)).order_by(Product.id))
    found = search.search(week, search.Filters(q=approved.name, per_page=100))
    assert approved.id in {item.product.id for item in found.items}
    assert db.session.scalar(select(User).where(User.business_id.is_not(None))).email_verified_at
    assert _count(Message) == 0  # bulk inserts announce nothing


def test_the_command(app):
    args = ["seed-fair", *(f"--{k}={v}" for k, v in SMALL.items()), "--slug=hoi-cho-cli",
            "--start=2026-03-02"]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "booths: 60" in result.output and "seed-fair:" in result.output
    assert db.session.scalar(select(ExhibitionWeek.start_date)) == date(2026, 3, 2)
    again = app.test_cli_runner().invoke(args=args)
    assert again.exit_code == 1 and "exists already" in again.output


def test_a_taken_slug_or_taken_tax_codes_are_refused(app):
    _seed()
    with pytest.raises(Conflict, match="exists already"):
        _seed()
    with pytest.raises(Conflict, match="--tax-offset"):
        _seed(slug="hoi-cho-khac")
    _seed(slug="hoi-cho-khac", tax_offset=300_000)  # another fair beside the first


def test_the_screens_of_the_week_answer(app, client):
    _seed()
    week = db.session.scalar(select(ExhibitionWeek).where(ExhibitionWeek.slug == "hoi-cho-thu"))
    organiser = db.session.scalar(select(User).where(User.organizer_id == week.organizer_id))
    login(client, organiser, DEMO_PASSWORD)
    base = "/organiser/weeks/hoi-cho-thu"
    for path in (base, f"{base}/products", f"{base}/badges", f"{base}/payments",
                 f"{base}/dashboard", f"{base}/documents", f"{base}/b2b", f"{base}/booths",
                 f"{base}/audit"):
        assert client.get(path).status_code == 200, path
    client.post("/logout")
    token = db.session.scalar(select(BoothToken.token).join(Booth).join(
        Allocation, Allocation.booth_id == Booth.id).where(Allocation.status == "confirmed").limit(1))
    assert client.get("/weeks/hoi-cho-thu").status_code == 200
    assert client.get(f"/b/{token}").status_code == 200


def _names() -> list[tuple[str, str, str]]:
    return db.session.execute(select(Business.name, Business.tax_code, Business.legal_form)
                              .order_by(Business.tax_code)).all()


def _wipe() -> None:
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


def test_a_past_fair_has_check_ins_on_every_day(app):
    _seed(start=date(2025, 10, 1))
    days = set(db.session.scalars(select(CheckIn.day)))
    assert days == {date(2025, 10, 1) + timedelta(days=n) for n in range(7)}
    assert max(db.session.scalars(select(BoothScan.scanned_at))) < datetime(2025, 10, 8, tzinfo=timezone.utc)


def test_same_seed_same_fair(app):
    _seed(seed=7)
    first = _names()
    products = db.session.scalars(select(Product.name).order_by(Product.id)).all()
    _wipe()
    _seed(seed=7)
    assert _names() == first
    assert db.session.scalars(select(Product.name).order_by(Product.id)).all() == products
    _wipe()
    _seed(seed=8)
    assert [n for n, _c, _f in _names()] != [n for n, _c, _f in first]
