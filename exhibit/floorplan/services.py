"""Halls and booths: editing and CSV/XLSX import (all or nothing). Who holds a booth is
booking's fact (exhibit/booking/queries.py); the floor plan is the geometry it sits on."""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from exhibit.core import audit
from exhibit.core.db import write_transaction
from exhibit.core.events import announce, floor_plan_changed
from exhibit.core.errors import Conflict, NotFound, ValidationFailed
from exhibit.core.spreadsheets import header_lookup, read_records
from exhibit.extensions import db
from exhibit.floorplan import geometry
from exhibit.floorplan.models import Booth, BoothType, ElementKind, Hall, PlanDraft, PlanElement
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

def live_booths():
    """The condition "this booth is on the published plan": not deleted or merged away. Every
    reader that draws, offers, counts or lists booths adds it (a retired row stays only so
    that scans, bookings and history that point at it keep their booth)."""
    return Booth.retired_at.is_(None)


def get_booth(week, code: str) -> Booth:
    booth = db.session.scalar(select(Booth).where(Booth.week_id == week.id, Booth.code == code,
                                                  live_booths()))
    if booth is None:
        raise NotFound(_("There is no booth %(code)s at this week.", code=code),
                       code="booth_not_found")
    return booth


def booths_near(hall: Hall, booth: Booth):
    """The booths of the hall within ``svg.NEAR_M`` metres of the booth (itself included), as
    rows of their place on the plan: what the visitor's page draws around the booth."""
    x0, y0, x1, y1 = near_area(hall.width_m, hall.depth_m, booth)
    return db.session.execute(
        select(Booth.id, Booth.code, Booth.x_m, Booth.y_m, Booth.w_m, Booth.h_m, Booth.outline,
               Booth.rotation)
        .where(Booth.hall_id == hall.id, live_booths(), Booth.x_m < x1,
               Booth.x_m + Booth.w_m > x0, Booth.y_m < y1, Booth.y_m + Booth.h_m > y0)).all()


def week_booths(week) -> list[Booth]:
    return db.session.scalars(
        select(Booth).where(Booth.week_id == week.id, live_booths())
        .options(joinedload(Booth.hall)).order_by(Booth.code)).all()


def hall_booths(hall: Hall) -> list[Booth]:
    """The booths on a hall's published plan, in code order."""
    return db.session.scalars(select(Booth).where(Booth.hall_id == hall.id, live_booths())
                              .order_by(Booth.code)).all()


# -- halls -------------------------------------------------------------------------------------

#: the largest hall side, in metres (the biggest halls of SECC or VEC are far below it)
MAX_HALL_M = 1000.0


def _metres(data: dict, key: str, *aliases: str):
    """A figure in metres from ``key`` (a decimal: "2,5" or "2.5") or, when it is missing, from
    an older name of the same field (grid cells were one metre)."""
    for name in (key, *aliases):
        value = data.get(name)
        if value is not None and value != "":
            return parse_decimal(value)
    return None


def clean_hall_data(data: dict) -> dict:
    """Keys: name, width_m, depth_m (metres; the old grid_width/grid_height are read as
    metres too)."""
    errors = {}
    name = clean_text(data.get("name"))
    if not name:
        errors["name"] = _("Enter the hall's name.")
    cleaned = {"name": name[:120]}
    for key, alias in (("width_m", "grid_width"), ("depth_m", "grid_height")):
        try:
            value = _metres(data, key, alias)
            if value is None or not 1 <= value <= MAX_HALL_M:
                raise ValueError
            cleaned[key] = round(value, 3)
        except (TypeError, ValueError):
            errors[key] = _("Enter a size in metres between 1 and %(max)d.", max=int(MAX_HALL_M))
    if errors:
        raise ValidationFailed(_("Some details of the hall are not valid."), fields=errors)
    return cleaned


def set_hall_size(hall: Hall, width_m: float, depth_m: float) -> None:
    """The hall's size in metres, and its legacy whole-metre grid size kept within its check."""
    hall.width_m, hall.depth_m = width_m, depth_m
    hall.grid_width = max(1, min(500, math.ceil(width_m - 0.001)))
    hall.grid_height = max(1, min(500, math.ceil(depth_m - 0.001)))


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
            hall = Hall(week_id=week.id, position=count, name=cleaned["name"])
            db.session.add(hall)
            action = "create"
        else:
            hall = db.session.get(Hall, hall.id)
            hall.name = cleaned["name"]
            action = "update"
        set_hall_size(hall, cleaned["width_m"], cleaned["depth_m"])
        db.session.flush()
        outside = [b.code for b in hall_booths(hall)
                   if not all(geometry.inside(r, hall.width_m, hall.depth_m)
                              for r in geometry.booth_rects(b))]
        if outside:
            raise ValidationFailed(_("Booths %(codes)s would fall outside the hall.",
                                     codes=", ".join(outside)),
                                   fields={"width_m": _("Too small for the booths in this hall.")})
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

#: the sides a booth's front may face (see svg.py)
ROTATIONS = (0, 90, 180, 270)


def clean_booth_data(data: dict) -> dict:
    """Validate one booth's fields. Keys: code, booth_type, width_m, depth_m, area_m2 (optional,
    default width × depth), price_vnd, x_m, y_m (its top-left corner on the hall, metres),
    w_m, h_m (its footprint on the plan, default width and depth), rotation (0, 90, 180, 270),
    blocked, blocked_reason. The first design's grid_x, grid_y, grid_w, grid_h (cells of one
    metre) are read as metres when the metre keys are missing."""
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
        if price is None or not 0 <= price <= MAX_PRICE_VND:
            raise ValueError
        cleaned["price_vnd"] = price
    except (TypeError, ValueError):
        errors["price_vnd"] = _("Enter a price in whole đồng, from 0 (a subsidised booth) to "
                                "2,000,000,000.")

    place = (("x_m", "grid_x", 0.0, 0.0), ("y_m", "grid_y", 0.0, 0.0),
             ("w_m", "grid_w", cleaned.get("width_m") or 3.0, 0.1),
             ("h_m", "grid_h", cleaned.get("depth_m") or 3.0, 0.1))
    for key, alias, default, least in place:
        try:
            value = _metres(data, key, alias)
            value = default if value is None else value
            if not least <= value <= MAX_HALL_M or value != value:
                raise ValueError
            cleaned[key] = round(value, 3)
        except (TypeError, ValueError):
            errors[key] = (_("Enter a position in metres, 0 or more.") if least == 0
                           else _("Enter a size in metres greater than 0."))
    try:
        rotation = parse_whole(data.get("rotation")) or 0
        if rotation not in ROTATIONS:
            raise ValueError
        cleaned["rotation"] = rotation
    except (TypeError, ValueError):
        errors["rotation"] = _("Choose which side the booth's front faces.")

    blocked = data.get("blocked")
    if isinstance(blocked, str):
        blocked = fold_search_key(blocked) in ("1", "true", "yes", "x", "co", "khoa", "blocked")
    cleaned["blocked"] = bool(blocked)
    cleaned["blocked_reason"] = clean_text(data.get("blocked_reason"))[:200]
    if errors:
        raise ValidationFailed(_("Some details of the booth are not valid."), fields=errors)
    return cleaned


def place_booth(booth: Booth, cleaned: dict) -> None:
    """Set a booth's fields from ``clean_booth_data``, and its legacy grid cells (whole metres,
    kept within their check until the columns are dropped) from its place in metres."""
    for key, value in cleaned.items():
        setattr(booth, key, value)
    booth.grid_x = max(0, min(500, int(booth.x_m)))
    booth.grid_y = max(0, min(500, int(booth.y_m)))
    booth.grid_w = max(1, min(500, round(booth.w_m)))
    booth.grid_h = max(1, min(500, round(booth.h_m)))


def _placed(booth: Booth) -> geometry.Placed:
    return geometry.Placed(key=booth.code, kind="booth", hall_id=booth.hall_id,
                           rects=tuple(geometry.booth_rects(booth)), label=booth.code)


def problem_message(problem: geometry.Problem, hall_names: dict | None = None,
                    hall_id: int | None = None) -> str:
    """A layout problem (geometry.layout_problems) in the organiser's words."""
    if problem.code == "outside":
        return _("Booth %(code)s lies outside hall %(hall)s.", code=problem.key,
                 hall=(hall_names or {}).get(hall_id, ""))
    if problem.code == "overlap":
        return _("Booth %(code)s overlaps booth %(other)s.", code=problem.key,
                 other=problem.other)
    kind = ElementKind(problem.other_kind).title if problem.other_kind in ELEMENT_KINDS else ""
    if problem.code == "element":
        return _("Booth %(code)s overlaps %(kind)s %(label)s: fixed elements cannot be booked "
                 "over.", code=problem.key, kind=kind.lower(), label=problem.other_label)
    return _("Booth %(code)s touches %(label)s.", code=problem.key, label=problem.other_label)


ELEMENT_KINDS = {k.value for k in ElementKind}


def _layout_problems(booths: list[Booth], halls: dict[int, Hall]) -> dict[str, str]:
    """Booth codes that overlap another booth or a fixed element, or leave their hall, with
    the reason (touching a column is only a warning: not here)."""
    hall_ids = {b.hall_id for b in booths}
    elements = db.session.scalars(select(PlanElement).where(
        PlanElement.hall_id.in_(hall_ids))).all() if hall_ids else []
    found = geometry.layout_problems(
        [_placed(b) for b in booths],
        [geometry.Placed(key=f"e{e.id}", kind=e.kind, hall_id=e.hall_id,
                         rects=(geometry.element_rect(e),), label=e.label or e.kind_enum.title)
         for e in elements],
        {h.id: (h.width_m, h.depth_m) for h in halls.values()})
    hall_of = {b.code: b.hall_id for b in booths}
    names = {h.id: h.name for h in halls.values()}
    problems: dict[str, str] = {}
    for problem in found:
        if not problem.is_warning and problem.key not in problems:
            problems[problem.key] = problem_message(problem, names, hall_of.get(problem.key))
    return problems


#: booths.price_vnd is a 32-bit integer; no booth costs two billion đồng
MAX_PRICE_VND = 2_000_000_000


def _refuse_while_drafted(week) -> None:
    """A booth edited here while the editor holds a draft of the plan would be put back as the
    draft has it when the draft is published: the change belongs in the editor then."""
    if db.session.get(PlanDraft, week.id) is not None:
        raise Conflict(_("A draft of this plan is open in the plan editor: change the booth "
                         "there, or discard the draft first."), code="plan_drafted")


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
            booth = Booth(week_id=week.id, hall_id=hall_id)
            place_booth(booth, cleaned)
            db.session.add(booth)
            before = None
        else:
            booth = db.session.get(Booth, booth.id)
            if booth.retired_at is not None:
                raise NotFound(_("There is no booth %(code)s at this week.", code=booth.code),
                               code="booth_not_found")
            _refuse_while_drafted(week)
            before = _booth_snapshot(booth)
            if cleaned["blocked"] and not booth.blocked:
                _check_blocking([booth])
            booth.hall_id = hall_id
            if booth.outline and (cleaned["x_m"], cleaned["y_m"]) != (booth.x_m, booth.y_m):
                # a merged booth moved by its corner: its outline moves with it
                dx, dy = cleaned["x_m"] - booth.x_m, cleaned["y_m"] - booth.y_m
                booth.outline = geometry.dump_outline([
                    geometry.Rect(r.x + dx, r.y + dy, r.w, r.h)
                    for r in geometry.parse_outline(booth.outline)])
            place_booth(booth, cleaned)
        db.session.flush()
        hall_booths_now = db.session.scalars(select(Booth).where(
            Booth.hall_id == hall_id, live_booths())).all()
        problems = _layout_problems(hall_booths_now, halls)
        if booth.code in problems:
            raise ValidationFailed(problems[booth.code], fields={"x_m": problems[booth.code]})
        audit.record("booth", booth.id, "update" if before else "create", actor=actor,
                     week_id=week.id, before=before, after=_booth_snapshot(booth))
        if before is None:
            announce(floor_plan_changed, week_id=week.id)
    return booth


def _booth_snapshot(booth: Booth) -> dict:
    return {"code": booth.code, "type": booth.booth_type, "hall_id": booth.hall_id,
            "area_m2": booth.area_m2, "price_vnd": booth.price_vnd, "blocked": booth.blocked,
            "place_m": [booth.x_m, booth.y_m, booth.w_m, booth.h_m], "rotation": booth.rotation}


def set_booth_blocked(*, actor, week, booth: Booth, blocked: bool, reason: str = "") -> Booth:
    """Block a booth (pillar, organiser use) or unblock it. A booked booth cannot be blocked."""
    require_week_organiser(actor, week)
    with write_transaction():
        booth = db.session.get(Booth, booth.id)
        _refuse_while_drafted(week)
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
    "x_m": ("x_m", "x m", "x", "grid_x", "grid x", "cot"),
    "y_m": ("y_m", "y m", "y", "grid_y", "grid y", "hang"),
    "w_m": ("w_m", "w m", "w", "grid_w", "grid w", "o ngang"),
    "h_m": ("h_m", "h m", "h", "grid_h", "grid h", "o doc"),
    "rotation": ("rotation", "xoay", "huong"),
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
                hall = Hall(week_id=week.id, name=hall_name, position=len(halls))
                set_hall_size(hall, 1.0, 1.0)
                db.session.add(hall)
                halls[hall_name] = hall
                new_halls.add(hall_name)
            if hall_name in new_halls:
                # A hall the file introduces is sized to hold its booths, with a metre's margin.
                set_hall_size(hall,
                              min(MAX_HALL_M, max(hall.width_m, cleaned["x_m"] + cleaned["w_m"] + 1)),
                              min(MAX_HALL_M, max(hall.depth_m, cleaned["y_m"] + cleaned["h_m"] + 1)))
            booth = existing.get(cleaned["code"])
            if booth is None:
                booth = Booth(week_id=week.id, hall=hall)
                place_booth(booth, cleaned)
                db.session.add(booth)
                existing[booth.code] = booth
                created += 1
            else:
                if booth.retired_at is not None:
                    raise ValidationFailed(
                        _("The file has errors; nothing was imported."),
                        fields={f"row {seen_codes[booth.code]}": _(
                            "code %(code)s belonged to a booth removed from the plan; use "
                            "another code.", code=booth.code)})
                if cleaned["blocked"] and not booth.blocked:
                    newly_blocked.append(booth)
                booth.hall = hall
                place_booth(booth, cleaned)
                updated += 1
        _check_blocking(newly_blocked)
        db.session.flush()
        problems = _layout_problems([b for b in existing.values() if b.retired_at is None],
                                    {h.id: h for h in halls.values()})
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
