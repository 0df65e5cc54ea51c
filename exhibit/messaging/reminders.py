"""Messages the clock sends because time passed, not because someone acted: a hold about to
lapse, a payment falling due, a meeting about to start, a meeting request about to expire. Each has an idempotency key naming the
moment it is about, so every tick may ask again and each person is told once."""
from __future__ import annotations

from datetime import datetime, timedelta

from exhibit.core.db import write_transaction
from exhibit.extensions import db
from exhibit.messaging import outbox, subscribers
from exhibit.vn.dates import format_moment, vietnam_today
from exhibit.vn.money import format_vnd
from exhibit.weeks.models import ExhibitionWeek

#: how long before it lapses each kind of hold is warned about (booking.models.HoldKind): a
#: booth picked without a complete application in its last 5 minutes, a hold waiting for the
#: organiser's review a day ahead, a waiting-list offer half a day ahead
HOLD_WARNING = {"short": timedelta(minutes=5), "review": timedelta(hours=24),
                "offer": timedelta(hours=12)}


#: a B2B meeting is announced to both sides this long before it starts
MEETING_WARNING = timedelta(minutes=30)
#: an unanswered B2B meeting request is recalled to the side asked this long before it expires
REQUEST_WARNING = timedelta(hours=12)


def queue_due(now: datetime) -> dict[str, int]:
    return {"hold_warnings": warn_lapsing_holds(now), "meeting_reminders": remind_meetings(now),
            "payment_reminders": remind_payments(now), "request_reminders": remind_requests(now)}


def remind_payments(now: datetime) -> int:
    """A deposit or balance due in 3 days, or overdue: each told once per contract, payment
    and due date (a new due date, or a revised contract, is told again)."""
    from exhibit.documents.payments import reminders as payment_reminders
    due = payment_reminders(vietnam_today(now))
    if not due:
        return 0
    queued = 0
    with write_transaction():
        for reminder in due:
            week = db.session.get(ExhibitionWeek, reminder.week_id)
            queued += subscribers.tell_business(
                "payment.overdue" if reminder.overdue else "payment.due_soon", week,
                reminder.business_id, about=("document", reminder.document_id),
                occasion=f"{reminder.which}-{reminder.due_on:%Y%m%d}",
                number=reminder.number, which=reminder.which,
                amount=format_vnd(reminder.amount_vnd), due_on=f"{reminder.due_on:%d/%m/%Y}",
                link=subscribers.public_url("documents.mine"))
    return queued


def remind_meetings(now: datetime) -> int:
    from exhibit.b2b.services import meetings_starting
    starting = meetings_starting(after=now, before=now + MEETING_WARNING)
    if not starting:
        return 0
    queued = 0
    with write_transaction():
        for meeting in starting:
            week = db.session.get(ExhibitionWeek, meeting.week_id)
            sides = {"buyer": meeting.buyer.business_id, "supplier": meeting.supplier_id}
            for side in sides:
                queued += subscribers.tell_meeting(
                    "b2b.starting_soon", week, meeting, side, sides,
                    occasion=meeting.slot.starts_at.strftime("%Y%m%d%H%M"))
    return queued


def remind_requests(now: datetime) -> int:
    """A meeting request still unanswered REQUEST_WARNING before its answer deadline: the side
    asked is told once (per request and deadline) that it will expire."""
    from exhibit.b2b.services import requests_expiring
    expiring = requests_expiring(after=now, before=now + REQUEST_WARNING)
    if not expiring:
        return 0
    queued = 0
    with write_transaction():
        for meeting in expiring:
            week = db.session.get(ExhibitionWeek, meeting.week_id)
            asked = "supplier" if meeting.requested_by == "buyer" else "buyer"
            business = meeting.supplier_id if asked == "supplier" else meeting.buyer.business_id
            other = meeting.buyer.business.name if asked == "supplier" else meeting.supplier.name
            queued += subscribers.tell_business(
                "b2b.request_expiring", week, business, about=("meeting", meeting.id),
                occasion=f"{asked}-{meeting.expires_at:%Y%m%d%H%M}", other=other,
                when=format_moment(meeting.expires_at), link=subscribers.public_url("b2b.home"))
    return queued


def warn_lapsing_holds(now: datetime) -> int:
    from exhibit.booking import queries
    lapsing = [hold for hold in queries.holds_lapsing(before=now + max(HOLD_WARNING.values()),
                                                      after=now)
               if hold.expires_at - now <= HOLD_WARNING.get(hold.hold_kind, HOLD_WARNING["short"])]
    if not lapsing:
        return 0
    queued = 0
    with write_transaction():
        for hold in lapsing:
            week = db.session.get(ExhibitionWeek, hold.week_id)
            for person in subscribers.business_people(hold.business_id):
                recipient = outbox.recipient_for(person)
                queued += outbox.queue("booking.hold_lapsing", recipient,
                             about=("allocation", hold.allocation_id),
                             occasion=hold.expires_at.strftime("%Y%m%d%H%M"),
                             context={**subscribers.week_context(week, recipient.language),
                                      "business": person.business.name, "booth": hold.booth_code,
                                      "deadline": format_moment(hold.expires_at),
                                      "link": subscribers.public_url("booking.dashboard")},
                             week_id=hold.week_id, business_id=hold.business_id)
    return queued
