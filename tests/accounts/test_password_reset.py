"""Forgotten passwords: a single-use link by email, valid one hour, that says nothing about
which emails have accounts; through it the old password, sessions and tokens all end."""
from __future__ import annotations

import re
from datetime import timedelta

from exhibit.accounts import recovery
from exhibit.core.db import utcnow
from exhibit.messaging import outbox
from tests.conftest import PASSWORD, bearer, login

from tests.messaging.test_outbox import messages

NEW_PASSWORD = "buoi-da-xanh-2027"


def link_in(email) -> str:
    return re.search(r"http://exhibit\.test(/password/reset/\S+)",
                     email.get_body(("plain",)).get_content()).group(1)


def test_the_reset_flow_through_the_api_and_the_emailed_link(app, client, mail_to, make_exhibitor):
    user = make_exhibitor("Hợp tác xã Bưởi Thử")
    old_token = bearer(app, user)
    answer = client.post("/api/v1/password-resets", json={"email": user.email.upper()})
    assert answer.status_code == 202
    outbox.send_due()
    [email] = mail_to.wait_for(1)
    assert email["To"] == user.email and email["Subject"] == "Đặt lại mật khẩu exhibit"
    path = link_in(email)
    assert client.get(path).status_code == 200  # the page opens
    token = path.rsplit("/", 1)[1]
    assert client.post(f"/api/v1/password-resets/{token}", json={"password": NEW_PASSWORD}) \
        .status_code == 204
    assert client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}) \
        .status_code == 401  # the old password is refused
    assert client.post("/api/v1/tokens", json={"email": user.email, "password": NEW_PASSWORD}) \
        .status_code == 200
    assert client.get("/api/v1/business", headers=old_token).status_code == 401  # tokens ended
    again = client.post(f"/api/v1/password-resets/{token}", json={"password": "another-2027x"})
    assert again.status_code == 404 and again.get_json()["error"] == "link_not_valid"
    assert [m.event for m in messages()] == ["account.password_reset", "account.password_changed"]


def test_an_unknown_email_gets_the_same_answer_and_no_message(app, client):
    answer = client.post("/api/v1/password-resets", json={"email": "nobody@example.vn"})
    assert answer.status_code == 202
    assert answer.get_json()["detail"] == "If an account uses this email, a link is on its way."
    assert messages() == []
    assert client.post("/api/v1/password-resets", json={"email": "not an email"}).status_code == 422


def test_a_link_expires_after_an_hour_and_a_newer_one_replaces_it(app, make_exhibitor):
    user = make_exhibitor()
    recovery.request_reset(user.email, client_address="203.0.113.9")
    first = messages()[0].params["context"]["link"].rsplit("/", 1)[1]
    recovery.request_reset(user.email, client_address="203.0.113.9")
    second = messages()[1].params["context"]["link"].rsplit("/", 1)[1]
    for spent in (first,):
        try:
            recovery.reset_password(spent, NEW_PASSWORD)
        except recovery.LinkNotValid:
            pass
        else:
            raise AssertionError("a replaced link still worked")
    try:
        recovery.reset_password(second, NEW_PASSWORD, now=utcnow() + timedelta(minutes=61))
    except recovery.LinkNotValid:
        pass
    else:
        raise AssertionError("a link older than an hour still worked")
    recovery.reset_password(second, NEW_PASSWORD, now=utcnow() + timedelta(minutes=59))


def test_the_html_pages_and_a_weak_password(app, client, make_exhibitor):
    user = make_exhibitor()
    assert "/password/forgot" in client.get("/login").get_data(as_text=True)
    response = client.post("/password/forgot", data={"email": user.email})
    assert response.status_code == 302
    path = messages()[0].params["context"]["link"].removeprefix("http://exhibit.test")
    weak = client.post(path, data={"password": "short", "password_again": "short"})
    assert weak.status_code == 422 and messages()[0].state == "pending"
    done = client.post(path, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert done.status_code == 302 and done.location.endswith("/login")
    login(client, user, NEW_PASSWORD)
    assert client.get(path).status_code == 404  # spent


def test_reset_requests_are_limited_per_email(app, client, make_exhibitor):
    user = make_exhibitor()
    app.config["RESET_REQUESTS_PER_EMAIL"] = "2 per hour"
    try:
        codes = [client.post("/api/v1/password-resets", json={"email": user.email}).status_code
                 for _ in range(3)]
    finally:
        app.config["RESET_REQUESTS_PER_EMAIL"] = "5 per hour"
    assert codes == [202, 202, 429]


def test_account_links_go_by_email_even_with_email_messages_turned_off(app, make_exhibitor):
    from exhibit.extensions import db
    user = make_exhibitor()
    user.messages_by_email = False
    db.session.commit()
    recovery.request_reset(user.email, client_address="203.0.113.9")
    [link] = messages(event="account.password_reset")
    assert (link.channel, link.state) == ("email", "pending")
