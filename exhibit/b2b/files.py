"""A participant's B2B schedule as files — the printable PDF and the calendar file (.ics) —
made from the meetings as they stand, for the email that announces the final schedule (the
outbox asks for them when it sends the message: messaging.attachments)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app

from exhibit.b2b.calendar import render_calendar
from exhibit.b2b.schedule import render_schedule
from exhibit.businesses.models import Business
from exhibit.core.errors import NotFound
from exhibit.extensions import db
from exhibit.weeks.models import ExhibitionWeek


def schedule_files(*, week_id: int, side: str, business_id: int, language: str = "vi"
                   ) -> list[tuple[str, str, bytes]]:
    """(file name, MIME type, content) of the schedule PDF and the .ics of a buyer's or a
    supplier's business at the week; NotFound when the business no longer takes part (a buyer
    removed, a week deleted)."""
    from exhibit.b2b import services
    week = db.session.get(ExhibitionWeek, week_id)
    business = db.session.get(Business, business_id)
    if week is None or business is None or side not in ("buyer", "supplier"):
        raise NotFound("no such B2B participant")
    if side == "buyer":
        buyer = services.buyer_for(week, business_id)
        if buyer is None:
            raise NotFound("no such B2B participant")
        meetings = services.participant_meetings(week, buyer=buyer)
    else:
        meetings = services.participant_meetings(week, supplier_id=business_id)
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "exhibit.local"
    stem = f"b2b-{week.slug}"
    return [
        (f"{stem}.pdf", "application/pdf",
         render_schedule(week, business.name, meetings, side=side, lang=language)),
        (f"{stem}.ics", "text/calendar",
         render_calendar(week, meetings, side=side, host=host, lang=language)),
    ]
