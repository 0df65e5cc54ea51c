"""Leads as files: the same (headers, rows) written as CSV (UTF-8 with BOM) or XLSX, both safe
against formula injection and streamed (core.spreadsheets): the rows are plain columns read
from the database in batches while the file is sent, so an exhibitor's thousands of contacts
are never held in memory at once."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from flask_babel import gettext as _
from sqlalchemy import select

from exhibit.core.spreadsheets import (CSV_TYPE, XLSX_TYPE, Sheet, csv_stream, streamed,
                                       xlsx_stream)
from exhibit.extensions import db
from exhibit.floorplan.models import Booth
from exhibit.visitors.models import Lead, LeadSource
from exhibit.vn.phones import format_phone
from exhibit.weeks.models import ExhibitionWeek


#: Vietnamese mobile numbers (+84 and 9 digits from 3, 5, 7, 8 or 9), the great majority of a
#: fair's phones, formatted without a full parse: phonenumbers takes ~0.2 ms a number, which
#: is most of the time of a 100,000-visitor export
_MOBILE = re.compile(r"\+84([35789]\d{2})(\d{3})(\d{3})")


def shown_phone(e164: str | None) -> str:
    """The phone as vn.phones.format_phone shows it ("0912 345 678"), mobiles the fast way."""
    found = _MOBILE.fullmatch(e164) if e164 else None
    if found:
        return "0{} {} {}".format(*found.groups())
    return format_phone(e164)


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


def lead_columns(*more):
    """A SELECT of the columns ``rows`` writes (and ``more``), the booth's code joined. A lead
    whose visitor withdrew their consent is left out: its contact is no longer to be used, by
    the exhibitor's export or the organiser's (privacy.consents.withdraw)."""
    return (select(Lead.created_at, Lead.week_id, Booth.code.label("booth_code"), Lead.source,
                   Lead.full_name, Lead.phone, Lead.email, Lead.organisation, Lead.message,
                   Lead.rating, Lead.tags, Lead.notes, Lead.consent_at, *more)
            .outerjoin(Booth, Booth.id == Lead.booth_id)
            .where(Lead.withdrawn_at.is_(None)))


def rows(lines: Iterable, week_names: dict[int, str]) -> Iterator[tuple[object, list]]:
    """(line, row of the file) for each line of ``lead_columns``; ``week_names`` by week id."""
    sources = {source.value: str(source.title) for source in LeadSource}
    for line in lines:
        yield line, [line.created_at, week_names.get(line.week_id, ""), line.booth_code or "",
                     sources.get(line.source, line.source), line.full_name,
                     shown_phone(line.phone), line.email, line.organisation, line.message,
                     line.rating, line.tags, line.notes, line.consent_at]


def _business_rows(business_id: int, week_id: int | None, lang: str) -> Iterator[list]:
    names = {week.id: week.name(lang) for week in lead_weeks(business_id)}
    query = lead_columns().where(Lead.business_id == business_id)
    if week_id:
        query = query.where(Lead.week_id == week_id)
    query = query.order_by(Lead.created_at.desc(), Lead.id.desc())
    for _line, row in rows(streamed(query), names):
        yield row


def export(business_id: int, week_id: int | None, fmt: str, lang: str = "vi"):
    """The business's leads (of one week, or all) as CSV or XLSX: (content to stream — see
    core.downloads — and MIME type)."""
    rows_ = _business_rows(business_id, week_id, lang)
    if fmt == "csv":
        return csv_stream(headers(), rows_), CSV_TYPE
    return xlsx_stream([Sheet(_("Contacts"), headers(), rows_)]), XLSX_TYPE
