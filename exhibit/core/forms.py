"""The form base class: CSRF (from Flask-WTF) and NFC-normalised, trimmed text on every field.

Forms only collect input; the rules live in the services, whose ValidationFailed errors are
shown on the matching fields by ``apply_errors`` — so the HTML and the API enforce one rule set.
"""
from __future__ import annotations

from flask_wtf import FlaskForm

from exhibit.core.errors import ValidationFailed
from exhibit.vn.text import nfc


def _nfc_strip(value):
    if isinstance(value, str):
        return nfc(value).strip()
    return value


class BaseForm(FlaskForm):
    #: service field name → form field name, where the two differ
    field_aliases: dict[str, str] = {}

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = list(unbound_field.kwargs.get("filters", ()))
            options["filters"] = [_nfc_strip, *filters]
            return unbound_field.bind(form=form, **options)

    def apply_errors(self, error: ValidationFailed, prefix: str = "") -> None:
        """Show a service's field errors on the matching fields (the rest above the form)."""
        self.extra_errors = list(getattr(self, "extra_errors", []))
        for name, message in error.fields.items():
            key = self.field_aliases.get(name) or (
                name[len(prefix):] if prefix and name.startswith(prefix) else name)
            field = self._fields.get(key)
            if field is not None:
                field.errors = [*field.errors, message]
            else:
                self.extra_errors.append(f"{name}: {message}")
        if not error.fields:
            self.extra_errors.append(error.message)


class ActionForm(BaseForm):
    """A button that changes something: CSRF token only."""


#: the largest id an INTEGER column holds on PostgreSQL (SQLite's hold more)
MAX_ROW_ID = 2**31 - 1


def row_id(value) -> int:
    """A record id typed into a form or a query string: a whole number an id column can hold,
    else ValueError — so ``request.form.get("buyer_id", type=row_id)`` gives None for "abc",
    "-1" or a 40-digit number instead of an out-of-range error in the database driver."""
    number = int(str(value).strip())
    if not 1 <= number <= MAX_ROW_ID or not str(value).strip().isdigit():
        raise ValueError(value)
    return number


def province_choices() -> dict:
    """Select choices grouped by scheme; each value is "scheme:code" because codes repeat
    across the two maps with different meanings (80 was Long An, is now Tây Ninh)."""
    from flask_babel import gettext as _

    from exhibit.vn import provinces
    return {
        _("34 units (from 01/7/2025)"): [
            (f"{p.scheme}:{p.code}", p.full_name) for p in provinces.provinces(provinces.SCHEME_2025)],
        _("63 provinces (before 01/7/2025, for past records)"): [
            (f"{p.scheme}:{p.code}", p.full_name) for p in provinces.provinces(provinces.SCHEME_LEGACY)],
    }


def current_province_choices() -> list[tuple[str, str]]:
    """For a business's address today: a "choose" prompt (nothing preselected), then the 34
    units of 2025 only, as "2025:code" like ``province_choices``."""
    from flask_babel import gettext as _

    from exhibit.vn import provinces
    return [("", _("Choose a province or city…")), *(
        (f"{p.scheme}:{p.code}", p.full_name) for p in provinces.provinces(provinces.SCHEME_2025))]


def split_province(value: str | None) -> tuple[str, str]:
    scheme, _sep, code = (value or "").partition(":")
    return scheme, code
