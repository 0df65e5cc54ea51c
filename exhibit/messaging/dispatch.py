"""Who sends the outbox, and when (``MESSAGE_DISPATCH``):

- ``rq`` (the default when ``REDIS_URL`` is set): each commit that queued messages enqueues a
  job on the ``messages`` queue; ``flask --app exhibit worker`` runs it (and, with ``--clock``,
  the clock every minute).
- ``thread`` (the default without Redis): a sender thread inside each app process wakes after
  such a commit — and every ``MESSAGE_POLL_SECONDS`` for retries — so the embedded default of
  ``make run`` needs no extra process. With ``CLOCK_IN_APP`` the same thread runs the clock
  every minute.
- ``none``: nothing is sent until ``flask --app exhibit tick`` (or a test) calls
  :func:`exhibit.messaging.outbox.send_due`.

Whichever runs, a message is claimed before it is sent, so several processes never send it
twice (see :mod:`exhibit.messaging.outbox`).
"""
from __future__ import annotations

import logging
import threading
import time

from flask import Flask, current_app, has_request_context

from exhibit.messaging import outbox

QUEUE = "messages"
log = logging.getLogger(__name__)
_senders: dict[int, _Sender] = {}
_senders_lock = threading.Lock()


def kick() -> None:
    """Something was queued and committed: have it sent soon."""
    mode = current_app.config["MESSAGE_DISPATCH"]
    if mode == "rq":
        try:
            from redis import Redis
            from rq import Queue
            Queue(QUEUE, connection=Redis.from_url(current_app.config["REDIS_URL"])).enqueue(
                "exhibit.messaging.dispatch.send_job", job_timeout=300)
        except Exception:  # noqa: BLE001 - Redis down: the next tick sends it
            log.exception("could not enqueue the message job; the clock will send it")
    elif mode == "thread" and has_request_context():
        # a command (seed-demo, tick) ends before a thread could finish: the clock sends those
        sender_for(current_app._get_current_object()).wake()


def send_job() -> None:
    """The RQ job: send what is due (the worker runs it inside an app context)."""
    outbox.send_due()


def sender_for(app: Flask) -> _Sender:
    with _senders_lock:
        sender = _senders.get(id(app))
        if sender is None or not sender.is_alive():
            sender = _senders[id(app)] = _Sender(app)
            sender.start()
        return sender


def start_background(app: Flask) -> None:
    """Start the app's sender thread now (for the clock, which must run without a first kick)."""
    sender_for(app)


def stop_all() -> None:
    """Stop every sender thread of this process (tests)."""
    with _senders_lock:
        senders = list(_senders.values())
        _senders.clear()
    for sender in senders:
        sender.stop()


class _Sender(threading.Thread):
    """Sends the outbox of one app from inside its process, and keeps its clock if asked."""

    def __init__(self, app: Flask):
        super().__init__(name="exhibit-messages", daemon=True)
        self.app = app
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._poll = float(app.config["MESSAGE_POLL_SECONDS"])
        self._clock = bool(app.config["CLOCK_IN_APP"])
        self._next_tick = time.monotonic()
        if self._clock:
            self._wake.set()  # the first tick at once

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        self.join(timeout=30)

    def run(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(timeout=self._poll)
            self._wake.clear()
            if self._stopping.is_set():
                break
            with self.app.app_context():
                try:
                    if self._clock and time.monotonic() >= self._next_tick:
                        self._next_tick = time.monotonic() + 60
                        from exhibit import clock
                        clock.tick()
                    else:
                        outbox.send_due()
                except Exception:  # noqa: BLE001 - the thread outlives a bad round
                    log.exception("sending messages failed; trying again later")
                finally:
                    from exhibit.extensions import db
                    db.session.remove()
