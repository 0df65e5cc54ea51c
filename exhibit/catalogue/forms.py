"""Catalogue forms: they collect input; the rules live in catalogue.services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import SelectField, StringField, TextAreaField

from exhibit.catalogue import ocop
from exhibit.core.forms import BaseForm, province_choices


def _group_choices():
    from flask_babel import gettext as _
    return {
        "": [("", _("— not OCOP —"))],
        ocop.SCHEME_TITLES[ocop.QD148]: [(f"{g.scheme}:{g.code}", g.name_vi) for g in ocop.groups(ocop.QD148)],
        ocop.SCHEME_TITLES[ocop.QD1048]: [(f"{g.scheme}:{g.code}", g.name_vi) for g in ocop.groups(ocop.QD1048)],
    }


class ProductForm(BaseForm):
    field_aliases = {"origin_province_code": "origin_province", "ocop_scheme": "ocop_group"}

    name = StringField(_l("Product name (Vietnamese)"), description=_l("As on the label, e.g. Nước mắm cá cơm Phan Thiết 40 độ đạm"))
    name_en = StringField(_l("English name (optional)"))
    brand = StringField(_l("Brand"))
    origin_province = SelectField(_l("Province of origin"), validate_choice=False, choices=[])
    price_vnd = StringField(_l("Retail price (đồng)"), render_kw={"inputmode": "numeric", "data-money": ""})
    unit = StringField(_l("Unit"), render_kw={"list": "units"}, description=_l("chai, hộp, gói, kg, hũ, túi…"))
    net_quantity = StringField(_l("Net quantity"), description=_l("e.g. Chai 500 ml, Hộp 250 g"))
    ocop_group = SelectField(_l("OCOP group"), validate_choice=False, choices=[])
    ocop_set = SelectField(_l("Product set (QĐ 148)"), validate_choice=False, choices=[])
    stars = SelectField(_l("OCOP stars"), validate_choice=False, choices=[("", "—"), ("3", "★★★"), ("4", "★★★★"), ("5", "★★★★★")])
    cert_decision_number = StringField(_l("Decision number"), description=_l("e.g. 4894/QĐ-UBND"))
    cert_decision_date = StringField(_l("Decision date"), render_kw={"type": "date"},
                                     description=_l("The certificate is valid 36 months from this date."))
    cert_issuer_level = SelectField(_l("Recognised at"), validate_choice=False, choices=[])
    cert_issuer_name = StringField(_l("Issued by (as printed)"), description=_l("e.g. UBND tỉnh Bình Thuận"))
    rural_industrial_level = SelectField(_l("Typical rural industrial product"), validate_choice=False, choices=[])
    packaging = StringField(_l("Packaging"))
    shelf_life = StringField(_l("Shelf life"), description=_l("e.g. 24 tháng kể từ ngày sản xuất"))
    storage = StringField(_l("Storage"))
    standards = StringField(_l("Standards"), description=_l("Separated by commas: VietGAP, HACCP, ISO 22000, Hữu cơ…"))
    barcode = StringField(_l("Barcode (EAN-13)"), render_kw={"inputmode": "numeric"})
    traceability_url = StringField(_l("Traceability link"), render_kw={"type": "url"})
    ingredients = TextAreaField(_l("Ingredients"))
    story = TextAreaField(_l("Product story"))

    def __init__(self, *args, **kwargs):
        from flask_babel import gettext as _
        super().__init__(*args, **kwargs)
        self.origin_province.choices = {"": [("", "—")], **province_choices()}
        self.ocop_group.choices = _group_choices()
        self.ocop_set.choices = [("", "—")] + [
            (str(s.number), f"{s.number}. {s.name_vi}") for s in ocop.PRODUCT_SETS.values()]
        self.cert_issuer_level.choices = [("", "—")] + [(k, str(v)) for k, v in ocop.ISSUER_LEVELS.items()]
        self.rural_industrial_level.choices = [("", _("No"))] + [
            (k, str(v)) for k, v in ocop.RURAL_INDUSTRIAL_LEVELS.items()]

    def fill_from(self, product) -> None:
        """Show a stored product in the form (GET of the edit page)."""
        for name in ("name", "name_en", "brand", "unit", "net_quantity", "cert_decision_number",
                     "cert_issuer_name", "cert_issuer_level", "rural_industrial_level", "packaging",
                     "shelf_life", "storage", "barcode", "traceability_url", "ingredients", "story"):
            getattr(self, name).data = getattr(product, name) or ""
        self.price_vnd.data = str(product.price_vnd)
        self.origin_province.data = (f"{product.origin_province_scheme}:{product.origin_province_code}"
                                     if product.origin_province_code else "")
        self.ocop_group.data = f"{product.ocop_scheme}:{product.ocop_group}" if product.ocop_group else ""
        self.ocop_set.data = str(product.ocop_set or "")
        self.stars.data = str(product.stars or "")
        self.cert_decision_date.data = product.cert_decision_date.isoformat() if product.cert_decision_date else ""
        self.standards.data = ", ".join(product.standards or [])

    def service_data(self) -> dict:
        """The input as catalogue.services expects it."""
        data = {name: field.data for name, field in self._fields.items() if name != "csrf_token"}
        scheme, _sep, group = (data.pop("ocop_group") or "").partition(":")
        data["ocop_scheme"], data["ocop_group"] = (scheme or None), group
        origin = data.pop("origin_province") or ""
        data["origin_province_scheme"], _sep, data["origin_province_code"] = origin.partition(":")
        return data


class PhotoForm(BaseForm):
    photos = MultipleFileField(_l("Photos"), render_kw={"accept": "image/jpeg,image/png,image/webp"},
                               description=_l("JPEG, PNG or WebP, up to 6 photos, 8 MB each."))


class ScanForm(BaseForm):
    cert_scan = FileField(_l("Scan of the OCOP certificate"),
                          render_kw={"accept": "application/pdf,image/jpeg,image/png,image/webp"},
                          description=_l("PDF or photo, up to 10 MB. Only you and the organisers see it."))


class ReviewForm(BaseForm):
    decision = SelectField(_l("Decision"), choices=[("approved", _l("Approve")), ("rejected", _l("Reject"))])
    reason = StringField(_l("Reason"))


class ImportForm(BaseForm):
    file = FileField(_l("Product list (XLSX or CSV)"), render_kw={"accept": ".xlsx,.csv"})
