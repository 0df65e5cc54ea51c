"""Profile pages: the business's own (/my/business) and its organiser's."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from exhibit.accounts import invitations
from exhibit.accounts import services as accounts
from exhibit.core.errors import ValidationFailed
from exhibit.core.limits import upload_limited
from exhibit.core.permissions import exhibitor_required, organiser_required
from exhibit.profiles import services
from exhibit.profiles.forms import BusinessProfileForm, OrganiserProfileForm

bp = Blueprint("profiles", __name__)


@bp.route("/my/business", methods=["GET", "POST"])
@exhibitor_required
@upload_limited
def my_business():
    business = services.get_own_business(current_user)
    if request.method == "GET":
        form = BusinessProfileForm(data=services.form_values(business))
        return _render(business, form, organiser=False)
    form = BusinessProfileForm()
    if form.validate_on_submit():
        try:
            services.edit_own_business(actor=current_user, data=form.changes(),
                                       logo=form.logo_upload())
        except ValidationFailed as error:
            form.apply_errors(error)
        else:
            flash(_("Business profile saved."), "success")
            return redirect(url_for("profiles.my_business"))
    return _render(business, form, organiser=False, status=422)


@bp.route("/organiser/businesses/<int:business_id>/edit", methods=["GET", "POST"])
@organiser_required
@upload_limited
def organiser_edit(business_id):
    business = services.get_organised_business(current_user, business_id)
    if request.method == "GET":
        form = OrganiserProfileForm(data=services.form_values(business))
        return _render(business, form, organiser=True)
    form = OrganiserProfileForm()
    if form.validate_on_submit():
        try:
            services.edit_business_as_organiser(
                actor=current_user, business_id=business.id, data=form.changes(),
                reason=form.reason.data or "", logo=form.logo_upload())
        except ValidationFailed as error:
            form.apply_errors(error)
        else:
            flash(_("Business profile saved."), "success")
            return redirect(url_for("profiles.organiser_edit", business_id=business.id))
    return _render(business, form, organiser=True, status=422)


def _render(business, form, *, organiser: bool, status: int = 200):
    # the organiser also sees who signs in for the business and whether their email works
    people = accounts.business_people(business.id) if organiser else []
    invited = invitations.pending(business.id) if organiser else []
    return render_template("profiles/edit.html", business=business, form=form,
                           organiser=organiser, history=services.history(business.id),
                           people=people, invited=invited), status
