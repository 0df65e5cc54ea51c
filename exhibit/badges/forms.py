"""Badge forms: input only; the rules live in badges.services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField

from exhibit.badges.services import (
    REGISTRATION_CONSENT,
    SHARE_CONSENT,
    SHARE_CONSENT_NOTE,
    consent_sentence,
)
from exhibit.core.forms import BaseForm


class ConsentBoxes:
    """Two separate boxes, never ticked beforehand: the registration's agreement (required)
    and sharing the contact with the exhibitors who scan the badge (optional). Their labels
    are the sentences filled in for the week, exactly as the service records them: the
    template calls ``form.fill_consents(week)`` (it prints nothing) before showing them."""

    def fill_consents(self, week) -> str:
        self.consent.label.text = consent_sentence(REGISTRATION_CONSENT, week)
        self.share_contact.label.text = consent_sentence(SHARE_CONSENT, week)
        return ""


class StaffForm(BaseForm):
    full_name = StringField(_l("Full name"))
    position = StringField(_l("Position"), description=_l("e.g. Giám đốc, Nhân viên bán hàng"))
    phone = StringField(_l("Phone (optional)"), render_kw={"inputmode": "tel"})


class BadgeForm(ConsentBoxes, BaseForm):
    kind = SelectField(_l("Kind"), choices=[("buyer", _l("Buyer")),
                                            ("organiser", _l("Organiser staff")),
                                            ("visitor", _l("Visitor"))])
    full_name = StringField(_l("Full name"))
    position = StringField(_l("Position"))
    organisation = StringField(_l("Organisation"), description=_l("e.g. Saigon Co.op"))
    phone = StringField(_l("Phone"), render_kw={"inputmode": "tel"})
    email = StringField(_l("Email"), render_kw={"type": "email"})
    consent = BooleanField(_l("The person agrees to the registration"), default=False,
                           description=_l("Visitors and buyers: ask the person; tick only if "
                                          "they agree."))
    share_contact = BooleanField(_l("The person agrees to share the contact"), default=False,
                                 description=_l("Optional. Without it exhibitors' scanners "
                                                "refuse the badge."))


class VisitorForm(ConsentBoxes, BaseForm):
    full_name = StringField(_l("Full name"), render_kw={"autocomplete": "name"})
    phone = StringField(_l("Phone"), render_kw={"inputmode": "tel", "autocomplete": "tel"})
    email = StringField(_l("Email (optional)"), render_kw={"type": "email",
                                                          "autocomplete": "email"})
    organisation = StringField(_l("Organisation (optional)"))
    consent = BooleanField(_l("I agree to the registration"), default=False)
    share_contact = BooleanField(_l("I agree to share my contact"), default=False,
                                 description=SHARE_CONSENT_NOTE)


class WalkInForm(ConsentBoxes, BaseForm):
    """A visitor or buyer registered at the desk. The agreement boxes start unticked, always:
    the staff member reads them out and ticks each only once the person has agreed."""
    kind = RadioField(_l("Badge"), choices=[("visitor", _l("Visitor")), ("buyer", _l("Buyer"))],
                      default="visitor", validate_choice=False)  # the service says why
    full_name = StringField(_l("Full name"), render_kw={"autocomplete": "off"})
    phone = StringField(_l("Phone"), render_kw={"inputmode": "tel", "autocomplete": "off"})
    organisation = StringField(_l("Organisation (optional)"), render_kw={"autocomplete": "off"})
    email = StringField(_l("Email (optional)"), render_kw={"type": "email",
                                                          "autocomplete": "off"})
    consent = BooleanField(_l("The person agrees to the registration"), default=False,
                           description=_l("Read this to the person; tick only if they agree."))
    share_contact = BooleanField(_l("The person agrees to share the contact"), default=False,
                                 description=_l("Optional: read it out, tick only if they "
                                                "agree. Without it exhibitors' scanners refuse "
                                                "the badge."))


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
