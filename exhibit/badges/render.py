"""Drawing badges: the face of one badge, small (8 on A4), large (A6) or a 62 mm desk label,
from plain data.

Nothing here touches the database: :class:`BadgeFace` carries the printed text already in the
reader's language, so the same drawing serves pages, the API, bulk jobs and the bench.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

from reportlab.lib.colors import HexColor, black, white
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream
from reportlab.lib.units import mm

from exhibit.pdf.fonts import BOLD, REGULAR, SEMIBOLD, pdf_text
from exhibit.pdf.qr import draw_code_box
from exhibit.pdf.sheets import CARD_FACES, LAYOUTS, SheetLayout, new_canvas, render_cards
from exhibit.pdf.text import draw_block, draw_fitted

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
        static, dynamic = _PAINTERS[self.face_size]
        if key not in self._forms:
            name = f"badge{len(self._forms)}"
            canvas.beginForm(name, 0, 0, w, h)
            body_top = static(canvas, face, w, h)
            canvas.endForm()
            self._forms[key] = (name, body_top)
        name, body_top = self._forms[key]
        canvas.saveState()
        canvas.translate(x, y)
        canvas.doForm(name)
        dynamic(canvas, face, w, h, body_top)
        canvas.restoreState()


# Every code sits in a square box that holds its 4-module quiet zone (pdf.qr.draw_code_box);
# nothing else is printed inside a box, and the text above a box stops at its edge (draw_block),
# so the quiet zone stays white whatever the names. Every code is at least 25 mm wide.

# Small badge: 95 × 68 mm landscape.
#   one code (staff, buyer, organiser): text on the left, the entrance code on the right;
#   two codes (visitor): text across the top, the entrance and contact codes side by side
#   underneath, the contact code's explanation and the week's name in a column beside them.
_S_PAD, _S_BAND, _S_EDGE = 4 * mm, 9.5 * mm, 1.5 * mm
_S_BOX = 36 * mm         # one code: 28.2 mm at version 3
_S_PAIR_BOX = 32.5 * mm  # two codes: 25.5 mm each at version 3
_S_PAIR_Y = 5.5 * mm


def _small_box(w: float, h: float) -> tuple[float, float]:
    """Lower-left corner of the entrance code's box on a one-code badge."""
    return w - _S_EDGE - _S_BOX, h - _S_BAND - 0.5 * mm - _S_BOX


def _small_text_width(w: float) -> float:
    return _small_box(w, 0)[0] - _S_PAD - 1 * mm


def _small_pair_column(w: float) -> tuple[float, float]:
    """Left edge and width of the column beside a visitor's two codes."""
    left = _S_EDGE + 2 * _S_PAIR_BOX + 1 * mm
    return left, w - _S_PAD - left


def _small_static(canvas, face: BadgeFace, w: float, h: float) -> float:
    canvas.setStrokeColor(FRAME)
    canvas.setLineWidth(0.4)
    canvas.rect(1, 1, w - 2, h - 2)
    canvas.setFillColor(BAND_COLOURS[face.kind])
    canvas.rect(1, h - _S_BAND, w - 2, _S_BAND - 1, stroke=0, fill=1)
    canvas.setFillColor(white)
    draw_fitted(canvas, face.band, BOLD, _S_PAD, h - 3.2 * mm, w - 2 * _S_PAD,
                max_size=11, min_size=8, max_lines=1)
    canvas.setFillColor(MUTED)
    if face.contact_url:
        left, width = _small_pair_column(w)
        canvas.setFillColorRGB(0, 0, 0)
        below = draw_fitted(canvas, face.contact_label, SEMIBOLD, left,
                            _S_PAIR_Y + _S_PAIR_BOX - 3 * mm, width,
                            max_size=6.5, min_size=6, max_lines=5)
        canvas.setFillColor(MUTED)
        draw_fitted(canvas, face.week_name, REGULAR, left, below - 2.5 * mm, width,
                    max_size=6, min_size=5.5, max_lines=4)
        return h - _S_BAND - 2.2 * mm
    box_x, box_y = _small_box(w, h)
    canvas.setFont(SEMIBOLD, 6.5)
    canvas.drawCentredString(box_x + _S_BOX / 2, box_y - 2.6 * mm, pdf_text(face.entry_label))
    return draw_fitted(canvas, face.week_name, REGULAR, _S_PAD, h - _S_BAND - 2.2 * mm,
                       _small_text_width(w), max_size=6.5, min_size=6, max_lines=2)


def _person(face: BadgeFace, scale: float) -> list[dict]:
    """Name, position, organisation and booths, sizes in points at the small badge's scale."""
    black = HexColor("#000000")
    return [
        {"text": face.full_name, "font": BOLD, "max_size": 15 * scale, "min_size": 9 * scale,
         "gap": 1.5 * mm * scale, "colour": black},
        {"text": face.position, "font": REGULAR, "max_size": 8.5 * scale,
         "min_size": 6.5 * scale, "max_lines": 1, "gap": 1.2 * mm * scale},
        {"text": face.organisation, "font": SEMIBOLD, "max_size": 8.5 * scale,
         "min_size": 6.5 * scale, "gap": 1.5 * mm * scale},
        {"text": face.booths, "font": BOLD, "max_size": 10 * scale, "min_size": 7 * scale,
         "max_lines": 1, "gap": 1.8 * mm * scale, "colour": BAND_COLOURS[face.kind]},
    ]


def _small_dynamic(canvas, face: BadgeFace, w: float, h: float, top: float) -> None:
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 6.5)
    if face.contact_url:
        draw_code_box(canvas, face.entry_url, _S_EDGE, _S_PAIR_Y, _S_PAIR_BOX)
        draw_code_box(canvas, face.contact_url, _S_EDGE + _S_PAIR_BOX, _S_PAIR_Y, _S_PAIR_BOX)
        # one line under the entrance code: its label, then the code to type if a scan fails
        draw_fitted(canvas, f"{face.entry_label} · {face.entry_code}", SEMIBOLD, _S_EDGE,
                    _S_PAIR_Y - 0.9 * mm, _S_PAIR_BOX, max_size=6.5, min_size=5.5,
                    max_lines=1, centred=True)
        draw_block(canvas, _person(face, 1), _S_PAD, top, w - 2 * _S_PAD,
                   _S_PAIR_Y + _S_PAIR_BOX)
        return
    box_x, box_y = _small_box(w, h)
    draw_code_box(canvas, face.entry_url, box_x, box_y, _S_BOX)
    canvas.drawCentredString(box_x + _S_BOX / 2, box_y - 5.4 * mm, face.entry_code)
    draw_block(canvas, _person(face, 1), _S_PAD, top, _small_text_width(w), _S_PAD)


# Large badge: A6 portrait (105 × 148 mm) for a lanyard holder; the codes along the bottom,
# one in the middle or two side by side, each with its words under it.
_L_PAD, _L_BOX, _L_PAIR_BOX, _L_BOX_Y = 8 * mm, 54 * mm, 50 * mm, 13 * mm


def _large_pair_x(w: float) -> tuple[float, float]:
    left = (w - 2 * _L_PAIR_BOX) / 2
    return left, left + _L_PAIR_BOX


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
        entry_x, contact_x = _large_pair_x(w)
        canvas.drawCentredString(entry_x + _L_PAIR_BOX / 2, _L_BOX_Y - 3.5 * mm,
                                 pdf_text(face.entry_label))
        canvas.setFillColorRGB(0, 0, 0)
        draw_fitted(canvas, face.contact_label, SEMIBOLD, contact_x + 2 * mm,
                    _L_BOX_Y - 1.2 * mm, _L_PAIR_BOX - 4 * mm,
                    max_size=8.5, min_size=7, max_lines=3, centred=True)
    else:
        canvas.drawCentredString(w / 2, _L_BOX_Y - 3.5 * mm, pdf_text(face.entry_label))
    canvas.setFillColor(MUTED)
    return draw_fitted(canvas, face.week_name, REGULAR, _L_PAD, h - 32 * mm, inner,
                       max_size=9, min_size=9, max_lines=2, centred=True)


def _large_dynamic(canvas, face: BadgeFace, w: float, h: float, top: float) -> None:
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 7.5)
    if face.contact_url:
        entry_x, contact_x = _large_pair_x(w)
        draw_code_box(canvas, face.entry_url, entry_x, _L_BOX_Y, _L_PAIR_BOX)
        draw_code_box(canvas, face.contact_url, contact_x, _L_BOX_Y, _L_PAIR_BOX)
        canvas.drawCentredString(entry_x + _L_PAIR_BOX / 2, _L_BOX_Y - 7 * mm, face.entry_code)
        floor = _L_BOX_Y + _L_PAIR_BOX
    else:
        draw_code_box(canvas, face.entry_url, (w - _L_BOX) / 2, _L_BOX_Y, _L_BOX)
        canvas.drawCentredString(w / 2, _L_BOX_Y - 7 * mm, face.entry_code)
        floor = _L_BOX_Y + _L_BOX
    parts = _person(face, 1.5)
    parts[0].update(max_size=24, min_size=13, gap=4 * mm)
    draw_block(canvas, parts, _L_PAD, top, w - 2 * _L_PAD, floor, centred=True)


# Desk label: one badge on a 62 × 100 mm label, the width of the continuous and die-cut
# (DK-11202) rolls of common desk label printers such as Brother's QL series. Everything stays
# 2 mm inside the edges, within what those printers reach, and the band is black, not the
# kind's colour: they print in black only, and a coloured band would come out as a grey dither
# that blurs the white word in it.
#   two codes (visitor, buyer): both at full size, one above the other on the left — two
#   boxes side by side need 64 mm, more than the label — each with its words in the column
#   beside it (the entrance code to type, the week; what the contact code is for);
#   one code (staff, organiser): the entrance code centred along the bottom.
_T_PAD, _T_BAND = 2 * mm, 9 * mm
_T_PAIR_BOX = 32.5 * mm  # two codes: 25.5 mm each at version 3
_T_PAIR_Y = 1 * mm
_T_BOX, _T_BOX_Y = 44 * mm, 8 * mm  # one code: 34.5 mm at version 3
LABEL_62 = SheetLayout("label-62", (62 * mm, 100 * mm), 1, 1, (62 * mm, 100 * mm))


def _label_column(w: float) -> tuple[float, float]:
    """Left edge and width of the column beside a visitor's two codes."""
    left = _T_PAD + _T_PAIR_BOX + 0.5 * mm
    return left, w - _T_PAD - left


def _label_static(canvas, face: BadgeFace, w: float, h: float) -> float:
    inner = w - 2 * _T_PAD
    canvas.setFillColor(black)
    canvas.rect(_T_PAD, h - _T_PAD - _T_BAND, inner, _T_BAND, stroke=0, fill=1)
    canvas.setFillColor(white)
    draw_fitted(canvas, face.band, BOLD, _T_PAD + 1 * mm, h - _T_PAD - 2.6 * mm,
                inner - 2 * mm, max_size=15, min_size=9, max_lines=1, centred=True)
    canvas.setFillColor(black)
    if face.contact_url:
        left, width = _label_column(w)
        entry_top = _T_PAIR_Y + 2 * _T_PAIR_BOX - 3 * mm
        canvas.setFont(BOLD, 9)
        canvas.drawString(left, entry_top - 2.2 * mm, pdf_text(face.entry_label))
        draw_fitted(canvas, face.contact_label, SEMIBOLD, left, _T_PAIR_Y + _T_PAIR_BOX - 3 * mm,
                    width, max_size=7.5, min_size=6, max_lines=7)
        canvas.setFillColor(MUTED)
        draw_fitted(canvas, face.week_name, REGULAR, left, entry_top - 13 * mm, width,
                    max_size=6.5, min_size=5.5, max_lines=5)
    else:
        canvas.setFont(SEMIBOLD, 8)
        canvas.drawCentredString(w / 2, _T_BOX_Y - 3 * mm, pdf_text(face.entry_label))
        canvas.setFillColor(MUTED)
        draw_fitted(canvas, face.week_name, REGULAR, _T_PAD, _T_BOX_Y + _T_BOX + 7.5 * mm, inner,
                    max_size=6.5, min_size=5.5, max_lines=2, centred=True)
    return h - _T_PAD - _T_BAND - 2.5 * mm


def _label_dynamic(canvas, face: BadgeFace, w: float, h: float, top: float) -> None:
    parts = _person(face, 1.1)
    for part in parts:
        part["colour"] = black
    parts[0].update(max_size=18, min_size=10, max_lines=3, gap=1 * mm)
    if face.contact_url:
        left, width = _label_column(w)
        entry_y = _T_PAIR_Y + _T_PAIR_BOX
        draw_code_box(canvas, face.entry_url, _T_PAD, entry_y, _T_PAIR_BOX)
        draw_code_box(canvas, face.contact_url, _T_PAD, _T_PAIR_Y, _T_PAIR_BOX)
        # the code to type when a scan fails, under the entrance code's label
        canvas.setFillColor(black)
        draw_fitted(canvas, face.entry_code, SEMIBOLD, left, entry_y + _T_PAIR_BOX - 8.2 * mm,
                    width, max_size=8, min_size=6.5, max_lines=2)
        floor = entry_y + _T_PAIR_BOX + 0.5 * mm
    else:
        draw_code_box(canvas, face.entry_url, (w - _T_BOX) / 2, _T_BOX_Y, _T_BOX)
        canvas.setFillColor(black)
        canvas.setFont(SEMIBOLD, 8)
        canvas.drawCentredString(w / 2, _T_BOX_Y - 6.5 * mm, face.entry_code)
        floor = _T_BOX_Y + _T_BOX + 10.5 * mm
    draw_block(canvas, parts, _T_PAD, top, w - 2 * _T_PAD, floor, centred=True)


_PAINTERS = {"small": (_small_static, _small_dynamic), "large": (_large_static, _large_dynamic),
             "label": (_label_static, _label_dynamic)}
#: every layout a badge prints on: pdf.sheets' sheets, and the desk's label
BADGE_LAYOUTS = {**{key: LAYOUTS[key] for key in CARD_FACES}, LABEL_62.key: LABEL_62}
#: the face drawn on each layout
BADGE_FACES = {**CARD_FACES, LABEL_62.key: "label"}


def render_sheet(target, faces, *, layout_key: str = "a4-8", title: str = "Badges",
                 progress=None) -> int:
    """Write the badges of ``faces`` (any iterable) as one PDF to ``target`` (a path or a
    binary file); returns how many were drawn."""
    layout = BADGE_LAYOUTS[layout_key]
    canvas = new_canvas(target, layout, title=title)
    _compress_pages_as_they_end(canvas)
    count = render_cards(canvas, layout, faces, BadgePainter(BADGE_FACES[layout_key]),
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
