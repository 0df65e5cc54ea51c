"""The outbox against a real SMTP server and stand-ins for the Zalo and SMS APIs: written with the
change, sent after the commit, once per person and channel, retried, moved on, never lost."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from exhibit import clock
from exhibit.booking import services as booking
from exhibit.core.db import utcnow, write_transaction
from exhibit.extensions import db
from exhibit.floorplan.services import get_booth
from exhibit.messaging import outbox
from exhibit.messaging.models import Message
from exhibit.vn.dates import format_moment
from tests.conftest import bearer


HOLD = "booking.hold_placed"


def forget_messages() -> None:
    """Start a test from an empty outbox (its setup told people things too)."""
    db.session.execute(delete(Message))
    db.session.commit()


def messages(**where) -> list[Message]:
    db.session.expire_all()
    query = select(Message).order_by(Message.id)
    for name, value in where.items():
        query = query.where(getattr(Message, name) == value)
    return list(db.session.scalars(query))


@pytest.fixture
def applicant(make_exhibitor, open_week):
    user = make_exhibitor("Hợp tác xã Cà phê Đắk Lắk Thử")
    booking.apply_to_week(actor=user, week=open_week, data={"booth_count": 1})
    forget_messages()  # "application received" is tested with the other application events
    return user


def test_a_hold_through_the_api_emails_the_booth_and_deadline(app, client, mail_to, applicant,
                                                              open_week):
    response = client.post(f"/api/v1/weeks/{open_week.slug}/booths/A03/hold",
                           headers=bearer(app, applicant))
    assert response.status_code == 201
    [message] = messages(event="booking.hold_placed")
    assert (message.state, message.channel, message.address) == ("pending", "email", applicant.email)

    assert outbox.send_due() == 1
    [email] = mail_to.wait_for(1)
    deadline = format_moment(booking.get_allocation(message.subject_id).expires_at)
    assert email["To"] == applicant.email
    assert email["Subject"] == f"Đã giữ gian A03 – {open_week.name_vi}"  # UTF-8 header, decoded
    text = email.get_body(("plain",)).get_content()
    html = email.get_body(("html",)).get_content()
    assert "A03" in text and deadline in text and "Hợp tác xã Cà phê Đắk Lắk Thử" in text
    assert "http://exhibit.test/my" in text and 'href="http://exhibit.test/my"' in html
    assert messages(event="booking.hold_placed")[0].state == "sent"
    assert outbox.send_due() == 0  # sent once


def test_the_recipients_language_and_one_message_per_person(app, mail_to, applicant, open_week,
                                                            make_exhibitor):
    from exhibit.accounts.services import add_business_member
    colleague = add_business_member(actor=applicant, email="english-speaker@example.vn",
                                    password="colleague-2026", full_name="Colleague")
    colleague.locale = "en"
    db.session.commit()
    booking.hold_booth(actor=applicant, week=open_week, booth=get_booth(open_week, "A02"))
    sent = {m.address: m for m in messages(event="booking.hold_placed")}
    assert set(sent) == {applicant.email, "english-speaker@example.vn"}
    assert sent["english-speaker@example.vn"].subject == f"Booth A02 held – {open_week.name_en}"
    assert sent[applicant.email].language == "vi"
    outbox.send_due()
    assert {e["To"] for e in mail_to.wait_for(2)} == set(sent)


def test_a_rollback_sends_nothing(app, applicant, open_week):
    with pytest.raises(RuntimeError), write_transaction():
        outbox.queue("booking.confirmed", outbox.recipient_for(applicant), about=("allocation", 1),
                     context={"booth": "A01", "week": "W", "organiser": "O", "sender": "S",
                              "business": "B", "link": "http://exhibit.test/my"})
        raise RuntimeError("the change failed")
    assert messages() == []


def test_the_same_cause_twice_is_one_message(app, applicant):
    context = {"booth": "A01", "week": "W", "organiser": "O", "sender": "S", "business": "B",
               "link": "http://exhibit.test/my"}
    for _ in range(2):
        with write_transaction():
            outbox.queue("booking.confirmed", outbox.recipient_for(applicant),
                         about=("allocation", 7), context=context)
    assert len(messages()) == 1


def test_a_refusing_smtp_server_is_retried_until_the_message_is_sent(app, mail_to, applicant,
                                                                     open_week):
    mail_to.refuse_next = 1
    booking.hold_booth(actor=applicant, week=open_week, booth=get_booth(open_week, "A01"))
    assert outbox.send_due() == 0
    [message] = messages(event=HOLD)
    assert (message.state, message.attempts) == ("pending", 1)
    assert "451" in message.last_error and message.next_attempt_at > utcnow()
    assert outbox.send_due() == 0  # not due yet
    assert outbox.send_due(now=utcnow() + timedelta(minutes=2)) == 1
    assert messages(event=HOLD)[0].state == "sent" and len(mail_to.wait_for(1)) == 1


def test_an_unreachable_smtp_server_gives_up_after_the_last_attempt(app, applicant, open_week):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)  # nothing listens on port 1
    try:
        booking.hold_booth(actor=applicant, week=open_week, booth=get_booth(open_week, "A01"))
        moment = utcnow()
        for _ in range(outbox.MAX_ATTEMPTS):
            outbox.send_due(now=moment)
            moment += timedelta(hours=7)
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_PORT=587)
    [message] = messages(event=HOLD)
    assert (message.state, message.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert "unreachable" in message.last_error


def test_a_crash_between_commit_and_send_loses_nothing(app, mail_to, applicant, open_week):
    """MESSAGE_DISPATCH is "none" here: the commit happened and no sender ran — as if the
    process died right after it. The next tick sends; so does the next run after a sender
    died holding the lease."""
    booking.hold_booth(actor=applicant, week=open_week, booth=get_booth(open_week, "A01"))
    assert messages(event=HOLD)[0].state == "pending"
    assert clock.tick()["messages_sent"] == 1
    assert len(mail_to.wait_for(1)) == 1

    message = messages(event=HOLD)[0]  # now as if a sender claimed it and died mid-send
    message.state, message.lease_until = "sending", utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert outbox.send_due() == 1  # the dead sender's lease ran out


def test_zalo_first_with_its_template_and_the_phone_in_84_form(app, zalo_and_sms, mail_to,
                                                               applicant, open_week):
    booking.hold_booth(actor=applicant, week=open_week, booth=get_booth(open_week, "A04"))
    [message] = messages(event=HOLD)
    assert (message.channel, message.address) == ("zalo", "+84912345678")
    assert outbox.send_due() == 1
    [request] = zalo_and_sms.sent_to("/zalo/template")
    assert request["headers"]["access_token"] == "oa-token"
    body = request["json"]
    assert body["phone"] == "84912345678"
    assert body["template_id"] == app.config["ZALO_ZNS_TEMPLATES"]["booking.hold_placed"]
    assert body["template_data"]["booth"] == "A04"
    assert body["template_data"]["business"] == "Hợp tác xã Cà phê Đắk Lắk Thử"
    assert messages(event=HOLD)[0].provider_id == "zns-1"
    assert mail_to.messages == []  # one channel per person


def test_a_phone_without_zalo_moves_on_to_unaccented_sms(app, zalo_and_sms, applicant, open_week):
    zalo_and_sms.answers.append({"error": -118, "message": "Zalo account not existed"})
    booking.hold_booth(actor=applicant, week=open_week, booth=get_booth(open_week, "A05"))
    outbox.send_due()
    zalo, sms = messages(event=HOLD)
    assert (zalo.channel, zalo.state) == ("zalo", "failed") and "-118" in zalo.last_error
    assert (sms.channel, sms.state) == ("sms", "sent")
    [request] = zalo_and_sms.sent_to("/sms/send")
    text = request["json"]["text"]
    assert text.isascii() and "gian A05" in text and "dang duoc giu den" in text
    assert request["json"]["to"] == "84912345678"


def test_a_provider_error_is_retried(app, zalo_and_sms, applicant, open_week):
    zalo_and_sms.answers.append(503)
    booking.hold_booth(actor=applicant, week=open_week, booth=get_booth(open_week, "A06"))
    outbox.send_due()
    assert messages(event=HOLD)[0].state == "pending"
    outbox.send_due(now=utcnow() + timedelta(minutes=2))
    assert [m.state for m in messages(event=HOLD)] == ["sent"]
    assert len(zalo_and_sms.sent_to("/zalo/template")) == 2


def test_channels_the_person_turned_off_are_skipped(app, zalo_and_sms, applicant, open_week):
    applicant.messages_by_zalo = applicant.messages_by_sms = False
    db.session.commit()
    booking.hold_booth(actor=applicant, week=open_week, booth=get_booth(open_week, "A01"))
    assert [m.channel for m in messages(event=HOLD)] == ["email"]
    applicant.messages_by_email = False
    db.session.commit()
    booking.release_allocation(actor=applicant,
                               allocation=booking.get_allocation(messages(event=HOLD)[0].subject_id))
    released = messages(event="booking.released")[0]
    assert (released.state, released.last_error) == ("suppressed", "email turned off by the recipient")
    assert outbox.send_due() == 1  # the hold's message only


def test_every_booking_change_tells_the_business(app, organiser, applicant, open_week):
    hold = booking.hold_booth(actor=applicant, week=open_week, booth=get_booth(open_week, "A01"))
    booking.confirm_allocation(actor=organiser, allocation=booking.get_allocation(hold.id))
    moved = booking.move_allocation(actor=organiser, allocation=booking.get_allocation(hold.id),
                                    target=get_booth(open_week, "A02"))
    booking.release_allocation(actor=organiser, allocation=booking.get_allocation(moved.id),
                               reason="Doanh nghiệp xin rút")
    assert [m.event for m in messages()] == [
        "booking.hold_placed", "booking.confirmed", "booking.moved", "booking.released"]
    released = messages(event="booking.released")[0]
    assert "Lý do: Doanh nghiệp xin rút." in released.body_text
    moved_message = messages(event="booking.moved")[0]
    assert "từ A01 sang A02" in moved_message.body_text


def test_two_ticks_at_once_end_a_hold_and_tell_once(app, applicant, open_week):
    from tests.conftest import race
    booking.hold_booth(actor=applicant, week=open_week, booth=get_booth(open_week, "A01"))
    later = utcnow() + timedelta(days=30)
    results = race(app, lambda _i: clock.tick(now=later), 2)
    assert all(isinstance(result, dict) for result in results), results
    assert sum(result["holds_ended"] for result in results) == 1
    assert len(messages(event="booking.hold_lapsed")) == 1


def test_the_clock_warns_once_before_a_hold_lapses_then_tells_it_lapsed(app, applicant,
                                                                        open_week):
    hold = booking.hold_booth(actor=applicant, week=open_week, booth=get_booth(open_week, "A01"))
    assert hold.hold_kind == "short"  # no products listed in the application: 15 minutes
    assert clock.tick(now=hold.expires_at - timedelta(minutes=8))["hold_warnings"] == 0
    assert clock.tick(now=hold.expires_at - timedelta(minutes=4))["hold_warnings"] == 1
    assert clock.tick(now=hold.expires_at - timedelta(minutes=3))["hold_warnings"] == 0
    assert clock.tick(now=hold.expires_at + timedelta(seconds=1))["holds_ended"] == 1
    assert [m.event for m in messages()] == [HOLD, "booking.hold_lapsing", "booking.hold_lapsed"]
    warning = messages(event="booking.hold_lapsing")[0]
    assert format_moment(hold.expires_at) in warning.body_text


def test_an_address_the_smtp_server_cannot_take_fails_at_once(app, applicant, open_week):
    """An address with accents before the @ needs SMTPUTF8; a server without it never will."""
    from aiosmtpd.controller import Controller

    from tests.servers import _Mailbox, free_port
    mailbox = _Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, enable_SMTPUTF8=False)
    controller.start()
    saved = app.config["MAIL_SERVER"], app.config["MAIL_PORT"]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        with write_transaction():
            outbox.queue("booking.confirmed", outbox.Recipient(email="hoà@example.vn"),
                         about=("allocation", 1), context={
                             "booth": "A01", "week": "W", "organiser": "O", "sender": "S",
                             "business": "B", "link": "http://exhibit.test/my"})
        outbox.send_due()
    finally:
        app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = saved
        controller.stop()
    [message] = messages()
    assert (message.state, message.attempts) == ("failed", 1)
    assert "cannot take" in message.last_error and mailbox.messages == []
