"""The gate scans an organiser should look at (GateScan.flag, see scanning.decide): a badge
scanned again, let in by another device first, answered differently offline than the server
judged on sync, a queued scan that arrived after a later entry of its badge, or one from a device
whose clock was wrong (recorded at its arrival)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select, text

from exhibit.scanning.results import ScanResult
from exhibit.badges.models import Badge, BadgeKind, CheckIn, GateScan
from exhibit.extensions import db
from exhibit.scanning.models import ScanDevice, Zone, ZonePresence
from exhibit.scanning.zones import vietnam_day

#: what each flag means, in the organiser's words
FLAG_TITLES = {
    "clock": _l("The device's clock was wrong: recorded at the time it arrived"),
    "late": _l("Arrived late, made before the entry already counted: the first entry's time "
               "moved back to it"),
    "repeat": _l("Scanned again: the badge was already in"),
    "other_device": _l("Already let in by another device"),
    "disagreed": _l("The device answered differently offline"),
}
#: at most this many on the entrances page (the newest)
SHOWN = 50
#: the flagged scans' condition, as the partial index ix_gate_scans_flagged states it (a
#: literal, not a bound parameter: only then may the database use that index)
FLAGGED = text("gate_scans.flag <> ''")


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
    #: "in" (an entry) or "out" (an exit)
    direction: str = "in"
    #: whether the zone is the week's default zone (the exhibition hall), whose answers say
    #: "checked in" rather than name it
    default_zone: bool = True

    @property
    def flag_title(self) -> str:
        return str(FLAG_TITLES.get(self.flag, self.flag))

    @property
    def words(self) -> str:
        """The server's answer, in the words the scanner showed (zone and direction too)."""
        return ScanResult(self.status, self.reason, self.first_at or self.scanned_at,
                          zone_name="" if self.default_zone else self.zone,
                          direction=self.direction).message


def flagged_scans(week, limit: int = SHOWN) -> list[FlaggedScan]:
    """The week's flagged scans, newest first by when they were scanned; one query. A scan
    belongs to the week through its zone, its badge or, for a code nobody holds, its device;
    the flagged ones are read newest first from their own partial index."""
    rows = db.session.execute(
        select(GateScan.scanned_at, GateScan.received_at, GateScan.flag, GateScan.result,
               GateScan.reason, GateScan.device_answer, GateScan.direction, Badge.full_name,
               Badge.kind, ScanDevice.name.label("device"), Zone.name.label("zone"),
               Zone.is_default,
               # the hall's answers name the check-in; another zone's its first entry that day
               func.coalesce(CheckIn.first_at, ZonePresence.first_entry_at).label("first_at"))
        .outerjoin(Badge, Badge.id == GateScan.badge_id)
        .outerjoin(ScanDevice, ScanDevice.id == GateScan.device_id)
        .outerjoin(Zone, Zone.id == GateScan.zone_id)
        .outerjoin(CheckIn, CheckIn.id == GateScan.checkin_id)
        .outerjoin(ZonePresence, and_(ZonePresence.zone_id == GateScan.zone_id,
                                      ZonePresence.badge_id == GateScan.badge_id,
                                      ZonePresence.day == vietnam_day(GateScan.scanned_at)))
        .where(FLAGGED, or_(Zone.week_id == week.id, Badge.week_id == week.id,
                            ScanDevice.week_id == week.id))
        .order_by(GateScan.scanned_at.desc(), GateScan.id.desc()).limit(limit)).all()
    return [FlaggedScan(scanned_at=row.scanned_at, received_at=row.received_at, flag=row.flag,
                        status=row.result, reason=row.reason or "",
                        device_answer=row.device_answer or "", holder=row.full_name or "",
                        kind=_kind_title(row.kind), device=row.device or "",
                        zone=row.zone or "", first_at=row.first_at,
                        direction=row.direction or "in",
                        default_zone=row.is_default is None or bool(row.is_default))
            for row in rows]


def _kind_title(kind: str | None) -> str:
    try:
        return BadgeKind(kind).title if kind else ""
    except ValueError:
        return ""
