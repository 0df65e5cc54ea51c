"""Organiser pages for creating and editing exhibition weeks."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from exhibit.b2b import waiting as b2b_waiting
from exhibit.booking import waiting as booking_waiting
from exhibit.catalogue import waiting as catalogue_waiting
from exhibit.core.errors import Conflict, ValidationFailed
from exhibit.core.forms import split_province
from exhibit.core.permissions import organiser_required
from exhibit.documents import waiting as documents_waiting
from exhibit.weeks import desk, services
from exhibit.weeks.forms import WeekForm

bp = Blueprint("weeks", __name__, url_prefix="/organiser")

#: who counts what waits on the organiser: each package its own facts (weeks sits below them
#: all and cannot import them; a view may, so the desk's sources are named here)
WAITING_SOURCES = (booking_waiting.waiting, catalogue_waiting.waiting,
                   documents_waiting.waiting, b2b_waiting.waiting)


def _form_data(form: WeekForm) -> dict:
    data = {name: field.data for name, field in form._fields.items()
            if name not in ("csrf_token", "host_province")}
    data["host_province_scheme"], data["host_province_code"] = split_province(form.host_province.data)
    return data


@bp.route("/")
@organiser_required
def organiser_home():
    return render_template("weeks/organiser_home.html",
                           desk=desk.work_queue(current_user, WAITING_SOURCES))


@bp.route("/weeks/new", methods=["GET", "POST"])
@organiser_required
def create():
    form = WeekForm()
    if form.validate_on_submit():
        try:
            data = _form_data(form)
            services.check_may_open(None, data["status"])  # a new week has no floor plan yet
            week = services.create_week(actor=current_user, data=data)
        except (ValidationFailed, Conflict) as exc:
            form.apply_errors(exc)
        else:
            flash(_("The week was created. Now add halls and booths."), "success")
            return redirect(url_for("floorplan.manage", slug=week.slug))
    return render_template("weeks/edit.html", form=form, week=None)


@bp.route("/weeks/<slug>/edit", methods=["GET", "POST"])
@organiser_required
def edit(slug):
    week = services.get_managed_week(slug, current_user)
    form = WeekForm(obj=week)
    if not form.is_submitted():
        form.host_province.data = f"{week.host_province_scheme}:{week.host_province_code}"
    if form.validate_on_submit():
        try:
            week = services.update_week(actor=current_user, week=week, data=_form_data(form))
        except (ValidationFailed, Conflict) as exc:
            form.apply_errors(exc)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("booking.manage_week", slug=week.slug))
    return render_template("weeks/edit.html", form=form, week=week)
