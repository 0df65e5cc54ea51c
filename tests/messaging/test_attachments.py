"""Emails that carry files (issue 22, item 3): when the organiser publishes the final B2B
schedule, each participant's email arrives at a real SMTP server with its schedule as a PDF and
a calendar file (.ics) that parse, made when the email is sent from a reference the message
keeps (no file in the outbox); once per participant, not again when the schedule is published
again; a schedule changed before sending is sent as it stands."""
from __future__ import annotations

import io
import re
from datetime import timezone

from pypdf import PdfReader

from exhibit.messaging import outbox
from tests.b2b.conftest import fair  # noqa: F401 - a fixture
from tests.b2b.test_preferences import _buyer_user, _mark_everything, _scheduled
from tests.messaging.test_outbox import messages

EVENT = "b2b.schedule_published"


def _parts(email):
    """{MIME type: (file name, content)} of the email's attachments."""
    return {part.get_content_type(): (part.get_filename(), part.get_content())
            for part in email.iter_attachments()}


def _events(calendar: str) -> dict[str, str]:
    """UID → DTSTART of each VEVENT of an iCalendar text (lines unfolded)."""
    unfolded = calendar.replace("\r\n ", "")
    assert unfolded.startswith("BEGIN:VCALENDAR\r\n") and unfolded.endswith("END:VCALENDAR\r\n")
    events = re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", unfolded, re.S)
    found = {}
    for event in events:
        fields = dict(line.split(":", 1) for line in event.strip().split("\r\n"))
        found[fields["UID"]] = fields["DTSTART"]
    return found


def test_the_published_schedule_arrives_with_its_pdf_and_calendar(app, organiser, fair,  # noqa: F811
                                                                  mail_to):
    from exhibit.b2b import services
    week, buyers, suppliers, slots, tables = fair
    _mark_everything(week, buyers[:2], suppliers[:2])
    services.generate_schedule(actor=organiser, week=week, seconds=2)
    assert messages(event=EVENT) == []  # a provisional schedule is told to nobody
    services.publish_schedule(actor=organiser, week=week)
    meetings = _scheduled(week)
    assert len(meetings) == 4
    queued = messages(event=EVENT)
    # one per participant business (two buyers, two suppliers), by email, keeping only a reference
    assert sorted((m.business_id, m.channel) for m in queued) == sorted(
        [(b.business_id, "email") for b in buyers[:2]]
        + [(s.business_id, "email") for s in suppliers[:2]])
    buyer_message = next(m for m in queued if m.business_id == buyers[0].business_id)
    assert buyer_message.params["attachments"] == [{
        "kind": "b2b.schedule", "week_id": week.id, "side": "buyer",
        "business_id": buyers[0].business_id, "language": "vi"}]

    # publishing again tells nobody twice
    services.publish_schedule(actor=organiser, week=week)
    assert len(messages(event=EVENT)) == 4

    outbox.send_due()
    buyer_email = mail_to.wait_for_one(lambda e: e["To"] == _buyer_user(buyers[0]).email
                                       and "Lịch gặp B2B chính thức" in e["Subject"])
    assert buyer_email.get_content_type() == "multipart/mixed"
    body = buyer_email.get_body(preferencelist=("plain",)).get_content()
    assert "gửi kèm thư này" in body and "http://exhibit.test/" in body
    parts = _parts(buyer_email)
    assert set(parts) == {"application/pdf", "text/calendar"}
    pdf_name, pdf = parts["application/pdf"]
    ics_name, ics = parts["text/calendar"]
    assert (pdf_name, ics_name) == (f"b2b-{week.slug}.pdf", f"b2b-{week.slug}.ics")

    # the PDF parses and names the buyer's suppliers; the calendar has one event per meeting
    mine = [m for m in meetings if m.buyer_id == buyers[0].id]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    for meeting in mine:
        assert meeting.supplier.name in text and meeting.table.label in text
    assert _events(ics) == {
        f"b2b-meeting-{m.id}@exhibit.test":
            f"{m.slot.starts_at.astimezone(timezone.utc):%Y%m%dT%H%M%S}Z" for m in mine}

    # the supplier's email carries the supplier's side of the schedule
    supplier_email = mail_to.wait_for_one(lambda e: e["To"] == suppliers[0].email
                                          and "Lịch gặp B2B chính thức" in e["Subject"])
    theirs = [m for m in meetings if m.supplier_id == suppliers[0].business_id]
    assert set(_events(_parts(supplier_email)["text/calendar"][1])) == {
        f"b2b-meeting-{m.id}@exhibit.test" for m in theirs}


def test_the_files_are_made_when_the_email_is_sent(app, organiser, fair, mail_to):  # noqa: F811
    """A swap between publishing and sending: the email carries the schedule as it stands."""
    from exhibit.b2b import services
    week, buyers, suppliers, slots, tables = fair
    _mark_everything(week, buyers[:1], suppliers[:1])
    placed = services.request_meeting(actor=organiser, week=week, buyer_id=buyers[1].id,
                                      supplier_id=suppliers[1].business_id)
    services.schedule(actor=organiser, meeting=placed, slot_id=slots[0].id, table_id=tables[0].id)
    other = services.request_meeting(actor=organiser, week=week, buyer_id=buyers[1].id,
                                     supplier_id=suppliers[2].business_id)
    services.schedule(actor=organiser, meeting=other, slot_id=slots[1].id, table_id=tables[0].id)
    services.publish_schedule(actor=organiser, week=week)
    services.swap_meetings(actor=organiser, week=week, meeting_id=placed.id, other_id=other.id)
    outbox.send_due()
    email = mail_to.wait_for_one(lambda e: e["To"] == _buyer_user(buyers[1]).email
                                 and "Lịch gặp B2B chính thức" in e["Subject"])
    events = _events(_parts(email)["text/calendar"][1])
    assert events[f"b2b-meeting-{placed.id}@exhibit.test"] == \
        f"{slots[1].starts_at.astimezone(timezone.utc):%Y%m%dT%H%M%S}Z"
    assert events[f"b2b-meeting-{other.id}@exhibit.test"] == \
        f"{slots[0].starts_at.astimezone(timezone.utc):%Y%m%dT%H%M%S}Z"
