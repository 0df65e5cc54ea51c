"""Tables in and out: reading CSV/XLSX uploads, writing CSV (UTF-8 with BOM, so Excel shows
Vietnamese) and XLSX, both safe against formula injection."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask_babel import gettext as _

from exhibit.core.errors import ValidationFailed
from exhibit.vn.text import fold_search_key

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_table(filename: str, content: bytes) -> list[list]:
    """Rows of a CSV (UTF-8, with or without BOM, or Excel's Windows-1258) or XLSX file."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise ValidationFailed(_("This file is not a readable XLSX workbook."),
                                   fields={"file": _("Not a readable XLSX workbook.")}) from None
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationFailed(_("Save the CSV file as UTF-8."),
                               fields={"file": _("Save the CSV file as UTF-8.")})
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def header_key(text) -> str:
    """A header as a lookup key: "Giá bán lẻ (đồng)" → "gia ban le dong"."""
    folded = fold_search_key(str(text or ""))
    for ch in "()[]_.:²₫/*":
        folded = folded.replace(ch, " ")
    return " ".join(folded.split())


def header_lookup(aliases: dict[str, Sequence[str]]) -> dict[str, str]:
    """{field: (accepted header, …)} → {header key: field}."""
    return {header_key(alias): field for field, names in aliases.items() for alias in names}


def is_blank_row(row: Sequence) -> bool:
    return not any(str(cell if cell is not None else "").strip() for cell in row)


def read_records(filename: str, content: bytes, *, lookup: dict[str, str],
                 required: dict[str, str], max_rows: int, too_many: str) -> list[tuple[int, dict]]:
    """The rows of an uploaded table as (row number as the spreadsheet shows it, {field: value}).

    The first non-blank row is the header, read through ``lookup`` (see header_lookup); blank
    rows are skipped without shifting the numbers. Raises ValidationFailed on "file" for an
    empty file, missing ``required`` columns ({field: title shown}) or more than ``max_rows``
    rows (``too_many`` is the message)."""
    rows = read_table(filename, content)
    first = next((i for i, row in enumerate(rows) if not is_blank_row(row)), None)
    if first is None:
        raise ValidationFailed(_("The file is empty."), fields={"file": _("The file is empty.")})
    header = [lookup.get(header_key(h)) for h in rows[first]]
    missing = [title for field, title in required.items() if field not in header]
    if missing:
        message = _("Missing columns: %(cols)s.", cols=", ".join(missing))
        raise ValidationFailed(message, fields={"file": message})
    records = [(number, {field: value for field, value in zip(header, row) if field})
               for number, row in enumerate(rows[first + 1:], start=first + 2)
               if not is_blank_row(row)]
    if len(records) > max_rows:
        raise ValidationFailed(too_many, fields={"file": too_many})
    return records


def safe_text(value):
    """A cell a spreadsheet will not run: text starting like a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_text(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else safe_text(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]],
               money_columns: dict[str, Sequence[int]] | None = None) -> bytes:
    """A workbook with one sheet per (title, headers, rows): bold frozen header, text stored as
    text (never as a formula), VND columns (0-based indexes per sheet title) as numbers shown
    "1.300.000"."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        money = set((money_columns or {}).get(title, ()))
        widths = [len(str(h)) for h in headers]
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c)
                if isinstance(value, str):
                    cell.value = value
                    cell.data_type = "s"  # "=1+1" stays text
                else:
                    cell.value = value
                if c - 1 in money and isinstance(value, int):
                    cell.number_format = "#,##0"
                if c - 1 < len(widths):
                    widths[c - 1] = max(widths[c - 1], min(len(str(value or "")), 60))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width + 2
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
