"""Payment requests: each amount a contract asks for (its deposit, its balance) with an order
code the payer writes in the transfer, and the VietQR code that writes it for them.

The order code is made from the contract number, so it is unique per organiser as the number
is, short enough for every bank's description (≤ 19 ASCII capitals and digits, DOMAIN.md §9)
and readable over the phone:

    "022/2024/HĐ-ITPC", deposit  →  HD 022 2024 D 9  →  "HD0222024D9"

"HD", the sequence (at least three digits), the year, D for the deposit or B for the balance,
and a check character (Luhn mod 32 over Crockford's alphabet: digits and capitals without I, L,
O and U, so the check is never misread as 1 or 0), so a code typed with one wrong character or
two neighbours swapped is recognised as no code at all rather than matched to another
contract. The organiser's short name is left out: codes are matched against one organiser's
account, and the name may hold characters banks strip.

What each contract asks for is :func:`amounts_due`, from the document's stored fields alone,
so the contract's PDF prints the same codes and amounts that the rows hold. The rows
(:class:`~exhibit.documents.models.PaymentRequest`) are written in the issuing transaction
(:func:`sync_requests`): issued again, a contract's requests take its new amounts and days;
cancelled, they are cancelled with it.
"""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from exhibit.core.errors import NotFound
from exhibit.documents.models import (Document, DocumentKind, DocumentStatus, Payment,
                                      PaymentKind, PaymentRequest, PaymentRequestStatus)
from exhibit.documents.payments import paid_sum
from exhibit.extensions import db
from exhibit.vn import banks, vietqr

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: the letter of each kind in the code
KIND_LETTERS = {PaymentKind.DEPOSIT.value: "D", PaymentKind.BALANCE.value: "B"}
#: the kinds a contract asks for, in the order they fall due
REQUESTED_KINDS = (PaymentKind.DEPOSIT.value, PaymentKind.BALANCE.value)


def check_character(body: str) -> str:
    """The Luhn mod 32 check character of ``body`` (digits and capitals of the alphabet): it
    catches any one character changed and any two neighbours swapped (but 0 and Z, which a
    code's body never has side by side)."""
    factor, total, n = 2, 0, len(_ALPHABET)
    for char in reversed(body):
        addend = factor * _ALPHABET.index(char)
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return _ALPHABET[(n - total % n) % n]


def is_valid_code(code: str) -> bool:
    """A code whose check character is right (as typed into a transfer, any case)."""
    code = (code or "").upper()
    return (len(code) >= 2 and all(c in _ALPHABET for c in code)
            and check_character(code[:-1]) == code[-1])


def order_code(sequence: int, year: int, kind: str) -> str:
    """(22, 2024, "deposit") → "HD0222024D9"."""
    body = f"HD{sequence:03d}{year:04d}{KIND_LETTERS[kind]}"
    return body + check_character(body)


@dataclass(frozen=True)
class AmountDue:
    """One amount a contract asks for, as its PDF prints it and its request row holds it."""
    kind: str
    code: str
    amount_vnd: int
    due_on: date | None

    @property
    def title(self) -> str:
        return PaymentKind(self.kind).title


def amounts_due(document: Document) -> list[AmountDue]:
    """The deposit (if the contract asks for one) and the balance (if anything is left after
    it) of a numbered contract; nothing for a draft never issued, an MoU or a booth that costs
    the exhibitor nothing."""
    if document.kind != DocumentKind.CONTRACT.value or document.sequence is None:
        return []
    deposit = document.deposit_vnd
    found = []
    for kind, amount, due_on in ((PaymentKind.DEPOSIT.value, deposit, document.deposit_due_on),
                                 (PaymentKind.BALANCE.value, document.total_vnd - deposit,
                                  document.balance_due_on)):
        if amount > 0:
            found.append(AmountDue(kind, order_code(document.sequence, document.year, kind),
                                   amount, due_on))
    return found


@dataclass(frozen=True)
class PayTo:
    """Where a transfer goes: the beneficiary's account as the contract prints it."""
    bank_bin: str
    bank_short_name: str
    bank_name: str
    account: str
    beneficiary: str

    @property
    def bank_label(self) -> str:
        """The bank as a payer reads it: "Vietcombank – Ngân hàng TMCP …", or the name alone
        when it already says the short name (an organiser's "… (Vietcombank) – Chi nhánh …")."""
        if self.bank_short_name in self.bank_name:
            return self.bank_name
        return f"{self.bank_short_name} – {self.bank_name}"


def pay_to(party_a: dict) -> PayTo | None:
    """The account of a contract's Bên A when a VietQR code can name it (a bank of NAPAS's
    list and an account number), else None: the contract then prints the account only."""
    bank = banks.bank(party_a.get("bank_bin", ""))
    account = (party_a.get("bank_account") or "").replace(" ", "")
    if bank is None or not account:
        return None
    return PayTo(bank.bin, bank.short_name, party_a.get("bank_name") or bank.name, account,
                 party_a.get("name", ""))


def transfer_text(to: PayTo | None, due: AmountDue) -> str | None:
    """The VietQR text paying ``due`` to ``to`` with its order code as the purpose; None
    when no code can be made (no bank chosen, or an account NAPAS's format cannot carry)."""
    if to is None:
        return None
    try:
        return vietqr.payload(bank_bin=to.bank_bin, account=to.account, amount=due.amount_vnd,
                              purpose=due.code)
    except ValueError:
        return None


# -- the rows -----------------------------------------------------------------------------------

def sync_requests(document: Document, now: datetime) -> list[PaymentRequest]:
    """Inside the issuing transaction: the contract's requests equal what it asks for now —
    new ones made, changed ones updated (same code, the new amount and day), ones it no
    longer asks for cancelled. Returns the open ones."""
    existing = {r.kind: r for r in db.session.scalars(
        select(PaymentRequest).where(PaymentRequest.document_id == document.id))}
    wanted = {due.kind: due for due in amounts_due(document)}
    for kind, due in wanted.items():
        row = existing.get(kind)
        if row is None:
            row = PaymentRequest(organizer_id=document.organizer_id, week_id=document.week_id,
                                 business_id=document.business_id, document_id=document.id,
                                 kind=kind, code=due.code, created_at=now)
            db.session.add(row)
            existing[kind] = row
        row.amount_vnd, row.due_on, row.code = due.amount_vnd, due.due_on, due.code
        row.document_version, row.updated_at = document.version, now
        row.status, row.cancelled_at = PaymentRequestStatus.OPEN.value, None
    for kind, row in existing.items():
        if kind not in wanted and row.status == PaymentRequestStatus.OPEN.value:
            _cancel(row, now)
    db.session.flush()
    return [existing[kind] for kind in REQUESTED_KINDS if kind in wanted]


def cancel_requests(document: Document, now: datetime) -> None:
    """Inside the cancelling transaction: a cancelled contract asks for nothing."""
    for row in db.session.scalars(select(PaymentRequest).where(
            PaymentRequest.document_id == document.id,
            PaymentRequest.status == PaymentRequestStatus.OPEN.value)):
        _cancel(row, now)


def _cancel(row: PaymentRequest, now: datetime) -> None:
    row.status, row.cancelled_at, row.updated_at = PaymentRequestStatus.CANCELLED.value, now, now


# -- reading ------------------------------------------------------------------------------------

@dataclass
class ShownRequest:
    """A payment request as the exhibitor's page and its PDF show it."""
    request: PaymentRequest
    document: Document
    pay_to: PayTo | None
    #: the VietQR text, None when the organiser has chosen no bank
    qr_text: str | None
    #: paid in full by what the ledger holds for the business at the week
    settled: bool

    @property
    def due(self) -> AmountDue:
        r = self.request
        return AmountDue(r.kind, r.code, r.amount_vnd, r.due_on)


def _shown(request: PaymentRequest, paid: int) -> ShownRequest:
    document = request.document
    to = pay_to(document.party_a)
    due = AmountDue(request.kind, request.code, request.amount_vnd, request.due_on)
    # the ledger counts payments towards the contract in order: the deposit is settled once
    # the deposit is paid, the balance once the whole is
    owed = document.deposit_vnd if request.kind == PaymentKind.DEPOSIT.value else document.total_vnd
    return ShownRequest(request, document, to, transfer_text(to, due), settled=paid >= owed)


def _paid_at(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """What each (week, business) paid, refunds taken off, in one grouped query."""
    if not pairs:
        return {}
    weeks = {week_id for week_id, _ in pairs}
    businesses = {business_id for _, business_id in pairs}
    return {(w, b): int(total or 0) for w, b, total in db.session.execute(
        select(Payment.week_id, Payment.business_id, paid_sum())
        .where(Payment.week_id.in_(weeks), Payment.business_id.in_(businesses))
        .group_by(Payment.week_id, Payment.business_id))}


def business_requests(business_id: int) -> list[ShownRequest]:
    """The open requests of a business's issued or signed contracts, newest week first, each
    with its QR text and whether the ledger has it paid. While the organiser revises a
    contract (a draft again) its requests wait for the new version."""
    rows = db.session.scalars(
        select(PaymentRequest).join(Document, Document.id == PaymentRequest.document_id)
        .where(PaymentRequest.business_id == business_id,
               PaymentRequest.status == PaymentRequestStatus.OPEN.value,
               Document.status.in_((DocumentStatus.ISSUED.value, DocumentStatus.SIGNED.value)))
        .options(selectinload(PaymentRequest.document).selectinload(Document.week))
        .order_by(PaymentRequest.week_id.desc(), PaymentRequest.document_id,
                  PaymentRequest.kind.desc())).all()
    paid = _paid_at({(r.week_id, r.business_id) for r in rows})
    return [_shown(r, paid.get((r.week_id, r.business_id), 0)) for r in rows]


def document_requests(document: Document) -> list[PaymentRequest]:
    """A contract's requests, open or cancelled, deposit first."""
    return sorted(db.session.scalars(select(PaymentRequest).where(
        PaymentRequest.document_id == document.id)),
        key=lambda r: REQUESTED_KINDS.index(r.kind))


def open_request(request_id: int) -> PaymentRequest:
    """A request still to be paid; a cancelled one is gone, so nobody pays it (who may see it
    is the contract's rule: documents.services.payment_request_for)."""
    request = db.session.get(PaymentRequest, request_id)
    if request is None or request.status != PaymentRequestStatus.OPEN.value:
        raise NotFound(_("There is no such payment request."), code="payment_request_not_found")
    return request


def shown_request(request: PaymentRequest) -> ShownRequest:
    """The request as the exhibitor's page and its PDF show it, with what was paid."""
    paid = _paid_at({(request.week_id, request.business_id)})
    return _shown(request, paid.get((request.week_id, request.business_id), 0))


# -- the code as a picture ----------------------------------------------------------------------

def qr_png(text: str, module_px: int = 6) -> bytes:
    """The QR code of ``text`` as a PNG, black on white with a 4-module quiet zone."""
    from PIL import Image

    from exhibit.pdf.qr import QUIET_MODULES, qr_rows
    rows = qr_rows(text)
    size = len(rows) + 2 * QUIET_MODULES
    image = Image.new("1", (size, size), 1)
    pixels = image.load()
    for y, row in enumerate(rows):
        for x, cell in enumerate(row):
            if cell == "1":
                pixels[x + QUIET_MODULES, y + QUIET_MODULES] = 0
    image = image.resize((size * module_px, size * module_px), Image.NEAREST)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def qr_data_uri(text: str) -> str:
    """The PNG as a data: URI, for an <img> on a page (the CSP allows data: images)."""
    return "data:image/png;base64," + base64.b64encode(qr_png(text)).decode("ascii")
