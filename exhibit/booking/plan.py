"""The floor plan as booking sees it: each hall drawn with every booth's status, for the public
plan, the booth editor and the week page."""
from __future__ import annotations

from flask import url_for

from exhibit.booking import queries
from exhibit.floorplan import services as floorplan
from exhibit.floorplan.models import Booth
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


def plan_context(week, viewer, *, link=None) -> dict:
    """Everything a template needs to draw the week's plan: one SVG per hall, the legend's
    counts, and the viewer's own booths highlighted (an exhibitor's)."""
    states = queries.booth_states(week)
    mine = set()
    if viewer is not None and viewer.is_authenticated and viewer.is_exhibitor:
        mine = {booth_id for booth_id, state in states.items()
                if state.allocation and state.allocation.business_id == viewer.business_id}
    link = link or (lambda b: url_for("floorplan.booth_page", slug=week.slug, code=b.code))
    available = queries.BoothState(queries.AVAILABLE)
    by_hall: dict[int, list[Booth]] = {}
    for booth in floorplan.week_booths(week):
        by_hall.setdefault(booth.hall_id, []).append(booth)
    halls = [(hall, render_hall(hall, by_hall.get(hall.id, []),
                                status=lambda b: states.get(b.id, available).status, link=link,
                                label=lambda b: booth_label(b, states.get(b.id, available)),
                                highlight=mine))
             for hall in week.halls]
    return {"plan_halls": halls, "plan_counts": queries.status_counts(states),
            "status_title": queries.status_title, "states": states}
