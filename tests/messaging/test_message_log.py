"""The message log: a business reads its own messages, a week's organiser reads the week's and
sends one again, the development outbox exists in development only; and with the in-app sender
(no Redis), an email leaves on its own shortly after the commit."""
from __future__ import annotations

import pytest

from exhibit.booking import services as booking
from exhibit.floorplan.services import get_booth
from exhibit.messaging import dispatch, outbox
from tests.conftest import bearer, login
from tests.messaging.test_outbox import HOLD, forget_messages, messages


@pytest.fixture
def held(make_exhibitor, open_week):
    user = make_exhibitor("Hợp tác xã Mật ong Thử")
    booking.apply_to_week(actor=user, week=open_week, data={"booth_count": 1})
    forget_messages()
    booking.hold_booth(actor=user, week=open_week, booth=get_booth(open_week, "A02"))
    return user


def test_a_business_reads_its_own_messages_only(app, client, held, make_exhibitor):
    login(client, held)
    page = client.get("/my/messages").get_data(as_text=True)
    assert "Đã giữ gian A02" in page and 'data-event="booking.hold_placed"' in page
    other = make_exhibitor("Cơ sở Khác")
    client.post("/logout")
    login(client, other)
    assert "Đã giữ gian A02" not in client.get("/my/messages").get_data(as_text=True)


def test_the_organiser_reads_the_week_log_and_sends_a_message_again(app, client, held, organiser,
                                                                   open_week, mail_to):
    outbox.send_due()
    login(client, organiser)
    page = client.get(f"/organiser/weeks/{open_week.slug}/messages").get_data(as_text=True)
    assert held.email in page and 'data-state="sent"' in page
    [original] = messages()
    response = client.post(f"/organiser/weeks/{open_week.slug}/messages/{original.id}/resend")
    assert response.status_code == 302
    copy = messages(event=HOLD)[-1]
    assert (copy.resend_of_id, copy.state, copy.address) == (original.id, "pending", held.email)
    outbox.send_due()
    assert len(mail_to.wait_for(2)) == 2


def test_another_organiser_cannot_read_or_resend(app, client, held, open_week):
    from exhibit.accounts.services import create_organiser_user
    stranger = create_organiser_user(email="other@sct.example", password="thanhlong2024",
                                     organizer_name="Sở Công Thương Long An",
                                     organizer_short_name="SCT-LA")
    login(client, stranger)
    assert client.get(f"/organiser/weeks/{open_week.slug}/messages").status_code in (403, 404)
    [message] = messages(event=HOLD)
    count_before = len(messages())
    answer = client.post(f"/organiser/weeks/{open_week.slug}/messages/{message.id}/resend")
    assert answer.status_code in (403, 404) and len(messages()) == count_before


def test_the_development_outbox_is_there_in_development_only(app, client, held):
    assert client.get("/dev/outbox").status_code == 404
    app.config["ENV_NAME"] = "development"
    try:
        page = client.get("/dev/outbox").get_data(as_text=True)
        from_afar = client.get("/dev/outbox", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    finally:
        app.config["ENV_NAME"] = "testing"
    assert "Đã giữ gian A02" in page
    assert from_afar.status_code == 404  # a development server on a network shows nothing


def test_without_redis_the_app_sends_the_email_itself_after_the_commit(app, client, mail_to,
                                                                       make_exhibitor, open_week):
    user = make_exhibitor("Hợp tác xã Hồ tiêu Thử")
    booking.apply_to_week(actor=user, week=open_week, data={"booth_count": 1})
    forget_messages()
    app.config["MESSAGE_DISPATCH"] = "thread"
    try:
        response = client.post(f"/api/v1/weeks/{open_week.slug}/booths/A05/hold",
                               headers=bearer(app, user))
        assert response.status_code == 201
        [email] = mail_to.wait_for(1, timeout=10)  # nobody called send_due
    finally:
        app.config["MESSAGE_DISPATCH"] = "none"
        dispatch.stop_all()
    assert "A05" in email["Subject"]


def test_the_week_log_pages_and_keeps_the_business_filter(app, client, held, organiser,
                                                         open_week, monkeypatch):
    from exhibit.messaging import log
    monkeypatch.setattr(log, "PAGE_SIZE", 1)
    booking.release_allocation(actor=organiser, allocation=booking.get_allocation(
        messages(event=HOLD)[0].subject_id), reason="Thử")  # the fixture's A02: one at a time
    forget_messages()
    for n in range(3):
        booking.release_allocation(actor=organiser, allocation=booking.get_allocation(
            booking.hold_booth(actor=held, week=open_week,
                               booth=get_booth(open_week, f"A0{n + 3}")).id), reason="Thử")
    login(client, organiser)
    url = f"/organiser/weeks/{open_week.slug}/messages?business={held.business_id}"
    first = client.get(url).get_data(as_text=True)
    assert first.count("data-event=") == 1
    older = first.split('rel="next" href="')[1].split('"')[0]
    assert f"business={held.business_id}" in older and "page=2" in older
    assert client.get(older).get_data(as_text=True).count("data-event=") == 1
