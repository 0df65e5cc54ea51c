"""Halls and booths: editing and CSV/XLSX import (all or nothing). Who holds a booth is
booking's fact (exhibit/booking/queries.py); the floor plan is the geometry it sits on."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from exhibit.core import audit
from exhibit.core.db import write_transaction
from exhibit.core.events import announce, floor_plan_changed
from exhibit.core.errors import NotFound, ValidationFailed
from exhibit.core.spreadsheets import header_lookup, read_records
from exhibit.extensions import db
from exhibit.floorplan.models import Booth, BoothType, Hall
from exhibit.floorplan.svg import near_area
from exhibit.vn.numbers import parse_decimal, parse_whole
from exhibit.vn.text import clean_text, fold_search_key
from exhibit.weeks.services import require_week_organiser

MAX_IMPORT_ROWS = 5000

#: What must hold before booths are blocked, added by the features that know (booking: "a
#: booked booth cannot be blocked"). Each check gets the booths about to become blocked, inside
#: the write transaction, and raises Conflict to refuse. The floor plan itself knows nothing of
#: bookings: this keeps the dependency pointing from booking to the floor plan.
blocking_checks: list[Callable[[list[Booth]], None]] = []


def _check_blocking(booths: list[Booth]) -> None:
    if booths:
        for check in blocking_checks:
            check(booths)


# -- reading ---------------------------------------------------------------------------------

def get_booth(week, code: str) -> Booth:
    booth = db.session.scalar(select(Booth).where(Booth.week_id == week.id, Booth.code == code))
    if booth is None:
        raise NotFound(_("There is no booth %(code)s at this week.", code=code),
                       code="booth_not_found")
    return booth


def booths_near(hall: Hall, booth: Booth):
    """The booths of the hall within ``svg.NEAR_CELLS`` of the booth (itself included), as
    rows of their place on the grid: what the visitor's page draws around the booth."""
    x0, y0, x1, y1 = near_area(hall.grid_width, hall.grid_height, booth)
    return db.session.execute(
        select(Booth.id, Booth.code, Booth.grid_x, Booth.grid_y, Booth.grid_w, Booth.grid_h)
        .where(Booth.hall_id == hall.id, Booth.grid_x < x1, Booth.grid_x + Booth.grid_w > x0,
               Booth.grid_y < y1, Booth.grid_y + Booth.grid_h > y0)).all()


def week_booths(week) -> list[Booth]:
    return db.session.scalars(
        select(Booth).where(Booth.week_id == week.id).options(joinedload(Booth.hall))
        .order_by(Booth.code)).all()


# -- halls -------------------------------------------------------------------------------------

def clean_hall_data(data: dict) -> dict:
    errors = {}
    name = clean_text(data.get("name"))
    if not name:
        errors["name"] = _("Enter the hall's name.")
    cleaned = {"name": name[:120]}
    for key in ("grid_width", "grid_height"):
        try:
            value = int(data.get(key) or 0)
            if not 1 <= value <= 500:
                raise ValueError
            cleaned[key] = value
        except (TypeError, ValueError):
            errors[key] = _("Enter a whole number of metres between 1 and 500.")
    if errors:
        raise ValidationFailed(_("Some details of the hall are not valid."), fields=errors)
    return cleaned


def save_hall(*, actor, week, data: dict, hall: Hall | None = None) -> Hall:
    require_week_organiser(actor, week)
    cleaned = clean_hall_data(data)
    with write_transaction():
        duplicate = db.session.scalar(select(Hall.id).where(
            Hall.week_id == week.id, Hall.name == cleaned["name"],
            Hall.id != (hall.id if hall else -1)))
        if duplicate:
            raise ValidationFailed(_("Another hall has this name."),
                                   fields={"name": _("Another hall has this name.")})
        if hall is None:
            count = len(db.session.scalars(select(Hall.id).where(Hall.week_id == week.id)).all())
            hall = Hall(week_id=week.id, position=count, **cleaned)
            db.session.add(hall)
            action = "create"
        else:
            hall = db.session.get(Hall, hall.id)
            for key, value in cleaned.items():
                setattr(hall, key, value)
            action = "update"
        db.session.flush()
        outside = [b.code for b in hall.booths if not _inside_hall(b, hall)]
        if outside:
            raise ValidationFailed(_("Booths %(codes)s would fall outside the hall.",
                                     codes=", ".join(outside)),
                                   fields={"grid_width": _("Too small for the booths in this hall.")})
        audit.record("hall", hall.id, action, actor=actor, week_id=week.id, after=cleaned)
    return hall


# -- booths ------------------------------------------------------------------------------------

_TYPE_ALIASES = {
    "standard": BoothType.STANDARD, "tieu chuan": BoothType.STANDARD, "chuan": BoothType.STANDARD,
    "corner": BoothType.CORNER, "goc": BoothType.CORNER,
    "premium": BoothType.PREMIUM, "cao cap": BoothType.PREMIUM,
    "raw space": BoothType.RAW_SPACE,
    "dat trong": BoothType.RAW_SPACE, "mat bang": BoothType.RAW_SPACE,
}


def clean_booth_data(data: dict) -> dict:
    """Validate one booth's fields. Keys: code, booth_type, width_m, depth_m, area_m2 (optional,
    default width × depth), price_vnd, grid_x, grid_y, grid_w, grid_h (default width/depth
    rounded), blocked, blocked_reason."""
    errors: dict[str, str] = {}
    cleaned: dict = {}
    code = clean_text(data.get("code")).upper().replace(" ", "")
    if not code:
        errors["code"] = _("Enter the booth code.")
    elif len(code) > 20:
        errors["code"] = _("A booth code has at most 20 characters.")
    cleaned["code"] = code

    raw_type = data.get("booth_type") or BoothType.STANDARD.value
    booth_type = _TYPE_ALIASES.get(fold_search_key(str(raw_type)).replace("_", " "))
    if booth_type is None:
        errors["booth_type"] = _("Unknown booth type; use standard, corner, premium or raw_space.")
    cleaned["booth_type"] = booth_type.value if booth_type else None

    for key, default in (("width_m", 3.0), ("depth_m", 3.0)):
        try:
            value = parse_decimal(data.get(key))
            value = default if value is None else value
            if not 0 < value <= 200:
                raise ValueError
            cleaned[key] = round(value, 2)
        except (TypeError, ValueError):
            errors[key] = _("Enter a size in metres greater than 0.")
    try:
        area = parse_decimal(data.get("area_m2"))
        if area is not None and not 0 < area <= 40000:
            raise ValueError
        if area is None and "width_m" in cleaned and "depth_m" in cleaned:
            area = cleaned["width_m"] * cleaned["depth_m"]
        cleaned["area_m2"] = round(area, 2) if area is not None else None
    except (TypeError, ValueError):
        errors["area_m2"] = _("Enter an area in square metres greater than 0.")
    try:
        price = parse_whole(data.get("price_vnd"))
        if price is None or price < 0:
            raise ValueError
        cleaned["price_vnd"] = price
    except (TypeError, ValueError):
        errors["price_vnd"] = _("Enter a price in whole đồng (0 for a subsidised booth).")

    defaults = {"grid_x": 0, "grid_y": 0,
                "grid_w": max(1, round(cleaned.get("width_m") or 3)),
                "grid_h": max(1, round(cleaned.get("depth_m") or 3))}
    for key, default in defaults.items():
        try:
            value = parse_whole(data.get(key))
            value = default if value is None else value
            if value < (1 if key in ("grid_w", "grid_h") else 0) or value > 500:
                raise ValueError
            cleaned[key] = value
        except (TypeError, ValueError):
            errors[key] = _("Enter a whole number of grid cells.")

    blocked = data.get("blocked")
    if isinstance(blocked, str):
        blocked = fold_search_key(blocked) in ("1", "true", "yes", "x", "co", "khoa", "blocked")
    cleaned["blocked"] = bool(blocked)
    cleaned["blocked_reason"] = clean_text(data.get("blocked_reason"))[:200]
    if errors:
        raise ValidationFailed(_("Some details of the booth are not valid."), fields=errors)
    return cleaned


def _inside_hall(booth, hall: Hall) -> bool:
    return booth.grid_x + booth.grid_w <= hall.grid_width and \
        booth.grid_y + booth.grid_h <= hall.grid_height


def _overlaps(a, b) -> bool:
    return (a.grid_x < b.grid_x + b.grid_w and b.grid_x < a.grid_x + a.grid_w
            and a.grid_y < b.grid_y + b.grid_h and b.grid_y < a.grid_y + a.grid_h)


def _layout_problems(booths: list[Booth], halls: dict[int, Hall]) -> dict[str, str]:
    """Booth codes that overlap another booth or leave their hall, with the reason."""
    problems: dict[str, str] = {}
    by_hall: dict[int, list[Booth]] = {}
    for booth in booths:
        by_hall.setdefault(booth.hall_id, []).append(booth)
    for hall_id, members in by_hall.items():
        hall = halls[hall_id]
        members.sort(key=lambda b: (b.grid_x, b.grid_y))
        for i, booth in enumerate(members):
            if not _inside_hall(booth, hall):
                problems[booth.code] = _("Booth %(code)s lies outside hall %(hall)s.",
                                         code=booth.code, hall=hall.name)
            for other in members[i + 1:]:
                if other.grid_x >= booth.grid_x + booth.grid_w:
                    break
                if _overlaps(booth, other):
                    problems[other.code] = _("Booth %(code)s overlaps booth %(other)s.",
                                             code=other.code, other=booth.code)
    return problems


def save_booth(*, actor, week, hall_id: int, data: dict, booth: Booth | None = None) -> Booth:
    """Create a booth or edit one (renumbering keeps its id, so its allocations and QR stay)."""
    require_week_organiser(actor, week)
    cleaned = clean_booth_data(data)
    with write_transaction():
        halls = {h.id: h for h in db.session.scalars(select(Hall).where(Hall.week_id == week.id))}
        if hall_id not in halls:
            raise ValidationFailed(_("Choose a hall of this week."),
                                   fields={"hall_id": _("Choose a hall of this week.")})
        clash = db.session.scalar(select(Booth.id).where(
            Booth.week_id == week.id, Booth.code == cleaned["code"],
            Booth.id != (booth.id if booth else -1)))
        if clash:
            raise ValidationFailed(_("Another booth already has code %(code)s.", code=cleaned["code"]),
                                   fields={"code": _("Already used in this week.")})
        if booth is None:
            booth = Booth(week_id=week.id, hall_id=hall_id, **cleaned)
            db.session.add(booth)
            before = None
        else:
            booth = db.session.get(Booth, booth.id)
            before = _booth_snapshot(booth)
            if cleaned["blocked"] and not booth.blocked:
                _check_blocking([booth])
            booth.hall_id = hall_id
            for key, value in cleaned.items():
                setattr(booth, key, value)
        db.session.flush()
        all_booths = db.session.scalars(select(Booth).where(Booth.week_id == week.id)).all()
        problems = _layout_problems(all_booths, halls)
        if booth.code in problems:
            raise ValidationFailed(problems[booth.code], fields={"grid_x": problems[booth.code]})
        audit.record("booth", booth.id, "update" if before else "create", actor=actor,
                     week_id=week.id, before=before, after=_booth_snapshot(booth))
        if before is None:
            announce(floor_plan_changed, week_id=week.id)
    return booth


def _booth_snapshot(booth: Booth) -> dict:
    return {"code": booth.code, "type": booth.booth_type, "hall_id": booth.hall_id,
            "area_m2": booth.area_m2, "price_vnd": booth.price_vnd, "blocked": booth.blocked,
            "grid": [booth.grid_x, booth.grid_y, booth.grid_w, booth.grid_h]}


def set_booth_blocked(*, actor, week, booth: Booth, blocked: bool, reason: str = "") -> Booth:
    """Block a booth (pillar, organiser use) or unblock it. A booked booth cannot be blocked."""
    require_week_organiser(actor, week)
    with write_transaction():
        booth = db.session.get(Booth, booth.id)
        if blocked and not booth.blocked:
            _check_blocking([booth])
        before = _booth_snapshot(booth)
        booth.blocked, booth.blocked_reason = blocked, clean_text(reason)[:200] if blocked else ""
        audit.record("booth", booth.id, "block" if blocked else "unblock", actor=actor,
                     week_id=week.id, before=before, after=_booth_snapshot(booth))
    return booth


# -- import ------------------------------------------------------------------------------------

_HEADER_ALIASES = {
    "hall": ("hall", "khu", "khu vuc", "sanh", "nha"),
    "code": ("code", "booth", "ma", "ma gian hang", "gian hang", "so gian hang"),
    "booth_type": ("type", "booth type", "booth_type", "loai", "loai gian hang"),
    "width_m": ("width", "width_m", "width m", "rong", "chieu rong", "rong m"),
    "depth_m": ("depth", "depth_m", "depth m", "sau", "chieu sau", "sau m"),
    "area_m2": ("area", "area_m2", "area m2", "dien tich", "dien tich m2"),
    "price_vnd": ("price", "price_vnd", "price vnd", "gia", "don gia", "gia vnd", "gia thue"),
    "grid_x": ("grid_x", "grid x", "x", "cot"),
    "grid_y": ("grid_y", "grid y", "y", "hang"),
    "grid_w": ("grid_w", "grid w", "w", "o ngang"),
    "grid_h": ("grid_h", "grid h", "h", "o doc"),
    "blocked": ("blocked", "khoa", "chan"),
    "blocked_reason": ("blocked_reason", "blocked reason", "ly do khoa"),
}


_HEADER_LOOKUP = header_lookup(_HEADER_ALIASES)


@dataclass
class ImportResult:
    created: int
    updated: int


def import_booths(*, actor, week, filename: str, content: bytes) -> ImportResult:
    """Create or update booths (matched by code) from a table. Any bad row rejects the whole file.

    Raises ValidationFailed whose fields are "row N" → message (N as in the spreadsheet).
    """
    require_week_organiser(actor, week)
    records = read_records(filename, content, lookup=_HEADER_LOOKUP,
                           required={f: f for f in ("hall", "code", "price_vnd")},
                           max_rows=MAX_IMPORT_ROWS,
                           too_many=_("At most %(n)d booths per file.", n=MAX_IMPORT_ROWS))
    errors: dict[str, str] = {}
    parsed: list[tuple[int, str, dict]] = []
    seen_codes: dict[str, int] = {}
    for number, record in records:
        hall_name = clean_text(str(record.pop("hall", "") or ""))
        try:
            cleaned = clean_booth_data(record)
        except ValidationFailed as exc:
            errors[f"row {number}"] = " ".join(exc.fields.values())
            continue
        if not hall_name:
            errors[f"row {number}"] = _("hall: enter the hall's name.")
            continue
        if cleaned["code"] in seen_codes:
            errors[f"row {number}"] = _("code %(code)s repeats row %(row)d.",
                                        code=cleaned["code"], row=seen_codes[cleaned["code"]])
            continue
        seen_codes[cleaned["code"]] = number
        parsed.append((number, hall_name, cleaned))
    if errors:
        raise ValidationFailed(_("The file has errors; nothing was imported."), fields=errors)

    with write_transaction():
        halls = {h.name: h for h in db.session.scalars(select(Hall).where(Hall.week_id == week.id))}
        existing = {b.code: b for b in db.session.scalars(select(Booth).where(Booth.week_id == week.id))}
        created = updated = 0
        new_halls: set[str] = set()
        newly_blocked: list[Booth] = []
        for _row, hall_name, cleaned in parsed:
            hall = halls.get(hall_name)
            if hall is None:
                hall = Hall(week_id=week.id, name=hall_name, position=len(halls),
                            grid_width=1, grid_height=1)
                db.session.add(hall)
                halls[hall_name] = hall
                new_halls.add(hall_name)
            if hall_name in new_halls:
                # A hall the file introduces is sized to hold its booths, with a one-cell margin.
                hall.grid_width = min(500, max(hall.grid_width, cleaned["grid_x"] + cleaned["grid_w"] + 1))
                hall.grid_height = min(500, max(hall.grid_height, cleaned["grid_y"] + cleaned["grid_h"] + 1))
            booth = existing.get(cleaned["code"])
            if booth is None:
                booth = Booth(week_id=week.id, hall=hall, **cleaned)
                db.session.add(booth)
                existing[booth.code] = booth
                created += 1
            else:
                if cleaned["blocked"] and not booth.blocked:
                    newly_blocked.append(booth)
                booth.hall = hall
                for key, value in cleaned.items():
                    setattr(booth, key, value)
                updated += 1
        _check_blocking(newly_blocked)
        db.session.flush()
        problems = _layout_problems(list(existing.values()), {h.id: h for h in halls.values()})
        if problems:
            raise ValidationFailed(
                _("The file has errors; nothing was imported."),
                fields={(f"row {seen_codes[c]}" if c in seen_codes else c): m
                        for c, m in problems.items()})
        audit.record("week", week.id, "import_booths", actor=actor, week_id=week.id,
                     after={"file": filename[:120], "created": created, "updated": updated})
        if created:
            announce(floor_plan_changed, week_id=week.id)
    return ImportResult(created=created, updated=updated)
