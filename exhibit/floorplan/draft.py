"""The organiser's draft of a week's floor plan: one JSON document the editor saves, checks and
reshapes (merge, split), while exhibitors and visitors keep seeing the published rows.

The document (one per week, stored in ``PlanDraft.document``)::

    {"halls": {"<hall id>": {"width_m": 60.0, "depth_m": 40.0}},
     "booths": [{"key": "b345" | "n1", "id": 345 | None, "hall_id": 12, "code": "A01",
                 "booth_type": "standard", "x_m": 0.0, "y_m": 0.0, "w_m": 3.0, "h_m": 3.0,
                 "rotation": 0, "outline": [] | [[x, y, w, h], ...], "price_vnd": 12000000,
                 "width_m": 3.0, "depth_m": 3.0, "area_m2": 9.0, "blocked": False,
                 "blocked_reason": "", "cluster_id": None,
                 "merged_from": ["b346", ...], "split_from": "b345" | None}, ...],
     "elements": [{"key": "e7" | "n2", "id": 7 | None, "hall_id": 12, "kind": "column",
                   "label": "", "x_m": ..., "y_m": ..., "w_m": ..., "h_m": ..., "rotation": 0}],
     "moves": [{"allocation_id": 88, "to": "b345"}]}

A booth row of the week (not retired) whose key ("b<id>") is missing from "booths" is deleted at
publishing, or merged when some booth lists it in "merged_from". A move whose "to" is the
booking's own booth (the survivor of a merge or split) says "the booking stays on the changed
booth": the organiser decided it, and publishing moves nothing.

``clean_document`` refuses a malformed document (422, naming the field); ``validate`` lists
the plan's problems (overlaps, outside the hall, over a fixed element, duplicate codes, a
booking a change would break…) — a draft with problems may be saved, never published.
``merge`` and ``split`` are pure functions from a document to a new one.

The plan knows nothing of bookings itself (booking builds on the floor plan): who holds which
booth is asked through ``booking_readers``, which booking plugs in when the app starts.
"""
from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from exhibit.core import audit
from exhibit.core.db import is_postgres, utcnow, write_transaction
from exhibit.core.errors import Conflict, ValidationFailed
from exhibit.extensions import db
from exhibit.floorplan import geometry
from exhibit.floorplan.geometry import Rect
from exhibit.floorplan.models import (Booth, BoothCluster, BoothType, ElementKind, Hall, PlanDraft,
                                      PlanElement, PlanVersion)
from exhibit.vn.text import clean_text
from exhibit.weeks.services import require_week_organiser

#: the largest document the editor accepts (a fair of 3,000 booths, with room to spare)
MAX_BOOTHS = 6000
MAX_ELEMENTS = 3000
MAX_MOVES = 1000
#: parts of a merged booth's outline
MAX_OUTLINE_PARTS = 24
#: how far a shape may lie from the hall's origin, and how large it may be, in metres
MAX_COORDINATE = 2000.0
MAX_SIZE = 500.0
ROTATIONS = (0, 90, 180, 270)
#: booths.price_vnd is a 32-bit integer column: two billion đồng, far above any booth's price
MAX_PRICE_VND = 2_000_000_000
#: the grid the editor snaps to; split parts are cut on it when they can be
GRID_M = 0.5
#: prices recomputed from a rate per m² are rounded to a thousand đồng
PRICE_ROUNDING = 1000

ERROR, WARNING = "error", "warning"

_BOOTH_KEY = re.compile(r"^b([0-9]{1,12})$")
_ELEMENT_KEY = re.compile(r"^e([0-9]{1,12})$")
_NEW_KEY = re.compile(r"^n([0-9a-z_-]{1,30})$")


# -- who holds which booth (asked of booking) ------------------------------------------------

@dataclass(frozen=True)
class Booking:
    """A live booking of a booth, as far as the plan needs to know it."""
    allocation_id: int
    booth_id: int
    holder: str
    #: "held" or "confirmed"
    status: str


#: Readers booking plugs in (booking.services.connect): given a week, the live bookings by
#: booth id, as ``{booth_id: state}`` where ``state.allocation`` is the live allocation (with
#: ``id`` and ``business.name``) and ``state.status`` "held" or "confirmed" — the shape of
#: booking.queries.booth_states. Without a reader every booth counts as free.
booking_readers: list[Callable[[object], dict]] = []


def active_bookings(week) -> dict[int, Booking]:
    """The live bookings of the week's booths, by booth id."""
    found: dict[int, Booking] = {}
    for reader in booking_readers:
        for booth_id, state in reader(week).items():
            allocation = getattr(state, "allocation", None)
            if allocation is None:
                continue
            business = getattr(allocation, "business", None)
            found[booth_id] = Booking(allocation_id=allocation.id, booth_id=booth_id,
                                      holder=getattr(business, "name", "") or "",
                                      status=str(getattr(state, "status", "")))
    return found


# -- the document from the published rows ------------------------------------------------------

def booth_key(booth_id: int) -> str:
    return f"b{booth_id}"


def element_key(element_id: int) -> str:
    return f"e{element_id}"


def _num(value: float) -> float:
    return round(float(value), 3)


def booth_entry(booth: Booth) -> dict:
    """One published booth as the document holds it."""
    outline = [[_num(r.x), _num(r.y), _num(r.w), _num(r.h)]
               for r in geometry.parse_outline(booth.outline)]
    return {"key": booth_key(booth.id), "id": booth.id, "hall_id": booth.hall_id,
            "code": booth.code, "booth_type": booth.booth_type,
            "x_m": _num(booth.x_m), "y_m": _num(booth.y_m), "w_m": _num(booth.w_m),
            "h_m": _num(booth.h_m), "rotation": booth.rotation or 0, "outline": outline,
            "price_vnd": booth.price_vnd, "width_m": _num(booth.width_m),
            "depth_m": _num(booth.depth_m), "area_m2": _num(booth.area_m2),
            "blocked": bool(booth.blocked), "blocked_reason": booth.blocked_reason or "",
            "cluster_id": booth.cluster_id, "merged_from": [], "split_from": None}


def element_entry(element: PlanElement) -> dict:
    return {"key": element_key(element.id), "id": element.id, "hall_id": element.hall_id,
            "kind": element.kind, "label": element.label or "", "x_m": _num(element.x_m),
            "y_m": _num(element.y_m), "w_m": _num(element.w_m), "h_m": _num(element.h_m),
            "rotation": element.rotation or 0}


def week_halls(week) -> list[Hall]:
    return db.session.scalars(select(Hall).where(Hall.week_id == week.id)
                              .order_by(Hall.position, Hall.id)).all()


def published_document(week) -> dict:
    """The week's published plan (its rows) as a draft document."""
    halls = week_halls(week)
    booths = db.session.scalars(
        select(Booth).where(Booth.week_id == week.id, Booth.retired_at.is_(None))
        .order_by(Booth.hall_id, Booth.code)).all()
    elements = db.session.scalars(
        select(PlanElement).join(Hall, Hall.id == PlanElement.hall_id)
        .where(Hall.week_id == week.id).order_by(PlanElement.hall_id, PlanElement.id)).all()
    return {"halls": {str(h.id): {"width_m": _num(h.width_m), "depth_m": _num(h.depth_m)}
                      for h in halls},
            "booths": [booth_entry(b) for b in booths],
            "elements": [element_entry(e) for e in elements],
            "moves": []}


def latest_version(week) -> int:
    """The number of the week's latest published version; 0 when none was published (the
    rows as they are)."""
    return db.session.scalar(select(func.max(PlanVersion.number))
                             .where(PlanVersion.week_id == week.id)) or 0


# -- loading, saving, discarding ---------------------------------------------------------------

def load_draft(week) -> PlanDraft:
    """The week's draft; when there is none, one built from the published rows (revision 0,
    not stored: reading never writes)."""
    draft = db.session.get(PlanDraft, week.id)
    if draft is not None:
        return draft
    return PlanDraft(week_id=week.id, document=json.dumps(published_document(week)),
                     revision=0, base_version=latest_version(week))


def draft_document(draft: PlanDraft) -> dict:
    return json.loads(draft.document or "{}")


def editor_document(week, draft: PlanDraft) -> dict:
    """The draft's document as the editor opens it, brought up to date with the published rows:
    a booth or element gone from them since the draft was saved (retired, deleted) leaves it,
    with the moves and merges that named it; a booth added to them after the draft's last save
    (the booth form, an import) joins it, so publishing does not delete it unseen."""
    document = draft_document(draft)
    if not draft.revision:
        return document
    live = {b.id: b for b in db.session.scalars(select(Booth).where(
        Booth.week_id == week.id, Booth.retired_at.is_(None)))}
    hall_ids = [h.id for h in week_halls(week)]
    elements = set(db.session.scalars(select(PlanElement.id).where(
        PlanElement.hall_id.in_(hall_ids)))) if hall_ids else set()

    def current(key):
        number = _key_id(key, _BOOTH_KEY)
        return number is None or number in live

    booths = [b for b in document.get("booths") or [] if current(b["key"])]
    for booth in booths:
        booth["merged_from"] = [k for k in booth.get("merged_from") or [] if current(k)]
        if booth.get("split_from") and not current(booth["split_from"]):
            booth["split_from"] = None
    known = {_key_id(k, _BOOTH_KEY) for b in booths for k in [b["key"], *b["merged_from"]]}
    saved_at = draft.updated_at
    booths += [booth_entry(b) for b in sorted(live.values(), key=lambda b: b.code)
               if b.id not in known and saved_at is not None and b.created_at > saved_at]
    document["booths"] = booths
    document["elements"] = [e for e in document.get("elements") or []
                            if _key_id(e["key"], _ELEMENT_KEY) in elements
                            or _key_id(e["key"], _ELEMENT_KEY) is None]
    keys = {b["key"] for b in booths}
    document["moves"] = [m for m in document.get("moves") or [] if m["to"] in keys]
    halls = document.get("halls") or {}
    document["halls"] = {k: v for k, v in halls.items() if k.isdigit() and int(k) in hall_ids}
    return document


def locked_draft(week_id: int) -> PlanDraft | None:
    """The week's stored draft, read afresh and locked (on PostgreSQL) for the transaction."""
    query = select(PlanDraft).where(PlanDraft.week_id == week_id) \
        .execution_options(populate_existing=True)
    if is_postgres():
        query = query.with_for_update()
    return db.session.scalar(query)


def _stale() -> Conflict:
    return Conflict(_("Someone else saved the plan since you opened it. Reload to see their "
                      "changes, then make yours again."), code="stale_revision")


def save_draft(*, actor, week, document, revision: int, opened_at=None) -> PlanDraft:
    """Store the editor's document as the week's draft. ``revision`` is the one the editor
    started from: an older one means someone else saved meanwhile (409). A malformed document
    is refused (422, naming the field); a well-formed one with problems on the plan is saved
    (publishing refuses it until they are solved).

    ``opened_at`` (ISO 8601, when the editor read the plan): a booth the booth form or an
    import added after that, which the editor never showed, is kept in the draft — a booth
    missing from the document means deleted, and this one was not."""
    require_week_organiser(actor, week)
    try:
        revision = int(revision)
    except (TypeError, ValueError):
        raise ValidationFailed(_("The draft's revision is missing."),
                               fields={"revision": _("Enter a whole number.")}) from None
    cleaned = _with_booths_added_since(week, clean_document(week, document), opened_at)
    try:
        with write_transaction():
            draft = locked_draft(week.id)
            if draft is None:
                if revision != 0:
                    raise _stale()
                draft = PlanDraft(week_id=week.id, revision=0, base_version=latest_version(week))
                db.session.add(draft)
            elif draft.revision != revision:
                raise _stale()
            draft.document = json.dumps(cleaned, ensure_ascii=False)
            draft.revision = revision + 1
            draft.updated_at = utcnow()
            draft.updated_by_id = actor.id
            db.session.flush()
            audit.record("plan_draft", week.id, "save", actor=actor, week_id=week.id,
                         after={"revision": draft.revision, "booths": len(cleaned["booths"]),
                                "elements": len(cleaned["elements"]),
                                "moves": len(cleaned["moves"])})
    except IntegrityError:
        # another editor created the week's first draft at the same moment
        raise _stale() from None
    return draft


def _with_booths_added_since(week, document: dict, opened_at) -> dict:
    try:
        since = datetime.fromisoformat(opened_at) if isinstance(opened_at, str) else None
    except ValueError:
        since = None
    if since is None or since.tzinfo is None:
        return document
    known = {_key_id(k, _BOOTH_KEY) for b in document["booths"]
             for k in [b["key"], *b["merged_from"]]}
    added = db.session.scalars(select(Booth).where(
        Booth.week_id == week.id, Booth.retired_at.is_(None), Booth.created_at > since)
        .order_by(Booth.code)).all()
    document["booths"] += [booth_entry(b) for b in added if b.id not in known]
    return document


def discard_draft(*, actor, week) -> bool:
    """Forget the week's draft: the editor starts again from the published plan. False when
    there was none."""
    require_week_organiser(actor, week)
    with write_transaction():
        draft = locked_draft(week.id)
        if draft is None:
            return False
        revision = draft.revision
        db.session.delete(draft)
        audit.record("plan_draft", week.id, "discard", actor=actor, week_id=week.id,
                     before={"revision": revision})
    return True


# -- the document's shape ----------------------------------------------------------------------

class _Shape:
    """Collects what is wrong with a document, by field path ("booths[3].w_m")."""

    def __init__(self):
        self.errors: dict[str, str] = {}

    def fail(self, path: str, message: str):
        self.errors.setdefault(path, message)

    def number(self, item: dict, name: str, path: str, *, low: float, high: float,
               positive: bool = False, default=None) -> float:
        value = item.get(name, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value) or value < low or value > high \
                or (positive and value <= 0):
            self.fail(f"{path}.{name}", _("Enter a number of metres between %(low)g and %(high)g.",
                                          low=0 if positive else low, high=high))
            return 0.0
        return _num(value)

    def whole(self, item: dict, name: str, path: str, *, low: int = 0, high: int = 10**12,
              optional: bool = False):
        value = item.get(name)
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(f"{path}.{name}", _("Enter a whole number."))
            return None
        return value

    def text(self, item: dict, name: str, path: str, *, limit: int, required: bool = False) -> str:
        value = item.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(f"{path}.{name}", _("Enter text."))
            return ""
        value = clean_text(value)
        if required and not value:
            self.fail(f"{path}.{name}", _("This is required."))
        if len(value) > limit:
            self.fail(f"{path}.{name}", _("At most %(n)d characters.", n=limit))
        return value[:limit]

    def rotation(self, item: dict, path: str) -> int:
        value = item.get("rotation", 0)
        if value not in ROTATIONS or isinstance(value, bool):
            self.fail(f"{path}.rotation", _("Turn by 0, 90, 180 or 270 degrees."))
            return 0
        return int(value)


def _an_id(value) -> bool:
    """A whole number as JSON sends one (not true/false, a list or an object, which a set
    lookup would choke on)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _key_id(key: str, pattern: re.Pattern) -> int | None:
    match = pattern.match(key)
    return int(match.group(1)) if match else None


def clean_document(week, document) -> dict:
    """The document in its normal form, or ValidationFailed (422) naming every malformed field.
    Checks the shape and that ids belong to the week; the plan's own problems are
    ``validate``'s."""
    if isinstance(document, (str, bytes)):
        try:
            document = json.loads(document)
        except ValueError:
            document = None
    shape = _Shape()
    if not isinstance(document, dict):
        raise ValidationFailed(_("The plan could not be read."),
                               fields={"document": _("Send the plan as a JSON object.")})
    halls = {h.id: h for h in week_halls(week)}
    live_booths = set(db.session.scalars(select(Booth.id).where(
        Booth.week_id == week.id, Booth.retired_at.is_(None))))
    hall_ids = list(halls)
    element_ids = set(db.session.scalars(select(PlanElement.id).where(
        PlanElement.hall_id.in_(hall_ids)))) if hall_ids else set()
    clusters = set(db.session.scalars(select(BoothCluster.id).where(
        BoothCluster.week_id == week.id)))

    cleaned_halls = {}
    raw_halls = document.get("halls") or {}
    if not isinstance(raw_halls, dict):
        shape.fail("halls", _("Send the halls as an object by hall id."))
        raw_halls = {}
    for raw_id, size in raw_halls.items():
        path = f"halls.{raw_id}"
        try:
            hall_id = int(raw_id)
        except (TypeError, ValueError):
            hall_id = None
        if hall_id not in halls:
            shape.fail(path, _("This hall is not one of the week's."))
            continue
        if not isinstance(size, dict):
            shape.fail(path, _("Send the hall's width_m and depth_m."))
            continue
        cleaned_halls[str(hall_id)] = {
            "width_m": shape.number(size, "width_m", path, low=0, high=MAX_SIZE, positive=True),
            "depth_m": shape.number(size, "depth_m", path, low=0, high=MAX_SIZE, positive=True)}
    for hall in halls.values():
        cleaned_halls.setdefault(str(hall.id), {"width_m": _num(hall.width_m),
                                                "depth_m": _num(hall.depth_m)})

    booths = _list(document, "booths", MAX_BOOTHS, shape)
    elements = _list(document, "elements", MAX_ELEMENTS, shape)
    moves = _list(document, "moves", MAX_MOVES, shape)

    cleaned_booths, keys = [], set()
    for i, item in enumerate(booths):
        entry = _clean_booth(item, f"booths[{i}]", shape, halls=halls, live=live_booths,
                             clusters=clusters)
        if entry is None:
            continue
        if entry["key"] in keys:
            shape.fail(f"booths[{i}].key", _("Two booths have the same key."))
        keys.add(entry["key"])
        cleaned_booths.append(entry)
    absorbed: dict[str, str] = {}
    for i, entry in enumerate(cleaned_booths):
        for key in entry["merged_from"]:
            if key in keys or key in absorbed:
                shape.fail(f"booths[{i}].merged_from",
                           _("A booth merged into another one cannot stay on the plan."))
            absorbed[key] = entry["key"]

    cleaned_elements, element_keys = [], set()
    for i, item in enumerate(elements):
        entry = _clean_element(item, f"elements[{i}]", shape, halls=halls, live=element_ids)
        if entry is None:
            continue
        if entry["key"] in element_keys:
            shape.fail(f"elements[{i}].key", _("Two elements have the same key."))
        element_keys.add(entry["key"])
        cleaned_elements.append(entry)

    cleaned_moves, moved = [], set()
    for i, item in enumerate(moves):
        path = f"moves[{i}]"
        if not isinstance(item, dict):
            shape.fail(path, _("Send each move as an object."))
            continue
        allocation_id = shape.whole(item, "allocation_id", path, low=1)
        target = item.get("to")
        if not isinstance(target, str) or target not in keys:
            shape.fail(f"{path}.to", _("Move the booking to a booth of the plan."))
            continue
        if allocation_id in moved:
            shape.fail(f"{path}.allocation_id", _("This booking is moved twice."))
        if allocation_id is not None:
            moved.add(allocation_id)
            cleaned_moves.append({"allocation_id": allocation_id, "to": target})

    if shape.errors:
        raise ValidationFailed(_("The plan could not be read: %(field)s — %(message)s",
                                 field=next(iter(shape.errors)),
                                 message=next(iter(shape.errors.values()))),
                               fields=shape.errors)
    return {"halls": cleaned_halls, "booths": cleaned_booths, "elements": cleaned_elements,
            "moves": cleaned_moves}


def _list(document: dict, name: str, limit: int, shape: _Shape) -> list:
    value = document.get(name) or []
    if not isinstance(value, list):
        shape.fail(name, _("Send a list."))
        return []
    if len(value) > limit:
        shape.fail(name, _("At most %(n)d.", n=limit))
        return []
    return value


def _clean_key(item: dict, path: str, shape: _Shape, pattern: re.Pattern,
               live: set[int], what: str) -> tuple[str, int | None] | None:
    key = item.get("key")
    if not isinstance(key, str) or not (pattern.match(key) or _NEW_KEY.match(key)):
        shape.fail(f"{path}.key", _("Each %(what)s needs its key (\"%(example)s\" or a new \"n…\").",
                                    what=what, example="b12" if pattern is _BOOTH_KEY else "e7"))
        return None
    existing = _key_id(key, pattern)
    given = item.get("id")
    if given is not None and given != existing:
        shape.fail(f"{path}.id", _("The id does not match the key."))
    if existing is not None and existing not in live:
        shape.fail(f"{path}.key", _("This is not one of the week's current shapes."))
    return key, existing


def _clean_booth(item, path: str, shape: _Shape, *, halls: dict, live: set[int],
                 clusters: set[int]) -> dict | None:
    if not isinstance(item, dict):
        shape.fail(path, _("Send each booth as an object."))
        return None
    found = _clean_key(item, path, shape, _BOOTH_KEY, live, _("booth"))
    if found is None:
        return None
    key, booth_id = found
    hall_id = item.get("hall_id")
    if not _an_id(hall_id) or hall_id not in halls:
        shape.fail(f"{path}.hall_id", _("Choose a hall of this week."))
    code = shape.text(item, "code", path, limit=20, required=True).upper().replace(" ", "")
    booth_type = item.get("booth_type") or BoothType.STANDARD.value
    if not isinstance(booth_type, str) or booth_type not in {t.value for t in BoothType}:
        shape.fail(f"{path}.booth_type", _("Unknown booth type; use standard, corner, premium or raw_space."))
    entry = {"key": key, "id": booth_id, "hall_id": hall_id, "code": code,
             "booth_type": booth_type,
             "x_m": shape.number(item, "x_m", path, low=-MAX_COORDINATE, high=MAX_COORDINATE),
             "y_m": shape.number(item, "y_m", path, low=-MAX_COORDINATE, high=MAX_COORDINATE),
             "w_m": shape.number(item, "w_m", path, low=0, high=MAX_SIZE, positive=True),
             "h_m": shape.number(item, "h_m", path, low=0, high=MAX_SIZE, positive=True),
             "rotation": shape.rotation(item, path)}
    outline = item.get("outline") or []
    parts = []
    if not isinstance(outline, list) or len(outline) > MAX_OUTLINE_PARTS:
        shape.fail(f"{path}.outline", _("Send the outline as a list of [x, y, w, h]."))
        outline = []
    for j, part in enumerate(outline):
        if not isinstance(part, list) or len(part) != 4:
            shape.fail(f"{path}.outline[{j}]", _("Send the outline as a list of [x, y, w, h]."))
            continue
        named = dict(zip(("x", "y", "w", "h"), part))
        at = f"{path}.outline[{j}]"
        parts.append([shape.number(named, "x", at, low=-MAX_COORDINATE, high=MAX_COORDINATE),
                      shape.number(named, "y", at, low=-MAX_COORDINATE, high=MAX_COORDINATE),
                      shape.number(named, "w", at, low=0, high=MAX_SIZE, positive=True),
                      shape.number(named, "h", at, low=0, high=MAX_SIZE, positive=True)])
    if len(parts) == 1:
        # one rectangle is the footprint itself
        entry["x_m"], entry["y_m"], entry["w_m"], entry["h_m"] = parts[0]
        parts = []
    if parts:
        box = geometry.bounds(Rect(*p) for p in parts)
        entry.update(x_m=_num(box.x), y_m=_num(box.y), w_m=_num(box.w), h_m=_num(box.h))
    entry["outline"] = parts
    price = item.get("price_vnd")
    if isinstance(price, float) and price.is_integer():
        price = int(price)
    if isinstance(price, bool) or not isinstance(price, int) or not 0 <= price <= MAX_PRICE_VND:
        shape.fail(f"{path}.price_vnd", _("Enter a price in whole đồng (0 for a subsidised booth)."))
        price = 0
    entry["price_vnd"] = price
    entry["width_m"] = shape.number(item, "width_m", path, low=0, high=MAX_SIZE, positive=True,
                                    default=entry["w_m"])
    entry["depth_m"] = shape.number(item, "depth_m", path, low=0, high=MAX_SIZE, positive=True,
                                    default=entry["h_m"])
    entry["area_m2"] = shape.number(item, "area_m2", path, low=0, high=MAX_SIZE * MAX_SIZE,
                                    positive=True, default=round(entry["w_m"] * entry["h_m"], 3))
    blocked = item.get("blocked", False)
    if not isinstance(blocked, bool):
        shape.fail(f"{path}.blocked", _("Say true or false."))
    entry["blocked"] = bool(blocked)
    entry["blocked_reason"] = shape.text(item, "blocked_reason", path, limit=200) if blocked else ""
    cluster_id = item.get("cluster_id")
    if cluster_id is not None and (not _an_id(cluster_id) or cluster_id not in clusters):
        shape.fail(f"{path}.cluster_id", _("Choose a cluster of this week."))
        cluster_id = None
    entry["cluster_id"] = cluster_id
    merged_from = item.get("merged_from") or []
    if not isinstance(merged_from, list) or not all(
            isinstance(k, str) and _key_id(k, _BOOTH_KEY) in live for k in merged_from):
        shape.fail(f"{path}.merged_from", _("List the current booths merged into this one."))
        merged_from = []
    entry["merged_from"] = list(dict.fromkeys(merged_from))
    split_from = item.get("split_from")
    if split_from is not None and (not isinstance(split_from, str)
                                   or _key_id(split_from, _BOOTH_KEY) not in live):
        shape.fail(f"{path}.split_from", _("Name the current booth this one was cut from."))
        split_from = None
    entry["split_from"] = split_from
    return entry


def _clean_element(item, path: str, shape: _Shape, *, halls: dict, live: set[int]) -> dict | None:
    if not isinstance(item, dict):
        shape.fail(path, _("Send each element as an object."))
        return None
    found = _clean_key(item, path, shape, _ELEMENT_KEY, live, _("element"))
    if found is None:
        return None
    key, element_id = found
    hall_id = item.get("hall_id")
    if not _an_id(hall_id) or hall_id not in halls:
        shape.fail(f"{path}.hall_id", _("Choose a hall of this week."))
    kind = item.get("kind")
    if not isinstance(kind, str) or kind not in {k.value for k in ElementKind}:
        shape.fail(f"{path}.kind", _("Choose what the element is."))
    return {"key": key, "id": element_id, "hall_id": hall_id, "kind": kind,
            "label": shape.text(item, "label", path, limit=120),
            "x_m": shape.number(item, "x_m", path, low=-MAX_COORDINATE, high=MAX_COORDINATE),
            "y_m": shape.number(item, "y_m", path, low=-MAX_COORDINATE, high=MAX_COORDINATE),
            "w_m": shape.number(item, "w_m", path, low=0, high=MAX_SIZE, positive=True),
            "h_m": shape.number(item, "h_m", path, low=0, high=MAX_SIZE, positive=True),
            "rotation": shape.rotation(item, path)}


# -- the plan's problems -----------------------------------------------------------------------

def rects_of(entry: dict) -> list[Rect]:
    """The rectangles a document booth (or element) covers."""
    outline = entry.get("outline") or []
    if outline:
        return [Rect(*part) for part in outline]
    return [Rect(entry["x_m"], entry["y_m"], entry["w_m"], entry["h_m"])]


def _problem(key: str, code: str, message: str, severity: str = ERROR, **extra) -> dict:
    return {"key": key, "code": code, "message": message, "severity": severity, **extra}


def has_errors(problems: list[dict]) -> bool:
    return any(p["severity"] == ERROR for p in problems)


def _element_name(element: dict) -> str:
    title = ElementKind(element["kind"]).title
    return f"{title} {element['label']}" if element.get("label") else title


def validate(week, document: dict, *, bookings: dict[int, Booking] | None = None) -> list[dict]:
    """The plan's problems, errors first: overlapping booths, a booth or element outside its
    hall, a booth over a fixed element (with the element's name), duplicate codes, a merged
    shape in pieces, a booking a deletion, merge or split would break without a move, a move to
    a booth that is taken or gone; and, as warnings, booths touching a column (exhibitors are
    told before booking). Each is {key, code, message, severity}."""
    if bookings is None:
        bookings = active_bookings(week)
    halls = {h.id: h for h in week_halls(week)}
    sizes = {int(k): v for k, v in (document.get("halls") or {}).items()}
    problems: list[dict] = []
    booths = document.get("booths") or []
    elements = document.get("elements") or []

    def hall_size(hall_id):
        size = sizes.get(hall_id)
        if size:
            return size["width_m"], size["depth_m"]
        hall = halls.get(hall_id)
        return (hall.width_m, hall.depth_m) if hall else (0.0, 0.0)

    codes: dict[str, str] = {}
    for booth in booths:
        rects = rects_of(booth)
        if len(rects) > 1 and not geometry.connected(rects):
            problems.append(_problem(booth["key"], "not_connected",
                                     _("Booth %(code)s is in pieces: its parts must share an edge.",
                                       code=booth["code"])))
        if booth["code"] in codes:
            problems.append(_problem(booth["key"], "duplicate_code",
                                     _("Two booths are numbered %(code)s.", code=booth["code"]),
                                     other=codes[booth["code"]]))
        codes.setdefault(booth["code"], booth["key"])
    problems += _reserved_codes(booths)

    for element in elements:
        if not geometry.inside(rects_of(element)[0], *hall_size(element["hall_id"])):
            problems.append(_problem(element["key"], "outside_hall",
                                     _("%(element)s lies outside its hall.",
                                       element=_element_name(element))))
    # outside the hall, overlaps, over a fixed element, touching a column: the layout's one
    # rule (geometry.layout_problems), as the booth form and the imports check it
    by_key = {b["key"]: b for b in booths}
    layout = geometry.layout_problems(
        [geometry.Placed(b["key"], "booth", b["hall_id"], tuple(rects_of(b))) for b in booths],
        [geometry.Placed(e["key"], e["kind"], e["hall_id"], tuple(rects_of(e)),
                         _element_name(e)) for e in elements],
        {hall_id: hall_size(hall_id) for hall_id in {b["hall_id"] for b in booths}})
    for found in layout:
        code = by_key[found.key]["code"]
        if found.code == "outside":
            problems.append(_problem(found.key, "outside_hall",
                                     _("Booth %(code)s lies outside its hall.", code=code)))
        elif found.code == "overlap":
            problems.append(_problem(
                found.key, "overlap", _("Booth %(code)s overlaps booth %(other)s.", code=code,
                                        other=by_key[found.other]["code"]), other=found.other))
        elif found.code == "element":
            problems.append(_problem(
                found.key, "over_element",
                _("Booth %(code)s lies over a fixed element: %(element)s.", code=code,
                  element=found.other_label), other=found.other))
        else:
            problems.append(_problem(
                found.key, "touches_column",
                _("Booth %(code)s touches a column: exhibitors are told before booking.",
                  code=code), WARNING, other=found.other))

    booked_codes = dict(db.session.execute(select(Booth.id, Booth.code).where(
        Booth.id.in_(list(bookings)))).all()) if bookings else {}
    problems += _booking_problems(document, bookings, booked_codes)
    problems.sort(key=lambda p: p["severity"] != ERROR)
    return problems


def _reserved_codes(booths: list[dict]) -> list[dict]:
    """Publishing frees the code of a booth that leaves the plan by renaming it "A02~346", and
    renumbers through "~345": a "~" in a code is the plan's own, refused unless the booth
    already has that code on the published plan (typed in the booth form)."""
    marked = [b for b in booths if "~" in b["code"]]
    if not marked:
        return []
    ids = [b["id"] for b in marked if b.get("id")]
    current = dict(db.session.execute(select(Booth.id, Booth.code).where(
        Booth.id.in_(ids))).all()) if ids else {}
    return [_problem(b["key"], "reserved_code",
                     _("Booth code %(code)s has a “~”, which the plan keeps for booths that left "
                       "it: choose another code.", code=b["code"]))
            for b in marked if not (b.get("id") and current.get(b["id"]) == b["code"])]


def _booking_problems(document: dict, bookings: dict[int, Booking],
                      codes: dict[int, str]) -> list[dict]:
    """A deletion, merge or split must not break a booking silently: every booking of a booth
    that goes (deleted, merged away) or changes shape (survivor of a merge, split) is moved in
    "moves" — to a free booth, or to its own changed booth to keep it there."""
    problems = []
    booths = {b["key"]: b for b in document.get("booths") or []}
    absorbed = {k: b["key"] for b in booths.values() for k in b.get("merged_from") or []}
    split = {b["split_from"] for b in booths.values() if b.get("split_from")}
    moves = {m["allocation_id"]: m["to"] for m in document.get("moves") or []}
    by_allocation = {b.allocation_id: b for b in bookings.values()}
    taken = {booth_key(b.booth_id): b for b in bookings.values()}

    for booking in bookings.values():
        key = booth_key(booking.booth_id)
        if key in absorbed:
            change = _("merged into %(code)s", code=booths[absorbed[key]]["code"])
        elif key not in booths:
            change = _("deleted")
        elif booths[key].get("merged_from"):
            change = _("merged with other booths")
        elif key in split:
            change = _("split")
        elif booths[key]["blocked"]:
            # a booked booth is not blocked: its booking is released or moved first
            if moves.get(booking.allocation_id, key) == key:
                problems.append(_problem(
                    key, "booking_blocked",
                    _("Booth %(code)s is booked; release its booking before blocking it.",
                      code=booths[key]["code"]), allocation_id=booking.allocation_id))
            continue
        else:
            continue
        if booking.allocation_id not in moves:
            code = booths[key]["code"] if key in booths else codes.get(booking.booth_id, key)
            problems.append(_problem(
                key, "booking_needs_move",
                _("Booth %(code)s is booked by %(holder)s and is %(change)s: choose where the "
                  "booking goes.", code=code, holder=booking.holder or "?", change=change),
                allocation_id=booking.allocation_id))

    targets: dict[str, int] = {}
    for allocation_id, target in moves.items():
        booking = by_allocation.get(allocation_id)
        if booking is None:
            # ended since the move was chosen (released, a hold that lapsed): nothing to move,
            # and publishing leaves the move out — a warning, so the draft is not stuck
            problems.append(_problem(target, "move_unknown",
                                     _("A booking to move has ended or is not of this week."),
                                     WARNING, allocation_id=allocation_id))
            continue
        entry = booths.get(target)
        if entry is None:
            problems.append(_problem(target, "move_target_missing",
                                     _("The booking of %(holder)s is moved to a booth that is not "
                                       "on the plan.", holder=booking.holder),
                                     allocation_id=allocation_id))
            continue
        own = booth_key(booking.booth_id)
        if target == own:
            targets[target] = allocation_id
            continue  # stays on its changed booth
        holder = taken.get(target)
        # the booth's own booking is still there unless it is moved elsewhere ("stays" keeps it)
        busy = holder is not None and moves.get(holder.allocation_id, target) == target
        if busy or target in targets or entry["blocked"]:
            problems.append(_problem(target, "move_target_taken",
                                     _("Booth %(code)s cannot take the booking of %(holder)s: it "
                                       "is taken or blocked.", code=entry["code"],
                                       holder=booking.holder), allocation_id=allocation_id))
        targets[target] = allocation_id
    problems += _move_cycles(moves, by_allocation)
    return problems


def _move_cycles(moves: dict[int, str], by_allocation: dict[int, Booking]) -> list[dict]:
    """Bookings that would swap booths (A's to B, B's to A, or round a longer ring): each
    target is only free once its booking has left, so none can go first. Publishing refuses
    them; said here, so the organiser moves one of them to a free booth first."""
    leaving = {booth_key(b.booth_id): a for a, b in by_allocation.items()
               if a in moves and moves[a] != booth_key(b.booth_id)}
    leads_to = {key: moves[a] for key, a in leaving.items()}
    problems, seen = [], set()
    for start in leads_to:
        ring, at = [], start
        while at in leads_to and at not in ring and at not in seen:
            ring.append(at)
            at = leads_to[at]
        seen.update(ring)
        if at in ring:
            cycle = ring[ring.index(at):]
            problems.append(_problem(cycle[0], "move_cycle", _(
                "Bookings that swap booths cannot be moved in one publication: move one of "
                "them to a free booth first."), allocation_id=leaving[cycle[0]]))
    return problems


def free_booths(document: dict, bookings: dict[int, Booking]) -> list[dict]:
    """The booths of the document a booking could be moved to: not blocked, not booked (or
    their booking moved away), not already the target of a move."""
    moves = {m["allocation_id"]: m["to"] for m in document.get("moves") or []}
    targets = set(moves.values())
    busy = {booth_key(b.booth_id) for b in bookings.values() if b.allocation_id not in moves}
    free = [{"key": b["key"], "code": b["code"], "hall_id": b["hall_id"], "area_m2": b["area_m2"]}
            for b in document.get("booths") or []
            if not b["blocked"] and b["key"] not in busy and b["key"] not in targets]
    return sorted(free, key=lambda b: (b["hall_id"], b["code"]))


# -- merge and split (pure) ----------------------------------------------------------------------

def _next_key(document: dict) -> str:
    """A new key for a booth or element no part of the document uses."""
    used = [m for e in (document.get("booths") or []) + (document.get("elements") or [])
            if (m := re.match(r"^n([0-9]+)$", e["key"]))]
    return f"n{max((int(m.group(1)) for m in used), default=0) + 1}"


def _type_rate(document: dict, booth_type: str, fallback: dict) -> float:
    """The booth type's price per m² on this plan: the median of plain (unmerged) booths of
    that type; the given booth's own rate when there are none."""
    rates = [b["price_vnd"] / b["area_m2"] for b in document.get("booths") or []
             if b["booth_type"] == booth_type and not b.get("outline") and b["area_m2"] > 0
             and b["price_vnd"] > 0]
    if rates:
        return median(rates)
    return fallback["price_vnd"] / fallback["area_m2"] if fallback["area_m2"] else 0.0


def _rounded_price(value: float) -> int:
    return int(round(value / PRICE_ROUNDING) * PRICE_ROUNDING)


def _refuse(message: str, field: str = "keys"):
    raise ValidationFailed(message, fields={field: message})


def merge(document: dict, keys: list[str], price_rule: str = "type") -> dict:
    """The document with the booths ``keys`` merged into the first of them, which keeps its
    key, id and code (so its QR and bookings): its shape is the union of theirs (an L, a U, a
    row — it must be one piece, joined along edges), its area the sum of theirs, its price the
    type's price per m² times the area (``price_rule="type"``) or the sum of their prices
    ("sum"). The others leave the plan, listed in the survivor's ``merged_from``."""
    if price_rule not in ("type", "sum"):
        _refuse(_("Choose how the price is set: from the booth type or the sum."), "price_rule")
    keys = list(dict.fromkeys(keys or []))
    if len(keys) < 2:
        _refuse(_("Choose at least two booths to merge."))
    result = copy.deepcopy(document)
    booths = {b["key"]: b for b in result.get("booths") or []}
    missing = [k for k in keys if k not in booths]
    if missing:
        _refuse(_("These booths are not on the plan: %(keys)s.", keys=", ".join(missing)))
    chosen = [booths[k] for k in keys]
    first = chosen[0]
    if any(b["hall_id"] != first["hall_id"] for b in chosen):
        _refuse(_("Only booths of the same hall can be merged."))
    rects = [r for b in chosen for r in rects_of(b)]
    for i, a in enumerate(rects):
        if any(geometry.overlaps(a, b) for b in rects[i + 1:]):
            _refuse(_("Booths that overlap cannot be merged; move them apart first."))
    if not geometry.connected(rects):
        _refuse(_("Only booths that share an edge can be merged (an L or a U shape is fine)."))
    box = geometry.bounds(rects)
    area = round(sum(b["area_m2"] for b in chosen), 3)
    if price_rule == "sum":
        price = sum(b["price_vnd"] for b in chosen)
    else:
        price = _rounded_price(_type_rate(result, first["booth_type"], first) * area)
    merged_from = list(first.get("merged_from") or [])
    for other in chosen[1:]:
        if _BOOTH_KEY.match(other["key"]):
            merged_from.append(other["key"])
        merged_from += other.get("merged_from") or []
    first.update(x_m=_num(box.x), y_m=_num(box.y), w_m=_num(box.w), h_m=_num(box.h),
                 outline=[[_num(r.x), _num(r.y), _num(r.w), _num(r.h)] for r in rects],
                 width_m=_num(box.w), depth_m=_num(box.h), area_m2=area, price_vnd=price,
                 merged_from=list(dict.fromkeys(merged_from)))
    gone = set(keys[1:])
    result["booths"] = [b for b in result["booths"] if b["key"] not in gone]
    # moves towards a booth that merged away go to the survivor
    for move in result.get("moves") or []:
        if move["to"] in gone:
            move["to"] = first["key"]
    return result


def _fresh_code(base: str, used: set[str]) -> str:
    for n in range(2, 10_000):
        code = f"{base}-{n}"[:20]
        if code not in used:
            return code
    raise ValidationFailed(_("No free booth code is left."), fields={"code": _("No free booth code is left.")})


def split(document: dict, key: str, parts: int | None = None, axis: str = "x",
          price_rule: str = "type", originals: dict[str, dict] | None = None) -> dict:
    """The document with booth ``key`` cut up, the first part keeping its key, id and code.

    A merged booth (with an outline) is split back into its parts when ``parts`` is None: a
    part where a booth merged into it lay comes back as that booth (from ``originals``, the
    published booths by key, when given), others become new booths. A plain booth (or any with
    ``parts``) is cut into ``parts`` equal pieces along ``axis`` ("x": side by side, "y": one
    behind the other). Areas are shared by size; prices follow the type's price per m²
    ("type") or the booth's price shared by area ("sum")."""
    if price_rule not in ("type", "sum"):
        _refuse(_("Choose how the price is set: from the booth type or the sum."), "price_rule")
    result = copy.deepcopy(document)
    booths = result.get("booths") or []
    index = next((i for i, b in enumerate(booths) if b["key"] == key), None)
    if index is None:
        _refuse(_("This booth is not on the plan."), "key")
    booth = booths[index]
    outline = [Rect(*p) for p in booth.get("outline") or []]
    if parts is None and len(outline) > 1:
        pieces = outline
    else:
        if outline:
            _refuse(_("Split a merged booth back into its parts first."), "parts")
        if axis not in ("x", "y"):
            _refuse(_("Cut across or along the booth."), "axis")
        if not isinstance(parts, int) or isinstance(parts, bool) or not 2 <= parts <= 20:
            _refuse(_("Split into 2 to 20 parts."), "parts")
        pieces = _equal_pieces(Rect(booth["x_m"], booth["y_m"], booth["w_m"], booth["h_m"]),
                               parts, axis)
    total = sum(r.area for r in pieces)
    rate = _type_rate(result, booth["booth_type"], booth) if price_rule == "type" else \
        (booth["price_vnd"] / booth["area_m2"] if booth["area_m2"] else 0.0)
    used = {b["key"] for b in booths}
    codes = {b["code"] for b in booths}
    merged_from = list(booth.get("merged_from") or [])
    originals = originals or {}
    new_entries = []
    area, price = booth["area_m2"], booth["price_vnd"]
    for n, rect in enumerate(pieces):
        share = round(area * rect.area / total, 3)
        place = {"x_m": _num(rect.x), "y_m": _num(rect.y), "w_m": _num(rect.w),
                 "h_m": _num(rect.h), "outline": [], "width_m": _num(rect.w),
                 "depth_m": _num(rect.h), "area_m2": share,
                 "price_vnd": _rounded_price(rate * share) if price_rule == "type"
                 else int(round(price * rect.area / total))}
        if n == 0:
            booth.update(place)
            continue
        restored = next((k for k in merged_from if k in originals
                         and _same_place(rects_of(originals[k]), rect)), None)
        if restored is not None and restored not in used:
            entry = {**copy.deepcopy(originals[restored]), **place, "merged_from": [],
                     "split_from": None, "hall_id": booth["hall_id"]}
            entry["price_vnd"] = originals[restored]["price_vnd"] if price_rule == "sum" \
                else place["price_vnd"]
            merged_from.remove(restored)
            if entry["code"] in codes:
                entry["code"] = _fresh_code(booth["code"], codes)
        else:
            entry = {"key": None, "id": None, "hall_id": booth["hall_id"],
                     "code": _fresh_code(booth["code"], codes),
                     "booth_type": booth["booth_type"], "rotation": booth["rotation"], **place,
                     "blocked": booth["blocked"], "blocked_reason": booth["blocked_reason"],
                     "cluster_id": booth["cluster_id"], "merged_from": [],
                     "split_from": booth["key"] if _BOOTH_KEY.match(booth["key"])
                     else booth.get("split_from")}
            entry["key"] = _next_key({"booths": booths + new_entries,
                                      "elements": result.get("elements") or []})
        used.add(entry["key"])
        codes.add(entry["code"])
        new_entries.append(entry)
    booth["merged_from"] = merged_from
    result["booths"] = booths[:index + 1] + new_entries + booths[index + 1:]
    return result


def _same_place(rects: list[Rect], rect: Rect) -> bool:
    return len(rects) == 1 and all(abs(a - b) <= geometry.EPSILON for a, b in zip(
        (rects[0].x, rects[0].y, rects[0].w, rects[0].h), (rect.x, rect.y, rect.w, rect.h)))


def _equal_pieces(shape: Rect, parts: int, axis: str) -> list[Rect]:
    """``parts`` equal pieces of a rectangle; on the editor's grid when the size divides, the
    last piece taking what rounding leaves."""
    length = shape.w if axis == "x" else shape.h
    step = length / parts
    if abs(round(step / GRID_M) * GRID_M - step) > geometry.EPSILON:
        step = round(step, 3)
    pieces = []
    for n in range(parts):
        start = n * step
        size = length - start if n == parts - 1 else step
        if axis == "x":
            pieces.append(Rect(shape.x + start, shape.y, size, shape.h))
        else:
            pieces.append(Rect(shape.x, shape.y + start, shape.w, size))
    return pieces


def delete(document: dict, keys: list[str], moves: list[dict] | None = None) -> dict:
    """The document without the booths or elements ``keys``; ``moves`` (booking moves the
    deletion needs) are added to the document's."""
    result = copy.deepcopy(document)
    gone = set(keys or [])
    known = {b["key"] for b in result.get("booths") or []} | \
        {e["key"] for e in result.get("elements") or []}
    missing = gone - known
    if not gone or missing:
        _refuse(_("Choose booths or elements of the plan to delete."))
    result["booths"] = [b for b in result.get("booths") or [] if b["key"] not in gone]
    result["elements"] = [e for e in result.get("elements") or [] if e["key"] not in gone]
    return add_moves(result, moves or [])


def add_moves(document: dict, moves: list[dict]) -> dict:
    """The document with these booking moves (a later move of the same booking replaces the
    earlier one)."""
    result = copy.deepcopy(document) if moves else document
    if not moves:
        return result
    kept = {m["allocation_id"]: m for m in result.get("moves") or []}
    for move in moves:
        kept[move["allocation_id"]] = {"allocation_id": move["allocation_id"], "to": move["to"]}
    result["moves"] = list(kept.values())
    return result
