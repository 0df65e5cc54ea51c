"""Horizontal bar charts drawn on the server: as inline SVG for the pages (no script, no CDN;
labels sit above their bars, so the chart reads on a 360-pixel phone) and as a reportlab
Drawing for the report PDF. Both draw the same laid-out shapes.
"""
from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from exhibit.reports.figures import COUNT, VND, Chart, format_value

#: series colours: the brand green, then a blue that stays distinct in greyscale print
COLOURS = ("#0b6e4f", "#3362cc", "#c48a00")
TRACK = "#eef1f4"
INK = "#1d2430"
LABEL_SIZE = 13
BAR_HEIGHT = 14
#: the SVG's own width: about a phone's, so its 13-unit labels read at 12–13 px there
SVG_WIDTH = 360
#: the layout width the PDF drawing is scaled from
PDF_WIDTH = 600


@dataclass(frozen=True)
class Box:
    x: float
    y: float  # from the top
    width: float
    height: float
    colour: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the baseline, from the top
    text: str
    size: float
    colour: str = INK
    anchor: str = "start"  # or "end"


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    shapes: list


def _short(label: str, width: float) -> str:
    """The label cut to what fits ``width`` (about 0.55 em a character)."""
    room = max(int(width / (LABEL_SIZE * 0.55)), 12)
    return label if len(label) <= room else label[:room - 1] + "…"


def layout(chart: Chart, lang: str = "vi", width: float = PDF_WIDTH,
           biggest: int | None = None) -> Layout:
    """Each label on its own line, then one bar per series under it, its value at the end.
    ``biggest`` is the value of a full bar (default: the chart's largest)."""
    if biggest is None:
        biggest = max([v for _name, values in chart.series for v in values] + [0])
    value_room = (width * 0.3) if chart.money else 48
    bar_room = width - value_room
    shapes: list = []
    y = 0.0
    if len(chart.series) > 1:  # the legend, a line per series (week names are long)
        for i, (name, _values) in enumerate(chart.series):
            shapes.append(Box(0, y + 3, 12, 12, COLOURS[i % len(COLOURS)]))
            shapes.append(Text(16, y + 13, _short(name, width), LABEL_SIZE - 1))
            y += 18
        y += 6
    for index, label in enumerate(chart.labels):
        y += LABEL_SIZE + 2
        shapes.append(Text(0, y, _short(label, width), LABEL_SIZE))
        y += 5
        for i, (_name, values) in enumerate(chart.series):
            value = values[index]
            length = bar_room * value / biggest if biggest else 0
            shapes.append(Box(0, y, bar_room, BAR_HEIGHT, TRACK))
            if length:
                shapes.append(Box(0, y, max(length, 2), BAR_HEIGHT, COLOURS[i % len(COLOURS)]))
            shapes.append(Text(width, y + BAR_HEIGHT - 2,
                               format_value(value, VND if chart.money else COUNT, lang),
                               LABEL_SIZE - 1, anchor="end"))
            y += BAR_HEIGHT + 3
        y += 6
    return Layout(width, y, shapes)


def svg(chart: Chart, title: str, lang: str = "vi") -> Markup:
    """The chart as an inline SVG that scales to its container's width."""
    drawn = layout(chart, lang, SVG_WIDTH)
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {drawn.width:.0f} {drawn.height:.0f}" '
             f'xmlns="http://www.w3.org/2000/svg" aria-label={quoteattr(title)}>'
             f"<title>{escape(title)}</title>"]
    for shape in drawn.shapes:
        if isinstance(shape, Box):
            parts.append(f'<rect x="{shape.x:.1f}" y="{shape.y:.1f}" width="{shape.width:.1f}" '
                         f'height="{shape.height:.1f}" rx="2" fill="{shape.colour}"/>')
        else:
            parts.append(f'<text x="{shape.x:.1f}" y="{shape.y:.1f}" font-size="{shape.size}" '
                         f'fill="{shape.colour}" text-anchor="{shape.anchor}">'
                         f"{escape(shape.text)}</text>")
    parts.append("</svg>")
    return Markup("".join(parts))


#: the tallest a PDF chart drawing may be (points): a frame is taller, and a longer chart
#: continues in another drawing, which reportlab can put on the next page
MAX_DRAWING_HEIGHT = 600


def drawings(chart: Chart, width: float, lang: str = "vi",
             max_height: float = MAX_DRAWING_HEIGHT) -> list:
    """The chart as reportlab Drawings ``width`` points wide, as many as its labels need (34
    provinces do not fit one page), every bar on the same scale."""
    biggest = max([v for _name, values in chart.series for v in values] + [0])
    scale = width / PDF_WIDTH
    one = layout(Chart(chart.labels[:1], [(n, v[:1]) for n, v in chart.series], chart.money),
                 lang, biggest=biggest).height
    two = layout(Chart(chart.labels[:2], [(n, v[:2]) for n, v in chart.series], chart.money),
                 lang, biggest=biggest).height
    per_label = max(two - one, 1)
    fits = max(int((max_height / scale - (one - per_label)) // per_label), 1)
    pieces = []
    for start in range(0, len(chart.labels), fits):
        part = Chart(chart.labels[start:start + fits],
                     [(name, values[start:start + fits]) for name, values in chart.series],
                     chart.money)
        pieces.append(drawing(part, width, lang, biggest=biggest))
    return pieces


def drawing(chart: Chart, width: float, lang: str = "vi", biggest: int | None = None):
    """The chart as a reportlab Drawing ``width`` points wide, in Be Vietnam Pro."""
    from reportlab.graphics.shapes import Drawing, Rect, String
    from reportlab.lib import colors

    from exhibit.pdf import fonts
    from exhibit.pdf.fonts import pdf_text
    fonts.register()
    drawn = layout(chart, lang, biggest=biggest)
    scale = width / drawn.width
    picture = Drawing(width, drawn.height * scale)
    picture.initialFontName = fonts.REGULAR  # else the renderer sets up an unembedded Times-Roman
    for shape in drawn.shapes:
        if isinstance(shape, Box):
            picture.add(Rect(shape.x * scale, (drawn.height - shape.y - shape.height) * scale,
                             shape.width * scale, shape.height * scale, strokeColor=None,
                             fillColor=colors.HexColor(shape.colour)))
        else:
            picture.add(String(shape.x * scale, (drawn.height - shape.y) * scale,
                               pdf_text(shape.text), fontName=fonts.REGULAR,
                               fontSize=shape.size * scale,
                               fillColor=colors.HexColor(shape.colour), textAnchor=shape.anchor))
    return picture
