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
from flask_babel import pgettext
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from exhibit.b2b.models import Buyer, Meeting, MeetingOutcome, MeetingStatus
from exhibit.badges.models import Badge, BadgeKind, CheckIn
from exhibit.booking import queries as booking
from exhibit.booking.models import ApplicationStatus
from exhibit.businesses.models import Business, LegalForm
from exhibit.catalogue import ocop
from exhibit.catalogue.models import ListingStatus, Product, ProductListing
from exhibit.core.db import utcnow
from exhibit.documents import invoicing
from exhibit.documents import payments as ledger
from exhibit.documents.models import Document, DocumentKind, DocumentStatus
from exhibit.extensions import db
from exhibit.floorplan.models import Booth, BoothCluster
from exhibit.reports import cache
from exhibit.scanning.zones import visits_by_zone
from exhibit.visitors.models import BoothScan, Lead, LeadSource
from exhibit.vn import provinces
from exhibit.vn.dates import VIETNAM_TZ, format_date, vietnam_today

#: the kinds of value a cell or headline holds, which decide how it is shown
COUNT, VND, PERCENT = "count", "vnd", "percent"
TOP_BOOTHS = 10
#: certificate problems listed on the dashboard and in the PDF (a fair has hundreds)
CERTIFICATES_SHOWN = 25
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
    #: at most this many rows on the dashboard and in the PDF (a long list; the workbook has
    #: every row)
    shown: int | None = None

    @property
    def shown_rows(self) -> list[list]:
        return self.rows if self.shown is None else self.rows[:self.shown]

    @property
    def rows_left_out(self) -> int:
        return len(self.rows) - len(self.shown_rows)

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
    #: the figures came from the cache of a past week (so may its files: reports/files.py)
    kept: bool = False

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
    """Every figure of the week, in the current interface language. A week that has ended is
    computed once and kept until a change to it is announced (reports/cache.py); a week still
    running is kept at most cache.LIVE_SECONDS (its scans and check-ins show that late, with
    the time the figures were compiled); ``today`` or ``now`` given (a report as of another
    moment) always computes."""
    lang = _lang()
    if today is None and now is None:
        now = utcnow()
        today = vietnam_today(now)
        if cache.is_history(week, today):
            # today is in the key: what is overdue can change with the date alone
            generated_at, headlines, tables = cache.remembered(
                week.id, f"figures:{lang}:{today.isoformat()}",
                lambda: _figures(week, now, today, lang))
            return WeekReport(week, lang, generated_at, today, headlines, tables, kept=True)
        # a week still to come or running: several organisers looking within LIVE_SECONDS
        # share one computation; any audited change or announced event makes a new key
        generated_at, headlines, tables = cache.remembered(
            week.id, f"live-figures:{lang}:{today.isoformat()}:{cache.live_window()}",
            lambda: _figures(week, now, today, lang), seconds=cache.LIVE_SECONDS)
        return WeekReport(week, lang, generated_at, today, headlines, tables)
    now = now or utcnow()
    today = today or vietnam_today(now)
    generated_at, headlines, tables = _figures(week, now, today, lang)
    return WeekReport(week, lang, generated_at, today, headlines, tables)


def _figures(week, now: datetime, today: date, lang: str) -> tuple[datetime, list, list]:
    """(when, headlines, tables): plain values, which a cache can keep apart from the week."""
    states = booking.booth_states(week, now)
    exhibitors = _exhibitors(week)
    tables = [
        _booths(states),
        _applications(week),
        _by_province(exhibitors, lang),
        _by_legal_form(exhibitors),
        *_products(week, lang),
        _certificates(week),
        _visitors_per_day(week),
        _visits_by_zone(week),
        _scans_per_day(week),
        _top_booths(week, states),
        *_clusters(week, states),
        _leads(week),
        _meetings_by_status(week),
        _meetings_by_outcome(week),
        _meetings_by_attendance(week),
        *_meetings_by_buyer_and_province(week, lang),
        _documents(week, DocumentKind.MOU),
        _documents(week, DocumentKind.CONTRACT),
        _payments(week, today),
        _money_flow(week),
    ]
    report = WeekReport(week, lang, now, today, [], tables)
    return now, _headlines(report, sum(exhibitors.values())), tables


def _exhibitors(week) -> Counter:
    """The businesses taking part — those with a confirmed booth at the week — counted by
    (province scheme, province code, legal form) in one grouped query."""
    taking_part = booking.exhibiting(week).scalar_subquery()
    rows = db.session.execute(
        select(Business.province_scheme, Business.province_code, Business.legal_form, func.count())
        .where(Business.id.in_(taking_part))
        .group_by(Business.province_scheme, Business.province_code, Business.legal_form))
    return Counter({(scheme, code, form): n for scheme, code, form, n in rows})


def _headlines(report: WeekReport, exhibitors: int) -> list[Headline]:
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
        Headline("exhibitors", _("Businesses taking part"), exhibitors),
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
        Headline("meetings_held", _("B2B meetings held"),
                 report.table("meetings_by_attendance").value("held")),
        Headline("no_shows", _("B2B no-shows"),
                 report.table("meetings_by_attendance").value("no_show")),
        Headline("mous_signed", _("MoUs signed"), signed_mous[1]),
        Headline("mou_value", _("Expected value of signed MoUs"), signed_mous[2], VND),
        Headline("contract_value", _("Booth contracts (value)"), payments[2], VND),
        Headline("overdue", _("Payments overdue"), payments[5], VND),
        Headline("received", _("Payments received"), report.table("money_flow").value("received", 2),
                 VND, detail=_("%(n)d payments", n=report.table("money_flow").value("received"))),
        Headline("invoiced", _("E-invoices issued"), report.table("money_flow").value("invoiced"),
                 detail=_("%(n)d waiting", n=report.table("money_flow").value("to_invoice"))),
        Headline("subsidised_booths", _("Subsidised booths"),
                 report.table("money_flow").value("subsidised")),
    ]


def _booths(states: dict) -> Table:
    counts = booking.status_counts(states)
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


def _by_province(exhibitors: Counter, lang: str) -> Table:
    counts = Counter()
    for (scheme, code, _form), n in exhibitors.items():
        counts[scheme, code] += n
    names = {key: provinces.display_name(*key, lang=lang) for key in counts}
    triples = sorted(((f"{scheme}:{code}", names[scheme, code], n)
                      for (scheme, code), n in counts.items()), key=lambda t: (-t[2], t[1]))
    return _count_table("provinces", _("Businesses by province"), _("Province"),
                        _("Businesses"), triples, total=True,
                        note=_("Businesses with a confirmed booth, by the province they "
                               "registered with."))


def _by_legal_form(exhibitors: Counter) -> Table:
    counts = Counter()
    for (_scheme, _code, form), n in exhibitors.items():
        counts[form] += n
    triples = [(form.value, form.title, counts[form.value]) for form in LegalForm
               if counts[form.value]]
    return _count_table("legal_forms", _("Businesses by legal form"), _("Legal form"),
                        _("Businesses"), triples, total=True)


def _products(week, lang: str) -> list[Table]:
    """Approved products by OCOP group and by the stars shown at this week (a star counts only
    where the certificate covers every day of the week)."""
    rows = db.session.execute(
        select(Product.ocop_scheme, ProductListing.ocop_group, ProductListing.shown_stars,
               func.count())
        .join(Product, Product.id == ProductListing.product_id)
        .where(ProductListing.week_id == week.id,
               ProductListing.status == ListingStatus.APPROVED.value)
        .group_by(Product.ocop_scheme, ProductListing.ocop_group,
                  ProductListing.shown_stars)).all()
    no_star = _("No OCOP star shown")
    star_titles = {n: _("%(n)d stars", n=n) for n in STAR_LEVELS}
    by_group: dict[str, Counter] = {}
    names: dict[str, str] = {}
    for scheme, group_code, stars, n in rows:
        group = ocop.group(scheme, group_code) if scheme and group_code else None
        # QĐ 148 kept QĐ 1048's codes for the groups both have, so one code is one group
        key = group_code if group else "none"
        names[key] = group.title(lang) if group else str(_("No OCOP group"))
        by_group.setdefault(key, Counter())[stars if stars in STAR_LEVELS else 0] += n
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
    stars = Counter()
    for _scheme, _group, shown, n in rows:
        stars[shown if shown in STAR_LEVELS else 0] += n
    triples = [("0", no_star, stars[0]), *((str(n), star_titles[n], stars[n]) for n in STAR_LEVELS)]
    by_stars_table = _count_table(
        "products_by_stars", _("Products by OCOP stars"), _("Stars"), _("Products"), triples,
        note=_("Approved products. Stars count only where the certificate covers every day of "
               "the week."), total=True)
    return [by_group_table, by_stars_table]


def _certificates(week) -> Table:
    """Listed products (awaiting review or approved) whose OCOP certificate runs out before or
    during the week: the organiser asks for the renewal decision. Only products decided long
    enough ago to have run out are read (a certificate lasts ocop.VALIDITY_MONTHS; the margin
    covers a month's last days), then checked by the catalogue's own rule."""
    latest = ocop.add_months(week.end_date, -ocop.VALIDITY_MONTHS) + timedelta(days=3)
    candidates = db.session.execute(
        select(Business.name, Product.name, Product.stars, Product.cert_decision_date)
        .select_from(ProductListing)
        .join(Product, Product.id == ProductListing.product_id)
        .join(Business, Business.id == ProductListing.business_id)
        .where(ProductListing.week_id == week.id,
               ProductListing.status != ListingStatus.REJECTED.value,
               Product.cert_decision_date <= latest)).all()
    titles = {ocop.EXPIRED: _("Expired before the week"),
              ocop.EXPIRES_DURING: _("Expires during the week")}
    rows = []
    for business, product, stars, decided in candidates:
        check = ocop.check_certificate(stars, decided, week.start_date, week.end_date)
        if check.status in titles:
            rows.append([business, product, stars, format_date(check.valid_until),
                         str(titles[check.status])])
    rows.sort(key=lambda r: (r[4], r[0], r[1]))
    return Table("certificates", _("OCOP certificates expiring before or during the week"),
                 [_("Business"), _("Product"), _("Stars"), _("Valid until"), _("Status")],
                 rows, {2: COUNT}, shown=CERTIFICATES_SHOWN)


def _day_of(column, days: list[date]):
    """A SQL expression: the index in ``days`` of the Vietnam day a UTC ``column`` falls on,
    -1 before the first and len(days) after the last — so a per-day series is one grouped
    query, on any database."""
    starts = [_day_bounds(day)[0] for day in days] + [_day_bounds(days[-1])[1]]
    return case((column < starts[0], -1),
                *((column < starts[i + 1], i) for i in range(len(days))), else_=len(days))


def _visitors_per_day(week) -> Table:
    """Visitor registrations by the Vietnam day they were made (earlier ones on the first row)
    and check-ins at the entrance per day of the week."""
    live = (Badge.week_id == week.id, Badge.kind == BadgeKind.VISITOR.value,
            Badge.revoked_at.is_(None))
    days = list(week.days)
    day = _day_of(Badge.created_at, days).label("day")
    registered = dict(db.session.execute(
        select(day, func.count()).where(*live).group_by(day)).all())
    checkins = dict(db.session.execute(
        select(CheckIn.day, func.count()).where(CheckIn.week_id == week.id)
        .group_by(CheckIn.day)).all())
    # visitors are nearly every badge: count the few others' check-ins and take them away
    others = select(Badge.id).where(Badge.week_id == week.id,
                                    Badge.kind != BadgeKind.VISITOR.value)
    other_checkins = dict(db.session.execute(
        select(CheckIn.day, func.count())
        .where(CheckIn.week_id == week.id, CheckIn.badge_id.in_(others))
        .group_by(CheckIn.day)).all())
    visitor_checkins = {day: n - other_checkins.get(day, 0) for day, n in checkins.items()}
    rows = [[_("Before the week"), registered.get(-1, 0), 0, 0]]
    keys = ["before"]
    for index, day in enumerate(days):
        rows.append([format_date(day), registered.get(index, 0), visitor_checkins.get(day, 0),
                     checkins.get(day, 0)])
        keys.append(day.isoformat())
    days = rows[1:]
    later = registered.get(len(week.days), 0)
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


def _visits_by_zone(week) -> Table:
    """Entries into each zone over the week (scanning.zones counts them: the exhibition hall
    from its check-ins, the other zones from who was let in) and the different people."""
    counted = visits_by_zone(week)
    rows = [[zone.zone.name, zone.visits, zone.people] for zone in counted]
    keys = ["default" if zone.zone.is_default else str(zone.zone.id) for zone in counted]
    return Table(
        "visits_by_zone", _("Visits per zone"), [_("Zone"), _("Visits"), _("People")], rows,
        {1: COUNT, 2: COUNT}, Chart([r[0] for r in rows], [(_("Visits"), [r[1] for r in rows])]),
        _("A visit is an entry into the zone; \"People\" counts each badge once. The exhibition "
          "hall counts one check-in per badge and day."), row_keys=keys)


def _scans_per_day(week) -> Table:
    days = list(week.days)
    of_week = BoothScan.week_id == week.id
    day = _day_of(BoothScan.scanned_at, days).label("day")
    # distinct phones as a count of grouped rows, which PostgreSQL hashes, where
    # count(distinct …) would sort every scan of the week
    keys = (select(day, BoothScan.visitor_key, func.count().label("scans")).where(of_week)
            .group_by(day, BoothScan.visitor_key).subquery())
    per_day = {index: (int(scans), phones) for index, scans, phones in db.session.execute(
        select(keys.c.day, func.sum(keys.c.scans), func.count()).group_by(keys.c.day))}
    rows, keys = [], []
    for index, day in enumerate(days):
        keys.append(day.isoformat())
        rows.append([format_date(day), *per_day.get(index, (0, 0))])
    total = sum(scans for scans, _phones in per_day.values())
    phones = db.session.scalar(select(func.count()).select_from(
        select(BoothScan.visitor_key).where(of_week).group_by(BoothScan.visitor_key).subquery()))
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


def _top_booths(week, states: dict) -> Table:
    """The most-scanned booths, counted and cut to TOP_BOOTHS by the database, then their
    distinct phones (for those booths only); the exhibitor named from the booth states the
    report has already read."""
    counts = (select(BoothScan.booth_id, func.count().label("scans"))
              .where(BoothScan.week_id == week.id).group_by(BoothScan.booth_id).subquery())
    top = db.session.execute(
        select(Booth.id, Booth.code, counts.c.scans)
        .join(counts, counts.c.booth_id == Booth.id)
        .order_by(counts.c.scans.desc(), Booth.code).limit(TOP_BOOTHS)).all()
    phones = dict(db.session.execute(
        select(BoothScan.booth_id, func.count(func.distinct(BoothScan.visitor_key)))
        .where(BoothScan.week_id == week.id, BoothScan.booth_id.in_([r.id for r in top]))
        .group_by(BoothScan.booth_id)).all()) if top else {}
    holders = {booth_id: state.allocation.business.name for booth_id, state in states.items()
               if state.status == booking.CONFIRMED and state.allocation is not None}
    rows = [(code, scans, phones.get(booth_id, 0), holders.get(booth_id, ""))
            for booth_id, code, scans in top]
    table_rows = [[code, holder, scans, phones] for code, scans, phones, holder in rows]
    return Table("top_booths", _("Most-scanned booths"),
                 [_("Booth"), _("Business"), _("Scans"), _("Phones")], table_rows,
                 {2: COUNT, 3: COUNT},
                 Chart([f"{r[0]} {r[1]}".strip() for r in table_rows],
                       [(_("Scans"), [r[2] for r in table_rows])]),
                 row_keys=[r[0] for r in table_rows])


def _clusters(week, states: dict) -> list[Table]:
    """Per booth cluster (a province's or delegation's block of booths): its booths on the
    published plan, how many are held or confirmed, the businesses holding them, and the
    visitors' QR scans and leads at them. No table for a week without clusters."""
    members = db.session.execute(
        select(BoothCluster.id, BoothCluster.name, Booth.id)
        .outerjoin(Booth, (Booth.cluster_id == BoothCluster.id) & Booth.retired_at.is_(None))
        .where(BoothCluster.week_id == week.id).order_by(BoothCluster.name, BoothCluster.id)).all()
    if not members:
        return []
    clusters: dict[int, tuple[str, list[int]]] = {}
    for cluster_id, name, booth_id in members:
        clusters.setdefault(cluster_id, (name, []))
        if booth_id is not None:
            clusters[cluster_id][1].append(booth_id)
    booth_ids = [b for _name, ids in clusters.values() for b in ids]
    scans = dict(db.session.execute(
        select(BoothScan.booth_id, func.count()).where(BoothScan.week_id == week.id,
                                                       BoothScan.booth_id.in_(booth_ids))
        .group_by(BoothScan.booth_id)).all()) if booth_ids else {}
    leads = dict(db.session.execute(
        select(Lead.booth_id, func.count()).where(Lead.week_id == week.id,
                                                  Lead.booth_id.in_(booth_ids))
        .group_by(Lead.booth_id)).all()) if booth_ids else {}
    rows, keys = [], []
    for cluster_id, (name, ids) in clusters.items():
        taken = [states[b] for b in ids if b in states
                 and states[b].status in (booking.HELD, booking.CONFIRMED)]
        businesses = {state.allocation.business_id for state in taken if state.allocation}
        rows.append([name, len(ids), len(taken), len(businesses),
                     sum(scans.get(b, 0) for b in ids), sum(leads.get(b, 0) for b in ids)])
        keys.append(str(cluster_id))
    return [Table(
        "clusters", _("Booth clusters"),
        [_("Cluster"), _("Booths"), _("Taken"), _("Businesses"), _("QR scans"), _("Leads")],
        rows, {1: COUNT, 2: COUNT, 3: COUNT, 4: COUNT, 5: COUNT},
        Chart([r[0] for r in rows], [(_("Booths"), [r[1] for r in rows]),
                                     (_("Taken"), [r[2] for r in rows])]),
        _("\"Taken\" counts booths held or confirmed; scans and leads are those at the "
          "cluster's booths."), row_keys=keys)]


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


def _meetings_by_attendance(week) -> Table:
    """Whether the scheduled meetings took place, as their two sides (or the table staff) said
    after the slot: held, a no-show, or nobody said yet. Walk-in pairs given a free table on the
    day count as held."""
    counts = dict(db.session.execute(
        select(Meeting.attendance, func.count()).where(
            Meeting.week_id == week.id, Meeting.status == MeetingStatus.ACCEPTED.value,
            Meeting.slot_id.is_not(None)).group_by(Meeting.attendance)).all())
    walk_ins = db.session.scalar(select(func.count()).where(
        Meeting.week_id == week.id, Meeting.walk_in.is_(True),
        Meeting.status == MeetingStatus.ACCEPTED.value))
    return _count_table("meetings_by_attendance", _("B2B meetings held"), _("Attendance"),
                        _("Meetings"),
                        [("held", _("Meeting held"), counts.get("held", 0)),
                         ("no_show", _("No-show"), counts.get("no_show", 0)),
                         ("unconfirmed", _("Not confirmed"), counts.get("", 0))],
                        note=_("Scheduled meetings; %(n)d walk-in meetings are counted as held.",
                               n=walk_ins), total=True)


#: the buyers listed on the dashboard and in the PDF (the workbook lists every one)
BUYERS_SHOWN = 20


def _meeting_columns():
    """A meeting's contribution to each column of the per-buyer and per-province tables:
    requested (every meeting asked for or paired, whatever became of it), scheduled (agreed,
    with a time and a table), held, no-shows, and the outcomes of agreed meetings."""
    accepted = Meeting.status == MeetingStatus.ACCEPTED.value
    scheduled = accepted & Meeting.slot_id.is_not(None)

    def count(condition):
        return func.sum(case((condition, 1), else_=0))
    return (func.count(Meeting.id), count(scheduled),
            count(scheduled & (Meeting.attendance == "held")),
            count(scheduled & (Meeting.attendance == "no_show")),
            count(accepted & (Meeting.outcome == MeetingOutcome.INTERESTED.value)),
            count(accepted & (Meeting.outcome == MeetingOutcome.SAMPLES.value)),
            count(accepted & (Meeting.outcome == MeetingOutcome.MOU.value)))


def _meeting_headers(first: str) -> list[str]:
    """("meetings": counts of meetings, not a booth held or a request's state)"""
    return [first, pgettext("meetings", "Requested"), pgettext("meetings", "Scheduled"),
            pgettext("meetings", "Held"), pgettext("meetings", "No-shows"), _("Interested"),
            _("Samples requested"), _("MoU to sign")]


def _meetings_by_buyer_and_province(week, lang: str) -> list[Table]:
    """Meetings per buyer (every buyer registered for the week, those with most meetings held
    first) and per province of the supplier — the exhibitor's business, by the province it
    registered with: where the week's producers come from, which is what a province's
    supply–demand session reports."""
    kinds = {c: COUNT for c in range(1, 8)}
    buyer_business = aliased(Business)
    per_buyer = db.session.execute(
        select(Buyer.id, buyer_business.name, *_meeting_columns())
        .join(buyer_business, buyer_business.id == Buyer.business_id)
        .outerjoin(Meeting, (Meeting.buyer_id == Buyer.id) & (Meeting.week_id == week.id))
        .where(Buyer.week_id == week.id)
        .group_by(Buyer.id, buyer_business.name)).all()
    per_buyer = sorted(per_buyer, key=lambda r: (-int(r[4] or 0), -int(r[2] or 0), r[1], r[0]))
    rows = [[name, *(int(v or 0) for v in values)] for _id, name, *values in per_buyer]
    keys = [str(buyer_id) for buyer_id, *_rest in per_buyer]
    rows.append([_("Total"), *(sum(r[c] for r in rows) for c in range(1, 8))])
    buyers = Table("meetings_by_buyer", _("B2B meetings per buyer"), _meeting_headers(_("Buyer")),
                   rows, kinds, note=_("Every buyer registered for the week. Requested: every "
                                       "meeting asked for, paired or generated, whatever became "
                                       "of it; scheduled: agreed, with a time and a table; "
                                       "outcomes of agreed meetings."),
                   has_total=True, row_keys=[*keys, "total"], shown=BUYERS_SHOWN)

    per_province = db.session.execute(
        select(Business.province_scheme, Business.province_code, *_meeting_columns())
        .join(Business, Business.id == Meeting.supplier_id)
        .where(Meeting.week_id == week.id)
        .group_by(Business.province_scheme, Business.province_code)).all()
    named = [(f"{scheme}:{code}", provinces.display_name(scheme, code, lang=lang),
              [int(v or 0) for v in values]) for scheme, code, *values in per_province]
    named.sort(key=lambda t: (-t[2][2], -t[2][0], t[1]))
    rows = [[name, *values] for _key, name, values in named]
    rows.append([_("Total"), *(sum(r[c] for r in rows) for c in range(1, 8))])
    chart = Chart([name for _key, name, _values in named],
                  [(pgettext("meetings", "Held"), [v[2] for _k, _n, v in named]),
                   (pgettext("meetings", "No-shows"), [v[3] for _k, _n, v in named])]
                  ) if named else None
    by_province = Table("meetings_by_province", _("B2B meetings per province"),
                        _meeting_headers(_("Province of the supplier")), rows, kinds, chart,
                        _("By the province the supplier (the exhibitor) registered with."),
                        has_total=True, row_keys=[*(k for k, _n, _v in named), "total"])
    return [buyers, by_province]


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
    totals = ledger.state_totals(week, today)
    states = (ledger.OVERDUE, ledger.DUE, ledger.PARTLY_PAID, ledger.PAID, ledger.NOTHING_DUE)
    rows = [[str(ledger.state_title(state)), *(int(value or 0) for value in (
        totals[state].businesses, totals[state].due, totals[state].paid,
        totals[state].outstanding, totals[state].overdue))] for state in states]
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


def _money_flow(week) -> Table:
    """What the contracts asked for, what came in (matched from bank credits or recorded by
    hand), what waits in review, what was invoiced, and the booths let at 0 đồng."""
    flow = invoicing.money_flow(week)
    rows = [
        ("requested", _("Payment requests"), flow.requested, flow.requested_vnd),
        ("received", _("Payments received"), flow.received, flow.received_vnd),
        ("matched", _("of which matched from bank credits"), flow.matched, flow.matched_vnd),
        ("by_hand", _("of which recorded by hand"), flow.received - flow.matched,
         flow.received_vnd - flow.matched_vnd),
        ("in_review", _("Bank credits in review"), flow.in_review, flow.in_review_vnd),
        ("to_invoice", _("Invoice requests waiting for their invoice"), flow.to_invoice,
         flow.to_invoice_vnd),
        ("invoiced", _("E-invoices issued"), flow.invoiced, flow.invoiced_vnd),
        ("subsidised", _("Subsidised booths (no invoice)"), flow.subsidised_booths,
         flow.subsidised_value_vnd),
    ]
    head = [_("Item"), _("Number"), _("Amount (VND)")]
    return Table(
        "money_flow", _("Requested, received and invoiced"), head,
        [[str(label), n, amount] for _key, label, n, amount in rows], {1: COUNT, 2: VND},
        Chart([str(label) for key, label, _n, _a in rows if key not in ("matched", "by_hand")],
              [(head[2], [a for key, _l, _n, a in rows if key not in ("matched", "by_hand")])],
              money=True),
        _("Subsidised booths are valued before VAT at the week's average rent per m² of the "
          "booths let for money (%(area)s m² in all); they ask for no invoice.",
          area=f"{flow.subsidised_area_m2:g}"),
        row_keys=[key for key, *_rest in rows])


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
