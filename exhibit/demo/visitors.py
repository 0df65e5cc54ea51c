"""Demo badges, visitors and what they did at the 2024 weeks: staff of every exhibitor, buyers
from distribution chains, organiser staff, pre-registered visitors with check-ins, booth scans
and leads, and an entrance staff account. Deterministic (seeded), idempotent per week."""
from __future__ import annotations

import random
import secrets
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import insert, select

from exhibit.accounts.models import Role
from exhibit.badges.models import Badge, BadgeKind, CheckIn, GateScan
from exhibit.badges.services import (
    REGISTRATION_CONSENT,
    REGISTRATION_DATA,
    SHARE_CONSENT,
    SHARE_DATA,
    consent_sentence,
)
from exhibit.booking import queries
from exhibit.core.db import write_transaction
from exhibit.core.tokens import new_code
from exhibit.extensions import db
from exhibit.visitors.models import BoothScan, Lead
from exhibit.privacy import consents
from exhibit.privacy.models import Consent
from exhibit.visitors.services import (
    LEAVE_CONTACT_CONSENT,
    LEAVE_CONTACT_DATA,
    issue_missing_tokens,
)
from exhibit.weeks.models import ExhibitionWeek

ENTRANCE_EMAIL = "congvao@exhibit.demo"
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
            "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Tôn Nữ"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Đức", "Thu", "Quốc", "Hoàng", "Phương",
          "Thị Thu", "Xuân", "Bảo"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hòa", "Hùng",
         "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Nhung", "Phúc", "Quân",
         "Quyên", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Trung", "Tuấn", "Uyên", "Vy", "Yến",
         "Diễm Hạnh", "Hoàng Phương"]
POSITIONS = ["Giám đốc", "Phó Giám đốc", "Trưởng phòng Kinh doanh", "Nhân viên bán hàng",
             "Nhân viên kinh doanh", "Kế toán"]
#: a cooperative is led by its chair, not a director
COOPERATIVE_POSITIONS = ["Chủ nhiệm HTX", "Phó Chủ nhiệm HTX", "Nhân viên bán hàng", "Kế toán"]
BUYERS = [("Saigon Co.op", "Trưởng phòng Thu mua"), ("Bách Hóa Xanh", "Chuyên viên ngành hàng"),
          ("WinMart", "Giám đốc ngành hàng"), ("MM Mega Market Việt Nam", "Chuyên viên thu mua"),
          ("Lotte Mart", "Trưởng nhóm thu mua"), ("Emart Việt Nam", "Chuyên viên phát triển nhà cung cấp")]
VISITOR_ORGS = ["", "", "", "Cửa hàng đặc sản Quê Nhà", "Công ty TNHH Thực phẩm Sạch An Phú",
                "Nhà hàng Hương Việt", "Đại lý Minh Châu", "Trường Đại học Kinh tế TP.HCM"]
VN = timezone(timedelta(hours=7))


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _moment(day: date, rng: random.Random, start_hour: int = 8, end_hour: int = 20) -> datetime:
    minutes = rng.randrange(start_hour * 60, end_hour * 60)
    local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=VN)
    return local.astimezone(timezone.utc)


def seed_visitors(organiser, slug: str, *, visitors: int, buyers: int, seed: int) -> Iterator[str]:
    week = db.session.scalar(select(ExhibitionWeek).where(ExhibitionWeek.slug == slug))
    if week is None:
        return
    issue_missing_tokens(week.id)  # every booth gets its QR token
    if db.session.scalar(select(Badge.id).where(Badge.week_id == week.id).limit(1)):
        yield f"badges {slug}: already there"
        return
    rng = random.Random(seed)
    days = week.days
    created = _utc_before(week.start_date)
    with write_transaction():
        allocations = queries.confirmed_allocations(week.id)
        staff = 0
        for allocation in allocations:
            for _i in range(rng.randint(2, 4)):
                db.session.add(Badge(
                    week_id=week.id, kind=BadgeKind.STAFF.value, full_name=_name(rng),
                    position=rng.choice(COOPERATIVE_POSITIONS
                                        if allocation.business.legal_form == "hop_tac_xa"
                                        else POSITIONS),
                    business_id=allocation.business_id,
                    entry_code=new_code(), created_at=created))
                staff += 1
        registered = []  # buyers' and visitors' badges: their consents below
        for organisation, position in BUYERS[:buyers]:
            registered.append(Badge(
                week_id=week.id, kind=BadgeKind.BUYER.value, full_name=_name(rng),
                position=position, organisation=organisation, entry_code=new_code(),
                contact_code=new_code(), contact_consent_at=created, created_at=created,
                phone=f"+8490{rng.randrange(10**7):07d}",
                email=f"thumua{len(organisation)}@{organisation.split()[0].lower()}.example"))
            db.session.add(registered[-1])
        for position in ("Trưởng ban tổ chức", "Điều phối gian hàng", "Hỗ trợ khách tham quan"):
            db.session.add(Badge(
                week_id=week.id, kind=BadgeKind.ORGANISER.value, full_name=_name(rng),
                position=position, organisation="ITPC", entry_code=new_code(), created_at=created))
        visitor_badges = []
        for n in range(visitors):
            badge = Badge(
                week_id=week.id, kind=BadgeKind.VISITOR.value, full_name=_name(rng),
                organisation=rng.choice(VISITOR_ORGS), phone=f"+8493{seed:02d}{n:05d}",
                email=f"khach{n}@example.com" if n % 3 == 0 else "", entry_code=new_code(),
                contact_code=new_code(), contact_consent_at=created, created_at=created)
            db.session.add(badge)
            visitor_badges.append(badge)
        registered += visitor_badges
        db.session.flush()

        checkins = 0
        for badge in visitor_badges:
            if rng.random() < 0.35:
                continue
            for day in sorted(rng.sample(days, rng.randint(1, min(3, len(days))))):
                first = _moment(day, rng, 8, 18)
                checkin = CheckIn(badge_id=badge.id, week_id=week.id, day=day, first_at=first,
                                  checked_in_by_id=organiser.id)
                db.session.add(checkin)
                db.session.flush()
                db.session.add(GateScan(nonce=secrets.token_urlsafe(12), code=badge.entry_code,
                                        result="ok", badge_id=badge.id, checkin_id=checkin.id,
                                        scanned_by_id=organiser.id, scanned_at=first))
                checkins += 1
        visitor_keys = [secrets.token_urlsafe(16) for _ in range(visitors * 2)]
        scans = leads = 0
        shared_text = consent_sentence(SHARE_CONSENT, week)
        left, scanned = [], []
        for allocation in allocations:
            popularity = rng.choice((3, 8, 15, 30, 60))
            for _i in range(rng.randint(popularity // 2, popularity)):
                db.session.add(BoothScan(booth_id=allocation.booth_id, week_id=week.id,
                                         visitor_key=rng.choice(visitor_keys),
                                         scanned_at=_moment(rng.choice(days), rng)))
                scans += 1
            left_text = consent_sentence(LEAVE_CONTACT_CONSENT, week,
                                         recipient=allocation.business.name)
            for _i in range(rng.randint(0, 3)):
                at = _moment(rng.choice(days), rng)
                left.append(Lead(
                    week_id=week.id, business_id=allocation.business_id,
                    booth_id=allocation.booth_id, source="contact_form",
                    visitor_key=rng.choice(visitor_keys), full_name=_name(rng),
                    phone=f"+8497{rng.randrange(10**7):07d}",
                    organisation=rng.choice(VISITOR_ORGS),
                    message=rng.choice(["Tôi muốn đặt hàng số lượng lớn, xin báo giá sỉ.",
                                        "Cho tôi xin catalogue sản phẩm.",
                                        "Quan tâm làm đại lý tại Thủ Đức.", ""]),
                    consent_text=left_text, consent_at=at, created_at=at, updated_at=at))
                db.session.add(left[-1])
                leads += 1
            for badge in rng.sample(visitor_badges, rng.randint(0, 3)):
                at = _moment(rng.choice(days), rng)
                scanned.append(Lead(
                    week_id=week.id, business_id=allocation.business_id,
                    booth_id=allocation.booth_id, source="badge_scan", badge_id=badge.id,
                    full_name=badge.full_name, phone=badge.phone, email=badge.email,
                    organisation=badge.organisation, consent_text=shared_text,
                    consent_at=badge.contact_consent_at, created_at=at, updated_at=at,
                    rating=rng.choice((0, 0, 3, 4, 5)),
                    tags=rng.choice(("", "đại lý", "khách sỉ, xuất khẩu"))))
                db.session.add(scanned[-1])
                leads += 1
        db.session.flush()
        db.session.execute(insert(Consent), consent_rows(week, registered, left, scanned,
                                                          {a.business_id: a.business.name
                                                           for a in allocations}))
    yield (f"badges {slug}: {staff} staff, {min(buyers, len(BUYERS))} buyers, {visitors} "
           f"visitors, {checkins} check-ins, {scans} booth scans, {leads} leads")


def consent_rows(week, registered: list[Badge], left: list[Lead], scanned: list[Lead],
                  names: dict[int, str]) -> list[dict]:
    """The consent ledger's rows for the seeded badges and leads, as the services record them:
    each registration to the organiser and its sharing with exhibitors, each contact left at a
    booth for its exhibitor, each badge scanned by the exhibitor that scanned it."""
    registration = consent_sentence(REGISTRATION_CONSENT, week)
    sharing = consent_sentence(SHARE_CONSENT, week)
    rows = []
    for badge in registered:
        subject = {"subject_name": badge.full_name, "subject_phone": badge.phone,
                   "subject_email": badge.email, "given_at": badge.created_at,
                   "badge_id": badge.id, "channel": "web"}
        rows.append(consents.values(week=week, purpose="registration",
                                    recipient_kind="organiser",
                                    recipient_name=week.organizer.name,
                                    data_categories=REGISTRATION_DATA, text=registration,
                                    **subject))
        rows.append(consents.values(week=week, purpose="share_with_exhibitors",
                                    recipient_kind="exhibitors", data_categories=SHARE_DATA,
                                    text=sharing, **subject))
    for lead in left:
        rows.append(consents.values(
            week=week, purpose="leave_contact", recipient_kind="exhibitor",
            recipient_business_id=lead.business_id, recipient_name=names[lead.business_id],
            subject_name=lead.full_name, subject_phone=lead.phone, subject_email=lead.email,
            data_categories=LEAVE_CONTACT_DATA, channel="web", text=lead.consent_text,
            given_at=lead.consent_at, lead_id=lead.id))
    for lead in scanned:
        rows.append(consents.values(
            week=week, purpose="share_with_exhibitors", recipient_kind="exhibitor",
            recipient_business_id=lead.business_id, recipient_name=names[lead.business_id],
            subject_name=lead.full_name, subject_phone=lead.phone, subject_email=lead.email,
            data_categories=SHARE_DATA, channel="web", text=lead.consent_text,
            given_at=lead.consent_at, badge_id=lead.badge_id, lead_id=lead.id))
    return rows


def _utc_before(day: date) -> datetime:
    return datetime.combine(day - timedelta(days=7), time(9), tzinfo=timezone.utc)


def seed_entrance_user(organiser, make_user) -> str:
    with write_transaction():
        make_user(ENTRANCE_EMAIL, "Nhân viên cổng vào (demo)", Role.ENTRANCE,
                  organizer_id=organiser.organizer_id)
    return f"entrance staff: {ENTRANCE_EMAIL}"
