"""An organising body and the exhibition weeks it runs."""
from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exhibit.core import history
from exhibit.core.db import UTCDateTime, utcnow
from exhibit.extensions import db
from exhibit.vn import provinces


class Organizer(db.Model):
    """The body that runs weeks and signs booth contracts as Bên A (e.g. ITPC)."""
    __tablename__ = "organizers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    #: short code used in document numbers ("ITPC" → "015/2024/HĐ-ITPC")
    short_name: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(500), default="")
    tax_code: Mapped[str] = mapped_column(String(14), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    #: who signs contracts for the organiser, and the account deposits are paid into
    representative: Mapped[str] = mapped_column(String(200), default="", server_default="")
    representative_position: Mapped[str] = mapped_column(String(120), default="", server_default="")
    #: e.g. "Giấy ủy quyền số 12/GUQ-ITPC ngày 02/01/2024" when the signer is not the legal
    #: representative
    authorisation: Mapped[str] = mapped_column(String(200), default="", server_default="")
    bank_account: Mapped[str] = mapped_column(String(40), default="", server_default="")
    bank_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: the bank's BIN in NAPAS's list (exhibit/vn/banks.py): what a VietQR code names to pay
    #: into ``bank_account``; "" until the organiser chooses its bank
    bank_bin: Mapped[str] = mapped_column(String(6), default="", server_default="")
    #: the key bank-notification webhooks sign their body with (HMAC-SHA256); "" refuses them
    bank_webhook_secret: Mapped[str] = mapped_column(String(64), default="", server_default="")


class WeekStatus(str, enum.Enum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    ARCHIVED = "archived"

    @property
    def title(self) -> str:
        return str(WEEK_STATUS_TITLES[self])


WEEK_STATUS_TITLES = {WeekStatus.DRAFT: _l("Draft"), WeekStatus.OPEN: _l("Open for registration"),
                      WeekStatus.CLOSED: _l("Closed"), WeekStatus.ARCHIVED: _l("Archived")}


class ExhibitionWeek(db.Model):
    __tablename__ = "exhibition_weeks"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates"),
        CheckConstraint("status IN ('draft', 'open', 'closed', 'archived')", name="status"),
        CheckConstraint("hold_minutes BETWEEN 1 AND 10080", name="hold_minutes"),
        CheckConstraint("waitlist_offer_hours BETWEEN 1 AND 720", name="waitlist_offer_hours"),
        CheckConstraint("review_days BETWEEN 1 AND 20", name="review_days"),
        CheckConstraint("host_province_scheme IN ('2025', 'legacy63')", name="province_scheme"),
        CheckConstraint("registration_closes_on IS NULL OR registration_opens_on IS NULL "
                        "OR registration_closes_on >= registration_opens_on", name="registration"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id", ondelete="RESTRICT"),
                                              index=True)
    #: the week's address in URLs: /weeks/<slug>
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300), default="")
    host_province_scheme: Mapped[str] = mapped_column(String(10))
    host_province_code: Mapped[str] = mapped_column(String(2))
    #: e.g. "Sở Công Thương tỉnh Bình Thuận"
    co_organizer: Mapped[str] = mapped_column(String(300), default="")
    venue_name: Mapped[str] = mapped_column(String(300))
    venue_address: Mapped[str] = mapped_column(String(500), default="")
    start_date: Mapped[date]
    end_date: Mapped[date]
    #: as printed on the invitation, e.g. "8:00 – 21:00"
    opening_hours: Mapped[str] = mapped_column(String(120), default="")
    registration_opens_on: Mapped[date | None]
    registration_closes_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(10), default=WeekStatus.DRAFT.value)
    #: how long an exhibitor's hold on a booth lasts before it is released, when the hold is
    #: not part of a complete application (booking/holds.py)
    hold_minutes: Mapped[int] = mapped_column(default=15)
    #: working days (Monday–Friday, Vietnam time) a hold that is part of a complete
    #: application waits for the organiser before it lapses
    review_days: Mapped[int] = mapped_column(default=3, server_default="3")
    #: how long a booth offered to the next waiting-list entry is held for it
    waitlist_offer_hours: Mapped[int] = mapped_column(default=48)
    description: Mapped[str] = mapped_column(Text, default="")
    #: visitors' personal data is kept this many months after the week's last day, then purged
    #: (privacy.purge); the week's figures stay
    personal_data_months: Mapped[int] = mapped_column(default=12, server_default="12")
    #: when the purge last replaced this week's expired personal data with placeholders
    personal_data_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organizer = relationship("Organizer")
    halls = relationship("Hall", back_populates="week", order_by="Hall.position",
                         cascade="all, delete-orphan")

    @property
    def status_enum(self) -> WeekStatus:
        return WeekStatus(self.status)

    def name(self, lang: str = "vi") -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_vi

    def host_province_name(self, lang: str = "vi") -> str:
        return provinces.display_name(self.host_province_scheme, self.host_province_code, lang=lang)

    @property
    def days(self) -> list[date]:
        """Every day of the week, first to last."""
        return [self.start_date + timedelta(days=n)
                for n in range((self.end_date - self.start_date).days + 1)]

    def is_past(self, today: date) -> bool:
        return self.end_date < today


# the audit history shows these fields by their titles (core/history.py)
history.register_titles("week", "status", WeekStatus)
