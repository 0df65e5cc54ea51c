"""Shared fixtures. Every database test runs on SQLite and on PostgreSQL; the schema is built by
the committed Alembic migrations, so the tests also prove that migrations equal the models.

PostgreSQL and Chromium tests skip with a reason where those are missing; REQUIRE_PG=1 and
REQUIRE_BROWSER=1 (set by .ci/run) turn the skips into failures.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, text

from exhibit import create_app
from exhibit.extensions import db

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _required(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0", "false")


def skip_or_fail(reason: str, required_by: str):
    if _required(required_by):
        pytest.fail(f"{reason} ({required_by}=1 makes this mandatory)")
    pytest.skip(reason)


def postgres_available() -> bool:
    try:
        engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


def create_pg_database() -> str:
    """A fresh, empty PostgreSQL database for this test session; returns its URL."""
    name = f"exhibit_test_{uuid.uuid4().hex[:10]}"
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


TEST_SETTINGS = {
    "TESTING": True, "ENV_NAME": "testing", "SECRET_KEY": "test-secret",
    "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "LOGIN_FAILURES_PER_ACCOUNT": "1000 per minute", "LOGIN_FAILURES_PER_ADDRESS": "1000 per minute",
    "SIGNUP_RATE_LIMIT": "10000 per hour", "UPLOADS_PER_USER": "10000 per hour",
    "UPLOADS_PER_ADDRESS": "10000 per hour", "RATELIMIT_STORAGE_URI": "memory://",
    "SERVER_NAME": None, "PUBLIC_BASE_URL": "http://exhibit.test", "REDIS_URL": None,
}


def make_test_app(url: str, **extra):
    uploads = tempfile.mkdtemp(prefix="exhibit-uploads-")
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": uploads, **extra})

    @app.before_request
    def _fresh_request_state():
        # Tests keep one app context open around many requests, so ``g`` would carry the
        # locale and signed-in user from one request to the next; in production each request
        # has its own context.
        from flask import g
        for key in ("_flask_babel", "_login_user"):
            g.pop(key, None)
    with app.app_context():
        from flask_migrate import upgrade
        upgrade()
    return app


@contextmanager
def _test_app(kind: str, tmp_path_factory, name: str):
    """An app on a fresh, migrated SQLite or PostgreSQL database, dropped afterwards."""
    if kind == "postgres":
        if not postgres_available():
            skip_or_fail("PostgreSQL is not reachable at " + PG_ADMIN_URL, "REQUIRE_PG")
        url = create_pg_database()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp(name) / f'{name}.sqlite3'}"
    app = make_test_app(url)
    app.config["DB_KIND"] = kind
    yield app
    with app.app_context():
        db.engine.dispose()
    if kind == "postgres":
        drop_pg_database(url)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def app(request, tmp_path_factory):
    with _test_app(request.param, tmp_path_factory, "test") as app:
        yield app


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def demo_app(request, tmp_path_factory):
    """An app whose database holds the full demo (`flask seed-demo`), seeded once per session
    and only read by the tests that use it (they never request ``app``, so nothing cleans it)."""
    with _test_app(request.param, tmp_path_factory, "demo") as app:
        with app.app_context():
            from exhibit.demo.seed import seed_demo
            for _line in seed_demo():
                pass
            db.session.remove()
        yield app


@pytest.fixture(autouse=True)
def _clean_tables(request):
    """Each test starts from empty tables (only for tests that use the app)."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        yield
        db.session.rollback()
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


# -- builders (through the real services) -------------------------------------------------------

_tax_counter = iter(range(10_000, 1_000_000))


def next_tax_code() -> str:
    from exhibit.demo.seed import fictional_tax_code
    return fictional_tax_code(next(_tax_counter))


def business_data(**overrides) -> dict:
    data = {"name": "Hợp tác xã Thanh long Thử nghiệm", "legal_form": "hop_tac_xa",
            "tax_code": next_tax_code(), "province_code": "68", "phone": "0912 345 678",
            "address": "Xã Hàm Minh, tỉnh Lâm Đồng", "representative": "Nguyễn Văn A",
            "representative_position": "Chủ nhiệm HTX"}
    data.update(overrides)
    return data


PASSWORD = "thanhlong2024"


@pytest.fixture
def make_exhibitor(app):
    from exhibit.accounts.services import register_exhibitor
    counter = iter(range(1, 100_000))

    def build(name: str | None = None, **business):
        n = next(counter)
        return register_exhibitor(
            email=f"exhibitor{n}-{uuid.uuid4().hex[:6]}@example.vn", password=PASSWORD,
            full_name=f"Người {n}", business=business_data(name=name or f"Cơ sở Sản xuất Số {n}", **business))
    return build


@pytest.fixture
def organiser(app):
    from exhibit.accounts.services import create_organiser_user
    return create_organiser_user(email=f"btc-{uuid.uuid4().hex[:6]}@itpc.example", password=PASSWORD,
                                 organizer_name="ITPC thử nghiệm", organizer_short_name="ITPC")


@pytest.fixture
def open_week(app, organiser):
    """An open week, registration running today, with one hall of 6 standard booths A01–A06."""
    from exhibit.floorplan.services import save_booth, save_hall
    from exhibit.weeks.services import create_week
    today = date.today()
    week = create_week(actor=organiser, data={
        "name_vi": "Tuần lễ sản phẩm OCOP thử nghiệm", "name_en": "Test OCOP week",
        "slug": f"tuan-le-{uuid.uuid4().hex[:6]}", "host_province_scheme": "2025",
        "host_province_code": "79", "venue_name": "ITPC", "start_date": today + timedelta(days=60),
        "end_date": today + timedelta(days=66), "registration_opens_on": today - timedelta(days=5),
        "registration_closes_on": today + timedelta(days=30), "status": "open", "hold_minutes": 15})
    hall = save_hall(actor=organiser, week=week, data={"name": "Sảnh A", "grid_width": 30, "grid_height": 10})
    for i in range(6):
        save_booth(actor=organiser, week=week, hall_id=hall.id, data={
            "code": f"A{i + 1:02d}", "price_vnd": 1_300_000, "grid_x": i * 3, "grid_y": 1})
    return week


def login(client, user, password: str = PASSWORD):
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def bearer(app, user) -> dict:
    from exhibit.accounts.services import issue_api_token
    return {"Authorization": f"Bearer {issue_api_token(user).value}"}


def chromium_or_skip():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        skip_or_fail(f"Chromium is not installed at {CHROMIUM}", "REQUIRE_BROWSER")
    try:
        import playwright  # noqa: F401
    except ImportError:
        skip_or_fail("Playwright for Python is not installed", "REQUIRE_BROWSER")
    return CHROMIUM
