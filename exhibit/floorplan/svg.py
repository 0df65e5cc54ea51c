"""Drawing halls as SVG, in metres: one hall with every booth (the plan), or the neighbourhood
of one booth (the visitor's page, "you are here") with an outline of its hall.

Shapes are placed in the drawing's own units, ``PX_PER_M`` to the metre. A booth is a rectangle,
or for a merged booth (an L, a U) several; a short thick line along one of its sides marks its
front (``rotation``: 0 the bottom side of the drawing, 90 the left, 180 the top, 270 the right).
Fixed elements (columns, walls, exits…) are drawn with presentation attributes and an icon from
the drawing's own <symbol>s, never with a style attribute or a <style> (the pages' CSP forbids
them). The venue's drawing, once calibrated, lies underneath as an <image> served by the floor
plan's drawing route: untrusted SVG is never put inline.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from exhibit.floorplan.geometry import Rect, bounds, parse_outline
from exhibit.floorplan.models import Hall

#: units of the drawing per metre
PX_PER_M = 24
#: kept for readers of the first design (a grid cell was one metre)
CELL = PX_PER_M
#: a booth code's usual size, set once on the drawing: only other sizes are written per booth
TEXT_SIZE = 16
#: the gap left around each booth so neighbours read as separate shapes
INSET = 1.5


def _n(value: float) -> str:
    """A coordinate, short: two decimals at most."""
    return f"{round(value, 2):g}"


def min_width_class(width: int, columns: int) -> str:
    """How narrow a hall may be drawn before it scrolls (about 14 px a metre), as one of the CSS
    classes plan-w360 … plan-w2400 in app.css: pages carry no inline styles, which the
    Content-Security-Policy forbids."""
    wanted = min(width, max(360, columns * 14))
    step = -(-wanted // 120) * 120
    return f"plan-w{max(360, min(2400, step))}"


def shape_rects(booth) -> list[Rect]:
    """The rectangles of a booth (a model row or a row of its columns): its outline when it was
    merged, else its footprint."""
    outline = getattr(booth, "outline", "") or ""
    if outline:
        return parse_outline(outline) if isinstance(outline, str) else list(outline)
    return [Rect(booth.x_m, booth.y_m, booth.w_m, booth.h_m)]


# -- fixed elements -----------------------------------------------------------------------------

#: per kind: fill, stroke, and the icon drawn in a 10 × 10 box (paths in presentation attributes)
ELEMENT_LOOK = {
    "column": ("#6b7280", "#374151",
               '<path d="M2 2h6v6h-6z" fill="#fff" stroke="none" opacity=".5"/>'),
    "wall": ("#4b5563", "#1f2937", ""),
    "exit": ("#dcfce7", "#15803d",
             '<path d="M1 5h6M5 2l3 3-3 3" fill="none" stroke="#15803d" stroke-width="1.4"/>'),
    "fire_equipment": ("#fee2e2", "#b91c1c",
                       '<path d="M5 1c2 2.5 3 4 3 5.5a3 3 0 0 1-6 0C2 5 3.5 4 5 1z" '
                       'fill="#dc2626" stroke="none"/>'),
    "stage": ("#ede9fe", "#6d28d9",
              '<path d="M5 1.5l1.1 2.3 2.5.3-1.8 1.7.5 2.5L5 7.1 2.7 8.3l.5-2.5-1.8-1.7 2.5-.3z" '
              'fill="#7c3aed" stroke="none"/>'),
    "toilets": ("#e0f2fe", "#0369a1",
                '<circle cx="3" cy="2.2" r="1" fill="#0369a1"/><circle cx="7" cy="2.2" r="1" '
                'fill="#0369a1"/><path d="M2 4h2v5h-2zM6 4h2l.6 3h-3.2z" fill="#0369a1"/>'),
    "information": ("#fef9c3", "#a16207",
                    '<circle cx="5" cy="2" r="1.1" fill="#a16207"/>'
                    '<path d="M4 4h2v5h-2z" fill="#a16207"/>'),
}


def _symbols(kinds: Iterable[str]) -> str:
    parts = [f'<symbol id="el-{kind}" viewBox="0 0 10 10">{ELEMENT_LOOK[kind][2]}</symbol>'
             for kind in sorted(set(kinds)) if ELEMENT_LOOK.get(kind, ("", "", ""))[2]]
    return f"<defs>{''.join(parts)}</defs>" if parts else ""


def _element_shape(element, title: str) -> str:
    fill, stroke, icon = ELEMENT_LOOK.get(element.kind, ("#e5e7eb", "#6b7280", ""))
    x, y = element.x_m * PX_PER_M, element.y_m * PX_PER_M
    w, h = element.w_m * PX_PER_M, element.h_m * PX_PER_M
    parts = [f'<g class="element el-{escape(element.kind)}" data-kind={quoteattr(element.kind)}>'
             f"<title>{escape(title)}</title>"
             f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{fill}" '
             f'stroke="{stroke}" stroke-width="1.5"/>']
    side = min(w, h) * 0.8
    if icon and side >= 8:
        side = min(side, 2 * PX_PER_M)
        parts.append(f'<use href="#el-{element.kind}" x="{_n(x + (w - side) / 2)}" '
                     f'y="{_n(y + (h - side) / 2)}" width="{_n(side)}" height="{_n(side)}"/>')
    parts.append("</g>")
    return "".join(parts)


def element_title(element) -> str:
    from exhibit.floorplan.models import ElementKind
    kind = ElementKind(element.kind).title if element.kind in {k.value for k in ElementKind} \
        else element.kind
    return f"{kind}: {element.label}" if element.label else kind


# -- booths ------------------------------------------------------------------------------------

def _front_mark(rect: Rect, rotation: int) -> str:
    """A short stretch of path along the side the booth's front faces (drawn with the others
    as one <path>: one element per hall, not one per booth)."""
    x0, y0 = rect.x * PX_PER_M + INSET + 3, rect.y * PX_PER_M + INSET + 3
    x1, y1 = rect.x1 * PX_PER_M - INSET - 3, rect.y1 * PX_PER_M - INSET - 3
    if rotation == 90:
        return f"M{_n(x0)} {_n(y0)}V{_n(y1)}"
    if rotation == 180:
        return f"M{_n(x0)} {_n(y0)}H{_n(x1)}"
    if rotation == 270:
        return f"M{_n(x1)} {_n(y0)}V{_n(y1)}"
    return f"M{_n(x0)} {_n(y1)}H{_n(x1)}"


def _fronts(booths) -> str:
    """Every booth's front as one path, above the booths (thin: it never hides a code)."""
    marks = []
    for booth in booths:
        rects = shape_rects(booth)
        anchor = max(rects, key=lambda r: r.area) if len(rects) > 1 else rects[0]
        marks.append(_front_mark(anchor, getattr(booth, "rotation", 0) or 0))
    if not marks:
        return ""
    return (f'<path class="fronts" d="{"".join(marks)}" stroke="#1d2430" stroke-opacity=".45" '
            f'stroke-width="3" fill="none" pointer-events="none"/>')


def _booth_shape(booth, booth_status: str, label: str, href: str | None,
                 highlighted: bool, found: bool = False) -> str:
    """One booth; its text is centred by app.css (svg.plan .booth text), a linked booth is
    named by the link's <title> (the tooltip too), an unlinked one by its group's."""
    rects = shape_rects(booth)
    box = bounds(rects)
    # the code goes in the largest part of an L or a U, else in the middle
    anchor = max(rects, key=lambda r: r.area) if len(rects) > 1 else box
    css = f"st-{booth_status}" + (" mine" if highlighted else "") + (" found" if found else "")
    w, h = anchor.w * PX_PER_M - 2 * INSET, anchor.h * PX_PER_M - 2 * INSET
    font = max(8, min(TEXT_SIZE, int(min(w / max(len(booth.code), 2) * 1.5, h / 2.2))))
    size = "" if font == TEXT_SIZE else f' font-size="{font}"'
    title = f"<title>{escape(label)}</title>"
    parts = [f'<g class="booth {css}" data-code={quoteattr(booth.code)} '
             f'data-status="{booth_status}">{"" if href else title}']
    for r in rects:
        parts.append(f'<rect x="{_n(r.x * PX_PER_M + INSET)}" y="{_n(r.y * PX_PER_M + INSET)}" '
                     f'width="{_n(max(1, r.w * PX_PER_M - 2 * INSET))}" '
                     f'height="{_n(max(1, r.h * PX_PER_M - 2 * INSET))}"/>')
    cx, cy = (anchor.x + anchor.w / 2) * PX_PER_M, (anchor.y + anchor.h / 2) * PX_PER_M
    parts.append(f'<text x="{_n(cx)}" y="{_n(cy)}"{size}>{escape(booth.code)}</text></g>')
    shape = "".join(parts)
    if href:
        shape = f'<a href={quoteattr(href)}>{title}{shape}</a>'
    return shape


def _drawing_image(hall: Hall, drawing_url: str | None) -> str:
    """The venue's drawing under the booths, at its calibrated scale (its top-left at the
    hall's origin); nothing until it is calibrated."""
    if not (drawing_url and hall.drawing_key and hall.drawing_px_per_m
            and hall.drawing_width_px and hall.drawing_height_px):
        return ""
    w = hall.drawing_width_px / hall.drawing_px_per_m * PX_PER_M
    h = hall.drawing_height_px / hall.drawing_px_per_m * PX_PER_M
    return (f'<image class="drawing" href={quoteattr(drawing_url)} x="0" y="0" '
            f'width="{_n(w)}" height="{_n(h)}" preserveAspectRatio="none" opacity=".55"/>')


def render_hall(hall: Hall, booths: list, *, status: Callable[[object], str],
                link: Callable[[object], str | None], label: Callable[[object], str],
                highlight: set[int] | None = None, elements: Iterable = (),
                drawing_url: str | None = None, found: set[int] | None = None,
                clusters: Iterable = ()) -> Markup:
    """One hall as an inline <svg>; each booth is a link (when ``link`` gives one) with a title,
    coloured by the CSS class ``st-<status>`` (the plan's legend uses the same classes); booths
    in ``found`` (a search) are marked; ``clusters`` (floorplan.clusters.shapes of this hall)
    are drawn as labelled areas under the booths. The drawing is a group named after the hall, not an
    image: an image's links would be hidden from a screen reader and the keyboard (WCAG
    4.1.2)."""
    width, height = hall.width_m * PX_PER_M, hall.depth_m * PX_PER_M
    elements = list(elements)
    parts = [
        f'<svg class="plan {min_width_class(int(width), math.ceil(hall.width_m))}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" font-size="{TEXT_SIZE}" role="group" '
        f'aria-label={quoteattr(hall.name)} xmlns="http://www.w3.org/2000/svg">',
        _symbols(e.kind for e in elements),
        f'<rect class="hall" x="0" y="0" width="{_n(width)}" height="{_n(height)}"/>',
        _drawing_image(hall, drawing_url),
    ]
    clusters = [c for c in clusters if c.hall_id == hall.id]
    parts += [_cluster_area(c) for c in clusters]
    parts += [_element_shape(e, element_title(e)) for e in elements]
    highlight, found = highlight or set(), found or set()
    for booth in booths:
        parts.append(_booth_shape(booth, status(booth), label(booth), link(booth),
                                  booth.id in highlight, booth.id in found))
    parts.append(_fronts(booths))
    parts += [_cluster_name(c, height) for c in clusters]
    parts.append("</svg>")
    return Markup("".join(parts))


def _cluster_area(shape) -> str:
    """A province's or delegation's cluster: a dashed area round its booths, under them."""
    x, y, w, h = (v * PX_PER_M for v in (shape.x, shape.y, shape.w, shape.h))
    return (f'<g class="cluster"><rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" '
            f'height="{_n(h)}"/></g>')


def _cluster_name(shape, hall_height: float) -> str:
    """The cluster's name, drawn over the booths so no row hides it: just below its area (rows
    of booths often stand back to back above it), or just above where the hall ends there."""
    x, y, h = shape.x * PX_PER_M, shape.y * PX_PER_M, shape.h * PX_PER_M
    below = y + h + TEXT_SIZE
    label_y = below if below <= hall_height - 2 else max(TEXT_SIZE, y - 6)
    return (f'<text class="cluster-name" x="{_n(max(x, 2))}" y="{_n(label_y)}">'
            f'{escape(shape.name)}</text>')


# -- a booth's neighbourhood ---------------------------------------------------------------------

#: how far around a booth its neighbourhood reaches, in metres: about two standard booths to
#: each side and the row across the aisle
NEAR_M = 7.0
NEAR_CELLS = NEAR_M


def near_area(hall_width: float, hall_depth: float, booth) -> tuple[float, float, float, float]:
    """The part of a hall drawn around a booth: (x0, y0, x1, y1) in metres."""
    box = bounds(shape_rects(booth))
    return (max(0.0, box.x - NEAR_M), max(0.0, box.y - NEAR_M),
            min(hall_width, box.x1 + NEAR_M), min(hall_depth, box.y1 + NEAR_M))


@dataclass(frozen=True)
class PlacedBooth:
    """A booth's place on the plan: all a neighbourhood drawing needs (hashable, so a drawing
    is cached by exactly what it draws)."""
    id: int
    code: str
    x_m: float
    y_m: float
    w_m: float
    h_m: float
    outline: str = ""
    rotation: int = 0


@dataclass(frozen=True)
class PlacedElement:
    kind: str
    label: str
    x_m: float
    y_m: float
    w_m: float
    h_m: float


def render_neighbourhood(hall: Hall, booth, neighbours: list, elements: Iterable = (), *,
                         here_label: str = "") -> Markup:
    """The booth highlighted among the booths around it ("you are here"), then the outline of
    its hall with the booth's place marked — a few dozen shapes, where the whole hall may hold
    500 booths. ``neighbours`` are the booths in ``near_area`` (the booth among them)."""
    shown = list(neighbours)
    if all(b.id != booth.id for b in shown):  # a booth taken off the plan: drawn alone
        shown.append(booth)
    placed = tuple(sorted((PlacedBooth(b.id, b.code, b.x_m, b.y_m, b.w_m, b.h_m,
                                       getattr(b, "outline", "") or "",
                                       getattr(b, "rotation", 0) or 0)
                           for b in shown), key=lambda b: b.id))
    fixed = tuple(PlacedElement(e.kind, e.label, e.x_m, e.y_m, e.w_m, e.h_m) for e in elements)
    return _neighbourhood(hall.name, hall.width_m, hall.depth_m, booth.id, placed, fixed,
                          here_label)


@lru_cache(maxsize=4096)
def _neighbourhood(hall_name: str, hall_width: float, hall_depth: float, booth_id: int,
                   placed: tuple[PlacedBooth, ...], fixed: tuple[PlacedElement, ...] = (),
                   here_label: str = "") -> Markup:
    """Cached by its arguments, the plan's version as far as this drawing goes: a booth moved,
    renumbered, added or removed nearby, or a hall resized, is another key."""
    target = next(b for b in placed if b.id == booth_id)
    x0, y0, x1, y1 = near_area(hall_width, hall_depth, target)
    width, height = (x1 - x0) * PX_PER_M, (y1 - y0) * PX_PER_M
    parts = [
        f'<svg class="plan near" viewBox="{_n(x0 * PX_PER_M)} {_n(y0 * PX_PER_M)} {_n(width)} '
        f'{_n(height)}" font-size="{TEXT_SIZE}" role="img" '
        f'aria-label={quoteattr(hall_name)} xmlns="http://www.w3.org/2000/svg">',
        _symbols(e.kind for e in fixed),
        f'<rect class="hall" x="0" y="0" width="{_n(hall_width * PX_PER_M)}" '
        f'height="{_n(hall_depth * PX_PER_M)}"/>',
    ]
    parts += [_element_shape(e, element_title(e)) for e in fixed]
    parts += [_booth_shape(b, "available", b.code, None, b.id == booth_id) for b in placed]
    parts.append(_fronts(placed))
    if here_label:
        box = bounds(shape_rects(target))
        # the pin above the booth (below it when the booth is at the top of the drawing)
        above = box.y - y0 >= 1.2
        tip_y = (box.y if above else box.y1) * PX_PER_M
        cx = (box.x + box.w / 2) * PX_PER_M
        dy = -1 if above else 1
        parts.append(
            f'<g class="here"><path d="M{_n(cx)} {_n(tip_y)}l-7 {_n(dy * 12)}h14z" '
            f'fill="#d1006f"/><text x="{_n(cx)}" y="{_n(tip_y + dy * 18)}" '
            f'text-anchor="middle" dominant-baseline="{"auto" if above else "hanging"}" '
            f'font-size="13" font-weight="700" fill="#d1006f" stroke="#fff" stroke-width="3" '
            f'paint-order="stroke">{escape(here_label)}</text></g>')
    parts.append("</svg>")
    # the whole hall as an outline, the booth as a mark: where the neighbourhood lies
    scale = 4
    mark = bounds(shape_rects(target))
    parts.append(
        f'<svg class="plan overview" viewBox="0 0 {_n(hall_width * scale)} '
        f'{_n(hall_depth * scale)}" '
        f'role="img" aria-label={quoteattr(hall_name)} xmlns="http://www.w3.org/2000/svg">'
        f'<rect class="hall" x="0" y="0" width="{_n(hall_width * scale)}" '
        f'height="{_n(hall_depth * scale)}"/>'
        f'<g class="booth st-available mine"><rect x="{_n(mark.x * scale)}" '
        f'y="{_n(mark.y * scale)}" width="{_n(mark.w * scale)}" '
        f'height="{_n(mark.h * scale)}"/></g></svg>')
    return Markup("".join(parts))
