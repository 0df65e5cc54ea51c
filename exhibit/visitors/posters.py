"""Booth posters: A4 or A5, the booth's number big, its exhibitor, and the QR to scan.

Posters are bilingual whatever the interface language — "Quét mã để xem sản phẩm" first,
English under it — because they hang in a hall visited by both.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader

from exhibit.pdf.fonts import BOLD, REGULAR, SEMIBOLD, pdf_text
from exhibit.pdf.qr import draw_code_box
from exhibit.pdf.sheets import LAYOUTS, new_canvas
from exhibit.pdf.text import draw_block, draw_fitted

CAPTION_VI = "Quét mã để xem sản phẩm"
CAPTION_EN = "Scan to see our products"
GREEN = HexColor("#1b7f4b")
MUTED = HexColor("#555555")
SIZES = {"a4": "poster-a4", "a5": "poster-a5"}
#: the code's box on an A4 poster, quiet zone included (a 78 mm code; 55 mm on A5)
BOX, BOX_Y = 100 * mm, 34 * mm


@dataclass(frozen=True)
class Poster:
    week_name: str
    week_name_en: str
    booth_code: str
    hall_name: str
    exhibitor: str
    logo_path: Path | None
    url: str


def _draw(canvas, poster: Poster) -> None:
    """One poster in A4 coordinates (the caller scales for A5)."""
    width, height = A4
    margin = 18 * mm
    inner = width - 2 * margin
    canvas.setFillColor(GREEN)
    canvas.rect(0, height - 12 * mm, width, 12 * mm, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    line = draw_fitted(canvas, poster.week_name, BOLD, margin, height - 24 * mm, inner,
                       max_size=18, min_size=13, max_lines=2, centred=True)
    if poster.week_name_en and poster.week_name_en != poster.week_name:
        canvas.setFillColor(MUTED)
        line = draw_fitted(canvas, poster.week_name_en, REGULAR, margin, line - 2 * mm, inner,
                           max_size=11, min_size=9, max_lines=1, centred=True)
    canvas.setFillColor(MUTED)
    canvas.setFont(SEMIBOLD, 14)
    canvas.drawCentredString(width / 2, line - 14 * mm,
                             pdf_text(f"GIAN HÀNG · BOOTH · {poster.hall_name}"))
    canvas.setFillColor(GREEN)
    line = draw_fitted(canvas, poster.booth_code, BOLD, margin, line - 19 * mm, inner,
                       max_size=96, min_size=40, max_lines=1, centred=True)
    canvas.setFillColorRGB(0, 0, 0)
    top = line - 6 * mm
    if poster.logo_path and poster.logo_path.exists():
        box = 30 * mm
        canvas.drawImage(ImageReader(str(poster.logo_path)), (width - box) / 2, top - box,
                         box, box, preserveAspectRatio=True, anchor="c", mask="auto")
        top -= box + 4 * mm
    # the code's box holds its quiet zone: the exhibitor's name stops above it
    draw_block(canvas, [{"text": poster.exhibitor or "—", "font": BOLD, "max_size": 26,
                         "min_size": 15}], margin, top, inner, BOX_Y + BOX, centred=True)
    draw_code_box(canvas, poster.url, (width - BOX) / 2, BOX_Y, BOX)
    canvas.setFont(BOLD, 22)
    canvas.drawCentredString(width / 2, BOX_Y - 8 * mm, CAPTION_VI)
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 13)
    canvas.drawCentredString(width / 2, BOX_Y - 15 * mm, CAPTION_EN)
    canvas.setFont(REGULAR, 9)
    canvas.drawCentredString(width / 2, BOX_Y - 22 * mm, poster.url)


def render_posters(target, posters, *, size: str = "a4", title: str = "Posters") -> int:
    """One poster per page, A4 or A5, into ``target`` (a path or binary file)."""
    layout = LAYOUTS[SIZES[size]]
    canvas = new_canvas(target, layout, title=title)
    scale = layout.page[0] / A4[0]
    count = 0
    for poster in posters:
        canvas.saveState()
        canvas.scale(scale, scale)
        _draw(canvas, poster)
        canvas.restoreState()
        canvas.showPage()
        count += 1
    if not count:
        canvas.showPage()
    canvas.save()
    return count
