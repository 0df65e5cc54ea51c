"""Routes: the organiser's B2B desk, buyer registration, and the participants' B2B page
(buyers and suppliers share one page: matches, requests, meetings, schedule PDF)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from exhibit.accounts import browser
from exhibit.b2b import services
from exhibit.b2b.models import MeetingStatus, PreferenceLevel
from exhibit.b2b.forms import (
    BuyerForm,
    NeedForm,
    NewBuyerForm,
    OutcomeForm,
    SlotsForm,
    TablesForm,
    group_choices,
)
from exhibit.b2b.calendar import render_calendar
from exhibit.b2b.schedule import render_schedule
from exhibit.catalogue import ocop
from exhibit.core.db import utcnow
from exhibit.core.downloads import download
from exhibit.core.errors import AppError, Forbidden, ValidationFailed, attempt
from exhibit.core.forms import ActionForm, row_id, split_province
from exhibit.core.limits import signup_limited
from exhibit.core.paging import page_number
from exhibit.core.permissions import organiser_required, role_required
from exhibit.documents import services as documents
from exhibit.weeks.services import get_managed_week, get_visible_week

bp = Blueprint("b2b", __name__)
participant_required = role_required("buyer", "exhibitor")
#: the best pairs the organiser's page suggests
SUGGESTED_PAIRS = 30


def _need_form(form):
    form.product_group.choices = group_choices(g.lang)
    return form


def _group_title(code: str) -> str:
    """Needs are kept under the current OCOP rule set (QĐ 148)."""
    return ocop.group(ocop.QD148, code).title(g.lang)


def _need_label(need) -> str:
    """"Thực phẩm: Cà phê rang xay": the need's group and what the buyer wrote."""
    title = _group_title(need.product_group)
    return f"{title}: {need.description}" if need.description else title


def _other_side(meeting, side: str) -> str:
    """The name of the meeting's other side, seen from ``side``."""
    return meeting.supplier.name if side == "buyer" else meeting.buyer.business.name


def cancel_consequence(meeting, side: str) -> str:
    """What cancelling does, said before the participant confirms it."""
    other = _other_side(meeting, side)
    if services.needs_cancel_reason(meeting):
        return _("The meeting with %(name)s is cancelled and its time and table are freed. "
                 "%(name)s accepted it, so they see it cancelled on their B2B page with your "
                 "reason.", name=other)
    return _("Your request to meet %(name)s is withdrawn; %(name)s can no longer accept it.",
             name=other)


def remove_need_consequence(need) -> str:
    return _("The need “%(need)s” is removed: suppliers that match only this need are no longer "
             "suggested. Meetings already asked for stay.", need=_need_label(need))


def _need_data(form) -> dict:
    return {"product_group": form.product_group.data, "description": form.description.data,
            "min_stars": form.min_stars.data, "certifications": form.certifications.data,
            "monthly_volume": form.monthly_volume.data}


# -- organiser ---------------------------------------------------------------------------------

@bp.cli.command("expire-requests")
def expire_requests_command():
    """Mark the meeting requests past their answer deadline expired (idempotent; cron)."""
    import click
    click.echo(f"{services.expire_requests()} request(s) expired.")


@bp.route("/organiser/weeks/<slug>/b2b")
@organiser_required
def manage(slug):
    week = get_managed_week(slug, current_user)
    services.expire_requests(week)
    slots, tables = services.slots(week), services.tables(week)
    filters = services.MeetingFilters.from_args(request.args, slots, tables)
    buyers = services.week_buyers(week)
    page = services.meetings_page(week, filters, page_number(request.args))
    return render_template(
        "b2b/manage.html", week=week, buyers=buyers, filters=filters, page=page,
        cancelled=services.cancel_reasons(page.rows),
        counts=services.meeting_counts(week), statuses=list(MeetingStatus),
        unscheduled=services.UNSCHEDULED, days=services.session_days(slots), slots=slots,
        tables=tables, action=ActionForm(),
        slots_form=SlotsForm(day=week.start_date), tables_form=TablesForm(),
        outcome_form=OutcomeForm(), matches=services.matches(week, limit=SUGGESTED_PAIRS, buyers=buyers),
        over=services.session_over(week), group_title=_group_title, need_label=_need_label,
        settings=services.session_settings(week), flagged=services.flagged_count(week))


@bp.route("/organiser/weeks/<slug>/b2b/board")
@organiser_required
def board(slug):
    """The live board: the slot in progress, its tables (free, freed by a no-show, taken),
    attendance so far, and a walk-in meeting at a free table."""
    week = get_managed_week(slug, current_user)
    return render_template("b2b/board.html", week=week,
                           board=services.board(week, request.args.get("slot", type=row_id)),
                           slots=services.slots(week), buyers=services.week_buyers(week),
                           suppliers=services.supplier_names(week), action=ActionForm(),
                           now=utcnow())


@bp.route("/organiser/weeks/<slug>/b2b/walk-in", methods=["POST"])
@organiser_required
def walk_in(slug):
    week = get_managed_week(slug, current_user)
    slot_id = request.form.get("slot_id", type=row_id) or 0
    if ActionForm().validate_on_submit():
        attempt(lambda: services.walk_in(
            actor=current_user, week=week, buyer_id=request.form.get("buyer_id", type=row_id) or 0,
            supplier_id=request.form.get("supplier_id", type=row_id) or 0, slot_id=slot_id,
            table_id=request.form.get("table_id", type=row_id) or 0),
            _("Walk-in meeting added; it counts as held."))
    return redirect(url_for("b2b.board", slug=slug, slot=slot_id or None))


@bp.route("/organiser/weeks/<slug>/b2b/meetings/<int:meeting_id>/attendance", methods=["POST"])
@organiser_required
def organiser_attendance(slug, meeting_id):
    """The table staff say whether a meeting happened."""
    week = get_managed_week(slug, current_user)
    meeting = services.get_meeting(week, meeting_id)
    if ActionForm().validate_on_submit():
        attempt(lambda: services.record_attendance(actor=current_user, meeting=meeting,
                                                   said=request.form.get("said", "")), _("Saved."))
    back = request.form.get("back", "")
    if back == "board":
        return redirect(url_for("b2b.board", slug=slug, slot=meeting.slot_id))
    return redirect(url_for("b2b.manage", slug=slug) + f"#m{meeting_id}")


@bp.route("/organiser/weeks/<slug>/b2b/publish", methods=["POST"])
@organiser_required
def publish(slug):
    """The final schedule, told to every participant with a scheduled meeting."""
    week = get_managed_week(slug, current_user)
    if ActionForm().validate_on_submit():
        done = []
        attempt(lambda: done.append(services.publish_schedule(actor=current_user, week=week)), None)
        if done:
            flash(_("Final schedule published: the sides of %(n)s meetings are told their time "
                    "and table.", n=done[0]), "success")
    return redirect(url_for("b2b.manage", slug=slug) + "#meetings")


@bp.route("/organiser/weeks/<slug>/b2b/meetings/<int:meeting_id>/swap", methods=["POST"])
@organiser_required
def swap(slug, meeting_id):
    week = get_managed_week(slug, current_user)
    services.get_meeting(week, meeting_id)
    if ActionForm().validate_on_submit():
        attempt(lambda: services.swap_meetings(
            actor=current_user, week=week, meeting_id=meeting_id,
            other_id=request.form.get("other_id", type=row_id) or 0),
            _("Meetings swapped and locked."))
    return redirect(url_for("b2b.manage", slug=slug) + f"#m{meeting_id}")


@bp.route("/organiser/weeks/<slug>/b2b/settings", methods=["POST"])
@organiser_required
def settings(slug):
    week = get_managed_week(slug, current_user)
    if ActionForm().validate_on_submit():
        attempt(lambda: services.update_settings(
            actor=current_user, week=week, request_hours=request.form.get("request_hours", ""),
            fixed_tables=request.form.get("fixed_tables") == "1"), _("Settings saved."))
    return redirect(url_for("b2b.manage", slug=slug) + "#settings")


@bp.route("/organiser/weeks/<slug>/b2b/generate", methods=["POST"])
@organiser_required
def generate(slug):
    """The provisional schedule from the participants' preferences (or by the greedy
    scheduler, to compare)."""
    week = get_managed_week(slug, current_user)
    if ActionForm().validate_on_submit():
        done = []
        attempt(lambda: done.append(services.generate_schedule(
            actor=current_user, week=week, method=request.form.get("method", "optimised"))), None)
        if done:
            result = done[0]
            flash(_("Provisional schedule generated: %(n)s meetings (%(must)s must-meet pairs, "
                    "%(meet)s other wanted pairs), %(locked)s locked meetings kept.",
                    n=result.scheduled, must=result.must, meet=result.meet,
                    locked=result.locked), "success")
            if result.bound_must is not None and (result.must, result.meet) != (
                    result.bound_must, result.bound_meet):
                flash(_("No schedule can have more than %(must)s must-meet pairs.",
                        must=result.bound_must), "info")
    return redirect(url_for("b2b.manage", slug=slug) + "#meetings")


@bp.route("/organiser/weeks/<slug>/b2b/meetings/<int:meeting_id>/lock", methods=["POST"])
@organiser_required
def lock(slug, meeting_id):
    week = get_managed_week(slug, current_user)
    meeting = services.get_meeting(week, meeting_id)
    if ActionForm().validate_on_submit():
        locking = request.form.get("locked") == "1"
        attempt(lambda: services.set_locked(actor=current_user, meeting=meeting, locked=locking),
                _("Meeting locked at its time and table.") if locking else _("Meeting unlocked."))
    return redirect(url_for("b2b.manage", slug=slug) + f"#m{meeting_id}")


@bp.route("/organiser/weeks/<slug>/b2b/slots", methods=["POST"])
@organiser_required
def add_slots(slug):
    week = get_managed_week(slug, current_user)
    form = SlotsForm()
    if form.validate_on_submit():
        attempt(lambda: services.add_slots(
            actor=current_user, week=week, day=form.day.data, start=form.start.data,
            minutes=form.minutes.data or 0, count=form.count.data or 0,
            gap_minutes=form.gap_minutes.data or 0),
            _("%(n)s slots added.", n=form.count.data))
    else:
        flash(_("Enter the day, the first time, the length and the number of slots."), "error")
    return redirect(url_for("b2b.manage", slug=slug) + "#slots")


@bp.route("/organiser/weeks/<slug>/b2b/tables", methods=["POST"])
@organiser_required
def add_tables(slug):
    week = get_managed_week(slug, current_user)
    form = TablesForm()
    if form.validate_on_submit():
        attempt(lambda: services.add_tables(actor=current_user, week=week,
                                            count=form.count.data or 0, prefix=form.prefix.data),
                _("%(n)s tables added.", n=form.count.data))
    return redirect(url_for("b2b.manage", slug=slug) + "#slots")


@bp.route("/organiser/weeks/<slug>/b2b/auto-schedule", methods=["POST"])
@organiser_required
def auto_schedule(slug):
    week = get_managed_week(slug, current_user)
    if ActionForm().validate_on_submit():
        placed = services.auto_schedule(actor=current_user, week=week)
        flash(_("%(n)s meetings scheduled.", n=placed), "success")
    return redirect(url_for("b2b.manage", slug=slug) + "#meetings")


@bp.route("/organiser/weeks/<slug>/b2b/pair", methods=["POST"])
@organiser_required
def pair(slug):
    week = get_managed_week(slug, current_user)
    if ActionForm().validate_on_submit():
        attempt(lambda: services.request_meeting(
            actor=current_user, week=week, buyer_id=request.form.get("buyer_id", type=row_id) or 0,
            supplier_id=request.form.get("supplier_id", type=row_id) or 0),
            _("Meeting added; schedule it below."))
    return redirect(url_for("b2b.manage", slug=slug) + "#meetings")


@bp.route("/organiser/weeks/<slug>/b2b/meetings/<int:meeting_id>/schedule", methods=["POST"])
@organiser_required
def schedule(slug, meeting_id):
    week = get_managed_week(slug, current_user)
    meeting = services.get_meeting(week, meeting_id)
    if ActionForm().validate_on_submit():
        if request.form.get("slot_id") == "":
            attempt(lambda: services.unschedule(actor=current_user, meeting=meeting),
                    _("Schedule saved."))
        else:
            attempt(lambda: services.schedule(
                actor=current_user, meeting=meeting,
                slot_id=request.form.get("slot_id", type=row_id) or 0,
                table_id=request.form.get("table_id", type=row_id) or 0), _("Schedule saved."))
    return redirect(url_for("b2b.manage", slug=slug) + f"#m{meeting_id}")


@bp.route("/organiser/weeks/<slug>/b2b/meetings/<int:meeting_id>/outcome", methods=["POST"])
@organiser_required
def organiser_outcome(slug, meeting_id):
    week = get_managed_week(slug, current_user)
    meeting = services.get_meeting(week, meeting_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        attempt(lambda: services.record_outcome(actor=current_user, meeting=meeting,
                                                outcome=form.outcome.data, notes=form.notes.data),
                _("Saved."))
    return redirect(url_for("b2b.manage", slug=slug) + f"#m{meeting_id}")


@bp.route("/organiser/weeks/<slug>/b2b/meetings/<int:meeting_id>/mou", methods=["POST"])
@organiser_required
def create_mou(slug, meeting_id):
    """A draft MoU prefilled from the meeting: its parties and the supplier's matching products."""
    week = get_managed_week(slug, current_user)
    meeting = services.get_meeting(week, meeting_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("b2b.manage", slug=slug))
    found = services.matches(week, buyer=meeting.buyer, supplier_id=meeting.supplier_id)
    products = [p.id for p in found[0].products] if found else []
    document = documents.create_mou(actor=current_user, week=week, supplier_id=meeting.supplier_id,
                                    buyer_business_id=meeting.buyer.business_id, meeting=meeting,
                                    product_ids=products[:10])
    flash(_("Draft MoU created from the meeting."), "success")
    return redirect(url_for("documents.detail", document_id=document.id))


# -- buyers register -----------------------------------------------------------------------------

@bp.route("/weeks/<slug>/b2b/register", methods=["GET", "POST"])
@signup_limited
def register(slug):
    week = get_visible_week(slug, current_user if current_user.is_authenticated else None)
    signed_in = current_user.is_authenticated
    if signed_in and current_user.role != "buyer":
        raise Forbidden(_("Sign in with a buyer's account, or sign out to register a new buyer."))
    form = _need_form(BuyerForm() if signed_in else NewBuyerForm())
    if form.validate_on_submit():
        data = {key: form[key].data for key in ("kind", "contact_name", "contact_position",
                                                "contact_phone", "contact_email", "consent")}
        data["need"] = _need_data(form)
        try:
            if signed_in:
                services.register_buyer(week=week, data=data, user=current_user)
            else:
                scheme, code = split_province(form.province.data)
                business = {key: form[key].data for key in (
                    "name", "legal_form", "tax_code", "address", "representative",
                    "representative_position", "phone")}
                business.update(province_scheme=scheme, province_code=code, email=form.email.data)
                _buyer, user = services.register_buyer(
                    week=week, data=data, business=business,
                    account={"email": form.email.data, "password": form.password.data,
                             "full_name": form.contact_name.data})
                browser.sign_in(user)
            flash(_("Registered for the B2B session. Here are the suppliers matching your needs."), "success")
            return redirect(url_for("b2b.participant", slug=slug))
        except ValidationFailed as error:
            # "business.phone" and "need.product_group" are this form's "phone", "product_group"
            error.fields = {name.split(".", 1)[-1]: message for name, message in error.fields.items()}
            form.apply_errors(error)
        except AppError as error:
            flash(error.message, "error")
    return render_template("b2b/register.html", week=week, form=form, signed_in=signed_in,
                           over=services.session_over(week)), \
        (422 if request.method == "POST" else 200)


# -- participants --------------------------------------------------------------------------------

@bp.route("/my/b2b")
@participant_required
def home():
    return render_template("b2b/home.html", weeks=services.participant_weeks(current_user))


@bp.route("/my/weeks/<slug>/b2b")
@participant_required
def participant(slug):
    week = get_visible_week(slug, current_user)
    taking_part = services.participation(week, current_user)
    side, buyer, supplier_id = taking_part.side, taking_part.buyer, taking_part.supplier_id
    if side == "buyer" and buyer is None:
        return redirect(url_for("b2b.register", slug=slug))
    services.expire_requests(week)
    meetings = services.participant_meetings(week, buyer=buyer, supplier_id=supplier_id)
    found = services.matches_page(week, page_number(request.args), buyer=buyer,
                                  supplier_id=supplier_id)
    open_pairs = {(m.buyer_id, m.supplier_id) for m in meetings if m.status in services.OPEN_STATUSES}
    return render_template(
        "b2b/participant.html", week=week, side=side, buyer=buyer, meetings=meetings,
        page=found, open_pairs=open_pairs, action=ActionForm(),
        need_form=_need_form(NeedForm()), outcome_form=OutcomeForm(),
        over=services.session_over(week), cancelled=services.cancel_reasons(meetings),
        group_title=_group_title, need_label=_need_label,
        cancel_consequence=cancel_consequence, remove_need_consequence=remove_need_consequence,
        preferences=services.my_preferences(week, taking_part),
        marked=services.marked_names(week, taking_part), levels=list(PreferenceLevel),
        slots=services.slots(week), blocked=services.blocked_slot_ids(week, taking_part),
        published=services.is_published(week), now=utcnow(),
        others=services.supplier_names(week) if side == "buyer"
        else [(b.id, b.business.name) for b in services.week_buyers(week)])


@bp.route("/my/weeks/<slug>/b2b/meetings/<int:meeting_id>/flag", methods=["POST"])
@participant_required
def flag(slug, meeting_id):
    """Flag a conflict with a scheduled meeting for the organiser (an empty note withdraws it)."""
    week = get_visible_week(slug, current_user)
    meeting = services.get_meeting(week, meeting_id)
    if ActionForm().validate_on_submit():
        note = request.form.get("note", "")
        attempt(lambda: services.flag_meeting(actor=current_user, meeting=meeting, note=note),
                _("The organiser sees your note.") if note.strip() else _("Flag withdrawn."))
    return redirect(url_for("b2b.participant", slug=slug) + f"#m{meeting_id}")


@bp.route("/my/weeks/<slug>/b2b/meetings/<int:meeting_id>/attendance", methods=["POST"])
@participant_required
def attendance(slug, meeting_id):
    """A side says whether the meeting happened ("met" or "missed")."""
    week = get_visible_week(slug, current_user)
    meeting = services.get_meeting(week, meeting_id)
    if ActionForm().validate_on_submit():
        attempt(lambda: services.record_attendance(actor=current_user, meeting=meeting,
                                                   said=request.form.get("said", "")),
                _("Thank you: saved."))
    return redirect(url_for("b2b.participant", slug=slug) + f"#m{meeting_id}")


@bp.route("/my/weeks/<slug>/b2b/schedule.ics")
@participant_required
def schedule_ics(slug):
    """The participant's meetings as a calendar file for their phone."""
    week = get_visible_week(slug, current_user)
    taking_part = services.participation(week, current_user)
    if taking_part.side == "buyer" and taking_part.buyer is None:
        abort(404)
    meetings = services.participant_meetings(week, buyer=taking_part.buyer,
                                             supplier_id=taking_part.supplier_id)
    content = render_calendar(week, meetings, side=taking_part.side, host=request.host, lang=g.lang)
    return download(content, "text/calendar; charset=utf-8", f"b2b-{week.slug}.ics")


@bp.route("/my/weeks/<slug>/b2b/preferences", methods=["POST"])
@participant_required
def preference(slug):
    """Mark one buyer or supplier must meet / would meet / do not meet (or clear the mark)."""
    week = get_visible_week(slug, current_user)
    services.participation(week, current_user)  # 403 for anyone else, whatever the form
    if ActionForm().validate_on_submit():
        attempt(lambda: services.set_preference(
            actor=current_user, week=week, other_id=request.form.get("other_id", type=row_id) or 0,
            level=request.form.get("level", "")), _("Preference saved."))
    return redirect(url_for("b2b.participant", slug=slug) + "#preferences")


@bp.route("/my/weeks/<slug>/b2b/blocked-slots", methods=["POST"])
@participant_required
def blocked_slots(slug):
    """The slots the participant cannot meet in (the boxes ticked replace the earlier ones)."""
    week = get_visible_week(slug, current_user)
    services.participation(week, current_user)  # 403 for anyone else, whatever the form
    if ActionForm().validate_on_submit():
        attempt(lambda: services.set_blocked_slots(actor=current_user, week=week,
                                                   slot_ids=request.form.getlist("slots")),
                _("Your unavailable times are saved."))
    return redirect(url_for("b2b.participant", slug=slug) + "#availability")


@bp.route("/my/weeks/<slug>/b2b/request", methods=["POST"])
@participant_required
def request_meeting(slug):
    week = get_visible_week(slug, current_user)
    taking_part = services.participation(week, current_user)
    buyer, supplier_id = taking_part.buyer, taking_part.supplier_id
    if ActionForm().validate_on_submit():
        attempt(lambda: services.request_meeting(
            actor=current_user, week=week,
            buyer_id=buyer.id if buyer else request.form.get("buyer_id", type=row_id) or 0,
            supplier_id=supplier_id or request.form.get("supplier_id", type=row_id) or 0,
            message=request.form.get("message", "")),
            _("Meeting requested; the other side will answer."))
    return redirect(url_for("b2b.participant", slug=slug))


@bp.route("/my/weeks/<slug>/b2b/meetings/<int:meeting_id>/<any(accept, decline, cancel, outcome):step>",
          methods=["POST"])
@participant_required
def meeting_step(slug, meeting_id, step):
    week = get_visible_week(slug, current_user)
    meeting = services.get_meeting(week, meeting_id)
    form = OutcomeForm() if step == "outcome" else ActionForm()
    back = url_for("b2b.participant", slug=slug) + f"#m{meeting_id}"
    if not form.validate_on_submit():
        return redirect(back)
    if step == "cancel":
        return _cancel(week, meeting, back)
    steps = {
        "accept": (lambda: services.respond(actor=current_user, meeting=meeting, accept=True),
                   _("Meeting accepted; the organiser gives it a time and a table.")),
        "decline": (lambda: services.respond(actor=current_user, meeting=meeting, accept=False),
                    _("Request declined.")),
        "outcome": (lambda: services.record_outcome(actor=current_user, meeting=meeting,
                                                    outcome=form.outcome.data,
                                                    notes=form.notes.data), _("Outcome saved."))}
    action, done = steps[step]
    attempt(action, done)
    return redirect(back)


def _cancel(week, meeting, back: str):
    """Cancel a meeting; without the reason an accepted one needs, the confirmation again on a
    page of its own (422) and nothing changed."""
    side = services.participation(week, current_user).side
    reason = request.form.get("reason", "")
    consequence = cancel_consequence(meeting, side)
    try:
        services.cancel_meeting(actor=current_user, meeting=meeting, reason=reason)
    except ValidationFailed as error:
        if "reason" not in error.fields:
            flash(error.message, "error")
            return redirect(back)
        return render_template(
            "confirm_action.html",
            title=_("Cancel the meeting with %(name)s", name=_other_side(meeting, side)),
            url=request.path,
            label=_("Cancel the meeting"), consequence=consequence, reason="required",
            reason_label=_("Reason (the other side is told it)"), reason_value=reason,
            error=error.fields["reason"], back=back), 422
    except AppError as error:
        if error.status in (401, 403, 404):
            raise
        flash(error.message, "error")
        return redirect(back)
    flash(_("Meeting cancelled; its time and table are free again."), "success")
    return redirect(back)


@bp.route("/my/weeks/<slug>/b2b/needs", methods=["POST"])
@role_required("buyer")
def add_need(slug):
    week = get_visible_week(slug, current_user)
    buyer = services.participation(week, current_user).buyer
    if buyer is None:
        abort(404)
    form = _need_form(NeedForm())
    if form.validate_on_submit():
        attempt(lambda: services.add_need(actor=current_user, buyer=buyer, data=_need_data(form)),
                _("Need added."))
    return redirect(url_for("b2b.participant", slug=slug))


@bp.route("/my/weeks/<slug>/b2b/needs/<int:need_id>/delete", methods=["POST"])
@role_required("buyer")
def remove_need(slug, need_id):
    week = get_visible_week(slug, current_user)
    buyer = services.participation(week, current_user).buyer
    if buyer is None:
        abort(404)
    if ActionForm().validate_on_submit():
        attempt(lambda: services.remove_need(actor=current_user, buyer=buyer, need_id=need_id),
                _("Need removed."))
    return redirect(url_for("b2b.participant", slug=slug) + "#needs")


@bp.route("/my/weeks/<slug>/b2b/schedule.pdf")
@participant_required
def schedule_pdf(slug):
    week = get_visible_week(slug, current_user)
    taking_part = services.participation(week, current_user)
    side, buyer, supplier_id = taking_part.side, taking_part.buyer, taking_part.supplier_id
    if side == "buyer" and buyer is None:
        abort(404)
    meetings = services.participant_meetings(week, buyer=buyer, supplier_id=supplier_id)
    name = current_user.business.name
    content = render_schedule(week, name, meetings, side=side, lang=g.lang)
    return download(content, "application/pdf", f"b2b-{week.slug}.pdf", inline=True)


@bp.route("/organiser/weeks/<slug>/b2b/schedule.pdf")
@organiser_required
def participant_schedule_pdf(slug):
    """A participant's schedule for the organiser's desk: ?buyer=<id> or ?supplier=<id>."""
    week = get_managed_week(slug, current_user)
    buyer_id, supplier_id = request.args.get("buyer", type=row_id), request.args.get("supplier", type=row_id)
    if buyer_id:
        buyer = services.get_buyer(week, buyer_id)
        meetings, side, name = services.participant_meetings(week, buyer=buyer), "buyer", buyer.business.name
    elif supplier_id:
        meetings = services.participant_meetings(week, supplier_id=supplier_id)
        side = "supplier"
        name = meetings[0].supplier.name if meetings else str(supplier_id)
    else:
        abort(404)
    return download(render_schedule(week, name, meetings, side=side, lang=g.lang), "application/pdf",
                    f"b2b-{week.slug}-{side}.pdf", inline=True)
