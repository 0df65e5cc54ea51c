"""Routes: the organiser's dashboard of a week, the week report as PDF and XLSX, exports of the
week's records, and several weeks compared."""
from __future__ import annotations

from flask import Blueprint, g, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from exhibit.core.downloads import download
from exhibit.core.permissions import organiser_required
from exhibit.core.spreadsheets import XLSX_TYPE
from exhibit.reports import exports, figures, files, subscribers
from exhibit.weeks.services import get_managed_week, organiser_weeks

bp = Blueprint("reports", __name__)
# a past week's kept figures are dropped on the events of a change to it (reports/cache.py);
# connecting twice is a no-op, so create_app may also connect it with the other features
subscribers.connect()


@bp.route("/organiser/weeks/<slug>/dashboard")
@organiser_required
def dashboard(slug):
    week = get_managed_week(slug, current_user)
    return render_template("reports/dashboard.html", week=week,
                           report=figures.week_report(week), exports=exports.EXPORTS.values())


@bp.route("/organiser/weeks/<slug>/report.<fmt>")
@organiser_required
def report(slug, fmt):
    """The week report as PDF (shown) or XLSX (saved), in the interface's language."""
    content, mimetype, filename = files.report_file(
        figures.week_report(get_managed_week(slug, current_user)), fmt)
    return download(content, mimetype, filename, inline=fmt == "pdf")


@bp.route("/organiser/weeks/<slug>/exports/<name>.<fmt>")
@organiser_required
def export(slug, name, fmt):
    week = get_managed_week(slug, current_user)
    content, mimetype = exports.export(week, name, fmt, g.lang)
    return download(content, mimetype, f"{name}-{week.slug}.{fmt}")


@bp.route("/organiser/compare")
@organiser_required
def compare():
    """?week=<slug>&week=<slug>…: the chosen weeks' headline figures side by side."""
    choices = organiser_weeks(current_user)
    chosen = list(dict.fromkeys(request.args.getlist("week")))  # each week once
    error = None
    if len(chosen) > figures.MAX_COMPARED:
        error = _("Choose at most %(n)d weeks.", n=figures.MAX_COMPARED)
    elif len(chosen) == 1:
        error = _("Choose at least two weeks.")
    comparison = None
    if chosen and error is None:
        weeks = [get_managed_week(slug, current_user) for slug in chosen]
        comparison = figures.compare(weeks)
        if request.args.get("format") == "xlsx":
            stem = _("comparison")  # the file name: "so-sanh" in Vietnamese
            return download(files.comparison_workbook(comparison), XLSX_TYPE, f"{stem}.xlsx")
    return render_template("reports/compare.html", choices=choices, chosen=chosen,
                           comparison=comparison, error=error), 422 if error else 200
