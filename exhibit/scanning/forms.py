"""Forms of the entrances and scanners pages: input only; the rules (which kinds, which days,
names, allowances) live in scanning.zones and scanning.devices."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from exhibit.badges.models import BadgeKind
from exhibit.core.forms import BaseForm
from exhibit.scanning.models import ZoneMode
from exhibit.vn.dates import format_date


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of check boxes (easier to tap on a phone than a multiple
    select). Values are not checked here: the service names a bad one on the field."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)


class ZoneForm(BaseForm):
    """A zone of the week and its rules. Nothing ticked in kinds or days means all of them."""
    name = StringField(_l("Name"), description=_l("e.g. Phòng B2B, Hội trường hội nghị"),
                       render_kw={"maxlength": 120})
    badge_kinds = CheckboxesField(_l("Badges let in"),
                                  choices=[(kind.value, kind.title) for kind in BadgeKind],
                                  description=_l("None ticked: every badge."))
    days = CheckboxesField(_l("Open on"), description=_l("None ticked: every day of the week."))
    mode = SelectField(_l("Scans"), choices=[(mode.value, mode.title) for mode in ZoneMode],
                       validate_choice=False)
    multiple_entries = BooleanField(_l("A badge may enter more than once a day"))

    def offer_days(self, week) -> ZoneForm:
        """The week's days as the day choices (the form needs the week to know them)."""
        self.days.choices = [(day.isoformat(), format_date(day)) for day in week.days]
        return self

    @staticmethod
    def prefix_for(zone_key: int) -> str:
        """Each zone's form has its own field names and ids on the page (0: the week's hall
        not stored yet, see zones.week_zones)."""
        return f"zone{zone_key}"

    @classmethod
    def for_zone(cls, zone, week) -> ZoneForm:
        """The edit form of a zone, filled with its rules."""
        return cls(formdata=None, prefix=cls.prefix_for(zone.id or 0), name=zone.name,
                   badge_kinds=zone.kind_list, days=[day.isoformat() for day in zone.day_list],
                   mode=zone.mode, multiple_entries=zone.multiple_entries).offer_days(week)

    def zone_data(self) -> dict:
        return {"name": self.name.data or "", "badge_kinds": list(self.badge_kinds.data or []),
                "days": list(self.days.data or []), "mode": self.mode.data or "",
                "multiple_entries": bool(self.multiple_entries.data)}


class GateDeviceForm(BaseForm):
    """A new entrance scanner: what it is called, the zone it lets people into, and where."""
    name = StringField(_l("Device name"), description=_l("e.g. Cổng A – máy 2"),
                       render_kw={"maxlength": 80})
    zone = SelectField(_l("Zone"), validate_choice=False)
    gate = StringField(_l("Entrance (optional)"), description=_l("Shown on its screen, e.g. Cổng A"),
                       render_kw={"maxlength": 80})

    def offer_zones(self, zones) -> GateDeviceForm:
        # 0: the week's hall not stored yet (zones.week_zones' stand-in)
        self.zone.choices = [(str(zone.id or 0), zone.name) for zone in zones]
        return self


class LeadDeviceForm(BaseForm):
    """A new lead scanner of the exhibitor's booth."""
    name = StringField(_l("Device name"), description=_l("e.g. Quầy 12 – điện thoại chị Lan"),
                       render_kw={"maxlength": 80})


class ReasonForm(BaseForm):
    """A confirmation (_macros.confirm_action) with its reason: revoking a device."""
    reason = TextAreaField(_l("Reason"))
