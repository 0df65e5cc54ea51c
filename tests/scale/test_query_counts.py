"""No N+1 anywhere: every organiser page, file and report of a week sends the same number of
queries for a 12-booth fair and a 240-booth one (20 times the rows), on both databases."""
from __future__ import annotations

import pytest

from tests.querycount import assert_same_queries_at_both_sizes

#: every organiser page and file of one week ({slug} is the week's)
WEEK_PAGES = [
    "/organiser/weeks/{slug}",
    "/organiser/weeks/{slug}?tab=applications",
    "/organiser/weeks/{slug}?tab=waiting",
    "/organiser/weeks/{slug}?state=all&page=2",
    "/organiser/weeks/{slug}/booths",
    "/organiser/weeks/{slug}/products",
    "/organiser/weeks/{slug}/badges",
    "/organiser/weeks/{slug}/badges?kind=staff",
    "/organiser/weeks/{slug}/badges?kind=buyer",
    "/organiser/weeks/{slug}/badges?kind=visitor&q=nguyen",
    "/organiser/weeks/{slug}/qr-codes",
    "/organiser/weeks/{slug}/documents",
    "/organiser/weeks/{slug}/payments",
    "/organiser/weeks/{slug}/products?page=2",
    "/organiser/weeks/{slug}/b2b",
    "/organiser/weeks/{slug}/messages",
    "/organiser/weeks/{slug}/audit",
    "/organiser/weeks/{slug}/dashboard",
    "/organiser/weeks/{slug}/report.pdf",
    "/organiser/weeks/{slug}/report.xlsx",
    *(f"/organiser/weeks/{{slug}}/exports/{name}.{fmt}"
      for name in ("exhibitors", "products", "allocations", "visitors", "leads", "meetings",
                   "documents", "payments") for fmt in ("csv", "xlsx")),
    "/weeks/{slug}",
    "/weeks/{slug}/plan",
    "/weeks/{slug}/products",
    "/weeks/{slug}/products?q=ca+phe",
]


@pytest.mark.parametrize("page", WEEK_PAGES)
def test_queries_do_not_grow_with_the_week(fairs, page):
    assert_same_queries_at_both_sizes(fairs, page)
