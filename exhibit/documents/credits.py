"""Bank credits: a credit to the organiser's account, reported by its bank, matched to a payment
request by the order code in its description — or put aside for the organiser to settle.

A credit is recorded in the ledger as a payment only when all of this holds: it was paid into
the organiser's own account, its description carries the order code of an open request of that
organiser (check character right), no other credit paid that request, and its amount is the
request's exactly. Anything else — partial, excess, duplicate, unknown code, wrong account,
a cancelled request — waits in the review queue; nothing is ever marked paid from an
exhibitor's claim or a screenshot, only from what the bank reported.

A bank transaction is seen once per organiser (its id is unique): a notification delivered
again returns the first outcome and changes nothing.

Notifications arrive at a signed webhook (:func:`verify_signature`: HMAC-SHA256 of the raw body
with the organiser's key, hex, in the ``X-Exhibit-Signature`` header as ``sha256=<hex>``) in a
generic JSON shape, or in a notification service's own (``?format=sepay`` or ``?format=casso``,
see :data:`FORMATS`):

    {"transaction_id": "FT26009123456", "account": "0071001234567", "amount": 702000,
     "time": "2026-01-09T10:15:00+07:00", "description": "CT HD0012026DC NGUYEN VAN A"}

Casso (casso.vn, "Webhook V2", developer.casso.vn) posts one transaction per call:

    {"error": 0, "data": {"id": 218897, "reference": "FT24364030863634",
     "description": "HD0012026DC chuyen tien", "amount": 702000, "runningBalance": 16775000,
     "transactionDateTime": "2024-12-23 07:00:00", "accountNumber": "0071001234567",
     "bankName": "MBBank", "bankAbbreviation": "MBB", "virtualAccountNumber": "", …}}

``data.id`` is Casso's own id of the transaction (unique in Casso, the same on its retries; the
bank's ``reference`` "may repeat in some cases" and some banks have none), so it keys the credit
as ``casso-<id>``; the time is Vietnam time without an offset; money going out has a negative
amount and asks for nothing. Casso signs each call itself in ``X-Casso-Signature``:
``t=<unix ms>,v1=<hex>``, where v1 is HMAC-SHA512, keyed with the integration's "Key bảo mật",
of ``t + "." + the JSON body with every object's keys sorted A→Z, written compactly``
(github.com/CassoHQ/casso-webhook-v2-verify-signature). :func:`verify_request` accepts either
our own ``X-Exhibit-Signature`` (a relay that signs with the organiser's key) or Casso's header
checked with the organiser's key — which therefore must be the key entered in Casso's
integration. Casso's signature covers the parsed JSON, not the raw bytes, so the body is
verified as Casso rebuilds it; its timestamp is not checked for age (Casso retries a failed call
later with the same ``t``), replays being harmless anyway: a transaction is received once.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from exhibit.core import audit, events
from exhibit.core.db import lock_row, utcnow, write_transaction
from exhibit.core.errors import Forbidden, ValidationFailed
from exhibit.documents.models import (BankCredit, CreditOutcome, Document, Payment,
                                      PaymentRequest, PaymentRequestStatus)
from exhibit.documents import invoicing
from exhibit.documents.requests import is_valid_code, shown_request
from exhibit.extensions import db
from exhibit.vn.dates import vietnam_today
from exhibit.weeks.models import Organizer

SIGNATURE_HEADER = "X-Exhibit-Signature"
#: an order code as requests.order_code makes it, found anywhere in a description once banks'
#: spaces and punctuation are taken out
_CODE = re.compile(r"HD\d{7,10}[DB][0-9A-HJKMNP-TV-Z]")


def new_webhook_secret(*, actor) -> str:
    """A new key for the organiser's bank-notification service (the old one stops working)."""
    if actor is None or not actor.is_organiser:
        raise Forbidden(_("Only organisers can do this."))
    secret = secrets.token_hex(32)
    with write_transaction():
        organizer = db.session.get(Organizer, actor.organizer_id)
        organizer.bank_webhook_secret = secret
        audit.record("organizer", organizer.id, "webhook_secret", actor=actor)
    return secret


def verify_signature(organizer: Organizer | None, body: bytes, header: str | None) -> bool:
    """The body was signed with the organiser's key; False without a key or a signature."""
    if organizer is None or not organizer.bank_webhook_secret or not header:
        return False
    expected = hmac.new(organizer.bank_webhook_secret.encode(), body, hashlib.sha256).hexdigest()
    given = header.strip()
    given = given[len("sha256="):] if given.lower().startswith("sha256=") else given
    return hmac.compare_digest(expected, given.lower())


CASSO_SIGNATURE_HEADER = "X-Casso-Signature"
_CASSO_SIGNATURE = re.compile(r"t=(\d+),v1=([0-9a-fA-F]+)")


def casso_signature(key: str, data, timestamp: str) -> str:
    """Casso's v1 signature of a webhook body: HMAC-SHA512 (hex) of ``<t>.<the body as JSON,
    keys sorted, no spaces>``. Non-ASCII text is written as it is, as JavaScript's
    JSON.stringify writes it (Casso's sample in Python escapes it; its own senders run on
    JavaScript — a description with diacritics is the one place the two would differ)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(key.encode(), f"{timestamp}.{text}".encode(), hashlib.sha512).hexdigest()


def verify_casso_signature(key: str | None, body: bytes, header: str | None) -> bool:
    """The body carries Casso's signature made with ``key``; False without either, or when
    the body is not JSON."""
    match = _CASSO_SIGNATURE.fullmatch((header or "").strip())
    if not key or match is None:
        return False
    try:
        data = json.loads(body)
    except ValueError:
        return False
    timestamp, given = match.groups()
    return hmac.compare_digest(casso_signature(key, data, timestamp), given.lower())


def verify_request(organizer: Organizer | None, body: bytes, headers) -> bool:
    """Signed with the organiser's key: our ``X-Exhibit-Signature``, or Casso's
    ``X-Casso-Signature`` (``headers``: the request's, any mapping with ``get``)."""
    if verify_signature(organizer, body, headers.get(SIGNATURE_HEADER)):
        return True
    return organizer is not None and verify_casso_signature(
        organizer.bank_webhook_secret, body, headers.get(CASSO_SIGNATURE_HEADER))


@dataclass(frozen=True)
class ReportedCredit:
    """A credit as a bank reported it, checked."""
    transaction_id: str
    account: str
    amount_vnd: int
    credited_at: datetime
    description: str


#: more than any transfer a fair sees (and than the ledger's columns hold)
MAX_CREDIT_VND = 10**15


def parse_credit(data) -> ReportedCredit:
    """The generic JSON shape, checked field by field (ValidationFailed naming each)."""
    errors: dict[str, str] = {}
    if not isinstance(data, dict):
        raise ValidationFailed(_("Send a JSON object."), fields={"body": _("Send a JSON object.")})
    transaction_id = str(data.get("transaction_id") or "").strip()
    if not transaction_id or len(transaction_id) > 100:
        errors["transaction_id"] = _("The bank's transaction id, 1 to 100 characters.")
    amount = data.get("amount")
    if isinstance(amount, str) and amount.strip().isdigit():
        amount = int(amount.strip())
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_CREDIT_VND:
        errors["amount"] = _("A whole number of đồng above zero.")
    try:
        credited_at = datetime.fromisoformat(str(data.get("time") or ""))
        if credited_at.tzinfo is None:
            raise ValueError
    except ValueError:
        credited_at = None
        errors["time"] = _("An ISO 8601 time with its offset, e.g. 2026-01-09T10:15:00+07:00.")
    description = str(data.get("description") or "")
    if len(description) > 500:
        errors["description"] = _("At most 500 characters.")
    if errors:
        raise ValidationFailed(_("The notification is not valid."), fields=errors)
    return ReportedCredit(transaction_id, str(data.get("account") or "").strip()[:40], amount,
                          credited_at.astimezone(timezone.utc), description)


def from_sepay(data) -> ReportedCredit | None:
    """SePay's webhook body (developer.sepay.vn, "SePay Webhooks"): ``id``, ``gateway``,
    ``transactionDate`` ("2023-03-25 14:02:37", Vietnam time), ``accountNumber``, ``content``,
    ``transferType`` ("in" or "out"), ``transferAmount``, ``referenceCode``… None for money
    going out, which asks for nothing. SePay's own id keys the transaction, as SePay advises
    for telling its retries apart."""
    if not isinstance(data, dict):
        return parse_credit(data)
    if data.get("transferType") == "out":
        return None
    when = str(data.get("transactionDate") or "").strip().replace(" ", "T")
    transaction = data.get("id")
    return parse_credit({
        "transaction_id": f"sepay-{transaction}" if transaction not in (None, "") else "",
        "account": data.get("accountNumber") or data.get("subAccount") or "",
        "amount": data.get("transferAmount"),
        "time": f"{when}+07:00" if when and "+" not in when and not when.endswith("Z") else when,
        "description": data.get("content") or ""})


def from_casso(data) -> ReportedCredit | None:
    """Casso's Webhook V2 body (see the module's notes): ``{"error": 0, "data": {…}}`` with
    one transaction (an older list of them with one item is read too). None for money going
    out (a negative amount)."""
    if not isinstance(data, dict):
        return parse_credit(data)
    transaction = data.get("data")
    if isinstance(transaction, list) and len(transaction) == 1:
        transaction = transaction[0]
    if not isinstance(transaction, dict):
        message = _("Casso sends one transaction in data.")
        raise ValidationFailed(message, fields={"data": message})
    amount = transaction.get("amount")
    if isinstance(amount, (int, float)) and not isinstance(amount, bool) and amount < 0:
        return None
    if isinstance(amount, float) and amount.is_integer():
        amount = int(amount)
    when = str(transaction.get("transactionDateTime") or transaction.get("when") or "").strip()
    when = when.replace(" ", "T")
    if when and len(when) == 10:  # a date alone: the bank gave no time
        when += "T00:00:00"
    transaction_id = transaction.get("id")
    return parse_credit({
        "transaction_id": f"casso-{transaction_id}" if transaction_id not in (None, "") else "",
        "account": transaction.get("accountNumber") or transaction.get("virtualAccountNumber")
        or "",
        "amount": amount,
        "time": f"{when}+07:00" if when and "+" not in when and not when.endswith("Z") else when,
        "description": transaction.get("description") or ""})


#: the body formats the webhook reads (``?format=``): the generic shape and bank-notification
#: services' own, each turned into a ReportedCredit (None: nothing to receive)
FORMATS = {"generic": parse_credit, "sepay": from_sepay, "casso": from_casso}


def codes_in(description: str) -> list[str]:
    """The valid order codes in a transfer description, in order, whatever case, spaces or
    punctuation the banks put around or inside them."""
    squeezed = re.sub(r"[^0-9A-Z]", "", description.upper())
    return list(dict.fromkeys(c for c in _CODE.findall(squeezed) if is_valid_code(c)))


def receive_credit(organizer_id: int, credit: ReportedCredit, *, source: str) -> tuple[BankCredit, bool]:
    """Match a reported credit and store it, in one write transaction; (the credit, whether it
    is new). A transaction already received is returned as it was, changing nothing — also
    when the same notification arrives twice at once (the second one loses on the unique
    transaction id and reads the first)."""
    try:
        return _receive(organizer_id, credit, source)
    except IntegrityError:
        seen = db.session.scalar(select(BankCredit).where(
            BankCredit.organizer_id == organizer_id,
            BankCredit.transaction_id == credit.transaction_id))
        if seen is None:
            raise
        return seen, False


def _receive(organizer_id: int, credit: ReportedCredit, source: str) -> tuple[BankCredit, bool]:
    with write_transaction():
        seen = db.session.scalar(select(BankCredit).where(
            BankCredit.organizer_id == organizer_id,
            BankCredit.transaction_id == credit.transaction_id))
        if seen is not None:
            return seen, False
        organizer = db.session.get(Organizer, organizer_id)
        row = BankCredit(organizer_id=organizer_id, transaction_id=credit.transaction_id,
                         account=credit.account, amount_vnd=credit.amount_vnd,
                         credited_at=credit.credited_at, description=credit.description[:500],
                         source=source, received_at=utcnow())
        request = _match(row, organizer, codes_in(credit.description))
        db.session.add(row)
        db.session.flush()
        if row.outcome == CreditOutcome.MATCHED.value:
            _record_payment(row, request)
        audit.record("bank_credit", row.id, "receive", week_id=request.week_id if request else None,
                     business_id=request.business_id if request else None,
                     after={"transaction_id": row.transaction_id, "amount_vnd": row.amount_vnd,
                            "code": row.code, "outcome": row.outcome, "reason": row.reason})
    return row, True


def _match(row: BankCredit, organizer: Organizer, codes: list[str]) -> PaymentRequest | None:
    """Set the credit's outcome (and its request, when its code names one); returns it."""
    def review(reason: str) -> None:
        row.outcome, row.reason = CreditOutcome.REVIEW.value, reason

    row.code = codes[0] if codes else ""
    if _digits(row.account) != _digits(organizer.bank_account):
        review("wrong_account")
        return None
    request = db.session.scalar(select(PaymentRequest).where(
        PaymentRequest.organizer_id == organizer.id,
        PaymentRequest.code.in_(codes))) if codes else None
    if request is None:
        review("unknown_code")
        return None
    # two credits naming the same request wait for each other: only one can be its match
    request = lock_row(PaymentRequest, request.id)
    row.code, row.payment_request_id = request.code, request.id
    if request.status != PaymentRequestStatus.OPEN.value:
        review("not_open")
    elif db.session.scalar(select(BankCredit.id).where(
            BankCredit.payment_request_id == request.id,
            BankCredit.outcome == CreditOutcome.MATCHED.value)) is not None:
        review("duplicate")
    elif shown_request(request).settled:
        # paid already, e.g. recorded by hand before the bank's notification came: recording
        # it again would count the money (and its invoice) twice
        review("already_paid")
    elif row.amount_vnd < request.amount_vnd:
        review("partial")
    elif row.amount_vnd > request.amount_vnd:
        review("excess")
    else:
        row.outcome, row.reason = CreditOutcome.MATCHED.value, ""
    return request


def _record_payment(row: BankCredit, request: PaymentRequest) -> None:
    """The ledger's payment of a matched credit, with the bank's transaction id as reference,
    announced as any payment the organiser records is."""
    document = db.session.get(Document, request.document_id)
    payment = Payment(week_id=request.week_id, business_id=request.business_id,
                      document_id=document.id, kind=request.kind, amount_vnd=row.amount_vnd,
                      paid_on=vietnam_today(row.credited_at), reference=row.transaction_id[:120],
                      note=_("Bank credit matched by order code %(code)s", code=request.code)[:500])
    db.session.add(payment)
    db.session.flush()
    row.payment_id = payment.id
    audit.record("payment", payment.id, "record", week_id=request.week_id,
                 business_id=request.business_id,
                 after={"kind": payment.kind, "amount_vnd": payment.amount_vnd,
                        "paid_on": payment.paid_on.isoformat(), "reference": payment.reference,
                        "code": request.code})
    events.announce(events.payment_recorded, payment_id=payment.id, week_id=request.week_id,
                    business_id=request.business_id)
    invoicing.prepare_for_payment(payment)  # its e-invoice request, in the same transaction


def _digits(account: str | None) -> str:
    return re.sub(r"\D", "", account or "")


def review_queue(organizer_id: int, week_id: int | None = None) -> list[BankCredit]:
    """The organiser's credits waiting for review, newest first; with ``week_id``, those whose
    code names a request of that week and those that name none (they may be anyone's)."""
    query = (select(BankCredit).where(
        BankCredit.organizer_id == organizer_id,
        BankCredit.outcome == CreditOutcome.REVIEW.value, BankCredit.settled_at.is_(None))
        .order_by(BankCredit.credited_at.desc(), BankCredit.id.desc()))
    if week_id is not None:
        query = query.outerjoin(PaymentRequest, PaymentRequest.id == BankCredit.payment_request_id
                                ).where((PaymentRequest.week_id == week_id)
                                        | BankCredit.payment_request_id.is_(None))
    return db.session.scalars(query).all()


def settle_credit(*, actor, credit_id: int, settlement: str) -> BankCredit:
    """The organiser takes a credit out of the review queue, saying how it was settled (the
    payment recorded by hand in the ledger, the money sent back…): it is never deleted."""
    from exhibit.core.db import lock_row as lock
    from exhibit.core.errors import Conflict, NotFound
    from exhibit.vn.text import clean_text
    from exhibit.weeks.services import is_organiser_of
    settlement = clean_text(settlement)[:300]
    if not settlement:
        message = _("Say how the credit was settled.")
        raise ValidationFailed(message, fields={"settlement": message})
    with write_transaction():
        credit = lock(BankCredit, credit_id)
        if credit is None:
            raise NotFound(_("There is no such bank credit."), code="bank_credit_not_found")
        if not is_organiser_of(actor, credit.organizer_id):
            raise Forbidden(_("Only the organiser can settle this credit."))
        if credit.outcome != CreditOutcome.REVIEW.value or credit.settled_at is not None:
            raise Conflict(_("This credit is not waiting for review."), code="not_in_review")
        credit.settled_at, credit.settled_by_id, credit.settlement = utcnow(), actor.id, settlement
        audit.record("bank_credit", credit.id, "settle", actor=actor,
                     after={"transaction_id": credit.transaction_id, "reason": credit.reason},
                     note=settlement)
    return credit
