"""What the reports do when other features announce a change (exhibit/core/events.py): a past
week's kept figures and report files are dropped (reports/cache.py) whenever a change to that
week is committed."""
from __future__ import annotations

from exhibit.core import events
from exhibit.reports import cache

#: the changes that can move a figure of the report: bookings and applications, the plan and
#: the week, contracts and MoUs, visitors, leads, product decisions, meetings and payments
FIGURE_EVENTS = (
    events.booking_changed, events.application_changed, events.floor_plan_changed,
    events.week_changed, events.document_issued, events.document_signed,
    events.document_cancelled, events.visitor_registered, events.contact_left,
    events.product_reviewed, events.meeting_changed, events.payment_recorded,
)


def forget_week(_sender, *, week_id: int | None = None, **_rest) -> None:
    # _rest: what each event tells besides its week, which the figures are recomputed from
    if week_id is not None:
        cache.forget(week_id)


def connect() -> None:
    for signal in FIGURE_EVENTS:
        signal.connect(forget_week)
