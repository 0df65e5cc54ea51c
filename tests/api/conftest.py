"""A week with real objects behind every API address, and the app served on a real port.

``api_world`` builds, through the services: an organiser with bank details and entrance staff, an
open week (booths confirmed, held and free), products with certificates and photos (approved,
listed at a booth, archived), an issued contract, a draft contract and a draft MoU, badges, a
check-in, and a draft week. ``live_api`` serves the app from a thread (werkzeug, threaded) on a
free port, on the session's database (SQLite or PostgreSQL).
"""
from __future__ import annotations

import io
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.serving import make_server

from tests.conftest import PASSWORD


def product_data(**overrides) -> dict:
    data = {"name": "Nước mắm cá cơm Phan Thiết 40 độ đạm", "price_vnd": 85000, "unit": "chai",
            "net_quantity": "Chai 500 ml", "origin_province": "legacy63:60",
            "ocop_group": "thuc_pham", "ocop_set": 9, "stars": 4,
            "cert_decision_number": "4894/QĐ-UBND", "cert_decision_date": "2024-11-12",
            "cert_issuer_level": "province", "cert_issuer_name": "UBND tỉnh Bình Thuận",
            "standards": ["HACCP"], "barcode": "8935049500018"}
    data.update(overrides)
    return data


def jpeg(color=(200, 40, 60)) -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(out, "JPEG")
    return out.getvalue()


@dataclass
class ApiWorld:
    week: str
    draft_week: str
    organiser: object
    entrance: object
    exhibitor: object
    other_exhibitor: object
    booths: dict[str, str] = field(default_factory=dict)       # code → status
    products: dict[str, int] = field(default_factory=dict)     # role → id
    documents: dict[str, int] = field(default_factory=dict)    # role → id
    entry_code: str = ""

    def token(self, user) -> str:
        from exhibit.accounts.services import issue_api_token
        return issue_api_token(user).value


@pytest.fixture
def api_world(app, organiser, open_week, make_exhibitor) -> ApiWorld:
    from exhibit.accounts.services import create_entrance_user
    from exhibit.badges import services as badges
    from exhibit.scanning.checkin import check_in
    from exhibit.booking import services as booking
    from exhibit.catalogue import services as catalogue
    from exhibit.documents import services as documents
    from exhibit.floorplan.services import get_booth
    from exhibit.weeks.services import create_week, update_organizer
    from tests.conftest import next_tax_code

    update_organizer(actor=organiser, data={
        "name": "Trung tâm Xúc tiến Thương mại và Đầu tư TP.HCM (ITPC)",
        "representative": "Nguyễn Văn Mạnh", "representative_position": "Phó Giám đốc",
        "bank_account": "0071001234567", "bank_name": "Vietcombank – Chi nhánh TP. Hồ Chí Minh",
        "address": "92–96 Nguyễn Hữu Cảnh, TP. Hồ Chí Minh", "tax_code": next_tax_code()})
    entrance = create_entrance_user(email=f"cong-{uuid.uuid4().hex[:6]}@itpc.example",
                                    password=PASSWORD, full_name="Bảo vệ cổng",
                                    organiser=organiser)
    seller = make_exhibitor("Hợp tác xã Nước mắm Phan Thiết")
    buyer = make_exhibitor("Công ty TNHH Thực phẩm Sạch Sài Gòn", legal_form="cong_ty_tnhh")
    third = make_exhibitor("Hộ kinh doanh Cà phê Đắk Hà", legal_form="ho_kinh_doanh")
    for user in (seller, buyer, third):
        booking.apply_to_week(actor=user, week=open_week, data={"booth_count": 2})
    booking.assign_booth(actor=organiser, week=open_week, booth=get_booth(open_week, "A01"),
                         business_id=seller.business_id)
    booking.assign_booth(actor=organiser, week=open_week, booth=get_booth(open_week, "A03"),
                         business_id=third.business_id)
    booking.hold_booth(actor=buyer, week=open_week, booth=get_booth(open_week, "A02"))

    ocop = catalogue.create_product(actor=seller, data=product_data())
    plain = catalogue.create_product(actor=seller, data={
        "name": "Muối tôm Tây Ninh", "price_vnd": 35000, "unit": "hũ", "brand": "Bà Tư",
        "origin_province": "Tây Ninh", "standards": "VietGAP, hữu cơ"})
    archived = catalogue.create_product(actor=seller, data=product_data(name="Mắm ruốc cũ"))
    catalogue.add_photos(actor=seller, product=ocop, uploads=[("a.jpg", jpeg()),
                                                              ("b.jpg", jpeg((20, 90, 30)))])
    a01 = get_booth(open_week, "A01")
    catalogue.set_week_products(actor=seller, week=open_week,
                                selections={ocop.id: a01.id, plain.id: None, archived.id: None})
    for listing in catalogue.business_listings(seller.business_id, open_week).values():
        catalogue.review_listing(actor=organiser, listing=listing, decision="approved")
    catalogue.set_archived(actor=seller, product=archived, archived=True)

    contract = documents.create_contract(actor=organiser, week=open_week,
                                         business_id=seller.business_id)
    documents.update_draft(actor=organiser, document=contract,
                           data={"vat_percent": 8, "dated_on": date.today()})
    contract = documents.issue(actor=organiser, document=contract)
    draft = documents.create_contract(actor=organiser, week=open_week,
                                      business_id=third.business_id)
    mou = documents.create_mou(actor=organiser, week=open_week, supplier_id=seller.business_id,
                               buyer_business_id=buyer.business_id, product_ids=[ocop.id])

    badges.add_staff_badge(actor=seller, week=open_week,
                           data={"full_name": "Lê Thị Hạnh", "position": "Kế toán"})
    visitor = badges.register_visitor(week=open_week, data={
        "full_name": "Nguyễn Thị Thu Hường", "phone": "0912 345 678",
        "email": "huong@example.vn", "organisation": "Cửa hàng Quê Nhà", "consent": True,
        "share_contact": True})
    check_in(actor=entrance, code=visitor.entry_code, nonce="world-scan-0001")

    today = date.today()
    draft_week = create_week(actor=organiser, data={
        "name_vi": "Tuần lễ nháp", "slug": f"tuan-le-nhap-{uuid.uuid4().hex[:6]}",
        "host_province_scheme": "2025", "host_province_code": "79", "venue_name": "ITPC",
        "start_date": today + timedelta(days=90), "end_date": today + timedelta(days=92),
        "status": "draft"})
    return ApiWorld(
        week=open_week.slug, draft_week=draft_week.slug, organiser=organiser, entrance=entrance,
        exhibitor=seller, other_exhibitor=buyer,
        booths={"A01": "confirmed", "A02": "held", "A04": "available"},
        products={"ocop": ocop.id, "plain": plain.id, "archived": archived.id},
        documents={"issued": contract.id, "draft": draft.id, "mou": mou.id},
        entry_code=visitor.entry_code)


@contextmanager
def serve(app):
    """The app on a free local port, answering from a thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def live_api(app):
    with serve(app) as base:
        yield base


# -- answers against the document ------------------------------------------------------------------

DOCUMENT = "urn:exhibit:openapi"


def schema_validator(document: dict):
    """schema → a Draft 2020-12 validator (formats checked) for a schema of the document,
    its ``$ref``s resolved into the document's components."""
    registry = Registry().with_resource(DOCUMENT, Resource.from_contents(
        document, default_specification=DRAFT202012))

    def validator(schema: dict) -> Draft202012Validator:
        ref = schema.get("$ref", "")
        assert ref.startswith("#/"), f"answers are described by components: {schema}"
        return Draft202012Validator({"$ref": DOCUMENT + ref}, registry=registry,
                                    format_checker=Draft202012Validator.FORMAT_CHECKER)
    return validator


def problems(document: dict, method: str, path: str, status: int, content_type: str | None,
             body) -> list[str]:
    """How an answer (status, Content-Type, parsed JSON body) departs from what the document
    says of ``method path`` (a documented path, "/products/{product_id}"); [] when it does not."""
    responses = document["paths"][path][method.lower()]["responses"]
    if str(status) not in responses:
        return [f"{method} {path}: {status} is not documented ({', '.join(responses)})"]
    content = responses[str(status)].get("content")
    if content is None:
        return [] if content_type is None else [f"{method} {path}: {status} has no body, "
                                                f"but is sent as {content_type}"]
    media_type = (content_type or "").split(";")[0]
    if media_type not in content:
        return [f"{method} {path}: {status} is sent as {content_type}, not {', '.join(content)}"]
    if media_type != "application/json":
        return []
    found = schema_validator(document)(content[media_type]["schema"]).iter_errors(body)
    return [f"{method} {path}: {status} {list(e.absolute_path)}: {e.message}"
            for e in sorted(found, key=str)][:10]
