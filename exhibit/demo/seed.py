"""Builds the demo. Past weeks are written as history (their dates lie in 2024); the open 2027
week and the live week (running on the day of the first seed: live.py) are driven through the
real services, so their audit logs are what users would see."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from collections.abc import Iterator

from sqlalchemy import select

from exhibit.accounts.models import Role, User
from exhibit.accounts.services import ensure_organizer
from exhibit.booking import queries
from exhibit.booking import services as booking
from exhibit.booking.models import Allocation, AllocationSource, Application
from exhibit.businesses.models import Business
from exhibit.businesses.services import clean_business_data, new_business
from exhibit.catalogue import services as catalogue
from exhibit.catalogue.models import ListingStatus, ProductListing
from exhibit.core import audit
from exhibit.core.db import write_transaction
from exhibit.demo import data, documents, live, plans, privacy, products, visitors
from exhibit.demo.accounts import DEMO_PASSWORD, demo_user, fictional_tax_code
from exhibit.extensions import db
from exhibit.floorplan.models import Booth, Hall, PlanElement
from exhibit.visitors.services import issue_missing_tokens
from exhibit.vn.provinces import SCHEME_2025, SCHEMES, get_province
from exhibit.weeks.models import ExhibitionWeek

ORGANISER_EMAIL = "bantochuc@exhibit.demo"
ITPC = "Trung tâm Xúc tiến Thương mại và Đầu tư Thành phố Hồ Chí Minh (ITPC)"
ITPC_VENUE = "Trung tâm Xúc tiến Thương mại và Đầu tư TP.HCM (ITPC)"
ITPC_ADDRESS = "92–96 Nguyễn Hữu Cảnh, Phường 22, Quận Bình Thạnh, TP. Hồ Chí Minh"
def _utc(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)


def seed_demo() -> Iterator[str]:
    with write_transaction():
        organizer = ensure_organizer(ITPC, "ITPC", address=ITPC_ADDRESS, tax_code="0301467000",
                                     phone="+842838233729", email="itpc@exhibit.demo")
        organiser = demo_user(ORGANISER_EMAIL, "Ban Tổ chức ITPC (demo)", Role.ORGANISER, organizer_id=organizer.id)
    yield f"organiser: {ORGANISER_EMAIL} / {DEMO_PASSWORD}"

    yield from _past_week(
        organiser, slug="ocop-binh-thuan-2024",
        name_vi="Tuần lễ triển lãm sản phẩm đặc trưng, sản phẩm OCOP tỉnh Bình Thuận năm 2024",
        name_en="Bình Thuận Specialty and OCOP Product Week 2024",
        province="60", co_organizer="Sở Công Thương tỉnh Bình Thuận",
        start=date(2024, 4, 22), end=date(2024, 4, 28), businesses=data.BINH_THUAN,
        email_prefix="bt", price=0, tax_offset=0,
        description="Hơn 20 doanh nghiệp, hợp tác xã và cơ sở sản xuất của Bình Thuận giới thiệu "
                    "khoảng 190 sản phẩm đặc trưng và sản phẩm OCOP.")
    yield from _past_week(
        organiser, slug="ket-noi-cung-cau-dak-lak-2024",
        name_vi="Tuần lễ triển lãm và Hội nghị kết nối cung – cầu tiêu thụ sản phẩm giữa tỉnh "
                "Đắk Lắk và TP.HCM năm 2024",
        name_en="Đắk Lắk – Ho Chi Minh City Supply and Demand Connection Week 2024",
        province="66", co_organizer="Sở Công Thương tỉnh Đắk Lắk",
        start=date(2024, 7, 25), end=date(2024, 7, 28), businesses=data.DAK_LAK,
        email_prefix="dl", price=1_300_000, tax_offset=100,
        description="Triển lãm sản phẩm, phiên kết nối giao thương B2B và lễ ký kết biên bản "
                    "ghi nhớ giữa nhà cung cấp và hệ thống phân phối.")
    yield from _open_week(organiser)
    yield from _catalogue(organiser, "ocop-binh-thuan-2024", data.BINH_THUAN, "bt", per_business=9,
                          province_issuer="UBND tỉnh Bình Thuận", district="UBND huyện Hàm Thuận Nam")
    yield from _catalogue(organiser, "ket-noi-cung-cau-dak-lak-2024", data.DAK_LAK, "dl",
                          per_business=4, province_issuer="UBND tỉnh Đắk Lắk",
                          district="UBND huyện Krông Pắc")
    yield from _open_week_catalogue(organiser)
    yield from visitors.seed_visitors(organiser, "ocop-binh-thuan-2024", visitors=230, buyers=3,
                                      seed=11)
    yield from visitors.seed_visitors(organiser, "ket-noi-cung-cau-dak-lak-2024", visitors=160,
                                      buyers=6, seed=12)
    yield visitors.seed_entrance_user(organiser, demo_user)
    yield from documents.seed_documents(organiser)
    yield from live.seed_live_week(organiser, make_business=_business, floor_plan=_floor_plan)
    yield from plans.seed_plan(organiser)
    yield from privacy.seed_requests(organiser)
    for week_id in db.session.scalars(select(ExhibitionWeek.id)).all():
        issue_missing_tokens(week_id)  # the booths were drawn here, not through the floor plan
    yield f"every demo account's password: {DEMO_PASSWORD}"


def _business(row, *, scheme, province, tax_code, email) -> Business:
    legal_form, name, address, representative, position = row[:5]
    business = db.session.scalar(select(Business).where(Business.tax_code == tax_code))
    if business is None:
        business = new_business(clean_business_data({
            "name": name, "legal_form": legal_form, "tax_code": tax_code, "address": address,
            "province_scheme": scheme, "province_code": province, "representative": representative,
            "representative_position": position, "phone": f"0912{int(tax_code[-6:]) % 1000000:06d}",
            "email": email}, province_schemes=SCHEMES))  # 2024's exhibitors: the 63 provinces
        db.session.flush()
        demo_user(email, representative, Role.EXHIBITOR, business_id=business.id)
    return business


def _floor_plan(week: ExhibitionWeek, *, rows: str, per_row: int, price: int) -> list[Booth]:
    """A hall of back-to-back rows of 3 × 3 m booths; row ends are corner booths."""
    hall = Hall(week_id=week.id, name="Sảnh A", grid_width=per_row * 3 + 4,
                grid_height=len(rows) // 2 * 10, width_m=per_row * 3 + 4,
                depth_m=len(rows) // 2 * 10, position=0)
    db.session.add(hall)
    db.session.flush()
    booths = []
    for r, letter in enumerate(rows):
        y = 2 + (r // 2) * 10 + (r % 2) * 3  # pairs of rows back to back, 4 m aisle between pairs
        for i in range(per_row):
            corner = i in (0, per_row - 1)
            booths.append(Booth(
                week_id=week.id, hall_id=hall.id, code=f"{letter}{i + 1:02d}",
                booth_type="corner" if corner else "standard", width_m=3, depth_m=3, area_m2=9,
                price_vnd=int(price * 1.15) if corner and price else price,
                grid_x=2 + i * 3, grid_y=y, grid_w=3, grid_h=3,
                x_m=2 + i * 3, y_m=y, w_m=3, h_m=3, rotation=180 if r % 2 == 0 else 0))
    db.session.add_all(booths)
    width = per_row * 3 + 4
    # the hall's fixed elements: the entrance's exit, the information desk in the first aisle,
    # a column at the end of a row (the booth beside it is flagged before booking), fire
    # equipment and the toilets
    db.session.add_all([
        PlanElement(hall_id=hall.id, kind="exit", label="Lối ra 1", x_m=0, y_m=9, w_m=1, h_m=2),
        PlanElement(hall_id=hall.id, kind="information", label="Quầy thông tin",
                    x_m=width / 2 - 2, y_m=9, w_m=4, h_m=2),
        PlanElement(hall_id=hall.id, kind="column", label="Cột C1", x_m=width - 2, y_m=8,
                    w_m=0.6, h_m=0.6),
        PlanElement(hall_id=hall.id, kind="fire_equipment", label="Bình chữa cháy",
                    x_m=width - 1, y_m=0.5, w_m=0.6, h_m=0.6),
    ])
    db.session.flush()
    return booths


def _past_week(organiser, *, slug, name_vi, name_en, province, co_organizer, start, end,
               businesses, email_prefix, price, tax_offset, description) -> Iterator[str]:
    if db.session.scalar(select(ExhibitionWeek.id).where(ExhibitionWeek.slug == slug)):
        yield f"week {slug}: already there"
        return
    with write_transaction():
        week = ExhibitionWeek(
            organizer_id=organiser.organizer_id, slug=slug, name_vi=name_vi, name_en=name_en,
            host_province_scheme="legacy63", host_province_code=province,
            co_organizer=co_organizer, venue_name=ITPC_VENUE, venue_address=ITPC_ADDRESS,
            start_date=start, end_date=end, opening_hours="8:00 – 21:00",
            registration_opens_on=start - timedelta(days=60),
            registration_closes_on=start - timedelta(days=10), status="archived",
            description=description, created_at=_utc(start - timedelta(days=70)),
            # the demo keeps its 2024 visitors for five years, so the clock's purge leaves them
            # for people to look at (a real week keeps them 12 months unless its organiser says)
            personal_data_months=60)
        db.session.add(week)
        db.session.flush()
        booths = _floor_plan(week, rows="ABCD", per_row=9, price=price)
        booths[-1].blocked, booths[-1].blocked_reason = True, "Cột nhà – không sử dụng"
        booths[-2].blocked, booths[-2].blocked_reason = True, "Quầy thông tin của Ban tổ chức"
        for n, row in enumerate(businesses):
            legacy = "54" if "Phú Yên" in row[2] else province
            business = _business(row, scheme="legacy63", province=legacy,
                                 tax_code=fictional_tax_code(tax_offset + n),
                                 email=f"{email_prefix}{n + 1:02d}@exhibit.demo")
            applied = _utc(start - timedelta(days=40 - n % 20))
            application = Application(week_id=week.id, business_id=business.id, status="approved",
                                      booth_count=1, intended_products=row[5],
                                      created_at=applied, decided_at=applied + timedelta(days=2))
            db.session.add(application)
            db.session.flush()
            allocation = Allocation(
                week_id=week.id, booth_id=booths[n].id, business_id=business.id,
                application_id=application.id, status="confirmed",
                source=AllocationSource.ORGANISER_ASSIGN.value, created_at=applied,
                confirmed_at=applied + timedelta(days=2))
            db.session.add(allocation)
            db.session.flush()
            audit.record("allocation", allocation.id, "assign", actor=organiser, week_id=week.id,
                         business_id=business.id, after=allocation.snapshot(),
                         note="Dữ liệu mẫu").at = applied + timedelta(days=2)
    yield f"week {slug}: {len(booths)} booths, {len(businesses)} exhibitors"


def _open_week(organiser) -> Iterator[str]:
    slug = "tuan-le-ocop-itpc-2027"
    if db.session.scalar(select(ExhibitionWeek.id).where(ExhibitionWeek.slug == slug)):
        yield f"week {slug}: already there"
        return
    with write_transaction():
        week = ExhibitionWeek(
            organizer_id=organiser.organizer_id, slug=slug,
            name_vi="Tuần lễ sản phẩm OCOP các tỉnh, thành phố tại TP. Hồ Chí Minh năm 2027",
            name_en="OCOP Products Week of the Provinces in Ho Chi Minh City 2027",
            host_province_scheme="2025", host_province_code="79",
            co_organizer="Sở Công Thương Thành phố Hồ Chí Minh", venue_name=ITPC_VENUE,
            venue_address=ITPC_ADDRESS, start_date=date(2027, 3, 15), end_date=date(2027, 3, 21),
            opening_hours="8:00 – 21:00", registration_opens_on=date(2026, 10, 1),
            registration_closes_on=date(2027, 2, 28), status="open", hold_minutes=15,
            description="Sản phẩm OCOP 3–5 sao của các tỉnh, thành phố; gian hàng tiêu chuẩn "
                        "3 m × 3 m.")
        db.session.add(week)
        db.session.flush()
        booths = _floor_plan(week, rows="ABCD", per_row=10, price=1_300_000)
        premium = Hall(week_id=week.id, name="Sảnh B – Khu cao cấp", grid_width=26,
                       grid_height=10, width_m=26, depth_m=10, position=1)
        db.session.add(premium)
        db.session.flush()
        for i in range(4):
            db.session.add(Booth(week_id=week.id, hall_id=premium.id, code=f"P{i + 1:02d}",
                                 booth_type="premium", width_m=6, depth_m=3, area_m2=18,
                                 price_vnd=2_600_000, grid_x=1 + i * 6, grid_y=2, grid_w=6,
                                 grid_h=3, x_m=1 + i * 6, y_m=2, w_m=6, h_m=3))
        db.session.add(Booth(week_id=week.id, hall_id=premium.id, code="R01",
                             booth_type="raw_space", width_m=6, depth_m=4, area_m2=24,
                             price_vnd=3_000_000, grid_x=1, grid_y=6, grid_w=6, grid_h=4,
                             x_m=1, y_m=6, w_m=6, h_m=4))
        booths[0].blocked, booths[0].blocked_reason = True, "Lối vào sự kiện"
        companies = [
            _business(row[:1] + row[1:2] + row[3:6], scheme="2025", province=row[2],
                      tax_code=fictional_tax_code(200 + n), email=f"ocop{n + 1:02d}@exhibit.demo")
            for n, row in enumerate(data.OCOP_2027)]
    # Through the services: applications, holds, a confirmation and a waiting list.
    users = [db.session.scalar(select(User).where(User.business_id == c.id)) for c in companies]
    for user, row in zip(users[:5], data.OCOP_2027):
        booking.apply_to_week(actor=user, week=week, data={"booth_count": 1, "intended_products": row[6]})
    booking.hold_booth(actor=users[0], week=week, booth=booths[1])
    booking.confirm_allocation(actor=organiser, allocation=queries.business_allocations(users[0].business_id)[0])
    booking.hold_booth(actor=users[1], week=week, booth=booths[2])
    booking.confirm_allocation(actor=organiser, allocation=queries.business_allocations(users[1].business_id)[0])
    booking.hold_booth(actor=users[2], week=week, booth=booths[11])
    application = queries.application_for(week.id, users[3].business_id)
    booking.decide_application(actor=organiser, application=application, decision="waitlist",
                               reason="Đã hết gian hàng tiêu chuẩn; chờ gian hàng trống.")
    booking.assign_booth(actor=organiser, week=week, booth=booths[12], business_id=users[4].business_id)
    yield f"week {slug}: open for registration, {len(booths) + 5} booths"
    yield f"exhibitor with a held booth: {users[2].email}; exhibitor not yet applied: {users[5].email}"


def _catalogue(organiser, slug, rows, email_prefix, *, per_business, province_issuer,
               district) -> Iterator[str]:
    """Products for every business of a past week, listed there as approved.

    Products and photos go through the catalogue services (the same rules as the pages); the
    listings are written as history, since a week that has ended no longer takes choices."""
    week = db.session.scalar(select(ExhibitionWeek).where(ExhibitionWeek.slug == slug))
    if week is None or db.session.scalar(select(ProductListing.id).where(ProductListing.week_id == week.id)):
        yield f"catalogue {slug}: already there"
        return
    count = 0
    for b, row in enumerate(rows):
        user = db.session.scalar(select(User).where(User.email == f"{email_prefix}{b + 1:02d}@exhibit.demo"))
        origin = "legacy63:54" if "Phú Yên" in row[2] else f"legacy63:{week.host_province_code}"
        made = []
        for name, family, (_label, net, price) in products.product_lines(row, per_business):
            certificate = products.certificate_for(count, province_issuer=province_issuer,
                                                   district_issuer=district,
                                                   expired_before=week.start_date, family=family)
            product = catalogue.create_product(actor=user, data={
                "name": name, "price_vnd": price, "unit": family.unit, "net_quantity": net,
                "origin_province": origin, "brand": " ".join(row[1].split()[-2:]),
                "shelf_life": family.shelf_life, "storage": family.storage,
                "ingredients": family.ingredients, "standards": list(family.standards),
                "ocop_set": family.ocop_set,
                "story": f"Sản phẩm của {row[1]}, {row[2]}.", **certificate})
            catalogue.add_photos(actor=user, product=product, uploads=[
                ("demo.jpg", products.photo(name, row[1], certificate.get("stars")))])
            made.append(product)
            count += 1
        with write_transaction():
            booths = queries.confirmed_allocations(week.id, user.business_id)
            booth_id = booths[0].booth_id if booths else None
            for product in made:
                listing = ProductListing(
                    week_id=week.id, product_id=product.id, business_id=user.business_id,
                    booth_id=booth_id, status=ListingStatus.APPROVED.value,
                    decided_by_id=organiser.id, decided_at=_utc(week.start_date - timedelta(days=5)),
                    created_at=_utc(week.start_date - timedelta(days=20)))
                catalogue.sync_listing(listing, db.session.get(type(product), product.id), week)
                db.session.add(listing)
    yield f"catalogue {slug}: {count} approved products with photos"


def _open_week_catalogue(organiser) -> Iterator[str]:
    """The open week: products chosen through the services, some approved, some awaiting review."""
    week = db.session.scalar(select(ExhibitionWeek).where(ExhibitionWeek.slug == "tuan-le-ocop-itpc-2027"))
    if week is None or db.session.scalar(select(ProductListing.id).where(ProductListing.week_id == week.id)):
        yield "catalogue tuan-le-ocop-itpc-2027: already there"
        return
    for n, row in enumerate(data.OCOP_2027[:5]):
        user = db.session.scalar(select(User).where(User.email == f"ocop{n + 1:02d}@exhibit.demo"))
        chosen = {}
        for i, (name, family, (_label, net, price)) in enumerate(
                products.product_lines(row[:2] + row[3:], 3)):
            province = get_province(SCHEME_2025, row[2])
            certificate = products.certificate_for(
                300 + n * 3 + i, province_issuer=f"UBND {province.name_in_sentence}",
                district_issuer=None, expired_before=week.start_date, family=family)
            product = catalogue.create_product(actor=user, data={
                "name": name, "price_vnd": price, "unit": family.unit, "net_quantity": net,
                "origin_province": row[2], "ocop_set": family.ocop_set, **certificate})
            catalogue.add_photos(actor=user, product=product, uploads=[
                ("demo.jpg", products.photo(name, row[1], certificate.get("stars")))])
            booths = queries.confirmed_booths(week, user.business_id)
            chosen[product.id] = booths[0].id if booths else None
        catalogue.set_week_products(actor=user, week=week, selections=chosen)
        if n < 2:
            catalogue.approve_pending(actor=organiser, week=week, business_id=user.business_id)
    yield "catalogue tuan-le-ocop-itpc-2027: 15 products, 6 approved, 9 awaiting review"
