"""The walk-in desk in Chromium, on a phone: entrance staff go from the gate to the desk,
register a buyer who arrived without a badge, print it on A6 (the PDF arrives), print it again
and are warned that a badge was already printed; the badge checks in at the gate."""
from __future__ import annotations

import re

from sqlalchemy import select

from tests.e2e.conftest import PHONE, sign_in


def test_entrance_staff_register_a_walk_in_print_and_reprint_with_a_warning(
        app, live_server, browser, running_week, entrance_user):
    from exhibit.badges.models import Badge
    from exhibit.extensions import db

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = sign_in(phone, live_server, entrance_user)
    page.goto(f"{live_server}/gate/{running_week.slug}")
    page.click("a[data-walk-in]")
    assert page.url.endswith(f"/gate/{running_week.slug}/walk-in")
    # the whole form fits the phone's width, and the agreement is not ticked for anyone
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not page.is_checked("#consent")

    page.check("input[name=kind][value=buyer]")
    page.fill("#full_name", "Đỗ Thị Kim Liên")
    page.fill("#phone", "0936 222 777")
    page.fill("#organisation", "Chuỗi cửa hàng Bách Hóa Xanh")
    page.click("#walk-in button[type=submit]")
    # refused without the person's agreement: the box is named, nothing issued
    assert page.locator(".has-error #consent").count() == 1
    with app.app_context():
        assert db.session.scalar(select(Badge)) is None
    page.check("#consent")
    page.click("#walk-in button[type=submit]")
    desk = page.url
    assert re.search(rf"/gate/{running_week.slug}/walk-in/\d+$", desk)
    assert "Đỗ Thị Kim Liên" in page.locator("h1").inner_text()
    assert page.locator("[data-reprint-warning]").count() == 0

    def print_a6():
        with page.expect_response(lambda r: ".pdf" in r.url) as answer:
            page.click("button[data-print='a6-1']")
        pdf = answer.value
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
        # (the browser shows it in its viewer; fetched again, it is the badge — and fetching a
        # PDF counts no print: the counts below stay 1 and 2)
        assert page.request.get(pdf.url).body().startswith(b"%PDF")

    print_a6()
    page.goto(desk)
    warning = page.locator("[data-reprint-warning]").inner_text()
    assert re.search(r"in thẻ này 1 lần, lần gần nhất lúc \d\d:\d\d \d\d/\d\d", warning), warning
    print_a6()
    page.goto(desk)
    assert "in thẻ này 2 lần" in page.locator("[data-reprint-warning]").inner_text()

    with app.app_context():
        badge = db.session.scalar(select(Badge))
        assert (badge.kind, badge.walk_in, badge.printed_count) == ("buyer", True, 2)
        code = badge.entry_code

    # the new badge opens the gate at once
    page.goto(f"{live_server}/gate/{running_week.slug}")
    page.fill("#code", code)
    page.click("#checkin button[type=submit]")
    assert page.locator("[data-result]").get_attribute("data-result") == "ok"

    # found again by the desk's search
    page.goto(f"{live_server}/gate/{running_week.slug}/walk-in")
    page.fill("#desk-q", "kim lien")
    page.click("form[role=search] button[type=submit]")
    page.click("li[data-badge] a")
    assert page.url == desk
    phone.close()
