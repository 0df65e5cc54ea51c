"""The one owner of a gate decision: may this badge enter (or leave) this zone now?

Every scan at a gate comes here: a signed-in organiser or entrance staff at the gate page or the
API (scanning.checkin.check_in, the week's default zone), and a scanning device's queued scans on
sync (scanning.sync). The rules, in the order they are asked:

* the code must be an entrance code of a badge the scanner may see (another body's badge, or for
  a device another week's, is *unknown*); an exhibitor's contact code says so (*contact_code*);
  a revoked badge is *revoked*;
* the scan's day (Vietnam time) must be a day of the week (*not_running*) and a day the zone is
  open (*wrong_day*); the badge's kind must be one the zone lets in (*kind_not_allowed*);
* an exit is scanned only in a zone with exits (*exits_not_used*), of a badge inside
  (*not_inside*);
* an entry while inside, or a second entry of the day where the zone lets a badge in once, is
  *already_checked_in*, with the time of the first; where it allows more, it counts.

The first entry of a day into the default zone (the exhibition hall) is the badge's check-in
(badges.CheckIn, one per badge and day).

Scans queued offline arrive late, and not always in the order they were made (another device
synced first, or a batch was retried after a later one went through). A device's scan keeps its
own time (a signed-in gate's scan is made now, and judged as it comes), and:

* the first scan wins: a scan made before the day's first entry moves the check-in's (and the
  zone presence's) first time back to it, while the check-in stays one row. The entry was
  counted when the later scan arrived, so the late one counts nothing again: it is answered
  *already_checked_in*, flagged ``late`` (not ``other_device`` nor ``repeat``: it is the real
  first entry), and the later scan keeps the answer it was given. Entries per hour
  (zones.zone_counts) count each badge's first entry at its first time, so they agree;
* a scan older than the last one the zone knows of for the badge that day (its presence's
  ``last_at``) is recorded and counted (an entry where the zone lets a badge in again, an exit
  of a badge that had entered and not yet left as often), but never changes whether the badge
  is inside: that is the later scan's to say.

A scan whose own time cannot be right — more than CLOCK_AHEAD ahead of the server, or long
before the week — came from a device with a wrong clock. It is never lost: it is recorded and
decided at its arrival time, as if made then, and flagged ``clock``.

Flags (GateScan.flag, one per scan): ``clock`` (the time is the arrival time; it wins over the
others), ``late`` (made before the entry already counted), ``repeat`` (the same scanner let the
badge in before), ``other_device`` (another scanner did), ``disagreed`` (an offline device
showed another answer than the server's).

Nothing is counted twice. Each scan carries its scanner's nonce: a replay gets the first answer
and changes nothing (GateScan is unique per account and nonce, and per device and nonce). The
badges a decision reads are locked first (in id order, so two batches never deadlock), so two
scanners letting the same badge in at once are decided one after the other.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.exc import IntegrityError

from exhibit.badges.models import Badge, CheckIn, GateScan
from exhibit.badges.services import may_check_in
from exhibit.core.db import utcnow, write_transaction
from exhibit.core.errors import Forbidden, ValidationFailed
from exhibit.core.tokens import normalise_code
from exhibit.extensions import db
from exhibit.scanning import zones as zones_service
from exhibit.scanning.devices import DeviceRevoked, revoked_message
from exhibit.scanning.models import DevicePurpose, ScanDevice, Zone, ZoneMode, ZonePresence
from exhibit.scanning.results import ALREADY, INVALID, OK, ScanResult
from exhibit.vn.dates import VIETNAM_TZ, to_vietnam_time

_NONCE = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")
IN, OUT = "in", "out"
DEVICE_ANSWERS = ("", OK, ALREADY, INVALID)
#: a device's clock may run this far ahead of the server's; a scan further ahead is flagged
#: "clock" and decided at its arrival time
CLOCK_AHEAD = timedelta(minutes=5)
#: the earliest a scan may say it was made: this long before the week's first day (earlier:
#: a device whose clock was never set, flagged "clock" like one running ahead)
EARLIEST_BEFORE_WEEK = timedelta(days=14)
#: GateScan.flag values (see the module docstring)
CLOCK, LATE, REPEAT, OTHER_DEVICE, DISAGREED = ("clock", "late", "repeat", "other_device",
                                                "disagreed")


@dataclass
class Asked:
    """One scan, checked and normalised, waiting for its decision."""
    nonce: str
    code: str
    direction: str = IN
    #: when it was scanned; None: now
    scanned_at: datetime | None = None
    device_answer: str = ""
    #: the time the device gave cannot be right (its clock): decided at arrival, flagged
    clock: bool = False


@dataclass(frozen=True)
class Scanner:
    """Who scans, as a decision needs it: read before its write transaction, which forgets
    what was loaded before it (so a batch does not read its scanner again)."""
    is_device: bool
    id: int
    #: a device's week (it sees that week's badges only)
    week_id: int | None = None
    #: a user's organising body (its organisers and entrance staff see the body's badges)
    organizer_id: int | None = None

    @classmethod
    def of(cls, scanner) -> Scanner:
        if isinstance(scanner, Scanner):
            return scanner
        if isinstance(scanner, ScanDevice):
            return cls(True, scanner.id, week_id=scanner.week_id)
        return cls(False, scanner.id, organizer_id=scanner.organizer_id)


@dataclass(frozen=True)
class ZoneRules:
    """A zone's rules, as a decision reads them (read before the transaction, like Scanner)."""
    id: int
    week_id: int
    name: str
    is_default: bool
    mode: str
    multiple_entries: bool
    kind_list: tuple[str, ...]
    day_list: tuple[date, ...]

    @classmethod
    def of(cls, zone) -> ZoneRules | None:
        if zone is None or isinstance(zone, ZoneRules):
            return zone
        return cls(zone.id, zone.week_id, zone.name, zone.is_default, zone.mode,
                   zone.multiple_entries, tuple(zone.kind_list), tuple(zone.day_list))


def scan(*, scanner, code: str, nonce: str, zone: Zone | None = None, direction: str = IN,
         scanned_at: datetime | None = None, device_answer: str = "",
         now: datetime | None = None) -> ScanResult:
    """Decide one scan (see the module docstring) and record it.

    ``scanner`` is a signed-in User (an organiser or the body's entrance staff) or a gate
    ScanDevice (which scans into its own zone only). ``zone`` None is the device's zone, or
    for a user the default zone of the badge's week. ``scanned_at`` is when the scan was made
    (a queued scan's own time); ``now`` the server's clock (tests set it)."""
    now = now or utcnow()
    zone = authorised_zone(scanner, zone)
    asked = checked(scanner, zone, code=code, nonce=nonce, direction=direction,
                    scanned_at=scanned_at, device_answer=device_answer, now=now)
    who, rules = Scanner.of(scanner), ZoneRules.of(zone)
    try:
        # a replay is answered inside too, after the badge's lock: a retry sent while the
        # first request is still deciding waits for it, then gets its answer
        with write_transaction():
            return decide_all(who, rules, [asked], now)[0]
    except IntegrityError:
        # the same nonce was answered by a concurrent request: give its answer
        previous = answered(who, [asked.nonce]).get(asked.nonce)
        if previous is not None:
            return previous
        raise


def authorised_zone(scanner, zone: Zone | None) -> Zone | None:
    """Who may scan, and into which zone: the zone the scan is for (None: each badge's week's
    default zone, for a user). Refuses a revoked device (DeviceRevoked), a lead device, a
    device's scan into another zone, and a user who is not the zone's week's organiser or
    entrance staff (Forbidden)."""
    if isinstance(scanner, ScanDevice):
        if scanner.is_revoked:
            raise DeviceRevoked(revoked_message())
        if scanner.purpose != DevicePurpose.GATE.value:
            raise Forbidden(_("This scanner collects contacts; it does not check badges in."))
        if zone is not None and zone.id != scanner.zone_id:
            raise Forbidden(_("This scanner checks badges into its own zone only."))
        return db.session.get(Zone, scanner.zone_id)
    if scanner is None or not (scanner.is_organiser or scanner.is_entrance):
        raise Forbidden(_("Only entrance staff and organisers check badges in."))
    if zone is not None and not may_check_in(scanner, zone.week.organizer_id):
        raise Forbidden(_("Only the week's organisers and entrance staff scan at its zones."))
    return zone


def checked(scanner, zone: Zone | None, *, code: str, nonce: str, direction: str = IN,
            scanned_at: datetime | None = None, device_answer: str = "",
            now: datetime) -> Asked:
    """One scan's input checked (ValidationFailed naming the field) and normalised."""
    if not _NONCE.match(nonce or ""):
        raise ValidationFailed(_("Each scan needs a nonce of 8–64 letters or digits."),
                               fields={"nonce": _("Missing or malformed.")})
    normalised = normalise_code(code)
    if not normalised:
        raise ValidationFailed(_("Scan or type a badge code."),
                               fields={"code": _("Scan or type a badge code.")})
    if direction not in (IN, OUT):
        raise ValidationFailed(_("A scan is an entry or an exit."),
                               fields={"direction": _("Either in or out.")})
    if device_answer not in DEVICE_ANSWERS:
        raise ValidationFailed(_("Unknown answer from the device."),
                               fields={"device_answer": _("One of ok, already_checked_in, "
                                                          "invalid, or empty.")})
    clock = False
    if scanned_at is not None:
        if scanned_at.tzinfo is None:
            raise ValidationFailed(_("A scan's time needs its time zone."),
                                   fields={"scanned_at": _("Give the time with its zone.")})
        week = scanner.week if isinstance(scanner, ScanDevice) else zone.week if zone else None
        if clock_wrong(scanned_at, now, week):
            # someone was let in (or out) all the same: never lose the scan, decide it now
            scanned_at, clock = None, True
    return Asked(nonce=nonce, code=normalised, direction=direction, scanned_at=scanned_at,
                 device_answer=device_answer, clock=clock)


def clock_wrong(scanned_at: datetime, now: datetime, week) -> bool:
    """Whether a scan's own time cannot be right: it may be a little ahead of the server (a
    device's clock) but not in the future, and not long before the week (a device whose clock
    was never set)."""
    if scanned_at > now + CLOCK_AHEAD:
        return True
    return week is not None and scanned_at < _day_start(week.start_date) - EARLIEST_BEFORE_WEEK


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=VIETNAM_TZ)


def _scanner_filter(who: Scanner):
    if who.is_device:
        return GateScan.device_id == who.id
    return (GateScan.scanned_by_id == who.id) & GateScan.device_id.is_(None)


def answered(scanner, nonces: list[str]) -> dict[str, ScanResult]:
    """This scanner's earlier answers for these nonces, by nonce (two queries at most)."""
    if not nonces:
        return {}
    scans = db.session.scalars(select(GateScan).where(_scanner_filter(Scanner.of(scanner)),
                                                      GateScan.nonce.in_(list(set(nonces))))).all()
    if not scans:
        return {}
    checkins = _by_id(CheckIn, {s.checkin_id for s in scans if s.checkin_id})
    badges = _by_id(Badge, {s.badge_id for s in scans if s.badge_id})
    zones = _by_id(Zone, {s.zone_id for s in scans if s.zone_id})
    wanted = [s for s in scans if s.checkin_id is None and s.zone_id and s.badge_id]
    presence = {}
    if wanted:
        rows = db.session.scalars(select(ZonePresence).where(
            ZonePresence.badge_id.in_({s.badge_id for s in wanted}),
            ZonePresence.zone_id.in_({s.zone_id for s in wanted}))).all()
        presence = {(p.zone_id, p.badge_id, p.day): p for p in rows}
    results = {}
    for s in scans:
        zone = zones.get(s.zone_id)
        first_at = None
        if s.checkin_id in checkins:
            first_at = checkins[s.checkin_id].first_at
        elif zone is not None and s.badge_id:
            row = presence.get((zone.id, s.badge_id, to_vietnam_time(s.scanned_at).date()))
            first_at = row.first_entry_at if row else None
        results[s.nonce] = ScanResult(
            s.result, s.reason, first_at, badges.get(s.badge_id), s.checkin_id,
            zone_name=_zone_name(zone), direction=s.direction, flag=s.flag, nonce=s.nonce,
            scanned_at=s.scanned_at)
    return results


def _by_id(model, ids: set) -> dict:
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}


def _zone_name(zone: Zone | None) -> str:
    """What the answer names: "" for the default zone (the answers say "checked in", as before
    zones), the zone's name for any other."""
    return "" if zone is None or zone.is_default else zone.name


# -- deciding ------------------------------------------------------------------------------------

class _Batch:
    """What the decisions of one transaction read, loaded for all its scans at once (a fixed
    number of queries for a batch of any size), and kept up to date as they are decided."""

    def __init__(self, who: Scanner, zone: ZoneRules | None, asked: list[Asked],
                 now: datetime):
        self.who, self.zone, self.now = who, zone, now
        self.is_device = who.is_device
        codes = sorted({a.code for a in asked})
        # locked in id order: two batches sharing badges wait for each other, never deadlock;
        # their weeks read with them (not locked)
        query = (select(Badge).where(Badge.entry_code.in_(codes)).order_by(Badge.id)
                 .options(joinedload(Badge.week, innerjoin=True)))
        if self.is_device:
            query = query.where(Badge.week_id == who.week_id)
        self.badges = {b.entry_code: b
                       for b in db.session.scalars(query.with_for_update(of=Badge))}
        missing = [code for code in codes if code not in self.badges]
        self.contact_weeks = {}
        if missing:
            self.contact_weeks = dict(db.session.execute(
                select(Badge.contact_code, Badge.week_id).where(Badge.contact_code.in_(missing))
            ).all())
        self.default_zones: dict[int, ZoneRules] = {}
        ids = [b.id for b in self.badges.values()]
        days = {to_vietnam_time(a.scanned_at or now).date() for a in asked}
        self.presence: dict[tuple, ZonePresence] = {}
        self.checkins: dict[tuple, CheckIn] = {}
        #: (zone id, badge id, day) -> [(scanned_at, user id, device id)] of its let-in scans
        #: (answered ok, or the first entry that arrived late)
        self.let_in: dict[tuple, list[tuple]] = {}
        self._let_in_read = True
        if not ids:
            return
        for row in db.session.scalars(select(ZonePresence).where(
                ZonePresence.badge_id.in_(ids), ZonePresence.day.in_(days))):
            self.presence[(row.zone_id, row.badge_id, row.day)] = row
        for row in db.session.scalars(select(CheckIn).where(CheckIn.badge_id.in_(ids),
                                                            CheckIn.day.in_(days))):
            self.checkins[(row.badge_id, row.day)] = row
        self._ids, self._days, self._let_in_read = ids, days, False

    def _read_let_in(self) -> None:
        """Who let the batch's badges in on its days: read once, when the first badge already
        in needs its flag (most scans are first entries and never ask)."""
        self._let_in_read = True
        start = _day_start(min(self._days))
        end = _day_start(max(self._days)) + timedelta(days=1)
        for row in db.session.execute(
                select(GateScan.badge_id, GateScan.zone_id, GateScan.scanned_at,
                       GateScan.scanned_by_id, GateScan.device_id)
                .where(GateScan.badge_id.in_(self._ids),
                       (GateScan.result == OK) | (GateScan.flag == LATE),
                       GateScan.direction == IN, GateScan.scanned_at >= start,
                       GateScan.scanned_at < end)):
            self._remember_let_in(row.zone_id, row.badge_id, row.scanned_at,
                                  row.scanned_by_id, row.device_id)

    def _remember_let_in(self, zone_id, badge_id, scanned_at, user_id, device_id) -> None:
        # zone None: a scan made before zones, into the default zone (resolved when read)
        key = (zone_id, badge_id, to_vietnam_time(scanned_at).date())
        self.let_in.setdefault(key, []).append((scanned_at, user_id, device_id))

    def default_zone(self, week) -> ZoneRules:
        if week.id not in self.default_zones:
            self.default_zones[week.id] = ZoneRules.of(zones_service.default_zone(week))
        return self.default_zones[week.id]

    def visible(self, badge: Badge | None, zone: ZoneRules | None) -> bool:
        if badge is None:
            return False
        if self.is_device:
            return True  # the query kept the device's week only
        # a user came through authorised_zone: an organiser or entrance staff, who sees the
        # badges of its own body's weeks (badges.services.may_check_in)
        if badge.week.organizer_id != self.who.organizer_id:
            return False
        return zone is None or zone.week_id == badge.week_id

    def contact_visible(self, code: str) -> bool:
        week_id = self.contact_weeks.get(code)
        if week_id is None:
            return False
        if self.is_device:
            return week_id == self.who.week_id
        if self.zone is not None:
            return week_id == self.zone.week_id
        from exhibit.weeks.models import ExhibitionWeek
        week = db.session.get(ExhibitionWeek, week_id)
        return week.organizer_id == self.who.organizer_id

    def let_in_by(self, zone: ZoneRules, badge: Badge, day: date,
                  at: datetime) -> tuple | None:
        """The let-in a scan at ``at`` comes after: the latest made by then (one made later,
        when there is none: two scans of one instant)."""
        if not self._let_in_read:
            self._read_let_in()
        found = list(self.let_in.get((zone.id, badge.id, day), ()))
        if zone.is_default:
            found += self.let_in.get((None, badge.id, day), ())
        if not found:
            return None
        before = [one for one in found if one[0] <= at]
        return max(before, key=lambda one: one[0]) if before else max(found,
                                                                      key=lambda one: one[0])

    def by_this_scanner(self, let_in: tuple) -> bool:
        _at, user_id, device_id = let_in
        if self.is_device:
            return device_id == self.who.id
        return device_id is None and user_id == self.who.id


def decide_all(scanner, zone, asked: list[Asked], now: datetime) -> list[ScanResult]:
    """Decide and record scans in the caller's write transaction, in the order given (sync
    orders a device's queue by scan time), answering each; a nonce answered before (or earlier
    in the same list) gets its first answer. ``scanner`` and ``zone`` as authorised_zone let
    them through, best read before the transaction (Scanner.of, ZoneRules.of)."""
    who = Scanner.of(scanner)
    batch = _Batch(who, ZoneRules.of(zone), asked, now)
    previous = answered(who, [a.nonce for a in asked])
    results: list[ScanResult] = []
    recorded: list[tuple[ScanResult, GateScan]] = []
    for one in asked:
        if one.nonce in previous:
            results.append(previous[one.nonce])
            continue
        result, gate_scan = _decide(batch, one)
        db.session.add(gate_scan)
        previous[one.nonce] = result
        results.append(result)
        recorded.append((result, gate_scan))
    db.session.flush()
    for result, gate_scan in recorded:
        result.checkin_id = gate_scan.checkin_id
    return results


def _decide(batch: _Batch, one: Asked) -> tuple[ScanResult, GateScan]:
    scanned_at = one.scanned_at or batch.now
    badge = batch.badges.get(one.code)
    zone = batch.zone
    if not batch.visible(badge, zone):
        badge = None
    elif zone is None:
        zone = batch.default_zone(badge.week)
    result = _judge(batch, one, badge, zone, scanned_at)
    result.nonce, result.scanned_at, result.direction = one.nonce, scanned_at, one.direction
    result.zone_name = _zone_name(zone)
    if one.clock:
        result.flag = CLOCK  # its time is the arrival's: the first thing to know about it
    elif not result.flag and one.device_answer and one.device_answer != result.status:
        result.flag = DISAGREED
    gate_scan = GateScan(
        nonce=one.nonce, code=one.code, result=result.status, reason=result.reason,
        badge_id=result.badge.id if result.badge else None,
        scanned_by_id=None if batch.is_device else batch.who.id,
        device_id=batch.who.id if batch.is_device else None,
        zone_id=zone.id if zone is not None else None, direction=one.direction,
        device_answer=one.device_answer, flag=result.flag, scanned_at=scanned_at,
        received_at=batch.now)
    if result.checkin is not None:
        gate_scan.checkin = result.checkin
    return result, gate_scan


def _judge(batch: _Batch, one: Asked, badge: Badge | None, zone: ZoneRules | None,
           scanned_at: datetime) -> ScanResult:
    if badge is None:
        if batch.contact_visible(one.code):
            return ScanResult(INVALID, "contact_code")
        return ScanResult(INVALID, "unknown")
    if badge.revoked_at is not None:
        return ScanResult(INVALID, "revoked", badge=badge)
    day = to_vietnam_time(scanned_at).date()
    week = badge.week
    if not week.start_date <= day <= week.end_date:
        return ScanResult(INVALID, "not_running", badge=badge)
    if not zones_service.zone_open_on(zone, day):
        return ScanResult(INVALID, "wrong_day", badge=badge)
    if not zones_service.zone_lets_in(zone, badge.kind):
        return ScanResult(INVALID, "kind_not_allowed", badge=badge)
    with_exits = zone.mode == ZoneMode.ENTRY_EXIT.value
    presence = batch.presence.get((zone.id, badge.id, day))
    # a scan with its own time (a device's) made before the latest scan the zone knows of for
    # this badge and day: counted, but whether the badge is inside now is that later scan's to
    # say. (A scan made now is never late: two at the same instant are decided in turn.)
    queued = one.scanned_at is not None
    late = (queued and presence is not None and presence.last_at is not None
            and scanned_at < presence.last_at)
    if one.direction == OUT:
        if not with_exits:
            return ScanResult(INVALID, "exits_not_used", badge=badge)
        if late:
            # inside at that time: it had entered before, and had not left as often as it entered
            inside_then = (presence.entries > presence.exits and presence.first_entry_at
                           is not None and presence.first_entry_at <= scanned_at)
            if not inside_then:
                return ScanResult(INVALID, "not_inside", badge=badge)
            presence.exits += 1
            return ScanResult(OK, badge=badge, first_at=presence.first_entry_at)
        if presence is None or not presence.inside:
            return ScanResult(INVALID, "not_inside", badge=badge)
        presence.exits += 1
        presence.inside = False
        presence.last_at = max(presence.last_at or scanned_at, scanned_at)
        return ScanResult(OK, badge=badge, first_at=presence.first_entry_at)
    return _enter(batch, zone, badge, day, presence, scanned_at, with_exits, queued, late)


def _enter(batch: _Batch, zone: ZoneRules, badge: Badge, day: date, presence: ZonePresence | None,
           scanned_at: datetime, with_exits: bool, queued: bool, late: bool) -> ScanResult:
    checkin = batch.checkins.get((badge.id, day)) if zone.is_default else None
    entered = presence is not None and presence.entries > 0 or checkin is not None
    if entered:
        # inside now says nothing of a late scan's time: where the zone lets a badge in
        # again, a late entry counts
        again = zone.multiple_entries and (late or not (with_exits and presence is not None
                                                        and presence.inside))
        if not again:
            return _already(batch, zone, badge, day, presence, checkin, scanned_at, queued)
    if presence is None:
        presence = ZonePresence(zone_id=zone.id, badge_id=badge.id, day=day, entries=0, exits=0,
                                inside=False, first_entry_at=scanned_at, last_at=scanned_at)
        db.session.add(presence)
        batch.presence[(zone.id, badge.id, day)] = presence
    presence.entries += 1
    if not late:
        presence.inside = with_exits
    presence.first_entry_at = min(presence.first_entry_at or scanned_at, scanned_at)
    presence.last_at = max(presence.last_at or scanned_at, scanned_at)
    result = ScanResult(OK, badge=badge, first_at=scanned_at)
    if zone.is_default:
        if checkin is None:
            checkin = CheckIn(badge_id=badge.id, week_id=badge.week_id, day=day,
                              first_at=scanned_at,
                              checked_in_by_id=None if batch.is_device else batch.who.id)
            db.session.add(checkin)
            batch.checkins[(badge.id, day)] = checkin
        elif scanned_at < checkin.first_at:
            checkin.first_at = scanned_at
        result.first_at, result.checkin = checkin.first_at, checkin
    batch._remember_let_in(zone.id, badge.id, scanned_at,
                           None if batch.is_device else batch.who.id,
                           batch.who.id if batch.is_device else None)
    return result


def _already(batch: _Batch, zone: ZoneRules, badge: Badge, day: date,
             presence: ZonePresence | None, checkin: CheckIn | None,
             scanned_at: datetime, queued: bool) -> ScanResult:
    """A badge already let in: answered with the time of the first entry, which a scan made
    earlier but arriving later (queued offline) moves back — the first scan wins, flagged
    "late" (see the module docstring)."""
    first_at = checkin.first_at if checkin is not None else (
        presence.first_entry_at if presence is not None else None)
    earlier = queued and first_at is not None and scanned_at < first_at
    if checkin is not None and scanned_at < checkin.first_at:
        checkin.first_at = scanned_at
    if presence is not None and presence.first_entry_at and scanned_at < presence.first_entry_at:
        presence.first_entry_at = scanned_at
    if earlier:
        first_at = scanned_at
    result = ScanResult(ALREADY, first_at=first_at, badge=badge, checkin=checkin)
    if earlier:
        result.flag = LATE
        batch._remember_let_in(zone.id, badge.id, scanned_at,
                               None if batch.is_device else batch.who.id,
                               batch.who.id if batch.is_device else None)
        return result
    let_in = batch.let_in_by(zone, badge, day, scanned_at)
    if let_in is not None:
        result.flag = REPEAT if batch.by_this_scanner(let_in) else OTHER_DEVICE
    return result
