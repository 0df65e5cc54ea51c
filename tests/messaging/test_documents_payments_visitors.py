"""Contracts issued, signed and cancelled tell their parties; an issued contract tells what to
transfer with which order code, and money received is acknowledged; the clock reminds of
payments due in three days and overdue, once each; visitors get their badge link and a receipt when they
leave their contact at a booth; an offer from the waiting list that lapses says so."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from exhibit import clock
from exhibit.booking import services as booking
from exhibit.core.db import utcnow
from exhibit.documents import services as documents
from exhibit.floorplan.services import get_booth
from exhibit.vn.dates import vietnam_today
from tests.conftest import visitor_data
from tests.documents.conftest import bank_ready  # noqa: F401 - a fixture
from tests.messaging.test_outbox import forget_messages, messages

PDF = b"%PDF-1.4 signed scan\n%%EOF"


@pytest.fixture
def contract(bank_ready, open_week, confirmed_exhibitor):  # noqa: F811 - the fixture above
    user = confirmed_exhibitor("Hợp tác xã Chè Thử")
    forget_messages()
    document = documents.create_contract(actor=bank_ready, week=open_week,
                                         business_id=user.business_id)
    today = vietnam_today()
    documents.update_draft(actor=bank_ready, document=document, data={
        "deposit_percent": 50, "deposit_due_on": today + timedelta(days=3),
        "balance_due_on": today + timedelta(days=20)})
    return user, documents.issue(actor=bank_ready, document=document), bank_ready


def test_issued_signed_and_cancelled_contracts_are_told(app, contract):
    user, document, organiser = contract
    documents.mark_signed(actor=organiser, document=document, filename="hd.pdf", content=PDF)
    documents.cancel(actor=organiser, document=document, reason="Doanh nghiệp rút đăng ký")
    issued, signed, cancelled = [m for m in messages() if m.event.startswith("document.")]
    assert [m.event for m in (issued, signed, cancelled)] == [
        "document.issued", "document.signed", "document.cancelled"]
    assert all(m.business_id == user.business_id for m in (issued, signed, cancelled))
    assert document.number in issued.subject and "Hợp đồng thuê gian" in issued.subject
    assert "Lý do: Doanh nghiệp rút đăng ký" in cancelled.body_text
    assert "http://exhibit.test/my/documents" in issued.body_text


def test_an_issued_contract_tells_each_amount_with_its_order_code(app, contract):
    from exhibit.documents.requests import document_requests
    user, document, organiser = contract
    deposit, balance = document_requests(document)
    told = messages(event="payment.requested")
    assert [(m.subject_type, m.subject_id) for m in told] == [
        ("payment_request", deposit.id), ("payment_request", balance.id)]
    first = told[0]
    assert first.business_id == user.business_id and first.user_id == user.id
    assert deposit.code in first.subject and deposit.code in first.body_text
    amount = f"{deposit.amount_vnd:,}".replace(",", ".")
    assert amount in first.body_text and "tiền đặt cọc" in first.body_text
    assert (vietnam_today() + timedelta(days=3)).strftime("%d/%m/%Y") in first.body_text
    assert f"http://exhibit.test/payment-requests/{deposit.id}.pdf" in first.body_text
    assert "http://exhibit.test/my" in first.body_text
    assert first.params["zalo"] == {"business": "Hợp tác xã Chè Thử", "code": deposit.code,
                                    "amount": first.params["context"]["amount"],
                                    "due_on": first.params["context"]["due_on"]}
    assert balance.code in told[1].body_text and "thanh toán còn lại" in told[1].body_text

    # issued again with the same amounts and days: nothing new to say
    documents.revise(actor=organiser, document=document)
    documents.issue(actor=organiser, document=document)
    assert len(messages(event="payment.requested")) == 2
    # the balance falls due later: only the balance is told again
    documents.revise(actor=organiser, document=document)
    documents.update_draft(actor=organiser, document=document, data={
        "balance_due_on": vietnam_today() + timedelta(days=30)})
    documents.issue(actor=organiser, document=document)
    again = messages(event="payment.requested")[2:]
    assert [(m.subject_id, m.params["context"]["version"]) for m in again] == [(balance.id, 3)]
    assert (vietnam_today() + timedelta(days=30)).strftime("%d/%m/%Y") in again[0].body_text
    assert "bản sửa đổi lần 2" in again[0].body_text


def test_money_received_is_acknowledged_with_its_order_code(app, client, open_week, contract):
    import hashlib
    import hmac
    import json

    from exhibit.documents import credits, payments
    from exhibit.documents.requests import document_requests
    user, document, organiser = contract
    deposit, balance = document_requests(document)
    secret = credits.new_webhook_secret(actor=organiser)
    credit = {"transaction_id": "FT26009000777", "account": "0071001234567",
              "amount": deposit.amount_vnd, "time": "2026-01-09T10:15:00+07:00",
              "description": f"CT {deposit.code} HTX CHE"}
    raw = json.dumps(credit).encode()
    for _ in range(2):  # the bank's notification twice: one acknowledgement
        assert client.post(f"/hooks/bank-credits/{organiser.organizer_id}", data=raw,
                           content_type="application/json", headers={
                               "X-Exhibit-Signature": "sha256=" + hmac.new(
                                   secret.encode(), raw, hashlib.sha256).hexdigest()}
                           ).json["outcome"] == "matched"
    [received] = messages(event="payment.received")
    assert received.business_id == user.business_id and received.subject_type == "payment"
    assert deposit.code in received.subject and document.number in received.subject
    assert "09/01/2026" in received.body_text and "tiền đặt cọc" in received.body_text
    assert f"{deposit.amount_vnd:,}".replace(",", ".") in received.body_text
    assert received.params["zalo"]["code"] == deposit.code
    assert received.params["zalo"]["paid_on"] == "09/01/2026"

    # a credit in review says nothing; the organiser records the balance by hand (settling
    # it): acknowledged with the balance's code; a refund is not acknowledged
    short = dict(credit, transaction_id="FT26009000778", amount=1000,
                 description=f"CT {balance.code}")
    credits.receive_credit(organiser.organizer_id, credits.parse_credit(short), source="webhook")
    assert len(messages(event="payment.received")) == 1
    payments.record_payment(actor=organiser, week=open_week, data={
        "business_id": user.business_id, "kind": "balance", "amount_vnd": str(balance.amount_vnd),
        "paid_on": "12/01/2026"})
    payments.record_payment(actor=organiser, week=open_week, data={
        "business_id": user.business_id, "kind": "refund", "amount_vnd": "1000",
        "paid_on": "12/01/2026"})
    first, second = messages(event="payment.received")
    assert balance.code in second.body_text and "12/01/2026" in second.body_text
    assert "Đã nhận" in second.subject


def test_the_clock_reminds_of_a_deposit_due_in_three_days_then_overdue(app, contract):
    user, document, _organiser = contract
    now = utcnow()
    assert clock.tick(now=now)["payment_reminders"] == 1
    assert clock.tick(now=now)["payment_reminders"] == 0  # once
    [due] = messages(event="payment.due_soon")
    assert document.number in due.body_text and "đặt cọc" in due.body_text
    assert (vietnam_today() + timedelta(days=3)).strftime("%d/%m/%Y") in due.body_text
    later = now + timedelta(days=4)
    assert clock.tick(now=later)["payment_reminders"] == 1
    assert clock.tick(now=later + timedelta(hours=1))["payment_reminders"] == 0
    assert len(messages(event="payment.overdue")) == 1


def test_a_paid_deposit_is_not_reminded(app, open_week, contract):
    from exhibit.documents import payments
    user, document, organiser = contract
    payments.record_payment(actor=organiser, week=open_week, data={
        "business_id": user.business_id, "kind": "deposit", "amount_vnd": str(document.deposit_vnd),
        "paid_on": date.today().strftime("%d/%m/%Y")})
    assert clock.tick()["payment_reminders"] == 0


def test_a_visitor_gets_the_badge_link_and_a_receipt_for_a_contact_left(app, client, open_week,
                                                                        exhibitor_with_booth):
    from exhibit.badges import services as badges
    from exhibit.visitors import services as visitors
    forget_messages()
    badge = badges.register_visitor(week=open_week, data=visitor_data())
    [registered] = messages(event="visitor.registered")
    assert registered.address == "huong@example.vn" and registered.user_id is None
    assert f"http://exhibit.test/e/{badge.entry_code}" in registered.body_text
    target = visitors.resolve_booth_token(visitors.current_token(get_booth(open_week, "A01")))
    visitors.leave_contact(target=target, visitor_key="k" * 20, data=visitor_data(
        email="khach@example.vn", message="Xin báo giá"))
    [receipt] = messages(event="visitor.contact_receipt")
    assert receipt.address == "khach@example.vn"
    assert "Hợp tác xã Thanh long Hàm Thuận Nam" in receipt.subject
    assert "gian A01" in receipt.body_text


def test_an_offer_that_lapses_is_told_as_such(app, organiser, open_week, make_exhibitor):
    holder, waiting = make_exhibitor(), make_exhibitor("Cơ sở Đang chờ")
    for user in (holder, waiting):
        booking.apply_to_week(actor=user, week=open_week, data={"booth_count": 1})
    booking.decide_application(actor=organiser,
                               application=booking.get_application(
                                   messages(event="application.received",
                                            business_id=waiting.business_id)[0].subject_id),
                               decision="waitlist")
    hold = booking.hold_booth(actor=holder, week=open_week, booth=get_booth(open_week, "A01"))
    clock.tick(now=hold.expires_at + timedelta(seconds=1))  # the hold lapses: offered on
    [offer] = messages(event="booking.offer", business_id=waiting.business_id)
    offered = booking.get_allocation(offer.subject_id)
    clock.tick(now=offered.expires_at + timedelta(seconds=1))
    assert [m.event for m in messages(business_id=waiting.business_id)][-1] == "booking.offer_lapsed"
