"""The venue's drawing of a hall, under its booths: uploaded as SVG, PDF (its first page),
PNG or JPEG, checked by its content (never by its name), stored under UPLOAD_DIR, and
calibrated with two points and the distance between them.

- An SVG is parsed without DTDs, entities or network access, stripped of scripts, event
  handlers, foreign objects and links that leave the file, and stored as parsed. It is only
  ever shown through an <image> (where browsers run no script and load nothing) or served
  alone with the sandboxing Content-Security-Policy of uploads: never put inline in a page.
- A PDF's first page is rendered to PNG by PDFium (pypdfium2), no larger than ``MAX_SIDE``
  pixels on its longest side; the PDF itself is not kept.
- A PNG or JPEG is decoded within the bounds of media.images (bytes, pixels, decoding slots)
  and re-encoded, which drops any metadata.

The drawing's top-left corner lies on the hall's origin; ``drawing_px_per_m`` says how many of
the drawing's pixels (its own units, for an SVG) make a metre.
"""
from __future__ import annotations

import io
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select

from exhibit.core import audit
from exhibit.core.db import write_transaction
from exhibit.core.errors import ValidationFailed
from exhibit.extensions import db
from exhibit.floorplan import geometry
from exhibit.floorplan.models import Hall
from exhibit.floorplan.services import MAX_HALL_M, hall_booths, set_hall_size
from exhibit.media import storage
from exhibit.vn.numbers import parse_decimal
from exhibit.weeks.services import require_week_organiser

MAX_DRAWING_BYTES = 20 * 1024 * 1024
#: the longest side of a stored raster drawing (a rendered PDF page, a photo of a plan)
MAX_SIDE = 4000
#: the kind of storage key a drawing has ("drawings/xx/<token>.svg")
KIND = "drawings"
_KEY = re.compile(r"^drawings/[A-Za-z0-9_-]{2}/[A-Za-z0-9_-]{16,64}\.(svg|png|jpg)$")
MIMETYPES = {"svg": "image/svg+xml", "png": "image/png", "jpg": "image/jpeg"}

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
#: elements an SVG drawing may not keep (scripts, HTML inside, animations that could set links)
_DROPPED = {"script", "foreignObject", "iframe", "embed", "object", "audio", "video", "handler",
            "listener", "set", "animate", "animateMotion", "animateTransform", "discard"}
_LOCAL_LINK = re.compile(r"^\s*(#|data:image/(png|jpeg|gif|webp);)", re.I)


@dataclass
class PreparedDrawing:
    kind: str          # "svg", "pdf", "png" or "jpeg": what was uploaded
    suffix: str        # ".svg", ".png" or ".jpg": what is stored
    content: bytes
    width: float
    height: float


def _refuse(message: str):
    raise ValidationFailed(message, fields={"drawing": message})


# -- checking and preparing an upload ----------------------------------------------------------

def _looks_like_svg(content: bytes) -> bool:
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--") \
        and b"<svg" in head


def _length(value: str | None) -> float | None:
    """An SVG length in user units ("1200", "1200px"); None for another unit or nothing."""
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*(px)?\s*", value or "")
    return float(match.group(1)) if match else None


def sanitise_svg(content: bytes) -> tuple[bytes, float, float]:
    """The SVG without anything that could run or reach out, and its size in its own units
    (its viewBox, else its width and height)."""
    from lxml import etree

    if b"<!ENTITY" in content or b"<!entity" in content:
        _refuse(_("The SVG declares entities; export it again without them."))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError:
        _refuse(_("The SVG is damaged or incomplete; export it again and retry."))
    if root.tag != f"{{{SVG_NS}}}svg":
        _refuse(_("This file is not an SVG drawing."))
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        if local in _DROPPED or etree.QName(element).namespace not in (SVG_NS, None):
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
            continue
        for name in list(element.attrib):
            attr = etree.QName(name).localname
            value = element.attrib[name]
            if attr.lower().startswith("on"):
                del element.attrib[name]
            elif attr == "href" and not _LOCAL_LINK.match(value):
                del element.attrib[name]
            elif "url(" in value.lower() and not re.search(r"url\(\s*['\"]?#", value, re.I):
                del element.attrib[name]
            elif "javascript:" in value.lower():
                del element.attrib[name]
    width = height = None
    view_box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(view_box) == 4:
        try:
            width, height = float(view_box[2]), float(view_box[3])
        except ValueError:
            width = height = None
    if not width or not height:
        width, height = _length(root.get("width")), _length(root.get("height"))
        if width and height:
            root.set("viewBox", f"0 0 {width:g} {height:g}")
    if not width or not height or width <= 0 or height <= 0 or \
            not math.isfinite(width) or not math.isfinite(height):
        _refuse(_("The SVG does not say its size (a viewBox, or a width and height in "
                  "pixels)."))
    return etree.tostring(root, xml_declaration=True, encoding="utf-8"), width, height


def _png_bytes(image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _render_pdf(content: bytes) -> tuple[bytes, int, int]:
    import pypdfium2 as pdfium

    if b"%%EOF" not in content[-2048:]:
        _refuse(_("The PDF is damaged or incomplete; export it again and retry."))
    try:
        document = pdfium.PdfDocument(content)
    except pdfium.PdfiumError:
        _refuse(_("This PDF cannot be read (damaged, or protected by a password)."))
    try:
        if len(document) < 1:
            _refuse(_("The PDF has no page."))
        page = document[0]
        width, height = page.get_size()  # points
        if width <= 0 or height <= 0:
            _refuse(_("The PDF's first page has no size."))
        scale = min(MAX_SIDE / max(width, height), 300 / 72)
        image = page.render(scale=scale).to_pil().convert("RGB")
        page.close()
    finally:
        document.close()
    return _png_bytes(image), image.width, image.height


def prepare(content: bytes) -> PreparedDrawing:
    """An upload checked by its content and made ready to store."""
    from exhibit.media import images

    if not content:
        _refuse(_("The file is empty."))
    if len(content) > MAX_DRAWING_BYTES:
        _refuse(_("The file is larger than %(mb)d MB.", mb=MAX_DRAWING_BYTES // (1024 * 1024)))
    if content[:5] == b"%PDF-":
        png, width, height = _render_pdf(content)
        return PreparedDrawing("pdf", ".png", png, width, height)
    if _looks_like_svg(content):
        svg, width, height = sanitise_svg(content)
        return PreparedDrawing("svg", ".svg", svg, width, height)
    image = images.open_image(content, field="drawing", max_bytes=MAX_DRAWING_BYTES,
                              longest_side=MAX_SIDE)
    source = image.format
    if source not in ("PNG", "JPEG"):
        _refuse(_("Use an SVG, PDF, PNG or JPEG drawing."))
    image = images._shrunk(image, MAX_SIDE)
    if source == "JPEG":
        image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, "JPEG", quality=90, optimize=True)
        return PreparedDrawing("jpeg", ".jpg", out.getvalue(), image.width, image.height)
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    return PreparedDrawing("png", ".png", _png_bytes(image), image.width, image.height)


# -- storing -----------------------------------------------------------------------------------

def is_drawing_key(key: str) -> bool:
    return bool(_KEY.match(key or "")) and ".." not in key


def path_for(key: str) -> Path:
    if not is_drawing_key(key):
        raise ValueError(f"not a drawing key: {key!r}")
    return storage.upload_root() / key


def _save(prepared: PreparedDrawing) -> str:
    """Written atomically (a temporary file, then renamed) under a new, never reused key."""
    key = storage.new_key(KIND, prepared.suffix)
    target = path_for(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".part")
    temporary.write_bytes(prepared.content)
    os.replace(temporary, target)
    return key


def _delete(key: str) -> None:
    if key and is_drawing_key(key):
        path_for(key).unlink(missing_ok=True)


def mimetype(key: str) -> str:
    return MIMETYPES[key.rsplit(".", 1)[-1]]


def stored_drawing(hall: Hall, name: str) -> Path | None:
    """The file of the hall's drawing when ``name`` is its current file name, else None."""
    if not hall.drawing_key or hall.drawing_key.rsplit("/", 1)[-1] != name:
        return None
    path = path_for(hall.drawing_key)
    return path if path.is_file() else None


# -- services ----------------------------------------------------------------------------------

def _hall_of(week, hall: Hall) -> Hall:
    hall = db.session.get(Hall, hall.id)
    if hall is None or hall.week_id != week.id:
        raise ValidationFailed(_("Choose a hall of this week."),
                               fields={"hall_id": _("Choose a hall of this week.")})
    return hall


def upload_drawing(*, actor, week, hall: Hall, content: bytes, filename: str = "") -> Hall:
    """Put the venue's drawing under a hall (replacing the one before, whose scale goes with
    it: a new drawing is calibrated afresh)."""
    require_week_organiser(actor, week)
    prepared = prepare(content)
    key = _save(prepared)
    try:
        with write_transaction():
            hall = _hall_of(week, hall)
            old = hall.drawing_key
            hall.drawing_key, hall.drawing_kind = key, prepared.kind
            hall.drawing_width_px, hall.drawing_height_px = prepared.width, prepared.height
            hall.drawing_px_per_m = None
            audit.record("hall", hall.id, "upload_drawing", actor=actor, week_id=week.id,
                         after={"kind": prepared.kind, "file": (filename or "")[:120],
                                "width_px": round(prepared.width, 1),
                                "height_px": round(prepared.height, 1)})
    except Exception:
        _delete(key)
        raise
    _delete(old)
    return hall


def remove_drawing(*, actor, week, hall: Hall) -> Hall:
    require_week_organiser(actor, week)
    with write_transaction():
        hall = _hall_of(week, hall)
        old = hall.drawing_key
        hall.drawing_key, hall.drawing_kind = "", ""
        hall.drawing_width_px = hall.drawing_height_px = hall.drawing_px_per_m = None
        audit.record("hall", hall.id, "remove_drawing", actor=actor, week_id=week.id)
    _delete(old)
    return hall


def clean_calibration(data: dict, hall: Hall) -> dict:
    """Two points on the drawing (x1, y1, x2, y2 in its pixels) and the distance between
    them in metres."""
    errors: dict[str, str] = {}
    cleaned: dict = {}
    for key, limit in (("x1", hall.drawing_width_px), ("y1", hall.drawing_height_px),
                       ("x2", hall.drawing_width_px), ("y2", hall.drawing_height_px)):
        try:
            value = parse_decimal(data.get(key))
            if value is None or not -0.5 <= value <= (limit or 0) + 0.5:
                raise ValueError
            cleaned[key] = value
        except (TypeError, ValueError):
            errors[key] = _("Click a point on the drawing (or type its position in pixels).")
    try:
        distance = parse_decimal(data.get("distance_m"))
        if distance is None or not 0.1 <= distance <= 2000:
            raise ValueError
        cleaned["distance_m"] = distance
    except (TypeError, ValueError):
        errors["distance_m"] = _("Enter the distance between the two points in metres.")
    if not errors:
        pixels = math.hypot(cleaned["x2"] - cleaned["x1"], cleaned["y2"] - cleaned["y1"])
        if pixels < 5:
            errors["x2"] = _("Pick two points further apart.")
        cleaned["pixels"] = pixels
    if errors:
        raise ValidationFailed(_("The calibration is not complete."), fields=errors)
    return cleaned


def calibrate(*, actor, week, hall: Hall, data: dict, size_from_drawing: bool = False) -> Hall:
    """The drawing's scale from two points and their distance; with ``size_from_drawing`` the
    hall takes the drawing's size in metres (refused if a booth would fall outside)."""
    require_week_organiser(actor, week)
    with write_transaction():
        hall = _hall_of(week, hall)
        if not hall.drawing_key:
            raise ValidationFailed(_("Upload the hall's drawing first."),
                                   fields={"drawing": _("Upload the hall's drawing first.")})
        cleaned = clean_calibration(data, hall)
        before = {"px_per_m": hall.drawing_px_per_m, "width_m": hall.width_m,
                  "depth_m": hall.depth_m}
        hall.drawing_px_per_m = cleaned["pixels"] / cleaned["distance_m"]
        if size_from_drawing:
            width = round(hall.drawing_width_px / hall.drawing_px_per_m, 1)
            depth = round(hall.drawing_height_px / hall.drawing_px_per_m, 1)
            if not (1 <= width <= MAX_HALL_M and 1 <= depth <= MAX_HALL_M):
                raise ValidationFailed(
                    _("At this scale the drawing would be %(w)s × %(d)s m; check the distance.",
                      w=f"{width:g}", d=f"{depth:g}"),
                    fields={"distance_m": _("Check the distance.")})
            set_hall_size(hall, width, depth)
            db.session.flush()
            outside = [b.code for b in hall_booths(hall)
                       if not all(geometry.inside(r, width, depth)
                                  for r in geometry.booth_rects(b))]
            if outside:
                message = _("Booths %(codes)s would fall outside the hall.",
                            codes=", ".join(outside[:20]))
                raise ValidationFailed(message, fields={"size_from_drawing": message})
        audit.record("hall", hall.id, "calibrate", actor=actor, week_id=week.id, before=before,
                     after={"px_per_m": round(hall.drawing_px_per_m, 4),
                            "width_m": hall.width_m, "depth_m": hall.depth_m,
                            "distance_m": cleaned["distance_m"]})
    return hall


def drawing_size_m(hall: Hall) -> tuple[float, float] | None:
    """The drawing's size in metres once calibrated."""
    if not (hall.drawing_px_per_m and hall.drawing_width_px and hall.drawing_height_px):
        return None
    return (hall.drawing_width_px / hall.drawing_px_per_m,
            hall.drawing_height_px / hall.drawing_px_per_m)


def halls_with_drawings(week) -> list[Hall]:
    return db.session.scalars(select(Hall).where(Hall.week_id == week.id,
                                                 Hall.drawing_key != "")).all()

