"""Shared fixtures for the scanning tests: a week running today with visitors' badges, its
organiser, a gate scanner at the exhibition hall and an exhibitor's lead scanner.

The devices are made as rows with a known token (only its sha256 is stored, as pairing stores
it), so the rules of scanning are tested apart from pairing (tests/scanning/test_devices.py)."""
from __future__ import annotations

import hashlib
import itertools
import uuid
from datetime import datetime, time, timedelta, timezone

import pytest

from exhibit.core.db import utcnow
from exhibit.extensions import db
from tests.conftest import visitor_data

VIETNAM = timezone(timedelta(hours=7))
_phones = itertools.count(100_000)
_nonces = itertools.count(1)


def nonce(prefix: str = "scan") -> str:
    return f"{prefix}-{next(_nonces):06d}-{uuid.uuid4().hex[:6]}"


def vietnam(day, hour: int, minute: int = 0) -> datetime:
    """A moment of a day, Vietnam time, as UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=VIETNAM).astimezone(timezone.utc)


def register(week, name: str = "Nguyễn Thị Thu Hường"):
    """A visitor's badge, registered by the visitor (phone numbers never repeat)."""
    from exhibit.badges.services import register_visitor
    return register_visitor(week=week, data=visitor_data(
        full_name=name, phone=f"0912 {next(_phones):06d}", email=""))


def make_device(week, *, purpose: str = "gate", zone=None, business_id=None,
                name: str = "Cổng A – máy 1", created_by=None, token: str | None = None):
    """A paired scanning device as a row, with the sha256 of a known token."""
    from exhibit.scanning import zones
    from exhibit.scanning.models import ScanDevice
    token = token or f"dv_{uuid.uuid4().hex}"
    if purpose == "gate" and zone is None:
        zone = zones.default_zone(week)
    device = ScanDevice(week_id=week.id, purpose=purpose, name=name,
                        zone_id=zone.id if zone is not None else None, gate="Cổng A",
                        business_id=business_id,
                        token_hash=hashlib.sha256(token.encode()).hexdigest(),
                        paired_at=utcnow(), app_version="1.0.0",
                        created_by_id=getattr(created_by, "id", None))
    db.session.add(device)
    db.session.commit()
    device.token = token  # not stored: what the phone keeps
    return device


@pytest.fixture
def today(running_week):
    from exhibit.vn.dates import to_vietnam_time
    return to_vietnam_time(utcnow()).date()


@pytest.fixture
def badges(running_week):
    """Five visitors' badges at the running week."""
    return [register(running_week, f"Khách tham quan {n}") for n in range(5)]


@pytest.fixture
def gate(running_week, organiser):
    """A gate scanner at the week's exhibition hall (the default zone)."""
    return make_device(running_week, created_by=organiser)


@pytest.fixture
def second_gate(running_week, organiser):
    return make_device(running_week, name="Cổng B – máy 1", created_by=organiser)


@pytest.fixture
def lead_device(running_week, confirmed_exhibitor):
    """An exhibitor with a confirmed booth at the running week, and its lead scanner."""
    exhibitor = confirmed_exhibitor("Hợp tác xã Trà Thái Nguyên")
    device = make_device(running_week, purpose="leads", business_id=exhibitor.business_id,
                         name="Quầy A01 – điện thoại chị Lan", created_by=exhibitor)
    device.exhibitor = exhibitor
    return device
