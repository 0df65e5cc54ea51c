"""A week's zones: the places a badge is scanned into, their rules, and who is inside them.

Every week has one default zone, the exhibition hall ("Khu trưng bày"): its first entry of a
day is the badge's check-in for that day (badges.CheckIn), as the single entrance was before
zones. It is made the first time anything asks for it, so weeks that existed before zones get
theirs without a migration step. Organisers add the others (the B2B room, the conference, the
signing ceremony) with their own rules: which badge kinds, which days, entries only or entries
and exits, once a day or again after leaving.

A week gets its default zone when it is created (the listener at the end of this module); a
week from before zones gets it from the first scan or organiser's change that needs it, and
until then the pages that only read show a stand-in with the same rules (a GET never writes).

The headcount is kept by scanning.decide in ZonePresence (one row per zone, badge and day);
this module reads it for the organiser's live count and the week report, with a fixed number of
queries whatever the number of zones.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import Date, case, cast, event, func, literal_column, select, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from exhibit.badges.models import BadgeKind, CheckIn, GateScan
from exhibit.core import audit
from exhibit.core.db import in_write_transaction, is_postgres, utcnow, write_transaction
from exhibit.core.errors import ValidationFailed
from exhibit.extensions import db
from exhibit.scanning.models import Zone, ZoneMode, ZonePresence
from exhibit.vn.dates import VIETNAM_TZ
from exhibit.vn.text import clean_text
from exhibit.weeks.models import ExhibitionWeek
from exhibit.weeks.services import require_week_organiser

#: the default zone's name, stored in Vietnamese as organisers type theirs
DEFAULT_ZONE_NAME = "Khu trưng bày"
NAME_LIMIT = 120


# -- the default zone ------------------------------------------------------------------------------

def default_zone(week) -> Zone:
    """The week's exhibition hall, made the first time it is asked for.

    Two requests asking at once both try to insert it and the partial unique index
    (one default per week) lets one row in; the other's insert does nothing and it reads the
    winner's row. It works inside the caller's write transaction (a scan deciding) or makes
    its own (a page listing zones)."""
    zone = _stored_default(week.id)
    if zone is not None:
        return zone
    if in_write_transaction():
        _insert_default(week.id)
    else:
        with write_transaction():
            _insert_default(week.id)
    zone = _stored_default(week.id)
    if zone is None:  # pragma: no cover - the insert above or a concurrent one made it
        raise RuntimeError(f"no default zone for week {week.id}")
    return zone


def _stored_default(week_id: int) -> Zone | None:
    return db.session.scalar(select(Zone).where(Zone.week_id == week_id, Zone.is_default))


def _insert_default(week_id: int) -> None:
    insert = pg_insert if is_postgres() else sqlite_insert
    # DO NOTHING on any conflict: another request made the default zone first (the partial
    # unique index), or a zone already has the name (create_zone makes the default first, so
    # that only happens to a week whose organiser renamed the default and then took its name)
    values = {**_default_values(week_id), "created_at": utcnow()}
    result = db.session.execute(insert(Zone).values(**values).on_conflict_do_nothing())
    if result.rowcount == 0 and _stored_default(week_id) is None:
        values["name"] = f"{DEFAULT_ZONE_NAME} ({week_id})"
        db.session.execute(insert(Zone).values(**values).on_conflict_do_nothing())


def week_zones(week) -> list[Zone]:
    """The week's zones, the default zone first, then by position and name. Only reads: a
    week from before zones that has not stored its default zone yet shows a stand-in for it
    (``id`` None; update_zone stores it)."""
    stored = list(db.session.scalars(
        select(Zone).where(Zone.week_id == week.id)
        .order_by(Zone.is_default.desc(), Zone.position, Zone.name, Zone.id)))
    if not stored or not stored[0].is_default:
        stored.insert(0, _stand_in(week))
    return stored


def _default_values(week_id: int) -> dict:
    return {"week_id": week_id, "name": DEFAULT_ZONE_NAME, "badge_kinds": "", "days": "",
            "mode": ZoneMode.ENTRY.value, "multiple_entries": False, "is_default": True,
            "position": 0}


def _stand_in(week) -> Zone:
    """The default zone of a week that has not stored it: the same rules, never saved."""
    return Zone(**_default_values(week.id))


@event.listens_for(ExhibitionWeek, "after_insert")
def _week_gets_its_hall(_mapper, connection, week) -> None:
    """Every new week has its exhibition hall from the start, in the same transaction, so its
    zones have ids before anyone scans (however the week was made through the ORM)."""
    connection.execute(Zone.__table__.insert().values(**_default_values(week.id),
                                                      created_at=utcnow()))


def get_week_zone(week, zone_id: int) -> Zone | None:
    """One of the week's zones, or None (another week's zone is none of this week's)."""
    zone = db.session.get(Zone, zone_id)
    return zone if zone is not None and zone.week_id == week.id else None


# -- organisers' changes ---------------------------------------------------------------------------

ZONE_FIELDS = ("name", "badge_kinds", "days", "mode", "multiple_entries", "position")


def clean_zone_data(week, data: dict) -> dict:
    """Validate a zone's fields. ``badge_kinds`` and ``days`` take a list or a comma-separated
    string (an empty one: every kind, every day of the week); days are ISO dates or dates."""
    errors: dict[str, str] = {}
    name = clean_text(str(data.get("name") or ""))
    if not name:
        errors["name"] = _("Give the zone a name.")
    elif len(name) > NAME_LIMIT:
        errors["name"] = _("At most %(n)d characters.", n=NAME_LIMIT)

    kinds = _listed(data.get("badge_kinds"))
    known = {kind.value for kind in BadgeKind}
    unknown_kinds = [kind for kind in kinds if kind not in known]
    if unknown_kinds:
        errors["badge_kinds"] = _("Unknown badge kind: %(kinds)s.", kinds=", ".join(unknown_kinds))
    # every kind ticked is the same rule as none: store it as "" (let every kind in)
    kinds = [] if set(kinds) >= known else [k.value for k in BadgeKind if k.value in kinds]

    days: list[date] = []
    for value in _listed(data.get("days")):
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            errors["days"] = _("%(value)s is not a date.", value=str(value)[:20])
            break
        if not week.start_date <= day <= week.end_date:
            errors["days"] = _("Choose days of the week (%(start)s to %(end)s).",
                               start=week.start_date.strftime("%d/%m/%Y"),
                               end=week.end_date.strftime("%d/%m/%Y"))
            break
        days.append(day)
    days = sorted(set(days))
    if set(days) == set(week.days):
        days = []

    mode = str(data.get("mode") or ZoneMode.ENTRY.value)
    if mode not in {m.value for m in ZoneMode}:
        errors["mode"] = _("Choose entries only, or entries and exits.")

    position = data.get("position") or 0
    try:
        position = int(position)
        if not 0 <= position < 10_000:
            raise ValueError
    except (TypeError, ValueError):
        errors["position"] = _("A whole number from 0 to 9999.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    return {"name": name, "badge_kinds": ",".join(kinds),
            "days": ",".join(day.isoformat() for day in days), "mode": mode,
            "multiple_entries": _truthy(data.get("multiple_entries")), "position": position}


def _listed(value) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [part.strip() if isinstance(part, str) else part for part in value if part not in ("", None)]


def _truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes", "y")
    return bool(value)


def _name_taken(week_id: int, name: str, zone_id: int | None) -> bool:
    return db.session.scalar(select(Zone.id).where(
        Zone.week_id == week_id, func.lower(Zone.name) == name.lower(),
        Zone.id != (zone_id or -1))) is not None


def _refuse_taken_name() -> ValidationFailed:
    message = _("Another zone of this week has this name.")
    return ValidationFailed(message, fields={"name": message})


def _recorded(zone: Zone) -> dict:
    return {name: getattr(zone, name) for name in ZONE_FIELDS}


def create_zone(*, actor, week, data: dict) -> Zone:
    """An organiser of the week adds a zone with its rules."""
    require_week_organiser(actor, week)
    cleaned = clean_zone_data(week, data)
    default_zone(week)  # the hall exists first, so its name is taken like any other zone's
    with write_transaction():
        if _name_taken(week.id, cleaned["name"], None):
            raise _refuse_taken_name()
        zone = Zone(week_id=week.id, is_default=False, **cleaned)
        db.session.add(zone)
        db.session.flush()
        audit.record("zone", zone.id, "create", actor=actor, week_id=week.id, after=cleaned)
    return zone


def update_zone(*, actor, zone: Zone, data: dict) -> Zone:
    """An organiser of the week changes a zone's name or rules (the default zone's too: its
    first entry of a day stays the check-in). Scans already made keep their answers."""
    week = zone.week if zone.id is not None else db.session.get(ExhibitionWeek, zone.week_id)
    require_week_organiser(actor, week)
    cleaned = clean_zone_data(week, data)
    if zone.id is None:  # week_zones' stand-in for a default zone not stored yet
        zone = default_zone(week)
    with write_transaction():
        zone = db.session.get(Zone, zone.id)
        if _name_taken(week.id, cleaned["name"], zone.id):
            raise _refuse_taken_name()
        before = _recorded(zone)
        for key, value in cleaned.items():
            setattr(zone, key, value)
        changed = {key: value for key, value in cleaned.items() if before[key] != value}
        if changed:
            audit.record("zone", zone.id, "update", actor=actor, week_id=week.id,
                         before={key: before[key] for key in changed}, after=changed)
    return zone


# -- counts ----------------------------------------------------------------------------------------

@dataclass
class ZoneCount:
    """One zone's figures for one day."""
    zone: Zone
    #: people inside now (entries and exits zones); in an entries-only zone, everyone who
    #: entered that day
    inside: int = 0
    #: entries that day (a badge let in twice, where the zone allows it, counts twice)
    entries: int = 0
    #: different badges that entered that day
    people: int = 0
    #: entries per hour of the day, Vietnam time: by_hour[9] is 09:00–09:59. A badge's first
    #: entry of the day counts at its first time (the check-in's, in the hall: a scan queued
    #: offline that arrived late moves it back), each further entry at its scan's
    by_hour: list[int] = field(default_factory=lambda: [0] * 24)

    @property
    def busiest_hours(self) -> list[tuple[int, int]]:
        """(hour, entries) for the hours anyone entered, in order."""
        return [(hour, count) for hour, count in enumerate(self.by_hour) if count]


def zone_counts(week, day: date) -> list[ZoneCount]:
    """Each zone's figures for the day (Vietnam time), in week_zones order: four queries
    whatever the number of zones. The default zone counts the day's check-ins, so scans
    recorded before zones existed count too."""
    zones = week_zones(week)
    default = zones[0]
    counts = {zone.id: ZoneCount(zone) for zone in zones}
    stored = [zone.id for zone in zones if zone.id is not None]
    for row in db.session.execute(
            select(ZonePresence.zone_id, func.coalesce(func.sum(ZonePresence.entries), 0),
                   func.count(ZonePresence.id),
                   func.coalesce(func.sum(case((ZonePresence.inside, 1), else_=0)), 0))
            .where(ZonePresence.zone_id.in_(stored), ZonePresence.day == day,
                   ZonePresence.entries > 0)
            .group_by(ZonePresence.zone_id)):
        count = counts[row[0]]
        count.entries, count.people, inside = int(row[1]), int(row[2]), int(row[3])
        count.inside = inside if count.zone.mode == ZoneMode.ENTRY_EXIT.value else count.people
    # the hall: the day's check-ins, with the entries their presence rows add beyond the first
    checkins, entries = db.session.execute(
        select(func.count(CheckIn.id), func.coalesce(func.sum(
            func.coalesce(ZonePresence.entries, 1)), 0))
        .select_from(CheckIn)
        .outerjoin(ZonePresence, (ZonePresence.badge_id == CheckIn.badge_id)
                   & (ZonePresence.day == CheckIn.day) & (ZonePresence.zone_id == default.id))
        .where(CheckIn.week_id == week.id, CheckIn.day == day)).one()
    hall = counts[default.id]
    hall.people, hall.entries = max(hall.people, int(checkins)), max(hall.entries, int(entries))
    if default.mode != ZoneMode.ENTRY_EXIT.value:
        hall.inside = hall.people
    for zone_id, hour, number in _entries_by_hour(week, day, default.id, stored):
        if zone_id in counts and 0 <= hour < 24:  # (None: the stand-in's)
            counts[zone_id].by_hour[hour] += int(number)
    return [counts[zone.id] for zone in zones]


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=VIETNAM_TZ)
    return start, start + timedelta(days=1)


def vietnam_hour(column):
    """The hour of a stored moment, Vietnam time, in SQL."""
    if is_postgres():
        return func.extract("hour", func.timezone("Asia/Ho_Chi_Minh", column))
    return func.strftime("%H", column, "+7 hours")  # Vietnam keeps UTC+7; SQLite stores UTC


def vietnam_day(column):
    """The day of a stored moment, Vietnam time, in SQL (comparable with a Date column)."""
    if is_postgres():
        return cast(func.timezone("Asia/Ho_Chi_Minh", column), Date)
    return func.date(column, "+7 hours")


def _entries_by_hour(week, day: date, default_id: int | None,
                     stored: list[int]) -> list[tuple]:
    """(zone id, Vietnam hour, entries) of the day, in one statement: each badge's first entry
    at its first time — the hall's from its check-ins (so scans made before zones count too),
    another zone's from its presence rows — and each further entry (a zone letting a badge in
    again) at its own scan's time."""
    start, end = _day_bounds(day)
    hall_marker = 0  # zone ids start at 1: the hall's rows, whatever its id (or none yet)
    # each hour expression is one object, so its SELECT and GROUP BY are the same SQL
    hour = vietnam_hour(CheckIn.first_at)
    hall_first = (
        select(literal_column(str(hall_marker)).label("zone_id"), hour, func.count(CheckIn.id))
        .where(CheckIn.week_id == week.id, CheckIn.day == day)
        .group_by(hour))
    others = [zone_id for zone_id in stored if zone_id != default_id]
    hour = vietnam_hour(ZonePresence.first_entry_at)
    zone_first = (
        select(ZonePresence.zone_id, hour, func.count(ZonePresence.id))
        .where(ZonePresence.zone_id.in_(others), ZonePresence.day == day,
               ZonePresence.entries > 0)
        .group_by(ZonePresence.zone_id, hour))
    zone_id = func.coalesce(GateScan.zone_id, default_id)
    hour = vietnam_hour(GateScan.scanned_at)
    further = (
        select(ZonePresence.zone_id, hour, func.count(GateScan.id))
        .join(ZonePresence, (ZonePresence.zone_id == zone_id)
              & (ZonePresence.badge_id == GateScan.badge_id) & (ZonePresence.day == day))
        .where(ZonePresence.zone_id.in_(stored), ZonePresence.entries > 1,
               GateScan.result == "ok", GateScan.direction == "in",
               GateScan.scanned_at >= start, GateScan.scanned_at < end,
               GateScan.scanned_at > ZonePresence.first_entry_at)
        .group_by(ZonePresence.zone_id, hour))
    rows = db.session.execute(union_all(hall_first, zone_first, further)).all()
    return [(default_id if int(row[0]) == hall_marker else int(row[0]), int(row[1]), int(row[2]))
            for row in rows]


@dataclass
class ZoneVisits:
    """One zone's visits over the whole week, for the week report."""
    zone: Zone
    #: entries, every day together
    visits: int = 0
    #: different badges that entered at least once
    people: int = 0


def visits_by_zone(week) -> list[ZoneVisits]:
    """Visits and different people per zone over the week, in week_zones order; the default
    zone counts check-ins too (scans made before zones). Three queries."""
    zones = week_zones(week)
    default = zones[0]
    visits = {zone.id: ZoneVisits(zone) for zone in zones}
    stored = [zone.id for zone in zones if zone.id is not None]
    for zone_id, entries, people in db.session.execute(
            select(ZonePresence.zone_id, func.coalesce(func.sum(ZonePresence.entries), 0),
                   func.count(func.distinct(ZonePresence.badge_id)))
            .where(ZonePresence.zone_id.in_(stored), ZonePresence.entries > 0)
            .group_by(ZonePresence.zone_id)):
        visits[zone_id].visits, visits[zone_id].people = int(entries), int(people)
    checkins, people = db.session.execute(
        select(func.count(CheckIn.id), func.count(func.distinct(CheckIn.badge_id)))
        .where(CheckIn.week_id == week.id)).one()
    hall = visits[default.id]
    hall.visits, hall.people = max(hall.visits, int(checkins)), max(hall.people, int(people))
    return [visits[zone.id] for zone in zones]


def zone_open_on(zone: Zone, day: date) -> bool:
    days = zone.day_list
    return not days or day in days


def zone_lets_in(zone: Zone, kind: str) -> bool:
    kinds = zone.kind_list
    return not kinds or kind in kinds

