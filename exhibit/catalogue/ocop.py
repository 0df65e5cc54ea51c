"""OCOP reference data: product groups and sets under the two rule sets, issuer levels, and the
36-month validity of a star certificate.

Groups are stored with the rule set they came from ("qd148" for certificates decided from
24/02/2023 under QĐ 148/QĐ-TTg, "qd1048" for the older QĐ 1048/QĐ-TTg ones), because the two
lists differ (QĐ 1048 has "Thảo dược" and "Vải và may mặc" as groups of their own).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

QD148, QD1048 = "qd148", "qd1048"
SCHEMES = (QD148, QD1048)
SCHEME_TITLES = {QD148: "QĐ 148/QĐ-TTg (từ 24/02/2023)", QD1048: "QĐ 1048/QĐ-TTg (2019 – 23/02/2023)"}
#: the date from which recognition decisions follow QĐ 148
QD148_FROM = date(2023, 2, 24)
VALIDITY_MONTHS = 36
STARS = (3, 4, 5)  # only 3★–5★ products are OCOP products with a certificate


@dataclass(frozen=True)
class Group:
    scheme: str
    code: str
    name_vi: str
    name_en: str

    def title(self, lang: str = "vi") -> str:
        return self.name_en if lang == "en" else self.name_vi


GROUPS: dict[tuple[str, str], Group] = {(g.scheme, g.code): g for g in (
    Group(QD148, "thuc_pham", "Thực phẩm", "Food"),
    Group(QD148, "do_uong", "Đồ uống", "Beverages"),
    Group(QD148, "duoc_lieu", "Dược liệu và sản phẩm từ dược liệu",
          "Medicinal herbs and herbal products"),
    Group(QD148, "thu_cong_my_nghe", "Hàng thủ công mỹ nghệ", "Handicrafts"),
    Group(QD148, "sinh_vat_canh", "Sinh vật cảnh", "Ornamental plants and animals"),
    Group(QD148, "du_lich", "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
          "Community and eco-tourism services and destinations"),
    Group(QD1048, "thuc_pham", "Thực phẩm", "Food"),
    Group(QD1048, "do_uong", "Đồ uống", "Beverages"),
    Group(QD1048, "thao_duoc", "Thảo dược", "Herbal products"),
    Group(QD1048, "vai_may_mac", "Vải và may mặc", "Textiles and garments"),
    Group(QD1048, "luu_niem_noi_that_trang_tri", "Lưu niệm – nội thất – trang trí",
          "Souvenirs, furniture and decoration"),
    Group(QD1048, "du_lich_nong_thon", "Dịch vụ du lịch nông thôn, bán hàng",
          "Rural tourism services and sales"),
)}


@dataclass(frozen=True)
class ProductSet:
    number: int
    group: str
    name_vi: str


#: QĐ 148/QĐ-TTg, Annex I: the 26 product sets and the group each belongs to
PRODUCT_SETS: dict[int, ProductSet] = {s.number: s for s in (
    ProductSet(1, "thuc_pham", "Rau, củ, quả, hạt tươi"),
    ProductSet(2, "thuc_pham", "Thịt, thủy sản, trứng, sữa tươi"),
    ProductSet(3, "thuc_pham", "Gạo, ngũ cốc, hạt sơ chế khác"),
    ProductSet(4, "thuc_pham", "Mật ong, mật khác và nông sản thực phẩm khác"),
    ProductSet(5, "thuc_pham", "Đồ ăn nhanh"),
    ProductSet(6, "thuc_pham", "Chế biến từ gạo, ngũ cốc"),
    ProductSet(7, "thuc_pham", "Chế biến từ rau, củ, quả, hạt"),
    ProductSet(8, "thuc_pham", "Chế biến từ thịt, thủy sản, trứng, sữa, mật ong, mật khác "
                               "và nông sản thực phẩm khác"),
    ProductSet(9, "thuc_pham", "Tương, nước mắm, gia vị dạng lỏng khác"),
    ProductSet(10, "thuc_pham", "Gia vị khác (muối, hành, tỏi, tiêu…)"),
    ProductSet(11, "thuc_pham", "Chè tươi, chè chế biến"),
    ProductSet(12, "thuc_pham", "Sản phẩm trà từ thực vật khác"),
    ProductSet(13, "thuc_pham", "Cà phê, ca cao"),
    ProductSet(14, "do_uong", "Rượu trắng"),
    ProductSet(15, "do_uong", "Đồ uống có cồn khác"),
    ProductSet(16, "do_uong", "Nước khoáng thiên nhiên, nước uống tinh khiết đóng chai"),
    ProductSet(17, "do_uong", "Đồ uống không cồn khác"),
    ProductSet(18, "duoc_lieu", "Thực phẩm chức năng, thuốc dược liệu, thuốc y học cổ truyền"),
    ProductSet(19, "duoc_lieu", "Mỹ phẩm có thành phần từ thảo dược"),
    ProductSet(20, "duoc_lieu", "Tinh dầu và thảo dược khác"),
    ProductSet(21, "thu_cong_my_nghe", "Thủ công mỹ nghệ gia dụng, trang trí"),
    ProductSet(22, "thu_cong_my_nghe", "Vải, may mặc"),
    ProductSet(23, "sinh_vat_canh", "Hoa"),
    ProductSet(24, "sinh_vat_canh", "Cây cảnh"),
    ProductSet(25, "sinh_vat_canh", "Động vật cảnh"),
    ProductSet(26, "du_lich", "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch"),
)}

#: who signed the recognition decision (stored as printed, never derived from the stars)
ISSUER_LEVELS = {
    "district": _l("District People's Committee (UBND cấp huyện)"),
    "province": _l("Provincial People's Committee (UBND cấp tỉnh)"),
    "central": _l("Central (Thủ tướng / Bộ Nông nghiệp)"),
}

#: "Sản phẩm công nghiệp nông thôn tiêu biểu": a recognition separate from OCOP
RURAL_INDUSTRIAL_LEVELS = {
    "district": _l("District level"),
    "province": _l("Provincial level"),
    "regional": _l("Regional level"),
    "national": _l("National level"),
}

STANDARDS = ("VietGAP", "GlobalGAP", "HACCP", "ISO 22000", "ISO 9001", "FSSC 22000",
             "Hữu cơ", "Halal", "BRC")

UNITS = ("chai", "hộp", "gói", "túi", "hũ", "lọ", "kg", "g", "lít", "thùng", "cái", "bộ",
         "vỉ", "bao", "khay", "chiếc", "tour", "suất")


def group(scheme: str, code: str) -> Group | None:
    return GROUPS.get((scheme, code))


def groups(scheme: str) -> list[Group]:
    return [g for g in GROUPS.values() if g.scheme == scheme]


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the 29th–31st fall back to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def valid_until(decision_date: date) -> date:
    """A certificate is valid for 36 months from the signing date of its decision."""
    return add_months(decision_date, VALIDITY_MONTHS)


# -- certificate status at a week ------------------------------------------------------------

NONE, VALID, EXPIRED, EXPIRES_DURING, NOT_YET_VALID = (
    "none", "valid", "expired", "expires_during", "not_yet_valid")


@dataclass(frozen=True)
class CertificateCheck:
    status: str
    decision_date: date | None = None
    valid_until: date | None = None

    @property
    def shows_as_ocop(self) -> bool:
        """A product is shown as OCOP at a week only when its certificate covers every day."""
        return self.status == VALID

    def reason(self) -> str:
        """Why the product cannot be shown as OCOP at this week ("" when it can)."""
        from flask_babel import gettext as _

        from exhibit.vn.dates import format_date
        if self.status == EXPIRED:
            return _("The OCOP certificate expired on %(date)s, before the week starts.",
                     date=format_date(self.valid_until))
        if self.status == EXPIRES_DURING:
            return _("The OCOP certificate expires on %(date)s, during the week.",
                     date=format_date(self.valid_until))
        if self.status == NOT_YET_VALID:
            return _("The OCOP decision is dated %(date)s, after the week starts.",
                     date=format_date(self.decision_date))
        return ""


def check_certificate(stars: int | None, decision_date: date | None, start: date,
                      end: date) -> CertificateCheck:
    """Is a certificate valid on every day from ``start`` to ``end`` (the week's dates)?

    The certificate counts as valid from its decision date to its valid-until date, both days
    included.
    """
    if not stars or decision_date is None:
        return CertificateCheck(NONE)
    until = valid_until(decision_date)
    if decision_date > start:
        status = NOT_YET_VALID
    elif until < start:
        status = EXPIRED
    elif until < end:
        status = EXPIRES_DURING
    else:
        status = VALID
    return CertificateCheck(status, decision_date, until)
