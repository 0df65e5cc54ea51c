"""A week's records as spreadsheets for the organiser: exhibitors, products, allocations,
visitors, leads, meetings, documents and payments, each as CSV (UTF-8 with BOM) or XLSX, both
safe against formula injection and streamed (core.spreadsheets).

Each export is its headers and a generator of rows. The generator runs while the file is being
sent — for a CSV after the view has returned, with the request's context but a new database
session — so it starts from the week's id and never from an object of the view's session. The
exports whose rows grow with the crowd (visitors, leads) and the catalogue read plain columns
from the database in batches (core.spreadsheets.streamed), so no row
outlives its line of the file; the others have a row per booth, business or contract of the
week (a few thousand at the largest fair) and are read as the desk reads them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import joinedload

from exhibit.b2b import services as b2b
from exhibit.badges.models import Badge, BadgeKind, CheckIn
from exhibit.booking import queries as booking
from exhibit.booking.models import AllocationStatus
from exhibit.businesses.models import Business
from exhibit.catalogue.models import ListingStatus, ProductListing
from exhibit.core.errors import NotFound
from exhibit.core.spreadsheets import (CSV_TYPE, XLSX_TYPE, Sheet, csv_stream, streamed,
                                       xlsx_stream)
from exhibit.documents import invoicing
from exhibit.documents import services as documents
from exhibit.documents.models import Document, DocumentKind, DocumentStatus, Payment
from exhibit.extensions import db
from exhibit.visitors import leads as lead_files
from exhibit.visitors.models import Lead
from exhibit.vn.dates import format_date, to_vietnam_time
from exhibit.weeks.models import ExhibitionWeek

FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Export:
    name: str
    title: object  # a lazy string
    headers: Callable  # () -> [column title]
    rows: Callable  # (week, lang) -> rows, a generator
    money: tuple = ()  # 0-based indexes of the đồng columns


def _exhibitor_headers():
    return [_("Business"), _("Legal form"), _("Tax code"), _("Province"), _("Address"),
            _("Representative"), _("Position"), _("Phone"), _("Email"), _("Application"),
            _("Booths"), _("Approved products"), _("Contract"), _("Contract status"),
            _("Contract value (VND)")]


def _exhibitors(week, lang):
    booths = booking.confirmed_booth_codes(week)
    products = dict(db.session.execute(
        select(ProductListing.business_id, func.count()).where(
            ProductListing.week_id == week.id,
            ProductListing.status == ListingStatus.APPROVED.value)
        .group_by(ProductListing.business_id)).all())
    contracts = {d.business_id: d for d in documents.week_documents(week, DocumentKind.CONTRACT.value)
                 if d.status != DocumentStatus.CANCELLED.value}
    for application in booking.week_applications(week):
        business = application.business
        contract = contracts.get(business.id)
        yield [business.name, business.legal_form_enum.title, business.tax_code,
               business.province_name(lang), business.address, business.representative,
               business.representative_position, business.phone_display, business.email,
               application.status_enum.title, ", ".join(booths.get(business.id, [])),
               products.get(business.id, 0), contract.number if contract else "",
               contract.status_enum.title if contract else "",
               contract.total_vnd if contract else 0]


def _product_headers():
    from exhibit.catalogue.transfer import export_headers
    return export_headers()


def _products(week, lang):
    """The catalogue's own export: its columns are the import's, so the file goes back in."""
    from exhibit.catalogue.transfer import export_rows
    return export_rows(week)


def _allocation_headers():
    return [_("Booth"), _("Hall"), _("Area (m²)"), _("Price (VND)"), _("Business"),
            _("Tax code"), _("Status"), _("Created"), _("Hold expires"), _("Confirmed"),
            _("Ended"), _("Reason")]


def _allocations(week, lang):
    allocations = sorted(booking.week_allocations(week, live_only=False),
                         key=lambda a: (a.created_at, a.id))  # in the order they were made
    for a in allocations:
        yield [a.booth.code, a.booth.hall.name, a.booth.area_m2, a.booth.price_vnd,
               a.business.name, a.business.tax_code, booking.shown_status(a).title, a.created_at,
               a.expires_at if a.status == AllocationStatus.HELD.value else None,
               a.confirmed_at, a.ended_at, a.end_reason]


def _visitor_headers():
    return [_("Name"), _("Phone"), _("Email"), _("Organisation"), _("Registered"),
            _("Days checked in"), _("Check-ins"), _("Revoked")]


def _visitors(week, lang):
    """One line per visitor badge, in the order they were made, with the days it was checked in
    (joined already grouped by badge: a line per badge, not per check-in)."""
    checkins = (select(CheckIn.badge_id, func.count().label("checkins"),
                       func.aggregate_strings(cast(CheckIn.day, String), ",").label("days"))
                .where(CheckIn.week_id == week.id).group_by(CheckIn.badge_id).subquery())
    query = (select(Badge.full_name, Badge.phone, Badge.email, Badge.organisation,
                    Badge.created_at, Badge.revoked_at, checkins.c.checkins, checkins.c.days)
             .outerjoin(checkins, checkins.c.badge_id == Badge.id)
             .where(Badge.week_id == week.id, Badge.kind == BadgeKind.VISITOR.value)
             .order_by(Badge.created_at, Badge.id))
    # the days come as ISO dates ("2026-12-05") in any order; a week has few days, so few
    # sets of them: each is written out once
    shown_days: dict[str | None, tuple[str, int]] = {None: ("", 0)}
    for badge in streamed(query):
        days = shown_days.get(badge.days)
        if days is None:
            days = shown_days[badge.days] = _days_checked_in(badge.days)
        yield [badge.full_name, lead_files.shown_phone(badge.phone), badge.email,
               badge.organisation, badge.created_at, days[0], days[1], badge.revoked_at]


def _days_checked_in(iso_days: str) -> tuple[str, int]:
    """"2026-12-06,2026-12-05" → ("05/12/2026, 06/12/2026", 2)."""
    days = sorted(iso_days.split(","))
    return ", ".join(format_date(date.fromisoformat(day)) for day in days), len(days)


def _lead_headers():
    return [_("Exhibitor"), *lead_files.headers()]


def _leads(week, lang):
    query = (lead_files.lead_columns(Business.name.label("business_name"))
             .join(Business, Business.id == Lead.business_id)
             .where(Lead.week_id == week.id).order_by(Lead.created_at, Lead.id))
    names = {week.id: week.name(lang)}
    for lead, row in lead_files.rows(streamed(query), names):
        yield [lead.business_name, *row]


def _meeting_headers():
    return [_("Buyer"), _("Supplier"), _("State"), _("Asked by"), _("Day"), _("Time"),
            _("Table"), _("Outcome"), _("Outcome notes"), _("Requested")]


def _meetings(week, lang):
    asked_by = {"buyer": _("Buyer"), "supplier": _("Supplier"), "organiser": _("Organiser")}
    for m in b2b.week_meetings(week):
        start = to_vietnam_time(m.slot.starts_at) if m.slot else None
        end = to_vietnam_time(m.slot.ends_at) if m.slot else None
        yield [m.buyer.business.name, m.supplier.name, m.status_enum.title,
               str(asked_by.get(m.requested_by, m.requested_by)),
               start.date() if start else None,
               f"{start:%H:%M}–{end:%H:%M}" if start else "",
               m.table.label if m.table else "",
               m.outcome_enum.title if m.outcome_enum else "", m.outcome_notes, m.created_at]


def _document_headers():
    return [_("Number"), _("Kind"), _("State"), _("Version"), _("Party A"), _("Party B"),
            _("Date"), _("Value (VND)"), _("Issued"), _("Signed"), _("Cancelled"), _("Reason")]


def _documents(week, lang):
    for d in documents.week_documents(week):
        yield [d.number, d.kind_enum.title, d.status_enum.title, d.version,
               d.party_a.get("name", ""), d.party_b.get("name", ""), d.dated_on,
               d.total_vnd if d.kind == DocumentKind.CONTRACT.value else d.expected_value_vnd,
               d.issued_at, d.signed_at, d.cancelled_at, d.cancel_reason]


def _payment_headers():
    return [_("Business"), _("Tax code"), _("Kind"), _("Amount (VND)"), _("Paid on"),
            _("Transfer reference"), _("Booth"), _("Contract"), _("Note"), _("Recorded"),
            _("Invoice request"), _("Invoice no."), _("Symbol"), _("Lookup code")]


def _payments(week, lang):
    booths = booking.booth_codes_by_allocation(week)
    numbers = dict(db.session.execute(select(Document.id, Document.number).where(
        Document.week_id == week.id)).all())
    payments = db.session.scalars(
        select(Payment).where(Payment.week_id == week.id)
        .options(joinedload(Payment.business))
        .order_by(Payment.paid_on, Payment.id))
    for batch in _batches(payments, 500):
        # each payment's invoice request (the latest, a replacement over its original)
        invoices = invoicing.for_payments(p.id for p in batch)
        for p in batch:
            invoice = invoices.get(p.id)
            yield [p.business.name, p.business.tax_code, p.kind_enum.title, p.signed_amount,
                   p.paid_on, p.reference, booths.get(p.allocation_id, ""),
                   numbers.get(p.document_id, "") if p.document_id else "", p.note, p.created_at,
                   invoice.status_enum.title if invoice else "",
                   invoice.invoice_number if invoice else "",
                   invoice.invoice_symbol if invoice else "",
                   invoice.lookup_code if invoice else ""]


def _batches(rows, size: int):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


EXPORTS = {e.name: e for e in (
    Export("exhibitors", _l("Exhibitors"), _exhibitor_headers, _exhibitors, (14,)),
    Export("products", _l("Products"), _product_headers, _products, None),
    Export("allocations", _l("Booth allocations"), _allocation_headers, _allocations, (3,)),
    Export("visitors", _l("Visitors"), _visitor_headers, _visitors),
    Export("leads", _l("Leads"), _lead_headers, _leads),
    Export("meetings", _l("B2B meetings"), _meeting_headers, _meetings),
    Export("documents", _l("Contracts and MoUs"), _document_headers, _documents, (7,)),
    Export("payments", _l("Payments"), _payment_headers, _payments, (3,)),
)}


def export(week, name: str, fmt: str, lang: str = "vi"):
    """One of EXPORTS as CSV or XLSX: (content to stream, MIME type). A CSV is produced while
    it is sent; an XLSX is written to a temporary file first (a zip is finished before it can
    be read) and sent from there."""
    found = EXPORTS.get(name)
    if found is None or fmt not in FORMATS:
        raise NotFound(_("There is no such export."))
    headers = found.headers()
    rows = _rows(found, week.id, lang)
    if fmt == "csv":
        return csv_stream(headers, rows), CSV_TYPE
    money = found.money
    if money is None:  # the catalogue's
        from exhibit.catalogue.transfer import MONEY_COLUMNS as money
    return xlsx_stream([Sheet(str(found.title), headers, rows, money)]), XLSX_TYPE


def _rows(found: Export, week_id: int, lang: str):
    """The export's rows, starting from the week as the session of the moment has it."""
    week = db.session.get(ExhibitionWeek, week_id)
    yield from found.rows(week, lang)
