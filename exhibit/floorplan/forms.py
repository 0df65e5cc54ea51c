from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DecimalField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Optional

from exhibit.core.forms import BaseForm
from exhibit.floorplan.models import BoothType


class HallForm(BaseForm):
    name = StringField(_l("Hall name"), validators=[DataRequired()])
    grid_width = IntegerField(_l("Width (m)"), default=40)
    grid_height = IntegerField(_l("Depth (m)"), default=20)


class BoothForm(BaseForm):
    hall_id = SelectField(_l("Hall"), coerce=int, choices=[])
    code = StringField(_l("Booth code"), validators=[DataRequired()], description=_l("e.g. A01"))
    booth_type = SelectField(_l("Type"), choices=[])
    width_m = DecimalField(_l("Width (m)"), default=3, places=2)
    depth_m = DecimalField(_l("Depth (m)"), default=3, places=2)
    area_m2 = DecimalField(_l("Area (m²)"), validators=[Optional()], places=2,
                           description=_l("Left empty: width × depth"))
    #: text, read by the service as Vietnamese write amounts ("12.500.000"), so the thousands
    #: separators shown while typing (static/js/money-input.js) are accepted
    price_vnd = StringField(_l("Price (VND, before VAT)"), default="0",
                            render_kw={"inputmode": "numeric", "data-money": ""},
                            description=_l("0 for a subsidised booth"))
    grid_x = IntegerField(_l("Column on the plan"), default=0)
    grid_y = IntegerField(_l("Row on the plan"), default=0)
    grid_w = IntegerField(_l("Cells wide"), default=3)
    grid_h = IntegerField(_l("Cells deep"), default=3)
    blocked = BooleanField(_l("Blocked (not offered)"))
    blocked_reason = StringField(_l("Why blocked"))

    def __init__(self, *args, halls=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.hall_id.choices = [(h.id, h.name) for h in halls]
        self.booth_type.choices = [(t.value, t.title) for t in BoothType]


class ImportForm(BaseForm):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired()])
