"""The privacy journey in Chromium on a phone (issue 20): a visitor leaves a contact at a booth,
opens the privacy link from the receipt they were sent (read from the outbox), sees the exhibitor
that holds the contact and withdraws; the exhibitor's lead list then shows it withdrawn, without
the visitor's name or phone."""
from __future__ import annotations

import re

from sqlalchemy import select

from exhibit.extensions import db, limiter
from tests.e2e.conftest import PHONE, sign_in

SHOTS = "/tmp/privacy-{}.png"


def test_visitor_withdraws_from_the_receipt_link_and_the_exhibitor_sees_it_at_once(
        app, live_server, browser, exhibitor_with_booth, running_week):
    from exhibit.floorplan.services import get_booth
    from exhibit.messaging.models import Message
    from exhibit.visitors.services import current_token
    limiter.reset()  # contacts left by earlier tests from this address count against it
    qr_url = f"{live_server}/b/{current_token(get_booth(running_week, 'A01'))}"

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(qr_url)
    page.fill("#full_name", "Phạm Minh Quân")
    page.fill("#phone", "0987 654 321")
    page.fill("#message", "Xin báo giá sỉ thanh long hộp quà")
    page.check("#consent")
    page.click("form[action*='/contact'] button[type=submit]")
    page.wait_for_load_state()
    page.screenshot(path=SHOTS.format("1-contact-left"), full_page=True)

    # the receipt the visitor was sent, as queued in the outbox
    db.session.rollback()  # a fresh read of what the server wrote
    receipt = db.session.scalar(select(Message).where(
        Message.event == "visitor.contact_receipt"))
    assert receipt is not None and receipt.params["recipient"]["phone"] == "+84987654321"
    [link] = re.findall(r"https?://\S+/privacy/[\w.\-]+", receipt.body_text)
    page.goto(re.sub(r"^https?://[^/]+", live_server, link))
    held = page.locator("li.held-lead[data-state='held']")
    assert held.count() == 1
    assert "Hợp tác xã Thanh long Hàm Thuận Nam" in held.inner_text()
    consent = page.locator("article.consent[data-state='active']", has_text="Hợp tác xã Thanh long")
    assert consent.count() == 1
    page.screenshot(path=SHOTS.format("2-page"), full_page=True)

    with page.expect_navigation():
        consent.locator("button[type=submit]").tap()
    assert page.locator("li.held-lead[data-state='withdrawn']").count() == 1
    assert page.locator("article.consent[data-state='withdrawn']",
                        has_text="Hợp tác xã Thanh long").count() == 1
    assert page.locator("p.flash.success").count() == 1
    page.screenshot(path=SHOTS.format("3-withdrawn"), full_page=True)
    phone.close()

    staff_phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    inbox = sign_in(staff_phone, live_server, exhibitor_with_booth)
    inbox.goto(f"{live_server}/my/leads")
    lead = inbox.locator("article.lead[data-source='contact_form']")
    assert lead.get_attribute("data-state") == "withdrawn"
    assert "Phạm Minh Quân" not in lead.inner_text() and "0987" not in lead.inner_text()
    assert "0987 654 321" not in inbox.content()
    inbox.screenshot(path=SHOTS.format("4-exhibitor-leads"), full_page=True)
    staff_phone.close()

    # the same page on a desk, for the look
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    wide = desk.new_page()
    wide.goto(re.sub(r"^https?://[^/]+", live_server, link))
    assert wide.locator("article.consent[data-state='withdrawn']").count() == 1
    wide.screenshot(path=SHOTS.format("5-page-desktop"), full_page=True)
    desk.close()
