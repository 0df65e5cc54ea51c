"""A B2B session's rounds in Chromium: a buyer marks preferences and blocks a slot; the
organiser generates the schedule, swaps a meeting and publishes; on the day the supplier says a
meeting was held and the buyer that another did not happen; the live board and the week's
dashboard show one held and one no-show."""
from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from tests.b2b.conftest import BUYER_PASSWORD, add_supplier, new_buyer
from tests.b2b.test_preferences import _buyer_user
from tests.e2e.conftest import browser, live_server, sign_in  # noqa: F401


def test_preferences_to_a_published_schedule_to_attendance_on_the_board(
        app, live_server, browser, organiser, open_week, confirmed_exhibitor):  # noqa: F811
    from exhibit.b2b import services
    from exhibit.b2b.models import Meeting
    from exhibit.core.db import utcnow
    from exhibit.extensions import db
    from exhibit.messaging.models import Message
    week = open_week
    buyer = new_buyer(week)
    first = add_supplier(confirmed_exhibitor, organiser, week, "Hợp tác xã Thanh long Hàm Thuận Nam",
                         {"name": "Thanh long ruột đỏ"})
    second = add_supplier(confirmed_exhibitor, organiser, week, "Hợp tác xã Thanh long Chợ Gạo",
                          {"name": "Thanh long ruột trắng"})
    slots = services.add_slots(actor=organiser, week=week, day=week.start_date, start=time(9, 0),
                               minutes=20, count=3)
    services.add_tables(actor=organiser, week=week, count=2)
    # the session is today: two slots have passed, the third is to come
    now = utcnow()
    for n, slot in enumerate(slots):
        slot.starts_at = now - timedelta(minutes=50) + timedelta(minutes=25 * n)
        slot.ends_at = slot.starts_at + timedelta(minutes=20)
    db.session.commit()
    buyer_user = _buyer_user(buyer)
    slot_ids = [s.id for s in slots]
    base = f"{live_server}/my/weeks/{week.slug}/b2b"

    # the buyer: must meet the first supplier, would meet the second, busy in the third slot
    context = browser.new_context()
    page = sign_in(context, live_server, buyer_user, BUYER_PASSWORD)
    page.goto(base)
    for supplier, level in ((first, "must"), (second, "meet")):
        form = page.locator(f"form[data-preference='{supplier.business_id}']").first
        form.locator("select[name=level]").select_option(level)
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
    page.check(f"form[data-blocked-slots] input[value='{slot_ids[2]}']")
    page.click("form[data-blocked-slots] button[type=submit]")
    page.wait_for_load_state()
    assert page.is_checked(f"form[data-blocked-slots] input[value='{slot_ids[2]}']")
    assert page.locator("[data-my-preferences] li").count() == 2
    context.close()

    # the organiser generates, swaps the two meetings and publishes
    context = browser.new_context()
    page = sign_in(context, live_server, organiser)
    manage = f"{live_server}/organiser/weeks/{week.slug}/b2b"
    page.goto(manage)
    page.select_option("form[data-generate] select[name=method]", "optimised")
    page.click("form[data-generate] button[type=submit]")
    page.wait_for_load_state()
    with app.app_context():
        meetings = db.session.scalars(select(Meeting).where(Meeting.slot_id.isnot(None))
                                      .order_by(Meeting.slot_id)).all()
        assert len(meetings) == 2 and {m.slot_id for m in meetings} == set(slot_ids[:2])
        before = {m.supplier_id: m.slot_id for m in meetings}
        to_swap = meetings[0].id
    page.locator(f"form[data-swap='{to_swap}'] button[type=submit]").click()
    page.wait_for_load_state()
    page.click("form[data-publish] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-schedule-state]").count() == 1
    with app.app_context():
        after = {m.supplier_id: m.slot_id for m in db.session.scalars(
            select(Meeting).where(Meeting.slot_id.isnot(None)))}
        assert after == {first.business_id: before[second.business_id],
                         second.business_id: before[first.business_id]}
        told = {m.business_id for m in db.session.scalars(
            select(Message).where(Message.event == "b2b.scheduled"))}
        assert told == {buyer.business_id, first.business_id, second.business_id}
        held_id, missed_id = (db.session.scalar(select(Meeting.id).where(
            Meeting.supplier_id == s.business_id)) for s in (first, second))
    context.close()

    # the first supplier says its meeting was held; the buyer that the other did not happen
    context = browser.new_context()
    page = sign_in(context, live_server, first)
    page.goto(base)
    page.click(f"form[data-attendance='{held_id}'] button[value=met]")
    page.wait_for_load_state()
    context.close()
    context = browser.new_context()
    page = sign_in(context, live_server, buyer_user, BUYER_PASSWORD)
    page.goto(base)
    assert page.get_attribute("[data-schedule-state]", "data-schedule-state") == "final"
    page.click(f"form[data-attendance='{missed_id}'] button[value=missed]")
    page.wait_for_load_state()
    context.close()

    context = browser.new_context()
    page = sign_in(context, live_server, organiser)
    page.goto(f"{manage}/board")
    counts = page.locator("[data-board-counts]")
    assert (counts.get_attribute("data-held"), counts.get_attribute("data-no-shows")) == ("1", "1")

    # the week's dashboard counts the same: in its headlines, per buyer and per province
    page.goto(f"{live_server}/organiser/weeks/{week.slug}/dashboard")
    assert page.get_attribute("li[data-key=meetings_held]", "data-value") == "1"
    assert page.get_attribute("li[data-key=no_shows]", "data-value") == "1"

    def cells(table: str, row: str) -> list[str]:
        return page.locator(f"table[data-table={table}] tr[data-key='{row}'] td[data-value]"
                            ).evaluate_all("cells => cells.map(c => c.dataset.value)")
    # requested, scheduled, held, no-shows (then the outcomes, none recorded)
    assert cells("meetings_by_buyer", str(buyer.id))[:4] == ["2", "2", "1", "1"]
    assert cells("meetings_by_province", "total")[:4] == ["2", "2", "1", "1"]
    assert cells("meetings_by_attendance", "held") == ["1"]
    assert cells("meetings_by_attendance", "no_show") == ["1"]
    page.screenshot(path="/tmp/b2b-journey-dashboard.png", full_page=True)
    context.close()
