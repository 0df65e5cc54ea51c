"""A week's figures, counted once from the stored records and shown four ways: the dashboard,
the report PDF, the report workbook and the API.

Every figure is a count or a sum over stored rows (never a counter kept on the side). Titles
and row labels come out in the current interface language, so callers that want English wrap
the call in ``flask_babel.force_locale("en")``.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from exhibit.b2b.models import Meeting, MeetingOutcome, MeetingStatus
from exhibit.badges.models import Badge, BadgeKind, CheckIn
from exhibit.booking import queries as booking
from exhibit.booking.models import ApplicationStatus
from exhibit.businesses.models import Business, LegalForm
from exhibit.catalogue import ocop
from exhibit.catalogue.models import ListingStatus, Product, ProductListing
from exhibit.core.db import utcnow
from exhibit.documents import payments as ledger
from exhibit.documents.models import Document, DocumentKind, DocumentStatus
from exhibit.extensions import db
from exhibit.floorplan import services as floorplan
from exhibit.visitors.models import BoothScan, Lead, LeadSource
from exhibit.visitors.services import scan_counts
from exhibit.vn import provinces
from exhibit.vn.dates import VIETNAM_TZ, format_date, vietnam_today

#: the kinds of value a cell or headline holds, which decide how it is shown
COUNT, VND, PERCENT = "count", "vnd", "percent"
TOP_BOOTHS = 10
STAR_LEVELS = (3, 4, 5)


@dataclass
class Chart:
    """Horizontal bars: one group per label, one bar per series."""
    labels: list[str]
    series: list[tuple[str, list[int]]]
    money: bool = False


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list]
    #: {column index: COUNT | VND | PERCENT} for the numeric columns
    kinds: dict[int, str] = field(default_factory=dict)
    chart: Chart | None = None
    note: str = ""
    #: the last row sums the others
    has_total: bool = False
    #: a stable key per row (a status code, a day, a booth code), for lookups and tests
    row_keys: list[str] = field(default_factory=list)

    def row(self, key: str) -> list:
        return self.rows[self.row_keys.index(key)]

    def value(self, key: str, column: int = 1):
        return self.row(key)[column]


@dataclass
class Headline:
    key: str
    title: str
    value: int | float
    kind: str = COUNT
    detail: str = ""


@dataclass
class WeekReport:
    week: object
    lang: str
    generated_at: datetime
    today: date
    headlines: list[Headline]
    tables: list[Table]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def headline(self, key: str) -> Headline:
        return next(h for h in self.headlines if h.key == key)


# -- helpers ---------------------------------------------------------------------------------

def format_value(value, kind: str = COUNT, lang: str = "vi") -> str:
    """A figure as the report prints it: "1.300.000" and "64,7 %" in Vietnamese, "1,300,000"
    and "64.7%" in English; VND amounts carry no sign (the column or line says VND)."""
    from babel.numbers import format_decimal
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    locale = "en_US" if lang == "en" else "vi_VN"
    if kind == PERCENT:
        return format_decimal(value, format="#,##0.0", locale=locale) + (
            "%" if lang == "en" else "\u00a0%")
    return format_decimal(value, locale=locale)


def _lang() -> str:
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "vi"


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants a Vietnam calendar day starts and ends at."""
    start = datetime.combine(day, time(0), tzinfo=VIETNAM_TZ)
    return start, start + timedelta(days=1)


def _count_table(key, title, label_head, value_head, triples, *, note="", total=False) -> Table:
    """A two-column "label | count" table with its bar chart, from (row key, label, count)."""
    rows = [[str(label), count] for _key, label, count in triples]
    row_keys = [str(k) for k, _label, _count in triples]
    chart = Chart([r[0] for r in rows], [(value_head, [r[1] for r in rows])])
    if total:
        rows.append([_("Total"), sum(r[1] for r in rows)])
        row_keys.append("total")
    return Table(key, title, [label_head, value_head], rows, {1: COUNT}, chart, note,
                 has_total=total, row_keys=row_keys)


# -- the report ------------------------------------------------------------------------------

def week_report(week, *, today: date | None = None, now: datetime | None = None) -> WeekReport:
    """Every figure of the week, in the current interface language."""
    now = now or utcnow()
    today = today or vietnam_today(now)
    lang = _lang()
    exhibitors = _exhibitors(week)
    tables = [
        _booths(week, now),
        _applications(week),
        _by_province(exhibitors, lang),
        _by_legal_form(exhibitors),
        *_products(week, lang),
        _certificates(week),
        _visitors_per_day(week),
        _scans_per_day(week),
        _top_booths(week),
        _leads(week),
        _meetings_by_status(week),
        _meetings_by_outcome(week),
        _documents(week, DocumentKind.MOU),
        _documents(week, DocumentKind.CONTRACT),
        _payments(week, today),
    ]
    report = WeekReport(week, lang, now, today, [], tables)
    report.headlines = _headlines(report, exhibitors)
    return report


def _exhibitors(week) -> list[Business]:
    """The businesses taking part: those with a confirmed booth at the week."""
    return booking.confirmed_businesses(week)


def _headlines(report: WeekReport, exhibitors: list[Business]) -> list[Headline]:
    booths = report.table("booths")
    confirmed = booths.value(booking.CONFIRMED)
    offered = booths.value("total") - booths.value(booking.BLOCKED)
    products = report.table("products_by_stars")
    ocop_products = sum(products.value(str(n)) for n in STAR_LEVELS)
    visitors = report.table("visitors_per_day").row("total")
    signed_mous = report.table("mous").row(DocumentStatus.SIGNED.value)
    accepted = report.table("meetings_by_status").value(MeetingStatus.ACCEPTED.value)
    payments = report.table("payments").row("total")
    return [
        Headline("exhibitors", _("Businesses taking part"), len(exhibitors)),
        Headline("booths_confirmed", _("Booths confirmed"), confirmed,
                 detail=_("of %(offered)d offered", offered=offered)),
        Headline("occupancy", _("Occupancy"), _percent(confirmed, offered), PERCENT),
        Headline("products", _("Products shown"), products.value("total")),
        Headline("ocop_products", _("OCOP products (3–5 stars)"), ocop_products),
        Headline("visitors", _("Visitors registered"), visitors[1]),
        Headline("checkins", _("Check-ins at the entrance"), visitors[3]),
        Headline("scans", _("Booth QR scans"), report.table("scans_per_day").value("total")),
        Headline("leads", _("Leads"), report.table("leads").value("total")),
        Headline("meetings", _("B2B meetings agreed"), accepted),
        Headline("mous_signed", _("MoUs signed"), signed_mous[1]),
        Headline("mou_value", _("Expected value of signed MoUs"), signed_mous[2], VND),
        Headline("contract_value", _("Booth contracts (value)"), payments[2], VND),
        Headline("overdue", _("Payments overdue"), payments[5], VND),
    ]


def _booths(week, now: datetime) -> Table:
    counts = booking.status_counts(booking.booth_states(week, now))
    total = sum(counts.values())
    rows = [[booking.status_title(s), n, _percent(n, total)] for s, n in counts.items()]
    rows.append([_("Total"), total, 100.0 if total else 0.0])
    return Table("booths", _("Booths by status"), [_("Status"), _("Booths"), _("Share (%)")],
                 rows, {1: COUNT, 2: PERCENT},
                 Chart([r[0] for r in rows[:-1]], [(_("Booths"), [r[1] for r in rows[:-1]])]),
                 has_total=True, row_keys=[*counts, "total"])


def _applications(week) -> Table:
    counts = booking.application_counts(week)
    triples = [(s.value, s.title, counts.get(s.value, 0)) for s in ApplicationStatus]
    return _count_table("applications", _("Applications by state"), _("State"),
                        _("Applications"), triples, total=True)


def _by_province(exhibitors: list[Business], lang: str) -> Table:
    counts = Counter((b.province_scheme, b.province_code) for b in exhibitors)
    names = {key: provinces.display_name(*key, lang=lang) for key in counts}
    triples = sorted(((f"{scheme}:{code}", names[scheme, code], n)
                      for (scheme, code), n in counts.items()), key=lambda t: (-t[2], t[1]))
    return _count_table("provinces", _("Businesses by province"), _("Province"),
                        _("Businesses"), triples, total=True,
                        note=_("Businesses with a confirmed booth, by the province they "
                               "registered with."))


def _by_legal_form(exhibitors: list[Business]) -> Table:
    counts = Counter(b.legal_form for b in exhibitors)
    triples = [(form.value, form.title, counts[form.value]) for form in LegalForm
               if counts[form.value]]
    return _count_table("legal_forms", _("Businesses by legal form"), _("Legal form"),
                        _("Businesses"), triples, total=True)


def _products(week, lang: str) -> list[Table]:
    """Approved products by OCOP group and by the stars shown at this week (a star counts only
    where the certificate covers every day of the week)."""
    rows = db.session.execute(
        select(Product.ocop_scheme, ProductListing.ocop_group, ProductListing.shown_stars)
        .join(Product, Product.id == ProductListing.product_id)
        .where(ProductListing.week_id == week.id,
               ProductListing.status == ListingStatus.APPROVED.value)).all()
    no_star = _("No OCOP star shown")
    star_titles = {n: _("%(n)d stars", n=n) for n in STAR_LEVELS}
    by_group: dict[str, Counter] = {}
    names: dict[str, str] = {}
    for scheme, group_code, stars in rows:
        group = ocop.group(scheme, group_code) if scheme and group_code else None
        # QĐ 148 kept QĐ 1048's codes for the groups both have, so one code is one group
        key = group_code if group else "none"
        names[key] = group.title(lang) if group else str(_("No OCOP group"))
        by_group.setdefault(key, Counter())[stars if stars in STAR_LEVELS else 0] += 1
    order = sorted(by_group, key=lambda k: (-sum(by_group[k].values()), names[k]))
    group_rows = [[names[k], by_group[k][0], *(by_group[k][n] for n in STAR_LEVELS),
                   sum(by_group[k].values())] for k in order]
    group_rows.append([_("Total"), *(sum(r[i] for r in group_rows) for i in range(1, 6))])
    by_group_table = Table(
        "products_by_group", _("Products by OCOP group and stars"),
        [_("OCOP group"), no_star, *star_titles.values(), _("Total")], group_rows,
        {i: COUNT for i in range(1, 6)},
        Chart([r[0] for r in group_rows[:-1]], [(_("Products"), [r[5] for r in group_rows[:-1]])]),
        has_total=True, row_keys=[*order, "total"])
    stars = Counter(s if s in STAR_LEVELS else 0 for _scheme, _group, s in rows)
    triples = [("0", no_star, stars[0]), *((str(n), star_titles[n], stars[n]) for n in STAR_LEVELS)]
    by_stars_table = _count_table(
        "products_by_stars", _("Products by OCOP stars"), _("Stars"), _("Products"), triples,
        note=_("Approved products. Stars count only where the certificate covers every day of "
               "the week."), total=True)
    return [by_group_table, by_stars_table]


def _certificates(week) -> Table:
    """Listed products (awaiting review or approved) whose OCOP certificate runs out before or
    during the week: the organiser asks for the renewal decision."""
    listings = db.session.scalars(
        select(ProductListing).where(
            ProductListing.week_id == week.id,
            ProductListing.status != ListingStatus.REJECTED.value)
        .options(joinedload(ProductListing.product), joinedload(ProductListing.business))).all()
    titles = {ocop.EXPIRED: _("Expired before the week"),
              ocop.EXPIRES_DURING: _("Expires during the week")}
    rows = []
    for listing in listings:
        check = listing.product.certificate_at(week)
        if check.status in titles:
            rows.append([listing.business.name, listing.product.name, listing.product.stars,
                         format_date(check.valid_until), str(titles[check.status])])
    rows.sort(key=lambda r: (r[4], r[0], r[1]))
    return Table("certificates", _("OCOP certificates expiring before or during the week"),
                 [_("Business"), _("Product"), _("Stars"), _("Valid until"), _("Status")],
                 rows, {2: COUNT})


def _visitors_per_day(week) -> Table:
    """Visitor registrations by the Vietnam day they were made (earlier ones on the first row)
    and check-ins at the entrance per day of the week."""
    live = (Badge.week_id == week.id, Badge.kind == BadgeKind.VISITOR.value,
            Badge.revoked_at.is_(None))
    first_start, _first_end = _day_bounds(week.start_date)
    rows = [[_("Before the week"),
             db.session.scalar(select(func.count()).where(*live, Badge.created_at < first_start)),
             0, 0]]
    keys = ["before"]
    checkins = dict(db.session.execute(
        select(CheckIn.day, func.count()).where(CheckIn.week_id == week.id)
        .group_by(CheckIn.day)).all())
    visitor_checkins = dict(db.session.execute(
        select(CheckIn.day, func.count()).join(Badge, Badge.id == CheckIn.badge_id)
        .where(CheckIn.week_id == week.id, Badge.kind == BadgeKind.VISITOR.value)
        .group_by(CheckIn.day)).all())
    for day in week.days:
        start, end = _day_bounds(day)
        registered = db.session.scalar(select(func.count()).where(
            *live, Badge.created_at >= start, Badge.created_at < end))
        rows.append([format_date(day), registered, visitor_checkins.get(day, 0),
                     checkins.get(day, 0)])
        keys.append(day.isoformat())
    days = rows[1:]
    last_end = _day_bounds(week.end_date)[1]
    later = db.session.scalar(select(func.count()).where(*live, Badge.created_at >= last_end))
    if later:
        rows.append([_("After the week"), later, 0, 0])
        keys.append("after")
    rows.append([_("Total"), *(sum(r[i] for r in rows) for i in (1, 2, 3))])
    keys.append("total")
    return Table(
        "visitors_per_day", _("Visitors registered and checked in per day"),
        [_("Day"), _("Visitors registered"), _("Visitors checked in"), _("All check-ins")],
        rows, {1: COUNT, 2: COUNT, 3: COUNT},
        Chart([r[0] for r in days], [(_("Visitors registered"), [r[1] for r in days]),
                                     (_("Visitors checked in"), [r[2] for r in days])]),
        _("A badge is checked in at most once a day. \"All check-ins\" adds exhibitor staff, "
          "buyers and organiser staff."), has_total=True, row_keys=keys)


def _scans_per_day(week) -> Table:
    rows, keys = [], []
    for day in week.days:
        keys.append(day.isoformat())
        start, end = _day_bounds(day)
        scans, phones = db.session.execute(
            select(func.count(), func.count(func.distinct(BoothScan.visitor_key))).where(
                BoothScan.week_id == week.id, BoothScan.scanned_at >= start,
                BoothScan.scanned_at < end)).one()
        rows.append([format_date(day), scans, phones])
    total, phones = db.session.execute(
        select(func.count(), func.count(func.distinct(BoothScan.visitor_key)))
        .where(BoothScan.week_id == week.id)).one()
    outside = total - sum(r[1] for r in rows)
    chart_rows = list(rows)
    if outside:
        rows.append([_("Other days"), outside, None])
        keys.append("other")
    rows.append([_("Total"), total, phones])
    keys.append("total")
    return Table(
        "scans_per_day", _("Booth QR scans per day"), [_("Day"), _("Scans"), _("Phones")], rows,
        {1: COUNT, 2: COUNT},
        Chart([r[0] for r in chart_rows], [(_("Scans"), [r[1] for r in chart_rows])]),
        _("\"Phones\" counts different phones; the total counts each phone once over the week."),
        has_total=True, row_keys=keys)


def _top_booths(week) -> Table:
    rows = scan_counts(week)[:TOP_BOOTHS]
    codes = {booth.id: booth.code for booth in floorplan.week_booths(week)}
    holders = {codes[booth_id]: business.name
               for booth_id, business in booking.confirmed_exhibitors(week).items()}
    table_rows = [[code, holders.get(code, ""), scans, phones] for code, scans, phones in rows]
    return Table("top_booths", _("Most-scanned booths"),
                 [_("Booth"), _("Business"), _("Scans"), _("Phones")], table_rows,
                 {2: COUNT, 3: COUNT},
                 Chart([f"{r[0]} {r[1]}".strip() for r in table_rows],
                       [(_("Scans"), [r[2] for r in table_rows])]),
                 row_keys=[r[0] for r in table_rows])


def _leads(week) -> Table:
    counts = dict(db.session.execute(
        select(Lead.source, func.count()).where(Lead.week_id == week.id)
        .group_by(Lead.source)).all())
    businesses = db.session.scalar(select(func.count(func.distinct(Lead.business_id)))
                                   .where(Lead.week_id == week.id))
    return _count_table("leads", _("Leads by source"), _("Source"), _("Leads"),
                        [(s.value, s.title, counts.get(s.value, 0)) for s in LeadSource],
                        note=_("%(n)d exhibitors received leads.", n=businesses), total=True)


def _meetings_by_status(week) -> Table:
    counts = dict(db.session.execute(
        select(Meeting.status, func.count()).where(Meeting.week_id == week.id)
        .group_by(Meeting.status)).all())
    scheduled = db.session.scalar(select(func.count()).where(
        Meeting.week_id == week.id, Meeting.status == MeetingStatus.ACCEPTED.value,
        Meeting.slot_id.is_not(None)))
    return _count_table("meetings_by_status", _("B2B meetings by state"), _("State"),
                        _("Meetings"),
                        [(s.value, s.title, counts.get(s.value, 0)) for s in MeetingStatus],
                        note=_("%(n)d agreed meetings have a time and a table.", n=scheduled),
                        total=True)


def _meetings_by_outcome(week) -> Table:
    counts = dict(db.session.execute(
        select(Meeting.outcome, func.count()).where(
            Meeting.week_id == week.id, Meeting.status == MeetingStatus.ACCEPTED.value)
        .group_by(Meeting.outcome)).all())
    triples = [(o.value, o.title, counts.get(o.value, 0)) for o in MeetingOutcome]
    triples.append(("none", _("Not recorded yet"), counts.get("", 0)))
    return _count_table("meetings_by_outcome", _("B2B meetings by outcome"), _("Outcome"),
                        _("Meetings"), triples, note=_("Agreed meetings only."), total=True)


def _documents(week, kind: DocumentKind) -> Table:
    value = Document.expected_value_vnd if kind == DocumentKind.MOU else Document.total_vnd
    sums = {status: (n, total or 0) for status, n, total in db.session.execute(
        select(Document.status, func.count(), func.sum(value))
        .where(Document.week_id == week.id, Document.kind == kind.value)
        .group_by(Document.status)).all()}
    rows = [[str(s.title), *sums.get(s.value, (0, 0))] for s in DocumentStatus]
    rows.append([_("Total"), sum(r[1] for r in rows), sum(r[2] for r in rows)])
    if kind == DocumentKind.MOU:
        key, title = "mous", _("MoUs by state")
        head = [_("State"), _("MoUs"), _("Expected value (VND)")]
    else:
        key, title = "contracts", _("Booth contracts by state")
        head = [_("State"), _("Contracts"), _("Value incl. VAT (VND)")]
    return Table(key, title, head, rows, {1: COUNT, 2: VND},
                 Chart([r[0] for r in rows[:-1]], [(head[1], [r[1] for r in rows[:-1]])]),
                 has_total=True, row_keys=[*(s.value for s in DocumentStatus), "total"])


def _payments(week, today: date) -> Table:
    """The ledger's rows grouped by state, with what is due, paid, outstanding and overdue."""
    groups: dict[str, list] = {}
    for row in ledger.ledger(week, today):
        groups.setdefault(row.state, []).append(row)
    states = (ledger.OVERDUE, ledger.DUE, ledger.PARTLY_PAID, ledger.PAID, ledger.NOTHING_DUE)
    rows = []
    for state in states:
        members = groups.get(state, [])
        rows.append([str(ledger.state_title(state)), len(members),
                     sum(r.total_due for r in members), sum(r.paid for r in members),
                     sum(r.outstanding for r in members), sum(r.overdue_amount for r in members)])
    rows.append([_("Total"), *(sum(r[i] for r in rows) for i in range(1, 6))])
    total = rows[-1]
    return Table(
        "payments", _("Payments due and overdue"),
        [_("State"), _("Number of exhibitors"), _("Due (VND)"), _("Paid (VND)"),
         _("Outstanding (VND)"), _("Overdue (VND)")], rows,
        {1: COUNT, 2: VND, 3: VND, 4: VND, 5: VND},
        Chart([_("Amount due"), _("Amount paid"), _("Amount outstanding"), _("Amount overdue")],
              [(_("Amount (VND)"), total[2:6])], money=True),
        _("Read on %(date)s. Amounts due come from each exhibitor's live contract.",
          date=format_date(today)), has_total=True, row_keys=[*states, "total"])


# -- several weeks -----------------------------------------------------------------------------

MAX_COMPARED = 6
#: the headlines drawn side by side in the comparison chart
COMPARED_IN_CHART = ("exhibitors", "products", "ocop_products", "visitors", "leads", "meetings")


@dataclass
class Comparison:
    reports: list[WeekReport]
    #: (headline key, title, kind, [value per week])
    rows: list[tuple[str, str, str, list]]
    chart: Chart


def compare(weeks: list, *, now: datetime | None = None) -> Comparison:
    """The headline figures of several weeks side by side, in the order given."""
    reports = [week_report(week, now=now) for week in weeks]
    first = reports[0].headlines if reports else []
    rows = [(h.key, h.title, h.kind, [r.headline(h.key).value for r in reports]) for h in first]
    wanted = [row for row in rows if row[0] in COMPARED_IN_CHART]
    chart = Chart([title for _key, title, _kind, _values in wanted],
                  [(r.week.name(r.lang), [values[i] for *_rest, values in wanted])
                   for i, r in enumerate(reports)])
    return Comparison(reports, rows, chart)
