"""The figures of weeks that have ended, computed once and kept until something about the week
changes.

A past week's figures are history: the gate is closed and the booths are empty, so they only
change when someone corrects a record — a payment recorded late, a contract reissued, a booking
or a product decision put right — and every such correction goes through a service that
announces a domain event with the week's id (exhibit/core/events.py). reports/subscribers.py
hears those events after the commit and calls ``forget(week_id)``. A week still open or running
is never cached: its check-ins and scans change by the second.

Where the figures are kept:

- with ``REDIS_URL`` (production), in Redis, shared by every gunicorn worker and server, so a
  correction heard by one worker is seen by all of them at once;
- without it, in each process's memory, bounded (``LOCAL_ENTRIES`` reports, least recently used
  dropped first). An event only reaches the worker that made the change, so an entry there also
  lives at most ``REPORT_CACHE_SECONDS`` (default 300; 0 turns the cache off, the default in
  tests): another worker shows a correction within that time.

Entries are keyed by the week, the language and a *generation* of the week that ``forget``
increases, so forgetting is one increment, never a search through keys, and an entry written
by a request that started before the correction is never read after it. The key also holds the
time of the week's latest audit entry (one index lookup): every service that changes a week
audits it, so a change made in another process — whose event this process never hears, and
which may announce no event at all (a payment recorded) — makes a new key there too.
"""
from __future__ import annotations

import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import date

from flask import current_app

#: reports kept in a process without Redis
LOCAL_ENTRIES = 64
#: how long an entry lives (seconds) unless REPORT_CACHE_SECONDS says otherwise
DEFAULT_SECONDS = 300
#: a week still running is kept this long at most (its check-ins and booth scans are not
#: audited: the dashboard shows them up to this late, with the time it was compiled)
LIVE_SECONDS = 30
#: in Redis, an entry lives this long (a past week's report is read rarely; a day is plenty)
REDIS_SECONDS = 24 * 3600
_PREFIX = "exhibit:report:"


def is_history(week, today: date) -> bool:
    """A week whose last day is over (Vietnam dates)."""
    return week.end_date < today


class LocalStore:
    """In-process: a bounded least-recently-used map with a lifetime per entry."""

    def __init__(self, seconds: float, entries: int = LOCAL_ENTRIES):
        self.seconds, self.entries = seconds, entries
        self._items: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self._generations: dict[int, int] = {}
        self._lock = threading.Lock()

    def generation(self, week_id: int) -> int:
        return self._generations.get(week_id, 0)

    def forget(self, week_id: int) -> None:
        with self._lock:
            self._generations[week_id] = self._generations.get(week_id, 0) + 1

    def get(self, key: str):
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            if found[0] < time.monotonic():
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return found[1]

    def set(self, key: str, value, seconds: float | None = None) -> None:
        lifetime = self.seconds if seconds is None else min(seconds, self.seconds)
        with self._lock:
            self._items[key] = (time.monotonic() + lifetime, value)
            self._items.move_to_end(key)
            while len(self._items) > self.entries:
                self._items.popitem(last=False)


class RedisStore:
    """Shared by every process: values pickled (they are plain dataclasses of figures)."""

    def __init__(self, url: str):
        from redis import Redis
        self.redis = Redis.from_url(url)

    def generation(self, week_id: int) -> int:
        return int(self.redis.get(f"{_PREFIX}generation:{week_id}") or 0)

    def forget(self, week_id: int) -> None:
        self.redis.incr(f"{_PREFIX}generation:{week_id}")

    def get(self, key: str):
        found = self.redis.get(key)
        return pickle.loads(found) if found is not None else None

    def set(self, key: str, value, seconds: float | None = None) -> None:
        self.redis.set(key, pickle.dumps(value), ex=int(seconds or REDIS_SECONDS))


def store():
    """The application's store, made on first use."""
    app = current_app._get_current_object()
    found = app.extensions.get("exhibit-report-cache")
    if found is None:
        url = app.config.get("REDIS_URL")
        # tests change records behind the services' back: they keep nothing unless they ask
        seconds = app.config.get("REPORT_CACHE_SECONDS")
        if seconds is None:
            seconds = 0 if app.testing else DEFAULT_SECONDS
        found = RedisStore(url) if url else LocalStore(float(seconds))
        app.extensions["exhibit-report-cache"] = found
    return found


def remembered(week_id: int, part: str, build: Callable[[], object], *,
               seconds: float | None = None):
    """``build()``'s value for the week's ``part`` (e.g. "figures:vi", "pdf:en"), computed once
    per generation of the week (and kept at most ``seconds`` when given). The caller decides
    the week is history, or passes ``seconds`` for a week still running."""
    kept = store()
    if isinstance(kept, LocalStore) and kept.seconds <= 0:
        return build()
    try:
        key = f"{_PREFIX}{week_id}:{kept.generation(week_id)}:{_last_audited(week_id)}:{part}"
        found = kept.get(key)
    except Exception:  # noqa: BLE001 - Redis unreachable: compute, as without a cache
        current_app.logger.warning("report cache unreachable", exc_info=True)
        return build()
    if found is not None:
        return found
    value = build()
    try:
        kept.set(key, value, seconds)
    except Exception:  # noqa: BLE001 - as above
        current_app.logger.warning("report cache unreachable", exc_info=True)
    return value


def _last_audited(week_id: int) -> str:
    from sqlalchemy import func, select

    from exhibit.core.audit import AuditEntry
    from exhibit.extensions import db
    last = db.session.scalar(select(func.max(AuditEntry.at)).where(AuditEntry.week_id == week_id))
    return last.isoformat() if last is not None else "-"


def live_window(now: float | None = None) -> str:
    """The LIVE_SECONDS slice of time a running week's figures are kept for, as part of the key
    (a new slice, a new key: the figures are computed again)."""
    return str(int((time.time() if now is None else now) // LIVE_SECONDS))


def forget(week_id: int) -> None:
    """Every kept figure and file of the week is out of date."""
    store().forget(week_id)
