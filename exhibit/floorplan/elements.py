"""Fixed elements of a hall's published plan (columns, walls, exits, fire equipment, stage,
toilets, information desk): non-bookable shapes a booth may not overlap. A booth touching a
column is allowed, but its exhibitor is told before booking (``column_notes``).

The organiser's editor changes elements in its draft (floorplan.draft); publishing replaces a
hall's rows. These services edit the published rows directly, for the simple form."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from exhibit.core import audit
from exhibit.core.db import write_transaction
from exhibit.core.errors import NotFound, ValidationFailed
from exhibit.extensions import db
from exhibit.floorplan import geometry
from exhibit.floorplan.models import Booth, ElementKind, Hall, PlanElement
from exhibit.floorplan.services import MAX_HALL_M, live_booths
from exhibit.vn.numbers import parse_decimal
from exhibit.vn.text import clean_text
from exhibit.weeks.services import require_week_organiser

KINDS = {k.value for k in ElementKind}


def week_elements(week) -> list[PlanElement]:
    return db.session.scalars(
        select(PlanElement).join(Hall, Hall.id == PlanElement.hall_id)
        .where(Hall.week_id == week.id).order_by(Hall.position, PlanElement.kind,
                                                 PlanElement.label, PlanElement.id)).all()


def hall_elements(hall_id: int) -> list[PlanElement]:
    return db.session.scalars(select(PlanElement).where(PlanElement.hall_id == hall_id)
                              .order_by(PlanElement.id)).all()


def get_element(week, element_id: int) -> PlanElement:
    element = db.session.get(PlanElement, element_id)
    if element is None or element.hall.week_id != week.id:
        raise NotFound(_("There is no such element on this week's plan."),
                       code="element_not_found")
    return element


def clean_element_data(data: dict) -> dict:
    errors: dict[str, str] = {}
    cleaned: dict = {}
    kind = str(data.get("kind") or "")
    if kind not in KINDS:
        errors["kind"] = _("Choose what the element is.")
    cleaned["kind"] = kind
    cleaned["label"] = clean_text(data.get("label"))[:120]
    for key, least in (("x_m", 0.0), ("y_m", 0.0), ("w_m", 0.05), ("h_m", 0.05)):
        try:
            value = parse_decimal(data.get(key))
            if value is None or value != value or not least <= value <= MAX_HALL_M:
                raise ValueError
            cleaned[key] = round(value, 3)
        except (TypeError, ValueError):
            errors[key] = (_("Enter a position in metres, 0 or more.") if least == 0
                           else _("Enter a size in metres greater than 0."))
    if errors:
        raise ValidationFailed(_("Some details of the element are not valid."), fields=errors)
    return cleaned


def _element_title(element: PlanElement) -> str:
    kind = element.kind_enum.title
    return f"{kind} {element.label}".strip()


def _check_place(element: PlanElement, hall: Hall) -> None:
    rect = geometry.element_rect(element)
    if not geometry.inside(rect, hall.width_m, hall.depth_m):
        message = _("The element lies outside hall %(hall)s.", hall=hall.name)
        raise ValidationFailed(message, fields={"x_m": message})
    under = [b.code for b in db.session.scalars(select(Booth).where(
        Booth.hall_id == hall.id, live_booths(), Booth.x_m < rect.x1, Booth.y_m < rect.y1,
        Booth.x_m + Booth.w_m > rect.x, Booth.y_m + Booth.h_m > rect.y))
        if geometry.any_overlap(geometry.booth_rects(b), [rect])]
    if under:
        message = _("%(element)s would overlap booth %(codes)s: move or delete the booth first.",
                    element=_element_title(element), codes=", ".join(sorted(under)))
        raise ValidationFailed(message, fields={"x_m": message})


def _snapshot(element: PlanElement) -> dict:
    return {"kind": element.kind, "label": element.label, "hall_id": element.hall_id,
            "place_m": [element.x_m, element.y_m, element.w_m, element.h_m]}


def save_element(*, actor, week, hall_id: int, data: dict,
                 element: PlanElement | None = None) -> PlanElement:
    """Add a fixed element to a hall or change one; refused where it would overlap a booth or
    leave the hall."""
    require_week_organiser(actor, week)
    cleaned = clean_element_data(data)
    with write_transaction():
        hall = db.session.get(Hall, hall_id)
        if hall is None or hall.week_id != week.id:
            raise ValidationFailed(_("Choose a hall of this week."),
                                   fields={"hall_id": _("Choose a hall of this week.")})
        if element is None:
            element = PlanElement(hall_id=hall.id, **cleaned)
            db.session.add(element)
            before = None
        else:
            element = get_element(week, element.id)
            before = _snapshot(element)
            element.hall_id = hall.id
            for key, value in cleaned.items():
                setattr(element, key, value)
        _check_place(element, hall)
        db.session.flush()
        audit.record("plan_element", element.id, "update" if before else "create", actor=actor,
                     week_id=week.id, before=before, after=_snapshot(element))
    return element


def delete_element(*, actor, week, element: PlanElement) -> None:
    require_week_organiser(actor, week)
    with write_transaction():
        element = get_element(week, element.id)
        audit.record("plan_element", element.id, "delete", actor=actor, week_id=week.id,
                     before=_snapshot(element))
        db.session.delete(element)


# -- what a booth's exhibitor is told ------------------------------------------------------------

def columns_touching(booth: Booth) -> list[PlanElement]:
    """The columns a booth touches (they stand at its edge or corner): its exhibitor is told
    before booking."""
    rects = geometry.booth_rects(booth)
    box = geometry.bounds(rects)
    eps = geometry.EPSILON
    candidates = db.session.scalars(select(PlanElement).where(
        PlanElement.hall_id == booth.hall_id, PlanElement.kind == ElementKind.COLUMN.value,
        PlanElement.x_m <= box.x1 + eps, PlanElement.y_m <= box.y1 + eps,
        PlanElement.x_m + PlanElement.w_m >= box.x - eps,
        PlanElement.y_m + PlanElement.h_m >= box.y - eps)).all()
    return [c for c in candidates if geometry.any_touch(rects, [geometry.element_rect(c)])]


def column_note(booth: Booth) -> str:
    """What the booth page says about columns at the booth's edge ("" when none)."""
    columns = columns_touching(booth)
    if not columns:
        return ""
    labels = ", ".join(c.label for c in columns if c.label)
    if labels:
        return _("A column (%(labels)s) stands at the edge of this booth: check the plan "
                 "before you book.", labels=labels)
    return _("A column stands at the edge of this booth: check the plan before you book.")
