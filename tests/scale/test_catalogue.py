"""The product review at fair size, on SQLite and PostgreSQL: the same number of queries for a
12-booth and a 240-booth fair whatever the filters, and every search and filter returns exactly
the listings, businesses and counts the test finds itself by reading every listing of the week
and applying the rules in Python (``ocop.check_certificate`` for certificates)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from exhibit.businesses.models import Business
from exhibit.catalogue import ocop
from exhibit.catalogue import review as review_list
from exhibit.catalogue.models import Product, ProductListing
from exhibit.extensions import db
from exhibit.vn.text import fold_search_key, search_words
from tests.querycount import queries_of

REVIEW = "/organiser/weeks/{slug}/products"
#: the review page with each kind of filter, and a page further on
#: ({word}: a word of product names in both fairs, {firm}: of business names, {tax}: a tax code
#: beginning; a page with no match sends one query fewer, so each must match in both)
REVIEW_URLS = [
    "", "?status=pending", "?status=rejected", "?certificate=problem", "?certificate=no_scan",
    "?q={word}", "?exhibitor={firm}", "?exhibitor={tax}", "?status=approved&certificate=problem",
    "?page=2", "?page=abc", "?status=nonsense",
]
#: the review's most queries, whatever the week: the signed-in user and the week, the counts,
#: the businesses counted, their page, their listings (more would be a query per row)
MAX_REVIEW_QUERIES = 8


def _common_words(fairs) -> dict[str, str]:
    """Search words that match listings in both fairs."""
    def words(week):
        rows = _week_listings(week)
        return ({w for _l, product, _b in rows for w in search_words(product.name)},
                {w for _l, _p, business in rows for w in search_words(business.name)},
                {business.tax_code[:3] for _l, _p, business in rows})
    small, large = words(fairs.small), words(fairs.large)
    return {key: sorted(a & b, key=lambda w: (-len(w), w))[0]
            for key, a, b in zip(("word", "firm", "tax"), small, large)}


@pytest.mark.parametrize("args", REVIEW_URLS)
def test_review_queries_do_not_grow_with_the_week(fairs, args):
    with fairs.app.app_context():
        args = args.format(**_common_words(fairs))
        client = fairs.organiser_client()
        small_status, small = queries_of(client, REVIEW.format(slug=fairs.small.slug) + args)
        large_status, large = queries_of(client, REVIEW.format(slug=fairs.large.slug) + args)
    assert small_status == large_status == 200
    assert len(large) == len(small) <= MAX_REVIEW_QUERIES, (len(small), len(large), large)


def _week_listings(week):
    """Every listing of the week with its product and business, read plainly."""
    return db.session.execute(
        select(ProductListing, Product, Business)
        .join(Product, ProductListing.product_id == Product.id)
        .join(Business, ProductListing.business_id == Business.id)
        .where(ProductListing.week_id == week.id)).all()


def _certificate_keys(week, product) -> set[str]:
    """The certificate filters that keep this product, by the Python rules."""
    status = ocop.check_certificate(product.stars, product.cert_decision_date, week.start_date,
                                    week.end_date).status
    keys = {status}
    if status not in (ocop.NONE, ocop.VALID):
        keys.add("problem")
    if product.stars and not product.cert_scan_key:
        keys.add("no_scan")
    return keys


def _kept(week, filters: review_list.ReviewFilters, listing, product, business) -> bool:
    if filters.status and listing.status != filters.status:
        return False
    if filters.certificate and filters.certificate not in _certificate_keys(week, product):
        return False
    name_words = search_words(f"{product.name} {product.name_en}")
    for word in search_words(filters.q):
        if not any(name_word.startswith(word) for name_word in name_words):
            return False
    if filters.exhibitor:
        compact = filters.exhibitor.replace(" ", "")
        if re.fullmatch(r"[0-9][0-9-]*", compact):
            return business.tax_code.startswith(compact)
        folded = fold_search_key(business.name)
        return all(word in folded for word in search_words(filters.exhibitor))
    return True


def _filters_to_try(week, rows) -> list[review_list.ReviewFilters]:
    """Each filter alone and a few together, with search words taken from the week itself."""
    product_word = search_words(rows[0][1].name)[0]
    two_words = " ".join(search_words(rows[1][1].name)[:2])
    business_word = search_words(rows[2][2].name)[-1]
    tax_prefix = rows[3][2].tax_code[:7]
    filters = [review_list.ReviewFilters()]
    filters += [review_list.ReviewFilters(status=status) for status in review_list.STATUSES]
    filters += [review_list.ReviewFilters(certificate=key) for key in review_list.CERTIFICATE_FILTERS]
    filters += [review_list.ReviewFilters(q=product_word), review_list.ReviewFilters(q=two_words.upper()),
                review_list.ReviewFilters(exhibitor=business_word),
                review_list.ReviewFilters(exhibitor=tax_prefix),
                review_list.ReviewFilters(status="pending", certificate="problem"),
                review_list.ReviewFilters(status="approved", q=product_word, exhibitor=business_word),
                review_list.ReviewFilters(q="khongcosanphamnay")]
    return filters


def test_every_review_filter_returns_exactly_its_listings_and_counts(fairs):
    with fairs.app.app_context():
        week = fairs.large
        rows = _week_listings(week)
        seen_kinds = set()
        for filters in _filters_to_try(week, rows):
            expected = {listing.id for listing, product, business in rows
                        if _kept(week, filters, listing, product, business)}
            expected_businesses = {listing.business_id for listing, product, business in rows
                                   if listing.id in expected}
            found, businesses, pages = set(), [], []
            number = 1
            while True:
                result = review_list.review_page(week, filters, number, 20)
                pages.append(len(result.page.rows))
                for business, listings in result.groups:
                    businesses.append(business.id)
                    assert listings, "a business is shown only with a matching listing"
                    found |= {row.listing.id for row in listings}
                    assert all(row.listing.business_id == business.id for row in listings)
                if not result.page.has_older:
                    break
                number += 1
            assert found == expected, filters
            assert len(businesses) == len(set(businesses)) == len(expected_businesses), filters
            assert set(businesses) == expected_businesses
            assert result.page.total == len(expected_businesses)
            assert result.listing_count == len(expected), filters
            # pages of 20 businesses, the last one holding the rest
            assert pages == [20] * (len(expected_businesses) // 20) + (
                [len(expected_businesses) % 20] if len(expected_businesses) % 20 else []) or \
                (pages == [0] and not expected)
            if expected:
                seen_kinds.add(filters.certificate or filters.status or filters.q or "exhibitor")
        # the large fair holds listings of every status and certificate problems to filter
        assert {"pending", "approved", "rejected", "problem"} <= seen_kinds


def test_review_counts_are_the_counts_of_the_rows(fairs):
    with fairs.app.app_context():
        week = fairs.large
        rows = _week_listings(week)
        word = search_words(rows[0][1].name)[0]
        for filters in (review_list.ReviewFilters(), review_list.ReviewFilters(q=word)):
            counts = review_list.review_counts(week, filters)
            searched = [(listing, product) for listing, product, business in rows
                        if _kept(week, review_list.ReviewFilters(q=filters.q), listing, product, business)]
            for status in review_list.STATUSES:
                assert counts.status(status) == sum(1 for listing, _p in searched if listing.status == status)
                for key in review_list.CERTIFICATE_FILTERS:
                    assert counts.by_status[status][key] == sum(
                        1 for listing, product in searched
                        if listing.status == status and key in _certificate_keys(week, product)), (status, key)
            assert counts.total == len(searched)


def test_review_pages_over_http_keep_the_filters_and_stop_at_the_last_page(fairs):
    with fairs.app.app_context():
        week = fairs.large
        client = fairs.organiser_client()
        url = REVIEW.format(slug=week.slug)
        rows = _week_listings(week)
        pending = {listing.id for listing, _p, _b in rows if listing.status == "pending"}
        businesses = {listing.business_id for listing, _p, _b in rows if listing.status == "pending"}
        last = -(-len(businesses) // 20)
        found = set()
        for number in range(1, last + 1):
            html = client.get(f"{url}?status=pending&page={number}").get_data(as_text=True)
            assert f'data-listings="{len(pending)}" data-businesses="{len(businesses)}"' in html
            found |= {int(i) for i in re.findall(r'data-listing="(\d+)" data-status="pending"', html)}
            assert ('rel="next"' in html) == (number < last)
            if number < last:
                assert "status=pending" in html.split('rel="next"')[1].split(">")[0]
        assert found == pending
        # past the end: the last page; a page that is not a number: the first
        beyond = client.get(f"{url}?status=pending&page={last + 5}").get_data(as_text=True)
        assert 'rel="next"' not in beyond and 'rel="prev"' in beyond
        assert 'rel="prev"' not in client.get(f"{url}?status=pending&page=abc").get_data(as_text=True)
        # an unknown filter is ignored, with a message; an over-long search is cut, not a 500
        odd = client.get(f"{url}?status=nonsense&certificate=whatever")
        assert odd.status_code == 200 and "flash error" in odd.get_data(as_text=True)
        assert client.get(f"{url}?q={'a' * 5000}&exhibitor={'b' * 5000}").status_code == 200
