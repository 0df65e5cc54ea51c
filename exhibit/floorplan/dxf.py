"""Booth outlines from the venue's CAD, as DXF (read with ezdxf).

The organiser uploads the DXF, picks the layer of the booth outlines and, when there is one,
the layer of the booth numbers; then:

- every closed LWPOLYLINE or POLYLINE on the outline layer is a booth: a rectangle along the
  axes as it is; an outline whose sides all run along the axes (an L, a U) as the several
  rectangles of a merged booth; any other closed shape (a slanted or curved one) as the
  rectangle around it, with a warning;
- its code is the TEXT or MTEXT of the number layer that lies inside it; a booth without one
  is numbered (a prefix and a running number no booth of the week uses);
- units come from the drawing's $INSUNITS (millimetres, centimetres, metres; inches and feet
  too); a drawing without units is read as millimetres, with a warning;
- the CAD's y axis points up, the plan's down: the outlines' top-left corner lands on the
  hall's origin plus the offset asked;
- skipped, and listed with the reason: open polylines, outlines outside the hall, outlines
  overlapping a booth (of the plan or of the file) or a fixed element, codes already used
  (in the week or earlier in the file), shapes too small to be a booth.

The booths found are created on the published plan (rows, as the booth form and the CSV
import do) in one transaction; the organiser's draft picks up booths added after its last save
(floorplan.draft.editor_document).
"""
from __future__ import annotations

import math
import os
import re
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select

from exhibit.core import audit
from exhibit.core.db import write_transaction
from exhibit.core.errors import NotFound, ValidationFailed
from exhibit.core.events import announce, floor_plan_changed
from exhibit.extensions import db
from exhibit.floorplan import geometry
from exhibit.floorplan.geometry import Rect
from exhibit.floorplan.models import Booth, Hall, PlanElement
from exhibit.floorplan.services import live_booths, place_booth
from exhibit.media import storage
from exhibit.vn.numbers import parse_decimal, parse_whole
from exhibit.vn.text import clean_text
from exhibit.weeks.services import require_week_organiser

MAX_DXF_BYTES = 30 * 1024 * 1024
#: the most outlines one import creates
MAX_OUTLINES = 6000
#: metres per drawing unit, by $INSUNITS
UNITS = {1: 0.0254, 2: 0.3048, 4: 0.001, 5: 0.01, 6: 1.0}
UNIT_NAMES = {1: "in", 2: "ft", 4: "mm", 5: "cm", 6: "m"}
#: the smallest side a booth may have, in metres
MIN_SIDE = 0.3
#: an uploaded DXF waits here between choosing its layers and importing it
KIND = "dxf"
_UPLOAD = re.compile(r"^[0-9]{1,12}-[A-Za-z0-9_-]{16,64}$")


@dataclass
class Skipped:
    reason: str       # "open", "outside", "overlap", "element", "duplicate", "small"
    where: str        # the entity's handle, and a code when it had one
    message: str


@dataclass
class DxfResult:
    created: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def skipped_count(self, reason: str) -> int:
        return sum(1 for s in self.skipped if s.reason == reason)


def _refuse(message: str, name: str = "file"):
    raise ValidationFailed(message, fields={name: message})


# -- reading the file ------------------------------------------------------------------------------

def read_document(content: bytes):
    """The DXF document, read by ezdxf (text or binary DXF, any of its encodings); refused
    when it is not one or is too damaged to trust."""
    import ezdxf
    from ezdxf import recover

    if not content:
        _refuse(_("The file is empty."))
    if len(content) > MAX_DXF_BYTES:
        _refuse(_("The file is larger than %(mb)d MB.", mb=MAX_DXF_BYTES // (1024 * 1024)))
    head = content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not (head.startswith(b"AutoCAD Binary DXF") or re.match(
            rb"^(999\s*\r?\n[^\n]*\r?\n\s*)*0\s*\r?\n\s*SECTION", head)):
        _refuse(_("This file is not a DXF drawing we can read; export it again as DXF."))
    handle, name = tempfile.mkstemp(suffix=".dxf")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        try:
            document, auditor = recover.readfile(name)
        except (OSError, ezdxf.DXFStructureError, ValueError, UnicodeDecodeError):
            _refuse(_("This file is not a DXF drawing we can read; export it again as DXF."))
    finally:
        os.unlink(name)
    if auditor.has_errors:
        _refuse(_("The DXF drawing is damaged; export it again from the CAD."))
    return document


def layer_names(document) -> list[str]:
    """The layers that hold something in the model space, in name order."""
    return sorted({entity.dxf.layer for entity in document.modelspace()},
                  key=lambda n: n.casefold())


def _unit(document, result: DxfResult) -> float:
    code = document.header.get("$INSUNITS", 0)
    if code in UNITS:
        return UNITS[code]
    result.warnings.append(_("The drawing does not say its units: read as millimetres."))
    return UNITS[4]


def _points(entity) -> list[tuple[float, float]]:
    if entity.dxftype() == "LWPOLYLINE":
        points = [(float(x), float(y)) for x, y in entity.get_points("xy")]
    else:
        points = [(float(v.dxf.location.x), float(v.dxf.location.y)) for v in entity.vertices]
    if len(points) > 1 and math.dist(points[0], points[-1]) < 1e-9:
        points.pop()
    return points


def _closed(entity) -> bool:
    return bool(entity.closed if entity.dxftype() == "LWPOLYLINE" else entity.is_closed)


def _has_bulge(entity) -> bool:
    if entity.dxftype() == "LWPOLYLINE":
        return any(abs(b) > 1e-9 for *_xy, b in entity.get_points("xyb"))
    return any(abs(v.dxf.get("bulge", 0) or 0) > 1e-9 for v in entity.vertices)


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Without repeated points and points in the middle of a straight side."""
    kept: list[tuple[float, float]] = []
    for p in points:
        if not kept or math.dist(kept[-1], p) > tolerance:
            kept.append(p)
    if len(kept) > 1 and math.dist(kept[0], kept[-1]) <= tolerance:
        kept.pop()
    changed = True
    while changed and len(kept) > 3:
        changed = False
        for i in range(len(kept)):
            a, b, c = kept[i - 1], kept[i], kept[(i + 1) % len(kept)]
            cross = (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0])
            if abs(cross) <= tolerance * max(math.dist(a, c), tolerance):
                kept.pop(i)
                changed = True
                break
    return kept


def _orthogonal(points, tolerance: float) -> bool:
    return all(abs(a[0] - b[0]) <= tolerance or abs(a[1] - b[1]) <= tolerance
               for a, b in zip(points, points[1:] + points[:1]))


def _inside_polygon(x: float, y: float, points) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1]):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def orthogonal_rects(points) -> list[tuple[float, float, float, float]]:
    """An outline whose sides run along the axes as rectangles (x0, y0, x1, y1) in the
    drawing's units: cut into vertical slabs at every corner's x, each slab's inside stretches
    kept, then slabs side by side with the same stretch joined."""
    xs = sorted({p[0] for p in points})
    ys = sorted({p[1] for p in points})
    slabs: list[list[tuple[float, float]]] = []
    for x0, x1 in zip(xs, xs[1:]):
        mid_x = (x0 + x1) / 2
        spans, start = [], None
        for y0, y1 in zip(ys, ys[1:]):
            inside = _inside_polygon(mid_x, (y0 + y1) / 2, points)
            if inside and start is None:
                start = y0
            if not inside and start is not None:
                spans.append((start, y0))
                start = None
        if start is not None:
            spans.append((start, ys[-1]))
        slabs.append(spans)
    rects: list[list[float]] = []
    open_rects: dict[tuple[float, float], list[float]] = {}
    for (x0, x1), spans in zip(zip(xs, xs[1:]), slabs):
        still: dict[tuple[float, float], list[float]] = {}
        for span in spans:
            rect = open_rects.get(span)
            if rect is not None and abs(rect[2] - x0) < 1e-9:
                rect[2] = x1
            else:
                rect = [x0, span[0], x1, span[1]]
                rects.append(rect)
            still[span] = rect
        open_rects = still
    return [tuple(r) for r in rects]


@dataclass
class Outline:
    handle: str
    rects: list[Rect]         # on the plan, metres
    polygon: list[tuple[float, float]]  # in the drawing's units, for the text test
    approximate: bool = False


def _text_items(document, layer: str) -> list[tuple[float, float, str]]:
    items = []
    for entity in document.modelspace():
        if entity.dxftype() not in ("TEXT", "MTEXT") or entity.dxf.layer != layer:
            continue
        if entity.dxftype() == "TEXT":
            point = entity.dxf.insert
            halign, valign = entity.dxf.get("halign", 0), entity.dxf.get("valign", 0)
            if (halign or valign) and entity.dxf.hasattr("align_point"):
                point = entity.dxf.align_point
            text = entity.plain_text() if hasattr(entity, "plain_text") else entity.dxf.text
        else:
            point = entity.dxf.insert
            text = entity.plain_text()
        code = clean_text(text).upper().replace(" ", "")
        if code:
            items.append((float(point.x), float(point.y), code[:20]))
    return items


# -- the upload between its two steps ---------------------------------------------------------------

def _upload_path(week_id: int, token: str) -> Path:
    if not _UPLOAD.match(token or "") or not token.startswith(f"{week_id}-"):
        raise NotFound(_("The uploaded drawing is gone; upload it again."), code="dxf_gone")
    return storage.upload_root() / KIND / f"{token}.dxf"


def keep_upload(week, content: bytes) -> tuple[str, list[str]]:
    """Check an uploaded DXF, keep it for the import step, and list its layers. Returns the
    upload's token (names the week: another week's organiser cannot use it) and layers."""
    document = read_document(content)
    layers = layer_names(document)
    if not layers:
        _refuse(_("The drawing has nothing in its model space."))
    token = f"{week.id}-{secrets.token_urlsafe(18)}"
    path = _upload_path(week.id, token)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    temporary.write_bytes(content)
    os.replace(temporary, path)
    return token, layers


def kept_upload(week, token: str) -> bytes:
    path = _upload_path(week.id, token)
    if not path.is_file():
        raise NotFound(_("The uploaded drawing is gone; upload it again."), code="dxf_gone")
    return path.read_bytes()


def forget_upload(week, token: str) -> None:
    try:
        _upload_path(week.id, token).unlink(missing_ok=True)
    except NotFound:
        pass


def kept_layers(week, token: str) -> list[str]:
    return layer_names(read_document(kept_upload(week, token)))


# -- the import ------------------------------------------------------------------------------------

def outlines(document, layer: str, result: DxfResult, *, unit: float,
             offset: tuple[float, float] = (0.0, 0.0)) -> list[Outline]:
    """The closed outlines of ``layer`` on the plan, in metres (y turned down, the outlines'
    top-left corner at ``offset``); the open ones are recorded as skipped."""
    found: list[tuple[str, list[tuple[float, float]], bool]] = []
    for entity in document.modelspace():
        if entity.dxftype() not in ("LWPOLYLINE", "POLYLINE") or entity.dxf.layer != layer:
            continue
        handle = entity.dxf.handle
        if entity.dxftype() == "POLYLINE" and not (entity.is_2d_polyline or
                                                   entity.is_3d_polyline):
            continue  # meshes and polyface meshes are not outlines
        if not _closed(entity):
            result.skipped.append(Skipped("open", handle, _("An open polyline is not a booth "
                                                            "outline.")))
            continue
        points = _points(entity)
        if len(points) < 3:
            result.skipped.append(Skipped("small", handle, _("The outline has fewer than "
                                                             "three corners.")))
            continue
        found.append((handle, points, _has_bulge(entity)))
    if len(found) > MAX_OUTLINES:
        _refuse(_("At most %(n)d outlines per import.", n=MAX_OUTLINES), "layer")
    if not found:
        return []
    min_x = min(x for _h, pts, _b in found for x, _y in pts)
    max_y = max(y for _h, pts, _b in found for _x, y in pts)
    tolerance = 0.005 / unit  # five millimetres
    shapes: list[Outline] = []
    for handle, points, bulged in found:
        simple = _simplify(points, tolerance)

        def to_plan(x0, y0, x1, y1):
            return Rect(round((x0 - min_x) * unit + offset[0], 3),
                        round((max_y - y1) * unit + offset[1], 3),
                        round((x1 - x0) * unit, 3), round((y1 - y0) * unit, 3))

        approximate = bulged or len(simple) < 4 or not _orthogonal(simple, tolerance)
        if approximate:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            rects = [to_plan(min(xs), min(ys), max(xs), max(ys))]
        else:
            rects = [to_plan(*r) for r in orthogonal_rects(simple)]
        shapes.append(Outline(handle, rects, points, approximate))
    # top to bottom, then left to right: the order booths without a code are numbered in
    shapes.sort(key=lambda o: (round(geometry.bounds(o.rects).y, 2),
                               round(geometry.bounds(o.rects).x, 2)))
    return shapes


def clean_options(data: dict, layers: list[str]) -> dict:
    errors: dict[str, str] = {}
    layer = str(data.get("layer") or "")
    if layer not in layers:
        errors["layer"] = _("Choose the layer of the booth outlines.")
    text_layer = str(data.get("text_layer") or "")
    if text_layer and text_layer not in layers:
        errors["text_layer"] = _("Choose a layer of the drawing, or none.")
    prefix = clean_text(data.get("prefix")).upper().replace(" ", "")[:8] or "D"
    options = {"layer": layer, "text_layer": text_layer, "prefix": prefix}
    try:
        price = parse_whole(data.get("price_vnd")) or 0
        if price < 0:
            raise ValueError
        options["price_vnd"] = price
    except (TypeError, ValueError):
        errors["price_vnd"] = _("Enter a price in whole đồng (0 for a subsidised booth).")
    for key in ("offset_x_m", "offset_y_m"):
        try:
            value = parse_decimal(data.get(key)) or 0.0
            if not 0 <= value <= 1000:
                raise ValueError
            options[key] = value
        except (TypeError, ValueError):
            errors[key] = _("Enter a position in metres, 0 or more.")
    if errors:
        raise ValidationFailed(_("Some choices of the import are not valid."), fields=errors)
    return options


def import_dxf(*, actor, week, hall_id: int, content: bytes, data: dict,
               filename: str = "") -> DxfResult:
    """Create the booths the DXF outlines (see the module's doc) in one transaction; return
    what was created, skipped and warned."""
    require_week_organiser(actor, week)
    document = read_document(content)
    options = clean_options(data, layer_names(document))
    result = DxfResult()
    unit = _unit(document, result)
    shapes = outlines(document, options["layer"], result, unit=unit,
                      offset=(options["offset_x_m"], options["offset_y_m"]))
    texts = _text_items(document, options["text_layer"]) if options["text_layer"] else []
    with write_transaction():
        hall = db.session.get(Hall, hall_id)
        if hall is None or hall.week_id != week.id:
            raise ValidationFailed(_("Choose a hall of this week."),
                                   fields={"hall_id": _("Choose a hall of this week.")})
        used = set(db.session.scalars(select(Booth.code).where(Booth.week_id == week.id)))
        placed = [(b.code, geometry.booth_rects(b)) for b in db.session.scalars(
            select(Booth).where(Booth.hall_id == hall.id, live_booths()))]
        fixed = [(e.label or e.kind_enum.title, geometry.element_rect(e))
                 for e in db.session.scalars(select(PlanElement).where(
                     PlanElement.hall_id == hall.id))]
        by_x = sorted(placed, key=lambda p: geometry.bounds(p[1]).x)
        new: list[tuple[str, list[Rect]]] = []
        pending: list[tuple[Outline, str | None]] = []
        file_codes: set[str] = set()
        for shape in shapes:
            inside_texts = [t for t in texts if _inside_polygon(t[0], t[1], shape.polygon)]
            code = inside_texts[0][2] if inside_texts else None
            if len(inside_texts) > 1:
                result.warnings.append(_("Outline %(handle)s holds several texts; %(code)s "
                                         "was taken.", handle=shape.handle, code=code))
            where = f"{shape.handle}" + (f" ({code})" if code else "")
            box = geometry.bounds(shape.rects)
            if min(box.w, box.h) < MIN_SIDE or any(r.w <= 0 or r.h <= 0 for r in shape.rects):
                result.skipped.append(Skipped("small", where, _("Too small to be a booth.")))
                continue
            if not all(geometry.inside(r, hall.width_m, hall.depth_m) for r in shape.rects):
                result.skipped.append(Skipped("outside", where, _(
                    "Lies outside hall %(hall)s (%(w)s × %(d)s m).", hall=hall.name,
                    w=f"{hall.width_m:g}", d=f"{hall.depth_m:g}")))
                continue
            if code and (code in used or code in file_codes):
                result.skipped.append(Skipped("duplicate", where, _(
                    "Code %(code)s is already used.", code=code)))
                continue
            element = next((label for label, rect in fixed
                            if geometry.any_overlap(shape.rects, [rect])), None)
            if element is not None:
                result.skipped.append(Skipped("element", where, _(
                    "Overlaps %(label)s, a fixed element.", label=element)))
                continue
            clash = next((other for other, rects in by_x + new
                          if geometry.any_overlap(shape.rects, rects)), None)
            if clash is not None:
                result.skipped.append(Skipped("overlap", where, _(
                    "Overlaps booth %(code)s.", code=clash)))
                continue
            if shape.approximate:
                result.warnings.append(_("Outline %(where)s is not made of straight sides "
                                         "along the axes: its booth is the rectangle around "
                                         "it.", where=where))
            if code:
                file_codes.add(code)
            new.append((code or f"#{shape.handle}", shape.rects))
            pending.append((shape, code))
        number = 0
        for shape, code in pending:
            if code is None:
                number += 1
                while f"{options['prefix']}{number:03d}" in used | file_codes:
                    number += 1
                code = f"{options['prefix']}{number:03d}"
                file_codes.add(code)
            box = geometry.bounds(shape.rects)
            area = round(sum(r.area for r in shape.rects), 2)
            booth = Booth(week_id=week.id, hall_id=hall.id)
            place_booth(booth, {
                "code": code, "booth_type": "standard", "width_m": round(box.w, 2),
                "depth_m": round(box.h, 2), "area_m2": area, "price_vnd": options["price_vnd"],
                "x_m": box.x, "y_m": box.y, "w_m": box.w, "h_m": box.h, "rotation": 0,
                "blocked": False, "blocked_reason": ""})
            booth.outline = geometry.dump_outline(shape.rects)
            db.session.add(booth)
            result.created.append(code)
        db.session.flush()
        audit.record("week", week.id, "import_dxf", actor=actor, week_id=week.id, after={
            "file": (filename or "")[:120], "hall_id": hall.id, "layer": options["layer"],
            "text_layer": options["text_layer"], "unit": UNIT_NAMES.get(
                document.header.get("$INSUNITS", 0), "mm"),
            "created": len(result.created), "skipped": len(result.skipped)})
        if result.created:
            announce(floor_plan_changed, week_id=week.id)
    return result
