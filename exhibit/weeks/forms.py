from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from exhibit.core.forms import BaseForm, province_choices
from exhibit.weeks.models import WeekStatus


class WeekForm(BaseForm):
    field_aliases = {"host_province_code": "host_province"}

    name_vi = StringField(_l("Name (Vietnamese)"), validators=[DataRequired()])
    name_en = StringField(_l("Name (English)"))
    slug = StringField(_l("Web address"), description=_l("e.g. ocop-binh-thuan-2024; left empty, it is made from the name"))
    host_province = SelectField(_l("Host province"), choices=[])
    co_organizer = StringField(_l("Co-organiser"), description=_l("e.g. Sở Công Thương tỉnh Bình Thuận"))
    venue_name = StringField(_l("Venue"), validators=[DataRequired()])
    venue_address = StringField(_l("Venue address"))
    start_date = DateField(_l("First day"), validators=[DataRequired()])
    end_date = DateField(_l("Last day"), validators=[DataRequired()])
    opening_hours = StringField(_l("Opening hours"), description=_l("e.g. 8:00 – 21:00"))
    registration_opens_on = DateField(_l("Registration opens"), validators=[Optional()])
    registration_closes_on = DateField(_l("Registration closes"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=[],
                         description=_l("Registration opens once the floor plan has booths."))
    hold_minutes = IntegerField(_l("Hold duration (minutes)"), default=15)
    waitlist_offer_hours = IntegerField(_l("Waiting-list offer lasts (hours)"), default=48)
    review_days = IntegerField(
        _l("Review deadline (working days)"), default=3,
        description=_l("How long a booth held with a complete application waits for your decision"))
    description = TextAreaField(_l("Description"))
    personal_data_months = IntegerField(
        _l("Keep visitors' personal data (months after the last day)"), default=12,
        description=_l("Then names, phones and emails of visitors, buyers' contacts and leads are "
                       "replaced by placeholders; the week's figures stay."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [(s.value, s.title) for s in WeekStatus]
        self.host_province.choices = province_choices()
