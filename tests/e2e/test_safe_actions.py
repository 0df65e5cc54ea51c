"""Safe actions in Chromium on a phone: the organiser's Release opens a confirmation that names
what will happen and will not go without a reason; with one, the booth is released and the desk
offers Undo, which gives the booking back."""
from __future__ import annotations

from sqlalchemy import text

from exhibit.extensions import db
from tests.e2e.conftest import PHONE, sign_in


def stored_status(allocation_id: int) -> str:
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT status FROM allocations WHERE id = :id"),
                                  {"id": allocation_id}).scalar_one()


def test_release_asks_for_a_reason_on_a_phone_and_can_be_undone(live_server, browser, organiser,
                                                                 open_week, confirmed_exhibitor,
                                                                 tmp_path):
    from exhibit.booking import queries
    user = confirmed_exhibitor("Hợp tác xã Cà phê Cầu Đất")
    allocation_id = queries.business_allocations(user.business_id)[0].id
    organiser.locale = "en"
    db.session.commit()

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = sign_in(phone, live_server, organiser)
    page.goto(f"{live_server}/organiser/weeks/{open_week.slug}")
    row = page.locator(f"tr.allocation[data-id='{allocation_id}']")
    panel = row.locator("details.confirm-action")
    assert not panel.locator("form").is_visible()  # closed until asked for

    panel.locator("summary").tap()
    consequence = panel.locator("p.consequence")
    assert consequence.is_visible()
    assert "Booth A01 is taken away from Hợp tác xã Cà phê Cầu Đất" in consequence.inner_text()
    reason = panel.locator("textarea[name=reason]")
    assert reason.is_visible() and reason.get_attribute("required") is not None
    # app.js puts the cursor in the reason (on the panel's toggle event, which comes a moment
    # after the tap): wait for it rather than read it at once
    page.wait_for_function("document.activeElement && document.activeElement.name === 'reason'")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    row.screenshot(path=str(tmp_path / "release-confirmation-phone.png"))

    # Without a reason the browser does not send it: nothing changes.
    panel.locator("button[type=submit]").tap()
    assert page.evaluate("document.querySelector('details.confirm-action[open] textarea')"
                         ".validity.valueMissing") is True
    assert stored_status(allocation_id) == "confirmed"

    reason.fill("Doanh nghiệp không nộp tiền đặt cọc")
    panel.locator("button[type=submit]").tap()
    page.wait_for_selector(".flash.undo")
    assert stored_status(allocation_id) == "released"
    assert "released from Hợp tác xã Cà phê Cầu Đất" in page.locator("p.flash.info").first.inner_text()

    page.locator(".flash.undo button").tap()
    page.wait_for_selector("p.flash.success")
    assert "Release undone" in page.locator("p.flash.success").inner_text()
    assert stored_status(allocation_id) == "confirmed"
    assert page.locator(".flash.undo").count() == 0
    phone.close()
