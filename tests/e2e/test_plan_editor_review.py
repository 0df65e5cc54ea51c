"""The plan editor in Chromium: a booking that arrived on a booth the saved draft had deleted is
placed from the problems list — Enter on the problem opens the moves dialog, the booking goes
to a free booth, and the saved draft carries the move (found in review)."""
from __future__ import annotations

from exhibit.booking.services import apply_to_week, assign_booth
from exhibit.floorplan import draft as drafts
from exhibit.floorplan.services import get_booth
from tests.e2e.conftest import sign_in
from tests.e2e.test_plan_editor import TABLET, plan_week, stored


def test_a_booking_on_a_deleted_booth_is_placed_from_the_problems_list(
        live_server, browser, organiser, make_exhibitor):
    from playwright.sync_api import expect
    week, _holder = plan_week(organiser, make_exhibitor, slug="ocop-plan-editor-ask")
    document = drafts.draft_document(drafts.load_draft(week))
    gone = drafts.booth_key(get_booth(week, "A05").id)
    document["booths"] = [b for b in document["booths"] if b["key"] != gone]
    drafts.save_draft(actor=organiser, week=week, document=document, revision=0)
    late = make_exhibitor("Hợp tác xã Cà phê Cầu Đất")
    apply_to_week(actor=late, week=week, data={"booth_count": 1})
    booking = assign_booth(actor=organiser, week=week, booth=get_booth(week, "A05"),
                           business_id=late.business_id)
    target = drafts.booth_key(get_booth(week, "A06").id)

    context = browser.new_context(viewport=TABLET)
    page = sign_in(context, live_server, organiser)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server}/organiser/weeks/{week.slug}/plan/editor")
    page.wait_for_selector("#plan-editor.ready")
    problem = page.locator("#pe-problems li.error button").first
    assert late.business.name in problem.inner_text()
    problem.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#pe-move-dialog")
    dialog.wait_for(state="visible")
    page.select_option("#pe-move-0", target)
    dialog.locator("button[value=move]").click()
    expect(page.locator("#pe-problems li.error")).to_have_count(0)
    page.click("#pe-save")
    expect(page.locator("#pe-saved")).to_contain_text("2")  # saved: revision 2
    assert stored(week)["moves"] == [{"allocation_id": booking.id, "to": target}]
    assert errors == []
    context.close()
