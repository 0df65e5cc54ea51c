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
    booth = StringField(_l("Booth code"), validators=[DataRequired()])
    business_id = SelectField(_l("Business"), coerce=int, choices=[])


class ReleaseForm(BaseForm):
    reason = StringField(_l("Reason"))
