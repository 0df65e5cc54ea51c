"""Text that must fit a box: shrink first, then wrap, never run off the card."""
from __future__ import annotations

from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from exhibit.pdf.fonts import pdf_text


def fit_lines(text, font: str, width: float, *, max_size: float, min_size: float,
              max_lines: int = 2) -> tuple[float, list[str]]:
    """The largest size (in 0.5 pt steps) at which ``text`` fits ``width`` on one line; below
    ``min_size`` it wraps at ``min_size`` into at most ``max_lines`` lines, the last one cut
    with "…" if even that is not enough."""
    text = pdf_text(text).strip()
    if not text:
        return max_size, []
    natural = stringWidth(text, font, 1)
    size = min(max_size, width / natural) if natural else max_size
    size = int(size * 2) / 2
    if size >= min_size:
        return size, [text]
    lines = simpleSplit(text, font, min_size, width)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and stringWidth(last + "…", font, min_size) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return min_size, lines


def draw_fitted(canvas, text, font: str, x: float, top: float, width: float, *,
                max_size: float, min_size: float, max_lines: int = 2, leading: float = 1.15,
                centred: bool = False) -> float:
    """Draw ``text`` fitted into ``width`` with its first line's cap height at ``top``;
    returns the y just below the last line."""
    size, lines = fit_lines(text, font, width, max_size=max_size, min_size=min_size,
                            max_lines=max_lines)
    y = top - size * 0.8
    canvas.setFont(font, size)
    for line in lines:
        if centred:
            canvas.drawCentredString(x + width / 2, y, line)
        else:
            canvas.drawString(x, y, line)
        y -= size * leading
    return y + size * leading - size * 0.35 if lines else top
