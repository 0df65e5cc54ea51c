"""The visitor's booth page as every phone gets it, rendered once and kept for a few seconds in
each serving process.

Profiling ``/b/<token>`` at fair size showed its cost in its database reads (the booth, its
exhibitor, its neighbours, its products: seven queries) and in rendering, while what it shows is
the same for every visitor of the booth: only the form token (CSRF) and the visitor's saved
products differ. So the page of an anonymous visit (a GET without arguments, nothing flashed)
is rendered with placeholders where the form token and the link to the visitor's favourites go,
and no saved product, kept under the page's path and language; each visitor gets a copy with
their own form token and link. A visitor who saved one of the booth's products, a signed-in
person, a page after a form: rendered afresh, never kept.

How fresh: ``SCAN_PAGE_CACHE_SECONDS`` (30 by default; 0, the tests' default, keeps nothing).
A change made through this process (a booking, a reviewed product, the floor plan, the week)
empties its pages at once (visitors.subscribers); another process shows it once its copy is
that old. Pages are per process and bounded (``SCAN_PAGE_CACHE_SIZE`` pages, 4,000 by default:
about 40 MB at 10 KB a page); nothing here is the only copy of anything.

Nothing is shared between visitors through HTTP: the response stays ``private, no-store``.
"""
from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

from flask import Flask, current_app, request, session

#: stands where the form token goes in a kept page (random per process: no product name or
#: text typed by anyone can contain it)
FORM_TOKEN = f"form-token-{secrets.token_hex(16)}"
#: stands where the link to the visitor's favourites goes (empty for a phone without any)
FAVOURITES_SLOT = f"<!--favourites-{secrets.token_hex(16)}-->"
_EXTENSION = "exhibit.booth_pages"


@dataclass(frozen=True)
class KeptPage:
    html: str
    booth_id: int
    week_id: int
    #: the product listings the page offers to save: a phone that saved one of them gets a
    #: page of its own (its hearts filled)
    listing_ids: frozenset[int]
    expires: float

    def for_visitor(self, form_token: str, favourites_link: str = "") -> str:
        return self.html.replace(FORM_TOKEN, form_token).replace(FAVOURITES_SLOT,
                                                                 favourites_link)


class BoothPages:
    """The kept pages of one app in one process."""

    def __init__(self, app: Flask):
        testing = app.config.get("TESTING")
        self.seconds = float(app.config.get("SCAN_PAGE_CACHE_SECONDS", 0 if testing else 30))
        self.size = int(app.config.get("SCAN_PAGE_CACHE_SIZE", 4000))
        self._pages: dict[tuple[str, str], KeptPage] = {}
        self._lock = threading.Lock()

    def get(self, path: str, lang: str) -> KeptPage | None:
        found = self._pages.get((path, lang))
        if found is None or found.expires < time.monotonic():
            return None
        return found

    def keep(self, path: str, lang: str, html: str, booth_id: int, week_id: int,
             listing_ids: frozenset[int]) -> None:
        if self.seconds <= 0:
            return
        with self._lock:
            while len(self._pages) >= self.size:
                self._pages.pop(next(iter(self._pages)))  # the oldest kept
            self._pages[(path, lang)] = KeptPage(html, booth_id, week_id, listing_ids,
                                                 time.monotonic() + self.seconds)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


def pages_of(app: Flask) -> BoothPages:
    found = app.extensions.get(_EXTENSION)
    if found is None:
        found = app.extensions.setdefault(_EXTENSION, BoothPages(app))
    return found


def plain_visit() -> bool:
    """A visit whose page is every phone's: an anonymous GET without arguments, with nothing
    flashed for it."""
    return (request.method == "GET" and not request.args and "_user_id" not in session
            and "_flashes" not in session and "remember_token" not in request.cookies)


def forget_all() -> None:
    """Something shown on booth pages changed here: no kept page of this process survives."""
    pages_of(current_app._get_current_object()).clear()
