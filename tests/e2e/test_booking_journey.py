"""The first browser journey, in Debian's Chromium driven by Playwright: an exhibitor signs up,
opens the floor plan on a phone-sized viewport and holds a booth; the organiser confirms it."""
from __future__ import annotations

from datetime import date, timedelta


from tests.conftest import PASSWORD, next_tax_code
from tests.e2e.conftest import PHONE

def test_exhibitor_signs_up_holds_on_phone_and_organiser_confirms(live_server, browser, organiser, tmp_path):
    from exhibit.floorplan.services import save_booth, save_hall
    from exhibit.weeks.services import create_week
    today = date.today()
    week = create_week(actor=organiser, data={
        "name_vi": "Tuần lễ sản phẩm OCOP Đắk Lắk", "slug": "ocop-dak-lak-e2e",
        "host_province_scheme": "2025", "host_province_code": "66", "venue_name": "ITPC",
        "start_date": today + timedelta(days=40), "end_date": today + timedelta(days=44), "status": "open"})
    hall = save_hall(actor=organiser, week=week, data={"name": "Sảnh A", "grid_width": 20, "grid_height": 6})
    for i in range(4):
        save_booth(actor=organiser, week=week, hall_id=hall.id,
                   data={"code": f"A{i + 1:02d}", "price_vnd": 1300000, "grid_x": 1 + i * 3, "grid_y": 1})

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(f"{live_server}/signup")
    page.fill("#full_name", "Y Nâu Niê")
    page.fill("#email", "ynau@caphe.example")
    page.fill("#password", "caphebmt2024")
    page.fill("#password_again", "caphebmt2024")
    page.fill("#name", "Hợp tác xã Cà phê Ea Tu Thử")
    page.select_option("#legal_form", "hop_tac_xa")
    page.fill("#tax_code", next_tax_code())
    page.fill("#address", "Xã Ea Tu, tỉnh Đắk Lắk")
    page.select_option("#province", "2025:66")
    page.fill("#representative", "Y Nâu Niê")
    page.fill("#representative_position", "Chủ nhiệm HTX")
    page.fill("#phone", "0912 345 678")
    page.click("button[type=submit]:has-text('Đăng ký')")
    page.wait_for_url("**/my")

    page.goto(f"{live_server}/weeks/{week.slug}/apply")
    page.fill("#intended_products", "cà phê rang xay")
    page.click("button:has-text('Gửi hồ sơ')")
    page.wait_for_url(f"**/weeks/{week.slug}/plan")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1  # no sideways page scroll
    page.screenshot(path=str(tmp_path / "plan-phone.png"), full_page=True)
    page.tap("svg.plan g[data-code='A02']")
    page.wait_for_url("**/booths/A02")
    # The hold button's words name the kind of hold (this application lists its products, so
    # it is a review hold "until <deadline>", not the 15-minute one): find it by what it posts.
    page.click(f"form[action$='/weeks/{week.slug}/booths/A02/hold'] button")
    page.wait_for_url("**/my")
    assert page.locator("tr.allocation[data-booth='A02'][data-status='held']").count() == 1
    page.goto(f"{live_server}/weeks/{week.slug}/plan")
    assert page.locator("g[data-code='A02']").get_attribute("data-status") == "held"

    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    desk.goto(f"{live_server}/login")
    desk.fill("#email", organiser.email)
    desk.fill("#password", PASSWORD)
    desk.click("form.stack button[type=submit]")
    desk.goto(f"{live_server}/organiser/weeks/{week.slug}")
    row = desk.locator("tr.allocation[data-booth='A02']")
    assert "Hợp tác xã Cà phê Ea Tu Thử" in row.inner_text()
    row.locator("button:has-text('Xác nhận')").click()
    desk.wait_for_selector("tr.allocation[data-booth='A02'][data-status='confirmed']")

    page.goto(f"{live_server}/my")
    assert page.locator("tr.allocation[data-booth='A02'][data-status='confirmed']").count() == 1
