"""Casso's Webhook V2 (issue 19, item 3): its body read by the ``casso`` adapter, its own
signature (``X-Casso-Signature: t=…,v1=…``, HMAC-SHA512 over the sorted JSON) checked against
the samples Casso publishes, and a Casso-shaped credit matched once, replayed harmlessly and
refused when badly signed — on both databases."""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timezone

import pytest

from tests.documents.test_payment_requests import (ACCOUNT, bank_chosen,  # noqa: F401 - fixtures
                                                   db_credits, issued_contract)

#: github.com/CassoHQ/casso-webhook-v2-verify-signature (python.py, php.php, golang.go): the
#: sample's body, its integration key and the header Casso sent with it. (The repository's
#: javascript.js carries a second sample whose header its own code does not verify — checked
#: with node — so it is left out.)
CASSO_SAMPLES = [
    ({"error": 0, "data": {
        "id": 0, "reference": "MA_GIAO_DICH_THU_NGHIEM", "description": "giao dich thu nghiem",
        "amount": 599000, "runningBalance": 25000000, "transactionDateTime": "2024-10-03 15:06:37",
        "accountNumber": "88888888", "bankName": "VPBank", "bankAbbreviation": "VPB",
        "virtualAccountNumber": "", "virtualAccountName": "", "counterAccountName": "NGUYEN VAN A",
        "counterAccountNumber": "8888888888", "counterAccountBankId": "970415",
        "counterAccountBankName": "VietinBank"}},
     "mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs",
     "t=1727948258788,v1=ed0a4bd2e826d5cb69988cdb141e6c1a080e21f3b57eb72cd78192220042b9e7dde0"
     "868fc667faea8e224900fa7904e7c88dfa098032fb2d6b6996856e8b7ff3"),
]


def casso_body(code: str, *, transaction_id: int = 218897, amount: int = 702_000,
               account: str = ACCOUNT) -> dict:
    return {"error": 0, "data": {
        "id": transaction_id, "reference": "FT26009123456",
        "description": f"{code} chuyen tien dat coc", "amount": amount,
        "runningBalance": 16_775_000, "transactionDateTime": "2026-01-09 14:02:37",
        "accountNumber": account, "bankName": "Vietcombank", "bankAbbreviation": "VCB",
        "virtualAccountNumber": "", "virtualAccountName": "", "counterAccountName": "NGUYEN VAN A",
        "counterAccountNumber": "0123456789", "counterAccountBankId": "970415",
        "counterAccountBankName": "VietinBank"}}


@pytest.mark.parametrize("body, key, header", CASSO_SAMPLES)
def test_casso_signature_equals_the_published_samples(body, key, header):
    from exhibit.documents.credits import casso_signature, verify_casso_signature
    timestamp, signature = header[2:].split(",v1=")
    assert casso_signature(key, body, timestamp) == signature
    # Casso's signature is over the parsed body: the keys' order and spacing do not matter
    for raw in (json.dumps(body).encode(), json.dumps(body, indent=2, sort_keys=True).encode()):
        assert verify_casso_signature(key, raw, header)
    changed = {**body, "data": {**body["data"], "amount": body["data"]["amount"] + 1}}
    assert not verify_casso_signature(key, json.dumps(changed).encode(), header)
    assert not verify_casso_signature("another key", json.dumps(body).encode(), header)
    assert not verify_casso_signature(key, b"not json", header)
    assert not verify_casso_signature(key, json.dumps(body).encode(), "v1=" + signature)
    assert not verify_casso_signature("", json.dumps(body).encode(), header)


def test_the_casso_adapter_reads_its_body():
    from exhibit.core.errors import ValidationFailed
    from exhibit.documents.credits import from_casso
    sample = {"error": 0, "data": {**CASSO_SAMPLES[0][0]["data"], "id": 218897,
                                   "transactionDateTime": "2024-12-23 07:00:00"}}
    credit = from_casso(sample)
    assert (credit.transaction_id, credit.account, credit.amount_vnd, credit.description) == (
        "casso-218897", "88888888", 599_000, "giao dich thu nghiem")
    # Vietnam time without an offset
    assert credit.credited_at == datetime(2024, 12, 23, 0, 0, tzinfo=timezone.utc)
    # Casso's earlier list of transactions, with one in it, is read the same
    listed = {"error": 0, "data": [sample["data"]]}
    assert from_casso(listed) == credit
    # money going out asks for nothing
    out = {"error": 0, "data": {**sample["data"], "amount": -50_000}}
    assert from_casso(out) is None
    with pytest.raises(ValidationFailed) as error:
        from_casso({"error": 0, "data": []})
    assert set(error.value.fields) == {"data"}
    with pytest.raises(ValidationFailed) as error:
        from_casso({"error": 0, "data": {"id": None, "amount": "nhiều",
                                         "transactionDateTime": "hôm qua"}})
    assert set(error.value.fields) == {"transaction_id", "amount", "time"}


def _post(client, organizer_id: int, secret: str, payload: dict, *, signature: str | None = None):
    raw = json.dumps(payload, ensure_ascii=False).encode()
    signature = signature or "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return client.post(f"/hooks/bank-credits/{organizer_id}?format=casso", data=raw,
                       content_type="application/json",
                       headers={"X-Exhibit-Signature": signature})


def test_a_casso_credit_is_matched_once_and_a_bad_signature_changes_nothing(
        app, client, bank_chosen, issued_contract):  # noqa: F811 - fixtures
    from exhibit.documents import credits
    from exhibit.documents.models import Payment
    from exhibit.documents.requests import document_requests
    from exhibit.extensions import db
    secret = credits.new_webhook_secret(actor=bank_chosen)
    organizer_id = bank_chosen.organizer_id
    user, contract = issued_contract()
    deposit, balance = document_requests(contract)
    body = casso_body(deposit.code)

    # badly signed, or signed with another key: 401, nothing stored
    assert _post(client, organizer_id, secret, body, signature="sha256=" + "0" * 64).status_code == 401
    assert _post(client, organizer_id, "another key", body).status_code == 401
    assert db_credits() == [] and db.session.query(Payment).count() == 0

    answer = _post(client, organizer_id, secret, body)
    assert answer.status_code == 200
    assert answer.json == {"transaction_id": "casso-218897", "outcome": "matched", "reason": "",
                           "code": deposit.code, "replay": False, "success": True}
    [payment] = db.session.query(Payment).filter_by(business_id=user.business_id).all()
    assert (payment.kind, payment.amount_vnd, payment.reference) == (
        "deposit", 702_000, "casso-218897")
    [credit] = db_credits()
    assert credit.credited_at.isoformat() == "2026-01-09T07:02:37+00:00"

    # Casso calls again (its retry): the first outcome, nothing new
    again = _post(client, organizer_id, secret, body)
    assert again.status_code == 200 and again.json["replay"] is True
    assert again.json["outcome"] == "matched"
    assert len(db_credits()) == 1 and db.session.query(Payment).count() == 1

    # a short transfer for the balance waits for review; money going out is ignored
    short = _post(client, organizer_id, secret,
                  casso_body(balance.code, transaction_id=218898, amount=500_000))
    assert (short.json["outcome"], short.json["reason"]) == ("review", "partial")
    out = _post(client, organizer_id, secret, casso_body(balance.code, transaction_id=218899,
                                                         amount=-702_000))
    assert out.json == {"outcome": "ignored", "success": True}
    assert len(db_credits()) == 2 and db.session.query(Payment).count() == 1

    # a Casso body that is not one transaction is refused by name
    refused = _post(client, organizer_id, secret, {"error": 0, "data": []})
    assert refused.status_code == 422 and set(refused.json["fields"]) == {"data"}


def test_casso_own_signature_is_accepted_with_the_organisers_key(app, bank_chosen):  # noqa: F811
    """``verify_request`` takes our header or Casso's, both with the organiser's key (the key
    entered in Casso's Webhook V2 integration)."""
    from werkzeug.datastructures import Headers

    from exhibit.documents import credits
    from exhibit.extensions import db
    from exhibit.weeks.models import Organizer
    secret = credits.new_webhook_secret(actor=bank_chosen)
    organizer = db.session.get(Organizer, bank_chosen.organizer_id)
    body = casso_body("HD0012026DC")
    raw = json.dumps(body, ensure_ascii=False).encode()
    t = "1767942157000"
    signed = Headers({"X-Casso-Signature": f"t={t},v1={credits.casso_signature(secret, body, t)}"})
    assert credits.verify_request(organizer, raw, signed)
    ours = Headers({"X-Exhibit-Signature": "sha256=" + hmac.new(
        secret.encode(), raw, hashlib.sha256).hexdigest()})
    assert credits.verify_request(organizer, raw, ours)
    other = Headers({"X-Casso-Signature": f"t={t},v1={credits.casso_signature('x', body, t)}"})
    assert not credits.verify_request(organizer, raw, other)
    assert not credits.verify_request(organizer, raw, Headers())
    assert not credits.verify_request(None, raw, signed)


def test_the_webhook_accepts_a_call_casso_signed_itself(app, client, bank_chosen,  # noqa: F811
                                                        issued_contract):  # noqa: F811
    """Casso signs with X-Casso-Signature, not ours: the endpoint itself must take it (review:
    the view checked only X-Exhibit-Signature, so every call Casso made was a 401)."""
    from exhibit.documents import credits
    from exhibit.documents.models import Payment
    from exhibit.documents.requests import document_requests
    from exhibit.extensions import db
    secret = credits.new_webhook_secret(actor=bank_chosen)
    _user, contract = issued_contract()
    deposit, _balance = document_requests(contract)
    body = casso_body(deposit.code)
    raw = json.dumps(body, ensure_ascii=False).encode()
    t = "1767942157000"

    def post(signature):
        return client.post(f"/hooks/bank-credits/{bank_chosen.organizer_id}?format=casso",
                           data=raw, content_type="application/json",
                           headers={"X-Casso-Signature": f"t={t},v1={signature}"})

    assert post(credits.casso_signature("another key", body, t)).status_code == 401
    assert db_credits() == [] and db.session.query(Payment).count() == 0
    answer = post(credits.casso_signature(secret, body, t))
    assert answer.status_code == 200, answer.json
    assert (answer.json["outcome"], answer.json["replay"]) == ("matched", False)
    assert post(credits.casso_signature(secret, body, t)).json["replay"] is True
    assert db.session.query(Payment).count() == 1
