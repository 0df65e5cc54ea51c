"""What the visitors feature does when others announce a change: every new booth gets the QR
token its poster prints, and the booth pages this process keeps are dropped when a booking, the
floor plan, a product's review or the week changes (exhibit/core/events.py)."""
from __future__ import annotations

from exhibit.core.events import booking_changed, floor_plan_changed, product_reviewed, week_changed
from exhibit.visitors import booth_pages, services


def issue_tokens(_sender, *, week_id: int) -> None:
    services.issue_missing_tokens(week_id)


def forget_booth_pages(_sender, **_payload) -> None:
    booth_pages.forget_all()


def connect() -> None:
    floor_plan_changed.connect(issue_tokens)
    for changed in (booking_changed, floor_plan_changed, product_reviewed, week_changed):
        changed.connect(forget_booth_pages)
