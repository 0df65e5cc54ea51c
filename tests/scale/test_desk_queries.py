"""The organiser desk's work queue counts with the same few grouped queries for a 12-booth fair,
a 240-booth one and both together (tests/scale/conftest.py): no query per week, per row or per
kind of work, on both databases."""
from __future__ import annotations

from exhibit.weeks import desk
from exhibit.weeks.views import WAITING_SOURCES
from tests.querycount import counted_queries, queries_of


def _queries_for(weeks) -> tuple[list[str], list[desk.WeekQueue]]:
    with counted_queries() as statements:
        queues = desk.queues_for(weeks, WAITING_SOURCES)
    return statements, queues


def test_the_queue_sends_the_same_queries_at_any_size_and_for_any_number_of_weeks(fairs):
    with fairs.app.test_request_context():
        small, small_queues = _queries_for([fairs.small])
        large, large_queues = _queries_for([fairs.large])
        both, both_queues = _queries_for([fairs.small, fairs.large])
    assert len(small) == len(large) == len(both), (len(small), len(large), len(both))
    # the large fair has more waiting than the small one, all of it counted by those queries
    assert large_queues[0].total > small_queues[0].total > 0
    assert {q.week.id: q.total for q in both_queues} == {
        fairs.small.id: small_queues[0].total, fairs.large.id: large_queues[0].total}


def test_the_desk_page_asks_each_table_once_for_every_week(fairs):
    with fairs.app.app_context():
        client = fairs.organiser_client()
        status, statements = queries_of(client, "/organiser/")
    assert status == 200
    with fairs.app.test_request_context():
        queue, _ = _queries_for([fairs.small, fairs.large])
    # the page: its weeks, the queue's own queries, and the request's fixed cost (session, user)
    assert len(statements) <= len(queue) + 6, (len(statements), len(queue))
    for table in ("applications", "product_listings", "b2b_meetings"):
        assert sum(f"FROM {table}" in s for s in statements) == 1, table
