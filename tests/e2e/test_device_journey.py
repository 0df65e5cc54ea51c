"""A scanner set up by QR and revoked, in Chromium: the organiser (on a phone at the gate) makes
an entrance scanner on the entrances page and gets its one-time QR; a second phone opens the
QR's link and becomes the scanner, without a password; the organiser revokes it with a reason;
what the phone uploads afterwards is refused (403 device_revoked) and the organiser's page
shows the refused scans."""
from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import text

from exhibit.extensions import db
from tests.conftest import visitor_data
from tests.e2e.conftest import PHONE, sign_in
from tests.printed import decode_image


def stored_device(device_id: int) -> dict:
    with db.engine.connect() as connection:
        return dict(connection.execute(text(
            "SELECT name, gate, token_hash, paired_at, app_version, revoked_at, refused_scans "
            "FROM scan_devices WHERE id = :id"), {"id": device_id}).mappings().one())


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_a_scanner_is_set_up_by_qr_and_revoked_and_its_later_uploads_are_refused(
        app, live_server, browser, organiser, running_week, monkeypatch, tmp_path):
    from exhibit.badges.services import register_visitor
    # the QR holds PUBLIC_BASE_URL's address: here, the server the phone can reach
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", live_server)
    week = running_week
    guest = register_visitor(week=week, data=visitor_data())
    organiser.locale = "en"
    db.session.commit()

    desk = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = sign_in(desk, live_server, organiser)
    entrances = f"{live_server}/organiser/weeks/{week.slug}/entrances"
    page.goto(entrances)
    assert page.locator("[data-zone]").count() == 1  # the exhibition hall
    page.locator("details.edit-zone summary").tap()  # the rules' form, open, fits too
    assert page.locator("details.edit-zone input[type=checkbox]").first.is_visible()
    assert fits_the_phone(page)
    page.screenshot(path=str(tmp_path / "entrances-phone.png"), full_page=True)

    # a new entrance scanner: its page is the one-time QR, with the link written out
    form = page.locator("form#new-device")
    form.locator("input[name='device-name']").fill("Cổng A – máy 1")
    form.locator("input[name='device-gate']").fill("Cổng A")
    form.locator("button[type=submit]").tap()
    page.wait_for_selector("[data-pairing-qr]")
    link = page.locator("[data-pairing-link]").inner_text().strip()
    assert link.startswith(f"{live_server}/scan/pair#")
    assert "Open the camera on the phone and scan this code." in page.inner_text("main")
    assert "24 hours" in page.inner_text("main")
    assert fits_the_phone(page)
    page.screenshot(path=str(tmp_path / "pairing-phone.png"), full_page=True)
    # the QR on the screen says the same link, read by a decoder from the browser's pixels
    shot = page.locator("[data-pairing-qr]").screenshot()
    assert decode_image(Image.open(io.BytesIO(shot)).convert("L")) == [link]
    page.locator("a.button", has_text="Done").tap()
    page.wait_for_url(f"{entrances}#devices")
    row = page.locator("tr[data-device]")
    device_id = int(row.get_attribute("data-device"))
    assert row.get_attribute("data-state") == "waiting"

    # the phone opens the link: the scanner app takes the code and is set up, no password
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    scanner = phone.new_page()
    scanner.goto(link)
    scanner.wait_for_url(f"{live_server}/scan/")
    scanner.wait_for_selector("body[data-ready='1']")
    token = scanner.evaluate("ExhibitScan.store.get('meta', 'token')")
    assert token.startswith("dv_")
    stored = stored_device(device_id)
    assert stored["paired_at"] is not None and stored["app_version"]
    assert "#" not in scanner.url  # the one-time code left the address bar
    # the code worked once: opening it again is refused
    again = phone.new_page()
    again.goto(link)
    again.wait_for_selector("body[data-pairing='failed']")
    again.close()

    page.reload()
    row = page.locator(f"tr[data-device='{device_id}']")
    assert row.get_attribute("data-state") == "paired"
    assert stored["app_version"] in row.inner_text()

    # revoked with a reason, through the house confirmation
    revoke = row.locator("details.confirm-action", has=page.locator("textarea[name=reason]"))
    revoke.locator("summary").tap()
    assert "stops working at once" in revoke.locator("p.consequence").inner_text()
    revoke.locator("textarea[name=reason]").fill("Điện thoại bị mất ở cổng A")
    revoke.locator("button[type=submit]").tap()
    page.wait_for_selector("p.flash.success")
    assert stored_device(device_id)["revoked_at"] is not None
    assert page.locator(f"tr[data-device='{device_id}']").get_attribute("data-state") == "revoked"

    # the phone, still holding its token, uploads a scan it made: refused, with the reason
    answer = scanner.evaluate("""([code]) => ExhibitScan.store.get('meta', 'token').then(token =>
        fetch('/api/v1/device/scans', {method: 'POST', headers: {
            'Content-Type': 'application/json', 'Authorization': 'Bearer ' + token},
          body: JSON.stringify({unsynced: 1, app_version: '1.0.0', scans: [{
            nonce: 'after-revoke-0001', code: code, direction: 'in', device_answer: 'ok',
            scanned_at: new Date().toISOString()}]})})
        .then(response => response.json().then(body => ({status: response.status, body}))))""",
                              [guest.entry_code])
    assert answer["status"] == 403 and answer["body"]["error"] == "device_revoked"
    assert stored_device(device_id)["refused_scans"] == 1
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM gate_scans")).scalar_one() == 0
        assert connection.execute(text("SELECT count(*) FROM checkins")).scalar_one() == 0

    # and the organiser sees it, at the top of the page
    page.goto(entrances)
    refused = page.locator(f"[data-refused='{device_id}']")
    assert refused.is_visible() and "Cổng A – máy 1" in refused.inner_text()
    assert page.locator(f"tr[data-device='{device_id}'] [data-refused-scans='1']").is_visible()
    assert fits_the_phone(page)
    page.screenshot(path=str(tmp_path / "entrances-refused-phone.png"), full_page=True)
    phone.close()
    desk.close()
