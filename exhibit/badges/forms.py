"""Badge forms: input only; the rules live in badges.services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField

from exhibit.badges.services import CONTACT_CONSENT
from exhibit.core.forms import BaseForm


class StaffForm(BaseForm):
    full_name = StringField(_l("Full name"))
    position = StringField(_l("Position"), description=_l("e.g. Giám đốc, Nhân viên bán hàng"))
    phone = StringField(_l("Phone (optional)"), render_kw={"inputmode": "tel"})


class BadgeForm(BaseForm):
    kind = SelectField(_l("Kind"), choices=[("buyer", _l("Buyer")),
                                            ("organiser", _l("Organiser staff")),
                                            ("visitor", _l("Visitor"))])
    full_name = StringField(_l("Full name"))
    position = StringField(_l("Position"))
    organisation = StringField(_l("Organisation"), description=_l("e.g. Saigon Co.op"))
    phone = StringField(_l("Phone"), render_kw={"inputmode": "tel"})
    email = StringField(_l("Email"), render_kw={"type": "email"})


class VisitorForm(BaseForm):
    full_name = StringField(_l("Full name"), render_kw={"autocomplete": "name"})
    phone = StringField(_l("Phone"), render_kw={"inputmode": "tel", "autocomplete": "tel"})
    email = StringField(_l("Email (optional)"), render_kw={"type": "email",
                                                          "autocomplete": "email"})
    organisation = StringField(_l("Organisation (optional)"))
    consent = BooleanField(CONTACT_CONSENT)


class WalkInForm(BaseForm):
    """A visitor or buyer registered at the desk. The agreement box starts unticked, always:
    the staff member ticks it only once the person has agreed."""
    kind = RadioField(_l("Badge"), choices=[("visitor", _l("Visitor")), ("buyer", _l("Buyer"))],
                      default="visitor", validate_choice=False)  # the service says why
    full_name = StringField(_l("Full name"), render_kw={"autocomplete": "off"})
    phone = StringField(_l("Phone"), render_kw={"inputmode": "tel", "autocomplete": "off"})
    organisation = StringField(_l("Organisation (optional)"), render_kw={"autocomplete": "off"})
    email = StringField(_l("Email (optional)"), render_kw={"type": "email",
                                                          "autocomplete": "off"})
    consent = BooleanField(CONTACT_CONSENT, default=False,
                           description=_l("Read this to the person; tick only if they agree."))


class DeskPrintForm(BaseForm):
    """One print of one badge at the desk: A6 or a 62 mm label."""
    layout = SelectField(choices=[("a6-1", "A6"), ("label-62", "62 mm")])


class PrintForm(BaseForm):
    kind = SelectField(_l("Badges"), choices=[("staff", _l("Exhibitor staff")),
                                              ("buyer", _l("Buyers")),
                                              ("organiser", _l("Organiser staff")),
                                              ("visitor", _l("Visitors"))])
    layout = SelectField(_l("Sheet"), choices=[("a4-8", _l("A4, 8 badges (95 × 68 mm)")),
                                               ("a6-4", _l("A4, 4 A6 badges")),
                                               ("label-62", _l("62 mm labels, one badge each "
                                                               "(desk label printer)"))])


class CheckInForm(BaseForm):
    code = StringField(_l("Badge code"), render_kw={"autocomplete": "off",
                                                    "autocapitalize": "characters"})
    nonce = HiddenField()


class ReasonForm(BaseForm):
    """A confirmation (_macros.confirm_action) with its reason: revoking a badge."""
    reason = StringField(_l("Reason"))
