# ruff: noqa: F811 (the fixtures imported from other test modules are used as arguments)
"""Review findings on e-invoice requests (issue 19): a replaced invoice is not counted twice in
the week's invoiced amount, and a provider's answer does not overwrite an invoice recorded
meanwhile."""
from __future__ import annotations

import pytest

from tests.conftest import login
from tests.documents.test_invoice_requests import credit, invoice_requests, webhook  # noqa: F401
from tests.documents.test_payment_requests import (  # noqa: F401 (fixtures)
    bank_chosen,
    issued_contract,
)


def test_a_replaced_invoice_is_counted_once_in_the_invoiced_figures(
        app, client, bank_chosen, open_week, issued_contract, webhook):
    from exhibit.documents import invoicing
    from exhibit.documents.requests import document_requests
    from exhibit.extensions import db
    _user, contract = issued_contract()
    deposit, balance = document_requests(contract)
    webhook(credit("FT-1", deposit.code, 702_000))
    webhook(credit("FT-2", balance.code, 702_000))
    first, second = invoice_requests(document_id=contract.id)
    login(client, bank_chosen)
    for request, number in ((first, "1"), (second, "2")):
        client.post(f"/organiser/invoice-requests/{request.id}/invoice",
                    data={"invoice_number": number, "invoice_symbol": "1C26TAA"})
    flow = invoicing.money_flow(open_week)
    assert (flow.invoiced, flow.invoiced_vnd) == (2, 1_404_000)

    answer = client.post(f"/organiser/invoice-requests/{second.id}/correction", data={
        "kind": "replacement", "reason": "Sai địa chỉ người mua", "buyer_address": "Số 1 Lê Duẩn"})
    assert answer.status_code == 302
    db.session.expire_all()
    [replacement] = invoice_requests(kind="replacement")
    client.post(f"/organiser/invoice-requests/{replacement.id}/invoice",
                data={"invoice_number": "3", "invoice_symbol": "1C26TAA"})
    db.session.expire_all()
    assert replacement.status == "invoiced"
    flow = invoicing.money_flow(open_week)
    # the replacement takes the place of invoice no. 2: the contract's 1.404.000 invoiced once
    assert (flow.invoiced, flow.invoiced_vnd) == (2, 1_404_000)
    assert (flow.to_invoice, flow.to_invoice_vnd) == (0, 0)


class TypedMeanwhileProvider:
    """A provider slow enough that the organiser types the invoice's number by hand while it
    works, then answers with another invoice."""
    actor = None
    name = "typed-meanwhile"

    def __init__(self, config):
        pass

    def submit(self, record):
        from exhibit.documents import invoicing
        from exhibit.documents.einvoice_providers import ProviderResult
        request_id = int(record["request_key"].rsplit("-", 1)[1])
        invoicing.record_invoice(actor=self.actor, request_id=request_id,
                                 data={"invoice_number": "41", "invoice_symbol": "1C26TAA"})
        return ProviderResult("42", "1C26TEX", "TEST-0042")


def test_a_provider_answer_does_not_overwrite_an_invoice_recorded_meanwhile(
        app, bank_chosen, issued_contract, webhook):
    from exhibit.core.errors import Conflict
    from exhibit.documents import invoicing
    from exhibit.documents.requests import document_requests
    from exhibit.extensions import db
    _user, contract = issued_contract()
    deposit, _balance = document_requests(contract)
    webhook(credit("FT-1", deposit.code, 702_000))
    [request] = invoice_requests()
    TypedMeanwhileProvider.actor = bank_chosen
    with pytest.raises(Conflict):
        invoicing.submit_to_provider(actor=bank_chosen, request_id=request.id,
                                     provider=TypedMeanwhileProvider({}))
    db.session.rollback()
    db.session.expire_all()
    assert (request.status, request.invoice_number, request.invoice_symbol) == (
        "invoiced", "41", "1C26TAA")


def test_a_payment_towards_a_draft_contract_gets_its_request_when_it_is_issued(
        app, bank_chosen, open_week, confirmed_exhibitor):
    """A deposit recorded while the contract was a draft (no number, lines still editable)
    gets its invoice request when the contract is issued, naming the contract's number."""
    from datetime import date

    from exhibit.documents import payments, services
    user = confirmed_exhibitor()
    document = services.create_contract(actor=bank_chosen, week=open_week,
                                        business_id=user.business_id)
    services.update_draft(actor=bank_chosen, document=document, data={
        "vat_percent": 8, "deposit_percent": 50, "deposit_due_on": date(2026, 1, 10),
        "balance_due_on": date(2026, 2, 10)})
    payments.record_payment(actor=bank_chosen, week=open_week, data={
        "business_id": str(user.business_id), "kind": "deposit", "amount_vnd": "702.000",
        "paid_on": "09/01/2026"})
    assert invoice_requests() == []
    issued = services.issue(actor=bank_chosen, document=document)
    [request] = invoice_requests()
    assert issued.number and request.contract_number == issued.number
    assert f"theo HĐ số {issued.number} (đặt cọc)" in request.lines[0]["description"]
    assert (request.total_vnd, request.invoice_date) == (702_000, date(2026, 1, 9))
    # issued again after a revision: nothing more
    services.issue(actor=bank_chosen, document=services.revise(actor=bank_chosen,
                                                               document=issued))
    assert len(invoice_requests()) == 1


def test_a_credit_for_a_deposit_already_recorded_by_hand_waits_for_review(
        app, bank_chosen, open_week, issued_contract, webhook):
    """The organiser typed the deposit in before the bank's notification came: the credit is
    not recorded a second time (nor invoiced twice) but waits, saying why."""
    from exhibit.documents import invoicing, payments
    from exhibit.documents.requests import document_requests
    user, contract = issued_contract()
    deposit, _balance = document_requests(contract)
    payments.record_payment(actor=bank_chosen, week=open_week, data={
        "business_id": user.business_id, "kind": "deposit", "amount_vnd": str(deposit.amount_vnd),
        "paid_on": "2026-01-08", "reference": "Tiền mặt"})
    answer = webhook(credit("FT-HAND", deposit.code, deposit.amount_vnd))
    assert (answer["outcome"], answer["reason"]) == ("review", "already_paid")
    assert len(invoice_requests(document_id=contract.id)) == 1
    assert invoicing.money_flow(open_week).received_vnd == deposit.amount_vnd


def test_an_impossible_amount_is_a_field_error(app, bank_chosen):
    from exhibit.core.errors import ValidationFailed
    from exhibit.documents import credits
    with pytest.raises(ValidationFailed) as refused:
        credits.parse_credit(credit("FT-HUGE", "HD0000000D", 10**30))
    assert "amount" in refused.value.fields


def test_the_symbol_and_number_take_latin_digits_only():
    from datetime import date
    from types import SimpleNamespace

    from exhibit.core.errors import ValidationFailed
    from exhibit.documents.invoicing import check_identity
    request = SimpleNamespace(invoice_date=date(2026, 1, 9), vat_percent=8)
    assert check_identity(request, {"invoice_number": "123", "invoice_symbol": "1c26taa"}
                          ).symbol == "1C26TAA"
    for typed in ({"invoice_number": "123", "invoice_symbol": "1C٢٦TAA"},
                  {"invoice_number": "١٢٣", "invoice_symbol": "1C26TAA"}):
        with pytest.raises(ValidationFailed):
            check_identity(request, typed)
