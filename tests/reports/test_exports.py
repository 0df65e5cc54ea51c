"""Exports as files people open: streamed with no-store, identifiers keeping their leading zeros
when LibreOffice Calc opens the CSV (checked with soffice), dates in XLSX as real dates, and an
exported CSV that imports back."""
from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import uuid
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook

from exhibit.core import spreadsheets
from exhibit.vn.dates import to_vietnam_time
from exhibit.vn.tax_codes import InvalidTaxCode, normalize_tax_code
from tests.conftest import login

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
#: LibreOffice's CSV import as a person opening the file gets it: comma, double quote,
#: UTF-8 (76), from line 1, standard column types, Vietnamese (1066), quoted fields not forced
#: to text; then the same with "detect special numbers" on
LIBREOFFICE_OPENS = ("CSV:44,34,76,1,,1066,false,false", "CSV:44,34,76,1,,1066,false,true")


def _tax_code_starting_with_zero() -> str:
    for digit in range(10):
        try:
            return normalize_tax_code(f"031234567{digit}", allow_personal_id=False)
        except InvalidTaxCode:
            continue
    raise AssertionError("no valid tax code 031234567x")


def _libreoffice_cells(tmp_path, content: bytes, filter_options: str) -> list[tuple]:
    """The CSV opened by LibreOffice with ``filter_options`` and saved as XLSX: its cells."""
    source = tmp_path / "export.csv"
    source.write_bytes(content)
    out = tmp_path / f"out-{uuid.uuid4().hex[:6]}"
    profile = tmp_path / "lo-profile"  # its own profile: another soffice may be running
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
                    f"--infilter={filter_options}", "--convert-to", "xlsx", "--outdir", str(out),
                    str(source)], check=True, capture_output=True, timeout=180,
                   env={**os.environ, "HOME": str(tmp_path)})
    sheet = load_workbook(out / "export.xlsx").active
    return list(sheet.iter_rows(values_only=True))


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("filter_options", LIBREOFFICE_OPENS)
def test_libreoffice_keeps_leading_zeros_and_runs_no_formula(tmp_path, filter_options):
    tax_code = _tax_code_starting_with_zero()
    values = [tax_code, "0903 123 456", "0100233488-001", "8934563123451", "=1+1", "Cà phê",
              1300000, date(2026, 12, 5)]
    content = spreadsheets.csv_bytes(["a", "b", "c", "d", "e", "f", "g", "h"], [values])
    header, row = _libreoffice_cells(tmp_path, content, filter_options)
    assert header == ("a", "b", "c", "d", "e", "f", "g", "h")
    # text, every digit kept (the tab in front is whitespace a reader strips)
    assert [row[i].strip() if isinstance(row[i], str) else row[i] for i in range(4)] == [
        tax_code, "0903 123 456", "0100233488-001", "8934563123451"]
    assert row[4] == "'=1+1"  # shown as typed, never computed
    assert row[5] == "Cà phê" and row[6] == 1300000


def test_csv_cells_and_the_import_reading_them_back():
    content = spreadsheets.csv_bytes(
        ["Mã số thuế", "Điện thoại", "Ngày", "Lúc", "Giá"],
        [["0312345678", "0903 123 456", date(2026, 12, 5),
          datetime(2026, 12, 5, 2, 30, tzinfo=timezone.utc), 90000]])
    assert content.startswith("\ufeff".encode())
    raw = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert raw[1] == ["\t0312345678", "\t0903 123 456", "05/12/2026", "05/12/2026 09:30", "90000"]
    assert spreadsheets.read_table("back.csv", content)[1][:2] == ["0312345678", "0903 123 456"]
    # a tab is only put before digits: "\t=cmd" typed by someone stays quoted as a formula start
    assert spreadsheets.csv_cell("\t=cmd") == "'\t=cmd"


def test_xlsx_dates_are_dates_and_money_is_numbers():
    moment = datetime(2026, 12, 5, 2, 30, tzinfo=timezone.utc)
    content = spreadsheets.xlsx_bytes([("Sheet", ["Day", "At", "VND", "Text"],
                                        [[date(2026, 12, 5), moment, 1300000, "=1+1"]])],
                                      {"Sheet": [2]})
    sheet = load_workbook(io.BytesIO(content)).active
    day, at, money, text = sheet[2]
    assert day.is_date and day.value == datetime(2026, 12, 5) and day.number_format == "dd/mm/yyyy"
    assert at.is_date and at.value == to_vietnam_time(moment).replace(tzinfo=None)
    assert at.number_format == "dd/mm/yyyy hh:mm"
    assert money.value == 1300000 and money.number_format == "#,##0"
    assert text.data_type == "s" and text.value == "=1+1"
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b


def test_exports_stream_with_no_store_and_real_dates(client, organiser, open_week,
                                                    exhibitor_with_booth):
    from sqlalchemy import select

    from exhibit.badges import services as badges
    from exhibit.badges.models import Badge
    from exhibit.extensions import db
    from tests.conftest import visitor_data
    badges.register_visitor(week=open_week, data=visitor_data(phone="0903 123 456"))
    login(client, organiser)
    for name in ("visitors", "exhibitors", "allocations", "products"):
        for fmt in ("csv", "xlsx"):
            response = client.get(f"/organiser/weeks/{open_week.slug}/exports/{name}.{fmt}")
            assert response.status_code == 200 and response.is_streamed, (name, fmt)
            assert response.headers["Cache-Control"] == "private, no-store"
            assert f'attachment; filename="{name}-{open_week.slug}.{fmt}"' == \
                response.headers["Content-Disposition"]
            response.get_data()
            response.close()
    badge = db.session.scalar(select(Badge).where(Badge.week_id == open_week.id))
    text = client.get(f"/organiser/weeks/{open_week.slug}/exports/visitors.csv").data.decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[1] == "\t0903 123 456"
    sheet = load_workbook(io.BytesIO(client.get(
        f"/organiser/weeks/{open_week.slug}/exports/visitors.xlsx").data)).active
    registered = sheet.cell(row=2, column=5)
    assert registered.is_date and registered.value.replace(second=0, microsecond=0) == \
        to_vietnam_time(badge.created_at).replace(tzinfo=None, second=0, microsecond=0)
    assert sheet.cell(row=2, column=2).value == "0903 123 456"  # text in XLSX, no tab needed


def test_mobile_numbers_shown_the_fast_way_as_the_phone_rules_show_them():
    import random

    from exhibit.visitors.leads import shown_phone
    from exhibit.vn.phones import format_phone
    rng = random.Random(16)
    numbers = [f"+84{first}{rng.randrange(10**8):08d}" for first in "35789" for _ in range(200)]
    numbers += ["+842838234567", "+84243800000", "+14155550123", "0912345678", "", None]
    assert [shown_phone(n) for n in numbers] == [format_phone(n) for n in numbers]
