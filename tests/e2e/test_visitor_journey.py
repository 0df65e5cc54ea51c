"""The visitor journey in Chromium: a visitor scans a booth's QR code on a phone, saves a
product and leaves a contact; the exhibitor finds the lead; the entrance checks a visitor in and
refuses the second scan with the time of the first."""
from __future__ import annotations

import re

from tests.conftest import visitor_data
from tests.e2e.conftest import PHONE, sign_in


def test_visitor_scans_saves_and_leaves_contact_then_entrance_checks_in(
        app, live_server, browser, exhibitor_with_booth, running_week, entrance_user):
    from exhibit.badges.services import register_visitor
    from exhibit.floorplan.services import get_booth
    from exhibit.visitors.services import current_token
    visitor = register_visitor(week=running_week, data=visitor_data())
    qr_url = f"{app.config['PUBLIC_BASE_URL']}/b/{current_token(get_booth(running_week, 'A01'))}"

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(qr_url.replace(app.config["PUBLIC_BASE_URL"], live_server))
    assert page.locator("h1").inner_text().startswith("Gian hàng A01")
    page.click("button[data-saved='0']")
    assert page.locator("button[data-saved='1']").count() == 1
    page.fill("#full_name", "Phạm Minh Quân")
    page.fill("#phone", "0987 654 321")
    page.fill("#message", "Xin báo giá sỉ thanh long hộp quà")
    page.check("#consent")
    page.click("form[action*='/contact'] button[type=submit]")
    assert "sẽ liên hệ với quý khách" in page.locator("#contact ~ p.flash").inner_text()
    page.goto(f"{live_server}/favourites")
    assert "Thanh long ruột đỏ hộp quà" in page.content()
    phone.close()

    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    inbox = sign_in(desk, live_server, exhibitor_with_booth)
    inbox.goto(f"{live_server}/my/leads")
    lead = inbox.locator("article.lead[data-source='contact_form']")
    assert "Phạm Minh Quân" in lead.inner_text() and "0987 654 321" in lead.inner_text()
    desk.close()

    gate_phone = browser.new_context(viewport=PHONE, is_mobile=True)
    gate = sign_in(gate_phone, live_server, entrance_user)
    gate.goto(f"{live_server}/gate/{running_week.slug}")
    gate.fill("#code", visitor.entry_code.upper())
    gate.click("#checkin button[type=submit]")
    first = gate.locator("[data-result]")
    assert first.get_attribute("data-result") == "ok"
    gate.fill("#code", visitor.entry_code)
    gate.click("#checkin button[type=submit]")
    second = gate.locator("[data-result]")
    assert second.get_attribute("data-result") == "already_checked_in"
    assert re.search(r"Đã check-in lúc \d\d:\d\d", second.inner_text())
    gate_phone.close()
