"""Sessions and tokens end when they should: signing out, changing the password, an organiser
disabling the account, revoking from the account page or the API, and expiry."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from exhibit.accounts.models import ApiToken, User, UserSession
from exhibit.core.db import utcnow
from exhibit.extensions import db
from tests.conftest import PASSWORD, bearer, login

NEW_PASSWORD = "mangcut2025moi"


def _saved_cookie(client) -> str:
    return client.get_cookie("session").value


def _signed_in(client) -> bool:
    response = client.get("/account")
    return response.status_code == 200


def test_a_cookie_saved_before_signing_out_is_refused_after(app, client, make_exhibitor):
    user = make_exhibitor()
    login(client, user)
    saved = _saved_cookie(client)
    assert client.get("/my").status_code == 200
    client.post("/logout")
    client.set_cookie("session", saved)  # someone kept a copy of the cookie
    response = client.get("/my")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.scalar(select(func.count(UserSession.id))) == 0


def test_password_change_ends_every_other_session_and_every_token(app, make_exhibitor):
    user = make_exhibitor()
    here, elsewhere = app.test_client(), app.test_client()
    login(here, user)
    login(elsewhere, user)
    token = bearer(app, user)
    assert app.test_client().get("/api/v1/products/1", headers=token).status_code == 404

    wrong = here.post("/account/password", data={
        "current_password": "not-my-password1", "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD})
    assert wrong.status_code == 422 and _signed_in(elsewhere)

    response = here.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD})
    assert response.status_code == 302
    assert _signed_in(here)
    assert not _signed_in(elsewhere)
    assert app.test_client().get("/api/v1/products/1", headers=token).status_code == 401
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 200
    login(fresh, user, NEW_PASSWORD)


def test_a_weak_new_password_is_refused_and_changes_nothing(app, client, make_exhibitor):
    user = make_exhibitor()
    login(client, user)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "short", "new_password_again": "short"})
    assert response.status_code == 422
    assert "10" in response.get_data(as_text=True)
    login(app.test_client(), user, PASSWORD)


def test_account_page_lists_and_revokes_sessions_and_tokens(app, make_exhibitor):
    user = make_exhibitor()
    phone, laptop = app.test_client(), app.test_client()
    login(phone, user)
    login(laptop, user)
    api = app.test_client()
    token = api.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD},
                     headers={"User-Agent": "import-script/1.0"}).json["token"]
    page = laptop.get("/account").get_data(as_text=True)
    sessions = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    token_row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert len(sessions) == 2 and page.count("data-session=") == 2
    assert "import-script/1.0" in page and f'data-token="{token_row.id}"' in page

    phone_session = next(s for s in sessions if f'data-session="{s.id}"' in page
                         and f"/account/sessions/{s.id}/revoke" in page)
    assert laptop.post(f"/account/sessions/{phone_session.id}/revoke").status_code == 302
    assert not _signed_in(phone) and _signed_in(laptop)

    auth = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/products/999", headers=auth).status_code == 404
    assert laptop.post(f"/account/tokens/{token_row.id}/revoke").status_code == 302
    assert api.get("/api/v1/products/999", headers=auth).status_code == 401


def test_nobody_revokes_another_users_session_or_token(app, make_exhibitor):
    owner, other = make_exhibitor(), make_exhibitor()
    owner_client, other_client = app.test_client(), app.test_client()
    login(owner_client, owner)
    login(other_client, other)
    bearer(app, owner)
    session_id = db.session.scalar(select(UserSession.id).where(UserSession.user_id == owner.id))
    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == owner.id))
    assert other_client.post(f"/account/sessions/{session_id}/revoke").status_code == 404
    assert other_client.post(f"/account/tokens/{token_id}/revoke").status_code == 404
    assert _signed_in(owner_client)
    assert db.session.get(ApiToken, token_id).revoked_at is None


def test_sign_out_everywhere_else(app, make_exhibitor):
    user = make_exhibitor()
    clients = [app.test_client() for _ in range(3)]
    for c in clients:
        login(c, user)
    assert clients[0].post("/account/sessions/revoke-others").status_code == 302
    assert [_signed_in(c) for c in clients] == [True, False, False]


def test_delete_current_token_makes_it_answer_401(app, client, make_exhibitor):
    user = make_exhibitor()
    auth = bearer(app, user)
    other = bearer(app, user)
    assert client.delete("/api/v1/tokens/current", headers=auth).status_code == 204
    assert client.get("/api/v1/products/1", headers=auth).status_code == 401
    assert client.delete("/api/v1/tokens/current", headers=auth).status_code == 401
    assert client.get("/api/v1/products/1", headers=other).status_code == 404  # still works


def test_tokens_expire(app, client, make_exhibitor):
    user = make_exhibitor()
    created = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).json
    auth = {"Authorization": f"Bearer {created['token']}"}
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert abs((row.expires_at - row.created_at) - timedelta(days=30)) < timedelta(seconds=1)
    assert created["expires_at"].startswith(row.expires_at.date().isoformat())
    assert client.get("/api/v1/products/1", headers=auth).status_code == 404
    db.session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get("/api/v1/products/1", headers=auth).status_code == 401


def test_sessions_expire(app, client, make_exhibitor):
    user = make_exhibitor()
    login(client, user)
    db.session.execute(update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert not _signed_in(client)


def test_organiser_disables_and_enables_entrance_staff(app, organiser):
    from exhibit.accounts.services import create_entrance_user
    gate_user = create_entrance_user(email="cong1@itpc.example", password=PASSWORD,
                                     organiser=organiser)
    gate, desk = app.test_client(), app.test_client()
    login(gate, gate_user)
    token = bearer(app, gate_user)
    login(desk, organiser)
    page = desk.get("/organiser/staff").get_data(as_text=True)
    assert "cong1@itpc.example" in page

    assert desk.post(f"/organiser/staff/{gate_user.id}/disable").status_code == 302
    assert gate.get("/gate").status_code == 302  # signed out: sent to sign in
    assert app.test_client().post("/api/v1/checkins", headers=token,
                                  json={"code": "x", "nonce": "abcdefgh1"}).status_code == 401
    assert app.test_client().post("/login", data={"email": gate_user.email,
                                                  "password": PASSWORD}).status_code == 200
    assert desk.post(f"/organiser/staff/{gate_user.id}/enable").status_code == 302
    login(app.test_client(), gate_user)


def test_organiser_invites_entrance_staff_and_cannot_disable_themselves(app, client, organiser):
    login(client, organiser)
    bad = client.post("/organiser/staff", data={"full_name": "Cổng A", "email": "not an email"})
    assert bad.status_code == 422
    assert db.session.scalar(select(func.count(User.id)).where(User.role == "entrance")) == 0
    good = client.post("/organiser/staff", data={"full_name": "Cổng A",
                                                 "email": "cong-a@itpc.example"})
    assert good.status_code == 302
    staff = db.session.scalar(select(User).where(User.email == "cong-a@itpc.example"))
    assert staff.role == "entrance" and staff.organizer_id == organiser.organizer_id
    assert not staff.active  # waits for the person to choose a password (test_staff_invitations)
    # a waiting invitation is no account to enable: it would open with no password chosen
    assert client.post(f"/organiser/staff/{staff.id}/enable").status_code == 404
    assert not db.session.get(User, staff.id, populate_existing=True).active
    client.post(f"/organiser/staff/{organiser.id}/disable")
    assert db.session.get(User, organiser.id).active


def test_another_organisation_cannot_touch_our_staff(app, organiser):
    from exhibit.accounts.services import create_entrance_user, create_organiser_user
    gate_user = create_entrance_user(email="cong2@itpc.example", password=PASSWORD,
                                     organiser=organiser)
    stranger = create_organiser_user(email="btc@longan.example", password=PASSWORD,
                                     organizer_name="Sở Công Thương Long An",
                                     organizer_short_name="SCT-LA")
    client = app.test_client()
    login(client, stranger)
    assert client.post(f"/organiser/staff/{gate_user.id}/disable").status_code == 404
    assert "cong2@itpc.example" not in client.get("/organiser/staff").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, gate_user.id).active


def test_signing_in_over_someone_else_ends_their_session(app, client, make_exhibitor):
    """A shared booth laptop: A signs in, B signs in over it — A's session ends on the server,
    so a copy of A's cookie opens nothing."""
    first, second = make_exhibitor(), make_exhibitor()
    login(client, first)
    saved = _saved_cookie(client)
    login(client, second)
    other = app.test_client()
    other.set_cookie("session", saved)
    assert not _signed_in(other)
    assert db.session.scalar(select(func.count(UserSession.id))
                             .where(UserSession.user_id == first.id)) == 0


def test_a_password_change_gives_this_browser_a_new_session(app, client, make_exhibitor):
    user = make_exhibitor()
    login(client, user)
    before = _saved_cookie(client)
    client.post("/account/password", data={"current_password": PASSWORD,
                                           "new_password": NEW_PASSWORD,
                                           "new_password_again": NEW_PASSWORD})
    assert _signed_in(client)
    stolen = app.test_client()
    stolen.set_cookie("session", before)  # a copy taken before the change
    assert not _signed_in(stolen)
