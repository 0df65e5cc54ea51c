"""The scanner app in Chromium with the network cut: a device set up by its pairing QR scans 50
badges offline (valid, unknown, revoked, the contact code, repeats), answering each from its
snapshot; the network comes back and the queue syncs by itself; the server holds exactly one
check-in per badge and day, the repeats and another device's duplicate flagged, nothing lost.
The same for an exhibitor's lead scanner, whose snapshot holds no names."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from exhibit.badges.models import CheckIn, GateScan
from exhibit.badges.services import add_badge, entry_url, revoke_badge
from exhibit.core.db import utcnow
from exhibit.core.tokens import grouped, new_code
from exhibit.extensions import db
from exhibit.scanning import devices, zones
from exhibit.vn.dates import vietnam_today
from exhibit.visitors.models import Lead
from tests.e2e.conftest import browser, live_server  # noqa: F401  (fixtures)
from tests.scanning.browser_helpers import (
    READ_META, READ_SCANS, READ_SNAPSHOT, messages, pair_in_browser, phone_context, scan_typed,
    watched_page)
from tests.scanning.helpers_devices import paired_gate, visitor

pytestmark = pytest.mark.browser

#: a sync after the network returns is quick; this only bounds a broken one
SYNCED_WITHIN_MS = 30_000


def _badges(organiser, week, count: int) -> list:
    """Visitors (registered themselves) and buyers (issued by the organiser), alternately."""
    made = []
    for i in range(count):
        if i % 2:
            made.append(add_badge(actor=organiser, week=week, kind="buyer", data={
                "full_name": f"Người mua Số {i}", "organisation": f"Siêu thị {i}",
                "consent": True, "share_contact": True}))
        else:
            made.append(visitor(week, name=f"Khách Tham Quan {i}"))
    return made


def _as_typed(i: int, code: str) -> str:
    """Codes the ways people enter them: grouped capitals from the badge, the QR's address,
    or plain."""
    return (grouped(code), entry_url(code), code)[i % 3]


def test_gate_device_scans_offline_then_syncs_by_itself(
        app, live_server, browser, organiser, running_week):  # noqa: F811
    week = running_week
    valid = _badges(organiser, week, 40)
    revoked = _badges(organiser, week, 3)
    for badge in revoked:
        revoke_badge(actor=organiser, badge=badge, reason="Thẻ bị mất")
    device, code = devices.create_device(organiser, week, "gate", "Cổng A – máy 1",
                                         zone=zones.default_zone(week), gate="Cổng A")
    unknown = [new_code() for _ in range(4)]

    # (what is typed, the status and reason the device must answer offline)
    plan = [(_as_typed(i, b.entry_code), "ok", "") for i, b in enumerate(valid[:20])]
    plan += [(b.entry_code, "invalid", "revoked") for b in revoked]
    plan += [(c, "invalid", "unknown") for c in unknown[:2]]
    plan += [(grouped(valid[0].entry_code), "already_checked_in", "")]  # a repeat
    plan += [(valid[1].contact_code, "invalid", "contact_code")]       # the wrong code
    plan += [(_as_typed(i, b.entry_code), "ok", "") for i, b in enumerate(valid[20:])]
    plan += [(c, "invalid", "unknown") for c in unknown[2:]]
    plan += [(valid[39].entry_code, "already_checked_in", "")]          # another repeat
    assert len(plan) == 50

    phone = phone_context(browser)
    page = pair_in_browser(phone, live_server, code)
    assert page.locator("#device-name").inner_text() == "Cổng A – máy 1 · Cổng A"
    assert page.locator("#snapshot-state").get_attribute("data-badges") == "43"
    # the service worker controls the page: the scanner reopens with no network at all
    page.wait_for_selector("body[data-offline-ready='1']")

    phone.set_offline(True)
    page.reload()
    page.wait_for_selector("body[data-ready='1'][data-snapshot='loaded']")
    expect(page.locator("#net")).to_have_attribute("data-online", "0")

    for n, (typed, status, reason) in enumerate(plan, start=1):
        answer = scan_typed(page, typed, n)
        assert (answer["status"], answer["reason"]) == (status, reason), (n, typed, answer)
        if status == "ok":
            assert "Đã check-in." in answer["text"]
        if reason == "revoked":
            assert "Thẻ này đã bị thu hồi." in answer["text"]
    repeat_holder = valid[39].full_name
    assert repeat_holder in page.locator("#result").inner_text()
    expect(page.locator("#unsynced")).to_have_attribute("data-count", "50")
    # nothing reached the server while offline
    assert db.session.scalar(select(func.count()).select_from(GateScan)
                             .where(GateScan.device_id == device.id)) == 0

    phone.set_offline(False)
    expect(page.locator("#unsynced")).to_have_attribute("data-count", "0",
                                                        timeout=SYNCED_WITHIN_MS)
    expect(page.locator("#net")).to_have_attribute("data-online", "1")
    # the server's answers replaced the device's; the repeats are marked
    expect(page.locator("#scans li[data-synced='0']")).to_have_count(0)
    expect(page.locator("#scans li[data-flag='repeat']")).to_have_count(2)

    db.session.rollback()  # a fresh read: the live server wrote in other transactions
    scans = db.session.scalars(select(GateScan).where(GateScan.device_id == device.id)).all()
    assert len(scans) == 50  # nothing lost
    assert len({s.nonce for s in scans}) == 50
    today = vietnam_today()
    checkins = db.session.execute(
        select(CheckIn.badge_id, func.count()).where(CheckIn.week_id == week.id,
                                                     CheckIn.day == today)
        .group_by(CheckIn.badge_id)).all()
    assert dict(checkins) == {b.id: 1 for b in valid}
    assert sorted(s.badge_id for s in scans if s.flag == "repeat") == sorted(
        [valid[0].id, valid[39].id])
    # the device and the server agreed on every answer
    assert [s for s in scans if s.flag == "disagreed"] == []
    assert sum(s.result == "invalid" for s in scans) == 3 + 4 + 1

    # a second gate device, which never saw these badges, scans one already let in
    _second, token = paired_gate(organiser, week, name="Cổng B – máy 1")
    client = app.test_client()
    reply = client.post("/api/v1/device/scans", headers={"Authorization": f"Bearer {token}"},
                        json={"scans": [{"nonce": "second-device-0001", "code": valid[5].entry_code,
                                         "scanned_at": utcnow().isoformat(), "direction": "in",
                                         "device_answer": "ok"}],
                              "unsynced": 0, "app_version": "1.0.0"})
    assert reply.status_code == 200, reply.get_data(as_text=True)
    assert reply.get_json()["results"][0]["status"] == "already_checked_in"
    db.session.rollback()  # a fresh read: the live server wrote in other transactions
    other = db.session.scalar(select(GateScan).where(GateScan.nonce == "second-device-0001"))
    assert other.flag == "other_device"
    assert db.session.scalar(select(func.count()).select_from(CheckIn)
                             .where(CheckIn.badge_id == valid[5].id)) == 1

    assert phone.page_errors == []
    assert phone.seen.outside() == []
    phone.close()


def test_lead_device_keeps_contacts_offline_then_leads_appear(
        app, live_server, browser, organiser, running_week, exhibitor_with_booth):  # noqa: F811
    week = running_week
    contacts = _badges(organiser, week, 45)
    gone = contacts.pop()
    revoke_badge(actor=organiser, badge=gone, reason="Đăng ký trùng")
    device, code = devices.create_device(exhibitor_with_booth, week, "leads",
                                         "Quầy A01 – điện thoại chị Lan")
    plan = [(c.contact_code, "saved", "") for c in contacts[:30]]
    plan += [(contacts[3].contact_code.upper(), "already_saved", "")]
    plan += [(new_code(), "invalid", "unknown")]
    plan += [(contacts[4].entry_code, "invalid", "entry_code")]
    plan += [(gone.contact_code, "invalid", "revoked")]
    plan += [(c.contact_code, "saved", "") for c in contacts[30:]]
    plan += [(contacts[40].contact_code, "already_saved", "")]
    # a buyer who did not agree to share the contact with exhibitors: refused on the spot
    private = add_badge(actor=organiser, week=week, kind="buyer", data={
        "full_name": "Người mua Không Chia Sẻ", "consent": True})
    plan += [(private.contact_code, "invalid", "not_shared")]
    assert len(plan) == 50

    phone = phone_context(browser)
    page = pair_in_browser(phone, live_server, code)
    snapshot = page.evaluate(READ_SNAPSHOT)
    assert len(snapshot["badges"]) == 46
    # privacy: a lead device's snapshot holds no names, not even organisations
    assert all(row[2] == "" and row[3] == "" for row in snapshot["badges"])
    stored = json.dumps(snapshot, ensure_ascii=False)
    assert not any(c.full_name in stored for c in contacts)

    # the page's sentences, in its language ("Contact saved — the name appears after sync.")
    saved_words = json.loads(page.locator("#scanner-messages").text_content())["saved_offline"]

    phone.set_offline(True)
    names = {c.contact_code: c.full_name for c in contacts}
    not_shared_words = json.loads(page.locator("#scanner-messages").text_content())["not_shared"]
    for n, (typed, status, reason) in enumerate(plan, start=1):
        answer = scan_typed(page, typed, n)
        assert (answer["status"], answer["reason"]) == (status, reason), (n, typed, answer)
        if reason == "not_shared":  # the reason in words, offline as online
            assert not_shared_words in answer["text"]
        if status == "saved":
            assert saved_words in answer["text"]
            assert names[typed] not in answer["text"]
    expect(page.locator("#unsynced")).to_have_attribute("data-count", "50")
    assert db.session.scalar(select(func.count()).select_from(Lead).where(
        Lead.business_id == exhibitor_with_booth.business_id)) == 0

    phone.set_offline(False)
    expect(page.locator("#unsynced")).to_have_attribute("data-count", "0",
                                                        timeout=SYNCED_WITHIN_MS)
    db.session.rollback()  # a fresh read: the live server wrote in other transactions
    leads = db.session.scalars(select(Lead).where(
        Lead.business_id == exhibitor_with_booth.business_id)).all()
    assert sorted(lead.badge_id for lead in leads) == sorted(c.id for c in contacts)
    assert {lead.captured_by_device_id for lead in leads} == {device.id}
    # after sync the names arrive, for the contacts really scanned
    expect(page.locator("#scans li[data-status='saved']")).to_have_count(44)
    assert contacts[43].full_name in page.locator("#scans").inner_text()

    assert phone.page_errors == []
    assert phone.seen.outside() == []
    phone.close()


def test_zone_device_answers_entries_exits_new_badges_and_stops_when_revoked(
        app, live_server, browser, organiser, running_week):  # noqa: F811
    """A gate device at the B2B room (buyers only, entries and exits, again after leaving):
    its offline answers agree with the server's on every rule; a badge issued after it paired
    reaches it with the next snapshot update; once revoked it says so, sends nothing and keeps
    its queue."""
    from exhibit.badges.models import Badge
    from exhibit.scanning.models import ScanDevice, ZonePresence
    week = running_week
    room = zones.create_zone(actor=organiser, week=week, data={
        "name": "Phòng B2B", "badge_kinds": ["buyer"], "mode": "entry_exit",
        "multiple_entries": True, "days": []})
    buyer_a, buyer_b = (add_badge(actor=organiser, week=week, kind="buyer",
                                  data={"full_name": name}) for name in ("Lê Văn An", "Phạm Thị Bình"))
    guest = visitor(week)
    device, code = devices.create_device(organiser, week, "gate", "Cửa phòng B2B", zone=room)
    phone = phone_context(browser)
    page = pair_in_browser(phone, live_server, code)
    expect(page.locator("#direction")).to_be_visible()

    plan = [("in", buyer_a, "ok", ""), ("in", guest, "invalid", "kind_not_allowed"),
            ("in", buyer_a, "already_checked_in", ""), ("out", buyer_a, "ok", ""),
            ("in", buyer_a, "ok", ""), ("out", buyer_b, "invalid", "not_inside"),
            ("out", guest, "invalid", "kind_not_allowed")]
    phone.set_offline(True)
    for n, (direction, badge, status, reason) in enumerate(plan, start=1):
        page.check(f"input[name=direction][value={direction}]")
        answer = scan_typed(page, badge.entry_code, n)
        assert (answer["status"], answer["reason"]) == (status, reason), (n, answer)
    phone.set_offline(False)
    expect(page.locator("#unsynced")).to_have_attribute("data-count", "0",
                                                        timeout=SYNCED_WITHIN_MS)
    db.session.rollback()  # a fresh read: the live server wrote in other transactions
    scans = db.session.scalars(select(GateScan).where(GateScan.device_id == device.id)
                               .order_by(GateScan.scanned_at)).all()
    assert [(s.direction, s.result, s.reason) for s in scans] == [
        (d, status, reason) for d, _b, status, reason in plan]
    # no "disagreed": the same answers; the entry while inside is this device's repeat
    assert [s.flag for s in scans] == ["", "", "repeat", "", "", "", ""]
    presence = db.session.scalar(select(ZonePresence).where(ZonePresence.badge_id == buyer_a.id))
    assert (presence.entries, presence.exits, presence.inside) == (2, 1, True)
    # the room is not the hall: no check-in was made
    assert db.session.scalar(select(func.count()).select_from(CheckIn)
                             .where(CheckIn.badge_id == buyer_a.id)) == 0

    # a buyer registered at the desk after the device paired: the next snapshot brings it
    late = add_badge(actor=organiser, week=week, kind="buyer", data={"full_name": "Đỗ Minh Châu"})
    page.click("#sync-now")
    expect(page.locator("#snapshot-state")).to_have_attribute("data-badges", "4")
    phone.set_offline(True)
    page.check("input[name=direction][value=in]")
    assert scan_typed(page, late.entry_code, len(plan) + 1)["status"] == "ok"
    phone.set_offline(False)
    expect(page.locator("#unsynced")).to_have_attribute("data-count", "0",
                                                        timeout=SYNCED_WITHIN_MS)

    # revoked: the next upload is refused; the phone says why and keeps the scan
    devices.revoke_device(organiser, db.session.get(ScanDevice, device.id), "Máy bị mất")
    page.check("input[name=direction][value=out]")
    scan_typed(page, late.entry_code, len(plan) + 2)
    expect(page.locator("#device-alert")).to_be_visible()
    revoked_words = json.loads(page.locator("#scanner-messages").text_content())["revoked_device"]
    expect(page.locator("#device-alert")).to_have_text(revoked_words)
    expect(page.locator("#unsynced")).to_have_attribute("data-count", "1")
    db.session.rollback()
    assert db.session.get(ScanDevice, device.id).refused_scans == 1
    assert db.session.scalar(select(func.count()).select_from(GateScan)
                             .join(Badge, Badge.id == GateScan.badge_id)
                             .where(Badge.id == late.id)) == 1
    # the names on the phone are deleted (the snapshot, and those kept with past scans);
    # the scan not sent stays, and the screen says both
    words = messages(page)
    expect(page.locator("body")).to_have_attribute("data-snapshot", "removed")
    expect(page.locator("#snapshot-state")).to_have_text(words["snapshot_removed"])
    assert page.evaluate(READ_SNAPSHOT) is None
    kept = page.evaluate(READ_SCANS)
    assert len(kept) == len(plan) + 2 and sum(not r["synced"] for r in kept) == 1
    stored = json.dumps(kept, ensure_ascii=False)
    assert not any(b.full_name in stored for b in (buyer_a, buyer_b, guest, late))
    assert late.full_name not in page.locator("#scans").inner_text()
    # reopened, it still knows it was revoked and still holds the scan
    page.reload()
    expect(page.locator("#device-alert")).to_have_text(revoked_words)
    expect(page.locator("#unsynced")).to_have_attribute("data-count", "1")
    expect(page.locator("body")).to_have_attribute("data-snapshot", "removed")
    assert phone.page_errors == []
    assert phone.seen.outside() == []
    phone.close()


def test_a_used_pairing_code_is_refused_and_the_code_leaves_the_address(
        app, live_server, browser, organiser, running_week):  # noqa: F811
    device, code = devices.create_device(organiser, running_week, "gate", "Cổng C",
                                         zone=zones.default_zone(running_week))
    devices.pair(code, "1.0.0")
    phone = phone_context(browser)
    page = phone.new_page()
    page.goto(f"{live_server}/scan/pair#{code}")
    page.wait_for_selector("body[data-pairing='failed']")
    # the server's own words (pairing_used), and the one-time code is gone from the address
    refusal = app.test_client().post("/api/v1/devices/pair",
                                     json={"code": code, "app_version": "1.0.0"})
    assert refusal.status_code == 410
    expect(page.locator("#pair-status")).to_have_text(refusal.get_json()["message"])
    assert "#" not in page.url
    page.goto(f"{live_server}/scan/pair")
    page.wait_for_selector("body[data-pairing='no_code']")
    # nothing was stored: the scanner asks to be set up
    page.goto(f"{live_server}/scan/")
    page.wait_for_selector("body[data-ready='unpaired']")
    expect(page.locator("#not-paired")).to_be_visible()
    phone.close()


def test_the_scanner_pages_need_no_session_and_carry_their_own_policy(client):
    from exhibit.scanning.app_views import APP_VERSION
    for path in ("/scan/", "/scan/pair"):
        response = client.get(path)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers  # no session: the token is the device's
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self' 'wasm-unsafe-eval';" in policy
        assert "connect-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy and "'unsafe-eval'" not in policy
        assert "<script>" not in response.get_data(as_text=True)  # nothing inline
    shell = client.get("/scan/?lang=en").get_data(as_text=True)
    assert f"Scanner version {APP_VERSION}" in shell and 'lang="en"' in shell
    worker = client.get("/scan/sw.js")
    assert worker.mimetype == "text/javascript"
    assert worker.headers["Cache-Control"] == "public, no-cache"  # the same for everyone
    body = worker.get_data(as_text=True)
    assert "/static/vendor/zxing-wasm/zxing_reader.wasm" in body and "/api/" in body
    manifest = client.get("/scan/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    assert manifest.json["start_url"] == "/scan/" and manifest.json["display"] == "standalone"
    assert {icon["src"] for icon in manifest.json["icons"]} == {
        "/static/img/touch-icon.png", "/static/img/favicon.svg"}


# -- the review's fixes (app version 1.1.0) --------------------------------------------------------

def _near(moment, expected, seconds: float = 120) -> bool:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return abs((moment - expected).total_seconds()) <= seconds


def test_a_phone_with_a_wrong_clock_stamps_scans_by_the_server_clock(
        app, live_server, browser, organiser, running_week):  # noqa: F811
    """A gate phone whose clock is three days behind (a dead battery, a manual setting): its
    offline scans carry the server's time, learnt with the snapshot, not the phone's — the
    week is open by the server's clock and the check-in is today's."""
    guest = visitor(running_week)
    device, code = devices.create_device(organiser, running_week, "gate", "Cổng A",
                                         zone=zones.default_zone(running_week))
    phone = phone_context(browser)
    page = watched_page(phone)
    wrong = utcnow() - timedelta(days=3)
    page.clock.install(time=wrong)
    pair_in_browser(phone, live_server, code, page=page)
    page.wait_for_selector("body[data-offline-ready='1']")
    offset = page.evaluate(READ_META, "clock_offset")
    assert abs(offset - 3 * 86400 * 1000) < 120_000

    phone.set_offline(True)
    page.reload()
    page.wait_for_selector("body[data-ready='1'][data-snapshot='loaded']")
    answer = scan_typed(page, guest.entry_code, 1)
    # by the phone's own clock the week would not have started: "not_running"
    assert (answer["status"], answer["reason"]) == ("ok", "")
    record = page.evaluate(READ_SCANS)[0]
    assert _near(datetime.fromisoformat(record["scanned_at"]), utcnow())
    assert _near(datetime.fromisoformat(record["device_time"]), wrong)

    phone.set_offline(False)
    expect(page.locator("#unsynced")).to_have_attribute("data-count", "0",
                                                        timeout=SYNCED_WITHIN_MS)
    db.session.rollback()  # a fresh read: the live server wrote in other transactions
    sent = db.session.scalar(select(GateScan).where(GateScan.device_id == device.id))
    assert _near(sent.scanned_at, utcnow()) and sent.flag == ""
    checkin = db.session.scalar(select(CheckIn).where(CheckIn.badge_id == guest.id))
    assert checkin.day == vietnam_today()
    assert phone.page_errors == []
    phone.close()


def test_a_hanging_request_or_a_wifi_login_page_does_not_stop_syncing(
        app, live_server, browser, organiser, running_week):  # noqa: F811
    """A Wi-Fi login page answering 200 with HTML is not a sync (the scans stay waiting and
    "last sync" does not move); a request that never answers is given up after 20 seconds,
    and the next sync runs and sends the queue."""
    guest = visitor(running_week)
    device, code = devices.create_device(organiser, running_week, "gate", "Cổng A",
                                         zone=zones.default_zone(running_week))
    phone = phone_context(browser)
    page = watched_page(phone)
    page.clock.install()  # the real time, but ours to move on
    pair_in_browser(phone, live_server, code, page=page)
    words = messages(page)

    portal = "<!doctype html><title>Wi-Fi</title><form>Đăng nhập Wi-Fi miễn phí</form>"
    page.route("**/api/v1/device/scans",
               lambda route: route.fulfill(status=200, content_type="text/html", body=portal))
    scan_typed(page, guest.entry_code, 1)
    expect(page.locator("#sync-state")).to_have_text(words["sync_failed"])
    expect(page.locator("#last-sync")).to_have_text(words["never_synced"])
    expect(page.locator("#unsynced")).to_have_attribute("data-count", "1")
    expect(page.locator("#scans li[data-synced='0']")).to_have_count(1)
    assert page.evaluate(READ_META, "last_sync_at") is None
    # the login page in place of the snapshot (and a 401 from it): the stored snapshot stays,
    # the device is not stopped, and it is asked once, not again and again
    asked = []

    def portal_snapshot(route):
        asked.append(route.request.url)
        route.fulfill(status=401 if len(asked) > 1 else 200, content_type="text/html",
                      body=portal)

    page.route("**/api/v1/device/snapshot*", portal_snapshot)
    for _ in range(2):
        page.click("#sync-now")
        expect(page.locator("#sync-state")).to_have_text(words["sync_failed"])
    expect(page.locator("body")).to_have_attribute("data-snapshot", "loaded")
    assert len(asked) == 2
    assert page.evaluate(READ_SNAPSHOT)["badges"]
    assert page.evaluate(READ_META, "revoked") is None
    expect(page.locator("#device-alert")).to_be_hidden()
    page.unroute("**/api/v1/device/snapshot*")

    held = []
    page.unroute("**/api/v1/device/scans")
    page.route("**/api/v1/device/scans", lambda route: held.append(route))  # never answered
    page.click("#sync-now")
    expect(page.locator("#sync-state")).to_have_text(words["syncing"])
    page.clock.run_for(21_000)  # the timeout (and one 15-second tick, which must wait)
    expect(page.locator("#sync-state")).to_have_text(words["sync_failed"])
    assert len(held) == 1

    page.unroute("**/api/v1/device/scans")
    page.clock.run_for(15_000)  # the next regular sync, no longer blocked by the hung one
    expect(page.locator("#unsynced")).to_have_attribute("data-count", "0",
                                                        timeout=SYNCED_WITHIN_MS)
    expect(page.locator("#last-sync")).not_to_have_text(words["never_synced"])
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(GateScan)
                             .where(GateScan.device_id == device.id)) == 1
    assert phone.page_errors == []
    phone.close()


def test_a_zone_changed_to_entries_only_scans_entries_again(
        app, live_server, browser, organiser, running_week):  # noqa: F811
    room = zones.create_zone(actor=organiser, week=running_week, data={
        "name": "Phòng hội thảo", "badge_kinds": [], "mode": "entry_exit",
        "multiple_entries": True, "days": []})
    guest = visitor(running_week)
    device, code = devices.create_device(organiser, running_week, "gate", "Cửa hội thảo",
                                         zone=room)
    phone = phone_context(browser)
    page = pair_in_browser(phone, live_server, code)
    page.check("input[name=direction][value=out]")

    zones.update_zone(actor=organiser, zone=room, data={
        "name": "Phòng hội thảo", "badge_kinds": [], "mode": "entry",
        "multiple_entries": True, "days": []})
    page.click("#sync-now")
    expect(page.locator("#direction")).to_be_hidden()
    answer = scan_typed(page, guest.entry_code, 1)
    # an exit would be refused here (exits_not_used): the switch left on "out" no longer counts
    assert (answer["status"], answer["reason"]) == ("ok", "")
    expect(page.locator("#unsynced")).to_have_attribute("data-count", "0",
                                                        timeout=SYNCED_WITHIN_MS)
    db.session.rollback()
    sent = db.session.scalar(select(GateScan).where(GateScan.device_id == device.id))
    assert (sent.direction, sent.result) == ("in", "ok")
    assert page.locator("input[name=direction][value=in]").is_checked()
    phone.close()


def test_pairing_again_waits_for_the_earlier_devices_queue(
        app, live_server, browser, organiser, running_week):  # noqa: F811
    """A phone paired as gate A, holding a scan not sent, is handed a new device's QR: it does
    not use the new code yet (A's scan could never be sent afterwards) and says so; once the
    scanner has sent the scan, the kept code sets the phone up as the new device."""
    from exhibit.scanning.models import ScanDevice
    guest = visitor(running_week)
    first, first_code = devices.create_device(organiser, running_week, "gate", "Cổng A",
                                              zone=zones.default_zone(running_week))
    phone = phone_context(browser)
    page = pair_in_browser(phone, live_server, first_code)
    # the phone was asked to keep its storage (best effort; Chromium decides)
    expect(page.locator("body")).to_have_attribute("data-storage", re.compile("persistent|refused"))
    page.route("**/api/v1/device/scans", lambda route: route.abort())
    scan_typed(page, guest.entry_code, 1)
    expect(page.locator("#unsynced")).to_have_attribute("data-count", "1")

    second, second_code = devices.create_device(organiser, running_week, "gate", "Cổng B",
                                                zone=zones.default_zone(running_week))
    page.goto(f"{live_server}/scan/pair#{second_code}")
    page.wait_for_selector("body[data-pairing='waiting']")
    expect(page.locator("#pair-status")).to_contain_text("Cổng A")
    expect(page.locator("#pair-retry")).to_be_visible()
    assert "#" not in page.url
    db.session.rollback()
    assert db.session.scalar(select(ScanDevice.paired_at)
                             .where(ScanDevice.id == second.id)) is None  # the code is unused

    page.unroute("**/api/v1/device/scans")
    page.click("#pair-open-scanner")
    page.wait_for_selector("body[data-ready='1']")
    expect(page.locator("#unsynced")).to_have_attribute("data-count", "0",
                                                        timeout=SYNCED_WITHIN_MS)
    page.click("#pair-continue a")
    page.wait_for_url(f"{live_server}/scan/")
    page.wait_for_selector("body[data-ready='1'][data-snapshot='loaded']")
    expect(page.locator("#device-name")).to_have_text("Cổng B")
    db.session.rollback()
    assert db.session.scalar(select(ScanDevice.paired_at)
                             .where(ScanDevice.id == second.id)) is not None
    assert db.session.scalar(select(func.count()).select_from(GateScan)
                             .where(GateScan.device_id == first.id)) == 1
    assert phone.page_errors == []
    phone.close()


def test_pairing_without_network_keeps_the_code_for_another_try(
        app, live_server, browser, organiser, running_week):  # noqa: F811
    device, code = devices.create_device(organiser, running_week, "gate", "Cổng C",
                                         zone=zones.default_zone(running_week))
    phone = phone_context(browser)
    page = watched_page(phone)
    page.route("**/api/v1/devices/pair", lambda route: route.abort())
    page.goto(f"{live_server}/scan/pair#{code}")
    page.wait_for_selector("body[data-pairing='offline']")
    assert "#" not in page.url  # out of the address all the same
    expect(page.locator("#pair-retry")).to_be_visible()
    page.reload()  # a reload still has the code
    page.wait_for_selector("body[data-pairing='offline']")

    page.unroute("**/api/v1/devices/pair")
    page.click("#pair-retry")
    page.wait_for_url(f"{live_server}/scan/")
    page.wait_for_selector("body[data-ready='1'][data-snapshot='loaded']")
    # used: the code is gone from the tab too
    page.goto(f"{live_server}/scan/pair")
    page.wait_for_selector("body[data-pairing='no_code']")
    # an address whose percent-encoding is broken (a QR cut short) says so
    page.goto(f"{live_server}/scan/pair#%E0%A4%A")
    page.wait_for_selector("body[data-pairing='bad_code']")
    expect(page.locator("#pair-status")).to_have_text(messages(page)["pair_bad_code"])
    assert phone.page_errors == []
    phone.close()


def test_the_names_leave_the_phone_after_the_week(
        app, live_server, browser, organiser, running_week):  # noqa: F811
    """Two days after the week's last day the snapshot (every badge's name) is deleted, and the
    names kept with the scans too; the scans stay."""
    guest = visitor(running_week, name="Hoàng Thị Mai")
    device, code = devices.create_device(organiser, running_week, "gate", "Cổng A",
                                         zone=zones.default_zone(running_week))
    phone = phone_context(browser)
    page = pair_in_browser(phone, live_server, code)
    page.wait_for_selector("body[data-offline-ready='1']")
    phone.set_offline(True)
    scan_typed(page, guest.entry_code, 1)
    assert "Hoàng Thị Mai" in page.locator("#scans").inner_text()
    # the week as if it had ended three days ago (its snapshot on the phone says so)
    page.evaluate("""(end) => new Promise((resolve, reject) => {
      const opening = indexedDB.open("exhibit-scanner");
      opening.onsuccess = () => {
        const store = opening.result.transaction("meta", "readwrite").objectStore("meta");
        const read = store.get("snapshot");
        read.onsuccess = () => {
          read.result.week.end_date = end;
          store.put(read.result, "snapshot").onsuccess = () => resolve();
        };
      };
      opening.onerror = () => reject(opening.error);
    })""", (vietnam_today() - timedelta(days=3)).isoformat())
    page.reload()
    page.wait_for_selector("body[data-ready='1'][data-snapshot='removed']")
    expect(page.locator("#snapshot-state")).to_have_text(messages(page)["week_over"])
    assert page.evaluate(READ_SNAPSHOT) is None
    assert "Hoàng Thị Mai" not in json.dumps(page.evaluate(READ_SCANS), ensure_ascii=False)
    expect(page.locator("#unsynced")).to_have_attribute("data-count", "1")
    assert phone.page_errors == []
    phone.close()


def test_the_server_answer_and_the_offline_answer_of_a_scan_both_stay(
        live_server, browser):  # noqa: F811
    """The scan's record is updated field by field (store.js mergeScans): a sync's answer
    written between the scan's first write and its offline answer is not overwritten."""
    phone = phone_context(browser)
    page = watched_page(phone)
    page.goto(f"{live_server}/scan/")
    page.wait_for_selector("body[data-ready='unpaired']")
    record = page.evaluate("""async () => {
      const store = window.ExhibitScan.store;
      await store.put("scans", {nonce: "d1-test-0001", device_id: 1, seq: 1, code: "abc",
                                local: null, server: null, synced: 0, device_answer: ""});
      await store.mergeScans([{nonce: "d1-test-0001", synced: 1,
                               server: {nonce: "d1-test-0001", status: "ok"}}]);
      await store.mergeScans([{nonce: "d1-test-0001", device_answer: "ok",
                               local: {status: "ok", reason: ""}}]);
      return await store.get("scans", "d1-test-0001");
    }""")
    assert record["synced"] == 1 and record["server"]["status"] == "ok"
    assert record["device_answer"] == "ok" and record["local"]["status"] == "ok"
    assert phone.page_errors == []
    phone.close()


def test_a_device_whose_week_is_over_stops_and_deletes_the_names(
        app, live_server, browser, organiser, running_week):  # noqa: F811
    """The server ends a device's token after its week (401 device_expired): the phone says
    so, deletes the names and keeps its unsent scans."""
    guest = visitor(running_week, name="Vũ Thị Lan")
    device, code = devices.create_device(organiser, running_week, "gate", "Cổng A",
                                         zone=zones.default_zone(running_week))
    phone = phone_context(browser)
    page = pair_in_browser(phone, live_server, code)
    page.route("**/api/v1/device/scans", lambda route: route.abort())
    scan_typed(page, guest.entry_code, 1)
    expect(page.locator("#unsynced")).to_have_attribute("data-count", "1")
    page.unroute("**/api/v1/device/scans")

    today = vietnam_today()
    running_week.start_date, running_week.end_date = (today - timedelta(days=20),
                                                      today - timedelta(days=10))
    db.session.commit()
    page.click("#sync-now")
    words = messages(page)
    expect(page.locator("#device-alert")).to_have_text(words["expired_device"])
    expect(page.locator("body")).to_have_attribute("data-snapshot", "removed")
    assert page.evaluate(READ_SNAPSHOT) is None
    assert page.evaluate(READ_META, "revoked") == "expired"
    assert "Vũ Thị Lan" not in page.locator("#scans").inner_text()
    expect(page.locator("#unsynced")).to_have_attribute("data-count", "1")
    assert phone.page_errors == []
    phone.close()


def test_the_worker_cache_is_renamed_when_any_file_of_the_shell_changes(tmp_path):
    """Installed phones fetch the app again only under a new cache name: every cached script
    and the shell's templates, sentences and translations change it."""
    import shutil
    from pathlib import Path

    from exhibit.scanning.app_views import CACHED_STATIC, SHELL_SOURCES, _files_digest
    project = Path(__file__).resolve().parents[2]
    copied = [f"static/{name}" for name in CACHED_STATIC] + list(SHELL_SOURCES) + [
        "exhibit/translations/vi/LC_MESSAGES/messages.mo"]
    for name in copied:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(project / name, tmp_path / name)
    digest = _files_digest.__wrapped__
    seen = {digest(str(tmp_path))}
    for name in ("static/js/scanner/store.js", "templates/scanner/_layout.html",
                 "exhibit/scanning/app_views.py",
                 "exhibit/translations/vi/LC_MESSAGES/messages.mo"):
        with open(tmp_path / name, "ab") as changed:
            changed.write(b"\n")
        seen.add(digest(str(tmp_path)))
    assert len(seen) == 5
