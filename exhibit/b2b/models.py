"""Buyers, sourcing needs, slots, tables and meetings of a week's B2B session.

Scheduling never double-books: partial unique indexes allow one accepted meeting per slot and
table, per slot and buyer, and per slot and supplier (a no-show's place can go to a walk-in), and the scheduling service locks the
week's row first, so a lost race is an ordinary 409 and never a constraint error.
"""
from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint,
                        text)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exhibit.core import history
from exhibit.core.db import UTCDateTime, utcnow
from exhibit.extensions import db


class BuyerKind(str, enum.Enum):
    SUPERMARKET = "supermarket"
    CONVENIENCE = "convenience"
    WHOLESALER = "wholesaler"
    EXPORTER = "exporter"
    ONLINE = "online"
    HORECA = "horeca"
    OTHER = "other"

    @property
    def title(self) -> str:
        return str(BUYER_KIND_TITLES[self])


BUYER_KIND_TITLES = {
    BuyerKind.SUPERMARKET: _l("Supermarket chain"),
    BuyerKind.CONVENIENCE: _l("Convenience store chain"),
    BuyerKind.WHOLESALER: _l("Wholesaler or distributor"),
    BuyerKind.EXPORTER: _l("Exporter"),
    BuyerKind.ONLINE: _l("Online retailer"),
    BuyerKind.HORECA: _l("Hotels, restaurants and catering"),
    BuyerKind.OTHER: _l("Other buyer"),
}


class Buyer(db.Model):
    """An organisation buying at one week's B2B session (a distribution system, a wholesaler…)."""
    __tablename__ = "b2b_buyers"
    __table_args__ = (
        UniqueConstraint("week_id", "business_id", name="uq_b2b_buyers_week_business"),
        CheckConstraint("kind IN ('supermarket', 'convenience', 'wholesaler', 'exporter', "
                        "'online', 'horeca', 'other')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="CASCADE"),
                                         index=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(20))
    #: the person who comes to the meetings
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_position: Mapped[str] = mapped_column(String(120), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    business = relationship("Business")
    needs = relationship("SourcingNeed", order_by="SourcingNeed.id", back_populates="buyer",
                         cascade="all, delete-orphan")

    @property
    def kind_enum(self) -> BuyerKind:
        return BuyerKind(self.kind)


class SourcingNeed(db.Model):
    """What a buyer looks for: a product group, certifications, a volume."""
    __tablename__ = "b2b_needs"
    __table_args__ = (CheckConstraint("min_stars IS NULL OR min_stars BETWEEN 3 AND 5",
                                      name="min_stars"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("b2b_buyers.id", ondelete="CASCADE"),
                                          index=True)
    #: an OCOP product group code ("thuc_pham", "do_uong"…)
    product_group: Mapped[str] = mapped_column(String(40))
    #: e.g. "Cà phê rang xay, hạt điều"
    description: Mapped[str] = mapped_column(String(500), default="")
    #: OCOP stars the products must have at least (None: OCOP not required)
    min_stars: Mapped[int | None]
    #: standards required, as the catalogue names them ("VietGAP", "HACCP"…)
    certifications: Mapped[list] = mapped_column(JSON, default=list)
    #: as the buyer says it, e.g. "2 tấn/tháng"
    monthly_volume: Mapped[str] = mapped_column(String(120), default="")

    buyer = relationship("Buyer", back_populates="needs")


class MeetingSlot(db.Model):
    __tablename__ = "b2b_slots"
    __table_args__ = (
        UniqueConstraint("week_id", "starts_at", name="uq_b2b_slots_week_start"),
        CheckConstraint("ends_at > starts_at", name="times"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="CASCADE"),
                                         index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MeetingTable(db.Model):
    __tablename__ = "b2b_tables"
    __table_args__ = (UniqueConstraint("week_id", "label", name="uq_b2b_tables_week_label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="CASCADE"),
                                         index=True)
    #: as printed on the table card, e.g. "Bàn 05"
    label: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)


class MeetingStatus(str, enum.Enum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    #: a request left unanswered past the session's answer deadline (services.expire_requests)
    EXPIRED = "expired"

    @property
    def title(self) -> str:
        return str(MEETING_STATUS_TITLES[self])


MEETING_STATUS_TITLES = {
    MeetingStatus.REQUESTED: _l("Requested"), MeetingStatus.ACCEPTED: _l("Accepted"),
    MeetingStatus.DECLINED: _l("Declined"), MeetingStatus.CANCELLED: _l("Cancelled"),
    MeetingStatus.EXPIRED: _l("Expired"),
}


class MeetingOutcome(str, enum.Enum):
    NO_INTEREST = "no_interest"
    INTERESTED = "interested"
    SAMPLES = "samples"
    MOU = "mou"

    @property
    def title(self) -> str:
        return str(MEETING_OUTCOME_TITLES[self])


MEETING_OUTCOME_TITLES = {
    MeetingOutcome.NO_INTEREST: _l("No interest"), MeetingOutcome.INTERESTED: _l("Interested"),
    MeetingOutcome.SAMPLES: _l("Samples requested"), MeetingOutcome.MOU: _l("MoU to sign"),
}

_OPEN = "status IN ('requested', 'accepted')"
#: a no-show frees its table and its sides for a walk-in meeting on the day
_SCHEDULED = "slot_id IS NOT NULL AND attendance <> 'no_show'"


class Meeting(db.Model):
    """A meeting between a buyer and a supplier, asked for by either side."""
    __tablename__ = "b2b_meetings"
    __table_args__ = (
        CheckConstraint("status IN ('requested', 'accepted', 'declined', 'cancelled', 'expired')",
                        name="status"),
        CheckConstraint("requested_by IN ('buyer', 'supplier', 'organiser')", name="requested_by"),
        CheckConstraint("outcome IN ('', 'no_interest', 'interested', 'samples', 'mou')",
                        name="outcome"),
        CheckConstraint("(slot_id IS NULL) = (table_id IS NULL)", name="slot_and_table"),
        CheckConstraint("attendance IN ('', 'held', 'no_show')", name="attendance"),
        CheckConstraint("slot_id IS NULL OR status = 'accepted'", name="scheduled_accepted"),
        # One open request per pair; a declined pair may ask again.
        Index("uq_b2b_meetings_open_pair", "buyer_id", "supplier_id", unique=True,
              sqlite_where=text(_OPEN), postgresql_where=text(_OPEN)),
        # Never double-booked: a table, a buyer and a supplier each meet once per slot (a
        # meeting that did not happen no longer holds them).
        Index("uq_b2b_meetings_slot_table", "slot_id", "table_id", unique=True,
              sqlite_where=text(_SCHEDULED), postgresql_where=text(_SCHEDULED)),
        Index("uq_b2b_meetings_slot_buyer", "slot_id", "buyer_id", unique=True,
              sqlite_where=text(_SCHEDULED), postgresql_where=text(_SCHEDULED)),
        Index("uq_b2b_meetings_slot_supplier", "slot_id", "supplier_id", unique=True,
              sqlite_where=text(_SCHEDULED), postgresql_where=text(_SCHEDULED)),
        Index("ix_b2b_meetings_week_status", "week_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="CASCADE"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("b2b_buyers.id", ondelete="CASCADE"))
    #: the supplier: an exhibitor's business
    supplier_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="RESTRICT"),
                                             index=True)
    requested_by: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(String(1000), default="")
    status: Mapped[str] = mapped_column(String(10), default=MeetingStatus.REQUESTED.value)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("b2b_slots.id", ondelete="SET NULL"))
    table_id: Mapped[int | None] = mapped_column(ForeignKey("b2b_tables.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(12), default="")
    outcome_notes: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: a request not answered by then expires (None: the session sets no deadline)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: made by the optimiser from the participants' preferences, not asked for by anyone: a
    #: new generation replaces it unless it is locked
    generated: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    #: kept at its slot and table by every new generation (the organiser placed or agreed it)
    locked: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    #: a conflict a participant flagged on its time or table, for the organiser (cleared when
    #: the organiser moves the meeting)
    flag: Mapped[str] = mapped_column(String(500), default="", server_default="")
    #: who flagged it: "buyer" or "supplier"
    flagged_by: Mapped[str] = mapped_column(String(10), default="", server_default="")
    #: what each side (and the organiser's table staff) said after the slot: "met", "missed"
    buyer_says: Mapped[str] = mapped_column(String(6), default="", server_default="")
    supplier_says: Mapped[str] = mapped_column(String(6), default="", server_default="")
    staff_says: Mapped[str] = mapped_column(String(6), default="", server_default="")
    #: "held", "no_show" or "" (nobody said yet), from the three above (services.attendance_of):
    #: one "missed" makes it a no-show; kept in a column so reports count it in SQL
    attendance: Mapped[str] = mapped_column(String(8), default="", server_default="")
    #: given a freed table on the day by the organiser (both registered; it counts as held)
    walk_in: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    buyer = relationship("Buyer")
    supplier = relationship("Business")
    slot = relationship("MeetingSlot")
    table = relationship("MeetingTable")

    @property
    def status_enum(self) -> MeetingStatus:
        return MeetingStatus(self.status)

    @property
    def outcome_enum(self) -> MeetingOutcome | None:
        return MeetingOutcome(self.outcome) if self.outcome else None


class SessionSettings(db.Model):
    """How a week's B2B session runs; a week without a row has the defaults."""
    __tablename__ = "b2b_settings"
    __table_args__ = (CheckConstraint("request_hours IS NULL OR request_hours BETWEEN 1 AND 720",
                                      name="request_hours"),)

    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="CASCADE"),
                                         primary_key=True)
    #: hours the asked side has to answer a meeting request before it expires (None: never)
    request_hours: Mapped[int | None]
    #: generated schedules give each supplier one table for the whole session (buyers move)
    fixed_tables: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    #: when the organiser published the final schedule (None: what is scheduled is provisional)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PreferenceLevel(str, enum.Enum):
    MUST = "must"
    MEET = "meet"
    NO = "no"

    @property
    def title(self) -> str:
        return str(PREFERENCE_TITLES[self])


PREFERENCE_TITLES = {PreferenceLevel.MUST: _l("Must meet"), PreferenceLevel.MEET: _l("Would meet"),
                     PreferenceLevel.NO: _l("Do not meet")}


class Preference(db.Model):
    """How much one side of a pair wants to meet the other: the buyer marks a supplier, or the
    supplier marks a buyer. A "no" from either side keeps the pair out of generated schedules."""
    __tablename__ = "b2b_preferences"
    __table_args__ = (
        UniqueConstraint("buyer_id", "supplier_id", "side", name="uq_b2b_preferences_pair_side"),
        CheckConstraint("side IN ('buyer', 'supplier')", name="side"),
        CheckConstraint("level IN ('must', 'meet', 'no')", name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="CASCADE"),
                                         index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("b2b_buyers.id", ondelete="CASCADE"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"),
                                             index=True)
    #: who marked: "buyer" or "supplier"
    side: Mapped[str] = mapped_column(String(10))
    level: Mapped[str] = mapped_column(String(4))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class BlockedSlot(db.Model):
    """A slot a buyer or a supplier cannot meet in: generated schedules leave it free."""
    __tablename__ = "b2b_blocked_slots"
    __table_args__ = (
        CheckConstraint("(buyer_id IS NULL) <> (supplier_id IS NULL)", name="one_side"),
        UniqueConstraint("slot_id", "buyer_id", name="uq_b2b_blocked_slots_slot_buyer"),
        UniqueConstraint("slot_id", "supplier_id", name="uq_b2b_blocked_slots_slot_supplier"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("b2b_slots.id", ondelete="CASCADE"))
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("b2b_buyers.id", ondelete="CASCADE"),
                                                 index=True)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"),
                                                    index=True)


# the audit history shows these fields by their titles (core/history.py)
history.register_titles("buyer", "kind", BuyerKind)
history.register_titles("meeting", "outcome", MeetingOutcome)
