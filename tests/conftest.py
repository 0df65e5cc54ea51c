"""Shared fixtures. Every database test runs on SQLite and on PostgreSQL; the schema is built by
the committed Alembic migrations, so the tests also prove that migrations equal the models.

PostgreSQL and Chromium tests skip with a reason where those are missing; REQUIRE_PG=1 and
REQUIRE_BROWSER=1 (set by .ci/run) turn the skips into failures.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
import uuid
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor
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
    # messages are sent when a test says so (outbox.send_due / the clock), by the transports a
    # test configures; tests/messaging covers the sender thread
    "MESSAGE_DISPATCH": "none", "CLOCK_IN_APP": False, "MAIL_SERVER": None,
    "ZALO_ZNS_ACCESS_TOKEN": None, "ZALO_ZNS_TEMPLATES": {}, "SMS_API_URL": None,
}


#: every app the tests make, kept until the end of the session and closed then: an app dropped
#: earlier would close its database connections whenever the garbage collector ran, as a
#: ResourceWarning (an error here) in whichever test happened to be running
_APPS: list = []


@pytest.fixture(scope="session", autouse=True)
def _close_every_app_at_the_end():
    yield
    for app in _APPS:
        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()
        counters = app.extensions.get("exhibit.limits")
        if counters is not None:
            counters.close()


def make_test_app(url: str, **extra):
    uploads = tempfile.mkdtemp(prefix="exhibit-uploads-")
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": uploads,
                      "OUTBOX_DIR": str(Path(uploads) / "outbox"), **extra})
    _APPS.append(app)

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
    from exhibit.demo.accounts import fictional_tax_code
    return fictional_tax_code(next(_tax_counter))


def business_data(**overrides) -> dict:
    data = {"name": "Hợp tác xã Thanh long Thử nghiệm", "legal_form": "hop_tac_xa",
            "tax_code": next_tax_code(), "province_code": "68", "phone": "0912 345 678",
            "address": "Xã Hàm Minh, tỉnh Lâm Đồng", "representative": "Nguyễn Văn A",
            "representative_position": "Chủ nhiệm HTX"}
    if "name" in overrides and "legal_form" not in overrides:
        # the form a name says it has ("Công ty TNHH …"), as the sign-up rules require
        from exhibit.businesses.services import legal_form_named
        said = legal_form_named(overrides["name"] or "")
        if said is not None:
            data["legal_form"] = said[1].value
    data.update(overrides)
    return data


PASSWORD = "thanhlong2024"


@pytest.fixture
def make_exhibitor(app):
    from exhibit.accounts.services import register_exhibitor
    counter = iter(range(1, 100_000))

    def build(name: str | None = None, **business):
        n = next(counter)
        # verified: a builder's account is not a sign-up (tests/accounts sign up for real)
        return register_exhibitor(
            email=f"exhibitor{n}-{uuid.uuid4().hex[:6]}@example.vn", password=PASSWORD,
            full_name=f"Người {n}", business=business_data(name=name or f"Cơ sở Sản xuất Số {n}", **business),
            verified=True)
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


@pytest.fixture
def confirmed_exhibitor(make_exhibitor, open_week, organiser):
    """Builds an exhibitor with a confirmed booth (A01, A02…) at the open week."""
    from exhibit.booking.services import apply_to_week, assign_booth
    from exhibit.floorplan.services import get_booth
    booths = iter(["A01", "A02", "A03", "A04", "A05", "A06"])

    def build(name: str | None = None, **business):
        user = make_exhibitor(name, **business)
        apply_to_week(actor=user, week=open_week, data={"booth_count": 1})
        assign_booth(actor=organiser, week=open_week, booth=get_booth(open_week, next(booths)),
                     business_id=user.business_id)
        return user
    return build


@pytest.fixture
def exhibitor_with_booth(make_exhibitor, open_week, organiser):
    """An exhibitor with booth A01 confirmed at the open week and one approved product."""
    from exhibit.booking.services import apply_to_week, assign_booth
    from exhibit.catalogue import services as catalogue
    from exhibit.floorplan.services import get_booth
    from tests.catalogue.conftest import product_data
    user = make_exhibitor("Hợp tác xã Thanh long Hàm Thuận Nam")
    apply_to_week(actor=user, week=open_week, data={"booth_count": 1})
    assign_booth(actor=organiser, week=open_week, booth=get_booth(open_week, "A01"),
                 business_id=user.business_id)
    product = catalogue.create_product(actor=user, data=product_data(
        name="Thanh long ruột đỏ hộp quà", price_vnd=90000, unit="hộp"))
    catalogue.set_week_products(actor=user, week=open_week, selections={product.id: None})
    listing = catalogue.business_listings(user.business_id, open_week)[product.id]
    catalogue.review_listing(actor=organiser, listing=listing, decision="approved")
    return user


@pytest.fixture
def running_week(open_week):
    """The open week moved so that it runs today (Vietnam time)."""
    from exhibit.core.db import utcnow
    from exhibit.vn.dates import to_vietnam_time
    today = to_vietnam_time(utcnow()).date()
    open_week.start_date, open_week.end_date = today - timedelta(days=1), today + timedelta(days=3)
    db.session.commit()
    return open_week


@pytest.fixture
def entrance_user(organiser):
    from exhibit.accounts.services import create_entrance_user
    return create_entrance_user(email="cong@itpc.example", password=PASSWORD,
                                full_name="Nhân viên cổng", organiser=organiser)


def visitor_data(**overrides) -> dict:
    data = {"full_name": "Nguyễn Thị Thu Hường", "phone": "0912 345 678",
            "email": "huong@example.vn", "organisation": "Cửa hàng Quê Nhà", "consent": True,
            "share_contact": True}
    data.update(overrides)
    return data


def race(app, work, count: int) -> list:
    """``work(i)`` in ``count`` threads, each with its own session, released at one instant by
    a barrier; what each returned or raised, in order."""
    barrier = threading.Barrier(count)

    def run(i):
        with app.app_context():
            barrier.wait()
            try:
                return work(i)
            except Exception as error:  # the test inspects what each thread got
                return error
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


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


@contextmanager
def reads_only():
    """While it is open, a GET request that writes to the database fails (AssertionError from
    inside the request, which the caller sees as a 500). Work outside a request — a booth scan
    counted after the page has gone out — is not a GET handler's write."""
    from flask import has_request_context, request
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    def _in_get() -> bool:
        return has_request_context() and request.method in ("GET", "HEAD")

    def _flush(session, _context, _instances):
        if _in_get() and (session.new or session.dirty or session.deleted):
            raise AssertionError(f"GET {request.path} writes: "
                                 f"{[type(o).__name__ for o in (*session.new, *session.dirty, *session.deleted)]}")

    def _execute(state):
        text = str(state.statement).lstrip().upper()
        if _in_get() and (state.is_insert or state.is_update or state.is_delete
                          or text.startswith(("INSERT", "UPDATE", "DELETE"))):
            raise AssertionError(f"GET {request.path} writes: {text[:80]}")

    event.listen(Session, "before_flush", _flush)
    event.listen(Session, "do_orm_execute", _execute)
    try:
        yield
    finally:
        event.remove(Session, "before_flush", _flush)
        event.remove(Session, "do_orm_execute", _execute)


# a real SMTP server and the stand-in Zalo/SMS APIs, for every test that sends messages
from tests.servers import mail_to, provider, smtp_server, zalo_and_sms  # noqa: E402,F401
