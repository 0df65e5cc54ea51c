"""What booking does when the organiser publishes a new floor plan (floorplan.publish), and what
the plan's editor may know of bookings (floorplan.draft): plugged into the floor plan at start,
since the floor plan knows nothing of bookings (booking builds on it).

Inside the publishing transaction: a booking the change needs moved goes to its new booth with
the rules of an organiser's move (the booths locked in id order, the target free), and a booth
that leaves the plan keeps no booking. A moved booking is announced as any move is
(``booking_changed``, action "move"), with ``plan_version`` so the exhibitor is told once, by
the publication's own message.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from exhibit.booking import queries
from exhibit.booking import services as booking
from exhibit.booking.models import (ACTIVE_STATUSES, Allocation, AllocationSource,
                                    AllocationStatus)
from exhibit.core import audit
from exhibit.core.db import require_write_transaction
from exhibit.core.errors import Conflict
from exhibit.extensions import db
from exhibit.floorplan.models import Booth
from exhibit.weeks.models import ExhibitionWeek


def holders(week_id: int, now: datetime | None = None) -> dict[int, int]:
    """The business holding each booth of the week now (a live hold or a confirmed booking)."""
    return dict(db.session.execute(
        select(Allocation.booth_id, Allocation.business_id)
        .where(Allocation.week_id == week_id, queries.live(now))).all())


def move(*, actor, allocation_id: int, booth_id: int, plan_version: int,
         now: datetime) -> Allocation:
    """Move a live booking to another booth of its week, inside the caller's write transaction
    (the publication's). Conflict when the booking has ended or the booth is not free."""
    require_write_transaction("plan_changes.move")
    old = db.session.get(Allocation, allocation_id)
    if old is None:
        raise Conflict(_("A booking to move has ended; reload the editor."), code="move_failed")
    locked = {b.id: b for b in (booking._lock_booth(i) for i in sorted({old.booth_id, booth_id}))}
    db.session.refresh(old)
    if not old.is_active or (old.status == AllocationStatus.HELD.value and old.expires_at <= now):
        raise Conflict(_("The booking of booth %(code)s has ended and cannot be moved.",
                         code=locked[old.booth_id].code), code="allocation_ended")
    week = old.week
    target = locked[booth_id]
    if target.week_id != week.id:
        raise Conflict(_("Choose a booth of the same week."), code="move_failed")
    booking._expire_stale_hold(week, target, now, offer=False)
    booking._require_free(target, name_occupant=True)
    before = old.snapshot()
    status, expires_at, confirmed_at = old.status, old.expires_at, old.confirmed_at
    booking._end(old, AllocationStatus.RELEASED, actor=actor, now=now,
                 reason=_("Moved to booth %(code)s", code=target.code), audit_it=False)
    db.session.flush()
    moved = Allocation(
        week_id=week.id, booth_id=target.id, business_id=old.business_id,
        application_id=old.application_id, status=status, source=AllocationSource.MOVE.value,
        created_at=now, expires_at=expires_at, hold_kind=old.hold_kind, confirmed_at=confirmed_at)
    db.session.add(moved)
    db.session.flush()
    audit.record("allocation", moved.id, "move", actor=actor, week_id=week.id,
                 business_id=old.business_id, before=before, after=moved.snapshot(),
                 note=_("Floor plan version %(number)d", number=plan_version))
    booking._announce(moved, "move", from_booth_id=old.booth_id, plan_version=plan_version)
    return moved


def settle(*, week_id: int, leaving: list[int], freed: list[int], now: datetime) -> None:
    """Booths ``leaving`` the plan keep no booking: a lapsed hold on one ends, a live one
    refuses the publication (Conflict). Surviving booths ``freed`` by the moves go to the
    waiting list, as after any move."""
    require_write_transaction("plan_changes.settle")
    week = db.session.get(ExhibitionWeek, week_id)
    # one query for every leaving booth (a hall of 500 cleared): only those with a booking left
    # on them are looked at one by one
    occupied = set(db.session.scalars(select(Allocation.booth_id).where(
        Allocation.booth_id.in_(list(leaving)),
        Allocation.status.in_(ACTIVE_STATUSES)))) if leaving else set()
    for booth_id in leaving:
        if booth_id not in occupied:
            continue
        booth = db.session.get(Booth, booth_id)
        booking._expire_stale_hold(week, booth, now, offer=False)
        if booking._active_allocation(booth_id) is not None:
            raise Conflict(_("Booth %(code)s is still booked: move its booking before it leaves "
                             "the plan.", code=booth.code), code="booth_allocated")
    for booth_id in dict.fromkeys(freed):
        booth = db.session.get(Booth, booth_id)
        if booth is not None and booth.retired_at is None:
            booking._offer_to_waiting_list(week, booth, now=now)


def connect() -> None:
    """Plug booking into the floor plan's editor and publication (called once by create_app;
    connecting twice changes nothing)."""
    from exhibit.floorplan import draft, publish
    if queries.booth_states not in draft.booking_readers:
        draft.booking_readers.append(queries.booth_states)
    publish.booking_hooks = publish.BookingHooks(holders=holders, move=move, settle=settle)
