"""What the visitors feature does when others announce a change: every new booth gets the QR
token its poster prints (exhibit/core/events.py)."""
from __future__ import annotations

from exhibit.core.events import floor_plan_changed
from exhibit.visitors import services


def issue_tokens(_sender, *, week_id: int) -> None:
    services.issue_missing_tokens(week_id)


def connect() -> None:
    floor_plan_changed.connect(issue_tokens)
