"""Long lists read a page at a time.

- ``page_of``: logs read newest first (the audit log, the message logs): one row more than a
  page is read, to know whether an older page exists without counting them all.
- ``counted_page``: the organiser's working lists (badges, allocations, products to review,
  payments…): the rows of one page of a query and the number of rows of the whole query,
  counted by the database (one ``count(*)`` over the same filters), never by loading rows.

templates/_pager.html links the pages of either, keeping the list's filters.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Select, func, select

from exhibit.extensions import db
from exhibit.vn.text import clean_text


@dataclass
class Page:
    rows: list
    #: 1-based
    number: int
    has_older: bool
    #: rows a page holds
    size: int = 0
    #: rows of the whole list (counted pages only; None for logs)
    total: int | None = None

    @property
    def pages(self) -> int:
        """Pages of a counted list (at least 1)."""
        if self.total is None or not self.size:
            return self.number + (1 if self.has_older else 0)
        return max(1, -(-self.total // self.size))

    @property
    def first_row(self) -> int:
        """1-based position of this page's first row (0 for an empty list)."""
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def last_row(self) -> int:
        return (self.number - 1) * self.size + len(self.rows)


def page_of(fetch: Callable[[int, int], list], number: int, size: int) -> Page:
    """Page ``number`` of ``size`` rows; ``fetch(limit, offset)`` reads them in order."""
    number = min(MAX_PAGE, max(1, number))
    rows = list(fetch(size + 1, (number - 1) * size))
    return Page(rows[:size], number, has_older=len(rows) > size, size=size)


def count_of(query: Select) -> int:
    """The number of rows ``query`` returns, counted by the database."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def counted_page(query: Select, number: int, size: int, *, scalars: bool = True) -> Page:
    """Page ``number`` (1-based; past the end: the last page) of ``query``, which must be
    ordered completely (ending with a unique column, so that pages never overlap). Rows are
    ORM objects (``scalars``) or result rows."""
    total = count_of(query)
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    limited = query.limit(size).offset((number - 1) * size)
    result = db.session.scalars(limited) if scalars else db.session.execute(limited)
    rows = list(result.unique().all() if scalars else result.all())
    return Page(rows, number, has_older=number < pages, size=size, total=total)


#: no list has this many pages; a larger ?page= would overflow the database's OFFSET
MAX_PAGE = 1_000_000


#: the longest search text a list keeps: a longer one is cut there, never an error
SEARCH_MAX = 100


def search_text(args, name: str = "q", longest: int = SEARCH_MAX) -> str:
    """A list's search box from a request's arguments: NFC, trimmed, inner spaces collapsed,
    cut at ``longest`` characters (no name, code or phone is longer)."""
    return clean_text(str(args.get(name) or ""))[:longest]


def page_number(args) -> int:
    """``?page=`` of a request's arguments: a positive integer (at most MAX_PAGE), 1 when
    missing or wrong."""
    try:
        return min(MAX_PAGE, max(1, int(args.get("page", 1))))
    except (TypeError, ValueError):
        return 1
