"""E-invoice requests: for every payment received for a contract that charges rent, what the
organiser's e-invoice provider needs to issue its invoice — prepared in the payment's own
transaction, exported for the provider or sent through an adapter, and the invoice's number,
symbol and lookup code recorded once issued. exhibit issues no invoice itself.

Why each payment: under NĐ 123/2020/NĐ-CP as amended by NĐ 70/2025/NĐ-CP, money collected for a
service before it is provided calls for an invoice on the day it is collected, and booth rental
is not among the services exempted for deposits (DOMAIN.md §9 — our reading, for the
organiser's tax adviser to confirm).

**Which payments.** A payment of kind deposit or balance recorded in the ledger — matched from a
bank credit (documents/credits.py), recorded by hand, or recorded from a credit in review
(payments.record_payment with ``credit_id``) — towards a live contract whose total is above
zero gets exactly one request (a partial unique index on the payment); one paid towards a
contract still in draft gets it when the contract is issued (numbered, its lines final). None is made for a
refund (the organiser corrects the invoice it refunds with an adjustment), for a payment
without a contract, or for a subsidised contract (0 đồng): those booths are counted as subsidy
instead (:func:`money_flow`).

**The lines.** Seller: the organiser (name, tax code, address, email, phone); buyer: the
business as registered (legal name, tax code, address, email); the invoice date is the day the
money was received; VAT at the contract's rate (0, 5, 8 or 10 %).

- A payment of the whole contract at once: one line per booth that charges rent (quantity 1,
  "gian", the booth's price), VAT per line rounded half up, the last line taking the rounding
  so the lines add up to the contract's VAT exactly.
- Any other payment (a deposit, a part): one line "Tiền thuê gian hàng A01, A02 theo HĐ số …
  (đặt cọc)", whose amount before VAT is the payment × 100 / (100 + rate), rounded half up,
  and whose VAT is the rest, so amount + VAT = the payment to the đồng.
- The payment that completes the contract (what was paid before plus it equals the total)
  takes the remainder: the contract's subtotal less the amounts before VAT of its earlier
  requests, and VAT the rest — so a contract's requests add up to its subtotal and its VAT.
  Booths at 0 đồng are never a line.

**Corrections** are new records pointing at the original, never edits or deletions: an
*adjustment* (hóa đơn điều chỉnh: a difference in đồng, VAT included, or 0 with corrected buyer
details) leaves the original "adjusted"; a *replacement* (hóa đơn thay thế: the same lines with
corrected buyer details) leaves it "replaced". Both need an invoiced original and a reason. A
request not yet invoiced is *cancelled* with a reason instead.

**The invoice's identifiers** (Thông tư 78/2021/TT-BTC, art. 4): the symbol is seven characters,
e.g. "1C26TAA" — the form digit (1 a VAT invoice, 2 a sales invoice, which carries no VAT), C or
K (with or without the tax authority's code), the two digits of the year of the invoice date,
the type letter (T D L M N B G H) and two capitals the seller chooses; the number is the
provider's sequence, at most 8 digits, stored without leading zeros and unique per organiser
and symbol; the lookup code is what the buyer types on the provider's site.

**Export layout** ("exhibit.invoice-requests/1", the same field names in both files):

JSON: ``{"format": "exhibit.invoice-requests/1", "generated_at": ISO time, "week": {"slug",
"name"}, "requests": [REQUEST, …]}`` where REQUEST is ``{"request_key", "kind" (original |
adjustment | replacement), "original": null or {"request_key", "invoice_number",
"invoice_symbol", "invoice_date"}, "status", "invoice_date" (YYYY-MM-DD), "currency": "VND",
"payment_method": "TM/CK", "seller": {"name", "tax_code", "address", "email", "phone"},
"buyer": {"name", "tax_code", "address", "email"}, "lines": [{"line_no", "description", "unit",
"quantity", "unit_price", "amount", "vat_rate", "vat_amount", "line_total"}], "vat_rate",
"amount_before_vat", "vat_amount", "total", "amount_in_words", "contract_number",
"payment_reference", "reason"}``. Amounts are whole đồng (negative in an adjustment that
lowers). ``request_key`` ("EXH-<organiser id>-<request id>") is stable: providers that take an
idempotency key should be given it.

XLSX: one sheet "invoice_requests", one row per line, the request's fields repeated on each
of its lines, columns :data:`XLSX_COLUMNS` (nested fields flattened: seller_tax_code,
buyer_name…; original_* for a correction's original).

Exporting marks the prepared requests it holds "exported" (one audit entry for the export).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from exhibit.businesses.models import Business
from exhibit.core import audit
from exhibit.core.db import lock_row, require_write_transaction, utcnow, write_transaction
from exhibit.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from exhibit.core.paging import Page, counted_page
from exhibit.documents.models import (BankCredit, CreditOutcome, Document, DocumentKind,
                                      DocumentLine, DocumentStatus, InvoiceRequest,
                                      InvoiceRequestKind, InvoiceRequestStatus, Payment,
                                      PaymentKind, PaymentRequest, PaymentRequestStatus)
from exhibit.extensions import db
from exhibit.vn import numbers
from exhibit.vn.dates import vietnam_today
from exhibit.vn.tax_codes import is_valid_tax_code
from exhibit.vn.text import clean_text
from exhibit.vn.words import amount_in_words
from exhibit.weeks.models import Organizer
from exhibit.weeks.services import is_organiser_of

FORMAT = "exhibit.invoice-requests/1"
#: TT 78/2021: form digit (1 VAT invoice, 2 sales invoice), C/K, year, type letter, two capitals
SYMBOL = re.compile(r"([12])([CK])([0-9]{2})([TDLMNBGH])([A-Z]{2})")
NUMBER = re.compile(r"[0-9]{1,8}")
LOOKUP_CODE = re.compile(r"[A-Za-z0-9._\-]{3,100}")
STATUSES = tuple(s.value for s in InvoiceRequestStatus)
#: requests that still wait for their invoice
WAITING = (InvoiceRequestStatus.PREPARED.value, InvoiceRequestStatus.EXPORTED.value)
#: requests whose invoice was issued (later corrections included)
ISSUED = (InvoiceRequestStatus.INVOICED.value, InvoiceRequestStatus.ADJUSTED.value,
          InvoiceRequestStatus.REPLACED.value)
PER_PAGE = 50
_KIND_WORDS = {PaymentKind.DEPOSIT.value: "đặt cọc"}


def request_key(request: InvoiceRequest) -> str:
    return f"EXH-{request.organizer_id}-{request.id}"


# -- preparing ------------------------------------------------------------------------------------

def _half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up (both ≥ 0)."""
    return (2 * numerator + denominator) // (2 * denominator)


def _line(description: str, unit: str, quantity: int, unit_price: int, amount: int,
          rate: int, vat: int) -> dict:
    return {"description": description, "unit": unit, "quantity": quantity,
            "unit_price_vnd": unit_price, "amount_vnd": amount, "vat_percent": rate,
            "vat_vnd": vat, "total_vnd": amount + vat}


def _seller(document: Document) -> dict:
    organizer = db.session.get(Organizer, document.organizer_id)
    party = document.party_a or {}
    return {"name": organizer.name or party.get("name", ""),
            "tax_code": organizer.tax_code or party.get("tax_code", ""),
            "address": organizer.address or party.get("address", ""),
            "email": organizer.email or party.get("email", ""),
            "phone": organizer.phone or party.get("phone", "")}


def _buyer(document: Document) -> dict:
    business = db.session.get(Business, document.business_id)
    party = document.party_b or {}
    return {"name": business.name, "tax_code": business.tax_code,
            "address": business.address or party.get("address", ""),
            "email": business.email or party.get("email", "")}


def _priced(document: Document) -> list[DocumentLine]:
    return [line for line in document.lines if line.unit_price_vnd > 0]


def plan_lines(document: Document, amount: int, payment_kind: str,
               earlier: list[InvoiceRequest]) -> tuple[list[dict], int, int]:
    """(lines, amount before VAT, VAT) of a payment of ``amount`` towards ``document``, after
    the ``earlier`` requests of the contract (the rule in the module's docstring)."""
    rate = document.vat_percent
    priced = _priced(document)
    earlier_total = sum(r.total_vnd for r in earlier)
    earlier_before = sum(r.amount_before_vat_vnd for r in earlier)
    if not earlier and amount == document.total_vnd:
        lines, vat_left = [], document.vat_vnd
        for i, booth in enumerate(priced):
            vat = vat_left if i == len(priced) - 1 else _half_up(booth.amount_vnd * rate, 100)
            vat_left -= vat
            description = f"Tiền thuê gian hàng {booth.label}"
            if booth.detail:
                description += f" ({booth.detail})"
            lines.append(_line(f"{description} theo HĐ số {document.number}", "gian", 1,
                               booth.unit_price_vnd, booth.amount_vnd, rate, vat))
        return lines, document.subtotal_vnd, document.vat_vnd
    before = _half_up(amount * 100, 100 + rate)
    what = _KIND_WORDS.get(payment_kind, "thanh toán một phần")
    if earlier and earlier_total + amount == document.total_vnd:
        remainder = document.subtotal_vnd - earlier_before
        if 0 <= remainder <= amount:
            before = remainder
            what = _KIND_WORDS.get(payment_kind, "thanh toán phần còn lại")
    booths = ", ".join(line.label for line in priced)
    description = f"Tiền thuê gian hàng {booths} theo HĐ số {document.number} ({what})"
    return [_line(description, "", 1, before, before, rate, amount - before)], before, amount - before


def prepare_for_payment(payment: Payment) -> InvoiceRequest | None:
    """Inside the transaction that records ``payment``: its invoice request, or None when it
    calls for none (a refund, no contract, a subsidised contract). Asked twice for one
    payment, the first request is returned."""
    require_write_transaction("prepare_for_payment")
    if payment.kind == PaymentKind.REFUND.value or payment.document_id is None:
        return None
    found = db.session.scalar(select(InvoiceRequest).where(
        InvoiceRequest.payment_id == payment.id,
        InvoiceRequest.kind == InvoiceRequestKind.ORIGINAL.value))
    if found is not None:
        return found
    document = db.session.get(Document, payment.document_id)
    # a draft has no number yet and its booths, prices and VAT may still change: its
    # payments get their requests when it is issued (prepare_for_issued)
    if (document is None or document.kind != DocumentKind.CONTRACT.value
            or document.status in (DocumentStatus.CANCELLED.value, DocumentStatus.DRAFT.value)
            or document.total_vnd <= 0 or not _priced(document)):
        return None
    earlier = db.session.scalars(select(InvoiceRequest).where(
        InvoiceRequest.document_id == document.id,
        InvoiceRequest.kind == InvoiceRequestKind.ORIGINAL.value,
        InvoiceRequest.status != InvoiceRequestStatus.CANCELLED.value)).all()
    lines, before, vat = plan_lines(document, payment.amount_vnd, payment.kind, list(earlier))
    now = utcnow()
    request = InvoiceRequest(
        organizer_id=document.organizer_id, week_id=payment.week_id,
        business_id=payment.business_id, document_id=document.id, payment_id=payment.id,
        kind=InvoiceRequestKind.ORIGINAL.value, status=InvoiceRequestStatus.PREPARED.value,
        invoice_date=payment.paid_on, payment_kind=payment.kind, seller=_seller(document),
        buyer=_buyer(document), lines=lines, vat_percent=document.vat_percent,
        amount_before_vat_vnd=before, vat_vnd=vat, total_vnd=before + vat,
        amount_in_words=amount_in_words(before + vat), contract_number=document.number or "",
        reference=payment.reference or "", created_at=now, updated_at=now)
    db.session.add(request)
    db.session.flush()
    audit.record("invoice_request", request.id, "prepare", week_id=request.week_id,
                 business_id=request.business_id,
                 after={"payment_id": payment.id, "total_vnd": request.total_vnd,
                        "invoice_date": request.invoice_date.isoformat(),
                        "contract_number": request.contract_number})
    return request


def prepare_for_issued(document: Document) -> list[InvoiceRequest]:
    """Inside the transaction that issues ``document``: the requests of the payments recorded
    while it was a draft (in the order they were paid), which had none."""
    require_write_transaction("prepare_for_issued")
    waiting = db.session.scalars(select(Payment).where(
        Payment.document_id == document.id, Payment.kind != PaymentKind.REFUND.value,
        ~select(InvoiceRequest.id).where(
            InvoiceRequest.payment_id == Payment.id,
            InvoiceRequest.kind == InvoiceRequestKind.ORIGINAL.value).exists())
        .order_by(Payment.paid_on, Payment.id)).all()
    made = [prepare_for_payment(payment) for payment in waiting]
    return [request for request in made if request is not None]


# -- reading --------------------------------------------------------------------------------------

def get_request(request_id: int, actor) -> InvoiceRequest:
    """A request its organiser may handle: 404 if there is none, 403 if it is another body's."""
    request = db.session.get(InvoiceRequest, request_id)
    if request is None:
        raise NotFound(_("There is no such invoice request."), code="invoice_request_not_found")
    if not is_organiser_of(actor, request.organizer_id):
        raise Forbidden(_("Only the organiser can see this invoice request."))
    return request


def status_counts(week) -> dict[str, int]:
    found = dict(db.session.execute(select(InvoiceRequest.status, func.count()).where(
        InvoiceRequest.week_id == week.id).group_by(InvoiceRequest.status)).all())
    return {status: found.get(status, 0) for status in STATUSES}


def week_page(week, status: str, number: int) -> Page:
    """One page of the week's requests (of one status, when given), newest first, each with
    its business's name."""
    query = (select(InvoiceRequest).where(InvoiceRequest.week_id == week.id)
             .order_by(InvoiceRequest.invoice_date.desc(), InvoiceRequest.id.desc()))
    if status in STATUSES:
        query = query.where(InvoiceRequest.status == status)
    return counted_page(query, number, PER_PAGE)


def corrections_of(request: InvoiceRequest) -> list[InvoiceRequest]:
    return db.session.scalars(select(InvoiceRequest).where(
        InvoiceRequest.original_id == request.id).order_by(InvoiceRequest.id)).all()


def for_payments(payment_ids) -> dict[int, InvoiceRequest]:
    """The latest request of each payment (a replacement over its original), for the ledger."""
    ids = list(payment_ids)
    if not ids:
        return {}
    found: dict[int, InvoiceRequest] = {}
    for request in db.session.scalars(select(InvoiceRequest).where(
            InvoiceRequest.payment_id.in_(ids),
            InvoiceRequest.kind != InvoiceRequestKind.ADJUSTMENT.value)
            .order_by(InvoiceRequest.id)):
        found[request.payment_id] = request
    return found


def business_invoices(business_id: int) -> list[InvoiceRequest]:
    """The business's invoices the organiser recorded as issued (number, symbol, lookup
    code), newest first, with their week: for the exhibitor's page."""
    return db.session.scalars(select(InvoiceRequest).where(
        InvoiceRequest.business_id == business_id, InvoiceRequest.invoice_number != "",
        InvoiceRequest.status.in_(ISSUED))
        .options(joinedload(InvoiceRequest.original))
        .order_by(InvoiceRequest.invoice_date.desc(), InvoiceRequest.id.desc())).all()


# -- the invoice's identifiers -------------------------------------------------------------------

@dataclass(frozen=True)
class InvoiceIdentity:
    number: str
    symbol: str
    lookup_code: str


def check_identity(request: InvoiceRequest, data: dict) -> InvoiceIdentity:
    """The number, symbol and lookup code as typed (or as an adapter returned them), checked
    against TT 78's format and the request (ValidationFailed naming each wrong field)."""
    errors: dict[str, str] = {}
    number = re.sub(r"\s", "", str(data.get("invoice_number") or ""))
    if not NUMBER.fullmatch(number) or int(number) == 0:
        errors["invoice_number"] = _("The invoice number: 1 to 8 digits, e.g. 0000123.")
    else:
        number = str(int(number))
    symbol = re.sub(r"\s", "", str(data.get("invoice_symbol") or "")).upper()
    match = SYMBOL.fullmatch(symbol)
    if not match:
        errors["invoice_symbol"] = _(
            "The symbol has 7 characters, e.g. 1C26TAA: 1 or 2, C or K, the year's two digits, "
            "T, D, L, M, N, B, G or H, and two capital letters.")
    elif int(match.group(3)) != request.invoice_date.year % 100:
        errors["invoice_symbol"] = _("The symbol's year (%(given)s) is not the invoice date's "
                                     "(%(year)s).", given=match.group(3),
                                     year=f"{request.invoice_date.year % 100:02d}")
    elif match.group(1) == "2" and request.vat_percent:
        errors["invoice_symbol"] = _("A sales invoice (form 2) carries no VAT; this request has "
                                     "%(rate)s%% VAT: use form 1.", rate=request.vat_percent)
    lookup = clean_text(data.get("lookup_code"))
    if lookup and not LOOKUP_CODE.fullmatch(lookup):
        errors["lookup_code"] = _("The lookup code: 3 to 100 letters, digits, dots, hyphens or "
                                  "underscores.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    return InvoiceIdentity(number, symbol, lookup)


def _require_organiser(actor, request: InvoiceRequest) -> None:
    if not is_organiser_of(actor, request.organizer_id):
        raise Forbidden(_("Only the organiser can change this invoice request."))


def record_invoice(*, actor, request_id: int, data: dict, provider: str = "") -> InvoiceRequest:
    """The invoice issued for the request: its number, symbol and lookup code (typed by the
    organiser, or returned by ``provider``). A request already invoiced takes corrected
    identifiers typed by the organiser (audited with the ones before); a provider's answer
    is refused with 409 then (the request was invoiced while the provider worked)."""
    request = get_request(request_id, actor)
    identity = check_identity(request, data)
    try:
        with write_transaction():
            request = lock_row(InvoiceRequest, request_id)
            _require_organiser(actor, request)
            correctable = () if provider else (InvoiceRequestStatus.INVOICED.value,)
            if request.status not in (*WAITING, *correctable):
                raise Conflict(_("This request is %(status)s: its invoice cannot be recorded.",
                                 status=request.status_enum.title), code="not_invoiceable")
            taken = db.session.scalar(select(InvoiceRequest.id).where(
                InvoiceRequest.organizer_id == request.organizer_id,
                InvoiceRequest.invoice_symbol == identity.symbol,
                InvoiceRequest.invoice_number == identity.number,
                InvoiceRequest.id != request.id))
            if taken is not None:
                message = _("Invoice %(number)s of symbol %(symbol)s is already recorded for "
                            "another request.", number=identity.number, symbol=identity.symbol)
                raise ValidationFailed(message, fields={"invoice_number": message})
            before = {"status": request.status, "invoice_number": request.invoice_number,
                      "invoice_symbol": request.invoice_symbol,
                      "lookup_code": request.lookup_code}
            now = utcnow()
            request.invoice_number, request.invoice_symbol = identity.number, identity.symbol
            request.lookup_code, request.provider = identity.lookup_code, provider
            request.status, request.invoiced_at = InvoiceRequestStatus.INVOICED.value, now
            request.invoiced_by_id, request.updated_at = actor.id, now
            db.session.flush()
            audit.record("invoice_request", request.id, "invoice", actor=actor,
                         week_id=request.week_id, business_id=request.business_id,
                         before=before, after={
                             "status": request.status, "invoice_number": identity.number,
                             "invoice_symbol": identity.symbol,
                             "lookup_code": identity.lookup_code, "provider": provider})
    except IntegrityError:  # the same number recorded at the same moment by someone else
        raise Conflict(_("This invoice number was just recorded for another request."),
                       code="invoice_number_taken") from None
    return request


def submit_to_provider(*, actor, request_id: int, provider=None) -> InvoiceRequest:
    """Send the request to the configured provider adapter (einvoice_providers) and record the
    invoice it returns. The call is made outside any transaction; if the request was invoiced
    meanwhile, the answer is refused with 409."""
    from exhibit.documents import einvoice_providers
    request = get_request(request_id, actor)
    _require_organiser(actor, request)
    if request.status not in WAITING:
        raise Conflict(_("This request is %(status)s: it is not sent again.",
                         status=request.status_enum.title), code="not_invoiceable")
    provider = provider or einvoice_providers.configured()
    result = provider.submit(export_record(request))
    return record_invoice(actor=actor, request_id=request_id, provider=provider.name, data={
        "invoice_number": result.number, "invoice_symbol": result.symbol,
        "lookup_code": result.lookup_code})


# -- corrections and cancelling -------------------------------------------------------------------

CORRECTIONS = (InvoiceRequestKind.ADJUSTMENT.value, InvoiceRequestKind.REPLACEMENT.value)
BUYER_FIELDS = ("name", "tax_code", "address", "email")


def _corrected_buyer(original: InvoiceRequest, data: dict, errors: dict) -> dict:
    buyer = dict(original.buyer)
    for key in BUYER_FIELDS:
        value = clean_text(data.get(f"buyer_{key}"))
        if value:
            buyer[key] = value
    if not buyer.get("name"):
        errors["buyer_name"] = _("Enter the buyer's legal name.")
    if buyer.get("tax_code") and not is_valid_tax_code(buyer["tax_code"]):
        errors["buyer_tax_code"] = _("Not a valid tax code.")
    if buyer.get("email") and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", buyer["email"]):
        errors["buyer_email"] = _("Not an email address.")
    return buyer


def correct(*, actor, request_id: int, kind: str, data: dict) -> InvoiceRequest:
    """A correction of an invoiced request: an adjustment (``data["amount_vnd"]``, the
    difference VAT included, negative to lower, 0 with corrected buyer details) or a
    replacement (the same lines, corrected buyer details); ``data["reason"]`` says why. The
    original stays, marked adjusted or replaced."""
    original = get_request(request_id, actor)
    errors: dict[str, str] = {}
    if kind not in CORRECTIONS:
        errors["kind"] = _("Choose an adjustment or a replacement.")
    reason = clean_text(data.get("reason"))[:500]
    if not reason:
        errors["reason"] = _("Say why the invoice is corrected.")
    buyer = _corrected_buyer(original, data, errors)
    difference = 0
    if kind == InvoiceRequestKind.ADJUSTMENT.value:
        try:
            difference = numbers.parse_whole(data.get("amount_vnd")) or 0
        except (TypeError, ValueError):
            errors["amount_vnd"] = _("Enter the difference in đồng, e.g. -100.000 or 50.000.")
        if not errors.get("amount_vnd") and difference == 0 and buyer == original.buyer:
            errors["amount_vnd"] = _("An adjustment changes the amount or the buyer's details.")
        if abs(difference) > 10 ** 13:
            errors["amount_vnd"] = _("Enter the difference in đồng, e.g. -100.000 or 50.000.")
    elif kind == InvoiceRequestKind.REPLACEMENT.value and buyer == original.buyer:
        errors["buyer_name"] = _("A replacement corrects the buyer's details: change at least one.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    with write_transaction():
        original = lock_row(InvoiceRequest, request_id)
        _require_organiser(actor, original)
        allowed = (InvoiceRequestStatus.INVOICED.value,) if kind == InvoiceRequestKind.REPLACEMENT.value \
            else (InvoiceRequestStatus.INVOICED.value, InvoiceRequestStatus.ADJUSTED.value)
        if original.status not in allowed:
            raise Conflict(_("Only an issued invoice is corrected (this request is %(status)s).",
                             status=original.status_enum.title), code="not_correctable")
        today, now = vietnam_today(), utcnow()
        reference = (f"hóa đơn số {original.invoice_number}, ký hiệu {original.invoice_symbol}, "
                     f"ngày {original.invoice_date.strftime('%d/%m/%Y')}")
        if kind == InvoiceRequestKind.REPLACEMENT.value:
            lines = [dict(line) for line in original.lines]
            before, vat = original.amount_before_vat_vnd, original.vat_vnd
            new_status = InvoiceRequestStatus.REPLACED.value
        else:
            rate = original.vat_percent
            before = (1 if difference >= 0 else -1) * _half_up(abs(difference) * 100, 100 + rate)
            vat = difference - before
            what = ("Điều chỉnh tăng" if difference > 0 else "Điều chỉnh giảm" if difference < 0
                    else "Điều chỉnh thông tin người mua")
            lines = [_line(f"{what} cho {reference}", "", 1 if difference else 0, before, before,
                           rate, vat)]
            new_status = InvoiceRequestStatus.ADJUSTED.value
        correction = InvoiceRequest(
            organizer_id=original.organizer_id, week_id=original.week_id,
            business_id=original.business_id, document_id=original.document_id,
            payment_id=original.payment_id, kind=kind, original_id=original.id,
            status=InvoiceRequestStatus.PREPARED.value, invoice_date=today,
            payment_kind=original.payment_kind, seller=dict(original.seller), buyer=buyer,
            lines=lines, vat_percent=original.vat_percent, amount_before_vat_vnd=before,
            vat_vnd=vat, total_vnd=before + vat, amount_in_words=amount_in_words(before + vat),
            contract_number=original.contract_number, reference=original.reference,
            reason=reason, created_at=now, updated_at=now)
        db.session.add(correction)
        previous = original.status
        original.status, original.updated_at = new_status, now
        db.session.flush()
        audit.record("invoice_request", correction.id, kind, actor=actor,
                     week_id=original.week_id, business_id=original.business_id,
                     before={"original_id": original.id, "status": previous},
                     after={"original_id": original.id, "total_vnd": correction.total_vnd,
                            "original_status": new_status}, note=reason)
    return correction


def cancel(*, actor, request_id: int, reason: str) -> InvoiceRequest:
    """Withdraw a request no invoice was issued for (the payment was recorded by mistake…)."""
    get_request(request_id, actor)
    reason = clean_text(reason)[:500]
    if not reason:
        message = _("Say why the request is cancelled.")
        raise ValidationFailed(message, fields={"reason": message})
    with write_transaction():
        request = lock_row(InvoiceRequest, request_id)
        _require_organiser(actor, request)
        if request.status not in WAITING:
            raise Conflict(_("An issued invoice is corrected, not cancelled."),
                           code="not_cancellable")
        previous = request.status
        request.status, request.reason = InvoiceRequestStatus.CANCELLED.value, reason
        request.cancelled_at = request.updated_at = utcnow()
        audit.record("invoice_request", request.id, "cancel", actor=actor,
                     week_id=request.week_id, business_id=request.business_id,
                     before={"status": previous}, after={"status": request.status}, note=reason)
    return request


# -- export ---------------------------------------------------------------------------------------

def export_record(request: InvoiceRequest) -> dict:
    """One request in the export layout (the module's docstring)."""
    original = request.original
    return {
        "request_key": request_key(request), "kind": request.kind,
        "original": None if original is None else {
            "request_key": request_key(original), "invoice_number": original.invoice_number,
            "invoice_symbol": original.invoice_symbol,
            "invoice_date": original.invoice_date.isoformat()},
        "status": request.status, "invoice_date": request.invoice_date.isoformat(),
        "currency": "VND", "payment_method": "TM/CK",
        "seller": {k: request.seller.get(k, "") for k in ("name", "tax_code", "address", "email", "phone")},
        "buyer": {k: request.buyer.get(k, "") for k in BUYER_FIELDS},
        "lines": [{"line_no": i, "description": line["description"], "unit": line["unit"],
                   "quantity": line["quantity"], "unit_price": line["unit_price_vnd"],
                   "amount": line["amount_vnd"], "vat_rate": line["vat_percent"],
                   "vat_amount": line["vat_vnd"], "line_total": line["total_vnd"]}
                  for i, line in enumerate(request.lines, start=1)],
        "vat_rate": request.vat_percent, "amount_before_vat": request.amount_before_vat_vnd,
        "vat_amount": request.vat_vnd, "total": request.total_vnd,
        "amount_in_words": request.amount_in_words, "contract_number": request.contract_number,
        "payment_reference": request.reference, "reason": request.reason,
    }


XLSX_COLUMNS = (
    "request_key", "kind", "status", "invoice_date", "currency", "payment_method",
    "original_request_key", "original_invoice_number", "original_invoice_symbol",
    "original_invoice_date", "seller_name", "seller_tax_code", "seller_address", "buyer_name",
    "buyer_tax_code", "buyer_address", "buyer_email", "line_no", "description", "unit",
    "quantity", "unit_price", "amount", "vat_rate", "vat_amount", "line_total",
    "amount_before_vat", "total_vat", "total", "amount_in_words", "contract_number",
    "payment_reference", "reason")
_XLSX_MONEY = [XLSX_COLUMNS.index(c) for c in ("unit_price", "amount", "vat_amount", "line_total",
                                               "amount_before_vat", "total_vat", "total")]


def _xlsx_rows(records: list[dict]):
    for r in records:
        original = r["original"] or {}
        for line in r["lines"]:
            yield [r["request_key"], r["kind"], r["status"], date.fromisoformat(r["invoice_date"]),
                   r["currency"], r["payment_method"], original.get("request_key", ""),
                   original.get("invoice_number", ""), original.get("invoice_symbol", ""),
                   original.get("invoice_date", ""), r["seller"]["name"], r["seller"]["tax_code"],
                   r["seller"]["address"], r["buyer"]["name"], r["buyer"]["tax_code"],
                   r["buyer"]["address"], r["buyer"]["email"], line["line_no"],
                   line["description"], line["unit"], line["quantity"], line["unit_price"],
                   line["amount"], line["vat_rate"], line["vat_amount"], line["line_total"],
                   r["amount_before_vat"], r["vat_amount"], r["total"], r["amount_in_words"],
                   r["contract_number"], r["payment_reference"], r["reason"]]


EXPORT_FORMATS = ("xlsx", "json")


def export(*, actor, week, file_format: str, status: str = "") -> tuple[bytes, str, str]:
    """The week's requests of ``status`` (default: those still waiting for their invoice) as
    (content, mimetype, filename); the prepared ones among them become exported."""
    from exhibit.core.spreadsheets import XLSX_TYPE, Sheet, write_workbook
    from exhibit.weeks.services import require_week_organiser
    require_week_organiser(actor, week)
    if file_format not in EXPORT_FORMATS:
        message = _("Use one of %(codes)s.", codes=", ".join(EXPORT_FORMATS))
        raise ValidationFailed(message, fields={"format": message})
    if status and status not in STATUSES:
        message = _("Not a status of an invoice request.")
        raise ValidationFailed(message, fields={"status": message})
    wanted = (status,) if status else WAITING
    now = utcnow()
    with write_transaction():
        requests = db.session.scalars(select(InvoiceRequest).where(
            InvoiceRequest.week_id == week.id, InvoiceRequest.status.in_(wanted))
            .order_by(InvoiceRequest.invoice_date, InvoiceRequest.id)
            .with_for_update()).all()
        marked = 0
        for request in requests:
            if request.status == InvoiceRequestStatus.PREPARED.value:
                request.status, request.exported_at = InvoiceRequestStatus.EXPORTED.value, now
                request.updated_at = now
                marked += 1
        records = [export_record(r) for r in requests]
        audit.record("invoice_request", None, "export", actor=actor, week_id=week.id,
                     after={"format": file_format, "requests": len(records),
                            "marked_exported": marked, "status": status or "waiting"})
    stamp = now.strftime("%Y%m%d-%H%M")
    filename = f"invoice-requests-{week.slug}-{stamp}.{file_format}"
    if file_format == "json":
        body = {"format": FORMAT, "generated_at": now.isoformat(timespec="seconds"),
                "week": {"slug": week.slug, "name": week.name_vi}, "requests": records}
        return (json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8"),
                "application/json", filename)
    import io
    out = io.BytesIO()
    write_workbook([Sheet("invoice_requests", XLSX_COLUMNS, _xlsx_rows(records), _XLSX_MONEY)], out)
    return out.getvalue(), XLSX_TYPE, filename


# -- the week's money, for the ledger, the dashboard and the report ------------------------------

@dataclass(frozen=True)
class MoneyFlow:
    """What a week's contracts asked for, what came in and how, and what was invoiced."""
    #: open payment requests of issued or signed contracts
    requested: int = 0
    requested_vnd: int = 0
    #: payments received (refunds not counted), and of them those matched from bank credits
    received: int = 0
    received_vnd: int = 0
    matched: int = 0
    matched_vnd: int = 0
    #: bank credits naming a request of the week, waiting for the organiser
    in_review: int = 0
    in_review_vnd: int = 0
    #: invoice requests waiting for their invoice (prepared or exported)
    to_invoice: int = 0
    to_invoice_vnd: int = 0
    #: invoice requests with their invoice issued (originals and corrections; a replaced one
    #: only until its replacement is issued)
    invoiced: int = 0
    invoiced_vnd: int = 0
    #: booths of live contracts let at 0 đồng, their area, and their value at the week's
    #: average rent per m² of booths let for money (before VAT)
    subsidised_booths: int = 0
    subsidised_area_m2: float = 0.0
    subsidised_value_vnd: int = 0


def money_flow(week) -> MoneyFlow:
    """The week's figures in a handful of grouped queries."""
    original = aliased(InvoiceRequest)
    requested, requested_vnd = db.session.execute(
        select(func.count(), func.coalesce(func.sum(PaymentRequest.amount_vnd), 0))
        .join(Document, Document.id == PaymentRequest.document_id)
        .where(PaymentRequest.week_id == week.id,
               PaymentRequest.status == PaymentRequestStatus.OPEN.value,
               Document.status.in_((DocumentStatus.ISSUED.value, DocumentStatus.SIGNED.value)))).one()
    matched_payment = select(BankCredit.id).where(BankCredit.payment_id == Payment.id,
                                                  BankCredit.outcome == CreditOutcome.MATCHED.value)
    received, received_vnd, matched, matched_vnd = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Payment.amount_vnd), 0),
               func.coalesce(func.sum(case((matched_payment.exists(), 1), else_=0)), 0),
               func.coalesce(func.sum(case((matched_payment.exists(), Payment.amount_vnd),
                                           else_=0)), 0))
        .where(Payment.week_id == week.id, Payment.kind != PaymentKind.REFUND.value)).one()
    in_review, in_review_vnd = db.session.execute(
        select(func.count(), func.coalesce(func.sum(BankCredit.amount_vnd), 0))
        .join(PaymentRequest, PaymentRequest.id == BankCredit.payment_request_id)
        .where(PaymentRequest.week_id == week.id,
               BankCredit.outcome == CreditOutcome.REVIEW.value,
               BankCredit.settled_at.is_(None))).one()
    invoices = {status: (n, int(total or 0)) for status, n, total in db.session.execute(
        select(InvoiceRequest.status, func.count(), func.sum(InvoiceRequest.total_vnd))
        .where(InvoiceRequest.week_id == week.id).group_by(InvoiceRequest.status))}
    to_invoice = [invoices.get(s, (0, 0)) for s in WAITING]
    issued = [invoices.get(s, (0, 0)) for s in ISSUED]
    # a replaced invoice whose replacement is issued is counted through its replacement only
    replacement = select(InvoiceRequest.id).where(
        InvoiceRequest.original_id == original.id,
        InvoiceRequest.kind == InvoiceRequestKind.REPLACEMENT.value,
        InvoiceRequest.status.in_(ISSUED)).exists()
    n, total = db.session.execute(
        select(func.count(), func.coalesce(func.sum(original.total_vnd), 0))
        .where(original.week_id == week.id,
               original.status == InvoiceRequestStatus.REPLACED.value, replacement)).one()
    issued.append((-n, -int(total)))
    lines = db.session.execute(
        select(DocumentLine.unit_price_vnd, DocumentLine.area_m2)
        .join(Document, Document.id == DocumentLine.document_id)
        .where(Document.week_id == week.id, Document.kind == DocumentKind.CONTRACT.value,
               Document.status != DocumentStatus.CANCELLED.value)).all()
    free = [area or 0.0 for price, area in lines if price == 0]
    paid_area = sum(area or 0.0 for price, area in lines if price > 0)
    paid_rent = sum(price for price, area in lines if price > 0 and area)
    per_m2 = paid_rent / paid_area if paid_area else 0
    return MoneyFlow(
        requested, int(requested_vnd), received, int(received_vnd), int(matched),
        int(matched_vnd), in_review, int(in_review_vnd), sum(n for n, _v in to_invoice),
        sum(v for _n, v in to_invoice), sum(n for n, _v in issued), sum(v for _n, v in issued),
        len(free), round(sum(free), 2), round(sum(free) * per_m2))
