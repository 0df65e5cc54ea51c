"""What contracts and payments leave waiting on the organiser, counted for the desk's work
queue (exhibit/weeks/desk.py): confirmed exhibitors without a contract, contract drafts not
issued, issued contracts not signed, and exhibitors late with a payment. Three grouped queries
for any number of weeks.

"Late" is the payments ledger's rule (documents/payments.py, ``owed_before``): what the live
contract says was due before today is more than was paid (refunds taken off); here for several
weeks at once. tests/weeks checks the desk and the ledger agree.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, case, func, select

from exhibit.booking.waiting import confirmed_exhibitors
from exhibit.documents.models import Document, DocumentKind, DocumentStatus, Payment
from exhibit.documents.payments import (
    OVERDUE,
    contract_amounts,
    live_contract,
    owed_before,
    paid_sum,
)
from exhibit.extensions import db
from exhibit.vn.dates import VIETNAM_TZ, format_date
from exhibit.weeks.desk import Waiting

DRAFT, ISSUED = DocumentStatus.DRAFT.value, DocumentStatus.ISSUED.value


def waiting(week_ids: Sequence[int], now: datetime, today: date) -> list[Waiting]:
    return [*_without_contract(week_ids), *_contracts(week_ids), *_late_payers(week_ids, today)]


def _without_contract(week_ids: Sequence[int]) -> list[Waiting]:
    exhibitors = confirmed_exhibitors(week_ids).subquery()
    has_contract = select(Document.id).where(
        Document.week_id == exhibitors.c.week_id, Document.business_id == exhibitors.c.business_id,
        live_contract()).exists()
    rows = db.session.execute(select(exhibitors.c.week_id, func.count())
                              .where(~has_contract).group_by(exhibitors.c.week_id))
    return [Waiting(
        week_id=week_id, kind="no_contract", count=count,
        label=ngettext("confirmed exhibitor without a contract",
                       "confirmed exhibitors without a contract", count),
        endpoint="documents.week_documents") for week_id, count in rows]


def _contracts(week_ids: Sequence[int]) -> list[Waiting]:
    """Contract drafts (the oldest made first) and contracts issued but not signed back."""
    rows = db.session.execute(
        select(Document.week_id, Document.status, func.count(), func.min(Document.created_at),
               func.min(Document.issued_at))
        .where(Document.week_id.in_(week_ids), Document.kind == DocumentKind.CONTRACT.value,
               Document.status.in_((DRAFT, ISSUED)))
        .group_by(Document.week_id, Document.status))
    found = []
    for week_id, status, count, oldest_made, oldest_issued in rows:
        if status == DRAFT:
            found.append(Waiting(
                week_id=week_id, kind="contract_drafts", count=count,
                label=ngettext("contract drafted, not yet issued",
                               "contracts drafted, not yet issued", count),
                endpoint="documents.week_documents",
                args={"kind": DocumentKind.CONTRACT.value, "status": DRAFT}, since=oldest_made))
        else:
            found.append(Waiting(
                week_id=week_id, kind="contracts_unsigned", count=count,
                label=ngettext("contract issued, not yet signed",
                               "contracts issued, not yet signed", count),
                endpoint="documents.week_documents",
                args={"kind": DocumentKind.CONTRACT.value, "status": ISSUED},
                since=oldest_issued or oldest_made))
    return found


def _late_payers(week_ids: Sequence[int], today: date) -> list[Waiting]:
    """Exhibitors whose live contract says more was due before today than they paid; the
    earliest day missed is the item's deadline (a missed one sorts before any other)."""
    paid_by = (select(Payment.week_id, Payment.business_id, paid_sum().label("paid"))
               .where(Payment.week_id.in_(week_ids))
               .group_by(Payment.week_id, Payment.business_id).subquery())
    total, deposit = contract_amounts()
    paid = func.coalesce(paid_by.c.paid, 0)
    owed = owed_before(today, total, deposit)
    # the first day missed: the deposit's while it is not paid, else the balance's
    missed_on = case((and_(Document.deposit_due_on < today, paid < deposit),
                      Document.deposit_due_on), else_=Document.balance_due_on)
    rows = db.session.execute(
        select(Document.week_id, func.count(), func.min(missed_on))
        .outerjoin(paid_by, and_(paid_by.c.week_id == Document.week_id,
                                 paid_by.c.business_id == Document.business_id))
        .where(Document.week_id.in_(week_ids), live_contract(), total > 0, owed > paid)
        .group_by(Document.week_id))
    found = []
    for week_id, count, first_missed in rows:
        if isinstance(first_missed, str):  # SQLite answers a bare date as text from a CASE
            first_missed = date.fromisoformat(first_missed)
        found.append(Waiting(
            week_id=week_id, kind="late_payers", count=count,
            label=ngettext("exhibitor late with a payment", "exhibitors late with a payment", count),
            endpoint="documents.week_payments", args={"state": OVERDUE},
            due=datetime.combine(first_missed, time.min, tzinfo=VIETNAM_TZ) if first_missed else None,
            note=_("first payment day missed: %(day)s", day=format_date(first_missed))
            if first_missed else ""))
    return found
