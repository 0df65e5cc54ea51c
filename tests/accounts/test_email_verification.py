"""Email verification: every account made through the site or the API starts unverified and is
sent a single-use link valid 7 days; the reminder shows on every page until the link is
opened; asking for it again is limited; organisers see who has confirmed."""
from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from exhibit.accounts import links, verification
from exhibit.accounts.models import User
from exhibit.accounts.services import register_exhibitor
from exhibit.booking.services import apply_to_week
from exhibit.core.audit import AuditEntry
from exhibit.core.db import utcnow
from exhibit.extensions import db
from exhibit.messaging import outbox
from tests.accounts.test_accounts_pages import signup_form
from tests.conftest import PASSWORD, business_data, login
from tests.messaging.test_outbox import messages

VERIFY = "account.verify_email"
BANNER = 'id="verify-email"'


def link_path(text: str) -> str:
    return re.search(r"http://exhibit\.test(/account/verify/\S+)", text).group(1)


def sent_link(user_email: str, which: int = -1) -> str:
    """The path of a confirmation link the outbox holds for the address (the last by default)."""
    found = [m for m in messages(event=VERIFY) if m.address == user_email]
    return found[which].params["context"]["link"].removeprefix("http://exhibit.test")


def unverified_exhibitor(email: str = "moi.dang.ky@example.vn") -> User:
    return register_exhibitor(email=email, password=PASSWORD, full_name="Lò Thị Mới",
                              business=business_data(name="Cơ sở Chè Shan Thử"))


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_sign_up_sends_a_link_that_confirms_the_address_once(app, client, mail_to):
    assert client.post("/signup", data=signup_form()).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "chu.ho@example.vn"))
    assert user.email_verified_at is None
    assert BANNER in client.get("/my").get_data(as_text=True)  # signed in, and reminded

    assert outbox.send_due() == 1
    [email] = mail_to.wait_for(1)
    assert email["To"] == "chu.ho@example.vn"
    assert email["Subject"] == "Xác nhận địa chỉ email cho exhibit"
    path = link_path(email.get_body(("plain",)).get_content())

    page = client.get(path)  # opening the link only asks (a GET never writes)
    assert page.status_code == 200 and "chu.ho@example.vn" in page.get_data(as_text=True)
    assert BANNER not in page.get_data(as_text=True)  # "send again" would spend this very link
    assert fresh(user).email_verified_at is None
    confirmed = client.post(path)
    assert confirmed.status_code == 302 and confirmed.location.endswith("/account")
    assert fresh(user).email_verified_at is not None
    assert BANNER not in client.get("/my").get_data(as_text=True)
    assert 'data-verified="yes"' in client.get("/account").get_data(as_text=True)

    assert client.get(path).status_code == 404  # single use
    assert client.post(path).status_code == 404
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.entity_id == user.id, AuditEntry.action == "verify_email")) is not None


def test_api_sign_up_and_buyer_sign_up_are_unverified_and_sent_a_link(app, client, open_week):
    from exhibit.b2b import services as b2b
    response = client.post("/api/v1/accounts", json={
        "email": "api.dangky@example.vn", "password": "thanhlong2024",
        "business": business_data(name="Cơ sở Mắm Thử")})
    assert response.status_code == 201
    _buyer, buyer_user = b2b.register_buyer(
        week=open_week, data={"kind": "supermarket", "contact_name": "Lê Thu Hà",
                              "contact_phone": "0908 123 456", "consent": True,
                              "need": {"product_group": "thuc_pham", "description": "Đặc sản",
                                       "min_stars": "3", "monthly_volume": "1 tấn"}},
        account={"email": "thumua@example.vn", "password": PASSWORD},
        business=business_data(name="Công ty Cổ phần Thu mua Thử", legal_form="cong_ty_co_phan"))
    for address in ("api.dangky@example.vn", "thumua@example.vn"):
        user = db.session.scalar(select(User).where(User.email == address))
        assert user.email_verified_at is None
        assert [m.address for m in messages(event=VERIFY, user_id=user.id)] == [address]


def test_who_starts_verified(app, client, organiser, make_exhibitor):
    """Organisers (made by the operator) and the tests' builders count as verified; entrance
    staff made with a password but not vouched for are sent a link, and the organiser sees who
    confirmed. (Staff invited by link are confirmed when they accept: test_staff_invitations.)"""
    from exhibit.accounts.services import create_entrance_user
    assert organiser.email_verified_at is not None
    assert make_exhibitor().email_verified_at is not None
    staff = create_entrance_user(email="cong-b@itpc.example", password="congvao2026",
                                 full_name="Cổng B", organiser=organiser)
    login(client, organiser)
    assert staff.email_verified_at is None and len(messages(event=VERIFY, user_id=staff.id)) == 1
    page = client.get("/organiser/staff").get_data(as_text=True)
    row = page[page.index(f'data-user="{staff.id}"'):]
    assert 'data-verified="no"' in row[:row.index("</tr>")]
    own = page[page.index(f'data-user="{organiser.id}"'):]
    assert 'data-verified="yes"' in own[:own.index("</tr>")]
    assert BANNER not in page


def test_a_replaced_or_expired_link_is_refused(app):
    user = unverified_exhibitor()
    first = sent_link(user.email).rsplit("/", 1)[1]
    verification.send_again(user)
    second = sent_link(user.email).rsplit("/", 1)[1]
    assert first != second
    with pytest.raises(links.LinkNotValid):
        verification.verify(first)  # replaced by the newer one
    with pytest.raises(links.LinkNotValid):
        verification.verify(second, now=utcnow() + timedelta(days=7, minutes=1))
    verification.verify(second, now=utcnow() + timedelta(days=6, hours=23))
    assert fresh(user).email_verified_at is not None
    with pytest.raises(links.LinkNotValid):
        verification.verify(second)


def test_the_reminder_shows_to_unverified_people_only(app, client, make_exhibitor):
    assert BANNER not in client.get("/").get_data(as_text=True)  # a guest
    login(client, make_exhibitor())  # verified
    for path in ("/", "/my", "/account"):
        assert BANNER not in client.get(path).get_data(as_text=True)
    client.post("/logout")
    user = unverified_exhibitor()
    login(client, user)
    for path in ("/", "/my", "/account", "/my/team"):
        page = client.get(path).get_data(as_text=True)
        assert BANNER in page and user.email in page
        assert "/account/verification/resend?next=" in page


def test_sending_the_link_again_is_limited(app, client, make_exhibitor):
    user = unverified_exhibitor(f"gui-lai-{uuid.uuid4().hex[:6]}@example.vn")  # its own count
    login(client, user)
    app.config["VERIFY_RESENDS_PER_USER"] = "2 per hour"
    try:
        answers = [client.post("/account/verification/resend?next=/my") for _ in range(3)]
    finally:
        app.config["VERIFY_RESENDS_PER_USER"] = "3 per hour"
    assert [a.status_code for a in answers] == [302, 302, 429]
    assert answers[0].location.endswith("/my") and "Retry-After" in answers[2].headers
    assert len(messages(event=VERIFY, user_id=user.id)) == 3  # the sign-up's and two more
    # only the newest link works
    with pytest.raises(links.LinkNotValid):
        verification.verify(sent_link(user.email, 0).rsplit("/", 1)[1])
    client.post(sent_link(user.email))
    assert fresh(user).email_verified_at is not None

    client.post("/logout")
    verified = make_exhibitor()
    login(client, verified)
    assert client.post("/account/verification/resend").status_code == 302
    assert messages(event=VERIFY, user_id=verified.id) == []  # already confirmed: nothing sent


def test_the_organiser_sees_whether_a_business_person_confirmed(app, client, organiser,
                                                                open_week):
    user = unverified_exhibitor()
    apply_to_week(actor=user, week=open_week, data={"booth_count": 1})
    login(client, organiser)
    page_path = f"/organiser/businesses/{user.business_id}/edit"
    page = client.get(page_path).get_data(as_text=True)
    assert f'data-person="{user.id}"' in page and 'data-verified="no"' in page
    verification.verify(sent_link(user.email).rsplit("/", 1)[1])
    page = client.get(page_path).get_data(as_text=True)
    assert 'data-verified="yes"' in page and 'data-verified="no"' not in page
