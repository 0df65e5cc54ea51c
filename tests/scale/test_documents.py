"""Documents, payments and B2B meetings at two fair sizes (tests/scale/conftest.py), on SQLite
and PostgreSQL: the pages send as many queries for 12 booths as for 240 (no N+1), and every
search, filter, count, total and page matches what the test works out itself from the rows
(the payments' states from the ledger's row-by-row rules, documents and meetings filtered in
Python, matches found by trying every product against every need)."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select

from exhibit.b2b import services as b2b
from exhibit.b2b.models import Buyer, Meeting, MeetingSlot
from exhibit.booking import queries as booking
from exhibit.businesses.models import Business
from exhibit.catalogue.models import ListingStatus, Product, ProductListing
from exhibit.demo.accounts import DEMO_PASSWORD
from exhibit.documents import payments
from exhibit.documents import services as documents
from exhibit.documents.models import Document, Payment
from exhibit.extensions import db
from exhibit.vn.dates import VIETNAM_TZ
from exhibit.vn.text import fold_search_key
from tests.querycount import assert_same_queries_at_both_sizes, queries_of

SIZES = ("small", "large")

#: organiser pages of these areas, with filters that find rows at both sizes ({slug}: the week)
ORGANISER_PAGES = [
    "/organiser/weeks/{slug}/documents",
    "/organiser/weeks/{slug}/documents?kind=contract&status=draft&q=a",
    "/organiser/weeks/{slug}/documents?page=2",
    "/organiser/weeks/{slug}/payments",
    "/organiser/weeks/{slug}/payments?state=paid&q=a",
    "/organiser/weeks/{slug}/payments?view=payments",
    "/organiser/weeks/{slug}/payments?view=payments&kind=deposit&q=ft",
    "/organiser/weeks/{slug}/b2b",
    "/organiser/weeks/{slug}/b2b?status=accepted&q=a",
    "/organiser/weeks/{slug}/b2b?slot=none",
]


@pytest.mark.parametrize("page", ORGANISER_PAGES)
def test_organiser_pages_send_the_same_queries_at_both_sizes(fairs, page):
    assert_same_queries_at_both_sizes(fairs, page)


def test_the_buyers_b2b_page_sends_the_same_queries_at_both_sizes(fairs):
    counted = []
    with fairs.app.app_context():
        for week in (fairs.small, fairs.large):
            client = fairs.app.test_client()
            assert client.post("/login", data={"email": f"{week.slug}-nm01@exhibit.demo",
                                               "password": DEMO_PASSWORD}).status_code == 302
            status, statements = queries_of(client, f"/my/weeks/{week.slug}/b2b")
            assert status == 200
            counted.append(len(statements))
    assert counted[0] == counted[1], counted


# -- documents --------------------------------------------------------------------------------

def _all_pages(read, filters) -> list:
    """Every row of every page, checking the pages' numbers and sizes on the way."""
    first = read(filters, 1)
    rows, number = list(first.rows), 1
    while number < first.pages:
        number += 1
        page = read(filters, number)
        assert page.number == number and page.total == first.total
        assert len(page.rows) == (page.size if number < first.pages else first.total - len(rows))
        rows += page.rows
    assert len(rows) == first.total
    return rows


def _list_order(document):
    return (document.kind, document.sequence is None, document.sequence or 0, document.id)


@pytest.mark.parametrize("size", SIZES)
def test_documents_are_filtered_counted_and_paged_like_the_rows_say(fairs, size):
    week = getattr(fairs, size)
    with fairs.app.app_context():
        every = db.session.scalars(select(Document).where(Document.week_id == week.id)).all()
        parties = {b.id: b for b in db.session.scalars(select(Business).where(Business.id.in_(
            {d.business_id for d in every} | {d.buyer_business_id for d in every})))}
        assert every, "the generated fair drafts contracts"
        assert documents.document_counts(week).cells == Counter((d.kind, d.status) for d in every)

        def read(filters, number):
            return documents.documents_page(week, filters, number)

        everything = _all_pages(read, documents.DocumentFilters())
        assert [d.id for d in everything] == [d.id for d in sorted(every, key=_list_order)]

        one = parties[every[len(every) // 2].business_id]
        word = one.name.split()[-1]
        for q in (one.tax_code, word, fold_search_key(word).upper()):
            folded = fold_search_key(q)
            expected = [d.id for d in sorted(every, key=_list_order) if any(
                p is not None and (folded in p.name_search or q in p.tax_code)
                for p in (parties.get(d.business_id), parties.get(d.buyer_business_id)))
                or q.lower() in d.number.lower()]
            found = _all_pages(read, documents.DocumentFilters(q=q))
            assert [d.id for d in found] == expected and expected, q
        drafts = _all_pages(read, documents.DocumentFilters(kind="contract", status="draft"))
        assert len(drafts) == sum(1 for d in every if (d.kind, d.status) == ("contract", "draft"))
        assert _all_pages(read, documents.DocumentFilters(kind="mou")) == []

        past = read(documents.DocumentFilters(), 10_000)
        assert past.number == past.pages and past.rows == everything[(past.pages - 1) * past.size:]


@pytest.mark.parametrize("size", SIZES)
def test_documents_page_answers_wrong_input_without_failing(fairs, size):
    week = getattr(fairs, size)
    with fairs.app.app_context():
        client = fairs.organiser_client()
        base = f"/organiser/weeks/{week.slug}/documents"
        first = client.get(base).get_data(as_text=True)
        for query in ("?page=abc", "?page=-3", "?kind=lease&status=lost", "?q=" + "x" * 5000):
            response = client.get(base + query)
            assert response.status_code == 200, query
        assert _table(client.get(base + "?page=abc&kind=lease").get_data(as_text=True)) == _table(first)
        assert len(first.encode()) < 200_000


def _table(html: str) -> str:
    return html[html.index("<table"):html.index("</table>")]


# -- payments ---------------------------------------------------------------------------------

def _reference(week, today) -> dict[int, payments.LedgerRow]:
    """The ledger by the row-by-row rules (LedgerRow), independent of the SQL."""
    return {row.business.id: row for row in payments.ledger(week, today)}


@pytest.mark.parametrize("size", SIZES)
def test_payment_totals_and_states_equal_the_row_by_row_ledger(fairs, size):
    week = getattr(fairs, size)
    with fairs.app.app_context():
        every_payment = db.session.scalars(select(Payment).where(Payment.week_id == week.id)).all()
        for today in (week.start_date - timedelta(days=40), week.start_date - timedelta(days=20),
                      week.start_date):
            rows = _reference(week, today)
            totals = payments.state_totals(week, today)
            for state in payments.STATES:
                members = [r for r in rows.values() if r.state == state]
                assert totals[state] == payments.StateTotal(
                    len(members), sum(r.total_due for r in members), sum(r.paid for r in members),
                    sum(r.outstanding for r in members), sum(r.overdue_amount for r in members)), state
            assert sum(t.paid for t in totals.values()) == sum(p.signed_amount for p in every_payment)
        today = week.start_date
        rows = _reference(week, today)
        assert {r.state for r in rows.values()} >= {payments.OVERDUE, payments.PAID}

        def read(filters, number):
            return payments.balances_page(week, today, filters, number)

        listed = _all_pages(read, payments.LedgerFilters())
        # by name in the database's collation: the pages hold every business once
        assert sorted(r.business_id for r in listed) == sorted(rows)
        for line in listed:
            expected = rows[line.business_id]
            assert (line.total_due, line.paid, line.outstanding, line.overdue_amount, line.state,
                    line.booths, [p.id for p in line.payments]) == (
                expected.total_due, expected.paid, expected.outstanding, expected.overdue_amount,
                expected.state, sorted(expected.booths), [p.id for p in expected.payments])
        for state in payments.STATES:
            found = _all_pages(read, payments.LedgerFilters(state=state))
            assert {r.business_id for r in found} == {i for i, r in rows.items() if r.state == state}

        paid = next(p for p in every_payment if p.reference)
        for q, expected in (
                (paid.reference.lower(), {p.business_id for p in every_payment
                                          if paid.reference.lower() in p.reference.lower()}),
                (rows[paid.business_id].business.tax_code, {
                    i for i, r in rows.items() if rows[paid.business_id].business.tax_code in r.business.tax_code})):
            assert {r.business_id for r in _all_pages(read, payments.LedgerFilters(q=q))} == expected, q


@pytest.mark.parametrize("size", SIZES)
def test_the_list_of_payments_is_filtered_and_summed_like_the_rows(fairs, size):
    week = getattr(fairs, size)
    with fairs.app.app_context():
        every = db.session.scalars(select(Payment).where(Payment.week_id == week.id)).all()
        assert payments.payment_kind_counts(week) == Counter(p.kind for p in every)

        def read(filters, number):
            return payments.payments_page(week, filters, number)

        listed = [row[0] for row in _all_pages(read, payments.LedgerFilters())]
        assert [p.id for p in listed] == [p.id for p in sorted(every, key=lambda p: (p.paid_on, p.id), reverse=True)]
        deposits = [row[0] for row in _all_pages(read, payments.LedgerFilters(kind="deposit"))]
        assert {p.id for p in deposits} == {p.id for p in every if p.kind == "deposit"}
        assert sum(p.amount_vnd for p in deposits) == sum(p.amount_vnd for p in every if p.kind == "deposit")
        reference = every[len(every) // 2].reference
        found = _all_pages(read, payments.LedgerFilters(q=reference.lower()))
        assert {row[0].id for row in found} == {p.id for p in every if reference.lower() in p.reference.lower()}


@pytest.mark.parametrize("size", SIZES)
def test_payments_page_answers_wrong_input_and_keeps_the_choice_short(fairs, size):
    week = getattr(fairs, size)
    with fairs.app.app_context():
        client = fairs.organiser_client()
        base = f"/organiser/weeks/{week.slug}/payments"
        for query in ("?page=abc", "?page=99999", "?state=late&kind=gift&view=nope", "?q=" + "%" * 3000,
                      "?view=payments&page=abc", "?view=payments&q=_"):
            assert client.get(base + query).status_code == 200, query
        page = client.get(base).get_data(as_text=True)
        assert len(page.encode()) < 200_000
        choices = page.split('name="business_id"')[1].split("</select>")[0].count("<option")
        assert 0 < choices <= payments.LEDGER_PER_PAGE


# -- B2B --------------------------------------------------------------------------------------

def _day_of(meeting):
    return meeting.slot.starts_at.astimezone(VIETNAM_TZ).date() if meeting.slot else None


@pytest.mark.parametrize("size", SIZES)
def test_meetings_are_filtered_counted_and_paged_like_the_rows_say(fairs, size):
    week = getattr(fairs, size)
    with fairs.app.app_context():
        every = db.session.scalars(select(Meeting).where(Meeting.week_id == week.id)).all()
        names = {m.id: (m.buyer.business.name_search, m.supplier.name_search) for m in every}
        counts = b2b.meeting_counts(week)
        assert counts.by_status == Counter(m.status for m in every)
        assert {o.value: n for o, n in counts.by_outcome.items()} == Counter(m.outcome for m in every if m.outcome)
        slots, tables = b2b.slots(week), b2b.tables(week)

        def read(filters, number):
            return b2b.meetings_page(week, filters, number)

        def filtered(**args):
            return {m.id for m in _all_pages(read, b2b.MeetingFilters.from_args(args, slots, tables))}

        assert len(filtered()) == len(every)
        scheduled = [m for m in every if m.slot_id]
        assert scheduled and len(scheduled) < len(every)
        busy_slot = Counter(m.slot_id for m in scheduled).most_common(1)[0][0]
        busy_table = Counter(m.table_id for m in scheduled).most_common(1)[0][0]
        day = _day_of(scheduled[0])
        word = fold_search_key(every[0].supplier.name.split()[-1])
        for args, expected in (
                ({"status": "accepted"}, {m.id for m in every if m.status == "accepted"}),
                ({"slot": "none"}, {m.id for m in every if m.slot_id is None}),
                ({"slot": str(busy_slot)}, {m.id for m in every if m.slot_id == busy_slot}),
                ({"table": str(busy_table), "status": "accepted"},
                 {m.id for m in every if m.table_id == busy_table}),
                ({"day": day.isoformat()}, {m.id for m in every if _day_of(m) == day}),
                ({"q": word.upper()}, {m.id for m in every if any(word in n for n in names[m.id])}),
                ({"status": "lost", "slot": "abc", "table": "999999999", "day": "2020-01-01"},
                 {m.id for m in every})):
            assert filtered(**args) == expected and (expected or args.get("status") == "lost"), args
        # scheduled first, by time
        ordered = _all_pages(read, b2b.MeetingFilters())
        starts = [m.slot.starts_at for m in ordered if m.slot]
        assert starts == sorted(starts) and all(m.slot for m in ordered[:len(starts)])


@pytest.mark.parametrize("size", SIZES)
def test_matches_are_every_pair_whose_products_meet_a_need(fairs, size):
    """The matching reads only the products that could meet a need; trying every approved
    product of every exhibitor against every need finds the same pairs, needs and products."""
    week = getattr(fairs, size)
    with fairs.app.app_context():
        buyers = db.session.scalars(select(Buyer).where(Buyer.week_id == week.id)).all()
        exhibiting = booking.confirmed_business_ids(week)
        listed = db.session.execute(select(ProductListing.shown_stars, Product).join(
            Product, Product.id == ProductListing.product_id).where(
            ProductListing.week_id == week.id, ProductListing.status == ListingStatus.APPROVED.value)).all()
        expected = {}
        for buyer in buyers:
            for stars, product in listed:
                if product.business_id not in exhibiting:
                    continue
                for need in buyer.needs:
                    if b2b.product_meets(product, stars, need):
                        needs, products = expected.setdefault((buyer.id, product.business_id), (set(), set()))
                        needs.add(need.id)
                        products.add(product.id)
        found = b2b.matches(week)
        assert {(m.buyer.id, m.supplier.id): ({n.id for n in m.needs}, {p.id for p in m.products})
                for m in found} == expected and expected
        assert [(-m.score, m.supplier.name, m.buyer.id) for m in found] == sorted(
            (-m.score, m.supplier.name, m.buyer.id) for m in found)
        assert [(m.buyer.id, m.supplier.id) for m in b2b.matches(week, limit=5)] == [
            (m.buyer.id, m.supplier.id) for m in found[:5]]
        page = b2b.matches_page(week, 10_000, buyer=buyers[0])
        mine = [(m.supplier.id, m.score) for m in found if m.buyer.id == buyers[0].id]
        assert page.total == len(mine) and page.number == page.pages
        assert [(m.supplier.id, m.score) for m in page.rows] == mine[(page.pages - 1) * page.size:]


@pytest.mark.parametrize("size", SIZES)
def test_b2b_pages_answer_wrong_input_without_failing(fairs, size):
    week = getattr(fairs, size)
    with fairs.app.app_context():
        client = fairs.organiser_client()
        base = f"/organiser/weeks/{week.slug}/b2b"
        for query in ("?page=abc", "?page=99999", "?day=yesterday&slot=-1&table=x&status=%00",
                      "?q=" + "ắ" * 2000):
            assert client.get(base + query).status_code == 200, query
        assert len(client.get(base).data) < 200_000
        buyer = fairs.app.test_client()
        buyer.post("/login", data={"email": f"{week.slug}-nm01@exhibit.demo", "password": DEMO_PASSWORD})
        for query in ("", "?page=abc", "?page=99999"):
            response = buyer.get(f"/my/weeks/{week.slug}/b2b{query}")
            assert response.status_code == 200 and len(response.data) < 200_000


def test_slot_days_are_vietnam_days():
    """A slot at 06:30 in Hà Nội is 23:30 UTC the day before: the day filter uses Vietnam's."""
    early = MeetingSlot(starts_at=datetime.combine(date(2026, 12, 3), time(6, 30),
                                                   tzinfo=VIETNAM_TZ).astimezone(timezone.utc))
    assert early.starts_at.date() == date(2026, 12, 2)
    assert b2b.session_days([early]) == [date(2026, 12, 3)]
