"""Drawing badges: the face of one badge, small (8 on A4) or large (A6), from plain data.

Nothing here touches the database: :class:`BadgeFace` carries the printed text already in the
reader's language, so the same drawing serves pages, the API, bulk jobs and the bench.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

from reportlab.lib.colors import HexColor, white
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream
from reportlab.lib.units import mm

from exhibit.pdf.fonts import BOLD, REGULAR, SEMIBOLD, pdf_text
from exhibit.pdf.qr import draw_qr
from exhibit.pdf.sheets import CARD_FACES, LAYOUTS, new_canvas, render_cards
from exhibit.pdf.text import draw_fitted

#: band colour per badge kind: green exhibitors, blue buyers, red organisers, orange visitors
BAND_COLOURS = {"staff": HexColor("#1b7f4b"), "buyer": HexColor("#1f5fa8"),
                "organiser": HexColor("#b3261e"), "visitor": HexColor("#c2410c")}
FRAME = HexColor("#c8c8c8")
MUTED = HexColor("#555555")


@dataclass(frozen=True, slots=True)
class BadgeFace:
    kind: str
    band: str
    week_name: str
    full_name: str
    position: str
    organisation: str
    #: e.g. "Gian hàng A01, A02" (already worded), or ""
    booths: str
    entry_url: str
    entry_code: str
    entry_label: str
    contact_url: str = ""
    contact_label: str = ""


class BadgePainter:
    """Draws badges onto one canvas. What every badge of a kind shares — frame, band, week
    name, labels — is drawn once as a PDF form and reused, so each badge adds only its own
    text and codes."""

    def __init__(self, face_size: str):
        self.face_size = face_size
        self._forms: dict[tuple, tuple[str, float]] = {}

    def __call__(self, canvas, face: BadgeFace, x: float, y: float, w: float, h: float) -> None:
        key = (face.kind, face.band, face.week_name, face.entry_label, face.contact_label,
               bool(face.contact_url), w, h)
        if key not in self._forms:
            name = f"badge{len(self._forms)}"
            canvas.beginForm(name, 0, 0, w, h)
            static = _small_static if self.face_size == "small" else _large_static
            body_top = static(canvas, face, w, h)
            canvas.endForm()
            self._forms[key] = (name, body_top)
        name, body_top = self._forms[key]
        canvas.saveState()
        canvas.translate(x, y)
        canvas.doForm(name)
        dynamic = _small_dynamic if self.face_size == "small" else _large_dynamic
        dynamic(canvas, face, w, h, body_top)
        canvas.restoreState()


# Small badge: 95 × 68 mm landscape; text on the left, the entrance QR on the right.
_S_PAD, _S_QR, _S_BAND, _S_CONTACT_QR = 4 * mm, 29 * mm, 11 * mm, 17 * mm


def _small_qr_origin(w: float, h: float) -> tuple[float, float]:
    return w - _S_PAD - _S_QR, h - 14 * mm - _S_QR


def _small_text_width(w: float) -> float:
    return w - 2 * _S_PAD - _S_QR - 3 * mm


def _small_static(canvas, face: BadgeFace, w: float, h: float) -> float:
    canvas.setStrokeColor(FRAME)
    canvas.setLineWidth(0.4)
    canvas.rect(1, 1, w - 2, h - 2)
    canvas.setFillColor(BAND_COLOURS[face.kind])
    canvas.rect(1, h - _S_BAND, w - 2, _S_BAND - 1, stroke=0, fill=1)
    canvas.setFillColor(white)
    canvas.setFont(BOLD, 11)
    canvas.drawString(_S_PAD, h - 7.2 * mm, pdf_text(face.band))
    qr_x, qr_y = _small_qr_origin(w, h)
    canvas.setFillColor(MUTED)
    canvas.setFont(SEMIBOLD, 6.5)
    canvas.drawCentredString(qr_x + _S_QR / 2, qr_y - 6 * mm, pdf_text(face.entry_label))
    text_w = _small_text_width(w)
    if face.contact_url:
        draw_fitted(canvas, face.contact_label, REGULAR, _S_PAD + _S_CONTACT_QR + 2 * mm,
                    _S_PAD + _S_CONTACT_QR, text_w - _S_CONTACT_QR - 2 * mm,
                    max_size=6, min_size=6, max_lines=4)
    return draw_fitted(canvas, face.week_name, REGULAR, _S_PAD, h - 13.5 * mm, text_w,
                       max_size=6.5, min_size=6.5, max_lines=2)


def _small_dynamic(canvas, face: BadgeFace, w: float, h: float, top: float) -> None:
    qr_x, qr_y = _small_qr_origin(w, h)
    draw_qr(canvas, face.entry_url, qr_x, qr_y, _S_QR)
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 6.5)
    canvas.drawCentredString(qr_x + _S_QR / 2, qr_y - 3.2 * mm, face.entry_code)
    text_w, left = _small_text_width(w), _S_PAD
    canvas.setFillColorRGB(0, 0, 0)
    line = draw_fitted(canvas, face.full_name, BOLD, left, top - 2.5 * mm, text_w,
                       max_size=15, min_size=9, max_lines=2)
    if face.position:
        line = draw_fitted(canvas, face.position, REGULAR, left, line - 1.2 * mm, text_w,
                           max_size=8.5, min_size=6.5, max_lines=1)
    if face.organisation:
        line = draw_fitted(canvas, face.organisation, SEMIBOLD, left, line - 1.5 * mm, text_w,
                           max_size=8.5, min_size=6.5, max_lines=2)
    if face.booths:
        canvas.setFillColor(BAND_COLOURS[face.kind])
        draw_fitted(canvas, face.booths, BOLD, left, line - 1.8 * mm, text_w,
                    max_size=10, min_size=7, max_lines=1)
    if face.contact_url:
        draw_qr(canvas, face.contact_url, left, _S_PAD, _S_CONTACT_QR)


# Large badge: A6 portrait (105 × 148 mm) for a lanyard holder.
_L_PAD, _L_QR, _L_ENTRY_QR, _L_CONTACT_QR, _L_QR_Y = 8 * mm, 46 * mm, 40 * mm, 28 * mm, 17 * mm


def _large_static(canvas, face: BadgeFace, w: float, h: float) -> float:
    inner = w - 2 * _L_PAD
    canvas.setFillColor(BAND_COLOURS[face.kind])
    canvas.rect(_L_PAD / 2, h - _L_PAD / 2 - 22 * mm, w - _L_PAD, 22 * mm, stroke=0, fill=1)
    canvas.setFillColor(white)
    draw_fitted(canvas, face.band, BOLD, _L_PAD, h - _L_PAD / 2 - 7 * mm, inner,
                max_size=20, min_size=12, max_lines=1, centred=True)
    canvas.setFillColor(MUTED)
    canvas.setFont(SEMIBOLD, 8)
    if face.contact_url:
        canvas.drawCentredString(_L_PAD + _L_ENTRY_QR / 2, _L_QR_Y - 8 * mm,
                                 pdf_text(face.entry_label))
        sx = w - _L_PAD - _L_CONTACT_QR
        draw_fitted(canvas, face.contact_label, REGULAR, sx - 3 * mm,
                    _L_QR_Y + _L_ENTRY_QR - _L_CONTACT_QR - 3 * mm, _L_CONTACT_QR + 3 * mm,
                    max_size=7, min_size=7, max_lines=5)
    else:
        canvas.drawCentredString(w / 2, _L_QR_Y - 8 * mm, pdf_text(face.entry_label))
    return draw_fitted(canvas, face.week_name, REGULAR, _L_PAD, h - 32 * mm, inner,
                       max_size=9, min_size=9, max_lines=2, centred=True)


def _large_dynamic(canvas, face: BadgeFace, w: float, h: float, top: float) -> None:
    inner = w - 2 * _L_PAD
    canvas.setFillColorRGB(0, 0, 0)
    line = draw_fitted(canvas, face.full_name, BOLD, _L_PAD, top - 6 * mm, inner,
                       max_size=24, min_size=13, max_lines=2, centred=True)
    if face.position:
        line = draw_fitted(canvas, face.position, REGULAR, _L_PAD, line - 2 * mm, inner,
                           max_size=12, min_size=9, max_lines=1, centred=True)
    if face.organisation:
        line = draw_fitted(canvas, face.organisation, SEMIBOLD, _L_PAD, line - 2.5 * mm, inner,
                           max_size=12, min_size=9, max_lines=2, centred=True)
    if face.booths:
        canvas.setFillColor(BAND_COLOURS[face.kind])
        draw_fitted(canvas, face.booths, BOLD, _L_PAD, line - 3 * mm, inner,
                    max_size=15, min_size=10, max_lines=1, centred=True)
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 7.5)
    if face.contact_url:
        draw_qr(canvas, face.entry_url, _L_PAD, _L_QR_Y, _L_ENTRY_QR)
        draw_qr(canvas, face.contact_url, w - _L_PAD - _L_CONTACT_QR,
                _L_QR_Y + _L_ENTRY_QR - _L_CONTACT_QR, _L_CONTACT_QR)
        canvas.drawCentredString(_L_PAD + _L_ENTRY_QR / 2, _L_QR_Y - 4 * mm, face.entry_code)
    else:
        draw_qr(canvas, face.entry_url, (w - _L_QR) / 2, _L_QR_Y, _L_QR)
        canvas.drawCentredString(w / 2, _L_QR_Y - 4 * mm, face.entry_code)


def render_sheet(target, faces, *, layout_key: str = "a4-8", title: str = "Badges",
                 progress=None) -> int:
    """Write the badges of ``faces`` (any iterable) as one PDF to ``target`` (a path or a
    binary file); returns how many were drawn."""
    layout = LAYOUTS[layout_key]
    canvas = new_canvas(target, layout, title=title)
    _compress_pages_as_they_end(canvas)
    count = render_cards(canvas, layout, faces, BadgePainter(CARD_FACES[layout_key]),
                         progress=progress)
    if not count:
        canvas.showPage()
    canvas.save()
    return count


def _compress_pages_as_they_end(canvas) -> None:
    """reportlab keeps every finished page's drawing operators as text until ``save()``, where
    it compresses them: a sheet of 100,000 badges held about 260 MB that way. Here each page is
    compressed as soon as it ends (the same Flate stream save() would write), so a whole
    sheet holds a fraction of that. The pages themselves still stay in memory until the file
    is written: reportlab writes a PDF in one go."""
    pages = canvas._doc.Pages.pages
    end_page = canvas.showPage

    def show_page():
        end_page()
        page = pages[-1]
        if page.stream and not page.Contents:
            text = page.stream.encode("utf8") if isinstance(page.stream, str) else page.stream
            page.Contents = PDFStream(
                dictionary=PDFDictionary({"Filter": PDFArray([PDFName("FlateDecode")])}),
                content=zlib.compress(text))
            page.stream = None

    canvas.showPage = show_page
