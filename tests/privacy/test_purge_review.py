"""Review findings on the purge (privacy/purge.py): what is sent to a person about a request
naming no week goes with the request's details, and a purged message keeps no address in its
idempotency key — on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import Text, cast, select

from exhibit.extensions import db
from exhibit.messaging.models import Message
from exhibit.privacy import desk
from exhibit.privacy.purge import purge_closed_requests, purge_week

NOW = datetime(2027, 12, 6, 3, 0, tzinfo=timezone.utc)
NAME, PHONE, EMAIL = "Trần Thị Hương", "+84903111222", "khach.hang@example.vn"


def _request(organiser, *, week=None, at):
    request = desk.receive_request(organizer_id=organiser.organizer_id, kind="access",
                                   subject_name=NAME, subject_phone="0903 111 222",
                                   subject_email=EMAIL, details="Gọi điện", week=week, now=at)
    desk.complete(request.id, actor=organiser, outcome="Đã gửi", now=at)
    return request


def _traces(request_id: int) -> list[str]:
    """Where the person's name, phone or email still is among the request's messages."""
    db.session.expire_all()
    rows = db.session.execute(select(
        Message.id, cast(Message.idempotency_key, Text), Message.address, Message.subject,
        Message.body_text, Message.body_html, cast(Message.params, Text)).where(
        Message.subject_type == "data_request", Message.subject_id == request_id)).all()
    assert rows, "the receipt and the answer were queued"
    return [f"message {row[0]}" for row in rows
            if any(value in (text or "") for text in row[1:] for value in (NAME, PHONE, EMAIL))]


def test_messages_about_a_request_naming_no_week_are_purged_with_it(app, organiser):
    request = _request(organiser, at=NOW - timedelta(days=400))
    assert _traces(request.id)
    assert purge_closed_requests(NOW) == 1
    assert _traces(request.id) == []
    assert purge_closed_requests(NOW) == 0


def test_a_purged_week_keeps_no_address_in_its_messages_keys(app, organiser, open_week):
    request = _request(organiser, week=open_week, at=NOW - timedelta(days=10))
    assert _traces(request.id)
    result = purge_week(open_week.id, now=NOW)
    assert result.counts["messages"] >= 2
    assert _traces(request.id) == []
