"""The floor plan drawn server-side as SVG: one drawing per hall, booths coloured by status."""
from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from exhibit.floorplan.models import Booth, Hall

#: pixels per grid cell (one metre) in the drawing's own coordinates
CELL = 24



def min_width_class(width: int, columns: int) -> str:
    """How narrow a hall may be drawn before it scrolls (about 14 px a grid column), as one of
    the CSS classes plan-w360 … plan-w2400 in app.css: pages carry no inline styles, which the
    Content-Security-Policy forbids."""
    wanted = min(width, max(360, columns * 14))
    step = -(-wanted // 120) * 120
    return f"plan-w{max(360, min(2400, step))}"


def render_hall(hall: Hall, booths: list[Booth], *, status: Callable[[Booth], str],
                link: Callable[[Booth], str | None], label: Callable[[Booth], str],
                highlight: set[int] | None = None) -> Markup:
    """One hall as an inline <svg>; each booth is a link (when ``link`` gives one) with a title,
    coloured by the CSS class ``st-<status>`` (the plan's legend uses the same classes)."""
    width, height = hall.grid_width * CELL, hall.grid_height * CELL
    parts = [
        f'<svg class="plan {min_width_class(width, hall.grid_width)}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'aria-label={quoteattr(hall.name)} xmlns="http://www.w3.org/2000/svg">',
        f'<rect class="hall" x="0" y="0" width="{width}" height="{height}"/>',
    ]
    highlight = highlight or set()
    for booth in booths:
        booth_status = status(booth)
        x, y = booth.grid_x * CELL + 1.5, booth.grid_y * CELL + 1.5
        w, h = booth.grid_w * CELL - 3, booth.grid_h * CELL - 3
        css = f"st-{booth_status}" + (" mine" if booth.id in highlight else "")
        font = max(8, min(16, int(min(w / max(len(booth.code), 2) * 1.5, h / 2.2))))
        shape = (
            f'<g class="booth {css}" data-code={quoteattr(booth.code)} '
            f'data-status="{booth_status}"><title>{escape(label(booth))}</title>'
            f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" rx="3"/>'
            f'<text x="{x + w / 2:g}" y="{y + h / 2:g}" font-size="{font}" '
            f'text-anchor="middle" dominant-baseline="central">{escape(booth.code)}</text></g>'
        )
        href = link(booth)
        if href:
            shape = f'<a href={quoteattr(href)} aria-label={quoteattr(label(booth))}>{shape}</a>'
        parts.append(shape)
    parts.append("</svg>")
    return Markup("".join(parts))
