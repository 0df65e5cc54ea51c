"""Builders for the device tests (tests/scanning/test_devices.py, test_snapshot.py and
tests/api/test_scanning_api.py), all through the real services."""
from __future__ import annotations

import base64
import hashlib
import hmac
import itertools

from exhibit.core.tokens import normalise_code

_phones = itertools.count(1000)


def gate_device(organiser, week, name: str = "Cổng A – máy 1", gate: str = "Cổng A"):
    """A gate device at the week's default zone, not yet paired: (device, pairing code)."""
    from exhibit.scanning import devices, zones
    return devices.create_device(organiser, week, "gate", name, zone=zones.default_zone(week),
                                 gate=gate)


def paired_gate(organiser, week, name: str = "Cổng A – máy 1"):
    """A paired gate device: (device, token)."""
    from exhibit.scanning import devices
    _device, code = gate_device(organiser, week, name)
    return devices.pair(code, "1.0.0")


def paired_leads(exhibitor, week, name: str = "Quầy A01 – điện thoại chị Lan"):
    from exhibit.scanning import devices
    _device, code = devices.create_device(exhibitor, week, "leads", name)
    return devices.pair(code, "1.0.0")


def visitor(week, name: str = "Nguyễn Thị Thu Hường", organisation: str = "Cửa hàng Quê Nhà"):
    """A visitor's badge (with a contact code), registered by the visitor."""
    from exhibit.badges.services import register_visitor
    return register_visitor(week=week, data={
        "full_name": name, "phone": f"0912 34{next(_phones) % 10000:04d}",
        "organisation": organisation, "consent": True, "share_contact": True})


def organiser_badge(organiser, week, name: str = "Trần Văn Bảo"):
    """An organiser staff badge: an entrance code and no contact code."""
    from exhibit.badges.services import add_badge
    return add_badge(actor=organiser, week=week, kind="organiser", data={"full_name": name})


def expected_key(secret: str, week_id: int, purpose: str) -> bytes:
    """The snapshot's key as the contract defines it, computed here independently."""
    return hmac.new(secret.encode(), f"scanning-snapshot:{week_id}:{purpose}".encode(),
                    hashlib.sha256).digest()


def keyed(key: bytes, code: str, length: int = 12) -> str:
    """What a device computes of a scanned code: the first characters of
    base64url(HMAC-SHA256(key, normalised code))."""
    mac = hmac.new(key, normalise_code(code).encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode()[:length]


def key_of(snapshot: dict) -> bytes:
    text = snapshot["key"]
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
