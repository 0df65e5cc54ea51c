"""Which changes tell whom: each domain event that concerns people is recorded as messages in
the outbox, in the transaction of the change itself (``core.events.record_with``)."""
from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import select

from exhibit.accounts.models import User
from exhibit.accounts.services import business_people
from exhibit.core import events
from exhibit.core.links import public_url
from exhibit.core.privacy_links import privacy_link
from exhibit.extensions import db
from exhibit.floorplan import diff as plan_diff
from exhibit.floorplan.models import Booth
from exhibit.messaging import catalog, dispatch, outbox
from exhibit.messaging.models import Channel
from exhibit.vn.dates import format_moment
from exhibit.weeks.models import ExhibitionWeek

#: booking_changed's action → the event people are told
BOOKING_EVENTS = {
    "hold": "booking.hold_placed",
    "waitlist_offer": "booking.offer",
    "confirm": "booking.confirmed",
    "assign": "booking.confirmed",
    "move": "booking.moved",
    "release": "booking.released",
    "expire": "booking.hold_lapsed",
}


def connect() -> None:
    outbox.on_queued(dispatch.kick)
    events.record_with(events.booking_changed, on_booking_changed)
    events.record_with(events.floor_plan_published, on_floor_plan_published)
    events.record_with(events.application_changed, on_application_changed)
    events.record_with(events.product_reviewed, on_product_reviewed)
    events.record_with(events.meeting_changed, on_meeting_changed)
    events.record_with(events.document_issued, on_document("document.issued"))
    events.record_with(events.document_signed, on_document("document.signed"))
    events.record_with(events.document_cancelled, on_document("document.cancelled"))
    events.record_with(events.document_issued, on_payment_requested)
    events.record_with(events.payment_recorded, on_payment_recorded)
    events.record_with(events.visitor_registered, on_visitor_registered)
    events.record_with(events.contact_left, on_contact_left)
    events.record_with(events.account_link_issued, on_account_link_issued)
    events.record_with(events.password_changed, on_password_changed)


def week_context(week: ExhibitionWeek, language: str) -> dict:
    organizer = week.organizer
    return {"week": week.name(language), "organiser": organizer.name if organizer else "",
            "sender": organizer.short_name if organizer else "exhibit"}


def on_booking_changed(*, week_id: int, business_id: int, booth_id: int, action: str,
                       allocation_id: int | None = None, from_booth_id: int | None = None,
                       expires_at=None, hold_kind: str | None = None, reason: str = "",
                       occasion: str = "", **_more) -> None:
    """``reason``: why the organiser released the booth (told to the business); ``occasion``
    tells a message apart from an earlier one of the same event about the same booking (a
    release undone: "confirmed" again)."""
    if action == "move" and _more.get("plan_version"):
        return  # moved by a published floor plan: its floorplan.changed message says so
    event = BOOKING_EVENTS.get(action)
    if action == "expire" and hold_kind == "offer":
        event = "booking.offer_lapsed"
    if event is None or allocation_id is None:
        return
    week = db.session.get(ExhibitionWeek, week_id)
    booth = db.session.get(Booth, booth_id)
    from_booth = db.session.get(Booth, from_booth_id) if from_booth_id else None
    for person in business_people(business_id):
        recipient = outbox.recipient_for(person)
        context = {
            **week_context(week, recipient.language),
            "business": person.business.name,
            "booth": booth.code,
            "from_booth": from_booth.code if from_booth else "",
            "deadline": format_moment(expires_at) if expires_at else "",
            "reason": reason or "",
            "link": public_url("booking.dashboard"),
        }
        outbox.queue(event, recipient, about=("allocation", allocation_id), occasion=occasion,
                     context=context, week_id=week_id, business_id=business_id)


def on_floor_plan_published(*, week_id: int, version_id: int, number: int, affected: list,
                            **_more) -> None:
    """Each exhibitor whose booth a new version of the floor plan changed is told what changed
    for them (floorplan.diff's sentences, in their own language), once per version."""
    week = db.session.get(ExhibitionWeek, week_id)
    for told in affected:
        business_id, changes = told["business_id"], told["changes"]
        booths = sorted({c["code"] for c in changes if c.get("code")})
        for person in business_people(business_id):
            recipient = outbox.recipient_for(person)
            with force_locale(recipient.language):
                lines = [plan_diff.describe(change) for change in changes]
            # SMS says the first change, and how many more the email and the page list
            first = lines[0] if len(lines[0]) <= 120 else lines[0][:119] + "…"
            if len(lines) > 1:
                first = f"{first} (+{len(lines) - 1})"
            outbox.queue("floorplan.changed", recipient, about=("plan_version", version_id),
                         occasion=f"business-{business_id}",
                         context={**week_context(week, recipient.language),
                                  "business": person.business.name, "number": number,
                                  "booths": ", ".join(booths),
                                  "changes": "\n".join(f"– {line}" for line in lines),
                                  "first_change": first,
                                  "link": public_url("booking.dashboard")},
                         week_id=week_id, business_id=business_id)


#: account link purpose → (event, the page the link opens)
LINK_EVENTS = {"reset": ("account.password_reset", "accounts.reset_password"),
               "verify": ("account.verify_email", "accounts.verify_email"),
               "invite": ("account.invitation", "accounts.accept_invitation")}


def on_account_link_issued(*, user_id: int, purpose: str, token: str, expires_at, **_more) -> None:
    if purpose not in LINK_EVENTS:
        return
    event, endpoint = LINK_EVENTS[purpose]
    person = db.session.get(User, user_id)
    recipient = outbox.recipient_for(person)
    outbox.queue(event, recipient, about=("user", user_id), occasion=token[:12],
                 context={"name": person.full_name or person.email, "email": person.email,
                          "link": public_url(endpoint, token=token),
                          "valid_until": format_moment(expires_at),
                          # whom an invitation joins: the business, or the organising body
                          # of entrance staff
                          "business": person.business.name if person.business else
                          person.organizer.name if person.organizer else "",
                          "for_gate": person.is_entrance,
                          "for_cluster": person.is_coordinator},
                 business_id=person.business_id)


def on_password_changed(*, user_id: int, how: str, **_more) -> None:
    person = db.session.get(User, user_id)
    recipient = outbox.recipient_for(person)
    outbox.queue("account.password_changed", recipient, about=("user", user_id),
                 occasion=f"{how}-{person.password_hash[-12:]}",
                 context={"name": person.full_name or person.email, "email": person.email,
                          "how": how, "link": public_url("accounts.forgot_password")},
                 business_id=person.business_id)


APPLICATION_EVENTS = {"submit": "application.received", "approve": "application.approved",
                      "reject": "application.rejected", "waitlist": "application.waitlisted"}


def tell_business(event: str, week, business_id: int, *, about: tuple[str, int],
                   occasion: str = "", **values) -> int:
    """``event`` to every person of the business, each in their own language; how many
    messages were new."""
    queued = 0
    for person in business_people(business_id):
        recipient = outbox.recipient_for(person)
        queued += outbox.queue(event, recipient, about=about, occasion=occasion,
                     context={**week_context(week, recipient.language),
                              "business": person.business.name, **values},
                     week_id=week.id, business_id=business_id)
    return queued


def on_application_changed(*, application_id: int, week_id: int, business_id: int,
                           action: str, reason: str = "", at=None, **_more) -> None:
    event = APPLICATION_EVENTS.get(action)
    if event is None:
        return
    week = db.session.get(ExhibitionWeek, week_id)
    tell_business(event, week, business_id, about=("application", application_id),
                   occasion=at.strftime("%Y%m%d%H%M%S") if at else "", reason=reason,
                   link=public_url("booking.dashboard"))


def on_product_reviewed(*, week_id: int, business_id: int, status: str, reason: str = "",
                        at=None, listings=(), **_more) -> None:
    if not listings:
        return
    week = db.session.get(ExhibitionWeek, week_id)
    names = [name for _listing_id, name in listings]
    tell_business("catalogue.approved" if status == "approved" else "catalogue.rejected",
                   week, business_id, about=("listing", min(i for i, _name in listings)),
                   occasion=f"{status}-{len(listings)}-{at.strftime('%Y%m%d%H%M%S') if at else ''}",
                   products=", ".join(names[:5]) + (f" (+{len(names) - 5})" if len(names) > 5 else ""),
                   count=len(names), reason=reason, link=public_url("catalogue.my_products"))


#: meeting_changed's action → (event, who hears: "asked", "asker", "both", or "not the
#: canceller": both sides when the organiser cancelled)
MEETING_EVENTS = {"request": ("b2b.request_received", "asked"),
                  "pair": ("b2b.accepted", "both"),
                  "accept": ("b2b.accepted", "asker"),
                  "decline": ("b2b.declined", "asker"),
                  "schedule": ("b2b.scheduled", "both"),
                  "cancel": ("b2b.cancelled", "not the canceller")}


def on_meeting_changed(*, meeting_id: int, week_id: int, action: str, requested_by: str,
                       cancelled_by: str = "", reason: str = "", freed_slot_id: int | None = None,
                       freed_table_id: int | None = None, **_more) -> None:
    if action not in MEETING_EVENTS:
        return
    from exhibit.b2b.models import Meeting, MeetingSlot, MeetingTable
    event, who = MEETING_EVENTS[action]
    meeting = db.session.get(Meeting, meeting_id)
    week = db.session.get(ExhibitionWeek, week_id)
    sides = {"buyer": meeting.buyer.business_id, "supplier": meeting.supplier_id}
    if who == "both":
        hearing = ["buyer", "supplier"]
    elif who == "not the canceller":
        hearing = [side for side in ("buyer", "supplier") if side != cancelled_by]
    elif who == "asked":
        hearing = ["supplier" if requested_by == "buyer" else "buyer"]
    else:
        hearing = [requested_by] if requested_by in sides else []
    if action == "schedule":
        tell_published_schedule(week, meeting, sides)
    for side in hearing:
        tell_meeting(event, week, meeting, side, sides,
                     occasion=f"{meeting.slot_id or 0}-{meeting.table_id or 0}"
                     if action == "schedule" else "", reason=reason,
                     by_organiser=cancelled_by == "organiser",
                     # a cancelled meeting's time and table, freed by the cancellation
                     slot=db.session.get(MeetingSlot, freed_slot_id) if freed_slot_id else None,
                     table=db.session.get(MeetingTable, freed_table_id) if freed_table_id else None)


def tell_published_schedule(week, meeting, sides: dict) -> int:
    """Once the final schedule is published, each side of a scheduled meeting gets — once per
    week — an email carrying its whole schedule as a PDF and a calendar file (.ics), made when
    the email is sent. Later changes are told meeting by meeting (b2b.scheduled)."""
    from exhibit.b2b.services import is_published
    if meeting.slot_id is None or not is_published(week):
        return 0
    queued = 0
    for side, business_id in sides.items():
        for person in business_people(business_id):
            recipient = outbox.recipient_for(person)
            queued += outbox.queue(
                "b2b.schedule_published", recipient, about=("week", week.id),
                occasion=f"final-{side}",
                context={**week_context(week, recipient.language),
                         "business": person.business.name, "venue": week.venue_name,
                         "link": public_url("b2b.home")},
                week_id=week.id, business_id=business_id,
                attachments=[{"kind": "b2b.schedule", "week_id": week.id, "side": side,
                              "business_id": business_id, "language": recipient.language}])
    return queued


def tell_meeting(event: str, week, meeting, side: str, sides: dict, *, occasion: str = "",
                 reason: str = "", by_organiser: bool = False, slot=None, table=None) -> int:
    """``event`` about ``meeting`` to one side of it, naming the other (and its time and
    table: the meeting's own, or ``slot`` and ``table`` it had)."""
    other = meeting.supplier.name if side == "buyer" else meeting.buyer.business.name
    slot, table = slot or meeting.slot, table or meeting.table
    return tell_business(event, week, sides[side], about=("meeting", meeting.id),
                   occasion=f"{side}-{occasion}" if occasion else side, other=other,
                   when=format_moment(slot.starts_at) if slot else "",
                   table=table.label if table else "",
                   reason=reason, by_organiser=by_organiser, link=public_url("b2b.home"))


_document_recorders: dict = {}


def on_document(event: str):
    """The recorder telling a document's parties that it was issued, signed or cancelled (one
    function per event, made once, so connecting twice stays a no-op)."""
    if event not in _document_recorders:
        def record(*, document_id: int, week_id: int, kind: str, number: str, version: int,
                   business_id: int | None, buyer_business_id: int | None, reason: str = "",
                   **_more) -> None:
            week = db.session.get(ExhibitionWeek, week_id)
            for party in (business_id, buyer_business_id):
                if party:
                    tell_business(event, week, party, about=("document", document_id),
                                   occasion=f"v{version}", number=number, version=version,
                                   is_contract=kind == "contract", reason=reason,
                                   link=public_url("documents.mine"))
        record.__name__ = f"on_{event.replace('.', '_')}"
        _document_recorders[event] = record
    return _document_recorders[event]


def on_payment_requested(*, document_id: int, week_id: int, kind: str, number: str,
                         version: int, business_id: int | None, **_more) -> None:
    """A contract issued (or issued again) tells its exhibitor what to transfer: each open
    payment request with its order code, amount and due date, and a link to its one-page
    request with the VietQR code. A request is told again only when its amount or due date
    differ from what its last message said (an unchanged reissue says nothing new)."""
    if kind != "contract" or not business_id:
        return
    from exhibit.documents.models import PaymentRequest, PaymentRequestStatus
    from exhibit.messaging.models import Message
    from exhibit.vn.money import format_vnd
    week = db.session.get(ExhibitionWeek, week_id)
    asked = db.session.scalars(select(PaymentRequest).where(
        PaymentRequest.document_id == document_id,
        PaymentRequest.status == PaymentRequestStatus.OPEN.value)
        .order_by(PaymentRequest.due_on, PaymentRequest.id)).all()
    for request in asked:
        told = db.session.scalars(select(Message.params).where(
            Message.event == "payment.requested", Message.subject_type == "payment_request",
            Message.subject_id == request.id).order_by(Message.id.desc()).limit(1)).first()
        said = (told or {}).get("context") or {}
        values = dict(number=number, version=version, which=request.kind, code=request.code,
                      amount=format_vnd(request.amount_vnd),
                      due_on=f"{request.due_on:%d/%m/%Y}" if request.due_on else "",
                      pdf=public_url("documents.payment_request_pdf", request_id=request.id),
                      link=public_url("booking.dashboard"))
        if said and all(said.get(k) == values[k] for k in ("code", "amount", "due_on")):
            continue
        tell_business("payment.requested", week, business_id, about=("payment_request", request.id),
                      occasion=f"v{version}", **values)


def on_payment_recorded(*, payment_id: int, week_id: int, business_id: int, **_more) -> None:
    """Money received — a bank credit matched by its order code, or a payment the organiser
    recorded (e.g. settling a credit from the review queue) — is acknowledged to the
    exhibitor: the amount, the order code it paid and the day. Refunds are not."""
    from exhibit.documents.models import BankCredit, Document, Payment, PaymentRequest
    from exhibit.vn.money import format_vnd
    payment = db.session.get(Payment, payment_id)
    if payment is None or payment.kind not in ("deposit", "balance"):
        return
    code = db.session.scalar(select(BankCredit.code).where(BankCredit.payment_id == payment.id))
    if not code and payment.document_id:
        code = db.session.scalar(select(PaymentRequest.code).where(
            PaymentRequest.document_id == payment.document_id,
            PaymentRequest.kind == payment.kind))
    document = db.session.get(Document, payment.document_id) if payment.document_id else None
    week = db.session.get(ExhibitionWeek, week_id)
    tell_business("payment.received", week, business_id, about=("payment", payment.id),
                  amount=format_vnd(payment.amount_vnd), code=code or "",
                  which=payment.kind, number=document.number if document else "",
                  paid_on=f"{payment.paid_on:%d/%m/%Y}", link=public_url("booking.dashboard"))


def _visitor(email: str, phone: str, language: str) -> outbox.Recipient:
    """Someone without an account (a visitor), reached at what they gave the form. Every
    message to a visitor carries ``privacy``: the signed link to their privacy page (what is
    held about them, by whom; withdraw in one tap — core.privacy_links)."""
    return outbox.Recipient(email=email or "", phone=phone or "",
                            language=language if language in ("vi", "en") else "vi")


def _privacy_link(week, event_key: str, recipient: outbox.Recipient) -> str:
    """The privacy link of a message to a visitor, for the address the message goes to: the
    email when it is sent by email, else the phone. Never both: a page found by the phone or
    the email would show someone who typed another person's email (or phone) at a booth that
    person's badge and contacts, the moment the message reached their own address."""
    channel, _why = outbox.choose_channel(catalog.EVENTS[event_key], recipient)
    if channel is Channel.EMAIL and recipient.email or not recipient.phone:
        return privacy_link(week.organizer_id, email=recipient.email)
    return privacy_link(week.organizer_id, phone=recipient.phone)


def on_visitor_registered(*, badge_id: int, week_id: int, language: str = "vi", **_more) -> None:
    from exhibit.badges.models import Badge
    badge = db.session.get(Badge, badge_id)
    week = db.session.get(ExhibitionWeek, week_id)
    recipient = _visitor(badge.email, badge.phone, language)
    outbox.queue("visitor.registered", recipient, about=("badge", badge_id),
                 context={**week_context(week, recipient.language), "name": badge.full_name,
                          "venue": week.venue_name,
                          "dates": f"{week.start_date:%d/%m} – {week.end_date:%d/%m/%Y}",
                          "link": public_url("badges.entry", code=badge.entry_code),
                          "privacy": _privacy_link(week, "visitor.registered", recipient)},
                 week_id=week_id)


def on_contact_left(*, lead_id: int, week_id: int, business_id: int, language: str = "vi",
                    **_more) -> None:
    from exhibit.visitors.models import Lead
    lead = db.session.get(Lead, lead_id)
    week = db.session.get(ExhibitionWeek, week_id)
    recipient = _visitor(lead.email, lead.phone, language)
    outbox.queue("visitor.contact_receipt", recipient, about=("lead", lead_id),
                 context={**week_context(week, recipient.language), "name": lead.full_name,
                          "exhibitor": lead.business.name,
                          "booth": lead.booth.code if lead.booth else "",
                          "link": public_url("public.week_page", slug=week.slug),
                          "privacy": _privacy_link(week, "visitor.contact_receipt",
                                                   recipient)},
                 week_id=week_id)
