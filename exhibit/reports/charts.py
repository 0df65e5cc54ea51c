"""Horizontal bar charts drawn on the server: as inline SVG for the pages (no script, no CDN;
labels sit above their bars, so the chart reads on a 360-pixel phone) and as a reportlab
Drawing for the report PDF. Both draw the same laid-out shapes.
"""
from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from exhibit.reports.figures import COUNT, VND, Chart, format_value

#: series colours, as many as weeks can be compared (six): the brand green first, then hues
#: that stay apart for the common colour-vision deficiencies; each series also has its own
#: pattern (PATTERNS) and number, so greyscale print and any reader still tell them apart
COLOURS = ("#0b6e4f", "#3362cc", "#c48a00", "#a3317a", "#4d5966", "#c0501f")
#: the white marks over a series' bars, by series: none, vertical stripes, a line through the
#: middle, dots, two lines, a grid — drawn as rectangles, so the SVG and the PDF show the same
PATTERNS = ("solid", "stripes", "line", "dots", "lines", "grid")
TRACK = "#eef1f4"
ROUNDED = ' rx="2"'
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
    rounded: bool = True  # a bar's corners; a pattern's marks are square


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


def _wrapped(label: str, width: float, size: float, max_lines: int = 2) -> list[str]:
    """The label in lines that fit ``width``; what is still too long loses its middle, not its
    end, so "… Bình Thuận 2024" and "… Bình Thuận 2025" stay different."""
    room = max(int(width / (size * 0.55)), 12)
    lines, line = [], ""
    for word in label.split():
        if line and len(line) + 1 + len(word) > room:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > max_lines:
        rest, head = " ".join(lines[max_lines - 1:]), (room - 1) // 3
        tail = room - 1 - head
        lines = lines[:max_lines - 1] + [rest[:head].rstrip() + "…" + rest[-tail:].lstrip()]
    return [line if len(line) <= room else line[:room - 1] + "…" for line in lines]


def _pattern(series: int, x: float, y: float, width: float, height: float) -> list:
    """The white marks of a series' pattern over the box (x, y, width, height)."""
    kind = PATTERNS[series % len(PATTERNS)]
    marks: list = []
    step = 5.0
    if kind in ("stripes", "grid"):
        marks += [Box(x + i, y, 1.5, height, "#ffffff", False)
                  for i in _steps(step / 2, width - 1.5, step)]
    if kind in ("line", "grid"):
        marks.append(Box(x, y + height / 2 - 1, width, 2, "#ffffff", False))
    if kind == "lines":
        marks += [Box(x, y + height * f - 0.75, width, 1.5, "#ffffff", False) for f in (1 / 3, 2 / 3)]
    if kind == "dots":
        marks += [Box(x + i, y + height / 2 - 1.25, 2.5, 2.5, "#ffffff", False)
                  for i in _steps(step / 2, width - 2.5, step)]
    return marks


def _steps(start: float, end: float, step: float) -> list[float]:
    out, at = [], start
    while at <= end:
        out.append(at)
        at += step
    return out


def layout(chart: Chart, lang: str = "vi", width: float = PDF_WIDTH,
           biggest: int | None = None) -> Layout:
    """Each label on its own line, then one bar per series under it, its value at the end.
    ``biggest`` is the value of a full bar (default: the chart's largest)."""
    if biggest is None:
        biggest = max([v for _name, values in chart.series for v in values] + [0])
    several = len(chart.series) > 1
    value_room = ((width * 0.3) if chart.money else 48) + (24 if several else 0)
    bar_room = width - value_room
    shapes: list = []
    y = 0.0
    if several:
        # the legend: each series' number, colour and pattern, then its whole name (week
        # names are long and often differ only at the end, so they wrap rather than cut)
        for i, (name, _values) in enumerate(chart.series):
            colour = COLOURS[i % len(COLOURS)]
            shapes.append(Box(0, y + 3, 30, 14, colour))
            shapes += _pattern(i, 0, y + 3, 30, 14)
            lines = _wrapped(f"{i + 1} · {name}", width - 36, LABEL_SIZE - 1)
            for n, line in enumerate(lines):
                shapes.append(Text(36, y + 14 + n * 15, line, LABEL_SIZE - 1))
            y += max(20, 15 * len(lines) + 5)
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
                if several:
                    shapes += _pattern(i, 0, y, max(length, 2), BAR_HEIGHT)
            shown = format_value(value, VND if chart.money else COUNT, lang)
            # with a legend, each value names its series' number too
            shapes.append(Text(width, y + BAR_HEIGHT - 2,
                               f"{i + 1} · {shown}" if several else shown,
                               LABEL_SIZE - 1, anchor="end"))
            y += BAR_HEIGHT + 3
        y += 6
    return Layout(width, y, shapes)


def svg(chart: Chart, title: str, lang: str = "vi") -> Markup:
    """The chart as an inline SVG that scales to its container's width."""
    drawn = layout(chart, lang, SVG_WIDTH)
    if len(chart.series) > 1:  # the legend is part of the picture: name it for screen readers
        title = f"{title}: " + "; ".join(f"{i + 1} · {name}"
                                         for i, (name, _values) in enumerate(chart.series))
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {drawn.width:.0f} {drawn.height:.0f}" '
             f'xmlns="http://www.w3.org/2000/svg" aria-label={quoteattr(title)}>'
             f"<title>{escape(title)}</title>"]
    for shape in drawn.shapes:
        if isinstance(shape, Box):
            parts.append(f'<rect x="{shape.x:.1f}" y="{shape.y:.1f}" width="{shape.width:.1f}" '
                         f'height="{shape.height:.1f}"{ROUNDED if shape.rounded else ""} '
                         f'fill="{shape.colour}"/>')
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
