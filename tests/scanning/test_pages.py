"""The entrances page (zones, their rules and live headcount, the scanning devices, the scans to
look at), the exhibitor's lead scanners page, and the week report's visits per zone — on SQLite
and PostgreSQL."""
from __future__ import annotations

import base64
import io
import re
from datetime import datetime, time, timedelta, timezone

import pytest
from flask import g
from PIL import Image
from sqlalchemy import func, select

from exhibit.scanning import checkin
from exhibit.badges import services as badges
from exhibit.core.errors import NotFound
from exhibit.extensions import db
from exhibit.scanning import decide, devices, zones
from exhibit.scanning.models import ScanDevice, Zone
from tests.conftest import PASSWORD, login, reads_only, visitor_data
from tests.printed import decode_image, pdf_text
from tests.querycount import queries_of

VIETNAM = timezone(timedelta(hours=7))
_phones = iter(range(100, 1000))


def visitor(week, name: str):
    return badges.register_visitor(week=week, data=visitor_data(
        full_name=name, phone=f"0912 345 {next(_phones)}", email=""))


def today_at(hour: int, minute: int = 0) -> datetime:
    """A moment of today (Vietnam time) as UTC."""
    today = datetime.now(VIETNAM).date()
    return datetime.combine(today, time(hour, minute), tzinfo=VIETNAM).astimezone(timezone.utc)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def card(page: str, zone_id: int) -> str:
    """A zone's card on the entrances page."""
    start = page.index(f'id="zone-{zone_id}"')
    return page[start:page.index("</article>", start)]


def rules_of(card_html: str) -> str:
    """A zone card's rules, in words."""
    return text_of(card_html[card_html.index('<dl class="facts">'):card_html.index("</dl>")])


def pairing_link(page: str) -> str:
    """The link the page writes out under the QR (its text, and where it leads)."""
    anchor = re.search(r'<a href="([^"]+)" data-pairing-link[^>]*>([\s\S]*?)</a>', page)
    assert re.sub(r"<wbr>", "", anchor.group(2)) == anchor.group(1)
    return anchor.group(1)


def qr_on(page: str) -> list[str]:
    """What the pairing QR image on the page says, read by a real decoder."""
    data = re.search(r'src="data:image/png;base64,([^"]+)"', page).group(1)
    return decode_image(Image.open(io.BytesIO(base64.b64decode(data))).convert("L"))


def in_english(*users):
    """The figures' words are checked in English (the Vietnamese arrive with the catalogue)."""
    for user in users:
        user.locale = "en"
    db.session.commit()


def new_week(actor, slug: str, starts_in: int):
    from exhibit.weeks.services import create_week
    today = datetime.now(VIETNAM).date()
    return create_week(actor=actor, data={
        "name_vi": f"Hội chợ {slug}", "name_en": "", "slug": slug,
        "host_province_scheme": "2025", "host_province_code": "80", "venue_name": "Nhà văn hóa",
        "start_date": today + timedelta(days=starts_in),
        "end_date": today + timedelta(days=starts_in + 3), "registration_opens_on": today,
        "registration_closes_on": today + timedelta(days=starts_in - 5), "status": "open",
        "hold_minutes": 15})


@pytest.fixture
def other_body(app):
    """Another organising body (Sở Công Thương Long An), with a week of its own."""
    from exhibit.accounts.services import create_organiser_user
    user = create_organiser_user(email="btc@sctla.example", password=PASSWORD,
                                 organizer_name="Sở Công Thương Long An",
                                 organizer_short_name="SCT-LA")
    return user, new_week(user, "tuan-le-long-an", 30)


# -- the organiser's entrances -----------------------------------------------------------------

def test_entrances_show_each_zone_with_its_rules_and_todays_live_figures(
        client, running_week, organiser):
    week = running_week
    b2b = zones.create_zone(actor=organiser, week=week, data={
        "name": "Phòng B2B", "badge_kinds": ["buyer", "staff"], "mode": "entry_exit",
        "multiple_entries": True})
    lan, hung = visitor(week, "Phạm Thị Lan"), visitor(week, "Đỗ Văn Hùng")
    buyer = badges.add_badge(actor=organiser, week=week, kind="buyer", data={
        "full_name": "Trần Thu Hà", "organisation": "Saigon Co.op", "phone": "0913 000 111"})
    checkin.check_in(actor=organiser, code=lan.entry_code, nonce="gate-0001", now=today_at(8, 10))
    checkin.check_in(actor=organiser, code=hung.entry_code, nonce="gate-0002", now=today_at(9, 5))
    checkin.check_in(actor=organiser, code=lan.entry_code, nonce="gate-0003", now=today_at(9, 20))
    for nonce, direction, hour in (("b2b-0001", "in", 9), ("b2b-0002", "out", 10),
                                   ("b2b-0003", "in", 10)):
        decide.scan(scanner=organiser, code=buyer.entry_code, nonce=nonce, zone=b2b,
                    direction=direction, scanned_at=today_at(hour, 30), now=today_at(11))
    decide.scan(scanner=organiser, code=buyer.entry_code, nonce="b2b-0004", zone=b2b,
                direction="out", scanned_at=today_at(10, 45), now=today_at(11))

    in_english(organiser)
    login(client, organiser)
    response = client.get(f"/organiser/weeks/{week.slug}/entrances")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    hall = zones.default_zone(week)
    hall_card, b2b_card = card(page, hall.id), card(page, b2b.id)
    # the hall: two people checked in today, one of them scanned twice (counted once)
    assert 'data-entries="2"' in hall_card and 'data-people="2"' in hall_card
    assert re.findall(r'data-hour="(\d+)" data-value="(\d+)"', hall_card) == [("8", "1"),
                                                                              ("9", "1")]
    assert "Khu trưng bày" in hall_card and "Every badge" in rules_of(hall_card)
    # the B2B room: entered, left, entered again (allowed), left: nobody inside, two entries
    assert 'data-entries="2"' in b2b_card and 'data-inside="0"' in b2b_card
    assert re.findall(r'data-hour="(\d+)" data-value="(\d+)"', b2b_card) == [("9", "1"),
                                                                             ("10", "1")]
    rules = rules_of(b2b_card)
    assert "Buyers" in rules and "Exhibitor staff" in rules and "Visitors" not in rules
    assert "Entries and exits" in rules and "Allowed the same day" in rules
    # the figures say when they were taken, with a way to take them again
    assert "data-figures-at" in page and "data-refresh" in page
    # the second scan of Lan's badge by the same scanner is a scan to look at
    flagged = page[page.index('id="flagged"'):]
    assert flagged.count('data-flag="repeat"') == 1 and "Phạm Thị Lan" in flagged


def test_the_entrances_page_is_a_fixed_number_of_queries_whatever_it_lists(
        client, running_week, organiser, confirmed_exhibitor):
    """Reloaded all day at the gate: the same few queries for one zone or seven, one device or
    many, flagged scans or none, lead scanners of one exhibitor or several."""
    week = running_week
    first = confirmed_exhibitor("Hợp tác xã Trà Thái Nguyên")
    devices.create_device(first, week, "leads", "Quầy A01")
    login(client, organiser)
    url = f"/organiser/weeks/{week.slug}/entrances"

    def queries() -> int:
        # nothing the test loaded may spare the page a query (the signed-in user is read
        # again too: the test's app context would keep the one it had)
        db.session.remove()
        g.pop("_login_user", None)
        status, statements = queries_of(client, url)
        assert status == 200
        return len(statements)

    few = queries()
    for n in range(6):
        zone = zones.create_zone(actor=organiser, week=week, data={"name": f"Hội trường {n}"})
        devices.create_device(organiser, week, "gate", f"Cổng {n}", zone=zone)
        guest = visitor(week, f"Khách {n}")
        decide.scan(scanner=organiser, code=guest.entry_code, nonce=f"zone-000{n}", zone=zone)
        decide.scan(scanner=organiser, code=guest.entry_code, nonce=f"zone-100{n}", zone=zone)
    for name in ("Công ty TNHH Gạo thơm Đức Hòa", "Hợp tác xã Cà phê Cầu Đất"):
        exhibitor = confirmed_exhibitor(name)
        devices.create_device(exhibitor, week, "leads", f"Quầy {name}")
    page = client.get(url).get_data(as_text=True)
    assert page.count("data-zone=") == 7 and page.count('data-flag="repeat"') == 6
    assert page.count("<tr data-device=") == 9
    assert queries() == few, few


def test_zone_forms_refuse_bad_input_naming_the_field_and_change_nothing(
        client, open_week, organiser):
    week = open_week
    login(client, organiser)
    url = f"/organiser/weeks/{week.slug}/entrances/zones"
    client.get(f"/organiser/weeks/{week.slug}/entrances")
    before = count(Zone)

    response = client.post(url, data={"zone-name": "", "zone-mode": "entry"})
    assert response.status_code == 422 and count(Zone) == before
    outside = (week.end_date + timedelta(days=1)).isoformat()
    for data, field in (({"zone-name": "Hội trường", "zone-days": outside}, "days"),
                        ({"zone-name": "Hội trường", "zone-badge_kinds": "vip"}, "badge_kinds"),
                        ({"zone-name": "Hội trường", "zone-mode": "both"}, "mode"),
                        ({"zone-name": "khu trưng bày"}, "name")):
        response = client.post(url, data={"zone-mode": "entry", **data})
        page = response.get_data(as_text=True)
        assert response.status_code == 422, data
        assert count(Zone) == before, data
        # the error sits on its field, in the form that was sent (still open)
        form = page[page.index('<details class="add-zone" open'):]
        assert re.search(rf'name="zone-{field}"[\s\S]*?class="error"', form) or \
            re.search(rf'has-error[\s\S]{{0,400}}name="zone-{field}"', form), (field, data)

    day = week.start_date.isoformat()
    response = client.post(url, data={"zone-name": "Lễ ký kết", "zone-days": day,
                                      "zone-badge_kinds": ["buyer", "organiser"],
                                      "zone-mode": "entry"})
    assert response.status_code == 303
    signing = db.session.scalar(select(Zone).where(Zone.name == "Lễ ký kết"))
    assert signing.days == day and signing.badge_kinds == "buyer,organiser"

    edit = f"/organiser/weeks/{week.slug}/entrances/zones/{signing.id}"
    prefix = f"zone{signing.id}-"
    response = client.post(edit, data={prefix + "name": "", prefix + "mode": "entry_exit"})
    assert response.status_code == 422
    db.session.refresh(signing)
    assert signing.name == "Lễ ký kết" and signing.mode == "entry"
    response = client.post(edit, data={prefix + "name": "Lễ ký kết MoU",
                                       prefix + "mode": "entry_exit",
                                       prefix + "multiple_entries": "y"})
    assert response.status_code == 303
    db.session.refresh(signing)
    assert (signing.name, signing.mode, signing.multiple_entries, signing.days,
            signing.badge_kinds) == ("Lễ ký kết MoU", "entry_exit", True, "", "")


def test_a_week_from_before_zones_shows_its_hall_without_storing_it_until_it_is_needed(
        client, open_week, organiser):
    week = open_week
    db.session.execute(Zone.__table__.delete().where(Zone.week_id == week.id))
    db.session.commit()
    login(client, organiser)
    with reads_only():
        page = client.get(f"/organiser/weeks/{week.slug}/entrances")
    assert page.status_code == 200 and count(Zone) == 0
    assert 'id="zone-0"' in page.get_data(as_text=True)

    # changing its rules stores it, with them
    response = client.post(f"/organiser/weeks/{week.slug}/entrances/zones/0", data={
        "zone0-name": "Nhà thi đấu", "zone0-mode": "entry_exit"})
    assert response.status_code == 303
    hall = zones.default_zone(week)
    assert (hall.name, hall.mode, count(Zone)) == ("Nhà thi đấu", "entry_exit", 1)

    # so does the first scanner at it
    db.session.execute(Zone.__table__.delete().where(Zone.week_id == week.id))
    db.session.commit()
    response = client.post(f"/organiser/weeks/{week.slug}/entrances/devices", data={
        "device-name": "Cổng chính", "device-zone": "0"})
    assert response.status_code == 201
    device = db.session.scalar(select(ScanDevice))
    assert device.zone_id == zones.default_zone(week).id and count(Zone) == 1


def test_a_gate_scanner_is_created_shown_as_its_qr_recoded_and_revoked_through_the_pages(
        client, open_week, organiser):
    week = open_week
    in_english(organiser)
    login(client, organiser)
    hall = zones.default_zone(week)
    base = f"/organiser/weeks/{week.slug}/entrances/devices"

    response = client.post(base, data={"device-name": "", "device-zone": str(hall.id)})
    assert response.status_code == 422 and count(ScanDevice) == 0
    other_week_zone = zones.create_zone(actor=organiser, week=new_week(organiser, "khac", 90),
                                        data={"name": "Phòng B2B"})
    response = client.post(base, data={"device-name": "Cổng A – máy 1",
                                       "device-zone": str(other_week_zone.id)})
    assert response.status_code == 422 and count(ScanDevice) == 0

    response = client.post(base, data={"device-name": "Cổng A – máy 1",
                                       "device-zone": str(hall.id), "device-gate": "Cổng A"})
    assert response.status_code == 201
    assert "no-store" in response.headers["Cache-Control"]
    page = response.get_data(as_text=True)
    link = pairing_link(page)
    assert link.startswith("http://exhibit.test/scan/pair#") and len(link.split("#")[1]) >= 24
    assert qr_on(page) == [link]
    assert "24 hours" in page
    device = db.session.scalar(select(ScanDevice))
    assert (device.name, device.zone_id, device.gate, device.purpose) == (
        "Cổng A – máy 1", hall.id, "Cổng A", "gate")

    # a new code ends the first one
    response = client.post(f"{base}/{device.id}/code")
    assert response.status_code == 200
    second = pairing_link(response.get_data(as_text=True))
    assert second != link
    with pytest.raises(NotFound):  # the first code's hash is gone
        devices.pair(link.split("#")[1], "1.0.0")
    paired, token = devices.pair(second.split("#")[1], "1.0.0")
    assert paired.id == device.id and token.startswith("dv_")

    listing = client.get(f"/organiser/weeks/{week.slug}/entrances").get_data(as_text=True)
    row = listing[listing.index(f'data-device="{device.id}"'):]
    assert row.startswith(f'data-device="{device.id}" data-state="paired"')
    assert "app 1.0.0" in row[:row.index("</tr>")]

    # revoking needs a reason: without one, the confirmation again and nothing changes
    response = client.post(f"{base}/{device.id}/revoke", data={"reason": " "})
    assert response.status_code == 422
    assert 'textarea name="reason"' in response.get_data(as_text=True)
    db.session.refresh(device)
    assert device.revoked_at is None
    response = client.post(f"{base}/{device.id}/revoke", data={"reason": "Điện thoại bị mất"})
    assert response.status_code == 303
    db.session.refresh(device)
    assert device.revoked_at is not None and devices.device_for_token(token).is_revoked

    # what it still sends is refused and shown, prominently
    devices.record_refused(device, 7)
    listing = client.get(f"/organiser/weeks/{week.slug}/entrances").get_data(as_text=True)
    assert f'data-refused="{device.id}"' in listing and 'data-refused-scans="7"' in listing
    assert "Cổng A – máy 1" in text_of(listing[listing.index('data-refused='):])
    # a revoked device gets no new code
    response = client.post(f"{base}/{device.id}/code")
    assert response.status_code == 303 and "#devices" in response.headers["Location"]


def test_other_people_cannot_open_or_change_a_weeks_entrances(
        client, open_week, organiser, exhibitor_with_booth, entrance_user, other_body):
    week = open_week
    hall = zones.default_zone(week)
    device, _code = devices.create_device(organiser, week, "gate", "Cổng A", zone=hall)
    base = f"/organiser/weeks/{week.slug}/entrances"
    writes = {f"{base}/zones": {"zone-name": "Phòng B2B"},
              f"{base}/zones/{hall.id}": {f"zone{hall.id}-name": "Sảnh"},
              f"{base}/devices": {"device-name": "Máy lạ", "device-zone": str(hall.id)},
              f"{base}/devices/{device.id}/code": {},
              f"{base}/devices/{device.id}/revoke": {"reason": "Thử"}}
    stranger, their_week = other_body
    for user in (stranger, exhibitor_with_booth, entrance_user):
        login(client, user)
        assert client.get(base).status_code in (403, 404), user.email
        for url, data in writes.items():
            assert client.post(url, data=data).status_code in (403, 404), (user.email, url)
        client.post("/logout")
    db.session.refresh(device)
    db.session.refresh(hall)
    assert device.revoked_at is None and hall.name == "Khu trưng bày"
    assert count(ScanDevice) == 1
    assert [zone.name for zone in zones.week_zones(week)] == ["Khu trưng bày"]

    # a device or zone of another organisation's week, named under one's own week: not found
    their_zone = zones.default_zone(their_week)
    theirs, _code = devices.create_device(stranger, their_week, "gate", "Cổng B",
                                          zone=their_zone)
    login(client, organiser)
    assert client.post(f"{base}/devices/{theirs.id}/revoke",
                       data={"reason": "Thử"}).status_code == 404
    assert client.post(f"{base}/devices/{theirs.id}/code").status_code == 404
    assert client.post(f"{base}/zones/{their_zone.id}",
                       data={f"zone{their_zone.id}-name": "Sảnh"}).status_code == 404
    db.session.refresh(theirs)
    assert theirs.revoked_at is None and theirs.pairing_hash is not None


# -- the exhibitor's lead scanners -------------------------------------------------------------

def test_an_exhibitor_sets_up_lead_scanners_within_its_booths_allowance(
        client, open_week, exhibitor_with_booth, make_exhibitor, organiser):
    week = open_week
    url = f"/my/weeks/{week.slug}/scanners"
    login(client, exhibitor_with_booth)
    page = client.get(url).get_data(as_text=True)
    assert 'data-used="0" data-allowed="3"' in page

    response = client.post(url, data={"name": ""})
    assert response.status_code == 422 and count(ScanDevice) == 0
    for n in range(3):
        response = client.post(url, data={"name": f"Quầy A01 – máy {n + 1}"})
        assert response.status_code == 201
        page = response.get_data(as_text=True)
        assert qr_on(page) == [pairing_link(page)]
    response = client.post(url, data={"name": "Máy thứ tư"})
    assert response.status_code == 409 and count(ScanDevice) == 3
    assert "data-allowance-used" in response.get_data(as_text=True)
    assert all(d.business_id == exhibitor_with_booth.business_id and d.purpose == "leads"
               for d in db.session.scalars(select(ScanDevice)))

    # revoking one of its own frees a place (a reason is required, as for every revocation)
    first = db.session.scalar(select(ScanDevice).order_by(ScanDevice.id))
    assert client.post(f"{url}/{first.id}/revoke", data={"reason": ""}).status_code == 422
    assert client.post(f"{url}/{first.id}/revoke",
                       data={"reason": "Máy hỏng"}).status_code == 303
    assert client.post(url, data={"name": "Máy thay thế"}).status_code == 201

    # another exhibitor: no booth, no scanners, and nothing of this one's
    stranger = make_exhibitor("Công ty TNHH Gạo thơm Đức Hòa")
    login(client, stranger)
    page = client.get(url)
    assert page.status_code == 200 and 'data-allowed="0"' in page.get_data(as_text=True)
    assert "Quầy A01" not in page.get_data(as_text=True)
    response = client.post(url, data={"name": "Máy của tôi"})
    assert response.status_code == 409 and count(ScanDevice) == 4
    second = db.session.scalars(select(ScanDevice).order_by(ScanDevice.id)).all()[1]
    assert client.post(f"{url}/{second.id}/revoke", data={"reason": "Thử"}).status_code == 404
    assert client.post(f"{url}/{second.id}/code").status_code == 404
    db.session.refresh(second)
    assert second.revoked_at is None

    # the organiser sees the lead scanners and may revoke any of them
    login(client, organiser)
    page = client.get(f"/organiser/weeks/{week.slug}/entrances").get_data(as_text=True)
    assert 'id="lead-devices"' in page and "Quầy A01 – máy 2" in page
    assert client.post(f"/organiser/weeks/{week.slug}/entrances/devices/{second.id}/revoke",
                       data={"reason": "Doanh nghiệp rút khỏi hội chợ"}).status_code == 303
    db.session.refresh(second)
    assert second.revoked_at is not None


def test_organisers_and_entrance_staff_have_no_lead_scanners_page(
        client, open_week, organiser, entrance_user):
    for user in (organiser, entrance_user):
        login(client, user)
        assert client.get(f"/my/weeks/{open_week.slug}/scanners").status_code == 403
        client.post("/logout")


# -- the week report ---------------------------------------------------------------------------

def test_the_week_report_counts_visits_per_zone(client, running_week, organiser):
    week = running_week
    b2b = zones.create_zone(actor=organiser, week=week, data={
        "name": "Phòng B2B", "mode": "entry_exit", "multiple_entries": True})
    conference = zones.create_zone(actor=organiser, week=week,
                                   data={"name": "Hội trường hội nghị"})
    guests = [visitor(week, f"Khách {n}") for n in range(3)]
    for n, guest in enumerate(guests):
        checkin.check_in(actor=organiser, code=guest.entry_code, nonce=f"hall-000{n}")
    first = guests[0]
    for nonce, direction in (("b2b-0001", "in"), ("b2b-0002", "out"), ("b2b-0003", "in")):
        decide.scan(scanner=organiser, code=first.entry_code, nonce=nonce, zone=b2b,
                    direction=direction)
    decide.scan(scanner=organiser, code=guests[1].entry_code, nonce="b2b-0004", zone=b2b)

    in_english(organiser)
    login(client, organiser)
    page = client.get(f"/organiser/weeks/{week.slug}/dashboard").get_data(as_text=True)
    table = page[page.index('data-table="visits_by_zone"'):]
    table = table[:table.index("</table>")]
    rows = dict(re.findall(r'<tr data-key="([^"]+)"[^>]*>\s*<td[^>]*>([^<]*)</td>', table))
    values = {key: [int(v) for v in re.findall(r'data-value="(\d+)"', row)] for key, row in
              re.findall(r'<tr data-key="([^"]+)"[^>]*>([\s\S]*?)</tr>', table)}
    assert rows["default"] == "Khu trưng bày" and values["default"] == [3, 3]
    assert values[str(b2b.id)] == [3, 2]
    assert values[str(conference.id)] == [0, 0]
    assert list(values) == ["default", str(conference.id), str(b2b.id)]

    pdf = client.get(f"/organiser/weeks/{week.slug}/report.pdf")
    assert pdf.status_code == 200
    assert re.search(r"Visits per zone[\s\S]*Khu trưng bày\s+3\s+3", pdf_text(pdf.data))

    from openpyxl import load_workbook
    response = client.get(f"/organiser/weeks/{week.slug}/report.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data))["Visits per zone"]
    assert [list(r) for r in sheet.iter_rows(min_row=2, max_row=3, values_only=True)] == [
        ["Khu trưng bày", 3, 3], ["Hội trường hội nghị", 0, 0]]


# -- the scans to look at ------------------------------------------------------------------------

def test_flagged_scans_read_as_the_scanner_showed_them_with_every_flag(
        client, running_week, organiser):
    """Each flagged scan in the words its scanner showed (its zone, its direction, the first
    entry's time), with the two flags of issue 18's review: a device's wrong clock and a queued
    scan that arrived after a later entry."""
    from exhibit.scanning.flagged import flagged_scans
    from exhibit.core.db import utcnow
    from flask_babel import force_locale
    from tests.scanning.conftest import make_device, vietnam
    week = running_week
    talks = zones.create_zone(actor=organiser, week=week, data={"name": "Hội thảo",
                                                                "mode": "entry_exit"})
    door = make_device(week, zone=talks, name="Cửa hội thảo")
    hall_gate = make_device(week, name="Cổng A – máy 1")
    now = utcnow()
    day = week.start_date  # yesterday: whole hours are in the past
    ana, binh, chi = (visitor(week, name) for name in ("Ana", "Bình", "Chi"))
    decide.scan(scanner=organiser, code=ana.entry_code, nonce="talks-000001", zone=talks,
                now=vietnam(day, 9, 5))
    # the door let Ana in offline, after the organiser had; and let Bình out offline, who
    # had never entered
    decide.scan(scanner=door, code=ana.entry_code, nonce="talks-000002", device_answer="ok",
                scanned_at=vietnam(day, 9, 30), now=vietnam(day, 10))
    decide.scan(scanner=door, code=binh.entry_code, nonce="talks-000003", direction="out",
                device_answer="ok", scanned_at=vietnam(day, 9, 40), now=vietnam(day, 10))
    # the hall: Chi checked in at 09:10; the gate's queue says 08:50
    checkin.check_in(actor=organiser, code=chi.entry_code, nonce="hall-0000001",
                     now=vietnam(day, 9, 10))
    decide.scan(scanner=hall_gate, code=chi.entry_code, nonce="hall-0000002",
                device_answer="ok", scanned_at=vietnam(day, 8, 50), now=vietnam(day, 11))
    # and today, a phone whose clock was never set
    decide.scan(scanner=hall_gate, code=binh.entry_code, nonce="hall-0000003",
                device_answer="ok", scanned_at=vietnam(day - timedelta(days=400), 8), now=now)

    in_english(organiser)
    with force_locale("en"):
        seen = {(s.flag, s.holder): s.words for s in flagged_scans(week)}
        titles = {s.flag: s.flag_title for s in flagged_scans(week)}
    assert seen == {
        ("clock", "Bình"): "Checked in.",
        ("late", "Chi"): "Already checked in at 08:50.",
        ("other_device", "Ana"): "Already entered Hội thảo at 09:05.",
        ("disagreed", "Bình"): "This badge has not entered, so it cannot leave.",
    }, seen
    assert set(titles) == {"clock", "late", "other_device", "disagreed"}
    assert len(set(titles.values())) == 4 and not any(t in titles for t in titles.values())

    login(client, organiser)
    page = client.get(f"/organiser/weeks/{week.slug}/entrances").get_data(as_text=True)
    flagged = page[page.index('id="flagged"'):]
    for flag in ("clock", "late", "other_device", "disagreed"):
        assert f'data-flag="{flag}"' in flagged
    assert "Already entered Hội thảo at 09:05." in flagged
    from html import unescape
    assert titles["clock"] in unescape(text_of(flagged))


def test_flagged_scans_are_the_weeks_own_in_one_query(running_week, organiser, other_body):
    from exhibit.scanning.flagged import flagged_scans
    from tests.querycount import counted_queries
    from tests.scanning.conftest import make_device
    theirs_user, theirs = other_body
    theirs.start_date, theirs.end_date = running_week.start_date, running_week.end_date
    db.session.commit()
    their_gate = make_device(theirs, name="Cổng Long An")
    stranger = visitor(theirs, "Khách Long An")
    decide.scan(scanner=their_gate, code=stranger.entry_code, nonce="la-00000001")
    decide.scan(scanner=their_gate, code=stranger.entry_code, nonce="la-00000002")
    talks = zones.create_zone(actor=organiser, week=running_week, data={"name": "Hội thảo"})
    numbers = []
    for n in range(2):
        for k in range(3):
            guest = visitor(running_week, f"Khách {n}-{k}")
            for where in (None, talks):
                for attempt in range(2):
                    decide.scan(scanner=organiser, code=guest.entry_code, zone=where,
                                nonce=f"mine-{n}{k}{attempt}{where is None:d}-x")
        with counted_queries() as statements:
            listed = flagged_scans(running_week)
        numbers.append(len(statements))
        assert len(listed) == 6 * (n + 1)
        assert {s.holder for s in listed} <= {f"Khách {i}-{k}" for i in range(2)
                                               for k in range(3)}
    assert numbers == [1, 1], numbers
    assert [s.holder for s in flagged_scans(theirs)] == ["Khách Long An"]
