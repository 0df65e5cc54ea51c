"""Suppliers suggested to a buyer: only those with a product meeting one of the buyer's needs
(its group, keywords, stars, certifications), ranked by how well they meet them, each with the
reason shown; the pages read the same number of queries however many suppliers there are."""
from __future__ import annotations

import pytest
from flask_babel import force_locale

from tests.b2b.conftest import BUYER_PASSWORD, add_supplier, new_buyer
from tests.conftest import login
from tests.querycount import queries_of


COFFEE = {"name": "Cà phê rang xay Buôn Ma Thuột", "ocop_set": 13, "stars": 4,
          "standards": "VietGAP"}
INSTANT = {"name": "Cà phê hòa tan 3 trong 1", "ocop_set": 13, "stars": 3}
CASSAVA = {"name": "Tinh bột sắn dây", "ocop_set": 7, "stars": 5, "standards": "VietGAP, HACCP"}
TUNA = {"name": "Cá ngừ đóng hộp", "ocop_set": 8, "stars": 5}
COCOA = {"name": "Ca cao nguyên chất", "ocop_set": 13, "stars": 5}


@pytest.fixture
def coffee_market(organiser, open_week, confirmed_exhibitor):
    """Five suppliers of food: ground coffee (4★, VietGAP), instant coffee (3★), cassava starch
    and canned tuna (5★, the best stars of the week), cocoa (5★, the coffee's OCOP set)."""
    return {key: add_supplier(confirmed_exhibitor, organiser, open_week, name, product)
            for key, name, product in (
                ("coffee", "Hợp tác xã Cà phê Ea Tu", COFFEE),
                ("instant", "Công ty TNHH Cà phê Hòa tan Thử", INSTANT),
                ("cassava", "Cơ sở Tinh bột sắn Thử", CASSAVA),
                ("tuna", "Công ty Cổ phần Đồ hộp Thử", TUNA),
                ("cocoa", "Hợp tác xã Ca cao Thử", COCOA))}


def test_a_coffee_buyer_is_offered_coffee_only_the_full_match_first_with_the_reason(
        app, open_week, coffee_market):
    from exhibit.b2b import services
    buyer = new_buyer(open_week, need={"product_group": "thuc_pham",
                                       "description": "Cà phê rang xay"})
    found = services.matches(open_week, buyer=buyer)
    ids = {key: user.business_id for key, user in coffee_market.items()}
    # never the starch, the tuna or the cocoa, though they are food with more stars
    assert [m.supplier.id for m in found] == [ids["coffee"], ids["instant"]]
    with force_locale("en"):
        assert found[0].reasons("en") == ["Cà phê rang xay · OCOP 4★ · VietGAP"]
        assert found[1].reasons("en") == ["Cà phê rang xay · OCOP 3★"]
    assert [p.name for p in found[0].products] == [COFFEE["name"]]


def test_every_suggestion_meets_a_need_and_the_one_meeting_more_needs_ranks_first(
        app, open_week, organiser, confirmed_exhibitor, coffee_market):
    from exhibit.b2b import services
    from exhibit.b2b.matching import product_meets
    both = add_supplier(confirmed_exhibitor, organiser, open_week, "Công ty TNHH Nông sản Hai Thứ",
                        {"name": "Cà phê phin giấy", "ocop_set": 13, "stars": 3},
                        {"name": "Hạt điều rang muối", "ocop_set": 10, "stars": 3})
    buyer = new_buyer(open_week, need={"product_group": "thuc_pham",
                                       "description": "cà phê; hạt điều rang muối"})
    found = services.matches(open_week, buyer=buyer)
    assert found[0].supplier.id == both.business_id and len(found[0].needs) == 1
    assert {k.text for met in found[0].met for k in met.keywords} == {"cà phê", "hạt điều rang muối"}
    ids = {m.supplier.id for m in found}
    assert coffee_market["cassava"].business_id not in ids
    assert coffee_market["tuna"].business_id not in ids
    for match in found:
        assert all(any(product_meets(p, p.shown_stars, need) for p in match.products)
                   for need in match.needs)
    # two needs met beat one need met, whatever the stars
    second = services.add_need(actor=buyer_user(buyer), buyer=buyer, data={
        "product_group": "thuc_pham", "description": "Hạt điều"})
    assert second.id
    found = services.matches(open_week, buyer=buyer)
    assert found[0].supplier.id == both.business_id and len(found[0].needs) == 2
    assert found[0].score > max(m.score for m in found[1:])


def buyer_user(buyer):
    from exhibit.accounts.models import User
    from exhibit.extensions import db
    return db.session.query(User).filter_by(business_id=buyer.business_id).first()


def test_stars_certifications_and_the_group_still_rule_out(app, open_week, coffee_market):
    from exhibit.b2b import services
    ids = {key: user.business_id for key, user in coffee_market.items()}
    four = new_buyer(open_week, need={"product_group": "thuc_pham", "description": "Cà phê",
                                      "min_stars": "4"})
    assert [m.supplier.id for m in services.matches(open_week, buyer=four)] == [ids["coffee"]]
    gap = new_buyer(open_week, need={"product_group": "thuc_pham", "description": "Cà phê",
                                     "certifications": ["VietGAP"]})
    assert [m.supplier.id for m in services.matches(open_week, buyer=gap)] == [ids["coffee"]]
    drinks = new_buyer(open_week, need={"product_group": "do_uong", "description": "Cà phê"})
    assert services.matches(open_week, buyer=drinks) == []


def test_a_need_without_products_named_takes_the_whole_group_best_stars_first(
        app, open_week, coffee_market):
    """No keywords (or a keyword naming the group itself): every product of the group meets
    it; the reason names the product's OCOP set."""
    from exhibit.b2b import services
    anything = new_buyer(open_week, need={"product_group": "thuc_pham", "description": ""})
    named_group = new_buyer(open_week, need={"product_group": "thuc_pham",
                                             "description": "Thực phẩm sạch"})
    for buyer in (anything, named_group):
        found = services.matches(open_week, buyer=buyer)
        assert len(found) == 5
        assert [m.products[0].shown_stars for m in found] == sorted(
            (m.products[0].shown_stars for m in found), reverse=True)
        tuna = next(m for m in found if m.supplier.id == coffee_market["tuna"].business_id)
        assert tuna.reasons()[0].startswith("Chế biến từ thịt, thủy sản") and "OCOP 5★" in tuna.reasons()[0]


def test_the_buyer_page_shows_the_reasons_and_no_unmatched_supplier(
        app, client, open_week, coffee_market):
    buyer = new_buyer(open_week, need={"product_group": "thuc_pham",
                                       "description": "Cà phê rang xay"})
    login(client, buyer_user(buyer), BUYER_PASSWORD)
    page = client.get(f"/my/weeks/{open_week.slug}/b2b").get_data(as_text=True)
    # the suggestions (the page also lists every supplier of the week to mark, elsewhere)
    suggested = page[page.index("data-matches"):]
    suggested = suggested[:suggested.index("<h2")]
    assert "Cà phê rang xay · OCOP 4★ · VietGAP" in suggested
    assert "Hợp tác xã Cà phê Ea Tu" in suggested and "Tinh bột sắn" not in suggested
    assert "Đồ hộp" not in suggested and suggested.index("Ea Tu") < suggested.index("Hòa tan Thử")


def test_the_participant_page_reads_as_many_queries_for_one_supplier_as_for_five(
        app, client, organiser, open_week, confirmed_exhibitor):
    buyer = new_buyer(open_week, need={"product_group": "thuc_pham", "description": "Cà phê"})
    login(client, buyer_user(buyer), BUYER_PASSWORD)
    url = f"/my/weeks/{open_week.slug}/b2b"
    add_supplier(confirmed_exhibitor, organiser, open_week, "Hợp tác xã Cà phê Một", COFFEE)
    status, one = queries_of(client, url)
    assert status == 200
    for n in range(4):
        add_supplier(confirmed_exhibitor, organiser, open_week, f"Hợp tác xã Cà phê Số {n + 2}",
                     dict(COFFEE, name=f"Cà phê rang xay loại {n + 2}"), INSTANT)
    status, five = queries_of(client, url)
    assert status == 200 and len(five) == len(one), (len(one), len(five))
    assert client.get(url).get_data(as_text=True).count("data-supplier=") == 5


def test_keywords_are_split_and_folded():
    from exhibit.b2b.matching import keywords
    found = keywords("Cà phê rang xay, hạt điều; tiêu đen và mật ong / CÀ PHÊ RANG XAY")
    assert [k.text for k in found] == ["Cà phê rang xay", "hạt điều", "tiêu đen", "mật ong"]
    assert found[0].words == ("ca", "phe", "rang", "xay") and found[0].head == "ca phe"
    assert keywords("") == [] and keywords("  ,  ; ") == []
