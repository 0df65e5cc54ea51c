"""The business profile in Chromium, with the real forms (CSRF on): the exhibitor corrects its
address on a phone from /my; its organiser corrects the tax code with a reason from the
business's page, and the exhibitor sees who changed what."""
from __future__ import annotations

from tests.conftest import next_tax_code
from tests.e2e.conftest import PHONE, sign_in


def test_exhibitor_and_organiser_edit_the_profile(live_server, browser, organiser, open_week,
                                                  make_exhibitor):
    from exhibit.booking.services import apply_to_week
    exhibitor = make_exhibitor("Hợp tác xã Mật ong Cư M'gar Thử")
    apply_to_week(actor=exhibitor, week=open_week, data={"booth_count": 1})

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = sign_in(phone, live_server, exhibitor)
    page.goto(f"{live_server}/my")
    page.click("a[href='/my/business']")
    page.wait_for_url("**/my/business")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    page.fill("#address", "Thôn 4, xã Ea Tul, tỉnh Đắk Lắk")
    page.fill("#phone", "0987 654 321")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector(".flash.success")
    assert page.input_value("#address") == "Thôn 4, xã Ea Tul, tỉnh Đắk Lắk"
    assert "0987 654 321" in page.locator("table.audit").inner_text()

    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    office = sign_in(desk, live_server, organiser)
    office.goto(f"{live_server}/organiser/businesses/{exhibitor.business_id}/audit")
    office.click(f"a[href='/organiser/businesses/{exhibitor.business_id}/edit']")
    new_tax_code = next_tax_code()
    office.fill("#tax_code", new_tax_code)
    office.click("form.stack button[type=submit]")
    office.wait_for_selector(".has-error #reason")  # a new tax code needs a reason
    office.fill("#reason", "Sai mã số khi đăng ký")
    office.click("form.stack button[type=submit]")
    office.wait_for_selector(".flash.success")
    desk.close()

    page.goto(f"{live_server}/my/business")
    history = page.locator("table.audit").inner_text()
    assert new_tax_code in history and "Sai mã số khi đăng ký" in history
    phone.close()
