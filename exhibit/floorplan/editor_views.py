"""The organiser's plan editor in the browser: one page drawing a hall of the week's draft
(static/js/plan-editor/), and the JSON the page calls to reshape, check and save the draft.
The rules are exhibit/floorplan/draft.py's; these views parse, check who asks, and answer."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.routing import BuildError

from exhibit.core.db import utcnow
from exhibit.core.errors import AppError, ValidationFailed, json_error
from exhibit.core.forms import ActionForm
from exhibit.core.permissions import organiser_required
from exhibit.floorplan import draft as drafts
from exhibit.floorplan.models import ELEMENT_KIND_TITLES, BoothType, ElementKind
from exhibit.weeks.services import get_managed_week

bp = Blueprint("plan_editor", __name__)


def _json_failure(error: AppError):
    return json_error(error.status, error.code, error.message, error.fields)


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationFailed(_("The plan could not be read."),
                               fields={"document": _("Send the plan as a JSON object.")})
    return body


def _bookings_by_key(bookings: dict[int, drafts.Booking]) -> dict:
    return {drafts.booth_key(b.booth_id): {"allocation_id": b.allocation_id, "holder": b.holder,
                                           "status": b.status}
            for b in bookings.values()}


def _optional_url(endpoint: str, **values) -> str | None:
    """The address of another floor plan page, or None while that page does not exist."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def _hall_entry(week, hall) -> dict:
    """A hall as the editor draws it: its size, and the venue's drawing underneath once it is
    calibrated (its top-left at the hall's origin, metres = pixels / pixels per metre)."""
    drawing = None
    if hall.drawing_key and hall.drawing_px_per_m and hall.drawing_width_px:
        url = _optional_url("floorplan.hall_drawing", slug=week.slug, hall_id=hall.id,
                            name=hall.drawing_key.rsplit("/", 1)[-1])
        if url:
            drawing = {"url": url,
                       "width_m": round(hall.drawing_width_px / hall.drawing_px_per_m, 3),
                       "depth_m": round((hall.drawing_height_px or 0) / hall.drawing_px_per_m, 3)}
    return {"id": hall.id, "name": hall.name, "width_m": hall.width_m, "depth_m": hall.depth_m,
            "drawing": drawing,
            "drawing_page": _optional_url("floorplan.edit_drawing", slug=week.slug,
                                          hall_id=hall.id),
            "uncalibrated": bool(hall.drawing_key and not hall.drawing_px_per_m)}


def _editor_text() -> dict:
    """The editor's words, in the reader's language ({code}, {n}… are filled in by the script)."""
    return {
        "booth": _("Booth"), "blocked": _("blocked"), "hasProblem": _("has a problem"),
        "bookedBy": _("booked by {holder}"),
        "outside": _("Booth {code} lies outside its hall."),
        "duplicate": _("Two booths are numbered {code}."),
        "overlap": _("Booth {code} overlaps booth {other}."),
        "elementOutside": _("{element} lies outside its hall."),
        "overElement": _("Booth {code} lies over a fixed element: {element}."),
        "touchesColumn": _("Booth {code} touches a column: exhibitors are told before booking."),
        "bookingGone": _("The booking of {holder} is on a deleted booth: choose where it goes."),
        "problemCount": _("{errors} errors, {warnings} warnings"), "noProblems": _("No problems."),
        "liveBad": _("Here the booth overlaps or leaves the hall."),
        "selected": _("{n} selected: {names}"), "nothingSelected": _("Nothing selected."),
        "unsaved": _("Unsaved changes"), "savedRevision": _("Saved (revision {n})"),
        "noDraft": _("No draft yet: this is the published plan"),
        "moved": _("Moved by {x} m, {y} m."), "resized": _("Now {size} m."), "added": _("Added {name}."),
        "undone": _("Undone."), "redone": _("Redone."), "cancelled": _("Nothing changed."),
        "saved": _("Done."), "serverError": _("Something went wrong on our side."),
        "offline": _("The server could not be reached; your changes are still here."),
        "keepOnBooth": _("Keep it on the changed booth"),
        "uncalibrated": _("The hall's drawing is not calibrated yet, so it is not shown."),
        "calibrate": _("Calibrate it"),
        "noDrawing": _("No venue drawing under this hall."),
        "uploadDrawing": _("Upload the drawing"),
        "savedWithProblems": _("Draft saved, with {n} errors to solve before publishing."),
        "stale": _("Someone else saved the plan since you opened it."),
        "reload": _("Reload the plan"),
        "done": {"merge": _("Booths merged."), "split": _("Booth split."),
                 "delete": _("Deleted.")},
        "kinds": {k.value: str(ELEMENT_KIND_TITLES[k]) for k in ElementKind},
    }


@bp.route("/organiser/weeks/<slug>/plan/editor")
@organiser_required
def editor(slug):
    week = get_managed_week(slug, current_user)
    opened_at = utcnow()
    draft = drafts.load_draft(week)
    document = drafts.editor_document(week, draft)
    bookings = drafts.active_bookings(week)
    halls = drafts.week_halls(week)
    try:
        hall_id = int(request.args.get("hall") or 0)
    except ValueError:
        hall_id = 0
    hall = next((h for h in halls if h.id == hall_id), halls[0] if halls else None)
    problems = drafts.validate(week, document, bookings=bookings)
    config = {
        "revision": draft.revision, "base_version": draft.base_version,
        "hall_id": hall.id if hall else None,
        "halls": [_hall_entry(week, h) for h in halls],
        "document": document, "problems": problems,
        "bookings": _bookings_by_key(bookings),
        "booth_types": [{"value": t.value, "title": t.title} for t in BoothType],
        "element_kinds": [{"value": k.value, "title": str(ELEMENT_KIND_TITLES[k])}
                          for k in ElementKind],
        "grid_m": drafts.GRID_M, "csrf": generate_csrf(), "text": _editor_text(),
        # when the plan was read: a booth added after it (the booth form, an import) is not
        # one the organiser deleted (drafts.save_draft)
        "opened_at": opened_at.isoformat(),
        "urls": {"save": url_for(".save", slug=week.slug),
                 "operation": url_for(".operation", slug=week.slug),
                 "reload": url_for(".editor", slug=week.slug, hall=hall.id if hall else None)},
    }
    return render_template("floorplan/editor.html", week=week, draft=draft, hall=hall,
                           halls=halls, config=config, form=ActionForm())


@bp.route("/organiser/weeks/<slug>/plan/editor/draft", methods=["POST"])
@organiser_required
def save(slug):
    try:
        week = get_managed_week(slug, current_user)
        body = _body()
        draft = drafts.save_draft(actor=current_user, week=week, document=body.get("document"),
                                  revision=body.get("revision"), opened_at=body.get("opened_at"))
    except AppError as error:
        return _json_failure(error)
    document = drafts.draft_document(draft)
    return {"revision": draft.revision, "problems": drafts.validate(week, document),
            "message": _("Draft saved.")}


#: the problems operation "ask" answers with the bookings to place (and where they could go)
ASKED = ("booking_needs_move", "move_target_taken", "booking_blocked", "move_cycle")


@bp.route("/organiser/weeks/<slug>/plan/editor/operation", methods=["POST"])
@organiser_required
def operation(slug):
    """Reshape the posted document (merge, split, delete, or only check it) and answer the
    new document with its problems. A change that would leave a booking without a place is
    refused (422 booking_needs_move) with the bookings and the booths they could go to: the
    editor asks, then posts again with ``moves``."""
    try:
        week = get_managed_week(slug, current_user)
        body = _body()
        document = drafts.clean_document(week, body.get("document"))
        bookings = drafts.active_bookings(week)
        before = drafts.validate(week, document, bookings=bookings)
        changed = _apply(week, document, body)
        changed = drafts.clean_document(week, changed)
    except AppError as error:
        return _json_failure(error)
    problems = drafts.validate(week, changed, bookings=bookings)
    if body.get("operation") == "ask":
        # every booking still waiting for a place: one that arrived on a booth the draft had
        # already deleted, or whose chosen booth was taken meanwhile
        broken = [p for p in problems if p["code"] in ASKED and p.get("allocation_id")
                  and p["allocation_id"] in {b.allocation_id for b in bookings.values()}]
    else:
        known = {(p["key"], p.get("allocation_id")) for p in before
                 if p["code"] == "booking_needs_move"}
        broken = [p for p in problems if p["code"] == "booking_needs_move"
                  and (p["key"], p.get("allocation_id")) not in known]
    if broken and body.get("operation") != "check":
        by_allocation = {b.allocation_id: b for b in bookings.values()}
        open_booths = {b["key"] for b in changed["booths"] if not b["blocked"]}
        needing, asked = [], set()
        for problem in broken:
            booking = by_allocation[problem["allocation_id"]]
            if booking.allocation_id in asked:
                continue
            asked.add(booking.allocation_id)
            own = drafts.booth_key(booking.booth_id)
            # the booth itself may keep the booking when it survives the change (merge, split)
            needing.append({"allocation_id": booking.allocation_id, "holder": booking.holder,
                            "from": own, "message": problem["message"],
                            "can_stay": own in open_booths})
        response = jsonify({"error": "booking_needs_move", "message": broken[0]["message"],
                            "fields": {"moves": broken[0]["message"]}, "bookings": needing,
                            "free_booths": drafts.free_booths(changed, bookings)})
        response.status_code = 422
        return response
    return {"document": changed, "problems": problems}


def _apply(week, document: dict, body: dict) -> dict:
    kind = body.get("operation")
    moves = body.get("moves") or []
    if not isinstance(moves, list) or not all(
            isinstance(m, dict) and isinstance(m.get("allocation_id"), int)
            and isinstance(m.get("to"), str) for m in moves):
        raise ValidationFailed(_("Send the booking moves as a list."),
                               fields={"moves": _("Send the booking moves as a list.")})
    keys = body.get("keys") or []
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise ValidationFailed(_("Choose booths of the plan."), fields={"keys": _("Choose booths of the plan.")})
    price_rule = body.get("price_rule") or "type"
    if kind == "merge":
        return drafts.add_moves(drafts.merge(document, keys, price_rule), moves)
    if kind == "split":
        parts = body.get("parts")
        originals = {b["key"]: b for b in drafts.published_document(week)["booths"]}
        return drafts.add_moves(drafts.split(document, keys[0] if keys else "", parts,
                                             body.get("axis") or "x", price_rule, originals), moves)
    if kind == "delete":
        return drafts.delete(document, keys, moves)
    if kind in ("check", "move", "ask"):
        return drafts.add_moves(document, moves)
    raise ValidationFailed(_("Choose merge, split or delete."),
                           fields={"operation": _("Choose merge, split or delete.")})


@bp.route("/organiser/weeks/<slug>/plan/editor/discard", methods=["POST"])
@organiser_required
def discard(slug):
    week = get_managed_week(slug, current_user)
    form = ActionForm()
    if form.validate_on_submit() and drafts.discard_draft(actor=current_user, week=week):
        flash(_("Draft discarded: the editor shows the published plan again."), "success")
    return redirect(url_for(".editor", slug=week.slug))
