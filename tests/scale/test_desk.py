"""The week desk at fair scale: every tab's list is searched, filtered and paged by the database.
Each filter is checked against rows and counts this test works out itself from the tables of
the generated 240-booth fair, page by page, and the number of queries of every tab and filter
is the same for the 12-booth fair and the 240-booth one (both databases)."""
from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from exhibit.booking import queries
from exhibit.booking.models import Allocation, Application
from exhibit.businesses.models import Business
from exhibit.core.db import utcnow
from exhibit.extensions import db
from exhibit.floorplan.models import Booth
from exhibit.vn import provinces
from exhibit.vn.text import fold_search_key
from tests.querycount import assert_same_queries_at_both_sizes

DESK = "/organiser/weeks/{slug}"
#: every tab of the desk, with each kind of filter and paging
DESK_PAGES = [
    DESK, DESK + "?state=all&page=2", DESK + "?state=held", DESK + "?state=expired",
    DESK + "?q=hop tac xa&booth=A", DESK + "?hall=1&state=confirmed",
    DESK + "?tab=applications", DESK + "?tab=applications&state=approved&page=2",
    DESK + "?tab=applications&q=ha noi", DESK + "?tab=waiting",
    DESK + "/audit?action=confirm", DESK + "/audit?entity=allocation&entity_id=1",
    DESK + "/audit?actor=hoicho&since=2020-01-01&until=2100-01-01",
]


@pytest.mark.parametrize("page", DESK_PAGES)
def test_the_desk_sends_as_many_queries_for_240_booths_as_for_12(fairs, page):
    assert_same_queries_at_both_sizes(fairs, page)


# -- what the test knows of the week, read straight from the tables ---------------------------

def _bookings_of(week) -> list[dict]:
    rows = db.session.execute(
        select(Allocation.id, Allocation.status, Allocation.expires_at, Allocation.created_at,
               Booth.code, Booth.hall_id, Business.name, Business.tax_code)
        .join(Booth, Booth.id == Allocation.booth_id)
        .join(Business, Business.id == Allocation.business_id)
        .where(Allocation.week_id == week.id)).all()
    return [row._asdict() for row in rows]


def _shown(row, now) -> str:
    if row["status"] == "held" and row["expires_at"] <= now:
        return "expired"
    return row["status"]


def _business_text_matches(text: str, name: str, tax_code: str, province: str | None = None) -> bool:
    folded = fold_search_key(text)
    if folded in fold_search_key(name):
        return True
    code = text.replace(" ", "")
    if code and set(code) <= set("0123456789-") and tax_code.startswith(code):
        return True
    return province is not None and folded in fold_search_key(province)


def _expected_bookings(rows, chosen: queries.BookingFilter, now) -> tuple[list[int], dict]:
    """The ids of the bookings that match, in the desk's order, and the counts per state of
    those matching everything but the state."""
    kept = [r for r in rows
            if (chosen.hall_id is None or r["hall_id"] == chosen.hall_id)
            and r["code"].startswith(chosen.booth)
            and (not chosen.business or _business_text_matches(chosen.business, r["name"], r["tax_code"]))]
    counts = {state: sum(1 for r in kept if _shown(r, now) == state)
              for state in ("held", "confirmed", "released", "expired")}
    counts.update(live=counts["held"] + counts["confirmed"], all=len(kept))
    wanted = {"live": ("held", "confirmed"), "all": ("held", "confirmed", "released", "expired")}
    states = wanted.get(chosen.state, (chosen.state,))
    chosen_rows = [r for r in kept if _shown(r, now) in states]
    if chosen.state == "held":
        chosen_rows.sort(key=lambda r: (r["expires_at"], r["id"]))
    else:
        chosen_rows.sort(key=lambda r: (r["created_at"], r["id"]), reverse=True)
    return [r["id"] for r in chosen_rows], counts


def _every_page(read) -> tuple[list[int], int]:
    """The ids of every page of a counted list, read one page after the other, and its total."""
    first = read(1)
    ids = [row.id for row in first.rows]
    for number in range(2, first.pages + 1):
        page = read(number)
        assert page.number == number and len(page.rows) <= queries.DESK_PAGE_SIZE
        ids += [row.id for row in page.rows]
    return ids, first.total


def _booking_filters(rows) -> list[queries.BookingFilter]:
    """Filters drawn from the fair's own data: every state, each hall, a booth prefix, a word of
    a business's name typed without accents, a tax code's first digits, and combinations."""
    sample = sorted(rows, key=lambda r: r["id"])[len(rows) // 3]
    word = fold_search_key(sample["name"]).split()[-1].upper()
    halls = sorted({r["hall_id"] for r in rows})
    chosen = [queries.BookingFilter(state=state) for state in queries.BOOKING_STATES]
    chosen += [queries.BookingFilter(state="all", hall_id=hall) for hall in halls]
    chosen += [
        queries.BookingFilter(state="all", booth=sample["code"][:2]),
        queries.BookingFilter(state="live", business=word),
        queries.BookingFilter(state="all", business=sample["tax_code"][:7]),
        queries.BookingFilter(state="confirmed", hall_id=halls[-1], business=word.lower()),
        queries.BookingFilter(state="all", booth=sample["code"]),
        queries.BookingFilter(state="all", business="không có doanh nghiệp này"),
    ]
    return chosen


def test_each_bookings_filter_lists_exactly_the_right_bookings_and_counts(fairs):
    with fairs.app.app_context():
        week = fairs.large
        rows = _bookings_of(week)
        # now, and an hour later: the fair's short holds have lapsed then, unmarked by the clock
        for now in (utcnow(), utcnow() + timedelta(hours=1)):
            states = {_shown(r, now) for r in rows}
            assert {"held", "confirmed", "released", "expired"} <= states  # the fair has them all
            for chosen in _booking_filters(rows):
                expected, counts = _expected_bookings(rows, chosen, now)
                ids, total = _every_page(
                    lambda n, c=chosen, t=now: queries.booking_page(week, c, n, t))
                assert ids == expected, chosen
                assert total == len(expected)
                assert queries.booking_state_counts(week, chosen, now) == counts, chosen
        later = utcnow() + timedelta(hours=1)
        assert any(r["status"] == "held" and _shown(r, later) == "expired" for r in rows)
        assert len(_expected_bookings(rows, queries.BookingFilter(state="all"), now)[0]) \
            > 3 * queries.DESK_PAGE_SIZE  # several pages were walked


def test_the_booth_counts_are_those_of_every_booth(fairs):
    with fairs.app.app_context():
        for week in (fairs.small, fairs.large):
            now = utcnow()
            booths = db.session.execute(select(Booth.id, Booth.blocked).where(Booth.week_id == week.id)).all()
            taken: dict[int, str] = {}
            for row in db.session.execute(select(Allocation.booth_id, Allocation.status,
                                                 Allocation.expires_at)
                                          .where(Allocation.week_id == week.id)):
                if row.status == "confirmed" or (row.status == "held" and row.expires_at > now):
                    taken[row.booth_id] = row.status
            expected = {"available": 0, "held": 0, "confirmed": 0, "blocked": 0}
            for booth_id, blocked in booths:
                expected[taken.get(booth_id) or ("blocked" if blocked else "available")] += 1
            assert queries.booth_status_counts(week, now) == expected
            assert queries.booth_status_counts(week, now) == \
                queries.status_counts(queries.booth_states(week, now))


def _applications_of(week) -> list[dict]:
    rows = db.session.execute(
        select(Application.id, Application.status, Application.created_at,
               Application.waitlisted_at, Business.name, Business.tax_code,
               Business.province_scheme, Business.province_code)
        .join(Business, Business.id == Application.business_id)
        .where(Application.week_id == week.id)).all()
    found = []
    for row in rows:
        entry = row._asdict()
        entry["province"] = provinces.get_province(row.province_scheme, row.province_code).name
        found.append(entry)
    return found


def test_each_applications_filter_lists_exactly_the_right_applications_and_counts(fairs):
    with fairs.app.app_context():
        week = fairs.large
        rows = _applications_of(week)
        sample = sorted(rows, key=lambda r: r["id"])[len(rows) // 2]
        texts = ["", fold_search_key(sample["name"]).split()[-1], sample["tax_code"][:6],
                 sample["province"].upper(), fold_search_key(sample["province"]), "zzz không có"]
        for text in texts:
            kept = [r for r in rows if not text or _business_text_matches(
                text, r["name"], r["tax_code"], r["province"])]
            counts = {state: sum(1 for r in kept if r["status"] == state)
                      for state in queries.APPLICATION_STATES}
            for state in ("",) + queries.APPLICATION_STATES:
                chosen = queries.ApplicationFilter(state=state, text=text)
                expected = [r["id"] for r in sorted(kept, key=lambda r: (r["created_at"], r["id"]))
                            if not state or r["status"] == state]
                ids, total = _every_page(lambda n, c=chosen: queries.application_page(week, c, n))
                assert (ids, total) == (expected, len(expected)), chosen
                assert queries.application_state_counts(week, chosen) == counts, chosen
        assert len(rows) > queries.DESK_PAGE_SIZE and all(
            counts for counts in queries.application_state_counts(week).values())


def test_the_waiting_list_is_paged_first_come_first_offered(fairs):
    with fairs.app.app_context():
        week = fairs.large
        waiting = sorted((r for r in _applications_of(week) if r["status"] == "waitlisted"),
                         key=lambda r: (r["waitlisted_at"], r["id"]))
        ids, total = _every_page(lambda n: queries.waiting_page(week, n))
        assert ids == [r["id"] for r in waiting] and total == len(waiting) > 0


# -- the pages ----------------------------------------------------------------------------------

def _row_ids(page: str, kind: str) -> list[int]:
    return [int(i) for i in re.findall(rf'<tr class="{kind}"[^>]* data-id="(\d+)"', page)]


def _option_counts(page: str, select_id: str) -> dict[str, int]:
    select_html = re.search(rf'<select id="{select_id}".*?</select>', page, re.S).group(0)
    return {value: int(n) for value, n in
            re.findall(r'<option value="(\w*)"[^>]*>[^<]*\((\d+)\)</option>', select_html)}


def test_the_desk_pages_show_the_rows_and_counts_of_their_filters(fairs):
    with fairs.app.app_context():
        client = fairs.organiser_client()
        week, base = fairs.large, DESK.format(slug=fairs.large.slug)
        rows = _bookings_of(week)
        sample = sorted(rows, key=lambda r: r["id"])[10]
        word = fold_search_key(sample["name"]).split()[-1]
        for query, chosen in [
                ("", queries.BookingFilter()),
                ("?state=all&page=3", queries.BookingFilter(state="all")),
                (f"?state=all&hall={sample['hall_id']}&q={word}",
                 queries.BookingFilter(state="all", hall_id=sample["hall_id"], business=word)),
                ("?state=held", queries.BookingFilter(state="held"))]:
            page = client.get(base + query).get_data(as_text=True)
            expected, counts = _expected_bookings(rows, chosen, utcnow())
            number = 3 if "page=3" in query else 1
            size = queries.DESK_PAGE_SIZE
            assert _row_ids(page, "allocation") == expected[(number - 1) * size:number * size]
            assert _option_counts(page, "state") == counts
        applications = _applications_of(week)
        page = client.get(base + "?tab=applications&state=waitlisted").get_data(as_text=True)
        waitlisted = sorted((r for r in applications if r["status"] == "waitlisted"),
                            key=lambda r: (r["created_at"], r["id"]))
        assert _row_ids(page, "application") == [r["id"] for r in waitlisted][:queries.DESK_PAGE_SIZE]
        counts = _option_counts(page, "state")
        assert counts.pop("") == len(applications)
        assert counts == {s: sum(1 for r in applications if r["status"] == s)
                          for s in queries.APPLICATION_STATES}


@pytest.mark.parametrize("query, same_as", [
    ("?page=abc", ""), ("?page=-3", ""), ("?page=0", ""),
    ("?state=nonsense", ""), ("?hall=abc", ""), ("?hall=99999999999999999999", ""),
    ("?tab=nonsense", ""), ("?tab=applications&state=nonsense&page=x", "?tab=applications"),
    ("?state=all&page=99999", "?state=all&page={last}"),
    ("?tab=applications&page=99999999999999999999", "?tab=applications&page={last_applications}"),
])
def test_bad_or_out_of_range_input_is_ignored_never_a_500(fairs, query, same_as):
    with fairs.app.app_context():
        client = fairs.organiser_client()
        week, base = fairs.large, DESK.format(slug=fairs.large.slug)
        size = queries.DESK_PAGE_SIZE
        last = -(-len(_bookings_of(week)) // size)
        last_applications = -(-len(_applications_of(week)) // size)
        response = client.get(base + query)
        assert response.status_code == 200
        shown = client.get(base + same_as.format(last=last, last_applications=last_applications))
        kind = "application" if "applications" in query else "allocation"
        assert _row_ids(response.get_data(as_text=True), kind) == \
            _row_ids(shown.get_data(as_text=True), kind)
        assert _row_ids(response.get_data(as_text=True), kind)  # a page of rows, not nothing


def test_an_over_long_search_is_cut_not_refused(fairs):
    with fairs.app.app_context():
        client = fairs.organiser_client()
        base = DESK.format(slug=fairs.large.slug)
        for query, kept in (("?q=" + "a" * 5000, "a" * 100), ("?booth=" + "b" * 5000, "B" * 100),
                            ("?tab=applications&q=" + "đ" * 5000, "đ" * 100)):
            response = client.get(base + query)
            assert response.status_code == 200
            assert f'value="{kept}"' in response.get_data(as_text=True)  # cut to 100
        assert html.escape("<b>") in client.get(base + "?q=<b>").get_data(as_text=True)
