"""Scanning devices: who creates which, the one-time pairing code, the token, revoking."""
from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from exhibit.core.audit import AuditEntry
from exhibit.core.db import utcnow
from exhibit.core.errors import AppError, Conflict, Forbidden, NotFound, ValidationFailed
from exhibit.extensions import db
from exhibit.scanning import devices, zones
from exhibit.scanning.models import ScanDevice
from tests.conftest import PASSWORD, race
from tests.scanning.helpers_devices import gate_device, paired_gate, paired_leads


@pytest.fixture
def other_organiser(app):
    from exhibit.accounts.services import create_organiser_user
    return create_organiser_user(email=f"btc-{uuid.uuid4().hex[:6]}@khac.example",
                                 password=PASSWORD, organizer_name="Sở Công Thương khác",
                                 organizer_short_name="SCT")


def test_a_gate_device_gets_a_one_time_code_of_which_only_the_hash_is_kept(app, organiser,
                                                                           open_week):
    device, code = gate_device(organiser, open_week)
    assert len(code) >= 24 and re.fullmatch(r"[A-Za-z0-9_-]+", code)
    assert devices.pairing_url(code) == "http://exhibit.test/scan/pair#" + code
    stored = db.session.get(ScanDevice, device.id)
    assert stored.pairing_hash == devices.digest(code) and code not in repr(vars(stored))
    assert stored.zone_id == zones.default_zone(open_week).id and stored.gate == "Cổng A"
    assert stored.token_hash is None and not stored.is_paired
    assert timedelta(hours=23, minutes=59) < stored.pairing_expires_at - utcnow() \
        <= timedelta(hours=24)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "scan_device"))
    assert entry.action == "create" and entry.actor_id == organiser.id


def test_only_the_weeks_organisers_make_gate_devices_for_its_zones(
        app, organiser, other_organiser, open_week, make_exhibitor, entrance_user):
    zone = zones.default_zone(open_week)
    for outsider in (other_organiser, make_exhibitor(), entrance_user):
        with pytest.raises(Forbidden):
            devices.create_device(outsider, open_week, "gate", "Máy lạ", zone=zone)
    from exhibit.weeks.services import create_week
    other_week = create_week(actor=other_organiser, data={
        "name_vi": "Tuần khác", "slug": f"tuan-khac-{uuid.uuid4().hex[:6]}",
        "host_province_scheme": "2025", "host_province_code": "79", "venue_name": "SECC",
        "start_date": open_week.start_date, "end_date": open_week.end_date, "status": "open"})
    with pytest.raises(ValidationFailed) as refused:
        devices.create_device(organiser, open_week, "gate", "  ", zone=zones.default_zone(other_week))
    assert set(refused.value.fields) == {"name", "zone"}
    assert db.session.scalar(select(ScanDevice.id)) is None


def test_lead_devices_need_a_confirmed_booth_and_stay_within_three_per_booth(
        app, open_week, make_exhibitor, confirmed_exhibitor, organiser):
    without_booth = make_exhibitor()
    with pytest.raises(Conflict) as refused:
        devices.create_device(without_booth, open_week, "leads", "Điện thoại 1")
    assert refused.value.code == "no_confirmed_booth"

    exhibitor = confirmed_exhibitor()
    made = [devices.create_device(exhibitor, open_week, "leads", f"Điện thoại {n}")[0]
            for n in range(3)]
    assert devices.lead_device_allowance(open_week, exhibitor.business_id) == (3, 3)
    with pytest.raises(Conflict) as refused:
        devices.create_device(exhibitor, open_week, "leads", "Điện thoại 4")
    assert refused.value.code == "device_allowance_used"
    # a revoked device gives its place back
    devices.revoke_device(exhibitor, made[0], "Máy hỏng")
    assert devices.lead_device_allowance(open_week, exhibitor.business_id) == (2, 3)
    fourth, _code = devices.create_device(exhibitor, open_week, "leads", "Điện thoại 4")
    assert fourth.business_id == exhibitor.business_id and fourth.zone_id is None
    assert [d.id for d in devices.business_devices(open_week, exhibitor.business_id)][-1] \
        == made[0].id  # revoked ones last
    # never for another business, and never by an organiser
    other = confirmed_exhibitor()
    for actor in (other, organiser):
        with pytest.raises(Forbidden):
            devices.create_device(actor, open_week, "leads", "Máy lạ",
                                  business=exhibitor.business_id)


def test_lead_devices_made_at_once_never_pass_the_allowance(app, open_week, confirmed_exhibitor):
    exhibitor = confirmed_exhibitor()
    from exhibit.accounts.models import User
    user_id = exhibitor.id

    def make(i):
        from exhibit.weeks.models import ExhibitionWeek
        return devices.create_device(db.session.get(User, user_id),
                                     db.session.get(ExhibitionWeek, open_week.id), "leads",
                                     f"Điện thoại {i}")
    results = race(app, make, 6)
    made = [r for r in results if isinstance(r, tuple)]
    assert len(made) == 3, results
    assert all(isinstance(r, AppError) for r in results if not isinstance(r, tuple))
    assert devices.lead_device_allowance(open_week, exhibitor.business_id) == (3, 3)


def test_a_code_pairs_once_within_a_day(app, organiser, open_week):
    device, code = gate_device(organiser, open_week)
    paired, token = devices.pair(code, "1.2.3")
    assert paired.id == device.id and token.startswith("dv_") and len(token) >= 40
    stored = db.session.get(ScanDevice, device.id)
    assert stored.token_hash == devices.digest(token) and stored.app_version == "1.2.3"
    assert stored.paired_at is not None and devices.pairing_expires(stored) is None
    assert devices.device_for_token(token).id == device.id
    assert devices.device_for_token("dv_" + "x" * 43) is None
    assert devices.device_for_token(token[3:]) is None  # a user's token is never a device's

    with pytest.raises(AppError) as used:
        devices.pair(code, "1.2.3")
    assert (used.value.status, used.value.code) == (410, "pairing_used")
    with pytest.raises(NotFound):
        devices.pair("not-a-code-anyone-was-given", "1")
    with pytest.raises(NotFound):
        devices.pair("", "1")

    _late, late_code = gate_device(organiser, open_week, "Cổng B – máy 1")
    db.session.execute(db.update(ScanDevice).where(ScanDevice.id == _late.id).values(
        pairing_expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    with pytest.raises(AppError) as expired:
        devices.pair(late_code, "1")
    assert (expired.value.status, expired.value.code) == (410, "pairing_expired")


def test_two_phones_opening_one_qr_at_once_get_one_token(app, organiser, open_week):
    _device, code = gate_device(organiser, open_week)
    results = race(app, lambda _i: devices.pair(code, "1"), 4)
    tokens = [r[1] for r in results if isinstance(r, tuple)]
    assert len(tokens) == 1, results
    assert all(getattr(r, "code", "") == "pairing_used" for r in results if r not in
               [x for x in results if isinstance(x, tuple)])


def test_a_new_pairing_code_ends_the_old_code_and_the_token(app, organiser, open_week,
                                                            make_exhibitor):
    device, token = paired_gate(organiser, open_week)
    with pytest.raises(NotFound):
        devices.new_pairing_code(make_exhibitor(), device)
    code = devices.new_pairing_code(organiser, device)
    assert devices.device_for_token(token) is None
    _same, new_token = devices.pair(code, "2.0.0")
    assert devices.device_for_token(new_token).id == device.id


def test_revoking_is_audited_with_its_reason_and_refuses_the_device(
        app, organiser, other_organiser, open_week, confirmed_exhibitor):
    exhibitor, other = confirmed_exhibitor(), confirmed_exhibitor()
    lead, lead_token = paired_leads(exhibitor, open_week)
    gate, _gate_token = paired_gate(organiser, open_week)
    # another business, another organisation: not found; the exhibitor never a gate device
    for outsider, device in ((other, lead), (other_organiser, lead), (other_organiser, gate),
                             (exhibitor, gate)):
        with pytest.raises(NotFound):
            devices.revoke_device(outsider, device, "Không phải của tôi")
        with pytest.raises(NotFound):
            devices.get_device(open_week, device.id, outsider)
    with pytest.raises(ValidationFailed) as refused:
        devices.revoke_device(organiser, lead, "  ")
    assert set(refused.value.fields) == {"reason"}

    assert devices.may_manage(exhibitor, lead) and not devices.may_manage(organiser, lead)
    revoked = devices.revoke_device(organiser, lead, "Máy bị mất ở quầy")
    assert revoked.revoked_at is not None and revoked.revoked_by_id == organiser.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "revoke"))
    assert entry.note == "Máy bị mất ở quầy" and entry.business_id == exhibitor.business_id
    assert devices.revoke_device(organiser, lead, "").revoked_at == revoked.revoked_at
    # the token is still recognised, so the phone can be told it was revoked
    assert devices.device_for_token(lead_token).is_revoked
    with pytest.raises(Conflict):
        devices.new_pairing_code(exhibitor, lead)
    devices.record_refused(lead, 7)
    devices.record_refused(lead, 3)
    assert db.session.get(ScanDevice, lead.id).refused_scans == 10


def test_a_revoked_devices_unused_qr_says_it_was_revoked(app, organiser, open_week):
    device, code = gate_device(organiser, open_week)
    devices.revoke_device(organiser, device, "Tạo nhầm")
    with pytest.raises(devices.DeviceRevoked):
        devices.pair(code, "1")


def test_the_week_lists_its_devices(app, organiser, open_week, confirmed_exhibitor):
    exhibitor = confirmed_exhibitor()
    gate, _code = gate_device(organiser, open_week)
    lead, _lead_code = devices.create_device(exhibitor, open_week, "leads", "Quầy A01")
    assert [d.id for d in devices.week_devices(open_week)] == [gate.id, lead.id]
    assert devices.get_device(open_week, lead.id, organiser).id == lead.id
    with pytest.raises(NotFound):
        devices.get_device(open_week, 2**40, organiser)


def test_what_a_device_says_of_itself_is_kept_without_a_write_per_request(app, organiser,
                                                                          open_week):
    device, _token = paired_gate(organiser, open_week)
    first_seen = db.session.get(ScanDevice, device.id).last_seen_at
    devices.seen(device)  # heard from again at once: nothing new, nothing written
    assert db.session.get(ScanDevice, device.id).last_seen_at == first_seen
    devices.seen(device, app_version="1.1.0", unsynced=12)
    stored = db.session.get(ScanDevice, device.id)
    db.session.refresh(stored)
    assert (stored.app_version, stored.unsynced) == ("1.1.0", 12)
    assert stored.last_seen_at > first_seen and stored.last_sync_at is None
    devices.seen(device, synced=True)
    db.session.refresh(stored)
    assert stored.last_sync_at is not None


def test_a_devices_token_ends_two_days_after_its_week_vietnam_time(app, organiser, open_week):
    from exhibit.vn.dates import VIETNAM_TZ
    from datetime import datetime, time
    device, _token = paired_gate(organiser, open_week)
    last_day = open_week.end_date + timedelta(days=2)
    end = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=VIETNAM_TZ)
    assert devices.token_expires_at(open_week) == end
    assert not devices.is_expired(device, end - timedelta(seconds=1))
    assert devices.is_expired(device, end)
    with pytest.raises(devices.DeviceExpired) as refused:
        devices.refuse_expired(device, end)
    assert (refused.value.status, refused.value.code) == (401, "device_expired")
    assert last_day.strftime("%d/%m/%Y") in refused.value.message


def test_a_week_long_over_pairs_no_device(app, organiser, open_week):
    from exhibit.vn.dates import vietnam_today
    device, code = gate_device(organiser, open_week)
    open_week.start_date = vietnam_today() - timedelta(days=8)
    open_week.end_date = vietnam_today() - timedelta(days=3)
    db.session.commit()
    with pytest.raises(devices.DeviceExpired):
        devices.pair(code, "1")
    assert db.session.get(ScanDevice, device.id).token_hash is None


def test_listing_a_weeks_devices_reads_their_zones_and_businesses_at_once(
        app, organiser, open_week, confirmed_exhibitor):
    """One query for the week's devices with their zones and exhibitors, however many."""
    from tests.querycount import counted_queries
    numbers = []
    for n in range(2):
        exhibitor = confirmed_exhibitor(f"Hợp tác xã số {n}")
        gate_device(organiser, open_week, f"Cổng {n}")
        devices.create_device(exhibitor, open_week, "leads", f"Quầy {n}")
        db.session.expire_all()  # nothing loaded before may spare a query ...
        business_id, _week_id = exhibitor.business_id, open_week.id  # ... but these two
        with counted_queries() as statements:
            rows = devices.week_devices(open_week)
            shown = [(d.zone.name if d.zone else None, d.business.name if d.business else None)
                     for d in rows]
            mine = devices.business_devices(open_week, business_id)
            shown += [(d.zone, d.business.name) for d in mine]
        assert len(rows) == 2 * (n + 1)
        numbers.append(len(statements))
    assert numbers[0] == numbers[1] == 2, numbers
