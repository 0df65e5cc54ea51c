from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired

from exhibit.core.forms import BaseForm


class ApplyForm(BaseForm):
    booth_count = IntegerField(_l("Number of booths"), default=1)
    intended_products = TextAreaField(_l("Products you plan to show"),
                                      description=_l("e.g. nước mắm Phan Thiết, thanh long ruột đỏ"))
    notes = TextAreaField(_l("Notes for the organiser"))


class DecisionForm(BaseForm):
    decision = SelectField(_l("Decision"), choices=[
        ("approve", _l("Approve")), ("waitlist", _l("Waiting list")), ("reject", _l("Reject"))])
    reason = StringField(_l("Reason"))


class MoveForm(BaseForm):
    booth = StringField(_l("Move to booth"), validators=[DataRequired()])


class AssignForm(BaseForm):
    """Typed, not chosen from a list of every booth and business (a fair has thousands): the
    booking services say which booth and business the text names, or what is wrong with it."""
    booth = StringField(_l("Booth code"))
    business = StringField(_l("Business"), description=_l("Tax code or name"))


class ReleaseForm(BaseForm):
    reason = StringField(_l("Reason"))
