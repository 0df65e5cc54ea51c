"""A week's records as spreadsheets for the organiser: exhibitors, products, allocations,
visitors, leads, meetings, documents and payments, each as CSV (UTF-8 with BOM) or XLSX, both
safe against formula injection (core.spreadsheets)."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from exhibit.b2b import services as b2b
from exhibit.badges.models import Badge, BadgeKind, CheckIn
from exhibit.booking import queries as booking
from exhibit.booking.models import AllocationStatus
from exhibit.catalogue.models import ListingStatus, ProductListing
from exhibit.core.errors import NotFound
from exhibit.core.spreadsheets import CSV_TYPE, XLSX_TYPE, csv_bytes, xlsx_bytes
from exhibit.documents import services as documents
from exhibit.documents.models import Document, DocumentKind, DocumentStatus, Payment
from exhibit.extensions import db
from exhibit.visitors import leads as lead_files
from exhibit.visitors.models import Lead
from exhibit.vn.dates import format_date, format_moment, to_vietnam_time
from exhibit.vn.phones import format_phone

FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Export:
    name: str
    title: object  # a lazy string
    rows: Callable  # (week, lang) -> (headers, rows, money column indexes)


def _exhibitors(week, lang):
    applications = booking.week_applications(week)
    booths = booking.confirmed_booth_codes(week)
    products = Counter(db.session.scalars(select(ProductListing.business_id).where(
        ProductListing.week_id == week.id,
        ProductListing.status == ListingStatus.APPROVED.value)))
    contracts = {d.business_id: d for d in documents.week_documents(week, DocumentKind.CONTRACT.value)
                 if d.status != DocumentStatus.CANCELLED.value}
    headers = [_("Business"), _("Legal form"), _("Tax code"), _("Province"), _("Address"),
               _("Representative"), _("Position"), _("Phone"), _("Email"), _("Application"),
               _("Booths"), _("Approved products"), _("Contract"), _("Contract status"),
               _("Contract value (VND)")]
    rows = []
    for application in applications:
        business = application.business
        contract = contracts.get(business.id)
        rows.append([business.name, business.legal_form_enum.title, business.tax_code,
                     business.province_name(lang), business.address, business.representative,
                     business.representative_position, business.phone_display, business.email,
                     application.status_enum.title, ", ".join(booths.get(business.id, [])),
                     products[business.id], contract.number if contract else "",
                     contract.status_enum.title if contract else "",
                     contract.total_vnd if contract else 0])
    return headers, rows, [14]


def _products(week, lang):
    """The catalogue's own export: its columns are the import's, so the file goes back in."""
    from exhibit.catalogue.transfer import MONEY_COLUMNS, export_rows
    headers, rows = export_rows(week)
    return headers, rows, MONEY_COLUMNS


def _allocations(week, lang):
    allocations = sorted(booking.week_allocations(week, live_only=False),
                         key=lambda a: (a.created_at, a.id))  # in the order they were made
    headers = [_("Booth"), _("Hall"), _("Area (m²)"), _("Price (VND)"), _("Business"),
               _("Tax code"), _("Status"), _("Created"), _("Hold expires"), _("Confirmed"),
               _("Ended"), _("Reason")]
    rows = [[a.booth.code, a.booth.hall.name, a.booth.area_m2, a.booth.price_vnd, a.business.name,
             a.business.tax_code, booking.shown_status(a).title, format_moment(a.created_at),
             format_moment(a.expires_at) if a.status == AllocationStatus.HELD.value else "",
             format_moment(a.confirmed_at), format_moment(a.ended_at), a.end_reason] for a in allocations]
    return headers, rows, [3]


def _visitors(week, lang):
    badges = db.session.scalars(
        select(Badge).where(Badge.week_id == week.id, Badge.kind == BadgeKind.VISITOR.value)
        .order_by(Badge.created_at, Badge.id)).all()
    days = defaultdict(list)
    for badge_id, day in db.session.execute(
            select(CheckIn.badge_id, CheckIn.day).where(CheckIn.week_id == week.id)
            .order_by(CheckIn.day)):
        days[badge_id].append(format_date(day))
    headers = [_("Name"), _("Phone"), _("Email"), _("Organisation"), _("Registered"),
               _("Days checked in"), _("Check-ins"), _("Revoked")]
    rows = [[b.full_name, format_phone(b.phone), b.email, b.organisation, format_moment(b.created_at),
             ", ".join(days[b.id]), len(days[b.id]), format_moment(b.revoked_at)] for b in badges]
    return headers, rows, []


def _leads(week, lang):
    leads = db.session.scalars(
        select(Lead).where(Lead.week_id == week.id)
        .options(joinedload(Lead.booth), joinedload(Lead.week), joinedload(Lead.business))
        .order_by(Lead.created_at, Lead.id)).all()
    headers = [_("Exhibitor"), *lead_files.headers()]
    rows = [[lead.business.name, *row] for lead, row in zip(leads, lead_files.rows(leads, lang))]
    return headers, rows, []


def _meetings(week, lang):
    headers = [_("Buyer"), _("Supplier"), _("State"), _("Asked by"), _("Day"), _("Time"),
               _("Table"), _("Outcome"), _("Outcome notes"), _("Requested")]
    asked_by = {"buyer": _("Buyer"), "supplier": _("Supplier"), "organiser": _("Organiser")}
    rows = []
    for m in b2b.week_meetings(week):
        start = to_vietnam_time(m.slot.starts_at) if m.slot else None
        end = to_vietnam_time(m.slot.ends_at) if m.slot else None
        rows.append([m.buyer.business.name, m.supplier.name, m.status_enum.title,
                     str(asked_by.get(m.requested_by, m.requested_by)),
                     format_date(start.date()) if start else "",
                     f"{start:%H:%M}–{end:%H:%M}" if start else "",
                     m.table.label if m.table else "",
                     m.outcome_enum.title if m.outcome_enum else "", m.outcome_notes,
                     format_moment(m.created_at)])
    return headers, rows, []


def _documents(week, lang):
    headers = [_("Number"), _("Kind"), _("State"), _("Version"), _("Party A"), _("Party B"),
               _("Date"), _("Value (VND)"), _("Issued"), _("Signed"), _("Cancelled"),
               _("Reason")]
    rows = [[d.number, d.kind_enum.title, d.status_enum.title, d.version,
             d.party_a.get("name", ""), d.party_b.get("name", ""), format_date(d.dated_on),
             d.total_vnd if d.kind == DocumentKind.CONTRACT.value else d.expected_value_vnd,
             format_moment(d.issued_at), format_moment(d.signed_at), format_moment(d.cancelled_at), d.cancel_reason]
            for d in documents.week_documents(week)]
    return headers, rows, [7]


def _payments(week, lang):
    payments = db.session.scalars(
        select(Payment).where(Payment.week_id == week.id)
        .options(joinedload(Payment.business))
        .order_by(Payment.paid_on, Payment.id)).all()
    booths = booking.booth_codes_by_allocation(week)
    numbers = dict(db.session.execute(select(Document.id, Document.number).where(
        Document.week_id == week.id)).all())
    headers = [_("Business"), _("Tax code"), _("Kind"), _("Amount (VND)"), _("Paid on"),
               _("Transfer reference"), _("Booth"), _("Contract"), _("Note"), _("Recorded")]
    rows = [[p.business.name, p.business.tax_code, p.kind_enum.title, p.signed_amount,
             format_date(p.paid_on), p.reference,
             booths.get(p.allocation_id, ""),
             numbers.get(p.document_id, "") if p.document_id else "", p.note,
             format_moment(p.created_at)] for p in payments]
    return headers, rows, [3]


EXPORTS = {e.name: e for e in (
    Export("exhibitors", _l("Exhibitors"), _exhibitors),
    Export("products", _l("Products"), _products),
    Export("allocations", _l("Booth allocations"), _allocations),
    Export("visitors", _l("Visitors"), _visitors),
    Export("leads", _l("Leads"), _leads),
    Export("meetings", _l("B2B meetings"), _meetings),
    Export("documents", _l("Contracts and MoUs"), _documents),
    Export("payments", _l("Payments"), _payments),
)}


def export(week, name: str, fmt: str, lang: str = "vi") -> tuple[bytes, str]:
    """One of EXPORTS as CSV or XLSX: (content, MIME type)."""
    found = EXPORTS.get(name)
    if found is None or fmt not in FORMATS:
        raise NotFound(_("There is no such export."))
    headers, rows, money = found.rows(week, lang)
    if fmt == "csv":
        return csv_bytes(headers, rows), CSV_TYPE
    title = str(found.title)
    return xlsx_bytes([(title, headers, rows)], {title: money}), XLSX_TYPE
