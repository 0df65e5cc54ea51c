"""B2B forms: input only; the rules live in b2b.services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (BooleanField, DateField, IntegerField, PasswordField, SelectField, SelectMultipleField,
                     StringField, TextAreaField, TimeField)
from wtforms.validators import Optional

from exhibit.b2b.models import BUYER_KIND_TITLES, MEETING_OUTCOME_TITLES, BuyerKind
from exhibit.businesses.models import LegalForm
from exhibit.catalogue import ocop
from exhibit.core.forms import BaseForm, current_province_choices


def group_choices(lang: str = "vi"):
    return [(g.code, g.title(lang)) for g in ocop.groups(ocop.QD148)]


class NeedForm(BaseForm):
    # the choices are offered, and b2b.services.clean_need checks what comes back (a refused
    # value is a message naming the field, never a silently ignored form)
    product_group = SelectField(_l("Product group"), validate_choice=False)
    description = StringField(_l("Products you are looking for"),
                              description=_l("Separated by commas, e.g. Cà phê rang xay, hạt điều "
                                             "rang muối. Suppliers are suggested only for products "
                                             "of these names; leave it empty for any product of "
                                             "the group."))
    min_stars = SelectField(_l("OCOP stars at least"),
                            choices=[("", _l("Not required")), ("3", "3★"), ("4", "4★"), ("5", "5★")],
                            validate_choice=False)
    certifications = SelectMultipleField(_l("Certifications required"),
                                         choices=[(s, s) for s in ocop.STANDARDS],
                                         validate_choice=False)
    monthly_volume = StringField(_l("Volume per month"), description=_l("e.g. 2 tấn/tháng"))


class BuyerForm(NeedForm):
    kind = SelectField(_l("Kind of buyer"), choices=[(k.value, BUYER_KIND_TITLES[k]) for k in BuyerKind])
    contact_name = StringField(_l("Who comes to the meetings"))
    contact_position = StringField(_l("Position"))
    contact_phone = StringField(_l("Phone"), render_kw={"inputmode": "tel"})
    contact_email = StringField(_l("Email"))
    #: never ticked beforehand; its label is the sentence filled in for the week (fill_consent)
    consent = BooleanField(_l("I agree"), default=False)

    def fill_consent(self, week) -> str:
        """Label the box with the sentence for the week, as the service records it (called by
        the template; returns "" so it prints nothing)."""
        from exhibit.b2b.services import B2B_CONSENT
        from exhibit.badges.services import consent_sentence
        self.consent.label.text = consent_sentence(B2B_CONSENT, week)
        return ""


class NewBuyerForm(BuyerForm):
    field_aliases = {"province_code": "province"}

    email = StringField(_l("Email (your sign-in)"), render_kw={"type": "email"})
    password = PasswordField(_l("Password"))
    name = StringField(_l("Organisation's registered name"), description=_l("e.g. Liên hiệp HTX Thương mại TP.HCM (Saigon Co.op)"))
    legal_form = SelectField(_l("Legal form"), choices=[(f.value, f.title) for f in LegalForm])
    tax_code = StringField(_l("Tax code"))
    address = StringField(_l("Address"))
    province = SelectField(_l("Province"), validate_choice=False)
    representative = StringField(_l("Legal representative"))
    representative_position = StringField(_l("Representative's position"))
    phone = StringField(_l("Organisation's phone"), render_kw={"inputmode": "tel"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.province.choices = current_province_choices()  # nothing preselected


class SlotsForm(BaseForm):
    day = DateField(_l("Day"))
    start = TimeField(_l("First meeting at"))
    minutes = IntegerField(_l("Minutes per meeting"), default=20)
    gap_minutes = IntegerField(_l("Break between meetings (minutes)"), default=5, validators=[Optional()])
    count = IntegerField(_l("Number of slots"), default=8)


class TablesForm(BaseForm):
    # its own id: the slots form on the same page has a "count" too
    count = IntegerField(_l("Tables to add"), default=10, id="tables_count")
    prefix = StringField(_l("Label"), default="Bàn")


class OutcomeForm(BaseForm):
    outcome = SelectField(_l("Outcome"), choices=[(o.value, title) for o, title in MEETING_OUTCOME_TITLES.items()])
    notes = TextAreaField(_l("Notes"), render_kw={"rows": 2})
