"""The dashboard's figures against counts made here, independently, from the demo's rows: plain
selects of the stored columns, counted in Python with the rules written out again (Vietnam
days, 36-month certificates, what is overdue)."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.reports.conftest import BINH_THUAN, DAK_LAK, read_figures, sign_in

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def _rows(statement):
    from exhibit.extensions import db
    return db.session.execute(statement).all()


def _certificate_until(decided: date) -> date:
    try:
        return decided.replace(year=decided.year + 3)
    except ValueError:  # 29 February
        return decided.replace(year=decided.year + 3, day=28)


def independent_counts(slug: str) -> dict:
    from exhibit.b2b.models import Meeting
    from exhibit.badges.models import Badge, CheckIn
    from exhibit.booking.models import Allocation, Application
    from exhibit.businesses.models import Business
    from exhibit.catalogue.models import Product, ProductListing
    from exhibit.documents.models import Document, Payment
    from exhibit.floorplan.models import Booth
    from exhibit.visitors.models import BoothScan, Lead
    from exhibit.weeks.models import ExhibitionWeek

    (week_id, start, end), = _rows(select(ExhibitionWeek.id, ExhibitionWeek.start_date,
                                          ExhibitionWeek.end_date).where(ExhibitionWeek.slug == slug))
    today = datetime.now(VIETNAM).date()  # due dates are Vietnam dates
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    c: dict = {"days": days}

    booths = _rows(select(Booth.id, Booth.code, Booth.blocked).where(Booth.week_id == week_id))
    allocations = _rows(select(Allocation.booth_id, Allocation.business_id, Allocation.status)
                        .where(Allocation.week_id == week_id))
    confirmed = {booth for booth, _b, status in allocations if status == "confirmed"}
    held = {booth for booth, _b, status in allocations if status == "held"}
    c["booths"] = len(booths)
    c["confirmed"] = len(confirmed)
    c["blocked"] = sum(1 for b, _code, blocked in booths if blocked and b not in confirmed | held)
    c["exhibitors"] = len({biz for _booth, biz, status in allocations if status == "confirmed"})
    c["applications"] = Counter(s for s, in _rows(
        select(Application.status).where(Application.week_id == week_id)))
    exhibitor_ids = {biz for _booth, biz, status in allocations if status == "confirmed"}
    c["legal_forms"] = Counter(form for biz, form in _rows(select(Business.id, Business.legal_form))
                               if biz in exhibitor_ids)

    listings = _rows(select(ProductListing.status, Product.stars, Product.cert_decision_date,
                            ProductListing.business_id)
                     .join(Product, Product.id == ProductListing.product_id)
                     .where(ProductListing.week_id == week_id))
    shown = Counter()
    expiring = 0
    for status, stars, decided, _biz in listings:
        until = _certificate_until(decided) if stars and decided else None
        covers = bool(stars and decided and decided <= start and until >= end)
        if status == "approved":
            shown[stars if covers else 0] += 1
        if status != "rejected" and stars and decided and decided <= start and until < end:
            expiring += 1
    c["stars"], c["expiring"] = shown, expiring

    badges = _rows(select(Badge.id, Badge.kind, Badge.revoked_at).where(Badge.week_id == week_id))
    kinds = {b: kind for b, kind, _r in badges}
    c["visitors"] = sum(1 for _b, kind, revoked in badges if kind == "visitor" and not revoked)
    checkins = _rows(select(CheckIn.badge_id, CheckIn.day).where(CheckIn.week_id == week_id))
    c["checkins"] = len(checkins)
    c["visitor_checkins_by_day"] = Counter(day for b, day in checkins if kinds[b] == "visitor")

    scans = _rows(select(BoothScan.booth_id, BoothScan.scanned_at, BoothScan.visitor_key)
                  .where(BoothScan.week_id == week_id))
    c["scans"] = len(scans)
    c["phones"] = len({key for _b, _at, key in scans})
    c["scans_by_day"] = Counter(at.astimezone(VIETNAM).date() for _b, at, _k in scans)
    codes = {b: code for b, code, _blocked in booths}
    c["top_booth"] = Counter(codes[b] for b, _at, _k in scans).most_common(1)[0] if scans else None

    c["leads"] = Counter(s for s, in _rows(select(Lead.source).where(Lead.week_id == week_id)))
    meetings = _rows(select(Meeting.status, Meeting.outcome).where(Meeting.week_id == week_id))
    c["meetings"] = Counter(status for status, _o in meetings)
    c["outcomes"] = Counter(o or "none" for status, o in meetings if status == "accepted")

    documents = _rows(select(Document.kind, Document.status, Document.expected_value_vnd,
                             Document.total_vnd, Document.business_id, Document.deposit_percent,
                             Document.deposit_due_on, Document.balance_due_on)
                      .where(Document.week_id == week_id))
    c["mous"] = Counter(status for kind, status, *_rest in documents if kind == "mou")
    c["mou_value_signed"] = sum(value for kind, status, value, *_rest in documents
                                if kind == "mou" and status == "signed")
    paid = Counter()
    for biz, kind, amount in _rows(select(Payment.business_id, Payment.kind, Payment.amount_vnd)
                                   .where(Payment.week_id == week_id)):
        paid[biz] += -amount if kind == "refund" else amount
    due = overdue = 0
    for kind, status, _v, total, biz, deposit_percent, deposit_on, balance_on in documents:
        if kind != "contract" or status == "cancelled":
            continue
        due += total
        owed = 0
        if deposit_on and deposit_on < today:
            owed = total * deposit_percent // 100
        if balance_on and balance_on < today:
            owed = total
        overdue += max(owed - paid[biz], 0)
    c["contract_value"], c["paid"], c["overdue"] = due, sum(paid.values()), overdue
    return c


@pytest.mark.parametrize("slug", [BINH_THUAN, DAK_LAK])
def test_dashboard_figures_equal_independent_counts(demo, slug):
    expected = independent_counts(slug)
    response = sign_in(demo).get(f"/organiser/weeks/{slug}/dashboard")
    assert response.status_code == 200
    f = read_figures(response.get_data(as_text=True))

    kpis = f["kpis"]
    assert kpis["exhibitors"] == expected["exhibitors"] > 0
    assert kpis["booths_confirmed"] == expected["confirmed"]
    offered = expected["booths"] - expected["blocked"]
    assert kpis["occupancy"] == round(100 * expected["confirmed"] / offered, 1)
    assert f["booths"]["total"] == [expected["booths"], 100.0]
    assert f["booths"]["confirmed"][0] == expected["confirmed"]
    assert f["booths"]["blocked"][0] == expected["blocked"]

    for status in ("submitted", "approved", "waitlisted", "rejected", "withdrawn"):
        assert f["applications"][status] == [expected["applications"][status]]
    assert {k: v[0] for k, v in f["legal_forms"].items() if k != "total"} == \
        dict(expected["legal_forms"])
    assert f["provinces"]["total"] == [expected["exhibitors"]]

    stars = expected["stars"]
    assert [f["products_by_stars"][k][0] for k in ("0", "3", "4", "5")] == \
        [stars[0], stars[3], stars[4], stars[5]]
    assert kpis["products"] == sum(stars.values()) > 0
    assert kpis["ocop_products"] == stars[3] + stars[4] + stars[5]
    assert f["products_by_group"]["total"][-1] == sum(stars.values())
    assert len(f["certificates"]) == expected["expiring"] > 0

    assert kpis["visitors"] == expected["visitors"] > 0
    assert kpis["checkins"] == expected["checkins"] > 0
    for day in expected["days"]:
        assert f["visitors_per_day"][day.isoformat()][1] == expected["visitor_checkins_by_day"][day]
        assert f["scans_per_day"][day.isoformat()][0] == expected["scans_by_day"][day]
    assert f["scans_per_day"]["total"] == [expected["scans"], expected["phones"]]
    assert kpis["scans"] == expected["scans"] > 0
    code, count = expected["top_booth"]
    assert f["top_booths"][code][0] == count == max(v[0] for v in f["top_booths"].values())

    assert f["leads"]["contact_form"] == [expected["leads"]["contact_form"]]
    assert f["leads"]["badge_scan"] == [expected["leads"]["badge_scan"]]
    assert kpis["leads"] == sum(expected["leads"].values()) > 0

    for status in ("requested", "accepted", "declined", "cancelled"):
        assert f["meetings_by_status"][status] == [expected["meetings"][status]]
    for outcome in ("no_interest", "interested", "samples", "mou", "none"):
        assert f["meetings_by_outcome"][outcome] == [expected["outcomes"][outcome]]
    for status in ("draft", "issued", "signed", "cancelled"):
        assert f["mous"][status][0] == expected["mous"][status]
    assert kpis["mous_signed"] == expected["mous"]["signed"]
    assert kpis["mou_value"] == expected["mou_value_signed"]

    assert kpis["contract_value"] == expected["contract_value"]
    assert f["payments"]["total"][1] == expected["contract_value"]
    assert f["payments"]["total"][2] == expected["paid"]
    assert kpis["overdue"] == f["payments"]["total"][4] == expected["overdue"]


def test_dak_lak_b2b_and_money_figures_are_not_empty(demo):
    """The Đắk Lắk week carries the B2B, MoU and payment demo: the figures above are not
    vacuous there."""
    expected = independent_counts(DAK_LAK)
    assert expected["meetings"]["accepted"] > 0 and expected["mous"]["signed"] > 0
    assert expected["contract_value"] > 0 and expected["overdue"] > 0


def test_dashboard_is_for_the_weeks_organiser_only(demo):
    exhibitor = sign_in(demo, "dl01@exhibit.demo")
    assert exhibitor.get(f"/organiser/weeks/{DAK_LAK}/dashboard").status_code == 403
    assert exhibitor.get(f"/organiser/weeks/{DAK_LAK}/report.xlsx").status_code == 403
    anonymous = demo.test_client().get(f"/organiser/weeks/{DAK_LAK}/dashboard")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert sign_in(demo).get("/organiser/weeks/no-such-week/dashboard").status_code == 404


def test_dashboard_draws_charts_without_scripts(demo):
    html = sign_in(demo).get(f"/organiser/weeks/{DAK_LAK}/dashboard").get_data(as_text=True)
    assert html.count('<svg class="chart"') >= 10
    assert "<script" not in html.split("<main", 1)[1]
    assert "cdn" not in html.lower()
