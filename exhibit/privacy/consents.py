"""The consent ledger: every consent a person gives, with its evidence, and its withdrawal.

A consent row names the subject (name, phone, email), the purpose, who receives what (the
organiser, every exhibitor who scans the badge, one named exhibitor or buyer), the data
categories, the channel, the sentence exactly as shown and its version, when, and until when the
data is kept (the week's retention end). Withdrawing one stops its use at once (see
:func:`withdraw`).

Layering: privacy sits above the features that collect personal data (badges, visitors,
scanning, b2b) — its page, desk and purge read them — so those features cannot import this
module. They record the consents they collect through their own plug point,
``badges.services.record_consent(**record's keywords)``, into which :func:`connect` (called
once by create_app) plugs :func:`record`: the row is written in the collecting service's own
transaction, committed with the badge or lead or not at all. The sentences they show are
theirs too (badges.services.REGISTRATION_CONSENT, SHARE_CONSENT, visitors.services
.LEAVE_CONTACT_CONSENT, b2b.services.B2B_CONSENT); :data:`TEXTS` versions them.
"""
from __future__ import annotations

import sys
from datetime import date, datetime

from blinker import Namespace
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from exhibit.b2b.services import B2B_CONSENT
from exhibit.badges.models import Badge
from exhibit.badges.services import (
    REGISTRATION_CONSENT,
    SHARE_CONSENT,
    consent_ledger,
    kept_until_text,
    personal_data_until,
)
from exhibit.businesses.models import Business
from exhibit.core import audit
from exhibit.core.db import in_write_transaction, lock_row, utcnow, write_transaction
from exhibit.core.events import announce
from exhibit.extensions import db
from exhibit.privacy.models import Consent, ConsentChannel, ConsentPurpose, RecipientKind
from exhibit.visitors.models import Lead
from exhibit.weeks.models import ExhibitionWeek
from exhibit.visitors.services import LEAVE_CONTACT_CONSENT
from exhibit.vn import phones

_signals = Namespace()
#: a consent was withdrawn, its effects already applied in the same transaction. Sent after
#: the commit. Payload: consent_id, organizer_id, week_id, purpose, via, lead_ids (the leads
#: marked withdrawn by it), badge_id (the badge whose contact can no longer be collected, or
#: None)
consent_withdrawn = _signals.signal("consent.withdrawn")

#: reminders and news through a message channel: no page collects this consent yet
MESSAGES_CONSENT = _l("I agree that %(recipient)s sends me reminders and news about this week "
                      "by %(data)s until %(until)s.")


#: (version, sentence) per purpose, the sentences with %(recipient)s, %(data)s and %(until)s as
#: needed (:func:`fill`). Change a sentence → raise its version: each row keeps the exact text
#: shown and the version it had.
TEXTS: dict[ConsentPurpose, tuple[int, object]] = {
    ConsentPurpose.REGISTRATION: (1, REGISTRATION_CONSENT),
    # 1: "I agree that exhibitors who scan my badge receive my name, phone number, email and
    # organisation, to contact me about their products." (then required at registration)
    ConsentPurpose.SHARE_WITH_EXHIBITORS: (2, SHARE_CONSENT),
    # 1: "I agree that this exhibitor receives my name, phone number, email and message, to
    # contact me about its products. The organiser keeps them for this exhibition week only."
    ConsentPurpose.LEAVE_CONTACT: (2, LEAVE_CONTACT_CONSENT),
    ConsentPurpose.B2B: (1, B2B_CONSENT),
    ConsentPurpose.MESSAGES: (1, MESSAGES_CONSENT),
}


def text_version(purpose) -> str:
    """The current version of a purpose's sentence: "leave_contact/2"."""
    purpose = ConsentPurpose(purpose)
    return f"{purpose.value}/{TEXTS[purpose][0]}"


def text_for(purpose, *, week, recipient: str = "", data: str = "") -> str:
    """The current sentence of a purpose, filled in for a week (in the current language)."""
    return str(TEXTS[purpose][1]) % fill(week, recipient=recipient, data=data)


def fill(week, *, recipient: str = "", data: str = "") -> dict:
    """The placeholders' values for a week: the organiser, the data, the retention end."""
    return {"recipient": recipient or week.organizer.name, "data": data,
            "until": kept_until_text(week)}


def retention_until(week) -> date:
    """The last day a week's visitors' personal data is kept: its last day plus the week's
    personal_data_months (12 unless the organiser set another)."""
    return personal_data_until(week)


# -- recording ---------------------------------------------------------------------------------

def record(*, week, purpose, recipient_kind, recipient_business=None, subject_name: str,
           subject_phone: str, subject_email: str, data_categories: list[str], channel,
           text: str, badge=None, lead=None, buyer=None, now: datetime | None = None) -> Consent:
    """One consent, added to the caller's session (its transaction commits it).

    ``recipient_business`` is a Business or its id (an exhibitor or a buyer's business, for
    the named recipient kinds); ``text`` is the sentence exactly as shown; ``badge``, ``lead``
    and ``buyer`` are where the data sits (objects; flushed here when still new)."""
    week = db.session.get(ExhibitionWeek, week.id)  # this session's copy
    purpose, kind = ConsentPurpose(purpose), RecipientKind(recipient_kind)
    channel = ConsentChannel(channel)
    if isinstance(recipient_business, int):
        recipient_business = db.session.get(Business, recipient_business)
    if kind in (RecipientKind.EXHIBITOR, RecipientKind.BUYER) and recipient_business is None:
        raise ValueError(f"a {kind.value} consent names its recipient")
    if any(obj is not None and obj.id is None for obj in (badge, lead, buyer)):
        db.session.flush()
    if kind is RecipientKind.ORGANISER:
        recipient_name = week.organizer.name
    elif recipient_business is not None:
        recipient_name = recipient_business.name
    else:
        recipient_name = ""
    consent = Consent(
        organizer_id=week.organizer_id, week_id=week.id,
        subject_name=(subject_name or "")[:200], subject_phone=(subject_phone or "")[:20],
        subject_email=(subject_email or "").lower()[:254],
        purpose=purpose.value, recipient_kind=kind.value,
        recipient_business_id=getattr(recipient_business, "id", None),
        recipient_name=recipient_name[:255],
        data_categories=",".join(dict.fromkeys(data_categories))[:200],
        channel=channel.value, text=str(text), text_version=text_version(purpose),
        given_at=now or utcnow(), retention_until=retention_until(week),
        badge_id=getattr(badge, "id", None), lead_id=getattr(lead, "id", None),
        buyer_id=getattr(buyer, "id", None))
    db.session.add(consent)
    return consent


def values(*, week, purpose, recipient_kind, subject_name: str, subject_phone: str,
           subject_email: str, data_categories: list[str], channel, text: str, given_at,
           recipient_business_id: int | None = None, recipient_name: str = "",
           badge_id: int | None = None, lead_id: int | None = None,
           buyer_id: int | None = None) -> dict:
    """A consent row as plain column values, for writers that insert many rows at once (the
    demo and the generated fair): the same columns :func:`record` fills."""
    purpose = ConsentPurpose(purpose)
    return {"organizer_id": week.organizer_id, "week_id": week.id,
            "subject_name": (subject_name or "")[:200], "subject_phone": subject_phone or "",
            "subject_email": (subject_email or "").lower(), "purpose": purpose.value,
            "recipient_kind": RecipientKind(recipient_kind).value,
            "recipient_business_id": recipient_business_id,
            "recipient_name": (recipient_name or "")[:255],
            "data_categories": ",".join(dict.fromkeys(data_categories))[:200],
            "channel": ConsentChannel(channel).value, "text": str(text),
            "text_version": text_version(purpose), "given_at": given_at,
            "retention_until": retention_until(week), "withdrawn_via": "",
            "badge_id": badge_id, "lead_id": lead_id, "buyer_id": buyer_id}


def move_badge(old, new) -> None:
    """A lost badge replaced: the registration's consents follow the new badge (a scan's stays
    with its lead)."""
    if new.id is None:
        db.session.flush()
    db.session.execute(update(Consent).where(Consent.badge_id == old.id,
                                             Consent.lead_id.is_(None))
                       .values(badge_id=new.id).execution_options(synchronize_session="fetch"))


def connect() -> None:
    """Plug the ledger into the features that collect consents (called once by create_app;
    idempotent)."""
    ledger = sys.modules[__name__]
    if ledger not in consent_ledger:
        consent_ledger.append(ledger)


# -- withdrawing -------------------------------------------------------------------------------

def withdraw(*, consent: Consent, via: str, now: datetime | None = None) -> Consent:
    """Withdraw a consent, its effects at once in the same transaction (the caller's write
    transaction, or one of its own):

    - a contact left at a booth, or a badge scanned by one exhibitor: that exhibitor's lead
      shows as withdrawn (its export and messages leave it out);
    - sharing with exhibitors, given at registration (or registration itself, which sharing
      rests on): the badge's contact code can no longer be collected (scanners learn it with
      their next snapshot) and every lead taken from that badge is withdrawn, with the
      consents of those scans;
    - messages: no more messages under it (messaging asks :func:`may_message`).

    Audited with ids and counts only; ``consent.withdrawn`` is announced after the commit.
    Withdrawing a withdrawn consent changes nothing."""
    if in_write_transaction():
        return _withdraw(consent, via, now)
    with write_transaction():
        return _withdraw(consent, via, now)


def _withdraw(consent: Consent, via: str, now: datetime | None) -> Consent:
    consent = lock_row(Consent, consent.id)
    if consent.withdrawn_at is not None:
        return consent
    at = now or utcnow()
    consent.withdrawn_at, consent.withdrawn_via = at, (via or "")[:20]
    purpose = consent.purpose_enum
    lead_ids: list[int] = []
    badge_id = None
    if consent.lead_id is not None:
        lead_ids.append(consent.lead_id)
    whole_badge = consent.badge_id is not None and consent.lead_id is None and purpose in (
        ConsentPurpose.SHARE_WITH_EXHIBITORS, ConsentPurpose.REGISTRATION)
    if whole_badge:
        badge_id = consent.badge_id
        badge = lock_row(Badge, badge_id)
        if badge is not None and badge.contact_consent_at is not None:
            badge.contact_consent_at = None  # changed_at moves with it: scanners learn
        lead_ids += db.session.scalars(select(Lead.id).where(Lead.badge_id == badge_id)).all()
        # the badge's other sharing consents (the registration's, and one per scan) go with it
        for other in db.session.scalars(select(Consent).where(
                Consent.badge_id == badge_id, Consent.id != consent.id,
                Consent.purpose == ConsentPurpose.SHARE_WITH_EXHIBITORS.value,
                Consent.withdrawn_at.is_(None))):
            other.withdrawn_at, other.withdrawn_via = at, consent.withdrawn_via
            if other.lead_id is not None:
                lead_ids.append(other.lead_id)
    lead_ids = sorted(set(lead_ids))
    if lead_ids:
        # the consents recorded for those leads (a scan's) are withdrawn with them
        db.session.execute(update(Consent).where(
            Consent.lead_id.in_(lead_ids), Consent.withdrawn_at.is_(None),
            Consent.id != consent.id).values(withdrawn_at=at, withdrawn_via=consent.withdrawn_via)
            .execution_options(synchronize_session="fetch"))
        db.session.execute(update(Lead).where(Lead.id.in_(lead_ids), Lead.withdrawn_at.is_(None))
                           .values(withdrawn_at=at, updated_at=at)
                           .execution_options(synchronize_session="fetch"))
    audit.record("consent", consent.id, "withdraw", week_id=consent.week_id,
                 business_id=consent.recipient_business_id,
                 after={"purpose": purpose.value, "via": consent.withdrawn_via,
                        "leads": len(lead_ids), "badge_id": badge_id})
    announce(consent_withdrawn, consent_id=consent.id, organizer_id=consent.organizer_id,
             week_id=consent.week_id, purpose=purpose.value, via=consent.withdrawn_via,
             lead_ids=lead_ids, badge_id=badge_id)
    return consent


# -- reading -----------------------------------------------------------------------------------

def _subject_keys(phone: str, email: str) -> tuple[str, str]:
    phone = (phone or "").strip()
    if phone:
        try:
            phone = phones.normalize_phone(phone)
        except phones.InvalidPhone:
            pass
    return phone, (email or "").strip().lower()


def subject_consents(organizer_id: int, *, phone: str = "", email: str = "") -> list[Consent]:
    """Every consent a person gave an organiser (by phone or email), newest first."""
    phone, email = _subject_keys(phone, email)
    matches = []
    if phone:
        matches.append(Consent.subject_phone == phone)
    if email:
        matches.append(Consent.subject_email == email)
    if not matches:
        return []
    return list(db.session.scalars(select(Consent).where(
        Consent.organizer_id == organizer_id, or_(*matches))
        .order_by(Consent.given_at.desc(), Consent.id.desc())))


def active(lead) -> bool:
    """Whether an exhibitor may still use a lead: its visitor has not withdrawn."""
    return lead.withdrawn_at is None


def lead_consents(lead_id: int) -> list[Consent]:
    return list(db.session.scalars(select(Consent).where(Consent.lead_id == lead_id)
                                   .order_by(Consent.id)))


def badge_consents(badge_id: int) -> list[Consent]:
    return list(db.session.scalars(select(Consent).where(Consent.badge_id == badge_id)
                                   .order_by(Consent.id)))


def may_message(organizer_id: int, *, phone: str = "", email: str = "") -> bool:
    """False when the person withdrew a consent to messages from this organiser (and gave no
    newer one)."""
    for consent in subject_consents(organizer_id, phone=phone, email=email):
        if consent.purpose == ConsentPurpose.MESSAGES.value:
            return consent.withdrawn_at is None
    return True
