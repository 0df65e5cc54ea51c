"""The floor plan drawn server-side as SVG: one drawing per hall, booths coloured by status, and
the neighbourhood of one booth (the visitor's page) with an outline of its hall."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from exhibit.floorplan.models import Booth, Hall

#: pixels per grid cell (one metre) in the drawing's own coordinates
CELL = 24
#: a booth code's usual size, set once on the drawing: only other sizes are written per booth
TEXT_SIZE = 16


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
    coloured by the CSS class ``st-<status>`` (the plan's legend uses the same classes). The
    drawing is a group named after the hall, not an image: an image's links would be hidden
    from a screen reader and the keyboard (WCAG 4.1.2)."""
    width, height = hall.grid_width * CELL, hall.grid_height * CELL
    parts = [
        f'<svg class="plan {min_width_class(width, hall.grid_width)}" '
        f'viewBox="0 0 {width} {height}" font-size="{TEXT_SIZE}" role="group" '
        f'aria-label={quoteattr(hall.name)} xmlns="http://www.w3.org/2000/svg">',
        f'<rect class="hall" x="0" y="0" width="{width}" height="{height}"/>',
    ]
    highlight = highlight or set()
    for booth in booths:
        parts.append(_booth_shape(booth, status(booth), label(booth), link(booth),
                                  booth.id in highlight))
    parts.append("</svg>")
    return Markup("".join(parts))


def _booth_shape(booth, booth_status: str, label: str, href: str | None,
                 highlighted: bool) -> str:
    """One booth; its text is centred by app.css (svg.plan .booth text), a linked booth is
    named by the link's <title> (the tooltip too), an unlinked one by its group's."""
    x, y = booth.grid_x * CELL + 1.5, booth.grid_y * CELL + 1.5
    w, h = booth.grid_w * CELL - 3, booth.grid_h * CELL - 3
    css = f"st-{booth_status}" + (" mine" if highlighted else "")
    font = max(8, min(TEXT_SIZE, int(min(w / max(len(booth.code), 2) * 1.5, h / 2.2))))
    size = "" if font == TEXT_SIZE else f' font-size="{font}"'
    title = f"<title>{escape(label)}</title>"
    shape = (
        f'<g class="booth {css}" data-code={quoteattr(booth.code)} '
        f'data-status="{booth_status}">{"" if href else title}'
        f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}"/>'
        f'<text x="{x + w / 2:g}" y="{y + h / 2:g}"{size}>{escape(booth.code)}</text></g>'
    )
    if href:
        shape = f'<a href={quoteattr(href)}>{title}{shape}</a>'
    return shape


#: how far around a booth its neighbourhood reaches, in grid cells (metres): about two standard
#: booths to each side and the row across the aisle
NEAR_CELLS = 7


def near_area(hall_width: int, hall_height: int, booth) -> tuple[int, int, int, int]:
    """The part of a hall drawn around a booth: (x0, y0, x1, y1) in grid cells."""
    return (max(0, booth.grid_x - NEAR_CELLS), max(0, booth.grid_y - NEAR_CELLS),
            min(hall_width, booth.grid_x + booth.grid_w + NEAR_CELLS),
            min(hall_height, booth.grid_y + booth.grid_h + NEAR_CELLS))


@dataclass(frozen=True)
class PlacedBooth:
    """A booth's place on the grid: all a neighbourhood drawing needs (hashable, so a drawing
    is cached by exactly what it draws)."""
    id: int
    code: str
    grid_x: int
    grid_y: int
    grid_w: int
    grid_h: int


def render_neighbourhood(hall: Hall, booth, neighbours: list) -> Markup:
    """The booth highlighted among the booths around it, then the outline of its hall with the
    booth's place marked — a few dozen shapes, where the whole hall may hold 500 booths.
    ``neighbours`` are the booths in ``near_area`` (the booth among them)."""
    placed = tuple(sorted((PlacedBooth(b.id, b.code, b.grid_x, b.grid_y, b.grid_w, b.grid_h)
                           for b in neighbours), key=lambda b: b.id))
    return _neighbourhood(hall.name, hall.grid_width, hall.grid_height, booth.id, placed)


@lru_cache(maxsize=4096)
def _neighbourhood(hall_name: str, hall_width: int, hall_height: int, booth_id: int,
                   placed: tuple[PlacedBooth, ...]) -> Markup:
    """Cached by its arguments, the plan's version as far as this drawing goes: a booth moved,
    renumbered, added or removed nearby, or a hall resized, is another key."""
    target = next(b for b in placed if b.id == booth_id)
    x0, y0, x1, y1 = near_area(hall_width, hall_height, target)
    width, height = (x1 - x0) * CELL, (y1 - y0) * CELL
    parts = [
        f'<svg class="plan near" viewBox="{x0 * CELL} {y0 * CELL} {width} {height}" '
        f'font-size="{TEXT_SIZE}" role="img" '
        f'aria-label={quoteattr(hall_name)} xmlns="http://www.w3.org/2000/svg">',
        f'<rect class="hall" x="0" y="0" width="{hall_width * CELL}" '
        f'height="{hall_height * CELL}"/>',
    ]
    parts += [_booth_shape(b, "available", b.code, None, b.id == booth_id) for b in placed]
    parts.append("</svg>")
    # the whole hall as an outline, the booth as a mark: where the neighbourhood lies
    scale = 4
    parts.append(
        f'<svg class="plan overview" viewBox="0 0 {hall_width * scale} {hall_height * scale}" '
        f'role="img" aria-label={quoteattr(hall_name)} xmlns="http://www.w3.org/2000/svg">'
        f'<rect class="hall" x="0" y="0" width="{hall_width * scale}" '
        f'height="{hall_height * scale}"/>'
        f'<g class="booth st-available mine"><rect x="{target.grid_x * scale}" '
        f'y="{target.grid_y * scale}" width="{target.grid_w * scale}" '
        f'height="{target.grid_h * scale}"/></g></svg>')
    return Markup("".join(parts))
