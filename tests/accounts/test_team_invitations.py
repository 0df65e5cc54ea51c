"""Team invitations by link: the exhibitor names a colleague and their email; the colleague
chooses their own password through the emailed link (which also confirms the address) and is
signed in for the business. Links work once, for 7 days, and a cancelled invitation's link
opens nothing."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from exhibit.accounts import invitations, links
from exhibit.accounts.models import User
from exhibit.booking import services as booking
from exhibit.core.db import utcnow
from exhibit.core.errors import Conflict
from exhibit.extensions import db
from exhibit.floorplan.services import get_booth
from exhibit.messaging import outbox
from exhibit.messaging.subscribers import business_people
from tests.conftest import PASSWORD, login
from tests.messaging.test_outbox import messages

INVITE = "account.invitation"
CHOSEN = "dongnghiep-2026"


def invitation_path(email: str, which: int = -1) -> str:
    found = [m for m in messages(event=INVITE) if m.address == email]
    return found[which].params["context"]["link"].removeprefix("http://exhibit.test")


def accept_form(password: str = CHOSEN, **extra) -> dict:
    return {"full_name": "Trần Văn Bình", "password": password, "password_again": password,
            **extra}


def test_an_invitation_end_to_end_through_the_smtp_server(app, client, mail_to, make_exhibitor):
    owner = make_exhibitor("Hợp tác xã Cà phê Cầu Đất")
    login(client, owner)
    page = client.get("/my/team").get_data(as_text=True)
    assert 'type="password"' not in page  # nobody types a colleague's password any more
    sent = client.post("/my/team", data={"full_name": "Trần Văn Bình", "email": "Binh@Example.vn"})
    assert sent.status_code == 302
    page = client.get("/my/team").get_data(as_text=True)
    invited = db.session.scalar(select(User).where(User.email == "binh@example.vn"))
    assert f'data-invitation="{invited.id}"' in page and f'data-member="{invited.id}"' not in page
    assert not invited.active and invited.business_id == owner.business_id

    assert outbox.send_due() == 1
    [email] = mail_to.wait_for(1)
    assert email["To"] == "binh@example.vn"
    assert email["Subject"] == "Lời mời tham gia Hợp tác xã Cà phê Cầu Đất trên exhibit"
    text = email.get_body(("plain",)).get_content()
    path = re.search(r"http://exhibit\.test(/account/invitation/\S+)", text).group(1)
    assert "Hợp tác xã Cà phê Cầu Đất" in text

    colleague = app.test_client()
    opened = colleague.get(path)
    assert opened.status_code == 200 and "Hợp tác xã Cà phê Cầu Đất" in opened.get_data(as_text=True)
    weak = colleague.post(path, data=accept_form("short"))
    assert weak.status_code == 422 and not db.session.get(User, invited.id, populate_existing=True).active
    joined = colleague.post(path, data=accept_form())
    assert joined.status_code == 302 and joined.location.endswith("/my")
    assert "Hợp tác xã Cà phê Cầu Đất" in colleague.get("/my").get_data(as_text=True)  # signed in

    member = db.session.get(User, invited.id, populate_existing=True)
    assert member.active and member.email_verified_at is not None
    assert member.business_id == owner.business_id and member.role == "exhibitor"
    assert member.full_name == "Trần Văn Bình"
    assert colleague.get(path).status_code == 404  # the link works once
    assert colleague.post(path, data=accept_form("another-2026x")).status_code == 404
    fresh = app.test_client()
    login(fresh, member, CHOSEN)

    page = client.get("/my/team").get_data(as_text=True)
    assert f'data-member="{member.id}"' in page and f'data-invitation="{member.id}"' not in page
    assert [m.event for m in messages(user_id=member.id)] == [INVITE]  # no second link to confirm


def test_a_cancelled_invitation_opens_nothing_and_frees_the_address(app, client, make_exhibitor):
    owner = make_exhibitor()
    login(client, owner)
    client.post("/my/team", data={"full_name": "Lê Thị Cúc", "email": "cuc@example.vn"})
    path = invitation_path("cuc@example.vn")
    invited = db.session.scalar(select(User).where(User.email == "cuc@example.vn"))
    cancelled = client.post(f"/my/team/invitations/{invited.id}/cancel")
    assert cancelled.status_code == 302
    assert db.session.scalar(select(User).where(User.email == "cuc@example.vn")) is None
    assert app.test_client().get(path).status_code == 404
    assert app.test_client().post(path, data=accept_form()).status_code == 404
    # the address is free again: a new invitation, a new link; the old one stays dead
    assert client.post("/my/team", data={"full_name": "Lê Thị Cúc",
                                         "email": "cuc@example.vn"}).status_code == 302
    again = invitation_path("cuc@example.vn")
    assert again != path and app.test_client().get(path).status_code == 404
    assert app.test_client().get(again).status_code == 200


def test_the_service_rules(app, client, make_exhibitor):
    owner, other = make_exhibitor(), make_exhibitor()
    login(client, owner)
    taken = client.post("/my/team", data={"full_name": "Ai đó", "email": other.email})
    assert taken.status_code == 409 and 'class="error"' in taken.get_data(as_text=True)
    bad = client.post("/my/team", data={"full_name": "Ai đó", "email": "not an email"})
    assert bad.status_code == 422

    invited = invitations.invite(actor=owner, email="dung@example.vn", full_name="Phạm Dũng")
    first = invitation_path("dung@example.vn")
    invitations.invite(actor=owner, email="dung@example.vn", full_name="Phạm Văn Dũng")
    second = invitation_path("dung@example.vn")
    assert app.test_client().get(first).status_code == 404  # replaced by the newer link
    assert app.test_client().get(second).status_code == 200
    with pytest.raises(Conflict) as refused:  # another business cannot take the address
        invitations.invite(actor=other, email="dung@example.vn", full_name="Phạm Dũng")
    assert refused.value.code == "email_taken"

    # another exhibitor cannot cancel it; a waiting account cannot sign in nor hear the business
    client.post("/logout")
    login(client, other)
    assert client.post(f"/my/team/invitations/{invited.id}/cancel").status_code == 404
    assert client.post(f"/my/team/invitations/{owner.id}/cancel").status_code == 404
    refused_sign_in = app.test_client().post("/login", data={"email": "dung@example.vn",
                                                             "password": CHOSEN})
    assert refused_sign_in.status_code == 200 and 'class="error"' in refused_sign_in.get_data(
        as_text=True)  # the sign-in form again, with its error: no session
    assert invited.id not in {u.id for u in business_people(owner.business_id)}

    token = second.rsplit("/", 1)[1]
    with pytest.raises(links.LinkNotValid):  # 7 days
        invitations.accept(token, password=CHOSEN, now=utcnow() + timedelta(days=7, minutes=1))
    user = invitations.accept(token, password=CHOSEN, now=utcnow() + timedelta(days=6))
    assert user.active and user.full_name == "Phạm Văn Dũng"


def test_a_member_who_joined_hears_of_the_business_bookings(app, make_exhibitor, open_week):
    owner = make_exhibitor()
    invitations.invite(actor=owner, email="em@example.vn", full_name="Đỗ Em")
    booking.apply_to_week(actor=owner, week=open_week, data={"booth_count": 2})
    booking.hold_booth(actor=owner, week=open_week, booth=get_booth(open_week, "A01"))
    assert {m.address for m in messages(event="booking.hold_placed")} == {owner.email}
    invitations.accept(invitation_path("em@example.vn").rsplit("/", 1)[1], password=CHOSEN)
    booking.hold_booth(actor=owner, week=open_week, booth=get_booth(open_week, "A02"))
    assert {m.address for m in messages(event="booking.hold_placed")} == {owner.email,
                                                                           "em@example.vn"}


def test_joining_where_someone_else_is_signed_in_signs_them_out(app, client, make_exhibitor):
    """A shared booth laptop: whoever was signed in is signed out when the invitee joins."""
    owner = make_exhibitor()
    invitations.invite(actor=owner, email="giang@example.vn", full_name="Vũ Giang")
    from sqlalchemy import func

    from exhibit.accounts.models import UserSession
    login(client, owner)

    def owner_sessions() -> int:
        return db.session.scalar(select(func.count(UserSession.id))
                                 .where(UserSession.user_id == owner.id))
    assert owner_sessions() == 1
    joined = client.post(invitation_path("giang@example.vn"), data=accept_form())
    assert joined.status_code == 302
    assert "giang@example.vn" in client.get("/account").get_data(as_text=True)
    assert owner_sessions() == 0  # ended on the server, not only replaced in this browser
    login(app.test_client(), owner, PASSWORD)  # the owner's own account is untouched
