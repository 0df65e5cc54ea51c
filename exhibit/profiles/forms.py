"""Profile forms: input only; the rules live in profiles.services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import EmailField, SelectField, StringField, TextAreaField

from exhibit.businesses.models import LegalForm
from exhibit.core.forms import BaseForm, current_province_choices, split_province
from exhibit.profiles.services import BUSINESS_FIELDS


class BusinessProfileForm(BaseForm):
    """What the business changes itself."""
    address = StringField(_l("Address"))
    representative = StringField(_l("Representative"))
    representative_position = StringField(_l("Position"),
                                          description=_l("e.g. Giám đốc, Chủ nhiệm HTX, Chủ hộ"))
    phone = StringField(_l("Phone"), render_kw={"inputmode": "tel"})
    email = EmailField(_l("Business email"))
    logo = FileField(_l("Logo (JPEG, PNG or WebP)"),
                     description=_l("Printed on booth posters; leave empty to keep the "
                                    "current one."))

    def changes(self) -> dict:
        return {key: self[key].data for key in BUSINESS_FIELDS}

    def logo_upload(self) -> tuple[str, bytes] | None:
        upload = self.logo.data
        if not upload or not getattr(upload, "filename", ""):
            return None
        return upload.filename, upload.read()


class OrganiserProfileForm(BusinessProfileForm):
    """What an organiser of the business's weeks changes as well."""
    field_aliases = {"province_code": "province", "province_scheme": "province"}

    name = StringField(_l("Registered business name"))
    legal_form = SelectField(_l("Legal form"), choices=[])
    tax_code = StringField(_l("Tax code"),
                           description=_l("Changing it needs a reason, kept in the history."))
    reason = TextAreaField(_l("Why the tax code changes"))
    # today's 34 units; a business still on the 63-province map shows the prompt
    province = SelectField(_l("Province / city"), choices=[], validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.legal_form.choices = [(f.value, f.title) for f in LegalForm]
        self.province.choices = current_province_choices()

    def changes(self) -> dict:
        data = super().changes()
        data.update({key: self[key].data for key in ("name", "legal_form", "tax_code")})
        data["province_scheme"], data["province_code"] = split_province(self.province.data)
        return data
