"""The audit log pages filter in the database before they limit, and page their entries."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from exhibit.booking.services import apply_to_week
from exhibit.core import audit
from exhibit.core.db import write_transaction
from exhibit.extensions import db
from tests.conftest import login
from tests.querycount import queries_of


def test_the_week_log_pages_a_hundred_entries_at_a_time(client, organiser, open_week):
    with write_transaction():
        for n in range(130):
            audit.record("booth", n, "update", actor=organiser, week_id=open_week.id,
                         after={"n": n})
    login(client, organiser)
    first = client.get(f"/organiser/weeks/{open_week.slug}/audit").get_data(as_text=True)
    assert first.count('data-action="update"') == 100 and 'rel="next"' in first
    assert "n: 129" in first and "n: 29<" not in first  # newest first
    second = client.get(f"/organiser/weeks/{open_week.slug}/audit?page=2").get_data(as_text=True)
    # the booths and hall of the open_week fixture were logged too, before these
    assert second.count('data-action="update"') == 30 and 'rel="prev"' in second
    assert "n: 0<" in second


def test_another_bodys_entries_never_push_ours_off_the_business_log(client, organiser,
                                                                     open_week, make_exhibitor):
    """Filtering happens in SQL before the limit: 600 newer entries of the same business at
    another organising body's week do not hide this body's entries."""
    from exhibit.accounts.services import create_organiser_user
    from exhibit.booking.services import apply_to_week
    from exhibit.weeks.services import create_week
    from tests.conftest import PASSWORD
    stranger = create_organiser_user(email="btc@longan.example", password=PASSWORD,
                                     organizer_name="Sở Công Thương Long An",
                                     organizer_short_name="SCT-LA")
    theirs = create_week(actor=stranger, data={
        "name_vi": "Tuần Long An", "slug": "tuan-long-an", "host_province_scheme": "2025",
        "host_province_code": "80", "venue_name": "Tân An", "start_date": open_week.start_date,
        "end_date": open_week.end_date})
    business = make_exhibitor()
    apply_to_week(actor=business, week=open_week, data={})
    with write_transaction():
        for n in range(600):
            audit.record("application", n, "update", actor=stranger, week_id=theirs.id,
                         business_id=business.business_id, after={"n": n})
    login(client, organiser)
    page = client.get(f"/organiser/businesses/{business.business_id}/audit").get_data(as_text=True)
    assert 'data-action="submit"' in page  # our week's application
    assert 'data-action="update"' not in page  # nothing of theirs


# -- filters ------------------------------------------------------------------------------------

def _entry_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-id="(\d+)">', page)]


def _log(open_week, actors, businesses):
    """Sixty entries of the week, every combination of kind, action, actor and business, one a
    minute from 16:30 UTC on 9 March 2025 (23:30 in Vietnam) — so across a Vietnam midnight."""
    start = datetime(2025, 3, 9, 16, 30, tzinfo=timezone.utc)
    made = []
    with write_transaction():
        for n in range(60):
            entity, action = [("allocation", "hold"), ("allocation", "confirm"),
                              ("application", "approve")][n % 3]
            entry = audit.record(entity, n % 4, action, actor=actors[n % len(actors)],
                                 week_id=open_week.id,
                                 business_id=businesses[n % len(businesses)].business_id)
            entry.at = start + timedelta(minutes=n)
            made.append(entry)
        db.session.flush()
    return [dict(id=e.id, entity=e.entity, entity_id=e.entity_id, action=e.action, at=e.at,
                 actor=(e.actor_id and next(a.email for a in actors if a and a.id == e.actor_id)),
                 business_id=e.business_id) for e in made]


def _newest_first(entries, keep) -> list[int]:
    return [e["id"] for e in sorted(entries, key=lambda e: (e["at"], e["id"]), reverse=True)
            if keep(e)]


def test_the_week_log_filters_by_record_action_actor_and_vietnam_dates(client, organiser,
                                                                        open_week, make_exhibitor):
    firms = [make_exhibitor(), make_exhibitor()]
    for firm in firms:
        apply_to_week(actor=firm, week=open_week, data={})
    entries = _log(open_week, [organiser, firms[0], None], firms)
    login(client, organiser)
    url = f"/organiser/weeks/{open_week.slug}/audit"
    ours = {e["id"] for e in entries}
    midnight = datetime(2025, 3, 9, 17, 0, tzinfo=timezone.utc)  # 00:00 on 10/3 in Vietnam
    for query, keep in [
            ("?entity=allocation", lambda e: e["entity"] == "allocation"),
            ("?entity=allocation&entity_id=2", lambda e: (e["entity"], e["entity_id"]) == ("allocation", 2)),
            ("?action=confirm", lambda e: e["action"] == "confirm"),
            (f"?actor={firms[0].email.upper()[:12]}", lambda e: e["actor"] == firms[0].email),
            ("?since=2025-03-10", lambda e: e["at"] >= midnight),
            ("?until=09/03/2025", lambda e: e["at"] < midnight),
            ("?since=2025-03-10&until=2025-03-10&action=hold",
             lambda e: e["at"] >= midnight and e["action"] == "hold"),
            ("?actor=nobody.with.this@email", lambda e: False)]:
        shown = _entry_ids(client.get(url + query).get_data(as_text=True))
        expected = _newest_first(entries, keep)
        assert [i for i in shown if i in ours] == expected, query
        assert expected or shown == []
    # the business's own log, filtered the same way and still only this body's weeks
    firm = firms[1].business_id
    shown = _entry_ids(client.get(f"/organiser/businesses/{firm}/audit?action=hold")
                       .get_data(as_text=True))
    assert shown == _newest_first(entries, lambda e: e["business_id"] == firm and e["action"] == "hold")


def test_links_in_the_log_narrow_it_to_a_record_or_a_person(client, organiser, open_week):
    with write_transaction():
        audit.record("allocation", 77, "confirm", actor=organiser, week_id=open_week.id)
    login(client, organiser)
    page = client.get(f"/organiser/weeks/{open_week.slug}/audit?action=confirm").get_data(as_text=True)
    assert re.search(r'href="[^"]*/audit\?[^"]*entity=allocation[^"]*"', page)
    assert "entity_id=77" in page and f"actor={organiser.email}" in page


@pytest.mark.parametrize("query", [
    "?entity=nonsense&entity_id=5", "?entity=booth&entity_id=abc", "?action=nonsense",
    "?since=31/02/2025", "?until=soon", "?since=0001-01-01", "?page=abc", "?page=-1",
    "?actor=" + "x" * 3000, "?page=99999999999999999999999"])
def test_bad_filters_are_ignored_never_a_500(client, organiser, open_week, query):
    with write_transaction():
        for n in range(5):
            audit.record("booth", n, "update", actor=organiser, week_id=open_week.id)
    login(client, organiser)
    url = f"/organiser/weeks/{open_week.slug}/audit"
    response = client.get(url + query)
    assert response.status_code == 200
    everything = _entry_ids(client.get(url).get_data(as_text=True))
    if "entity=booth" in query:  # the kind stands, the id that is not one is dropped
        booths = _entry_ids(client.get(url + "?entity=booth").get_data(as_text=True))
        assert _entry_ids(response.get_data(as_text=True)) == booths and len(booths) >= 5
    elif "page=9999" in query or "actor=" in query:
        assert _entry_ids(response.get_data(as_text=True)) == []
    else:
        assert _entry_ids(response.get_data(as_text=True)) == everything


def test_a_filtered_log_sends_as_many_queries_for_many_people_as_for_few(client, organiser,
                                                                         open_week, make_exhibitor):
    login(client, organiser)
    url = f"/organiser/weeks/{open_week.slug}/audit?entity=allocation&actor=example.vn"
    few = [make_exhibitor() for _ in range(2)]
    _log(open_week, few, few)
    _status, before = queries_of(client, url)
    many = [make_exhibitor() for _ in range(12)]
    _log(open_week, many, many)
    status, after = queries_of(client, url)
    assert status == 200 and len(after) == len(before)
    assert len(_entry_ids(client.get(url).get_data(as_text=True))) == 80  # 40 + 40, a page
