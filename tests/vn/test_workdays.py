"""Working days in Vietnam time (exhibit/vn/workdays.py): Monday to Friday, the clock time kept."""
from datetime import date, datetime, timezone

import pytest

from exhibit.vn.dates import VIETNAM_TZ
from exhibit.vn.workdays import add_working_days, is_working_day


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VIETNAM_TZ)


@pytest.mark.parametrize("start,days,expected", [
    # Monday 09:00 → Thursday 09:00
    (vn(2027, 3, 1, 9, 0), 3, vn(2027, 3, 4, 9, 0)),
    # Friday 16:00: the weekend does not count → Wednesday 16:00
    (vn(2027, 3, 5, 16, 0), 3, vn(2027, 3, 10, 16, 0)),
    # Friday 16:00 + 1 → Monday 16:00
    (vn(2027, 3, 5, 16, 0), 1, vn(2027, 3, 8, 16, 0)),
    # Saturday 10:00: counting starts Monday 00:00 → the end of Wednesday
    (vn(2027, 3, 6, 10, 0), 3, vn(2027, 3, 11, 0, 0)),
    # Sunday 23:59 likewise
    (vn(2027, 3, 7, 23, 59), 3, vn(2027, 3, 11, 0, 0)),
    # Thursday 11:00 + 5 → next Thursday 11:00
    (vn(2027, 3, 4, 11, 0), 5, vn(2027, 3, 11, 11, 0)),
    # zero days: a working moment stays, a weekend one moves to Monday 00:00
    (vn(2027, 3, 3, 8, 0), 0, vn(2027, 3, 3, 8, 0)),
    (vn(2027, 3, 6, 8, 0), 0, vn(2027, 3, 8, 0, 0)),
])
def test_working_days_skip_the_weekend(start, days, expected):
    result = add_working_days(start.astimezone(timezone.utc), days)
    assert result == expected
    assert result.tzinfo is not None and result.utcoffset().total_seconds() == 0  # stored as UTC


def test_the_day_is_the_vietnamese_one_not_utcs():
    # Saturday 01:00 in Hà Nội is still Friday 18:00 UTC: it is the weekend that counts
    saturday_night = vn(2027, 3, 6, 1, 0).astimezone(timezone.utc)
    assert saturday_night.weekday() == 4
    assert add_working_days(saturday_night, 1) == vn(2027, 3, 9, 0, 0)
    # Friday 23:30 in Vietnam (16:30 UTC) + 1 → Monday 23:30 in Vietnam
    assert add_working_days(vn(2027, 3, 5, 23, 30).astimezone(timezone.utc), 1) == \
        vn(2027, 3, 8, 23, 30)


def test_a_naive_moment_is_read_as_utc():
    assert add_working_days(datetime(2027, 3, 5, 9, 0), 3) == vn(2027, 3, 10, 16, 0)


def test_holidays_a_caller_knows_are_skipped_too():
    # 30/4 and 1/5/2027 fall on Friday and Saturday: Thursday 29/4 10:00 + 2 → Tuesday 4/5
    holidays = {date(2027, 4, 30), date(2027, 5, 1)}
    assert not is_working_day(date(2027, 4, 30), holidays)
    assert add_working_days(vn(2027, 4, 29, 10, 0), 2, holidays) == vn(2027, 5, 4, 10, 0)
    assert add_working_days(vn(2027, 4, 29, 10, 0), 2) == vn(2027, 5, 3, 10, 0)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(vn(2027, 3, 1, 9, 0), -1)
