"""Importing a week's products from XLSX/CSV (all or nothing) and exporting them."""
from __future__ import annotations

import csv as csv_module
import io

import pytest
from openpyxl import Workbook, load_workbook

from exhibit.catalogue import transfer
from exhibit.catalogue.models import Product, ProductListing
from exhibit.core.errors import ValidationFailed
from exhibit.extensions import db
from tests.conftest import login

HEADERS = ["Mã số thuế", "Tên sản phẩm", "Tỉnh/thành xuất xứ", "Nhóm OCOP", "Bộ sản phẩm",
           "Số sao OCOP", "Số quyết định", "Ngày quyết định", "Cấp công nhận", "Cơ quan công nhận",
           "Giá bán lẻ (đồng)", "Đơn vị tính", "Quy cách", "Mã vạch", "Gian hàng"]


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row(tax_code, name="Nước mắm cá cơm 40 độ đạm", **changes):
    values = dict(zip(HEADERS, [tax_code, name, "Bình Thuận", "Thực phẩm", "9", 4, "4894/QĐ-UBND",
                                "12/11/2024", "tỉnh", "UBND tỉnh Bình Thuận", 85000, "chai",
                                "Chai 500 ml", "8934563123451", ""]))
    values.update(changes)
    return [values[h] for h in HEADERS]


def test_import_xlsx_creates_updates_and_approves(exhibitor_in_week, organiser, open_week):
    tax = exhibitor_in_week.business.tax_code
    content = _xlsx([_row(tax), _row(tax, "Mực một nắng", **{"Nhóm OCOP": "", "Bộ sản phẩm": "",
                     "Số sao OCOP": "", "Số quyết định": "", "Ngày quyết định": "", "Cấp công nhận": "",
                     "Cơ quan công nhận": "", "Mã vạch": "", "Gian hàng": "A02", "Giá bán lẻ (đồng)": "350.000"})])
    result = transfer.import_products(actor=organiser, week=open_week, filename="ds.xlsx", content=content)
    assert (result.created, result.updated) == (2, 0)
    products = {p.name: p for p in db.session.query(Product)}
    mam = products["Nước mắm cá cơm 40 độ đạm"]
    assert (mam.stars, mam.ocop_set, mam.cert_issuer_level, mam.origin_province_now) == (4, 9, "province", "68")
    assert products["Mực một nắng"].price_vnd == 350000
    assert {listing.status for listing in db.session.query(ProductListing)} == {"approved"}
    again = transfer.import_products(actor=organiser, week=open_week, filename="ds.xlsx",
                                     content=_xlsx([_row(tax, **{"Giá bán lẻ (đồng)": 90000})]))
    assert (again.created, again.updated) == (0, 1)
    db.session.expire_all()
    assert db.session.get(Product, mam.id).price_vnd == 90000


def test_one_bad_row_refuses_the_file_and_names_every_bad_row(exhibitor_in_week, organiser, open_week):
    tax = exhibitor_in_week.business.tax_code
    content = _xlsx([
        _row(tax),
        _row(tax, "Mắm ruốc", **{"Số sao OCOP": 2}),
        _row("0100109106", "Thanh long"),  # valid code, but not at this week
        _row(tax, "Hạt điều", **{"Giá bán lẻ (đồng)": "", "Mã vạch": "8934563123457"}),
        _row(tax),  # repeats row 2
        _row(tax, "Kẹo dừa", **{"Gian hàng": "Z99"}),
    ])
    with pytest.raises(ValidationFailed) as caught:
        transfer.import_products(actor=organiser, week=open_week, filename="ds.xlsx", content=content)
    fields = caught.value.fields
    assert set(fields) == {"row 3", "row 4", "row 5", "row 6", "row 7"}
    assert "Số sao OCOP" in fields["row 3"]
    assert "Giá bán lẻ" in fields["row 5"] and "Mã vạch" in fields["row 5"]
    assert db.session.query(Product).count() == 0 and db.session.query(ProductListing).count() == 0


def test_csv_excel_encodings_and_missing_columns(exhibitor_in_week, organiser, open_week):
    tax = exhibitor_in_week.business.tax_code
    text = ";".join(HEADERS) + "\n" + ";".join(str(v) for v in _row(tax)) + "\n"
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            content = text.encode(encoding)
        except UnicodeEncodeError:
            continue  # cp1258 writes some letters as base + combining mark; utf-8 covers them
        transfer.import_products(actor=organiser, week=open_week, filename="ds.csv", content=content)
    assert db.session.query(Product).count() == 1
    with pytest.raises(ValidationFailed) as caught:
        transfer.import_products(actor=organiser, week=open_week, filename="ds.csv",
                                 content="Tên sản phẩm\nA\n".encode())
    assert "Mã số thuế" in caught.value.fields["file"]
    with pytest.raises(ValidationFailed):
        transfer.import_products(actor=organiser, week=open_week, filename="ds.xlsx", content=b"PK-not-a-book")


def test_export_round_trips_and_is_formula_safe(client, exhibitor_in_week, organiser, open_week):
    tax = exhibitor_in_week.business.tax_code
    lines = [HEADERS, _row(tax), _row(tax, '=HYPERLINK("http://x")')]
    out = io.StringIO()
    csv_module.writer(out).writerows(lines)
    transfer.import_products(actor=organiser, week=open_week, filename="ds.csv", content=out.getvalue().encode())
    login(client, organiser)
    xlsx = client.get(f"/organiser/weeks/{open_week.slug}/products.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Mã số thuế" and len(rows) == 3
    names = {r[1] for r in rows[1:]}
    assert "=HYPERLINK(\"http://x\")" in names  # kept as text, not a formula
    assert all(sheet.cell(row=i, column=2).data_type == "s" for i in (2, 3))
    csv = client.get(f"/organiser/weeks/{open_week.slug}/products.csv")
    assert csv.data.startswith("\ufeff".encode()) and "'=HYPERLINK" in csv.data.decode("utf-8-sig")
    # the export imports back unchanged
    result = transfer.import_products(actor=organiser, week=open_week, filename="back.xlsx", content=xlsx.data)
    assert (result.created, result.updated) == (0, 2)


def test_import_page_shows_row_errors(client, exhibitor_in_week, organiser, open_week):
    login(client, organiser)
    content = _xlsx([_row(exhibitor_in_week.business.tax_code, **{"Số sao OCOP": 9})])
    response = client.post(f"/organiser/weeks/{open_week.slug}/products/import",
                           data={"file": (io.BytesIO(content), "ds.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Số sao OCOP" in response.get_data(as_text=True)
    assert db.session.query(Product).count() == 0
