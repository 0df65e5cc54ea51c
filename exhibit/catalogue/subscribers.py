"""What the catalogue does when other features announce a change (exhibit/core/events.py): it
keeps its listings at the business's booths, and their OCOP stars true to the week's dates."""
from __future__ import annotations

from exhibit.catalogue import services
from exhibit.core.events import booking_changed, week_changed


def follow_booking(_sender, *, week_id: int, business_id: int, booth_id: int, action: str,
                   from_booth_id: int | None = None, **_rest) -> None:
    # _rest: what else booking tells (allocation_id, a hold's expires_at and hold_kind), which
    # listings do not depend on
    services.follow_booths(week_id, business_id,
                           moved_from=from_booth_id if action == "move" else None,
                           moved_to=booth_id if action == "move" else None)


def follow_week(_sender, *, week_id: int, changed: list[str]) -> None:
    if {"start_date", "end_date"} & set(changed):
        services.sync_week_listings(week_id)


def connect() -> None:
    booking_changed.connect(follow_booking)
    week_changed.connect(follow_week)
