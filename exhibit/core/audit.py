"""The append-only audit log: who changed what, when, from what to what.

Services call ``record()`` inside their write transaction, so an entry exists exactly when the
change it describes was committed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from exhibit.core import history, paging
from exhibit.core.history import (  # noqa: F401 (the log's words, as templates read them here)
    ACTION_TITLES, ENTITY_TITLES, action_title, display_value, entity_title)
from exhibit.core.db import UTCDateTime, utcnow
from exhibit.extensions import db
from exhibit.vn.dates import VIETNAM_TZ, parse_date


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_week_at", "week_id", "at"),
        Index("ix_audit_entries_business_at", "business_id", "at"),
        Index("ix_audit_entries_actor_at", "actor_id", "at"),
        Index("ix_audit_entries_record", "entity", "entity_id", "at"),
        # "the newest change of what booth pages show" (visitors/booth_pages.py)
        Index("ix_audit_entries_entity_id", "entity", "id"),
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
#: further than any log reaches (a hundred million entries)
_LAST_PAGE = 1_000_000


class Entries(list):
    """Audit entries that can also tell themselves as sentences (``lines``), so a page handed
    them renders a readable history through templates/_history.html."""

    @property
    def lines(self):
        if not hasattr(self, "_lines"):
            self._lines = told(self)
        return self._lines


def told(rows, *, organiser_as_body: bool = False):
    """The entries as history lines (core/history.py), names read once for all of them: what
    templates handed this module, or ``entries()``, call."""
    return history.describe(rows, organiser_as_body=organiser_as_body)


def entries(*, week_id: int | None = None, week_ids=None, business_id: int | None = None,
            entity: str | None = None, entity_id: int | None = None, limit: int = 500) -> Entries:
    """Newest first, filtered in SQL before the limit; ``week_ids`` keeps only entries of
    those weeks (an empty collection keeps none)."""
    return Entries(_filtered(select(AuditEntry), week_id=week_id, week_ids=week_ids,
                             business_id=business_id, entity=entity, entity_id=entity_id,
                             limit=limit, offset=0))


def entry_page(*, page: int = 1, chosen: AuditFilter | None = None, **filters) -> paging.Page:
    """One page of PAGE_SIZE entries, newest first, for the audit log pages (``filters`` as
    for ``entries``), narrowed to what the reader ``chosen``."""
    page = min(page, _LAST_PAGE)  # ?page=10**20 is an empty page, not an offset the database refuses
    return paging.page_of(lambda limit, offset: _filtered(
        select(AuditEntry), limit=limit, offset=offset, chosen=chosen, **filters), page, PAGE_SIZE)


@dataclass(frozen=True)
class AuditFilter:
    """What the reader of an audit log asked for; a value that means nothing (an unknown kind
    or action, a date that is not one) is ignored rather than refused."""
    #: the kind of thing (ENTITY_TITLES) and, with it, its id
    entity: str | None = None
    entity_id: int | None = None
    #: part of the email of who made the change (case ignored)
    actor: str = ""
    #: an ACTION_TITLES code
    action: str | None = None
    #: Vietnam dates, both included
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_args(cls, args) -> AuditFilter:
        entity = args.get("entity") if args.get("entity") in ENTITY_TITLES else None
        entity_id = None
        if entity is not None:
            try:
                entity_id = int(args.get("entity_id") or "")
            except ValueError:
                pass
            if entity_id is not None and not 0 < entity_id < 2**31:
                entity_id = None
        since, until = _typed_day(args.get("since")), _typed_day(args.get("until"))
        return cls(entity=entity, entity_id=entity_id,
                   actor=paging.search_text(args, "actor").lower(),
                   action=args.get("action") if args.get("action") in ACTION_TITLES else None,
                   since=since, until=until)

    @property
    def is_set(self) -> bool:
        return self != AuditFilter()


def _typed_day(value) -> date | None:
    try:
        day = parse_date(value)
    except ValueError:
        return None
    return day if day is not None and 2000 <= day.year <= 2100 else None


def _vietnam_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=VIETNAM_TZ)


#: users an actor filter names by their ids (beyond: a subquery)
_ACTOR_IDS = 200


def _actors_like(text: str):
    """The ids of the users whose email contains ``text``. Core imports no feature, so the users
    table is reached through the actor relationship."""
    user = AuditEntry.actor.property.mapper.class_
    return select(user.id).where(func.lower(user.email).contains(text, autoescape=True))


def _narrowed(query, chosen: AuditFilter):
    if chosen.entity is not None:
        query = query.where(AuditEntry.entity == chosen.entity)
        if chosen.entity_id is not None:
            query = query.where(AuditEntry.entity_id == chosen.entity_id)
    if chosen.action is not None:
        query = query.where(AuditEntry.action == chosen.action)
    if chosen.actor:
        # The ids themselves, not a subquery: PostgreSQL then knows how often each one acts
        # and reads the log newest first for a busy organiser (a subquery made it sort all
        # 72,000 of their entries at fair scale); nobody matching is no entry at once.
        actors = _actors_like(chosen.actor)
        ids = db.session.scalars(actors.limit(_ACTOR_IDS + 1)).all()
        query = query.where(AuditEntry.actor_id.in_(ids if len(ids) <= _ACTOR_IDS else actors))
    if chosen.since is not None:
        query = query.where(AuditEntry.at >= _vietnam_midnight(chosen.since))
    if chosen.until is not None:
        query = query.where(AuditEntry.at < _vietnam_midnight(chosen.until + timedelta(days=1)))
    return query


def _filtered(query, *, week_id=None, week_ids=None, business_id=None, entity=None,
              entity_id=None, chosen: AuditFilter | None = None, limit: int, offset: int):
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit).offset(offset)
    if chosen is not None:
        query = _narrowed(query, chosen)
    if entity is not None:
        query = query.where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
    if week_id is not None:
        query = query.where(AuditEntry.week_id == week_id)
    if week_ids is not None:
        query = query.where(AuditEntry.week_id.in_(list(week_ids)))
    if business_id is not None:
        query = query.where(AuditEntry.business_id == business_id)
    return db.session.scalars(query).all()
