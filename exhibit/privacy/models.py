"""The consent ledger and the data-subject requests desk.

Law 91/2025/QH15 and Decree 356/2025/NĐ-CP (in force from 1/1/2026): consent is explicit, informed
of the data, the purpose and who processes it, and kept as evidence; a subject may withdraw it,
and may ask to see, correct or delete what is held, or to stop its processing — acknowledged
within 2 working days, done within 15 days (20 where exhibitors must also act), extended once by
at most 15 days with a reason (see ../shared/DOMAIN.md §10).
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exhibit.core import history
from exhibit.core.db import UTCDateTime, utcnow
from exhibit.extensions import db


class ConsentPurpose(str, enum.Enum):
    #: a visitor's or buyer's registration: the organiser runs the week with it (badge, entry)
    REGISTRATION = "registration"
    #: exhibitors who scan the badge receive the contact (given at registration)
    SHARE_WITH_EXHIBITORS = "share_with_exhibitors"
    #: a contact left for one exhibitor on its booth page
    LEAVE_CONTACT = "leave_contact"
    #: a buyer's B2B registration: suppliers of the session see the buyer's profile
    B2B = "b2b"
    #: reminders and news through a message channel (Zalo, SMS, email)
    MESSAGES = "messages"

    @property
    def title(self) -> str:
        return str(CONSENT_PURPOSE_TITLES[self])


CONSENT_PURPOSE_TITLES = {
    ConsentPurpose.REGISTRATION: _l("Registration for the week"),
    ConsentPurpose.SHARE_WITH_EXHIBITORS: _l("Contact shared with exhibitors who scan the badge"),
    ConsentPurpose.LEAVE_CONTACT: _l("Contact left for an exhibitor"),
    ConsentPurpose.B2B: _l("B2B meetings"),
    ConsentPurpose.MESSAGES: _l("Messages"),
}


class RecipientKind(str, enum.Enum):
    """Who receives the data under a consent."""
    ORGANISER = "organiser"
    #: every exhibitor of the week who scans the badge
    EXHIBITORS = "exhibitors"
    #: one named exhibitor (recipient_business_id)
    EXHIBITOR = "exhibitor"
    #: one named buyer's business (recipient_business_id)
    BUYER = "buyer"


class ConsentChannel(str, enum.Enum):
    WEB = "web"          # a form on the site
    DESK = "desk"        # staff at the registration desk, on the person's word
    API = "api"
    SCANNER = "scanner"  # an exhibitor's lead scanner


_purposes = ", ".join(f"'{p.value}'" for p in ConsentPurpose)
_recipients = ", ".join(f"'{r.value}'" for r in RecipientKind)
_channels = ", ".join(f"'{c.value}'" for c in ConsentChannel)
_NAMED = "'exhibitor', 'buyer'"


class Consent(db.Model):
    """One consent a person gave, with the evidence: the text exactly as shown (and its version),
    the purpose, who receives what, through which channel, when, and until when it is kept.
    A withdrawal sets ``withdrawn_at``; the row itself is never deleted (the purge replaces the
    subject's name, phone and email with placeholders)."""
    __tablename__ = "consents"
    __table_args__ = (
        CheckConstraint(f"purpose IN ({_purposes})", name="purpose"),
        CheckConstraint(f"recipient_kind IN ({_recipients})", name="recipient_kind"),
        CheckConstraint(f"channel IN ({_channels})", name="channel"),
        CheckConstraint(f"recipient_kind NOT IN ({_NAMED}) OR recipient_business_id IS NOT NULL",
                        name="named_recipient"),
        Index("ix_consents_week_purpose", "week_id", "purpose"),
        Index("ix_consents_subject_phone", "organizer_id", "subject_phone"),
        Index("ix_consents_subject_email", "organizer_id", "subject_email"),
        Index("ix_consents_badge", "badge_id"),
        Index("ix_consents_lead", "lead_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the controller: the organiser running the week
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id", ondelete="CASCADE"))
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="CASCADE"))
    #: the data subject as given (E.164 phone, email): the privacy page finds consents by these
    subject_name: Mapped[str] = mapped_column(String(200), default="")
    subject_phone: Mapped[str] = mapped_column(String(20), default="")
    subject_email: Mapped[str] = mapped_column(String(254), default="")
    purpose: Mapped[str] = mapped_column(String(30))
    recipient_kind: Mapped[str] = mapped_column(String(12))
    recipient_business_id: Mapped[int | None] = mapped_column(
        ForeignKey("businesses.id", ondelete="SET NULL"))
    #: the recipient's name as it was shown to the person ("Công ty TNHH Cà phê Buôn Ma Thuột")
    recipient_name: Mapped[str] = mapped_column(String(255), default="")
    #: what is shared, comma-separated: name, phone, email, organisation, position, message
    data_categories: Mapped[str] = mapped_column(String(200), default="")
    channel: Mapped[str] = mapped_column(String(10), default=ConsentChannel.WEB.value)
    #: the sentence exactly as shown, and the version of that text ("leave_contact/2")
    text: Mapped[str] = mapped_column(Text, default="")
    text_version: Mapped[str] = mapped_column(String(40), default="")
    given_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: the last day the data may be kept under this consent (the week's retention end)
    retention_until: Mapped[date | None] = mapped_column(Date())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: "privacy_page", "request" (a desk request), "staff"
    withdrawn_via: Mapped[str] = mapped_column(String(20), default="")
    #: where the data sits: the badge registered, or the lead an exhibitor holds
    badge_id: Mapped[int | None] = mapped_column(ForeignKey("badges.id", ondelete="SET NULL"))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"))
    #: the buyer's B2B registration, when the consent is for B2B meetings
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("b2b_buyers.id", ondelete="SET NULL"))
    #: set by the purge: the subject's data was replaced by placeholders
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    week = relationship("ExhibitionWeek")
    recipient_business = relationship("Business")

    @property
    def purpose_enum(self) -> ConsentPurpose:
        return ConsentPurpose(self.purpose)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class RequestKind(str, enum.Enum):
    ACCESS = "access"
    CORRECTION = "correction"
    DELETION = "deletion"
    STOP = "stop"
    WITHDRAWAL = "withdrawal"

    @property
    def title(self) -> str:
        return str(REQUEST_KIND_TITLES[self])

    @property
    def exhibitors_act(self) -> bool:
        """Deletion and stopping are forwarded to every exhibitor holding the data."""
        return self in (RequestKind.DELETION, RequestKind.STOP)


REQUEST_KIND_TITLES = {
    RequestKind.ACCESS: _l("See my data"),
    RequestKind.CORRECTION: _l("Correct my data"),
    RequestKind.DELETION: _l("Delete my data"),
    RequestKind.STOP: _l("Stop processing my data"),
    RequestKind.WITHDRAWAL: _l("Withdraw consent"),
}


class RequestStatus(str, enum.Enum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    #: waiting for exhibitors to confirm they acted
    FORWARDED = "forwarded"
    COMPLETED = "completed"
    REFUSED = "refused"

    @property
    def title(self) -> str:
        return str(REQUEST_STATUS_TITLES[self])


REQUEST_STATUS_TITLES = {
    RequestStatus.RECEIVED: _lp("request status", "Received"),
    RequestStatus.ACKNOWLEDGED: _l("Acknowledged"),
    RequestStatus.FORWARDED: _l("Waiting for exhibitors"),
    RequestStatus.COMPLETED: _l("Completed"),
    RequestStatus.REFUSED: _l("Refused"),
}

_kinds = ", ".join(f"'{k.value}'" for k in RequestKind)
_statuses = ", ".join(f"'{s.value}'" for s in RequestStatus)
_OPEN = "status NOT IN ('completed', 'refused')"


class DataRequest(db.Model):
    """A data subject's request to an organiser, with its clocks."""
    __tablename__ = "data_requests"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_kinds})", name="kind"),
        CheckConstraint(f"status IN ({_statuses})", name="status"),
        Index("ix_data_requests_open", "organizer_id", "due_at",
              sqlite_where=db.text(_OPEN), postgresql_where=db.text(_OPEN)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id", ondelete="CASCADE"))
    #: the week the request is about, when it names one
    week_id: Mapped[int | None] = mapped_column(
        ForeignKey("exhibition_weeks.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12), default=RequestStatus.RECEIVED.value)
    subject_name: Mapped[str] = mapped_column(String(200), default="")
    subject_phone: Mapped[str] = mapped_column(String(20), default="")
    subject_email: Mapped[str] = mapped_column(String(254), default="")
    #: what the person asks (a correction's new values, a free explanation)
    details: Mapped[str] = mapped_column(Text, default="")
    #: "privacy_page" or "staff"
    via: Mapped[str] = mapped_column(String(20), default="privacy_page")
    #: the consent the request is about, when it names one (a withdrawal from the privacy page)
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consents.id", ondelete="SET NULL"))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: the clocks: acknowledge by (2 working days), complete by (15 or 20 days, or extended)
    acknowledge_due: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: one extension of at most 15 days, with its reason
    extended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the final answer sent to the person
    outcome: Mapped[str] = mapped_column(Text, default="")

    tasks = relationship("DataRequestTask", back_populates="request",
                         cascade="all, delete-orphan", order_by="DataRequestTask.id")
    week = relationship("ExhibitionWeek")

    @property
    def kind_enum(self) -> RequestKind:
        return RequestKind(self.kind)

    @property
    def status_enum(self) -> RequestStatus:
        return RequestStatus(self.status)

    @property
    def is_open(self) -> bool:
        return self.status not in (RequestStatus.COMPLETED.value, RequestStatus.REFUSED.value)


class DataRequestTask(db.Model):
    """A deletion or stop request forwarded to one exhibitor holding the person's data; the
    request completes only when every task is confirmed."""
    __tablename__ = "data_request_tasks"
    __table_args__ = (
        db.UniqueConstraint("request_id", "business_id", name="uq_data_request_tasks"),
        Index("ix_data_request_tasks_business", "business_id", "confirmed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("data_requests.id", ondelete="CASCADE"))
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")

    request = relationship("DataRequest", back_populates="tasks")
    business = relationship("Business")


# the audit history shows these fields by their titles (core/history.py)
history.register_titles("consent", "purpose", ConsentPurpose)
history.register_titles("data_request", "kind", RequestKind)
history.register_titles("data_request", "status", RequestStatus)
