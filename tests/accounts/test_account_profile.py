"""The account page's profile: name, own mobile (E.164), language and the channels a person
accepts messages by — stored, audited, and obeyed by the outbox; and moving the account to
another email address, which must be confirmed again."""
from __future__ import annotations

from sqlalchemy import select

from exhibit.accounts import recovery
from exhibit.accounts.models import User
from exhibit.booking import services as booking
from exhibit.core.audit import AuditEntry
from exhibit.extensions import db
from exhibit.floorplan.services import get_booth
from tests.conftest import PASSWORD, login
from tests.messaging.test_outbox import HOLD, messages


def profile_form(**overrides) -> dict:
    form = {"full_name": "Nguyễn Thị Hoa", "phone": "0912 345 678", "locale": "vi",
            "messages_by_zalo": "y", "messages_by_sms": "y", "messages_by_email": "y"}
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}  # None: unticked


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def audit_entries(user: User, action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "user", AuditEntry.entity_id == user.id,
        AuditEntry.action == action)))


def test_the_profile_is_shown_edited_and_audited(app, client, make_exhibitor):
    user = make_exhibitor()
    login(client, user)
    page = client.get("/account").get_data(as_text=True)
    assert 'id="profile"' in page and user.full_name in page
    saved = client.post("/account/profile", data=profile_form(
        phone="+84 38 123 4567", locale="en", messages_by_sms=None))
    assert saved.status_code == 302 and saved.location.endswith("/account")
    row = fresh(user)
    assert (row.full_name, row.phone, row.locale) == ("Nguyễn Thị Hoa", "+84381234567", "en")
    assert (row.messages_by_zalo, row.messages_by_sms, row.messages_by_email) == (True, False, True)
    [entry] = audit_entries(user, "edit_profile")
    assert entry.before["messages_by_sms"] is True and entry.after["messages_by_sms"] is False
    assert entry.after["phone"] == "+84381234567" and entry.before["phone"] == ""
    page = client.get("/account").get_data(as_text=True)
    assert '<html lang="en">' in page and 'value="0381 234 567"' in page

    assert client.post("/account/profile", data=profile_form(
        phone="", locale="en", messages_by_sms=None)).status_code == 302
    assert fresh(user).phone == ""  # empty: the business's phone is used again


def test_a_bad_phone_is_a_field_error_and_changes_nothing(app, client, make_exhibitor):
    user = make_exhibitor()
    login(client, user)
    for phone in ("12345", "028 3823 4567"):  # not a number; a landline cannot get Zalo or SMS
        response = client.post("/account/profile", data=profile_form(
            full_name="Tên mới", phone=phone, messages_by_email=None))
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert page.count('class="error"') == 1 and "0912 345 678" in page
    unknown = client.post("/account/profile", data=profile_form(locale="fr"))
    assert unknown.status_code == 422
    row = fresh(user)
    assert (row.full_name, row.phone, row.messages_by_email) == (user.full_name, "", True)
    assert audit_entries(user, "edit_profile") == []


def test_the_outbox_obeys_the_channels_a_person_allows(app, client, make_exhibitor, open_week,
                                                       zalo_and_sms):
    user = make_exhibitor()
    booking.apply_to_week(actor=user, week=open_week, data={"booth_count": 3})
    login(client, user)

    def hold(code: str):
        booking.hold_booth(actor=user, week=open_week, booth=get_booth(open_week, code))
        return messages(event=HOLD)[-1]

    client.post("/account/profile", data=profile_form(messages_by_zalo=None))
    first = hold("A01")
    assert (first.channel, first.address, first.state) == ("sms", "+84912345678", "pending")
    client.post("/account/profile", data=profile_form(messages_by_zalo=None,
                                                      messages_by_sms=None))
    second = hold("A02")
    assert (second.channel, second.address) == ("email", user.email)
    client.post("/account/profile", data=profile_form(
        messages_by_zalo=None, messages_by_sms=None, messages_by_email=None))
    third = hold("A03")
    assert third.state == "suppressed" and "turned off by the recipient" in third.last_error


def test_moving_the_account_to_another_address(app, client, make_exhibitor):
    user = make_exhibitor()
    old_email, other = user.email, make_exhibitor()
    recovery.request_reset(user.email, client_address="203.0.113.5")
    reset_link = messages(event="account.password_reset")[-1].params["context"]["link"]
    login(client, user)

    wrong = client.post("/account/email", data={"new_email": "moi@example.vn",
                                                "email_password": "not-my-password-1"})
    assert wrong.status_code == 422 and 'class="error"' in wrong.get_data(as_text=True)
    taken = client.post("/account/email", data={"new_email": other.email,
                                                "email_password": PASSWORD})
    assert taken.status_code == 409 and fresh(user).email == old_email

    moved = client.post("/account/email", data={"new_email": "Moi@Example.vn",
                                                "email_password": PASSWORD})
    assert moved.status_code == 302
    row = fresh(user)
    assert row.email == "moi@example.vn" and row.email_verified_at is None
    [link] = messages(event="account.verify_email", user_id=user.id)
    assert link.address == "moi@example.vn"
    assert 'id="verify-email"' in client.get("/my").get_data(as_text=True)
    [entry] = audit_entries(user, "change_email")
    assert (entry.before["email"], entry.after["email"]) == (old_email, "moi@example.vn")
    # the reset link sent to the old address no longer opens the account
    assert client.get(reset_link.removeprefix("http://exhibit.test")).status_code == 404
    client.post("/logout")
    login(client, row, PASSWORD)  # signs in with the new address
    client.post(link.params["context"]["link"].removeprefix("http://exhibit.test"))
    assert fresh(user).email_verified_at is not None


def test_an_address_taken_between_the_check_and_the_write_is_a_409(app, client, make_exhibitor,
                                                                   monkeypatch):
    """Two people moving to one address at the same moment: both pass the "taken?" check, the
    second write meets the unique index — a lost race (409, nothing changed), not a 500."""
    from exhibit.accounts import services
    user, other = make_exhibitor(), make_exhibitor()
    login(client, user)
    monkeypatch.setattr(services, "email_taken", lambda _address: False)  # the check raced
    lost = client.post("/account/email", data={"new_email": other.email,
                                               "email_password": PASSWORD})
    assert lost.status_code == 409 and fresh(user).email != other.email
    from tests.conftest import business_data
    api = client.post("/api/v1/accounts", json={  # sign-up, in the same race
        "email": other.email, "password": "thanhlong2024", "full_name": "X",
        "business": business_data(name="Cơ sở Thử Đua")})
    assert api.status_code == 409 and api.get_json()["error"] == "conflict_try_again"
