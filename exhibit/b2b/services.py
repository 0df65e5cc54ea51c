"""The rules of a B2B supply–demand session.

Buyers register for a week with their needs; suppliers are the week's confirmed exhibitors.
Either side asks the other for a meeting, the other side accepts or declines; the organiser
sets slots and tables and schedules accepted meetings. Scheduling locks the week's row and
checks the table, the buyer and the supplier are free; the partial unique indexes on
b2b_meetings are the second guard, so a lost race is a 409, never a double booking.

In rounds: participants mark each other must meet / would meet / do not meet and block slots;
requests left unanswered past the session's deadline expire; the organiser generates a
provisional schedule (b2b.optimise), participants flag conflicts, the organiser swaps and locks
meetings, then publishes the final schedule (told through the outbox). On the day both sides
(or the table staff) say whether each meeting happened; a no-show's table may go to a walk-in.
"""
from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from exhibit.accounts.models import Role, User
from exhibit.accounts.services import check_business_registration, create_business_user
from exhibit.b2b import matching, optimise
from exhibit.badges.services import consent_sentence, record_consent
from exhibit.b2b.models import (
    BlockedSlot,
    Buyer,
    BuyerKind,
    Meeting,
    MeetingOutcome,
    MeetingSlot,
    MeetingStatus,
    MeetingTable,
    Preference,
    PreferenceLevel,
    SessionSettings,
    SourcingNeed,
)
from exhibit.booking import queries as booking
from exhibit.businesses.models import Business
from exhibit.catalogue import ocop
from exhibit.catalogue.models import ListingStatus, Product, ProductListing
from exhibit.core import audit
from exhibit.core.audit import AuditEntry
from exhibit.core.db import lock_row, utcnow, write_transaction
from exhibit.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from exhibit.core.events import announce, meeting_changed
from exhibit.core.paging import Page, counted_page, search_text
from exhibit.extensions import db
from exhibit.vn import phones
from exhibit.vn.dates import VIETNAM_TZ, format_moment, vietnam_today
from exhibit.vn.text import clean_text, fold_search_key
from exhibit.weeks.models import ExhibitionWeek
from exhibit.weeks.services import require_week_organiser

#: the sentence a buyer's registration agrees to (kept in the consent ledger, privacy.consents)
B2B_CONSENT = _l("I agree that %(recipient)s, the organiser, keeps the contact of the person who "
                 "comes to the meetings (name, position, phone number, email) and our sourcing "
                 "needs to run the B2B session, and that the week's suppliers see them to ask "
                 "for and hold meetings, until %(until)s.")
B2B_DATA = ["name", "position", "phone", "email", "organisation", "sourcing_needs"]

OPEN_STATUSES = (MeetingStatus.REQUESTED.value, MeetingStatus.ACCEPTED.value)
HELD, NO_SHOW = "held", "no_show"
#: the longest reason for a cancellation
CANCEL_REASON_LENGTH = 500
MAX_SLOTS_AT_ONCE = 48
MAX_TABLES = 200


# -- reading ----------------------------------------------------------------------------------

def week_buyers(week) -> list[Buyer]:
    return db.session.scalars(select(Buyer).where(Buyer.week_id == week.id)
                              .options(selectinload(Buyer.needs), selectinload(Buyer.business))
                              .order_by(Buyer.id)).all()


def buyer_for(week, business_id: int | None) -> Buyer | None:
    if business_id is None:
        return None
    return db.session.scalar(select(Buyer).where(Buyer.week_id == week.id,
                                                 Buyer.business_id == business_id))


def get_buyer(week, buyer_id: int) -> Buyer:
    buyer = db.session.get(Buyer, buyer_id)
    if buyer is None or buyer.week_id != week.id:
        raise NotFound(_("There is no such buyer at this week."), code="buyer_not_found")
    return buyer


def slots(week) -> list[MeetingSlot]:
    return db.session.scalars(select(MeetingSlot).where(MeetingSlot.week_id == week.id)
                              .order_by(MeetingSlot.starts_at)).all()


def tables(week) -> list[MeetingTable]:
    return db.session.scalars(select(MeetingTable).where(MeetingTable.week_id == week.id)
                              .order_by(MeetingTable.position, MeetingTable.label)).all()


def session_over(week, now: datetime | None = None) -> bool:
    """Whether the week's B2B session has ended: the week is over, or every meeting slot has
    ended. Then nobody asks for, answers or cancels a meeting or changes a need any more
    (outcomes are still recorded, and the organiser still schedules, to keep the record)."""
    now = now or utcnow()
    if week.end_date < vietnam_today(now):
        return True
    last = db.session.scalar(select(func.max(MeetingSlot.ends_at))
                             .where(MeetingSlot.week_id == week.id))
    return last is not None and last <= now


def require_session_open(week) -> None:
    if session_over(week):
        raise Conflict(_("This week's B2B session is over."), code="session_over")


def week_meetings(week) -> list[Meeting]:
    return db.session.scalars(
        select(Meeting).where(Meeting.week_id == week.id)
        .options(selectinload(Meeting.buyer).selectinload(Buyer.business),
                 selectinload(Meeting.supplier), selectinload(Meeting.slot),
                 selectinload(Meeting.table))
        .order_by(Meeting.slot_id.is_(None), Meeting.id)).all()


#: meetings per page of the organiser's list, and the longest search kept
MEETINGS_PER_PAGE = 30
#: the slot filter's value for meetings without a slot
UNSCHEDULED = "none"


@dataclass(frozen=True)
class MeetingFilters:
    """The organiser's search and filters over a week's meetings. Built against the week's
    slots and tables, so a value that is not one of them (or not a status) is ignored."""
    #: part of the buyer's or the supplier's name (with or without diacritics)
    q: str = ""
    status: str = ""
    #: a day of the session, as YYYY-MM-DD (Vietnam time)
    day: date | None = None
    #: a slot's id, or UNSCHEDULED
    slot: int | str | None = None
    table: int | None = None

    @classmethod
    def from_args(cls, args, week_slots: list[MeetingSlot], week_tables: list[MeetingTable]
                  ) -> MeetingFilters:
        status = args.get("status", "")
        days = set(session_days(week_slots))
        try:
            day = date.fromisoformat(args.get("day", ""))
        except ValueError:
            day = None
        slot = args.get("slot", "")
        slot = UNSCHEDULED if slot == UNSCHEDULED else _one_of(slot, {s.id for s in week_slots})
        return cls(q=search_text(args),
                   status=status if status in {m.value for m in MeetingStatus} else "",
                   day=day if day in days else None, slot=slot,
                   table=_one_of(args.get("table", ""), {t.id for t in week_tables}))

    @property
    def any(self) -> bool:
        return bool(self.q or self.status or self.day or self.slot or self.table)


def session_days(week_slots: list[MeetingSlot]) -> list[date]:
    """The days (Vietnam time) the session has slots on, in order."""
    return sorted({slot.starts_at.astimezone(VIETNAM_TZ).date() for slot in week_slots})


def _one_of(value: str, ids: set[int]) -> int | None:
    return int(value) if value.isdigit() and int(value) in ids else None


def filtered_meetings(week, filters: MeetingFilters):
    """The week's meetings matching ``filters`` as a query: scheduled ones first by time and
    table, then the rest in the order they were asked for."""
    buyer_business, supplier = aliased(Business), aliased(Business)
    query = (select(Meeting)
             .outerjoin(MeetingSlot, MeetingSlot.id == Meeting.slot_id)
             .outerjoin(MeetingTable, MeetingTable.id == Meeting.table_id)
             .where(Meeting.week_id == week.id)
             .options(selectinload(Meeting.buyer).selectinload(Buyer.business),
                      selectinload(Meeting.supplier), selectinload(Meeting.slot),
                      selectinload(Meeting.table)))
    if filters.status:
        query = query.where(Meeting.status == filters.status)
    if filters.slot == UNSCHEDULED:
        query = query.where(Meeting.slot_id.is_(None))
    elif filters.slot:
        query = query.where(Meeting.slot_id == filters.slot)
    if filters.table:
        query = query.where(Meeting.table_id == filters.table)
    if filters.day:
        begin = datetime.combine(filters.day, time(0), tzinfo=VIETNAM_TZ)
        query = query.where(MeetingSlot.starts_at >= begin,
                            MeetingSlot.starts_at < begin + timedelta(days=1))
    if filters.q:
        folded = fold_search_key(filters.q)
        query = (query.join(Buyer, Buyer.id == Meeting.buyer_id)
                 .join(buyer_business, buyer_business.id == Buyer.business_id)
                 .join(supplier, supplier.id == Meeting.supplier_id)
                 .where(or_(buyer_business.name_search.contains(folded, autoescape=True),
                            supplier.name_search.contains(folded, autoescape=True))))
    return query.order_by(Meeting.slot_id.is_(None), MeetingSlot.starts_at, MeetingTable.position,
                          Meeting.id)


def meetings_page(week, filters: MeetingFilters, number: int) -> Page:
    """One page of the week's meetings matching ``filters``, with the number of all of them."""
    return counted_page(filtered_meetings(week, filters), number, MEETINGS_PER_PAGE)


@dataclass(frozen=True)
class MeetingCounts:
    """How many of the week's meetings are in each status, and have each outcome."""
    by_status: dict
    by_outcome: dict

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def meeting_counts(week) -> MeetingCounts:
    """The week's meetings counted by status and outcome, in one grouped query."""
    by_status: dict[str, int] = defaultdict(int)
    by_outcome: dict[MeetingOutcome, int] = defaultdict(int)
    for status, outcome, count in db.session.execute(
            select(Meeting.status, Meeting.outcome, func.count()).where(Meeting.week_id == week.id)
            .group_by(Meeting.status, Meeting.outcome)):
        by_status[status] += count
        if outcome:
            by_outcome[MeetingOutcome(outcome)] += count
    return MeetingCounts(dict(by_status), dict(by_outcome))


def get_meeting(week, meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.week_id != week.id:
        raise NotFound(_("There is no such meeting."), code="meeting_not_found")
    return meeting


def participant_meetings(week, *, buyer: Buyer | None = None,
                         supplier_id: int | None = None) -> list[Meeting]:
    query = select(Meeting).where(Meeting.week_id == week.id).options(
        selectinload(Meeting.buyer).selectinload(Buyer.business), selectinload(Meeting.supplier),
        selectinload(Meeting.slot), selectinload(Meeting.table))
    if buyer is not None:
        query = query.where(Meeting.buyer_id == buyer.id)
    if supplier_id is not None:
        query = query.where(Meeting.supplier_id == supplier_id)
    meetings = db.session.scalars(query).all()
    return sorted(meetings, key=lambda m: (m.slot.starts_at if m.slot else datetime.max.replace(
        tzinfo=VIETNAM_TZ), m.id))


def supplier_ids(week) -> set[int]:
    """The week's suppliers: businesses with a confirmed booth."""
    return booking.confirmed_business_ids(week)


def participant_weeks(user: User) -> list[ExhibitionWeek]:
    """The weeks whose B2B session the user takes part in: as a registered buyer, or as an
    exhibitor with a confirmed booth; the latest first."""
    if user.role == Role.BUYER.value:
        ids = select(Buyer.week_id).where(Buyer.business_id == user.business_id)
    else:
        ids = booking.weeks_exhibiting(user.business_id)
    return db.session.scalars(select(ExhibitionWeek).where(ExhibitionWeek.id.in_(ids))
                              .order_by(ExhibitionWeek.start_date.desc())).all()


def supplier_names(week) -> list[tuple[int, str]]:
    """The week's suppliers as (business id, name), by name: for the walk-in desk."""
    ids = supplier_ids(week)
    return db.session.execute(select(Business.id, Business.name).where(Business.id.in_(ids))
                              .order_by(Business.name)).all() if ids else []


def is_supplier(week, business_id: int | None) -> bool:
    return business_id is not None and business_id in supplier_ids(week)


@dataclass(frozen=True)
class Participation:
    """How a user takes part in a week's B2B session."""
    #: "buyer" or "supplier"
    side: str
    #: the buyer's registration at the week (None until a buyer account registers)
    buyer: Buyer | None = None
    #: the supplier's business (an exhibitor with a confirmed booth)
    supplier_id: int | None = None


def participation(week, user) -> Participation:
    """The user's place in the week's B2B session: a buyer account (registered or not yet), or
    an exhibitor with a confirmed booth; Forbidden for anyone else."""
    if user.role == Role.BUYER.value:
        return Participation("buyer", buyer=buyer_for(week, user.business_id))
    if is_supplier(week, user.business_id):
        return Participation("supplier", supplier_id=user.business_id)
    raise Forbidden(_("Only buyers registered for the week and exhibitors with a confirmed booth "
                      "take part in its B2B session."))


# -- matching (the rules are in b2b.matching) -------------------------------------------------

@dataclass(frozen=True)
class Supplier:
    """A supplier as a match names it."""
    id: int
    name: str


@dataclass(frozen=True)
class MatchedProduct:
    """An approved product of a supplier at the week, as matching reads it."""
    id: int
    business_id: int
    name: str
    #: the folded words of its names, padded with spaces (``Product.name_search``)
    name_search: str
    ocop_group: str | None
    ocop_set: int | None
    standards: list
    #: the stars shown at the week (0 when the certificate does not cover it)
    shown_stars: int


@dataclass
class Match:
    """A buyer and a supplier whose approved products meet at least one of the buyer's needs,
    with what meets each need (``met``: why the supplier is suggested)."""
    buyer: Buyer
    supplier: Supplier
    met: list[matching.NeedMet] = field(default_factory=list)
    products: list[MatchedProduct] = field(default_factory=list)

    @property
    def needs(self) -> list[SourcingNeed]:
        return [m.need for m in self.met]

    @property
    def score(self) -> int:
        return matching.score(self.met, self.products)

    def reasons(self, lang: str = "vi") -> list[str]:
        """One line per need met: "Cà phê rang xay · OCOP 4★ · VietGAP"."""
        return [m.reason(lang) for m in self.met]


product_meets = matching.product_meets


def _could_meet(rule: matching.NeedRule):
    """A SQL condition every product meeting a need satisfies (``matching.fit`` decides): its
    group, the stars, each certification written in ASCII appearing in the stored list, and a
    keyword's head in its name (a narrowing only, so it can never drop a product that meets
    the need)."""
    condition = Product.ocop_group.in_(rule.groups)
    if rule.min_stars:
        condition &= ProductListing.shown_stars >= rule.min_stars
    for certification in rule.certifications:
        if certification.isascii():
            condition &= func.lower(cast(Product.standards, String)).contains(
                f'"{certification}"', autoescape=True)
    if rule.keywords:
        condition &= or_(*(Product.name_search.contains(f" {head} ", autoescape=True)
                           for head in sorted(set(rule.heads))))
    return condition


def _candidates(week, rules: list[matching.NeedRule], supplier_id: int | None
                ) -> tuple[list[MatchedProduct], dict[int, str]]:
    """The approved products at the week that could meet one of the needs (``rules``), of
    businesses that exhibit there (one supplier's), and those businesses' names: one query,
    plain values."""
    if not rules:
        return [], {}
    query = (select(Product.id, ProductListing.business_id, Product.name, Product.name_search,
                    Product.ocop_group, Product.ocop_set, Product.standards,
                    ProductListing.shown_stars, Business.name)
             .join(Product, Product.id == ProductListing.product_id)
             .join(Business, Business.id == ProductListing.business_id)
             .where(ProductListing.week_id == week.id,
                    ProductListing.status == ListingStatus.APPROVED.value,
                    or_(*(_could_meet(rule) for rule in rules)))
             .order_by(Product.id))
    if supplier_id is not None:
        query = query.where(ProductListing.business_id == supplier_id)
    exhibiting = supplier_ids(week)
    products, names = [], {}
    for *values, business_name in db.session.execute(query):
        product = MatchedProduct(*values)
        if product.business_id in exhibiting:
            products.append(product)
            names[product.business_id] = business_name
    return products, names


def _pairs(buyers: list[Buyer], products: list[MatchedProduct], rules: dict[int, matching.NeedRule]):
    """(buyer, supplier id, the needs it meets) for every pair that matches. Needs that ask the
    same (equal rules) are worked out once for all the buyers asking it."""
    by_group: dict[str, list[MatchedProduct]] = defaultdict(list)
    for product in products:
        by_group[product.ocop_group].append(product)
    per_rule: dict[matching.NeedRule, dict[int, matching.Fit]] = {}
    for buyer in buyers:
        found: dict[int, list[matching.NeedMet]] = defaultdict(list)
        for need in buyer.needs:
            rule = rules[need.id]
            if rule not in per_rule:
                candidates = [p for group in rule.groups for p in by_group.get(group, ())]
                per_rule[rule] = matching.suppliers_meeting(rule, candidates)
            for sid, fit in per_rule[rule].items():
                found[sid].append(matching.NeedMet(need, fit))
        yield from ((buyer, sid, met) for sid, met in found.items())


def _products_of(met: list[matching.NeedMet]) -> list[MatchedProduct]:
    """The products meeting any of the needs, each once, the best of the first need first."""
    chosen, seen = [], set()
    for need in met:
        for product in need.products:
            if product.id not in seen:
                seen.add(product.id)
                chosen.append(product)
    return chosen


def matches(week, *, buyer: Buyer | None = None, supplier_id: int | None = None,
            limit: int | None = None, buyers: list[Buyer] | None = None) -> list[Match]:
    """Buyer–supplier pairs of the week whose products meet a need, best first (``limit``: the
    best so many; ``matching`` has the rules). Stars count only when the certificate covers
    the week (the listing's shown stars). Only products that could meet a need are read, as
    plain values, in one query. ``buyers``: the week's buyers with their needs when the caller
    has read them already."""
    if buyer is not None:
        buyers = [buyer]
    elif buyers is None:
        buyers = week_buyers(week)
    rules = {need.id: matching.rule_for(need) for b in buyers for need in b.needs}
    products, names = _candidates(week, list(dict.fromkeys(rules.values())), supplier_id)
    if not buyers or not products:
        return []
    found = []
    for b, sid, met in _pairs(buyers, products, rules):
        chosen = _products_of(met)
        found.append(Match(b, Supplier(sid, names[sid]), met, chosen))

    def order(match: Match):
        return (-match.score, match.supplier.name, match.buyer.id)

    return heapq.nsmallest(limit, found, key=order) if limit is not None else sorted(found, key=order)


#: matches a participant sees per page
MATCHES_PER_PAGE = 24


def matches_page(week, number: int, *, buyer: Buyer | None = None,
                 supplier_id: int | None = None) -> Page:
    """Page ``number`` (past the end: the last) of a participant's matches, best first; the
    matches are worked out in memory from one query, so they are counted there too."""
    found = matches(week, buyer=buyer, supplier_id=supplier_id)
    pages = max(1, -(-len(found) // MATCHES_PER_PAGE))
    number = min(max(1, number), pages)
    start = (number - 1) * MATCHES_PER_PAGE
    return Page(found[start:start + MATCHES_PER_PAGE], number, has_older=number < pages,
                size=MATCHES_PER_PAGE, total=len(found))


# -- buyers -----------------------------------------------------------------------------------

def clean_need(data: dict) -> dict:
    errors: dict[str, str] = {}
    group = str(data.get("product_group") or "")
    if ocop.group(ocop.QD148, group) is None:
        errors["product_group"] = _("Choose a product group.")
    stars = data.get("min_stars")
    try:
        stars = int(stars) if stars not in (None, "", "0", 0) else None
        if stars is not None and stars not in ocop.STARS:
            raise ValueError
    except (TypeError, ValueError):
        errors["min_stars"] = _("OCOP stars are 3, 4 or 5.")
        stars = None
    raw = data.get("certifications") or []
    if isinstance(raw, str):
        raw = [part for part in raw.replace(";", ",").split(",")]
    certifications = sorted({clean_text(c) for c in raw if clean_text(c)})
    unknown = [c for c in certifications if c not in ocop.STANDARDS]
    if unknown:
        errors["certifications"] = _("Unknown certification: %(names)s.", names=", ".join(unknown))
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    return {"product_group": group, "min_stars": stars, "certifications": certifications,
            "description": clean_text(data.get("description"))[:500],
            "monthly_volume": clean_text(data.get("monthly_volume"))[:120]}


def _clean_buyer(data: dict) -> dict:
    errors: dict[str, str] = {}
    kind = str(data.get("kind") or "")
    if kind not in {k.value for k in BuyerKind}:
        errors["kind"] = _("Choose the kind of buyer.")
    contact = clean_text(data.get("contact_name"))
    if not contact:
        errors["contact_name"] = _("Enter who comes to the meetings.")
    phone = ""
    if data.get("contact_phone"):
        try:
            phone = phones.normalize_phone(str(data["contact_phone"]))
        except phones.InvalidPhone:
            errors["contact_phone"] = _("Enter a Vietnamese phone number, e.g. 0912 345 678 or 028 3823 4567.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    return {"kind": kind, "contact_name": contact[:200],
            "contact_position": clean_text(data.get("contact_position"))[:120],
            "contact_phone": phone, "contact_email": clean_text(data.get("contact_email")).lower()[:254],
            "notes": (data.get("notes") or "").strip()[:2000]}


def register_buyer(*, week: ExhibitionWeek, data: dict, user: User | None = None,
                   account: dict | None = None, business: dict | None = None) -> tuple[Buyer, User]:
    """Register an organisation as a buyer at the week with its first need (``data["need"]``).

    A signed-in buyer (``user``) registers the organisation it acts for; a newcomer gives an
    ``account`` (email, password, full_name) and its ``business`` details, and gets a buyer
    account for the organisation, under the same rules as an exhibitor's sign-up. Returns the
    registration and the buyer's user."""
    require_session_open(week)
    if user is not None and (user.role != Role.BUYER.value or user.business_id is None):
        raise Forbidden(_("Sign in with a buyer's account to register as a buyer."))
    errors: dict[str, str] = {}
    buyer_values: dict = {}
    need_values: dict = {}
    try:
        buyer_values = _clean_buyer(data)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        need_values = clean_need(data.get("need") or {})
    except ValidationFailed as exc:
        errors.update({f"need.{k}": v for k, v in exc.fields.items()})
    if not data.get("consent"):  # the form's box, never ticked for them (see record_consent)
        errors["consent"] = _("Tick the box to agree, or the session's suppliers cannot see "
                              "your registration.")
    account = account or {}
    if user is None:
        email, business_values = check_business_registration(
            email=account.get("email"), password=account.get("password"), business=business,
            errors=errors)
    elif errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    with write_transaction():
        if user is None:
            user = create_business_user(
                email=email, password=account["password"],
                full_name=account.get("full_name") or buyer_values["contact_name"],
                business=business_values, role=Role.BUYER)
        if buyer_for(week, user.business_id) is not None:
            raise Conflict(_("Your organisation is already registered for this week's B2B "
                             "session."), code="buyer_exists")
        buyer = Buyer(week_id=week.id, business_id=user.business_id, **buyer_values)
        buyer.needs.append(SourcingNeed(**need_values))
        db.session.add(buyer)
        db.session.flush()
        audit.record("buyer", buyer.id, "register", actor=user, week_id=week.id,
                     business_id=user.business_id, after={"kind": buyer.kind})
        if data.get("consent"):
            week = db.session.get(ExhibitionWeek, week.id)  # this session's copy
            record_consent(week=week, purpose="b2b", recipient_kind="exhibitors",
                           subject_name=buyer.contact_name,
                           subject_phone=buyer.contact_phone,
                           subject_email=buyer.contact_email, data_categories=B2B_DATA,
                           channel=data.get("channel") or "web",
                           text=consent_sentence(B2B_CONSENT, week), buyer=buyer)
    return buyer, user


def add_need(*, actor: User, buyer: Buyer, data: dict) -> SourcingNeed:
    _require_buyer_side(actor, buyer)
    require_session_open(db.session.get(ExhibitionWeek, buyer.week_id))
    values = clean_need(data)
    with write_transaction():
        need = SourcingNeed(buyer_id=buyer.id, **values)
        db.session.add(need)
        db.session.flush()
        audit.record("need", need.id, "create", actor=actor, week_id=buyer.week_id,
                     business_id=buyer.business_id, after=values)
    return need


def remove_need(*, actor: User, buyer: Buyer, need_id: int) -> None:
    _require_buyer_side(actor, buyer)
    require_session_open(db.session.get(ExhibitionWeek, buyer.week_id))
    with write_transaction():
        need = db.session.get(SourcingNeed, need_id)
        if need is None or need.buyer_id != buyer.id:
            raise NotFound(_("There is no such need."), code="need_not_found")
        db.session.delete(need)
        audit.record("need", need_id, "delete", actor=actor, week_id=buyer.week_id,
                     business_id=buyer.business_id)


def _require_buyer_side(actor: User, buyer: Buyer) -> None:
    if actor.business_id == buyer.business_id and actor.role == Role.BUYER.value:
        return
    week = db.session.get(ExhibitionWeek, buyer.week_id)
    require_week_organiser(actor, week)


# -- meeting requests -------------------------------------------------------------------------

def request_meeting(*, actor: User, week: ExhibitionWeek, buyer_id: int, supplier_id: int,
                    message: str = "") -> Meeting:
    """A buyer asks a supplier, a supplier asks a buyer, or the organiser pairs them (then the
    meeting is accepted at once)."""
    buyer = get_buyer(week, buyer_id)
    if actor.is_organiser:
        require_week_organiser(actor, week)
        side = "organiser"
    elif actor.role == Role.BUYER.value and actor.business_id == buyer.business_id:
        side = "buyer"
    elif actor.is_exhibitor and actor.business_id == supplier_id:
        side = "supplier"
    else:
        raise Forbidden(_("Only the buyer, the supplier or the organiser can ask for this meeting."))
    require_session_open(week)
    with write_transaction():
        if supplier_id not in supplier_ids(week):
            message_text = _("This business has no confirmed booth at the week.")
            raise ValidationFailed(message_text, fields={"supplier_id": message_text})
        meeting = Meeting(week_id=week.id, buyer_id=buyer.id, supplier_id=supplier_id,
                          requested_by=side, message=clean_text(message)[:1000],
                          status=(MeetingStatus.ACCEPTED if side == "organiser"
                                  else MeetingStatus.REQUESTED).value)
        if side == "organiser":
            meeting.decided_at = utcnow()
        else:
            hours = session_settings(week).request_hours
            meeting.expires_at = utcnow() + timedelta(hours=hours) if hours else None
        db.session.add(meeting)
        try:
            db.session.flush()
        except IntegrityError:
            raise Conflict(_("These two already have an open meeting request."),
                           code="meeting_exists") from None
        audit.record("meeting", meeting.id, "request", actor=actor, week_id=week.id,
                     business_id=supplier_id, after={"buyer_id": buyer.id, "by": side})
        _announce(meeting, "pair" if side == "organiser" else "request")
    return meeting


def respond(*, actor: User, meeting: Meeting, accept: bool) -> Meeting:
    """The side that was asked (or the organiser) accepts or declines a request."""
    with write_transaction():
        meeting = _lock_meeting(meeting.id)
        side = _side(actor, meeting)
        if side == meeting.requested_by:
            raise Forbidden(_("The other side answers a request."))
        require_session_open(db.session.get(ExhibitionWeek, meeting.week_id))
        if meeting.status == MeetingStatus.EXPIRED.value or is_expired(meeting):
            raise Conflict(_("This request expired unanswered on %(when)s; it can no longer be "
                             "accepted or declined. Ask for the meeting again.",
                             when=format_moment(meeting.expires_at)), code="request_expired")
        if meeting.status != MeetingStatus.REQUESTED.value:
            raise Conflict(_("This request has already been answered."), code="wrong_status")
        meeting.status = (MeetingStatus.ACCEPTED if accept else MeetingStatus.DECLINED).value
        meeting.decided_at = utcnow()
        audit.record("meeting", meeting.id, "accept" if accept else "decline", actor=actor,
                     week_id=meeting.week_id, business_id=meeting.supplier_id)
        _announce(meeting, "accept" if accept else "decline")
    return meeting


def needs_cancel_reason(meeting: Meeting) -> bool:
    """A meeting the other side has accepted (or the organiser paired) is cancelled only with
    a reason, which the other side is told."""
    return meeting.status == MeetingStatus.ACCEPTED.value


def cancel_meeting(*, actor: User, meeting: Meeting, reason: str = "") -> Meeting:
    """Either side (or the organiser) cancels an open meeting, freeing its slot and table. An
    accepted meeting needs a ``reason``: it goes into the audit entry and to the other side
    (the ``meeting_changed`` announcement carries it, and their B2B page shows it)."""
    reason = clean_text(reason)[:CANCEL_REASON_LENGTH]
    with write_transaction():
        meeting = _lock_meeting(meeting.id)
        side = _side(actor, meeting)
        if meeting.status not in OPEN_STATUSES:
            raise Conflict(_("This meeting is no longer open."), code="wrong_status")
        require_session_open(db.session.get(ExhibitionWeek, meeting.week_id))
        if needs_cancel_reason(meeting) and not reason:
            message = _("Give a reason: the other side accepted this meeting and is told why "
                        "it is cancelled.")
            raise ValidationFailed(message, fields={"reason": message})
        before = {"status": meeting.status}
        freed = {"freed_slot_id": meeting.slot_id, "freed_table_id": meeting.table_id}
        meeting.status = MeetingStatus.CANCELLED.value
        meeting.slot_id = meeting.table_id = None
        audit.record("meeting", meeting.id, "cancel", actor=actor, week_id=meeting.week_id,
                     business_id=meeting.supplier_id, before=before,
                     after={"status": meeting.status, "by": side}, note=reason or None)
        _announce(meeting, "cancel", reason=reason, cancelled_by=side, **freed)
    return meeting


def cancel_reasons(meetings: list[Meeting]) -> dict[int, tuple[str, str]]:
    """For the cancelled ones of ``meetings``: (who cancelled: "buyer", "supplier" or
    "organiser", the reason given), read from their audit entries in one query."""
    ids = [m.id for m in meetings if m.status == MeetingStatus.CANCELLED.value]
    found = {}  # one query even for none: a page's queries do not depend on what it shows
    for entity_id, after, note in db.session.execute(
            select(AuditEntry.entity_id, AuditEntry.after, AuditEntry.note)
            .where(AuditEntry.entity == "meeting", AuditEntry.action == "cancel",
                   AuditEntry.entity_id.in_(ids))
            .order_by(AuditEntry.id)):
        found[entity_id] = ((after or {}).get("by", ""), note or "")
    return found


def record_outcome(*, actor: User, meeting: Meeting, outcome: str, notes: str = "") -> Meeting:
    if outcome not in {o.value for o in MeetingOutcome}:
        message = _("Choose an outcome.")
        raise ValidationFailed(message, fields={"outcome": message})
    with write_transaction():
        meeting = _lock_meeting(meeting.id)
        _side(actor, meeting)
        if meeting.status != MeetingStatus.ACCEPTED.value:
            raise Conflict(_("Only an accepted meeting has an outcome."), code="wrong_status")
        meeting.outcome = outcome
        meeting.outcome_notes = (notes or "").strip()[:1000]
        audit.record("meeting", meeting.id, "outcome", actor=actor, week_id=meeting.week_id,
                     business_id=meeting.supplier_id, after={"outcome": outcome})
    return meeting


def _side(actor: User, meeting: Meeting) -> str:
    """Which side of the meeting the actor is on; Forbidden for anyone else."""
    if actor.is_organiser:
        require_week_organiser(actor, db.session.get(ExhibitionWeek, meeting.week_id))
        return "organiser"
    if actor.role == Role.BUYER.value and actor.business_id == meeting.buyer.business_id:
        return "buyer"
    if actor.is_exhibitor and actor.business_id == meeting.supplier_id:
        return "supplier"
    raise Forbidden(_("This meeting is not yours."))


def meetings_starting(after: datetime, before: datetime) -> list[Meeting]:
    """Accepted meetings whose slot starts in (after, before]: for the clock's reminders."""
    return list(db.session.scalars(
        select(Meeting).join(MeetingSlot, MeetingSlot.id == Meeting.slot_id)
        .where(Meeting.status == MeetingStatus.ACCEPTED.value,
               MeetingSlot.starts_at > after, MeetingSlot.starts_at <= before)
        .order_by(MeetingSlot.starts_at, Meeting.id)))


def _announce(meeting: Meeting, action: str, **more) -> None:
    """``more``: for a cancellation, ``reason``, ``cancelled_by`` (the side) and the slot and
    table it freed (``freed_slot_id``, ``freed_table_id``)."""
    announce(meeting_changed, meeting_id=meeting.id, week_id=meeting.week_id, action=action,
             requested_by=meeting.requested_by, slot_id=meeting.slot_id,
             table_id=meeting.table_id, **more)


def _lock_meeting(meeting_id: int) -> Meeting:
    meeting = lock_row(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_("There is no such meeting."), code="meeting_not_found")
    return meeting


# -- slots, tables and scheduling -------------------------------------------------------------

def add_slots(*, actor: User, week: ExhibitionWeek, day: date, start: time, minutes: int,
              count: int, gap_minutes: int = 0) -> list[MeetingSlot]:
    """``count`` consecutive slots of ``minutes`` from ``start`` (Vietnam time) on ``day``."""
    require_week_organiser(actor, week)
    errors = {}
    if day is None or not week.start_date <= day <= week.end_date:
        errors["day"] = _("Choose a day of the week's dates.")
    if start is None:
        errors["start"] = _("Enter the time the first meeting starts.")
    if not 5 <= minutes <= 240:
        errors["minutes"] = _("A meeting lasts 5 to 240 minutes.")
    if not 1 <= count <= MAX_SLOTS_AT_ONCE:
        errors["count"] = _("Between 1 and %(n)s slots at a time.", n=MAX_SLOTS_AT_ONCE)
    if not 0 <= gap_minutes <= 120:
        errors["gap_minutes"] = _("A break of 0 to 120 minutes.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    begin = datetime.combine(day, start, tzinfo=VIETNAM_TZ)
    made = []
    with write_transaction():
        _lock_week(week.id)
        existing = slots(week)
        for n in range(count):
            starts = begin + timedelta(minutes=n * (minutes + gap_minutes))
            ends = starts + timedelta(minutes=minutes)
            if any(s.starts_at < ends and starts < s.ends_at for s in existing + made):
                raise Conflict(_("The slot at %(time)s overlaps an existing slot.",
                                 time=starts.strftime("%H:%M %d/%m/%Y")), code="slot_overlap")
            slot = MeetingSlot(week_id=week.id, starts_at=starts, ends_at=ends)
            db.session.add(slot)
            made.append(slot)
        db.session.flush()
        audit.record("week", week.id, "add_slots", actor=actor, week_id=week.id,
                     after={"count": count, "from": begin.isoformat(), "minutes": minutes})
    return made


def add_tables(*, actor: User, week: ExhibitionWeek, count: int, prefix: str = "Bàn") -> list[MeetingTable]:
    require_week_organiser(actor, week)
    with write_transaction():
        _lock_week(week.id)
        existing = tables(week)
        if not 1 <= count or len(existing) + count > MAX_TABLES:
            message = _("A session has at most %(n)s tables.", n=MAX_TABLES)
            raise ValidationFailed(message, fields={"count": message})
        prefix = clean_text(prefix)[:30] or "Bàn"
        labels = {t.label for t in existing}
        made, n = [], len(existing)
        while len(made) < count:
            n += 1
            label = f"{prefix} {n:02d}"
            if label in labels:
                continue
            made.append(MeetingTable(week_id=week.id, label=label, position=n))
        db.session.add_all(made)
        db.session.flush()
        audit.record("week", week.id, "add_tables", actor=actor, week_id=week.id,
                     after={"count": count})
    return made


def schedule(*, actor: User, meeting: Meeting, slot_id: int, table_id: int) -> Meeting:
    """Put an accepted meeting at a slot and table. 409 names what is taken."""
    week = db.session.get(ExhibitionWeek, meeting.week_id)
    require_week_organiser(actor, week)
    try:
        with write_transaction():
            _lock_week(week.id)
            meeting = _lock_meeting(meeting.id)
            slot, table = db.session.get(MeetingSlot, slot_id), db.session.get(MeetingTable, table_id)
            if slot is None or slot.week_id != week.id or table is None or table.week_id != week.id:
                message = _("Choose a slot and a table of this week.")
                raise ValidationFailed(message, fields={"slot_id": message})
            if meeting.status != MeetingStatus.ACCEPTED.value:
                raise Conflict(_("Only an accepted meeting can be scheduled."), code="wrong_status")
            _require_free(meeting, slot.id, table.id)
            meeting.slot_id, meeting.table_id = slot.id, table.id
            # placed by hand: a new generation keeps it where the organiser put it, and the
            # participant's flag was answered
            meeting.locked, meeting.flag, meeting.flagged_by = True, "", ""
            db.session.flush()
            audit.record("meeting", meeting.id, "schedule", actor=actor, week_id=week.id,
                         business_id=meeting.supplier_id,
                         after={"slot": slot.starts_at.isoformat(), "table": table.label})
            _announce(meeting, "schedule")
    except IntegrityError:
        raise Conflict(_("The slot was just taken; choose another."), code="slot_taken") from None
    return meeting


def _require_free(meeting: Meeting, slot_id: int, table_id: int) -> None:
    # a no-show no longer holds its table or its sides (see models: the slot indexes)
    others = db.session.scalars(select(Meeting).where(
        Meeting.slot_id == slot_id, Meeting.id != meeting.id,
        Meeting.attendance != NO_SHOW)).all()
    for other in others:
        if other.table_id == table_id:
            raise Conflict(_("This table is taken at that time."), code="table_taken")
        if other.buyer_id == meeting.buyer_id:
            raise Conflict(_("The buyer has another meeting at that time."), code="buyer_busy")
        if other.supplier_id == meeting.supplier_id:
            raise Conflict(_("The supplier has another meeting at that time."), code="supplier_busy")


def unschedule(*, actor: User, meeting: Meeting) -> Meeting:
    week = db.session.get(ExhibitionWeek, meeting.week_id)
    require_week_organiser(actor, week)
    with write_transaction():
        meeting = _lock_meeting(meeting.id)
        meeting.slot_id = meeting.table_id = None
        meeting.locked = False
        audit.record("meeting", meeting.id, "unschedule", actor=actor, week_id=week.id,
                     business_id=meeting.supplier_id)
    return meeting


def auto_schedule(*, actor: User, week: ExhibitionWeek) -> int:
    """Give every accepted, unscheduled meeting the earliest slot where its buyer and supplier
    are free, at the first free table. Returns how many were scheduled."""
    require_week_organiser(actor, week)
    with write_transaction():
        _lock_week(week.id)
        all_slots, all_tables = slots(week), tables(week)
        meetings = db.session.scalars(select(Meeting).where(
            Meeting.week_id == week.id, Meeting.status == MeetingStatus.ACCEPTED.value)
            .order_by(Meeting.decided_at, Meeting.id)).all()
        busy: dict[int, set] = defaultdict(set)
        for m in meetings:
            if m.slot_id and m.attendance != NO_SHOW:
                busy[m.slot_id] |= {("t", m.table_id), ("b", m.buyer_id), ("s", m.supplier_id)}
        placed = 0
        for m in meetings:
            if m.slot_id:
                continue
            for slot in all_slots:
                taken = busy[slot.id]
                if ("b", m.buyer_id) in taken or ("s", m.supplier_id) in taken:
                    continue
                table = next((t for t in all_tables if ("t", t.id) not in taken), None)
                if table is None:
                    continue
                m.slot_id, m.table_id = slot.id, table.id
                taken |= {("t", table.id), ("b", m.buyer_id), ("s", m.supplier_id)}
                _announce(m, "schedule")
                placed += 1
                break
        db.session.flush()
        audit.record("week", week.id, "auto_schedule", actor=actor, week_id=week.id,
                     after={"scheduled": placed})
    return placed


def _lock_week(week_id: int) -> None:
    """Serialise scheduling within a week: every scheduling transaction locks the week first."""
    lock_row(ExhibitionWeek, week_id)


# -- the session's settings, preferences and blocked slots -------------------------------------

def session_settings(week) -> SessionSettings:
    """The week's B2B settings (the defaults, unsaved, when it has none)."""
    return (db.session.get(SessionSettings, week.id)
            or SessionSettings(week_id=week.id, request_hours=None, fixed_tables=False))


#: the longest answer deadline, in hours (30 days)
MAX_REQUEST_HOURS = 720


def update_settings(*, actor: User, week: ExhibitionWeek, request_hours, fixed_tables: bool
                    ) -> SessionSettings:
    """``request_hours``: how long the asked side has to answer a request ("" or None: no
    deadline). Requests already sent keep the deadline they were sent with."""
    require_week_organiser(actor, week)
    text_value = str(request_hours if request_hours is not None else "").strip()
    if text_value and not (text_value.isdigit() and 1 <= int(text_value) <= MAX_REQUEST_HOURS):
        message = _("Enter a number of hours from 1 to %(n)s, or leave it empty for no deadline.",
                    n=MAX_REQUEST_HOURS)
        raise ValidationFailed(message, fields={"request_hours": message})
    with write_transaction():
        _lock_week(week.id)
        settings = db.session.get(SessionSettings, week.id)
        if settings is None:
            settings = SessionSettings(week_id=week.id)
            db.session.add(settings)
        before = {"request_hours": settings.request_hours, "fixed_tables": settings.fixed_tables}
        settings.request_hours = int(text_value) if text_value else None
        settings.fixed_tables = bool(fixed_tables)
        db.session.flush()
        audit.record("week", week.id, "b2b_settings", actor=actor, week_id=week.id,
                     before=before, after={"request_hours": settings.request_hours,
                                           "fixed_tables": settings.fixed_tables})
    return settings


def is_expired(meeting: Meeting, now: datetime | None = None) -> bool:
    """Whether a request is past its answer deadline (whether or not the expiry pass has
    marked it yet)."""
    return (meeting.status == MeetingStatus.REQUESTED.value and meeting.expires_at is not None
            and meeting.expires_at <= (now or utcnow()))


def expire_requests(week: ExhibitionWeek | None = None, now: datetime | None = None) -> int:
    """Mark the requests past their answer deadline expired (of ``week``, or of every week);
    returns how many. Idempotent: run by `flask b2b expire-requests` and before the B2B pages
    read the requests, so a page never offers to accept one that expired; a page with nothing
    due only reads."""
    now = now or utcnow()
    due = [Meeting.status == MeetingStatus.REQUESTED.value, Meeting.expires_at <= now]
    if week is not None:
        due.append(Meeting.week_id == week.id)
    if not db.session.scalar(select(func.count()).select_from(Meeting).where(*due)):
        return 0
    with write_transaction():
        expired = db.session.scalars(select(Meeting.id).where(*due)).all()
        if expired:
            db.session.execute(update(Meeting).where(Meeting.id.in_(expired), *due)
                               .values(status=MeetingStatus.EXPIRED.value, decided_at=now)
                               .execution_options(synchronize_session=False))
            for meeting_id in expired:
                audit.record("meeting", meeting_id, "expire", actor=None)
    for meeting in db.session.identity_map.values():
        if isinstance(meeting, Meeting) and meeting.id in expired:
            db.session.expire(meeting)
    return len(expired)


def _participant_side(actor: User, week: ExhibitionWeek) -> Participation:
    taking_part = participation(week, actor)
    if taking_part.side == "buyer" and taking_part.buyer is None:
        raise Forbidden(_("Register for the week's B2B session first."))
    return taking_part


def set_preference(*, actor: User, week: ExhibitionWeek, other_id: int, level: str) -> None:
    """A participant marks the other side of a pair (a buyer marks a supplier by its business
    id, a supplier marks a buyer by its registration id) "must", "meet" or "no"; "" clears it."""
    if level not in {lv.value for lv in PreferenceLevel} | {""}:
        message = _("Choose must meet, would meet or do not meet.")
        raise ValidationFailed(message, fields={"level": message})
    taking_part = _participant_side(actor, week)
    require_session_open(week)
    if taking_part.side == "buyer":
        buyer_id, supplier_id = taking_part.buyer.id, other_id
        if supplier_id not in supplier_ids(week):
            message = _("This business has no confirmed booth at the week.")
            raise ValidationFailed(message, fields={"supplier_id": message})
    else:
        buyer_id, supplier_id = other_id, taking_part.supplier_id
        buyer = db.session.get(Buyer, buyer_id)
        if buyer is None or buyer.week_id != week.id:
            message = _("There is no such buyer at this week.")
            raise ValidationFailed(message, fields={"buyer_id": message})
    with write_transaction():
        mark = db.session.scalar(select(Preference).where(
            Preference.buyer_id == buyer_id, Preference.supplier_id == supplier_id,
            Preference.side == taking_part.side))
        if not level:
            if mark is not None:
                db.session.delete(mark)
            return
        if mark is None:
            mark = Preference(week_id=week.id, buyer_id=buyer_id, supplier_id=supplier_id,
                              side=taking_part.side)
            db.session.add(mark)
        mark.level = level
        try:
            db.session.flush()
        except IntegrityError:  # the same mark made twice at once: the other one stands
            raise Conflict(_("Saved a moment ago; reload the page."), code="preference_exists") from None


def my_preferences(week: ExhibitionWeek, taking_part: Participation) -> dict[int, str]:
    """The participant's own marks: supplier business id → level for a buyer, buyer id →
    level for a supplier."""
    if taking_part.side == "buyer":
        if taking_part.buyer is None:
            return {}
        rows = db.session.execute(select(Preference.supplier_id, Preference.level).where(
            Preference.buyer_id == taking_part.buyer.id, Preference.side == "buyer"))
    else:
        rows = db.session.execute(select(Preference.buyer_id, Preference.level).where(
            Preference.week_id == week.id, Preference.supplier_id == taking_part.supplier_id,
            Preference.side == "supplier"))
    return dict(rows.all())


def marked_names(week: ExhibitionWeek, taking_part: Participation) -> dict[int, str]:
    """The names of those the participant marked (id as in ``my_preferences`` → name), for
    marks on parties that no longer show among their matches."""
    marks = my_preferences(week, taking_part)
    if not marks:
        return {}
    if taking_part.side == "buyer":
        rows = db.session.execute(select(Business.id, Business.name).where(Business.id.in_(marks)))
    else:
        rows = db.session.execute(select(Buyer.id, Business.name).join(
            Business, Business.id == Buyer.business_id).where(Buyer.id.in_(marks)))
    return dict(rows.all())


def _blocked_filter(taking_part: Participation):
    if taking_part.side == "buyer":
        return BlockedSlot.buyer_id == taking_part.buyer.id
    return BlockedSlot.supplier_id == taking_part.supplier_id


def blocked_slot_ids(week: ExhibitionWeek, taking_part: Participation) -> set[int]:
    if taking_part.side == "buyer" and taking_part.buyer is None:
        return set()
    return set(db.session.scalars(select(BlockedSlot.slot_id).join(
        MeetingSlot, MeetingSlot.id == BlockedSlot.slot_id).where(
        MeetingSlot.week_id == week.id, _blocked_filter(taking_part))))


def set_blocked_slots(*, actor: User, week: ExhibitionWeek, slot_ids) -> set[int]:
    """The participant's blocked slots become exactly ``slot_ids`` (slots of the week).
    Meetings already at a newly blocked slot stay: the organiser moves them, and the next
    generation avoids the slot."""
    taking_part = _participant_side(actor, week)
    require_session_open(week)
    week_slots = {slot.id for slot in slots(week)}
    wanted = set()
    for value in slot_ids:
        slot_id = int(value) if str(value).isdigit() else None
        if slot_id not in week_slots:
            message = _("Choose slots of this week's session.")
            raise ValidationFailed(message, fields={"slots": message})
        wanted.add(slot_id)
    with write_transaction():
        have = {b.slot_id: b for b in db.session.scalars(
            select(BlockedSlot).where(BlockedSlot.slot_id.in_(week_slots),
                                      _blocked_filter(taking_part)))}
        for slot_id, blocked in have.items():
            if slot_id not in wanted:
                db.session.delete(blocked)
        for slot_id in wanted - set(have):
            db.session.add(BlockedSlot(
                slot_id=slot_id,
                buyer_id=taking_part.buyer.id if taking_part.side == "buyer" else None,
                supplier_id=taking_part.supplier_id if taking_part.side == "supplier" else None))
        try:
            db.session.flush()
        except IntegrityError:
            raise Conflict(_("Saved a moment ago; reload the page."), code="blocked_exists") from None
    return wanted


# -- the generated (provisional) schedule --------------------------------------------------------

@dataclass(frozen=True)
class Generated:
    """What a generation did, for the organiser's message."""
    scheduled: int
    must: int
    meet: int
    #: the most must-meet and meet pairs any schedule could have had
    bound_must: int | None
    bound_meet: int | None
    locked: int
    method: str


def _generation_problem(week: ExhibitionWeek, fixed_tables: bool, published: bool = False
                        ) -> tuple[optimise.Problem, dict[tuple[int, int], Meeting]]:
    """The session as the optimiser sees it: the locked meetings kept, the pairs worth
    meeting (preferences and accepted meetings; see optimise.pair_levels), who blocked which
    slot. Pairs with an open request wait for its answer, and pairs whose request was declined
    or whose meeting was cancelled are left out: someone already said no to them. Also the
    accepted meetings by pair, to place rather than duplicate."""
    week_slots, week_tables = slots(week), tables(week)
    meetings = db.session.scalars(select(Meeting).where(Meeting.week_id == week.id)
                                  .order_by(Meeting.decided_at, Meeting.id)).all()
    locked, agreed, accepted, refused = [], [], {}, set()
    for m in meetings:
        pair = (m.buyer_id, m.supplier_id)
        if m.status == MeetingStatus.ACCEPTED.value and m.attendance == NO_SHOW:
            refused.add(pair)  # history: it was given its chance, and holds no place
        elif m.status == MeetingStatus.ACCEPTED.value:
            # a meeting with an outcome or held has happened, and a published one has been
            # told to both sides: each stays where it is, like a locked one
            if (m.locked or m.outcome or m.attendance or published) and m.slot_id is not None:
                locked.append(optimise.Placed(m.buyer_id, m.supplier_id, m.slot_id, m.table_id))
            elif not m.generated:
                agreed.append(pair)
            accepted[pair] = m
        elif m.status in (MeetingStatus.REQUESTED.value, MeetingStatus.DECLINED.value,
                          MeetingStatus.CANCELLED.value):
            refused.add(pair)
    buyers = set(db.session.scalars(select(Buyer.id).where(Buyer.week_id == week.id)))
    suppliers = supplier_ids(week)
    marks = [(b, s, level) for b, s, level in db.session.execute(
        select(Preference.buyer_id, Preference.supplier_id, Preference.level)
        .where(Preference.week_id == week.id).order_by(Preference.id))]
    pairs = {pair: level for pair, level in optimise.pair_levels(marks, agreed).items()
             if pair[0] in buyers and pair[1] in suppliers
             and (pair not in refused or pair in accepted)}
    buyer_blocked, supplier_blocked = defaultdict(set), defaultdict(set)
    for slot_id, buyer_id, supplier_id in db.session.execute(
            select(BlockedSlot.slot_id, BlockedSlot.buyer_id, BlockedSlot.supplier_id)
            .where(BlockedSlot.slot_id.in_([s.id for s in week_slots]))):
        if buyer_id is not None:
            buyer_blocked[buyer_id].add(slot_id)
        else:
            supplier_blocked[supplier_id].add(slot_id)
    problem = optimise.Problem(
        slots=[s.id for s in week_slots], tables=[t.id for t in week_tables], pairs=pairs,
        buyer_blocked=dict(buyer_blocked), supplier_blocked=dict(supplier_blocked),
        locked=sorted(locked, key=lambda p: (p.slot, p.table)), fixed_tables=fixed_tables)
    return problem, accepted


#: how long the organiser's page lets the optimiser think
GENERATION_SECONDS = 10.0


def generate_schedule(*, actor: User, week: ExhibitionWeek, method: str = "optimised",
                      seconds: float = GENERATION_SECONDS) -> Generated:
    """The provisional schedule: every meeting not locked is taken off its slot (meetings the
    optimiser made earlier are removed), and the pairs worth meeting are scheduled again, by
    the optimiser (``method`` "optimised") or the first-come greedy scheduler ("greedy").

    The solver runs outside the transaction (it may take ``seconds``); the write then locks
    the week and checks the session is still the one solved (else 409: generate again), so
    nobody waits on the lock meanwhile and nothing is placed on a stale picture. Participants
    are not told of a provisional schedule (they see it on their B2B page, marked provisional).
    Once the final schedule is published, a generation keeps every scheduled meeting where it
    is and only adds meetings into free places, and just those new meetings' sides are told."""
    require_week_organiser(actor, week)
    if method not in ("optimised", "greedy"):
        message = _("Choose how to generate the schedule.")
        raise ValidationFailed(message, fields={"method": message})
    settings = session_settings(week)
    fixed, published = settings.fixed_tables, settings.published_at is not None
    problem, _accepted = _generation_problem(week, fixed, published)
    if not problem.slots or not problem.tables:
        raise Conflict(_("Add slots and tables before generating a schedule."), code="no_slots")
    result = (optimise.optimise(problem, seconds=seconds) if method == "optimised"
              else optimise.greedy(problem))
    wrong = optimise.check(problem, result.placed)
    if wrong:  # never written: the tests prove it does not happen
        raise Conflict(_("The generated schedule broke a rule; nothing was changed."),
                       code="schedule_invalid")
    try:
        with write_transaction():
            _lock_week(week.id)
            again, accepted = _generation_problem(week, fixed, published)
            if again != problem:
                raise Conflict(_("Meetings or preferences changed while the schedule was "
                                 "computed; generate it again."), code="session_changed")
            held = [Meeting.locked.is_(False), Meeting.outcome == "", Meeting.attendance == ""]
            if published:
                held.append(Meeting.slot_id.is_(None))
            for m in db.session.scalars(select(Meeting).where(
                    Meeting.week_id == week.id, Meeting.status == MeetingStatus.ACCEPTED.value,
                    *held)):
                if m.generated:
                    db.session.delete(m)
                    accepted.pop((m.buyer_id, m.supplier_id), None)
                else:
                    m.slot_id = m.table_id = None
            db.session.flush()
            now, placed_meetings = utcnow(), []
            for placed in result.placed:
                meeting = accepted.get((placed.buyer, placed.supplier))
                if meeting is None:
                    meeting = Meeting(week_id=week.id, buyer_id=placed.buyer,
                                      supplier_id=placed.supplier, requested_by="organiser",
                                      status=MeetingStatus.ACCEPTED.value, decided_at=now,
                                      generated=True)
                    db.session.add(meeting)
                meeting.slot_id, meeting.table_id = placed.slot, placed.table
                placed_meetings.append(meeting)
            db.session.flush()
            if published:  # only the new meetings: the published ones stayed where they were
                for meeting in placed_meetings:
                    _announce(meeting, "schedule")
            audit.record("week", week.id, "generate_schedule", actor=actor, week_id=week.id,
                         after={"method": method, "scheduled": len(result.placed),
                                "must": result.must, "meet": result.meet,
                                "locked": len(problem.locked), "status": result.status})
    except IntegrityError:
        raise Conflict(_("The schedule changed meanwhile; generate it again."),
                       code="slot_taken") from None
    return Generated(len(result.placed), result.must, result.meet, result.bound_must,
                     result.bound_meet, len(problem.locked), method)


def set_locked(*, actor: User, meeting: Meeting, locked: bool) -> Meeting:
    """Lock a scheduled meeting at its slot and table (every new generation keeps it), or
    unlock it."""
    week = db.session.get(ExhibitionWeek, meeting.week_id)
    require_week_organiser(actor, week)
    with write_transaction():
        meeting = _lock_meeting(meeting.id)
        if locked and meeting.slot_id is None:
            raise Conflict(_("Only a scheduled meeting can be locked."), code="not_scheduled")
        meeting.locked = bool(locked)
        audit.record("meeting", meeting.id, "lock" if locked else "unlock", actor=actor,
                     week_id=week.id, business_id=meeting.supplier_id)
    return meeting


# -- rounds: provisional, flagged, swapped and locked, published -------------------------------

def is_published(week: ExhibitionWeek) -> bool:
    return session_settings(week).published_at is not None


def publish_schedule(*, actor: User, week: ExhibitionWeek) -> int:
    """Publish the final schedule: each side of every scheduled meeting is told its time and
    table through the outbox (the message links to their B2B page, with the schedule PDF and
    calendar file). Publishing again tells only the meetings that moved since: the message's
    idempotency key names the slot and table (messaging.subscribers). Returns how many."""
    require_week_organiser(actor, week)
    with write_transaction():
        _lock_week(week.id)
        settings = db.session.get(SessionSettings, week.id)
        if settings is None:
            settings = SessionSettings(week_id=week.id)
            db.session.add(settings)
        meetings = db.session.scalars(select(Meeting).where(
            Meeting.week_id == week.id, Meeting.status == MeetingStatus.ACCEPTED.value,
            Meeting.slot_id.isnot(None)).order_by(Meeting.id)).all()
        if not meetings:
            raise Conflict(_("No meeting is scheduled yet: generate the schedule first."),
                           code="nothing_scheduled")
        settings.published_at = utcnow()
        for meeting in meetings:
            _announce(meeting, "schedule")
        db.session.flush()
        audit.record("week", week.id, "publish_schedule", actor=actor, week_id=week.id,
                     after={"meetings": len(meetings)})
    return len(meetings)


def swap_meetings(*, actor: User, week: ExhibitionWeek, meeting_id: int, other_id: int
                  ) -> tuple[Meeting, Meeting]:
    """The organiser swaps two scheduled meetings' slots and tables (409 when a side of one
    is busy at the other's time). Both are then locked, their flags cleared; once the schedule
    is published, the sides of both are told."""
    require_week_organiser(actor, week)
    try:
        with write_transaction():
            _lock_week(week.id)
            first, second = _lock_meeting(meeting_id), _lock_meeting(other_id)
            if first.week_id != week.id or second.week_id != week.id or first.id == second.id:
                message = _("Choose another meeting of this week.")
                raise ValidationFailed(message, fields={"other_id": message})
            if first.slot_id is None or second.slot_id is None:
                raise Conflict(_("Only scheduled meetings can be swapped."), code="not_scheduled")
            places = {first.id: (second.slot_id, second.table_id),
                      second.id: (first.slot_id, first.table_id)}
            first.slot_id = first.table_id = second.slot_id = second.table_id = None
            db.session.flush()
            for meeting in (first, second):
                slot_id, table_id = places[meeting.id]
                _require_free(meeting, slot_id, table_id)
                meeting.slot_id, meeting.table_id = slot_id, table_id
                meeting.locked, meeting.flag, meeting.flagged_by = True, "", ""
                db.session.flush()
            published = is_published(week)
            for meeting in (first, second):
                audit.record("meeting", meeting.id, "swap", actor=actor, week_id=week.id,
                             business_id=meeting.supplier_id,
                             after={"with": (second if meeting is first else first).id})
                if published:
                    _announce(meeting, "schedule")
    except IntegrityError:
        raise Conflict(_("The slot was just taken; choose another."), code="slot_taken") from None
    return first, second


#: the longest note on a flagged meeting
FLAG_LENGTH = 500


def flag_meeting(*, actor: User, meeting: Meeting, note: str) -> Meeting:
    """A participant flags a conflict with a scheduled meeting's time or table (a clash, a
    table too far…) for the organiser; an empty note withdraws the flag."""
    note = clean_text(note)[:FLAG_LENGTH]
    with write_transaction():
        meeting = _lock_meeting(meeting.id)
        side = _side(actor, meeting)
        if side == "organiser":
            raise Forbidden(_("Participants flag their meetings; the organiser moves them."))
        if meeting.status != MeetingStatus.ACCEPTED.value or meeting.slot_id is None:
            raise Conflict(_("Only a scheduled meeting can be flagged."), code="not_scheduled")
        meeting.flag, meeting.flagged_by = note, side if note else ""
        audit.record("meeting", meeting.id, "flag" if note else "unflag", actor=actor,
                     week_id=meeting.week_id, business_id=meeting.supplier_id, note=note or None)
    return meeting


def flagged_count(week: ExhibitionWeek) -> int:
    return db.session.scalar(select(func.count()).select_from(Meeting).where(
        Meeting.week_id == week.id, Meeting.flag != "",
        Meeting.status == MeetingStatus.ACCEPTED.value)) or 0


def requests_expiring(after: datetime, before: datetime) -> list[Meeting]:
    """Unanswered requests whose answer deadline falls in (after, before]: for a reminder to
    the asked side before they expire (the clock's job, like ``meetings_starting``)."""
    return list(db.session.scalars(
        select(Meeting).where(Meeting.status == MeetingStatus.REQUESTED.value,
                              Meeting.expires_at > after, Meeting.expires_at <= before)
        .order_by(Meeting.expires_at, Meeting.id)))


# -- attendance on the day -----------------------------------------------------------------------

#: what a side says after the slot
MET, MISSED = "met", "missed"


def attendance_of(buyer_says: str, supplier_says: str, staff_says: str) -> str:
    """One "didn't happen" from anyone makes a no-show; else one "met" makes it held."""
    said = {buyer_says, supplier_says, staff_says}
    if MISSED in said:
        return NO_SHOW
    return HELD if MET in said else ""


def record_attendance(*, actor: User, meeting: Meeting, said: str,
                      now: datetime | None = None) -> Meeting:
    """The buyer, the supplier or the organiser's table staff says whether a scheduled meeting
    happened, once its slot has begun (each may correct what they said). A no-show frees its
    table and its sides for a walk-in meeting; saying "met" again takes them back, 409 if a
    walk-in has them meanwhile."""
    if said not in (MET, MISSED):
        message = _("Say whether the meeting happened.")
        raise ValidationFailed(message, fields={"said": message})
    now = now or utcnow()
    try:
        with write_transaction():
            meeting = _lock_meeting(meeting.id)
            side = _side(actor, meeting)
            if meeting.status != MeetingStatus.ACCEPTED.value or meeting.slot_id is None:
                raise Conflict(_("Only a scheduled meeting is attended."), code="not_scheduled")
            if db.session.get(MeetingSlot, meeting.slot_id).starts_at > now:
                raise Conflict(_("Say whether it happened once its time has come."),
                               code="too_early")
            setattr(meeting, {"buyer": "buyer_says", "supplier": "supplier_says",
                              "organiser": "staff_says"}[side], said)
            before = meeting.attendance
            meeting.attendance = attendance_of(meeting.buyer_says, meeting.supplier_says,
                                               meeting.staff_says)
            db.session.flush()
            audit.record("meeting", meeting.id, "attendance", actor=actor,
                         week_id=meeting.week_id, business_id=meeting.supplier_id,
                         before={"attendance": before},
                         after={"said": said, "by": side, "attendance": meeting.attendance})
    except IntegrityError:
        raise Conflict(_("A walk-in meeting has its table or a side meanwhile; move one of "
                         "them first."), code="place_taken") from None
    return meeting


def walk_in(*, actor: User, week: ExhibitionWeek, buyer_id: int, supplier_id: int, slot_id: int,
            table_id: int, now: datetime | None = None) -> Meeting:
    """A registered buyer and supplier meet on the spot at a free table (free, or freed by a
    no-show) of a slot not over yet: an accepted meeting, locked, counted as held."""
    require_week_organiser(actor, week)
    now = now or utcnow()
    errors = {}
    buyer = db.session.get(Buyer, buyer_id) if buyer_id else None
    if buyer is None or buyer.week_id != week.id:
        errors["buyer_id"] = _("Choose a buyer registered for the week.")
    if supplier_id not in supplier_ids(week):
        errors["supplier_id"] = _("Choose an exhibitor with a confirmed booth at the week.")
    slot = db.session.get(MeetingSlot, slot_id) if slot_id else None
    table = db.session.get(MeetingTable, table_id) if table_id else None
    if slot is None or slot.week_id != week.id or slot.ends_at <= now:
        errors["slot_id"] = _("Choose a slot of this week that is not over.")
    if table is None or table.week_id != week.id:
        errors["table_id"] = _("Choose a table of this week.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    try:
        with write_transaction():
            _lock_week(week.id)
            meeting = db.session.scalar(select(Meeting).where(
                Meeting.buyer_id == buyer_id, Meeting.supplier_id == supplier_id,
                Meeting.status.in_(OPEN_STATUSES)))
            if meeting is not None and (meeting.status != MeetingStatus.ACCEPTED.value
                                        or meeting.slot_id is not None):
                raise Conflict(_("These two already have a meeting; schedule that one."),
                               code="meeting_exists")
            if meeting is None:
                meeting = Meeting(week_id=week.id, buyer_id=buyer_id, supplier_id=supplier_id,
                                  requested_by="organiser", status=MeetingStatus.ACCEPTED.value,
                                  decided_at=now)
                db.session.add(meeting)
                db.session.flush()
            _require_free(meeting, slot.id, table.id)
            meeting.slot_id, meeting.table_id = slot.id, table.id
            meeting.walk_in, meeting.locked = True, True
            meeting.staff_says, meeting.attendance = MET, HELD
            db.session.flush()
            audit.record("meeting", meeting.id, "walk_in", actor=actor, week_id=week.id,
                         business_id=supplier_id,
                         after={"slot": slot.starts_at.isoformat(), "table": table.label})
    except IntegrityError:
        raise Conflict(_("The table was just taken; choose another."), code="slot_taken") from None
    return meeting


@dataclass(frozen=True)
class TablePlace:
    table: MeetingTable
    #: the meeting holding the table in the slot (None: free); a no-show's table is free
    meeting: Meeting | None
    #: the no-show that freed it, if any
    no_show: Meeting | None = None


@dataclass(frozen=True)
class Board:
    """The organiser's live view of the session: the slot in progress (else the next one,
    else the last), each table's meeting, and the day's attendance."""
    slot: MeetingSlot | None
    in_progress: bool
    places: list[TablePlace]
    held: int
    no_shows: int
    unconfirmed: int

    @property
    def free(self) -> list[TablePlace]:
        return [p for p in self.places if p.meeting is None]


def board(week: ExhibitionWeek, slot_id: int | None = None, now: datetime | None = None) -> Board:
    now = now or utcnow()
    week_slots = slots(week)
    chosen = next((s for s in week_slots if s.id == slot_id), None)
    if chosen is None:
        chosen = (next((s for s in week_slots if s.starts_at <= now < s.ends_at), None)
                  or next((s for s in week_slots if s.starts_at > now), None)
                  or (week_slots[-1] if week_slots else None))
    places = []
    if chosen is not None:
        meetings = db.session.scalars(select(Meeting).where(
            Meeting.slot_id == chosen.id, Meeting.status == MeetingStatus.ACCEPTED.value)
            .options(selectinload(Meeting.buyer).selectinload(Buyer.business),
                     selectinload(Meeting.supplier))).all()
        by_table: dict[int, dict] = defaultdict(dict)
        for m in meetings:
            by_table[m.table_id]["no_show" if m.attendance == NO_SHOW else "meeting"] = m
        places = [TablePlace(t, by_table[t.id].get("meeting"), by_table[t.id].get("no_show"))
                  for t in tables(week)]
    counts = dict(db.session.execute(
        select(Meeting.attendance, func.count()).join(MeetingSlot, MeetingSlot.id == Meeting.slot_id)
        .where(Meeting.week_id == week.id, Meeting.status == MeetingStatus.ACCEPTED.value,
               MeetingSlot.starts_at <= now)
        .group_by(Meeting.attendance)).all())
    return Board(chosen, chosen is not None and chosen.starts_at <= now < chosen.ends_at, places,
                 counts.get(HELD, 0), counts.get(NO_SHOW, 0), counts.get("", 0))
