"""The privacy page: what one organiser holds about a person, week by week — the badge, the
contacts exhibitors hold, the B2B registration, and every consent with its purpose, recipient,
date and retention end — with "withdraw" per active consent and a form for a request (see my
data, correct it, delete it, stop processing it).

No sign-in: the person opens it from a signed link in any message they were sent
(core.privacy_links). Without a valid link nothing is shown, and a consent or request can only be
acted on for the person the link names."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from exhibit.b2b.models import Buyer
from exhibit.badges.models import Badge
from exhibit.core.db import write_transaction
from exhibit.core.errors import NotFound, ValidationFailed
from exhibit.core.forms import MAX_ROW_ID
from exhibit.core.privacy_links import Subject, privacy_link, privacy_token, read_token
from exhibit.extensions import db
from exhibit.privacy.models import Consent, RecipientKind, RequestKind
from exhibit.visitors.models import Lead
from exhibit.weeks.models import ExhibitionWeek, Organizer

__all__ = ["Subject", "privacy_link", "privacy_token", "subject_for", "holdings", "withdraw",
           "make_request", "REQUEST_KINDS"]

#: what a person may ask from the page (a withdrawal is the button on each consent)
REQUEST_KINDS = (RequestKind.ACCESS, RequestKind.CORRECTION, RequestKind.DELETION,
                 RequestKind.STOP)
DETAILS_MAX = 2000

#: the data categories a consent names (Consent.data_categories), as the page shows them
DATA_TITLES = {"name": _l("name"), "phone": _l("phone"), "email": _l("email"),
               "organisation": _l("organisation"), "position": _l("position"),
               "message": _l("message")}


def data_titles(consent: Consent) -> str:
    keys = [key.strip() for key in (consent.data_categories or "").split(",") if key.strip()]
    return ", ".join(str(DATA_TITLES.get(key, key)) for key in keys)


def subject_for(token: str) -> Subject:
    """The person a link names; a link this app did not sign is 404, as if there were no page."""
    subject = read_token(token)
    if subject is None:
        raise NotFound(_("There is no such page."))
    return subject


def _same_person(phone_column, email_column, subject: Subject):
    """The rows about the person: the same phone, or the same email (any case)."""
    matches = []
    if subject.phone:
        matches.append(phone_column == subject.phone)
    if subject.email:
        matches.append(func.lower(email_column) == subject.email)
    return or_(*matches)


def organiser(subject: Subject) -> Organizer | None:
    return db.session.get(Organizer, subject.organizer_id)


def _organiser_weeks(subject: Subject):
    return select(ExhibitionWeek.id).where(ExhibitionWeek.organizer_id == subject.organizer_id)


@dataclass
class WeekHoldings:
    """What is held about the person at one week."""
    week: ExhibitionWeek
    badges: list = field(default_factory=list)
    leads: list = field(default_factory=list)
    buyers: list = field(default_factory=list)
    consents: list = field(default_factory=list)


def holdings(subject: Subject) -> list[WeekHoldings]:
    """Week by week, newest first, what the organiser of the link holds about the person."""
    weeks = _organiser_weeks(subject)
    by_week: dict[int, WeekHoldings] = {}

    def slot(week) -> WeekHoldings:
        if week.id not in by_week:
            by_week[week.id] = WeekHoldings(week=week)
        return by_week[week.id]

    for badge in db.session.scalars(
            select(Badge).options(joinedload(Badge.week))
            .where(Badge.week_id.in_(weeks), _same_person(Badge.phone, Badge.email, subject))
            .order_by(Badge.id)):
        slot(badge.week).badges.append(badge)
    for lead in db.session.scalars(
            select(Lead).options(joinedload(Lead.week), joinedload(Lead.business),
                                 joinedload(Lead.booth))
            .where(Lead.week_id.in_(weeks), _same_person(Lead.phone, Lead.email, subject))
            .order_by(Lead.created_at, Lead.id)):
        slot(lead.week).leads.append(lead)
    for buyer in db.session.scalars(
            select(Buyer).options(joinedload(Buyer.business))
            .where(Buyer.week_id.in_(weeks),
                   _same_person(Buyer.contact_phone, Buyer.contact_email, subject))
            .order_by(Buyer.id)):
        slot(db.session.get(ExhibitionWeek, buyer.week_id)).buyers.append(buyer)
    for consent in _subject_consents(subject):
        slot(consent.week).consents.append(consent)
    return sorted(by_week.values(), key=lambda held: (held.week.start_date, held.week.id),
                  reverse=True)


def _subject_consents(subject: Subject) -> list[Consent]:
    return list(db.session.scalars(
        select(Consent).options(joinedload(Consent.week), joinedload(Consent.recipient_business))
        .where(Consent.organizer_id == subject.organizer_id, Consent.purged_at.is_(None),
               _same_person(Consent.subject_phone, Consent.subject_email, subject))
        .order_by(Consent.given_at, Consent.id)))


def recipient_title(consent: Consent, organiser_name: str = "") -> str:
    """Who receives the data under a consent, as the page names it."""
    if consent.recipient_kind in (RecipientKind.EXHIBITOR.value, RecipientKind.BUYER.value):
        return consent.recipient_name or (consent.recipient_business.name
                                          if consent.recipient_business else "")
    if consent.recipient_kind == RecipientKind.EXHIBITORS.value:
        return _("Exhibitors who scan your badge")
    return consent.recipient_name or organiser_name or _("The organiser")


def subject_name(subject: Subject) -> str:
    """The name the person gave most recently (for a request made from the page)."""
    for column, phone, email in ((Consent.subject_name, Consent.subject_phone,
                                  Consent.subject_email),
                                 (Badge.full_name, Badge.phone, Badge.email),
                                 (Lead.full_name, Lead.phone, Lead.email)):
        model = column.class_
        week_column = model.week_id
        name = db.session.scalar(
            select(column).where(week_column.in_(_organiser_weeks(subject)),
                                 _same_person(phone, email, subject), column != "")
            .order_by(model.id.desc()).limit(1))
        if name:
            return name
    return ""


def own_consent(subject: Subject, consent_id: int) -> Consent:
    """The consent, if it is the person's at the link's organiser; anyone else's is 404."""
    if not 1 <= consent_id <= MAX_ROW_ID:  # no id a column could hold
        raise NotFound(_("There is no such consent."))
    consent = db.session.scalar(
        select(Consent).where(Consent.id == consent_id,
                              Consent.organizer_id == subject.organizer_id,
                              Consent.purged_at.is_(None),
                              _same_person(Consent.subject_phone, Consent.subject_email,
                                           subject)))
    if consent is None:
        raise NotFound(_("There is no such consent."))
    return consent


def withdraw(subject: Subject, consent_id: int) -> tuple[Consent, bool]:
    """Withdraw one of the person's consents, its effects at once (privacy.consents.withdraw);
    (the consent, whether it was withdrawn now — False when it already was)."""
    from exhibit.privacy import consents
    with write_transaction():
        consent = own_consent(subject, consent_id)
        was_active = consent.withdrawn_at is None
        consents.withdraw(consent=consent, via="privacy_page")
    return consent, was_active


def make_request(subject: Subject, *, kind: str, details: str = ""):
    """A request from the page to the organiser's desk (privacy.desk.receive_request), which
    acknowledges it to the person and starts its clocks."""
    from exhibit.privacy import desk
    errors = {}
    if kind not in {k.value for k in REQUEST_KINDS}:
        errors["kind"] = _("Choose what you ask for.")
    details = (details or "").strip()
    if len(details) > DETAILS_MAX:
        errors["details"] = _("At most %(n)d characters.", n=DETAILS_MAX)
    elif kind == RequestKind.CORRECTION.value and not details:
        errors["details"] = _("Say what should be corrected, and how.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    with write_transaction():
        return desk.receive_request(organizer_id=subject.organizer_id, kind=RequestKind(kind),
                                    subject_name=subject_name(subject)
                                    or subject.phone or subject.email,
                                    subject_phone=subject.phone, subject_email=subject.email,
                                    details=details, via="privacy_page")
