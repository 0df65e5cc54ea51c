"""Entrance check-in: one check-in per badge and day, and every scan answered exactly once.

A scanning device sends a nonce with each scan. The first answer for a nonce is stored, and a
retry with the same nonce (a lost response, a double tap) gets that answer again instead of
being counted as a second scan. A second *different* scan of the same badge on the same day
answers ``already_checked_in`` with the time of the first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from exhibit.badges.models import Badge, BadgeKind, CheckIn, GateScan
from exhibit.core.db import utcnow, write_transaction
from exhibit.core.errors import Forbidden, ValidationFailed
from exhibit.core.tokens import normalise_code
from exhibit.extensions import db
from exhibit.vn.dates import to_vietnam_time
from exhibit.weeks.services import is_organiser_of

_NONCE = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")
OK, ALREADY, INVALID = "ok", "already_checked_in", "invalid"


@dataclass
class ScanResult:
    status: str
    #: for invalid scans: unknown, revoked, contact_code, not_running
    reason: str = ""
    first_at: datetime | None = None
    badge: Badge | None = None
    checkin_id: int | None = None

    @property
    def message(self) -> str:
        if self.status == OK:
            return _("Checked in.")
        if self.status == ALREADY:
            return _("Already checked in at %(time)s.",
                     time=to_vietnam_time(self.first_at).strftime("%H:%M"))
        return {
            "revoked": _("This badge was revoked."),
            "contact_code": _("This is the code exhibitors scan. Scan the entrance code."),
            "not_running": _("This badge is for a week that is not open today."),
        }.get(self.reason, _("Unknown code."))


def may_check_in(user, organizer_id: int) -> bool:
    """The body's organisers and its entrance staff."""
    return is_organiser_of(user, organizer_id) or bool(
        user is not None and user.is_entrance and user.organizer_id == organizer_id)


def check_in(*, actor, code: str, nonce: str, now: datetime | None = None) -> ScanResult:
    """Check a badge in at the entrance (see the module docstring for the rules)."""
    if not (actor.is_organiser or actor.is_entrance):
        raise Forbidden(_("Only entrance staff and organisers check badges in."))
    if not _NONCE.match(nonce or ""):
        raise ValidationFailed(_("Each scan needs a nonce of 8–64 letters or digits."),
                               fields={"nonce": _("Missing or malformed.")})
    previous = _answered(actor, nonce)
    if previous:
        return previous
    now = now or utcnow()
    normalised = normalise_code(code)
    if not normalised:
        raise ValidationFailed(_("Scan or type a badge code."),
                               fields={"code": _("Scan or type a badge code.")})
    try:
        with write_transaction():
            result = _decide(actor, normalised, now)
            db.session.add(GateScan(
                nonce=nonce, code=normalised, result=result.status, reason=result.reason,
                badge_id=result.badge.id if result.badge else None,
                checkin_id=result.checkin_id, scanned_by_id=actor.id,
                scanned_at=now))
        return result
    except IntegrityError:
        # the same nonce was answered by a concurrent request: give its answer
        previous = _answered(actor, nonce)
        if previous:
            return previous
        raise


def _answered(actor, nonce: str) -> ScanResult | None:
    """This scanner's earlier answer for the nonce, if it sent it before."""
    scan = db.session.scalar(select(GateScan).where(GateScan.scanned_by_id == actor.id,
                                                    GateScan.nonce == nonce))
    if scan is None:
        return None
    first_at = scan.checkin.first_at if scan.checkin else None
    return ScanResult(scan.result, scan.reason, first_at, scan.badge)


def _decide(actor, code: str, now: datetime) -> ScanResult:
    badge = db.session.scalar(select(Badge).where(Badge.entry_code == code).with_for_update())
    if badge is None or not may_check_in(actor, badge.week.organizer_id):
        contact = db.session.scalar(select(Badge).where(Badge.contact_code == code))
        if contact is not None and may_check_in(actor, contact.week.organizer_id):
            return ScanResult(INVALID, "contact_code")
        return ScanResult(INVALID, "unknown")
    if badge.revoked_at is not None:
        return ScanResult(INVALID, "revoked", badge=badge)
    day = to_vietnam_time(now).date()
    week = badge.week
    if not week.start_date <= day <= week.end_date:
        return ScanResult(INVALID, "not_running", badge=badge)
    existing = db.session.scalar(select(CheckIn).where(CheckIn.badge_id == badge.id,
                                                       CheckIn.day == day))
    if existing is not None:
        return ScanResult(ALREADY, first_at=existing.first_at, badge=badge,
                          checkin_id=existing.id)
    checkin = CheckIn(badge_id=badge.id, week_id=badge.week_id, day=day, first_at=now,
                      checked_in_by_id=actor.id)
    db.session.add(checkin)
    db.session.flush()
    return ScanResult(OK, first_at=now, badge=badge, checkin_id=checkin.id)


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

    @property
    def words(self) -> str:
        return ScanResult(self.status, self.reason, self.first_at or self.scanned_at).message


def recent_scans(week, limit: int = 20) -> list[RecentScan]:
    """The week's latest scans, newest first by when they were scanned (a device's retried or
    late scan, or one recorded with its own time, takes its place in time, not in arrival);
    one query whatever the number."""
    rows = db.session.execute(
        select(GateScan.scanned_at, GateScan.result, GateScan.reason, Badge.full_name,
               Badge.kind, CheckIn.first_at)
        .join(Badge, Badge.id == GateScan.badge_id)
        .outerjoin(CheckIn, CheckIn.id == GateScan.checkin_id)
        .where(Badge.week_id == week.id)
        .order_by(GateScan.scanned_at.desc(), GateScan.id.desc()).limit(limit)).all()
    return [RecentScan(scanned_at=row.scanned_at, status=row.result, reason=row.reason or "",
                       holder=row.full_name or "", kind=_kind_title(row.kind),
                       first_at=row.first_at) for row in rows]


def _kind_title(kind: str) -> str:
    try:
        return BadgeKind(kind).title
    except ValueError:
        return ""


def checkins_by_day(week) -> list[tuple]:
    return db.session.execute(
        select(CheckIn.day, func.count()).where(CheckIn.week_id == week.id)
        .group_by(CheckIn.day).order_by(CheckIn.day)).all()
