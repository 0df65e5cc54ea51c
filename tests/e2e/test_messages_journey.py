"""Messages in Chromium, with the real forms (CSRF on) and the real sender: the live app sends
its email itself (MESSAGE_DISPATCH="thread", as without Redis) to an SMTP server the test
starts. An exhibitor who forgot the password asks for a link on a phone, reads it in the
email, sets a new password and signs in with it, corrects the business address, holds a booth
from the week's plan; the organiser confirms the hold on the desk; the exhibitor's message list
shows "hold placed" and "booth confirmed" in Vietnamese, and both emails arrived. No page
logs a policy violation or an error in the browser console."""
from __future__ import annotations

import re
from datetime import datetime

import pytest

from exhibit.messaging import dispatch
from tests.e2e.conftest import PHONE, sign_in

DESK = {"width": 1280, "height": 900}
NEW_PASSWORD = "thanhlong2026moi"


def _watch_console(context, problems: list):
    """Policy violations, console errors and uncaught script errors on every page of
    ``context`` (the pages name their icon, so no browser asks for a missing /favicon.ico)."""
    def on_console(message):
        if (message.type == "error" or "Content Security Policy" in message.text
                or "Refused to" in message.text):
            where = message.page.url if message.page else "?"
            problems.append(f"{where}: {message.type}: {message.text} {message.location}")
    context.on("console", on_console)
    context.on("weberror", lambda error: problems.append(f"uncaught: {error.error}"))
    return context


def _text(email) -> str:
    return email.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def sending_live_server(app, live_server, mail_to):
    """The live server sends its outbox itself, by SMTP to ``mail_to``, with links that open
    on the live server."""
    saved = {key: app.config[key] for key in ("MESSAGE_DISPATCH", "PUBLIC_BASE_URL")}
    app.config.update(MESSAGE_DISPATCH="thread", PUBLIC_BASE_URL=live_server)
    try:
        yield live_server
    finally:
        app.config.update(saved)
        dispatch.stop_all()


def test_reset_from_email_edit_hold_confirm_and_read_the_messages(
        sending_live_server, mail_to, browser, organiser, open_week, make_exhibitor):
    from exhibit.booking.services import apply_to_week
    from exhibit.extensions import db
    from exhibit.vn.dates import format_moment
    from tests.messaging.test_outbox import messages

    live = sending_live_server
    exhibitor = make_exhibitor("Hợp tác xã Bưởi Da xanh Thử")
    apply_to_week(actor=exhibitor, week=open_week, data={"booth_count": 1})
    problems: list[str] = []

    # -- forgotten password: the link comes by email ------------------------------------------
    phone = _watch_console(browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True),
                           problems)
    page = phone.new_page()
    page.goto(f"{live}/login")
    page.click("a[href='/password/forgot']")
    page.wait_for_url("**/password/forgot")
    page.fill("#email", exhibitor.email)
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/login")
    assert page.locator(".flash.info", has_text=exhibitor.email).count() == 1

    reset = mail_to.wait_for_one(lambda email: "/password/reset/" in _text(email))
    assert reset["To"] == exhibitor.email
    assert "mật khẩu" in reset["Subject"]  # Vietnamese, the exhibitor's language
    [link] = re.findall(r"https?://\S+/password/reset/\S+", _text(reset))
    assert link.startswith(live + "/password/reset/")
    assert f'href="{link}"' in reset.get_body(preferencelist=("html",)).get_content()

    page.goto(link)
    page.fill("#password", NEW_PASSWORD)
    page.fill("#password_again", NEW_PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/login")
    page.wait_for_selector(".flash.success")
    page.fill("#email", exhibitor.email)
    page.fill("#password", NEW_PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/my")
    assert phone.request.get(link).status == 404  # the link worked once

    # -- the business address, on the phone -----------------------------------------------------
    page.goto(f"{live}/my")
    page.click("a[href='/my/business']")
    page.wait_for_url("**/my/business")
    page.fill("#address", "Ấp Phú Thuận, xã Thành Triệu, tỉnh Vĩnh Long")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector(".flash.success")
    assert page.input_value("#address") == "Ấp Phú Thuận, xã Thành Triệu, tỉnh Vĩnh Long"

    # -- a booth from the week's plan ------------------------------------------------------------
    page.goto(f"{live}/my")
    page.click(f"a[href='/weeks/{open_week.slug}/plan']")
    page.wait_for_url(f"**/weeks/{open_week.slug}/plan")
    page.tap("svg.plan g[data-code='A03']")
    page.wait_for_url("**/booths/A03")
    page.click(f"form[action$='/weeks/{open_week.slug}/booths/A03/hold'] button")
    page.wait_for_url("**/my")
    held = page.locator("tr.allocation[data-booth='A03'][data-status='held']")
    assert held.count() == 1
    deadline = format_moment(datetime.fromisoformat(
        held.locator(".hold-deadline time").get_attribute("datetime")))

    hold_email = mail_to.wait_for_one(lambda email: "A03" in email["Subject"]
                                    and "Đã giữ gian" in email["Subject"])
    assert hold_email["To"] == exhibitor.email
    assert open_week.name_vi in hold_email["Subject"]
    assert deadline and deadline in _text(hold_email)

    # -- the organiser confirms, on a desktop ----------------------------------------------------
    desk = _watch_console(browser.new_context(viewport=DESK), problems)
    office = sign_in(desk, live, organiser)
    office.goto(f"{live}/organiser/weeks/{open_week.slug}")
    hold_row = office.locator("tr.hold[data-booth='A03']")
    assert "Hợp tác xã Bưởi Da xanh Thử" in hold_row.inner_text()
    hold_row.locator("button[type=submit]").click()
    office.wait_for_selector("tr.allocation[data-booth='A03'][data-status='confirmed']")
    desk.close()

    confirmed_email = mail_to.wait_for_one(lambda email: "A03" in email["Subject"]
                                         and "Đã xác nhận gian" in email["Subject"])
    assert confirmed_email["To"] == exhibitor.email

    # -- what the exhibitor was told ------------------------------------------------------------
    page.goto(f"{live}/my")
    page.click("a[href='/my/messages']")
    page.wait_for_url("**/my/messages")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    placed = page.locator("tr[data-event='booking.hold_placed']")
    confirmed = page.locator("tr[data-event='booking.confirmed']")
    assert placed.count() == 1 and confirmed.count() == 1
    assert placed.locator("summary").inner_text().startswith("Đã giữ gian A03")
    assert confirmed.locator("summary").inner_text().startswith("Đã xác nhận gian A03")
    for row in (placed, confirmed):
        assert row.get_attribute("data-state") in ("sending", "sent")
    assert page.locator("tr[data-event='account.password_reset']").count() == 1
    phone.close()

    # one message each, and each email sent once
    db.session.rollback()  # a fresh look, not this thread's snapshot from before the journey
    assert [m.state for m in messages(event="booking.hold_placed")] in (["sending"], ["sent"])
    assert len(messages(event="booking.confirmed")) == 1
    subjects = [email["Subject"] for email in mail_to.messages]
    assert len(subjects) == len(set(subjects)), subjects
    assert problems == []
