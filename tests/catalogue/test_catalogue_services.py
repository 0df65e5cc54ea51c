"""Products, certificates, listings and review, through the services, on both databases."""
from __future__ import annotations

from datetime import date, timedelta

import unicodedata

import pytest

from exhibit.catalogue import ocop, review, search, services
from exhibit.catalogue.models import Product, ProductListing
from exhibit.core.errors import Forbidden, NotFound, ValidationFailed
from exhibit.extensions import db
from tests.catalogue.conftest import product_data


def test_create_product_cleans_and_folds(exhibitor_in_week):
    product = services.create_product(actor=exhibitor_in_week, data=product_data(
        name=unicodedata.normalize("NFD", "Nước mắm  cá cơm"), standards="haccp, huu co, ISO 22000"))
    assert product.name == "Nước mắm cá cơm"  # NFD in, NFC stored, spaces collapsed
    assert product.origin_province_now == "68"  # Bình Thuận is now part of Lâm Đồng
    assert product.cert_valid_until == date(2027, 11, 12)
    assert product.standards == ["HACCP", "Hữu cơ", "ISO 22000"]
    assert product.name_search == " nuoc mam ca com "
    assert " binh thuan " in product.search_text and " lam dong " in product.search_text


@pytest.mark.parametrize("field,value,bad", [
    ("name", "", "name"), ("price_vnd", "12,5đ x", "price_vnd"), ("price_vnd", -5, "price_vnd"),
    ("price_vnd", 12.5, "price_vnd"), ("unit", "", "unit"), ("stars", 2, "stars"),
    ("stars", 6, "stars"), ("barcode", "8934563123457", "barcode"), ("barcode", "12345", "barcode"),
    ("traceability_url", "javascript:alert(1)", "traceability_url"),
    ("ocop_group", "vai_may_mac", "ocop_group"), ("ocop_set", 14, "ocop_set"),
    ("origin_province", "Atlantis", "origin_province"), ("cert_decision_date", "31/02/2024", "cert_decision_date"),
    ("cert_issuer_level", "village", "cert_issuer_level"),
])
def test_bad_fields_are_named_and_nothing_is_saved(exhibitor_in_week, field, value, bad):
    with pytest.raises(ValidationFailed) as caught:
        services.create_product(actor=exhibitor_in_week, data=product_data(**{field: value}))
    assert bad in caught.value.fields
    assert db.session.query(Product).count() == 0


def test_stars_need_the_whole_certificate(exhibitor_in_week):
    with pytest.raises(ValidationFailed) as caught:
        services.create_product(actor=exhibitor_in_week, data=product_data(
            cert_decision_number="", cert_decision_date="", cert_issuer_name=""))
    assert {"cert_decision_number", "cert_decision_date", "cert_issuer_name"} <= set(caught.value.fields)
    with pytest.raises(ValidationFailed) as caught:
        services.create_product(actor=exhibitor_in_week, data=product_data(stars=None))
    assert "stars" in caught.value.fields


def test_a_product_without_ocop_is_fine(exhibitor_in_week):
    product = services.create_product(actor=exhibitor_in_week, data={
        "name": "Bánh tráng mè", "price_vnd": "25.000", "unit": "gói"})
    assert product.stars is None and product.price_vnd == 25000 and product.ocop_group is None


def test_valid_ean13_and_old_scheme_rules(exhibitor_in_week):
    product = services.create_product(actor=exhibitor_in_week, data=product_data(barcode="8934563123451"))
    assert product.barcode == "8934563123451"
    old = services.create_product(actor=exhibitor_in_week, data=product_data(
        ocop_scheme="qd1048", ocop_group="thao_duoc", ocop_set=None, cert_decision_date="15/06/2021"))
    assert old.group_title() == "Thảo dược"
    with pytest.raises(ValidationFailed) as caught:
        services.create_product(actor=exhibitor_in_week, data=product_data(
            ocop_scheme="qd1048", ocop_group="thao_duoc", ocop_set=None, cert_decision_date="2023-03-01"))
    assert "ocop_scheme" in caught.value.fields


def test_validity_is_36_months_with_month_end():
    assert ocop.valid_until(date(2024, 11, 12)) == date(2027, 11, 12)
    assert ocop.valid_until(date(2024, 2, 29)) == date(2027, 2, 28)
    start, end = date(2024, 4, 22), date(2024, 4, 28)
    assert ocop.check_certificate(4, date(2021, 4, 22), start, end).status == ocop.EXPIRES_DURING
    assert ocop.check_certificate(4, date(2021, 4, 28), start, end).status == ocop.VALID
    assert ocop.check_certificate(4, date(2021, 4, 21), start, end).status == ocop.EXPIRED
    assert ocop.check_certificate(4, date(2021, 4, 1), start, end).status == ocop.EXPIRED
    assert ocop.check_certificate(3, date(2024, 4, 23), start, end).status == ocop.NOT_YET_VALID
    assert ocop.check_certificate(None, None, start, end).status == ocop.NONE


def test_only_the_owner_reads_and_changes_a_product(exhibitor_in_week, make_exhibitor):
    product = services.create_product(actor=exhibitor_in_week, data=product_data())
    other = make_exhibitor("Cơ sở Khác")
    with pytest.raises(NotFound):
        services.get_own_product(other, product.id)
    with pytest.raises(NotFound):
        services.update_product(actor=other, product=product, data={"price_vnd": 1})
    with pytest.raises(NotFound):
        services.set_archived(actor=other, product=product, archived=True)
    assert db.session.get(Product, product.id).price_vnd == 85000


def test_listing_needs_an_application_and_own_products(open_week, make_exhibitor, exhibitor_in_week):
    outsider = make_exhibitor("Chưa đăng ký")
    mine = services.create_product(actor=outsider, data=product_data())
    with pytest.raises(Forbidden):
        services.set_week_products(actor=outsider, week=open_week, selections={mine.id: None})
    with pytest.raises(ValidationFailed):
        services.set_week_products(actor=exhibitor_in_week, week=open_week, selections={mine.id: None})
    assert db.session.query(ProductListing).count() == 0


def test_review_and_the_public_catalogue(listed_product, open_week, exhibitor_in_week, organiser):
    page = search.search(open_week, search.Filters(q="NUOC MAM"))
    assert [i.product.id for i in page.items] == [listed_product.id] and page.total == 1
    for query in ("nước mắm", "nuoc mam phan thiet", "binh thuan", "lam dong", "Phan"):
        assert search.search(open_week, search.Filters(q=query)).total == 1, query
    assert search.search(open_week, search.Filters(q="ca phe")).total == 0
    assert search.search(open_week, search.Filters(province="68")).total == 1
    assert search.search(open_week, search.Filters(province="legacy63:60")).total == 1
    assert search.search(open_week, search.Filters(province="66")).total == 0
    assert search.search(open_week, search.Filters(group="thuc_pham", stars=4)).total == 1
    assert search.search(open_week, search.Filters(stars=5)).total == 0
    assert search.search(open_week, search.Filters(price_max=80000)).total == 0
    # a rejected listing leaves the catalogue
    listing = services.business_listings(exhibitor_in_week.business_id, open_week)[listed_product.id]
    with pytest.raises(ValidationFailed):
        services.review_listing(actor=organiser, listing=listing, decision="rejected", reason="")
    services.review_listing(actor=organiser, listing=listing, decision="rejected", reason="Thiếu ảnh")
    assert search.search(open_week, search.Filters(q="nuoc mam")).total == 0


def test_editing_the_certificate_sends_it_back_to_review(listed_product, exhibitor_in_week, open_week):
    services.update_product(actor=exhibitor_in_week, product=listed_product, data={"price_vnd": 90000})
    listing = services.business_listings(exhibitor_in_week.business_id, open_week)[listed_product.id]
    assert listing.status == "approved"
    services.update_product(actor=exhibitor_in_week, product=listed_product, data={"stars": 5})
    db.session.refresh(listing)
    assert listing.status == "pending"


def test_expired_certificate_is_flagged_and_not_shown_as_ocop(exhibitor_in_week, open_week, organiser):
    decided = open_week.start_date - timedelta(days=3 * 365 + 30)
    product = services.create_product(actor=exhibitor_in_week, data=product_data(
        cert_decision_date=decided.isoformat()))
    services.set_week_products(actor=exhibitor_in_week, week=open_week, selections={product.id: None})
    result = review.review_page(open_week, review.ReviewFilters(certificate=ocop.EXPIRED), 1, 20)
    (_business, (row,)), = result.groups
    assert row.certificate.status == ocop.EXPIRED and not row.certificate.shows_as_ocop
    assert "hết hiệu lực" in row.certificate.reason()  # Vietnamese by default
    services.approve_pending(actor=organiser, week=open_week, business_id=exhibitor_in_week.business_id)
    item, = search.search(open_week, search.Filters()).items
    assert item.shown_stars is None
    assert search.search(open_week, search.Filters(stars=4)).total == 0


def test_ranking_puts_name_matches_first(exhibitor_in_week, open_week, organiser):
    names = ["Bánh pía sầu riêng", "Sầu riêng sấy giòn", "Kẹo dừa", "Cà phê sầu riêng"]
    ids = []
    for name in names:
        ids.append(services.create_product(actor=exhibitor_in_week, data=product_data(name=name)).id)
    services.set_week_products(actor=exhibitor_in_week, week=open_week, selections={i: None for i in ids})
    services.approve_pending(actor=organiser, week=open_week, business_id=exhibitor_in_week.business_id)
    page = search.search(open_week, search.Filters(q="sau rieng"))
    assert page.total == 3
    assert page.items[0].product.name == "Sầu riêng sấy giòn"


def test_bad_filters_are_named():
    with pytest.raises(ValidationFailed) as caught:
        search.parse_filters({"stars": "7", "group": "xe_hoi", "page": "x", "province": "Mars"})
    assert set(caught.value.fields) == {"stars", "group", "page", "province"}


def test_search_index_follows_edits_archive_and_week_dates(listed_product, exhibitor_in_week, open_week, organiser):
    services.update_product(actor=exhibitor_in_week, product=listed_product, data={"name": "Mắm tôm chua Huế"})
    services.approve_pending(actor=organiser, week=open_week, business_id=exhibitor_in_week.business_id)
    assert search.search(open_week, search.Filters(q="mam tom")).total == 1
    assert search.search(open_week, search.Filters(q="ca com")).total == 0
    assert search.search(open_week, search.Filters(stars=4)).total == 1
    # moving the week past the certificate's 36 months takes its stars off the catalogue
    from exhibit.weeks.services import update_week
    from exhibit.weeks.services import WEEK_FIELDS
    data = {key: getattr(open_week, key) for key in WEEK_FIELDS}
    data.update(start_date=date(2027, 11, 10), end_date=date(2027, 11, 16))
    update_week(actor=organiser, week=open_week, data=data)
    assert search.search(open_week, search.Filters(stars=4)).total == 0
    item, = search.search(open_week, search.Filters(q="mam tom")).items
    assert item.certificate.status == ocop.EXPIRES_DURING and item.shown_stars is None
    services.set_archived(actor=exhibitor_in_week, product=listed_product, archived=True)
    assert search.search(open_week, search.Filters(q="mam tom")).total == 0
