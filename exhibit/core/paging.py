"""Long lists read a page at a time, newest first (the audit log, the message logs): one row
more than a page is read, to know whether an older page exists without counting them all."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Page:
    rows: list
    #: 1-based
    number: int
    has_older: bool


def page_of(fetch: Callable[[int, int], list], number: int, size: int) -> Page:
    """Page ``number`` of ``size`` rows; ``fetch(limit, offset)`` reads them in order. The
    pager in templates/_pager.html links the pages."""
    number = max(1, number)
    rows = list(fetch(size + 1, (number - 1) * size))
    return Page(rows[:size], number, has_older=len(rows) > size)
