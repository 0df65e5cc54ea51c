"""`flask --app exhibit seed-fair`: one fair-scale week (Autumn-Fair size by default: 3,000
booths, 2,500 businesses, 10,000 products, 100,000 visitor badges, 300,000 booth scans,
200,000 check-ins), generated fast and deterministically for benchmarks and for seeing the
product at scale.

Rows are written with SQLAlchemy Core bulk inserts in chunks, in ONE transaction: a failure
leaves nothing behind. The services are bypassed on purpose (no audit entries, no domain
events, nothing queued in the outbox), so the data obeys the schema's rules and the rules the
services would apply (names that match their legal form, valid fictional tax codes, one live
allocation per booth, folded search keys…) by construction here.

Same ``seed`` → same businesses, names, tax codes, products and layout. Security codes (booth QR
tokens, badge entry and contact codes) come from ``tokens.new_code`` and are random, as anywhere
else. A second run with a slug that exists is refused.
"""
from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, insert, select

from exhibit.accounts.models import Role, User
from exhibit.b2b.models import Buyer, Meeting, MeetingSlot, MeetingTable, SourcingNeed
from exhibit.badges.models import Badge, CheckIn, badge_search_text
from exhibit.booking.models import Allocation, Application
from exhibit.businesses.models import Business
from exhibit.catalogue import ocop
from exhibit.catalogue.models import Product, ProductListing
from exhibit.core.errors import Conflict
from exhibit.core.tokens import new_code
from exhibit.demo import products as demo_products
from exhibit.demo.accounts import _demo_password_hash, fictional_tax_code
from exhibit.demo.visitors import GIVEN, MIDDLE, POSITIONS, SURNAMES, VISITOR_ORGS
from exhibit.documents.models import Document, DocumentLine, Payment
from exhibit.extensions import db
from exhibit.floorplan.models import Booth, Hall
from exhibit.privacy.models import Consent
from exhibit.visitors.models import BoothScan, BoothToken, Lead
from exhibit.vn import provinces
from exhibit.vn.text import fold_search_key, search_document
from exhibit.weeks.models import ExhibitionWeek, Organizer

CHUNK = 5000
VN = timezone(timedelta(hours=7))
BOOTHS_PER_HALL = 500
PER_ROW = 25
STANDARD_PRICE = 1_300_000


@dataclass
class FairOptions:
    booths: int = 3000
    businesses: int = 2500
    products: int = 10000
    visitors: int = 100000
    scans: int = 300000
    checkins: int = 200000
    seed: int = 2025
    slug: str = "hoi-cho-mua-thu-2025"
    #: first index given to fictional_tax_code (the demo uses 0–499, the tests 10,000+)
    tax_offset: int = 200_000
    #: the week's first day; None: three days ago (so the fair is running today)
    start: date | None = None


@dataclass
class _State:
    """What one section hands to the next: ids and the facts later sections need."""
    options: FairOptions
    rng: random.Random
    now: datetime
    organizer: Organizer
    organiser_user_id: int
    week_id: int = 0
    start: date = date(2025, 1, 1)
    end: date = date(2025, 1, 7)
    booths: list[dict] = field(default_factory=list)          # id, code, price, type…
    businesses: list[dict] = field(default_factory=list)      # id, name, province, form…
    user_ids: dict[int, int] = field(default_factory=dict)    # business id → user id
    #: business id → [(allocation id, booth dict)] of confirmed allocations
    confirmed: dict[int, list[tuple[int, dict]]] = field(default_factory=dict)
    exhibitors: list[dict] = field(default_factory=list)      # businesses with a confirmed booth
    product_ids: list[int] = field(default_factory=list)
    #: id, name, phone, email, organisation, consent time of each visitor badge
    visitor_badges: list[tuple] = field(default_factory=list)
    #: name, organisation, phone, email of each buyer's badge
    buyer_badges: list[tuple] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


# -- bulk writing ----------------------------------------------------------------------------------

def _insert(model, rows: list[dict], *, returning: bool = False) -> list[int]:
    """Insert ``rows`` (dicts with the same keys) in chunks; with ``returning``, the new ids in
    the order of ``rows``."""
    table = model.__table__
    ids: list[int] = []
    for i in range(0, len(rows), CHUNK):
        chunk = rows[i:i + CHUNK]
        if returning:
            result = db.session.execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), chunk)
            ids.extend(result.scalars().all())
        else:
            db.session.execute(insert(table), chunk)
    return ids


def _vn(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment of a day in Vietnam time, as UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=VN).astimezone(timezone.utc)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


# -- the command ----------------------------------------------------------------------------------

def seed_fair(options: FairOptions, *, echo: Callable[[str], None] = lambda _line: None) -> dict:
    """Generate the week; returns the count of rows written per table. Refuses (Conflict) when
    the slug or the tax codes are taken."""
    if db.session.scalar(select(ExhibitionWeek.id).where(ExhibitionWeek.slug == options.slug)):
        raise Conflict(f"A week with the slug {options.slug!r} exists already; choose another "
                       "--slug (seed-fair never changes an existing week).", code="slug_taken")
    first_tax = fictional_tax_code(options.tax_offset)
    last_tax = fictional_tax_code(options.tax_offset + options.businesses + len(BUYER_NAMES))
    if db.session.scalar(select(func.count()).select_from(Business).where(
            Business.tax_code.between(first_tax, last_tax))):
        raise Conflict(f"Tax codes {first_tax}–{last_tax} are taken (by another generated fair?); "
                       "pass another --tax-offset.", code="tax_codes_taken")
    organizer, organiser_user_id = _organiser()
    state = _State(options=options, rng=random.Random(options.seed),
                   now=datetime.now(timezone.utc).replace(microsecond=0), organizer=organizer,
                   organiser_user_id=organiser_user_id)
    try:
        for step in (_week, _floor_plan, _businesses, _booking, _catalogue, _documents, _b2b,
                     _badges, _checkins, _scans_and_leads):
            began = time.perf_counter()
            for line in step(state):
                echo(f"{line} ({time.perf_counter() - began:.1f} s)")
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    _refresh_statistics(echo)
    return state.counts


def _refresh_statistics(echo: Callable[[str], None]) -> None:
    """PostgreSQL plans queries from its table statistics, which autovacuum refreshes only some
    time after a bulk insert; until then a count over 3,000 booths may take a second instead of
    milliseconds. ANALYZE now, so the fair is fast from its first request."""
    if db.engine.dialect.name != "postgresql":
        return
    began = time.perf_counter()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")
    echo(f"statistics refreshed ({time.perf_counter() - began:.1f} s)")


def _organiser() -> tuple[Organizer, int]:
    """The demo organiser's body when the demo is loaded; else a fictional one, with a user."""
    from exhibit.demo.seed import ORGANISER_EMAIL
    user = db.session.scalar(select(User).where(User.email == ORGANISER_EMAIL))
    if user is not None and user.organizer_id:
        return db.session.get(Organizer, user.organizer_id), user.id
    from exhibit.accounts.services import ensure_organizer
    from exhibit.demo.accounts import demo_user
    organizer = ensure_organizer("Ban Tổ chức Hội chợ (dữ liệu mẫu)", "HCMT",
                                 address="Hà Nội", email="hoicho@exhibit.demo")
    user = demo_user("hoicho@exhibit.demo", "Ban Tổ chức Hội chợ", Role.ORGANISER,
                     organizer_id=organizer.id)
    return organizer, user.id


# -- week and floor plan ----------------------------------------------------------------------------

def _week(s: _State) -> Iterator[str]:
    today = s.now.astimezone(VN).date()
    s.start = s.options.start or today - timedelta(days=3)
    s.end = s.start + timedelta(days=6)
    week = ExhibitionWeek(
        organizer_id=s.organizer.id, slug=s.options.slug,
        name_vi="Hội chợ Mùa Thu 2025 – dữ liệu mẫu quy mô lớn",
        name_en="Autumn Fair 2025 – large-scale sample data",
        host_province_scheme=provinces.SCHEME_2025, host_province_code="01",
        co_organizer="Bộ Văn hóa, Thể thao và Du lịch",
        venue_name="Trung tâm Triển lãm Quốc gia",
        venue_address="Xã Đông Anh, Thành phố Hà Nội", start_date=s.start, end_date=s.end,
        opening_hours="9:00 – 22:00", registration_opens_on=s.start - timedelta(days=90),
        registration_closes_on=s.end, status="open", hold_minutes=15, review_days=3,
        description="Tuần lễ sinh ra bởi `flask seed-fair` để thử hệ thống ở quy mô hội chợ.",
        created_at=s.now - timedelta(days=100))
    db.session.add(week)
    db.session.flush()
    s.week_id = week.id
    s.counts["exhibition_weeks"] = 1
    yield f"week {s.options.slug}: {s.start:%d/%m/%Y} – {s.end:%d/%m/%Y}"


def _floor_plan(s: _State) -> Iterator[str]:
    """Halls of up to 500 booths: pairs of back-to-back rows of 25 booths of 3 × 3 m, a 4 m
    aisle between pairs; row ends are corner booths, the middle of every fourth row premium."""
    total = s.options.booths
    hall_count = max(1, math.ceil(total / BOOTHS_PER_HALL))
    per_hall = [total // hall_count + (1 if h < total % hall_count else 0) for h in range(hall_count)]
    created = s.now - timedelta(days=95)
    rows: list[dict] = []
    for h, count in enumerate(per_hall):
        letter = "ABCDEFGHJKLMNPQRSTUVWXYZ"[h % 24] + ("" if h < 24 else str(h // 24))
        row_count = math.ceil(count / PER_ROW)
        width = min(count, PER_ROW) * 3 + 4
        height = math.ceil(row_count / 2) * 10
        hall_id = _insert(Hall, [{"week_id": s.week_id, "name": f"Nhà {letter}",
                                  "grid_width": width, "grid_height": max(height, 10),
                                  "width_m": width, "depth_m": max(height, 10),
                                  "position": h}], returning=True)[0]
        for n in range(count):
            r, i = divmod(n, PER_ROW)
            in_row = min(PER_ROW, count - r * PER_ROW)
            corner = i in (0, in_row - 1)
            premium = not corner and r % 4 == 3 and 10 <= i < 15
            kind = "corner" if corner else "premium" if premium else "standard"
            price = {"corner": 1_500_000, "premium": 2_600_000}.get(kind, STANDARD_PRICE)
            blocked = n % 97 == 48
            rows.append({
                "week_id": s.week_id, "hall_id": hall_id, "code": f"{letter}{r + 1:02d}-{i + 1:02d}",
                "booth_type": kind, "width_m": 3.0, "depth_m": 3.0, "area_m2": 9.0,
                "price_vnd": price, "grid_x": 2 + i * 3, "grid_y": 2 + (r // 2) * 10 + (r % 2) * 3,
                "grid_w": 3, "grid_h": 3, "x_m": 2 + i * 3,
                "y_m": 2 + (r // 2) * 10 + (r % 2) * 3, "w_m": 3, "h_m": 3,
                "rotation": 180 if r % 2 == 0 else 0, "blocked": blocked,
                "blocked_reason": "Cột nhà – không sử dụng" if blocked else "", "created_at": created})
    ids = _insert(Booth, rows, returning=True)
    s.booths = [{**row, "id": booth_id} for row, booth_id in zip(rows, ids)]
    seen: set[str] = set()
    tokens = []
    for booth_id in ids:
        code = new_code()
        while code in seen:
            code = new_code()
        seen.add(code)
        tokens.append({"booth_id": booth_id, "token": code, "created_at": created})
    _insert(BoothToken, tokens)
    s.counts.update(halls=hall_count, booths=len(rows), booth_tokens=len(tokens))
    yield f"floor plan: {hall_count} halls, {len(rows)} booths with QR tokens"


# -- businesses and their users ---------------------------------------------------------------------

#: (legal form, name prefix, share in ‰): names say their form, as the sign-up rules require;
#: "Cơ sở …" says nothing and is accepted with its form
FORMS = (("cong_ty_tnhh", "Công ty TNHH", 380), ("cong_ty_co_phan", "Công ty Cổ phần", 150),
         ("hop_tac_xa", "Hợp tác xã", 220), ("doanh_nghiep_tu_nhan", "Doanh nghiệp tư nhân", 50),
         ("to_hop_tac", "Tổ hợp tác", 30), ("ho_kinh_doanh", "Hộ kinh doanh", 70),
         ("co_so_san_xuat", "Cơ sở sản xuất", 100))
#: (sector word in the name, product lines — the demo families' keywords give sets and sizes)
SECTORS = (
    ("Nông sản", "thanh long, bưởi, xoài sấy"), ("Cà phê", "cà phê, ca cao"),
    ("Thực phẩm", "bánh, kẹo, mứt"), ("Thủy sản", "nước mắm, mực, cá cơm khô"),
    ("Đặc sản", "hạt điều, mắc ca, tiêu"), ("Trà", "trà, chè"), ("Mật ong", "mật ong"),
    ("Gạo sạch", "gạo, bột"), ("Dệt thổ cẩm", "thổ cẩm, khăn, túi dệt"),
    ("Rượu truyền thống", "rượu"), ("Yến sào", "yến"), ("Dược liệu", "trà, mật ong, muối"),
)
BRAND_WORDS = ("An", "Bảo", "Bình", "Châu", "Đại", "Đông", "Gia", "Hòa", "Hưng", "Khánh", "Kim",
               "Lộc", "Minh", "Nam", "Ngọc", "Phát", "Phú", "Phúc", "Quang", "Sơn", "Tâm", "Tân",
               "Thái", "Thành", "Thịnh", "Thuận", "Tiến", "Trường", "Việt", "Vinh", "Xuân", "Hồng",
               "Mai", "Lâm", "Hải", "Hoàng", "Long", "Nguyên", "Phong", "Trung")
WARDS = ("Phường Hòa Bình", "Xã Tân Phú", "Phường Thắng Lợi", "Xã Đông Hưng", "Xã Bình Minh",
         "Phường Trung Tâm", "Xã Phú Lộc", "Xã Hòa Thuận")


def _pick_form(rng: random.Random) -> tuple[str, str]:
    roll = rng.randrange(1000)
    for form, prefix, share in FORMS:
        if roll < share:
            return form, prefix
        roll -= share
    return FORMS[0][0], FORMS[0][1]


def _business_rows(s: _State) -> list[dict]:
    rng = random.Random(f"{s.options.seed}-businesses")
    units = provinces.provinces(provinces.SCHEME_2025)
    created = s.now - timedelta(days=120)
    rows = []
    for n in range(s.options.businesses):
        form, prefix = _pick_form(rng)
        sector, lines = rng.choice(SECTORS)
        province = rng.choice(units)
        brand = f"{rng.choice(BRAND_WORDS)} {rng.choice(BRAND_WORDS)}"
        owner = _person(rng)
        if form == "ho_kinh_doanh":
            name = f"{prefix} {owner}"
        elif form == "co_so_san_xuat":
            name = f"{prefix} {sector.lower()} {brand}"
        else:
            name = f"{prefix} {sector} {brand} {province.name.replace('Thành phố ', '')}"
        position = {"hop_tac_xa": "Chủ nhiệm HTX", "to_hop_tac": "Tổ trưởng",
                    "ho_kinh_doanh": "Chủ hộ", "co_so_san_xuat": "Chủ cơ sở"}.get(form, "Giám đốc")
        rows.append({
            "name": name, "name_search": fold_search_key(name), "legal_form": form,
            "tax_code": fictional_tax_code(s.options.tax_offset + n),
            "address": f"Số {rng.randint(1, 250)}, {rng.choice(WARDS)}, {province.full_name}",
            "province_scheme": provinces.SCHEME_2025, "province_code": province.code,
            "representative": owner, "representative_position": position,
            "phone": f"+849{1 + n % 8}{rng.randrange(10**7):07d}",
            "email": f"{s.options.slug}-dn{n + 1:05d}@exhibit.demo",
            "bank_account": f"{rng.randrange(10**12):012d}", "bank_name": "Agribank",
            "logo_key": "", "created_at": created + timedelta(minutes=n),
            # not columns: what the products are made from
            "_lines": lines, "_brand": brand})
    return rows


def _businesses(s: _State) -> Iterator[str]:
    rows = _business_rows(s)
    columns = [{k: v for k, v in row.items() if not k.startswith("_")} for row in rows]
    ids = _insert(Business, columns, returning=True)
    s.businesses = [{**row, "id": business_id} for row, business_id in zip(rows, ids)]
    password = _demo_password_hash()  # one slow hash for every account
    users = [{"email": b["email"], "password_hash": password, "full_name": b["representative"],
              "role": Role.EXHIBITOR.value, "business_id": b["id"], "organizer_id": None,
              "locale": None, "active": True, "created_at": b["created_at"], "phone": "",
              "email_verified_at": b["created_at"]} for b in s.businesses]
    user_ids = _insert(User, users, returning=True)
    s.user_ids = {b["id"]: uid for b, uid in zip(s.businesses, user_ids)}
    s.counts.update(businesses=len(rows), users=len(users))
    yield f"businesses: {len(rows)}, each with a verified exhibitor account"


# -- applications and allocations -------------------------------------------------------------------

def _booking(s: _State) -> Iterator[str]:
    """Most businesses are approved with 1–2 confirmed booths; the rest are submitted (some with
    a hold: short or awaiting review), waitlisted (a few with an offer held), rejected or
    withdrawn. Earlier holds that were released or expired stay as history."""
    rng = random.Random(f"{s.options.seed}-booking")
    free = [b for b in s.booths if not b["blocked"]]
    rng.shuffle(free)
    spare = iter(free)
    opened = _vn(s.start - timedelta(days=90), 9)
    applications: list[dict] = []
    plans: list[list[tuple[dict, str, str | None]]] = []  # per application: (booth, status, kind)
    for n, business in enumerate(s.businesses):
        applied = opened + timedelta(hours=n % 1500, minutes=n % 60)
        roll = rng.random()
        status = ("approved" if roll < 0.78 else "submitted" if roll < 0.88 else
                  "waitlisted" if roll < 0.93 else "rejected" if roll < 0.97 else "withdrawn")
        wanted = 2 if rng.random() < 0.15 else 1
        plan: list[tuple[dict, str, str | None]] = []
        if status == "approved":
            for _i in range(wanted):
                booth = next(spare, None)
                if booth is None:
                    break
                plan.append((booth, "confirmed", rng.choice((None, "review", "review"))))
            if not plan:
                status = "waitlisted"
        elif status == "submitted" and rng.random() < 0.5:
            booth = next(spare, None)
            if booth is not None:
                plan.append((booth, "held", "review" if rng.random() < 0.8 else "short"))
        elif status == "waitlisted" and rng.random() < 0.2:
            booth = next(spare, None)
            if booth is not None:
                plan.append((booth, "held", "offer"))
        # a booth offered from the waiting list approves the application, as the services do
        # (booking.services._offer_to_waiting_list): it has left the list
        offered = next((booth for booth, _status, kind in plan if kind == "offer"), None)
        if plan and rng.random() < 0.08:  # an earlier hold, released or lapsed, on another booth
            plan.insert(0, (rng.choice(free), rng.choice(("released", "expired")), "short"))
        applications.append({
            "week_id": s.week_id, "business_id": business["id"],
            "status": "approved" if offered else status,
            "booth_count": max(1, wanted), "intended_products": business["_lines"],
            "notes": "", "decision_reason":
                f"Gian {offered['code']} được dành cho bạn từ danh sách chờ." if offered else
                {"rejected": "Ngành hàng không phù hợp với hội chợ.",
                 "waitlisted": "Đã hết gian hàng; chờ gian trống."}.get(status, ""),
            "waitlisted_at": applied + timedelta(days=3) if status == "waitlisted" else None,
            "created_at": applied,
            "decided_at": applied + timedelta(days=3) if status != "submitted" else None})
        plans.append(plan)
    application_ids = _insert(Application, applications, returning=True)

    allocations: list[dict] = []
    confirmed_refs: list[tuple[int, dict]] = []  # (business id, booth) in allocation order
    for app_row, app_id, plan in zip(applications, application_ids, plans):
        for booth, status, kind in plan:
            at = app_row["created_at"]
            row = {"week_id": s.week_id, "booth_id": booth["id"], "business_id": app_row["business_id"],
                   "application_id": app_id, "status": status,
                   "source": "organiser_assign" if kind is None else
                   "waitlist_offer" if kind == "offer" else "exhibitor_hold",
                   "created_at": at, "expires_at": None, "hold_kind": kind, "confirmed_at": None,
                   "ended_at": None, "end_reason": ""}
            if status == "confirmed":
                row["confirmed_at"] = at + timedelta(days=2)
            elif status == "held":
                row["created_at"] = s.now - timedelta(minutes=5)
                row["expires_at"] = s.now + {"short": timedelta(minutes=15),
                                             "review": timedelta(days=3),
                                             "offer": timedelta(hours=48)}[kind]
            else:
                row["expires_at"] = at + timedelta(minutes=15)
                row["ended_at"] = at + (timedelta(minutes=15) if status == "expired"
                                        else timedelta(minutes=7))
                row["end_reason"] = ("Hết thời gian giữ chỗ." if status == "expired"
                                     else "Doanh nghiệp đổi sang gian khác.")
            allocations.append(row)
    allocation_ids = _insert(Allocation, allocations, returning=True)
    by_status: dict[str, int] = {}
    for row, allocation_id in zip(allocations, allocation_ids):
        by_status[row["status"]] = by_status.get(row["status"], 0) + 1
        if row["status"] == "confirmed":
            confirmed_refs.append((row["business_id"], allocation_id))
    booth_by_id = {b["id"]: b for b in s.booths}
    allocation_booth = {aid: booth_by_id[row["booth_id"]] for row, aid in zip(allocations, allocation_ids)}
    for business_id, allocation_id in confirmed_refs:
        s.confirmed.setdefault(business_id, []).append((allocation_id, allocation_booth[allocation_id]))
    s.exhibitors = [b for b in s.businesses if b["id"] in s.confirmed]
    s.counts.update(applications=len(applications), allocations=len(allocations))
    yield ("booking: " + f"{len(applications)} applications, " +
           ", ".join(f"{count} {status}" for status, count in sorted(by_status.items())) +
           " allocations")


# -- products and listings --------------------------------------------------------------------------

REJECT_REASONS = ("Ảnh sản phẩm chưa rõ nhãn mác.", "Thiếu giấy chứng nhận an toàn thực phẩm.",
                  "Sản phẩm không thuộc ngành hàng của hội chợ.")


def _catalogue(s: _State) -> Iterator[str]:
    """Products of the exhibitors (the demo's families give names, sets, sizes and prices; the
    demo's certificate pattern gives stars, decisions and some expired certificates), each
    listed at the week: mostly approved, some awaiting review, a few rejected."""
    rng = random.Random(f"{s.options.seed}-catalogue")
    owners = s.exhibitors or s.businesses
    total = s.options.products
    if not owners:
        return
    created = s.now - timedelta(days=60)
    products: list[dict] = []
    for n in range(total):
        business = owners[n % len(owners)]
        line = rng.choice([part.strip() for part in business["_lines"].split(",")])
        family = demo_products.family_for(line)
        label, net, price = rng.choice(family.sizes)
        grade = demo_products.GRADES[(n // len(owners)) % len(demo_products.GRADES)]
        name = f"{line[:1].upper()}{line[1:]} {business['_brand']}" + (f" {grade}" if grade else "") + f" – {label}"
        province = provinces.get_province(provinces.SCHEME_2025, business["province_code"])
        certificate = demo_products.certificate_for(
            n, province_issuer=f"UBND {province.name_in_sentence}", district_issuer=None,
            expired_before=s.start, family=family)
        scheme = certificate.get("ocop_scheme") or ocop.QD148
        group_code = certificate.get("ocop_group") or ocop.PRODUCT_SETS[family.ocop_set].group
        product_set = certificate.get("ocop_set", family.ocop_set) if certificate else family.ocop_set
        group = ocop.group(scheme, group_code)
        set_row = ocop.PRODUCT_SETS.get(product_set or 0)
        origin = province.name
        brand = business["_brand"]
        decided = certificate.get("cert_decision_date")
        products.append({
            "business_id": business["id"], "status": "active", "name": name, "name_en": "",
            "brand": brand, "origin_province_scheme": provinces.SCHEME_2025,
            "origin_province_code": province.code, "origin_province_now": province.code,
            "ocop_scheme": scheme, "ocop_group": group_code, "ocop_set": product_set,
            "stars": certificate.get("stars"),
            "cert_decision_number": certificate.get("cert_decision_number", ""),
            "cert_decision_date": decided,
            "cert_valid_until": ocop.valid_until(decided) if decided else None,
            "cert_issuer_level": certificate.get("cert_issuer_level", ""),
            "cert_issuer_name": certificate.get("cert_issuer_name", ""), "cert_scan_key": "",
            "rural_industrial_level": "", "price_vnd": price + (n % 7) * 5000, "unit": family.unit,
            "net_quantity": net, "packaging": "", "shelf_life": family.shelf_life,
            "storage": family.storage, "ingredients": family.ingredients,
            "standards": list(family.standards), "barcode": "", "traceability_url": "",
            "story": f"Sản phẩm của {business['name']}, {province.full_name}.",
            "name_search": search_document(name),
            "search_text": search_document(
                name, brand, business["name"], origin, group.name_vi if group else "",
                group.name_en if group else "", set_row.name_vi if set_row else "",
                " ".join(family.standards)),
            "created_at": created + timedelta(seconds=n), "updated_at": created + timedelta(seconds=n)})
    s.product_ids = _insert(Product, products, returning=True)

    listings = []
    by_status: dict[str, int] = {}
    for product, product_id in zip(products, s.product_ids):
        roll = rng.random()
        status = "approved" if roll < 0.8 else "pending" if roll < 0.95 else "rejected"
        by_status[status] = by_status.get(status, 0) + 1
        booths = s.confirmed.get(product["business_id"])
        check = ocop.check_certificate(product["stars"], product["cert_decision_date"], s.start, s.end)
        listings.append({
            "week_id": s.week_id, "product_id": product_id, "business_id": product["business_id"],
            "booth_id": booths[0][1]["id"] if booths else None, "status": status,
            "reason": rng.choice(REJECT_REASONS) if status == "rejected" else "",
            "decided_by_id": s.organiser_user_id if status != "pending" else None,
            "decided_at": s.now - timedelta(days=20) if status != "pending" else None,
            "created_at": s.now - timedelta(days=40),
            "visible": status == "approved", "shown_stars": product["stars"] if check.shows_as_ocop else 0,
            "price_vnd": product["price_vnd"], "origin_province_now": product["origin_province_now"],
            "ocop_group": product["ocop_group"], "sort_name": product["name_search"].strip(),
            "search_text": product["search_text"]})
    _insert(ProductListing, listings)
    s.counts.update(products=len(products), product_listings=len(listings))
    yield ("catalogue: " + f"{len(products)} products, listings " +
           ", ".join(f"{count} {status}" for status, count in sorted(by_status.items())))


# -- contracts and payments -------------------------------------------------------------------------

def _documents(s: _State) -> Iterator[str]:
    """A draft booth contract for every exhibitor with a confirmed booth (issuing renders and
    stores a PDF and announces it, so none is issued here), and the payments ledger: most paid
    the deposit, many the balance too, some nothing yet (overdue)."""
    from exhibit.documents.services import BOOTH_TYPES_VI, organizer_party
    rng = random.Random(f"{s.options.seed}-documents")
    party_a = organizer_party(s.organizer)
    vat = 8
    deposit_due = s.start - timedelta(days=30)
    balance_due = s.start - timedelta(days=7)
    documents, all_lines = [], []
    for business in s.exhibitors:
        allocations = s.confirmed[business["id"]]
        lines = [{"position": i, "allocation_id": allocation_id, "product_id": None,
                  "label": booth["code"],
                  "detail": f"{BOOTH_TYPES_VI[booth['booth_type']]} 3 m × 3 m", "area_m2": 9.0,
                  "quantity": "", "unit_price_vnd": booth["price_vnd"], "amount_vnd": booth["price_vnd"]}
                 for i, (allocation_id, booth) in enumerate(allocations)]
        subtotal = sum(line["amount_vnd"] for line in lines)
        vat_vnd = (subtotal * vat + 50) // 100
        form = business["legal_form"]
        documents.append({
            "kind": "contract", "organizer_id": s.organizer.id, "week_id": s.week_id,
            "business_id": business["id"], "buyer_business_id": None, "meeting_id": None,
            "status": "draft", "version": 0, "year": None, "sequence": None, "number": "",
            "place": "Hà Nội", "dated_on": s.start - timedelta(days=45), "party_a": party_a,
            "party_b": {"name": business["name"], "address": business["address"],
                        "tax_code": business["tax_code"], "phone": business["phone"],
                        "email": business["email"], "bank_account": business["bank_account"],
                        "bank_name": business["bank_name"],
                        "representative": business["representative"],
                        "position": business["representative_position"], "authorisation": "",
                        "legal_form": form,
                        "has_seal": form not in ("ho_kinh_doanh", "co_so_san_xuat")},
            "witness": {}, "vat_percent": vat, "subtotal_vnd": subtotal, "vat_vnd": vat_vnd,
            "total_vnd": subtotal + vat_vnd, "deposit_percent": 50, "deposit_due_on": deposit_due,
            "balance_due_on": balance_due, "funding_source": "", "expected_value_vnd": 0,
            "purpose": "", "price_terms": "", "payment_terms": "", "valid_months": 12,
            "binding": False, "notes": "", "created_by_id": s.organiser_user_id,
            "created_at": s.now - timedelta(days=50), "issued_at": None, "signed_at": None,
            "cancelled_at": None, "cancel_reason": ""})
        all_lines.append(lines)
    document_ids = _insert(Document, documents, returning=True)
    _insert(DocumentLine, [{**line, "document_id": document_id}
                           for document_id, lines in zip(document_ids, all_lines) for line in lines])
    payments = []
    for n, (document, document_id) in enumerate(zip(documents, document_ids)):
        roll = rng.random()
        if roll < 0.12 or not document["total_vnd"]:
            continue  # nothing paid yet
        deposit = document["total_vnd"] * document["deposit_percent"] // 100
        base = {"week_id": s.week_id, "business_id": document["business_id"], "allocation_id": None,
                "document_id": document_id, "note": "", "recorded_by_id": s.organiser_user_id}
        payments.append({**base, "kind": "deposit", "amount_vnd": deposit,
                         "paid_on": deposit_due - timedelta(days=n % 5),
                         "reference": f"FT25{n:06d}D", "created_at": _vn(deposit_due, 10)})
        if roll < 0.7:
            payments.append({**base, "kind": "balance", "amount_vnd": document["total_vnd"] - deposit,
                             "paid_on": balance_due - timedelta(days=n % 4),
                             "reference": f"FT25{n:06d}B", "created_at": _vn(balance_due, 10)})
    _insert(Payment, payments)
    s.counts.update(documents=len(documents), document_lines=sum(map(len, all_lines)),
                    payments=len(payments))
    yield f"documents: {len(documents)} draft contracts, {len(payments)} payments"


# -- B2B ------------------------------------------------------------------------------------------

BUYER_NAMES = (
    ("Công ty TNHH Phân phối Siêu thị Miền Bắc", "supermarket"),
    ("Công ty Cổ phần Chuỗi Cửa hàng Tiện lợi Sao Mai", "convenience"),
    ("Công ty TNHH Xuất nhập khẩu Nông sản Hồng Hà", "exporter"),
    ("Công ty Cổ phần Thương mại điện tử Chợ Quê", "online"),
    ("Công ty TNHH Khách sạn và Nhà hàng Hoàng Gia", "horeca"),
    ("Công ty TNHH Bán buôn Thực phẩm Kinh Bắc", "wholesaler"),
) * 5
NEEDS = (("thuc_pham", "Nước mắm, hạt điều, trái cây sấy, mật ong", 3, ["HACCP"], "2 tấn/tháng"),
         ("do_uong", "Rượu, nước cốt chanh, dầu dừa", 4, [], "5.000 chai/tháng"),
         ("thu_cong_my_nghe", "Quà tặng thủ công cho khách du lịch", None, [], "500 bộ/tháng"))


def _b2b(s: _State) -> Iterator[str]:
    """Buyers (30 at full size) with needs, 2 days × 12 slots × 20 tables, and meeting requests
    in every state; accepted meetings are placed on free (slot, table) cells with no buyer or
    supplier twice in a slot."""
    rng = random.Random(f"{s.options.seed}-b2b")
    buyer_count = max(2, min(len(BUYER_NAMES), s.options.businesses // 80))
    created = s.now - timedelta(days=30)
    password = _demo_password_hash()
    business_rows = []
    for n in range(buyer_count):
        name, _kind = BUYER_NAMES[n]
        name = f"{name} {n // 6 + 1}" if n >= 6 else name
        business_rows.append({
            "name": name, "name_search": fold_search_key(name),
            "legal_form": "cong_ty_co_phan" if "Cổ phần" in name else "cong_ty_tnhh",
            "tax_code": fictional_tax_code(s.options.tax_offset + s.options.businesses + n),
            "address": f"Số {10 + n} Phố Huế, Phường Hai Bà Trưng, Thành phố Hà Nội",
            "province_scheme": provinces.SCHEME_2025, "province_code": "01",
            "representative": _person(rng), "representative_position": "Giám đốc Thu mua",
            "phone": f"+8424{3800000 + n:07d}", "email": f"{s.options.slug}-nm{n + 1:02d}@exhibit.demo",
            "bank_account": "", "bank_name": "", "logo_key": "", "created_at": created})
    business_ids = _insert(Business, business_rows, returning=True)
    _insert(User, [{"email": b["email"], "password_hash": password, "full_name": b["representative"],
                    "role": Role.BUYER.value, "business_id": bid, "organizer_id": None,
                    "locale": None, "active": True, "created_at": created, "phone": "",
                    "email_verified_at": created} for b, bid in zip(business_rows, business_ids)])
    buyer_ids = _insert(Buyer, [{
        "week_id": s.week_id, "business_id": bid, "kind": BUYER_NAMES[n][1],
        "contact_name": b["representative"], "contact_position": "Trưởng phòng Thu mua",
        "contact_phone": f"+8490{5000000 + n:07d}", "contact_email": b["email"], "notes": "",
        "created_at": created} for n, (b, bid) in enumerate(zip(business_rows, business_ids))],
        returning=True)
    _insert(SourcingNeed, [{"buyer_id": buyer_id, "product_group": g, "description": d,
                            "min_stars": stars, "certifications": certs, "monthly_volume": v}
                           for buyer_id in buyer_ids for g, d, stars, certs, v in NEEDS[:2]])
    slots = [{"week_id": s.week_id, "starts_at": _vn(s.start + timedelta(days=d), 8, 30) + timedelta(minutes=25 * k),
              "ends_at": _vn(s.start + timedelta(days=d), 8, 30) + timedelta(minutes=25 * k + 20)}
             for d in (1, 2) for k in range(12)]
    slot_ids = _insert(MeetingSlot, slots, returning=True)
    table_ids = _insert(MeetingTable, [{"week_id": s.week_id, "label": f"Bàn {t + 1:02d}", "position": t}
                                       for t in range(20)], returning=True)
    suppliers = s.exhibitors or s.businesses
    wanted = min(len(buyer_ids) * 20, len(buyer_ids) * len(suppliers))
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < wanted:
        pairs.add((rng.choice(buyer_ids), rng.choice(suppliers)["id"]))
    busy: set[tuple] = set()
    cells = [(slot, table) for slot in slot_ids for table in table_ids]
    meetings = []
    for i, (buyer_id, supplier_id) in enumerate(sorted(pairs)):
        roll = rng.random()
        status = ("accepted" if roll < 0.6 else "requested" if roll < 0.8 else
                  "declined" if roll < 0.92 else "cancelled")
        slot_id = table_id = None
        if status == "accepted":
            for slot, table in cells:
                if not {("t", slot, table), ("b", slot, buyer_id), ("s", slot, supplier_id)} & busy:
                    slot_id, table_id = slot, table
                    busy |= {("t", slot, table), ("b", slot, buyer_id), ("s", slot, supplier_id)}
                    break
        at = created + timedelta(hours=i % 200)
        meetings.append({
            "week_id": s.week_id, "buyer_id": buyer_id, "supplier_id": supplier_id,
            "requested_by": rng.choice(("buyer", "supplier", "organiser")),
            "message": "Mong được giới thiệu sản phẩm với bộ phận thu mua.", "status": status,
            "slot_id": slot_id, "table_id": table_id,
            "outcome": rng.choice(("", "interested", "samples", "mou", "no_interest"))
            if slot_id else "", "outcome_notes": "", "created_at": at,
            "decided_at": at + timedelta(days=1) if status != "requested" else None})
    _insert(Meeting, meetings)
    scheduled = sum(1 for m in meetings if m["slot_id"])
    s.counts["businesses"] += len(business_rows)
    s.counts["users"] += len(business_rows)
    s.counts.update(b2b_buyers=len(buyer_ids), b2b_needs=len(buyer_ids) * 2, b2b_slots=len(slots),
                    b2b_tables=len(table_ids), b2b_meetings=len(meetings))
    s.buyer_badges = [(b["representative"], b["name"], f"+8490{5000000 + n:07d}", b["email"])
                      for n, b in enumerate(business_rows)]
    yield f"b2b: {len(buyer_ids)} buyers, {len(meetings)} meetings ({scheduled} scheduled)"


# -- badges, check-ins, scans and leads -----------------------------------------------------------

def _codes(count: int, taken: set[str]) -> list[str]:
    codes = []
    while len(codes) < count:
        code = new_code()
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes


def _badges(s: _State) -> Iterator[str]:
    """2–3 staff badges per exhibitor, the buyers, a few organiser staff, and the visitors
    (pre-registered, unique phone each, most with consent to share their contact)."""
    rng = random.Random(f"{s.options.seed}-badges")
    created = s.now - timedelta(days=10)
    taken: set[str] = set()
    rows = []
    for business in s.exhibitors:
        for _i in range(rng.randint(2, 3)):
            rows.append({"kind": "staff", "full_name": _person(rng), "position": rng.choice(POSITIONS),
                         "organisation": "", "business_id": business["id"], "phone": "",
                         "email": "", "contact": False})
    for person, organisation, phone, email in s.buyer_badges:
        rows.append({"kind": "buyer", "full_name": person, "position": "Trưởng phòng Thu mua",
                     "organisation": organisation, "business_id": None, "phone": phone,
                     "email": email, "contact": True})
    for position in ("Trưởng ban tổ chức", "Điều phối gian hàng", "Hỗ trợ khách tham quan",
                     "An ninh", "Lễ tân"):
        rows.append({"kind": "organiser", "full_name": _person(rng), "position": position,
                     "organisation": s.organizer.short_name, "business_id": None, "phone": "",
                     "email": "", "contact": False})
    staff_count = len(rows)
    for n in range(s.options.visitors):
        rows.append({"kind": "visitor", "full_name": _person(rng), "position": "",
                     "organisation": rng.choice(VISITOR_ORGS), "business_id": None,
                     "phone": f"+8497{n:07d}", "email": f"khach{n}@example.com" if n % 4 == 0 else "",
                     "contact": True})
    entry = _codes(len(rows), taken)
    contact = _codes(sum(1 for r in rows if r["contact"]), taken)
    contact_iter = iter(contact)
    badges = []
    for row, code in zip(rows, entry):
        has_contact = row.pop("contact")
        badges.append({**row, "week_id": s.week_id, "entry_code": code,
                       "search_text": badge_search_text(row["full_name"], row["organisation"]),
                       "contact_code": next(contact_iter) if has_contact else None,
                       "contact_consent_at": created if has_contact else None,
                       "created_by_id": s.organiser_user_id if row["kind"] != "visitor" else None,
                       "created_at": created, "revoked_at": None})
    _insert(Badge, badges)  # ids read back by code: far faster than RETURNING in order
    by_code = dict(db.session.execute(select(Badge.entry_code, Badge.id).where(
        Badge.week_id == s.week_id)).all())
    ids = [by_code[b["entry_code"]] for b in badges]
    s.visitor_badges = [(badge_id, b["full_name"], b["phone"], b["email"], b["organisation"],
                         b["contact_consent_at"])
                        for b, badge_id in zip(badges[staff_count:], ids[staff_count:])]
    # every buyer's and visitor's registration and sharing, in the consent ledger
    registration, sharing = _consent_bases(s)
    consent_rows = []
    for b, badge_id in zip(badges, ids):
        if b["contact_code"] is None:
            continue
        subject = {"subject_name": b["full_name"], "subject_phone": b["phone"],
                   "subject_email": b["email"], "given_at": created, "badge_id": badge_id}
        consent_rows.append({**registration, **subject})
        consent_rows.append({**sharing, **subject})
    _insert(Consent, consent_rows)
    s.counts["badges"] = len(badges)
    yield f"badges: {staff_count} staff/buyers/organisers, {s.options.visitors} visitors"


def _consent_bases(s: _State) -> tuple[dict, dict]:
    """The consent rows of a registration and of its sharing with exhibitors at the fair's
    week, but for the subject (privacy.consents.values once, copied per badge: fast)."""
    from exhibit.badges.services import (
        REGISTRATION_CONSENT,
        REGISTRATION_DATA,
        SHARE_CONSENT,
        SHARE_DATA,
        consent_sentence,
    )
    from exhibit.privacy import consents
    week = db.session.get(ExhibitionWeek, s.week_id)
    common = {"week": week, "subject_name": "", "subject_phone": "", "subject_email": "",
              "channel": "web", "given_at": None}
    return (consents.values(purpose="registration", recipient_kind="organiser",
                            recipient_name=week.organizer.name, data_categories=REGISTRATION_DATA,
                            text=consent_sentence(REGISTRATION_CONSENT, week), **common),
            consents.values(purpose="share_with_exhibitors", recipient_kind="exhibitors",
                            data_categories=SHARE_DATA,
                            text=consent_sentence(SHARE_CONSENT, week), **common))


def _days_so_far(s: _State) -> list[date]:
    """The week's days up to today (all of them for a past week; the first for a future one)."""
    today = s.now.astimezone(VN).date()
    days = [s.start + timedelta(days=n) for n in range((s.end - s.start).days + 1)]
    return [d for d in days if d <= today] or days[:1]


def _moment(rng: random.Random, day: date, now: datetime) -> datetime:
    at = _vn(day, rng.randint(9, 20), rng.randrange(60))
    return min(at, now)


def _checkins(s: _State) -> Iterator[str]:
    """Check-ins of visitor badges, one per badge and day at most, on the days so far."""
    rng = random.Random(f"{s.options.seed}-checkins")
    days = _days_so_far(s)
    badges = s.visitor_badges
    wanted = min(s.options.checkins, len(badges) * len(days))
    # the k-th check-in is badge k mod n's (k div n)-th visit; each badge starts on its own
    # day and comes back on the following ones, so no badge checks in twice on one day and
    # every day of the week so far has its share
    first_day = [rng.randrange(len(days)) for _ in badges]
    rows = []
    for k in range(wanted):
        visit, b = divmod(k, len(badges))
        day = days[(first_day[b] + visit) % len(days)]
        rows.append({"badge_id": badges[b][0], "week_id": s.week_id, "day": day,
                     "first_at": _moment(rng, day, s.now), "checked_in_by_id": s.organiser_user_id})
    _insert(CheckIn, rows)
    s.counts["checkins"] = len(rows)
    yield f"check-ins: {len(rows)} over {len(days)} day(s)"


CONTACT_MESSAGES = ("Tôi muốn đặt hàng số lượng lớn, xin báo giá sỉ.", "Cho tôi xin catalogue sản phẩm.",
                    "Quan tâm làm đại lý phân phối.", "")


def _scans_and_leads(s: _State) -> Iterator[str]:
    """Booth scans of the booths in use (some booths far more popular than others) on the days
    so far, by anonymous visitor keys; leads from the booth page and from scanned badges."""
    from exhibit.badges.services import SHARE_CONSENT, SHARE_DATA, consent_sentence
    from exhibit.privacy import consents
    from exhibit.visitors.services import LEAVE_CONTACT_CONSENT, LEAVE_CONTACT_DATA
    rng = random.Random(f"{s.options.seed}-scans")
    week = db.session.get(ExhibitionWeek, s.week_id)
    days = _days_so_far(s)
    stands = [(business_id, booth) for business_id, allocations in s.confirmed.items()
              for _aid, booth in allocations] or [(None, b) for b in s.booths]
    exhibiting = {business_id for business_id, _booth in stands} - {None}
    names = {row.id: row.name for row in db.session.execute(
        select(Business.id, Business.name).where(Business.id.in_(exhibiting)))}
    weights = [rng.choice((1, 2, 4, 8, 16)) for _ in stands]
    keys = [f"{rng.getrandbits(96):024x}" for _ in range(max(1, s.options.visitors // 2))]
    chosen = rng.choices(range(len(stands)), weights=weights, k=s.options.scans)
    scans = [{"booth_id": stands[i][1]["id"], "week_id": s.week_id, "visitor_key": rng.choice(keys),
              "scanned_at": _moment(rng, rng.choice(days), s.now)} for i in chosen]
    _insert(BoothScan, scans)
    leads = []
    badge_consent = consent_sentence(SHARE_CONSENT, week)
    left_texts = {business_id: consent_sentence(LEAVE_CONTACT_CONSENT, week, recipient=name)
                  for business_id, name in names.items()}
    if stands[0][0] is not None:
        for i in chosen[: s.options.scans // 60]:
            business_id, booth = stands[i]
            at = _moment(rng, rng.choice(days), s.now)
            leads.append({"week_id": s.week_id, "business_id": business_id, "booth_id": booth["id"],
                          "source": "contact_form", "badge_id": None, "visitor_key": rng.choice(keys),
                          "full_name": _person(rng), "phone": f"+8498{rng.randrange(10**7):07d}",
                          "email": "", "organisation": rng.choice(VISITOR_ORGS),
                          "message": rng.choice(CONTACT_MESSAGES),
                          "consent_text": left_texts[business_id],
                          "consent_at": at, "captured_by_id": None, "rating": 0, "tags": "",
                          "notes": "", "created_at": at, "updated_at": at})
        seen: set[tuple[int, int]] = set()
        for i in chosen[: s.options.scans // 60]:
            business_id, booth = stands[i]
            if not s.visitor_badges:
                break
            badge_id, name, phone, email, organisation, consent = rng.choice(s.visitor_badges)
            if (business_id, badge_id) in seen:
                continue
            seen.add((business_id, badge_id))
            at = _moment(rng, rng.choice(days), s.now)
            leads.append({"week_id": s.week_id, "business_id": business_id, "booth_id": booth["id"],
                          "source": "badge_scan", "badge_id": badge_id, "visitor_key": "",
                          "full_name": name, "phone": phone, "email": email,
                          "organisation": organisation, "message": "", "consent_text": badge_consent,
                          "consent_at": consent, "captured_by_id": s.user_ids.get(business_id),
                          "rating": rng.choice((0, 0, 3, 4, 5)),
                          "tags": rng.choice(("", "đại lý", "khách sỉ, xuất khẩu")), "notes": "",
                          "created_at": at, "updated_at": at})
    lead_ids = _insert(Lead, leads, returning=True)
    # each lead's consent, naming the exhibitor that holds it
    _insert(Consent, [consents.values(
        week=week, recipient_kind="exhibitor", recipient_business_id=lead["business_id"],
        recipient_name=names[lead["business_id"]], subject_name=lead["full_name"],
        subject_phone=lead["phone"], subject_email=lead["email"], channel="web",
        text=lead["consent_text"], given_at=lead["consent_at"], badge_id=lead["badge_id"],
        lead_id=lead_id, **({"purpose": "share_with_exhibitors", "data_categories": SHARE_DATA}
                            if lead["badge_id"] else
                            {"purpose": "leave_contact", "data_categories": LEAVE_CONTACT_DATA}))
        for lead, lead_id in zip(leads, lead_ids)])
    s.counts.update(booth_scans=len(scans), leads=len(leads))
    yield f"scans and leads: {len(scans)} booth scans, {len(leads)} leads"
