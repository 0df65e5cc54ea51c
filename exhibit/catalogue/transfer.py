"""Products in and out of a week as spreadsheets, with Vietnamese column headers.

Import is for organisers who receive exhibitors' product lists as Excel files: each row names
the business by its tax code; a product with the same name at that business is updated, any
other is created; the product is listed at the week as approved (the organiser is the
reviewer). Any bad row refuses the whole file, with every bad row named. Export writes the
same columns (plus review and certificate status), so an exported file imports back.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from exhibit.booking import queries as booking
from exhibit.businesses.models import Business
from exhibit.catalogue import ocop, services
from exhibit.catalogue.models import ListingStatus, Product, ProductListing, ProductStatus
from exhibit.core import audit, spreadsheets
from exhibit.core.db import utcnow, write_transaction
from exhibit.core.errors import ValidationFailed
from exhibit.extensions import db
from exhibit.floorplan.models import Booth
from exhibit.floorplan.services import week_booths
from exhibit.vn import provinces, tax_codes
from exhibit.vn.text import fold_search_key
from exhibit.weeks.services import require_week_organiser

MAX_ROWS = 5000

#: (field, header written on export, other headers accepted on import)
COLUMNS = (
    ("tax_code", "Mã số thuế", ("mst", "ma so doanh nghiep", "tax code")),
    ("name", "Tên sản phẩm", ("san pham", "product", "name", "ten")),
    ("name_en", "Tên tiếng Anh", ("english name", "name en")),
    ("brand", "Thương hiệu", ("nhan hieu", "brand")),
    ("origin_province", "Tỉnh/thành xuất xứ", ("xuat xu", "tinh", "origin", "province")),
    ("ocop_group", "Nhóm OCOP", ("nhom", "nhom san pham", "group")),
    ("ocop_set", "Bộ sản phẩm", ("bo", "set")),
    ("stars", "Số sao OCOP", ("sao", "hang sao", "stars")),
    ("cert_decision_number", "Số quyết định", ("quyet dinh", "decision number")),
    ("cert_decision_date", "Ngày quyết định", ("ngay cong nhan", "decision date")),
    ("cert_issuer_level", "Cấp công nhận", ("cap", "issuer level")),
    ("cert_issuer_name", "Cơ quan công nhận", ("co quan ban hanh", "issuer")),
    ("rural_industrial_level", "SP CNNT tiêu biểu", ("cong nghiep nong thon tieu bieu",)),
    ("price_vnd", "Giá bán lẻ (đồng)", ("gia", "gia ban", "gia ban le", "price", "price vnd")),
    ("unit", "Đơn vị tính", ("dvt", "don vi", "unit")),
    ("net_quantity", "Quy cách", ("khoi luong tinh", "the tich", "net quantity")),
    ("packaging", "Bao bì", ("dong goi", "packaging")),
    ("shelf_life", "Hạn sử dụng", ("hsd", "shelf life")),
    ("storage", "Bảo quản", ("cach bao quan", "storage")),
    ("ingredients", "Thành phần", ("ingredients",)),
    ("standards", "Tiêu chuẩn", ("chung nhan", "standards")),
    ("barcode", "Mã vạch", ("ean", "ma vach ean 13", "barcode")),
    ("traceability_url", "Truy xuất nguồn gốc", ("link truy xuat", "traceability")),
    ("story", "Câu chuyện sản phẩm", ("cau chuyen", "story")),
    ("booth", "Gian hàng", ("ma gian hang", "booth")),
)
_LOOKUP = spreadsheets.header_lookup(
    {field: (header, *others) for field, header, others in COLUMNS})
REQUIRED = ("tax_code", "name", "price_vnd", "unit")

_ISSUER_WORDS = {"huyen": "district", "district": "district", "tinh": "province",
                 "province": "province", "trung uong": "central", "central": "central",
                 "quoc gia": "central"}
_RURAL_WORDS = {"huyen": "district", "tinh": "province", "khu vuc": "regional",
                "vung": "regional", "quoc gia": "national"}


def _level(value, words: dict[str, str], known) -> str:
    text = fold_search_key(str(value or ""))
    if not text or text in known:
        return text
    for word, level in words.items():
        if word in text:
            return level
    return text  # unknown: the product rules name it


def _group(value) -> tuple[str | None, str]:
    """(scheme, code) from a group's code or title in either rule set."""
    text = str(value or "").strip()
    if not text:
        return None, ""
    key = fold_search_key(text)
    for scheme in ocop.SCHEMES:
        for found in ocop.groups(scheme):
            if key in (found.code, fold_search_key(found.name_vi), fold_search_key(found.name_en)):
                return scheme, found.code
    return ocop.QD148, text  # unknown: the product rules name it


def _set(value):
    text = str(value or "").strip()
    if not text:
        return None
    number = text.split(".")[0].strip()
    if number.isdigit():
        return int(number)
    key = fold_search_key(text)
    for product_set in ocop.PRODUCT_SETS.values():
        if fold_search_key(product_set.name_vi) == key:
            return product_set.number
    return text


def _row_data(record: dict) -> dict:
    """A spreadsheet row as clean_product_data accepts it."""
    data = {key: value for key, value in record.items() if key not in ("tax_code", "booth")}
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    if data.get("ocop_group"):
        data["ocop_scheme"], data["ocop_group"] = _group(data["ocop_group"])
    data["ocop_set"] = _set(data.get("ocop_set"))
    data["cert_issuer_level"] = _level(data.get("cert_issuer_level"), _ISSUER_WORDS, ocop.ISSUER_LEVELS)
    data["rural_industrial_level"] = _level(data.get("rural_industrial_level"), _RURAL_WORDS,
                                            ocop.RURAL_INDUSTRIAL_LEVELS)
    if isinstance(data.get("stars"), str):
        data["stars"] = data["stars"].replace("★", "").replace("sao", "").strip()
    if isinstance(data.get("barcode"), (int, float)):  # a number cell: 8934563123451.0
        data["barcode"] = str(int(data["barcode"]))
    return data


@dataclass
class ImportResult:
    created: int
    updated: int


def import_products(*, actor, week, filename: str, content: bytes) -> ImportResult:
    """Create or update products from a table and list them, approved, at the week.
    Any bad row refuses the file: ValidationFailed whose fields are "row N" → message."""
    require_week_organiser(actor, week)
    headers = {field: header for field, header, _others in COLUMNS}
    records = spreadsheets.read_records(
        filename, content, lookup=_LOOKUP, required={f: headers[f] for f in REQUIRED},
        max_rows=MAX_ROWS, too_many=_("At most %(n)d products per file.", n=MAX_ROWS))
    taking_part = _businesses_taking_part(week)
    booths = {b.code: b for b in week_booths(week)}
    errors: dict[str, str] = {}
    parsed: list[tuple[int, Business, dict, int | None]] = []
    seen: dict[tuple[int, str], int] = {}
    for number, record in records:
        label = f"row {number}"
        try:
            tax_code = tax_codes.normalize_tax_code(str(record.get("tax_code") or ""),
                                                    allow_personal_id=True)
        except tax_codes.InvalidTaxCode:
            errors[label] = _("Mã số thuế: not a valid tax code.")
            continue
        business = taking_part.get(tax_code)
        if business is None:
            errors[label] = _("No business with tax code %(code)s has applied to this week.",
                              code=tax_code)
            continue
        try:
            cleaned = services.clean_product_data(_row_data(record))
        except ValidationFailed as exc:
            errors[label] = "; ".join(f"{headers.get(k, k)}: {m}" for k, m in exc.fields.items())
            continue
        booth_id = None
        booth_code = str(record.get("booth") or "").strip().upper()
        if booth_code:
            booth = booths.get(booth_code)
            if booth is None:
                errors[label] = _("Gian hàng: there is no booth %(code)s at this week.", code=booth_code)
                continue
            booth_id = booth.id
        key = (business.id, fold_search_key(cleaned["name"]))
        if key in seen:
            errors[label] = _("The same product as row %(n)d.", n=seen[key])
            continue
        seen[key] = number
        parsed.append((number, business, cleaned, booth_id))
    if errors:
        raise ValidationFailed(_("The file was not imported: %(n)d rows have errors. Nothing was "
                                 "changed.", n=len(errors)), fields=errors)

    created = updated = 0
    with write_transaction():
        existing = _existing_products({business.id for _n, business, _c, _b in parsed})
        for _number, business, cleaned, booth_id in parsed:
            product = existing.get((business.id, fold_search_key(cleaned["name"])))
            if product is None:
                product = Product(business_id=business.id, **cleaned)
                db.session.add(product)
                created += 1
            else:
                for field, value in cleaned.items():
                    setattr(product, field, value)
                product.status = ProductStatus.ACTIVE.value
                updated += 1
            services.refresh_search(product, business)
            db.session.flush()
            listing = db.session.scalar(select(ProductListing).where(
                ProductListing.week_id == week.id, ProductListing.product_id == product.id))
            if listing is None:
                listing = ProductListing(week_id=week.id, product_id=product.id,
                                         business_id=business.id)
                db.session.add(listing)
            listing.booth_id = booth_id if booth_id is not None else listing.booth_id
            listing.status, listing.reason = ListingStatus.APPROVED.value, ""
            listing.decided_by_id, listing.decided_at = actor.id, utcnow()
            services.sync_listing(listing, product, week)
        audit.record("week", week.id, "import_products", actor=actor, week_id=week.id,
                     after={"created": created, "updated": updated, "file": filename[:100]})
    return ImportResult(created=created, updated=updated)


def _businesses_taking_part(week) -> dict[str, Business]:
    return {b.tax_code: b for b in booking.taking_part(week)}


def _existing_products(business_ids: set[int]) -> dict[tuple[int, str], Product]:
    if not business_ids:
        return {}
    products = db.session.scalars(select(Product).where(Product.business_id.in_(business_ids))).all()
    return {(p.business_id, fold_search_key(p.name)): p for p in products}


# -- export ----------------------------------------------------------------------------------------

STATUS_HEADERS = ("Trạng thái duyệt", "Lý do", "Hiệu lực OCOP tại tuần lễ", "Hiệu lực đến")


def export_headers() -> list[str]:
    return [header for _f, header, _o in COLUMNS] + list(STATUS_HEADERS)


#: the product's own columns the export writes as they are stored
_PRODUCT_FIELDS = [f for f, _h, _o in COLUMNS
                   if f not in ("tax_code", "origin_province", "ocop_group", "standards", "booth")]


def export_rows(week):
    """Every listing of the week as a row of the file, grouped by business then product name:
    a generator over plain columns read in batches (core.spreadsheets.streamed)."""
    query = (select(*(getattr(Product, f) for f in _PRODUCT_FIELDS),
                    Product.ocop_scheme, Product.ocop_group, Product.origin_province_scheme,
                    Product.origin_province_code, Product.standards, Product.cert_valid_until,
                    Business.tax_code, Booth.code.label("booth_code"),
                    ProductListing.status.label("listing_status"), ProductListing.reason)
             .select_from(ProductListing)
             .join(Product, ProductListing.product_id == Product.id)
             .join(Business, ProductListing.business_id == Business.id)
             .outerjoin(Booth, Booth.id == ProductListing.booth_id)
             .where(ProductListing.week_id == week.id)
             .order_by(Business.name, Product.name, ProductListing.id))
    start, end = week.start_date, week.end_date
    statuses = {status.value: str(status.title) for status in ListingStatus}
    valid = _("Valid")
    for line in spreadsheets.streamed(query):
        certificate = ocop.check_certificate(line.stars, line.cert_decision_date, start, end)
        group = ocop.group(line.ocop_scheme or ocop.QD148, line.ocop_group or "")
        found = provinces.get_province(line.origin_province_scheme or "",
                                       line.origin_province_code or "")
        values = {
            "tax_code": line.tax_code, "origin_province": found.name if found else "",
            "ocop_group": group.name_vi if group else "",
            "standards": ", ".join(line.standards or []),
            "booth": line.booth_code or "",
        }
        row = []
        for field, _header, _others in COLUMNS:
            value = values[field] if field in values else getattr(line, field)
            row.append("" if value is None else value)
        row += [statuses.get(line.listing_status, line.listing_status), line.reason,
                certificate.reason() or (valid if certificate.shows_as_ocop else ""),
                line.cert_valid_until]
        yield row


#: the export's VND columns (0-based), shown as numbers with thousands in XLSX
MONEY_COLUMNS = [[f for f, _h, _o in COLUMNS].index("price_vnd")]


def export_products(week, fmt: str):
    """The week's products as CSV or XLSX, to stream (core.downloads.download): the rows are
    read as the file is written, from the week's id."""
    headers = export_headers()
    rows = _export_rows_of(week.id)
    if fmt == "csv":
        return spreadsheets.csv_stream(headers, rows)
    return spreadsheets.xlsx_stream([spreadsheets.Sheet(_("Products"), headers, rows,
                                                        MONEY_COLUMNS)])


def _export_rows_of(week_id: int):
    from exhibit.weeks.models import ExhibitionWeek
    yield from export_rows(db.session.get(ExhibitionWeek, week_id))
