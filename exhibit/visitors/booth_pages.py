"""The visitor's booth page as every phone gets it, rendered once and kept in each serving
process until something it shows changes.

Profiling ``/b/<token>`` at fair size showed its cost in its database reads (the booth with its
exhibitor, its neighbours, its products: six queries) and in rendering, while what it shows is
the same for every visitor of the booth: only the form token (CSRF) and the visitor's
favourites differ. So the page of an anonymous visit (a GET without arguments, nothing flashed)
is rendered with placeholders where the form token and the link to the visitor's favourites
go, and no saved product, kept under the page's path and language; each visitor gets a copy
with their own form token and link. A visitor who saved one of the booth's products, a
signed-in person, a page after a form: rendered afresh, never kept.

When a kept page goes:

- at once, in the process that made a change, on the domain events that touch what booth
  pages show (booking, floor plan, product review, week: visitors.subscribers);
- within ``CHANGE_CHECK_SECONDS`` (1 s) everywhere else: every service that changes what a
  booth page shows (booths, halls, bookings, products, listings, businesses, the week) writes
  an audit entry in its own transaction, so each process asks, at most once a second, for the
  newest such entry (one indexed query) and drops every kept page when it is new;
- after ``SCAN_PAGE_CACHE_SECONDS`` (300 by default; 0, the tests' default, keeps nothing)
  whatever happened, for a change made without a service (a script on the database).

A page rendered from reads made before a change and kept after the change was noticed would
outlive it: each page carries the generation it was read in, and only pages of the current
generation are served. Pages are per process and bounded (``SCAN_PAGE_CACHE_SIZE``, 4,000
pages: about 40 MB at 10 KB a page); nothing here is the only copy of anything.

Nothing is shared between visitors through HTTP: the response stays ``private, no-store``.
"""
from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

from flask import Flask, current_app, request, session
from sqlalchemy import func, select

from exhibit.core.audit import AuditEntry
from exhibit.extensions import db

#: stands where the form token goes in a kept page (random per process: no product name or
#: text typed by anyone can contain it)
FORM_TOKEN = f"form-token-{secrets.token_hex(16)}"
#: stands where the link to the visitor's favourites goes (empty for a phone without any)
FAVOURITES_SLOT = f"<!--favourites-{secrets.token_hex(16)}-->"
#: audit entities whose change may show on a booth page
PAGE_ENTITIES = ("allocation", "booth", "hall", "listing", "product", "business", "week",
                 "plan_version", "plan_element", "booth_cluster")
CHANGE_CHECK_SECONDS = 1.0
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
    generation: int = 0

    def for_visitor(self, form_token: str, favourites_link: str = "") -> str:
        return for_visitor(self.html, form_token, favourites_link)


def for_visitor(html: str, form_token: str, favourites_link: str = "") -> str:
    """A kept page as one visitor gets it: their form token, their link to their favourites."""
    return html.replace(FORM_TOKEN, form_token).replace(FAVOURITES_SLOT, favourites_link)


class BoothPages:
    """The kept pages of one app in one process."""

    def __init__(self, app: Flask):
        testing = app.config.get("TESTING")
        given = app.config.get("SCAN_PAGE_CACHE_SECONDS")
        self.seconds = float(given if given is not None else 0 if testing else 300)
        self.size = int(app.config.get("SCAN_PAGE_CACHE_SIZE", 4000))
        self.check_seconds = float(app.config.get("SCAN_PAGE_CHECK_SECONDS",
                                                  CHANGE_CHECK_SECONDS))
        self._pages: dict[tuple[str, str], KeptPage] = {}
        #: (language, how many products saved) → the link to a phone's favourites
        self._favourites_links: dict[tuple[str, int], str] = {}
        self._lock = threading.Lock()
        #: counts the times every page was dropped; a page keeps the one it was read in
        self.generation = 0
        self._newest_change: int | None = None
        self._checked_at = float("-inf")

    def generation_now(self) -> int:
        """The generation to read a page in (noticing a change made elsewhere first)."""
        if self.seconds > 0 and time.monotonic() - self._checked_at >= self.check_seconds:
            self._check_changes()
        return self.generation

    def get(self, path: str, lang: str) -> KeptPage | None:
        if self.seconds <= 0:
            return None
        generation = self.generation_now()
        found = self._pages.get((path, lang))
        if found is None or found.generation != generation or found.expires < time.monotonic():
            return None
        return found

    def peek(self, path: str, lang: str) -> KeptPage | None:
        """The kept page, without asking the database: None when none is kept, or when the
        check for changes made by other processes is due (the caller goes through the app,
        whose ``get`` makes it). For the front door (visitors/front_door.py)."""
        if self.seconds <= 0 or time.monotonic() - self._checked_at >= self.check_seconds:
            return None
        found = self._pages.get((path, lang))
        if found is None or found.generation != self.generation or found.expires < time.monotonic():
            return None
        return found

    def favourites_link(self, lang: str, count: int, render) -> str:
        """The link to the favourites of a phone with ``count`` saved products, rendered once
        per language and count (at most MAX_FAVOURITES of them)."""
        found = self._favourites_links.get((lang, count))
        if found is None:
            found = self._favourites_links[(lang, count)] = render()
        return found

    def kept_favourites_link(self, lang: str, count: int) -> str | None:
        """The link as ``favourites_link`` made it, or None when not made yet here."""
        return self._favourites_links.get((lang, count))

    def keep(self, path: str, lang: str, html: str, booth_id: int, week_id: int,
             listing_ids: frozenset[int], generation: int) -> None:
        if self.seconds <= 0:
            return
        with self._lock:
            if generation != self.generation:  # read before a change it does not show
                return
            while len(self._pages) >= self.size:
                self._pages.pop(next(iter(self._pages)))  # the oldest kept
            self._pages[(path, lang)] = KeptPage(html, booth_id, week_id, listing_ids,
                                                 time.monotonic() + self.seconds, generation)

    def clear(self) -> None:
        with self._lock:
            self.generation += 1
            self._pages.clear()

    def _check_changes(self) -> None:
        if not self._lock.acquire(blocking=False):
            return  # another thread is asking
        try:
            self._checked_at = time.monotonic()
            newest = db.session.scalar(select(func.max(AuditEntry.id)).where(
                AuditEntry.entity.in_(PAGE_ENTITIES)))
            changed = self._newest_change is not None and newest != self._newest_change
            self._newest_change = newest
            if changed:
                self.generation += 1
                self._pages.clear()
        finally:
            self._lock.release()


def pages_of(app: Flask) -> BoothPages:
    found = app.extensions.get(_EXTENSION)
    if found is None:
        found = app.extensions.setdefault(_EXTENSION, BoothPages(app))
    return found


def plain_visit() -> bool:
    """A visit whose page is every phone's: an anonymous GET without arguments, with nothing
    flashed for it."""
    remember = current_app.config.get("REMEMBER_COOKIE_NAME") or "remember_token"
    return (request.method == "GET" and not request.args and "_user_id" not in session
            and "_flashes" not in session and remember not in request.cookies)


def forget_all() -> None:
    """Something shown on booth pages changed here: no kept page of this process survives."""
    pages_of(current_app._get_current_object()).clear()
