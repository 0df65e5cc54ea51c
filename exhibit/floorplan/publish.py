"""Publishing the organiser's draft: the plan exhibitors and visitors see changes at once, in
one transaction, and is recorded as a numbered version with what changed.

``publish`` locks the week's draft, refuses a stale revision (409) or a draft whose plan has
problems (422, ``draft.validate``), then applies it to the rows: halls resized, booths created
(their QR tokens follow, as for any new booth: visitors.subscribers), updated (renumbering
keeps the id, so bookings and printed QR codes stay) and retired (deleted, or merged into a
surviving booth: the row stays, ``retired_at`` and ``merged_into_id`` set, its code freed for
reuse), the bookings the change needs moved (booking does it, inside this transaction), the
halls' fixed elements replaced. The version keeps the whole plan as it now is (``snapshot``)
and the changes from the plan before (``diff``). Once committed, every exhibitor whose booth
changed is told what changed for them (``floor_plan_published`` → messaging's outbox).

The plan knows nothing of bookings itself (booking builds on the floor plan): moving a booking,
and who holds which booth, are asked of ``booking_hooks``, which booking plugs in at start.
"""
from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from exhibit.core import audit
from exhibit.core.db import is_postgres, utcnow, write_transaction
from exhibit.core.errors import Conflict, ValidationFailed
from exhibit.core.events import announce, floor_plan_changed, floor_plan_published
from exhibit.extensions import db
from exhibit.floorplan import diff, draft, services
from exhibit.floorplan.models import Booth, BoothCluster, Hall, PlanDraft, PlanElement, PlanVersion
from exhibit.vn.text import clean_text
from exhibit.weeks.services import require_week_organiser

MAX_NOTE = 2000


# -- what publishing asks of booking -------------------------------------------------------------

@dataclass(frozen=True)
class BookingHooks:
    """Plugged in by booking (booking.plan_changes.connect).

    - ``holders(week_id) -> {booth_id: business_id}``: the live bookings of the week's booths;
    - ``move(*, actor, allocation_id, booth_id, plan_version, now)``: move a live booking to
      another booth inside the caller's write transaction (Conflict when it cannot);
    - ``settle(*, week_id, leaving, freed, now)``: the booths ``leaving`` the plan keep no
      booking (lapsed holds on them end; Conflict if a live one remains), and the surviving
      booths ``freed`` by the moves are offered to the waiting list.
    """
    holders: Callable[[int], dict[int, int]]
    move: Callable[..., None]
    settle: Callable[..., None]


booking_hooks: BookingHooks | None = None


def _hooks() -> BookingHooks:
    if booking_hooks is None:  # create_app always plugs them in
        raise RuntimeError("booking has not plugged its hooks into floorplan.publish")
    return booking_hooks


# -- the published plan as plain values ----------------------------------------------------------

def _n(value) -> float:
    return round(float(value), 3)


def snapshot(week) -> dict:
    """The week's published plan (its rows) as JSON values: halls, booths that are on the plan
    (by their stable id), fixed elements and clusters. What a version keeps and draws."""
    halls = db.session.scalars(select(Hall).where(Hall.week_id == week.id)
                               .order_by(Hall.position, Hall.id)).all()
    booths = db.session.scalars(
        select(Booth).where(Booth.week_id == week.id, Booth.retired_at.is_(None))
        .order_by(Booth.hall_id, Booth.code)).all()
    hall_ids = [h.id for h in halls]
    elements = db.session.scalars(
        select(PlanElement).where(PlanElement.hall_id.in_(hall_ids))
        .order_by(PlanElement.hall_id, PlanElement.id)).all() if hall_ids else []
    clusters = db.session.scalars(select(BoothCluster).where(BoothCluster.week_id == week.id)
                                  .order_by(BoothCluster.name)).all()
    return {
        "halls": [{"id": h.id, "name": h.name, "width_m": _n(h.width_m),
                   "depth_m": _n(h.depth_m)} for h in halls],
        "booths": [{"id": b.id, "hall_id": b.hall_id, "code": b.code,
                    "booth_type": b.booth_type, "x_m": _n(b.x_m), "y_m": _n(b.y_m),
                    "w_m": _n(b.w_m), "h_m": _n(b.h_m), "rotation": b.rotation or 0,
                    "outline": json.loads(b.outline) if b.outline else [],
                    "price_vnd": int(b.price_vnd), "width_m": _n(b.width_m),
                    "depth_m": _n(b.depth_m), "area_m2": _n(b.area_m2),
                    "blocked": bool(b.blocked), "cluster_id": b.cluster_id} for b in booths],
        "elements": [{"id": e.id, "hall_id": e.hall_id, "kind": e.kind, "label": e.label or "",
                      "x_m": _n(e.x_m), "y_m": _n(e.y_m), "w_m": _n(e.w_m), "h_m": _n(e.h_m),
                      "rotation": e.rotation or 0} for e in elements],
        "clusters": [{"id": c.id, "name": c.name, "province_scheme": c.province_scheme,
                      "province_code": c.province_code} for c in clusters],
    }


# -- reading versions ----------------------------------------------------------------------------

def versions(week) -> list[PlanVersion]:
    """The week's published versions, the newest first."""
    return db.session.scalars(select(PlanVersion).where(PlanVersion.week_id == week.id)
                              .order_by(PlanVersion.number.desc())).all()


def get_version(week, number: int) -> PlanVersion | None:
    return db.session.scalar(select(PlanVersion).where(PlanVersion.week_id == week.id,
                                                       PlanVersion.number == number))


def latest_number(week) -> int:
    return db.session.scalar(select(func.max(PlanVersion.number))
                             .where(PlanVersion.week_id == week.id)) or 0


def version_changes(version: PlanVersion) -> list[dict]:
    return json.loads(version.changes or "[]")


def version_snapshot(version: PlanVersion) -> dict:
    return json.loads(version.snapshot or "{}")


def changes_for_booths(week, booth_ids) -> list[tuple[PlanVersion, list[dict]]]:
    """The published versions that touched any of ``booth_ids`` (an exhibitor's booths), with
    those changes only, the newest first."""
    booth_ids = set(booth_ids)
    if not booth_ids:
        return []
    found = []
    for version in versions(week):
        touched = diff.touching(version_changes(version), booth_ids)
        if touched:
            found.append((version, touched))
    return found


def touched_booths(week_ids, booth_ids) -> set[int]:
    """Which of ``booth_ids`` a published version of the weeks ``week_ids`` changed (an
    exhibitor's booths, for a link to what changed)."""
    booth_ids, week_ids = set(booth_ids), set(week_ids)
    if not booth_ids or not week_ids:
        return set()
    touched: set[int] = set()
    for changes in db.session.scalars(select(PlanVersion.changes)
                                      .where(PlanVersion.week_id.in_(week_ids))):
        for change in json.loads(changes or "[]"):
            touched |= booth_ids.intersection(diff.holders_booths(change))
    return touched


@dataclass(frozen=True)
class Pending:
    """What publishing the draft would change now."""
    revision: int
    base_version: int
    changes: list[dict]
    problems: list[dict]
    #: a draft was saved (else the draft is the published plan itself)
    saved: bool

    @property
    def errors(self) -> list[dict]:
        return [p for p in self.problems if p["severity"] == draft.ERROR]

    @property
    def warnings(self) -> list[dict]:
        return [p for p in self.problems if p["severity"] != draft.ERROR]


def pending(week) -> Pending:
    """The draft's changes against the published plan, and its problems: what the Publish
    button would do. Reads only."""
    row = draft.load_draft(week)
    document = draft.editor_document(week, row)
    before = snapshot(week)
    after, merged, split_from = _document_snapshot(before, document)
    by_allocation = {b.allocation_id: b for b in draft.active_bookings(week).values()}
    moves = [(booking.booth_id, _target_id(move["to"]))
             for move in document.get("moves") or []
             if (booking := by_allocation.get(move["allocation_id"]))
             and _target_id(move["to"]) != booking.booth_id]
    changes = diff.diff(before, after, merged=merged, split_from=split_from, moves=moves)
    saved = db.session.get(PlanDraft, week.id) is not None
    problems = draft.validate(week, document) if saved else []
    return Pending(revision=row.revision, base_version=row.base_version, changes=changes,
                   problems=problems, saved=saved)


def _target_id(key: str) -> int | None:
    """The booth id of an existing booth's key ("b345"); None for a new one ("n1")."""
    return int(key[1:]) if key.startswith("b") and key[1:].isdigit() else None


def _document_snapshot(before: dict, document: dict) -> tuple[dict, dict, dict]:
    """The snapshot the draft document would publish (new booths get negative stand-in ids),
    and its merges and splits by booth id."""
    ids: dict[str, int] = {}
    for n, entry in enumerate(document.get("booths") or [], start=1):
        ids[entry["key"]] = entry["id"] if entry.get("id") else -n
    halls = []
    sizes = document.get("halls") or {}
    for hall in before.get("halls", []):
        size = sizes.get(str(hall["id"])) or {}
        halls.append({**hall, "width_m": size.get("width_m", hall["width_m"]),
                      "depth_m": size.get("depth_m", hall["depth_m"])})
    booths = [{"id": ids[e["key"]], "hall_id": e["hall_id"], "code": e["code"],
               "booth_type": e["booth_type"], "x_m": e["x_m"], "y_m": e["y_m"], "w_m": e["w_m"],
               "h_m": e["h_m"], "rotation": e.get("rotation", 0), "outline": e.get("outline") or [],
               "price_vnd": e["price_vnd"], "width_m": e["width_m"], "depth_m": e["depth_m"],
               "area_m2": e["area_m2"], "blocked": e["blocked"], "cluster_id": e.get("cluster_id")}
              for e in document.get("booths") or []]
    merged = {_target_id(k): ids[e["key"]] for e in document.get("booths") or []
              for k in e.get("merged_from") or [] if _target_id(k)}
    split_from = {ids[e["key"]]: _target_id(e["split_from"]) for e in document.get("booths") or []
                  if e.get("split_from") and not e.get("id") and _target_id(e["split_from"])}
    elements = [{"id": e.get("id") or -n, "hall_id": e["hall_id"], "kind": e["kind"],
                 "label": e.get("label", ""), "x_m": e["x_m"], "y_m": e["y_m"], "w_m": e["w_m"],
                 "h_m": e["h_m"], "rotation": e.get("rotation", 0)}
                for n, e in enumerate(document.get("elements") or [], start=1)]
    after = {"halls": halls, "booths": booths, "elements": elements,
             "clusters": before.get("clusters", [])}
    return after, merged, split_from


# -- publishing ------------------------------------------------------------------------------------

def _stale() -> Conflict:
    return Conflict(_("The draft was saved again since you looked at it. Reload to see what "
                      "publishing will change now."), code="stale_revision")


def publish(*, actor, week, revision, note: str = "", now: datetime | None = None) -> PlanVersion:
    """Apply the week's draft to its published plan and record the version (see the module's
    docstring). Conflict (409) when ``revision`` is not the draft's, when a booking cannot be
    moved as the draft says, or when there is nothing to publish; ValidationFailed (422) when
    the plan has problems, naming each booth or element by its key."""
    require_week_organiser(actor, week)
    try:
        revision = int(revision)
    except (TypeError, ValueError):
        raise ValidationFailed(_("The draft's revision is missing."),
                               fields={"revision": _("Enter a whole number.")}) from None
    note = clean_text(note or "")[:MAX_NOTE]
    now = now or utcnow()
    hooks = _hooks()
    try:
        return _publish(actor=actor, week=week, revision=revision, note=note, now=now,
                        hooks=hooks)
    except IntegrityError:
        # another publication of the same plan took this version's number meanwhile (a week
        # without a saved draft has no draft row to wait on)
        raise _stale() from None


def _publish(*, actor, week, revision: int, note: str, now: datetime,
             hooks: BookingHooks) -> PlanVersion:
    with write_transaction():
        row = draft.locked_draft(week.id)
        stored = row.revision if row is not None else 0
        if revision != stored:
            raise _stale()
        # the draft brought up to date with the rows: a booth the booth form added after the
        # draft's last save stays on the plan, one retired meanwhile is not named
        document = draft.clean_document(week, draft.editor_document(week, row)) \
            if row is not None else draft.published_document(week)
        live = _lock_booths(week)
        number = latest_number(week) + 1  # read once the booths are locked
        bookings = draft.active_bookings(week)
        problems = [p for p in draft.validate(week, document, bookings=bookings)
                    if p["severity"] == draft.ERROR]
        if problems:
            raise ValidationFailed(
                _("The plan has problems to solve before it can be published."),
                fields={p["key"]: p["message"] for p in problems}, code="plan_has_problems")
        before = snapshot(week)
        applied = _apply(week, document, live, bookings, actor=actor, number=number, now=now,
                         hooks=hooks)
        after = snapshot(week)
        changes = diff.diff(before, after, merged=applied.merged, split_from=applied.split_from,
                            moves=applied.moves)
        if not changes and number > 1 and not note:
            raise Conflict(_("The draft is the same as the published plan: there is nothing to "
                             "publish."), code="nothing_to_publish")
        version = PlanVersion(week_id=week.id, number=number, published_at=now,
                              published_by_id=actor.id,
                              snapshot=json.dumps(after, ensure_ascii=False),
                              changes=json.dumps(changes, ensure_ascii=False), note=note)
        db.session.add(version)
        if row is not None:
            db.session.delete(row)  # the editor starts again from the plan just published
        db.session.flush()
        audit.record("plan_version", version.id, "publish", actor=actor, week_id=week.id,
                     after={"number": number, "booths": len(after["booths"]),
                            "changes": diff.counts(changes)}, note=note or None)
        holders = hooks.holders(week.id)
        announce(floor_plan_changed, week_id=week.id)
        announce(floor_plan_published, week_id=week.id, version_id=version.id, number=number,
                 affected=_affected(changes, holders))
    return version


def _lock_booths(week) -> dict[int, Booth]:
    """The week's booths on the plan, locked in id order (a booking taken meanwhile waits for
    the publication, then sees the new plan)."""
    query = select(Booth).where(Booth.week_id == week.id, Booth.retired_at.is_(None)) \
        .order_by(Booth.id).execution_options(populate_existing=True)
    if is_postgres():
        query = query.with_for_update()
    return {b.id: b for b in db.session.scalars(query)}


@dataclass
class _Applied:
    merged: dict[int, int]
    split_from: dict[int, int]
    moves: list[tuple[int, int]]


def _retired_code(booth: Booth) -> str:
    """A retired booth's code, freed for the plan: "A02~346" (its id keeps it unique)."""
    suffix = f"~{booth.id}"
    return booth.code[:20 - len(suffix)] + suffix


def _apply(week, document: dict, live: dict[int, Booth], bookings: dict, *, actor, number: int,
           now: datetime, hooks: BookingHooks) -> _Applied:
    # halls resized
    halls = {h.id: h for h in db.session.scalars(select(Hall).where(Hall.week_id == week.id))}
    for raw_id, size in (document.get("halls") or {}).items():
        hall = halls.get(int(raw_id))
        if hall is not None:
            hall.width_m, hall.depth_m = size["width_m"], size["depth_m"]
            hall.grid_width = max(1, min(500, math.ceil(size["width_m"] - 1e-6)))
            hall.grid_height = max(1, min(500, math.ceil(size["depth_m"] - 1e-6)))

    entries = document.get("booths") or []
    by_id = {e["id"]: e for e in entries if e.get("id")}
    leaving = [b for booth_id, b in live.items() if booth_id not in by_id]
    # codes that change, and those of leaving booths, are set aside first: two booths may swap
    # their codes, and a new booth may take a code a leaving one had
    for booth in live.values():
        entry = by_id.get(booth.id)
        if entry is None:
            booth.code = _retired_code(booth)
        elif entry["code"] != booth.code:
            booth.code = f"~{booth.id}"[:20]
    db.session.flush()

    ids: dict[str, int] = {}
    newly_blocked = []
    created = []
    for entry in entries:
        if entry.get("id"):
            booth = live[entry["id"]]
            if entry["blocked"] and not booth.blocked:
                newly_blocked.append(booth)
        else:
            booth = Booth(week_id=week.id, created_at=now)
            db.session.add(booth)
            created.append(booth)
        _set_booth(booth, entry)
        ids[entry["key"]] = booth
    db.session.flush()
    ids = {key: booth.id for key, booth in ids.items()}

    merged = {int(k[1:]): ids[e["key"]] for e in entries for k in e.get("merged_from") or []}
    split_from = {ids[e["key"]]: int(e["split_from"][1:]) for e in entries
                  if e.get("split_from") and not e.get("id")}

    # the bookings the change needs moved, each to a booth that is free by then
    by_allocation = {b.allocation_id: b for b in bookings.values()}
    todo = []
    for move in document.get("moves") or []:
        booking = by_allocation.get(move["allocation_id"])
        target = ids.get(move["to"])
        if booking is None:
            continue  # the booking ended since the move was chosen: nothing to move
        if target is None:
            raise Conflict(_("A booking to move has ended or its booth is gone; reload the "
                             "editor."), code="move_failed")
        if target != booking.booth_id:
            todo.append((booking, target))
    moves: list[tuple[int, int]] = []
    while todo:
        waiting = {b.booth_id for b, _target in todo}
        ready = [(b, t) for b, t in todo if t not in waiting]
        if not ready:
            raise Conflict(_("Bookings that swap booths cannot be moved in one publication: "
                             "move one of them to a free booth first."), code="move_cycle")
        for booking, target in ready:
            hooks.move(actor=actor, allocation_id=booking.allocation_id, booth_id=target,
                       plan_version=number, now=now)
            moves.append((booking.booth_id, target))
        todo = [item for item in todo if item not in ready]

    hooks.settle(week_id=week.id, leaving=[b.id for b in leaving],
                 freed=[from_id for from_id, _to in moves if from_id in by_id], now=now)
    for booth in leaving:
        booth.retired_at = now
        booth.merged_into_id = merged.get(booth.id)
    for check in services.blocking_checks:
        if newly_blocked:
            check(newly_blocked)

    _replace_elements(document, list(halls))
    db.session.flush()
    return _Applied(merged=merged, split_from=split_from, moves=moves)


def _set_booth(booth: Booth, entry: dict) -> None:
    booth.hall_id = entry["hall_id"]
    booth.code = entry["code"]
    booth.booth_type = entry["booth_type"]
    booth.x_m, booth.y_m = entry["x_m"], entry["y_m"]
    booth.w_m, booth.h_m = entry["w_m"], entry["h_m"]
    booth.rotation = entry.get("rotation", 0)
    outline = entry.get("outline") or []
    booth.outline = json.dumps(outline) if len(outline) > 1 else ""
    booth.width_m, booth.depth_m, booth.area_m2 = entry["width_m"], entry["depth_m"], entry["area_m2"]
    booth.price_vnd = entry["price_vnd"]
    booth.blocked = entry["blocked"]
    booth.blocked_reason = entry.get("blocked_reason", "") if entry["blocked"] else ""
    booth.cluster_id = entry.get("cluster_id")
    # the first design's grid, kept while anything still reads it (whole metres, at least one)
    if hasattr(Booth, "grid_x"):
        booth.grid_x = max(0, math.floor(entry["x_m"] + 1e-6))
        booth.grid_y = max(0, math.floor(entry["y_m"] + 1e-6))
        booth.grid_w = max(1, round(entry["w_m"]))
        booth.grid_h = max(1, round(entry["h_m"]))


def _replace_elements(document: dict, hall_ids: list[int]) -> None:
    """The halls' fixed elements become the draft's: kept ones updated, others deleted, new
    ones added."""
    existing = {e.id: e for e in db.session.scalars(
        select(PlanElement).where(PlanElement.hall_id.in_(hall_ids)))} if hall_ids else {}
    kept = set()
    for entry in document.get("elements") or []:
        element = existing.get(entry.get("id")) if entry.get("id") else None
        if element is None:
            element = PlanElement()
            db.session.add(element)
        else:
            kept.add(element.id)
        element.hall_id, element.kind = entry["hall_id"], entry["kind"]
        element.label = entry.get("label", "")
        element.x_m, element.y_m, element.w_m, element.h_m = (
            entry["x_m"], entry["y_m"], entry["w_m"], entry["h_m"])
        element.rotation = entry.get("rotation", 0)
    for element_id, element in existing.items():
        if element_id not in kept:
            db.session.delete(element)


def _affected(changes: list[dict], holders: dict[int, int]) -> list[dict]:
    """Each business holding a booth a change touched, with those changes (plain values)."""
    found: dict[int, list[dict]] = {}
    for change in changes:
        # a booking moved concerns its holder, not whoever the freed booth is offered to next
        booths = diff.holders_booths(change)
        for business_id in dict.fromkeys(holders[b] for b in booths if b in holders):
            found.setdefault(business_id, []).append(change)
    return [{"business_id": business_id, "changes": told} for business_id, told in found.items()]
