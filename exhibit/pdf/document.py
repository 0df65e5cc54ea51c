"""Formal Vietnamese documents laid out after Nghị định 30/2020/NĐ-CP (DOMAIN.md §5).

A4 portrait with margins 20 mm top and bottom, 30 mm left and 15 mm right; the issuing body and
"Số: …" at top left, the national motto at top right with a rule under it, the place-and-date
line in italics, the title centred in bold capitals, articles as "Điều 1." in bold, signature
blocks side by side, and page numbers centred in the top margin from page 2 on.

Everything here takes plain text: it is NFC-normalised and escaped before it reaches a
Paragraph, so "&" and "<" in a business's name print as they are.
"""
from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table,
                                TableStyle)

from exhibit.pdf import fonts
from exhibit.pdf.fonts import pdf_text

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_LINE = "Độc lập - Tự do - Hạnh phúc"
#: the header's fixed words in an English rendering (a translation for reading, not for filing)
HEADER_WORDS = {"vi": (MOTTO, MOTTO_LINE, "Số"),
                "en": ("SOCIALIST REPUBLIC OF VIET NAM", "Independence - Freedom - Happiness",
                       "No.")}
MARGINS = {"topMargin": 20 * mm, "bottomMargin": 20 * mm, "leftMargin": 30 * mm,
           "rightMargin": 15 * mm}
BODY_SIZE = 10.5
FRAME_WIDTH = A4[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"]


def t(value) -> str:
    """Plain text made safe for a Paragraph: NFC, with &, < and > escaped."""
    return escape(pdf_text(value))


def _style(name: str, **values) -> ParagraphStyle:
    base = {"fontName": fonts.REGULAR, "fontSize": BODY_SIZE, "leading": BODY_SIZE * 1.4}
    return ParagraphStyle(name, **{**base, **values})


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    bullet: ParagraphStyle
    article: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    date_line: ParagraphStyle
    header: ParagraphStyle
    party: ParagraphStyle
    cell: ParagraphStyle
    cell_right: ParagraphStyle
    cell_head: ParagraphStyle
    sign_title: ParagraphStyle
    sign_note: ParagraphStyle


def styles() -> Styles:
    fonts.register()
    return Styles(
        body=_style("body", alignment=TA_JUSTIFY, spaceAfter=3),
        bullet=_style("bullet", alignment=TA_JUSTIFY, leftIndent=5 * mm, bulletIndent=1 * mm,
                      bulletFontName=fonts.REGULAR, spaceAfter=2),
        article=_style("article", fontName=fonts.BOLD, spaceBefore=6, spaceAfter=3),
        title=_style("title", fontName=fonts.BOLD, fontSize=14, leading=19, alignment=TA_CENTER,
                     spaceBefore=10),
        subtitle=_style("subtitle", fontName=fonts.ITALIC, alignment=TA_CENTER, spaceAfter=8),
        date_line=_style("date_line", fontName=fonts.ITALIC, alignment=TA_RIGHT, spaceBefore=4),
        header=_style("header", fontSize=10, leading=13, alignment=TA_CENTER),
        party=_style("party", leftIndent=0, spaceAfter=1),
        cell=_style("cell", fontSize=9.5, leading=12.5),
        cell_right=_style("cell_right", fontSize=9.5, leading=12.5, alignment=TA_RIGHT),
        cell_head=_style("cell_head", fontName=fonts.BOLD, fontSize=9.5, leading=12.5,
                         alignment=TA_CENTER),
        sign_title=_style("sign_title", fontName=fonts.BOLD, alignment=TA_CENTER),
        sign_note=_style("sign_note", fontName=fonts.ITALIC, fontSize=9.5, alignment=TA_CENTER),
    )


def _table(rows: list, widths: list[float], commands: list, **options) -> Table:
    """A Table whose cells start in Be Vietnam Pro: reportlab's cell default is Helvetica,
    which would otherwise be referenced, unembedded, by every page with a table."""
    table = Table(rows, colWidths=widths, **options)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR), *commands]))
    return table


class _Rule(Flowable):
    """A short centred rule, as under the motto and the issuing body."""

    def __init__(self, width: float):
        super().__init__()
        self.rule_width = width
        self.height = 7

    def wrap(self, available_width, _available_height):
        self.width = available_width
        return available_width, self.height

    def draw(self):
        x = (self.width - self.rule_width) / 2
        self.canv.setLineWidth(0.6)
        self.canv.line(x, 3, x + self.rule_width, 3)


def header(s: Styles, *, issuer: str, number: str, place: str, date_text: str,
           lang: str = "vi") -> list:
    """The NĐ 30 header: issuer and number at left, motto at right, the date line below."""
    motto, motto_line, number_word = HEADER_WORDS.get(lang, HEADER_WORDS["vi"])
    issuer_width = 0.45 * FRAME_WIDTH
    left = [Paragraph(f"<b>{t(issuer.upper())}</b>", s.header), _Rule(28 * mm),
            Spacer(1, 3), Paragraph(f"{number_word}: {t(number)}", s.header)]
    right = [Paragraph(f"<b>{motto}</b>", s.header),
             Paragraph(f"<b>{motto_line}</b>", s.header), _Rule(44 * mm)]
    table = _table([[left, right]], [issuer_width, FRAME_WIDTH - issuer_width],
                   [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
    return [table, Paragraph(f"{t(place)}, {t(date_text)}", s.date_line)]


def title(s: Styles, text: str, subtitle: str = "") -> list:
    parts = [Paragraph(t(text.upper()), s.title)]
    if subtitle:
        parts.append(Paragraph(t(subtitle), s.subtitle))
    return parts


def article(s: Styles, number: int, heading: str, lang: str = "vi") -> Paragraph:
    word = "Article" if lang == "en" else "Điều"
    return Paragraph(f"{word} {number}. {t(heading)}", s.article)


def paragraph(s: Styles, text: str) -> Paragraph:
    return Paragraph(t(text), s.body)


def bullets(s: Styles, items: list[str]) -> list[Paragraph]:
    return [Paragraph(t(item), s.bullet, bulletText="-") for item in items if item]


def party_block(s: Styles, heading: str, rows: list[tuple[str, str]]) -> KeepTogether:
    """"BÊN A (…): NAME" then label: value lines; empty values are left out."""
    lines = [Paragraph(f"<b>{t(heading)}</b>", s.party)]
    lines += [Paragraph(f"{t(label)}: {t(value)}", s.party) for label, value in rows if value]
    lines.append(Spacer(1, 4))
    return KeepTogether(lines)


def grid(s: Styles, head: list[str], rows: list[list], widths_mm: list[float], *,
         right_columns: tuple[int, ...] = (), total_rows: int = 0) -> Table:
    """A ruled table; cells are text (escaped here); the last ``total_rows`` rows are bold."""
    scale = FRAME_WIDTH / (sum(widths_mm) * mm)
    body = []
    for r, row in enumerate(rows):
        bold = r >= len(rows) - total_rows
        cells = []
        for c, value in enumerate(row):
            style = s.cell_right if c in right_columns else s.cell
            text = t(value)
            cells.append(Paragraph(f"<b>{text}</b>" if bold else text, style))
        body.append(cells)
    return _table([[Paragraph(t(h), s.cell_head) for h in head]] + body,
                  [w * mm * scale for w in widths_mm],
                  [("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                   ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                   ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93))], repeatRows=1)


@dataclass(frozen=True)
class Signature:
    heading: str
    #: "(Ký, ghi rõ họ tên, đóng dấu)", or without the seal for a household business
    note: str
    name: str
    position: str = ""


def signatures(s: Styles, blocks: list[Signature]) -> KeepTogether:
    """Signature blocks side by side, with room to sign and the signer's name under it. Each
    line is a row of one table, so the names line up even when one position wraps."""
    rows = [[Paragraph(t(b.heading), s.sign_title) for b in blocks],
            [Paragraph(f"<b>{t(b.position.upper())}</b>", s.sign_title) for b in blocks],
            [Paragraph(t(b.note), s.sign_note) for b in blocks],
            [Spacer(1, 24 * mm) for _ in blocks],
            [Paragraph(f"<b>{t(b.name)}</b>", s.sign_title) for b in blocks]]
    table = _table(rows, [FRAME_WIDTH / len(blocks)] * len(blocks),
                   [("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1)])
    return KeepTogether([Spacer(1, 8 * mm), table])


def _page_number(canvas, document) -> None:
    """NĐ 30: the page number centred in the top margin, from the second page on."""
    canvas.saveState()
    canvas.setFont(fonts.REGULAR, 10)
    canvas.drawCentredString(MARGINS["leftMargin"] + FRAME_WIDTH / 2, A4[1] - 12 * mm,
                             str(document.page))
    canvas.restoreState()


def build(target, story: list, *, title_text: str, author: str, subject: str = "") -> None:
    """Lay ``story`` out on A4 pages into ``target`` (a path or a binary file)."""
    fonts.register()
    doc = SimpleDocTemplate(target, pagesize=A4, title=pdf_text(title_text),
                            author=pdf_text(author), subject=pdf_text(subject),
                            creator="exhibit", initialFontName=fonts.REGULAR, **MARGINS)
    doc.build(story, onLaterPages=_page_number)


