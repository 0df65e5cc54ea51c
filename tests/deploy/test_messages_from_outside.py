"""Messages tried from outside, as an exhibitor's program would: one gunicorn server (one
worker) in production mode on PostgreSQL, sending email by SMTP to an aiosmtpd server the test
starts, everything asked over HTTP.

- Without Redis (the embedded default: MESSAGE_DISPATCH is then "thread"), nothing else runs:
  a hold made through the API reaches the exhibitor's mailbox within 10 seconds, naming the
  booth and the deadline; and the forgotten-password flow works end to end (202 whatever the
  email, the link from the email opens the page and sets the password once, the old password
  and the old token stop working, a used or expired link answers 404).
- With REDIS_URL, the app only queues a job and `flask --app exhibit worker --burst` sends it.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select, update

from tests.conftest import (
    PASSWORD,
    business_data,
    create_pg_database,
    drop_pg_database,
    make_test_app,
)
from tests.deploy.conftest import (
    REDIS_URL,
    Client,
    Gunicorn,
    Processes,
    Service,
    app_environment,
    flush_redis,
    require,
    workdir,
)

pytestmark = pytest.mark.deploy

PUBLIC = "https://hoicho.example.vn"
NEW_PASSWORD = "buoidaxanh2026"


@dataclass
class Fair:
    """A PostgreSQL database of its own with an open week of four free booths."""
    url: str
    app: object  # an in-process app on the same database, for looking inside
    slug: str
    week_name: str


@pytest.fixture(scope="module")
def fair():
    require("postgres")
    url = create_pg_database()
    try:
        app = make_test_app(url)
        with app.app_context():
            from exhibit.accounts.services import create_organiser_user
            from exhibit.extensions import db
            from exhibit.floorplan.services import save_booth, save_hall
            from exhibit.weeks.services import create_week
            organiser = create_organiser_user(email="btc@thu-tin.example", password=PASSWORD,
                                              organizer_name="ITPC", organizer_short_name="ITPC")
            today = date.today()
            week = create_week(actor=organiser, data={
                "name_vi": "Tuần lễ OCOP thử tin nhắn", "slug": "thu-tin-nhan",
                "host_province_scheme": "2025", "host_province_code": "79", "venue_name": "ITPC",
                "start_date": today + timedelta(days=30), "end_date": today + timedelta(days=33),
                "status": "open"})
            hall = save_hall(actor=organiser, week=week,
                             data={"name": "A", "grid_width": 20, "grid_height": 5})
            for n in range(4):
                save_booth(actor=organiser, week=week, hall_id=hall.id, data={
                    "code": f"A{n + 1:02d}", "price_vnd": 1_300_000, "grid_x": n * 3, "grid_y": 1})
            seeded = Fair(url=url, app=app, slug=week.slug, week_name=week.name_vi)
            db.session.remove()
        yield seeded
        with app.app_context():
            db.engine.dispose()
    finally:
        drop_pg_database(url)


@contextmanager
def one_gunicorn(fair: Fair, smtp, **settings: str):
    """One gunicorn server with one worker, mailing to ``smtp``; yields (server, env, folder, processes)."""
    folder = workdir()
    env = app_environment(fair, folder, MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp.port),
                          MAIL_FROM="Ban tổ chức ITPC <no-reply@hoicho.example.vn>",
                          PUBLIC_BASE_URL=PUBLIC, **settings)
    try:
        with Processes() as processes:
            server = processes.start(Gunicorn("gunicorn-mail", folder, env, workers=1))
            server.wait_ready()
            yield server, env, folder, processes
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def text_of(email) -> str:
    return email.get_body(preferencelist=("plain",)).get_content()


def sign_up_and_apply(client: Client, fair: Fair, name: str, mailbox: str) -> tuple[str, str]:
    """A new exhibitor over the API, applied to the week; (email, token)."""
    email = f"{mailbox}-{uuid.uuid4().hex[:6]}@thu-tin.example"
    created = client.post_json("/api/v1/accounts", {
        "email": email, "password": PASSWORD, "full_name": "Nguyễn Thị Bưởi",
        "business": business_data(name=f"Hợp tác xã {name} Thử")})
    assert created.status == 201, created.text
    token = created.json()["token"]
    applied = client.post_json(f"/api/v1/weeks/{fair.slug}/applications", {"booth_count": 1},
                               {"Authorization": f"Bearer {token}"})
    assert applied.status == 201, applied.text
    return email, token


def hold(client: Client, fair: Fair, code: str, token: str) -> datetime:
    """POST the hold (201); when it lapses."""
    reply = client.request("POST", f"/api/v1/weeks/{fair.slug}/booths/{code}/hold",
                           headers={"Authorization": f"Bearer {token}"})
    assert reply.status == 201, reply.text
    assert reply.json()["booth"] == code
    return datetime.fromisoformat(reply.json()["expires_at"])


def outbox_rows(fair: Fair, address: str, event: str | None = None) -> list:
    from exhibit.extensions import db
    from exhibit.messaging.models import Message
    with fair.app.app_context():
        query = select(Message.event, Message.state).where(Message.address == address)
        if event:
            query = query.where(Message.event == event)
        rows = [tuple(row) for row in db.session.execute(query.order_by(Message.id))]
        db.session.remove()
    return rows


def test_without_redis_a_hold_through_the_api_is_emailed_within_ten_seconds(fair, smtp_server):
    from exhibit.vn.dates import format_moment
    with one_gunicorn(fair, smtp_server) as (server, _env, _folder, _processes):
        client = Client(f"http://127.0.0.1:{server.port}")
        email, token = sign_up_and_apply(client, fair, "Bưởi", "buoi")
        expires_at = hold(client, fair, "A01", token)
        held_at = time.monotonic()
        message = smtp_server.wait_for_one(
            lambda m: m["To"] == email and "A01" in m["Subject"], timeout=10)
        took = time.monotonic() - held_at
    deadline = format_moment(expires_at)
    assert message["Subject"] == f"Đã giữ gian A01 – {fair.week_name}"
    assert "A01" in text_of(message) and deadline in text_of(message), text_of(message)
    assert message["From"] == "Ban tổ chức ITPC <no-reply@hoicho.example.vn>"
    assert message.get_body(preferencelist=("html",)) is not None  # multipart: text + HTML
    assert took < 10
    assert outbox_rows(fair, email, "booking.hold_placed") == [("booking.hold_placed", "sent")]


def test_without_redis_the_forgotten_password_flow_works_over_http(fair, smtp_server):
    from exhibit.accounts.models import AccountLink, User
    from exhibit.core.db import utcnow
    from exhibit.extensions import db
    with one_gunicorn(fair, smtp_server) as (server, _env, _folder, _processes):
        client = Client(f"http://127.0.0.1:{server.port}")
        email, old_token = sign_up_and_apply(client, fair, "Sầu riêng", "sau-rieng")
        stranger = f"khong-co-{uuid.uuid4().hex[:6]}@thu-tin.example"

        def ask(address: str):
            reply = client.post_json("/api/v1/password-resets", {"email": address})
            assert reply.status == 202, reply.text
            return reply.json()

        assert ask(stranger) == ask(email)  # the same answer, account or not
        reset = smtp_server.wait_for_one(
            lambda m: m["To"] == email and "/password/reset/" in text_of(m))
        [link] = [word for word in text_of(reset).split() if "/password/reset/" in word]
        assert link.startswith(PUBLIC + "/password/reset/"), link
        path = urlsplit(link).path
        token = path.rsplit("/", 1)[1]

        page = client.get(path)  # the link opens the page that sets the password
        assert page.status == 200 and 'name="password_again"' in page.text
        done = client.post_json(f"/api/v1/password-resets/{token}", {"password": NEW_PASSWORD})
        assert done.status == 204, done.text

        def sign_in(password: str) -> int:
            return client.post_json("/api/v1/tokens", {"email": email,
                                                       "password": password}).status

        assert sign_in(PASSWORD) == 401
        assert sign_in(NEW_PASSWORD) == 200
        assert client.get("/api/v1/business",
                          {"Authorization": f"Bearer {old_token}"}).status == 401
        again = client.post_json(f"/api/v1/password-resets/{token}", {"password": "mot-lan-nua-2026"})
        assert again.status == 404 and again.json()["error"] == "link_not_valid"
        assert client.get(path).status == 404
        assert sign_in(NEW_PASSWORD) == 200  # the refused reuse changed nothing

        # the owner is told the password changed
        smtp_server.wait_for_one(lambda m: m["To"] == email
                                 and m["Subject"] == "Mật khẩu exhibit của quý vị đã thay đổi")

        # a link an hour old is refused too (the clock moved by the database)
        ask(email)
        fresh = smtp_server.wait_for_one(
            lambda m: m["To"] == email and "/password/reset/" in text_of(m)
            and path not in text_of(m))
        [late_link] = [word for word in text_of(fresh).split() if "/password/reset/" in word]
        with fair.app.app_context():
            owner = select(User.id).where(User.email == email).scalar_subquery()
            db.session.execute(update(AccountLink).where(
                AccountLink.user_id == owner, AccountLink.used_at.is_(None)).values(
                expires_at=utcnow() - timedelta(seconds=1)))
            db.session.commit()
            db.session.remove()
        late = client.post_json(f"/api/v1/password-resets/{late_link.rsplit('/', 1)[1]}",
                                {"password": "qua-mot-gio-2026"})
        assert late.status == 404, late.text
        assert sign_in(NEW_PASSWORD) == 200
    assert outbox_rows(fair, stranger) == []  # nothing was written for an unknown email
    assert [state for _event, state in outbox_rows(fair, email, "account.password_reset")] == \
        ["sent", "sent"]


def test_with_redis_the_worker_sends_what_the_app_queued(fair, smtp_server):
    require("redis")
    from redis import Redis
    from rq import Queue

    from exhibit.messaging.dispatch import QUEUE
    flush_redis()
    try:
        with one_gunicorn(fair, smtp_server, REDIS_URL=REDIS_URL) as (server, env, folder,
                                                                      processes):
            client = Client(f"http://127.0.0.1:{server.port}")
            email, token = sign_up_and_apply(client, fair, "Chôm chôm", "chom-chom")
            hold(client, fair, "A02", token)
            # the app sent nothing itself: it queued a job for the worker
            assert outbox_rows(fair, email, "booking.hold_placed") == \
                [("booking.hold_placed", "pending")]
            assert Queue(QUEUE, connection=Redis.from_url(REDIS_URL)).count >= 1

            worker = processes.start(Service(
                [sys.executable, "-m", "flask", "--app", "exhibit", "worker", "--burst"],
                log=folder / "worker.log", env=env))
            worker.name = "flask worker --burst"
            try:
                assert worker.popen.wait(timeout=60) == 0, worker.log_tail()
            except subprocess.TimeoutExpired:
                pytest.fail(f"the burst worker did not finish:\n{worker.log_tail()}")
            message = smtp_server.wait_for_one(
                lambda m: m["To"] == email and "A02" in m["Subject"], timeout=10)
            assert Queue(QUEUE, connection=Redis.from_url(REDIS_URL)).count == 0
    finally:
        flush_redis()
    assert message["Subject"] == f"Đã giữ gian A02 – {fair.week_name}"
    assert outbox_rows(fair, email, "booking.hold_placed") == [("booking.hold_placed", "sent")]
