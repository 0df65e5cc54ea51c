"""100 exhibitors try to hold the same booth at the same instant, against a real multi-process,
multi-threaded server (gunicorn) on PostgreSQL and on SQLite: exactly one wins, every other
request gets 409, none gets a 5xx. A control run switches the guard off (no row lock, no
partial unique index, a widened race window) and shows the double booking really happens.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from tests.conftest import (
    PASSWORD,
    create_pg_database,
    drop_pg_database,
    make_test_app,
    next_tax_code,
    postgres_available,
    skip_or_fail,
)

ROOT = Path(__file__).resolve().parents[2]
REQUESTS = 100


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(url: str, *, guard: bool) -> tuple[str, list[str]]:
    """A week with one booth and REQUESTS exhibitors, each applied and holding an API token."""
    from exhibit.accounts.services import create_organiser_user, issue_api_token, register_exhibitor
    from exhibit.booking.services import apply_to_week
    from exhibit.extensions import db
    from exhibit.floorplan.services import save_booth, save_hall
    from exhibit.weeks.services import create_week

    app = make_test_app(url)
    with app.app_context():
        organiser = create_organiser_user(email="btc@race.example", password=PASSWORD,
                                          organizer_name="ITPC", organizer_short_name="ITPC")
        today = date.today()
        week = create_week(actor=organiser, data={
            "name_vi": "Tuần lễ thử tải", "slug": "thu-tai", "host_province_scheme": "2025",
            "host_province_code": "79", "venue_name": "ITPC",
            "start_date": today + timedelta(days=30), "end_date": today + timedelta(days=33),
            "status": "open"})
        hall = save_hall(actor=organiser, week=week, data={"name": "A", "grid_width": 10, "grid_height": 5})
        save_booth(actor=organiser, week=week, hall_id=hall.id, data={"code": "A01", "price_vnd": 1300000})
        tokens = []
        for n in range(REQUESTS):
            user = register_exhibitor(email=f"dn{n}@race.example", password=PASSWORD, business={
                "name": f"Doanh nghiệp thử {n}", "legal_form": "cong_ty_tnhh",
                "tax_code": next_tax_code(), "province_code": "79", "phone": "0912345678",
                "address": "TP. Hồ Chí Minh"})
            apply_to_week(actor=user, week=week, data={})
            tokens.append(issue_api_token(user).value)
        if not guard:
            db.session.execute(text("DROP INDEX uq_allocations_active_booth"))
            db.session.commit()
        slug = week.slug
        db.session.remove()  # gives its connection back, so that dispose closes it
        db.engine.dispose()
    return slug, tokens


class LiveServer:
    def __init__(self, url: str, *, unsafe: bool):
        self.port = _free_port()
        env = {**os.environ, "DATABASE_URL": url, "EXHIBIT_TESTING": "1", "EXHIBIT_ENV": "testing",
               "SECRET_KEY": "race-test", "EXHIBIT_UNSAFE_BOOKING_FOR_TESTS": "1" if unsafe else "0"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "4", "--worker-class", "gthread",
             "--threads", "16", "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
             "exhibit:create_app()"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, slug: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.process.stdout.read().decode())
            try:
                with urllib.request.urlopen(f"{self.base}/api/v1/weeks/{slug}/booths", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start within 60 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


def _fire(base: str, slug: str, tokens: list[str]) -> list[int]:
    """Every token holds the same booth; all requests are released at one instant."""
    barrier = threading.Barrier(len(tokens))

    def hold(token: str) -> int:
        request = urllib.request.Request(f"{base}/api/v1/weeks/{slug}/booths/A01/hold", method="POST",
                                         headers={"Authorization": f"Bearer {token}"})
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        return list(pool.map(hold, tokens))


def _active_allocations(url: str) -> int:
    from exhibit.booking.models import Allocation
    from exhibit.extensions import db
    app = make_test_app(url)
    with app.app_context():
        count = len(db.session.scalars(select(Allocation.id).where(
            Allocation.status.in_(("held", "confirmed")))).all())
        db.session.remove()
        db.engine.dispose()
    return count


def _database(kind: str, tmp_path) -> str:
    if kind == "postgres":
        if not postgres_available():
            skip_or_fail("PostgreSQL is not reachable", "REQUIRE_PG")
        return create_pg_database()
    return f"sqlite:///{tmp_path / 'race.sqlite3'}"


def _run(kind: str, tmp_path, *, guard: bool) -> dict:
    url = _database(kind, tmp_path)
    try:
        slug, tokens = _prepare(url, guard=guard)
        server = LiveServer(url, unsafe=not guard)
        try:
            server.wait_ready(slug)
            started = time.monotonic()
            codes = _fire(server.base, slug, tokens)
            elapsed = time.monotonic() - started
        finally:
            server.stop()
        figures = {"database": kind, "guard": guard, "requests": len(codes),
                   "winners": codes.count(201), "conflicts_409": codes.count(409),
                   "server_errors_5xx": sum(c >= 500 for c in codes),
                   "other": sorted({c for c in codes if c not in (201, 409) and c < 500}),
                   "active_allocations_in_db": _active_allocations(url),
                   "seconds": round(elapsed, 2)}
    finally:
        if kind == "postgres":
            drop_pg_database(url)
    print("\nCONCURRENCY", json.dumps(figures))
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / f"concurrency-{kind}-{'guarded' if guard else 'control'}.json").write_text(json.dumps(figures))
    return figures


@pytest.mark.parametrize("kind", ["postgres", "sqlite"])
def test_exactly_one_of_100_simultaneous_holds_wins(kind, tmp_path):
    figures = _run(kind, tmp_path, guard=True)
    assert figures["winners"] == 1
    assert figures["conflicts_409"] == REQUESTS - 1
    assert figures["server_errors_5xx"] == 0 and figures["other"] == []
    assert figures["active_allocations_in_db"] == 1


@pytest.mark.parametrize("kind", ["postgres", "sqlite"])
def test_control_without_the_guard_double_books(kind, tmp_path):
    figures = _run(kind, tmp_path, guard=False)
    assert figures["winners"] > 1, figures
    assert figures["active_allocations_in_db"] == figures["winners"]
