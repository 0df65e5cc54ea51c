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


def fitted_height(text, font: str, width: float, *, max_size: float, min_size: float,
                  max_lines: int = 2, leading: float = 1.15) -> float:
    """How far :func:`draw_fitted` moves down for ``text`` (0 for empty text)."""
    size, lines = fit_lines(text, font, width, max_size=max_size, min_size=min_size,
                            max_lines=max_lines)
    return len(lines) * size * leading


def draw_block(canvas, parts, x: float, top: float, width: float, floor: float, *,
               centred: bool = False) -> float:
    """Draw several texts one under the other, from ``top`` down to no lower than ``floor``.

    ``parts`` are dicts: ``text``, ``font``, ``max_size``, ``min_size``, optional
    ``max_lines`` (2), ``gap`` (space above it, in points) and ``colour``. When the texts at
    their sizes would run below ``floor`` (a long name and a long organisation together),
    every size shrinks in steps until they fit: a printed code under the text keeps its quiet
    zone, and nothing runs off the card. Returns the y below the last text."""
    parts = [p for p in parts if p["text"]]
    for scale in (1, 0.92, 0.84, 0.76, 0.68, 0.6):
        height = sum(p.get("gap", 0) * scale + fitted_height(
            p["text"], p["font"], width, max_size=p["max_size"] * scale,
            min_size=p["min_size"] * scale, max_lines=p.get("max_lines", 2)) for p in parts)
        if top - height >= floor:
            break
    y = top
    for part in parts:
        if part.get("colour") is not None:
            canvas.setFillColor(part["colour"])
        y = draw_fitted(canvas, part["text"], part["font"], x, y - part.get("gap", 0) * scale,
                        width, max_size=part["max_size"] * scale,
                        min_size=part["min_size"] * scale, max_lines=part.get("max_lines", 2),
                        centred=centred)
    return y
