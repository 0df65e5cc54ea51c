"""A published version's plan drawn from its snapshot (plain JSON values, not rows): one hall,
its fixed elements, its booths (those a version changed marked), and its clusters as labelled
areas around their booths. Server-side SVG with no inline styles (the page's CSS colours it)."""
from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from exhibit.floorplan.clusters import ClusterShape

#: pixels per metre in the drawing's own coordinates
SCALE = 24
TEXT_SIZE = 16


def _width_class(width_px: float) -> str:
    """The page's CSS classes plan-w360 … plan-w2400 (app.css): how narrow it may get."""
    wanted = min(width_px, 2400)
    step = -(-int(wanted) // 120) * 120
    return f"plan-w{max(360, min(2400, step))}"


def render(snapshot: dict, hall: dict, *, changed: set[int] | None = None,
           highlight: set[int] | None = None, shapes: list[ClusterShape] = ()) -> Markup:
    """The hall ``hall`` (one of the snapshot's halls) as an inline <svg>."""
    changed, highlight = changed or set(), highlight or set()
    width, depth = float(hall["width_m"]) * SCALE, float(hall["depth_m"]) * SCALE
    parts = [f'<svg class="plan version-plan {_width_class(width)}" viewBox="0 0 {width:g} '
             f'{depth:g}" font-size="{TEXT_SIZE}" role="img" aria-label={quoteattr(hall["name"])} '
             f'xmlns="http://www.w3.org/2000/svg">',
             f'<rect class="hall" x="0" y="0" width="{width:g}" height="{depth:g}"/>']
    for shape in shapes:
        if shape.hall_id != hall["id"]:
            continue
        x, y, w, h = (v * SCALE for v in (shape.x, shape.y, shape.w, shape.h))
        # the name just above the area (below it when the area touches the hall's top)
        label_y = y - 5 if y >= 16 else y + h + 14
        parts.append(f'<g class="cluster"><rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}"/>'
                     f'<text x="{max(x, 2):g}" y="{label_y:g}" font-size="13">{escape(shape.name)}'
                     f'</text></g>')
    for element in snapshot.get("elements", []):
        if element["hall_id"] != hall["id"]:
            continue
        x, y, w, h = (float(element[k]) * SCALE for k in ("x_m", "y_m", "w_m", "h_m"))
        parts.append(f'<g class="element el-{escape(element["kind"])}"><title>'
                     f'{escape(element.get("label") or element["kind"])}</title>'
                     f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}"/></g>')
    for booth in snapshot.get("booths", []):
        if booth["hall_id"] != hall["id"]:
            continue
        parts.append(_booth(booth, booth["id"] in changed, booth["id"] in highlight))
    parts.append("</svg>")
    return Markup("".join(parts))


def _booth(booth: dict, changed: bool, highlighted: bool) -> str:
    rects = booth.get("outline") or [[booth["x_m"], booth["y_m"], booth["w_m"], booth["h_m"]]]
    css = "booth " + ("st-held" if changed else "st-blocked" if booth.get("blocked")
                      else "st-available") + (" mine" if highlighted else "")
    shapes = "".join(f'<rect x="{float(x) * SCALE + 1.5:g}" y="{float(y) * SCALE + 1.5:g}" '
                     f'width="{max(1.0, float(w) * SCALE - 3):g}" '
                     f'height="{max(1.0, float(h) * SCALE - 3):g}"/>' for x, y, w, h in rects)
    x, y = float(booth["x_m"]) * SCALE, float(booth["y_m"]) * SCALE
    w, h = float(booth["w_m"]) * SCALE, float(booth["h_m"]) * SCALE
    code = booth["code"]
    font = max(8, min(TEXT_SIZE, int(min(w / max(len(code), 2) * 1.5, h / 2.2))))
    size = "" if font == TEXT_SIZE else f' font-size="{font}"'
    return (f'<g class={quoteattr(css)} data-code={quoteattr(code)}><title>{escape(code)}</title>'
            f'{shapes}<text x="{x + w / 2:g}" y="{y + h / 2:g}"{size}>{escape(code)}</text></g>')
