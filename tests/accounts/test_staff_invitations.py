"""Entrance staff invited by link, like a business's colleagues (test_team_invitations): the
organiser names the person and their email at /organiser/staff; the person opens the emailed
link, which names the organising body, chooses their own password, and is signed in as entrance
staff of that body. Nobody types the staff member's password; links work once, for 7 days, and
a cancelled invitation's link opens nothing."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from exhibit.accounts import invitations, links
from exhibit.accounts.models import User
from exhibit.core.db import utcnow
from exhibit.core.errors import Conflict, Forbidden
from exhibit.extensions import db
from exhibit.messaging import outbox
from tests.accounts.test_team_invitations import CHOSEN, INVITE, accept_form, invitation_path
from tests.conftest import PASSWORD, login
from tests.messaging.test_outbox import messages

BODY = "ITPC thử nghiệm"  # the organiser fixture's organising body


def _stranger():
    from exhibit.accounts.services import create_organiser_user
    return create_organiser_user(email="btc@longan.example", password=PASSWORD,
                                 organizer_name="Sở Công Thương Long An",
                                 organizer_short_name="SCT-LA")


def _signs_in(app, email: str, password: str) -> bool:
    return app.test_client().post("/login", data={"email": email, "password": password}
                                  ).status_code == 302


def test_staff_invited_end_to_end_through_the_smtp_server(app, client, mail_to, organiser,
                                                          open_week):
    login(client, organiser)
    page = client.get("/organiser/staff").get_data(as_text=True)
    assert 'type="password"' not in page  # nobody types the staff member's password
    sent = client.post("/organiser/staff", data={"full_name": "Trần Thị Cổng",
                                                 "email": "Cong.A@ITPC.example"})
    assert sent.status_code == 302
    invited = db.session.scalar(select(User).where(User.email == "cong.a@itpc.example"))
    assert invited.role == "entrance" and invited.organizer_id == organiser.organizer_id
    assert not invited.active and invited.business_id is None
    page = client.get("/organiser/staff").get_data(as_text=True)
    assert f'data-invitation="{invited.id}"' in page and f'data-user="{invited.id}"' not in page
    assert 'type="password"' not in page
    # not an account yet: no password opens it, not even the placeholder stored for it
    for attempt in ("", invited.password_hash, CHOSEN):
        assert not _signs_in(app, "cong.a@itpc.example", attempt)

    assert outbox.send_due() == 1
    [email] = mail_to.wait_for(1)
    assert email["To"] == "cong.a@itpc.example"
    assert email["Subject"] == f"Lời mời tham gia {BODY} trên exhibit"
    text = email.get_body(("plain",)).get_content()
    assert BODY in text
    path = re.search(r"http://exhibit\.test(/account/invitation/\S+)", text).group(1)

    person = app.test_client()
    opened = person.get(path)
    assert opened.status_code == 200 and BODY in opened.get_data(as_text=True)
    weak = person.post(path, data=accept_form("short"))
    assert weak.status_code == 422
    assert not db.session.get(User, invited.id, populate_existing=True).active
    joined = person.post(path, data=accept_form())
    assert joined.status_code == 302 and joined.location.endswith("/gate")
    assert person.get("/gate").status_code == 200  # signed in at the gate
    assert person.get(f"/gate/{open_week.slug}").status_code == 200
    assert person.get("/organiser/staff").status_code in (403, 404)  # and nothing else
    assert person.get("/my").status_code in (302, 403, 404)

    staff = db.session.get(User, invited.id, populate_existing=True)
    assert staff.active and staff.email_verified_at is not None
    assert staff.role == "entrance" and staff.organizer_id == organiser.organizer_id
    assert staff.full_name == "Trần Văn Bình"  # as the person wrote it on accepting
    assert person.get(path).status_code == 404  # the link works once
    assert person.post(path, data=accept_form("another-2026x")).status_code == 404
    assert app.test_client().post(path, data=accept_form("another-2026x")).status_code == 404
    assert _signs_in(app, staff.email, CHOSEN)
    assert [m.event for m in messages(user_id=staff.id)] == [INVITE]  # no second link

    page = client.get("/organiser/staff").get_data(as_text=True)
    assert f'data-user="{staff.id}"' in page and f'data-invitation="{staff.id}"' not in page
    # disabling and enabling work as for any staff account
    assert client.post(f"/organiser/staff/{staff.id}/disable").status_code == 302
    assert person.get("/gate").status_code == 302  # signed out
    assert not _signs_in(app, staff.email, CHOSEN)
    assert client.post(f"/organiser/staff/{staff.id}/enable").status_code == 302
    assert _signs_in(app, staff.email, CHOSEN)


def test_a_cancelled_staff_invitation_opens_nothing(app, client, organiser):
    login(client, organiser)
    client.post("/organiser/staff", data={"full_name": "Lê Cổng", "email": "le.cong@itpc.example"})
    path = invitation_path("le.cong@itpc.example")
    invited = db.session.scalar(select(User).where(User.email == "le.cong@itpc.example"))

    # another organising body's organiser can neither see nor cancel it
    other = app.test_client()
    login(other, _stranger())
    assert other.post(f"/organiser/staff/invitations/{invited.id}/cancel").status_code == 404
    assert other.post(f"/organiser/staff/invitations/{organiser.id}/cancel").status_code == 404
    assert "le.cong@itpc.example" not in other.get("/organiser/staff").get_data(as_text=True)
    assert app.test_client().get(path).status_code == 200  # still waiting
    # nor can an exhibitor's team page cancel it
    assert client.post(f"/my/team/invitations/{invited.id}/cancel").status_code in (403, 404)

    cancelled = client.post(f"/organiser/staff/invitations/{invited.id}/cancel")
    assert cancelled.status_code == 302
    assert db.session.scalar(select(User).where(User.email == "le.cong@itpc.example")) is None
    assert app.test_client().get(path).status_code == 404
    assert app.test_client().post(path, data=accept_form()).status_code == 404
    assert f'data-invitation="{invited.id}"' not in client.get("/organiser/staff").get_data(
        as_text=True)
    assert client.post(f"/organiser/staff/invitations/{invited.id}/cancel").status_code == 404
    # the address is free again: a new invitation, a new link; the old one stays dead
    assert client.post("/organiser/staff", data={"full_name": "Lê Cổng",
                                                 "email": "le.cong@itpc.example"}).status_code == 302
    again = invitation_path("le.cong@itpc.example")
    assert again != path and app.test_client().get(path).status_code == 404
    assert app.test_client().get(again).status_code == 200


def test_the_staff_invitation_rules(app, client, organiser, make_exhibitor):
    exhibitor = make_exhibitor()
    login(client, organiser)
    taken = client.post("/organiser/staff", data={"full_name": "Ai đó", "email": exhibitor.email})
    assert taken.status_code == 409 and 'class="error"' in taken.get_data(as_text=True)

    invited = invitations.invite_entrance_staff(actor=organiser, email="cong.b@itpc.example",
                                                full_name="Cổng B")
    first = invitation_path("cong.b@itpc.example")
    invitations.invite_entrance_staff(actor=organiser, email="cong.b@itpc.example",
                                      full_name="Phạm Cổng B")
    second = invitation_path("cong.b@itpc.example")
    assert app.test_client().get(first).status_code == 404  # replaced by the newer link
    assert app.test_client().get(second).status_code == 200
    with pytest.raises(Conflict):  # another body, or a business, cannot take the address
        invitations.invite_entrance_staff(actor=_stranger(), email="cong.b@itpc.example",
                                          full_name="Cổng B")
    with pytest.raises(Conflict):
        invitations.invite(actor=exhibitor, email="cong.b@itpc.example", full_name="Cổng B")
    with pytest.raises(Forbidden):  # only organisers invite entrance staff
        invitations.invite_entrance_staff(actor=exhibitor, email="x@itpc.example",
                                          full_name="X")
    assert [i.user.id for i in invitations.pending_staff(organiser.organizer_id)] == [invited.id]
    assert invitations.pending(exhibitor.business_id) == []

    token = second.rsplit("/", 1)[1]
    with pytest.raises(links.LinkNotValid):  # 7 days
        invitations.accept(token, password=CHOSEN, now=utcnow() + timedelta(days=7, minutes=1))
    user = invitations.accept(token, password=CHOSEN, now=utcnow() + timedelta(days=6))
    assert user.active and user.is_entrance and user.full_name == "Phạm Cổng B"
    assert invitations.pending_staff(organiser.organizer_id) == []
    with pytest.raises(links.LinkNotValid):
        invitations.accept(token, password="another-2026x")
