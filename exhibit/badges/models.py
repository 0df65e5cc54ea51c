"""Badges, the entrance check-ins made with them, and bulk print jobs."""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exhibit.core import history
from exhibit.core.db import UTCDateTime, utcnow
from exhibit.extensions import db
from exhibit.vn.text import search_document


class BadgeKind(str, enum.Enum):
    STAFF = "staff"
    BUYER = "buyer"
    ORGANISER = "organiser"
    VISITOR = "visitor"

    @property
    def title(self) -> str:
        return str(BADGE_KIND_TITLES[self])

    @property
    def band(self) -> str:
        """The word printed across the badge's coloured band."""
        return str(BADGE_BANDS[self])

    @property
    def has_contact_code(self) -> bool:
        """Visitors and buyers carry a second code that exhibitors scan to keep their contact."""
        return self in (BadgeKind.VISITOR, BadgeKind.BUYER)


BADGE_KIND_TITLES = {
    BadgeKind.STAFF: _l("Exhibitor staff"), BadgeKind.BUYER: _l("Buyers"),
    BadgeKind.ORGANISER: _l("Organiser staff"), BadgeKind.VISITOR: _l("Visitors"),
}
BADGE_BANDS = {
    BadgeKind.STAFF: _l("EXHIBITOR"), BadgeKind.BUYER: _l("BUYER"),
    BadgeKind.ORGANISER: _l("ORGANISER"), BadgeKind.VISITOR: _l("VISITOR"),
}
_kinds = ", ".join(f"'{k.value}'" for k in BadgeKind)
_LIVE_VISITOR = "kind = 'visitor' AND revoked_at IS NULL"


class Badge(db.Model):
    """One person's badge for one week.

    Two codes with two purposes: ``entry_code`` opens the entrance (check-in), ``contact_code``
    is what an exhibitor scans to keep a visitor's or buyer's contact. Knowing one never gives
    the other.
    """
    __tablename__ = "badges"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_kinds})", name="kind"),
        CheckConstraint("kind != 'staff' OR business_id IS NOT NULL", name="staff_business"),
        CheckConstraint("kind NOT IN ('visitor', 'buyer') OR contact_code IS NOT NULL",
                        name="contact_code"),
        # one live visitor registration per phone number and week
        Index("uq_badges_visitor_phone", "week_id", "phone", unique=True,
              sqlite_where=text(_LIVE_VISITOR), postgresql_where=text(_LIVE_VISITOR)),
        Index("ix_badges_week_kind", "week_id", "kind", "id"),
        Index("ix_badges_week_changed", "week_id", "changed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    full_name: Mapped[str] = mapped_column(String(200))
    #: job title as printed ("Giám đốc", "Nhân viên bán hàng")
    position: Mapped[str] = mapped_column(String(120), default="")
    #: the organisation as printed; for exhibitor staff the business's name is used instead
    organisation: Mapped[str] = mapped_column(String(255), default="")
    #: the folded words of the name and organisation, padded (vn.text.search_document): what
    #: the organiser's badge list searches; kept by the model itself (see below)
    search_text: Mapped[str] = mapped_column(String(500), default="", server_default="")
    #: the exhibitor a staff badge belongs to
    business_id: Mapped[int | None] = mapped_column(
        ForeignKey("businesses.id", ondelete="RESTRICT"), index=True)
    #: E.164, or "" when not given
    phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    #: the code the entrance scans (check-in)
    entry_code: Mapped[str] = mapped_column(String(16), unique=True)
    #: the code an exhibitor scans to keep this person's contact (visitors and buyers only)
    contact_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    #: when the holder agreed that exhibitors who scan the badge receive their contact
    contact_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: when anything a scanning device shows or decides from last changed (issued, renamed,
    #: revoked): devices fetch the badges changed since their last snapshot (scanning.snapshot)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: registered on the spot at the desk (a walk-in), not beforehand
    walk_in: Mapped[bool] = mapped_column(default=False, server_default="0")
    #: how often the desk printed this badge singly, and when last (a reprint warns)
    printed_count: Mapped[int] = mapped_column(default=0, server_default="0")
    last_printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    week = relationship("ExhibitionWeek")
    business = relationship("Business")

    @property
    def kind_enum(self) -> BadgeKind:
        return BadgeKind(self.kind)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def organisation_name(self) -> str:
        return self.business.name if self.business_id else self.organisation


class CheckIn(db.Model):
    """A badge let in at the entrance on one day: at most one per badge and day."""
    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("badge_id", "day", name="uq_checkins_badge_day"),
        Index("ix_checkins_week_day", "week_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    badge_id: Mapped[int] = mapped_column(ForeignKey("badges.id", ondelete="CASCADE"))
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="CASCADE"))
    #: the day in Vietnam time
    day: Mapped[date]
    #: the first scan of the day (the time a second scan reports)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    checked_in_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))


class GateScan(db.Model):
    """Every scan at an entrance, keyed by its scanner (a signed-in account, or a scanning
    device) and the nonce the scanner made: a retried request with the same nonce gets the first
    answer again and is never counted twice. A nonce belongs to its scanner: another account or
    device sending the same one (another organisation's scanner, by chance or not) is a new
    scan, never handed this one's answer."""
    __tablename__ = "gate_scans"
    __table_args__ = (
        CheckConstraint("result IN ('ok', 'already_checked_in', 'invalid')", name="result"),
        CheckConstraint("direction IN ('in', 'out')", name="direction"),
        UniqueConstraint("scanned_by_id", "nonce"),
        UniqueConstraint("device_id", "nonce"),
        # the gate's latest scans, newest first by when they were scanned
        Index("ix_gate_scans_scanned_at", "scanned_at"),
        # the scans an organiser should look at (scanning.flagged), newest first: few of them
        Index("ix_gate_scans_flagged", "scanned_at", sqlite_where=text("flag <> ''"),
              postgresql_where=text("flag <> ''")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64))
    #: what was scanned or typed, after normalising
    code: Mapped[str] = mapped_column(String(32))
    result: Mapped[str] = mapped_column(String(20))
    #: why an invalid scan was refused: unknown, revoked, not_running
    reason: Mapped[str] = mapped_column(String(20), default="")
    badge_id: Mapped[int | None] = mapped_column(ForeignKey("badges.id", ondelete="SET NULL"),
                                                 index=True)
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id", ondelete="SET NULL"))
    scanned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: when it was scanned (a device's offline scan keeps its own time) ...
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: ... and when the server received it (later, for a scan queued offline)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the scanning device (None: a signed-in account's scan, see scanned_by_id)
    device_id: Mapped[int | None] = mapped_column(
        ForeignKey("scan_devices.id", ondelete="SET NULL"), index=True)
    #: the zone scanned into or out of (None: the week's default zone, as before zones)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id", ondelete="SET NULL"))
    direction: Mapped[str] = mapped_column(String(3), default="in", server_default="in")
    #: what an offline device answered on the spot, when it decided alone ("" when online)
    device_answer: Mapped[str] = mapped_column(String(20), default="", server_default="")
    #: why the organiser should look at it (scanning.decide): "clock" (the device's clock was
    #: wrong, so scanned_at is its arrival), "late" (queued offline, made before the entry
    #: already counted), "repeat" (this badge was already in), "other_device" (already let in
    #: by another device), "disagreed" (the device's offline answer differed from the
    #: server's); "" for an ordinary scan
    flag: Mapped[str] = mapped_column(String(20), default="", server_default="")

    checkin = relationship("CheckIn")
    badge = relationship("Badge")


class PrintJob(db.Model):
    """A bulk badge sheet being rendered, with progress the organiser can watch."""
    __tablename__ = "print_jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="CASCADE"),
                                         index=True)
    kind: Mapped[str] = mapped_column(String(12))
    layout: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    #: the finished PDF under UPLOAD_DIR (private: served to the week's organisers only)
    file_key: Mapped[str] = mapped_column(String(80), default="")
    error: Mapped[str] = mapped_column(String(500), default="")
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    week = relationship("ExhibitionWeek")

    #: not stored: set by printing.start_print_job when the request found this same sheet
    #: already being printed instead of starting another
    reused = False

    @property
    def percent(self) -> int:
        return 100 if self.status == "done" else int(100 * self.done / self.total) if self.total else 0


@event.listens_for(Badge, "before_insert")
@event.listens_for(Badge, "before_update")
def _fold_search_words(_mapper, _connection, badge: Badge) -> None:
    """A badge's search words always follow its name and organisation, however it was written
    through the ORM (bulk inserts, like ``flask seed-fair``, fill them themselves), and its
    changed_at moves with every change a scanning device must learn of."""
    badge.search_text = badge_search_text(badge.full_name, badge.organisation)
    badge.changed_at = utcnow()


def badge_search_text(full_name: str | None, organisation: str | None) -> str:
    return search_document(full_name, organisation)[:500]


# the audit history shows these fields by their titles (core/history.py)
history.register_titles("badge", "kind", BadgeKind)
