"""Tables in and out: reading CSV/XLSX uploads, writing CSV (UTF-8 with BOM, so Excel shows
Vietnamese) and XLSX, both safe against formula injection, both streamed so a file of 100,000
rows takes no more memory than one of ten.

Writing takes (headers, rows) where rows is any iterable — a generator reading the database in
batches — and produces the file piece by piece:

- CSV (``csv_stream``): rows are written into a small text buffer that is handed out every
  ``CSV_CHUNK`` characters, so a streamed response sends the file while it is being read.
- XLSX (``xlsx_stream``): openpyxl's write-only mode writes each sheet's rows to a temporary
  file as they come, and the workbook (a zip, which cannot be sent before it is finished) is
  saved to another temporary file that is then read out in chunks and deleted.

Values keep their types up to the file: dates (``date``) and moments (``datetime``, stored in
UTC) become real XLSX dates in Vietnam time shown "dd/mm/yyyy" and "dd/mm/yyyy hh:mm" — the
CSV writes the same text — and whole đồng in money columns become numbers shown "1.300.000".

**Leading zeros in CSV.** A CSV has no types: LibreOffice Calc and Excel read 0312345678 (a
tax code), 0903123456 (a phone) or a 13-digit barcode as numbers and drop the zeros or round
them, quoted or not. The idiom ="0312345678" is a formula, which is exactly what formula
injection safety refuses; a leading apostrophe is not a text marker when a CSV is opened —
both programs show the apostrophe. A leading *tab* is kept as part of a text cell: LibreOffice
(checked with soffice in tests/reports/test_exports.py) and Excel both then take the cell as
text, keep every zero, and the tab is invisible. So text that a spreadsheet would mistake for
a number — digits (with spaces, dots or hyphens between them) starting with 0, or 12 digits
and more — is written with a tab in front (``keep_as_text``). Only such digit strings get it,
so it never hides a formula, and ``read_table`` takes it off again, so an exported file
imports back. The XLSX needs none of this: its text cells are typed as text.
"""
from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import NamedTuple

from flask_babel import gettext as _

from exhibit.core.errors import ValidationFailed
from exhibit.vn.dates import format_date, format_moment, to_vietnam_time
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
    return [[_without_text_mark(cell) for cell in row]
            for row in csv.reader(io.StringIO(text), dialect)]


def _without_text_mark(cell: str) -> str:
    """The cell as written before ``keep_as_text`` put a tab in front of it."""
    return cell[1:] if cell[:1] == "\t" and _NUMBER_LIKE.fullmatch(cell[1:]) else cell


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


#: text a spreadsheet would read as a number and spoil: digits starting with 0 (with spaces,
#: dots or hyphens between them: "0903 123 456", "0100233488-001"), or 12 digits and more
#: (a barcode, a citizen id: Excel keeps 15 significant digits and shows 8.93456E+12)
_NUMBER_LIKE = re.compile(r"0[\d .-]*\d|\d{12,}")
#: characters XML 1.0 cannot hold (openpyxl refuses them)
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: how many characters of CSV are sent at a time
CSV_CHUNK = 64 * 1024
#: how many bytes of a finished workbook are read from disk at a time
FILE_CHUNK = 256 * 1024
MONEY_FORMAT = "#,##0"
DATE_FORMAT = "dd/mm/yyyy"
MOMENT_FORMAT = "dd/mm/yyyy hh:mm"


class Formatted(NamedTuple):
    """A cell with its own XLSX number format (a row of figures that mixes counts and đồng)."""
    value: object
    number_format: str


def keep_as_text(value: str) -> str:
    """A CSV cell that spreadsheets keep as text: see the module's note on leading zeros."""
    return "\t" + value if _NUMBER_LIKE.fullmatch(value) else value


_DIGITS = frozenset("0123456789")


def csv_cell(value):
    """A value as the CSV writes it: dates as "25/07/2024", moments in Vietnam time as
    "25/07/2024 09:30", text safe from formulas and keeping its leading zeros."""
    if value.__class__ is str:  # most cells: only their first character decides
        if not value:
            return value
        first = value[0]
        if first in _DIGITS:
            return keep_as_text(value)
        return "'" + value if first in _FORMULA_STARTS else value
    if isinstance(value, Formatted):
        value = value.value
    if value is None:
        return ""
    if isinstance(value, str):
        return keep_as_text(safe_text(value))
    if isinstance(value, datetime):
        return format_moment(value)
    if isinstance(value, date):
        return format_date(value)
    return value


def csv_stream(headers: Sequence[str], rows: Iterable[Sequence]) -> Iterator[bytes]:
    """The table as CSV (UTF-8 with BOM), in chunks of about CSV_CHUNK characters."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow([safe_text(str(h)) for h in headers])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        if out.tell() >= CSV_CHUNK:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


#: rows fetched from the database at a time by ``streamed``
BATCH = 2000


def streamed(statement) -> Iterator:
    """The rows of a SELECT of columns (not ORM objects, which the session would keep), fetched
    BATCH at a time — a server-side cursor on PostgreSQL — for a file written as they come."""
    from exhibit.extensions import db
    result = db.session.execute(statement.execution_options(yield_per=BATCH))
    try:
        for partition in result.partitions():
            yield from partition
    finally:
        result.close()


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    return b"".join(csv_stream(headers, rows))


class Sheet(NamedTuple):
    """One sheet of a workbook: rows may be a generator; ``money`` the 0-based indexes of the
    columns holding whole đồng."""
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    money: Sequence[int] = ()


#: rows read before a sheet's column widths are chosen (a streamed sheet is written once)
WIDTH_SAMPLE = 200


def _xlsx_cell(sheet, value, money: bool):
    """What a write-only sheet is given for one value: the value itself when openpyxl's own
    typing is right, else a cell carrying its type or number format."""
    from openpyxl.cell import WriteOnlyCell
    if isinstance(value, str):
        if _NOT_IN_XML.search(value):
            value = _NOT_IN_XML.sub("", value)
        if value.startswith("="):  # openpyxl would write it as a formula: keep it text
            cell = WriteOnlyCell(sheet, value)
            cell.data_type = "s"
            return cell
        return value
    if isinstance(value, Formatted):
        cell = WriteOnlyCell(sheet, value.value)
        cell.number_format = value.number_format
        return cell
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, to_vietnam_time(value).replace(tzinfo=None))
        cell.number_format = MOMENT_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = DATE_FORMAT
        return cell
    if money and isinstance(value, int) and not isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = MONEY_FORMAT
        return cell
    return value


def _shown_width(value) -> int:
    if isinstance(value, Formatted):
        value = value.value
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    return min(len(str(value if value is not None else "")), 60)


def write_workbook(sheets: Iterable[Sheet], target) -> None:
    """Write the sheets as an XLSX workbook into ``target`` (a path or a binary file): bold
    frozen header, text stored as text (never as a formula), dates as dates, đồng as numbers
    shown "1.300.000". Rows are consumed once, as they come."""
    from itertools import chain, islice

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, headers, rows, money_columns in sheets:
        sheet = workbook.create_sheet(str(title)[:31])
        rows = iter(rows)
        sample = list(islice(rows, WIDTH_SAMPLE))
        widths = [len(str(h)) for h in headers]
        for row in sample:
            for c, value in enumerate(row[:len(widths)]):
                widths[c] = max(widths[c], _shown_width(value))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width + 2
        sheet.freeze_panes = "A2"
        header_cells = []
        for h in headers:
            cell = WriteOnlyCell(sheet, str(h))
            cell.font = bold
            cell.data_type = "s"
            header_cells.append(cell)
        sheet.append(header_cells)
        money = set(money_columns)
        for row in chain(sample, rows):
            sheet.append([_xlsx_cell(sheet, v, c in money) for c, v in enumerate(row)])
    workbook.save(target)


class FileChunks:
    """A finished temporary file read out in chunks, then closed (and so deleted); ``length``
    is its size, for Content-Length."""

    def __init__(self, file):
        self.file = file
        self.length = file.seek(0, io.SEEK_END)
        file.seek(0)

    def __iter__(self) -> Iterator[bytes]:
        try:
            while chunk := self.file.read(FILE_CHUNK):
                yield chunk
        finally:
            self.file.close()

    def close(self) -> None:
        self.file.close()


def xlsx_stream(sheets: Iterable[Sheet]) -> FileChunks:
    """The workbook written now to a temporary file on disk, to be sent in chunks."""
    file = tempfile.TemporaryFile(prefix="exhibit-xlsx-")
    try:
        write_workbook(sheets, file)
    except BaseException:
        file.close()
        raise
    return FileChunks(file)


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]],
               money_columns: dict[str, Sequence[int]] | None = None) -> bytes:
    """A small workbook in memory: one sheet per (title, headers, rows); ``money_columns`` maps a
    sheet title to its đồng columns (0-based)."""
    out = io.BytesIO()
    write_workbook([Sheet(title, headers, rows, (money_columns or {}).get(title, ()))
                    for title, headers, rows in sheets], out)
    return out.getvalue()
