"""The outbox: every message the system sends, from the moment the change that causes it is
committed until it is sent, fails for good, or is suppressed."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from exhibit.core.db import UTCDateTime, utcnow
from exhibit.extensions import db


class Channel(str, enum.Enum):
    ZALO = "zalo"
    SMS = "sms"
    EMAIL = "email"


class State(str, enum.Enum):
    #: waiting to be sent (first try, or a retry at next_attempt_at)
    PENDING = "pending"
    #: a sender has claimed it until lease_until; a sender that died leaves it to the next
    SENDING = "sending"
    SENT = "sent"
    #: given up: a permanent refusal, or too many failed attempts (last_error says which)
    FAILED = "failed"
    #: never sent on purpose: the person turned the channel off, or has no address for it
    SUPPRESSED = "suppressed"


_channels = ", ".join(f"'{c.value}'" for c in Channel)
_states = ", ".join(f"'{s.value}'" for s in State)


class Message(db.Model):
    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint(f"channel IN ({_channels})", name="channel"),
        CheckConstraint(f"state IN ({_states})", name="state"),
        Index("ix_messages_due", "state", "next_attempt_at"),
        Index("ix_messages_week", "week_id", "created_at"),
        Index("ix_messages_business", "business_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the event, the object and the person: one message per key, however often the cause
    #: is announced or a clock tick runs ("booking.hold_placed:allocation-12:user-5")
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    #: which event's template: "booking.hold_placed"
    event: Mapped[str] = mapped_column(String(60))
    template_version: Mapped[int] = mapped_column(default=1)
    channel: Mapped[str] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(5))
    #: the email address, or the phone in E.164 ("+84912345678")
    address: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                index=True)
    business_id: Mapped[int | None] = mapped_column(
        ForeignKey("businesses.id", ondelete="SET NULL"))
    week_id: Mapped[int | None] = mapped_column(
        ForeignKey("exhibition_weeks.id", ondelete="SET NULL"))
    #: the domain object it is about: ("allocation", 12), ("document", 7), ("user", 5)
    subject_type: Mapped[str] = mapped_column(String(30), default="")
    subject_id: Mapped[int | None] = mapped_column()
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    #: the template parameters a Zalo ZNS template is filled with
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(12), default=State.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: what the provider called it (SMTP Message-ID, Zalo msg_id, the SMS provider's id)
    provider_id: Mapped[str] = mapped_column(String(200), default="")
    #: set when an organiser sent it again: the original's id
    resend_of_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
