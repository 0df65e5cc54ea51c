"""Limits that hold: failed sign-ins counted per account and per address for the HTML form and
the API together, in a store every worker shares (the database here, as in a deployment
without Redis); sign-ups and uploads limited; unknown emails cost a password check too."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from exhibit.core.ratelimit_storage import RateLimitCounter
from exhibit.extensions import db
from tests.conftest import PASSWORD, login, make_test_app

WRONG = "sai-mat-khau-123"


@pytest.fixture
def counted(app):
    """The test app with the real limits and the database as their store (as deployed without
    Redis), restored afterwards."""
    saved = {k: app.config[k] for k in ("LOGIN_FAILURES_PER_ACCOUNT", "LOGIN_FAILURES_PER_ADDRESS",
                                        "RATELIMIT_STORAGE_URI")}
    app.config.update(LOGIN_FAILURES_PER_ACCOUNT="10 per 15 minutes",
                      LOGIN_FAILURES_PER_ADDRESS="50 per 15 minutes",
                      RATELIMIT_STORAGE_URI="exhibit-db://",
                      RATELIMIT_STORAGE_OPTIONS={"database_url": app.config["SQLALCHEMY_DATABASE_URI"]})
    _count_as_configured(app)
    yield app
    app.config.update(saved)
    app.config.pop("RATELIMIT_STORAGE_OPTIONS")
    _count_as_configured(app)


def _close_database_counters(app) -> None:
    """Closes the database connections of the app's counters — ours (core.limits) and
    Flask-Limiter's, whose one storage serves every app of the process. A deployed app keeps
    them for life; these tests replace them."""
    from exhibit.core import limits
    from exhibit.extensions import limiter
    app.extensions[limits._EXTENSION].close()
    if hasattr(limiter.storage, "close"):
        limiter.storage.close()


def _count_as_configured(app) -> None:
    """Rebuilds the app's counters from its settings, closing the ones replaced."""
    from exhibit.core import limits
    from exhibit.extensions import limiter
    _close_database_counters(app)
    limits.init_app(app)
    limiter.init_app(app)  # once registered, this only re-reads the settings


def _html(client, email, password, address="10.1.1.1"):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def _api(client, email, password, address="10.1.1.1"):
    return client.post("/api/v1/tokens", json={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_ten_failures_for_one_account_then_429_on_form_and_api_alike(counted, client, make_exhibitor):
    user = make_exhibitor()
    codes = []
    for n in range(10):  # the HTML form and the API take turns: one count for both
        if n % 2:
            codes.append(_html(client, user.email, WRONG, f"10.0.0.{n}").status_code)
        else:
            codes.append(_api(client, user.email, WRONG, f"10.0.0.{n}").status_code)
    assert codes == [401, 200] * 5  # the form shows its error on the page
    blocked_api = _api(client, user.email, PASSWORD, "10.0.1.1")  # right password, too late
    assert blocked_api.status_code == 429 and blocked_api.json["error"] == "rate_limited"
    assert 0 < int(blocked_api.headers["Retry-After"]) <= 15 * 60
    blocked_html = _html(client, user.email, PASSWORD, "10.0.1.2")
    assert blocked_html.status_code == 429 and int(blocked_html.headers["Retry-After"]) > 0
    db.session.commit()  # end this test's read snapshot: the counters were written beside it
    assert db.session.scalar(select(func.count(RateLimitCounter.key))) >= 1
    other = make_exhibitor()
    assert _api(client, other.email, PASSWORD, "10.0.1.3").status_code == 200


def test_failures_from_one_address_are_limited_across_accounts(counted, client, make_exhibitor):
    counted.config["LOGIN_FAILURES_PER_ADDRESS"] = "5 per 15 minutes"
    codes = [_api(client, f"khach{n}@example.vn", WRONG, "10.2.2.2").status_code for n in range(7)]
    assert codes == [401] * 5 + [429] * 2
    user = make_exhibitor()
    assert _api(client, user.email, PASSWORD, "10.2.2.3").status_code == 200  # another address


def test_two_workers_share_one_count(counted, make_exhibitor):
    """Two app instances on the same database stand for two gunicorn workers (the deploy test
    runs the real thing): failures counted by one are seen by the other."""
    user = make_exhibitor()
    other_worker = make_test_app(counted.config["SQLALCHEMY_DATABASE_URI"],
                                 RATELIMIT_STORAGE_URI="exhibit-db://",
                                 LOGIN_FAILURES_PER_ACCOUNT="10 per 15 minutes",
                                 LOGIN_FAILURES_PER_ADDRESS="50 per 15 minutes")
    first, second = counted.test_client(), other_worker.test_client()
    for n in range(5):
        assert _api(first, user.email, WRONG, f"10.3.0.{n}").status_code == 401
        assert _api(second, user.email, WRONG, f"10.3.1.{n}").status_code == 401
    assert _api(first, user.email, PASSWORD, "10.3.2.1").status_code == 429
    assert _api(second, user.email, PASSWORD, "10.3.2.2").status_code == 429
    _close_database_counters(other_worker)
    with other_worker.app_context():
        db.engine.dispose()


def test_an_unknown_email_costs_a_password_check(app, client, make_exhibitor, monkeypatch):
    """Timing cannot tell which emails have accounts: both answers check one password hash."""
    from exhibit.accounts import services
    checked = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash",
                        lambda stored, given: checked.append(stored) or real(stored, given))
    user = make_exhibitor()
    assert _api(client, user.email, WRONG).status_code == 401
    assert _api(client, "ai-do@example.vn", WRONG).status_code == 401
    assert len(checked) == 2
    assert checked[0].split("$")[0] == checked[1].split("$")[0]  # same method and cost


def test_sign_ups_are_limited_per_address(app, client):
    from tests.accounts.test_accounts_pages import signup_form
    from tests.conftest import business_data
    app.config["SIGNUP_RATE_LIMIT"] = "2 per hour"
    try:
        codes = []
        for n in range(3):
            codes.append(client.post("/api/v1/accounts", environ_base={"REMOTE_ADDR": "10.4.4.4"},
                                     json={"email": f"dk{n}@example.vn", "password": PASSWORD,
                                           "business": business_data()}).status_code)
        assert codes == [201, 201, 429]
        html = client.post("/signup", data=signup_form(email="dk9@example.vn"),
                           environ_base={"REMOTE_ADDR": "10.4.4.4"})
        assert html.status_code == 429 and html.headers.get("Retry-After")
        other = client.post("/signup", data=signup_form(email="dk8@example.vn"),
                            environ_base={"REMOTE_ADDR": "10.4.4.5"})
        assert other.status_code == 302
    finally:
        app.config["SIGNUP_RATE_LIMIT"] = "10000 per hour"


def test_uploads_are_limited_per_user(app, client, make_exhibitor):
    from exhibit.catalogue import services as catalogue
    user = make_exhibitor()
    product = catalogue.create_product(actor=user, data={
        "name": "Mật ong hoa cà phê", "price_vnd": 120000, "unit": "hũ"})
    login(client, user)
    photo = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 150, 20)).save(photo, "JPEG")
    app.config["UPLOADS_PER_USER"] = "2 per hour"
    try:
        codes = [client.post(f"/my/products/{product.id}/photos", content_type="multipart/form-data",
                             data={"photos": (io.BytesIO(photo.getvalue()), "a.jpg")}).status_code
                 for _ in range(3)]
        assert codes == [302, 302, 429]
    finally:
        app.config["UPLOADS_PER_USER"] = "10000 per hour"


def test_a_refund_never_takes_a_counter_below_zero(app):
    """Giving back a use that was never counted (or whose window ended) changes nothing: a
    counter below zero would hand out extra attempts."""
    from exhibit.core.ratelimit_storage import DatabaseStorage
    from limits import parse
    from limits.strategies import FixedWindowRateLimiter
    counter = FixedWindowRateLimiter(DatabaseStorage(
        database_url=app.config["SQLALCHEMY_DATABASE_URI"]))
    limit = parse("3 per minute")
    for _ in range(3):
        counter.hit(limit, "refund-test", cost=-1)  # nothing to give back yet
    assert [counter.hit(limit, "refund-test") for _ in range(4)] == [True, True, True, False]
    counter.hit(limit, "refund-test", cost=-1)
    assert counter.get_window_stats(limit, "refund-test").remaining == 0  # 4 - 1 = 3 used
    counter.storage.close()


def test_sign_in_works_and_counts_when_redis_is_unreachable(app, client, make_exhibitor):
    """A rate-limit store that is down never turns a sign-in into a 500: the counters carry on
    in the database."""
    saved = app.config["RATELIMIT_STORAGE_URI"], app.config["LOGIN_FAILURES_PER_ACCOUNT"]
    app.config.update(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",
                      LOGIN_FAILURES_PER_ACCOUNT="2 per 15 minutes")
    _count_as_configured(app)
    try:
        user = make_exhibitor()
        assert _api(client, user.email, PASSWORD).status_code == 200
        codes = [_api(client, user.email, WRONG).status_code for _ in range(3)]
        assert codes == [401, 401, 429]
    finally:
        app.config["RATELIMIT_STORAGE_URI"], app.config["LOGIN_FAILURES_PER_ACCOUNT"] = saved
        _count_as_configured(app)


def test_every_sign_up_attempt_counts_even_an_email_already_taken(app, client):
    """"This email is taken" must not be free to ask for: every attempt counts."""
    from tests.conftest import business_data
    app.config["SIGNUP_RATE_LIMIT"] = "3 per hour"
    try:
        body = {"email": "da-co@example.vn", "password": PASSWORD, "business": business_data()}
        codes = [client.post("/api/v1/accounts", json=body,
                             environ_base={"REMOTE_ADDR": "10.6.6.6"}).status_code
                 for _ in range(5)]
        assert codes == [201, 409, 409, 429, 429]
    finally:
        app.config["SIGNUP_RATE_LIMIT"] = "10000 per hour"


def test_an_ipv6_subscriber_counts_as_one_address(app):
    """One /64 is one subscriber: hopping between its addresses gives no fresh limit."""
    from exhibit.core.limits import client_address
    with app.test_request_context(environ_base={"REMOTE_ADDR": "2001:db8:1:2:aaaa::1"}):
        first = client_address()
    with app.test_request_context(environ_base={"REMOTE_ADDR": "2001:db8:1:2:bbbb::9"}):
        second = client_address()
    with app.test_request_context(environ_base={"REMOTE_ADDR": "2001:db8:1:3::1"}):
        neighbour = client_address()
    assert first == second == "2001:db8:1:2::/64" and neighbour != first
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        assert client_address() == "203.0.113.7"
