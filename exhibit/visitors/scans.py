"""Booth scans counted in batches, so that the visitor's page never waits for a write.

Opening a booth's QR page queues one scan in the serving process; a background thread writes
what is queued with one multi-row INSERT every ``SCAN_FLUSH_SECONDS`` (1 s by default), at once
when ``FULL_BATCH`` scans wait, and when the process exits (gunicorn stops a worker gracefully,
so ``atexit`` runs). Profiling the page under load showed a write and a commit per request
costing about as much as the rest of the page's queries together.

``SCAN_FLUSH_SECONDS = 0`` (the default when TESTING) queues nothing and starts no thread: each
response writes its own scan once it has been sent, which keeps a test's count deterministic.

What this gives up: a process killed outright (SIGKILL, a crash) loses the scans of its last
second. Scans are counts for the organiser's and exhibitor's figures, not records anyone acts on.
A database that refuses the batch keeps it queued (up to ``MAX_QUEUED`` scans) for the next try.
"""
from __future__ import annotations

import atexit
import logging
import os
import threading
from collections import deque
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import insert

from exhibit.core.db import utcnow, write_transaction
from exhibit.extensions import db
from exhibit.visitors.models import BoothScan

log = logging.getLogger(__name__)

#: scans written by one INSERT; this many waiting wake the writer before its interval
FULL_BATCH = 500
#: scans kept while the database refuses them; older ones are dropped (and logged) beyond it
MAX_QUEUED = 100_000
_EXTENSION = "exhibit.booth_scans"


@dataclass(frozen=True)
class QueuedScan:
    booth_id: int
    week_id: int
    visitor_key: str
    scanned_at: object


class ScanQueue:
    """The scans of one app in one process, waiting to be written."""

    def __init__(self, app: Flask):
        self.app = app
        self.pid = os.getpid()
        given = app.config.get("SCAN_FLUSH_SECONDS")
        self.interval = float(given if given is not None else
                              0 if app.config.get("TESTING") else 1.0)
        self._waiting: deque[QueuedScan] = deque()
        self._lock = threading.Lock()  # one writer at a time: the thread, a response, atexit
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.dropped = 0

    @property
    def batched(self) -> bool:
        """True when a background thread writes the scans (else each response does)."""
        return self.interval > 0

    def add(self, scan: QueuedScan) -> None:
        self._waiting.append(scan)  # deque.append is atomic: no lock on the request thread
        if len(self._waiting) > MAX_QUEUED:
            self._waiting.popleft()
            self.dropped += 1
            if self.dropped in (1, 1000) or self.dropped % 100_000 == 0:
                log.error("booth scans could not be written; %d dropped so far", self.dropped)
        if self.batched:
            self._ensure_thread()
            if len(self._waiting) >= FULL_BATCH:
                self._wake.set()

    def __len__(self) -> int:
        return len(self._waiting)

    def flush(self) -> int:
        """Write every queued scan now (in batches); returns how many were written."""
        written = 0
        with self._lock:
            while self._waiting:
                batch = [self._waiting.popleft()
                         for _ in range(min(FULL_BATCH, len(self._waiting)))]
                try:
                    self.write(batch)
                except Exception:
                    self._waiting.extendleft(reversed(batch))  # kept, in order, for next time
                    raise
                written += len(batch)
        return written

    def write(self, batch: list[QueuedScan]) -> None:
        """Insert these scans with one statement, in a database session of their own."""
        with self.app.app_context():
            try:
                with write_transaction():
                    db.session.execute(insert(BoothScan), [
                        {"booth_id": s.booth_id, "week_id": s.week_id,
                         "visitor_key": s.visitor_key, "scanned_at": s.scanned_at}
                        for s in batch])
            finally:
                db.session.remove()

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stopping.clear()
                self._thread = threading.Thread(target=self._run, name="exhibit-booth-scans",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(timeout=self.interval)
            self._wake.clear()
            if self._waiting:
                try:
                    self.flush()
                except Exception:  # noqa: BLE001 - the thread outlives a refused batch
                    log.exception("writing booth scans failed; trying again later")
                    self._stopping.wait(min(30.0, self.interval * 5))

    def stop(self) -> None:
        """Stop the writer thread and write what is left (process exit, tests)."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        if self._waiting:
            self.flush()


_queues: list[ScanQueue] = []
_queues_lock = threading.Lock()


def queue_for(app: Flask) -> ScanQueue:
    """The app's scan queue in this process (a forked worker gets its own)."""
    found = app.extensions.get(_EXTENSION)
    if found is None or found.pid != os.getpid():
        with _queues_lock:
            found = app.extensions.get(_EXTENSION)
            if found is None or found.pid != os.getpid():
                found = app.extensions[_EXTENSION] = ScanQueue(app)
                if found.batched:
                    _queues.append(found)
    return found


def queue_scan(app: Flask, *, booth_id: int, week_id: int, visitor_key: str) -> QueuedScan | None:
    """Count one opening of a booth's page: queued for the writer thread (None returned), or,
    without one, returned for the caller to ``write_now`` once the page has gone out."""
    scan = QueuedScan(booth_id, week_id, visitor_key[:32], utcnow())
    queue = queue_for(app)
    if not queue.batched:
        return scan
    queue.add(scan)
    return None


def write_now(app: Flask, scan: QueuedScan) -> None:
    queue_for(app).write([scan])


def flush_scans(app: Flask) -> int:
    """Write the app's queued scans now; how many were written."""
    return queue_for(app).flush()


def stop_scans(app: Flask) -> None:
    """Stop the app's writer thread after writing what is queued, and forget the queue (a test
    that turned batching on; a process exiting does this by itself)."""
    queue = app.extensions.pop(_EXTENSION, None)
    if queue is not None:
        with _queues_lock:
            if queue in _queues:
                _queues.remove(queue)
        queue.stop()


@atexit.register
def _flush_at_exit() -> None:
    for queue in list(_queues):
        if queue.pid != os.getpid():
            continue
        try:
            queue.stop()
        except Exception:  # noqa: BLE001 - exiting anyway: say what was lost
            log.exception("%d booth scans could not be written at exit", len(queue))
