"""Payment requests (issue 19, item 2): every issued contract's deposit and balance with an
order code and its VietQR code — made when the contract is issued, kept equal to it when it is
issued again, cancelled with it; printed on the contract's Article 2 and on a one-page payment
request, shown on the exhibitor's /my page, and the codes read back by a real decoder."""
from __future__ import annotations

import base64
import io
import itertools
import re
from datetime import date

import pytest

from tests.conftest import login
from tests.printed import check_printed_codes, decode_pdf_qr_codes, pdftotext, printed_codes

ACCOUNT = "0071001234567"


@pytest.fixture
def bank_chosen(organiser):
    """The organiser's body with its bank chosen from NAPAS's list (Vietcombank)."""
    from exhibit.weeks.services import update_organizer
    from tests.conftest import next_tax_code
    update_organizer(actor=organiser, data={
        "name": "Trung tâm Xúc tiến Thương mại và Đầu tư TP.HCM (ITPC)",
        "representative": "Nguyễn Văn Mạnh", "representative_position": "Phó Giám đốc",
        "bank_bin": "970436", "bank_account": ACCOUNT, "bank_name": "",
        "address": "92–96 Nguyễn Hữu Cảnh, TP. Hồ Chí Minh", "tax_code": next_tax_code()})
    return organiser


@pytest.fixture
def issued_contract(bank_chosen, open_week, confirmed_exhibitor):
    """Issues a contract for a new exhibitor's booth: 1.300.000 đồng + 8 % VAT, half as
    deposit by 10/01/2026, the rest by 10/02/2026. Returns (exhibitor, contract)."""
    from exhibit.documents import services

    def build(**data):
        user = confirmed_exhibitor()
        document = services.create_contract(actor=bank_chosen, week=open_week,
                                            business_id=user.business_id)
        services.update_draft(actor=bank_chosen, document=document, data={
            "vat_percent": 8, "deposit_percent": 50, "deposit_due_on": date(2026, 1, 10),
            "balance_due_on": date(2026, 2, 10), **data})
        return user, services.issue(actor=bank_chosen, document=document)
    return build


def rows_of(document):
    from exhibit.documents.requests import document_requests
    return {r.kind: (r.code, r.amount_vnd, r.due_on, r.status, r.document_version)
            for r in document_requests(document)}


# -- the order code -----------------------------------------------------------------------------

def test_the_order_code_is_short_ascii_and_checked():
    from exhibit.documents.requests import is_valid_code, order_code
    code = order_code(22, 2024, "deposit")
    assert re.fullmatch(r"HD0222024D[0-9A-Z]", code) and len(code) <= 19
    assert order_code(22, 2024, "balance")[:-1] == "HD0222024B"
    assert len(order_code(123_456, 2026, "balance")) <= 19  # a fair's numbers stay short
    assert is_valid_code(code) and is_valid_code(code.lower())  # banks may lower-case it
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    # every code with one character changed, or two neighbours swapped, is refused
    for i, char in itertools.product(range(len(code)), alphabet):
        typo = code[:i] + char + code[i + 1:]
        assert typo == code or not is_valid_code(typo), typo
    for i in range(len(code) - 1):
        swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
        assert swapped == code or not is_valid_code(swapped), swapped
    # different contracts and kinds never share a code
    codes = {order_code(n, y, k) for n in range(1, 400) for y in (2025, 2026)
             for k in ("deposit", "balance")}
    assert len(codes) == 399 * 2 * 2


# -- made, kept and cancelled with the contract ---------------------------------------------------

def test_issuing_makes_the_requests_and_issuing_again_keeps_them_equal(
        app, bank_chosen, issued_contract):
    from exhibit.core import audit
    from exhibit.documents import services
    from exhibit.documents.requests import order_code
    _user, contract = issued_contract()
    deposit_code = order_code(contract.sequence, contract.year, "deposit")
    balance_code = order_code(contract.sequence, contract.year, "balance")
    assert rows_of(contract) == {
        "deposit": (deposit_code, 702_000, date(2026, 1, 10), "open", 1),
        "balance": (balance_code, 702_000, date(2026, 2, 10), "open", 1)}
    issued = [e for e in audit.entries(entity="document", entity_id=contract.id)
              if e.action == "issue"][0]
    assert issued.after["payment_requests"] == {deposit_code: 702_000, balance_code: 702_000}

    # revised and issued again: the same codes ask for the new amounts and days
    services.revise(actor=bank_chosen, document=contract)
    services.update_draft(actor=bank_chosen, document=contract, data={
        "deposit_percent": 30, "balance_due_on": date(2026, 2, 20)})
    services.issue(actor=bank_chosen, document=contract)
    assert rows_of(contract) == {
        "deposit": (deposit_code, 421_200, date(2026, 1, 10), "open", 2),
        "balance": (balance_code, 982_800, date(2026, 2, 20), "open", 2)}

    # no deposit any more: the deposit's request is cancelled, the balance is the whole
    services.revise(actor=bank_chosen, document=contract)
    services.update_draft(actor=bank_chosen, document=contract, data={"deposit_percent": 0})
    services.issue(actor=bank_chosen, document=contract)
    assert rows_of(contract)["deposit"][3] == "cancelled"
    assert rows_of(contract)["balance"] == (balance_code, 1_404_000, date(2026, 2, 20), "open", 3)

    # and a deposit again: the same code, open again
    services.revise(actor=bank_chosen, document=contract)
    services.update_draft(actor=bank_chosen, document=contract, data={"deposit_percent": 50})
    services.issue(actor=bank_chosen, document=contract)
    assert rows_of(contract)["deposit"] == (deposit_code, 702_000, date(2026, 1, 10), "open", 4)

    services.cancel(actor=bank_chosen, document=contract, reason="Doanh nghiệp rút tham gia")
    assert {kind: row[3] for kind, row in rows_of(contract).items()} == {
        "deposit": "cancelled", "balance": "cancelled"}


def test_a_subsidised_contract_and_a_draft_ask_for_nothing(app, bank_chosen, open_week,
                                                            confirmed_exhibitor):
    from exhibit.documents import services
    from exhibit.floorplan.services import get_booth
    from exhibit.extensions import db
    user = confirmed_exhibitor()
    draft = services.create_contract(actor=bank_chosen, week=open_week, business_id=user.business_id)
    assert rows_of(draft) == {}
    get_booth(open_week, "A02").price_vnd = 0
    db.session.commit()
    free = confirmed_exhibitor()
    contract = services.create_contract(actor=bank_chosen, week=open_week, business_id=free.business_id)
    assert contract.total_vnd == 0
    services.issue(actor=bank_chosen, document=contract)
    assert rows_of(contract) == {}


def test_order_codes_are_unique_per_organiser_in_the_schema(app, issued_contract):
    from sqlalchemy.exc import IntegrityError

    from exhibit.documents.models import PaymentRequest
    from exhibit.extensions import db
    _user, contract = issued_contract()
    deposit = next(r for r in db.session.query(PaymentRequest).filter_by(document_id=contract.id))
    _other, second = issued_contract()
    copy = next(r for r in db.session.query(PaymentRequest).filter_by(document_id=second.id))
    copy.code = deposit.code
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


# -- printed on the contract ----------------------------------------------------------------------

def test_the_contract_prints_each_code_with_a_vietqr_that_reads_back(app, issued_contract):
    from exhibit.documents import services
    from exhibit.documents.requests import order_code
    from exhibit.vn import vietqr
    _user, contract = issued_contract()
    pdf = services.pdf_content(contract)
    text = pdftotext(pdf)
    codes = [order_code(contract.sequence, contract.year, k) for k in ("deposit", "balance")]
    for code in codes:
        assert code in text
    assert "Nội dung chuyển khoản (mã thanh toán)" in text and "Tiền đặt cọc" in text
    assert "Bảy trăm lẻ hai nghìn đồng" in text  # the amount in words beside its code
    read = [vietqr.read(t) for page in decode_pdf_qr_codes(pdf) for t in page]
    assert sorted((r.purpose, r.amount, r.bank_bin, r.account) for r in read) == sorted(
        (code, 702_000, "970436", ACCOUNT) for code in codes)
    assert all(code.width_mm >= 25 for code in printed_codes(pdf))
    # the English reference copy prints the same codes
    english = pdftotext(services.pdf_content(contract, lang="en"))
    assert all(code in english for code in codes) and "Transfer description" in english


def test_without_a_bank_from_the_list_the_contract_prints_the_codes_only(
        app, organiser, open_week, confirmed_exhibitor):
    from exhibit.documents import services
    from exhibit.weeks.services import update_organizer
    update_organizer(actor=organiser, data={"representative": "Nguyễn Văn Mạnh",
                                            "bank_account": ACCOUNT, "bank_name": "Vietcombank"})
    user = confirmed_exhibitor()
    document = services.create_contract(actor=organiser, week=open_week, business_id=user.business_id)
    services.issue(actor=organiser, document=document)
    pdf = services.pdf_content(document)
    assert printed_codes(pdf) == []
    assert all(code in pdftotext(pdf) for code, *_ in rows_of(document).values())


# -- the one-page payment request ---------------------------------------------------------------

def test_the_payment_request_pdf_reads_back_for_its_payer_and_organiser(
        app, client, bank_chosen, issued_contract, make_exhibitor, make_organiser_of_another_body):
    from exhibit.documents import services
    from exhibit.documents.requests import document_requests
    from exhibit.vn import vietqr
    user, contract = issued_contract()
    deposit = document_requests(contract)[0]
    url = f"/payment-requests/{deposit.id}.pdf"
    assert client.get(url).status_code == 302  # to the sign-in page

    login(client, user)
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.data
    expected = vietqr.payload(bank_bin="970436", account=ACCOUNT, amount=702_000,
                              purpose=deposit.code)
    codes = check_printed_codes(pdf, [[expected]])  # ≥ 25 mm, quiet zone, read after blur…
    assert codes[0].width_mm >= 40
    text = pdftotext(pdf)
    for part in (deposit.code, contract.number, "702.000", ACCOUNT, "Vietcombank",
                 "Bảy trăm lẻ hai nghìn đồng", "10/01/2026"):
        assert part in text, part

    client.get("/logout")
    login(client, bank_chosen)
    assert client.get(url).status_code == 200
    # the contract's page lists its requests, each with its PDF
    detail = client.get(f"/organiser/documents/{contract.id}").get_data(as_text=True)
    for request in document_requests(contract):
        assert f'data-code="{request.code}" data-status="open"' in detail
        assert f"/payment-requests/{request.id}.pdf" in detail
    client.get("/logout")
    login(client, make_exhibitor())
    assert client.get(url).status_code == 403
    client.get("/logout")
    login(client, make_organiser_of_another_body())
    assert client.get(url).status_code == 403

    services.cancel(actor=bank_chosen, document=contract, reason="Rút tham gia")
    client.get("/logout")
    login(client, user)
    assert client.get(url).status_code == 404
    assert client.get("/payment-requests/999999.pdf").status_code == 404


@pytest.fixture
def make_organiser_of_another_body(app):
    import uuid

    from exhibit.accounts.services import create_organiser_user
    from tests.conftest import PASSWORD

    def build():
        return create_organiser_user(email=f"khac-{uuid.uuid4().hex[:6]}@sct.example",
                                     password=PASSWORD, organizer_name=f"Sở Công Thương {uuid.uuid4().hex[:4]}",
                                     organizer_short_name="SCT")
    return build


# -- on the exhibitor's page --------------------------------------------------------------------

def _page_requests(html: str) -> dict[str, dict]:
    found = {}
    for card in re.findall(r'<article class="card payment-request".*?</article>', html, re.S):
        code = re.search(r'data-code="([^"]+)"', card).group(1)
        image = re.search(r'src="data:image/png;base64,([^"]+)"', card)
        found[code] = {"settled": 'data-settled="yes"' in card,
                       "png": base64.b64decode(image.group(1)) if image else None,
                       "html": card}
    return found


def test_my_page_shows_each_request_with_a_code_the_bank_app_reads(
        app, client, bank_chosen, open_week, issued_contract):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    from exhibit.documents import payments
    from exhibit.documents.requests import document_requests
    from exhibit.vn import vietqr
    user, contract = issued_contract()
    deposit, balance = document_requests(contract)
    login(client, user)
    page = client.get("/my")
    assert page.status_code == 200
    shown = _page_requests(page.get_data(as_text=True))
    assert set(shown) == {deposit.code, balance.code}
    for request in (deposit, balance):
        card = shown[request.code]
        assert not card["settled"]
        with Image.open(io.BytesIO(card["png"])) as image:
            read = [c.text for c in zxingcpp.read_barcodes(image.convert("L"))]
        transfer = vietqr.read(read[0])
        assert (transfer.purpose, transfer.amount, transfer.bank_bin, transfer.account) == (
            request.code, request.amount_vnd, "970436", ACCOUNT)
        for part in ("702.000", "Bảy trăm lẻ hai nghìn đồng", ACCOUNT, "Vietcombank",
                     f"/payment-requests/{request.id}.pdf"):
            assert part in card["html"], part
    assert "10/01/2026" in shown[deposit.code]["html"]
    assert "10/02/2026" in shown[balance.code]["html"]

    # the deposit recorded in the ledger: it shows as paid, without a code to pay it again
    payments.record_payment(actor=bank_chosen, week=open_week, data={
        "business_id": user.business_id, "kind": "deposit", "amount_vnd": "702.000",
        "paid_on": "09/01/2026", "reference": deposit.code})
    shown = _page_requests(client.get("/my").get_data(as_text=True))
    assert shown[deposit.code]["settled"] and shown[deposit.code]["png"] is None
    assert not shown[balance.code]["settled"]

    # a revised contract's requests wait for its next issue; a cancelled one's are gone
    from exhibit.documents import services
    services.revise(actor=bank_chosen, document=contract)
    assert _page_requests(client.get("/my").get_data(as_text=True)) == {}
    services.issue(actor=bank_chosen, document=contract)
    assert len(_page_requests(client.get("/my").get_data(as_text=True))) == 2
    services.cancel(actor=bank_chosen, document=contract, reason="Rút tham gia")
    assert _page_requests(client.get("/my").get_data(as_text=True)) == {}


# -- the organiser's bank -----------------------------------------------------------------------

def test_the_organiser_chooses_its_bank_from_the_napas_list(app, client, organiser):
    from exhibit.extensions import db
    login(client, organiser)
    page = client.get("/organiser/organisation")
    assert 'value="970436"' in page.get_data(as_text=True)
    form = {"name": organiser.organizer.name, "bank_account": ACCOUNT}
    response = client.post("/organiser/organisation", data={**form, "bank_bin": "970436",
                                                            "bank_name": ""})
    assert response.status_code == 302
    db.session.refresh(organiser.organizer)
    assert organiser.organizer.bank_bin == "970436"
    assert organiser.organizer.bank_name == "Ngân hàng TMCP Ngoại Thương Việt Nam"

    # another bank: the name follows the list; a name with a branch is the organiser's own
    client.post("/organiser/organisation", data={**form, "bank_bin": "970405",
                                                 "bank_name": organiser.organizer.bank_name})
    db.session.refresh(organiser.organizer)
    assert organiser.organizer.bank_name.startswith("Ngân hàng Nông nghiệp")
    branch = "Agribank – Chi nhánh Buôn Ma Thuột"
    client.post("/organiser/organisation", data={**form, "bank_bin": "970405", "bank_name": branch})
    db.session.refresh(organiser.organizer)
    assert organiser.organizer.bank_name == branch

    response = client.post("/organiser/organisation", data={**form, "bank_bin": "999999"})
    assert response.status_code == 422
    assert "Choose your bank from the list." in response.get_data(as_text=True) or \
        "Chọn ngân hàng" in response.get_data(as_text=True)
    db.session.refresh(organiser.organizer)
    assert organiser.organizer.bank_bin == "970405"


# -- the migration ------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_the_migration_gives_contracts_issued_before_it_the_same_requests(kind, tmp_path_factory):
    """Down and up again on a database with issued contracts: the requests the migration makes
    for them are the ones issuing makes (its copy of the code rule equals the app's), and no
    organiser, week or document is lost on SQLite."""
    from datetime import timedelta

    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from exhibit.accounts.services import create_organiser_user, register_exhibitor
    from exhibit.booking.services import apply_to_week, assign_booth
    from exhibit.documents import services
    from exhibit.extensions import db
    from exhibit.floorplan.services import get_booth, save_booth, save_hall
    from exhibit.weeks.services import create_week, update_organizer
    from tests.conftest import PASSWORD, _test_app, business_data

    with _test_app(kind, tmp_path_factory, "requests_migration") as app, app.app_context():
        organiser = create_organiser_user(email="btc@itpc.example", password=PASSWORD,
                                          organizer_name="ITPC", organizer_short_name="ITPC")
        update_organizer(actor=organiser, data={"representative": "Nguyễn Văn Mạnh",
                                                "bank_bin": "970436", "bank_account": ACCOUNT})
        today = date.today()
        week = create_week(actor=organiser, data={
            "name_vi": "Tuần lễ OCOP", "slug": "tuan-le", "host_province_scheme": "2025",
            "host_province_code": "79", "venue_name": "ITPC", "start_date": today + timedelta(days=60),
            "end_date": today + timedelta(days=62), "status": "open"})
        hall = save_hall(actor=organiser, week=week, data={"name": "Sảnh A", "grid_width": 20, "grid_height": 5})
        for i in range(3):
            save_booth(actor=organiser, week=week, hall_id=hall.id, data={
                "code": f"A{i + 1:02d}", "price_vnd": 1_300_000 * (i + 1), "grid_x": i * 3, "grid_y": 1})
        contracts = []
        for n in range(3):
            user = register_exhibitor(email=f"dn{n}@example.vn", password=PASSWORD, full_name="A",
                                      business=business_data(), verified=True)
            apply_to_week(actor=user, week=week, data={"booth_count": 1})
            assign_booth(actor=organiser, week=week, booth=get_booth(week, f"A0{n + 1}"),
                         business_id=user.business_id)
            document = services.create_contract(actor=organiser, week=week, business_id=user.business_id)
            services.update_draft(actor=organiser, document=document, data={"deposit_percent": 30 * n})
            contracts.append(services.issue(actor=organiser, document=document))
        services.cancel(actor=organiser, document=contracts[2], reason="Rút")
        db.session.remove()

        def rows(sql):
            with db.engine.connect() as conn:
                return conn.execute(text(sql)).all()
        made = sorted(rows("SELECT document_id, kind, code, amount_vnd, due_on, status "
                           "FROM payment_requests WHERE status = 'open'"))
        assert len(made) == 3  # no deposit for the first; the third is cancelled
        counts = {t: rows(f"SELECT count(*) FROM {t}")[0][0]
                  for t in ("organizers", "exhibition_weeks", "documents", "audit_entries")}
        downgrade(revision="dd3147e1612d")
        upgrade()
        assert sorted(rows("SELECT document_id, kind, code, amount_vnd, due_on, status "
                           "FROM payment_requests")) == made
        assert {t: rows(f"SELECT count(*) FROM {t}")[0][0] for t in counts} == counts
        assert rows("SELECT bank_bin FROM organizers") == [("",)]  # chosen again by the organiser


# -- bank credits: the signed webhook and automatic matching (item 3) ---------------------------

def _signed(client, organizer_id: int, secret: str, payload=None, *, body: bytes | None = None,
            signature: str | None = None):
    import hashlib
    import hmac
    import json
    body = body if body is not None else json.dumps(payload).encode()
    signature = signature or "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(f"/hooks/bank-credits/{organizer_id}", data=body,
                       content_type="application/json",
                       headers={"X-Exhibit-Signature": signature})


def _ledger_count():
    from sqlalchemy import func, select

    from exhibit.documents.models import BankCredit, Payment
    from exhibit.extensions import db
    return (db.session.scalar(select(func.count()).select_from(Payment)),
            db.session.scalar(select(func.count()).select_from(BankCredit)))


def test_order_codes_are_found_however_the_bank_writes_the_description():
    from exhibit.documents.credits import codes_in
    from exhibit.documents.requests import order_code
    code = order_code(1, 2026, "deposit")
    for description in (f"CT {code} NGUYEN VAN A", f"{code.lower()}-chuyen tien",
                        f"MBVCB.123.{code[:5]} {code[5:]}.CT tu 0071",
                        f"IBFT {code}FT26009123"):
        assert codes_in(description) == [code], description
    typo = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert codes_in(f"CT {typo}") == [] and codes_in("chuyen tien dat coc") == []


def test_a_signed_credit_with_the_code_and_amount_marks_it_paid_once_and_the_rest_waits(
        app, client, bank_chosen, open_week, issued_contract):
    from exhibit.documents import credits
    from exhibit.documents.models import Payment
    from exhibit.documents.requests import document_requests
    from exhibit.extensions import db
    secret = credits.new_webhook_secret(actor=bank_chosen)
    organizer_id = bank_chosen.organizer_id
    user, contract = issued_contract()
    deposit, balance = document_requests(contract)
    credit = {"transaction_id": "FT26009000001", "account": ACCOUNT, "amount": 702_000,
              "time": "2026-01-09T10:15:00+07:00",
              "description": f"CT {deposit.code.lower()} CO SO SAN XUAT"}
    before = _ledger_count()

    # a badly signed notification, or one signed with another key, changes nothing
    assert _signed(client, organizer_id, secret, credit, signature="sha256=" + "0" * 64).status_code == 401
    assert _signed(client, organizer_id, "another key", credit).status_code == 401
    assert _ledger_count() == before

    answer = _signed(client, organizer_id, secret, credit)
    assert answer.status_code == 200
    assert answer.json == {"transaction_id": "FT26009000001", "outcome": "matched",
                           "reason": "", "code": deposit.code, "replay": False, "success": True}
    [payment] = db.session.query(Payment).filter_by(business_id=user.business_id).all()
    assert (payment.kind, payment.amount_vnd, payment.reference, payment.paid_on,
            payment.document_id) == ("deposit", 702_000, "FT26009000001", date(2026, 1, 9),
                                     contract.id)
    after = _ledger_count()

    # the same notification again: the same answer, nothing new
    again = _signed(client, organizer_id, secret, credit)
    assert again.status_code == 200 and again.json["replay"] is True
    assert again.json["outcome"] == "matched" and _ledger_count() == after

    def outcome(transaction_id, **changes):
        response = _signed(client, organizer_id, secret,
                           {**credit, "transaction_id": transaction_id, **changes})
        assert response.status_code == 200
        return response.json["outcome"], response.json["reason"]

    balance_text = f"CT {balance.code}"
    assert outcome("FT2", amount=500_000, description=balance_text) == ("review", "partial")
    assert outcome("FT3", amount=800_000, description=balance_text) == ("review", "excess")
    assert outcome("FT4") == ("review", "duplicate")  # the deposit was paid by FT26009000001
    assert outcome("FT5", description="chuyen tien dat coc") == ("review", "unknown_code")
    assert outcome("FT6", account="1903999888777", description=balance_text,
                   amount=702_000) == ("review", "wrong_account")
    assert _ledger_count()[0] == after[0]  # only the exact match became a payment
    queue = credits.review_queue(organizer_id)
    assert sorted(c.transaction_id for c in queue) == ["FT2", "FT3", "FT4", "FT5", "FT6"]

    # the balance paid exactly: matched, and the exhibitor's page shows both paid
    assert outcome("FT7", description=balance_text) == ("matched", "")
    login(client, user)
    shown = _page_requests(client.get("/my").get_data(as_text=True))
    assert all(card["settled"] for card in shown.values())


def test_a_notification_that_is_not_valid_is_refused_by_name(app, client, bank_chosen):
    from exhibit.documents import credits
    secret = credits.new_webhook_secret(actor=bank_chosen)
    before = _ledger_count()
    response = _signed(client, bank_chosen.organizer_id, secret,
                       {"transaction_id": "", "amount": -5, "time": "hôm qua"})
    assert response.status_code == 422
    assert set(response.json["fields"]) == {"transaction_id", "amount", "time"}
    assert _signed(client, bank_chosen.organizer_id, secret, body=b"not json").status_code == 422
    assert _ledger_count() == before


def test_an_organiser_without_a_key_accepts_no_notification(app, client, organiser):
    response = _signed(client, organiser.organizer_id, "", {"transaction_id": "X"})
    assert response.status_code == 401
    assert _signed(client, 999_999, "k", {"transaction_id": "X"}).status_code == 401


def test_the_organiser_settles_the_review_queue_by_hand(
        app, client, bank_chosen, open_week, issued_contract, make_organiser_of_another_body):
    from exhibit.documents import credits
    from exhibit.documents.requests import document_requests
    user, contract = issued_contract()
    deposit, _balance = document_requests(contract)
    for n, amount in ((1, 500_000), (2, 900_000)):
        credits.receive_credit(bank_chosen.organizer_id, credits.parse_credit({
            "transaction_id": f"FT-R{n}", "account": ACCOUNT, "amount": amount,
            "time": "2026-01-09T10:15:00+07:00", "description": f"CT {deposit.code}"}),
            source="webhook")
    page_url = f"/organiser/weeks/{open_week.slug}/payments"
    login(client, bank_chosen)
    html = client.get(page_url).get_data(as_text=True)
    assert 'data-transaction="FT-R1" data-reason="partial"' in html
    assert 'data-transaction="FT-R2" data-reason="excess"' in html
    [first] = [c for c in credits.review_queue(bank_chosen.organizer_id) if c.transaction_id == "FT-R1"]

    # without saying how, nothing changes; another body's organiser may not settle it
    client.post(f"/organiser/bank-credits/{first.id}/settle", data={"settlement": " ", "next": page_url})
    assert len(credits.review_queue(bank_chosen.organizer_id)) == 2
    client.get("/logout")
    login(client, make_organiser_of_another_body())
    assert client.post(f"/organiser/bank-credits/{first.id}/settle",
                       data={"settlement": "của tôi"}).status_code == 403
    client.get("/logout")
    login(client, bank_chosen)
    answer = client.post(f"/organiser/bank-credits/{first.id}/settle",
                         data={"settlement": "Ghi nhận một phần đặt cọc, chờ chuyển bổ sung",
                               "next": page_url})
    assert answer.status_code == 302 and answer.location.endswith(page_url)
    assert [c.transaction_id for c in credits.review_queue(bank_chosen.organizer_id)] == ["FT-R2"]
    assert 'data-transaction="FT-R1"' not in client.get(page_url).get_data(as_text=True)
    assert client.post("/organiser/bank-credits/999999/settle",
                       data={"settlement": "x"}).status_code == 404


def test_the_organiser_makes_a_webhook_key_and_the_service_signs_with_it(app, client, bank_chosen):
    login(client, bank_chosen)
    page = client.get("/organiser/organisation").get_data(as_text=True)
    assert f"http://exhibit.test/hooks/bank-credits/{bank_chosen.organizer_id}" in page
    answer = client.post("/organiser/organisation/webhook-key")
    secret = re.search(r'<code class="webhook-secret">([0-9a-f]{64})</code>',
                       answer.get_data(as_text=True)).group(1)
    assert secret not in client.get("/organiser/organisation").get_data(as_text=True)  # shown once
    response = _signed(client, bank_chosen.organizer_id, secret, {
        "transaction_id": "FT-K1", "account": ACCOUNT, "amount": 1000,
        "time": "2026-01-09T10:15:00+07:00", "description": "chuyen tien"})
    assert response.status_code == 200 and response.json["reason"] == "unknown_code"
    # a new key: the old one no longer signs
    client.post("/organiser/organisation/webhook-key")
    assert _signed(client, bank_chosen.organizer_id, secret, {"transaction_id": "FT-K2"}).status_code == 401


# -- the bank statement import ------------------------------------------------------------------

@pytest.fixture
def ten_contracts(bank_chosen, open_week, make_exhibitor):
    """Ten issued contracts at the open week (booths B01–B10), so twenty requests."""
    from exhibit.booking.services import apply_to_week, assign_booth
    from exhibit.documents import services
    from exhibit.floorplan.models import Hall
    from exhibit.floorplan.services import get_booth, save_booth
    from exhibit.extensions import db
    hall = db.session.query(Hall).filter_by(week_id=open_week.id).first()
    contracts = []
    for n in range(10):
        save_booth(actor=bank_chosen, week=open_week, hall_id=hall.id, data={
            "code": f"B{n + 1:02d}", "price_vnd": 1_000_000 + 100_000 * n, "grid_x": n * 3,
            "grid_y": 5})
        user = make_exhibitor()
        apply_to_week(actor=user, week=open_week, data={"booth_count": 1})
        assign_booth(actor=bank_chosen, week=open_week, booth=get_booth(open_week, f"B{n + 1:02d}"),
                     business_id=user.business_id)
        document = services.create_contract(actor=bank_chosen, week=open_week,
                                            business_id=user.business_id)
        contracts.append(services.issue(actor=bank_chosen, document=document))
    return contracts


def test_a_statement_of_500_lines_lands_exactly_its_matches_partials_and_duplicates(
        app, client, bank_chosen, open_week, ten_contracts):
    import csv

    from exhibit.documents import credits
    from exhibit.documents.models import Payment
    from exhibit.documents.requests import document_requests
    from exhibit.extensions import db
    asked = [r for c in ten_contracts for r in document_requests(c)]
    assert len(asked) == 20
    lines = [["Số tham chiếu", "Ngày giao dịch", "Số tiền ghi có", "Nội dung"]]

    def line(tx, amount, description, day=9):
        lines.append([tx, f"{day:02d}/01/2026 09:{len(lines) % 60:02d}", f"{amount:,}".replace(",", "."),
                      description])
    for n, r in enumerate(asked[:5]):
        line(f"P{n}", r.amount_vnd - 100_000, f"CK {r.code} TRA TRUOC")         # 5 partials
    for n, r in enumerate(asked):
        line(f"M{n}", r.amount_vnd, f"{r.code.lower()} chuyen tien", day=10)    # 20 matches
    for n, r in enumerate(asked[:3]):
        line(f"D{n}", r.amount_vnd, f"CT {r.code} lan 2", day=11)               # 3 duplicates
    lines += [lines[6], lines[7]]                                               # 2 lines again
    lines += [["X1", "12/01/2026", "", "Phí quản lý tài khoản"],                 # 2 without credit
              ["X2", "12/01/2026", "0", "Số dư cuối ngày"]]
    for n in range(468):                                                        # 468 others
        line(f"O{n}", 50_000 + n, f"NGUYEN VAN {n} chuyen tien hang", day=12)
    assert len(lines) == 501  # 500 lines and the header
    out = io.StringIO()
    csv.writer(out).writerows(lines)
    payments_before = db.session.query(Payment).count()

    login(client, bank_chosen)
    answer = client.post(f"/organiser/weeks/{open_week.slug}/bank-statement", data={
        "statement": (io.BytesIO(out.getvalue().encode("utf-8-sig")), "sao-ke.csv")},
        content_type="multipart/form-data", follow_redirects=True)
    assert answer.status_code == 200
    text = answer.get_data(as_text=True)
    assert "20" in text and "476" in text  # the flash: 20 matched, 5 + 3 + 468 in review
    queue = credits.review_queue(bank_chosen.organizer_id)
    from collections import Counter
    assert Counter(c.reason for c in queue) == {"partial": 5, "duplicate": 3, "unknown_code": 468}
    assert db.session.query(Payment).count() == payments_before + 20
    paid = {p.reference: p.amount_vnd for p in db.session.query(Payment)}
    assert all(paid[f"M{n}"] == r.amount_vnd for n, r in enumerate(asked))

    # the same statement again: nothing new
    from exhibit.documents.statements import import_statement
    again = import_statement(actor=bank_chosen, filename="sao-ke.csv",
                             content=out.getvalue().encode())
    assert (again.matched, again.in_review, again.already_received, again.skipped) == (0, 0, 498, 2)
    assert db.session.query(Payment).count() == payments_before + 20


def test_an_xlsx_statement_with_english_headers_and_a_bad_row(app, bank_chosen, issued_contract):
    from datetime import datetime

    from openpyxl import Workbook

    from exhibit.core.errors import ValidationFailed
    from exhibit.documents.requests import document_requests
    from exhibit.documents.statements import import_statement
    _user, contract = issued_contract()
    deposit, _balance = document_requests(contract)
    book = Workbook()
    sheet = book.active
    sheet.append(["Reference", "Transaction date", "Credit", "Description"])
    sheet.append(["XL1", datetime(2026, 1, 9, 10, 15), 702000, f"IBFT {deposit.code}"])
    sheet.append(["XL2", "sometime", 5000, "no date"])
    sheet.append(["XL3", datetime(2026, 1, 9, 11, 0), "abc", "no amount"])
    out = io.BytesIO()
    book.save(out)
    result = import_statement(actor=bank_chosen, filename="statement.xlsx", content=out.getvalue())
    assert result.matched == 1 and sorted(result.refused) == [3, 4]
    with pytest.raises(ValidationFailed) as error:
        import_statement(actor=bank_chosen, filename="x.csv", content=b"a,b\n1,2\n")
    assert "Missing columns" in error.value.message or "Thiếu" in error.value.message


def test_a_sepay_notification_is_read_by_its_adapter(app, client, bank_chosen, issued_contract):
    """SePay's documented body (developer.sepay.vn, SePay Webhooks: id, gateway,
    transactionDate, accountNumber, content, transferType, transferAmount, referenceCode)."""
    import json

    from exhibit.documents import credits
    from exhibit.documents.requests import document_requests
    secret = credits.new_webhook_secret(actor=bank_chosen)
    _user, contract = issued_contract()
    deposit, _balance = document_requests(contract)
    body = {"id": 92704, "gateway": "Vietcombank", "transactionDate": "2026-01-09 14:02:37",
            "accountNumber": ACCOUNT, "code": None, "content": f"{deposit.code} chuyen tien",
            "transferType": "in", "transferAmount": 702_000, "accumulated": 19_077_000,
            "subAccount": None, "referenceCode": "MBVCB.3278907687"}
    url_id = bank_chosen.organizer_id

    def post(payload, fmt="sepay"):
        import hashlib
        import hmac
        raw = json.dumps(payload).encode()
        return client.post(f"/hooks/bank-credits/{url_id}?format={fmt}", data=raw,
                           content_type="application/json", headers={
                               "X-Exhibit-Signature": "sha256=" + hmac.new(
                                   secret.encode(), raw, hashlib.sha256).hexdigest()})
    answer = post(body)
    assert answer.status_code == 200 and answer.json["outcome"] == "matched"
    assert answer.json["transaction_id"] == "sepay-92704" and answer.json["success"] is True
    [credit] = [c for c in db_credits() if c.transaction_id == "sepay-92704"]
    assert credit.credited_at.isoformat() == "2026-01-09T07:02:37+00:00"  # Vietnam time read
    assert post(body).json["replay"] is True
    assert post({**body, "id": 92705, "transferType": "out"}).json == {
        "outcome": "ignored", "success": True}
    assert len(db_credits()) == 1
    assert post(body, fmt="no-such-format").status_code == 422


def db_credits():
    from exhibit.documents.models import BankCredit
    from exhibit.extensions import db
    return db.session.query(BankCredit).all()


def test_racing_credits_for_one_request_match_it_once(app, bank_chosen, issued_contract):
    """Twelve transfers of the deposit's exact amount, each its own transaction, arriving at
    once (threads with their own sessions, released together): one is the match, the others
    wait as duplicates — and the same notification delivered twelve times at once is one credit."""
    from collections import Counter

    from exhibit.documents import credits
    from exhibit.documents.models import Payment
    from exhibit.documents.requests import document_requests
    from exhibit.extensions import db
    from tests.conftest import race
    _user, contract = issued_contract()
    deposit = document_requests(contract)[0]
    organizer_id, code, amount = bank_chosen.organizer_id, deposit.code, deposit.amount_vnd

    def credit(transaction_id):
        return credits.parse_credit({"transaction_id": transaction_id, "account": ACCOUNT,
                                     "amount": amount, "time": "2026-01-09T10:15:00+07:00",
                                     "description": f"CT {code}"})

    outcomes = race(app, lambda i: credits.receive_credit(
        organizer_id, credit(f"RACE{i}"), source="webhook")[0].reason or "matched", 12)
    assert Counter(outcomes) == {"matched": 1, "duplicate": 11}
    news = race(app, lambda i: credits.receive_credit(
        organizer_id, credit("SAME"), source="webhook")[1], 12)
    assert sorted(news) == [False] * 11 + [True]
    db.session.rollback()  # end this session's read, which on SQLite sees the time before the race
    assert db.session.query(Payment).filter_by(document_id=contract.id).count() == 1


def test_the_bank_is_named_once_on_every_payment_request():
    from exhibit.documents.requests import PayTo
    own = PayTo("970436", "Vietcombank", "Ngân hàng TMCP Ngoại thương Việt Nam (Vietcombank) – "
                "Chi nhánh TP. Hồ Chí Minh", "0071001234567", "ITPC")
    assert own.bank_label == own.bank_name
    listed = PayTo("970415", "VietinBank", "Ngân hàng TMCP Công Thương Việt Nam", "1", "ITPC")
    assert listed.bank_label == "VietinBank – Ngân hàng TMCP Công Thương Việt Nam"
