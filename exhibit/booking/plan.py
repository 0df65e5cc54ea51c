"""The floor plan as booking sees it, one hall at a time: the chosen hall drawn with every
booth's status, and every hall's counts from one grouped query — for the public plan, the
week page and the organiser's booth editor. A fair of 3,000 booths in six halls draws 500
booths, not 3,000."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from exhibit.booking import queries
from exhibit.booking.models import Allocation, AllocationStatus
from exhibit.businesses.models import Business
from exhibit.core.db import utcnow
from exhibit.core.paging import counted_page
from exhibit.extensions import db
from exhibit.floorplan.clusters import shapes as cluster_shapes
from exhibit.floorplan.models import Booth, BoothCluster, Hall, PlanElement
from exhibit.floorplan.services import live_booths
from exhibit.floorplan.svg import render_hall
from exhibit.vn.money import format_vnd


def booth_label(booth: Booth, state: queries.BoothState) -> str:
    """What a booth's tooltip says: code, status, size, price — and its exhibitor, only once
    the booking is confirmed (a hold is nobody's public business)."""
    parts = [booth.code, queries.status_title(state.status), f"{booth.area_m2:g} m²",
             format_vnd(booth.price_vnd)]
    if state.status == queries.CONFIRMED and state.allocation:
        parts.append(state.allocation.business.name)
    return " · ".join(parts)


@dataclass
class HallCount:
    """A hall of the week with how many of its booths are in each status."""
    hall: Hall
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        queries.BOOTH_STATUSES, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def available(self) -> int:
        return self.counts[queries.AVAILABLE]


def hall_counts(week, now=None) -> list[HallCount]:
    """Every hall of the week (in order) with its booths counted per status, by one grouped
    query: a booth is confirmed or held by its live allocation, else blocked or available —
    the rule of ``queries.booth_states``."""
    now = now or utcnow()
    halls = {hall.id: HallCount(hall) for hall in week.halls}
    rows = db.session.execute(
        select(Booth.hall_id, Allocation.status, Booth.blocked, func.count(Booth.id))
        .outerjoin(Allocation, and_(Allocation.booth_id == Booth.id,
                                    Allocation.week_id == week.id, queries.live(now)))
        .where(Booth.week_id == week.id, live_booths())
        .group_by(Booth.hall_id, Allocation.status, Booth.blocked))
    for hall_id, allocation_status, blocked, count in rows:
        if allocation_status == AllocationStatus.CONFIRMED.value:
            status = queries.CONFIRMED
        elif allocation_status is not None:
            status = queries.HELD
        else:
            status = queries.BLOCKED if blocked else queries.AVAILABLE
        if hall_id in halls:
            halls[hall_id].counts[status] += count
    return list(halls.values())


def hall_states(hall: Hall, now=None) -> dict[int, queries.BoothState]:
    """The status of every booth of one hall (as ``queries.booth_states`` gives a week's)."""
    states = {booth_id: queries.BoothState(queries.BLOCKED if blocked else queries.AVAILABLE)
              for booth_id, blocked in db.session.execute(
                  select(Booth.id, Booth.blocked).where(Booth.hall_id == hall.id,
                                                        live_booths()))}
    taken = db.session.scalars(
        select(Allocation).join(Booth, Booth.id == Allocation.booth_id)
        .where(Booth.hall_id == hall.id, live_booths(), queries.live(now or utcnow()))
        .options(joinedload(Allocation.business))).all()
    for allocation in taken:
        status = (queries.CONFIRMED if allocation.status == AllocationStatus.CONFIRMED.value
                  else queries.HELD)
        states[allocation.booth_id] = queries.BoothState(status, allocation)
    return states


def chosen_hall_id(args: Mapping) -> int | None:
    """``?hall=`` of a request: a hall id, or None when missing or not a number."""
    value = str(args.get("hall") or "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def plan_context(week, viewer, *, link=None, hall_id: int | None = None,
                 found: dict[int, int] | None = None, drawing: bool = True) -> dict:
    """Everything a template needs to draw the week's plan one hall at a time: the halls with
    their counts (for the chooser), the chosen hall (``hall_id``, else the hall of the first
    booth ``found`` by a search, else the first) drawn as SVG over the venue's drawing (when
    calibrated) with its fixed elements, the legend's counts for that hall, the viewer's own
    booths highlighted (an exhibitor's) and the booths found marked. ``found`` maps booth ids
    to their hall ids. The number of queries does not grow with the number of booths or
    halls."""
    now = utcnow()
    counts = hall_counts(week, now)
    found = found or {}
    if hall_id is None and found:
        hall_id = next(iter(found.values()))
    chosen = next((c for c in counts if c.hall.id == hall_id), counts[0] if counts else None)
    link = link or (lambda b: url_for("floorplan.booth_page", slug=week.slug, code=b.code))
    plan_halls, states, booths = [], {}, []
    if chosen is not None:
        hall = chosen.hall
        states = hall_states(hall, now)
        mine = set()
        if viewer is not None and viewer.is_authenticated and viewer.is_exhibitor:
            mine = {booth_id for booth_id, state in states.items()
                    if state.allocation and state.allocation.business_id == viewer.business_id}
        available = queries.BoothState(queries.AVAILABLE)
        booths = db.session.scalars(select(Booth).where(Booth.hall_id == hall.id, live_booths())
                                    .order_by(Booth.code)).all()
        elements = db.session.scalars(select(PlanElement).where(PlanElement.hall_id == hall.id)
                                      .order_by(PlanElement.id)).all()
        drawing_url = (url_for("floorplan.hall_drawing", slug=week.slug, hall_id=hall.id,
                               name=hall.drawing_key.rsplit("/", 1)[-1])
                       if drawing and hall.drawing_key else None)
        names = dict(db.session.execute(select(BoothCluster.id, BoothCluster.name).where(
            BoothCluster.week_id == week.id)).all())
        plan_halls = [(hall, render_hall(
            hall, booths, status=lambda b: states.get(b.id, available).status, link=link,
            label=lambda b: booth_label(b, states.get(b.id, available)), highlight=mine,
            elements=elements, drawing_url=drawing_url, found=set(found),
            clusters=cluster_shapes(booths, names) if names else ()))]
    return {"plan_halls": plan_halls, "plan_hall_counts": counts,
            "plan_hall": chosen.hall if chosen else None,
            "plan_counts": chosen.counts if chosen else dict.fromkeys(queries.BOOTH_STATUSES, 0),
            "status_title": queries.status_title, "states": states, "plan_booths": booths}


# -- the organiser's booth table ---------------------------------------------------------------

BOOTHS_PER_PAGE = 40
MAX_CODE_SEARCH = 20


@dataclass
class BoothFilters:
    """The organiser's booth table: part of a code (``q``), a hall, a status; bad values are
    ignored (an unknown status or hall, a search longer than any code)."""
    q: str = ""
    hall_id: int | None = None
    status: str = ""

    @classmethod
    def from_args(cls, args: Mapping, week) -> BoothFilters:
        q = str(args.get("q") or "").strip().upper().replace(" ", "")
        status = str(args.get("status") or "")
        hall_id = chosen_hall_id(args)
        return cls(q=q if len(q) <= MAX_CODE_SEARCH else "",
                   hall_id=hall_id if hall_id in {h.id for h in week.halls} else None,
                   status=status if status in queries.BOOTH_STATUSES else "")


@dataclass
class BoothRow:
    booth: Booth
    state: queries.BoothState


def booths_page(week, filters: BoothFilters, number: int, size: int = BOOTHS_PER_PAGE):
    """One page of the week's booths (in code order) with their status, and the count of all
    that match, from the database: a booth's live allocation is joined, never looked up."""
    now = utcnow()
    query = (select(Booth, Allocation)
             .outerjoin(Allocation, and_(Allocation.booth_id == Booth.id,
                                         Allocation.week_id == week.id, queries.live(now)))
             .where(Booth.week_id == week.id, live_booths())
             .options(joinedload(Booth.hall), joinedload(Allocation.business))
             .order_by(Booth.code, Booth.id))
    if filters.q:
        query = query.where(Booth.code.contains(filters.q, autoescape=True))
    if filters.hall_id:
        query = query.where(Booth.hall_id == filters.hall_id)
    if filters.status == queries.CONFIRMED:
        query = query.where(Allocation.status == AllocationStatus.CONFIRMED.value)
    elif filters.status == queries.HELD:
        query = query.where(Allocation.status == AllocationStatus.HELD.value)
    elif filters.status == queries.BLOCKED:
        query = query.where(Allocation.id.is_(None), Booth.blocked.is_(True))
    elif filters.status == queries.AVAILABLE:
        query = query.where(Allocation.id.is_(None), Booth.blocked.is_(False))
    page = counted_page(query, number, size, scalars=False)
    page.rows = [BoothRow(booth, _state(booth, allocation)) for booth, allocation in page.rows]
    return page


def _state(booth: Booth, allocation: Allocation | None) -> queries.BoothState:
    if allocation is not None:
        return queries.BoothState(queries.CONFIRMED if allocation.status
                                  == AllocationStatus.CONFIRMED.value else queries.HELD,
                                  allocation)
    return queries.BoothState(queries.BLOCKED if booth.blocked else queries.AVAILABLE)


# -- who exhibits at a page of booths ----------------------------------------------------------

def exhibitors_of(booth_ids) -> dict[int, Business]:
    """The business confirmed at each of these booths (those that have one), by booth id: one
    query for a page of booths."""
    ids = list(booth_ids)
    if not ids:
        return {}
    return dict(db.session.execute(
        select(Allocation.booth_id, Business).join(Business, Business.id == Allocation.business_id)
        .where(Allocation.booth_id.in_(ids),
               Allocation.status == AllocationStatus.CONFIRMED.value)).all())


def confirmed_business_id(booth_id_column):
    """A scalar subquery: the business confirmed at the booth ``booth_id_column`` names, for a
    reader that joins a booth's exhibitor into its own query (the visitor's booth page)."""
    return (select(Allocation.business_id)
            .where(Allocation.booth_id == booth_id_column,
                   Allocation.status == AllocationStatus.CONFIRMED.value)
            .limit(1).scalar_subquery())


def booths_exhibited_by(week, words: list[str]):
    """A subquery of the week's booth ids whose confirmed exhibitor's name holds every one of
    the folded ``words`` (vn.text.search_words), for a search by exhibitor."""
    query = (select(Allocation.booth_id).join(Business, Business.id == Allocation.business_id)
             .where(Allocation.week_id == week.id,
                    Allocation.status == AllocationStatus.CONFIRMED.value))
    for word in words:
        query = query.where(Business.name_search.contains(word, autoescape=True))
    return query


def has_booths(week) -> bool:
    """Whether the week's floor plan has any booth to pick yet. Without one, applicants are
    told that the organiser assigns booths later, not sent to an empty plan."""
    return db.session.scalar(select(Booth.id).where(Booth.week_id == week.id, live_booths())
                             .limit(1)) is not None


def weeks_with_booths(week_ids) -> set[int]:
    """Which of these weeks have at least one booth on their plan (one query)."""
    if not week_ids:
        return set()
    return set(db.session.scalars(select(Booth.week_id).where(Booth.week_id.in_(set(week_ids)),
                                                              live_booths())
                                  .distinct()))
