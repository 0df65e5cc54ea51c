"""Editing a business's profile: what prints as "Bên B" on its contracts, on its booth page and
on its posters.

The business keeps its own contact details up to date (address, representative and position,
phone, email, logo). An organiser of a week the business applied to or was given a booth at —
the rule of the business's history page, ``booking.services.require_business_organiser`` — may also
correct its registered name, legal form and province, and its tax code with a reason. Every
edit is checked by the registration rules (``businesses.services.check_business_data``, shared
with sign-up, the API and imports), written in one transaction with the business row locked and
audited with the old and new values. Documents already issued keep what they printed:
``documents.services.profile_changes`` tells their readers when the profile moved on.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from exhibit.booking.services import require_business_organiser
from exhibit.businesses import queries
from exhibit.businesses.models import Business, LegalForm
from exhibit.businesses.services import (CURRENT_PROVINCES, PROFILE_FIELDS, check_business_data,
                                         store_logo, tax_code_taken)
from exhibit.core import audit
from exhibit.core.db import lock_row, write_transaction
from exhibit.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from exhibit.extensions import db
from exhibit.media import storage
from exhibit.vn import phones, provinces
from exhibit.vn.text import clean_text, fold_search_key

#: what the business changes itself
BUSINESS_FIELDS = ("address", "representative", "representative_position", "phone", "email")
#: what an organiser of its weeks changes as well; the tax code only with a reason
ORGANISER_FIELDS = ("name", "legal_form", "tax_code", "province_scheme", "province_code",
                    *BUSINESS_FIELDS)

#: a profile field as people read it in the history, by the name the audit entries use
FIELD_TITLES = {
    "name": _l("Registered business name"), "legal_form": _l("Legal form"),
    "tax_code": _l("Tax code"), "address": _l("Address"), "province": _l("Province / city"),
    "representative": _l("Representative"), "representative_position": _l("Position"),
    "phone": _l("Phone"), "email": _l("Email"), "logo": _l("Logo"),
}


# -- whose profile ------------------------------------------------------------------------------

def get_own_business(actor) -> Business:
    """The business an exhibitor signs in for."""
    if not getattr(actor, "is_exhibitor", False) or actor.business_id is None:
        raise Forbidden(_("Only exhibitors keep a business profile here."))
    return db.session.get(Business, actor.business_id)


def get_organised_business(actor, business_id: int) -> Business:
    """A business whose profile the organiser may edit: the same rule as its history page
    (``booking.services.require_business_organiser``: 403 for anyone but an organiser, 404 for
    a business that never applied to a week of the organiser's body)."""
    require_business_organiser(actor, business_id)
    business = db.session.get(Business, business_id)
    if business is None:
        raise NotFound(_("This business has not taken part in your weeks."),
                       code="business_not_found")
    return business


# -- editing ------------------------------------------------------------------------------------

def edit_own_business(*, actor, data: dict, logo: tuple[str, bytes] | None = None) -> Business:
    """The business's own edit: any of BUSINESS_FIELDS (the ones in ``data`` change), and a
    new logo as (file name, content)."""
    business = get_own_business(actor)
    return _edit(actor=actor, business_id=business.id, data=data, fields=BUSINESS_FIELDS,
                 logo=logo)


def check_business_changes(data: dict) -> None:
    """The registration rules for those of BUSINESS_FIELDS that ``data`` holds (no effect but
    ValidationFailed): the API checks a PATCH's values with it beside their shapes, so one
    answer names every bad field. They are rules of each field on its own."""
    _cleaned, errors = check_business_data(data)
    errors = {key: message for key, message in errors.items()
              if key in data and key in BUSINESS_FIELDS}
    if errors:
        raise ValidationFailed(_("Some business details are not valid."), fields=errors)


def edit_business_as_organiser(*, actor, business_id: int, data: dict, reason: str = "",
                               logo: tuple[str, bytes] | None = None) -> Business:
    """An organiser's edit: any of ORGANISER_FIELDS. A changed tax code needs ``reason``,
    which the audit entry keeps. A province must be one of today's 34 units, so a business
    still on the 63-province map gets one chosen at its first edit."""
    get_organised_business(actor, business_id)
    return _edit(actor=actor, business_id=business_id, data=data, fields=ORGANISER_FIELDS,
                 logo=logo, reason=reason)


def _edit(*, actor, business_id: int, data: dict, fields: tuple[str, ...],
          logo: tuple[str, bytes] | None, reason: str = "") -> Business:
    refused = {name: _("Only an organiser of a week you take part in can change this.")
               if name in PROFILE_FIELDS else _("Unknown field.")
               for name in data if name not in fields}
    if refused:
        raise ValidationFailed(_("Some business details cannot be changed here."), fields=refused)
    # decoding an image is slow: before the transaction, whose failure deletes the file again
    logo_key = store_logo(logo[1]) if logo is not None else None
    try:
        with write_transaction():
            business = lock_row(Business, business_id)
            if business is None:
                raise NotFound(_("There is no such business."), code="business_not_found")
            changes = _checked_changes(business, data, fields, clean_text(reason))
            before = {key: _audited(business, key) for key in changes}
            for key, value in changes.items():
                if key == "province":
                    business.province_scheme, business.province_code = value
                else:
                    setattr(business, key, value)
            if "name" in changes:
                business.name_search = fold_search_key(business.name)
            after = {key: _audited(business, key) for key in changes}
            old_logo = business.logo_key
            if logo_key is not None:
                business.logo_key = logo_key
                after["logo"] = (logo[0] or "logo")[:100]
            if after:
                audit.record(queries.PROFILE_ENTITY, business.id, queries.PROFILE_EDIT,
                             actor=actor, business_id=business.id, before=before, after=after,
                             note=clean_text(reason) if "tax_code" in changes else None)
    except IntegrityError:
        # another business took the tax code this instant (the unique index decides)
        storage.delete(logo_key or "")
        raise Conflict(_("Another business is registered with this tax code."),
                       code="tax_code_taken",
                       fields={"tax_code": _("Already registered.")}) from None
    except BaseException:
        storage.delete(logo_key or "")
        raise
    if logo_key is not None:
        storage.delete(old_logo)
    return business


def _checked_changes(business: Business, data: dict, fields: tuple[str, ...],
                     reason: str) -> dict:
    """The changed values of ``fields``, checked by the registration rules, or
    ValidationFailed naming each bad field. A field the editor may not change is not checked:
    what is stored was accepted when it was stored."""
    stored = {key: getattr(business, key) for key in PROFILE_FIELDS}
    given = dict(data)
    if "province_code" in given and not given.get("province_scheme"):
        given["province_scheme"] = provinces.SCHEME_2025
    cleaned, errors = check_business_data({**stored, **given}, province_schemes=CURRENT_PROVINCES)
    errors = {key: message for key, message in errors.items() if key in fields}
    changes = {key: cleaned[key] for key in fields
               if key not in ("province_scheme", "province_code") and key not in errors
               and cleaned[key] != stored[key]}
    if "province_code" in fields and "province_code" not in errors:
        province = (cleaned["province_scheme"], cleaned["province_code"])
        if province != (business.province_scheme, business.province_code):
            changes["province"] = province
    if "tax_code" in changes:
        if not reason:
            errors["reason"] = _("Say why the tax code changes: it is kept in the history.")
        if tax_code_taken(changes["tax_code"]):
            errors["tax_code"] = _("Another business is registered with this tax code.")
    if errors:
        raise ValidationFailed(_("Some business details are not valid."), fields=errors)
    return changes


def _audited(business: Business, key: str) -> str:
    if key == "province":
        return f"{business.province_scheme}:{business.province_code}"
    return getattr(business, key)


# -- reading ------------------------------------------------------------------------------------

def form_values(business: Business) -> dict:
    """The profile as the edit forms show it: the province as "2025:code", or empty (to be
    chosen) when the business is still on the 63-province map."""
    values = {key: getattr(business, key) for key in PROFILE_FIELDS}
    values["phone"] = business.phone_display
    values["province"] = (f"{business.province_scheme}:{business.province_code}"
                          if business.province_scheme in CURRENT_PROVINCES else "")
    return values


def history(business_id: int) -> list[dict]:
    """The profile's latest edits for people: when, who, and each field's old and new value."""
    rows = []
    for entry in queries.profile_history(business_id):
        before, after = entry.before or {}, entry.after or {}
        rows.append({"at": entry.at, "actor": entry.actor, "note": entry.note, "changes": [
            (str(FIELD_TITLES.get(key, key)), _shown(key, before.get(key)), _shown(key, value))
            for key, value in after.items()]})
    return rows


def _shown(key: str, value) -> str:
    if value in (None, ""):
        return "—"
    if key == "legal_form":
        try:
            return LegalForm(value).title
        except ValueError:
            return str(value)
    if key == "province":
        scheme, _sep, code = str(value).partition(":")
        return provinces.display_name(scheme, code)
    if key == "phone":
        return phones.format_phone(value)
    return str(value)
