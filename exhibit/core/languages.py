"""The product's languages: Vietnamese first (the default), English second."""
from __future__ import annotations

LANGUAGES = ("vi", "en")
DEFAULT = "vi"


def checked_language(value: str | None, default: str = DEFAULT) -> str:
    """A language asked for by a file's ``?lang=``: ``default`` when none was given,
    ValidationFailed on "lang" when it is not one of LANGUAGES."""
    from flask_babel import gettext as _

    from exhibit.core.errors import ValidationFailed
    if not value:
        return default
    if value not in LANGUAGES:
        raise ValidationFailed(_("Please correct the marked fields."),
                               fields={"lang": _("Choose vi or en.")})
    return value
