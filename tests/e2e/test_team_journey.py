"""Accounts people can keep, in Chromium with the real forms (CSRF on) and the real sender: an
exhibitor signs up on a phone and is reminded on every page to confirm the address until the
emailed link is opened; they invite a colleague and withdraw a mistaken invitation (through
the confirmation panel that says what happens); the colleague opens the emailed invitation,
chooses a password and lands on the business's page, signed in. No page logs a policy
violation or an error."""
from __future__ import annotations

import re

from tests.conftest import next_tax_code
from tests.e2e.conftest import PHONE
# the live server that sends its own email, shared with the messages journey
from tests.e2e.test_messages_journey import _text, _watch_console, sending_live_server  # noqa: F401


def _link(email, path: str) -> str:
    return re.search(rf"(http://127\.0\.0\.1:\d+{path}\S+)", _text(email)).group(1)


def test_sign_up_confirm_invite_and_join(sending_live_server, mail_to, browser):  # noqa: F811
    live_server = sending_live_server
    problems: list[str] = []
    phone = _watch_console(browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True),
                           problems)
    page = phone.new_page()
    page.goto(f"{live_server}/signup")
    for selector, value in (("#full_name", "H'Hen Niê"), ("#email", "hhen@caphe.example"),
                            ("#password", "caphebmt2024"), ("#password_again", "caphebmt2024"),
                            ("#name", "Hợp tác xã Cà phê Buôn Ma Thuột Thử"),
                            ("#tax_code", next_tax_code()), ("#address", "Phường Tân Lợi, Đắk Lắk"),
                            ("#representative", "H'Hen Niê"),
                            ("#representative_position", "Chủ nhiệm HTX"),
                            ("#phone", "0912 345 678")):
        page.fill(selector, value)
    page.select_option("#legal_form", "hop_tac_xa")
    page.select_option("#province", "2025:66")
    page.click("button[type=submit]:has-text('Đăng ký')")
    page.wait_for_url("**/my")
    assert page.locator("#verify-email").is_visible()
    page.click("#verify-email button")  # send the link again
    page.wait_for_selector(".flash.success")
    assert page.url.endswith("/my")
    emails = mail_to.wait_for(2)
    assert {e["To"] for e in emails} == {"hhen@caphe.example"}
    page.goto(_link(emails[-1], "/account/verify/"))
    assert page.locator("#verify-email").count() == 0  # no "send again" beside the link's button
    page.click("#confirm-email button")
    page.wait_for_url("**/account")
    assert page.locator("#verify-email").count() == 0
    assert page.locator('#profile').is_visible()

    page.goto(f"{live_server}/my/team")
    for name, address in (("Nhầm Người", "nham@caphe.example"), ("Y Bơ Niê", "ybo@caphe.example")):
        page.fill("#full_name", name)
        page.fill("#email", address)
        page.click("main form.stack button[type=submit]")
        page.wait_for_selector(f"#invitations tr:has-text('{address}')")
    mistaken = page.locator("#invitations tr", has_text="nham@caphe.example")
    mistaken.locator("details.confirm-action summary").click()  # the confirmation panel
    mistaken.locator("details.confirm-action button[type=submit]").click()
    page.wait_for_selector(".flash.info")
    assert page.locator("#invitations tr", has_text="nham@caphe.example").count() == 0

    invitations = [e for e in mail_to.wait_for(4) if e["To"] == "ybo@caphe.example"]
    assert invitations[0]["Subject"] == "Lời mời tham gia Hợp tác xã Cà phê Buôn Ma Thuột Thử trên exhibit"
    colleague = _watch_console(browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True),
                               problems).new_page()
    colleague.goto(_link(invitations[0], "/account/invitation/"))
    colleague.fill("#password", "yboniê2026x")
    colleague.fill("#password_again", "yboniê2026x")
    colleague.click("main form button[type=submit]")
    colleague.wait_for_url("**/my")
    assert "Hợp tác xã Cà phê Buôn Ma Thuột Thử" in colleague.content()
    assert colleague.locator("#verify-email").count() == 0  # the invitation confirmed the address

    page.reload()
    assert page.locator("#members tr", has_text="ybo@caphe.example").count() == 1
    assert problems == []
