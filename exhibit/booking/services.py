"""Applying to a week, holding, confirming, assigning, moving and releasing booths.

The one locking rule (see STYLE.md): inside one write transaction, lock the booth row *before*
checking whether it is free. PostgreSQL takes ``SELECT … FOR UPDATE`` on the booth; SQLite's
write transaction (BEGIN IMMEDIATE) already excludes every other writer. The partial unique
index on allocations is the second, independent guard; whichever fires, the loser gets 409.
"""
from __future__ import annotations

import re
import time
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from exhibit.booking import holds, queries
from exhibit.booking.models import (
    ACTIVE_STATUSES,
    Allocation,
    AllocationSource,
    AllocationStatus,
    Application,
    ApplicationStatus,
    HoldKind,
)
from exhibit.businesses.models import Business
from exhibit.core import audit, paging
from exhibit.core.events import announce, application_changed, booking_changed
from exhibit.core.db import is_postgres, lock_row, utcnow, write_transaction
from exhibit.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from exhibit.extensions import db
from exhibit.floorplan.models import Booth
from exhibit.vn import tax_codes
from exhibit.vn.dates import format_moment, to_vietnam_time
from exhibit.vn.text import clean_text, fold_search_key, nfc
from exhibit.weeks.models import ExhibitionWeek
from exhibit.weeks.services import booking_closed_reason, is_organiser_of, require_week_organiser

HOLDABLE_APPLICATION_STATES = (ApplicationStatus.SUBMITTED.value, ApplicationStatus.APPROVED.value)


# -- reading ---------------------------------------------------------------------------------

def get_allocation(allocation_id: int, week=None) -> Allocation:
    allocation = db.session.get(Allocation, allocation_id)
    if allocation is None or (week is not None and allocation.week_id != week.id):
        raise NotFound(_("This booking does not exist."), code="allocation_not_found")
    return allocation


def get_application(application_id: int, week=None) -> Application:
    application = db.session.get(Application, application_id)
    if application is None or (week is not None and application.week_id != week.id):
        raise NotFound(_("This application does not exist."), code="application_not_found")
    return application


def require_business_organiser(user, business_id: int) -> list[int]:
    """The weeks of the user's organising body that the business applied to or was given a
    booth at — the one rule for "an organiser of this business" (its history page, its
    profile). Forbidden for anyone but an organiser; NotFound when there is no such week, so
    another organisation cannot even learn that the business exists."""
    if not is_organiser_of(user, user.organizer_id if user is not None else None):
        raise Forbidden(_("Only the week's organisers can do this."))
    week_ids = queries.weeks_taken_part(business_id, user.organizer_id)
    if not week_ids:
        raise NotFound(_("This business has not taken part in your weeks."),
                       code="business_not_found")
    return week_ids


def business_history(user, business_id: int, page: int = 1,
                     chosen: audit.AuditFilter | None = None) -> paging.Page:
    """A page of a business's audit entries as an organiser may see them: only the entries of
    the weeks of ``require_business_organiser`` (narrowed to what the reader ``chosen``)."""
    week_ids = require_business_organiser(user, business_id)
    return audit.entry_page(page=page, business_id=business_id, week_ids=week_ids, chosen=chosen)


def typed_booth(week, code: str) -> Booth:
    """The week's booth whose code the organiser typed (case ignored); ValidationFailed on the
    "booth" field otherwise — a typo is a message on the desk, not a 404 page."""
    code = " ".join(str(code or "").split()).upper()
    booth = db.session.scalar(select(Booth).where(Booth.week_id == week.id, Booth.code == code,
                                                  Booth.retired_at.is_(None))) if code else None
    if booth is None:
        message = (_("There is no booth %(code)s at this week.", code=code[:20]) if code
                   else _("Enter a booth code."))
        raise ValidationFailed(message, fields={"booth": message})
    return booth


def typed_participant(week, text: str) -> Business:
    """The business taking part in the week (queries.taking_part) that the organiser typed: its
    tax code, or its name — whole, or a part that only one of them has (accents and case
    ignored). ValidationFailed on the "business" field otherwise, saying what to type instead."""
    text = " ".join(nfc(str(text or "")).split())[:255]
    if not text:
        message = _("Enter the business's tax code or name.")
        raise ValidationFailed(message, fields={"business": message})
    taking_part = queries.taking_part_query(week)
    compact = re.sub(r"[\s.]", "", text)
    if compact.replace("-", "").isdigit():
        try:
            compact = tax_codes.normalize_tax_code(compact)
        except tax_codes.InvalidTaxCode:
            pass
        found = db.session.scalars(taking_part.where(Business.tax_code == compact)).all()
    else:
        folded = fold_search_key(text)
        found = db.session.scalars(taking_part.where(Business.name_search == folded)).all() or \
            db.session.scalars(taking_part.where(
                Business.name_search.contains(folded, autoescape=True)).limit(2)).all()
    if len(found) == 1:
        return found[0]
    if found:
        message = _("Several businesses taking part match “%(text)s”: enter the tax code.", text=text)
    else:
        message = _("No business taking part in this week has the tax code or name “%(text)s”.",
                    text=text)
    raise ValidationFailed(message, fields={"business": message})


# -- applying ----------------------------------------------------------------------------------

def apply_to_week(*, actor, week: ExhibitionWeek, data: dict, now: datetime | None = None) -> Application:
    """An exhibitor applies to an open week (one application per business and week)."""
    now = now or utcnow()
    _require_open(week, now)
    errors = {}
    asked = data.get("booth_count")
    try:
        booth_count = 1 if asked in (None, "") else int(asked)  # a 0 is a 0, not "one"
        if isinstance(asked, bool) or not 1 <= booth_count <= 50:
            raise ValueError
    except (TypeError, ValueError):
        errors["booth_count"] = _("Enter a number of booths between 1 and 50.")
        booth_count = 1
    for field in ("intended_products", "notes"):
        if data.get(field) is not None and not isinstance(data.get(field), str):
            errors[field] = _("Send text.")
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)
    with write_transaction():
        application = queries.application_for(week.id, actor.business_id)
        if application is not None and application.status != ApplicationStatus.WITHDRAWN.value:
            raise Conflict(_("Your business has already applied to this week."),
                           code="already_applied")
        before = None
        if application is None:
            application = Application(week_id=week.id, business_id=actor.business_id)
            db.session.add(application)
        else:
            before = {"status": application.status}
        application.status = ApplicationStatus.SUBMITTED.value
        application.booth_count = booth_count
        application.intended_products = nfc(data.get("intended_products") or "").strip()[:4000]
        application.notes = nfc(data.get("notes") or "").strip()[:4000]
        application.created_at = now
        db.session.flush()
        audit.record("application", application.id, "submit", actor=actor, week_id=week.id,
                     business_id=actor.business_id, before=before,
                     after={"status": application.status, "booth_count": booth_count})
        announce(application_changed, application_id=application.id, week_id=week.id,
                 business_id=actor.business_id, action="submit", reason="", at=now)
    return application


DECISIONS = {"approve": ApplicationStatus.APPROVED, "reject": ApplicationStatus.REJECTED,
             "waitlist": ApplicationStatus.WAITLISTED}


def decide_application(*, actor, application: Application, decision: str, reason: str = "",
                       now: datetime | None = None) -> Application:
    """The organiser approves, rejects (with a reason) or waitlists an application.

    Approving is the decision the application's holds were waiting for: every hold of it that
    is still live is confirmed (a lapsed one stays lapsed). Rejecting or waitlisting releases
    the business's holds at the week, and every booth that frees is offered to the waiting list.
    """
    now = now or utcnow()
    week = application.week
    require_week_organiser(actor, week)
    if decision not in DECISIONS:
        raise ValidationFailed(_("Unknown decision."), fields={"decision": _("Unknown decision.")})
    reason = clean_text(reason)[:500]
    if decision == "reject" and not reason:
        raise ValidationFailed(_("Give a reason for rejecting."),
                               fields={"reason": _("Give a reason for rejecting.")})
    new_status = DECISIONS[decision]
    with write_transaction():
        # The booths first, as every other booking change takes them, then the application.
        held_booth_ids = db.session.scalars(select(Allocation.booth_id).where(
            Allocation.application_id == application.id,
            Allocation.status == AllocationStatus.HELD.value)).all()
        for booth_id in sorted(set(held_booth_ids)):
            _lock_booth(booth_id)
        application = db.session.get(Application, application.id)
        if application.status == ApplicationStatus.WITHDRAWN.value:
            raise Conflict(_("The business has withdrawn this application."), code="withdrawn")
        before = {"status": application.status, "reason": application.decision_reason}
        application.status = new_status.value
        application.decision_reason = reason
        application.decided_at = now
        if new_status == ApplicationStatus.WAITLISTED:
            application.waitlisted_at = now
        audit.record("application", application.id, decision, actor=actor, week_id=week.id,
                     business_id=application.business_id, before=before,
                     after={"status": application.status, "reason": reason})
        announce(application_changed, application_id=application.id, week_id=week.id,
                 business_id=application.business_id, action=decision, reason=reason, at=now)
        if new_status == ApplicationStatus.APPROVED:
            waiting = db.session.scalars(select(Allocation).where(
                Allocation.application_id == application.id, _live_hold(now))
                .order_by(Allocation.booth_id)).all()
            for allocation in waiting:
                _confirm(allocation, actor=actor, now=now)
        if new_status in (ApplicationStatus.REJECTED, ApplicationStatus.WAITLISTED):
            held = db.session.scalars(select(Allocation).where(
                Allocation.application_id == application.id,
                Allocation.status == AllocationStatus.HELD.value)).all()
            for allocation in held:
                _end(allocation, AllocationStatus.RELEASED, actor=actor, now=now,
                     reason=_("Application %(decision)s", decision=new_status.title))
            db.session.flush()
            for allocation in held:
                _offer_to_waiting_list(week, allocation.booth, now=now)
    return application


# -- holding and confirming --------------------------------------------------------------------

def hold_booth(*, actor, week: ExhibitionWeek, booth: Booth, now: datetime | None = None) -> Allocation:
    """An exhibitor holds a free booth: until the week's review deadline when the hold is part
    of a complete application, for the week's short hold duration otherwise (booking/holds.py).

    Raises Conflict (409) when the week is not open, the business has no application that may
    hold booths, has used up its booth count, or the booth is not free — including when another
    request won the same booth a moment earlier.
    """
    now = now or utcnow()
    _require_open(week, now)
    if current_app.config.get("UNSAFE_BOOKING_FOR_TESTS"):
        return _unguarded_hold_for_tests(actor, week, booth, now)
    try:
        with write_transaction():
            application = _holdable_application(week, actor.business_id)
            booth = _lock_booth(booth.id)
            _expire_stale_hold(week, booth, now)
            _require_free(booth)
            _require_within_booth_count(application, now)
            kind = holds.kind_for(application)
            allocation = Allocation(
                week_id=week.id, booth_id=booth.id, business_id=actor.business_id,
                application_id=application.id, status=AllocationStatus.HELD.value,
                source=AllocationSource.EXHIBITOR_HOLD.value, created_at=now,
                hold_kind=kind.value, expires_at=holds.deadline(week, kind, now))
            db.session.add(allocation)
            db.session.flush()
            audit.record("allocation", allocation.id, "hold", actor=actor, week_id=week.id,
                         business_id=actor.business_id, after=allocation.snapshot())
            _announce(allocation, "hold")
    except IntegrityError:
        raise _booth_taken(booth) from None
    return allocation


def confirm_allocation(*, actor, allocation: Allocation, now: datetime | None = None) -> Allocation:
    """The organiser confirms a live hold; the booth is then the business's."""
    now = now or utcnow()
    require_week_organiser(actor, allocation.week)
    with write_transaction():
        _lock_booth(allocation.booth_id)
        allocation = db.session.get(Allocation, allocation.id)
        if allocation.status == AllocationStatus.CONFIRMED.value:
            raise Conflict(_("This booking is already confirmed."), code="already_confirmed")
        if allocation.status != AllocationStatus.HELD.value or allocation.expires_at <= now:
            raise Conflict(_("This hold has ended; the booth must be held or assigned again."),
                           code="hold_ended")
        _confirm(allocation, actor=actor, now=now)
    return allocation


def assign_booth(*, actor, week: ExhibitionWeek, booth: Booth, business_id: int,
                 now: datetime | None = None) -> Allocation:
    """The organiser gives a free booth straight to an applicant business (confirmed at once)."""
    now = now or utcnow()
    require_week_organiser(actor, week)
    try:
        with write_transaction():
            application = queries.live_application(week.id, business_id)
            if application is None:
                raise Conflict(_("Only businesses with a live application can be assigned a booth."),
                               code="no_application")
            booth = _lock_booth(booth.id)
            _expire_stale_hold(week, booth, now, offer=False)
            _require_free(booth, name_occupant=True)
            allocation = Allocation(
                week_id=week.id, booth_id=booth.id, business_id=business_id,
                application_id=application.id, status=AllocationStatus.CONFIRMED.value,
                source=AllocationSource.ORGANISER_ASSIGN.value, created_at=now, confirmed_at=now)
            db.session.add(allocation)
            db.session.flush()
            _approve_application_of(allocation, actor, now)
            audit.record("allocation", allocation.id, "assign", actor=actor, week_id=week.id,
                         business_id=business_id, after=allocation.snapshot())
            _announce(allocation, "assign")
    except IntegrityError:
        raise _booth_taken(booth) from None
    return allocation


def move_allocation(*, actor, allocation: Allocation, target: Booth,
                    now: datetime | None = None) -> Allocation:
    """The organiser moves a booking to another free booth; the old booth goes to the waiting list."""
    now = now or utcnow()
    week = allocation.week
    require_week_organiser(actor, week)
    if target.week_id != week.id:
        raise ValidationFailed(_("Choose a booth of the same week."),
                               fields={"booth": _("Choose a booth of the same week.")})
    if target.id == allocation.booth_id:
        raise ValidationFailed(_("Choose a different booth."),
                               fields={"booth": _("Choose a different booth.")})
    try:
        with write_transaction():
            # Lock both booths in id order, so two crossing moves cannot deadlock.
            locked = {b.id: b for b in (_lock_booth(i) for i in sorted({allocation.booth_id, target.id}))}
            old = db.session.get(Allocation, allocation.id)
            if not old.is_active or (old.status == AllocationStatus.HELD.value and old.expires_at <= now):
                raise Conflict(_("This booking has ended and cannot be moved."), code="allocation_ended")
            target = locked[target.id]
            _expire_stale_hold(week, target, now, offer=False)
            _require_free(target, name_occupant=True)
            before = old.snapshot()
            status, expires_at, confirmed_at = old.status, old.expires_at, old.confirmed_at
            _end(old, AllocationStatus.RELEASED, actor=actor, now=now,
                 reason=_("Moved to booth %(code)s", code=target.code), audit_it=False)
            db.session.flush()
            moved = Allocation(
                week_id=week.id, booth_id=target.id, business_id=old.business_id,
                application_id=old.application_id, status=status,
                source=AllocationSource.MOVE.value, created_at=now, expires_at=expires_at,
                hold_kind=old.hold_kind, confirmed_at=confirmed_at)
            db.session.add(moved)
            db.session.flush()
            audit.record("allocation", moved.id, "move", actor=actor, week_id=week.id,
                         business_id=old.business_id, before=before, after=moved.snapshot())
            _announce(moved, "move", from_booth_id=old.booth_id)
            _offer_to_waiting_list(week, locked[old.booth_id], now=now)
    except IntegrityError:
        raise _booth_taken(target) from None
    return moved


#: how long the organiser who released a booking may take the release back, as long as nobody
#: else has taken the booth meanwhile (a slip of the finger on the desk, not a change of mind)
UNDO_RELEASE_SECONDS = 60


def release_allocation(*, actor, allocation: Allocation, reason: str = "",
                       now: datetime | None = None) -> Allocation:
    """End a booking. Organisers release anything, with a reason (the business is told it); an
    exhibitor may drop its own hold only, a reason optional.

    Raises ValidationFailed on the "reason" field when the organiser gives none, before anything
    changes. The freed booth is offered to the next entry of the waiting list.
    """
    now = now or utcnow()
    week = allocation.week
    reason = clean_text(reason)[:300]
    if actor.is_exhibitor:
        if allocation.business_id != actor.business_id:
            raise Forbidden(_("This booking belongs to another business."))
        if allocation.status != AllocationStatus.HELD.value:
            raise Conflict(_("A confirmed booth can only be released by the organiser."),
                           code="confirmed_needs_organiser")
        reason = reason or _("Released by the exhibitor")
    else:
        require_week_organiser(actor, week)
        if not reason:
            message = _("Give the reason for releasing: the business is told it.")
            raise ValidationFailed(message, fields={"reason": message})
    with write_transaction():
        booth = _lock_booth(allocation.booth_id)
        allocation = db.session.get(Allocation, allocation.id)
        if not allocation.is_active:
            raise Conflict(_("This booking has already ended."), code="allocation_ended")
        _end(allocation, AllocationStatus.RELEASED, actor=actor, now=now, reason=reason)
        db.session.flush()
        _offer_to_waiting_list(week, booth, now=now)
    return allocation


def undoable_release(actor, allocation: Allocation, now: datetime | None = None) -> str | None:
    """Why ``actor`` cannot take back the release of ``allocation`` now, or None when they can:
    only the organiser who released it, within UNDO_RELEASE_SECONDS, while the booth is free."""
    now = now or utcnow()
    if allocation.status != AllocationStatus.RELEASED.value or allocation.ended_at is None:
        return _("This booking was not released, so there is nothing to undo.")
    released_by = db.session.scalar(
        select(audit.AuditEntry.actor_id).where(
            audit.AuditEntry.entity == "allocation", audit.AuditEntry.entity_id == allocation.id,
            audit.AuditEntry.action == "release")
        .order_by(audit.AuditEntry.id.desc()).limit(1))
    if actor is None or released_by != actor.id:
        return _("Only the organiser who released this booking can undo it.")
    if (now - allocation.ended_at).total_seconds() > UNDO_RELEASE_SECONDS:
        return _("Too late to undo: a release can be undone within %(seconds)d seconds. "
                 "Assign the booth again instead.", seconds=UNDO_RELEASE_SECONDS)
    if allocation.confirmed_at is None and allocation.expires_at is not None \
            and allocation.expires_at <= now:
        return _("The hold would have lapsed by now, so the release cannot be undone.")
    return None


def releases_to_undo(actor, week: ExhibitionWeek, now: datetime | None = None) -> list[Allocation]:
    """The bookings of ``week`` that ``actor`` released within UNDO_RELEASE_SECONDS and could
    still take back (nobody has the booth): what the desk offers an "Undo" for."""
    now = now or utcnow()
    since = now - timedelta(seconds=UNDO_RELEASE_SECONDS)
    released = db.session.scalars(
        select(Allocation).join(audit.AuditEntry, (audit.AuditEntry.entity == "allocation")
                                & (audit.AuditEntry.entity_id == Allocation.id))
        .where(Allocation.week_id == week.id,
               Allocation.status == AllocationStatus.RELEASED.value,
               Allocation.ended_at >= since, audit.AuditEntry.action == "release",
               audit.AuditEntry.actor_id == actor.id)
        .order_by(Allocation.ended_at.desc()).limit(5)).unique().all()
    return [a for a in released if undoable_release(actor, a, now) is None
            and _active_allocation(a.booth_id) is None]


def undo_release(*, actor, allocation: Allocation, now: datetime | None = None) -> Allocation:
    """Take back a release: the same booking is held or confirmed again, exactly as before.

    Raises Conflict (409) when the window has passed, someone else released it, or the booth
    has been taken meanwhile (a waiting-list offer counts: that business was already told).
    """
    now = now or utcnow()
    require_week_organiser(actor, allocation.week)
    try:
        with write_transaction():
            booth = _lock_booth(allocation.booth_id)
            allocation = db.session.get(Allocation, allocation.id)
            refused = undoable_release(actor, allocation, now)
            if refused:
                raise Conflict(refused, code="undo_refused")
            occupant = _active_allocation(booth.id)
            if occupant is not None and not (occupant.status == AllocationStatus.HELD.value
                                             and occupant.expires_at <= now):
                raise Conflict(_("Booth %(code)s has been taken by %(name)s meanwhile, so the "
                                 "release cannot be undone.", code=booth.code,
                                 name=occupant.business.name), code="booth_unavailable")
            _expire_stale_hold(allocation.week, booth, now, offer=False)
            if booth.blocked:
                raise Conflict(_("Booth %(code)s is not available.", code=booth.code),
                               code="booth_unavailable")
            before = allocation.snapshot()
            reason = allocation.end_reason
            allocation.status = (AllocationStatus.CONFIRMED.value if allocation.confirmed_at
                                 else AllocationStatus.HELD.value)
            allocation.ended_at, allocation.end_reason = None, ""
            db.session.flush()
            audit.record("allocation", allocation.id, "undo_release", actor=actor,
                         week_id=allocation.week_id, business_id=allocation.business_id,
                         before=before, after=allocation.snapshot(),
                         note=_("Release undone (it said: %(reason)s)", reason=reason))
            # Told again as confirmed (or held): ``occasion`` tells this message apart from
            # the first one about the same booking (messaging keys a message by it).
            _announce(allocation, "confirm" if allocation.confirmed_at else "hold",
                      occasion=f"undo-{now:%Y%m%d%H%M%S}")
    except IntegrityError:
        raise _booth_taken(allocation.booth) from None
    return allocation


def expire_due_holds(week: ExhibitionWeek | None = None, now: datetime | None = None) -> int:
    """End every hold past its expiry (of one week, or all) and offer the booths on.

    Runs from the clock (``flask --app exhibit expire-holds``), never on a read: until it runs,
    booking.queries already counts a lapsed hold as free. Returns how many holds it ended.
    """
    now = now or utcnow()
    due = select(Allocation.id).where(Allocation.status == AllocationStatus.HELD.value,
                                      Allocation.expires_at <= now)
    if week is not None:
        due = due.where(Allocation.week_id == week.id)
    if not db.session.scalars(due.limit(1)).first():
        return 0
    ended = 0
    with write_transaction():
        for allocation_id in db.session.scalars(due.order_by(Allocation.expires_at)).all():
            allocation = db.session.get(Allocation, allocation_id)
            booth = _lock_booth(allocation.booth_id)
            db.session.refresh(allocation)
            if allocation.status != AllocationStatus.HELD.value or allocation.expires_at > now:
                continue
            _end(allocation, AllocationStatus.EXPIRED, actor=None, now=now,
                 reason=_("Hold expired"))
            db.session.flush()
            _offer_to_waiting_list(allocation.week, booth, now=now)
            ended += 1
    return ended


# -- internals ---------------------------------------------------------------------------------

def _require_open(week: ExhibitionWeek, now: datetime) -> None:
    closed = booking_closed_reason(week, to_vietnam_time(now).date())
    if closed:
        code, message = closed
        raise Conflict(message, code=code)


def _holdable_application(week, business_id: int) -> Application:
    application = queries.application_for(week.id, business_id)
    if application is None:
        raise Conflict(_("Apply to this week before choosing booths."), code="no_application")
    if application.status not in HOLDABLE_APPLICATION_STATES:
        raise Conflict(_("Your application is %(status)s, so it cannot hold booths.",
                         status=application.status_enum.title.lower()),
                       code="application_not_eligible")
    return application


def _lock_booth(booth_id: int) -> Booth:
    booth = lock_row(Booth, booth_id)
    if booth is None:
        raise NotFound(_("This booth no longer exists."), code="booth_not_found")
    return booth


def _active_allocation(booth_id: int) -> Allocation | None:
    return db.session.scalar(select(Allocation).where(
        Allocation.booth_id == booth_id, Allocation.status.in_(ACTIVE_STATUSES)))


def _booth_taken(booth: Booth) -> Conflict:
    """A lost race: another request took the booth between our look and our write."""
    return Conflict(_("Booth %(code)s has just been taken by another business. Please choose another booth.",
                      code=booth.code), code="booth_unavailable")


def _require_free(booth: Booth, *, name_occupant: bool = False) -> None:
    """Refuse a blocked or taken booth. ``name_occupant`` (the organiser's moves and
    assignments) says who has the booth and how: held until when, or confirmed; an exhibitor
    is only told that the booth is someone else's. A booth retired from the plan (deleted or
    merged into another, perhaps while this request waited for its lock) is gone."""
    if booth.retired_at is not None:
        raise NotFound(_("This booth no longer exists."), code="booth_not_found")
    if booth.blocked:
        raise Conflict(_("Booth %(code)s is not available.", code=booth.code),
                       code="booth_unavailable")
    occupant = _active_allocation(booth.id)
    if occupant is None:
        return
    if not name_occupant:
        raise Conflict(_("Booth %(code)s is already held or booked by another business. "
                         "Please choose another booth.", code=booth.code),
                       code="booth_unavailable")
    if occupant.status == AllocationStatus.CONFIRMED.value:
        message = _("Booth %(code)s is confirmed to %(name)s.", code=booth.code,
                    name=occupant.business.name)
    else:
        message = _("Booth %(code)s is held for %(name)s until %(time)s.", code=booth.code,
                    name=occupant.business.name, time=format_moment(occupant.expires_at))
    raise Conflict(message, code="booth_unavailable")


def _expire_stale_hold(week, booth: Booth, now: datetime, *, offer: bool = True) -> None:
    """A lapsed hold on a booth someone now wants ends here; a booth that frees goes to the
    waiting list first, so the requester may then find it offered to someone else."""
    current = _active_allocation(booth.id)
    if current and current.status == AllocationStatus.HELD.value and current.expires_at <= now:
        _end(current, AllocationStatus.EXPIRED, actor=None, now=now, reason=_("Hold expired"))
        db.session.flush()
        if offer:
            _offer_to_waiting_list(week, booth, now=now)


def _require_within_booth_count(application: Application, now: datetime) -> None:
    live = db.session.scalar(select(func.count(Allocation.id)).where(
        Allocation.application_id == application.id, queries.live(now)))
    if live >= application.booth_count:
        raise Conflict(_("Your application asks for %(n)d booth(s) and you already hold them all.",
                         n=application.booth_count), code="booth_limit_reached")


def _live_hold(now: datetime):
    return (Allocation.status == AllocationStatus.HELD.value) & (Allocation.expires_at > now)


def _confirm(allocation: Allocation, *, actor, now: datetime) -> None:
    """A live hold becomes the business's booth (its booth row already locked)."""
    before = allocation.snapshot()
    allocation.status = AllocationStatus.CONFIRMED.value
    allocation.confirmed_at, allocation.expires_at = now, None
    _approve_application_of(allocation, actor, now)
    audit.record("allocation", allocation.id, "confirm", actor=actor,
                 week_id=allocation.week_id, business_id=allocation.business_id,
                 before=before, after=allocation.snapshot())
    _announce(allocation, "confirm")


def _end(allocation: Allocation, status: AllocationStatus, *, actor, now: datetime, reason: str,
         audit_it: bool = True) -> None:
    before = allocation.snapshot()
    allocation.status = status.value
    allocation.ended_at, allocation.end_reason = now, reason
    if audit_it:
        action = "expire" if status == AllocationStatus.EXPIRED else "release"
        audit.record("allocation", allocation.id, action, actor=actor,
                     week_id=allocation.week_id, business_id=allocation.business_id,
                     before=before, after=allocation.snapshot(), note=reason)
        # a booking released, given back (undo) and released again is told each time: every
        # release is an occasion of its own in the outbox
        _announce(allocation, action, reason=reason,
                  occasion=f"{action}-{now:%Y%m%d%H%M%S%f}" if action == "release" else "")


def _announce(allocation: Allocation, action: str, **extra) -> None:
    """Tell the features that follow bookings (the catalogue's booths, messages…), once the
    change is committed. A hold says which kind it is and when it lapses, so a message can
    name the deadline (exhibit/core/events.py, booking_changed)."""
    if allocation.status == AllocationStatus.HELD.value:
        extra.update(expires_at=allocation.expires_at)
    extra.setdefault("hold_kind", allocation.hold_kind)  # also when a hold ends: which kind
    announce(booking_changed, week_id=allocation.week_id, business_id=allocation.business_id,
             booth_id=allocation.booth_id, allocation_id=allocation.id, action=action, **extra)


def _approve_application_of(allocation: Allocation, actor, now: datetime) -> None:
    application = db.session.get(Application, allocation.application_id) if allocation.application_id else None
    if application and application.status != ApplicationStatus.APPROVED.value:
        before = {"status": application.status}
        application.status, application.decided_at = ApplicationStatus.APPROVED.value, now
        audit.record("application", application.id, "approve", actor=actor,
                     week_id=application.week_id, business_id=application.business_id,
                     before=before, after={"status": application.status},
                     note=_("Approved with booth %(code)s", code=allocation.booth.code))


def _offer_to_waiting_list(week: ExhibitionWeek, booth: Booth, *, now: datetime) -> Allocation | None:
    """Hold a freed booth for the first business on the waiting list, if there is one."""
    if booth.blocked or _active_allocation(booth.id) is not None:
        return None
    query = (select(Application).where(Application.week_id == week.id,
                                       Application.status == ApplicationStatus.WAITLISTED.value)
             .order_by(Application.waitlisted_at, Application.id).limit(1))
    if is_postgres():
        query = query.with_for_update()
    application = db.session.scalar(query)
    if application is None:
        return None
    offer = Allocation(
        week_id=week.id, booth_id=booth.id, business_id=application.business_id,
        application_id=application.id, status=AllocationStatus.HELD.value,
        source=AllocationSource.WAITLIST_OFFER.value, created_at=now,
        hold_kind=HoldKind.OFFER.value, expires_at=holds.deadline(week, HoldKind.OFFER, now))
    db.session.add(offer)
    db.session.flush()
    application.status, application.decided_at = ApplicationStatus.APPROVED.value, now
    application.decision_reason = _("Booth %(code)s offered from the waiting list.", code=booth.code)
    audit.record("application", application.id, "waitlist_offer", actor=None, week_id=week.id,
                 business_id=application.business_id, before={"status": "waitlisted"},
                 after={"status": application.status}, note=application.decision_reason)
    audit.record("allocation", offer.id, "hold", actor=None, week_id=week.id,
                 business_id=application.business_id, after=offer.snapshot(),
                 note=_("Offered from the waiting list"))
    _announce(offer, "waitlist_offer")
    return offer


def _unguarded_hold_for_tests(actor, week, booth, now) -> Allocation:
    """The naive check-then-insert, with no lock and a widened race window.

    Exists only so the concurrency control test can show that without the guard two businesses
    really do get the same booth. ``load_config`` refuses to enable it outside testing.
    """
    application = _holdable_application(week, actor.business_id)
    free = _active_allocation(booth.id) is None
    db.session.commit()  # end the read transaction: this is exactly the mistake being shown
    if not free:
        raise _booth_taken(booth)
    time.sleep(float(current_app.config.get("UNSAFE_RACE_WINDOW_S", 0.2)))
    with write_transaction():
        kind = holds.kind_for(application)
        allocation = Allocation(
            week_id=week.id, booth_id=booth.id, business_id=actor.business_id,
            application_id=application.id, status=AllocationStatus.HELD.value,
            source=AllocationSource.EXHIBITOR_HOLD.value, created_at=now,
            hold_kind=kind.value, expires_at=holds.deadline(week, kind, now))
        db.session.add(allocation)
    return allocation


# -- what the floor plan must ask booking ------------------------------------------------------

def _refuse_blocking_booked_booths(booths: list[Booth]) -> None:
    """A booth someone holds or was given cannot be blocked (floorplan.blocking_checks)."""
    for booth in booths:
        if queries.booth_is_taken(booth.id):
            raise Conflict(_("Booth %(code)s is booked; release its booking before blocking it.",
                             code=booth.code), code="booth_allocated")


def connect() -> None:
    """Plug booking's rules into the features below it (called once by create_app)."""
    from exhibit.floorplan import services as floorplan
    if _refuse_blocking_booked_booths not in floorplan.blocking_checks:
        floorplan.blocking_checks.append(_refuse_blocking_booked_booths)
