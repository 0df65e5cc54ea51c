"""Applications to a week and booth allocations.

An allocation is *active* while it is held or confirmed; the schema itself guarantees at most
one active allocation per booth (a partial unique index), and the booking service takes a row
lock on the booth before it checks, so a lost race is an ordinary 409.
"""
from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exhibit.core import history
from exhibit.core.db import UTCDateTime, utcnow
from exhibit.extensions import db


class ApplicationStatus(str, enum.Enum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def title(self) -> str:
        return str(APPLICATION_STATUS_TITLES[self])


APPLICATION_STATUS_TITLES = {
    ApplicationStatus.SUBMITTED: _l("Submitted"), ApplicationStatus.APPROVED: _l("Approved"),
    ApplicationStatus.WAITLISTED: _l("On the waiting list"),
    ApplicationStatus.REJECTED: _l("Rejected"), ApplicationStatus.WITHDRAWN: _l("Withdrawn"),
}


class Application(db.Model):
    """A business's request to exhibit at a week: one per business and week."""
    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("week_id", "business_id", name="uq_applications_week_business"),
        CheckConstraint("status IN ('submitted', 'approved', 'waitlisted', 'rejected', "
                        "'withdrawn')", name="status"),
        CheckConstraint("booth_count BETWEEN 1 AND 50", name="booth_count"),
        CheckConstraint("status != 'waitlisted' OR waitlisted_at IS NOT NULL", name="waitlist"),
        Index("ix_applications_waitlist", "week_id", "status", "waitlisted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="CASCADE"))
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"),
                                             index=True)
    status: Mapped[str] = mapped_column(String(12), default=ApplicationStatus.SUBMITTED.value)
    #: how many booths the business wants; holds beyond this are refused
    booth_count: Mapped[int] = mapped_column(default=1)
    intended_products: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    #: the organiser's reason for the last decision (shown to the exhibitor)
    decision_reason: Mapped[str] = mapped_column(String(500), default="")
    #: the place in the waiting list: earlier first
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    week = relationship("ExhibitionWeek")
    business = relationship("Business")

    @property
    def status_enum(self) -> ApplicationStatus:
        return ApplicationStatus(self.status)


class AllocationStatus(str, enum.Enum):
    HELD = "held"
    CONFIRMED = "confirmed"
    RELEASED = "released"
    EXPIRED = "expired"

    @property
    def title(self) -> str:
        return str(ALLOCATION_STATUS_TITLES[self])


ALLOCATION_STATUS_TITLES = {
    AllocationStatus.HELD: _l("Held"), AllocationStatus.CONFIRMED: _l("Confirmed"),
    AllocationStatus.RELEASED: _l("Released"), AllocationStatus.EXPIRED: _l("Expired"),
}

ACTIVE_STATUSES = (AllocationStatus.HELD.value, AllocationStatus.CONFIRMED.value)
_ACTIVE_SQL = "status IN ('held', 'confirmed')"


class AllocationSource(str, enum.Enum):
    EXHIBITOR_HOLD = "exhibitor_hold"
    ORGANISER_ASSIGN = "organiser_assign"
    WAITLIST_OFFER = "waitlist_offer"
    MOVE = "move"


class HoldKind(str, enum.Enum):
    """Why a hold lasts as long as it does (booking/holds.py says which a hold gets)."""
    #: a booth picked without a complete application: the week's hold_minutes
    SHORT = "short"
    #: part of a complete application: waits for the organiser until the week's review
    #: deadline (review_days working days)
    REVIEW = "review"
    #: a freed booth offered to the first of the waiting list: waitlist_offer_hours
    OFFER = "offer"

    @property
    def title(self) -> str:
        return str(HOLD_KIND_TITLES[self])


HOLD_KIND_TITLES = {
    HoldKind.SHORT: _l("Short hold"), HoldKind.REVIEW: _l("Awaiting review"),
    HoldKind.OFFER: _l("Waiting-list offer"),
}
_HOLD_KINDS_SQL = "hold_kind IS NULL OR hold_kind IN ('short', 'review', 'offer')"


class Allocation(db.Model):
    """A booth held for, or confirmed to, a business."""
    __tablename__ = "allocations"
    __table_args__ = (
        # One active allocation per booth: the schema's half of the double-booking guard.
        Index("uq_allocations_active_booth", "booth_id", unique=True,
              sqlite_where=text(_ACTIVE_SQL), postgresql_where=text(_ACTIVE_SQL)),
        CheckConstraint("status IN ('held', 'confirmed', 'released', 'expired')", name="status"),
        CheckConstraint("status != 'held' OR expires_at IS NOT NULL", name="hold_expiry"),
        CheckConstraint(_HOLD_KINDS_SQL, name="hold_kind"),
        Index("ix_allocations_week_status", "week_id", "status"),
        Index("ix_allocations_business", "business_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="CASCADE"))
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="RESTRICT"), index=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="RESTRICT"))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: when an unconfirmed hold lapses: the short hold's minutes, the review deadline or the
    #: offer's hours after it was made, as hold_kind says
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: a HoldKind for an allocation that began as a hold (kept once confirmed, as history);
    #: None for a booth the organiser assigned outright
    hold_kind: Mapped[str | None] = mapped_column(String(10))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[str] = mapped_column(String(300), default="")

    booth = relationship("Booth")
    business = relationship("Business")
    week = relationship("ExhibitionWeek")

    @property
    def status_enum(self) -> AllocationStatus:
        return AllocationStatus(self.status)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def hold_kind_enum(self) -> HoldKind | None:
        return HoldKind(self.hold_kind) if self.hold_kind else None

    def snapshot(self) -> dict:
        """What the audit log records of an allocation."""
        return {"status": self.status, "booth": self.booth.code if self.booth else None,
                "business_id": self.business_id,
                "expires_at": self.expires_at.isoformat() if self.expires_at else None,
                "hold_kind": self.hold_kind}


# the audit history shows these fields by their titles (core/history.py)
history.register_titles("allocation", "status", AllocationStatus)
history.register_titles("allocation", "hold_kind", HoldKind)
history.register_titles("application", "status", ApplicationStatus)
