"""A business (doanh nghiệp, hợp tác xã, cơ sở sản xuất) as registered with its tax code."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exhibit.core import history
from exhibit.core.db import UTCDateTime, utcnow
from exhibit.extensions import db
from exhibit.vn import phones, provinces


class LegalForm(str, enum.Enum):
    CONG_TY_TNHH = "cong_ty_tnhh"
    CONG_TY_CO_PHAN = "cong_ty_co_phan"
    DOANH_NGHIEP_TU_NHAN = "doanh_nghiep_tu_nhan"
    HOP_TAC_XA = "hop_tac_xa"
    TO_HOP_TAC = "to_hop_tac"
    HO_KINH_DOANH = "ho_kinh_doanh"
    CO_SO_SAN_XUAT = "co_so_san_xuat"

    @property
    def title(self) -> str:
        return str(LEGAL_FORM_TITLES[self])

    @property
    def may_use_personal_id(self) -> bool:
        """Household businesses and establishments may use the owner's 12-digit citizen ID."""
        return self in (LegalForm.HO_KINH_DOANH, LegalForm.CO_SO_SAN_XUAT)

    @property
    def has_seal(self) -> bool:
        return self not in (LegalForm.HO_KINH_DOANH, LegalForm.CO_SO_SAN_XUAT)


LEGAL_FORM_TITLES = {
    LegalForm.CONG_TY_TNHH: _l("Limited liability company (Công ty TNHH)"),
    LegalForm.CONG_TY_CO_PHAN: _l("Joint-stock company (Công ty cổ phần)"),
    LegalForm.DOANH_NGHIEP_TU_NHAN: _l("Private enterprise (Doanh nghiệp tư nhân)"),
    LegalForm.HOP_TAC_XA: _l("Cooperative (Hợp tác xã)"),
    LegalForm.TO_HOP_TAC: _l("Cooperative group (Tổ hợp tác)"),
    LegalForm.HO_KINH_DOANH: _l("Household business (Hộ kinh doanh)"),
    LegalForm.CO_SO_SAN_XUAT: _l("Production establishment (Cơ sở sản xuất)"),
}

#: Names that say their legal form: a registered name starting with one of these (compared
#: without diacritics or case, whole words) belongs to that form, so "Hợp tác xã …" cannot be
#: registered as a Công ty cổ phần. A name starting otherwise ("Cơ sở …", "Liên hiệp HTX …",
#: a brand) says nothing and passes. Longer prefixes are listed before their shorter beginnings.
LEGAL_FORM_NAME_PREFIXES: tuple[tuple[str, LegalForm], ...] = (
    ("Hợp tác xã", LegalForm.HOP_TAC_XA),
    ("HTX", LegalForm.HOP_TAC_XA),
    ("Công ty cổ phần", LegalForm.CONG_TY_CO_PHAN),
    ("Công ty CP", LegalForm.CONG_TY_CO_PHAN),
    ("Cty cổ phần", LegalForm.CONG_TY_CO_PHAN),
    ("Cty CP", LegalForm.CONG_TY_CO_PHAN),
    ("CTCP", LegalForm.CONG_TY_CO_PHAN),
    ("Công ty trách nhiệm hữu hạn", LegalForm.CONG_TY_TNHH),
    ("Công ty TNHH", LegalForm.CONG_TY_TNHH),
    ("Cty TNHH", LegalForm.CONG_TY_TNHH),
    ("Doanh nghiệp tư nhân", LegalForm.DOANH_NGHIEP_TU_NHAN),
    ("DNTN", LegalForm.DOANH_NGHIEP_TU_NHAN),
    ("Hộ kinh doanh", LegalForm.HO_KINH_DOANH),
    ("HKD", LegalForm.HO_KINH_DOANH),
    ("Tổ hợp tác", LegalForm.TO_HOP_TAC),
)

_legal_values = ", ".join(f"'{f.value}'" for f in LegalForm)


class Business(db.Model):
    __tablename__ = "businesses"
    __table_args__ = (
        CheckConstraint(f"legal_form IN ({_legal_values})", name="legal_form"),
        CheckConstraint("province_scheme IN ('2025', 'legacy63')", name="province_scheme"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    #: folded name ("hop tac xa thanh long ham thuan nam") for diacritic-insensitive search
    name_search: Mapped[str] = mapped_column(String(255), index=True)
    legal_form: Mapped[str] = mapped_column(String(30))
    #: canonical tax code: "0100233488", "0100233488-001" or a 12-digit citizen ID
    tax_code: Mapped[str] = mapped_column(String(14), unique=True)
    #: the address as written by the business, on the date it was written
    address: Mapped[str] = mapped_column(String(500))
    province_scheme: Mapped[str] = mapped_column(String(10), default=provinces.SCHEME_2025)
    province_code: Mapped[str] = mapped_column(String(2))
    representative: Mapped[str] = mapped_column(String(200), default="")
    representative_position: Mapped[str] = mapped_column(String(120), default="")
    #: E.164, e.g. "+84912345678"
    phone: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(254), default="")
    bank_account: Mapped[str] = mapped_column(String(40), default="", server_default="")
    bank_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: media key of the logo printed on booth posters ("" when none was uploaded)
    logo_key: Mapped[str] = mapped_column(String(80), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    users = relationship("User", back_populates="business")

    @property
    def legal_form_enum(self) -> LegalForm:
        return LegalForm(self.legal_form)

    @property
    def phone_display(self) -> str:
        return phones.format_phone(self.phone)

    def province_name(self, lang: str = "vi") -> str:
        return provinces.display_name(self.province_scheme, self.province_code, lang=lang)


# the audit history shows these fields by their titles (core/history.py)
history.register_titles("business", "legal_form", LegalForm)
