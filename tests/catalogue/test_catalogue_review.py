"""The organiser's product review searched and filtered on the server (SQLite and PostgreSQL):
each filter shows exactly the listings written down here by hand, with the counts of its tabs;
the exhibitor's own product lists are paged and send no query per product."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from exhibit.catalogue import ocop, services
from exhibit.catalogue.models import Product
from exhibit.core.db import write_transaction
from exhibit.extensions import db
from tests.catalogue.conftest import product_data
from tests.conftest import login
from tests.querycount import queries_of


def _decided_for(status: str, week) -> date:
    """A decision date giving ``status`` at the week (checked with ocop.check_certificate)."""
    today = date.today()
    if status == ocop.VALID:
        decided = today - timedelta(days=365)
    elif status == ocop.EXPIRED:
        decided = today - timedelta(days=3 * 365 + 30)
    else:  # EXPIRES_DURING: valid until the week's third day
        until = week.start_date + timedelta(days=2)
        decided = ocop.add_months(until, -ocop.VALIDITY_MONTHS)
    assert ocop.check_certificate(4, decided, week.start_date, week.end_date).status == status
    return decided


@pytest.fixture
def review_week(confirmed_exhibitor, organiser, open_week):
    """Two businesses and six listings in every state the review filters on."""
    mam = confirmed_exhibitor("Hợp tác xã Nước mắm Hòn Rớ")
    tra = confirmed_exhibitor("Công ty TNHH Trà Đà Lạt")

    def listed(user, name, certificate, decision=None, **extra):
        data = product_data(name=name, **extra)
        if certificate == ocop.NONE:
            data.update(stars=None, cert_decision_number="", cert_decision_date="",
                        cert_issuer_level="", cert_issuer_name="")
        elif certificate != ocop.NOT_YET_VALID:
            data["cert_decision_date"] = _decided_for(certificate, open_week).isoformat()
        product = services.create_product(actor=user, data=data)
        services.set_week_products(actor=user, week=open_week, selections={
            **{p: None for p in services.business_listings(user.business_id, open_week)},
            product.id: None})
        listing = services.business_listings(user.business_id, open_week)[product.id]
        if decision:
            services.review_listing(actor=organiser, listing=listing, decision=decision,
                                    reason="Thiếu ảnh nhãn" if decision == "rejected" else "")
        return listing.id, product

    ids = {
        "mam_valid": listed(mam, "Nước mắm cá cơm 40 độ đạm", ocop.VALID)[0],
        "mam_expired": listed(mam, "Mắm ruốc Huế", ocop.EXPIRED, "approved")[0],
        "mam_none": listed(mam, "Nước mắm chay", ocop.NONE, "rejected")[0],
        "tra_during": listed(tra, "Trà atiso túi lọc", ocop.EXPIRES_DURING, "approved")[0],
    }
    ids["tra_later"], later = listed(tra, "Trà xanh Bảo Lộc", ocop.NOT_YET_VALID)
    ids["tra_scan"], scanned = listed(tra, "Cà phê Cầu Đất", ocop.VALID, "approved")
    with write_transaction():
        # A decision after the week starts cannot be entered before that day (dates in the
        # future are refused): write it as if the week had begun.
        product = db.session.get(Product, later.id)
        product.cert_decision_date = open_week.start_date + timedelta(days=1)
        product.cert_valid_until = ocop.valid_until(product.cert_decision_date)
        db.session.get(Product, scanned.id).cert_scan_key = "scans/chung-nhan.pdf"
    return {"ids": ids, "mam": mam, "tra": tra}


def _shown(html: str) -> set[str]:
    return set(re.findall(r'data-listing="(\d+)"', html))


@pytest.mark.parametrize("args,expected", [
    ("", {"mam_valid", "mam_expired", "mam_none", "tra_during", "tra_later", "tra_scan"}),
    ("status=pending", {"mam_valid", "tra_later"}),
    ("status=approved", {"mam_expired", "tra_during", "tra_scan"}),
    ("status=rejected", {"mam_none"}),
    ("certificate=problem", {"mam_expired", "tra_during", "tra_later"}),
    ("status=certificate", {"mam_expired", "tra_during", "tra_later"}),  # the former tab
    ("certificate=expired", {"mam_expired"}),
    ("certificate=expires_during", {"tra_during"}),
    ("certificate=not_yet_valid", {"tra_later"}),
    ("certificate=no_scan", {"mam_valid", "mam_expired", "tra_during", "tra_later"}),
    ("status=approved&certificate=problem", {"mam_expired", "tra_during"}),
    ("q=NUOC+MAM", {"mam_valid", "mam_none"}),
    ("q=m%E1%BA%AFm", {"mam_valid", "mam_expired", "mam_none"}),  # "mắm": a word beginning
    ("q=tra+bao", {"tra_later"}),
    ("q=am", set()),  # inside a word, not at its start
    ("exhibitor=hon+ro", {"mam_valid", "mam_expired", "mam_none"}),
    ("exhibitor=%C4%90%C3%A0+L%E1%BA%A1t&status=approved", {"tra_during", "tra_scan"}),
    ("exhibitor=khong+co", set()),
])
def test_each_filter_shows_exactly_its_listings(client, organiser, open_week, review_week, args, expected):
    login(client, organiser)
    response = client.get(f"/organiser/weeks/{open_week.slug}/products?{args}")
    html = response.get_data(as_text=True)
    ids = review_week["ids"]
    assert response.status_code == 200
    assert _shown(html) == {str(ids[key]) for key in expected}
    businesses = {key.split("_")[0] for key in expected}
    assert f'data-listings="{len(expected)}" data-businesses="{len(businesses)}"' in html


def test_tax_code_search_and_tab_counts(client, organiser, open_week, review_week):
    login(client, organiser)
    tax_code = review_week["tra"].business.tax_code
    html = client.get(f"/organiser/weeks/{open_week.slug}/products?exhibitor={tax_code[:6]}") \
        .get_data(as_text=True)
    # both test businesses may share the first digits; the full code finds one
    full = client.get(f"/organiser/weeks/{open_week.slug}/products?exhibitor={tax_code}") \
        .get_data(as_text=True)
    ids = review_week["ids"]
    assert _shown(full) == {str(ids[k]) for k in ("tra_during", "tra_later", "tra_scan")}
    assert _shown(full) <= _shown(html)
    # the tabs count the listings of the search, by status, and its certificate problems
    tabs = client.get(f"/organiser/weeks/{open_week.slug}/products?q=tra").get_data(as_text=True)
    nav = tabs.split('<nav class="tabs"')[1].split("</nav>")[0]
    counts = [int(n) for n in re.findall(r"\((\d+)\)</a>", nav)]
    assert counts == [2, 1, 1, 0, 2]  # all, awaiting, approved, rejected, certificate problems


def test_bad_filters_are_ignored_with_a_message(client, organiser, open_week, review_week):
    login(client, organiser)
    url = f"/organiser/weeks/{open_week.slug}/products"
    odd = client.get(f"{url}?status=deleted&certificate=forged&page=-3")
    html = odd.get_data(as_text=True)
    assert odd.status_code == 200 and "flash error" in html and len(_shown(html)) == 6
    assert client.get(f"{url}?q={'ă' * 3000}&page=99999999999999999999").status_code == 200


def test_review_actions_keep_the_filters(client, organiser, open_week, review_week):
    login(client, organiser)
    here = f"/organiser/weeks/{open_week.slug}/products?status=pending&q=tra"
    listing_id = review_week["ids"]["tra_later"]
    response = client.post(f"/organiser/weeks/{open_week.slug}/listings/{listing_id}/review",
                           data={"decision": "approved", "next": here})
    assert response.status_code == 302 and response.location.endswith(here)
    tra = review_week["tra"].business_id
    response = client.post(f"/organiser/weeks/{open_week.slug}/businesses/{tra}/approve-pending",
                           data={"next": here})
    assert response.status_code == 302 and response.location.endswith(here)
    assert _shown(client.get(here).get_data(as_text=True)) == set()


def test_my_products_are_paged(client, exhibitor_in_week, monkeypatch):
    monkeypatch.setattr(services, "PRODUCTS_PAGE_SIZE", 4)
    names = [f"Bánh tráng mè số {n:02d}" for n in range(9)]
    for name in names:
        services.create_product(actor=exhibitor_in_week, data=product_data(name=name))
    login(client, exhibitor_in_week)
    client.get("/my/products")  # the first request after signing in does more (the session)
    seen, sizes, queries = [], [], []
    for number in (1, 2, 3):
        status, statements = queries_of(client, f"/my/products?page={number}")
        html = client.get(f"/my/products?page={number}").get_data(as_text=True)
        found = re.findall(r'data-product="(\d+)"', html)
        seen += found
        sizes.append(len(found))
        queries.append(len(statements))
        assert ('rel="next"' in html) == (number < 3)
    assert sizes == [4, 4, 1] and len(set(seen)) == 9
    assert queries[0] == queries[2], queries  # 4 products or 1: the same queries


def test_choosing_week_products_sends_no_query_per_product(client, exhibitor_in_week, open_week):
    login(client, exhibitor_in_week)
    url = f"/my/weeks/{open_week.slug}/products"
    services.create_product(actor=exhibitor_in_week, data=product_data(name="Kẹo dừa sáp"))
    client.get(url)  # the first request after signing in does more (the session)
    _status, few = queries_of(client, url)
    for n in range(8):
        services.create_product(actor=exhibitor_in_week, data=product_data(name=f"Kẹo dừa số {n}"))
    client.get(url)  # as above: the tests' shared session was refreshed by the writes
    status, many = queries_of(client, url)
    assert status == 200 and len(many) == len(few), (len(few), len(many))
    assert len(re.findall(r'name="product" value=', client.get(url).get_data(as_text=True))) == 9
