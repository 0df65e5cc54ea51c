"""Leads as files: the same (headers, rows) written as CSV (UTF-8 with BOM) or XLSX, both safe
against formula injection (core.spreadsheets)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from exhibit.core.spreadsheets import CSV_TYPE, XLSX_TYPE, csv_bytes, xlsx_bytes
from exhibit.extensions import db
from exhibit.visitors.models import Lead
from exhibit.visitors.services import business_leads
from exhibit.vn.dates import format_moment
from exhibit.vn.phones import format_phone
from exhibit.weeks.models import ExhibitionWeek

def lead_weeks(business_id: int) -> list[ExhibitionWeek]:
    """Weeks at which the business has leads, newest first."""
    return list(db.session.scalars(
        select(ExhibitionWeek).where(ExhibitionWeek.id.in_(
            select(Lead.week_id).where(Lead.business_id == business_id)))
        .order_by(ExhibitionWeek.start_date.desc())))


def headers() -> list[str]:
    return [_("Received"), _("Week"), _("Booth"), _("Source"), _("Name"), _("Phone"),
            _("Email"), _("Organisation"), _("Message"), _("Rating"), _("Tags"), _("Notes"),
            _("Consent")]


def rows(leads: list[Lead], lang: str = "vi"):
    for lead in leads:
        yield [format_moment(lead.created_at),
               lead.week.name(lang), lead.booth.code if lead.booth else "",
               lead.source_enum.title, lead.full_name, format_phone(lead.phone), lead.email,
               lead.organisation, lead.message, lead.rating, lead.tags, lead.notes,
               format_moment(lead.consent_at)]


def export(business_id: int, week_id: int | None, fmt: str, lang: str = "vi"
           ) -> tuple[bytes, str]:
    leads = business_leads(business_id, week_id)
    if fmt == "csv":
        return csv_bytes(headers(), rows(leads, lang)), CSV_TYPE
    return xlsx_bytes([(_("Contacts"), headers(), list(rows(leads, lang)))]), XLSX_TYPE
