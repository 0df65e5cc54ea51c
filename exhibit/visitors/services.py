"""Booth QR tokens, the visitor's scan page, favourites, contacts left at a booth, and leads.

A booth's QR code points at ``/b/<token>``. The token is bound to the booth's id, so the
organiser can renumber booths after posters are printed; reissuing a token (a poster stolen or
misprinted) keeps the old one as "replaced" so it can say so instead of a bare 404.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from exhibit.badges.models import Badge
from exhibit.badges.services import (
    SHARE_CONSENT,
    SHARE_DATA,
    clean_badge_data,
    consent_sentence,
    record_consent,
    shares_contact,
)
from exhibit.booking import queries as booking
from exhibit.booking.plan import booths_exhibited_by, confirmed_business_id, exhibitors_of
from exhibit.businesses.models import Business
from exhibit.catalogue.models import ProductListing
from exhibit.core import audit
from exhibit.core.db import after_commit, is_unique_violation, utcnow, write_transaction
from exhibit.core.errors import AppError, Conflict, Forbidden, NotFound, ValidationFailed
from exhibit.core.paging import counted_page, search_text
from exhibit.core.events import announce, contact_left
from exhibit.core.tokens import new_code, normalise_code
from exhibit.extensions import db
from exhibit.floorplan.models import Booth
from exhibit.visitors import booth_pages
from exhibit.visitors.models import (
    BoothScan,
    BoothToken,
    Favourite,
    FavouriteList,
    Lead,
    LeadSource,
)
from exhibit.vn.numbers import parse_whole
from exhibit.vn.text import clean_text, search_words

#: the consent a visitor gives when leaving their contact on a booth page (kept in the consent
#: ledger, privacy.consents; %(recipient)s is the exhibitor)
LEAVE_CONTACT_CONSENT = _l("I agree that %(recipient)s receives my name, phone number, email, "
                           "organisation and message, to contact me about its products, and "
                           "keeps them until %(until)s.")
LEAVE_CONTACT_DATA = ["name", "phone", "email", "organisation", "message"]
MAX_FAVOURITES = 200


# -- booth tokens ------------------------------------------------------------------------------

def current_token(booth: Booth) -> str | None:
    """The booth's QR token (every booth gets one when it is drawn: issue_missing_tokens)."""
    return db.session.scalar(select(BoothToken.token).where(
        BoothToken.booth_id == booth.id, BoothToken.replaced_at.is_(None)))


def week_tokens(week) -> dict[int, str]:
    """The current token of every booth of a week that has one, by booth id."""
    return dict(db.session.execute(
        select(BoothToken.booth_id, BoothToken.token).join(Booth, Booth.id == BoothToken.booth_id)
        .where(Booth.week_id == week.id, BoothToken.replaced_at.is_(None))).all())


def issue_missing_tokens(week_id: int) -> int:
    """A QR token for every booth of the week that has none yet (new booths, imported ones);
    run when the floor plan changes (visitors.subscribers). Returns how many it issued."""
    try:
        with write_transaction():
            have = select(BoothToken.booth_id).where(BoothToken.replaced_at.is_(None))
            missing = db.session.scalars(select(Booth.id).where(
                Booth.week_id == week_id, Booth.retired_at.is_(None),
                Booth.id.not_in(have))).all()
            db.session.add_all(BoothToken(booth_id=booth_id, token=new_code())
                               for booth_id in missing)
        return len(missing)
    except IntegrityError:  # a concurrent run issued them: the partial index kept one each
        return 0


def reissue_token(*, actor, booth: Booth) -> str:
    """Replace the booth's token: printed codes with the old one stop opening the booth."""
    with write_transaction():
        old = db.session.scalar(select(BoothToken).where(
            BoothToken.booth_id == booth.id, BoothToken.replaced_at.is_(None)).with_for_update())
        if old is not None:
            old.replaced_at = utcnow()
            db.session.flush()
        row = BoothToken(booth_id=booth.id, token=new_code())
        db.session.add(row)
        audit.record("booth", booth.id, "reissue_qr", actor=actor, week_id=booth.week_id,
                     before={"token": old.token if old else None}, after={"token": row.token})
        # the old code's kept page goes at once in this process, not at the next change check
        after_commit(booth_pages.forget_all)
    return row.token


@dataclass
class ScanTarget:
    booth: Booth
    #: None when the token was replaced (the page says so)
    replaced_at: datetime | None
    business: Business | None


def resolve_booth_token(token: str) -> ScanTarget:
    """The booth a scanned token opens, with its hall, its week and its confirmed exhibitor
    (booking's fact, joined through booking.plan), in one query."""
    row = db.session.execute(
        select(BoothToken.replaced_at, Booth, Business)
        .join(Booth, Booth.id == BoothToken.booth_id).join(Booth.hall).join(Booth.week)
        .outerjoin(Business, Business.id == confirmed_business_id(Booth.id))
        .options(contains_eager(Booth.hall), contains_eager(Booth.week))
        .where(BoothToken.token == normalise_code(token))).first()
    if row is None:
        raise NotFound(_("This QR code does not belong to any booth."), code="unknown_token")
    replaced_at, booth, business = row
    return ScanTarget(booth, replaced_at, business if replaced_at is None else None)


def record_scan(*, booth_id: int, week_id: int, visitor_key: str) -> None:
    """Count one scan (called after the page has been sent)."""
    with write_transaction():
        db.session.add(BoothScan(booth_id=booth_id, week_id=week_id,
                                 visitor_key=visitor_key[:32]))


def scan_counts(week) -> list[tuple[str, int, int]]:
    """(booth code, scans, distinct phones) for the week's booths, most scanned first."""
    rows = db.session.execute(
        select(Booth.code, func.count(), func.count(func.distinct(BoothScan.visitor_key)))
        .join(Booth, Booth.id == BoothScan.booth_id).where(BoothScan.week_id == week.id)
        .group_by(Booth.code).order_by(func.count().desc(), Booth.code)).all()
    return [tuple(row) for row in rows]


QR_CODES_PER_PAGE = 50


@dataclass
class QrFilters:
    """The organiser's QR-code list: a booth code or the exhibitor's name (``q``) and a hall;
    an unknown hall is ignored."""
    q: str = ""
    hall_id: int | None = None

    @classmethod
    def from_args(cls, args, week) -> QrFilters:
        q = search_text(args)
        hall = str(args.get("hall") or "")
        hall_id = int(hall) if hall.isdigit() and len(hall) < 10 else None
        return cls(q=q,
                   hall_id=hall_id if hall_id in {h.id for h in week.halls} else None)


@dataclass
class QrRow:
    booth: Booth
    token: str | None
    exhibitor: Business | None
    scans: int
    phones: int


def qr_page(week, filters: QrFilters, number: int, size: int = QR_CODES_PER_PAGE):
    """One page of the week's booths (in code order) with their current QR token, confirmed
    exhibitor and scan counts, and the number of booths that match — counted and read by the
    database for this page only (scan counts grouped over the page's booths)."""
    query = (select(Booth, BoothToken.token)
             .outerjoin(BoothToken, (BoothToken.booth_id == Booth.id)
                        & BoothToken.replaced_at.is_(None))
             .where(Booth.week_id == week.id, Booth.retired_at.is_(None))
             .options(joinedload(Booth.hall)).order_by(Booth.code, Booth.id))
    if filters.hall_id:
        query = query.where(Booth.hall_id == filters.hall_id)
    if filters.q:
        code = filters.q.upper().replace(" ", "")
        words = search_words(filters.q)[:8]
        by_exhibitor = Booth.id.in_(booths_exhibited_by(week, words)) if words else false()
        query = query.where(or_(Booth.code.contains(code, autoescape=True), by_exhibitor))
    page = counted_page(query, number, size, scalars=False)
    ids = [booth.id for booth, _token in page.rows]
    exhibitors = exhibitors_of(ids)
    counts = {booth_id: (scans, phones) for booth_id, scans, phones in db.session.execute(
        select(BoothScan.booth_id, func.count(), func.count(func.distinct(BoothScan.visitor_key)))
        .where(BoothScan.booth_id.in_(ids)).group_by(BoothScan.booth_id))} if ids else {}
    page.rows = [QrRow(booth, token, exhibitors.get(booth.id), *counts.get(booth.id, (0, 0)))
                 for booth, token in page.rows]
    return page


def hall_booth_counts(week) -> dict[int, int]:
    """How many booths each hall of the week has, by hall id (one grouped query)."""
    return dict(db.session.execute(select(Booth.hall_id, func.count()).where(
        Booth.week_id == week.id, Booth.retired_at.is_(None)).group_by(Booth.hall_id)).all())


def booth_url(token: str) -> str:
    """The absolute URL a booth's QR code holds."""
    from exhibit.core.links import absolute_url
    return absolute_url(f"/b/{token}")


def booth_posters(week, booths: list[Booth], exhibitors: dict[int, Business]):
    """Poster data for booths, each with its current QR token as an absolute URL (a booth
    without a token yet has no poster)."""
    from exhibit.media import storage
    from exhibit.visitors.posters import Poster
    tokens = week_tokens(week)
    for booth in booths:
        if booth.id not in tokens:
            continue
        business = exhibitors.get(booth.id)
        logo = storage.path_for(business.logo_key) if business and business.logo_key else None
        yield Poster(week_name=week.name_vi, week_name_en=week.name_en, booth_code=booth.code,
                     hall_name=booth.hall.name, exhibitor=business.name if business else "",
                     logo_path=logo, url=booth_url(tokens[booth.id]))


# -- favourites --------------------------------------------------------------------------------

def new_visitor_key() -> str:
    return secrets.token_urlsafe(16)


def favourite_list(owner_key: str | None) -> FavouriteList | None:
    if not owner_key:
        return None
    return db.session.scalar(select(FavouriteList).where(FavouriteList.owner_key == owner_key))


def shared_list(share_token: str) -> FavouriteList:
    found = db.session.scalar(select(FavouriteList).where(
        FavouriteList.share_token == normalise_code(share_token)))
    if found is None:
        raise NotFound(_("This list of favourites does not exist."))
    return found


def saved_listing_ids(owner_key: str | None) -> set[int]:
    if not owner_key:
        return set()
    return set(db.session.scalars(
        select(Favourite.listing_id).join(FavouriteList, FavouriteList.id == Favourite.list_id)
        .where(FavouriteList.owner_key == owner_key)))


def visible_listing(listing_id: int) -> ProductListing:
    """A product listing the public catalogue shows (NotFound otherwise)."""
    listing = db.session.get(ProductListing, listing_id)
    if listing is None or not listing.visible:
        raise NotFound(_("This product is not in the catalogue."))
    return listing


def toggle_favourite(*, owner_key: str, listing_id: int) -> bool:
    """Save a visible product to the visitor's list, or remove it; returns True if saved."""
    return _save_favourite(owner_key, listing_id, toggle=True)


def save_favourite(*, owner_key: str, listing_id: int) -> bool:
    """Save a visible product to the visitor's list (a product saved already stays saved);
    returns True if it was not saved before."""
    return _save_favourite(owner_key, listing_id, toggle=False)


def _save_favourite(owner_key: str, listing_id: int, *, toggle: bool) -> bool:
    visible_listing(listing_id)
    with write_transaction():
        found = favourite_list(owner_key)
        if found is None:
            found = FavouriteList(owner_key=owner_key, share_token=new_code())
            db.session.add(found)
            db.session.flush()
        existing = db.session.get(Favourite, (found.id, listing_id))
        if existing is not None:
            if toggle:
                db.session.delete(existing)
            return False
        count = db.session.scalar(select(func.count()).select_from(Favourite)
                                  .where(Favourite.list_id == found.id))
        if count >= MAX_FAVOURITES:
            raise ValidationFailed(_("Your list is full (%(n)d products).", n=MAX_FAVOURITES))
        db.session.add(Favourite(list_id=found.id, listing_id=listing_id))
        return True


def favourite_items(found: FavouriteList) -> list[ProductListing]:
    return list(db.session.scalars(
        select(ProductListing).join(Favourite, Favourite.listing_id == ProductListing.id)
        .where(Favourite.list_id == found.id, ProductListing.visible.is_(True))
        .order_by(Favourite.created_at)))


# -- leads -------------------------------------------------------------------------------------

def leave_contact(*, target: ScanTarget, visitor_key: str, data: dict) -> Lead:
    """A visitor leaves their contact for the exhibitor at a booth, with explicit consent
    naming that exhibitor, recorded in the consent ledger with the lead."""
    if target.business is None or target.replaced_at is not None:
        raise NotFound(_("No exhibitor is at this booth yet."))
    cleaned = clean_badge_data(data)
    errors = {}
    if not cleaned["phone"] and not cleaned["email"]:
        errors["phone"] = _("Give a phone number or an email, or the exhibitor cannot reply.")
    message = clean_text(data.get("message"))
    if len(message) > 1000:
        errors["message"] = _("At most %(n)d characters.", n=1000)
    if not data.get("consent"):
        errors["consent"] = _("Tick the box to agree, or your contact cannot be passed on.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    week = target.booth.week
    text = consent_sentence(LEAVE_CONTACT_CONSENT, week, recipient=target.business.name)
    with write_transaction():
        lead = Lead(week_id=target.booth.week_id, business_id=target.business.id,
                    booth_id=target.booth.id, source=LeadSource.CONTACT_FORM.value,
                    visitor_key=visitor_key[:32], full_name=cleaned["full_name"],
                    phone=cleaned["phone"], email=cleaned["email"],
                    organisation=cleaned["organisation"], message=message,
                    consent_text=text, consent_at=utcnow())
        db.session.add(lead)
        db.session.flush()
        record_consent(week=week, purpose="leave_contact", recipient_kind="exhibitor",
                       recipient_business=target.business, subject_name=lead.full_name,
                       subject_phone=lead.phone, subject_email=lead.email,
                       data_categories=LEAVE_CONTACT_DATA, channel="web", text=text, lead=lead,
                       now=lead.consent_at)
        announce(contact_left, lead_id=lead.id, week_id=lead.week_id, business_id=lead.business_id,
                 language=str(get_locale() or "vi"))
    return lead


def capture_badge(*, actor=None, code: str, device=None,
                  scanned_at: datetime | None = None) -> tuple[Lead, bool]:
    """An exhibitor's staff scans a visitor's (or buyer's) badge: the contact becomes a lead.
    Returns (lead, created); scanning the same badge again returns the existing lead. The
    visitor agreed to share the contact with the exhibitors of that week only: a business
    without a confirmed booth there is refused (403), whatever code it holds.

    The scanner is a signed-in exhibitor (``actor``) or the business's lead scanner
    (``device``, which scanning.devices.lead_business has let through: see capture_badges,
    which decides a device's scans). A refused code raises ValidationFailed with the code
    ``unknown_code`` (``entry_code`` from a device that scanned the entrance code) or
    ``revoked``."""
    if device is not None:
        if device.business_id is None:
            raise Forbidden(_("This scanner checks badges in; it does not collect contacts."))
        [(status, lead, error)] = capture_badges(
            business_id=device.business_id, device_id=device.id, week_id=device.week_id,
            scans=[(code, scanned_at or utcnow())])
        if error is not None:
            raise error
        return lead, status == LEAD_SAVED
    if actor is None or not actor.is_exhibitor:
        raise Forbidden(_("Only exhibitors collect contacts from badges."))
    business_id = actor.business_id
    normalised = normalise_code(code)
    badge = db.session.scalar(select(Badge).where(Badge.contact_code == normalised)) \
        if normalised else None
    if badge is None:
        raise _not_a_contact(normalised, for_device=False)
    if badge.revoked_at is not None:
        raise _revoked_contact()
    booths = booking.confirmed_allocations(badge.week_id, business_id)
    if not booths:
        raise _no_booth()
    existing = db.session.scalar(select(Lead).where(Lead.business_id == business_id,
                                                    Lead.badge_id == badge.id))
    if not shares_contact(badge):
        raise _not_shared()
    if existing is not None:  # withdrawn or not: scanning again changes nothing
        return existing, False
    try:
        with write_transaction():
            lead = _scanned_lead(badge, business_id, booths[0].booth_id, user_id=actor.id)
            db.session.add(lead)
            _record_scan_consent(badge, lead, channel="web")
        return lead, True
    except IntegrityError:  # the same badge scanned twice at once
        db.session.rollback()
        return db.session.scalar(select(Lead).where(Lead.business_id == business_id,
                                                    Lead.badge_id == badge.id)), False


LEAD_SAVED, LEAD_ALREADY_SAVED, LEAD_INVALID = "saved", "already_saved", "invalid"


def capture_badges(*, business_id: int, device_id: int, week_id: int,
                   scans: list[tuple[str, datetime]]
                   ) -> list[tuple[str, Lead | None, AppError | None]]:
    """A lead scanner's scans (code, when scanned), decided in the order given and in one
    transaction: each answers (status, lead, error) — ``saved`` with the new lead (dated by
    its scan), ``already_saved`` with the business's earlier one, or ``invalid`` with the
    error capture_badge would raise. A device collects at its own week only. The same scan
    sent again (its answer was lost) is ``saved`` again: the lead this device made at that
    very moment. A few queries whatever the number of scans. Which device may collect for which
    business is the scanning package's rule (scanning.devices.lead_business), asked first."""
    codes = [normalise_code(code) for code, _at in scans]
    wanted = sorted({code for code in codes if code})
    for attempt in range(2):
        try:
            with write_transaction():
                return _capture_all(business_id, device_id, week_id, codes, wanted,
                                    [at for _code, at in scans])
        except IntegrityError as error:
            # another of the business's scanners saved one of these contacts meanwhile: once
            # more, now finding it
            if attempt or not is_unique_violation(error):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _capture_all(business_id: int, device_id: int, week_id: int, codes: list[str],
                 wanted: list[str], times: list[datetime]) -> list:
    badges = {badge.contact_code: badge for badge in db.session.scalars(
        select(Badge).where(Badge.contact_code.in_(wanted), Badge.week_id == week_id))}
    missing = [code for code in wanted if code not in badges]
    entry = set(db.session.scalars(select(Badge.entry_code).where(
        Badge.entry_code.in_(missing)))) if missing else set()
    booths = booking.confirmed_allocations(week_id, business_id) if badges else []
    leads = {lead.badge_id: lead for lead in db.session.scalars(select(Lead).where(
        Lead.business_id == business_id,
        Lead.badge_id.in_([badge.id for badge in badges.values()])))} if badges else {}
    answers, new = [], []
    for code, scanned_at in zip(codes, times):
        badge = badges.get(code)
        if badge is None:
            error = _not_a_contact(code, for_device=True, entry=code in entry)
        elif badge.revoked_at is not None:
            error = _revoked_contact()
        elif not booths:
            error = _no_booth()
        elif not shares_contact(badge):
            error = _not_shared()
        else:
            error = None
        if error is not None:
            answers.append((LEAD_INVALID, None, error))
            continue
        lead = leads.get(badge.id)
        if lead is None:
            lead = _scanned_lead(badge, business_id, booths[0].booth_id, device_id=device_id,
                                 at=scanned_at)
            db.session.add(lead)
            leads[badge.id] = lead
            new.append((badge, lead))
            answers.append((LEAD_SAVED, lead, None))
        elif lead.captured_by_device_id == device_id and lead.created_at == scanned_at:
            answers.append((LEAD_SAVED, lead, None))  # this very scan, sent again
        else:
            answers.append((LEAD_ALREADY_SAVED, lead, None))
    db.session.flush()  # the leads first, at once: a contact saved meanwhile fails here
    for badge, lead in new:
        _record_scan_consent(badge, lead, channel="scanner")
    return answers


def _scanned_lead(badge: Badge, business_id: int, booth_id: int, *, user_id=None,
                  device_id=None, at: datetime | None = None) -> Lead:
    at = at or utcnow()
    return Lead(week_id=badge.week_id, business_id=business_id, booth_id=booth_id,
                source=LeadSource.BADGE_SCAN.value, badge_id=badge.id,
                full_name=badge.full_name, phone=badge.phone, email=badge.email,
                organisation=badge.organisation_name,
                consent_text=consent_sentence(SHARE_CONSENT, badge.week),
                consent_at=badge.contact_consent_at, captured_by_id=user_id,
                captured_by_device_id=device_id, created_at=at, updated_at=at)


def _record_scan_consent(badge: Badge, lead: Lead, *, channel: str) -> None:
    """The ledger's row for a contact taken by scanning a badge: covered by the sharing the
    holder agreed to at registration (its sentence, its time), now held by this exhibitor,
    named — so the holder's privacy page shows who holds it."""
    record_consent(week=badge.week, purpose="share_with_exhibitors",
                   recipient_kind="exhibitor", recipient_business=lead.business_id,
                   subject_name=badge.full_name, subject_phone=badge.phone,
                   subject_email=badge.email, data_categories=SHARE_DATA,
                   channel=channel, text=lead.consent_text, badge=badge, lead=lead,
                   now=badge.contact_consent_at)


def _not_a_contact(code: str, *, for_device: bool, entry: bool | None = None
                   ) -> ValidationFailed:
    if entry is None:
        entry = bool(code) and db.session.scalar(
            select(Badge.id).where(Badge.entry_code == code)) is not None
    message = (_("This is the badge's entrance code. Scan the smaller code marked for "
                 "exhibitors.") if entry else _("Unknown code."))
    return ValidationFailed(message, fields={"code": message},
                            code="entry_code" if entry and for_device else "unknown_code")


def _revoked_contact() -> ValidationFailed:
    message = _("This badge was revoked.")
    return ValidationFailed(message, fields={"code": message}, code="revoked")


def _not_shared() -> ValidationFailed:
    """The badge's holder did not agree (or no longer agrees) to share their contact with
    exhibitors: it cannot be collected (422 on the "code" field, reason not_shared)."""
    message = _("This visitor did not agree to share their contact with exhibitors: it cannot "
                "be collected. Ask them to leave it on your booth page instead.")
    return ValidationFailed(message, code="not_shared", fields={"code": message})


def _no_booth() -> Forbidden:
    return Forbidden(_("This badge belongs to a week where your business has no booth."))


def business_leads(business_id: int, week_id: int | None = None) -> list[Lead]:
    query = select(Lead).where(Lead.business_id == business_id).order_by(Lead.created_at.desc(),
                                                                          Lead.id.desc())
    if week_id:
        query = query.where(Lead.week_id == week_id)
    return list(db.session.scalars(query))


LEADS_PER_PAGE = 25


def leads_page(business_id: int, week_id: int | None, q: str, number: int,
               size: int = LEADS_PER_PAGE):
    """One page of a business's leads, newest first, at one week or all, matching ``q`` in
    the name, organisation, email or phone (an over-long search is ignored), with the count
    of all that match — read and counted by the database."""
    query = (select(Lead).where(Lead.business_id == business_id)
             .options(joinedload(Lead.booth), joinedload(Lead.week))
             .order_by(Lead.created_at.desc(), Lead.id.desc()))
    if week_id:
        query = query.where(Lead.week_id == week_id)
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        matches = [func.lower(column).contains(q.lower(), autoescape=True)
                   for column in (Lead.full_name, Lead.organisation, Lead.email)]
        if len(digits) >= 3:
            matches.append(Lead.phone.contains(digits.lstrip("0") or digits))
        # a withdrawn contact is never found by what it held (a search would tell who withdrew)
        query = query.where(or_(*matches), Lead.withdrawn_at.is_(None))
    return counted_page(query, number, size)


def get_own_lead(actor, lead_id: int) -> Lead:
    lead = db.session.get(Lead, lead_id)
    if lead is None or not actor.is_exhibitor or lead.business_id != actor.business_id:
        raise NotFound(_("There is no such contact."))
    return lead


def update_lead(*, actor, lead: Lead, data: dict) -> Lead:
    """The exhibitor's follow-up on a lead: rating 0–5, tags, notes; none on a contact its
    holder withdrew."""
    if lead.withdrawn_at is not None:
        raise Conflict(_("The visitor withdrew their consent: this contact can no longer be "
                         "used."), code="lead_withdrawn")
    errors = {}
    try:
        rating = parse_whole(data.get("rating")) or 0
        if not 0 <= rating <= 5:
            raise ValueError
    except ValueError:
        errors["rating"] = _("Choose a rating from 0 to 5.")
        rating = 0
    tags = ", ".join(dict.fromkeys(t for t in (clean_text(x) for x in
                                               str(data.get("tags") or "").split(",")) if t))
    if len(tags) > 300:
        errors["tags"] = _("At most %(n)d characters.", n=300)
    notes = clean_text(data.get("notes"))
    if len(notes) > 5000:
        errors["notes"] = _("At most %(n)d characters.", n=5000)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    with write_transaction():
        lead.rating, lead.tags, lead.notes, lead.updated_at = rating, tags, notes, utcnow()
    return lead
