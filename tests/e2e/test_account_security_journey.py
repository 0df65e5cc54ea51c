"""In Chromium, with the real Content-Security-Policy: an organiser invites entrance staff on a
phone, the staff member opens the emailed link on another phone, chooses a password and lands
at the gate, the organiser disables the account (through the confirmation panel, which the
site's static script, the only script a page may run, closes on Escape), and the staff member's open session ends on the
server. Every page visited is checked for policy violations in the browser console."""
from __future__ import annotations

import re

from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE, sign_in
# the live server that sends its own email, shared with the messages journey
from tests.e2e.test_messages_journey import _text, sending_live_server  # noqa: F401


def _watch_policy(page, violations: list):
    page.on("console", lambda message: violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or "Refused to" in message.text else None)


def test_organiser_disables_entrance_staff_and_their_session_ends(
        sending_live_server, mail_to, browser, organiser, open_week):  # noqa: F811
    live_server = sending_live_server
    violations: list[str] = []
    desk = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = sign_in(desk, live_server, organiser)
    _watch_policy(page, violations)
    page.goto(f"{live_server}/organiser/staff")
    assert page.locator("input[type=password]").count() == 0
    page.fill("#full_name", "Trần Thị Cổng")
    page.fill("#email", "cong.a@itpc.example")
    page.click("main form.stack button[type=submit]")
    page.wait_for_selector("#invitations tr:has-text('cong.a@itpc.example')")

    invitation = mail_to.wait_for_one(lambda email: email["To"] == "cong.a@itpc.example")
    assert "ITPC thử nghiệm" in invitation["Subject"]
    link = re.search(r"(http://127\.0\.0\.1:\d+/account/invitation/\S+)", _text(invitation)).group(1)
    gate = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    staff_page = gate.new_page()
    _watch_policy(staff_page, violations)
    staff_page.goto(link)
    staff_page.fill("#password", "congvao2026")
    staff_page.fill("#password_again", "congvao2026")
    staff_page.click("main form button[type=submit]")
    staff_page.wait_for_url("**/gate")
    staff_page.goto(f"{live_server}/gate/{open_week.slug}")
    assert staff_page.locator("#code").is_visible()

    page.reload()  # the invitation is accepted: the person is one of the staff now
    assert page.locator("#invitations").count() == 0
    row = page.locator("tr", has_text="cong.a@itpc.example")
    disable = row.locator("details.confirm-action")
    disable.locator("summary").click()  # the panel says what will happen…
    assert "cong.a@itpc.example" in disable.locator(".consequence").inner_text()
    page.keyboard.press("Escape")  # …and they change their mind: nothing happens
    assert disable.get_attribute("open") is None
    assert row.locator(".badge").inner_text() == "đang hoạt động"
    staff_page.reload()
    assert staff_page.url.endswith(f"/gate/{open_week.slug}")

    disable.locator("summary").click()
    disable.locator("button[type=submit]").click()
    page.wait_for_selector("text=đã vô hiệu hóa")
    staff_page.reload()
    assert "/login" in staff_page.url  # the session ended on the server, cookie or not

    page.goto(f"{live_server}/account")
    assert page.locator("[data-session]").count() == 1
    for path in ("/", "/signup", f"/weeks/{open_week.slug}", f"/weeks/{open_week.slug}/plan",
                 f"/organiser/weeks/{open_week.slug}", "/organiser/"):
        page.goto(live_server + path)
    assert violations == []
    desk.close()
    gate.close()


def test_password_change_in_the_browser_signs_out_the_other_phone(live_server, browser,
                                                                 make_exhibitor):
    user = make_exhibitor()
    laptop = browser.new_context(viewport={"width": 1280, "height": 900})
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    here = sign_in(laptop, live_server, user)
    there = sign_in(phone, live_server, user)
    here.goto(f"{live_server}/account")
    assert here.locator("[data-session]").count() == 2
    here.fill("#current_password", PASSWORD)
    here.fill("#new_password", "thanhlong2025moi")
    here.fill("#new_password_again", "thanhlong2025moi")
    here.click("#password button[type=submit]")
    here.wait_for_selector(".flash.success")
    assert here.locator("[data-session]").count() == 1
    there.goto(f"{live_server}/my")
    assert "/login" in there.url
    laptop.close()
    phone.close()
