"""The smaller topology: one gunicorn server with 4 workers on PostgreSQL and no Redis, with
the default limits. The rate-limit counters then live in the database (table
rate_limit_counters), and the point is that the 4 workers share them: with counters in each
worker's memory, an account would allow 10 wrong passwords per worker — up to 40 — instead of
LOGIN_FAILURES_PER_ACCOUNT's default "10 per 15 minutes". The attempts go one after another,
on a new connection each, so gunicorn hands them to whichever worker accepts first.
"""
from __future__ import annotations

import shutil
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from tests.deploy.conftest import Client, Gunicorn, Processes, app_environment, workdir

pytestmark = pytest.mark.deploy


@pytest.fixture(scope="module")
def server(world):
    folder = workdir()
    try:
        with Processes() as processes:
            app = processes.start(Gunicorn("gunicorn-4-workers", folder,
                                           app_environment(world, folder), workers=4))
            app.wait_ready()
            yield app
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_thirty_wrong_passwords_meet_one_counter_shared_by_four_workers(server, world):
    from exhibit.core.ratelimit_storage import RateLimitCounter
    from exhibit.extensions import db

    client = Client(f"http://127.0.0.1:{server.port}")
    replies = [client.post_json("/api/v1/tokens", {"email": world.guarded_email,
                                                   "password": "sai-mat-khau"})
               for _attempt in range(30)]
    codes = [reply.status for reply in replies]

    assert codes[:10] == [401] * 10, codes
    assert codes[10] == 429, codes  # the 11th attempt already
    assert codes[11:] == [429] * 19, codes
    assert all(int(reply.headers["Retry-After"]) > 0 for reply in replies[10:])

    with world.app.app_context():
        counters = db.session.scalars(select(RateLimitCounter).where(
            RateLimitCounter.key.contains(world.guarded_email))).all()
        hits = [counter.hits for counter in counters]
        db.session.remove()
    assert hits == [30]  # every attempt is counted before its password is checked
    # The worker that refused the 11th attempt had not answered all ten before it itself: it
    # knew of the others' failures only through the database.
    workers = [pid for pid, _status in server.served("/api/v1/tokens")]
    assert set(workers[:10]) != {workers[10]}, workers


def test_thirty_guesses_sent_at_once_get_no_more_than_ten_answers(server, world):
    """Each attempt is counted (one atomic increment in the database) before its password is
    checked, so guesses released at the same instant cannot all pass a check made before any of
    them was counted."""
    client = Client(f"http://127.0.0.1:{server.port}")
    barrier = threading.Barrier(30)

    def guess(_n):
        barrier.wait()
        return client.post_json("/api/v1/tokens", {"email": world.rushed_email,
                                                   "password": "doan-bua-123"}).status

    with ThreadPoolExecutor(max_workers=30) as pool:
        codes = sorted(pool.map(guess, range(30)))
    assert codes == [401] * 10 + [429] * 20, codes
