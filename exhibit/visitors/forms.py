"""Forms of the visitor's pages and the exhibitor's leads: input only; rules in services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField

from exhibit.badges.services import consent_sentence
from exhibit.core.forms import BaseForm
from exhibit.visitors.services import LEAVE_CONTACT_CONSENT


class ContactForm(BaseForm):
    full_name = StringField(_l("Your name"), render_kw={"autocomplete": "name"})
    phone = StringField(_l("Phone"), render_kw={"inputmode": "tel", "autocomplete": "tel"})
    email = StringField(_l("Email (optional)"), render_kw={"type": "email",
                                                          "autocomplete": "email"})
    organisation = StringField(_l("Organisation (optional)"))
    message = TextAreaField(_l("Message (optional)"), render_kw={"rows": 3})
    #: never ticked beforehand; its label names the exhibitor (fill_consent)
    consent = BooleanField(_l("I agree"), default=False)

    def fill_consent(self, business, week) -> str:
        """Label the box with the sentence naming the exhibitor, as the service records it
        (called by the template; prints nothing)."""
        self.consent.label.text = consent_sentence(LEAVE_CONTACT_CONSENT, week,
                                                   recipient=business.name)
        return ""


class LeadForm(BaseForm):
    rating = SelectField(_l("Rating"), choices=[(str(n), "☆" if n == 0 else "★" * n)
                                               for n in range(6)], default="0")
    tags = StringField(_l("Tags"), description=_l("Separated by commas, e.g. đại lý, xuất khẩu"))
    notes = TextAreaField(_l("Notes"), render_kw={"rows": 2})


class CaptureForm(BaseForm):
    code = StringField(_l("Badge code"), render_kw={"autocomplete": "off",
                                                    "autocapitalize": "characters"})


class LogoForm(BaseForm):
    logo = FileField(_l("Logo (JPEG, PNG or WebP)"))
