"""Routes: badges for organisers and exhibitors, visitor registration, badge codes, the gate."""
from __future__ import annotations

import io
import secrets

from flask import (Blueprint, Response, flash, g, make_response, redirect, render_template,
                   request, send_file, session, url_for)
from flask_babel import gettext as _
from flask_login import current_user

from exhibit.badges import listing, printing, services
from exhibit.scanning import checkin
from exhibit.badges.forms import (BadgeForm, CheckInForm, DeskPrintForm, PrintForm, ReasonForm,
                                  StaffForm, VisitorForm, WalkInForm)
from exhibit.badges.models import BadgeKind
from exhibit.badges.render import render_sheet
from exhibit.core.downloads import PRIVATE, download
from exhibit.core.errors import AppError, NotFound, ValidationFailed
from exhibit.core.forms import ActionForm
from exhibit.core.paging import page_number, search_text
from exhibit.core.privacy_links import privacy_link
from exhibit.core.permissions import exhibitor_required, organiser_required, role_required
from exhibit.extensions import limiter
from exhibit.media import storage
from exhibit.weeks.services import get_managed_week, get_visible_week, get_week, is_organiser_of

bp = Blueprint("badges", __name__)
gate_required = role_required("organiser", "entrance")


def _pdf(content: bytes, filename: str) -> Response:
    return download(content, "application/pdf", filename, inline=True)


def _sheet(faces, layout: str, title: str) -> bytes:
    buffer = io.BytesIO()
    render_sheet(buffer, faces, layout_key=layout, title=title)
    return buffer.getvalue()


def _layout_arg(default: str = "a4-8") -> str:
    layout = request.args.get("layout", default)
    if layout not in ("a4-8", "a6-4", "single", "a6-1", "label-62"):
        raise ValidationFailed(_("Choose a sheet layout."),
                               fields={"layout": _("Choose a sheet layout.")})
    return layout


# -- organiser ---------------------------------------------------------------------------------

@bp.route("/organiser/weeks/<slug>/badges")
@organiser_required
def manage(slug):
    """The week's badges of one kind, searched (name, phone, email, organisation, code) and
    filtered by state on the server, a page at a time."""
    week = get_managed_week(slug, current_user)
    badges = listing.badge_list(week, listing.BadgeFilters.from_args(request.args),
                                page=page_number(request.args))
    kind = badges.filters.kind
    return _manage_page(week, badges, BadgeForm(kind="buyer" if kind == "staff" else kind))


@bp.route("/organiser/weeks/<slug>/badges/new", methods=["POST"])
@organiser_required
def add(slug):
    week = get_managed_week(slug, current_user)
    form = BadgeForm()
    if form.validate_on_submit():
        try:
            badge = services.add_badge(actor=current_user, week=week, kind=form.kind.data,
                                       data=form.data)
            flash(_("Badge issued to %(name)s.", name=badge.full_name), "success")
            return redirect(url_for("badges.manage", slug=slug, kind=badge.kind))
        except ValidationFailed as error:
            form.apply_errors(error)
    badges = listing.badge_list(week, listing.BadgeFilters.from_args(
        {"kind": form.kind.data or "buyer"}))
    return _manage_page(week, badges, form), 422


def _manage_page(week, badges: listing.BadgeList, form: BadgeForm) -> str:
    kind = badges.filters.kind
    return render_template("badges/manage.html", week=week, kind=kind, kinds=list(BadgeKind),
                           badges=badges, page=badges.page, states=listing.STATES, form=form,
                           print_form=PrintForm(kind=kind), jobs=printing.week_jobs(week),
                           action=ActionForm(), checkins=checkin.checkins_by_day(week),
                           revoke_consequence=services.revoke_consequence)


@bp.route("/organiser/weeks/<slug>/badges/<int:badge_id>/revoke", methods=["POST"])
@organiser_required
def revoke(slug, badge_id):
    week = get_managed_week(slug, current_user)
    badge = services.get_week_badge(week, badge_id)
    # back to the list as it was (the help desk's search, state and page), cleaned again
    kept = listing.BadgeFilters.from_args(request.args).query_args()
    back = url_for("badges.manage", slug=slug, kind=badge.kind, page=page_number(request.args),
                   **kept)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            services.revoke_badge(actor=current_user, badge=badge, reason=form.reason.data)
        except ValidationFailed as exc:
            return render_template(
                "confirm_action.html", title=_("Revoke the badge of %(name)s", name=badge.full_name),
                url=request.full_path.rstrip("?"), label=_("Revoke"),
                consequence=services.revoke_consequence(badge), reason="required",
                reason_label=_("Reason (kept in the audit log)"), reason_maxlength=300,
                reason_value=form.reason.data or "", error=exc.fields.get("reason", exc.message),
                back=back), 422
        flash(_("Badge of %(name)s revoked: its codes no longer open the entrance.",
                name=badge.full_name), "success")
    return redirect(back)


@bp.route("/organiser/weeks/<slug>/badges/<int:badge_id>.pdf")
@organiser_required
def one_badge(slug, badge_id):
    week = get_managed_week(slug, current_user)
    badge = services.get_week_badge(week, badge_id)
    return _pdf(_badge_pdf(week, badge, _layout_arg("single")), f"badge-{badge.id}.pdf")


def _badge_pdf(week, badge, layout: str) -> bytes:
    codes = services.booth_codes_of(week, badge.business_id)
    face = services.face_for(badge, week, lang=g.lang, booth_codes=codes)
    return _sheet([face], layout, badge.full_name)


@bp.route("/organiser/weeks/<slug>/badges/print", methods=["POST"])
@organiser_required
def start_print(slug):
    week = get_managed_week(slug, current_user)
    form = PrintForm()
    if not form.validate_on_submit():
        flash(_("Choose which badges and which sheet."), "error")
        return redirect(url_for("badges.manage", slug=slug))
    job = printing.start_print_job(actor=current_user, week=week, kind=form.kind.data,
                                   layout=form.layout.data, lang=g.lang)
    if job.reused:
        flash(_("This sheet is already being printed; here is its progress."), "info")
    # the sheet renders in a worker or a background thread: the answer is its progress page
    return redirect(url_for("badges.print_job", slug=slug, job_id=job.id), 303)


@bp.route("/organiser/weeks/<slug>/print-jobs/<int:job_id>")
@organiser_required
def print_job(slug, job_id):
    week = get_managed_week(slug, current_user)
    job = printing.get_job(week, job_id)
    return render_template("badges/print_job.html", week=week, job=job,
                           abandoned=printing.is_abandoned(job),
                           abandoned_message=printing.abandoned_message())


@bp.route("/organiser/weeks/<slug>/print-jobs/<int:job_id>.pdf")
@organiser_required
def print_job_file(slug, job_id):
    week = get_managed_week(slug, current_user)
    job = printing.get_job(week, job_id)
    if job.status != "done" or not job.file_key:
        raise NotFound(_("This print job has no file yet."))
    response = send_file(storage.path_for(job.file_key), mimetype="application/pdf",
                         download_name=f"the-{week.slug}-{job.kind}-{job.layout}.pdf",
                         as_attachment=False, conditional=True, max_age=0)
    response.headers["Cache-Control"] = PRIVATE
    return response


# -- exhibitor staff ---------------------------------------------------------------------------

@bp.route("/my/weeks/<slug>/staff", methods=["GET", "POST"])
@exhibitor_required
def staff(slug):
    week = get_visible_week(slug, current_user)
    form = StaffForm()
    status = 200
    if form.validate_on_submit():
        try:
            badge = services.add_staff_badge(actor=current_user, week=week, data=form.data)
            flash(_("Badge added for %(name)s.", name=badge.full_name), "success")
            return redirect(url_for("badges.staff", slug=slug))
        except ValidationFailed as error:
            form.apply_errors(error)
            status = 422
        except AppError as error:
            form.extra_errors = [error.message]
            status = error.status
    used, allowed = services.staff_allowance(week, current_user.business_id)
    return render_template("badges/staff.html", week=week, form=form, used=used,
                           allowed=allowed, action=ActionForm(),
                           revoke_consequence=services.revoke_consequence,
                           badges=services.business_staff(week, current_user.business_id)
                           ), status


@bp.route("/my/weeks/<slug>/staff/<int:badge_id>/revoke", methods=["POST"])
@exhibitor_required
def revoke_staff(slug, badge_id):
    week = get_visible_week(slug, current_user)
    badge = services.get_week_badge(week, badge_id)
    form = ReasonForm()
    if form.validate_on_submit():
        services.revoke_badge(actor=current_user, badge=badge, reason=form.reason.data)
        flash(_("Badge of %(name)s revoked: its codes no longer open the entrance.",
                name=badge.full_name), "success")
    return redirect(url_for("badges.staff", slug=slug))


@bp.route("/my/weeks/<slug>/staff/badges.pdf")
@exhibitor_required
def staff_sheet(slug):
    week = get_visible_week(slug, current_user)
    layout = _layout_arg()
    buffer = io.BytesIO()
    printing.write_week_sheet(buffer, week, "staff", layout, lang=g.lang,
                              business_id=current_user.business_id)
    return _pdf(buffer.getvalue(), f"the-nhan-vien-{week.slug}.pdf")


# -- visitors ----------------------------------------------------------------------------------

@bp.route("/weeks/<slug>/visit", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register_visitor(slug):
    week = get_visible_week(slug, current_user)
    closed = services.visitor_registration_closed(week)
    if closed:
        # Say so instead of the form: nothing typed into it could be accepted.
        return render_template("badges/register.html", week=week, form=None, closed=closed), \
            (200 if request.method == "GET" else 403)
    form = VisitorForm()
    status = 200
    if form.validate_on_submit():
        try:
            badge = services.register_visitor(week=week, data=form.data)
            # the privacy page's link, shown once on the next page: never in its address,
            # which anyone holding the badge's entry code could open
            session["privacy_link"] = privacy_link(
                week.organizer_id, phone=badge.phone) if badge.phone else privacy_link(
                week.organizer_id, email=badge.email)
            return redirect(url_for("badges.entry", code=badge.entry_code, new=1))
        except AppError as error:
            form.apply_errors(error)
            status = error.status
    return render_template("badges/register.html", week=week, form=form), status


@bp.route("/e/<code>")
def entry(code):
    """Where a badge's entrance QR leads: the badge's status, its PDF, and for entrance staff a
    check-in button."""
    badge = services.badge_by_entry_code(code)
    if badge is None:
        raise NotFound(_("Unknown code."), code="unknown_code")
    can_check_in = current_user.is_authenticated and checkin.may_check_in(
        current_user, badge.week.organizer_id)
    form = CheckInForm(code=badge.entry_code, nonce=secrets.token_urlsafe(12))
    new = request.args.get("new") == "1"
    return render_template("badges/entry.html", badge=badge, week=badge.week,
                           can_check_in=can_check_in, form=form, new=new,
                           privacy_url=session.pop("privacy_link", "") if new else "")


@bp.route("/e/<code>/badge.pdf")
def entry_badge(code):
    badge = services.badge_by_entry_code(code)
    if badge is None or badge.revoked_at is not None:
        raise NotFound(_("Unknown code."), code="unknown_code")
    return _pdf(_badge_pdf(badge.week, badge, _layout_arg("single")),
                f"the-{badge.week.slug}.pdf")


@bp.route("/c/<code>")
def contact_code(code):
    """Where a badge's exhibitor QR leads: exhibitors save the contact, others see why not."""
    badge = services.badge_by_contact_code(code)
    if badge is None:
        raise NotFound(_("Unknown code."), code="unknown_code")
    return render_template("badges/contact_code.html", badge=badge, week=badge.week,
                           code=badge.contact_code)


# -- the entrance ------------------------------------------------------------------------------

@bp.route("/gate")
@gate_required
def gate_home():
    from exhibit.weeks.services import organiser_weeks
    weeks = organiser_weeks(current_user)
    return render_template("badges/gate_home.html", weeks=weeks)


@bp.route("/gate/<slug>", methods=["GET", "POST"])
@gate_required
def gate(slug):
    week = get_week(slug)
    if not checkin.may_check_in(current_user, week.organizer_id):
        raise NotFound(_("There is no exhibition week at this address."))
    form = CheckInForm()
    result, status = None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                result = checkin.check_in(actor=current_user, code=form.code.data or "",
                                          nonce=form.nonce.data or "")
            except ValidationFailed as error:
                form.apply_errors(error)
                status = 422
        else:
            status = 400
    fresh = CheckInForm(formdata=None, nonce=secrets.token_urlsafe(12))
    return render_template("badges/gate.html", week=week, form=fresh, failed=form,
                           result=result, recent=checkin.recent_scans(week)), status


# -- walk-ins at the desk ------------------------------------------------------------------------

#: what the desk prints one badge on: an A6 card, or a label from a 62 mm label printer
DESK_LAYOUTS = ("a6-1", "label-62")
#: live visitors' and buyers' badges listed by the desk's search, per kind
DESK_SEARCH_SIZE = 10


def _desk_week(slug):
    week = get_week(slug)
    if not services.may_run_desk(current_user, week):
        raise NotFound(_("There is no exhibition week at this address."))
    return week


def _desk_search(week, q: str) -> list:
    """The week's live visitors' and buyers' badges matching the desk's search box (the
    organisers' badge list search: name, phone, email, organisation or code)."""
    if not q:
        return []
    found = []
    for kind in services.WALK_IN_KINDS:
        badges = listing.badge_list(week, listing.BadgeFilters(kind=kind.value, q=q,
                                                               state="active"),
                                    size=DESK_SEARCH_SIZE)
        # the list moves to another kind when this one has nothing: not the desk's badges
        if badges.filters.kind == kind.value:
            found += [badge for badge, _checked_in in badges.page.rows]
    return found


@bp.route("/gate/<slug>/walk-in", methods=["GET", "POST"])
@gate_required
def walk_in(slug):
    """Register a visitor or buyer who arrived without a badge, or find one to print again."""
    week = _desk_week(slug)
    closed = services.visitor_registration_closed(week)
    form = WalkInForm()
    existing, status = None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                badge = services.register_walk_in(actor=current_user, week=week,
                                                  kind=form.kind.data or "", data=form.data)
                flash(_("Badge issued to %(name)s. Print it now.", name=badge.full_name),
                      "success")
                return redirect(url_for("badges.walk_in_badge", slug=slug, badge_id=badge.id),
                                303)
            except services.AlreadyRegistered as error:
                existing = error.badge
                form.apply_errors(error)
                status = error.status
            except ValidationFailed as error:
                form.apply_errors(error)
                status = error.status
        else:
            status = 400
    q = search_text(request.args)
    return render_template("badges/walk_in.html", week=week, form=form, existing=existing,
                           closed=closed, q=q, found=_desk_search(week, q)), status


@bp.route("/gate/<slug>/walk-in/<int:badge_id>")
@gate_required
def walk_in_badge(slug, badge_id):
    """One visitor's or buyer's badge at the desk, with its print buttons (and, once it was
    printed, the warning that another copy is out there)."""
    week = _desk_week(slug)
    badge = services.desk_badge(week, badge_id)
    response = make_response(render_template(
        "badges/walk_in_badge.html", week=week, badge=badge,
        may_reissue=is_organiser_of(current_user, week.organizer_id),
        reissue_consequence=services.reissue_consequence(badge)))
    # back from the PDF, the page is asked for again: it shows the print just counted
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/gate/<slug>/walk-in/<int:badge_id>/print", methods=["POST"])
@gate_required
def walk_in_print(slug, badge_id):
    """Count one print, then open the PDF. Counted here, in a POST, never when the PDF is
    fetched: browsers fetch a PDF again on their own (prefetch, retries, the viewer's
    reloads)."""
    week = _desk_week(slug)
    badge = services.desk_badge(week, badge_id)
    form = DeskPrintForm()
    if not form.validate_on_submit():
        message = _("Choose A6 or a 62 mm label.")
        raise ValidationFailed(message, fields={"layout": message})
    services.record_print(badge=badge)
    return redirect(url_for("badges.walk_in_pdf", slug=slug, badge_id=badge.id,
                            layout=form.layout.data), 303)


@bp.route("/gate/<slug>/walk-in/<int:badge_id>/reissue", methods=["POST"])
@gate_required
def walk_in_reissue(slug, badge_id):
    """A lost badge: revoke it and issue a new one to the same person (organisers)."""
    week = _desk_week(slug)
    badge = services.desk_badge(week, badge_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        raise ValidationFailed(_("Please correct the marked fields."))
    try:
        fresh = services.reissue_badge(actor=current_user, badge=badge, reason=form.reason.data)
    except ValidationFailed as error:
        flash(error.fields.get("reason", error.message), "error")
        return redirect(url_for("badges.walk_in_badge", slug=slug, badge_id=badge.id), 303)
    flash(_("The lost badge was revoked and a new one issued to %(name)s. Print it now.",
            name=fresh.full_name), "success")
    return redirect(url_for("badges.walk_in_badge", slug=slug, badge_id=fresh.id), 303)


@bp.route("/gate/<slug>/walk-in/<int:badge_id>.pdf")
@gate_required
def walk_in_pdf(slug, badge_id):
    week = _desk_week(slug)
    badge = services.desk_badge(week, badge_id)
    if badge.revoked_at is not None:
        raise NotFound(_("This badge was revoked."))
    layout = request.args.get("layout", "a6-1")
    if layout not in DESK_LAYOUTS:
        message = _("Choose A6 or a 62 mm label.")
        raise ValidationFailed(message, fields={"layout": message})
    return _pdf(_badge_pdf(week, badge, layout), f"the-{week.slug}-{badge.id}-{layout}.pdf")
