"""The append-only audit log: who changed what, when, from what to what.

Services call ``record()`` inside their write transaction, so an entry exists exactly when the
change it describes was committed.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column

from exhibit.core import paging
from exhibit.core.db import UTCDateTime, utcnow
from exhibit.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_week_at", "week_id", "at"),
        Index("ix_audit_entries_business_at", "business_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: the signed-in user who made the change; None for the system (expiry job, waitlist)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    week_id: Mapped[int | None] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="CASCADE"))
    business_id: Mapped[int | None] = mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"))
    #: what kind of thing changed: "application", "allocation", "booth", "week", ...
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    #: what happened, as a stable code: "hold", "confirm", "release", "expire", "move", ...
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(String(500))

    actor = db.relationship("User", lazy="joined")
    business = db.relationship("Business", lazy="joined")


def record(entity: str, entity_id: int | None, action: str, *, actor=None, week_id=None,
           business_id=None, before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None, note: str | None = None) -> AuditEntry:
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None), week_id=week_id, business_id=business_id,
        entity=entity, entity_id=entity_id, action=action, before=before, after=after,
        note=(note or None) and note[:500],
    )
    db.session.add(entry)
    return entry


#: entries on one page of the audit log
PAGE_SIZE = 100


def entries(*, week_id: int | None = None, week_ids=None, business_id: int | None = None,
            entity: str | None = None, entity_id: int | None = None, limit: int = 500):
    """Newest first, filtered in SQL before the limit; ``week_ids`` keeps only entries of
    those weeks (an empty collection keeps none)."""
    return _filtered(select(AuditEntry), week_id=week_id, week_ids=week_ids,
                     business_id=business_id, entity=entity, entity_id=entity_id,
                     limit=limit, offset=0)


def entry_page(*, page: int = 1, **filters) -> paging.Page:
    """One page of PAGE_SIZE entries, newest first, for the audit log pages (``filters`` as
    for ``entries``)."""
    return paging.page_of(lambda limit, offset: _filtered(
        select(AuditEntry), limit=limit, offset=offset, **filters), page, PAGE_SIZE)


def _filtered(query, *, week_id=None, week_ids=None, business_id=None, entity=None,
              entity_id=None, limit: int, offset: int):
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit).offset(offset)
    if entity is not None:
        query = query.where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
    if week_id is not None:
        query = query.where(AuditEntry.week_id == week_id)
    if week_ids is not None:
        query = query.where(AuditEntry.week_id.in_(list(week_ids)))
    if business_id is not None:
        query = query.where(AuditEntry.business_id == business_id)
    return db.session.scalars(query).all()


#: how the log names what happened, in the reader's language
ACTION_TITLES = {
    "register": _l("registered"), "add_member": _l("added a user"), "create": _l("created"),
    "update": _l("edited"), "import_booths": _l("imported booths"), "block": _l("blocked"),
    "unblock": _l("unblocked"), "submit": _l("applied"), "approve": _l("approved"),
    "reject": _l("rejected"), "waitlist": _l("put on the waiting list"),
    "waitlist_offer": _l("offered a booth from the waiting list"), "hold": _l("held the booth"),
    "confirm": _l("confirmed the booking"), "assign": _l("assigned"), "move": _l("moved"),
    "release": _l("released"), "expire": _l("hold expired"), "issue": _l("issued"),
    "revise": _l("reopened for revision"), "sign": _l("stored the signed scan"),
    "cancel": _l("cancelled"), "record": _l("recorded"), "request": _l("asked for a meeting"),
    "accept": _l("accepted"), "decline": _l("declined"), "schedule": _l("scheduled"),
    "unschedule": _l("unscheduled"), "outcome": _l("recorded the outcome"),
    "add_slots": _l("added meeting slots"), "add_tables": _l("added meeting tables"),
    "auto_schedule": _l("scheduled the meetings"), "delete": _l("deleted"),
    "change_password": _l("changed the password"), "disable": _l("disabled the account"),
    "enable": _l("enabled the account"),
}
ENTITY_TITLES = {
    "business": _l("Business"), "user": _l("User"), "week": _l("Week"), "hall": _l("Hall"),
    "booth": _l("Booth"), "application": _l("Application"), "allocation": _l("Booking"),
    "document": _l("Document"), "payment": _l("Payment"), "buyer": _l("Buyer"),
    "need": _l("Sourcing need"), "meeting": _l("B2B meeting"), "organizer": _l("Organisation"),
}


def action_title(code: str) -> str:
    return str(ACTION_TITLES.get(code, code))


def entity_title(code: str) -> str:
    return str(ENTITY_TITLES.get(code, code))


def display_value(value) -> str:
    """A before/after value for people: timestamps in Vietnam time, empty values as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        from exhibit.vn.dates import to_vietnam_time
        return to_vietnam_time(moment).strftime("%H:%M %d/%m/%Y")
    return str(value)
