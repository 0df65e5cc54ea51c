"""Creating and editing exhibition weeks, and the rules for when a week takes bookings."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from exhibit.core import audit
from exhibit.core.db import write_transaction
from exhibit.core.events import announce, week_changed
from exhibit.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from exhibit.extensions import db
from exhibit.vn import provinces
from exhibit.vn.text import clean_text, fold_search_key
from exhibit.weeks.models import ExhibitionWeek, Organizer, WeekStatus

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WEEK_FIELDS = ("slug", "name_vi", "name_en", "host_province_scheme", "host_province_code",
               "co_organizer", "venue_name", "venue_address", "start_date", "end_date",
               "opening_hours", "registration_opens_on", "registration_closes_on", "status",
               "hold_minutes", "waitlist_offer_hours", "review_days", "description",
               "personal_data_months")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold_search_key(text)).strip("-")[:80]


def clean_week_data(data: dict) -> dict:
    """Validate a week's fields; return them cleaned or raise ValidationFailed naming each."""
    errors: dict[str, str] = {}
    cleaned: dict = {}
    for key in ("name_vi", "name_en", "co_organizer", "venue_name", "venue_address",
                "opening_hours", "description"):
        cleaned[key] = clean_text(data.get(key)) if key != "description" else (
            (data.get("description") or "").strip())
    if not cleaned["name_vi"]:
        errors["name_vi"] = _("Enter the week's Vietnamese name.")
    if not cleaned["venue_name"]:
        errors["venue_name"] = _("Enter the venue.")

    slug = clean_text(data.get("slug")).lower() or slugify(cleaned["name_vi"])
    if not _SLUG.match(slug or ""):
        errors["slug"] = _("Use lower-case letters, digits and hyphens only.")
    cleaned["slug"] = slug

    scheme = data.get("host_province_scheme") or provinces.SCHEME_2025
    code = str(data.get("host_province_code") or "").zfill(2)
    if scheme not in provinces.SCHEMES or provinces.get_province(scheme, code) is None:
        errors["host_province_code"] = _("Choose a province from the list.")
    cleaned["host_province_scheme"], cleaned["host_province_code"] = scheme, code

    for key in ("start_date", "end_date", "registration_opens_on", "registration_closes_on"):
        value = data.get(key)
        if isinstance(value, str) and value:
            try:
                value = date.fromisoformat(value)
            except ValueError:
                errors[key] = _("Enter a date as YYYY-MM-DD.")
                value = None
        cleaned[key] = value or None
    if not cleaned["start_date"]:
        errors.setdefault("start_date", _("Enter the first day."))
    if not cleaned["end_date"]:
        errors.setdefault("end_date", _("Enter the last day."))
    if cleaned["start_date"] and cleaned["end_date"] and cleaned["end_date"] < cleaned["start_date"]:
        errors["end_date"] = _("The last day cannot be before the first day.")
    opens, closes = cleaned["registration_opens_on"], cleaned["registration_closes_on"]
    if opens and closes and closes < opens:
        errors["registration_closes_on"] = _("Registration cannot close before it opens.")

    status = data.get("status") or WeekStatus.DRAFT.value
    if status not in {s.value for s in WeekStatus}:
        errors["status"] = _("Choose a status from the list.")
    cleaned["status"] = status

    for key, low, high, default in (("hold_minutes", 1, 10080, 15),
                                    ("waitlist_offer_hours", 1, 720, 48),
                                    ("review_days", 1, 20, 3),
                                    ("personal_data_months", 1, 60, 12)):
        try:
            value = int(data.get(key) if data.get(key) not in (None, "") else default)
            if not low <= value <= high:
                raise ValueError
            cleaned[key] = value
        except (TypeError, ValueError):
            errors[key] = _("Enter a whole number between %(low)d and %(high)d.", low=low, high=high)
    if errors:
        raise ValidationFailed(_("Some details of the week are not valid."), fields=errors)
    return cleaned


def _slug_taken(slug: str, except_id: int | None = None) -> bool:
    query = select(ExhibitionWeek.id).where(ExhibitionWeek.slug == slug)
    if except_id:
        query = query.where(ExhibitionWeek.id != except_id)
    return db.session.scalar(query) is not None


def create_week(*, actor, data: dict) -> ExhibitionWeek:
    cleaned = clean_week_data(data)
    with write_transaction():
        if _slug_taken(cleaned["slug"]):
            raise Conflict(_("Another week already uses this address."), code="slug_taken",
                           fields={"slug": _("Already used by another week.")})
        week = ExhibitionWeek(organizer_id=actor.organizer_id, **cleaned)
        db.session.add(week)
        db.session.flush()
        audit.record("week", week.id, "create", actor=actor, week_id=week.id,
                     after=_snapshot(week))
    return week


def has_floor_plan(week: ExhibitionWeek | None) -> bool:
    """Whether the week's halls hold at least one booth. Asked through the ``halls``
    relationship the week declares (floorplan builds on weeks, so weeks never imports it)."""
    if week is None or week.id is None:
        return False
    hall = ExhibitionWeek.halls.property.mapper.class_
    return bool(db.session.scalar(
        select(hall.id).where(hall.week_id == week.id, hall.booths.any()).limit(1)))


def check_may_open(week: ExhibitionWeek | None, status: str) -> None:
    """A week opens for registration only with a floor plan: applicants pick their booths on
    it. Refused with a field error on ``status`` otherwise (a new week has no plan yet: it is
    created as a draft, given halls and booths, then opened)."""
    if status == WeekStatus.OPEN.value and not has_floor_plan(week):
        raise ValidationFailed(
            _("Add halls and booths before opening registration."),
            fields={"status": _("Registration cannot open before the floor plan has booths: "
                                "keep the week as a draft, add its halls and booths, then open it.")})


def update_week(*, actor, week: ExhibitionWeek, data: dict) -> ExhibitionWeek:
    require_week_organiser(actor, week)
    cleaned = clean_week_data(data)
    if cleaned["status"] != week.status:
        check_may_open(week, cleaned["status"])
    with write_transaction():
        week = db.session.get(ExhibitionWeek, week.id)
        if _slug_taken(cleaned["slug"], except_id=week.id):
            raise Conflict(_("Another week already uses this address."), code="slug_taken",
                           fields={"slug": _("Already used by another week.")})
        before = _snapshot(week)
        for key, value in cleaned.items():
            setattr(week, key, value)
        after = _snapshot(week)
        changed = {k for k in after if before[k] != after[k]}
        if changed:
            audit.record("week", week.id, "update", actor=actor, week_id=week.id,
                         before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
            # the catalogue re-checks certificates against new dates, and so on
            announce(week_changed, week_id=week.id, changed=sorted(changed))
    return week


def _snapshot(week: ExhibitionWeek) -> dict:
    values = {k: getattr(week, k) for k in WEEK_FIELDS}
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def is_organiser_of(user, organizer_id: int | None) -> bool:
    """True only for a signed-in organiser of this organising body (never for anyone without
    one: an exhibitor, a buyer, entrance staff, a guest)."""
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and user.is_organiser and user.organizer_id is not None
                and user.organizer_id == organizer_id)


def is_week_organiser(user, week: ExhibitionWeek) -> bool:
    """The one rule for "may manage this week": an organiser of the body that runs it."""
    return is_organiser_of(user, week.organizer_id)


def require_week_organiser(user, week: ExhibitionWeek) -> None:
    """Only organisers of the body that runs the week may manage it."""
    if not is_week_organiser(user, week):
        raise Forbidden(_("Only the week's organisers can do this."))


def get_week(slug: str) -> ExhibitionWeek:
    week = db.session.scalar(select(ExhibitionWeek).where(ExhibitionWeek.slug == slug))
    if week is None:
        raise NotFound(_("There is no exhibition week at this address."), code="week_not_found")
    return week


def public_weeks() -> list[ExhibitionWeek]:
    """Every week the public may see (all but drafts), newest first."""
    return db.session.scalars(
        select(ExhibitionWeek).where(ExhibitionWeek.status != WeekStatus.DRAFT.value)
        .order_by(ExhibitionWeek.start_date.desc())).all()


def organiser_weeks(user) -> list[ExhibitionWeek]:
    return db.session.scalars(
        select(ExhibitionWeek).where(ExhibitionWeek.organizer_id == user.organizer_id)
        .order_by(ExhibitionWeek.start_date.desc())).all()


def booking_closed_reason(week: ExhibitionWeek, today: date) -> tuple[str, str] | None:
    """Why exhibitors cannot apply or hold booths at this week today, as (code, message); None if they can."""
    if week.status != WeekStatus.OPEN.value:
        return "week_not_open", _("This week is not open for registration (status: %(status)s).",
                                  status=week.status_enum.title)
    if week.registration_opens_on and today < week.registration_opens_on:
        return "registration_not_started", _("Registration opens on %(day)s.",
                                             day=week.registration_opens_on.strftime("%d/%m/%Y"))
    if week.registration_closes_on and today > week.registration_closes_on:
        return "registration_closed", _("Registration closed on %(day)s.",
                                        day=week.registration_closes_on.strftime("%d/%m/%Y"))
    if today > week.end_date:
        return "week_over", _("This week has already ended.")
    return None


def get_visible_week(slug: str, user) -> ExhibitionWeek:
    """A week as the public sees it: drafts exist only for their own organisers."""
    week = get_week(slug)
    if week.status == WeekStatus.DRAFT.value and not is_week_organiser(user, week):
        raise NotFound(_("There is no exhibition week at this address."), code="week_not_found")
    return week


def get_managed_week(slug: str, user) -> ExhibitionWeek:
    """A week the user organises; 404 if it does not exist, 403 if it is another body's."""
    week = get_week(slug)
    require_week_organiser(user, week)
    return week


ORGANIZER_FIELDS = ("name", "address", "tax_code", "phone", "email", "representative",
                    "representative_position", "authorisation", "bank_bin", "bank_account",
                    "bank_name")


def update_organizer(*, actor, data: dict):
    """An organiser edits its body's details: the Bên A block of every new contract."""
    from exhibit.vn import phones, tax_codes
    if actor is None or not actor.is_organiser:
        raise Forbidden(_("Only organisers can do this."))
    organizer = actor.organizer
    cleaned = {key: clean_text(data.get(key)) for key in ORGANIZER_FIELDS if key in data}
    errors = {}
    if "name" in cleaned and not cleaned["name"]:
        errors["name"] = _("Required.")
    if cleaned.get("tax_code"):
        try:
            cleaned["tax_code"] = tax_codes.normalize_tax_code(cleaned["tax_code"])
        except tax_codes.InvalidTaxCode:
            errors["tax_code"] = _("Not a valid tax code.")
    if cleaned.get("phone"):
        try:
            cleaned["phone"] = phones.normalize_phone(cleaned["phone"])
        except phones.InvalidPhone:
            errors["phone"] = _("Enter a Vietnamese phone number, e.g. 0912 345 678 or 028 3823 4567.")
    if cleaned.get("email") and "@" not in cleaned["email"]:
        errors["email"] = _("Enter a valid email address.")
    if cleaned.get("bank_account") and not cleaned["bank_account"].replace(" ", "").isdigit():
        errors["bank_account"] = _("A bank account number has digits only.")
    if cleaned.get("bank_bin"):
        _name_the_bank(cleaned, errors, organizer)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    limits = {c.name: c.type.length for c in Organizer.__table__.columns if hasattr(c.type, "length")}
    with write_transaction():
        before = {k: getattr(organizer, k) for k in cleaned}
        for key, value in cleaned.items():
            setattr(organizer, key, value[:limits.get(key) or None])
        audit.record("organizer", organizer.id, "update", actor=actor, before=before, after=cleaned)
    return organizer


def _name_the_bank(cleaned: dict, errors: dict, organizer) -> None:
    """The bank is chosen from NAPAS's list (its BIN goes into the VietQR codes); the bank's
    name follows the choice unless the organiser wrote its own (a branch, say): an empty
    name, or the list's name of another bank, becomes the chosen bank's name."""
    from exhibit.vn import banks
    chosen = banks.bank(cleaned["bank_bin"])
    if chosen is None:
        errors["bank_bin"] = _("Choose your bank from the list.")
        return
    name = cleaned.get("bank_name", organizer.bank_name)
    if not name or name in {bank.name for bank in banks.banks()}:
        cleaned["bank_name"] = chosen.name
