"""Who holds which booth, and who takes part in a week — read by every other feature here, and
only here (booking's services change these facts; tests/core/test_dependencies.py checks that
no other package reads the allocation tables itself).

One rule for every reader: a booth is taken by a *live* allocation — confirmed, or held with
time left. A hold whose time has run out is free to everyone at once, whether or not the clock
job (`flask --app exhibit expire-holds`) has marked it expired yet; reading never writes.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from exhibit.booking.models import Allocation, AllocationStatus, Application, ApplicationStatus
from exhibit.businesses.models import Business
from exhibit.core import paging
from exhibit.core.db import utcnow
from exhibit.extensions import db
from exhibit.floorplan.models import Booth
from exhibit.vn import provinces
from exhibit.vn.text import fold_search_key

AVAILABLE, HELD, CONFIRMED, BLOCKED = "available", "held", "confirmed", "blocked"
#: in the order the plan's legend shows them
BOOTH_STATUSES = (AVAILABLE, HELD, CONFIRMED, BLOCKED)
_STATUS_TITLES = {AVAILABLE: lambda: _("Available"), HELD: lambda: _("Held"),
                  CONFIRMED: lambda: _("Confirmed"), BLOCKED: lambda: _("Blocked")}
#: an application that still takes part in its week
_ENDED_APPLICATIONS = (ApplicationStatus.REJECTED.value, ApplicationStatus.WITHDRAWN.value)


def status_title(status: str) -> str:
    """A booth status as the plan's legend names it, in the current language."""
    return _STATUS_TITLES[status]()


@dataclass
class BoothState:
    status: str
    #: the live allocation behind "held" or "confirmed"
    allocation: Allocation | None = None


def live(now: datetime | None = None):
    """The condition "this allocation takes its booth now": confirmed, or held with time left."""
    now = now or utcnow()
    return or_(Allocation.status == AllocationStatus.CONFIRMED.value,
               and_(Allocation.status == AllocationStatus.HELD.value, Allocation.expires_at > now))


def _confirmed():
    return Allocation.status == AllocationStatus.CONFIRMED.value


# -- the plan ----------------------------------------------------------------------------------

def booth_states(week, now: datetime | None = None) -> dict[int, BoothState]:
    """The status of every booth of a week, from the stored facts (never a counter)."""
    booths = db.session.execute(select(Booth.id, Booth.blocked).where(
        Booth.week_id == week.id, Booth.retired_at.is_(None)))
    states = {booth_id: BoothState(BLOCKED if blocked else AVAILABLE)
              for booth_id, blocked in booths}
    taken = db.session.scalars(
        select(Allocation).where(Allocation.week_id == week.id, live(now))
        .options(joinedload(Allocation.business))).all()
    for allocation in taken:
        status = CONFIRMED if allocation.status == AllocationStatus.CONFIRMED.value else HELD
        states[allocation.booth_id] = BoothState(status, allocation)
    return states


def status_counts(states: dict[int, BoothState]) -> dict[str, int]:
    """How many booths are in each status, in legend order."""
    counts = {status: 0 for status in BOOTH_STATUSES}
    for state in states.values():
        counts[state.status] += 1
    return counts


def booth_is_taken(booth_id: int, now: datetime | None = None) -> bool:
    return db.session.scalar(select(Allocation.id).where(
        Allocation.booth_id == booth_id, live(now)).limit(1)) is not None


# -- who exhibits where ------------------------------------------------------------------------

def confirmed_exhibitor(booth_id: int) -> Business | None:
    """The business a booth is confirmed to, if any."""
    return db.session.scalar(
        select(Business).join(Allocation, Allocation.business_id == Business.id)
        .where(Allocation.booth_id == booth_id, _confirmed()))


def confirmed_exhibitors(week) -> dict[int, Business]:
    """The business confirmed at each occupied booth of a week, by booth id."""
    rows = db.session.execute(
        select(Allocation.booth_id, Business).join(Business, Business.id == Allocation.business_id)
        .where(Allocation.week_id == week.id, _confirmed())).all()
    return {booth_id: business for booth_id, business in rows}


def confirmed_booth_codes(week) -> dict[int, list[str]]:
    """The booth codes confirmed to each business at a week, by business id (in code order)."""
    rows = db.session.execute(
        select(Allocation.business_id, Booth.code).join(Booth, Booth.id == Allocation.booth_id)
        .where(Allocation.week_id == week.id, _confirmed()).order_by(Booth.code))
    codes: dict[int, list[str]] = defaultdict(list)
    for business_id, code in rows:
        codes[business_id].append(code)
    return dict(codes)


def confirmed_business_ids(week) -> set[int]:
    """The businesses that exhibit at a week: those with a confirmed booth."""
    return set(db.session.scalars(select(Allocation.business_id).where(
        Allocation.week_id == week.id, _confirmed())))


def exhibiting(week):
    """A subquery of the businesses that exhibit at a week (a confirmed booth), for a larger
    query that counts or filters them without loading their ids."""
    return select(Allocation.business_id).where(Allocation.week_id == week.id, _confirmed())


def confirmed_businesses(week, *, excluding=None) -> list[Business]:
    """The businesses with a confirmed booth at a week, by name; ``excluding`` a subquery of
    business ids to leave out."""
    query = (select(Business).join(Allocation, Allocation.business_id == Business.id)
             .where(Allocation.week_id == week.id, _confirmed()))
    if excluding is not None:
        query = query.where(Business.id.not_in(excluding))
    return db.session.scalars(query.distinct().order_by(Business.name)).all()


def confirmed_allocations(week_id: int, business_id: int | None = None) -> list[Allocation]:
    """The confirmed bookings of a week (of one business), in booth-code order, with booths."""
    query = (select(Allocation).join(Booth, Booth.id == Allocation.booth_id)
             .where(Allocation.week_id == week_id, _confirmed())
             .options(selectinload(Allocation.booth)).order_by(Booth.code))
    if business_id is not None:
        query = query.where(Allocation.business_id == business_id)
    return db.session.scalars(query).all()


def confirmed_booths(week, business_id: int) -> list[Booth]:
    """The booths confirmed to a business at a week, in code order: where the public sees it."""
    return [allocation.booth for allocation in confirmed_allocations(week.id, business_id)]


def weeks_exhibiting(business_id):
    """A subquery of the weeks where a business has a confirmed booth; ``business_id`` is an id
    or a column of the outer query (Business.id: "the weeks where this row's business
    exhibits")."""
    return select(Allocation.week_id).where(Allocation.business_id == business_id, _confirmed())


def business_allocations(business_id: int, now: datetime | None = None) -> list[Allocation]:
    """A business's live bookings at every week, newest first."""
    return db.session.scalars(
        select(Allocation).where(Allocation.business_id == business_id, live(now))
        .options(joinedload(Allocation.booth), joinedload(Allocation.week))
        .order_by(Allocation.created_at.desc())).all()


def has_booked_at(week, business_id: int) -> bool:
    """Whether the business ever had a booking at the week, live or ended."""
    return db.session.scalar(select(Allocation.id).where(
        Allocation.week_id == week.id, Allocation.business_id == business_id).limit(1)) is not None


def booking_of(week, business_id: int, allocation_id: int) -> Allocation | None:
    """One of the business's bookings at the week (live or ended), or None."""
    allocation = db.session.get(Allocation, allocation_id)
    if allocation is None or allocation.week_id != week.id or allocation.business_id != business_id:
        return None
    return allocation


def shown_status(allocation: Allocation, now: datetime | None = None) -> AllocationStatus:
    """An allocation's status as people should read it: a hold past its time is "expired" even
    before the clock job has marked it so."""
    if (allocation.status == AllocationStatus.HELD.value
            and allocation.expires_at <= (now or utcnow())):
        return AllocationStatus.EXPIRED
    return allocation.status_enum


def booth_codes_by_allocation(week) -> dict[int, str]:
    """The booth code of every booking ever made at the week, by allocation id."""
    return dict(db.session.execute(
        select(Allocation.id, Booth.code).join(Booth, Booth.id == Allocation.booth_id)
        .where(Allocation.week_id == week.id)).all())


def week_allocations(week, *, live_only: bool = True, now: datetime | None = None) -> list[Allocation]:
    """A week's bookings with booth and business, newest first; every one ever made (held,
    confirmed, released, expired) when not ``live_only``."""
    query = (select(Allocation).where(Allocation.week_id == week.id)
             .options(joinedload(Allocation.booth), joinedload(Allocation.business))
             .order_by(Allocation.created_at.desc(), Allocation.id.desc()))
    if live_only:
        query = query.where(live(now))
    return db.session.scalars(query).all()


# -- holds and their deadlines -----------------------------------------------------------------

def week_holds(week, now: datetime | None = None) -> list[Allocation]:
    """The week's live holds, the one lapsing first at the top: the organiser's desk works
    down this list."""
    return db.session.scalars(
        select(Allocation).where(Allocation.week_id == week.id,
                                 Allocation.status == AllocationStatus.HELD.value, live(now))
        .options(joinedload(Allocation.booth), joinedload(Allocation.business))
        .order_by(Allocation.expires_at, Allocation.id)).all()


@dataclass(frozen=True)
class LapsingHold:
    """A live hold whose deadline is near: what a reminder needs, as plain values."""
    allocation_id: int
    week_id: int
    business_id: int
    booth_id: int
    booth_code: str
    #: aware UTC
    expires_at: datetime
    #: "short", "review" or "offer" (HoldKind)
    hold_kind: str


def holds_lapsing(before: datetime, after: datetime | None = None) -> list[LapsingHold]:
    """The holds, live at ``after`` (default: now), that lapse by ``before`` — expires_at in
    (after, before] — the soonest first: for the clock that warns exhibitors their hold is
    about to lapse. A hold already past its deadline at ``after`` is not listed."""
    after = after or utcnow()
    rows = db.session.execute(
        select(Allocation.id, Allocation.week_id, Allocation.business_id, Allocation.booth_id,
               Booth.code, Allocation.expires_at, Allocation.hold_kind)
        .join(Booth, Booth.id == Allocation.booth_id)
        .where(Allocation.status == AllocationStatus.HELD.value,
               Allocation.expires_at > after, Allocation.expires_at <= before)
        .order_by(Allocation.expires_at, Allocation.id)).all()
    return [LapsingHold(*row) for row in rows]


# -- who takes part ----------------------------------------------------------------------------

def application_for(week_id: int, business_id: int) -> Application | None:
    return db.session.scalar(select(Application).where(
        Application.week_id == week_id, Application.business_id == business_id))


def live_application(week_id: int, business_id: int | None) -> Application | None:
    """The business's application to the week if it still takes part (not rejected or
    withdrawn) — the one rule for "this business is at this week"."""
    if business_id is None:
        return None
    application = application_for(week_id, business_id)
    if application is None or application.status in _ENDED_APPLICATIONS:
        return None
    return application


def taking_part(week) -> list[Business]:
    """The businesses whose application to the week still stands, by name."""
    return db.session.scalars(
        select(Business).join(Application, Application.business_id == Business.id)
        .where(Application.week_id == week.id, Application.status.not_in(_ENDED_APPLICATIONS))
        .order_by(Business.name)).all()


def taking_part_query(week):
    """taking_part as a query (unordered), for a caller to narrow down."""
    return (select(Business).join(Application, Application.business_id == Business.id)
            .where(Application.week_id == week.id, Application.status.not_in(_ENDED_APPLICATIONS)))


def application_counts(week) -> dict[str, int]:
    """How many applications to the week are in each state."""
    return dict(db.session.execute(
        select(Application.status, func.count()).where(Application.week_id == week.id)
        .group_by(Application.status)).all())


def week_applications(week) -> list[Application]:
    """Every application to the week, oldest first, with its business."""
    return db.session.scalars(
        select(Application).where(Application.week_id == week.id)
        .options(joinedload(Application.business))
        .order_by(Application.created_at, Application.id)).all()


def waiting_list(week) -> list[Application]:
    """The week's waiting list, first come first offered."""
    return db.session.scalars(
        select(Application).where(Application.week_id == week.id,
                                  Application.status == ApplicationStatus.WAITLISTED.value)
        .options(joinedload(Application.business))
        .order_by(Application.waitlisted_at, Application.id)).all()


def business_applications(business_id: int) -> list[Application]:
    return db.session.scalars(
        select(Application).where(Application.business_id == business_id)
        .options(joinedload(Application.week)).order_by(Application.created_at.desc())).all()


def weeks_taken_part(business_id: int, organizer_id: int) -> set[int]:
    """The weeks of an organising body that the business applied to or was given a booth at."""
    from exhibit.weeks.models import ExhibitionWeek
    own = select(ExhibitionWeek.id).where(ExhibitionWeek.organizer_id == organizer_id)
    applied = set(db.session.scalars(select(Application.week_id).where(
        Application.business_id == business_id, Application.week_id.in_(own))))
    booked = set(db.session.scalars(select(Allocation.week_id).where(
        Allocation.business_id == business_id, Allocation.week_id.in_(own))))
    return applied | booked


# -- the organiser's desk: bookings and applications searched, filtered and paged ---------------
#
# Each list is filtered and paged by the database (core.paging.counted_page) and its counts per
# state come from one GROUP BY over the same filters: a fair of 3,000 booths and 2,500
# businesses never loads its rows to show a page of them.

#: rows on one page of the desk's bookings, applications and waiting list
DESK_PAGE_SIZE = 50

LIVE, ALL = "live", "all"
RELEASED, EXPIRED = AllocationStatus.RELEASED.value, AllocationStatus.EXPIRED.value
#: what the desk's bookings are filtered by: a booking's state as people read it
#: (shown_status: a hold past its deadline is expired already), "live" (held or confirmed,
#: the desk's default) and "all"
BOOKING_STATES = (LIVE, HELD, CONFIRMED, RELEASED, EXPIRED, ALL)
APPLICATION_STATES = tuple(s.value for s in ApplicationStatus)


def _row_id(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


@dataclass(frozen=True)
class BookingFilter:
    """What the organiser asked of the week's bookings (unknown or bad values are ignored)."""
    state: str = LIVE
    hall_id: int | None = None
    #: the start of a booth code ("B1" finds B101…B199)
    booth: str = ""
    #: part of the business's name (accents and case ignored) or the start of its tax code
    business: str = ""

    @classmethod
    def from_args(cls, args) -> BookingFilter:
        state = args.get("state")
        return cls(state=state if state in BOOKING_STATES else LIVE,
                   hall_id=_row_id(args.get("hall")), booth=paging.search_text(args, "booth").upper(),
                   business=paging.search_text(args))


@dataclass(frozen=True)
class ApplicationFilter:
    """What the organiser asked of the week's applications ("" state: every state)."""
    state: str = ""
    #: part of the business's name or of its province's name, or the start of its tax code
    text: str = ""

    @classmethod
    def from_args(cls, args) -> ApplicationFilter:
        state = args.get("state")
        return cls(state=state if state in APPLICATION_STATES else "", text=paging.search_text(args))


def _shown_state(now: datetime):
    """SQL for shown_status: a hold past its deadline reads as expired."""
    return case((and_(Allocation.status == AllocationStatus.HELD.value,
                      Allocation.expires_at <= now), literal(EXPIRED)),
                else_=Allocation.status)


def _in_state(state: str, now: datetime):
    if state == LIVE:
        return live(now)
    if state == HELD:
        return and_(Allocation.status == AllocationStatus.HELD.value, Allocation.expires_at > now)
    if state == EXPIRED:
        return _shown_state(now) == EXPIRED
    return Allocation.status == state


def _business_matches(text: str, *, with_province: bool = False):
    """Businesses whose folded name contains the folded ``text``, whose tax code starts with
    it, or (``with_province``) whose province's name contains it."""
    folded = fold_search_key(text)
    found = [Business.name_search.contains(folded, autoescape=True)]
    code = text.replace(" ", "").replace(".", "")
    digits = "".join(ch for ch in code if ch.isdigit())
    if digits and all(ch.isdigit() or ch == "-" for ch in code):
        # typed grouped ("0312-345-678") or whole with a branch: as stored ("0312345678-001")
        stored = digits if len(digits) <= 10 else f"{digits[:10]}-{digits[10:]}"
        found.append(Business.tax_code.startswith(stored, autoescape=True))
    if with_province:
        for scheme in provinces.SCHEMES:
            codes = [p.code for p in provinces.provinces(scheme) if folded in fold_search_key(p.name)]
            if codes:
                found.append(and_(Business.province_scheme == scheme,
                                  Business.province_code.in_(codes)))
    return or_(*found)


def _bookings(week, chosen: BookingFilter, now: datetime, *, with_state: bool = True):
    query = (select(Allocation).join(Booth, Booth.id == Allocation.booth_id)
             .join(Business, Business.id == Allocation.business_id)
             .where(Allocation.week_id == week.id))
    if with_state and chosen.state != ALL:
        query = query.where(_in_state(chosen.state, now))
    if chosen.hall_id is not None:
        query = query.where(Booth.hall_id == chosen.hall_id)
    if chosen.booth:
        query = query.where(Booth.code.startswith(chosen.booth, autoescape=True))
    if chosen.business:
        query = query.where(_business_matches(chosen.business))
    return query


def booking_page(week, chosen: BookingFilter, number: int,
                 now: datetime | None = None) -> paging.Page:
    """One page of the week's bookings that match, with booth and business: newest first, or
    the soonest deadline first when only live holds are asked for (the desk works down them)."""
    now = now or utcnow()
    query = _bookings(week, chosen, now).options(contains_eager(Allocation.booth),
                                                 contains_eager(Allocation.business))
    if chosen.state == HELD:
        query = query.order_by(Allocation.expires_at, Allocation.id)
    else:
        query = query.order_by(Allocation.created_at.desc(), Allocation.id.desc())
    return paging.counted_page(query, number, DESK_PAGE_SIZE)


def booking_state_counts(week, chosen: BookingFilter, now: datetime | None = None) -> dict[str, int]:
    """How many of the week's bookings that match the hall, booth and business asked are in
    each state of BOOKING_STATES (whatever state is chosen): one grouped query."""
    now = now or utcnow()
    shown = _shown_state(now).label("shown")
    query = _bookings(week, chosen, now, with_state=False).with_only_columns(
        shown, func.count()).group_by(shown)
    counts = {state: 0 for state in BOOKING_STATES}
    for state, n in db.session.execute(query):
        counts[state] += n
    counts[LIVE] = counts[HELD] + counts[CONFIRMED]
    counts[ALL] = sum(counts[s] for s in (HELD, CONFIRMED, RELEASED, EXPIRED))
    return counts


def soonest_holds(week, limit: int, now: datetime | None = None) -> list[Allocation]:
    """The first ``limit`` of week_holds: the live holds lapsing soonest."""
    return db.session.scalars(
        select(Allocation).where(Allocation.week_id == week.id,
                                 Allocation.status == AllocationStatus.HELD.value, live(now))
        .options(joinedload(Allocation.booth), joinedload(Allocation.business))
        .order_by(Allocation.expires_at, Allocation.id).limit(limit)).all()


def booth_status_counts(week, now: datetime | None = None) -> dict[str, int]:
    """status_counts(booth_states(week)) counted by the database: each booth with the live
    allocation it may have (at most one), grouped."""
    now = now or utcnow()
    rows = db.session.execute(
        select(Booth.blocked, Allocation.status, func.count())
        .select_from(Booth)
        .outerjoin(Allocation, and_(Allocation.booth_id == Booth.id, live(now)))
        .where(Booth.week_id == week.id, Booth.retired_at.is_(None))
        .group_by(Booth.blocked, Allocation.status))
    counts = {status: 0 for status in BOOTH_STATUSES}
    for blocked, status, n in rows:
        if status is not None:
            counts[CONFIRMED if status == AllocationStatus.CONFIRMED.value else HELD] += n
        else:
            counts[BLOCKED if blocked else AVAILABLE] += n
    return counts


def _applications(week, chosen: ApplicationFilter, *, with_state: bool = True):
    query = (select(Application).join(Business, Business.id == Application.business_id)
             .where(Application.week_id == week.id))
    if with_state and chosen.state:
        query = query.where(Application.status == chosen.state)
    if chosen.text:
        query = query.where(_business_matches(chosen.text, with_province=True))
    return query


def application_page(week, chosen: ApplicationFilter, number: int) -> paging.Page:
    """One page of the week's applications that match, oldest first, with their business."""
    query = (_applications(week, chosen).options(contains_eager(Application.business))
             .order_by(Application.created_at, Application.id))
    return paging.counted_page(query, number, DESK_PAGE_SIZE)


def application_state_counts(week, chosen: ApplicationFilter | None = None) -> dict[str, int]:
    """How many of the week's applications that match the text asked are in each state (every
    state listed, 0 when none), whatever state is chosen: one grouped query."""
    query = _applications(week, chosen or ApplicationFilter(), with_state=False) \
        .with_only_columns(Application.status, func.count()).group_by(Application.status)
    counts = {state: 0 for state in APPLICATION_STATES}
    counts.update(db.session.execute(query).all())
    return counts


def waiting_page(week, number: int) -> paging.Page:
    """One page of the week's waiting list, first come first offered."""
    query = (select(Application).join(Business, Business.id == Application.business_id)
             .where(Application.week_id == week.id,
                    Application.status == ApplicationStatus.WAITLISTED.value)
             .options(contains_eager(Application.business))
             .order_by(Application.waitlisted_at, Application.id))
    return paging.counted_page(query, number, DESK_PAGE_SIZE)
