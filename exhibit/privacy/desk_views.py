"""Pages of the requests desk (privacy/desk.py):

- ``privacy_desk`` (organisers): the list of requests with both clocks, overdue first; a
  request's page with its actions; a form for a request taken by phone or letter; the access
  export;
- ``privacy_tasks`` (exhibitors): the requests forwarded to the business, each confirmed done;
- ``privacy_export`` (public): the export an access request's answer links to, by a signed
  link that ends after export.LINK_DAYS days.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import EmailField, IntegerField, SelectField, StringField, TextAreaField

from exhibit.core import audit, paging
from exhibit.core.db import utcnow
from exhibit.core.downloads import PRIVATE
from exhibit.core.downloads import download as send_download
from exhibit.core.errors import ValidationFailed, attempt
from exhibit.core.forms import ActionForm, BaseForm, row_id
from exhibit.core.permissions import exhibitor_required, organiser_required
from exhibit.extensions import db, limiter
from exhibit.privacy import desk, export
from exhibit.privacy.models import REQUEST_KIND_TITLES, RequestKind
from exhibit.weeks.services import organiser_weeks

bp = Blueprint("privacy_desk", __name__, url_prefix="/organiser/privacy")
tasks_bp = Blueprint("privacy_tasks", __name__)
export_bp = Blueprint("privacy_export", __name__)

PAGE_SIZE = 50


@bp.app_template_global()
def privacy_overdue_count() -> int:
    """Overdue requests of the signed-in organiser (the organiser's desk shows the count)."""
    if not getattr(current_user, "is_authenticated", False) or not current_user.is_organiser:
        return 0
    return desk.overdue_count(current_user.organizer_id)


@bp.app_template_global()
def privacy_open_task_count() -> int:
    """Unconfirmed tasks of the signed-in exhibitor's business."""
    if not getattr(current_user, "is_authenticated", False) or not current_user.is_exhibitor:
        return 0
    return desk.open_task_count(current_user.business_id)


class NewRequestForm(BaseForm):
    kind = SelectField(_l("The person asks to"), choices=[
        (kind.value, REQUEST_KIND_TITLES[kind]) for kind in RequestKind], validate_choice=False)
    subject_name = StringField(_l("Name"), render_kw={"maxlength": 200, "autocomplete": "off"})
    subject_phone = StringField(_l("Phone"), render_kw={"inputmode": "tel", "autocomplete": "off"},
                                description=_l("The phone or the email the person gave us: "
                                               "their data is found by it, and the answers go "
                                               "to it."))
    subject_email = EmailField(_l("Email"), render_kw={"maxlength": 254, "autocomplete": "off"})
    week = SelectField(_l("Week (optional)"), choices=[], validate_choice=False)
    details = TextAreaField(_l("Details"), render_kw={"rows": 3, "maxlength": 4000},
                            description=_l("How the request came (a call, a letter) and what "
                                           "exactly is asked; for a correction, the right "
                                           "values."))


class ExtendForm(BaseForm):
    days = IntegerField(_l("Days more"), default=desk.EXTENSION_MAX_DAYS,
                        render_kw={"min": 1, "max": desk.EXTENSION_MAX_DAYS})
    reason = TextAreaField(_l("Reason (told to the person)"),
                           render_kw={"rows": 2, "maxlength": 2000, "required": True})


class CompleteForm(BaseForm):
    full_name = StringField(_l("Corrected name"), render_kw={"maxlength": 200})
    phone = StringField(_l("Corrected phone"), render_kw={"inputmode": "tel"})
    email = EmailField(_l("Corrected email"), render_kw={"maxlength": 254})
    organisation = StringField(_l("Corrected organisation"), render_kw={"maxlength": 255})
    outcome = TextAreaField(_l("Answer to the person (optional)"),
                            render_kw={"rows": 3, "maxlength": 4000})


class ConfirmTaskForm(BaseForm):
    note = TextAreaField(_l("Note (optional)"), render_kw={"rows": 2, "maxlength": 2000},
                         description=_l("What you did, e.g. deleted from the exported list "
                                        "and from our customer software."))


# ---------------------------------------------------------------------------- organisers

@bp.route("/requests")
@organiser_required
def requests():
    chosen = desk.DeskFilter.from_args(request.args)
    now = utcnow()
    page = paging.counted_page(desk.desk_query(current_user.organizer_id, chosen, now),
                               paging.page_number(request.args), PAGE_SIZE)
    return render_template("privacy/desk.html", page=page, chosen=chosen, now=now, desk=desk,
                           kinds=list(RequestKind),
                           overdue=desk.overdue_count(current_user.organizer_id, now))


def _week_choices():
    return [("", _("Not about one week"))] + [
        (str(w.id), w.name("vi")) for w in organiser_weeks(current_user)]


@bp.route("/requests/new", methods=["GET", "POST"])
@organiser_required
def new_request():
    form = NewRequestForm()
    form.week.choices = _week_choices()
    if form.validate_on_submit():
        try:
            # one of the weeks offered (the service checks it is the organiser's), or none
            week_id = row_id(form.week.data) if form.week.data else None
        except ValueError:
            week_id = 0
        try:
            if week_id == 0:
                raise ValidationFailed(_("Please correct the marked fields."),
                                       fields={"week": _("Choose one of your weeks.")})
            made = desk.receive_request(
                organizer_id=current_user.organizer_id, kind=form.kind.data,
                subject_name=form.subject_name.data, subject_phone=form.subject_phone.data,
                subject_email=form.subject_email.data, details=form.details.data, via="staff",
                week=week_id, entered_by=current_user)
        except ValidationFailed as error:
            form.apply_errors(error)
        else:
            flash(_("Request %(code)s recorded; the person was sent a receipt.",
                    code=desk.reference(made)), "success")
            return redirect(url_for("privacy_desk.detail", request_id=made.id))
    return render_template("privacy/desk_new.html", form=form), 422 if form.errors else 200


@bp.route("/requests/<int:request_id>")
@organiser_required
def detail(request_id):
    item = desk.request_for(current_user.organizer_id, request_id)
    now = utcnow()
    leads = desk.subject_leads(item.organizer_id, phone=item.subject_phone,
                               email=item.subject_email)
    badges = desk.subject_badges(item.organizer_id, phone=item.subject_phone,
                                 email=item.subject_email)
    held_by: dict[int, list] = {}
    for lead in leads:
        held_by.setdefault(lead.business_id, []).append(lead)
    tasked = {task.business_id for task in item.tasks}
    return render_template(
        "privacy/desk_detail.html", item=item, now=now, desk=desk, badges=badges,
        held_by=held_by, not_forwarded=[b for b in held_by if b not in tasked],
        extend_form=ExtendForm(formdata=None), complete_form=CompleteForm(formdata=None),
        action=ActionForm(),
        history=audit.entries(entity="data_request", entity_id=item.id, limit=100))


def _back(request_id: int):
    return redirect(url_for("privacy_desk.detail", request_id=request_id))


def _posted(form=None) -> bool:
    """The form came from our page (its CSRF token holds); else the person is told to retry."""
    if (form or ActionForm()).validate_on_submit():
        return True
    flash(_("The page had expired. Please try again."), "error")
    return False


@bp.route("/requests/<int:request_id>/acknowledge", methods=["POST"])
@organiser_required
def acknowledge(request_id):
    desk.request_for(current_user.organizer_id, request_id)
    if _posted():
        attempt(lambda: desk.acknowledge(request_id, actor=current_user),
                _("Request acknowledged."))
    return _back(request_id)


@bp.route("/requests/<int:request_id>/extend", methods=["POST"])
@organiser_required
def extend(request_id):
    desk.request_for(current_user.organizer_id, request_id)
    if _posted():
        attempt(lambda: desk.extend(request_id, actor=current_user,
                                    days=request.form.get("days"),
                                    reason=request.form.get("reason", "")),
                _("Deadline extended."))
    return _back(request_id)


@bp.route("/requests/<int:request_id>/forward", methods=["POST"])
@organiser_required
def forward(request_id):
    desk.request_for(current_user.organizer_id, request_id)
    if _posted():
        attempt(lambda: desk.forward(request_id, actor=current_user),
                _("Forwarded to the exhibitors holding the person's contact."))
    return _back(request_id)


@bp.route("/requests/<int:request_id>/complete", methods=["POST"])
@organiser_required
def complete(request_id):
    item = desk.request_for(current_user.organizer_id, request_id)
    form = CompleteForm()
    if _posted(form):
        corrections = {name: getattr(form, name).data or "" for name in desk.CORRECTABLE} \
            if item.kind == RequestKind.CORRECTION.value else None
        attempt(lambda: desk.complete(request_id, actor=current_user,
                                      outcome=form.outcome.data or "", corrections=corrections),
                _("Request completed; the person was sent the answer."))
    return _back(request_id)


@bp.route("/requests/<int:request_id>/refuse", methods=["POST"])
@organiser_required
def refuse(request_id):
    desk.request_for(current_user.organizer_id, request_id)
    if _posted():
        attempt(lambda: desk.refuse(request_id, actor=current_user,
                                    reason=request.form.get("reason", "")),
                _("Request refused; the person was sent the reason."))
    return _back(request_id)


@bp.route("/requests/<int:request_id>/export.json")
@organiser_required
def export_json(request_id):
    item = desk.request_for(current_user.organizer_id, request_id)
    data = export.to_json(export.request_export(item)).encode("utf-8")
    return send_download(data, "application/json", export.filename(item))


# ---------------------------------------------------------------------------- exhibitors

@tasks_bp.route("/my/privacy-requests")
@exhibitor_required
def tasks():
    rows = desk.business_tasks(current_user.business_id)
    leads = {task.id: desk.subject_leads(task.request.organizer_id,
                                         phone=task.request.subject_phone,
                                         email=task.request.subject_email,
                                         business_id=current_user.business_id)
             for task in rows if task.confirmed_at is None}
    return render_template("privacy/tasks.html", rows=rows, leads=leads, now=utcnow(),
                           desk=desk, form=ConfirmTaskForm(formdata=None))


@tasks_bp.route("/my/privacy-requests/<int:task_id>/confirm", methods=["POST"])
@exhibitor_required
def confirm(task_id):
    form = ConfirmTaskForm()
    if _posted(form):
        attempt(lambda: desk.confirm_task(task_id, actor=current_user, note=form.note.data),
                _("Thank you: confirmed to the organiser."))
    return redirect(url_for("privacy_tasks.tasks"))


# ---------------------------------------------------------------------------- the person

@export_bp.route("/privacy-export/<token>")
@limiter.limit("30 per hour")
def download(token):
    item = export.request_for_token(token)
    if item is None:
        abort(404)
    data = export.to_json(export.request_export(item)).encode("utf-8")
    response = send_download(data, "application/json", export.filename(item))
    response.headers["Cache-Control"] = PRIVATE
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    db.session.rollback()
    return response
