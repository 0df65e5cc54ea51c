"""Personal data requests on the organiser's desk, through the real services: a deletion
request forwarded to the exhibitor holding the person's contact, an access request answered,
and a request left unacknowledged past its clock (so the desk shows an overdue one)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from sqlalchemy import select

from exhibit.core.db import utcnow
from exhibit.extensions import db
from exhibit.privacy import desk
from exhibit.privacy.models import DataRequest
from exhibit.visitors.models import Lead
from exhibit.weeks.models import ExhibitionWeek

SLUG = "ket-noi-cung-cau-dak-lak-2024"


def seed_requests(organiser) -> Iterator[str]:
    if db.session.scalar(select(DataRequest.id).where(
            DataRequest.organizer_id == organiser.organizer_id)):
        yield "personal data requests: already there"
        return
    week = db.session.scalar(select(ExhibitionWeek).where(ExhibitionWeek.slug == SLUG))
    leads = db.session.scalars(select(Lead).where(Lead.week_id == week.id, Lead.phone != "")
                               .order_by(Lead.id).limit(3)).all()
    if len(leads) < 3:
        yield "personal data requests: no contacts to ask about"
        return
    now = utcnow()
    first, second, third = leads
    deletion = desk.receive_request(
        organizer_id=organiser.organizer_id, kind="deletion", subject_name=first.full_name,
        subject_phone=first.phone, subject_email=first.email, week=week,
        details="Tôi không còn muốn nhận liên hệ từ các doanh nghiệp.",
        now=now - timedelta(days=3))
    desk.acknowledge(deletion.id, actor=organiser, now=now - timedelta(days=2))
    desk.forward(deletion.id, actor=organiser, now=now - timedelta(days=2))
    access = desk.receive_request(
        organizer_id=organiser.organizer_id, kind="access", subject_name=second.full_name,
        subject_phone=second.phone, subject_email=second.email, via="staff", entered_by=organiser,
        details="Khách gọi điện đến tổng đài.", week=week, now=now - timedelta(days=6))
    desk.complete(access.id, actor=organiser, outcome="Đã gửi đường dẫn tải dữ liệu.",
                  now=now - timedelta(days=5))
    desk.receive_request(
        organizer_id=organiser.organizer_id, kind="stop", subject_name=third.full_name,
        subject_phone=third.phone, subject_email=third.email, week=week,
        now=now - timedelta(days=20))
    yield ("personal data requests: a deletion waiting for the exhibitor, an access request "
           "answered, a stop request overdue")
