"""The week report as files: a formal PDF (NĐ 30 layout, the figures as tables and charts)
and an XLSX workbook (one sheet per table, frozen header row, VND as numbers).

Both take a WeekReport built in the language wanted, so an English interface gets English
files.
"""
from __future__ import annotations

import io

from flask_babel import format_date as babel_date
from flask_babel import gettext as _

from exhibit.core.errors import NotFound
from exhibit.core.spreadsheets import (MONEY_FORMAT, XLSX_TYPE, Formatted, Sheet,
                                       write_workbook, xlsx_bytes)
from exhibit.pdf import document as nd30
from exhibit.reports import cache, charts
from exhibit.reports.figures import COUNT, VND, WeekReport, format_value
from exhibit.vn.dates import format_date, nd30_date, to_vietnam_time

DEFAULT_PLACE = "TP. Hồ Chí Minh"
CHART_WIDTH = nd30.FRAME_WIDTH * 0.8
NBSP = "\u00a0"


def sheet_titles() -> dict[str, str]:
    """Short sheet names (a sheet name holds 31 characters)."""
    return {
        "summary": _("Summary"), "booths": _("Booths"), "applications": _("Applications"),
        "provinces": _("Provinces"), "legal_forms": _("Legal forms"),
        "products_by_group": _("OCOP groups"), "products_by_stars": _("OCOP stars"),
        "certificates": _("Certificates expiring"), "visitors_per_day": _("Visitors per day"),
        "visits_by_zone": _("Visits per zone"),
        "scans_per_day": _("Scans per day"), "top_booths": _("Most-scanned booths"), "clusters": _("Clusters"),
        "leads": _("Leads"), "meetings_by_status": _("Meetings by state"),
        "meetings_by_outcome": _("Meetings by outcome"),
        "meetings_by_attendance": _("Meetings held"),
        "meetings_by_buyer": _("Meetings per buyer"),
        "meetings_by_province": _("Meetings per province"), "mous": _("MoUs"),
        "contracts": _("Contracts"), "payments": _("Payments"),
        "money_flow": _("Money and invoices"),
    }


def report_file(report: WeekReport, fmt: str) -> tuple[bytes, str, str]:
    """The report as "pdf" or "xlsx": (content, MIME type, file name); 404 for another format."""
    stem = _("report")  # the file name's word: "bao-cao" in Vietnamese
    makers = {"pdf": (pdf_bytes, "application/pdf"), "xlsx": (workbook, XLSX_TYPE)}
    if fmt not in makers:
        raise NotFound(_("There is no such export."))
    make, mimetype = makers[fmt]
    if report.kept:  # a past week's figures: its files are kept with them
        content = cache.remembered(report.week.id,
                                   f"{fmt}:{report.lang}:{report.today.isoformat()}:"
                                   f"{report.generated_at.isoformat()}",
                                   lambda: make(report))
    else:
        content = make(report)
    return content, mimetype, f"{stem}-{report.week.slug}.{fmt}"


# -- XLSX --------------------------------------------------------------------------------------

def workbook(report: WeekReport) -> bytes:
    titles = sheet_titles()
    summary = Sheet(titles["summary"], [_("Figure"), _("Value")],
                    [[h.title, _money(h.value) if h.kind == VND else h.value]
                     for h in report.headlines])
    sheets = [summary]
    for table in report.tables:
        sheets.append(Sheet(titles[table.key], table.headers, table.rows,
                            [c for c, kind in table.kinds.items() if kind == VND]))
    out = io.BytesIO()
    write_workbook(sheets, out)
    return out.getvalue()


def _money(value) -> Formatted:
    """A đồng figure in a column that also holds counts: the thousands format on its own cell."""
    return Formatted(value, MONEY_FORMAT)


# -- PDF ---------------------------------------------------------------------------------------

def report_place(organizer) -> str:
    """Where the report is dated: the last part of the organiser's address ("…, TP. Hồ Chí
    Minh"), else Ho Chi Minh City."""
    tail = (organizer.address or "").rsplit(",", 1)[-1].strip()
    return tail or DEFAULT_PLACE


def _date_text(report: WeekReport) -> str:
    day = report.today
    return nd30_date(day) if report.lang == "vi" else babel_date(day, format="d MMMM y")


def _heading(s, text: str):
    from reportlab.platypus import Paragraph
    return Paragraph(f"<b>{nd30.t(text)}</b>", s.article)


def _cell(value, kind: str | None, lang: str) -> str:
    return format_value(value, kind or COUNT, lang) if kind else ("" if value is None else str(value))


def render_pdf(report: WeekReport, target) -> None:
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, Spacer

    week, lang = report.week, report.lang
    organizer = week.organizer
    s = nd30.styles()
    story = [
        # the number is left for the document office to write in: "Số:      /BC-ITPC"
        *nd30.header(s, issuer=organizer.name, number=f"{NBSP * 6}/BC-{organizer.short_name}",
                     place=report_place(organizer), date_text=_date_text(report), lang=lang),
        *nd30.title(s, _("Report"), _("Results of %(week)s", week=week.name(lang))),
        nd30.paragraph(s, _("%(week)s was held from %(start)s to %(end)s at %(venue)s.",
                            week=week.name(lang), start=format_date(week.start_date),
                            end=format_date(week.end_date), venue=week.venue_name)),
    ]
    if week.co_organizer:
        story.append(nd30.paragraph(s, _("Co-organiser: %(name)s.", name=week.co_organizer)))
    story.append(_heading(s, _("I. Summary")))
    story.append(nd30.grid(s, [_("Figure"), _("Value")],
                           [[h.title, format_value(h.value, h.kind, lang)
                             + (" VND" if h.kind == VND else "")] for h in report.headlines],
                           [110, 50], right_columns=(1,)))
    story.append(_heading(s, _("II. Figures in detail")))
    for number, table in enumerate(report.tables, start=1):
        heading = Paragraph(f"<b>{number}. {nd30.t(table.title)}</b>", s.body)
        if not table.rows:
            story.append(KeepTogether([heading, nd30.paragraph(s, _("None."))]))
            continue
        widths = [18 if c in table.kinds else 30 for c in range(len(table.headers))]
        grid = nd30.grid(s, table.headers,
                         [[_cell(v, table.kinds.get(c), lang) for c, v in enumerate(row)]
                          for row in table.shown_rows], widths,
                         right_columns=tuple(table.kinds), total_rows=1 if table.has_total else 0)
        block = [heading, grid]
        if table.rows_left_out:
            block.append(Paragraph(nd30.t(_(
                "The first %(shown)d of %(total)d rows; the report workbook (XLSX) lists them "
                "all.", shown=len(table.shown_rows), total=len(table.rows))), s.sign_note))
        if table.note:
            block.append(Paragraph(nd30.t(table.note), s.sign_note))
        story.append(KeepTogether(block))
        if table.chart and table.chart.labels and any(
                v for _name, values in table.chart.series for v in values):
            story.append(Spacer(1, 2 * mm))
            story.extend(charts.drawings(table.chart, CHART_WIDTH, lang))
        story.append(Spacer(1, 4 * mm))
    generated = to_vietnam_time(report.generated_at)
    story.append(Paragraph(nd30.t(_(
        "Figures compiled by exhibit from the records of the week at %(time)s on %(date)s "
        "(Vietnam time).", time=generated.strftime("%H:%M"), date=format_date(generated.date()))),
        s.sign_note))
    story.append(nd30.signatures(s, [nd30.Signature(
        _("ON BEHALF OF THE ORGANISER"), _("(Signature, full name and seal)"),
        organizer.representative, organizer.representative_position)]))
    nd30.build(target, story, title_text=_("Report: %(week)s", week=week.name(lang)),
               author=organizer.name, subject=_("Week report"))


def pdf_bytes(report: WeekReport) -> bytes:
    out = io.BytesIO()
    render_pdf(report, out)
    return out.getvalue()


def comparison_workbook(comparison) -> bytes:
    """The compared headlines as one sheet: a row per figure, a column per week."""
    title = _("Comparison")
    headers = [_("Figure"), *(r.week.name(r.lang) for r in comparison.reports)]
    rows = [[row_title, *(_money(v) if kind == VND else v for v in values)]
            for _key, row_title, kind, values in comparison.rows]
    return xlsx_bytes([(title, headers, rows)])
