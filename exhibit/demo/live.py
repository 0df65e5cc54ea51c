"""The demo's live week: a week running on the day the demo is first seeded, so a newcomer can
check a visitor in at the gate at once and finds work waiting on the organiser's desk.

Its dates are relative to that day (Vietnam time): it opened two days before and ends four days
after. Everything a person would do goes through the real services — applications, holds,
confirmations, product choices, contracts, payments and the gate's check-ins — so the audit
log and the desk show what they would show in real use. Badges and booth scans of visitors
(no person signs in for those) are written directly.

Waiting on the organiser once seeded: an application to review, a booth held until the
review deadline (days away: the hold is part of a complete application), products awaiting
review, a contract still a draft and a balance that is overdue.

Like the rest of the demo, running the seed again changes nothing: the week is made once, on
the day of the first run (``make clean`` starts a fresh demo whose live week is today's).
"""
from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, insert, select

from exhibit.accounts.models import User
from exhibit.scanning import checkin
from exhibit.badges.models import Badge, BadgeKind, CheckIn, badge_search_text
from exhibit.booking import queries
from exhibit.booking import services as booking
from exhibit.catalogue import services as catalogue
from exhibit.core.db import utcnow, write_transaction
from exhibit.core.tokens import grouped, new_code
from exhibit.demo import data, products
from exhibit.demo.accounts import fictional_tax_code
from exhibit.demo.visitors import (ENTRANCE_EMAIL, GIVEN, MIDDLE, POSITIONS, SURNAMES,
                                   VISITOR_ORGS, consent_rows)
from exhibit.documents import payments
from exhibit.documents import services as documents
from exhibit.extensions import db
from exhibit.privacy.models import Consent
from exhibit.scanning import decide, devices, zones
from exhibit.visitors.models import BoothScan
from exhibit.visitors.services import issue_missing_tokens
from exhibit.vn.dates import VIETNAM_TZ, to_vietnam_time, vietnam_today
from exhibit.vn.provinces import SCHEME_2025, get_province
from exhibit.weeks.models import ExhibitionWeek

SLUG = "tuan-le-dac-san-vung-mien"
#: the week runs from two days before the seeding day to four days after it
DAYS_BEFORE, DAYS_AFTER = 2, 4
#: visitors pre-registered, and how many of them came in on each day so far (today last)
VISITORS = 48
CHECKINS_PER_DAY = (14, 17, 9)


def seed_live_week(organiser, *, make_business, floor_plan, now: datetime | None = None
                   ) -> Iterator[str]:
    """Create the live week (once). ``make_business`` and ``floor_plan`` are the demo's own
    helpers (seed.py), passed in so the two modules do not import each other."""
    now = now or utcnow()
    week = db.session.scalar(select(ExhibitionWeek).where(ExhibitionWeek.slug == SLUG))
    if week is not None:
        yield f"week {SLUG}: already there ({week.start_date:%d/%m} – {week.end_date:%d/%m/%Y})"
        yield _gate_line(week, now)
        return
    today = vietnam_today(now)
    start, end = today - timedelta(days=DAYS_BEFORE), today + timedelta(days=DAYS_AFTER)
    with write_transaction():
        week = ExhibitionWeek(
            organizer_id=organiser.organizer_id, slug=SLUG,
            name_vi=f"Tuần lễ Đặc sản vùng miền và sản phẩm OCOP tại TP. Hồ Chí Minh năm {start.year}",
            name_en=f"Regional Specialties and OCOP Products Week in Ho Chi Minh City {start.year}",
            host_province_scheme=SCHEME_2025, host_province_code="79",
            co_organizer="Sở Công Thương Thành phố Hồ Chí Minh",
            venue_name="Trung tâm Xúc tiến Thương mại và Đầu tư TP.HCM (ITPC)",
            venue_address="92–96 Nguyễn Hữu Cảnh, Phường 22, Quận Bình Thạnh, TP. Hồ Chí Minh",
            start_date=start, end_date=end, opening_hours="8:00 – 21:00",
            # late exhibitors may still apply while the week runs, as many fairs allow
            registration_opens_on=start - timedelta(days=45), registration_closes_on=end,
            status="open", hold_minutes=15, review_days=3,
            description="Đặc sản và sản phẩm OCOP 3–5 sao của các tỉnh, thành phố; gian hàng "
                        "tiêu chuẩn 3 m × 3 m. Tuần lễ mẫu đang diễn ra: thử quét mã ở cổng vào.",
            created_at=now - timedelta(days=DAYS_BEFORE + 50))
        db.session.add(week)
        db.session.flush()
        booths = floor_plan(week, rows="AB", per_row=8, price=1_300_000)
        booths[0].blocked, booths[0].blocked_reason = True, "Quầy thông tin của Ban tổ chức"
        newcomers = [make_business(row[:1] + row[1:2] + row[3:6], scheme=SCHEME_2025,
                                   province=row[2], tax_code=fictional_tax_code(500 + n),
                                   email=f"live{n + 1:02d}@exhibit.demo")
                     for n, row in enumerate(data.LIVE)]
    users = {email: db.session.scalar(select(User).where(User.email == email))
             for email in [f"ocop{n:02d}@exhibit.demo" for n in range(1, 7)]
             + [f"live{n:02d}@exhibit.demo" for n in range(1, len(newcomers) + 1)]}
    rows = {**{f"ocop{n + 1:02d}@exhibit.demo": row for n, row in enumerate(data.OCOP_2027)},
            **{f"live{n + 1:02d}@exhibit.demo": row for n, row in enumerate(data.LIVE)}}
    for email, user in users.items():
        booking.apply_to_week(actor=user, week=week, now=now - timedelta(days=30),
                              data={"booth_count": 1, "intended_products": rows[email][6]})
    exhibiting = [e for e in users if e not in ("ocop05@exhibit.demo", "ocop06@exhibit.demo")]
    free = [b for b in booths if not b.blocked]
    for email, booth in zip(exhibiting, free):
        booking.assign_booth(actor=organiser, week=week, booth=booth,
                             business_id=users[email].business_id, now=now - timedelta(days=20))
    # Waiting on the organiser: ocop05 holds a booth as part of its complete application (so
    # the hold lasts until the review deadline, days away), ocop06 has applied and waits.
    hold = booking.hold_booth(actor=users["ocop05@exhibit.demo"], week=week,
                              booth=free[len(exhibiting)])
    yield f"week {SLUG}: running {start:%d/%m} – {end:%d/%m/%Y}, {len(booths)} booths, " \
          f"{len(exhibiting)} exhibitors"
    yield (f"live week: ocop05@exhibit.demo holds {hold.booth.code} until "
           f"{to_vietnam_time(hold.expires_at):%H:%M %d/%m/%Y}; ocop06@exhibit.demo waits for "
           f"review; live01–{len(newcomers):02d}@exhibit.demo exhibit there")
    yield from _catalogue(organiser, week, users, exhibiting, rows)
    yield from _contracts(organiser, week, now)
    issue_missing_tokens(week.id)
    yield from _visitors(organiser, week, now)
    yield from _entrances(organiser, week, users["live01@exhibit.demo"], now)
    yield _gate_line(week, now)


def _catalogue(organiser, week, users, exhibiting, rows) -> Iterator[str]:
    """The newcomers make two products each; every exhibitor shows its products at its booth.
    The first four exhibitors' products are approved, the others' await review."""
    made = 0
    for n, email in enumerate(e for e in exhibiting if e.startswith("live")):
        user, row = users[email], rows[email]
        province = get_province(SCHEME_2025, row[2])
        for i, (name, family, (_label, net, price)) in enumerate(
                products.product_lines(row[:2] + row[3:], 2)):
            certificate = products.certificate_for(
                500 + n * 2 + i, province_issuer=f"UBND {province.name_in_sentence}",
                district_issuer=None, expired_before=week.start_date, family=family)
            product = catalogue.create_product(actor=user, data={
                "name": name, "price_vnd": price, "unit": family.unit, "net_quantity": net,
                "origin_province": row[2], "ocop_set": family.ocop_set,
                "shelf_life": family.shelf_life, "storage": family.storage,
                "ingredients": family.ingredients, "standards": list(family.standards),
                **certificate})
            catalogue.add_photos(actor=user, product=product, uploads=[
                ("demo.jpg", products.photo(name, row[1], certificate.get("stars")))])
            made += 1
    approved = pending = 0
    for n, email in enumerate(exhibiting):
        user = users[email]
        booth_ids = [b.id for b in queries.confirmed_booths(week, user.business_id)]
        chosen = {p.id: booth_ids[0] for p in catalogue.business_products(user.business_id)}
        catalogue.set_week_products(actor=user, week=week, selections=chosen)
        if n < 4:
            approved += catalogue.approve_pending(actor=organiser, week=week,
                                                  business_id=user.business_id)
        else:
            pending += len(chosen)
    yield f"catalogue {SLUG}: {made} new products, {approved} approved, {pending} awaiting review"


def _contracts(organiser, week, now: datetime) -> Iterator[str]:
    """Contracts for the exhibitors: most issued and paid, one paid only its deposit and owes
    the balance late, one paid nothing (overdue), and the last still a draft."""
    today = vietnam_today(now)
    waiting = sorted(documents.businesses_without_contract(week), key=lambda b: b.id)
    dated = today - timedelta(days=28)
    late = 0
    for n, business in enumerate(waiting):
        document = documents.create_contract(actor=organiser, week=week, business_id=business.id,
                                             now=_at(dated, 9))
        if n == len(waiting) - 1:  # a late exhibitor's, drawn up today and left as a draft:
            documents.update_draft(actor=organiser, document=document, data={  # "not yet issued"
                "vat_percent": 8, "dated_on": today, "deposit_due_on": today + timedelta(days=2),
                "balance_due_on": today + timedelta(days=2)})
            continue
        documents.update_draft(actor=organiser, document=document, data={
            "vat_percent": 8, "dated_on": dated, "deposit_due_on": dated + timedelta(days=7),
            "balance_due_on": week.start_date - timedelta(days=3)})
        documents.issue(actor=organiser, document=document, now=_at(dated, 10))
        if n == 2:
            late += 1  # nothing paid yet: the deposit and the balance are overdue
            continue
        payments.record_payment(actor=organiser, week=week, data={
            "business_id": business.id, "kind": "deposit", "amount_vnd": document.deposit_vnd,
            "paid_on": dated + timedelta(days=5), "reference": f"FT{dated:%y%m%d}{n:04d}C"})
        if n == 4:
            late += 1  # paid the deposit only; the balance fell due before the week
            continue
        payments.record_payment(actor=organiser, week=week, data={
            "business_id": business.id, "kind": "balance",
            "amount_vnd": document.total_vnd - document.deposit_vnd,
            "paid_on": week.start_date - timedelta(days=4),
            "reference": f"FT{dated:%y%m%d}{n:04d}S"})
    yield f"contracts {SLUG}: {len(waiting)} ({late} overdue, 1 draft)"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment of a day in Vietnam time (stored as UTC by the columns)."""
    return datetime.combine(day, time(hour, minute), tzinfo=VIETNAM_TZ)


def _moments(day: date, count: int, now: datetime, rng: random.Random) -> list[datetime]:
    """``count`` moments of a day in opening hours, in order; today's all before ``now``
    (spread over the hours since opening, or since midnight when seeded before 8:00)."""
    opening, closing = _at(day, 8), _at(day, 20, 30)
    if day == vietnam_today(now):
        opening = opening if now > opening + timedelta(minutes=10) else _at(day, 0)
        closing = min(closing, now - timedelta(minutes=1))
    span = max((closing - opening).total_seconds(), 60)
    return sorted(opening + timedelta(seconds=rng.randrange(int(span))) for _ in range(count))


def _visitors(organiser, week, now: datetime) -> Iterator[str]:
    """Staff badges for every exhibitor, pre-registered visitors, the days' check-ins through
    the gate (as the entrance staff account) and visitors' booth scans."""
    rng = random.Random(SLUG)
    created = now - timedelta(days=DAYS_BEFORE + 5)
    entrance = db.session.scalar(select(User).where(User.email == ENTRANCE_EMAIL))
    with write_transaction():
        for allocation in queries.confirmed_allocations(week.id):
            for _i in range(2):
                name = _name(rng)
                db.session.add(Badge(week_id=week.id, kind=BadgeKind.STAFF.value, full_name=name,
                                     position=rng.choice(POSITIONS), search_text=badge_search_text(name, ""),
                                     business_id=allocation.business_id, entry_code=new_code(),
                                     created_at=created))
        visitors = []
        for n in range(VISITORS):
            name, organisation = _name(rng), rng.choice(VISITOR_ORGS)
            badge = Badge(week_id=week.id, kind=BadgeKind.VISITOR.value, full_name=name,
                          organisation=organisation, search_text=badge_search_text(name, organisation),
                          phone=f"+849455{n:05d}", email=f"khach.live{n}@example.com" if n % 3 == 0 else "",
                          entry_code=new_code(), contact_code=new_code(),
                          contact_consent_at=created, created_at=created)
            db.session.add(badge)
            visitors.append(badge)
        db.session.flush()
        # their registrations and sharing, in the consent ledger as online registration does
        db.session.execute(insert(Consent), consent_rows(week, visitors, [], [], {}))
    days = [week.start_date + timedelta(days=d) for d in range(DAYS_BEFORE + 1)]
    checked = 0
    for day, count in zip(days, CHECKINS_PER_DAY):
        # the visitors who came, each on its own; the last ones of the list never came yet
        comers = rng.sample(visitors[:VISITORS - 20], count)
        for badge, at in zip(comers, _moments(day, count, now, rng)):
            result = checkin.check_in(actor=entrance or organiser, code=badge.entry_code,
                                      nonce=f"demo-{badge.id}-{day:%Y%m%d}", now=at)
            checked += result.status == checkin.OK
    booths = [a.booth_id for a in queries.confirmed_allocations(week.id)]
    keys = [f"{rng.getrandbits(96):024x}" for _ in range(40)]
    scans = 0
    with write_transaction():
        for day in days:
            for at in _moments(day, 30 if day < days[-1] else 18, now, rng):
                db.session.add(BoothScan(booth_id=rng.choice(booths), week_id=week.id,
                                         visitor_key=rng.choice(keys), scanned_at=at))
                scans += 1
    yield (f"badges {SLUG}: {VISITORS} visitors, {checked} check-ins over {len(days)} days "
           f"(today included), {scans} booth scans")


def _entrances(organiser, week, exhibitor, now: datetime) -> Iterator[str]:
    """Two more zones beside the hall (the B2B room, with exits and a headcount, and the signing
    ceremony on the last day), a scanner for the main gate and one for the B2B room, a lead
    scanner for an exhibitor, and this morning's comings and goings in the B2B room, scanned by
    its device as a phone would upload them."""
    rng = random.Random(SLUG + "-zones")
    b2b_room = zones.create_zone(actor=organiser, week=week, data={
        "name": "Phòng giao thương B2B", "badge_kinds": "visitor,buyer,organiser,staff",
        "mode": "entry_exit", "multiple_entries": True})
    zones.create_zone(actor=organiser, week=week, data={
        "name": "Lễ ký kết hợp tác", "badge_kinds": "buyer,organiser,staff",
        "days": week.end_date.isoformat(), "mode": "entry"})
    gate, gate_code = devices.create_device(organiser, week, "gate", "Cổng chính – máy 1",
                                            zone=zones.default_zone(week), gate="Cổng chính")
    room, _room_code = devices.create_device(organiser, week, "gate", "Phòng B2B – máy 1",
                                             zone=b2b_room, gate="Cửa phòng B2B")
    devices.create_device(exhibitor, week, "leads", "Gian hàng – điện thoại 1")
    today = vietnam_today(now)
    people = list(db.session.scalars(select(Badge).where(
        Badge.week_id == week.id, Badge.kind == BadgeKind.VISITOR.value).order_by(Badge.id)))
    scanned = 0
    if week.start_date <= today <= week.end_date:
        comers = rng.sample(people, min(12, len(people)))
        for n, (badge, at) in enumerate(zip(comers, _moments(today, len(comers), now, rng))):
            decide.scan(scanner=room, code=badge.entry_code, nonce=f"demo-room-{badge.id}-in",
                        scanned_at=at, now=at)
            scanned += 1
            left = min(at + timedelta(minutes=20), now)
            if n % 3 == 0 and left > at:  # a third of them have left again
                decide.scan(scanner=room, code=badge.entry_code, direction="out",
                            nonce=f"demo-room-{badge.id}-out", scanned_at=left, now=left)
                scanned += 1
    yield (f"entrances {SLUG}: 3 zones, scanners {gate.name!r} and {room.name!r} "
           f"({scanned} scans in the B2B room today), a lead scanner for {exhibitor.email}")
    yield (f"scanner: pair a phone as {gate.name!r} by opening {devices.pairing_url(gate_code)} "
           f"(once, within 24 h; new codes on /organiser/weeks/{week.slug}/entrances)")


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def visitor_to_check_in(week, now: datetime | None = None) -> Badge | None:
    """A live visitor badge of the week not checked in today: the one seed-demo names."""
    today = vietnam_today(now)
    came = select(CheckIn.badge_id).where(CheckIn.week_id == week.id, CheckIn.day == today)
    return db.session.scalar(select(Badge).where(
        Badge.week_id == week.id, Badge.kind == BadgeKind.VISITOR.value,
        Badge.revoked_at.is_(None), Badge.id.not_in(came)).order_by(Badge.id.desc()).limit(1))


def _gate_line(week, now: datetime) -> str:
    badge = visitor_to_check_in(week, now)
    if not week.start_date <= vietnam_today(now) <= week.end_date:
        return (f"gate: the live week ran {week.start_date:%d/%m} – {week.end_date:%d/%m/%Y}; "
                "`make clean` then `make run` makes one that runs today")
    code = f"type {grouped(badge.entry_code)} ({badge.full_name})" if badge else "every visitor is in"
    return f"gate: /gate/{week.slug} as {ENTRANCE_EMAIL}: {code}"


def checkins_today(week, now: datetime | None = None) -> int:
    return db.session.scalar(select(func.count()).select_from(CheckIn).where(
        CheckIn.week_id == week.id, CheckIn.day == vietnam_today(now)))
