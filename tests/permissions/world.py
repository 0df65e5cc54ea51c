"""The world the permission matrix runs against: two organising bodies side by side, each with
everything its routes can point at, built once per database through the real services.

Both organisations are built by the same function from an :class:`OrgSpec`, so they are
symmetric: organisation 1 is "ITPC thử nghiệm", organisation 2 "Sở Công Thương Long An"
(SCT-LA). Each has

* an organiser, its entrance staff, one exhibitor business (exhibitor A at org 1, B at org 2)
  and one B2B buyer, each with an API token;
* an open week (registration running today, opening in 60 days) with a hall of four booths and
  a draft week (the public must never see it);
* at the open week: the exhibitor's application for two booths, A01 confirmed and A02 held; an
  approved product (with a photo and a certificate scan PDF) and a pending one; staff, visitor
  and buyer badges, a check-in, a booth QR token with scans, two leads, favourites, a finished
  print job, a payment; a B2B session with slots, tables, the buyer's need and an accepted,
  scheduled meeting between the buyer and the exhibitor; an issued MoU from that meeting;
* the exhibitor's contracts in every state: at the open week one issued and then cancelled and
  the live one signed (with its signed scan); at two more weeks of the organisation one issued
  and one draft (a business has one live contract per week, hence the extra weeks);
* the exhibitor's email confirmation link (every account but the organiser's starts
  unverified), an invitation it sent a colleague and one the organiser sent a new member of
  its entrance staff, neither accepted yet;
* audit entries, written by the services along the way.

One business belongs to neither side: it applied to both organisations' open weeks and each
organiser approved its application there, so its audit history spans both organisations (each
must see only its own weeks' part).

Only ids, codes and slugs are kept (:class:`OrgWorld`), never ORM objects, so the world can be
read from any request and any session.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from PIL import Image
from sqlalchemy import select

from exhibit.accounts import invitations
from exhibit.accounts.models import ApiToken, User
from exhibit.accounts.services import (
    create_entrance_user,
    create_organiser_user,
    issue_api_token,
    register_exhibitor,
)
from exhibit.b2b import services as b2b
from exhibit.badges import printing
from exhibit.scanning import checkin
from exhibit.badges import services as badges
from exhibit.booking import services as booking
from exhibit.catalogue import services as catalogue
from exhibit.documents import payments
from exhibit.documents import services as documents
from exhibit.extensions import db
from exhibit.floorplan.models import Booth
from exhibit.floorplan.services import get_booth, save_booth, save_hall
from exhibit.visitors import services as visitors
from exhibit.weeks.services import create_week, get_week, update_organizer
from tests.catalogue.conftest import photo_bytes, product_data
from tests.conftest import PASSWORD, business_data, next_tax_code, visitor_data

VIETNAM = timezone(timedelta(hours=7))


@dataclass(frozen=True)
class OrgSpec:
    """What differs between the two organisations: names, addresses, slugs, the people."""
    number: int
    organizer_name: str
    short_name: str
    domain: str  # of the staff's email addresses
    stem: str  # of the weeks' slugs
    host_province: str  # 2025 scheme
    venue: str
    exhibitor_name: str
    buyer_name: str


SPECS = (
    OrgSpec(1, "ITPC thử nghiệm", "ITPC", "itpc.example", "itpc", "79",
            "Trung tâm Xúc tiến Thương mại và Đầu tư TP.HCM (ITPC)",
            "Hợp tác xã Thanh long Hàm Thuận Nam", "Liên hiệp HTX Thương mại Thử nghiệm"),
    OrgSpec(2, "Sở Công Thương Long An", "SCT-LA", "sctla.example", "long-an", "80",
            "Nhà Văn hóa tỉnh Long An (cũ)",
            "Công ty TNHH Gạo thơm Đức Hòa", "Công ty Cổ phần Phân phối Miền Tây Thử nghiệm"),
)


@dataclass
class Account:
    """A user of the world: who they are and the API token they were given."""
    id: int
    email: str
    role: str
    business_id: int | None = None
    token: str = ""
    token_id: int = 0

    @property
    def password(self) -> str:
        return PASSWORD


@dataclass
class OrgWorld:
    """Everything of one organisation a URL can name."""
    number: int
    name: str
    organizer_id: int = 0
    organiser: Account | None = None
    entrance: Account | None = None
    exhibitor: Account | None = None
    buyer: Account | None = None
    # weeks: the open one everything happens at, a draft, and two hosting older contracts
    week: str = ""
    week_id: int = 0
    draft_week: str = ""
    contract_weeks: list[str] = field(default_factory=list)
    hall_id: int = 0
    booth_ids: dict[str, int] = field(default_factory=dict)
    # booking
    application_id: int = 0
    confirmed_allocation_id: int = 0
    held_allocation_id: int = 0
    # catalogue
    approved_product_id: int = 0
    pending_product_id: int = 0
    approved_listing_id: int = 0
    pending_listing_id: int = 0
    photo_id: int = 0
    photo_key: str = ""
    # documents: {"draft", "issued", "signed", "cancelled"} → contract id; the MoU
    contracts: dict[str, int] = field(default_factory=dict)
    signed_file_id: int = 0
    mou_id: int = 0
    payment_id: int = 0
    payment_request_id: int = 0
    bank_credit_id: int = 0
    # badges and visitors
    staff_badge_id: int = 0
    visitor_badge_id: int = 0
    buyer_badge_id: int = 0
    visitor_entry_code: str = ""
    visitor_contact_code: str = ""
    print_job_id: int = 0
    booth_token: str = ""
    lead_id: int = 0
    favourites_share: str = ""
    # B2B
    b2b_buyer_id: int = 0
    need_id: int = 0
    meeting_id: int = 0
    slot_id: int = 0
    table_id: int = 0
    #: the business that applied to both organisations' open weeks (the same for both)
    shared_business_id: int = 0
    #: the exhibitor's browser session, known once the browsers have signed in (matrix.py)
    exhibitor_session_id: int = 0
    # account links: the exhibitor's email confirmation (it signed up unverified), a
    # colleague it invited and entrance staff the organiser invited, neither joined yet
    verify_token: str = ""
    invitation_user_id: int = 0
    invitation_token: str = ""
    staff_invitation_user_id: int = 0
    staff_invitation_token: str = ""
    # e-invoices, personal data, published floor plans
    invoice_request_id: int = 0
    data_request_id: int = 0
    data_task_id: int = 0
    export_token: str = ""
    #: the privacy page of X's visitor who left a contact at A01, and the consent it holds
    privacy_token: str = ""
    consent_id: int = 0
    cluster_id: int = 0
    coordinator_id: int = 0
    # the venue drawing under the open week's hall and the draft week's, a fixed element, and a
    # DXF kept for its import step
    drawing_name: str = ""
    draft_hall_id: int = 0
    draft_drawing_name: str = ""
    element_id: int = 0
    dxf_token: str = ""

    @property
    def accounts(self) -> list[Account]:
        return [self.organiser, self.entrance, self.exhibitor, self.buyer]


@dataclass
class World:
    orgs: dict[int, OrgWorld]

    def other(self, org: OrgWorld) -> OrgWorld:
        return self.orgs[3 - org.number]

    def accounts(self) -> list[Account]:
        return [account for org in self.orgs.values() for account in org.accounts]


# -- small files ---------------------------------------------------------------------------------

def tiny_pdf() -> bytes:
    """A one-page PDF (Pillow writes it), enough for every "upload a PDF" service."""
    out = io.BytesIO()
    Image.new("RGB", (200, 280), "white").save(out, "PDF")
    return out.getvalue()


def _first_morning(week) -> datetime:
    """09:05 on the week's first day, Vietnam time: when the gate lets badges in."""
    return datetime.combine(week.start_date, time(9, 5), VIETNAM).astimezone(timezone.utc)


# -- building --------------------------------------------------------------------------------------

def build_world() -> World:
    """Both organisations, each built the same way, and the business they share (call inside
    an app context)."""
    world = World({spec.number: build_org(spec) for spec in SPECS})
    _shared_business(world)
    return world


def _shared_business(world: World) -> None:
    """A business that applied to both open weeks, approved by each organiser."""
    user = register_exhibitor(email="haimien@example.vn", password=PASSWORD, full_name="Đỗ Hai",
                              business=business_data(name="Công ty TNHH Hàng Việt Hai Miền"))
    for org in world.orgs.values():
        application = booking.apply_to_week(actor=user, week=get_week(org.week),
                                            data={"booth_count": 1})
        booking.decide_application(actor=_user(org.organiser.id), application=application,
                                   decision="approve")
        org.shared_business_id = user.business_id


def _account(user) -> Account:
    """The user as the matrix knows it, with a new API token."""
    issued = issue_api_token(user)
    token = getattr(issued, "value", issued)  # a plain string before tokens had expiry dates
    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == user.id)
                                 .order_by(ApiToken.id.desc()))
    return Account(id=user.id, email=user.email, role=user.role, business_id=user.business_id,
                   token=token, token_id=token_id)


def build_org(spec: OrgSpec) -> OrgWorld:
    org = OrgWorld(number=spec.number, name=spec.organizer_name)
    organiser = _people(spec, org)
    weeks = _weeks(spec, org, organiser)
    exhibitor = _exhibitor(spec, org, organiser, weeks["open"])
    _catalogue(org, organiser, exhibitor, weeks["open"])
    _contracts(org, organiser, exhibitor, weeks)
    _badges_and_visitors(spec, org, organiser, exhibitor, weeks["open"])
    _b2b(spec, org, organiser, exhibitor, weeks["open"])
    _account_links(spec, org, organiser, exhibitor)
    _invoices_privacy_and_plan(spec, org, organiser, get_week(org.week))
    return org


def _invoices_privacy_and_plan(spec: OrgSpec, org: OrgWorld, organiser, week) -> None:
    """The invoice request of the recorded payment; the visitor's privacy page and a consent
    on it; a deletion request forwarded to the exhibitor and an access request answered with
    its export link; a booth cluster with a coordinator invited; the plan published once."""
    from exhibit.core.privacy_links import privacy_link
    from exhibit.documents import invoicing
    from exhibit.floorplan import clusters, publish
    from exhibit.privacy import desk, export
    from exhibit.privacy.models import Consent
    from exhibit.visitors.models import Lead

    org.invoice_request_id = invoicing.for_payments([org.payment_id])[org.payment_id].id
    lead = db.session.get(Lead, org.lead_id)
    org.privacy_token = privacy_link(org.organizer_id, phone=lead.phone).rsplit("/", 1)[1]
    org.consent_id = db.session.scalar(select(Consent.id).where(Consent.lead_id == lead.id))
    deletion = desk.receive_request(organizer_id=org.organizer_id, kind="deletion",
                                    subject_name=lead.full_name, subject_phone=lead.phone,
                                    subject_email="")
    org.data_request_id = deletion.id
    org.data_task_id = desk.forward(deletion.id, actor=organiser)[0].id
    access = desk.receive_request(organizer_id=org.organizer_id, kind="access",
                                  subject_name=lead.full_name, subject_phone=lead.phone,
                                  subject_email="")
    desk.complete(access.id, actor=organiser)
    org.export_token = export.download_token(db.session.get(type(access), access.id))
    cluster = clusters.save_cluster(actor=organiser, week=week, data={
        "name": f"Cụm gian hàng {spec.short_name}"})
    org.cluster_id = cluster.id
    org.coordinator_id = clusters.invite_coordinator(
        actor=organiser, week=week, cluster=cluster, email=f"dieuphoi@{spec.domain}",
        full_name="Người điều phối đoàn").id
    publish.publish(actor=organiser, week=week, revision=0, note="Phiên bản đầu")
    _drawings_and_elements(org, organiser, week)


def tiny_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 100), "white").save(out, "PNG")
    return out.getvalue()


def tiny_dxf() -> bytes:
    """A drawing with one closed booth outline on layer BOOTHS."""
    import ezdxf
    document = ezdxf.new("R2010")
    document.layers.add("BOOTHS")
    document.modelspace().add_lwpolyline([(0, 0), (3000, 0), (3000, 3000), (0, 3000)],
                                         close=True, dxfattribs={"layer": "BOOTHS"})
    out = io.StringIO()
    document.write(out)
    return out.getvalue().encode()


def _drawings_and_elements(org: OrgWorld, organiser, week) -> None:
    from exhibit.floorplan import drawing, dxf, elements
    from exhibit.floorplan.models import Hall
    hall = drawing.upload_drawing(actor=organiser, week=week, hall=db.session.get(Hall, org.hall_id),
                                  content=tiny_png(), filename="sanh-a.png")
    org.drawing_name = hall.drawing_key.rsplit("/", 1)[-1]
    draft = get_week(org.draft_week)
    draft_hall = db.session.scalar(select(Hall).where(Hall.week_id == draft.id))
    draft_hall = drawing.upload_drawing(actor=organiser, week=draft, hall=draft_hall,
                                        content=tiny_png(), filename="nhap.png")
    org.draft_hall_id = draft_hall.id
    org.draft_drawing_name = draft_hall.drawing_key.rsplit("/", 1)[-1]
    org.element_id = elements.save_element(actor=organiser, week=week, hall_id=org.hall_id, data={
        "kind": "column", "x_m": "25", "y_m": "8", "w_m": "0.5", "h_m": "0.5"}).id
    org.dxf_token = dxf.keep_upload(week, tiny_dxf())[0]


def _sent_token(user_id: int, event: str) -> str:
    """The token of the last link the outbox holds for the user (links live only in emails)."""
    from exhibit.messaging.models import Message
    message = db.session.scalar(select(Message).where(
        Message.user_id == user_id, Message.event == event).order_by(Message.id.desc()))
    return message.params["context"]["link"].rsplit("/", 1)[1]


def _account_links(spec: OrgSpec, org: OrgWorld, organiser, exhibitor) -> None:
    """The exhibitor's confirmation link, a colleague invited who has not joined yet, and
    entrance staff invited by the organiser who have not joined yet."""
    org.verify_token = _sent_token(exhibitor.id, "account.verify_email")
    invited = invitations.invite(actor=exhibitor, email=f"dongnghiep@{spec.stem}.example.vn",
                                 full_name="Hoàng Văn Mời")
    org.invitation_user_id = invited.id
    org.invitation_token = _sent_token(invited.id, "account.invitation")
    staff = invitations.invite_entrance_staff(actor=organiser, email=f"congmoi@{spec.domain}",
                                              full_name="Nhân viên cổng mới")
    org.staff_invitation_user_id = staff.id
    org.staff_invitation_token = _sent_token(staff.id, "account.invitation")


def _people(spec: OrgSpec, org: OrgWorld):
    """The organiser (whose body gets bank details, so contracts can be issued) and the
    entrance staff."""
    organiser = create_organiser_user(
        email=f"bantochuc@{spec.domain}", password=PASSWORD, organizer_name=spec.organizer_name,
        organizer_short_name=spec.short_name, full_name=f"Ban tổ chức {spec.short_name}")
    update_organizer(actor=organiser, data={
        "representative": "Nguyễn Văn Mạnh", "representative_position": "Phó Giám đốc",
        "bank_account": f"00710012345{spec.number:02d}", "bank_name": "Vietcombank",
        "address": spec.venue, "tax_code": next_tax_code()})
    entrance = create_entrance_user(email=f"congvao@{spec.domain}", password=PASSWORD,
                                    full_name="Nhân viên cổng", organiser=organiser)
    org.organizer_id = organiser.organizer_id
    org.organiser, org.entrance = _account(organiser), _account(entrance)
    return organiser


def _week_data(spec: OrgSpec, slug: str, name: str, starts_in: int, status: str = "open") -> dict:
    today = date.today()
    return {"name_vi": name, "name_en": f"{name} (EN)", "slug": slug,
            "host_province_scheme": "2025", "host_province_code": spec.host_province,
            "venue_name": spec.venue, "start_date": today + timedelta(days=starts_in),
            "end_date": today + timedelta(days=starts_in + 6),
            "registration_opens_on": today - timedelta(days=5),
            "registration_closes_on": today + timedelta(days=30), "status": status,
            # holds last a week, so the held booth stays held however long the suite runs
            "hold_minutes": 10080}


def _weeks(spec: OrgSpec, org: OrgWorld, organiser) -> dict:
    weeks = {
        "open": create_week(actor=organiser, data=_week_data(
            spec, f"tuan-le-ocop-{spec.stem}", f"Tuần lễ OCOP {spec.short_name} thử nghiệm", 60)),
        "draft": create_week(actor=organiser, data=_week_data(
            spec, f"ban-nhap-{spec.stem}", f"Tuần lễ nháp {spec.short_name}", 200, "draft")),
        "spring": create_week(actor=organiser, data=_week_data(
            spec, f"hoi-cho-xuan-{spec.stem}", f"Hội chợ mùa xuân {spec.short_name}", 90)),
        "autumn": create_week(actor=organiser, data=_week_data(
            spec, f"hoi-cho-thu-{spec.stem}", f"Hội chợ mùa thu {spec.short_name}", 120)),
    }
    for key, week in weeks.items():
        hall = save_hall(actor=organiser, week=week,
                         data={"name": "Sảnh A", "grid_width": 30, "grid_height": 10})
        for i in range(4 if key == "open" else 1):
            booth = save_booth(actor=organiser, week=week, hall_id=hall.id, data={
                "code": f"A{i + 1:02d}", "price_vnd": 1_300_000, "grid_x": i * 3, "grid_y": 1})
            if key == "open":
                org.booth_ids[booth.code] = booth.id
        if key == "open":
            org.hall_id = hall.id
    org.week, org.week_id = weeks["open"].slug, weeks["open"].id
    org.draft_week = weeks["draft"].slug
    org.contract_weeks = [weeks["spring"].slug, weeks["autumn"].slug]
    return weeks


def _exhibitor(spec: OrgSpec, org: OrgWorld, organiser, week):
    """The exhibitor: applied for two booths, A01 confirmed by the organiser, A02 held."""
    exhibitor = register_exhibitor(
        email=f"ocop@{spec.stem}.example.vn", password=PASSWORD, full_name="Trần Thị Lan",
        business=business_data(name=spec.exhibitor_name))
    org.application_id = booking.apply_to_week(actor=exhibitor, week=week,
                                                data={"booth_count": 2}).id
    org.confirmed_allocation_id = booking.assign_booth(
        actor=organiser, week=week, booth=get_booth(week, "A01"),
        business_id=exhibitor.business_id).id
    org.held_allocation_id = booking.hold_booth(actor=exhibitor, week=week,
                                                booth=get_booth(week, "A02")).id
    org.exhibitor = _account(exhibitor)
    return exhibitor


def _catalogue(org: OrgWorld, organiser, exhibitor, week) -> None:
    """An approved product (photo, certificate scan, shown at A01) and a pending one."""
    approved = catalogue.create_product(actor=exhibitor, data=product_data(
        name=f"Đặc sản OCOP 4 sao số {org.number}", price_vnd=90000, unit="hộp"))
    pending = catalogue.create_product(actor=exhibitor, data=product_data(
        name=f"Sản phẩm mới chờ duyệt số {org.number}", price_vnd=50000, unit="gói"))
    catalogue.set_week_products(actor=exhibitor, week=week, selections={
        approved.id: org.booth_ids["A01"], pending.id: None})
    listings = catalogue.business_listings(exhibitor.business_id, week)
    catalogue.review_listing(actor=organiser, listing=listings[approved.id], decision="approved")
    photo, = catalogue.add_photos(actor=exhibitor, product=approved,
                                  uploads=[("dac-san.jpg", photo_bytes())])
    catalogue.set_certificate_scan(actor=exhibitor, product=approved, filename="chung-nhan.pdf",
                                   content=tiny_pdf())
    org.approved_product_id, org.pending_product_id = approved.id, pending.id
    org.approved_listing_id = listings[approved.id].id
    org.pending_listing_id = listings[pending.id].id
    org.photo_id, org.photo_key = photo.id, photo.key


def _contracts(org: OrgWorld, organiser, exhibitor, weeks: dict) -> None:
    """The exhibitor's contracts in every state, and a payment against the live one."""
    open_week = weeks["open"]
    business = exhibitor.business_id

    cancelled = documents.create_contract(actor=organiser, week=open_week, business_id=business)
    documents.issue(actor=organiser, document=cancelled)
    documents.cancel(actor=organiser, document=cancelled, reason="Sai thông tin bên B")
    signed = documents.create_contract(actor=organiser, week=open_week, business_id=business)
    documents.issue(actor=organiser, document=signed)
    documents.mark_signed(actor=organiser, document=signed, filename="hop-dong-da-ky.pdf",
                          content=tiny_pdf())
    org.signed_file_id = next(f.id for f in signed.files if f.purpose == "signed")

    for key in ("spring", "autumn"):  # one live contract per business and week
        week = weeks[key]
        booking.apply_to_week(actor=exhibitor, week=week, data={"booth_count": 1})
        booking.assign_booth(actor=organiser, week=week, booth=get_booth(week, "A01"),
                             business_id=business)
    issued = documents.create_contract(actor=organiser, week=weeks["spring"], business_id=business)
    documents.issue(actor=organiser, document=issued)
    draft = documents.create_contract(actor=organiser, week=weeks["autumn"], business_id=business)
    org.contracts = {"draft": draft.id, "issued": issued.id, "signed": signed.id,
                     "cancelled": cancelled.id}

    org.payment_id = payments.record_payment(actor=organiser, week=open_week, data={
        "business_id": business, "kind": "deposit", "amount_vnd": signed.deposit_vnd,
        "paid_on": date.today(), "reference": f"FT{org.number:02d}0001"}).id
    from exhibit.documents import credits
    from exhibit.documents.requests import document_requests
    org.payment_request_id = document_requests(signed)[0].id
    # paid into another account: a credit waiting for review
    org.bank_credit_id = credits.receive_credit(org.organizer_id, credits.parse_credit({
        "transaction_id": f"FT{org.number:02d}R001", "account": "1903999888777", "amount": 1000,
        "time": "2026-01-09T10:15:00+07:00", "description": "chuyen tien"}),
        source="webhook")[0].id


def _badges_and_visitors(spec: OrgSpec, org: OrgWorld, organiser, exhibitor, week) -> None:
    """Badges of three kinds, a check-in on the first day, the booth's QR token and scans, a
    contact left at the booth and a badge scanned by the exhibitor, favourites, a print job."""
    staff = badges.add_staff_badge(actor=exhibitor, week=week,
                                   data={"full_name": "Lê Văn Bán Hàng", "position": "Bán hàng"})
    visitor = badges.register_visitor(week=week, data=visitor_data(
        full_name="Nguyễn Thị Thu Hường", phone=f"0912 345 6{spec.number:02d}"))
    buyer_badge = badges.add_badge(actor=organiser, week=week, kind="buyer", data={
        "full_name": "Phạm Quốc Bảo", "organisation": spec.buyer_name, "phone": "",
        "email": "", "position": "Thu mua"})
    entrance = _user(org.entrance.id)
    checkin.check_in(actor=entrance, code=visitor.entry_code, nonce=f"world{spec.number}checkin01",
                     now=_first_morning(week))
    org.staff_badge_id, org.visitor_badge_id = staff.id, visitor.id
    org.buyer_badge_id = buyer_badge.id
    org.visitor_entry_code, org.visitor_contact_code = visitor.entry_code, visitor.contact_code

    booth = _booth(org.booth_ids["A01"])
    org.booth_token = visitors.current_token(booth)
    phone_key = visitors.new_visitor_key()
    for _ in range(2):
        visitors.record_scan(booth_id=booth.id, week_id=week.id, visitor_key=phone_key)
    org.lead_id = visitors.leave_contact(
        target=visitors.resolve_booth_token(org.booth_token), visitor_key=phone_key,
        data=visitor_data(full_name="Võ Minh Khách", phone="0903 111 222")).id
    visitors.capture_badge(actor=exhibitor, code=visitor.contact_code)
    visitors.toggle_favourite(owner_key=phone_key, listing_id=org.approved_listing_id)
    org.favourites_share = visitors.favourite_list(phone_key).share_token
    org.print_job_id = printing.start_print_job(actor=organiser, week=week, kind="staff",
                                                layout="a4-8", lang="vi").id
    printing.wait_for_threads()  # the sheet is rendered before the matrix asks for its file


def _b2b(spec: OrgSpec, org: OrgWorld, organiser, exhibitor, week) -> None:
    """The week's buyer with a need, its meeting with the exhibitor (asked by the buyer,
    accepted, scheduled at the first slot and table) and the MoU issued from it."""
    buyer, buyer_user = b2b.register_buyer(
        week=week, data={"kind": "supermarket", "contact_name": "Lê Thu Hà",
                         "contact_phone": "0908 123 456", "consent": True,
                         "need": {"product_group": "thuc_pham", "description": "Đặc sản OCOP",
                                  "min_stars": "3", "monthly_volume": "2 tấn/tháng"}},
        account={"email": f"thumua@{spec.stem}.example.vn", "password": PASSWORD},
        business=business_data(name=spec.buyer_name, legal_form="cong_ty_co_phan"))
    meeting = b2b.request_meeting(actor=buyer_user, week=week, buyer_id=buyer.id,
                                  supplier_id=exhibitor.business_id, message="Xin gặp")
    b2b.respond(actor=exhibitor, meeting=meeting, accept=True)
    slot = b2b.add_slots(actor=organiser, week=week, day=week.start_date + timedelta(days=1),
                         start=time(9, 0), minutes=20, count=4)[0]
    table = b2b.add_tables(actor=organiser, week=week, count=2)[0]
    b2b.schedule(actor=organiser, meeting=meeting, slot_id=slot.id, table_id=table.id)
    mou = documents.create_mou(actor=organiser, week=week, supplier_id=exhibitor.business_id,
                               buyer_business_id=buyer_user.business_id, meeting=meeting,
                               product_ids=[org.approved_product_id])
    documents.issue(actor=organiser, document=mou)
    org.b2b_buyer_id, org.need_id = buyer.id, buyer.needs[0].id
    org.meeting_id, org.slot_id, org.table_id = meeting.id, slot.id, table.id
    org.mou_id = mou.id
    org.buyer = _account(buyer_user)


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


def _booth(booth_id: int) -> Booth:
    return db.session.get(Booth, booth_id)
