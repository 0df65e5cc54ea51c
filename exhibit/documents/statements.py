"""A bank statement imported as credits, for organisers without a notification service: each
credit line goes through the same matching as a webhook's notification
(:func:`exhibit.documents.credits.receive_credit`), so a line imported twice, or a transaction a
webhook already reported, changes nothing.

The statement is a CSV or XLSX file as banks' internet banking exports it; columns are found by
their header, in Vietnamese or English (Số tham chiếu / Ngày giao dịch / Số tiền ghi có /
Nội dung …). Lines without a credit (debits, balances) are skipped; a line that cannot be read
is named by its row number and the rest are still imported.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from flask_babel import gettext as _

from exhibit.core.errors import Forbidden, ValidationFailed
from exhibit.core.spreadsheets import header_lookup, read_records
from exhibit.documents import credits
from exhibit.vn import numbers

VIETNAM = timezone(timedelta(hours=7))
#: the most lines one file may hold (a fair's season of transfers fits many times over)
MAX_LINES = 20_000

ALIASES = {
    "transaction_id": ("Số tham chiếu", "Mã giao dịch", "Số giao dịch", "Số bút toán",
                       "Reference", "Reference no", "Transaction ID", "Ref"),
    "time": ("Ngày giao dịch", "Thời gian giao dịch", "Thời gian", "Ngày", "Transaction date",
             "Date", "Time"),
    "amount": ("Số tiền ghi có", "Ghi có", "Phát sinh có", "Credit", "Credit amount", "Số tiền",
               "Amount"),
    "description": ("Nội dung", "Nội dung giao dịch", "Diễn giải", "Mô tả", "Description",
                    "Details", "Narrative"),
    "account": ("Số tài khoản", "Tài khoản", "Account", "Account no"),
}
REQUIRED = {"transaction_id": "Số tham chiếu", "time": "Ngày giao dịch",
            "amount": "Số tiền ghi có", "description": "Nội dung"}
_LOOKUP = header_lookup(ALIASES)


@dataclass
class StatementResult:
    """What an import did, line by line counted."""
    matched: int = 0
    #: review reason → lines
    review: Counter = field(default_factory=Counter)
    #: lines whose transaction was already received (this file twice, or a webhook before it)
    already_received: int = 0
    #: lines with no credit (a debit, a balance line)
    skipped: int = 0
    #: row number → why it was not read
    refused: dict[int, str] = field(default_factory=dict)

    @property
    def in_review(self) -> int:
        return sum(self.review.values())


def import_statement(*, actor, filename: str, content: bytes) -> StatementResult:
    """Import the organiser's statement; every credit line is matched or put in review."""
    if actor is None or not actor.is_organiser:
        raise Forbidden(_("Only organisers can do this."))
    organizer = actor.organizer
    records = read_records(filename, content, lookup=_LOOKUP, required=REQUIRED,
                           max_rows=MAX_LINES,
                           too_many=_("At most %(n)s lines in one file.", n=MAX_LINES))
    result = StatementResult()
    for number, record in records:
        try:
            amount = _amount(record.get("amount"))
        except ValueError:
            result.refused[number] = _("Not an amount: %(value)s", value=record.get("amount"))
            continue
        if not amount:
            result.skipped += 1
            continue
        try:
            reported = credits.parse_credit({
                "transaction_id": str(record.get("transaction_id") or "").strip(),
                "account": str(record.get("account") or organizer.bank_account),
                "amount": amount, "time": _moment(record.get("time")),
                "description": str(record.get("description") or "")})
        except (ValueError, ValidationFailed) as error:
            message = getattr(error, "fields", None) or {}
            result.refused[number] = "; ".join(message.values()) or _("Not a date.")
            continue
        credit, new = credits.receive_credit(organizer.id, reported, source="statement")
        if not new:
            result.already_received += 1
        elif credit.outcome == "matched":
            result.matched += 1
        else:
            result.review[credit.reason] += 1
    return result


def _amount(value) -> int:
    """A credit in đồng: 702000, "702.000", "702,000", "702.000,00"; 0 for an empty cell."""
    if value is None or value == "":
        return 0
    if isinstance(value, (int, float)):
        if value != int(value):
            raise ValueError(value)
        return max(int(value), 0)
    text = str(value).strip().replace(" ", "")
    for cents in (",00", ".00"):
        if text.endswith(cents) and len(text) > 3:
            text = text[:-3]
    number = numbers.parse_whole(text)
    if number is None:
        return 0
    return max(number, 0)


def _moment(value) -> str:
    """The line's time as ISO 8601 with Vietnam's offset (statements print local time)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(12))
    else:
        text = str(value or "").strip()
        for pattern in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S",
                        "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
            try:
                moment = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        else:
            raise ValueError(text)
        if len(text) <= 10:
            moment = moment.replace(hour=12)  # a day without a time: its middle, never the eve
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM)
    return moment.isoformat()
