"""The answer to a gate scan: its status, its reason and its words, as the gate page, the
API, the scanner app and the organiser's list of flagged scans say them (scanning.decide makes
them)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _

from exhibit.badges.models import Badge, CheckIn
from exhibit.vn.dates import to_vietnam_time

OK, ALREADY, INVALID = "ok", "already_checked_in", "invalid"


@dataclass
class ScanResult:
    status: str
    #: for invalid scans: unknown, revoked, contact_code, not_running, wrong_day,
    #: kind_not_allowed, not_inside, exits_not_used (scanning.decide)
    reason: str = ""
    first_at: datetime | None = None
    badge: Badge | None = None
    checkin_id: int | None = None
    #: the zone's name; "" for the week's default zone (the exhibition hall), whose answers
    #: say "checked in" as they did before zones
    zone_name: str = ""
    #: "in" (an entry) or "out" (an exit)
    direction: str = "in"
    #: why the organiser should look at it: "", "clock", "late", "repeat", "other_device",
    #: "disagreed" (scanning.decide)
    flag: str = ""
    nonce: str = ""
    #: when it was scanned (a queued scan's own time)
    scanned_at: datetime | None = None
    #: the day's check-in the scan made or found (default zone), until it has an id
    checkin: CheckIn | None = field(default=None, repr=False, compare=False)

    @property
    def message(self) -> str:
        if self.status == OK:
            if self.direction == "out":
                return _("Exit recorded.")
            if self.zone_name:
                return _("Entered %(zone)s.", zone=self.zone_name)
            return _("Checked in.")
        if self.status == ALREADY:
            moment = self.first_at or self.scanned_at
            time = to_vietnam_time(moment).strftime("%H:%M") if moment else ""
            if self.zone_name:
                return _("Already entered %(zone)s at %(time)s.", zone=self.zone_name, time=time)
            return _("Already checked in at %(time)s.", time=time)
        if self.reason == "kind_not_allowed" and self.badge is not None:
            return _("%(kind)s may not enter here.", kind=self.badge.kind_enum.title)
        return {
            "revoked": _("This badge was revoked."),
            "contact_code": _("This is the code exhibitors scan. Scan the entrance code."),
            "not_running": _("This badge is for a week that is not open today."),
            "wrong_day": _("This zone is closed today."),
            "kind_not_allowed": _("This kind of badge may not enter here."),
            "not_inside": _("This badge has not entered, so it cannot leave."),
            "exits_not_used": _("This zone counts entries only: exits are not scanned here."),
        }.get(self.reason, _("Unknown code."))
