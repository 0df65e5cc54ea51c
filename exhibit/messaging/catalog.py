"""What the system says, event by event: which channels each event may use, the parameters its
Zalo template takes, and its wording in each language.

The wording lives in ``templates/messages/<language>/<event>.txt`` — three blocks:

- ``subject``: the email subject (and the title in the message log);
- ``text``: the email body, plain text (the HTML part is made from it);
- ``short``: one or two sentences for SMS and the message log; SMS sends it **without
  diacritics** (GSM 7-bit, 160 characters a part, read correctly on every phone — with marks it
  would be UCS-2 at 70 a part and garbled on some handsets), so it is written to stay near 160.

Templates receive plain values only (strings, numbers), the same ones that are stored with the
message, so a message can be shown, sent again or sent by another channel as it was written.
Change the wording of an event and bump its ``version``.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale

from exhibit.messaging.models import Channel

ALL = (Channel.ZALO, Channel.SMS, Channel.EMAIL)
EMAIL_ONLY = (Channel.EMAIL,)


@dataclass(frozen=True)
class Event:
    key: str
    #: in order of preference; the first one the person can be reached by is used
    channels: tuple[Channel, ...] = ALL
    #: the context values a Zalo template for this event is filled with
    zalo_params: tuple[str, ...] = ()
    version: int = 1
    #: sent whatever channels the person turned off: the links and notices that keep them in
    #: control of their own account (turning email off must not lock anyone out)
    always: bool = False


EVENTS = {event.key: event for event in (
    # accounts: links that open an account are sent to the email address only
    Event("account.verify_email", EMAIL_ONLY, always=True),
    Event("account.password_reset", EMAIL_ONLY, always=True),
    Event("account.password_changed", EMAIL_ONLY, always=True),
    Event("account.invitation", EMAIL_ONLY, always=True, version=2),
    # booking
    Event("booking.hold_placed", zalo_params=("business", "booth", "week", "deadline")),
    Event("booking.hold_lapsing", zalo_params=("business", "booth", "week", "deadline")),
    Event("booking.hold_lapsed", zalo_params=("business", "booth", "week")),
    Event("booking.offer", zalo_params=("business", "booth", "week", "deadline")),
    Event("booking.confirmed", zalo_params=("business", "booth", "week")),
    Event("booking.moved", zalo_params=("business", "from_booth", "booth", "week")),
    Event("booking.released", zalo_params=("business", "booth", "week")),
    Event("booking.offer_lapsed", zalo_params=("business", "booth", "week")),
    # the floor plan: a published version changed the exhibitor's booth (what changed, for them)
    Event("floorplan.changed", zalo_params=("business", "booths", "week", "first_change")),
    # contracts and MoUs
    Event("document.issued", zalo_params=("business", "number", "week")),
    Event("document.signed", zalo_params=("business", "number", "week")),
    Event("document.cancelled", zalo_params=("business", "number", "week", "reason")),
    # payments: what to transfer with which order code (a contract issued, or its amounts
    # changed), money received (a bank credit matched, or a payment the organiser recorded),
    # and the clock's reminders
    Event("payment.requested", zalo_params=("business", "code", "amount", "due_on")),
    Event("payment.received", zalo_params=("business", "amount", "code", "paid_on")),
    Event("payment.due_soon", zalo_params=("business", "number", "amount", "due_on")),
    Event("payment.overdue", zalo_params=("business", "number", "amount", "due_on")),
    # visitors: the badge link, and a receipt for a contact left at a booth; both carry the
    # link to the visitor's privacy page (what is held about them; withdraw in one tap)
    Event("visitor.registered", zalo_params=("name", "week", "dates", "privacy"), version=2),
    Event("visitor.contact_receipt", zalo_params=("name", "exhibitor", "booth", "week", "privacy"),
          version=2),
    # applications
    Event("application.received", zalo_params=("business", "week")),
    Event("application.approved", zalo_params=("business", "week")),
    Event("application.rejected", zalo_params=("business", "week", "reason")),
    Event("application.waitlisted", zalo_params=("business", "week")),
    # catalogue
    Event("catalogue.approved", zalo_params=("business", "week", "products")),
    Event("catalogue.rejected", zalo_params=("business", "week", "products", "reason")),
    # B2B meetings
    Event("b2b.request_received", zalo_params=("business", "other", "week")),
    Event("b2b.request_expiring", zalo_params=("business", "other", "when", "week")),
    Event("b2b.accepted", zalo_params=("business", "other", "week")),
    Event("b2b.declined", zalo_params=("business", "other", "week")),
    Event("b2b.cancelled", zalo_params=("business", "other", "week", "reason")),
    Event("b2b.scheduled", zalo_params=("business", "other", "when", "table")),
    Event("b2b.starting_soon", zalo_params=("business", "other", "when", "table")),
    # the final schedule, with the participant's schedule PDF and calendar file attached
    Event("b2b.schedule_published", EMAIL_ONLY),
    # personal data requests (privacy/desk.py): the person's receipt and final answer, and the
    # task forwarded to each exhibitor holding the person's contact
    Event("privacy.request_received", zalo_params=("name", "code", "deadline")),
    Event("privacy.request_completed", zalo_params=("name", "code")),
    Event("privacy.task_forwarded", zalo_params=("business", "code", "deadline")),
    # the clock: a request's deadline (acknowledge or complete) near or passed, to the organiser
    Event("privacy.request_due", zalo_params=("code", "deadline")),
)}


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    short: str
    html: str


def render(event_key: str, language: str, context: dict) -> Rendered:
    """The event's wording in ``language``, filled with ``context``."""
    path = f"messages/{language}/{event_key}.txt"
    template = current_app.jinja_env.get_template(path)
    with force_locale(language):
        variables = template.new_context(dict(context))
        blocks = {name: _squeeze("".join(block(variables)))
                  for name, block in template.blocks.items()}
        subject = " ".join(blocks["subject"].split())
        # the page helpers of requests (context processors) have no place in a message
        page = current_app.jinja_env.get_template("messages/email.html").render(
            subject=subject, language=language, paragraphs=_paragraphs(blocks["text"]),
            link=context.get("link"), organiser=context.get("organiser", ""))
    return Rendered(subject=subject, text=blocks["text"], short=" ".join(blocks["short"].split()),
                    html=page)


def unaccented(text: str) -> str:
    """"Gian A01 đã được giữ" → "Gian A01 da duoc giu": SMS without diacritics."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d").replace("Đ", "D")


_BLANK_LINES = re.compile(r"\n\s*\n+")
_URL = re.compile(r"(https?://[^\s<]+)")


def _squeeze(text: str) -> str:
    """Template whitespace out: lines trimmed, at most one blank line between paragraphs."""
    lines = [line.strip() for line in text.strip().splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _paragraphs(text: str) -> list[str]:
    """The text's paragraphs as safe HTML, links clickable."""
    return [_URL.sub(r'<a href="\1">\1</a>', html.escape(part, quote=False)).replace("\n", "<br>")
            for part in text.split("\n\n")]
