"""Booking pages: the exhibitor's dashboard, applying and holding, and the organiser's desk."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from exhibit.booking import plan, queries, services
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
from exhibit.documents import invoicing
from exhibit.documents import requests as payment_requests
from exhibit.extensions import db
from exhibit.floorplan import publish as plan_versions
from exhibit.floorplan import services as floorplan
from exhibit.vn.dates import format_moment, to_vietnam_time, vietnam_today
from exhibit.vn.words import amount_in_words
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
    allocations = queries.business_allocations(business.id)
    return render_template(
        "booking/dashboard.html", business=business, open_weeks=open_weeks,
        applications=applications, allocations=allocations,
        # the booths a published version of the floor plan changed: a link to what changed
        plan_changed=plan_versions.touched_booths({a.week_id for a in allocations},
                                                  {a.booth_id for a in allocations}),
        own_release_consequence=own_release_consequence, now=utcnow(),
        planned_weeks=plan.weeks_with_booths([a.week_id for a in applications]),
        product_count=catalogue.product_count(business.id),
        listing_counts=catalogue.listing_counts(business.id),
        payment_requests=payment_requests.business_requests(business.id),
        invoices=invoicing.business_invoices(business.id),
        qr_image=payment_requests.qr_data_uri, in_words=amount_in_words)


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
            if not plan.has_booths(week):
                flash(_("Application sent. This week's floor plan is not ready yet: the "
                        "organiser will assign your booths later and tell you by message."),
                      "success")
                return redirect(url_for("booking.dashboard"))
            flash(_("Application sent. Now pick your booth on the plan."), "success")
            return redirect(url_for("floorplan.plan", slug=slug))
    return render_template("booking/apply.html", week=week, form=form,
                           has_booths=plan.has_booths(week))


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
    form = ReleaseForm()
    if not form.validate_on_submit():
        abort(400)
    allocation = services.release_allocation(actor=current_user,
                                             allocation=services.get_allocation(allocation_id),
                                             reason=form.reason.data)
    flash(_("Your hold on booth %(code)s has ended; the booth is free for others now.",
            code=allocation.booth.code), "info")
    return redirect(url_for("booking.dashboard"))


def own_release_consequence(allocation) -> str:
    """What an exhibitor's release does, said before they confirm it."""
    return _("Your hold on booth %(code)s ends now and anyone may take the booth. To have it "
             "again you would have to hold it again, if it is still free.",
             code=allocation.booth.code)


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
                       decision_consequence=decision_consequence)
    elif tab == "waiting":
        context.update(page=queries.waiting_page(week, number))
    else:
        chosen = queries.BookingFilter.from_args(request.args)
        context.update(chosen=chosen, page=queries.booking_page(week, chosen, number, now),
                       state_counts=queries.booking_state_counts(week, chosen, now),
                       holds=queries.soonest_holds(week, HOLDS_ON_DESK, now),
                       releases_to_undo=services.releases_to_undo(current_user, week, now),
                       release_consequence=release_consequence)
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
        if "reason" not in exc.fields:
            flash(exc.message, "error")
            return _back(slug)
        return render_template(
            "confirm_action.html", title=_("Reject the application of %(name)s",
                                           name=application.business.name),
            url=request.full_path.rstrip("?"), label=_("Reject"),
            consequence=decision_consequence(application, form.decision.data),
            reason="required", hidden={"decision": form.decision.data},
            reason_label=_("Reason (the business is told it)"),
            reason_value=form.reason.data or "", error=exc.fields["reason"],
            back=safe_next(url_for("booking.manage_week", slug=slug, tab="applications"))), 422
    flash(DECISION_DONE[form.decision.data](application.business.name), "success")
    return _back(slug)


#: what the flash says once a decision is made
DECISION_DONE = {
    "approve": lambda name: _("%(name)s is approved; the booths it holds are confirmed.", name=name),
    "waitlist": lambda name: _("%(name)s is on the waiting list; the booths it held are free "
                               "again.", name=name),
    "reject": lambda name: _("The application of %(name)s is rejected; the business is told "
                             "by message, with your reason.", name=name),
}


def decision_consequence(application, decision: str) -> str:
    """What a decision does, said before the organiser confirms it."""
    name = application.business.name
    if decision == "reject":
        return _("%(name)s is told by message that the application is not accepted, with your "
                 "reason; any booth it holds goes back on sale.", name=name)
    return _("%(name)s goes on the waiting list and is told by message; any booth it holds goes "
             "back on sale, and it is offered a booth when one frees.", name=name)


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
    allocation = services.get_allocation(allocation_id, week)
    try:
        allocation = services.release_allocation(actor=current_user, allocation=allocation,
                                                 reason=form.reason.data)
    except ValidationFailed as exc:
        # No reason: the same confirmation again, on a page of its own, and nothing changed.
        return render_template(
            "confirm_action.html",
            title=_("Release booth %(code)s", code=allocation.booth.code),
            url=request.full_path.rstrip("?"), label=_("Release"),
            consequence=release_consequence(allocation), reason="required",
            reason_label=_("Reason (the business is told it)"), reason_maxlength=300,
            reason_value=form.reason.data or "", error=exc.fields.get("reason", exc.message),
            back=safe_next(url_for("booking.manage_week", slug=slug))), 422
    flash(_("Booth %(code)s released from %(name)s; the business is told by message. You can "
            "undo this for %(seconds)d seconds on the week desk.", code=allocation.booth.code,
            name=allocation.business.name, seconds=services.UNDO_RELEASE_SECONDS), "info")
    return _back(slug)


def release_consequence(allocation) -> str:
    """What the organiser's release does, said before they confirm it."""
    if allocation.status == "confirmed":
        return _("Booth %(code)s is taken away from %(name)s and goes back on sale (first to "
                 "the waiting list, if anyone is on it); %(name)s is told by message.",
                 code=allocation.booth.code, name=allocation.business.name)
    return _("The hold of %(name)s on booth %(code)s ends and the booth goes back on sale (first "
             "to the waiting list, if anyone is on it); %(name)s is told by message.",
             code=allocation.booth.code, name=allocation.business.name)


@bp.route("/organiser/weeks/<slug>/allocations/<int:allocation_id>/undo-release",
          methods=["POST"])
@organiser_required
def undo_release(slug, allocation_id):
    """Take a release back within a minute; a lost race or a late click is a 409 page that
    says why."""
    week = weeks.get_managed_week(slug, current_user)
    if not ActionForm().validate_on_submit():
        abort(400)
    allocation = services.undo_release(
        actor=current_user, allocation=services.get_allocation(allocation_id, week))
    if allocation.status == "confirmed":
        flash(_("Release undone: booth %(code)s is confirmed to %(name)s again.",
                code=allocation.booth.code, name=allocation.business.name), "success")
    else:
        flash(_("Release undone: booth %(code)s is held for %(name)s again, until %(time)s.",
                code=allocation.booth.code, name=allocation.business.name,
                time=format_moment(allocation.expires_at)), "success")
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
