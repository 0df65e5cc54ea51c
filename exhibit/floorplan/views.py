"""The floor plan: public plan and booth pages, and the organiser's booth editor and import.
Booth statuses come from booking (exhibit/booking/plan.py)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from exhibit.booking import holds
from exhibit.booking import queries as booking
from exhibit.booking.plan import BoothFilters, booths_page, chosen_hall_id, plan_context
from exhibit.catalogue import search
from exhibit.core.db import utcnow
from exhibit.core.errors import ValidationFailed
from exhibit.core.forms import ActionForm
from exhibit.core.limits import upload_limited
from exhibit.core.paging import page_number
from exhibit.core.permissions import organiser_required
from exhibit.extensions import db
from exhibit.floorplan import services
from exhibit.floorplan.forms import BoothForm, HallForm, ImportForm
from exhibit.floorplan.models import Booth, Hall
from exhibit.vn.dates import vietnam_today
from exhibit.weeks.services import booking_closed_reason, get_managed_week, get_visible_week

bp = Blueprint("floorplan", __name__)

@bp.route("/weeks/<slug>/plan")
def plan(slug):
    week = get_visible_week(slug, current_user)
    return render_template("floorplan/plan.html", week=week, **plan_context(
        week, current_user, hall_id=chosen_hall_id(request.args)))


@bp.route("/weeks/<slug>/booths/<code>")
def booth_page(slug, code):
    week = get_visible_week(slug, current_user)
    booth = services.get_booth(week, code)
    state = booking.booth_states(week)[booth.id]
    application = None
    if current_user.is_authenticated and current_user.is_exhibitor:
        application = booking.application_for(week.id, current_user.business_id)
    closed = booking_closed_reason(week, vietnam_today())
    # what holding the booth would give this business now: the button and the rule say it
    hold_terms = holds.terms_for(week, application, utcnow()) if application else None
    products = None
    if state.status == booking.CONFIRMED:
        products = search.search(week, search.Filters(booth_id=booth.id, per_page=12))
    return render_template("floorplan/booth.html", week=week, booth=booth, state=state,
                           status_title=booking.status_title, application=application,
                           closed_reason=closed, form=ActionForm(), products=products,
                           hold_terms=hold_terms)


# -- organiser ---------------------------------------------------------------------------------

@bp.route("/organiser/weeks/<slug>/booths")
@organiser_required
def manage(slug):
    week = get_managed_week(slug, current_user)
    link = lambda b: url_for("floorplan.edit_booth", slug=week.slug, booth_id=b.id)  # noqa: E731
    filters = BoothFilters.from_args(request.args, week)
    return render_template("floorplan/manage.html", week=week, filters=filters,
                           page=booths_page(week, filters, page_number(request.args)),
                           hall_form=HallForm(), import_form=ImportForm(),
                           **plan_context(week, current_user, link=link,
                                          hall_id=filters.hall_id))


@bp.route("/organiser/weeks/<slug>/halls/new", methods=["POST"])
@bp.route("/organiser/weeks/<slug>/halls/<int:hall_id>", methods=["GET", "POST"])
@organiser_required
def edit_hall(slug, hall_id=None):
    week = get_managed_week(slug, current_user)
    hall = db.get_or_404(Hall, hall_id) if hall_id else None
    if hall and hall.week_id != week.id:
        return redirect(url_for("floorplan.manage", slug=slug))
    form = HallForm(obj=hall)
    if form.validate_on_submit():
        try:
            services.save_hall(actor=current_user, week=week, hall=hall,
                               data={k: f.data for k, f in form._fields.items()})
        except ValidationFailed as exc:
            form.apply_errors(exc)
        else:
            flash(_("Hall saved."), "success")
            return redirect(url_for("floorplan.manage", slug=slug))
    return render_template("floorplan/hall.html", week=week, hall=hall, form=form)


@bp.route("/organiser/weeks/<slug>/booths/new", methods=["GET", "POST"])
@bp.route("/organiser/weeks/<slug>/booths/<int:booth_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit_booth(slug, booth_id=None):
    week = get_managed_week(slug, current_user)
    booth = db.session.get(Booth, booth_id) if booth_id else None
    if booth_id and (booth is None or booth.week_id != week.id):
        return redirect(url_for("floorplan.manage", slug=slug))
    form = BoothForm(obj=booth, halls=week.halls)
    if not week.halls:
        flash(_("Add a hall first."), "warning")
        return redirect(url_for("floorplan.manage", slug=slug))
    if form.validate_on_submit():
        data = {k: f.data for k, f in form._fields.items() if k not in ("csrf_token", "hall_id")}
        try:
            services.save_booth(actor=current_user, week=week, hall_id=form.hall_id.data,
                                data=data, booth=booth)
        except ValidationFailed as exc:
            form.apply_errors(exc)
        else:
            flash(_("Booth saved."), "success")
            return redirect(url_for("floorplan.manage", slug=slug))
    return render_template("floorplan/booth_edit.html", week=week, booth=booth, form=form)


@bp.route("/organiser/weeks/<slug>/booths/import", methods=["POST"])
@organiser_required
@upload_limited
def import_booths(slug):
    week = get_managed_week(slug, current_user)
    form = ImportForm()
    errors = {}
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = services.import_booths(actor=current_user, week=week,
                                            filename=upload.filename or "booths.csv",
                                            content=upload.read())
        except ValidationFailed as exc:
            errors = exc.fields or {"file": exc.message}
        else:
            flash(_("Imported: %(created)d new booths, %(updated)d updated.",
                    created=result.created, updated=result.updated), "success")
            return redirect(url_for("floorplan.manage", slug=slug))
    else:
        errors = {"file": _("Choose a CSV or XLSX file.")}
    return render_template("floorplan/import_errors.html", week=week, errors=errors), 422
