"""Booking pages: the exhibitor's dashboard, applying and holding, and the organiser's desk."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from exhibit.booking import queries, services
from exhibit.booking.forms import ApplyForm, AssignForm, DecisionForm, MoveForm, ReleaseForm
from exhibit.booking.models import ApplicationStatus, HoldKind
from exhibit.businesses.models import Business
from exhibit.catalogue import services as catalogue
from exhibit.core import audit, paging
from exhibit.core.db import utcnow
from exhibit.core.errors import Conflict, ValidationFailed
from exhibit.core.forms import ActionForm
from exhibit.core.permissions import exhibitor_required, organiser_required
from exhibit.core.redirects import safe_next
from exhibit.extensions import db
from exhibit.floorplan import services as floorplan
from exhibit.vn.dates import to_vietnam_time, vietnam_today
from exhibit.weeks import services as weeks

bp = Blueprint("booking", __name__)


# -- exhibitor ---------------------------------------------------------------------------------

@bp.route("/my")
@exhibitor_required
def dashboard():
    business = current_user.business
    today = vietnam_today()
    applications = queries.business_applications(business.id)
    applied = {a.week_id for a in applications}
    open_weeks = [w for w in weeks.public_weeks()
                  if w.id not in applied and weeks.booking_closed_reason(w, today) is None]
    return render_template(
        "booking/dashboard.html", business=business, open_weeks=open_weeks,
        applications=applications, allocations=queries.business_allocations(business.id),
        release_form=ActionForm(), now=utcnow(),
        product_count=catalogue.product_count(business.id),
        listing_counts=catalogue.listing_counts(business.id))


@bp.route("/weeks/<slug>/apply", methods=["GET", "POST"])
@exhibitor_required
def apply(slug):
    week = weeks.get_visible_week(slug, current_user)
    form = ApplyForm()
    if form.validate_on_submit():
        try:
            services.apply_to_week(actor=current_user, week=week, data=form.data)
        except ValidationFailed as exc:
            form.apply_errors(exc)
        except Conflict as exc:
            flash(exc.message, "error")
            return redirect(url_for("public.week_page", slug=slug))
        else:
            flash(_("Application sent. Now pick your booth on the plan."), "success")
            return redirect(url_for("floorplan.plan", slug=slug))
    return render_template("booking/apply.html", week=week, form=form)


@bp.route("/weeks/<slug>/booths/<code>/hold", methods=["POST"])
@exhibitor_required
def hold(slug, code):
    week = weeks.get_visible_week(slug, current_user)
    if not ActionForm().validate_on_submit():
        abort(400)
    booth = floorplan.get_booth(week, code)
    allocation = services.hold_booth(actor=current_user, week=week, booth=booth)
    until = to_vietnam_time(allocation.expires_at).strftime("%H:%M %d/%m/%Y")
    if allocation.hold_kind == HoldKind.REVIEW.value:
        flash(_("Booth %(code)s is held for you until %(time)s while the organiser reviews your "
                "application.", code=booth.code, time=until), "success")
    else:
        flash(_("Booth %(code)s is held for you until %(time)s. The organiser will confirm it.",
                code=booth.code, time=until), "success")
    return redirect(url_for("booking.dashboard"))


@bp.route("/my/allocations/<int:allocation_id>/release", methods=["POST"])
@exhibitor_required
def release_own(allocation_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    allocation = services.get_allocation(allocation_id)
    services.release_allocation(actor=current_user, allocation=allocation,
                                reason=_("Released by the exhibitor"))
    flash(_("Booth %(code)s released.", code=allocation.booth.code), "info")
    return redirect(url_for("booking.dashboard"))


# -- organiser ---------------------------------------------------------------------------------

#: the tabs of the week desk (?tab=); the first is the default
DESK_TABS = ("bookings", "applications", "waiting")
#: holds listed above the bookings, the soonest deadline first (all of them: ?state=held)
HOLDS_ON_DESK = 10


@bp.route("/organiser/weeks/<slug>")
@organiser_required
def manage_week(slug):
    week = weeks.get_managed_week(slug, current_user)
    tab = request.args.get("tab") if request.args.get("tab") in DESK_TABS else DESK_TABS[0]
    now, number = utcnow(), paging.page_number(request.args)
    context = dict(week=week, tab=tab, now=now, action_form=ActionForm(),
                   shown_status=queries.shown_status,
                   application_title=lambda state: ApplicationStatus(state).title,
                   booth_counts=queries.booth_status_counts(week, now),
                   application_counts=queries.application_state_counts(week))
    if tab == "applications":
        chosen = queries.ApplicationFilter.from_args(request.args)
        context.update(chosen=chosen, page=queries.application_page(week, chosen, number),
                       state_counts=queries.application_state_counts(week, chosen),
                       decision_form=DecisionForm())
    elif tab == "waiting":
        context.update(page=queries.waiting_page(week, number))
    else:
        chosen = queries.BookingFilter.from_args(request.args)
        context.update(chosen=chosen, page=queries.booking_page(week, chosen, number, now),
                       state_counts=queries.booking_state_counts(week, chosen, now),
                       holds=queries.soonest_holds(week, HOLDS_ON_DESK, now),
                       move_form=MoveForm(), release_form=ReleaseForm(), assign_form=AssignForm())
    return render_template("booking/manage_week.html", **context)


def _back(slug):
    return redirect(safe_next(url_for("booking.manage_week", slug=slug)))


@bp.route("/organiser/weeks/<slug>/applications/<int:application_id>/decide", methods=["POST"])
@organiser_required
def decide(slug, application_id):
    week = weeks.get_managed_week(slug, current_user)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    application = services.get_application(application_id, week)
    try:
        services.decide_application(actor=current_user, application=application,
                                    decision=form.decision.data, reason=form.reason.data)
    except ValidationFailed as exc:
        flash(exc.message, "error")
    else:
        flash(_("Decision saved for %(name)s.", name=application.business.name), "success")
    return _back(slug)


@bp.route("/organiser/weeks/<slug>/allocations/<int:allocation_id>/confirm", methods=["POST"])
@organiser_required
def confirm(slug, allocation_id):
    week = weeks.get_managed_week(slug, current_user)
    if not ActionForm().validate_on_submit():
        abort(400)
    allocation = services.confirm_allocation(
        actor=current_user, allocation=services.get_allocation(allocation_id, week))
    flash(_("Booth %(code)s confirmed to %(name)s.", code=allocation.booth.code,
            name=allocation.business.name), "success")
    return _back(slug)


@bp.route("/organiser/weeks/<slug>/allocations/<int:allocation_id>/release", methods=["POST"])
@organiser_required
def release(slug, allocation_id):
    week = weeks.get_managed_week(slug, current_user)
    form = ReleaseForm()
    if not form.validate_on_submit():
        abort(400)
    allocation = services.release_allocation(
        actor=current_user, allocation=services.get_allocation(allocation_id, week),
        reason=form.reason.data)
    flash(_("Booth %(code)s released.", code=allocation.booth.code), "info")
    return _back(slug)


@bp.route("/organiser/weeks/<slug>/allocations/<int:allocation_id>/move", methods=["POST"])
@organiser_required
def move(slug, allocation_id):
    week = weeks.get_managed_week(slug, current_user)
    form = MoveForm()
    if not form.validate_on_submit():
        flash(_("Enter the booth to move to."), "error")
        return _back(slug)
    allocation = services.get_allocation(allocation_id, week)
    try:
        target = services.typed_booth(week, form.booth.data)
        moved = services.move_allocation(actor=current_user, allocation=allocation, target=target)
    except (ValidationFailed, Conflict) as exc:
        flash(exc.message, "error")
    else:
        flash(_("Moved to booth %(code)s.", code=moved.booth.code), "success")
    return _back(slug)


@bp.route("/organiser/weeks/<slug>/assign", methods=["POST"])
@organiser_required
def assign(slug):
    week = weeks.get_managed_week(slug, current_user)
    form = AssignForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        booth = services.typed_booth(week, form.booth.data)
        business = services.typed_participant(week, form.business.data)
        allocation = services.assign_booth(actor=current_user, week=week, booth=booth,
                                           business_id=business.id)
    except (ValidationFailed, Conflict) as exc:
        flash(exc.message, "error")
    else:
        flash(_("Booth %(code)s assigned to %(name)s.", code=allocation.booth.code,
                name=allocation.business.name), "success")
    return _back(slug)


@bp.route("/organiser/weeks/<slug>/audit")
@organiser_required
def week_audit(slug):
    week = weeks.get_managed_week(slug, current_user)
    chosen = audit.AuditFilter.from_args(request.args)
    page = audit.entry_page(page=paging.page_number(request.args), week_id=week.id, chosen=chosen)
    return render_template("booking/audit.html", week=week, business=None, page=page,
                           audit=audit, chosen=chosen)


@bp.route("/organiser/businesses/<int:business_id>/audit")
@organiser_required
def business_audit(business_id):
    chosen = audit.AuditFilter.from_args(request.args)
    page = services.business_history(current_user, business_id,
                                      paging.page_number(request.args), chosen)
    business = db.get_or_404(Business, business_id)
    return render_template("booking/audit.html", week=None, business=business, page=page,
                           audit=audit, chosen=chosen)
