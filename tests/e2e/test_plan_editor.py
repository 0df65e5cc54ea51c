"""The plan editor in Chromium on a tablet: the organiser drags two booths, merges two booths of
which one is booked (the booking is moved in the same step, through the dialog), adds a column,
moves a booth with the keyboard, undoes, and saves the draft; a stale save says so."""
from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select

from exhibit.extensions import db
from exhibit.floorplan import draft as drafts
from exhibit.floorplan.models import Booth
from exhibit.floorplan.services import get_booth
from tests.e2e.conftest import sign_in

TABLET = {"width": 1024, "height": 1366}


def plan_week(organiser, make_exhibitor, slug="ocop-plan-editor"):
    """A week with one hall of 30 × 12 m and booths A01–A06 in a row (3 × 3 m at y = 1 m);
    A02 is confirmed to a cooperative."""
    from exhibit.booking.services import apply_to_week, assign_booth
    from exhibit.floorplan.services import save_booth, save_hall
    from exhibit.weeks.services import create_week
    today = date.today()
    week = create_week(actor=organiser, data={
        "name_vi": "Tuần lễ OCOP Lâm Đồng", "slug": slug, "host_province_scheme": "2025",
        "host_province_code": "68", "venue_name": "ITPC", "start_date": today + timedelta(days=40),
        "end_date": today + timedelta(days=44), "status": "open"})
    hall = save_hall(actor=organiser, week=week, data={"name": "Sảnh A", "grid_width": 30, "grid_height": 12})
    for i in range(6):
        save_booth(actor=organiser, week=week, hall_id=hall.id, data={
            "code": f"A{i + 1:02d}", "price_vnd": 1_300_000, "grid_x": i * 3, "grid_y": 1})
    for booth in db.session.scalars(select(Booth).where(Booth.week_id == week.id)):
        booth.x_m, booth.y_m, booth.w_m, booth.h_m = booth.grid_x, booth.grid_y, booth.grid_w, booth.grid_h
    hall.width_m, hall.depth_m = 30.0, 12.0
    db.session.commit()
    holder = make_exhibitor("Hợp tác xã Atiso Đà Lạt")
    apply_to_week(actor=holder, week=week, data={"booth_count": 1})
    assign_booth(actor=organiser, week=week, booth=get_booth(week, "A02"), business_id=holder.business_id)
    return week, holder


def booth_node(page, week, code):
    return page.locator(f"#pe-canvas g[data-key='{drafts.booth_key(get_booth(week, code).id)}']")


def drag(page, locator, dx_px, dy_px):
    box = locator.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 6):
        page.mouse.move(x + dx_px * step / 5, y + dy_px * step / 5)
    page.mouse.up()


def stored(week) -> dict:
    db.session.rollback()  # a fresh read: the server committed in its own sessions
    return drafts.draft_document(drafts.load_draft(week))


def entry(document, week, code):
    return next(b for b in document["booths"] if b["key"] == drafts.booth_key(get_booth(week, code).id))


def test_organiser_drags_merges_with_the_booking_moved_adds_a_column_and_saves(
        live_server, browser, organiser, make_exhibitor, tmp_path):
    from playwright.sync_api import expect
    week, holder = plan_week(organiser, make_exhibitor)
    context = browser.new_context(viewport=TABLET, has_touch=True)
    page = sign_in(context, live_server, organiser)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server}/organiser/weeks/{week.slug}/plan/editor")
    page.wait_for_selector("#plan-editor.ready")
    zoom = json.loads(page.locator("#pe-canvas").get_attribute("width")) / 32  # px per metre
    page.screenshot(path=str(tmp_path / "editor-start.png"), full_page=True)

    # drag A05 and A06 down to the back row: 5 m down, snapped to the grid
    drag(page, booth_node(page, week, "A05"), 0, 5 * zoom)
    drag(page, booth_node(page, week, "A06"), 0.2 * zoom, 5 * zoom)
    assert "Unsaved" in page.locator("#pe-saved").inner_text() or \
        "chưa lưu" in page.locator("#pe-saved").inner_text().lower()

    # merge A01 with the booked A02: the dialog asks where the booking goes; it goes to A01
    booth_node(page, week, "A01").click()
    booth_node(page, week, "A02").click(modifiers=["Shift"])
    page.click("#pe-merge")
    dialog = page.locator("#pe-move-dialog")
    dialog.wait_for(state="visible")
    assert holder.business.name in dialog.inner_text()
    page.select_option("#pe-move-0", drafts.booth_key(get_booth(week, "A01").id))
    page.screenshot(path=str(tmp_path / "editor-dialog.png"), full_page=True)
    dialog.locator("button[value=move]").click()
    expect(page.locator("#pe-canvas .pe-booths > g")).to_have_count(5)
    assert booth_node(page, week, "A02").count() == 0
    assert booth_node(page, week, "A01").locator("path.pe-outline").count() == 1

    # add a column, then place it with the property panel (no mouse needed)
    page.select_option("#pe-kind", "column")
    page.click("#pe-add-element")
    page.fill("#pe-el-x", "20")
    page.fill("#pe-el-y", "8")
    page.fill("#pe-el-label", "C1")
    page.locator("#pe-el-label").press("Tab")
    assert page.locator("#pe-canvas .pe-element.kind-column").count() == 1

    # keyboard: A03 one grid step back, then a tenth of a metre; undo the tenth
    booth_node(page, week, "A03").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Control+z")
    expect(page.locator("#pe-y")).to_have_value("1.5")

    # a box drawn with the mouse from an empty place selects the booths it touches
    canvas = page.locator("#pe-canvas").bounding_box()
    start = (canvas["x"] + (1 + 7) * zoom, canvas["y"] + (1 + 0.5) * zoom)   # (7, 0.5) m
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + 4 * zoom, start[1] + 2 * zoom, steps=4)       # to (11, 2.5) m
    page.mouse.up()
    expect(page.locator("#pe-canvas .pe-booth.selected")).to_have_count(2)  # A03 and A04
    page.keyboard.press("Escape")
    page.screenshot(path=str(tmp_path / "editor-before-save.png"), full_page=True)

    page.click("#pe-save")
    expect(page.locator("#pe-status.success")).to_be_visible()
    assert not errors, errors

    document = stored(week)
    a01 = entry(document, week, "A01")
    assert a01["code"] == "A01" and a01["id"] == get_booth(week, "A01").id
    assert a01["merged_from"] == [drafts.booth_key(get_booth(week, "A02").id)]
    assert a01["area_m2"] == 18.0
    allocation = drafts.active_bookings(week)[get_booth(week, "A02").id].allocation_id
    assert document["moves"] == [{"allocation_id": allocation, "to": a01["key"]}]
    assert (entry(document, week, "A05")["x_m"], entry(document, week, "A05")["y_m"]) == (12, 6)
    assert (entry(document, week, "A06")["x_m"], entry(document, week, "A06")["y_m"]) == (15, 6)
    assert entry(document, week, "A03")["y_m"] == 1.5
    [column] = document["elements"]
    assert (column["kind"], column["label"], column["x_m"], column["y_m"]) == ("column", "C1", 20, 8)
    assert drafts.validate(week, document) == []
    # the published plan has not changed
    assert get_booth(week, "A05").y_m == 1 and get_booth(week, "A02").retired_at is None

    # someone else saves meanwhile: this page's next save says so and offers a reload
    drafts.save_draft(actor=organiser, week=week, document=document, revision=1)
    booth_node(page, week, "A04").focus()
    page.keyboard.press("ArrowDown")
    page.click("#pe-save")
    expect(page.locator("#pe-status.error")).to_be_visible()
    assert page.locator("#pe-status a").count() == 1
    page.screenshot(path=str(tmp_path / "editor-stale.png"), full_page=True)
    context.close()


def test_on_a_touch_tablet_taps_select_split_and_the_page_passes_axe(
        live_server, browser, organiser, make_exhibitor, tmp_path):
    """Taps select, "Select several" makes taps add, a booth splits in two from the toolbar;
    axe finds nothing serious on the editor (tablet and phone); the page does not scroll
    sideways on a phone."""
    from playwright.sync_api import expect

    from tests.a11y.conftest import AXE_SCRIPT, axe_findings
    week, _holder = plan_week(organiser, make_exhibitor, slug="ocop-plan-editor-touch")
    context = browser.new_context(viewport={"width": 820, "height": 1180}, has_touch=True,
                                  is_mobile=True, bypass_csp=True)  # axe is a script of its own
    page = sign_in(context, live_server, organiser)
    page.goto(f"{live_server}/organiser/weeks/{week.slug}/plan/editor")
    page.wait_for_selector("#plan-editor.ready")
    booth_node(page, week, "A04").tap()
    expect(page.locator("#pe-selection")).to_contain_text("A04")
    page.tap("#pe-multi")
    booth_node(page, week, "A05").tap()
    expect(page.locator("#pe-canvas .pe-booth.selected")).to_have_count(2)
    booth_node(page, week, "A05").tap()  # taking it out again
    expect(page.locator("#pe-canvas .pe-booth.selected")).to_have_count(1)
    page.tap("#pe-multi")
    page.fill("#pe-parts", "2")
    page.tap("#pe-split")
    expect(page.locator("#pe-canvas .pe-booths > g")).to_have_count(7)
    expect(page.locator("#pe-canvas g[aria-label^='Booth A04-2'], #pe-canvas g[aria-label*='A04-2']")).to_have_count(1)
    page.screenshot(path=str(tmp_path / "editor-tablet-split.png"), full_page=True)
    if AXE_SCRIPT.exists():
        assert axe_findings(page, AXE_SCRIPT) == []
    context.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                is_mobile=True, bypass_csp=True)
    page = sign_in(phone, live_server, organiser)
    page.goto(f"{live_server}/organiser/weeks/{week.slug}/plan/editor")
    page.wait_for_selector("#plan-editor.ready")
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    page.screenshot(path=str(tmp_path / "editor-phone.png"), full_page=True)
    if AXE_SCRIPT.exists():
        assert axe_findings(page, AXE_SCRIPT) == []
    phone.close()
