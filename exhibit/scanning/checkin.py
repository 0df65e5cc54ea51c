"""Entrance check-in: one check-in per badge and day, and every scan answered exactly once.

A scanning device sends a nonce with each scan. The first answer for a nonce is stored, and a
retry with the same nonce (a lost response, a double tap) gets that answer again instead of
being counted as a second scan. A second *different* scan of the same badge on the same day
answers ``already_checked_in`` with the time of the first.

The gate's decisions themselves belong to scanning.decide, which also judges zones, exits and
scanning devices' queued scans; ``check_in`` is the signed-in gate's scan into the week's
default zone (the exhibition hall).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from exhibit.badges.models import Badge, BadgeKind, CheckIn, GateScan
from exhibit.badges.services import may_check_in
from exhibit.extensions import db
from exhibit.scanning import decide
from exhibit.scanning.models import ScanDevice, Zone
from exhibit.scanning.results import ALREADY, INVALID, OK, ScanResult

#: the answers and the rule of who may scan, where callers of check-in have always found them
__all__ = ["ALREADY", "INVALID", "OK", "ScanResult", "may_check_in", "check_in", "RecentScan",
           "recent_scans", "checkins_by_day"]


def check_in(*, actor, code: str, nonce: str, now: datetime | None = None) -> ScanResult:
    """Check a badge in at the entrance: a scan into its week's default zone, made now (see the
    module docstring for the rules, and scanning.decide for all of them)."""
    return decide.scan(scanner=actor, code=code, nonce=nonce, now=now)


@dataclass(frozen=True)
class RecentScan:
    """A scan of one of the week's badges as the gate lists it: when, whose badge, and the
    answer in words (the same words the scanner saw)."""
    scanned_at: datetime
    status: str
    reason: str
    #: the badge holder and the kind of badge ("" where the badge is gone)
    holder: str
    kind: str
    #: the first check-in of that day, which an ``already_checked_in`` answer names
    first_at: datetime | None
    #: the scanning device's name ("" for a signed-in account's scan) and the scan's flag
    device: str = ""
    flag: str = ""
    #: the zone's name ("" for the default zone) and whether it was an entry or an exit
    zone: str = ""
    direction: str = "in"

    @property
    def words(self) -> str:
        return ScanResult(self.status, self.reason, self.first_at or self.scanned_at,
                          zone_name=self.zone, direction=self.direction).message


def recent_scans(week, limit: int = 20) -> list[RecentScan]:
    """The week's latest scans, newest first by when they were scanned (a device's retried or
    late scan, or one recorded with its own time, takes its place in time, not in arrival);
    one query whatever the number."""
    rows = db.session.execute(
        select(GateScan.scanned_at, GateScan.result, GateScan.reason, GateScan.flag,
               GateScan.direction, Badge.full_name, Badge.kind, CheckIn.first_at,
               ScanDevice.name.label("device"), Zone.name.label("zone"), Zone.is_default)
        .join(Badge, Badge.id == GateScan.badge_id)
        .outerjoin(CheckIn, CheckIn.id == GateScan.checkin_id)
        .outerjoin(ScanDevice, ScanDevice.id == GateScan.device_id)
        .outerjoin(Zone, Zone.id == GateScan.zone_id)
        .where(Badge.week_id == week.id)
        .order_by(GateScan.scanned_at.desc(), GateScan.id.desc()).limit(limit)).all()
    return [RecentScan(scanned_at=row.scanned_at, status=row.result, reason=row.reason or "",
                       holder=row.full_name or "", kind=_kind_title(row.kind),
                       first_at=row.first_at, device=row.device or "", flag=row.flag or "",
                       zone="" if row.is_default or row.zone is None else row.zone,
                       direction=row.direction or "in") for row in rows]


def _kind_title(kind: str) -> str:
    try:
        return BadgeKind(kind).title
    except ValueError:
        return ""


def checkins_by_day(week) -> list[tuple]:
    return db.session.execute(
        select(CheckIn.day, func.count()).where(CheckIn.week_id == week.id)
        .group_by(CheckIn.day).order_by(CheckIn.day)).all()
