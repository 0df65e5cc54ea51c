"""The gate scans an organiser should look at: a badge scanned again, let in by another device
first, or answered differently offline than the server judged on sync (GateScan.flag)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from exhibit.badges.checkin import ScanResult
from exhibit.badges.models import Badge, BadgeKind, CheckIn, GateScan
from exhibit.extensions import db
from exhibit.scanning.models import ScanDevice, Zone

#: what each flag means, in the organiser's words
FLAG_TITLES = {
    "repeat": _l("Scanned again: the badge was already in"),
    "other_device": _l("Already let in by another device"),
    "disagreed": _l("The device answered differently offline"),
}
#: at most this many on the entrances page (the newest)
SHOWN = 50


@dataclass(frozen=True)
class FlaggedScan:
    scanned_at: datetime
    #: when the server got it (later than scanned_at for a scan queued offline)
    received_at: datetime | None
    flag: str
    status: str
    reason: str
    #: what the device showed on the spot, offline ("" when it asked the server)
    device_answer: str
    holder: str
    kind: str
    device: str
    #: the zone's name; "" for the week's default zone of a scan made before zones
    zone: str
    first_at: datetime | None

    @property
    def flag_title(self) -> str:
        return str(FLAG_TITLES.get(self.flag, self.flag))

    @property
    def words(self) -> str:
        """The server's answer, in the words a scanner shows."""
        return ScanResult(self.status, self.reason, self.first_at or self.scanned_at).message


def flagged_scans(week, limit: int = SHOWN) -> list[FlaggedScan]:
    """The week's flagged scans, newest first by when they were scanned; one query. A scan
    belongs to the week through its badge or, for a code nobody holds, through its device."""
    rows = db.session.execute(
        select(GateScan.scanned_at, GateScan.received_at, GateScan.flag, GateScan.result,
               GateScan.reason, GateScan.device_answer, Badge.full_name, Badge.kind,
               ScanDevice.name.label("device"), Zone.name.label("zone"), CheckIn.first_at)
        .outerjoin(Badge, Badge.id == GateScan.badge_id)
        .outerjoin(ScanDevice, ScanDevice.id == GateScan.device_id)
        .outerjoin(Zone, Zone.id == GateScan.zone_id)
        .outerjoin(CheckIn, CheckIn.id == GateScan.checkin_id)
        .where(GateScan.flag != "", or_(Badge.week_id == week.id, ScanDevice.week_id == week.id))
        .order_by(GateScan.scanned_at.desc(), GateScan.id.desc()).limit(limit)).all()
    return [FlaggedScan(scanned_at=row.scanned_at, received_at=row.received_at, flag=row.flag,
                        status=row.result, reason=row.reason or "",
                        device_answer=row.device_answer or "", holder=row.full_name or "",
                        kind=_kind_title(row.kind), device=row.device or "", zone=row.zone or "",
                        first_at=row.first_at) for row in rows]


def _kind_title(kind: str | None) -> str:
    try:
        return BadgeKind(kind).title if kind else ""
    except ValueError:
        return ""
