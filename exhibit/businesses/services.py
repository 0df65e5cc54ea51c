"""Rules for a business's registration data, shared by sign-up forms, the API and imports."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from exhibit.businesses.models import LEGAL_FORM_NAME_PREFIXES, Business, LegalForm
from exhibit.core.errors import ValidationFailed
from exhibit.extensions import db
from exhibit.vn import phones, provinces, tax_codes
from exhibit.vn.text import clean_text, fold_search_key, search_words

#: the province schemes a new or changed address may use: today's 34 units. Records of past
#: weeks (the demo's 2024 exhibitors) pass ``provinces.SCHEMES``.
CURRENT_PROVINCES = (provinces.SCHEME_2025,)

#: what a business's registration holds, as ``clean_business_data`` reads it
PROFILE_FIELDS = ("name", "legal_form", "tax_code", "address", "province_scheme", "province_code",
                  "representative", "representative_position", "phone", "email")


def clean_business_data(data: dict, *, province_schemes=CURRENT_PROVINCES) -> dict:
    """Validate a business's fields; return them cleaned or raise ValidationFailed naming each.

    Accepted keys: PROFILE_FIELDS (province_scheme defaults to "2025"). A province must be of
    ``province_schemes``; a name that says its legal form must have that form.
    """
    cleaned, errors = check_business_data(data, province_schemes=province_schemes)
    if errors:
        raise ValidationFailed(_("Some business details are not valid."), fields=errors)
    return cleaned


def check_business_data(data: dict, *, province_schemes=CURRENT_PROVINCES) -> tuple[dict, dict]:
    """The rules of ``clean_business_data``, answering (cleaned, errors by field) instead of
    raising, for an edit that checks only the fields it may change."""
    errors: dict[str, str] = {}
    cleaned: dict = {}

    name = clean_text(data.get("name"))
    if not name:
        errors["name"] = _("Enter the registered name of the business.")
    elif len(name) > 255:
        errors["name"] = _("The name is too long (255 characters at most).")
    cleaned["name"] = name

    legal_form = None
    try:
        legal_form = LegalForm(str(data.get("legal_form") or ""))
        cleaned["legal_form"] = legal_form.value
    except ValueError:
        errors["legal_form"] = _("Choose a legal form from the list.")

    try:
        cleaned["tax_code"] = tax_codes.normalize_tax_code(
            str(data.get("tax_code") or ""),
            allow_personal_id=legal_form is None or legal_form.may_use_personal_id)
    except tax_codes.InvalidTaxCode as exc:
        errors["tax_code"] = _tax_code_message(exc)

    scheme = str(data.get("province_scheme") or provinces.SCHEME_2025)
    code = str(data.get("province_code") or "").strip().zfill(2)
    if scheme not in provinces.SCHEMES or provinces.get_province(scheme, code) is None:
        errors["province_code"] = _("Choose a province from the list.")
    elif scheme not in province_schemes:
        errors["province_code"] = _("Choose one of today's 34 provinces and cities.")
    cleaned["province_scheme"], cleaned["province_code"] = scheme, code

    if name and legal_form is not None:
        said = legal_form_named(name)
        if said is not None and said[1] is not legal_form:
            errors["legal_form"] = _(
                "A name starting with “%(prefix)s” is that of a %(form)s: choose that legal "
                "form, or correct the name.", prefix=said[0], form=said[1].title)

    address = clean_text(data.get("address"))
    if not address:
        errors["address"] = _("Enter the address.")
    cleaned["address"] = address[:500]

    try:
        cleaned["phone"] = phones.normalize_phone(str(data.get("phone") or ""))
    except phones.InvalidPhone:
        errors["phone"] = _("Enter a Vietnamese phone number, e.g. 0912 345 678 or 028 3823 4567.")

    email = clean_text(data.get("email")).lower()
    if email and ("@" not in email or len(email) > 254):
        errors["email"] = _("Enter a valid email address.")
    cleaned["email"] = email
    cleaned["representative"] = clean_text(data.get("representative"))[:200]
    cleaned["representative_position"] = clean_text(data.get("representative_position"))[:120]

    return cleaned, errors


def legal_form_named(name: str) -> tuple[str, LegalForm] | None:
    """The legal form a registered name says it has, with the words that say so: "Hợp tác xã
    Thanh long…" and "HTX Thanh long…" → ("Hợp tác xã" / "HTX", HOP_TAC_XA). Compared by whole
    words without diacritics or case; None when the name does not begin with such words."""
    words = search_words(name)
    for prefix, form in LEGAL_FORM_NAME_PREFIXES:
        wanted = search_words(prefix)
        if words[:len(wanted)] == wanted:
            return prefix, form
    return None


def _tax_code_message(exc: tax_codes.InvalidTaxCode) -> str:
    messages = {
        "empty": _("Enter the tax code."),
        "checksum": _("The tax code's check digit is wrong; check the number on the business "
                      "registration."),
        "branch": _("A branch suffix must be between -001 and -999."),
        "personal_id_not_allowed": _("A 12-digit personal ID is accepted only for household "
                                     "businesses and production establishments."),
    }
    return messages.get(exc.reason, _("A tax code has 10 digits, 10 digits plus a branch "
                                      "suffix -NNN, or 12 digits."))


def tax_code_taken(tax_code: str) -> bool:
    return db.session.scalar(select(Business.id).where(Business.tax_code == tax_code)) is not None


def new_business(cleaned: dict) -> Business:
    """A Business from cleaned data, added to the session (the caller owns the transaction)."""
    business = Business(**cleaned, name_search=fold_search_key(cleaned["name"]))
    db.session.add(business)
    return business


def set_logo(*, actor, filename: str, content: bytes) -> Business:
    """The exhibitor's logo, printed on booth posters and shown on its booth page. Checked and
    re-encoded like product photos (EXIF removed); the previous logo file is deleted."""
    from exhibit.core import audit
    from exhibit.core.db import write_transaction
    from exhibit.media import storage
    if not getattr(actor, "is_exhibitor", False):
        raise ValidationFailed(_("Only exhibitors upload a logo."))
    key = store_logo(content)
    business = db.session.get(Business, actor.business_id)
    old = business.logo_key
    try:
        with write_transaction():
            business.logo_key = key
            audit.record("business", business.id, "update", actor=actor,
                         business_id=business.id, after={"logo": filename[:100]})
    except Exception:
        storage.delete(key)
        raise
    storage.delete(old)
    return business


def store_logo(content: bytes) -> str:
    """Check and re-encode an uploaded logo like a product photo (EXIF removed) and store it;
    its media key. The caller deletes it again if its transaction does not commit."""
    from flask import current_app

    from exhibit.media import images, storage
    photo = images.process_photo(content, field="logo",
                                 max_bytes=current_app.config["PHOTO_MAX_BYTES"])
    return storage.save("photos", ".jpg", photo.thumb)
