"""The public catalogue of a week: filters, diacritic-insensitive search, ranking, pages.

Search runs on ``Product.search_text``, the folded words of the product and the names around
it (" ca phe rang xay buon ma thuot hop tac xa … tinh dak lak "), through a full-text index
(``fulltext``; on PostgreSQL on the listing's copy of those words): every query word must begin
a word there, so "ca phe", "CÀ PHÊ" and "cà phê" are the same query on SQLite and PostgreSQL
alike. Matches in the name rank first. Filters, counts and the default order use columns copied
onto the listing (``services.sync_listing``) and read from covering indexes.
bench/catalogue measures it at 50,000 products in one week (goal: p95 ≤ 30 ms).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import and_, desc, func, select, text, true

from exhibit.businesses.models import Business
from exhibit.catalogue import fulltext, ocop
from exhibit.catalogue.models import Product, ProductListing, ProductPhoto
from exhibit.catalogue.services import parse_province
from exhibit.core.errors import ValidationFailed
from exhibit.extensions import db
from exhibit.floorplan.models import Booth
from exhibit.vn import provinces
from exhibit.vn.numbers import parse_whole
from exhibit.vn.text import search_words

PER_PAGE = 24
MAX_PER_PAGE = 100
MAX_WORDS = 8

#: a current group also finds certificates whose older QĐ 1048 group became it
GROUP_FILTER = {
    "thuc_pham": ("thuc_pham",), "do_uong": ("do_uong",),
    "duoc_lieu": ("duoc_lieu", "thao_duoc"),
    "thu_cong_my_nghe": ("thu_cong_my_nghe", "vai_may_mac", "luu_niem_noi_that_trang_tri"),
    "sinh_vat_canh": ("sinh_vat_canh",), "du_lich": ("du_lich", "du_lich_nong_thon"),
}


@dataclass
class Filters:
    q: str = ""
    #: "68" (today's map, includes the old provinces merged into it) or "legacy63:60"
    province: str = ""
    group: str = ""
    stars: int | None = None
    price_min: int | None = None
    price_max: int | None = None
    booth_id: int | None = None
    business_id: int | None = None
    page: int = 1
    per_page: int = PER_PAGE

    def query_args(self, **changes) -> dict:
        """The filters as URL arguments (for links to other pages of the same search)."""
        values = {"q": self.q, "province": self.province, "group": self.group,
                  "stars": self.stars, "price_min": self.price_min, "price_max": self.price_max,
                  "page": self.page}
        values.update(changes)
        return {key: value for key, value in values.items()
                if value not in (None, "") and not (key == "page" and value == 1)}


def parse_filters(args: Mapping) -> Filters:
    """Filters from query arguments; a bad one raises ValidationFailed naming it."""
    errors: dict[str, str] = {}

    def number(key, low, high):
        try:
            value = parse_whole(args.get(key))
            if value is not None and not low <= value <= high:
                raise ValueError
            return value
        except ValueError:
            errors[key] = _("Enter a whole number from %(low)d to %(high)d.", low=low, high=high)
            return None

    filters = Filters(q=str(args.get("q") or "")[:200].strip())
    province = str(args.get("province") or "").strip()
    if province:
        if parse_province(province) is None:
            errors["province"] = _("Unknown province.")
        filters.province = province
    group = str(args.get("group") or "").strip()
    if group and group not in GROUP_FILTER:
        errors["group"] = _("Unknown OCOP group; use one of %(codes)s.", codes=", ".join(GROUP_FILTER))
    filters.group = group
    filters.stars = number("stars", 3, 5)
    filters.price_min = number("price_min", 0, 10**12)
    filters.price_max = number("price_max", 0, 10**12)
    filters.page = number("page", 1, 100_000) or 1
    filters.per_page = number("per_page", 1, MAX_PER_PAGE) or PER_PAGE
    if errors:
        raise ValidationFailed(_("Some filters are not valid."), fields=errors)
    return filters


@dataclass
class Item:
    listing_id: int
    product: Product
    business_id: int
    business_name: str
    booth_code: str | None
    certificate: ocop.CertificateCheck
    cover: ProductPhoto | None = None

    @property
    def shown_stars(self) -> int | None:
        """Stars shown at this week: only when the certificate covers the week's dates."""
        return self.product.stars if self.certificate.shows_as_ocop else None


@dataclass
class Page:
    items: list[Item]
    total: int
    filters: Filters
    words: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.filters.per_page))


def _conditions(week, filters: Filters, words: list[str]) -> list:
    """Conditions on ProductListing alone (plus the full-text subquery), so counting and the
    default order use the listing's own index."""
    # "visible = true" (not "IS true"): an index condition on PostgreSQL
    conditions = [ProductListing.week_id == week.id, ProductListing.visible == true()]
    if words:
        conditions.append(fulltext.listing_matches(words, db.session.get_bind().dialect.name))
    if filters.province:
        scheme, code = parse_province(filters.province)
        if scheme == provinces.SCHEME_2025:
            conditions.append(ProductListing.origin_province_now == code)
        else:
            conditions.append(ProductListing.product_id.in_(select(Product.id).where(
                Product.origin_province_scheme == scheme, Product.origin_province_code == code)))
    if filters.group:
        conditions.append(ProductListing.ocop_group.in_(GROUP_FILTER[filters.group]))
    if filters.stars:
        conditions.append(ProductListing.shown_stars == filters.stars)
    if filters.price_min is not None:
        conditions.append(ProductListing.price_vnd >= filters.price_min)
    if filters.price_max is not None:
        conditions.append(ProductListing.price_vnd <= filters.price_max)
    if filters.booth_id is not None:
        conditions.append(ProductListing.booth_id == filters.booth_id)
    if filters.business_id is not None:
        conditions.append(ProductListing.business_id == filters.business_id)
    return conditions


def _rank(words: list[str]):
    """Higher is better: the phrase starting the name (8), the phrase at a word of the name (4),
    then each word beginning a word of the name (1 each). Computed on the listing's copy of the
    folded name, so ranking needs no join. ("At a word" is ``' ' || name LIKE '% word%'``: the
    name starts with it or a space comes before it.)

    Written as one SQL fragment whose text depends only on the number of words: the statement
    is compiled once per length, and building it costs no Python per match (the expression
    tree it replaced took 1–3 ms of a search here to build and to key for the cache)."""
    phrase = " ".join(words)
    parts = ["CASE WHEN product_listings.sort_name LIKE :rank_start THEN 8 ELSE 0 END",
             "CASE WHEN (' ' || product_listings.sort_name) LIKE :rank_phrase THEN 4 ELSE 0 END"]
    params = {"rank_start": f"{phrase}%", "rank_phrase": f"% {phrase}%"}
    for n, word in enumerate(words):
        parts.append(f"CASE WHEN (' ' || product_listings.sort_name) LIKE :rank_{n} THEN 1 ELSE 0 END")
        params[f"rank_{n}"] = f"% {word}%"
    return text("(" + " + ".join(parts) + ")").bindparams(**params)


def _count(conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(ProductListing).where(*conditions))


def search(week, filters: Filters) -> Page:
    """One page of the week's public catalogue. The page's listing ids and the total come from
    the listings table alone, in one statement; one more reads those rows' details and covers."""
    words = search_words(filters.q)[:MAX_WORDS]
    conditions = _conditions(week, filters, words)
    order = [ProductListing.sort_name, ProductListing.id]
    page_of = (filters.page - 1) * filters.per_page
    if words:
        # Matches are few enough to rank all of them: one pass gives the page and the count.
        order = [desc(_rank(words)), ProductListing.shown_stars.desc(), *order]
        total_column = func.count().over()
    else:
        # Browsing reads the name index in order; the count is a subquery run once (an
        # index-only count over the same conditions), sent with the page.
        total_column = select(func.count()).select_from(ProductListing).where(*conditions) \
            .correlate(None).scalar_subquery()
    found = db.session.execute(
        select(ProductListing.id, total_column).where(*conditions).order_by(*order)
        .limit(filters.per_page).offset(page_of)).all()
    ids = [listing_id for listing_id, _total in found]
    # past the last page nothing carries the total: count on its own
    total = found[0][1] if found else _count(conditions) if filters.page > 1 else 0
    rows = db.session.execute(
        select(ProductListing.id, Product, Business.id, Business.name, Booth.code, ProductPhoto)
        .join(Product, ProductListing.product_id == Product.id)
        .join(Business, ProductListing.business_id == Business.id)
        .outerjoin(Booth, ProductListing.booth_id == Booth.id)
        # the cover: the first photo
        .outerjoin(ProductPhoto, and_(ProductPhoto.product_id == Product.id,
                                      ProductPhoto.position == 0))
        .where(ProductListing.id.in_(ids))).all() if ids else []
    by_id = {row[0]: row for row in rows}
    items = [Item(listing_id, product, business_id, business_name, booth_code,
                  product.certificate_at(week), cover)
             for listing_id, product, business_id, business_name, booth_code, cover
             in (by_id[i] for i in ids)]
    return Page(items=items, total=total, filters=filters, words=words)


@dataclass
class Facets:
    provinces: list[tuple[str, str, int]]  # (filter value, name, count)
    groups: list[tuple[str, str, int]]
    stars: list[tuple[int, int]]


def facets(week, lang: str = "vi") -> Facets:
    """What the week's public catalogue holds, for the filter menus."""
    base = [ProductListing.week_id == week.id, ProductListing.visible.is_(True)]

    def counts(column):
        return db.session.execute(select(column, func.count()).where(*base, column.is_not(None))
                                  .group_by(column)).all()
    province_items = sorted(
        ((code, provinces.display_name(provinces.SCHEME_2025, code, lang=lang), count)
         for code, count in counts(ProductListing.origin_province_now)), key=lambda item: item[1])
    group_counts: dict[str, int] = {}
    for group_code, count in counts(ProductListing.ocop_group):
        for current, members in GROUP_FILTER.items():
            if group_code in members:
                group_counts[current] = group_counts.get(current, 0) + count
    group_items = [(code, ocop.group(ocop.QD148, code).title(lang), group_counts[code])
                   for code in GROUP_FILTER if code in group_counts]
    stars = [(n, c) for n, c in counts(ProductListing.shown_stars) if n]
    return Facets(province_items, group_items, sorted(stars, reverse=True))
