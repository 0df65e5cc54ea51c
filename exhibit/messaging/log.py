"""Who was told what: the message log of a week (for its organiser), of a business (for the
business itself), and the development outbox."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import or_, select

from exhibit.core import paging
from exhibit.core.errors import NotFound
from exhibit.extensions import db
from exhibit.messaging.models import Message

PAGE_SIZE = 100


def _page(query, page: int) -> paging.Page:
    return paging.page_of(lambda limit, offset: db.session.scalars(
        query.order_by(Message.id.desc()).limit(limit).offset(offset)).all(), page, PAGE_SIZE)


def week_messages(week, *, page: int = 1, business_id: int | None = None) -> paging.Page:
    query = select(Message).where(Message.week_id == week.id)
    if business_id:
        query = query.where(Message.business_id == business_id)
    return _page(query, page)


def messages_for(user, *, page: int = 1) -> paging.Page:
    """What a person was sent, and what their business was sent."""
    mine = Message.user_id == user.id
    if user.business_id:
        mine = or_(mine, Message.business_id == user.business_id)
    return _page(select(Message).where(mine), page)


def recent(*, page: int = 1) -> paging.Page:
    return _page(select(Message), page)


def get_week_message(week, message_id: int) -> Message:
    message = db.session.get(Message, message_id)
    if message is None or message.week_id != week.id:
        raise NotFound(_("There is no such message."))
    return message
