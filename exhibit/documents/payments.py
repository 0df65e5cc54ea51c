"""The payments ledger: what each exhibitor owes for its booths at a week, what it paid and
when, and who is overdue.

What is due comes from the business's live contract for the week (deposit and balance, each
with its date); payments are recorded by the organiser against the business's booking (and,
where the payer named one, a booth's allocation).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from exhibit.booking import queries as booking
from exhibit.businesses.models import Business
from exhibit.core import audit
from exhibit.core.db import write_transaction
from exhibit.core.errors import NotFound, ValidationFailed
from exhibit.documents.models import (Document, DocumentKind, DocumentStatus, Payment,
                                      PaymentKind)
from exhibit.extensions import db
from exhibit.vn import numbers
from exhibit.vn.dates import parse_date
from exhibit.vn.text import clean_text
from exhibit.weeks.services import require_week_organiser
from exhibit.weeks.models import ExhibitionWeek

PAID, PARTLY_PAID, DUE, OVERDUE, NOTHING_DUE = "paid", "partly_paid", "due", "overdue", "nothing_due"


@dataclass
class LedgerRow:
    business: Business
    booths: list[str]
    contract: Document | None
    #: the day the ledger is read on: what fell due before it and is unpaid is overdue
    today: date
    payments: list[Payment] = field(default_factory=list)

    @property
    def total_due(self) -> int:
        return self.contract.total_vnd if self.contract else 0

    @property
    def deposit_due(self) -> int:
        return self.contract.deposit_vnd if self.contract else 0

    @property
    def paid(self) -> int:
        return sum(p.signed_amount for p in self.payments)

    @property
    def outstanding(self) -> int:
        return max(self.total_due - self.paid, 0)

    @property
    def overdue_amount(self) -> int:
        """What should have been paid by today and was not."""
        if not self.contract:
            return 0
        owed = 0
        if self.contract.deposit_due_on and self.contract.deposit_due_on < self.today:
            owed = self.deposit_due
        if self.contract.balance_due_on and self.contract.balance_due_on < self.today:
            owed = self.total_due
        return max(owed - self.paid, 0)

    @property
    def state(self) -> str:
        if self.total_due == 0:
            return NOTHING_DUE
        if self.overdue_amount:
            return OVERDUE
        if self.paid >= self.total_due:
            return PAID
        return PARTLY_PAID if self.paid > 0 else DUE




def state_title(state: str) -> str:
    return {PAID: _("Paid"), PARTLY_PAID: _("Partly paid"), DUE: _("Due"),
            OVERDUE: _("Overdue"), NOTHING_DUE: _("Nothing due")}[state]


def ledger(week, today: date) -> list[LedgerRow]:
    """One row per business with a confirmed booth, a live contract or a payment at the week."""
    allocations = booking.confirmed_allocations(week.id)
    contracts = db.session.scalars(select(Document).where(
        Document.week_id == week.id, Document.kind == DocumentKind.CONTRACT.value,
        Document.status != DocumentStatus.CANCELLED.value)).all()
    payments = db.session.scalars(select(Payment).where(Payment.week_id == week.id)
                                  .order_by(Payment.paid_on, Payment.id)).all()
    ids = {a.business_id for a in allocations} | {c.business_id for c in contracts} | \
        {p.business_id for p in payments}
    businesses = {b.id: b for b in db.session.scalars(select(Business).where(Business.id.in_(ids)))}
    rows = {bid: LedgerRow(business=businesses[bid], booths=[], contract=None, today=today)
            for bid in ids}
    for allocation in allocations:
        rows[allocation.business_id].booths.append(allocation.booth.code)
    for contract in contracts:
        rows[contract.business_id].contract = contract
    for payment in payments:
        rows[payment.business_id].payments.append(payment)
    return sorted(rows.values(), key=lambda r: (sorted(r.booths) or ["~"], r.business.name))


def overdue(week, today: date) -> list[LedgerRow]:
    return [row for row in ledger(week, today) if row.state == OVERDUE]


#: no reminders for a contract of a week that ended this many days ago
SETTLED_AFTER_DAYS = 30


@dataclass(frozen=True)
class Reminder:
    """A payment of a live contract that falls due soon or is overdue, as plain values."""
    document_id: int
    week_id: int
    business_id: int
    number: str
    #: "deposit" or "balance"
    which: str
    due_on: date
    #: what is still to pay towards it
    amount_vnd: int
    overdue: bool


def reminders(today: date, days_ahead: int = 3) -> list[Reminder]:
    """Deposits and balances of issued or signed contracts due exactly ``days_ahead`` days
    from ``today``, or already past due, that are not paid: for the clock's reminders."""
    soon = today + timedelta(days=days_ahead)
    contracts = db.session.scalars(select(Document).join(
        ExhibitionWeek, ExhibitionWeek.id == Document.week_id).where(
        # a week over for a month is settled by other means than reminders
        ExhibitionWeek.end_date >= today - timedelta(days=SETTLED_AFTER_DAYS),
        Document.kind == DocumentKind.CONTRACT.value,
        Document.status.in_((DocumentStatus.ISSUED.value, DocumentStatus.SIGNED.value)),
        ((Document.deposit_due_on == soon) | (Document.deposit_due_on < today)
         | (Document.balance_due_on == soon) | (Document.balance_due_on < today)))).all()
    found = []
    for contract in contracts:
        paid = sum(p.signed_amount for p in db.session.scalars(select(Payment).where(
            Payment.week_id == contract.week_id, Payment.business_id == contract.business_id)))
        for which, due_on, owed in (("deposit", contract.deposit_due_on, contract.deposit_vnd),
                                    ("balance", contract.balance_due_on, contract.total_vnd)):
            if due_on is None or owed - paid <= 0 or not (due_on == soon or due_on < today):
                continue
            found.append(Reminder(contract.id, contract.week_id, contract.business_id,
                                  contract.number or "", which, due_on, owed - paid,
                                  overdue=due_on < today))
    return found


def record_payment(*, actor, week, data: dict) -> Payment:
    """Record a payment: business_id, kind, amount_vnd, paid_on, reference, note and optionally
    allocation_id (a booth of that business at the week)."""
    require_week_organiser(actor, week)
    errors: dict[str, str] = {}
    kind = str(data.get("kind") or "")
    if kind not in {k.value for k in PaymentKind}:
        errors["kind"] = _("Choose deposit, balance or refund.")
    try:
        amount = numbers.parse_whole(data.get("amount_vnd"))
        if amount is None or amount <= 0:
            raise ValueError
    except (TypeError, ValueError):
        amount = None
        errors["amount_vnd"] = _("Enter the amount in đồng, e.g. 702.000.")
    try:
        paid_on = parse_date(data.get("paid_on"))
        if paid_on is None:
            errors["paid_on"] = _("Enter the date of payment.")
    except (TypeError, ValueError):
        paid_on = None
        errors["paid_on"] = _("Enter a date as dd/mm/yyyy.")
    business_id = _whole(data.get("business_id"))
    if not business_id:
        errors["business_id"] = _("Choose the exhibitor.")
    allocation_id = _whole(data.get("allocation_id"))
    if data.get("allocation_id") and not allocation_id:
        errors["allocation_id"] = _("Not a booth of this business at the week.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    with write_transaction():
        business = db.session.get(Business, business_id)
        if business is None:
            raise NotFound(_("There is no such business."), code="business_not_found")
        if not booking.has_booked_at(week, business_id):
            message = _("This business has no booth at the week.")
            raise ValidationFailed(message, fields={"business_id": message})
        if allocation_id:
            if booking.booking_of(week, business_id, allocation_id) is None:
                message = _("Not a booth of this business at the week.")
                raise ValidationFailed(message, fields={"allocation_id": message})
        contract_id = db.session.scalar(select(Document.id).where(
            Document.week_id == week.id, Document.business_id == business_id,
            Document.kind == DocumentKind.CONTRACT.value,
            Document.status != DocumentStatus.CANCELLED.value))
        payment = Payment(week_id=week.id, business_id=business_id,
                          allocation_id=allocation_id,
                          document_id=contract_id, kind=kind, amount_vnd=amount, paid_on=paid_on,
                          reference=clean_text(data.get("reference"))[:120],
                          note=clean_text(data.get("note"))[:500], recorded_by_id=actor.id)
        db.session.add(payment)
        db.session.flush()
        audit.record("payment", payment.id, "record", actor=actor, week_id=week.id,
                     business_id=business_id,
                     after={"kind": kind, "amount_vnd": amount, "paid_on": paid_on.isoformat(),
                            "reference": payment.reference})
    return payment


def _whole(value) -> int | None:
    try:
        number = numbers.parse_whole(value)
    except (TypeError, ValueError):
        return None
    return number if number and number > 0 else None
