"""The payments ledger: deposits and balances against the contracts' amounts and due dates, who
is overdue, and recording a payment from the organiser's page."""
from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import login


def test_ledger_shows_due_paid_and_overdue(app, client, bank_ready, open_week, confirmed_exhibitor):
    from exhibit.core.errors import ValidationFailed
    from exhibit.documents import payments, services
    paying, late = confirmed_exhibitor(), confirmed_exhibitor()
    contracts = {}
    for user in (paying, late):
        document = services.create_contract(actor=bank_ready, week=open_week, business_id=user.business_id)
        services.update_draft(actor=bank_ready, document=document, data={
            "vat_percent": 8, "deposit_percent": 50, "deposit_due_on": date(2026, 1, 10),
            "balance_due_on": date(2026, 2, 10)})
        contracts[user.business_id] = services.issue(actor=bank_ready, document=document)
    payments.record_payment(actor=bank_ready, week=open_week, data={
        "business_id": paying.business_id, "kind": "deposit", "amount_vnd": "702.000",
        "paid_on": "09/01/2026", "reference": "FT26009"})
    with pytest.raises(ValidationFailed) as error:
        payments.record_payment(actor=bank_ready, week=open_week, data={
            "business_id": paying.business_id, "kind": "deposit", "amount_vnd": "-5",
            "paid_on": "hôm qua"})
    assert set(error.value.fields) == {"amount_vnd", "paid_on"}

    rows = {r.business.id: r for r in payments.ledger(open_week, today=date(2026, 1, 20))}
    assert rows[paying.business_id].paid == 702_000 and rows[paying.business_id].state == "partly_paid"
    assert rows[late.business_id].state == "overdue" and rows[late.business_id].overdue_amount == 702_000
    later = {r.business.id: r for r in payments.ledger(open_week, today=date(2026, 2, 20))}
    assert later[paying.business_id].overdue_amount == 702_000
    assert later[late.business_id].overdue_amount == 1_404_000
    assert [r.business.id for r in payments.overdue(open_week, date(2026, 1, 20))] == [late.business_id]

    login(client, bank_ready)
    page = client.post(f"/organiser/weeks/{open_week.slug}/payments", data={
        "business_id": str(late.business_id), "kind": "deposit", "amount_vnd": "abc",
        "paid_on": "20/01/2026"})
    assert page.status_code == 422
    page = client.post(f"/organiser/weeks/{open_week.slug}/payments", data={
        "business_id": str(late.business_id), "kind": "deposit", "amount_vnd": "1.404.000",
        "paid_on": "20/01/2026"})
    assert page.status_code == 302
    assert {r.business.id: r.state for r in payments.ledger(open_week, date(2026, 3, 1))}[late.business_id] == "paid"


def test_payment_reminders_read_the_payments_once(app, bank_ready, open_week, confirmed_exhibitor):
    """The clock's reminders sum every contract's payments in one query, not one per contract."""
    from exhibit.documents import payments, services
    from tests.querycount import counted_queries

    def issued_contract():
        user = confirmed_exhibitor()
        document = services.create_contract(actor=bank_ready, week=open_week, business_id=user.business_id)
        services.update_draft(actor=bank_ready, document=document, data={
            "vat_percent": 8, "deposit_due_on": date(2026, 1, 10), "balance_due_on": date(2026, 2, 10)})
        services.issue(actor=bank_ready, document=document)
        return user

    def counted():
        with counted_queries() as statements:
            found = payments.reminders(date(2026, 1, 20))
        return found, len(statements)

    first = issued_contract()
    payments.record_payment(actor=bank_ready, week=open_week, data={
        "business_id": first.business_id, "kind": "deposit", "amount_vnd": "500.000", "paid_on": "09/01/2026"})
    one, queries_for_one = counted()
    assert [(r.business_id, r.amount_vnd) for r in one] == [(first.business_id, 702_000 - 500_000)]
    others = [issued_contract() for _ in range(2)]
    payments.record_payment(actor=bank_ready, week=open_week, data={
        "business_id": others[0].business_id, "kind": "deposit", "amount_vnd": "702.000", "paid_on": "09/01/2026"})
    payments.record_payment(actor=bank_ready, week=open_week, data={
        "business_id": others[0].business_id, "kind": "refund", "amount_vnd": "100.000", "paid_on": "12/01/2026"})
    three, queries_for_three = counted()
    assert sorted((r.business_id, r.amount_vnd) for r in three) == sorted(
        [(first.business_id, 202_000), (others[0].business_id, 100_000), (others[1].business_id, 702_000)])
    assert queries_for_three == queries_for_one
