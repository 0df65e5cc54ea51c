"""N-up sheets: cards laid out on a page in a grid, with cut marks.

A :class:`SheetLayout` says where each card goes; :func:`render_cards` walks any number of cards
(an iterator, so 10,000 badges never sit in memory as objects), starting a new page when one is
full, and calls ``draw_card(canvas, card, x, y, width, height)`` for each.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4, A5, A6, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from exhibit.pdf import fonts

#: length of a cut mark and its distance from the card edge
MARK = 5 * mm
MARK_GAP = 2 * mm


@dataclass(frozen=True)
class SheetLayout:
    key: str
    page: tuple[float, float]
    columns: int
    rows: int
    card: tuple[float, float]

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def origin(self) -> tuple[float, float]:
        """Lower-left corner of the grid: the grid is centred on the page."""
        width, height = self.page
        return ((width - self.columns * self.card[0]) / 2,
                (height - self.rows * self.card[1]) / 2)

    def slot(self, index: int) -> tuple[float, float]:
        """Lower-left corner of the card at ``index`` on its page (left to right, top down)."""
        column, row = index % self.columns, index // self.columns
        x0, y0 = self.origin
        return x0 + column * self.card[0], y0 + (self.rows - 1 - row) * self.card[1]


LAYOUTS = {
    # eight 95 × 68 mm badges on A4, two across, four down
    "a4-8": SheetLayout("a4-8", A4, 2, 4, (95 * mm, 68 * mm)),
    # four A6 badges (105 × 148 mm) on A4: the sheet is cut in half both ways
    "a6-4": SheetLayout("a6-4", A4, 2, 2, A6),
    # one A6 badge on its own A6 page
    "a6-1": SheetLayout("a6-1", A6, 1, 1, A6),
    # one 95 × 68 mm badge on A6 landscape (a single badge printed at home)
    "single": SheetLayout("single", landscape(A6), 1, 1, (95 * mm, 68 * mm)),
    "poster-a4": SheetLayout("poster-a4", A4, 1, 1, A4),
    "poster-a5": SheetLayout("poster-a5", A5, 1, 1, A5),
}

#: the layout used to draw one card's face: 8-up cards are small, A6 cards large
CARD_FACES = {"a4-8": "small", "single": "small", "a6-4": "large", "a6-1": "large"}


def draw_cut_marks(canvas: Canvas, layout: SheetLayout) -> None:
    """Marks on every cut line: in the margin around the grid when there is room, otherwise
    from the page edges inwards (a grid that fills the page is cut along its inner lines)."""
    width, height = layout.page
    x0, y0 = layout.origin
    xs = [x0 + i * layout.card[0] for i in range(layout.columns + 1)]
    ys = [y0 + i * layout.card[1] for i in range(layout.rows + 1)]
    canvas.saveState()
    canvas.setLineWidth(0.3)
    canvas.setStrokeGray(0.35)
    if x0 >= MARK + MARK_GAP and y0 >= MARK + MARK_GAP:
        top, right = ys[-1], xs[-1]
        for x in xs:
            canvas.line(x, y0 - MARK_GAP, x, y0 - MARK_GAP - MARK)
            canvas.line(x, top + MARK_GAP, x, top + MARK_GAP + MARK)
        for y in ys:
            canvas.line(x0 - MARK_GAP, y, x0 - MARK_GAP - MARK, y)
            canvas.line(right + MARK_GAP, y, right + MARK_GAP + MARK, y)
    else:
        for x in xs[1:-1]:
            canvas.line(x, 0, x, MARK)
            canvas.line(x, height, x, height - MARK)
        for y in ys[1:-1]:
            canvas.line(0, y, MARK, y)
            canvas.line(width, y, width - MARK, y)
    canvas.restoreState()


def new_canvas(target, layout: SheetLayout, *, title: str, author: str = "exhibit") -> Canvas:
    fonts.register()
    if isinstance(target, Path):
        target = str(target)
    # Start every page in Be Vietnam Pro, so no unembedded Helvetica is referenced at all.
    canvas = Canvas(target, pagesize=layout.page, pageCompression=1, invariant=0,
                    initialFontName=fonts.REGULAR, initialFontSize=10)
    canvas.setTitle(fonts.pdf_text(title))
    canvas.setAuthor(author)
    canvas.setCreator("exhibit")
    return canvas


def render_cards(canvas: Canvas, layout: SheetLayout, cards: Iterable,
                 draw_card: Callable, *, cut_marks: bool = True,
                 progress: Callable[[int], None] | None = None, progress_every: int = 200) -> int:
    """Lay ``cards`` out page after page; returns how many were drawn."""
    width, height = layout.card
    count = 0
    for card in cards:
        index = count % layout.per_page
        if index == 0 and count:
            canvas.showPage()
        if index == 0 and cut_marks:
            draw_cut_marks(canvas, layout)
        x, y = layout.slot(index)
        draw_card(canvas, card, x, y, width, height)
        count += 1
        if progress and count % progress_every == 0:
            progress(count)
    if count:
        canvas.showPage()
    if progress:
        progress(count)
    return count
