"""The organiser's product review of a week, at fair size (10,000 listings of 2,500 businesses):
searched and filtered in SQL, a page of businesses at a time (each with its matching listings),
and the counts of the status tabs and certificate filters from one aggregate query.

A listing's certificate state at the week is the rule of ``ocop.check_certificate``, written
here as SQL conditions on the product's stored decision date and valid-until date.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from exhibit.businesses.models import Business
from exhibit.catalogue import ocop
from exhibit.catalogue.models import ListingStatus, Product, ProductListing, ProductPhoto
from exhibit.core.paging import Page, counted_page, search_text
from exhibit.extensions import db
from exhibit.vn.text import search_words

#: longest search kept (a longer one is cut, not refused)
MAX_WORDS = 8

#: the certificate filter: what ``ocop.check_certificate`` calls a problem, each kind of it,
#: and an OCOP product whose certificate scan was never uploaded
CERTIFICATE_FILTERS = {
    "problem": _l("Any certificate problem"),
    ocop.EXPIRED: _l("Expired before the week"),
    ocop.EXPIRES_DURING: _l("Expires during the week"),
    ocop.NOT_YET_VALID: _l("Decision dated after the week starts"),
    "no_scan": _l("OCOP without a certificate scan"),
}
STATUSES = tuple(status.value for status in ListingStatus)
_TAX_CODE = re.compile(r"[0-9][0-9-]*")


@dataclass
class ReviewFilters:
    #: a ListingStatus value, or "" for every status
    status: str = ""
    #: a key of CERTIFICATE_FILTERS, or ""
    certificate: str = ""
    #: words of the product's name
    q: str = ""
    #: words of the business's name, or the beginning of its tax code
    exhibitor: str = ""

    @property
    def searching(self) -> bool:
        return bool(self.q or self.exhibitor)

    def args(self, **changes) -> dict:
        """The filters as URL arguments (links to a tab keep the search)."""
        values = {"status": self.status, "certificate": self.certificate, "q": self.q,
                  "exhibitor": self.exhibitor, **changes}
        return {key: value for key, value in values.items() if value}


def parse_filters(args: Mapping) -> tuple[ReviewFilters, str | None]:
    """Filters from query arguments. An unknown status or certificate filter is ignored (the
    whole list is shown) and named in the message returned with them."""
    filters = ReviewFilters(q=search_text(args), exhibitor=search_text(args, "exhibitor"))
    ignored = []
    status = str(args.get("status") or "").strip()
    certificate = str(args.get("certificate") or "").strip()
    if status == "certificate":  # the former "Certificate problems" tab
        status, certificate = "", certificate or "problem"
    if status in STATUSES:
        filters.status = status
    elif status:
        ignored.append(status)
    if certificate in CERTIFICATE_FILTERS:
        filters.certificate = certificate
    elif certificate:
        ignored.append(certificate)
    problem = _("Unknown filter ignored: %(values)s.", values=", ".join(ignored)) if ignored else None
    return filters, problem


def certificate_conditions(week) -> dict[str, object]:
    """SQL conditions on Product, one per key of CERTIFICATE_FILTERS, for this week's dates
    (``ocop.check_certificate``: valid from the decision date to the valid-until date, both
    included, on every day of the week)."""
    certified = and_(Product.stars.is_not(None), Product.cert_decision_date.is_not(None))
    not_yet_valid = and_(certified, Product.cert_decision_date > week.start_date)
    started = and_(certified, Product.cert_decision_date <= week.start_date)
    expired = and_(started, Product.cert_valid_until < week.start_date)
    expires_during = and_(started, Product.cert_valid_until >= week.start_date,
                          Product.cert_valid_until < week.end_date)
    return {
        "problem": or_(not_yet_valid, expired, expires_during),
        ocop.EXPIRED: expired, ocop.EXPIRES_DURING: expires_during,
        ocop.NOT_YET_VALID: not_yet_valid,
        "no_scan": and_(Product.stars.is_not(None), Product.cert_scan_key == ""),
    }


def _search_conditions(filters: ReviewFilters) -> tuple[list, bool]:
    """Conditions of the name and exhibitor searches; and whether they need the business."""
    conditions = []
    for word in search_words(filters.q)[:MAX_WORDS]:
        # the word begins a word of the product's folded name (as the catalogue's ranking)
        conditions.append((literal(" ") + ProductListing.sort_name).like(f"% {word}%"))
    compact = filters.exhibitor.replace(" ", "")
    if compact and _TAX_CODE.fullmatch(compact):
        conditions.append(Business.tax_code.like(f"{compact}%"))
    else:
        for word in search_words(filters.exhibitor)[:MAX_WORDS]:
            conditions.append(Business.name_search.like(f"%{word}%"))
    return conditions, bool(filters.exhibitor)


@dataclass
class ReviewCounts:
    """Listings of the week matching the search, by status and certificate filter:
    ``by_status["pending"]["all"]``, ``by_status["approved"]["expired"]``…"""
    by_status: dict[str, dict[str, int]]

    def status(self, status: str) -> int:
        return self.by_status[status]["all"]

    @property
    def total(self) -> int:
        return sum(counts["all"] for counts in self.by_status.values())

    def certificate(self, key: str) -> int:
        return sum(counts[key] for counts in self.by_status.values())

    def matching(self, filters: ReviewFilters) -> int:
        statuses = (filters.status,) if filters.status else STATUSES
        return sum(self.by_status[s][filters.certificate or "all"] for s in statuses)


def review_counts(week, filters: ReviewFilters) -> ReviewCounts:
    """One grouped query: per status, the listings matching the search and how many of them
    each certificate filter keeps."""
    certificate = certificate_conditions(week)
    searched, with_business = _search_conditions(filters)
    query = (select(ProductListing.status, func.count(),
                    *(func.coalesce(func.sum(case((condition, 1), else_=0)), 0)
                      for condition in certificate.values()))
             .select_from(ProductListing).join(Product, ProductListing.product_id == Product.id)
             .where(ProductListing.week_id == week.id, *searched)
             .group_by(ProductListing.status))
    if with_business:
        query = query.join(Business, ProductListing.business_id == Business.id)
    by_status = {status: dict.fromkeys(("all", *certificate), 0) for status in STATUSES}
    for status, count, *by_certificate in db.session.execute(query):
        by_status[status] = {"all": count, **dict(zip(certificate, by_certificate))}
    return ReviewCounts(by_status)


@dataclass
class ReviewRow:
    listing: ProductListing
    product: Product
    certificate: ocop.CertificateCheck
    photo_count: int = 0


@dataclass
class ReviewPage:
    filters: ReviewFilters
    counts: ReviewCounts
    #: the page of businesses (``page.rows``), counted over every business with a match
    page: Page
    #: each business of the page with its matching listings, by product name
    groups: list[tuple[Business, list[ReviewRow]]] = field(default_factory=list)

    @property
    def listing_count(self) -> int:
        """Listings matching every filter, over all pages."""
        return self.counts.matching(self.filters)


def _listing_conditions(week, filters: ReviewFilters) -> tuple[list, bool]:
    conditions, with_business = _search_conditions(filters)
    conditions.append(ProductListing.week_id == week.id)
    if filters.status:
        conditions.append(ProductListing.status == filters.status)
    if filters.certificate:
        conditions.append(certificate_conditions(week)[filters.certificate])
    return conditions, with_business


def review_page(week, filters: ReviewFilters, number: int, size: int) -> ReviewPage:
    """Page ``number`` of the businesses with listings matching ``filters`` (``size`` a page,
    by name), each with those listings. Five queries whatever the size of the week: counts,
    businesses counted, the page of businesses, their listings with products and booths,
    and nothing per row (the photo count is a subquery)."""
    conditions, with_business = _listing_conditions(week, filters)
    matching = (select(ProductListing.business_id)
                .join(Product, ProductListing.product_id == Product.id).where(*conditions))
    if with_business:
        matching = matching.join(Business, ProductListing.business_id == Business.id)
    businesses = (select(Business).where(Business.id.in_(matching))
                  .order_by(Business.name, Business.id))
    page = counted_page(businesses, number, size)
    result = ReviewPage(filters=filters, counts=review_counts(week, filters), page=page)
    if not page.rows:
        return result
    photos = (select(func.count()).select_from(ProductPhoto)
              .where(ProductPhoto.product_id == ProductListing.product_id)
              .correlate(ProductListing).scalar_subquery())
    query = (select(ProductListing, photos)
             .join(Product, ProductListing.product_id == Product.id)
             .where(ProductListing.business_id.in_([b.id for b in page.rows]), *conditions)
             .options(contains_eager(ProductListing.product), joinedload(ProductListing.booth))
             .order_by(Product.name, ProductListing.id))
    if with_business:
        query = query.join(Business, ProductListing.business_id == Business.id)
    by_business: dict[int, list[ReviewRow]] = {b.id: [] for b in page.rows}
    for listing, photo_count in db.session.execute(query).unique():
        by_business[listing.business_id].append(ReviewRow(
            listing, listing.product, listing.product.certificate_at(week), photo_count))
    result.groups = [(business, by_business[business.id]) for business in page.rows]
    return result
