"""The organiser's badge list at fair size, on both databases: every search and filter shows
exactly the badges, and the counts, that this test works out itself from the week's rows; pages
cover the list without gaps; no badges page grows its number of queries with the fair."""
from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import select, update

from exhibit.accounts.models import User
from exhibit.badges.models import Badge, CheckIn
from exhibit.businesses.models import Business
from exhibit.core.db import utcnow
from exhibit.core.tokens import grouped
from exhibit.demo.accounts import DEMO_PASSWORD
from exhibit.extensions import db
from exhibit.vn.dates import vietnam_today
from exhibit.vn.text import search_words
from tests.querycount import queries_of

PAGE = 50
KINDS = ("staff", "buyer", "organiser", "visitor")


# -- what the test knows about the week, read straight from the tables -------------------------

def week_rows(week) -> list[dict]:
    today = set(db.session.scalars(select(CheckIn.badge_id).where(
        CheckIn.week_id == week.id, CheckIn.day == vietnam_today())))
    rows = db.session.execute(
        select(Badge.id, Badge.kind, Badge.full_name, Badge.organisation, Badge.phone,
               Badge.email, Badge.entry_code, Badge.contact_code, Badge.revoked_at,
               Business.name.label("business"))
        .outerjoin(Business, Business.id == Badge.business_id)
        .where(Badge.week_id == week.id)).mappings().all()
    return [{**row, "organisation": row["business"] or row["organisation"],
             "checked_in_today": row["id"] in today} for row in rows]


def in_state(row, state: str) -> bool:
    return {"": True, "active": row["revoked_at"] is None,
            "revoked": row["revoked_at"] is not None,
            "checked_in_today": row["checked_in_today"]}[state]


def name_matches(row, text: str) -> bool:
    """Every word typed starts a word of the name or the organisation, diacritics aside."""
    words = search_words(f'{row["full_name"]} {row["organisation"]}')
    return all(any(w.startswith(typed) for w in words) for typed in search_words(text))


def ordered(rows: list[dict], kind: str) -> list[int]:
    if kind == "staff":
        rows = sorted(rows, key=lambda r: (r["organisation"], r["full_name"], r["id"]))
        return [r["id"] for r in rows]
    return sorted((r["id"] for r in rows), reverse=True)


# -- what the page shows ------------------------------------------------------------------------

def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def shown(client, week, **args) -> dict:
    """Every page of the list for ``args``: ids in order, the total, tab and state counts."""
    args = {"kind": "staff", **args}
    query = "&".join(f"{k}={v}" for k, v in args.items())
    ids, number, first = [], 1, None
    while True:
        response = client.get(f"/organiser/weeks/{week.slug}/badges?{query}&page={number}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        first = first or html
        ids += [int(i) for i in re.findall(r'<tr data-badge="(\d+)"', html)]
        if 'rel="next"' not in html:
            break
        number += 1
    tabs = {kind: _number(count) for kind, count in re.findall(
        r'kind=(\w+)[^"]*"[^>]*>[^<]*<small>\(([\d.,\s]+)\)</small>', first)}
    states = {value: _number(count) for value, count in re.findall(
        r'<option value="(\w*)"[^>]*>[^<(]*\(([\d.,\s]+)\)</option>', first)}
    shown_kind = re.search(r'<input type="hidden" name="kind" value="(\w+)">', first).group(1)
    return {"ids": ids, "total": int(re.search(r'data-total="(\d+)"', first).group(1)),
            "tabs": tabs, "states": states, "kind": shown_kind, "pages": number}


def check(client, week, rows, *, kind="staff", q="", state="", match=lambda row: True,
          url_q=None) -> dict:
    """The list for (kind, q, state) equals what ``match`` selects from ``rows``."""
    args = {"kind": kind}
    if q:
        args["q"] = url_q or q
    if state:
        args["state"] = state
    got = shown(client, week, **args)
    matching = [r for r in rows if match(r)]
    wanted = [r for r in matching if r["kind"] == got["kind"] and in_state(r, state)]
    assert got["ids"] == ordered(wanted, got["kind"]), (kind, q, state)
    assert got["total"] == len(wanted)
    assert got["pages"] == max(1, -(-len(wanted) // PAGE))
    assert got["tabs"] == {k: sum(1 for r in matching if r["kind"] == k and in_state(r, state))
                           for k in KINDS}
    assert got["states"] == {s: sum(1 for r in matching if r["kind"] == got["kind"]
                                    and in_state(r, s))
                             for s in ("", "active", "revoked", "checked_in_today")}
    return got


@contextmanager
def some_revoked(week, rows):
    """Revoke a few staff and visitor badges for one test, and give them back afterwards: the
    fair is shared by the whole session."""
    chosen = [r["id"] for r in rows if r["kind"] == "staff"][3:9] + \
        [r["id"] for r in rows if r["kind"] == "visitor"][::97]
    db.session.execute(update(Badge).where(Badge.id.in_(chosen)).values(revoked_at=utcnow()))
    db.session.commit()
    try:
        yield chosen
    finally:
        db.session.execute(update(Badge).where(Badge.id.in_(chosen)).values(revoked_at=None))
        db.session.commit()


# -- the tests ------------------------------------------------------------------------------------

def test_every_kind_and_state_of_the_large_fair(fairs):
    with fairs.app.app_context():
        week = fairs.large
        client = fairs.organiser_client()
        with some_revoked(week, week_rows(week)) as revoked:
            rows = week_rows(week)
            assert sum(r["checked_in_today"] for r in rows) > 0 and revoked
            for kind in KINDS:
                for state in ("", "active", "revoked", "checked_in_today"):
                    check(client, week, rows, kind=kind, state=state)


def test_search_by_name_and_organisation_ignores_case_and_diacritics(fairs):
    with fairs.app.app_context():
        week = fairs.large
        client = fairs.organiser_client()
        rows = week_rows(week)
        visitor = next(r for r in rows if r["kind"] == "visitor")
        surname, *_rest, given = visitor["full_name"].split()
        staff = next(r for r in rows if r["kind"] == "staff")
        buyer = next(r for r in rows if r["kind"] == "buyer")
        for kind, q in [
            ("visitor", surname),                               # "Nguyễn"
            ("visitor", " ".join(search_words(visitor["full_name"]))),  # "nguyen van hung"
            ("visitor", given.upper()),                         # "HÙNG"
            ("visitor", f"{search_words(surname)[0]} {search_words(visitor['organisation'])[0]}"),
            ("staff", staff["organisation"]),                   # the business's name
            ("staff", search_words(staff["organisation"])[-1][:3]),  # the start of a word
            ("buyer", buyer["organisation"].upper()),
        ]:
            got = check(client, week, rows, kind=kind, q=q,
                        match=lambda r, q=q: name_matches(r, q))
            assert got["total"] > 0, q
        # a word's inside does not match: "guyen" is no name's start
        got = check(client, week, rows, kind="visitor", q="guyen",
                    match=lambda r: name_matches(r, "guyen"))
        assert got["total"] == 0


def test_search_by_phone_written_any_way(fairs):
    with fairs.app.app_context():
        week = fairs.large
        client = fairs.organiser_client()
        rows = week_rows(week)
        visitor = [r for r in rows if r["kind"] == "visitor"][123]
        national = "0" + visitor["phone"].removeprefix("+84")          # 0970000123
        spaced = f"{national[:4]} {national[4:7]} {national[7:]}"     # 0970 000 123
        for typed in (national, spaced, visitor["phone"], "+84 " + national[1:],
                      f"({national[:4]}) {national[4:7]}-{national[7:]}"):
            got = check(client, week, rows, kind="visitor", q=typed,
                        url_q=typed.replace("+", "%2B"),
                        match=lambda r: r["phone"] == visitor["phone"])
            assert got["ids"] == [visitor["id"]], typed
        # part of a number: every phone that contains those digits, or begins with them
        # written the Vietnamese way (with the trunk 0)
        for part in (national[-5:], national[:6], "000 12"):
            digits = part.replace(" ", "")
            got = check(client, week, rows, kind="visitor", q=part, url_q=part.replace(" ", "+"),
                        match=lambda r, d=digits: d in r["phone"] or (
                            d.startswith("0") and r["phone"].startswith("+84" + d[1:])))
            assert got["total"] >= 1, part
        # a buyer's phone found from the visitors' tab: the list moves to the buyers
        buyer = next(r for r in rows if r["kind"] == "buyer" and r["phone"])
        got = check(client, week, rows, kind="visitor", q="0" + buyer["phone"][3:],
                    match=lambda r: r["phone"] == buyer["phone"])
        assert got["kind"] == "buyer" and got["ids"] == [buyer["id"]]


def test_search_by_email_and_by_code(fairs):
    with fairs.app.app_context():
        week = fairs.large
        client = fairs.organiser_client()
        rows = week_rows(week)
        emailed = [r for r in rows if r["kind"] == "visitor" and r["email"]][5]
        typed = emailed["email"].split("@")[0] + "@"                   # "khach20@"
        got = check(client, week, rows, kind="visitor", q=typed.upper(), url_q=typed.upper(),
                    match=lambda r: typed in r["email"].lower())
        assert emailed["id"] in got["ids"]
        visitor = [r for r in rows if r["kind"] == "visitor"][77]
        for q in (grouped(visitor["entry_code"]), visitor["entry_code"].upper(),
                  f"http://exhibit.test/c/{visitor['contact_code']}"):
            # from the staff tab: the help desk need not know what kind the badge is
            got = check(client, week, rows, kind="staff", q=q, url_q=q.replace(" ", "+"),
                        match=lambda r: r["id"] == visitor["id"])
            assert got["kind"] == "visitor" and got["ids"] == [visitor["id"]], q
        # shaped like a code but nobody's: read as words (of no name here)
        got = check(client, week, rows, kind="visitor", q="K7Q2-9XMD-3PLA",
                    match=lambda r: name_matches(r, "K7Q2-9XMD-3PLA"))
        assert got["total"] == 0


def test_paging_boundaries_and_bad_input(fairs):
    with fairs.app.app_context():
        week = fairs.large
        client = fairs.organiser_client()
        visitors = ordered([r for r in week_rows(week) if r["kind"] == "visitor"], "visitor")
        pages = -(-len(visitors) // PAGE)
        assert pages > 2
        base = f"/organiser/weeks/{week.slug}/badges?kind=visitor"

        def ids(url):
            response = client.get(url)
            assert response.status_code == 200, url
            return [int(i) for i in re.findall(r'<tr data-badge="(\d+)"',
                                               response.get_data(as_text=True))]
        last = visitors[(pages - 1) * PAGE:]
        assert ids(f"{base}&page={pages}") == last and 0 < len(last) <= PAGE
        assert ids(f"{base}&page={pages + 5}") == last            # past the end: the last page
        assert ids(f"{base}&page=2") == visitors[PAGE:2 * PAGE]
        for bad in ("abc", "0", "-3", "1e9", ""):
            assert ids(f"{base}&page={bad}") == visitors[:PAGE], bad
        assert ids(f"{base}&state=nonsense") == visitors[:PAGE]
        assert ids(f"/organiser/weeks/{week.slug}/badges?kind=guests") == ids(
            f"/organiser/weeks/{week.slug}/badges?kind=staff")
        long = client.get(f"{base}&q={'nguyen ' * 200}")
        assert long.status_code == 200
        assert ids(f"{base}&q=%25%25%25") == visitors[:PAGE]       # only punctuation: no search
        assert ids(f"{base}&q=_") == visitors[:PAGE]


def _exhibitor_client(fairs, week):
    email = db.session.scalar(
        select(User.email).join(Badge, Badge.business_id == User.business_id)
        .where(Badge.week_id == week.id, Badge.kind == "staff").limit(1))
    client = fairs.app.test_client()
    assert client.post("/login", data={"email": email, "password": DEMO_PASSWORD}
                       ).status_code == 302
    return client


@pytest.mark.parametrize("page", [
    "badges", "badges?kind=staff", "badges?kind=buyer", "badges?kind=visitor",
    "badges?kind=visitor&page=2", "badges?kind=visitor&state=checked_in_today",
    "badges?kind=visitor&state=revoked", "badges?kind=visitor&q=nguyen",
    "badges?kind=staff&q=hop+tac", "badges?kind=visitor&q=0970000012", "badges?q=khach1%40",
    "badges?q=K7Q2-9XMD-3PLA",
])
def test_organiser_badge_pages_do_not_grow_their_queries(fairs, page):
    with fairs.app.app_context():
        client = fairs.organiser_client()
        small_status, small = queries_of(client, f"/organiser/weeks/{fairs.small.slug}/{page}")
        large_status, large = queries_of(client, f"/organiser/weeks/{fairs.large.slug}/{page}")
    assert small_status == large_status == 200
    assert len(large) == len(small) <= 10, (len(small), len(large))


def test_the_exhibitors_staff_page_does_not_grow_its_queries(fairs):
    with fairs.app.app_context():
        counts = []
        for week in (fairs.small, fairs.large):
            status, statements = queries_of(_exhibitor_client(fairs, week),
                                            f"/my/weeks/{week.slug}/staff")
            assert status == 200
            counts.append(len(statements))
    assert counts[0] == counts[1], counts
