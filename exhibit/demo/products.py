"""The demo catalogue: products for every demo business, made through the catalogue's own rules,
with photos drawn here by Pillow (nothing is downloaded).

Each business's product line (data.py) is matched to a family below, which gives the OCOP set,
unit, sizes and prices; sizes and gift packs make the ~9 items a real stand shows. Stars,
decision dates and issuers vary by a fixed pattern, and a few certificates are old enough to
have expired before the 2024 weeks, so the organiser's review has something to flag.
"""
from __future__ import annotations

import io
import math
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from exhibit.catalogue import ocop


@dataclass(frozen=True)
class Family:
    keywords: tuple[str, ...]
    ocop_set: int
    unit: str
    #: (label, net quantity, price in đồng)
    sizes: tuple[tuple[str, str, int], ...]
    shelf_life: str = "12 tháng kể từ ngày sản xuất"
    storage: str = "Nơi khô ráo, thoáng mát, tránh ánh nắng trực tiếp"
    ingredients: str = ""
    standards: tuple[str, ...] = ()


FAMILIES = (
    Family(("nước mắm", "mắm"), 9, "chai", (("chai 250 ml", "Chai 250 ml", 45000),
           ("chai 500 ml", "Chai 500 ml", 85000), ("can 2 lít", "Can 2 lít", 290000)),
           "24 tháng", ingredients="Cá cơm, muối biển", standards=("HACCP",)),
    Family(("mực", "cá chỉ", "cá cơm khô", "ghẹ", "cá ngừ", "yến"), 8, "gói",
           (("gói 250 g", "Gói 250 g", 180000), ("gói 500 g", "Gói 500 g", 350000)),
           "6 tháng, bảo quản ngăn đông", "Bảo quản lạnh dưới -18 °C", standards=("HACCP",)),
    Family(("thanh long sấy", "xoài sấy", "chuối sấy", "sầu riêng sấy", "trái cây sấy", "mứt"), 7,
           "túi", (("túi 200 g", "Túi 200 g", 55000), ("hộp quà 500 g", "Hộp 500 g", 140000)),
           ingredients="Trái cây tươi, đường"),
    Family(("thanh long", "chanh", "sầu riêng", "bơ", "bưởi", "hành tím"), 1, "kg",
           (("loại 1", "Thùng 5 kg", 150000), ("hộp quà", "Hộp 2 kg", 90000)),
           "7 – 10 ngày ở 10 – 15 °C", "Nơi thoáng mát, tránh va đập", standards=("VietGAP",)),
    Family(("nước cốt chanh", "dầu dừa", "dầu bơ"), 17, "chai",
           (("chai 250 ml", "Chai 250 ml", 65000), ("chai 500 ml", "Chai 500 ml", 120000))),
    Family(("hạt điều", "mắc ca", "tiêu", "muối", "hành phi"), 10, "hũ",
           (("hũ 250 g", "Hũ 250 g", 95000), ("túi 500 g", "Túi 500 g", 180000),
            ("hộp quà 1 kg", "Hộp 1 kg", 340000)), standards=("ISO 22000",)),
    Family(("gạo",), 3, "túi", (("túi 2 kg", "Túi 2 kg", 70000), ("túi 5 kg", "Túi 5 kg", 165000)),
           standards=("Hữu cơ", "VietGAP")),
    Family(("bánh", "kẹo", "bột"), 6, "gói", (("gói 200 g", "Gói 200 g", 30000),
           ("hộp 500 g", "Hộp 500 g", 70000))),
    Family(("rong biển",), 8, "gói", (("gói 50 g", "Gói 50 g", 35000), ("hộp 6 gói", "Hộp 6 gói", 190000))),
    Family(("mật ong",), 4, "chai", (("chai 500 ml", "Chai 500 ml", 180000), ("chai 1 lít", "Chai 1 lít", 340000)),
           "24 tháng", standards=("VietGAP",)),
    Family(("cà phê",), 13, "gói", (("gói 250 g", "Gói 250 g", 85000), ("gói 500 g", "Gói 500 g", 160000),
           ("hộp quà 2 × 250 g", "Hộp 500 g", 210000)), standards=("ISO 22000",)),
    Family(("socola", "ca cao"), 13, "hộp", (("hộp 100 g", "Hộp 100 g", 75000), ("hộp 250 g", "Hộp 250 g", 165000))),
    Family(("trà", "chè"), 12, "hộp", (("hộp 25 túi lọc", "Hộp 25 túi × 2 g", 60000), ("túi 200 g", "Túi 200 g", 110000))),
    Family(("rượu",), 15, "chai", (("chai 500 ml", "Chai 500 ml", 150000), ("bình gốm 1 lít", "Bình 1 lít", 380000)),
           "36 tháng"),
    Family(("thổ cẩm", "khăn", "túi dệt"), 22, "cái", (("cỡ nhỏ", "30 × 150 cm", 250000), ("cỡ lớn", "60 × 180 cm", 450000)),
           "", "Giặt tay, phơi trong bóng râm"),
    Family(("tinh bột sắn", "đường"), 7, "túi", (("túi 1 kg", "Túi 1 kg", 35000), ("bao 10 kg", "Bao 10 kg", 320000))),
    Family(("măng", "bò một nắng"), 8, "gói", (("gói 250 g", "Gói 250 g", 120000), ("gói 500 g", "Gói 500 g", 230000))),
    Family(("cao su",), 21, "bộ", (("bộ tiêu chuẩn", "Bộ 2 chiếc", 450000),), "", "Tránh nguồn nhiệt"),
)
_DEFAULT = Family((), 7, "gói", (("gói 250 g", "Gói 250 g", 60000), ("hộp 500 g", "Hộp 500 g", 110000)))


def family_for(line: str) -> Family:
    line = line.lower()
    best, length = _DEFAULT, 0
    for family in FAMILIES:
        for keyword in family.keywords:
            if keyword in line and len(keyword) > length:
                best, length = family, len(keyword)
    return best


GRADES = ("", "loại đặc biệt", "cao cấp")


def product_lines(business_row, per_business: int) -> list[tuple[str, Family, tuple[str, str, int]]]:
    """(name, family, size) for ``per_business`` products of one demo business."""
    lines = [part.strip() for part in business_row[5].split(",") if part.strip()]
    items = []
    variant = 0
    while len(items) < per_business:
        for line in lines:
            family = family_for(line)
            for size in family.sizes:
                grade = GRADES[variant % len(GRADES)]
                name = f"{line[:1].upper()}{line[1:]}" + (f" {grade}" if grade else "") + f" – {size[0]}"
                price = size[2] + variant * 15000
                items.append((name, family, (size[0], size[1], price)))
                if len(items) == per_business:
                    return items
        variant += 1
    return items


def certificate_for(n: int, *, province_issuer: str, district_issuer: str | None, expired_before: date,
                    family: Family) -> dict:
    """A varied, plausible certificate (or none) for the n-th product of a week.

    Every 23rd product has a certificate that expired before the week, every 29th one that
    expires during it (``expired_before`` is the week's first day)."""
    pattern = n % 10
    if pattern in (0, 7):
        return {}
    stars = 5 if n % 31 == 5 else 4 if pattern in (2, 5, 8) else 3
    if n % 23 == 11:
        decided = date(expired_before.year - 3, max(1, expired_before.month - 2), 10)
    elif n % 29 == 13:
        decided = date(expired_before.year - 3, expired_before.month, expired_before.day + 2)
    else:
        decided = ocop.add_months(expired_before, -(3 + n * 7 % 30)) - timedelta(days=n % 20)
    group = ocop.PRODUCT_SETS[family.ocop_set].group
    data = {"stars": stars, "cert_decision_date": decided,
            "cert_decision_number": f"{1000 + n * 37 % 4000}/QĐ-UBND"}
    if decided < ocop.QD148_FROM:
        old_groups = {"duoc_lieu": "thao_duoc", "thu_cong_my_nghe": "vai_may_mac",
                      "sinh_vat_canh": "luu_niem_noi_that_trang_tri", "du_lich": "du_lich_nong_thon"}
        data.update(ocop_scheme=ocop.QD1048, ocop_group=old_groups.get(group, group), ocop_set=None)
    else:
        data.update(ocop_scheme=ocop.QD148, ocop_group=group, ocop_set=family.ocop_set)
    if stars == 5:
        data.update(cert_issuer_level="central", cert_issuer_name="Bộ Nông nghiệp và Phát triển nông thôn",
                    cert_decision_number=f"{200 + n}/QĐ-BNN-VPĐP")
    elif stars == 3 and decided >= ocop.QD148_FROM and district_issuer:
        data.update(cert_issuer_level="district", cert_issuer_name=district_issuer)
    else:
        data.update(cert_issuer_level="province", cert_issuer_name=province_issuer)
    return data


# -- photos ----------------------------------------------------------------------------------------

_PALETTE = ((176, 38, 73), (216, 124, 37), (63, 125, 78), (111, 78, 55), (36, 89, 138),
            (139, 58, 130), (184, 150, 32), (46, 120, 120))


@cache
def _font(size: int, bold: bool = False):
    from fontpkg_be_vietnam_pro import ROOT
    return ImageFont.truetype(str(ROOT / "files" / f"BeVietnamPro-{'Bold' if bold else 'Medium'}.ttf"), size)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    return [*lines, line]


def _star(draw, cx: float, cy: float, radius: float, fill) -> None:
    points = []
    for k in range(10):
        r = radius if k % 2 == 0 else radius * 0.42
        angle = math.pi / 2 + k * math.pi / 5
        points.append((cx + r * math.cos(angle), cy - r * math.sin(angle)))
    draw.polygon(points, fill=fill)


def photo(name: str, business: str, stars: int | None) -> bytes:
    """An 800 × 600 product card: a coloured pack with the product's name on it."""
    color = _PALETTE[zlib.crc32(name.split(" – ")[0].encode()) % len(_PALETTE)]
    image = Image.new("RGB", (800, 600), (246, 241, 230))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((170, 60, 630, 560), radius=48, fill=color)
    draw.rounded_rectangle((200, 150, 600, 470), radius=24, fill=(255, 252, 244))
    y = 180
    for line in _wrap(draw, name.split(" – ")[0], _font(40, True), 360)[:3]:
        draw.text((400, y), line, font=_font(40, True), fill=color, anchor="ma")
        y += 50
    if " – " in name:
        draw.text((400, y + 6), name.split(" – ", 1)[1], font=_font(26), fill=(80, 70, 60), anchor="ma")
    draw.text((400, 430), business[:40], font=_font(18), fill=(110, 100, 90), anchor="ma")
    if stars:  # Be Vietnam Pro has no ★ glyph: draw the stars
        draw.text((400, 78), "OCOP", font=_font(30, True), fill=(255, 236, 180), anchor="ma")
        for i in range(stars):
            _star(draw, 400 + (i - (stars - 1) / 2) * 40, 132, 16, (255, 214, 90))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82)
    return out.getvalue()
