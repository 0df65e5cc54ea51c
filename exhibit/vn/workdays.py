"""Working days in Vietnam: Monday to Friday, counted on the Asia/Ho_Chi_Minh calendar.

Public holidays (Tết, 30/4–1/5, 2/9…) are not built in: their dates move with the lunar
calendar and the government's yearly decisions, so a caller that knows them passes them as
``holidays``.
"""
from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta, timezone

from exhibit.vn.dates import to_vietnam_time


def is_working_day(day: date, holidays: Collection[date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(moment: datetime, days: int, holidays: Collection[date] = ()) -> datetime:
    """The moment ``days`` whole working days after ``moment``, in UTC.

    Only working time counts: from a working day, the answer is the same clock time ``days``
    working days later (Friday 16:00 + 3 → Wednesday 16:00); from a weekend or a holiday,
    counting starts when the next working day begins (Saturday 10:00 + 3 → the end of
    Wednesday, i.e. Thursday 00:00).
    """
    if days < 0:
        raise ValueError("days must not be negative")
    local = to_vietnam_time(moment)
    day = local.date()
    if not is_working_day(day, holidays):
        while not is_working_day(day, holidays):
            day += timedelta(days=1)
        local = datetime.combine(day, time(0), tzinfo=local.tzinfo)
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return datetime.combine(day, local.timetz()).astimezone(timezone.utc)
