"""The catalogue journey in Chromium: an exhibitor adds a product with a photo and an OCOP
certificate and shows it at a week; the organiser approves it; a visitor on a phone finds it by
typing without diacritics."""
from __future__ import annotations

from PIL import Image

from tests.e2e.conftest import PHONE, sign_in


def test_exhibitor_adds_product_organiser_approves_visitor_finds_it(live_server, browser, organiser,
                                                                     open_week, make_exhibitor, tmp_path):
    from exhibit.booking.services import apply_to_week
    exhibitor = make_exhibitor("Hợp tác xã Cà phê Ea Tu Thử")
    apply_to_week(actor=exhibitor, week=open_week, data={"booth_count": 1})
    photo = tmp_path / "ca-phe.jpg"
    Image.new("RGB", (1200, 900), (111, 78, 55)).save(photo, "JPEG")

    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    page = sign_in(desk, live_server, exhibitor)
    page.goto(f"{live_server}/my/products/new")
    page.fill("#name", "Cà phê rang xay Buôn Ma Thuột Thử")
    page.fill("#price_vnd", "160.000")
    page.fill("#unit", "gói")
    page.fill("#net_quantity", "Gói 500 g")
    page.select_option("#origin_province", "2025:66")
    page.select_option("#ocop_group", "qd148:thuc_pham")
    page.select_option("#ocop_set", "13")
    page.select_option("#stars", "4")
    page.fill("#cert_decision_number", "2150/QĐ-UBND")
    page.fill("#cert_decision_date", "2025-03-14")
    page.select_option("#cert_issuer_level", "province")
    page.fill("#cert_issuer_name", "UBND tỉnh Đắk Lắk")
    page.click("form.product-form button[type=submit]")
    page.wait_for_url("**/my/products/*/edit")
    page.set_input_files("#photos", str(photo))
    page.click("section#product-photos button[type=submit]")
    page.wait_for_selector("section#product-photos figure[data-photo]")
    page.goto(f"{live_server}/my/weeks/{open_week.slug}/products")
    page.check("input[name=product]")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("tr[data-product] .badge.s-pending")
    desk.close()

    office = browser.new_context(viewport={"width": 1280, "height": 900})
    review = sign_in(office, live_server, organiser)
    review.goto(f"{live_server}/organiser/weeks/{open_week.slug}/products")
    row = review.locator("tr[data-status='pending']")
    assert row.get_attribute("data-cert") == "valid"
    row.locator("button[value=approved]").click()
    review.wait_for_selector("tr[data-status='approved']")
    office.close()

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    visitor = phone.new_page()
    visitor.goto(f"{live_server}/weeks/{open_week.slug}/products")
    visitor.fill("#q", "ca phe buon ma thuot")
    visitor.click("form.catalogue-filters button[type=submit]")
    card = visitor.locator(".product-card")
    assert card.count() == 1 and "Cà phê rang xay Buôn Ma Thuột Thử" in card.inner_text()
    assert card.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert visitor.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    visitor.screenshot(path=str(tmp_path / "catalogue-phone.png"), full_page=True)
    card.locator("a").first.click()
    visitor.wait_for_selector("article.product .stars")
    assert "160.000" in visitor.inner_text("article.product")
