from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired

from exhibit.core.forms import BaseForm
from exhibit.floorplan.models import BoothType, ElementKind


class MetresField(StringField):
    """A length in metres, read by the service (a decimal comma or point: "2,5", "2.5"); shown
    without trailing zeros."""

    def __init__(self, *args, **kwargs):
        render_kw = {"inputmode": "decimal", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(*args, render_kw=render_kw, **kwargs)

    def _value(self):
        if isinstance(self.data, (int, float)) and not isinstance(self.data, bool):
            return f"{round(float(self.data), 3):g}"
        return super()._value()


ROTATION_CHOICES = [(0, _l("Front faces the bottom of the plan")),
                    (90, _l("Front faces the left")),
                    (180, _l("Front faces the top of the plan")),
                    (270, _l("Front faces the right"))]


class HallForm(BaseForm):
    name = StringField(_l("Hall name"), validators=[DataRequired()])
    width_m = MetresField(_l("Width (m)"), default=40)
    depth_m = MetresField(_l("Depth (m)"), default=20)


class BoothForm(BaseForm):
    hall_id = SelectField(_l("Hall"), coerce=int, choices=[])
    code = StringField(_l("Booth code"), validators=[DataRequired()], description=_l("e.g. A01"))
    booth_type = SelectField(_l("Type"), choices=[])
    width_m = MetresField(_l("Width (m)"), default=3)
    depth_m = MetresField(_l("Depth (m)"), default=3)
    area_m2 = MetresField(_l("Area (m²)"), description=_l("Left empty: width × depth"))
    #: text, read by the service as Vietnamese write amounts ("12.500.000"), so the thousands
    #: separators shown while typing (static/js/money-input.js) are accepted
    price_vnd = StringField(_l("Price (VND, before VAT)"), default="0",
                            render_kw={"inputmode": "numeric", "data-money": ""},
                            description=_l("0 for a subsidised booth"))
    x_m = MetresField(_l("From the hall's left side (m)"), default=0)
    y_m = MetresField(_l("From the hall's top side (m)"), default=0)
    w_m = MetresField(_l("Across on the plan (m)"),
                      description=_l("Left empty: the width"))
    h_m = MetresField(_l("Down on the plan (m)"),
                      description=_l("Left empty: the depth"))
    rotation = SelectField(_l("Front"), coerce=int, choices=ROTATION_CHOICES, default=0)
    blocked = BooleanField(_l("Blocked (not offered)"))
    blocked_reason = StringField(_l("Why blocked"))

    def __init__(self, *args, halls=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.hall_id.choices = [(h.id, h.name) for h in halls]
        self.booth_type.choices = [(t.value, t.title) for t in BoothType]


class ImportForm(BaseForm):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired()])


class DrawingForm(BaseForm):
    drawing = FileField(_l("The venue's drawing (SVG, PDF, PNG or JPEG)"),
                        validators=[FileRequired()])


class CalibrationForm(BaseForm):
    x1 = MetresField(_l("First point, across (px)"))
    y1 = MetresField(_l("First point, down (px)"))
    x2 = MetresField(_l("Second point, across (px)"))
    y2 = MetresField(_l("Second point, down (px)"))
    distance_m = MetresField(_l("Distance between the points (m)"))
    size_from_drawing = BooleanField(_l("Make the hall the size of the drawing"), default=True)


class ElementForm(BaseForm):
    hall_id = SelectField(_l("Hall"), coerce=int, choices=[])
    kind = SelectField(_l("Kind"), choices=[])
    label = StringField(_l("Label"), description=_l("e.g. C12, Exit 2"))
    x_m = MetresField(_l("From the hall's left side (m)"), default=0)
    y_m = MetresField(_l("From the hall's top side (m)"), default=0)
    w_m = MetresField(_l("Across (m)"), default=1)
    h_m = MetresField(_l("Down (m)"), default=1)

    def __init__(self, *args, halls=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.hall_id.choices = [(h.id, h.name) for h in halls]
        self.kind.choices = [(k.value, k.title) for k in ElementKind]


class DxfUploadForm(BaseForm):
    # its own id: the booth page also has the table import's "file"
    file = FileField(_l("DXF file from the venue's CAD"), validators=[FileRequired()],
                     id="dxf-file")


class DxfImportForm(BaseForm):
    upload = HiddenField()
    hall_id = SelectField(_l("Hall"), coerce=int, choices=[])
    layer = SelectField(_l("Layer of the booth outlines"), choices=[])
    text_layer = SelectField(_l("Layer of the booth codes"), choices=[])
    prefix = StringField(_l("Code prefix for booths without a code"), default="D")
    price_vnd = StringField(_l("Price of each new booth (VND, before VAT)"), default="0",
                            render_kw={"inputmode": "numeric", "data-money": ""})
    offset_x_m = MetresField(_l("Outlines start from the hall's left side at (m)"), default=0)
    offset_y_m = MetresField(_l("Outlines start from the hall's top side at (m)"), default=0)

    def __init__(self, *args, halls=(), layers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.hall_id.choices = [(h.id, h.name) for h in halls]
        self.layer.choices = [(name, name) for name in layers]
        self.text_layer.choices = [("", _l("(none: number the booths)"))] + \
            [(name, name) for name in layers]
