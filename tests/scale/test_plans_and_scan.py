"""The visitor's booth page, the plans and the QR-code and lead lists at fair scale: the same
number of queries for the 12-booth fair and the 240-booth one (both databases), and every
paged list showing the rows and counts this test works out itself from the tables."""
from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import select

from exhibit.booking import queries
from exhibit.booking.models import Allocation
from exhibit.booking.plan import BoothFilters, booths_page, hall_counts
from exhibit.businesses.models import Business
from exhibit.core.db import utcnow
from exhibit.demo.accounts import DEMO_PASSWORD
from exhibit.extensions import db
from exhibit.floorplan.models import Booth
from exhibit.visitors import services
from exhibit.visitors.models import BoothScan, BoothToken, Lead
from exhibit.vn.text import search_words
from exhibit.weeks.models import ExhibitionWeek
from tests.querycount import assert_same_queries_at_both_sizes, queries_of

PAGES = [
    "/weeks/{slug}", "/weeks/{slug}/plan", "/weeks/{slug}/plan?hall=999999",
    "/organiser/weeks/{slug}/booths", "/organiser/weeks/{slug}/booths?status=confirmed&page=2",
    "/organiser/weeks/{slug}/booths?q=A01&status=available",
    "/organiser/weeks/{slug}/qr-codes", "/organiser/weeks/{slug}/qr-codes?page=2",
    "/organiser/weeks/{slug}/qr-codes?q=cong ty&page=abc",
]


@pytest.mark.parametrize("page", PAGES)
def test_plans_and_lists_send_as_many_queries_for_240_booths_as_for_12(fairs, page):
    assert_same_queries_at_both_sizes(fairs, page)


def _exhibited_booth(week) -> tuple[str, int]:
    """The token of a booth with a confirmed exhibitor, and that exhibitor's business id."""
    token, business_id = db.session.execute(
        select(BoothToken.token, Allocation.business_id)
        .join(Allocation, Allocation.booth_id == BoothToken.booth_id)
        .where(Allocation.week_id == week.id, Allocation.status == "confirmed",
               BoothToken.replaced_at.is_(None)).order_by(Allocation.id).limit(1)).one()
    return token, business_id


def test_the_scan_page_sends_as_many_queries_for_240_booths_as_for_12(fairs):
    with fairs.app.app_context():
        client = fairs.app.test_client()
        counts = []
        for week in (fairs.small, fairs.large):
            token, _business = _exhibited_booth(week)
            client.delete_cookie("vk")
            first_status, first = queries_of(client, f"/b/{token}")
            client.delete_cookie("vs")  # a phone that may have saved products
            returning_status, returning = queries_of(client, f"/b/{token}")
            assert first_status == returning_status == 200
            counts.append((len(first), len(returning)))
        assert counts[0] == counts[1], counts
        # a first visit: the booth (+hall, week), its exhibitor, its neighbours, its products
        # (catalogue search), the scan written after the page; a returning phone adds its
        # favourites
        assert counts[0][1] == counts[0][0] + 1


def _leads_client(fairs, week):
    """Signed in as the business with the most leads at the week; its id."""
    business_id = Counter(db.session.scalars(select(Lead.business_id).where(
        Lead.week_id == week.id))).most_common(1)[0][0]
    email = db.session.scalar(select(Business.email).where(Business.id == business_id))
    client = fairs.app.test_client()
    assert client.post("/login", data={"email": email, "password": DEMO_PASSWORD}).status_code == 302
    return client, business_id


def test_the_leads_page_sends_as_many_queries_for_either_fair(fairs):
    with fairs.app.app_context():
        counts = []
        for week in (fairs.small, fairs.large):
            client, _business = _leads_client(fairs, week)
            for path in ("/my/leads", f"/my/leads?week={week.id}&q=a&page=2"):
                status, statements = queries_of(client, path)
                assert status == 200
                counts.append(len(statements))
        assert counts[:2] == counts[2:], counts


def _states(week) -> dict[int, str]:
    """Each booth's status worked out here from the tables (the rule of booking.queries)."""
    now = utcnow()
    taken = {}
    for booth_id, status, expires_at in db.session.execute(
            select(Allocation.booth_id, Allocation.status, Allocation.expires_at)
            .where(Allocation.week_id == week.id)):
        if status == "confirmed" or (status == "held" and expires_at > now):
            taken[booth_id] = status
    return {booth_id: taken.get(booth_id) or ("blocked" if blocked else "available")
            for booth_id, blocked in db.session.execute(
                select(Booth.id, Booth.blocked).where(Booth.week_id == week.id))}


def _walk(fetch) -> tuple[list, int]:
    """Every row of every page, and the total the first page gave."""
    first = fetch(1)
    rows, number = list(first.rows), 1
    while first.total and number < first.pages:
        number += 1
        rows += fetch(number).rows
    return rows, first.total


def test_the_booth_table_lists_exactly_the_booths_of_each_filter(fairs):
    with fairs.app.app_context():
        week = db.session.get(ExhibitionWeek, fairs.large.id)
        states = _states(week)
        booths = {b.id: b for b in db.session.scalars(select(Booth).where(Booth.week_id == week.id))}
        assert set(states.values()) >= {"available", "held", "confirmed", "blocked"}
        hall_id = next(iter(booths.values())).hall_id
        for status in ("", "available", "held", "confirmed", "blocked"):
            for q in ("", "A01", "-1"):
                filters = BoothFilters(q=q, hall_id=hall_id, status=status)
                expected = sorted((b.code, b.id) for b in booths.values()
                                  if (not status or states[b.id] == status) and q in b.code)
                rows, total = _walk(lambda n, f=filters: booths_page(week, f, n, size=20))
                assert [(r.booth.code, r.booth.id) for r in rows] == expected, (status, q)
                assert [r.state.status for r in rows] == [states[i] for _c, i in expected]
                assert total == len(expected)
        # the chooser's counts per hall are the statuses counted here
        [only] = hall_counts(week)
        assert only.counts == dict(Counter(states.values()), **{
            s: 0 for s in queries.BOOTH_STATUSES if s not in states.values()})


def test_bad_filters_are_ignored_not_an_error(fairs):
    with fairs.app.app_context():
        client = fairs.organiser_client()
        slug = fairs.large.slug
        for path in (f"/organiser/weeks/{slug}/booths?status=sold&hall=x&page=-3&q=" + "A" * 300,
                     f"/organiser/weeks/{slug}/qr-codes?hall=99999999999&page=zz&q=" + "x" * 300,
                     f"/weeks/{slug}/plan?hall=%00"):
            response = client.get(path)
            assert response.status_code == 200, path


def test_the_qr_codes_list_finds_booths_by_code_or_exhibitor_with_their_scans(fairs):
    with fairs.app.app_context():
        week = db.session.get(ExhibitionWeek, fairs.large.id)
        booths = {b.id: b for b in db.session.scalars(select(Booth).where(Booth.week_id == week.id))}
        exhibitors = dict(db.session.execute(
            select(Allocation.booth_id, Business.name).join(Business)
            .where(Allocation.week_id == week.id, Allocation.status == "confirmed")).all())
        scans = Counter(db.session.scalars(select(BoothScan.booth_id).where(
            BoothScan.week_id == week.id)))
        phones: dict[int, set] = {}
        for booth_id, key in db.session.execute(select(BoothScan.booth_id, BoothScan.visitor_key)
                                                .where(BoothScan.week_id == week.id)):
            phones.setdefault(booth_id, set()).add(key)
        name_word = search_words(next(iter(exhibitors.values())))[-2]
        for q in ("", "A01-0", name_word, "ha noi xyz"):
            def matches(booth, q=q):
                words = search_words(q)
                by_name = words and booth.id in exhibitors and all(
                    w in " ".join(search_words(exhibitors[booth.id])) for w in words)
                return not q or q.upper().replace(" ", "") in booth.code or bool(by_name)
            expected = sorted((b.code, b.id) for b in booths.values() if matches(b))
            rows, total = _walk(lambda n, q=q: services.qr_page(
                week, services.QrFilters(q=q), n, size=25))
            assert [(r.booth.code, r.booth.id) for r in rows] == expected, q
            assert total == len(expected)
            for row in rows:
                assert (row.exhibitor.name if row.exhibitor else None) == exhibitors.get(row.booth.id)
                assert (row.scans, row.phones) == (scans[row.booth.id],
                                                   len(phones.get(row.booth.id, ())))
                assert row.token
        assert sum(r.scans for r in _walk(lambda n: services.qr_page(
            week, services.QrFilters(), n))[0]) == sum(scans.values())


def test_the_leads_list_pages_every_lead_of_the_business_newest_first(fairs):
    with fairs.app.app_context():
        week = db.session.get(ExhibitionWeek, fairs.large.id)
        client, business_id = _leads_client(fairs, week)
        leads = db.session.execute(select(Lead.id, Lead.full_name, Lead.created_at).where(
            Lead.business_id == business_id)).all()
        expected = [lead.id for lead in sorted(leads, key=lambda x: (x.created_at, x.id),
                                               reverse=True)]
        rows, total = _walk(lambda n: services.leads_page(business_id, None, "", n, size=3))
        assert [lead.id for lead in rows] == expected and total == len(expected) >= 2
        someone = leads[0].full_name.split()[-1]
        found, found_total = _walk(lambda n: services.leads_page(business_id, week.id, someone, n))
        assert {lead.id for lead in found} == {x.id for x in leads if someone.lower()
                                               in x.full_name.lower()}
        page = client.get(f"/my/leads?q={someone}").text
        assert len(re.findall(r'<article class="card lead"', page)) == min(found_total, 25)
