"""Issue 21's journey, in Chromium on a tablet: the organiser uploads the hall's drawing and
calibrates it with two clicks and a distance, opens the plan editor (the drawing lies under the
booths), drags two booths, merges A01 with the booked A02 (the booking moves to A01 in the same
step), adds a column, saves the draft and publishes it; the exhibitor whose booth changed gets a
message saying what changed for it, and the old QR code of the surviving booth A01 still opens
its page — now with the exhibitor on it."""
from __future__ import annotations

from sqlalchemy import select

from exhibit.extensions import db
from exhibit.floorplan import draft as drafts
from exhibit.floorplan.models import Booth, Hall, PlanVersion
from exhibit.floorplan.services import get_booth
from tests.e2e.conftest import sign_in
from tests.e2e.test_plan_editor import booth_node, drag, plan_week

TABLET = {"width": 1024, "height": 1366}

#: the venue's drawing: 600 × 240 px, a dimension line of 400 px that says 20 m
DRAWING = b"""<svg xmlns="http://www.w3.org/2000/svg" width="600" height="240" viewBox="0 0 600 240">
<rect x="0" y="0" width="600" height="240" fill="#f4f1ea" stroke="#333" stroke-width="4"/>
<line x1="100" y1="220" x2="500" y2="220" stroke="#c00" stroke-width="2"/>
<text x="300" y="212" font-size="14" text-anchor="middle">20 m</text>
</svg>"""


def test_upload_calibrate_edit_merge_with_booking_moved_add_column_publish_and_tell(
        live_server, browser, organiser, make_exhibitor, tmp_path):
    from playwright.sync_api import expect

    from exhibit.messaging.models import Message
    from exhibit.visitors.models import BoothToken
    from exhibit.visitors.services import issue_missing_tokens
    week, holder = plan_week(organiser, make_exhibitor, slug="ocop-plan-journey")
    issue_missing_tokens(week.id)
    a01, a02 = get_booth(week, "A01"), get_booth(week, "A02")
    old_qr = db.session.scalar(select(BoothToken.token).where(BoothToken.booth_id == a01.id))
    hall = week.halls[0]
    drawing_file = tmp_path / "sanh-a.svg"
    drawing_file.write_bytes(DRAWING)

    context = browser.new_context(viewport=TABLET, has_touch=True)
    errors: list[str] = []
    context.on("weberror", lambda error: errors.append(str(error.error)))
    page = sign_in(context, live_server, organiser)

    # 1. the hall's drawing, uploaded and calibrated: two clicks on the dimension line, 20 m
    page.goto(f"{live_server}/organiser/weeks/{week.slug}/halls/{hall.id}/drawing")
    page.set_input_files("input[type=file][name=drawing]", str(drawing_file))
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    pick = page.locator("svg.drawing-pick")
    pick.wait_for()
    box = pick.bounding_box()
    for px, py in ((100, 220), (500, 220)):
        pick.click(position={"x": px * box["width"] / 600, "y": py * box["height"] / 240})
    page.fill("[name=distance_m]", "20")
    page.locator("form[data-calibration] button[type=submit]").click()
    page.wait_for_url(f"**/organiser/weeks/{week.slug}/booths**")
    db.session.rollback()
    calibrated = db.session.get(Hall, hall.id)
    assert abs(calibrated.drawing_px_per_m - 20) < 0.5
    assert (round(calibrated.width_m), round(calibrated.depth_m)) == (30, 12)

    # 2. the editor: the drawing lies under the booths, at the hall's scale
    page.goto(f"{live_server}/organiser/weeks/{week.slug}/plan/editor")
    page.wait_for_selector("#plan-editor.ready")
    image = page.locator("#pe-canvas image.pe-drawing")
    assert image.get_attribute("href") and image.get_attribute("visibility") == "visible"
    assert abs(float(image.get_attribute("width")) - 30) < 1
    zoom = float(page.locator("#pe-canvas").get_attribute("width")) / 32

    # drag two booths to the back row
    drag(page, booth_node(page, week, "A05"), 0, 5 * zoom)
    drag(page, booth_node(page, week, "A06"), 0, 5 * zoom)

    # merge A01 with the booked A02: the booking goes to A01 in the same step
    booth_node(page, week, "A01").click()
    booth_node(page, week, "A02").click(modifiers=["Shift"])
    page.click("#pe-merge")
    dialog = page.locator("#pe-move-dialog")
    dialog.wait_for(state="visible")
    assert holder.business.name in dialog.inner_text()
    page.select_option("#pe-move-0", drafts.booth_key(a01.id))
    dialog.locator("button[value=move]").click()
    expect(page.locator("#pe-canvas .pe-booths > g")).to_have_count(5)

    # a column by the back row
    page.select_option("#pe-kind", "column")
    page.click("#pe-add-element")
    page.fill("#pe-el-x", "22")
    page.fill("#pe-el-y", "8")
    page.fill("#pe-el-label", "C1")
    page.locator("#pe-el-label").press("Tab")
    page.click("#pe-save")
    expect(page.locator("#pe-status.success")).to_be_visible()
    page.screenshot(path=str(tmp_path / "journey-editor.png"), full_page=True)

    # 3. publish the draft
    page.goto(f"{live_server}/organiser/weeks/{week.slug}/plan/publish")
    page.locator(f"form[action$='/organiser/weeks/{week.slug}/plan/publish'] button[type=submit]").click()
    page.wait_for_url(f"**/organiser/weeks/{week.slug}/plan/versions/1")
    page.screenshot(path=str(tmp_path / "journey-version.png"), full_page=True)
    assert not errors, errors
    context.close()

    db.session.rollback()
    assert db.session.scalar(select(PlanVersion.number).where(PlanVersion.week_id == week.id)) == 1
    merged = db.session.get(Booth, a01.id)
    assert merged.code == "A01" and merged.area_m2 == 18 and merged.outline
    gone = db.session.get(Booth, a02.id)
    assert gone.retired_at is not None and gone.merged_into_id == a01.id
    assert drafts.active_bookings(week)[a01.id].holder == holder.business.name
    assert (get_booth(week, "A05").y_m, get_booth(week, "A06").y_m) == (6, 6)

    # 4. the exhibitor is told what changed for it
    told = db.session.scalars(select(Message).where(
        Message.event == "floorplan.changed", Message.business_id == holder.business_id)).all()
    assert told, "no floorplan.changed message for the exhibitor whose booth changed"
    assert any("A01" in m.body_text and "A02" in m.body_text for m in told), \
        [m.body_text for m in told]

    # 5. the old QR of the surviving booth still opens its page, now the exhibitor's
    visitor = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    phone = visitor.new_page()
    response = phone.goto(f"{live_server}/b/{old_qr}")
    assert response.status == 200
    assert "A01" in phone.content() and holder.business.name in phone.content()
    visitor.close()
