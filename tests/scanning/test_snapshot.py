"""The snapshot a device decides from offline: keyed hashes a device can check, no names for
lead scanners, and the badges changed since a cursor."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from exhibit.badges.models import Badge
from exhibit.badges.services import revoke_badge
from exhibit.core.db import utcnow
from exhibit.core.errors import ValidationFailed
from exhibit.extensions import db
from exhibit.scanning import snapshot as snapshots
from exhibit.scanning import zones
from tests.scanning.helpers_devices import (expected_key, key_of, keyed, organiser_badge,
                                            paired_gate, paired_leads, visitor)


def _age_every_badge() -> None:
    """Move every badge's change time back beyond the cursor's overlap (as if the snapshot came
    later), in SQL: through the ORM the change time would move to now."""
    db.session.execute(db.update(Badge).values(
        changed_at=utcnow() - snapshots.OVERLAP - timedelta(minutes=1)))
    db.session.commit()


def test_a_gate_snapshot_holds_hashes_a_device_can_check(app, organiser, open_week):
    hường = visitor(open_week)
    bảo = organiser_badge(organiser, open_week)
    device, _token = paired_gate(organiser, open_week)
    data = snapshots.snapshot(device)

    key = key_of(data)
    assert key == expected_key(app.config["SECRET_KEY"], open_week.id, "gate")
    assert data["full"] is True and data["cursor"]
    assert data["week"] == {"slug": open_week.slug, "name": open_week.name_vi,
                            "start_date": open_week.start_date.isoformat(),
                            "end_date": open_week.end_date.isoformat()}
    hall = zones.default_zone(open_week)
    assert data["device"]["zone"]["id"] == hall.id and data["device"]["gate"] == "Cổng A"
    assert data["zones"][0] == {"id": hall.id, "name": hall.name, "badge_kinds": [], "days": [],
                                "mode": "entry", "multiple_entries": False, "is_default": True}
    rows = {row[0]: row for row in data["badges"]}
    assert rows[keyed(key, hường.entry_code)] == [
        keyed(key, hường.entry_code), "v", "Nguyễn Thị Thu Hường", "Cửa hàng Quê Nhà", 0,
        keyed(key, hường.contact_code, 8)]
    assert rows[keyed(key, bảo.entry_code)][1:] == ["o", "Trần Văn Bảo", "", 0, ""]
    # the device normalises what it reads the same way: a typed, spaced, upper-case code
    typed = " ".join(hường.entry_code[i:i + 4] for i in (0, 4, 8)).upper()
    assert keyed(key, typed) in rows and keyed(key, "http://x.vn/e/" + hường.entry_code) in rows
    assert hường.entry_code not in json.dumps(data) and hường.phone not in json.dumps(data)


def test_a_lead_snapshot_names_nobody(app, organiser, open_week, confirmed_exhibitor):
    hường = visitor(open_week)
    organiser_badge(organiser, open_week)  # no contact code: not a lead
    device, _token = paired_leads(confirmed_exhibitor(), open_week)
    data = snapshots.snapshot(device)
    key = key_of(data)
    assert key == expected_key(app.config["SECRET_KEY"], open_week.id, "leads")
    assert key != expected_key(app.config["SECRET_KEY"], open_week.id, "gate")
    assert data["badges"] == [[keyed(key, hường.contact_code), "v", "", "", 0,
                               keyed(key, hường.entry_code, 8)]]
    assert "Hường" not in json.dumps(data, ensure_ascii=False)
    assert data["device"]["zone"] is None and data["device"]["business"]


def test_since_the_cursor_only_what_changed_comes(app, organiser, open_week):
    kept, revoked = visitor(open_week, "Lê Văn Giữ"), visitor(open_week, "Phạm Thị Thu")
    device, _token = paired_gate(organiser, open_week)
    _age_every_badge()
    first = snapshots.snapshot(device)
    assert len(first["badges"]) == 2

    late = visitor(open_week, "Võ Minh Muộn")
    revoke_badge(actor=organiser, badge=db.session.get(Badge, revoked.id), reason="Đăng ký trùng")
    later = snapshots.snapshot(device, first["cursor"])
    key = key_of(later)
    assert later["full"] is False
    rows = {row[0]: row for row in later["badges"]}
    assert set(rows) == {keyed(key, late.entry_code), keyed(key, revoked.entry_code)}
    assert rows[keyed(key, revoked.entry_code)][4] == 1
    assert keyed(key, kept.entry_code) not in rows

    _age_every_badge()
    assert snapshots.snapshot(device, later["cursor"])["badges"] == []


def test_a_cursor_is_checked_and_one_made_under_another_key_starts_over(app, organiser,
                                                                       open_week):
    visitor(open_week)
    device, _token = paired_gate(organiser, open_week)
    cursor = snapshots.snapshot(device)["cursor"]
    for bad in ("yesterday", "12345", cursor + "x", "ff." + "a" * 7):
        with pytest.raises(ValidationFailed) as refused:
            snapshots.snapshot(device, bad)
        assert set(refused.value.fields) == {"since"}
    _age_every_badge()
    stamp, _fingerprint = cursor.split(".")
    foreign = snapshots.snapshot(device, stamp + ".AAAAAA")
    assert foreign["full"] is True and len(foreign["badges"]) == 1


def test_the_week_of_the_device_only(app, organiser, open_week):
    from exhibit.weeks.services import create_week
    import uuid
    other = create_week(actor=organiser, data={
        "name_vi": "Tuần khác", "slug": f"tuan-khac-{uuid.uuid4().hex[:6]}",
        "host_province_scheme": "2025", "host_province_code": "79", "venue_name": "ITPC",
        "start_date": open_week.start_date, "end_date": open_week.end_date, "status": "open"})
    visitor(other)
    mine = visitor(open_week)
    device, _token = paired_gate(organiser, open_week)
    data = snapshots.snapshot(device)
    assert [row[0] for row in data["badges"]] == [keyed(key_of(data), mine.entry_code)]


def test_the_fast_keyed_digest_is_hmac_sha256():
    import hashlib
    import hmac
    for key in (b"k" * 32, b"", b"x" * 64, b"long key " * 20):
        digest = snapshots._keyed_digest(key)
        for message in (b"", b"k7q29xmd3pla", "Hường".encode()):
            assert digest(message) == hmac.new(key, message, hashlib.sha256).digest()


def test_a_change_committed_a_while_after_it_was_written_still_reaches_the_next_snapshot(
        app, organiser, open_week):
    """changed_at is set when a change is flushed; its transaction may commit later (a walk-in
    printed at the desk, a batch imported): a cursor taken in between must not skip it."""
    visitor(open_week, "Lê Văn Giữ")
    device, _token = paired_gate(organiser, open_week)
    _age_every_badge()
    first = snapshots.snapshot(device)
    slow = visitor(open_week, "Võ Minh Chậm")
    # written 30 seconds before the first snapshot was read, committed only now
    db.session.execute(db.update(Badge).where(Badge.id == slow.id).values(
        changed_at=utcnow() - timedelta(seconds=30)))
    db.session.commit()
    later = snapshots.snapshot(device, first["cursor"])
    assert [row[0] for row in later["badges"]] == [keyed(key_of(later), slow.entry_code)]


def test_a_device_of_a_week_long_over_gets_no_snapshot(app, organiser, open_week):
    from exhibit.scanning.devices import DeviceExpired
    from exhibit.vn.dates import vietnam_today
    device, _token = paired_gate(organiser, open_week)
    open_week.start_date = vietnam_today() - timedelta(days=8)
    open_week.end_date = vietnam_today() - timedelta(days=3)
    db.session.commit()
    with pytest.raises(DeviceExpired):
        snapshots.snapshot(device)
