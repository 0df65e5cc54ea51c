"""Issuing, listing and revoking badges; visitors' pre-registration; the faces printed on them.

Rules:
* exhibitor staff need a confirmed booth, and a business may register at most
  ``STAFF_PER_BOOTH`` staff per confirmed booth;
* a visitor registers once per week and phone number, agreeing to the registration (required)
  and, if they wish, that exhibitors who scan the badge receive their contact (optional: without
  it the badge's contact code cannot be collected); both are recorded in the consent ledger;
* codes are never reused: a revoked badge keeps its codes, which then answer "revoked";
* at the desk (walk-ins), the week's organisers and entrance staff register a visitor or buyer
  on the spot, once per phone number: a number that already has a live badge leads to that
  badge (to reprint it), never to a second one.
"""
from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from exhibit.accounts.services import normalize_email
from exhibit.badges.models import Badge, BadgeKind
from exhibit.badges.render import BadgeFace
from exhibit.booking import queries as booking
from exhibit.businesses.models import Business
from exhibit.core import audit
from exhibit.core.db import is_unique_violation, lock_row, utcnow, write_transaction
from exhibit.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from exhibit.core.events import announce, visitor_registered
from exhibit.core.links import absolute_url
from exhibit.core.tokens import grouped, new_code, normalise_code
from exhibit.extensions import db
from exhibit.vn import phones
from exhibit.vn.dates import vietnam_today
from exhibit.vn.text import clean_text
from exhibit.weeks.models import ExhibitionWeek

#: badges an exhibitor may register per confirmed booth
STAFF_PER_BOOTH = 4
#: the sentences a visitor or buyer agrees to, as shown (the desk reads them out) and kept as
#: evidence in the consent ledger (privacy.consents versions them): the registration, for the
#: organiser, required; sharing the contact with the exhibitors who scan the badge, optional —
#: without it the badge's contact code cannot be collected
REGISTRATION_CONSENT = _l("I agree that %(recipient)s, the organiser of this week, keeps my name, "
                          "phone number, email and organisation to issue my badge and let me "
                          "in, until %(until)s.")
SHARE_CONSENT = _l("I agree that each exhibitor of this week who scans my badge receives my "
                   "name, phone number, email and organisation, to contact me about its "
                   "products, and keeps them until %(until)s.")
SHARE_CONSENT_NOTE = _l("Optional. Exhibitors collect your contact by scanning the small code on "
                        "your badge: that scan is covered by this box. Leave it unticked and "
                        "their scanners refuse your badge. You can withdraw it at any time from "
                        "the link in our messages.")
#: the sentence visitors agreed to before the consent ledger (version 1 of sharing)
CONTACT_CONSENT = _l("I agree that exhibitors who scan my badge receive my name, phone number, "
                     "email and organisation, to contact me about their products.")
#: what a registration and a shared contact hold (the consent's data categories)
REGISTRATION_DATA = ["name", "phone", "email", "organisation"]
SHARE_DATA = ["name", "phone", "email", "organisation", "position"]

#: the consent ledger (the privacy.consents module), plugged in once by create_app
#: (privacy.consents.connect): badges, visitors, scanning and b2b record every consent they
#: collect through record_consent, in their own transaction
consent_ledger: list = []


def record_consent(**consent) -> None:
    """Record one consent in the ledger, in the caller's transaction; the keywords are
    privacy.consents.record's (purpose, recipient_kind and channel by their values)."""
    for ledger in consent_ledger:
        ledger.record(**consent)


def _move_badge_consents(old: Badge, new: Badge) -> None:
    for ledger in consent_ledger:
        ledger.move_badge(old, new)


def personal_data_until(week) -> date:
    """The last day a week's visitors' personal data is kept: its last day plus the week's
    personal_data_months, the same day of the month (or the month's last)."""
    months = week.personal_data_months if week.personal_data_months is not None else 12
    end = week.end_date
    index = end.month - 1 + months
    year, month = end.year + index // 12, index % 12 + 1
    return date(year, month, min(end.day, calendar.monthrange(year, month)[1]))


def kept_until_text(week) -> str:
    return personal_data_until(week).strftime("%d/%m/%Y")


def consent_sentence(sentence, week, *, recipient: str = "") -> str:
    """A consent sentence filled in for a week, in the current language, as shown."""
    return str(sentence) % {"recipient": recipient or week.organizer.name,
                            "until": kept_until_text(week), "data": ""}


def shares_contact(badge: Badge) -> bool:
    """Whether exhibitors may collect this badge's contact: its holder agreed (and has not
    withdrawn), and it is not revoked."""
    return badge.contact_consent_at is not None and badge.revoked_at is None


_LIMITS = {"full_name": 200, "position": 120, "organisation": 255, "email": 254}


def entry_url(code: str) -> str:
    return absolute_url(f"/e/{code}")


def contact_url(code: str) -> str:
    return absolute_url(f"/c/{code}")


# -- reading -----------------------------------------------------------------------------------

def business_staff(week, business_id: int) -> list[Badge]:
    return list(db.session.scalars(select(Badge).where(
        Badge.week_id == week.id, Badge.business_id == business_id,
        Badge.kind == BadgeKind.STAFF.value).order_by(Badge.revoked_at.isnot(None), Badge.id)))


def booth_codes_of(week, business_id: int | None) -> list[str]:
    """The booth codes confirmed to one business at a week (printed on its staff's badges)."""
    if business_id is None:
        return []
    return [a.booth.code for a in booking.confirmed_allocations(week.id, business_id)]


def get_week_badge(week, badge_id: int) -> Badge:
    badge = db.session.get(Badge, badge_id)
    if badge is None or badge.week_id != week.id:
        raise NotFound(_("There is no such badge."))
    return badge


def badge_by_entry_code(code: str) -> Badge | None:
    code = normalise_code(code)
    return db.session.scalar(select(Badge).where(Badge.entry_code == code)) if code else None


def badge_by_contact_code(code: str) -> Badge | None:
    code = normalise_code(code)
    return db.session.scalar(select(Badge).where(Badge.contact_code == code)) if code else None


def staff_allowance(week, business_id: int) -> tuple[int, int]:
    """(badges in use, badges allowed) for an exhibitor at a week."""
    booths = len(booking.confirmed_allocations(week.id, business_id))
    used = db.session.scalar(select(func.count()).select_from(Badge).where(
        Badge.week_id == week.id, Badge.business_id == business_id,
        Badge.kind == BadgeKind.STAFF.value, Badge.revoked_at.is_(None)))
    return used or 0, booths * STAFF_PER_BOOTH


# -- changing ----------------------------------------------------------------------------------

def clean_badge_data(data: dict, *, phone_required: bool = False) -> dict:
    """Name, position, organisation, phone and email, checked; raises ValidationFailed."""
    errors, cleaned = {}, {}
    for field, limit in _LIMITS.items():
        value = clean_text(data.get(field))
        if len(value) > limit:
            errors[field] = _("At most %(n)d characters.", n=limit)
        cleaned[field] = value
    if not cleaned["full_name"]:
        errors["full_name"] = _("Enter the name to print on the badge.")
    if cleaned["email"]:
        try:
            cleaned["email"] = normalize_email(cleaned["email"])
        except ValidationFailed as error:
            errors.update(error.fields)
    raw_phone = clean_text(data.get("phone"))
    cleaned["phone"] = ""
    if raw_phone:
        try:
            cleaned["phone"] = phones.normalize_phone(raw_phone)
        except phones.InvalidPhone:
            errors["phone"] = _("Enter a Vietnamese phone number, e.g. 0912 345 678.")
    elif phone_required:
        errors["phone"] = _("Enter your phone number.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    return cleaned


def _new_badge(week, kind: BadgeKind, cleaned: dict, *, actor=None, business_id=None,
               consent: bool = False, walk_in: bool = False) -> Badge:
    badge = Badge(week_id=week.id, kind=kind.value, business_id=business_id,
                  entry_code=new_code(),
                  contact_code=new_code() if kind.has_contact_code else None,
                  contact_consent_at=utcnow() if consent else None,
                  created_by_id=getattr(actor, "id", None), walk_in=walk_in, **cleaned)
    db.session.add(badge)
    db.session.flush()
    after = {"kind": badge.kind, "name": badge.full_name}
    if walk_in:
        after["walk_in"] = True
    audit.record("badge", badge.id, "create", actor=actor, week_id=week.id,
                 business_id=business_id, after=after)
    return badge


def add_staff_badge(*, actor, week, data: dict) -> Badge:
    """An exhibitor registers one of its staff for a week."""
    if not actor.is_exhibitor:
        raise Forbidden(_("Only exhibitors register their staff."))
    cleaned = clean_badge_data(data)
    cleaned["organisation"] = ""
    with write_transaction():
        # Lock the business row so two staff added at once cannot pass the limit together.
        db.session.execute(select(Business.id).where(Business.id == actor.business_id)
                           .with_for_update())
        used, allowed = staff_allowance(week, actor.business_id)
        if allowed == 0:
            raise Forbidden(_("Staff badges open once a booth is confirmed to you."))
        if used >= allowed:
            raise Conflict(_("You have used all %(n)d staff badges (%(per)d per confirmed "
                             "booth). Revoke one to add someone else.",
                             n=allowed, per=STAFF_PER_BOOTH), code="staff_limit")
        return _new_badge(week, BadgeKind.STAFF, cleaned, actor=actor,
                          business_id=actor.business_id)


def add_badge(*, actor, week, kind: str, data: dict) -> Badge:
    """The organiser issues a buyer's, an organiser staff member's or a visitor's badge."""
    try:
        badge_kind = BadgeKind(kind)
    except ValueError:
        raise ValidationFailed(_("Choose a kind of badge."), fields={"kind": _("Unknown kind.")}) from None
    if badge_kind == BadgeKind.STAFF:
        raise ValidationFailed(_("Exhibitors register their own staff."),
                               fields={"kind": _("Exhibitors register their own staff.")})
    cleaned = clean_badge_data(data, phone_required=badge_kind == BadgeKind.VISITOR)
    # a visitor's or buyer's agreement, given to the organiser on the person's word: the
    # registration, and (optional) sharing the contact with exhibitors who scan the badge
    agreed = badge_kind.has_contact_code and bool(data.get("consent"))
    share = agreed and bool(data.get("share_contact"))
    if badge_kind.has_contact_code and data.get("share_contact") and not agreed:
        raise ValidationFailed(_("Please correct the marked fields."), fields={
            "consent": _("Sharing the contact needs the registration agreed first.")})
    try:
        with write_transaction():
            badge = _new_badge(week, badge_kind, cleaned, actor=actor, consent=share)
            if agreed:
                record_badge_consents(week, badge, share=share, channel="desk")
            return badge
    except IntegrityError:
        raise _phone_taken() from None


def record_badge_consents(week, badge: Badge, *, share: bool, channel: str) -> None:
    """The ledger's rows for a badge's registration (to the organiser) and, when the holder
    agreed, for sharing the contact with the exhibitors who scan it — in the caller's
    transaction, with the sentences as shown."""
    week = db.session.get(ExhibitionWeek, badge.week_id)  # this session's (a caller's may not be)
    subject = {"subject_name": badge.full_name, "subject_phone": badge.phone,
               "subject_email": badge.email}
    record_consent(week=week, purpose="registration", recipient_kind="organiser",
                   data_categories=REGISTRATION_DATA, channel=channel, badge=badge,
                   text=consent_sentence(REGISTRATION_CONSENT, week), **subject)
    if share:
        record_consent(week=week, purpose="share_with_exhibitors", recipient_kind="exhibitors",
                       data_categories=SHARE_DATA, channel=channel, badge=badge,
                       text=consent_sentence(SHARE_CONSENT, week), **subject)


def _phone_taken() -> ValidationFailed:
    message = _("This phone number is already registered for this week.")
    return ValidationFailed(message, fields={"phone": message}, code="already_registered")


def visitor_registration_open(week) -> bool:
    """Visitors register for a published week until its last day (Vietnam time)."""
    return visitor_registration_closed(week) is None


def visitor_registration_closed(week) -> str | None:
    """Why visitors cannot register for ``week`` now, in words for the form's page, or None
    when they can: a week that is over (or archived) has closed, a draft has not opened."""
    name = week.name(str(get_locale() or "vi"))
    if week.status != "draft" and week.is_past(vietnam_today()):
        return _("%(week)s ended on %(date)s, so visitor registration is closed.",
                 week=name, date=week.end_date.strftime("%d/%m/%Y"))
    if week.status == "archived":
        return _("Visitor registration for %(week)s is closed.", week=name)
    if week.status not in ("open", "closed"):
        return _("Visitor registration for this week has not opened yet.")
    return None


def register_visitor(*, week, data: dict, channel: str = "web") -> Badge:
    """A visitor pre-registers online for a week and gets a badge to download.

    ``data["consent"]``, the registration's agreement (the organiser keeps the contact to issue
    the badge), is required; ``data["share_contact"]``, sharing it with the exhibitors who scan
    the badge, is optional: without it exhibitors cannot collect the badge's contact. Both are
    recorded in the consent ledger with the badge."""
    closed = visitor_registration_closed(week)
    if closed:
        raise Forbidden(closed)
    errors = {}
    try:
        cleaned = clean_badge_data(data, phone_required=True)
    except ValidationFailed as error:
        errors.update(error.fields)
    if not data.get("consent"):
        errors["consent"] = _("Tick the box to agree, or we cannot issue your badge.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    share = bool(data.get("share_contact"))
    if db.session.scalar(select(Badge.id).where(
            Badge.week_id == week.id, Badge.kind == BadgeKind.VISITOR.value,
            Badge.phone == cleaned["phone"], Badge.revoked_at.is_(None))):
        raise _phone_taken()
    try:
        with write_transaction():
            badge = _new_badge(week, BadgeKind.VISITOR, cleaned, consent=share)
            record_badge_consents(week, badge, share=share, channel=channel)
            announce(visitor_registered, badge_id=badge.id, week_id=week.id,
                     language=str(get_locale() or "vi"))
            return badge
    except IntegrityError:  # the same phone registered by a concurrent request
        raise _phone_taken() from None


# -- walk-ins at the desk ------------------------------------------------------------------------

#: the kinds of badge the desk issues on the spot
WALK_IN_KINDS = (BadgeKind.VISITOR, BadgeKind.BUYER)


class AlreadyRegistered(ValidationFailed):
    """The phone number already has a live badge at the week: the desk offers that badge (to
    reprint it) instead of issuing a second one."""
    code = "already_registered"

    def __init__(self, badge: Badge):
        message = _("This phone number is already registered for this week.")
        super().__init__(message, fields={"phone": message})
        self.badge = badge


def may_run_desk(user, week) -> bool:
    """Who registers walk-ins and prints badges at the desk: whoever works the week's gate."""
    return user is not None and user.is_authenticated and may_check_in(user, week.organizer_id)


def live_badge_by_phone(week, phone: str) -> Badge | None:
    """The week's live visitor's or buyer's badge with this phone number (E.164), if any."""
    if not phone:
        return None
    return db.session.scalar(select(Badge).where(
        Badge.week_id == week.id, Badge.phone == phone, Badge.revoked_at.is_(None),
        Badge.kind.in_([k.value for k in WALK_IN_KINDS])).order_by(Badge.id).limit(1))


def desk_badge(week, badge_id: int) -> Badge:
    """One of the week's visitor or buyer badges, as the desk shows and prints it."""
    badge = get_week_badge(week, badge_id)
    if badge.kind_enum not in WALK_IN_KINDS:
        raise NotFound(_("There is no such badge."))
    return badge


def register_walk_in(*, actor, week, kind: str, data: dict) -> Badge:
    """Entrance staff or an organiser register a visitor or buyer who arrived without a badge.

    The same rules as a visitor's own registration (the phone number checked and required, the
    holder's agreement to the registration required and to sharing the contact with exhibitors
    optional, both read out and recorded in the consent ledger, once per phone number and
    week, while the week takes visitors), and the badge is marked as a walk-in and
    issued by the staff member. A phone number that already has a live badge raises
    :class:`AlreadyRegistered` carrying that badge. The badge opens the gate at once; offline
    scanners learn of it with their next snapshot (its changed_at is new)."""
    if not may_run_desk(actor, week):
        raise Forbidden(_("Only the week's organisers and entrance staff register walk-ins."))
    closed = visitor_registration_closed(week)
    if closed:
        raise Forbidden(closed)
    errors = {}
    badge_kind = next((k for k in WALK_IN_KINDS if k.value == kind), None)
    if badge_kind is None:
        errors["kind"] = _("Choose visitor or buyer.")
    try:
        cleaned = clean_badge_data(data, phone_required=True)
    except ValidationFailed as error:
        errors.update(error.fields)
    if not data.get("consent"):
        errors["consent"] = _("Ask the person, and tick the box only if they agree: without "
                              "it no badge can be issued.")
    share = bool(data.get("share_contact"))
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    try:
        with write_transaction():
            # Two desks typing the same number at once issue one badge: the week's row is
            # locked while the number is looked up (the database's unique index covers
            # visitors only, not buyers).
            lock_row(ExhibitionWeek, week.id)
            existing = live_badge_by_phone(week, cleaned["phone"])
            if existing is None:
                badge = _new_badge(week, badge_kind, cleaned, actor=actor, consent=share,
                                   walk_in=True)
                record_badge_consents(week, badge, share=share, channel="desk")
                return badge
    except IntegrityError:  # a visitor registering online with the same number meanwhile
        existing = live_badge_by_phone(week, cleaned["phone"])
        if existing is None:
            raise _phone_taken() from None
    raise AlreadyRegistered(existing)


def record_print(*, badge: Badge) -> Badge:
    """Count one print of a badge at the desk (the next one warns that it is a reprint).

    Counted with one UPDATE (two desks printing at once count two) that leaves changed_at
    alone: printing changes nothing a scanning device shows or decides."""
    if badge.revoked_at is not None:
        raise Conflict(_("This badge was revoked: it cannot be printed."), code="revoked")
    with write_transaction():
        db.session.execute(update(Badge).where(Badge.id == badge.id).values(
            printed_count=Badge.printed_count + 1, last_printed_at=utcnow()))
    db.session.refresh(badge)
    return badge


def reissue_badge(*, actor, badge: Badge, reason: str) -> Badge:
    """A lost badge, replaced at the desk: the old one is revoked (its codes answer "revoked"
    from now on, at the gate and on every scanner after its next snapshot) and a new one is
    issued to the same person with new codes, in one transaction. The organiser's power, like
    revoking, and with a reason (kept in the audit log); the holder's agreement carries over,
    and so does whether it was a walk-in's badge.

    The badge is locked and read again inside the transaction: of two requests replacing it at
    once (a double click), the second finds it revoked and is refused (409), so one new badge
    is issued, never two."""
    from exhibit.weeks.services import is_organiser_of
    if not is_organiser_of(actor, badge.week.organizer_id):
        raise Forbidden(_("Only the week's organisers revoke badges."))
    if badge.kind_enum not in WALK_IN_KINDS:
        raise NotFound(_("There is no such badge."))
    if badge.revoked_at is not None:
        raise _already_replaced()
    reason = clean_text(reason or "")[:300]
    if not reason:
        message = _("Give the reason for revoking this badge.")
        raise ValidationFailed(message, fields={"reason": message})
    try:
        with write_transaction():
            badge = lock_row(Badge, badge.id)
            if badge.revoked_at is not None:
                raise _already_replaced()
            badge.revoked_at = utcnow()
            audit.record("badge", badge.id, "revoke", actor=actor, week_id=badge.week_id,
                         after={"name": badge.full_name, "reason": reason}, note=reason)
            db.session.flush()  # the phone number is free again before the new badge takes it
            fresh = _new_badge(badge.week, badge.kind_enum, {
                "full_name": badge.full_name, "position": badge.position,
                "organisation": badge.organisation, "phone": badge.phone, "email": badge.email},
                actor=actor, walk_in=badge.walk_in)
            fresh.contact_consent_at = badge.contact_consent_at
            _move_badge_consents(badge, fresh)  # the agreement follows its holder
    except IntegrityError as error:
        # the phone number was taken by a badge issued this instant (another replacement
        # that passed the lock's check before, or a registration)
        if not is_unique_violation(error):
            raise
        raise _already_replaced() from None
    return fresh


def _already_replaced() -> Conflict:
    return Conflict(_("This badge was already revoked, so it cannot be replaced again. Find the "
                      "person's new badge at the desk."), code="revoked")


def reissue_consequence(badge: Badge) -> str:
    return _("The lost badge of %(name)s stops working at once, and a new badge with new codes "
             "is issued to them, ready to print.", name=badge.full_name)


def revoke_badge(*, actor, badge: Badge, reason: str = "") -> Badge:
    """Revoke a badge: its codes stay in the database and answer "revoked" from now on.

    The organiser revokes someone else's badge, so says why (kept in the audit log; refused
    on the "reason" field without one, nothing changed); an exhibitor revoking its own staff's
    badge may add a reason.
    """
    if actor.is_exhibitor and (badge.business_id != actor.business_id
                               or badge.kind != BadgeKind.STAFF.value):
        raise NotFound(_("There is no such badge."))
    reason = clean_text(reason or "")[:300]
    if not actor.is_exhibitor and not reason and badge.revoked_at is None:
        message = _("Give the reason for revoking this badge.")
        raise ValidationFailed(message, fields={"reason": message})
    if badge.revoked_at is None:
        with write_transaction():
            badge.revoked_at = utcnow()
            audit.record("badge", badge.id, "revoke", actor=actor, week_id=badge.week_id,
                         business_id=badge.business_id,
                         after={"name": badge.full_name, "reason": reason} if reason
                         else {"name": badge.full_name}, note=reason or None)
    return badge


def revoke_consequence(badge: Badge) -> str:
    """What revoking a badge does, said before it is confirmed."""
    return _("The badge of %(name)s stops working at once: its entrance and contact codes are "
             "refused at the gate and by exhibitors' scanners. This cannot be undone; a new "
             "badge can be issued instead.", name=badge.full_name)


# -- printing ----------------------------------------------------------------------------------

def face_labels() -> dict[str, str]:
    """The printed words, in the current language."""
    return {"entry_label": _("Entrance"),
            "contact_label": _("Exhibitors scan this code to receive your contact details")}


def booths_line(codes: list[str]) -> str:
    if not codes:
        return ""
    return _("Booth %(codes)s", codes=", ".join(codes))


def face_for(badge: Badge, week, *, lang: str, booth_codes: list[str] | None = None
             ) -> BadgeFace:
    return _face(week, lang, face_labels(), kind=badge.kind, full_name=badge.full_name,
                 position=badge.position, organisation=badge.organisation_name,
                 entry_code=badge.entry_code, contact_code=badge.contact_code,
                 booth_codes=booth_codes or [])


def _face(week, lang: str, labels: dict, *, kind: str, full_name: str, position: str,
          organisation: str, entry_code: str, contact_code: str | None,
          booth_codes: list[str]) -> BadgeFace:
    return BadgeFace(
        kind=kind, band=BadgeKind(kind).band, week_name=week.name(lang),
        full_name=full_name, position=position, organisation=organisation,
        booths=booths_line(booth_codes),
        entry_url=entry_url(entry_code), entry_code=grouped(entry_code),
        entry_label=labels["entry_label"],
        contact_url=contact_url(contact_code) if contact_code else "",
        contact_label=labels["contact_label"] if contact_code else "")


#: rows fetched per round trip when printing a whole week
CHUNK = 500


def faces_for_week(week, kind: str, *, lang: str, business_id: int | None = None
                   ) -> Iterator[BadgeFace]:
    """Faces of every live badge of a kind, read in chunks by id: printing 10,000 badges never
    holds 10,000 rows or ORM objects at once."""
    booth_codes = booking.confirmed_booth_codes(week)
    labels = face_labels()
    columns = (Badge.id, Badge.kind, Badge.full_name, Badge.position, Badge.organisation,
               Badge.business_id, Badge.entry_code, Badge.contact_code, Business.name)
    last_id = 0
    while True:
        query = (select(*columns).outerjoin(Business, Business.id == Badge.business_id)
                 .where(Badge.week_id == week.id, Badge.kind == kind,
                        Badge.revoked_at.is_(None), Badge.id > last_id)
                 .order_by(Badge.id).limit(CHUNK))
        if business_id is not None:
            query = query.where(Badge.business_id == business_id)
        rows = db.session.execute(query).all()
        if not rows:
            return
        for row in rows:
            yield _face(week, lang, labels, kind=row.kind, full_name=row.full_name,
                        position=row.position, organisation=row.name or row.organisation,
                        entry_code=row.entry_code, contact_code=row.contact_code,
                        booth_codes=booth_codes.get(row.business_id, []))
        last_id = rows[-1].id


def count_for_week(week, kind: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Badge).where(
        Badge.week_id == week.id, Badge.kind == kind, Badge.revoked_at.is_(None))) or 0


def may_check_in(user, organizer_id: int) -> bool:
    """Who may scan badges in at a body's weeks: its organisers and its entrance staff."""
    from exhibit.weeks.services import is_organiser_of
    return is_organiser_of(user, organizer_id) or bool(
        user is not None and user.is_entrance and user.organizer_id == organizer_id)
