"""The desk's late payers (documents/waiting.py): counted by the ledger's rule, and the first
day missed is the deposit's only while the deposit is unpaid."""
from __future__ import annotations

from datetime import date


def test_a_paid_deposits_day_is_not_the_day_missed(bank_ready, open_week, confirmed_exhibitor):
    from exhibit.documents import payments, services, waiting
    user = confirmed_exhibitor()
    document = services.create_contract(actor=bank_ready, week=open_week,
                                        business_id=user.business_id)
    services.update_draft(actor=bank_ready, document=document, data={
        "vat_percent": 8, "deposit_percent": 50, "deposit_due_on": date(2026, 1, 10),
        "balance_due_on": date(2026, 2, 10)})
    services.issue(actor=bank_ready, document=document)

    def late(today):
        return [w for w in waiting.waiting([open_week.id], None, today) if w.kind == "late_payers"]
    [before_paying] = late(date(2026, 1, 20))  # the deposit's day missed
    assert before_paying.count == 1 and before_paying.due.date() == date(2026, 1, 10)
    payments.record_payment(actor=bank_ready, week=open_week, data={
        "business_id": user.business_id, "kind": "deposit", "amount_vnd": "702.000",
        "paid_on": "09/01/2026", "reference": "FT26009"})
    assert late(date(2026, 1, 20)) == []  # the deposit paid, the balance not due yet
    [balance_late] = late(date(2026, 2, 20))
    assert balance_late.count == 1 and balance_late.due.date() == date(2026, 2, 10)
    # the ledger, row by row, agrees on who is late
    assert [r.business.id for r in payments.overdue(open_week, date(2026, 2, 20))] == [
        user.business_id]
