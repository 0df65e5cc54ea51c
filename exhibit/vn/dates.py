"""Dates the Vietnamese way: dd/mm/yyyy in tables, the NĐ 30 place-and-date line in documents."""
from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def nd30_date(day: date) -> str:
    """"ngày 05 tháng 7 năm 2024": day below 10 and months 1 and 2 take a leading zero (NĐ 30/2020)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def nd30_date_line(place: str, day: date) -> str:
    """"TP. Hồ Chí Minh, ngày 05 tháng 3 năm 2024"."""
    return f"{place}, {nd30_date(day)}"


def format_date(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def to_vietnam_time(moment: datetime) -> datetime:
    """Stored timestamps are UTC; people read them in Asia/Ho_Chi_Minh (UTC+7, no DST)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(VIETNAM_TZ)


def format_moment(moment: datetime | None) -> str:
    """A stored UTC timestamp as people in Vietnam read it: "25/07/2024 09:30"."""
    return to_vietnam_time(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def vietnam_today(now: datetime | None = None) -> date:
    """Today's date in Vietnam (or the Vietnam date of ``now``): weeks, due dates and
    check-in days are Vietnam dates, whatever the server's clock zone."""
    return (to_vietnam_time(now) if now is not None else datetime.now(VIETNAM_TZ)).date()


_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_date(value) -> date | None:
    """A date typed by a person or read from a spreadsheet: "2024-11-12", "12/11/2024",
    "12.11.2024" (day first, as Vietnamese write it) or a date/datetime cell.
    None for an empty value; ValueError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    return date.fromisoformat(text[:10])
