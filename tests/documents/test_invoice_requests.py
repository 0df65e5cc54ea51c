# ruff: noqa: F811 (the fixtures imported from test_payment_requests are used as arguments)
"""E-invoice requests (issue 19, item 4) and the ledger's requested / received / invoiced
figures (item 5): every payment received for a contract that charges rent gets one request in
the payment's own transaction — from a signed bank notification, a credit settled from review,
or a payment recorded by hand — and none for a subsidised contract; the organiser records the
provider's number, symbol and lookup code (checked against TT 78's format), which the
exhibitor then sees; corrections keep the original; exports follow the documented layout."""
from __future__ import annotations

import io
import json
from datetime import date

import pytest

from tests.conftest import login, reads_only
from tests.documents.test_payment_requests import (  # noqa: F401 (fixtures)
    ACCOUNT,
    _signed,
    bank_chosen,
    issued_contract,
    make_organiser_of_another_body,
)


def invoice_requests(**where):
    from exhibit.documents.models import InvoiceRequest
    from exhibit.extensions import db
    return db.session.query(InvoiceRequest).filter_by(**where).order_by(InvoiceRequest.id).all()


def credit(transaction_id: str, code: str, amount: int, day: int = 9) -> dict:
    return {"transaction_id": transaction_id, "account": ACCOUNT, "amount": amount,
            "time": f"2026-01-{day:02d}T10:15:00+07:00", "description": f"CT {code} THANH TOAN"}


@pytest.fixture
def webhook(app, client, bank_chosen):
    from exhibit.documents import credits
    secret = credits.new_webhook_secret(actor=bank_chosen)

    def send(payload):
        response = _signed(client, bank_chosen.organizer_id, secret, payload)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.json
    return send


# -- prepared with the payment ---------------------------------------------------------------------

def test_a_matched_credit_prepares_its_invoice_request_once_and_review_prepares_none(
        app, bank_chosen, open_week, issued_contract, webhook):
    from exhibit.businesses.models import Business
    from exhibit.documents.requests import document_requests
    from exhibit.extensions import db
    user, contract = issued_contract()  # 1.300.000 + 8 % = 1.404.000; deposit 702.000
    deposit, balance = document_requests(contract)

    assert webhook(credit("FT-1", deposit.code, 702_000))["outcome"] == "matched"
    [request] = invoice_requests(document_id=contract.id)
    business = db.session.get(Business, user.business_id)
    assert (request.status, request.kind, request.invoice_date, request.payment_kind) == (
        "prepared", "original", date(2026, 1, 9), "deposit")
    # 702.000 = 650.000 + 8 % exactly; one line naming the booth, the contract and the deposit
    assert (request.amount_before_vat_vnd, request.vat_vnd, request.total_vnd) == (
        650_000, 52_000, 702_000)
    [line] = request.lines
    assert line["description"] == f"Tiền thuê gian hàng A01 theo HĐ số {contract.number} (đặt cọc)"
    assert (line["amount_vnd"], line["vat_percent"], line["vat_vnd"], line["total_vnd"]) == (
        650_000, 8, 52_000, 702_000)
    assert request.amount_in_words == "Bảy trăm lẻ hai nghìn đồng"
    assert request.seller["name"] == bank_chosen.organizer.name
    assert request.seller["tax_code"] == bank_chosen.organizer.tax_code
    assert request.buyer == {"name": business.name, "tax_code": business.tax_code,
                             "address": business.address, "email": business.email}
    assert request.contract_number == contract.number and request.reference == "FT-1"

    # the same notification again: nothing new; a wrong amount waits in review, unprepared
    assert webhook(credit("FT-1", deposit.code, 702_000))["outcome"] == "matched"
    assert webhook(credit("FT-2", balance.code, 500_000))["reason"] == "partial"
    assert len(invoice_requests(document_id=contract.id)) == 1

    # the balance paid exactly takes the remainder: the requests add up to the contract
    assert webhook(credit("FT-3", balance.code, 702_000, day=20))["outcome"] == "matched"
    first, second = invoice_requests(document_id=contract.id)
    assert "(thanh toán phần còn lại)" in second.lines[0]["description"]
    assert second.invoice_date == date(2026, 1, 20)
    assert first.amount_before_vat_vnd + second.amount_before_vat_vnd == contract.subtotal_vnd
    assert first.vat_vnd + second.vat_vnd == contract.vat_vnd


def test_a_credit_in_review_recorded_as_a_payment_prepares_one_request(
        app, client, bank_chosen, open_week, issued_contract, webhook):
    from exhibit.documents import credits
    from exhibit.documents.models import BankCredit, Payment
    from exhibit.documents.requests import document_requests
    from exhibit.extensions import db
    _user, contract = issued_contract()
    deposit, _balance = document_requests(contract)
    webhook(credit("FT-X", deposit.code, 800_000))  # excess: waits for the organiser
    [waiting] = credits.review_queue(bank_chosen.organizer_id)
    page = f"/organiser/weeks/{open_week.slug}/payments"
    login(client, bank_chosen)
    assert 'class="inline record-credit"' in client.get(page).get_data(as_text=True)

    # a wrong amount: nothing changes
    client.post(f"/organiser/bank-credits/{waiting.id}/record",
                data={"kind": "deposit", "amount_vnd": "abc", "next": page})
    assert invoice_requests() == [] and len(credits.review_queue(bank_chosen.organizer_id)) == 1

    answer = client.post(f"/organiser/bank-credits/{waiting.id}/record",
                         data={"kind": "deposit", "amount_vnd": "800.000", "next": page})
    assert answer.status_code == 302
    db.session.expire_all()
    settled = db.session.get(BankCredit, waiting.id)
    payment = db.session.get(Payment, settled.payment_id)
    assert settled.settled_at is not None and payment.reference == "FT-X"
    assert (payment.amount_vnd, payment.paid_on) == (800_000, date(2026, 1, 9))
    [request] = invoice_requests(payment_id=payment.id)
    assert request.total_vnd == 800_000 and request.amount_before_vat_vnd + request.vat_vnd == 800_000
    assert credits.review_queue(bank_chosen.organizer_id) == []

    # settled already: refused, still one request
    client.post(f"/organiser/bank-credits/{waiting.id}/record",
                data={"kind": "deposit", "amount_vnd": "800.000", "next": page})
    assert len(invoice_requests()) == 1


def test_a_payment_of_the_whole_contract_has_a_line_per_booth(
        app, bank_chosen, open_week, make_exhibitor):
    from exhibit.booking.services import apply_to_week, assign_booth
    from exhibit.documents import payments, services
    from exhibit.floorplan.services import get_booth
    user = make_exhibitor()
    apply_to_week(actor=user, week=open_week, data={"booth_count": 2})
    for code in ("A03", "A04"):
        assign_booth(actor=bank_chosen, week=open_week, booth=get_booth(open_week, code),
                     business_id=user.business_id)
    get_booth(open_week, "A04").price_vnd = 1_000_001  # a VAT that must be rounded
    from exhibit.extensions import db
    db.session.commit()
    contract = services.create_contract(actor=bank_chosen, week=open_week, business_id=user.business_id)
    services.update_draft(actor=bank_chosen, document=contract, data={"vat_percent": 10})
    services.issue(actor=bank_chosen, document=contract)
    payments.record_payment(actor=bank_chosen, week=open_week, data={
        "business_id": user.business_id, "kind": "balance", "amount_vnd": contract.total_vnd,
        "paid_on": "05/01/2026", "reference": "UNC 15"})
    [request] = invoice_requests(document_id=contract.id)
    assert [(line["description"].split(" theo")[0], line["unit"], line["quantity"],
             line["unit_price_vnd"]) for line in request.lines] == [
        ("Tiền thuê gian hàng A03 (Gian tiêu chuẩn 3 m × 3 m)", "gian", 1, 1_300_000),
        ("Tiền thuê gian hàng A04 (Gian tiêu chuẩn 3 m × 3 m)", "gian", 1, 1_000_001)]
    assert sum(line["vat_vnd"] for line in request.lines) == contract.vat_vnd == request.vat_vnd
    assert request.total_vnd == contract.total_vnd
    assert all(line["amount_vnd"] + line["vat_vnd"] == line["total_vnd"] for line in request.lines)

    # a refund asks for no new request (the organiser adjusts the invoice it refunds)
    payments.record_payment(actor=bank_chosen, week=open_week, data={
        "business_id": user.business_id, "kind": "refund", "amount_vnd": "100.000",
        "paid_on": "06/01/2026"})
    assert len(invoice_requests(document_id=contract.id)) == 1


def test_a_subsidised_contract_asks_for_no_invoice_and_counts_as_subsidy(
        app, client, bank_chosen, open_week, issued_contract, confirmed_exhibitor):
    from exhibit.documents import invoicing, payments, services
    from exhibit.extensions import db
    from exhibit.floorplan.services import get_booth
    _user, paid_contract = issued_contract()  # A01, 1.300.000 for 9 m²
    get_booth(open_week, "A02").price_vnd = 0
    db.session.commit()
    free = confirmed_exhibitor()
    contract = services.create_contract(actor=bank_chosen, week=open_week, business_id=free.business_id)
    services.issue(actor=bank_chosen, document=contract)
    payments.record_payment(actor=bank_chosen, week=open_week, data={
        "business_id": free.business_id, "kind": "deposit", "amount_vnd": "100.000",
        "paid_on": "09/01/2026", "reference": "nhầm"})
    assert invoice_requests(document_id=contract.id) == []
    flow = invoicing.money_flow(open_week)
    assert (flow.subsidised_booths, flow.subsidised_area_m2, flow.subsidised_value_vnd) == (
        1, 9.0, 1_300_000)
    assert (flow.requested, flow.requested_vnd) == (2, 1_404_000)
    assert (flow.received, flow.received_vnd, flow.to_invoice) == (1, 100_000, 0)
    login(client, bank_chosen)
    html = client.get(f"/organiser/weeks/{open_week.slug}/payments").get_data(as_text=True)
    assert 'data-flow="subsidy">1 · 9 m²' in html


# -- the invoice's identifiers ---------------------------------------------------------------------

def test_the_invoice_number_is_checked_then_shown_to_the_exhibitor_and_in_the_ledger(
        app, client, bank_chosen, open_week, issued_contract, webhook):
    from exhibit.documents.requests import document_requests
    from exhibit.extensions import db
    user, contract = issued_contract()
    deposit, balance = document_requests(contract)
    webhook(credit("FT-1", deposit.code, 702_000))
    webhook(credit("FT-2", balance.code, 702_000))
    first, second = invoice_requests(document_id=contract.id)
    login(client, bank_chosen)
    url = f"/organiser/invoice-requests/{first.id}"
    with reads_only():
        assert client.get(url).status_code == 200
        listing = client.get(f"/organiser/weeks/{open_week.slug}/invoice-requests?status=prepared")
    assert listing.get_data(as_text=True).count('class="invoice-request"') == 2

    for bad, field in ((
            {"invoice_number": "12a", "invoice_symbol": "1C26TAA"}, "invoice_number"),
            ({"invoice_number": "123", "invoice_symbol": "1C25TAA"}, "invoice_symbol"),   # year
            ({"invoice_number": "123", "invoice_symbol": "2C26TAA"}, "invoice_symbol"),   # no VAT
            ({"invoice_number": "123", "invoice_symbol": "1X26TAA"}, "invoice_symbol"),
            ({"invoice_number": "123", "invoice_symbol": "1C26TAA", "lookup_code": "a b"},
             "lookup_code")):
        answer = client.post(f"{url}/invoice", data=bad)
        assert answer.status_code == 422, bad
        assert f'id="{field}"' in answer.get_data(as_text=True)
        assert 'aria-invalid="true"' in answer.get_data(as_text=True) or "error" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert first.status == "prepared" and first.invoice_number == ""

    answer = client.post(f"{url}/invoice", data={"invoice_number": "0000123",
                                                 "invoice_symbol": "1c26taa",
                                                 "lookup_code": "B1HEIRR8RC"})
    assert answer.status_code == 302
    db.session.expire_all()
    assert (first.status, first.invoice_number, first.invoice_symbol, first.lookup_code) == (
        "invoiced", "123", "1C26TAA", "B1HEIRR8RC")
    # the same number and symbol for another request: refused by name
    taken = client.post(f"/organiser/invoice-requests/{second.id}/invoice",
                        data={"invoice_number": "123", "invoice_symbol": "1C26TAA"})
    assert taken.status_code == 422 and second.status == "prepared"

    ledger = client.get(f"/organiser/weeks/{open_week.slug}/payments?view=payments").get_data(as_text=True)
    assert 'data-invoice="invoiced"' in ledger and "B1HEIRR8RC" in ledger
    client.get("/logout")
    login(client, user)
    mine = client.get("/my").get_data(as_text=True)
    assert 'class="invoice" data-number="123" data-status="invoiced"' in mine
    assert "1C26TAA" in mine and "B1HEIRR8RC" in mine


def test_corrections_keep_the_original(app, client, bank_chosen, issued_contract, webhook):
    from exhibit.core import audit
    from exhibit.documents.requests import document_requests
    from exhibit.extensions import db
    _user, contract = issued_contract()
    deposit, balance = document_requests(contract)
    webhook(credit("FT-1", deposit.code, 702_000))
    webhook(credit("FT-2", balance.code, 702_000))
    original, waiting = invoice_requests(document_id=contract.id)
    login(client, bank_chosen)
    url = f"/organiser/invoice-requests/{original.id}"

    # nothing to correct before the invoice is issued: cancelling is for that
    client.post(f"{url}/correction", data={"kind": "adjustment", "reason": "x", "amount_vnd": "1000"})
    assert len(invoice_requests()) == 2
    client.post(f"{url}/invoice", data={"invoice_number": "7", "invoice_symbol": "1C26TAA"})

    # bad input: field errors, nothing changed
    answer = client.post(f"{url}/correction", data={"kind": "adjustment", "reason": "",
                                                    "amount_vnd": "0"})
    assert answer.status_code == 422 and 'id="reason"' in answer.get_data(as_text=True)
    answer = client.post(f"{url}/correction", data={"kind": "replacement", "reason": "Sai MST",
                                                    "buyer_tax_code": "0100047517"})
    assert answer.status_code == 422
    assert len(invoice_requests()) == 2

    answer = client.post(f"{url}/correction", data={"kind": "adjustment",
                                                    "reason": "Giảm giá theo phụ lục 01",
                                                    "amount_vnd": "-108.000"})
    assert answer.status_code == 302
    db.session.expire_all()
    [adjustment] = invoice_requests(kind="adjustment")
    assert (adjustment.original_id, adjustment.status, adjustment.total_vnd,
            adjustment.amount_before_vat_vnd, adjustment.vat_vnd) == (
        original.id, "prepared", -108_000, -100_000, -8_000)
    assert adjustment.lines[0]["description"].startswith("Điều chỉnh giảm cho hóa đơn số 7, ký hiệu 1C26TAA")
    assert original.status == "adjusted" and original.invoice_number == "7"
    assert [e.action for e in audit.entries(entity="invoice_request", entity_id=adjustment.id)] == ["adjustment"]

    # a replacement with the buyer's corrected address, pointing at the other invoice
    client.post(f"/organiser/invoice-requests/{waiting.id}/invoice",
                data={"invoice_number": "8", "invoice_symbol": "1C26TAA"})
    answer = client.post(f"/organiser/invoice-requests/{waiting.id}/correction", data={
        "kind": "replacement", "reason": "Sai địa chỉ người mua",
        "buyer_address": "Số 1 Lê Duẩn, TP. Buôn Ma Thuột"})
    assert answer.status_code == 302
    db.session.expire_all()
    [replacement] = invoice_requests(kind="replacement")
    assert replacement.buyer["address"] == "Số 1 Lê Duẩn, TP. Buôn Ma Thuột"
    assert replacement.lines == waiting.lines and replacement.total_vnd == waiting.total_vnd
    assert waiting.status == "replaced" and waiting.buyer["address"] != replacement.buyer["address"]
    page = client.get(f"/organiser/invoice-requests/{waiting.id}").get_data(as_text=True)
    assert 'data-correction="replacement"' in page
    # replaced: not replaced again
    client.post(f"/organiser/invoice-requests/{waiting.id}/correction", data={
        "kind": "replacement", "reason": "lần nữa", "buyer_address": "Khác"})
    assert len(invoice_requests(kind="replacement")) == 1

    # a request with no invoice yet is cancelled with a reason, and stays
    client.post(f"/organiser/invoice-requests/{replacement.id}/cancel", data={"reason": ""})
    db.session.expire_all()
    assert replacement.status == "prepared"
    client.post(f"/organiser/invoice-requests/{replacement.id}/cancel",
                data={"reason": "Lập trùng"})
    db.session.expire_all()
    assert replacement.status == "cancelled" and replacement.reason == "Lập trùng"


# -- export and the provider adapter --------------------------------------------------------------

def test_exports_follow_the_layout_and_mark_the_requests_exported(
        app, client, bank_chosen, open_week, issued_contract, webhook):
    from openpyxl import load_workbook

    from exhibit.documents import invoicing
    from exhibit.documents.requests import document_requests
    from exhibit.extensions import db
    _user, contract = issued_contract()
    deposit, _balance = document_requests(contract)
    webhook(credit("FT-1", deposit.code, 702_000))
    [request] = invoice_requests()
    login(client, bank_chosen)
    url = f"/organiser/weeks/{open_week.slug}/invoice-requests/export"

    assert client.post(url, data={"format": "pdf"}).status_code == 302
    db.session.expire_all()
    assert request.status == "prepared"

    answer = client.post(url, data={"format": "json"})
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    body = json.loads(answer.data)
    assert body["format"] == "exhibit.invoice-requests/1" and body["week"]["slug"] == open_week.slug
    [record] = body["requests"]
    assert record["request_key"] == f"EXH-{bank_chosen.organizer_id}-{request.id}"
    assert (record["kind"], record["original"], record["invoice_date"], record["currency"]) == (
        "original", None, "2026-01-09", "VND")
    assert (record["amount_before_vat"], record["vat_amount"], record["total"], record["vat_rate"]) == (
        650_000, 52_000, 702_000, 8)
    assert record["buyer"]["tax_code"] == request.buyer["tax_code"]
    assert record["lines"][0] == {"line_no": 1, "description": request.lines[0]["description"],
                                  "unit": "", "quantity": 1, "unit_price": 650_000,
                                  "amount": 650_000, "vat_rate": 8, "vat_amount": 52_000,
                                  "line_total": 702_000}
    assert record["amount_in_words"] == "Bảy trăm lẻ hai nghìn đồng"
    assert record["contract_number"] == contract.number and record["payment_reference"] == "FT-1"
    db.session.expire_all()
    assert request.status == "exported" and request.exported_at is not None

    answer = client.post(url, data={"format": "xlsx", "status": "exported"})
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == invoicing.XLSX_COLUMNS
    row = dict(zip(rows[0], rows[1]))
    assert (row["request_key"], row["buyer_name"], row["line_no"], row["amount"],
            row["vat_amount"], row["total"]) == (
        record["request_key"], request.buyer["name"], 1, 650_000, 52_000, 702_000)
    assert row["invoice_date"].date() == date(2026, 1, 9)
    assert len(rows) == 2


class LocalProvider:
    """A provider that lives in the test: it issues numbers in sequence under one symbol and
    gives the same invoice for a request key it has seen (a provider's idempotency)."""
    issued: dict[str, object] = {}

    def __init__(self, config):
        self.symbol = config.get("TEST_EINVOICE_SYMBOL", "1C26TEX")

    def submit(self, record):
        from exhibit.documents.einvoice_providers import ProviderError, ProviderResult
        if not record["buyer"]["tax_code"]:
            raise ProviderError("buyer without tax code")
        key = record["request_key"]
        if key not in self.issued:
            self.issued[key] = ProviderResult(str(len(self.issued) + 1), self.symbol,
                                              f"TEST-{len(self.issued) + 1:04d}")
        return self.issued[key]


def test_the_provider_adapter_records_what_the_provider_returns(
        app, client, bank_chosen, issued_contract, webhook):
    from exhibit.documents import einvoice_providers, invoicing
    from exhibit.documents.requests import document_requests
    from exhibit.extensions import db
    einvoice_providers.register("local-test")(LocalProvider)
    _user, contract = issued_contract()
    deposit, balance = document_requests(contract)
    webhook(credit("FT-1", deposit.code, 702_000))
    webhook(credit("FT-2", balance.code, 702_000))
    first, second = invoice_requests()
    login(client, bank_chosen)
    url = f"/organiser/invoice-requests/{first.id}"

    # no provider configured: a message, nothing changed
    assert 'action="' + url + '/submit"' not in client.get(url).get_data(as_text=True)
    client.post(f"{url}/submit")
    db.session.expire_all()
    assert first.status == "prepared"

    app.config["EINVOICE_PROVIDER"] = "local-test"
    try:
        assert f'action="{url}/submit"' in client.get(url).get_data(as_text=True)
        assert client.post(f"{url}/submit").status_code == 302
        db.session.expire_all()
        assert (first.status, first.invoice_symbol, first.provider) == (
            "invoiced", "1C26TEX", "local-test")
        assert first.lookup_code.startswith("TEST-")
        # sent again: refused (409, flashed), the invoice unchanged
        number = first.invoice_number
        client.post(f"{url}/submit")
        db.session.expire_all()
        assert first.invoice_number == number
        # a symbol the provider returns is checked like a typed one
        app.config["TEST_EINVOICE_SYMBOL"] = "1C25TEX"
        LocalProvider.issued.clear()
        with pytest.raises(Exception) as refused:
            invoicing.submit_to_provider(actor=bank_chosen, request_id=second.id)
        assert "invoice_symbol" in refused.value.fields
        db.session.rollback()
        assert second.status == "prepared"
    finally:
        app.config["EINVOICE_PROVIDER"] = ""
        app.config.pop("TEST_EINVOICE_SYMBOL", None)
        LocalProvider.issued.clear()


# -- who may see them ------------------------------------------------------------------------------

def test_only_the_weeks_organiser_sees_or_changes_its_invoice_requests(
        app, client, bank_chosen, open_week, issued_contract, webhook,
        make_organiser_of_another_body):
    from exhibit.documents.requests import document_requests
    from exhibit.extensions import db
    user, contract = issued_contract()
    deposit, _balance = document_requests(contract)
    webhook(credit("FT-1", deposit.code, 702_000))
    [request] = invoice_requests()
    url = f"/organiser/invoice-requests/{request.id}"
    week_url = f"/organiser/weeks/{open_week.slug}/invoice-requests"
    assert client.get(url).status_code == 302  # to the sign-in page
    for who in (make_organiser_of_another_body(), user):
        login(client, who)
        assert client.get(url).status_code == 403
        assert client.get(week_url).status_code == 403
        assert client.post(f"{url}/invoice", data={"invoice_number": "1",
                                                   "invoice_symbol": "1C26TAA"}).status_code == 403
        assert client.post(f"{url}/correction", data={"kind": "adjustment", "reason": "x",
                                                      "amount_vnd": "1"}).status_code == 403
        assert client.post(f"{url}/cancel", data={"reason": "x"}).status_code == 403
        assert client.post(f"{week_url}/export", data={"format": "json"}).status_code == 403
        client.get("/logout")
    db.session.expire_all()
    assert (request.status, request.invoice_number) == ("prepared", "")
    login(client, bank_chosen)
    assert client.get("/organiser/invoice-requests/999999").status_code == 404
