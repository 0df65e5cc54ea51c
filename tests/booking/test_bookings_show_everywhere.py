"""Booking owns "who holds which booth", so a move, a release or an expiry shows at once on
every page and file that names booths: the booth pages, the catalogue (page and API), the
visitor's scan page, the exports, the week's figures and the staff badges."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from exhibit.booking import services as booking
from exhibit.core.db import utcnow
from exhibit.extensions import db
from exhibit.floorplan.services import get_booth
from tests.conftest import login

PRODUCT = "Hạt điều rang muối Bình Phước"


@pytest.fixture
def fair(app, client, open_week, organiser, make_exhibitor):
    """A business confirmed at A01 with an approved product listed there, a staff badge, and
    QR codes on A01 and A02; the organiser signed in."""
    from exhibit.badges.services import add_staff_badge
    from exhibit.catalogue import services as catalogue
    from exhibit.visitors.services import current_token
    business = make_exhibitor("Công ty TNHH Hạt điều Thử")
    booking.apply_to_week(actor=business, week=open_week, data={"booth_count": 2})
    booking.assign_booth(actor=organiser, week=open_week, booth=get_booth(open_week, "A01"),
                         business_id=business.business_id)
    product = catalogue.create_product(actor=business, data={
        "name": PRODUCT, "price_vnd": 120000, "unit": "hũ"})
    catalogue.set_week_products(actor=business, week=open_week, selections={product.id: None})
    listing = catalogue.business_listings(business.business_id, open_week)[product.id]
    catalogue.review_listing(actor=organiser, listing=listing, decision="approved")
    badge = add_staff_badge(actor=business, week=open_week, data={"full_name": "Lê Thị Bán Hàng"})
    tokens = {code: current_token(get_booth(open_week, code)) for code in ("A01", "A02")}
    login(client, organiser)
    return {"business": business, "slug": open_week.slug, "week": open_week, "badge": badge,
            "tokens": tokens}


def where_it_shows(client, fair) -> dict:
    """Which booth every view names for the business and its product."""
    from exhibit.reports.figures import week_report
    slug, shown = fair["slug"], {}
    shown["booth pages"] = sorted(code for code in ("A01", "A02", "A03")
                                  if PRODUCT in client.get(f"/weeks/{slug}/booths/{code}").text)
    api = client.get(f"/api/v1/weeks/{slug}/products").json["items"]
    shown["catalogue api"] = [item["booth"] for item in api if item["name"] == PRODUCT]
    page = client.get(f"/weeks/{slug}/products").text
    shown["catalogue page"] = sorted(code for code in ("A01", "A02", "A03") if f">{code}<" in page
                                     or f"{code}</" in page)
    shown["scan pages"] = sorted(code for code, token in fair["tokens"].items()
                                 if PRODUCT in client.get(f"/b/{token}").text)
    exhibitors = csv.reader(io.StringIO(
        client.get(f"/organiser/weeks/{slug}/exports/exhibitors.csv").text.lstrip("\ufeff")))
    shown["exhibitors export"] = [row[10] for row in exhibitors if "Hạt điều Thử" in row[0]]
    db.session.rollback()
    booths_table = week_report(fair["week"]).table("booths")
    shown["figures: confirmed"] = booths_table.value("confirmed")
    pdf = client.get(f"/organiser/weeks/{slug}/badges/{fair['badge'].id}.pdf").data
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    shown["badge"] = sorted(code for code in ("A01", "A02", "A03") if code in text)
    return shown


def test_a_move_shows_at_once_everywhere(client, fair, organiser):
    assert where_it_shows(client, fair) == {
        "booth pages": ["A01"], "catalogue api": ["A01"], "catalogue page": ["A01"],
        "scan pages": ["A01"], "exhibitors export": ["A01"], "figures: confirmed": 1,
        "badge": ["A01"]}
    allocation = booking.queries.confirmed_allocations(fair["week"].id)[0]
    booking.move_allocation(actor=organiser, allocation=allocation,
                            target=get_booth(fair["week"], "A02"))
    assert where_it_shows(client, fair) == {
        "booth pages": ["A02"], "catalogue api": ["A02"], "catalogue page": ["A02"],
        "scan pages": ["A02"], "exhibitors export": ["A02"], "figures: confirmed": 1,
        "badge": ["A02"]}


def test_a_release_shows_at_once_everywhere(client, fair, organiser):
    allocation = booking.queries.confirmed_allocations(fair["week"].id)[0]
    booking.release_allocation(actor=organiser, allocation=allocation, reason="Không tham gia")
    assert where_it_shows(client, fair) == {
        "booth pages": [], "catalogue api": [None], "catalogue page": [], "scan pages": [],
        "exhibitors export": [""], "figures: confirmed": 0, "badge": []}


def test_a_lapsed_hold_is_free_at_once_and_the_clock_ends_it(client, fair, make_exhibitor):
    """No page ends a hold: a lapsed one reads as free everywhere at once, and the clock job
    (`flask expire-holds`) marks it expired later."""
    late = make_exhibitor("Cơ sở Chậm chân")
    booking.apply_to_week(actor=late, week=fair["week"], data={})
    booking.hold_booth(actor=late, week=fair["week"], booth=get_booth(fair["week"], "A03"),
                       now=utcnow() - timedelta(hours=1))
    slug = fair["slug"]
    booth_page = client.get(f"/weeks/{slug}/booths/A03").text
    assert 'data-status="available"' in booth_page
    states = {b["code"]: b["status"] for b in client.get(f"/api/v1/weeks/{slug}/booths").json["items"]}
    assert states["A03"] == "available" and states["A01"] == "confirmed"
    holds = client.get(f"/organiser/weeks/{slug}/exports/allocations.csv").text
    assert "A03" in holds and ("Hết hạn" in holds or "Expired" in holds)
    assert booking.expire_due_holds() == 1
    assert booking.expire_due_holds() == 0
