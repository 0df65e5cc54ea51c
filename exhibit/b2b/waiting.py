"""What the B2B session leaves waiting, counted for the organiser desk's work queue
(exhibit/weeks/desk.py): accepted meetings still without a time and table (the organiser
schedules them), and requests the other side has not answered yet (the organiser may nudge).
One grouped query for any number of weeks."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, case, func, select

from exhibit.b2b.models import Meeting, MeetingStatus
from exhibit.b2b.services import UNSCHEDULED
from exhibit.extensions import db
from exhibit.vn.dates import to_vietnam_time
from exhibit.weeks.desk import Waiting

REQUESTED, ACCEPTED = MeetingStatus.REQUESTED.value, MeetingStatus.ACCEPTED.value


def waiting(week_ids: Sequence[int], now: datetime, today: date) -> list[Waiting]:
    requested = Meeting.status == REQUESTED
    unscheduled = and_(Meeting.status == ACCEPTED, Meeting.slot_id.is_(None))
    rows = db.session.execute(
        select(Meeting.week_id,
               func.coalesce(func.sum(case((unscheduled, 1), else_=0)), 0),
               func.min(case((unscheduled, Meeting.created_at))),
               func.coalesce(func.sum(case((requested, 1), else_=0)), 0),
               func.min(case((requested, Meeting.created_at))))
        .where(Meeting.week_id.in_(week_ids), Meeting.status.in_((REQUESTED, ACCEPTED)))
        .group_by(Meeting.week_id))
    found = []
    for week_id, to_schedule, oldest_accepted, unanswered, oldest_request in rows:
        if to_schedule:
            found.append(Waiting(
                week_id=week_id, kind="meetings_to_schedule", count=to_schedule,
                label=ngettext("accepted B2B meeting without a time and table",
                               "accepted B2B meetings without a time and table", to_schedule),
                endpoint="b2b.manage", args={"status": ACCEPTED, "slot": UNSCHEDULED},
                since=oldest_accepted))
        if unanswered:
            found.append(Waiting(
                week_id=week_id, kind="meeting_requests", count=unanswered,
                label=ngettext("B2B meeting request not yet answered",
                               "B2B meeting requests not yet answered", unanswered),
                endpoint="b2b.manage", args={"status": REQUESTED}, since=oldest_request,
                note=_("oldest sent on %(day)s",
                       day=to_vietnam_time(oldest_request).strftime("%d/%m/%Y"))
                if oldest_request else ""))
    return found
