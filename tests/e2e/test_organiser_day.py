"""The organiser's working day on a phone, in Chromium: the desk lists what waits at a week,
and each item's link opens the list where it is done — approve an application, confirm a held
booth before its deadline, approve a product, record an overdue payment — and the desk's
counts fall after each."""
from __future__ import annotations

from datetime import timedelta

import pytest

from exhibit.core.db import utcnow
from exhibit.vn.dates import to_vietnam_time
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE


@pytest.fixture
def busy_week(open_week, organiser, make_exhibitor):
    """The open week with one of each: an application to review (Cà phê Ea Tu), a booth held
    for review (Tiêu Chư Sê, A02), and an exhibitor at A01 (Nước mắm Phan Thiết) with a
    product awaiting review and a contract whose deposit fell due a week ago, unpaid."""
    from exhibit.booking.services import apply_to_week, decide_application, hold_booth, assign_booth
    from exhibit.catalogue import services as catalogue
    from exhibit.documents import services as documents
    from exhibit.floorplan.services import get_booth
    from exhibit.weeks.services import update_organizer
    from tests.catalogue.conftest import product_data

    update_organizer(actor=organiser, data={
        "bank_account": "0071000123456", "bank_name": "Vietcombank – CN TP. Hồ Chí Minh",
        "representative": "Nguyễn Văn An", "representative_position": "Giám đốc"})
    applicant = make_exhibitor("Hợp tác xã Cà phê Ea Tu")
    apply_to_week(actor=applicant, week=open_week, data={"booth_count": 1,
                                                         "intended_products": "Cà phê rang xay"})

    holder = make_exhibitor("Hợp tác xã Tiêu Chư Sê")
    application = apply_to_week(actor=holder, week=open_week, data={
        "booth_count": 1, "intended_products": "Tiêu đen"})
    decide_application(actor=organiser, application=application, decision="approve")
    hold = hold_booth(actor=holder, week=open_week, booth=get_booth(open_week, "A02"))

    payer = make_exhibitor("Cơ sở Nước mắm Phan Thiết")
    apply_to_week(actor=payer, week=open_week, data={"booth_count": 1})
    assign_booth(actor=organiser, week=open_week, booth=get_booth(open_week, "A01"),
                 business_id=payer.business_id)
    product = catalogue.create_product(actor=payer, data=product_data(
        name="Nước mắm cá cơm 40 độ đạm", price_vnd=120000, unit="chai"))
    catalogue.set_week_products(actor=payer, week=open_week, selections={product.id: None})
    # drafted two weeks ago: its deposit fell due a week ago
    contract = documents.create_contract(actor=organiser, week=open_week,
                                         business_id=payer.business_id,
                                         now=utcnow() - timedelta(days=14))
    documents.issue(actor=organiser, document=contract)
    return dict(week=open_week, hold=hold, payer=payer, contract=contract,
                listing=catalogue.business_listings(payer.business_id, open_week)[product.id])


def _waiting(page, slug) -> dict[str, int]:
    """The desk's items for the week, kind → count, read from the page."""
    card = page.locator(f"article.week-queue[data-week='{slug}']")
    return {item.get_attribute("data-kind"): int(item.locator(".count").inner_text().replace(".", ""))
            for item in card.locator("li[data-kind]").all()}


def _open_item(page, slug, kind):
    page.locator(f"article.week-queue[data-week='{slug}'] li[data-kind='{kind}'] a").click()
    page.wait_for_load_state()


def _back_to_desk(page, live_server):
    page.goto(f"{live_server}/organiser/")
    page.wait_for_selector("article.week-queue")


def test_the_organiser_works_down_the_desk_on_a_phone(live_server, browser, organiser, busy_week,
                                                     tmp_path):
    week, hold, payer, contract = (busy_week[k] for k in ("week", "hold", "payer", "contract"))
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(f"{live_server}/login")
    page.fill("#email", organiser.email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()
    _back_to_desk(page, live_server)
    page.screenshot(path=str(tmp_path / "desk-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1

    waiting = _waiting(page, week.slug)
    assert waiting == {"applications": 1, "holds": 1, "products": 1, "late_payers": 1,
                       "contracts_unsigned": 1}
    # the missed payment day is the most urgent thing of all; the hold shows its deadline
    card = page.locator(f"article[data-week='{week.slug}']")
    assert card.locator("li[data-kind]").first.get_attribute("data-kind") == "late_payers"
    assert page.locator("[data-most-urgent]").count() == 0  # one busy week: its card says it all
    deadline = to_vietnam_time(hold.expires_at).strftime("%H:%M %d/%m/%Y")
    assert deadline in card.locator("li[data-kind='holds']").inner_text()
    total = int(card.get_attribute("data-waiting"))

    # 1. the application: its link opens the applications waiting for review
    _open_item(page, week.slug, "applications")
    row = page.locator("tr.application[data-business='Hợp tác xã Cà phê Ea Tu']")
    assert row.get_attribute("data-status") == "submitted"
    row.locator("form:has(input[name=decision][value=approve]) button").click()
    page.wait_for_load_state()
    _back_to_desk(page, live_server)
    assert "applications" not in _waiting(page, week.slug)

    # 2. the held booth: the bookings list of live holds, the soonest deadline first
    _open_item(page, week.slug, "holds")
    assert "state=held" in page.url
    page.locator("tr.allocation[data-booth='A02'] form[action*='/confirm'] button").click()
    page.wait_for_load_state()
    _back_to_desk(page, live_server)
    after_hold = _waiting(page, week.slug)
    assert "holds" not in after_hold
    # confirming made an exhibitor, who now waits for a contract: the next thing to do
    assert after_hold.get("no_contract") == 1

    # 3. the product awaiting review
    _open_item(page, week.slug, "products")
    page.locator(f"tr[data-listing='{busy_week['listing'].id}'] button[name=decision][value=approved]").click()
    page.wait_for_load_state()
    _back_to_desk(page, live_server)
    assert "products" not in _waiting(page, week.slug)

    # 4. the overdue payer: the ledger filtered to the late, where the payment is recorded
    _open_item(page, week.slug, "late_payers")
    assert "state=overdue" in page.url
    page.select_option("#business_id", str(payer.business_id))
    page.select_option("#kind", "deposit")
    page.fill("#amount_vnd", str(contract.total_vnd * contract.deposit_percent // 100))
    page.fill("#reference", "UNC 0412")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector(".flash.success")
    _back_to_desk(page, live_server)

    left = _waiting(page, week.slug)
    assert not {"applications", "holds", "products", "late_payers"} & set(left)
    assert left == {"no_contract": 1, "contracts_unsigned": 1}
    assert int(page.locator(f"article[data-week='{week.slug}']").get_attribute("data-waiting")) < total
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
