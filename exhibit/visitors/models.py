"""Booth QR tokens, scans of them, visitors' favourites, and exhibitors' leads."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exhibit.core.db import UTCDateTime, utcnow
from exhibit.extensions import db

_CURRENT = "replaced_at IS NULL"


class BoothToken(db.Model):
    """The token in a booth's QR code, bound to the booth's stable id (not its printed code),
    so renumbering a booth keeps every printed poster valid. Reissuing replaces it: the old
    token then opens a "this code was replaced" page."""
    __tablename__ = "booth_tokens"
    __table_args__ = (
        # one current token per booth
        Index("uq_booth_tokens_current", "booth_id", unique=True,
              sqlite_where=text(_CURRENT), postgresql_where=text(_CURRENT)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    booth = relationship("Booth")


class BoothScan(db.Model):
    """A visitor's phone opening a booth's QR page."""
    __tablename__ = "booth_scans"
    __table_args__ = (
        Index("ix_booth_scans_week_time", "week_id", "scanned_at"),
        Index("ix_booth_scans_booth", "booth_id", "scanned_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"))
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="CASCADE"))
    #: random id kept in the visitor's cookie: counts distinct phones, names nobody
    visitor_key: Mapped[str] = mapped_column(String(32))
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FavouriteList(db.Model):
    """A visitor's saved products, without an account: the owner holds ``owner_key`` in a
    cookie; ``share_token`` opens a read-only copy for anyone given the link."""
    __tablename__ = "favourite_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_key: Mapped[str] = mapped_column(String(64), unique=True)
    share_token: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    items = relationship("Favourite", order_by="Favourite.created_at",
                         cascade="all, delete-orphan")


class Favourite(db.Model):
    __tablename__ = "favourites"

    list_id: Mapped[int] = mapped_column(ForeignKey("favourite_lists.id", ondelete="CASCADE"),
                                         primary_key=True)
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("product_listings.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    listing = relationship("ProductListing")


class LeadSource(str, enum.Enum):
    CONTACT_FORM = "contact_form"
    BADGE_SCAN = "badge_scan"

    @property
    def title(self) -> str:
        return str(LEAD_SOURCE_TITLES[self])


LEAD_SOURCE_TITLES = {LeadSource.CONTACT_FORM: _l("Left at the booth page"),
                      LeadSource.BADGE_SCAN: _l("Badge scanned")}
_SCANNED = "badge_id IS NOT NULL"


class Lead(db.Model):
    """A contact an exhibitor received at a week: left by a visitor on the booth's page, or
    taken by scanning a visitor's or buyer's badge."""
    __tablename__ = "leads"
    __table_args__ = (
        CheckConstraint("source IN ('contact_form', 'badge_scan')", name="source"),
        CheckConstraint("rating BETWEEN 0 AND 5", name="rating"),
        CheckConstraint("source != 'badge_scan' OR badge_id IS NOT NULL", name="scanned_badge"),
        # scanning the same badge twice keeps one lead
        Index("uq_leads_business_badge", "business_id", "badge_id", unique=True,
              sqlite_where=text(_SCANNED), postgresql_where=text(_SCANNED)),
        Index("ix_leads_business_week", "business_id", "week_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="CASCADE"))
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"))
    booth_id: Mapped[int | None] = mapped_column(ForeignKey("booths.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(20))
    badge_id: Mapped[int | None] = mapped_column(ForeignKey("badges.id", ondelete="SET NULL"))
    #: the visitor's anonymous cookie id, for a contact left on the booth page
    visitor_key: Mapped[str] = mapped_column(String(32), default="")
    full_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    organisation: Mapped[str] = mapped_column(String(255), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    #: the consent sentence exactly as the visitor saw it, and when they agreed
    consent_text: Mapped[str] = mapped_column(Text, default="")
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the exhibitor user who scanned the badge
    captured_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: or the exhibitor's lead scanner (scanning.ScanDevice) that scanned it
    captured_by_device_id: Mapped[int | None] = mapped_column(
        ForeignKey("scan_devices.id", ondelete="SET NULL"))
    #: the exhibitor's own follow-up: 0 (not rated) to 5, free tags, notes
    rating: Mapped[int] = mapped_column(default=0)
    tags: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    #: the visitor withdrew their consent: the lead shows as withdrawn, and its export and
    #: messages leave it out (privacy.consents)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    booth = relationship("Booth")
    badge = relationship("Badge")
    week = relationship("ExhibitionWeek")
    business = relationship("Business")

    @property
    def source_enum(self) -> LeadSource:
        return LeadSource(self.source)

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in (t.strip() for t in self.tags.split(",")) if tag]
