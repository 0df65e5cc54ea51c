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
from flask_babel import pgettext
from sqlalchemy import and_, case, func, literal, or_, select

from exhibit.booking import queries as booking
from exhibit.businesses.models import Business
from exhibit.core import audit, events
from exhibit.core.db import lock_row, utcnow, write_transaction
from exhibit.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from exhibit.core.paging import Page, counted_page, page_number, search_text
from exhibit.documents import invoicing
from exhibit.documents.models import (BankCredit, CreditOutcome, Document, DocumentKind,
                                      DocumentStatus, Payment, PaymentKind)
from exhibit.documents.numbering import number_contains
from exhibit.extensions import db
from exhibit.vn import numbers
from exhibit.vn.dates import parse_date
from exhibit.vn.text import clean_text, fold_search_key
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
    """The state's name. "Due" here is the state of owing with no day passed yet (Vietnamese
    "Chưa đến hạn"), not the amount due ("Phải thu"): its own context keeps the two apart."""
    return {PAID: _("Paid"), PARTLY_PAID: _("Partly paid"),
            DUE: pgettext("payment state", "Due"),
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


# -- the ledger in SQL: searched, filtered, counted and paged by the database -------------------
#
# The same rules as LedgerRow, written as SQL expressions over one row per business (its live
# contract joined, its payments summed), so a fair's 2,500 exhibitors are filtered, counted
# and totalled without loading them. tests/documents/test_ledger_pages.py checks both agree.

#: the states in the order the page lists them
STATES = (OVERDUE, DUE, PARTLY_PAID, PAID, NOTHING_DUE)
#: rows of the balances and of the payments list per page, and the longest search kept
LEDGER_PER_PAGE = 50


@dataclass(frozen=True)
class LedgerFilters:
    """The organiser's search and filters over the ledger; unknown values are ignored."""
    #: a business's name (with or without diacritics) or tax code, a contract number, or a
    #: transfer reference of one of its payments
    q: str = ""
    #: one of STATES (the balances)
    state: str = ""
    #: a PaymentKind value (the list of payments)
    kind: str = ""

    @classmethod
    def from_args(cls, args) -> LedgerFilters:
        state, kind = args.get("state", ""), args.get("kind", "")
        return cls(q=search_text(args),
                   state=state if state in STATES else "",
                   kind=kind if kind in {k.value for k in PaymentKind} else "")


def live_contract():
    """The condition "a contract not cancelled" (the one a business's payments are owed on)."""
    return and_(Document.kind == DocumentKind.CONTRACT.value,
                Document.status != DocumentStatus.CANCELLED.value)


def _live_contract(week_id):
    return and_(Document.week_id == week_id, live_contract())


def contract_amounts():
    """(total, deposit) of the contract row, in đồng, as SQL (0 without a contract)."""
    return (func.coalesce(Document.total_vnd, 0),
            func.coalesce(Document.total_vnd * Document.deposit_percent // 100, 0))


def owed_before(today: date, total, deposit):
    """The ledger's rule as SQL (LedgerRow.overdue_amount in Python): what should have been paid
    before ``today`` — the whole after the balance's day, else the deposit after its day."""
    return case((Document.balance_due_on < today, total),
                (Document.deposit_due_on < today, deposit), else_=0)


def _exhibiting(week):
    """The condition "this business has a confirmed booth at the week", for a query over
    businesses (booking's subquery of a business's weeks, correlated to the outer row)."""
    return literal(week.id).in_(booking.weeks_exhibiting(Business.id))


def _balances(week, today: date):
    """A subquery: one row per business of the ledger (with a confirmed booth, a live contract
    or a payment at the week) with its contract, what it owes, paid, still owes and owes late,
    and its state."""
    paid_by = (select(Payment.business_id,
                      paid_sum().label("paid"))
               .where(Payment.week_id == week.id).group_by(Payment.business_id).subquery())
    total, deposit = contract_amounts()
    paid = func.coalesce(paid_by.c.paid, 0)
    owed = owed_before(today, total, deposit)
    late = case((owed > paid, owed - paid), else_=0)
    state = case((total == 0, NOTHING_DUE), (owed > paid, OVERDUE), (paid >= total, PAID),
                 (paid > 0, PARTLY_PAID), else_=DUE)
    return (select(Business.id.label("business_id"), Business.name, Business.name_search,
                   Business.tax_code, Business.phone, Document.id.label("contract_id"),
                   Document.number.label("contract_number"), Document.deposit_due_on,
                   Document.balance_due_on, deposit.label("deposit_due"), total.label("total_due"),
                   paid.label("paid"), case((total > paid, total - paid), else_=0).label("outstanding"),
                   late.label("overdue_amount"), state.label("state"))
            .select_from(Business)
            .outerjoin(Document, and_(Document.business_id == Business.id, _live_contract(week.id)))
            .outerjoin(paid_by, paid_by.c.business_id == Business.id)
            .where(or_(_exhibiting(week), Document.id.is_not(None),
                       paid_by.c.business_id.is_not(None)))
            .subquery("balances"))


def _matching(query, columns, week, q: str):
    """Rows whose business or contract matches the search ``q``, or that have a payment at the
    week whose transfer reference contains it."""
    if not q:
        return query
    folded = fold_search_key(q)
    reference = select(Payment.id).where(
        Payment.week_id == week.id, Payment.business_id == columns.business_id,
        func.lower(Payment.reference).contains(q.lower(), autoescape=True)).exists()
    return query.where(or_(columns.name_search.contains(folded, autoescape=True),
                           columns.tax_code.contains(q, autoescape=True),
                           number_contains(columns.contract_number, q),
                           reference))


@dataclass
class Balance:
    """A business's line of the ledger as the page shows it (values from ``_balances``)."""
    row: object
    booths: list[str]
    payments: list[Payment]

    def __getattr__(self, name):
        return getattr(self.row, name)


@dataclass(frozen=True)
class StateTotal:
    businesses: int = 0
    due: int = 0
    paid: int = 0
    outstanding: int = 0
    overdue: int = 0


def state_totals(week, today: date) -> dict[str, StateTotal]:
    """Per state of the ledger: how many businesses, and what they owe, paid, still owe and
    owe late, summed by the database in one grouped query."""
    balances = _balances(week, today)
    found = {state: StateTotal(*values) for state, *values in db.session.execute(
        select(balances.c.state, func.count(), func.sum(balances.c.total_due),
               func.sum(balances.c.paid), func.sum(balances.c.outstanding),
               func.sum(balances.c.overdue_amount)).group_by(balances.c.state))}
    return {state: found.get(state, StateTotal()) for state in STATES}


def balances_page(week, today: date, filters: LedgerFilters, number: int) -> Page:
    """One page of the ledger's businesses matching ``filters``, by name, each with its
    confirmed booths (the week's codes in one query) and its payments (the page's, in one)."""
    balances = _balances(week, today)
    query = select(balances)
    if filters.state:
        query = query.where(balances.c.state == filters.state)
    query = _matching(query, balances.c, week, filters.q).order_by(
        balances.c.name_search, balances.c.business_id)
    page = counted_page(query, number, LEDGER_PER_PAGE, scalars=False)
    paid: dict[int, list[Payment]] = {}
    if page.rows:
        for payment in db.session.scalars(select(Payment).where(
                Payment.week_id == week.id,
                Payment.business_id.in_([row.business_id for row in page.rows]))
                .order_by(Payment.paid_on, Payment.id)):
            paid.setdefault(payment.business_id, []).append(payment)
    codes = booking.confirmed_booth_codes(week) if page.rows else {}
    page.rows = [Balance(row, codes.get(row.business_id, []), paid.get(row.business_id, []))
                 for row in page.rows]
    return page


def payments_page(week, filters: LedgerFilters, number: int) -> Page:
    """One page of the payments recorded at the week matching ``filters`` (kind; the search
    as for the balances), newest first, each with its business and the contract it counts
    towards, as result rows."""
    query = (select(Payment, Business.name, Business.tax_code, Document.number.label("contract_number"))
             .join(Business, Business.id == Payment.business_id)
             .outerjoin(Document, Document.id == Payment.document_id)
             .where(Payment.week_id == week.id))
    if filters.kind:
        query = query.where(Payment.kind == filters.kind)
    if filters.q:
        folded, lowered = fold_search_key(filters.q), filters.q.lower()
        query = query.where(or_(Business.name_search.contains(folded, autoescape=True),
                                Business.tax_code.contains(filters.q, autoescape=True),
                                number_contains(Document.number, filters.q),
                                func.lower(Payment.reference).contains(lowered, autoescape=True)))
    query = query.order_by(Payment.paid_on.desc(), Payment.id.desc())
    return counted_page(query, number, LEDGER_PER_PAGE, scalars=False)


@dataclass
class LedgerPage:
    """What the organiser's payments page shows: the totals per state, the payments counted
    per kind, and one page of the balances (``view == "balances"``) or of the payments."""
    view: str
    filters: LedgerFilters
    totals: dict[str, StateTotal]
    kind_counts: dict[str, int]
    page: Page

    @property
    def total(self) -> StateTotal:
        values = self.totals.values()
        return StateTotal(*(sum(getattr(t, name) for t in values) for name in (
            "businesses", "due", "paid", "outstanding", "overdue")))


def ledger_page(week, today: date, args) -> LedgerPage:
    """The payments page read from the request's arguments (?view=payments, ?q=, ?state=,
    ?kind=, ?page=); wrong values are ignored."""
    filters = LedgerFilters.from_args(args)
    view = "payments" if args.get("view") == "payments" else "balances"
    number = page_number(args)
    page = (payments_page(week, filters, number) if view == "payments"
            else balances_page(week, today, filters, number))
    return LedgerPage(view, filters, state_totals(week, today),
                      payment_kind_counts(week), page)


def payment_kind_counts(week) -> dict[str, int]:
    """How many payments of each kind were recorded at the week."""
    return dict(db.session.execute(select(Payment.kind, func.count()).where(
        Payment.week_id == week.id).group_by(Payment.kind)).all())


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


def paid_sum():
    """SQL: what the payments grouped together add up to, refunds taken off (signed_amount)."""
    return func.sum(case((Payment.kind == PaymentKind.REFUND.value, -Payment.amount_vnd),
                         else_=Payment.amount_vnd))


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
    # what each business paid at each of those weeks, summed in one query (not per contract)
    paid_at: dict[tuple[int, int], int] = {}
    if contracts:
        paid_at = {(week_id, business_id): int(total) for week_id, business_id, total in db.session.execute(
            select(Payment.week_id, Payment.business_id,
                   paid_sum())
            .where(Payment.week_id.in_({c.week_id for c in contracts}))
            .group_by(Payment.week_id, Payment.business_id))}
    found = []
    for contract in contracts:
        paid = paid_at.get((contract.week_id, contract.business_id), 0)
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
    allocation_id (a booth of that business at the week), and credit_id: a bank credit in the
    review queue the payment settles (it leaves the queue, pointing at the payment). The
    payment's e-invoice request is prepared in the same transaction (documents/invoicing.py)."""
    require_week_organiser(actor, week)
    credit_id = _whole(data.get("credit_id"))
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
        credit = _credit_in_review(credit_id, week) if credit_id else None
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
        events.announce(events.payment_recorded, payment_id=payment.id, week_id=week.id,
                        business_id=business_id)
        if credit is not None:
            credit.payment_id, credit.settled_at, credit.settled_by_id = payment.id, utcnow(), actor.id
            credit.settlement = _("Recorded in the ledger as a payment (%(kind)s, %(amount)s đồng)",
                                  kind=PaymentKind(kind).title,
                                  amount=numbers.format_number(amount))[:300]
            if not payment.reference:
                payment.reference = credit.transaction_id[:120]
            audit.record("bank_credit", credit.id, "settle", actor=actor, week_id=week.id,
                         business_id=business_id,
                         after={"transaction_id": credit.transaction_id, "reason": credit.reason,
                                "payment_id": payment.id}, note=credit.settlement)
        invoicing.prepare_for_payment(payment)
    return payment


def _credit_in_review(credit_id: int, week) -> BankCredit:
    """The organiser's bank credit still waiting for review, locked (404 if it is not the
    week's organiser's, 409 if it was settled meanwhile)."""
    credit = lock_row(BankCredit, credit_id)
    if credit is None or credit.organizer_id != week.organizer_id:
        raise NotFound(_("There is no such bank credit."), code="bank_credit_not_found")
    if credit.outcome != CreditOutcome.REVIEW.value or credit.settled_at is not None:
        raise Conflict(_("This credit is not waiting for review."), code="not_in_review")
    return credit


def record_credit_payment(*, actor, credit_id: int, data: dict) -> Payment:
    """Settle a credit in review by recording it in the ledger as a payment of the business
    whose order code it names (kind, amount_vnd; paid on the day it was credited, its
    transaction id as the reference unless others are given)."""
    from exhibit.weeks.services import is_organiser_of
    credit = db.session.get(BankCredit, credit_id)
    if credit is None or not is_organiser_of(actor, credit.organizer_id):
        if credit is not None and actor is not None and actor.is_organiser:
            raise Forbidden(_("Only the organiser can settle this credit."))
        raise NotFound(_("There is no such bank credit."), code="bank_credit_not_found")
    request = credit.payment_request
    if request is None:
        message = _("This credit names no order code: record its payment in the ledger below.")
        raise ValidationFailed(message, fields={"credit_id": message})
    week = db.session.get(ExhibitionWeek, request.week_id)
    from exhibit.vn.dates import vietnam_today
    return record_payment(actor=actor, week=week, data={
        "business_id": request.business_id, "kind": data.get("kind") or request.kind,
        "amount_vnd": data.get("amount_vnd") or credit.amount_vnd,
        "paid_on": data.get("paid_on") or vietnam_today(credit.credited_at).strftime("%d/%m/%Y"),
        "reference": data.get("reference") or credit.transaction_id,
        "note": data.get("note") or "", "credit_id": credit.id})


def _whole(value) -> int | None:
    try:
        number = numbers.parse_whole(value)
    except (TypeError, ValueError):
        return None
    return number if number and number > 0 else None
