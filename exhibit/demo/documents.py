"""Demo contracts, payments, a B2B session and MoUs for the 2024 weeks.

Contracts and MoUs go through the documents services (real numbers from the counter, PDFs
stored with their SHA-256, audited); the B2B meetings of a week that has ended are written as
history and then scheduled by the real auto-scheduler."""
from __future__ import annotations

import io
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

from PIL import Image, ImageDraw
from sqlalchemy import select

from exhibit.accounts.models import Role
from exhibit.b2b import services as b2b
from exhibit.b2b.models import Buyer, Meeting, SourcingNeed
from exhibit.businesses.models import Business
from exhibit.businesses.services import clean_business_data, new_business
from exhibit.core.db import write_transaction
from exhibit.documents import credits, payments
from exhibit.documents import services as documents
from exhibit.documents.models import Document, DocumentKind
from exhibit.documents.requests import document_requests
from exhibit.extensions import db
from exhibit.weeks.models import ExhibitionWeek

#: distribution systems buying at the Đắk Lắk week: (name, legal form, address, representative,
#: position, kind, needs as (group, description, min stars, certifications, volume))
BUYERS = [
    ("Liên hiệp Hợp tác xã Thương mại Thành phố Hồ Chí Minh (Saigon Co.op)", "hop_tac_xa",
     "199–205 Nguyễn Thái Học, Phường Phạm Ngũ Lão, Quận 1, TP. Hồ Chí Minh",
     "Trần Minh Khoa", "Giám đốc Khối Thu mua", "supermarket",
     [("thuc_pham", "Cà phê rang xay, cà phê hòa tan", 3, [], "3 tấn/tháng"),
      ("thuc_pham", "Mật ong, hạt điều, đặc sản sấy", 3, [], "1,5 tấn/tháng")]),
    ("Công ty Cổ phần Thương mại Bách Hóa Xanh", "cong_ty_co_phan",
     "128 Trần Quang Khải, Phường Tân Định, Quận 1, TP. Hồ Chí Minh",
     "Lê Thị Thu Hà", "Giám đốc ngành hàng Thực phẩm khô", "supermarket",
     [("thuc_pham", "Nông sản sạch, trái cây sấy", None, ["VietGAP"], "2 tấn/tháng")]),
    ("Công ty Cổ phần Dịch vụ Thương mại Tổng hợp WinCommerce (WinMart)", "cong_ty_co_phan",
     "Tầng 5, tòa nhà Mplaza, 39 Lê Duẩn, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh",
     "Phạm Quốc Bảo", "Trưởng phòng Phát triển nhà cung cấp", "supermarket",
     [("thuc_pham", "", 4, [], "500 thùng/tháng"),
      ("do_uong", "Đồ uống đặc sản", 3, [], "300 thùng/tháng")]),
    ("Công ty TNHH MM Mega Market (Việt Nam)", "cong_ty_tnhh",
     "Khu B, Khu đô thị mới An Phú – An Khánh, Phường An Phú, TP. Thủ Đức, TP. Hồ Chí Minh",
     "Nguyễn Hoàng Yến", "Chuyên viên thu mua cấp cao", "wholesaler",
     [("thuc_pham", "Hồ tiêu, gia vị, cà phê nhân", None, ["HACCP"], "5 tấn/tháng")]),
    ("Công ty TNHH Lotte Mart Việt Nam", "cong_ty_tnhh",
     "469 Nguyễn Hữu Thọ, Phường Tân Hưng, Quận 7, TP. Hồ Chí Minh",
     "Võ Thành Trung", "Trưởng nhóm thu mua", "supermarket",
     [("thuc_pham", "Cà phê, mắc ca, hồ tiêu", 3, [], "800 hộp/tháng")]),
    ("Công ty Cổ phần Xuất nhập khẩu Nông sản Sài Gòn Xanh", "cong_ty_co_phan",
     "56 Đường số 7, Phường An Lạc A, Quận Bình Tân, TP. Hồ Chí Minh",
     "Đặng Văn Hùng", "Giám đốc", "exporter",
     [("thuc_pham", "Cà phê, hồ tiêu xuất khẩu", None, [], "2 container/quý")]),
]


def _utc(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.utc)


def _signed_scan(number: str) -> bytes:
    """A stand-in for a phone photo of the signed paper: a JPEG naming the document."""
    image = Image.new("RGB", (620, 877), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 600, 857), outline=(60, 60, 60), width=3)
    draw.text((60, 80), f"SCAN {number}", fill=(20, 20, 20))
    draw.ellipse((380, 700, 540, 820), outline=(200, 30, 30), width=6)  # the seal
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def seed_documents(organiser) -> Iterator[str]:
    organizer = organiser.organizer
    if not organizer.bank_account:
        with write_transaction():
            organizer.representative = "Nguyễn Văn Mạnh"
            organizer.representative_position = "Phó Giám đốc"
            organizer.authorisation = "Giấy ủy quyền số 05/GUQ-ITPC ngày 02/01/2024"
            organizer.bank_account = "0071001234567"
            organizer.bank_name = ("Ngân hàng TMCP Ngoại thương Việt Nam (Vietcombank) – "
                                   "Chi nhánh TP. Hồ Chí Minh")
    if not organizer.bank_bin:
        with write_transaction():
            organizer.bank_bin = "970436"  # Vietcombank, the account above: VietQR codes
    yield from _contracts(organiser, "ocop-binh-thuan-2024", vat=8, dated=date(2024, 3, 25),
                          signed_share=0.7)
    yield from _contracts(organiser, "ket-noi-cung-cau-dak-lak-2024", vat=8,
                          dated=date(2024, 6, 14), signed_share=0.8)
    yield from _payments(organiser, "ket-noi-cung-cau-dak-lak-2024")
    yield from seed_invoice_requests(organiser, "ket-noi-cung-cau-dak-lak-2024")
    yield from _b2b(organiser, "ket-noi-cung-cau-dak-lak-2024")


def _week(slug: str) -> ExhibitionWeek | None:
    return db.session.scalar(select(ExhibitionWeek).where(ExhibitionWeek.slug == slug))


def _contracts(organiser, slug: str, *, vat: int, dated: date, signed_share: float) -> Iterator[str]:
    week = _week(slug)
    if week is None or db.session.scalar(select(Document.id).where(
            Document.week_id == week.id, Document.kind == DocumentKind.CONTRACT.value).limit(1)):
        yield f"contracts {slug}: already there"
        return
    rng = random.Random(slug)
    waiting = documents.businesses_without_contract(week)
    signed = 0
    for n, business in enumerate(sorted(waiting, key=lambda b: b.id)):
        document = documents.create_contract(actor=organiser, week=week, business_id=business.id,
                                             now=_utc(dated))
        documents.update_draft(actor=organiser, document=document, data={
            "vat_percent": vat, "dated_on": dated + timedelta(days=n % 5),
            "deposit_due_on": dated + timedelta(days=7 + n % 5),
            "balance_due_on": week.start_date - timedelta(days=7)})
        if n == len(waiting) - 1:
            continue  # the last one stays a draft, as the organiser left it
        documents.issue(actor=organiser, document=document, now=_utc(dated + timedelta(days=n % 5)))
        if rng.random() < signed_share:
            documents.mark_signed(actor=organiser, document=document, filename="scan.jpg",
                                  content=_signed_scan(document.number),
                                  now=_utc(dated + timedelta(days=3 + n % 5)))
            signed += 1
    yield f"contracts {slug}: {len(waiting)} ({signed} signed, 1 draft)"


def _payments(organiser, slug: str) -> Iterator[str]:
    week = _week(slug)
    if week is None or db.session.scalar(select(payments.Payment.id).where(
            payments.Payment.week_id == week.id).limit(1)):
        yield f"payments {slug}: already there"
        return
    count, credited, short_sent = 0, 0, False
    for n, row in enumerate(payments.ledger(week, today=week.start_date)):
        contract = row.contract
        if contract is None or not contract.total_vnd or contract.status == "draft" or n % 7 == 6:
            continue  # every seventh exhibitor has paid nothing yet
        paid_on = contract.deposit_due_on - timedelta(days=n % 3)
        reference = f"FT24{160 + n:03d}{n * 7919 % 100000:05d}"
        deposit = next((r for r in document_requests(contract) if r.kind == "deposit"), None)
        if deposit is not None and credited < 8:
            # the first deposits arrive as the bank's notifications would, naming their order
            # code, and are matched to their requests automatically
            credits.receive_credit(week.organizer_id, credits.parse_credit({
                "transaction_id": reference, "account": week.organizer.bank_account,
                "amount": contract.deposit_vnd, "time": f"{paid_on.isoformat()}T10:1{n % 10}:00+07:00",
                "description": f"{deposit.code} {row.business.name[:30]} dat coc gian hang"}),
                source="webhook")
            credited += 1
        else:
            payments.record_payment(actor=organiser, week=week, data={
                "business_id": row.business.id, "kind": "deposit",
                "amount_vnd": contract.deposit_vnd, "paid_on": paid_on, "reference": reference})
        count += 1
        if n % 5 == 4 and not short_sent:
            # one balance paid 100.000 đồng short: it waits on the payments page for review
            balance = next((r for r in document_requests(contract) if r.kind == "balance"), None)
            if balance is not None:
                credits.receive_credit(week.organizer_id, credits.parse_credit({
                    "transaction_id": f"FT24{300 + n:03d}{n * 31 % 1000:03d}",
                    "account": week.organizer.bank_account,
                    "amount": contract.total_vnd - contract.deposit_vnd - 100_000,
                    "time": f"{contract.balance_due_on.isoformat()}T15:42:00+07:00",
                    "description": f"{balance.code} thanh toan con lai"}), source="webhook")
                short_sent = True
        if n % 5 != 4:  # every fifth paid only the deposit
            payments.record_payment(actor=organiser, week=week, data={
                "business_id": row.business.id, "kind": "balance",
                "amount_vnd": contract.total_vnd - contract.deposit_vnd,
                "paid_on": contract.balance_due_on - timedelta(days=n % 4),
                "reference": f"FT24{200 + n:03d}{n * 104729 % 100000:05d}"})
            count += 1
    yield f"payments {slug}: {count} recorded"


def seed_invoice_requests(organiser, slug: str) -> Iterator[str]:
    """The week's payments made their e-invoice requests as they were recorded; the first
    matched deposit's invoice was issued by the organiser's provider, which gave it a number,
    a symbol and a lookup code (shown on the exhibitor's page and in the ledger)."""
    from exhibit.documents import invoicing
    from exhibit.documents.models import BankCredit, InvoiceRequest
    week = _week(slug)
    if week is None:
        return
    if db.session.scalar(select(InvoiceRequest.id).where(
            InvoiceRequest.week_id == week.id, InvoiceRequest.invoice_number != "").limit(1)):
        yield f"invoice requests {slug}: already there"
        return
    first = db.session.scalar(
        select(InvoiceRequest).join(BankCredit, BankCredit.payment_id == InvoiceRequest.payment_id)
        .where(InvoiceRequest.week_id == week.id, InvoiceRequest.kind == "original")
        .order_by(InvoiceRequest.invoice_date, InvoiceRequest.id).limit(1))
    if first is not None:
        invoicing.record_invoice(actor=organiser, request_id=first.id, data={
            "invoice_number": "125", "invoice_symbol": f"1C{first.invoice_date.year % 100:02d}TAA",
            "lookup_code": "B1HEIRR8RC"})
    counts = invoicing.status_counts(week)
    yield (f"invoice requests {slug}: {sum(counts.values())}, "
           f"{counts['invoiced']} with their invoice")


def _b2b(organiser, slug: str) -> Iterator[str]:
    from exhibit.demo.accounts import demo_user as _user, fictional_tax_code
    week = _week(slug)
    if week is None or db.session.scalar(select(Buyer.id).where(Buyer.week_id == week.id).limit(1)):
        yield f"b2b {slug}: already there"
        return
    created = _utc(week.start_date - timedelta(days=20))
    with write_transaction():
        for n, (name, form, address, person, position, kind, needs) in enumerate(BUYERS):
            tax_code = fictional_tax_code(400 + n)
            business = db.session.scalar(select(Business).where(Business.tax_code == tax_code))
            if business is None:
                business = new_business(clean_business_data({
                    "name": name, "legal_form": form, "tax_code": tax_code, "address": address,
                    "province_code": "79", "representative": person,
                    "representative_position": position, "phone": f"0283830{n}{n * 37 % 1000:03d}",
                    "email": f"thumua{n + 1:02d}@exhibit.demo"}))
                db.session.flush()
            _user(f"buyer{n + 1:02d}@exhibit.demo", person, Role.BUYER, business_id=business.id)
            buyer = Buyer(week_id=week.id, business_id=business.id, kind=kind, contact_name=person,
                          contact_position=position, contact_phone=f"+849088{n:02d}{n * 91 % 1000:03d}",
                          contact_email=f"thumua{n + 1:02d}@exhibit.demo", created_at=created)
            buyer.needs = [SourcingNeed(product_group=g, description=d, min_stars=s,
                                        certifications=c, monthly_volume=v)
                           for g, d, s, c, v in needs]
            db.session.add(buyer)
    pairs = [(m.buyer, m.supplier) for m in b2b.matches(week)]
    rng = random.Random(2024)
    rng.shuffle(pairs)
    pairs = pairs[:28]
    outcomes = ["mou"] * 10 + ["samples"] * 6 + ["interested"] * 5 + ["no_interest"] * 2
    meetings = []
    with write_transaction():
        for i, (buyer, supplier) in enumerate(pairs):
            status = "declined" if i in (24, 25) else "requested" if i in (26, 27) else "accepted"
            meeting = Meeting(week_id=week.id, buyer_id=buyer.id, supplier_id=supplier.id,
                              requested_by="supplier" if i % 3 else "buyer", status=status,
                              message="Mong được giới thiệu sản phẩm với bộ phận thu mua."
                              if i % 3 else "Chúng tôi quan tâm đến sản phẩm của quý công ty.",
                              created_at=created + timedelta(hours=i),
                              decided_at=created + timedelta(days=1, hours=i) if status != "requested" else None,
                              outcome=outcomes[i] if i < len(outcomes) else "")
            db.session.add(meeting)
            meetings.append(meeting)
    b2b.add_slots(actor=organiser, week=week, day=week.start_date + timedelta(days=1),
                  start=datetime.strptime("08:30", "%H:%M").time(), minutes=20, count=8,
                  gap_minutes=5)
    b2b.add_tables(actor=organiser, week=week, count=6)
    scheduled = b2b.auto_schedule(actor=organiser, week=week)
    yield (f"b2b {slug}: {len(BUYERS)} buyers (buyer01–{len(BUYERS):02d}@exhibit.demo), "
           f"{len(meetings)} meetings, {scheduled} scheduled")
    yield from _mous(organiser, week, [m for m in meetings if m.outcome == "mou"])


def _mous(organiser, week, meetings) -> Iterator[str]:
    dated = week.start_date + timedelta(days=2)  # signed on stage on the third day
    states = {"signed": 0, "issued": 0, "draft": 0, "cancelled": 0}
    for i, meeting in enumerate(meetings):
        found = b2b.matches(week, buyer=meeting.buyer, supplier_id=meeting.supplier_id)
        products = [p.id for p in found[0].products][:4] if found else []
        document = documents.create_mou(actor=organiser, week=week, supplier_id=meeting.supplier_id,
                                        buyer_business_id=meeting.buyer.business_id,
                                        meeting=meeting, product_ids=products)
        lines = [{"label": line.label, "detail": line.detail,
                  "quantity": f"{(i % 4 + 1) * 500:,} {line.quantity.split()[-1]}".replace(",", "."),
                  "unit_price_vnd": line.unit_price_vnd} for line in document.lines]
        documents.update_draft(actor=organiser, document=document, lines=lines, data={
            "dated_on": dated, "expected_value_vnd": (i % 5 + 2) * 150_000_000,
            "valid_months": 12 if i % 2 else 24})
        if i == 9:
            states["draft"] += 1
            continue
        documents.issue(actor=organiser, document=document, now=_utc(dated, 3))
        if i < 6:
            documents.mark_signed(actor=organiser, document=document, filename="mou.jpg",
                                  content=_signed_scan(document.number), now=_utc(dated, 4))
            states["signed"] += 1
        elif i == 8:
            documents.cancel(actor=organiser, document=document,
                             reason="Nhà cung cấp chưa đáp ứng được sản lượng", now=_utc(dated, 6))
            states["cancelled"] += 1
        else:
            states["issued"] += 1
    yield "MoUs {}: {} ({})".format(week.slug, len(meetings),
                                    ", ".join(f"{n} {k}" for k, n in states.items()))
