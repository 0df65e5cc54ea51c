"""What booking leaves waiting on the organiser, counted for the desk's work queue
(exhibit/weeks/desk.py): applications to review, and held booths to confirm before they lapse.
Two grouped queries for any number of weeks."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from exhibit.booking.models import Allocation, AllocationStatus, Application, ApplicationStatus
from exhibit.extensions import db
from exhibit.vn.dates import to_vietnam_time
from exhibit.weeks.desk import Waiting


def waiting(week_ids: Sequence[int], now: datetime, today: date) -> list[Waiting]:
    return [*_applications(week_ids), *_holds(week_ids, now)]


def _applications(week_ids: Sequence[int]) -> list[Waiting]:
    """Submitted applications, the oldest first on the list the item opens."""
    rows = db.session.execute(
        select(Application.week_id, func.count(), func.min(Application.created_at))
        .where(Application.week_id.in_(week_ids),
               Application.status == ApplicationStatus.SUBMITTED.value)
        .group_by(Application.week_id))
    return [Waiting(
        week_id=week_id, kind="applications", count=count,
        label=ngettext("application waiting for review", "applications waiting for review", count),
        endpoint="booking.manage_week",
        args={"tab": "applications", "state": ApplicationStatus.SUBMITTED.value},
        since=oldest,
        note=_("oldest sent on %(day)s", day=to_vietnam_time(oldest).strftime("%d/%m/%Y")))
        for week_id, count, oldest in rows]


def _holds(week_ids: Sequence[int], now: datetime) -> list[Waiting]:
    """Live holds (time left), each lapsing at its deadline unless the organiser confirms it;
    the list it opens puts the soonest deadline first."""
    rows = db.session.execute(
        select(Allocation.week_id, func.count(), func.min(Allocation.expires_at))
        .where(Allocation.week_id.in_(week_ids),
               Allocation.status == AllocationStatus.HELD.value, Allocation.expires_at > now)
        .group_by(Allocation.week_id))
    return [Waiting(
        week_id=week_id, kind="holds", count=count,
        label=ngettext("held booth to confirm before it lapses",
                       "held booths to confirm before they lapse", count),
        endpoint="booking.manage_week", args={"state": "held"}, due=nearest,
        note=_("nearest deadline %(time)s",
               time=to_vietnam_time(nearest).strftime("%H:%M %d/%m/%Y")))
        for week_id, count, nearest in rows]


def confirmed_exhibitors(week_ids: Sequence[int]):
    """A query of (week_id, business_id): every business with a confirmed booth at one of the
    weeks, once (for the documents' "confirmed without a contract")."""
    return (select(Allocation.week_id, Allocation.business_id)
            .where(Allocation.week_id.in_(week_ids),
                   Allocation.status == AllocationStatus.CONFIRMED.value)
            .distinct())
