"""``flask --app exhibit worker``: one RQ worker for the message and print queues, and (with
``--clock``) the clock every minute in a thread beside it."""
from __future__ import annotations

import logging
import threading

from flask import Flask

log = logging.getLogger(__name__)


def run_worker(app: Flask, *, burst: bool = False, with_clock: bool = True) -> None:
    from redis import Redis
    from rq import SimpleWorker

    from exhibit.badges.printing import QUEUE as PRINT_QUEUE
    from exhibit.messaging.dispatch import QUEUE as MESSAGE_QUEUE
    stop = threading.Event()
    if with_clock and not burst:
        threading.Thread(target=_clock, args=(app, stop), name="exhibit-clock", daemon=True).start()
    connection = Redis.from_url(app.config["REDIS_URL"])
    try:
        SimpleWorker([MESSAGE_QUEUE, PRINT_QUEUE], connection=connection).work(burst=burst)
    finally:
        stop.set()


def _clock(app: Flask, stop: threading.Event) -> None:
    from exhibit import clock
    from exhibit.extensions import db
    while not stop.wait(timeout=60):
        with app.app_context():
            try:
                log.info("tick: %s", clock.tick())
            except Exception:  # noqa: BLE001 - the next minute tries again
                log.exception("the clock's tick failed")
            finally:
                db.session.remove()
