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
    from exhibit.core import limits
    saved = {k: app.config[k] for k in ("LOGIN_FAILURES_PER_ACCOUNT", "LOGIN_FAILURES_PER_ADDRESS",
                                        "RATELIMIT_STORAGE_URI")}
    app.config.update(LOGIN_FAILURES_PER_ACCOUNT="10 per 15 minutes",
                      LOGIN_FAILURES_PER_ADDRESS="50 per 15 minutes",
                      RATELIMIT_STORAGE_URI="exhibit-db://",
                      RATELIMIT_STORAGE_OPTIONS={"database_url": app.config["SQLALCHEMY_DATABASE_URI"]})
    limits.init_app(app)
    yield app
    app.config.update(saved)
    app.config.pop("RATELIMIT_STORAGE_OPTIONS")
    limits.init_app(app)


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
