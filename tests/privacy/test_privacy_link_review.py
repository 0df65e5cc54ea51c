"""Review finding on the privacy link (core.privacy_links, messaging.outbox): a message that
moves on to the next channel after a permanent refusal carries the link for the address it now
goes to — never the one the refused channel used — on SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import select

from exhibit.core.db import utcnow
from exhibit.core.privacy_links import privacy_link
from exhibit.extensions import db
from exhibit.messaging.models import Message
from tests.privacy.test_privacy_page import leave_contact, path

VICTIM_PHONE = "+84903111222"


def test_a_message_moved_on_to_email_carries_the_emails_link(app, client, organiser, open_week,
                                                             exhibitor_with_booth):
    """Someone types another person's phone and their own email at a booth; the SMS to that
    phone is refused for good and the receipt moves on to the email: the link in it must not
    open the phone's owner's page."""
    from exhibit.badges.services import register_visitor
    from exhibit.messaging import outbox
    from exhibit.messaging.channels import DeliveryFailed
    from tests.conftest import visitor_data
    register_visitor(week=open_week, data=visitor_data(
        full_name="Trần Thị Bích", phone="0903 111 222", email="bich@example.vn"))
    app.config["SMS_API_URL"] = "http://sms.invalid/send"
    try:
        leave_contact(client, open_week, "A01", phone="0903 111 222", email="ke.go@example.vn")
        sms = db.session.scalar(select(Message).where(
            Message.event == "visitor.contact_receipt"))
        assert sms.channel == "sms" and sms.address == VICTIM_PHONE
        outbox._record_failure(sms.id, DeliveryFailed("number blocked", permanent=True),
                               utcnow())
    finally:
        app.config["SMS_API_URL"] = None
    db.session.expire_all()
    email = db.session.scalar(select(Message).where(
        Message.event == "visitor.contact_receipt", Message.channel == "email"))
    assert email is not None and email.address == "ke.go@example.vn"
    link = email.params["context"]["privacy"]
    assert link == privacy_link(organiser.organizer_id, email="ke.go@example.vn")
    assert link in email.body_text
    assert privacy_link(organiser.organizer_id, phone=VICTIM_PHONE) not in email.body_text
    html = client.get(path(link)).get_data(as_text=True)
    assert "Trần Thị Bích" not in html and "0903 111 222" not in html
