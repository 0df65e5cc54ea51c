"""Zones of a week, who is inside them, and the scanning devices."""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exhibit.core import history
from exhibit.core.db import UTCDateTime, utcnow
from exhibit.extensions import db


class ZoneMode(str, enum.Enum):
    #: scans are entries only (the exhibition hall as today: a badge is let in once a day)
    ENTRY = "entry"
    #: scans are entries or exits, so the zone knows who is inside
    ENTRY_EXIT = "entry_exit"

    @property
    def title(self) -> str:
        return str(ZONE_MODE_TITLES[self])


ZONE_MODE_TITLES = {ZoneMode.ENTRY: _l("Entries only"),
                    ZoneMode.ENTRY_EXIT: _l("Entries and exits")}

_DEFAULT = "is_default"


class Zone(db.Model):
    """A place of a week a badge is scanned into: the exhibition hall (the week's default zone,
    whose first entry of a day is the day's check-in), the B2B room, the conference, the signing
    ceremony. Its rules say which badges enter, on which days, and how."""
    __tablename__ = "zones"
    __table_args__ = (
        CheckConstraint("mode IN ('entry', 'entry_exit')", name="mode"),
        UniqueConstraint("week_id", "name"),
        # one default zone per week
        Index("uq_zones_week_default", "week_id", unique=True,
              sqlite_where=text(_DEFAULT), postgresql_where=text(_DEFAULT)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="CASCADE"),
                                         index=True)
    name: Mapped[str] = mapped_column(String(120))
    #: the badge kinds let in, comma-separated BadgeKind values; "" lets every kind in
    badge_kinds: Mapped[str] = mapped_column(String(60), default="", server_default="")
    #: the days it is open, comma-separated ISO dates; "" means every day of the week
    days: Mapped[str] = mapped_column(String(400), default="", server_default="")
    mode: Mapped[str] = mapped_column(String(10), default=ZoneMode.ENTRY.value,
                                      server_default=ZoneMode.ENTRY.value)
    #: whether a badge may enter more than once a day (after an exit, in an entry_exit zone)
    multiple_entries: Mapped[bool] = mapped_column(default=False, server_default="0")
    #: the exhibition hall: its first entry of a day is the badge's check-in (badges.CheckIn)
    is_default: Mapped[bool] = mapped_column(default=False, server_default="0")
    position: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    week = relationship("ExhibitionWeek")

    @property
    def mode_enum(self) -> ZoneMode:
        return ZoneMode(self.mode)

    @property
    def kind_list(self) -> list[str]:
        return [kind for kind in self.badge_kinds.split(",") if kind]

    @property
    def day_list(self) -> list[date]:
        return [date.fromisoformat(day) for day in self.days.split(",") if day]


class ZonePresence(db.Model):
    """One badge in one zone on one day: how often it entered, and whether it is inside now."""
    __tablename__ = "zone_presence"
    __table_args__ = (
        UniqueConstraint("zone_id", "badge_id", "day"),
        Index("ix_zone_presence_zone_day", "zone_id", "day", "inside"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id", ondelete="CASCADE"))
    badge_id: Mapped[int] = mapped_column(ForeignKey("badges.id", ondelete="CASCADE"), index=True)
    #: the day in Vietnam time
    day: Mapped[date]
    entries: Mapped[int] = mapped_column(default=0)
    exits: Mapped[int] = mapped_column(default=0)
    inside: Mapped[bool] = mapped_column(default=False)
    first_entry_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the scan (entry or exit) that last changed this row
    last_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DevicePurpose(str, enum.Enum):
    #: organiser's scanner at a zone's entrance: checks badges in (and out)
    GATE = "gate"
    #: an exhibitor's scanner at its booth: keeps visitors' contacts (leads)
    LEADS = "leads"

    @property
    def title(self) -> str:
        return str(DEVICE_PURPOSE_TITLES[self])


DEVICE_PURPOSE_TITLES = {DevicePurpose.GATE: _l("Entrance scanner"),
                         DevicePurpose.LEADS: _l("Lead scanner")}


class ScanDevice(db.Model):
    """A phone or tablet set up as a scanner for one week, without a password: the organiser (or
    an exhibitor, for its booth) creates it, the device opens its one-time pairing QR and gets a
    token scoped to this week, this purpose and this zone or business. Only hashes of the
    pairing code and of the token are stored."""
    __tablename__ = "scan_devices"
    __table_args__ = (
        CheckConstraint("purpose IN ('gate', 'leads')", name="purpose"),
        CheckConstraint("purpose != 'gate' OR zone_id IS NOT NULL", name="gate_zone"),
        CheckConstraint("purpose != 'leads' OR business_id IS NOT NULL", name="leads_business"),
        Index("ix_scan_devices_week", "week_id", "purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(10))
    #: what people call it: "Cổng A – máy 2", "Quầy 12 – điện thoại chị Lan"
    name: Mapped[str] = mapped_column(String(80))
    #: the zone a gate scanner lets people into (or out of)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id", ondelete="RESTRICT"),
                                                index=True)
    #: which entrance of the zone it stands at ("Cổng A"), as shown on its screen
    gate: Mapped[str] = mapped_column(String(80), default="", server_default="")
    #: the exhibitor a lead scanner collects contacts for
    business_id: Mapped[int | None] = mapped_column(
        ForeignKey("businesses.id", ondelete="CASCADE"), index=True)
    #: sha256 of the one-time pairing code, until it is used
    pairing_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    pairing_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: sha256 of the device's token, once paired
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    paired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: what the device last told us: when, its app version, and its queue of unsynced scans
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    app_version: Mapped[str] = mapped_column(String(40), default="", server_default="")
    unsynced: Mapped[int] = mapped_column(default=0, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: scans a revoked device still tried to upload (refused, never counted), and the last time
    refused_scans: Mapped[int] = mapped_column(default=0, server_default="0")
    last_refused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    week = relationship("ExhibitionWeek")
    zone = relationship("Zone")
    business = relationship("Business")

    @property
    def purpose_enum(self) -> DevicePurpose:
        return DevicePurpose(self.purpose)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_paired(self) -> bool:
        return self.token_hash is not None


# the audit history shows these fields by their titles (core/history.py)
history.register_titles("zone", "mode", ZoneMode)
history.register_titles("scan_device", "purpose", DevicePurpose)
