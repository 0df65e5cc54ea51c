"""The floor plan: public plan and booth pages, and the organiser's booth editor and import.
Booth statuses come from booking (exhibit/booking/plan.py)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from exhibit.booking import holds
from exhibit.booking import queries as booking
from exhibit.booking.plan import (BoothFilters, booths_exhibited_by, booths_page, chosen_hall_id,
                                  exhibitors_of, plan_context)
from exhibit.catalogue import search
from exhibit.core.db import utcnow
from exhibit.core.errors import ValidationFailed
from exhibit.core.forms import ActionForm
from exhibit.core.limits import upload_limited
from exhibit.core.paging import page_number
from exhibit.core.permissions import organiser_required
from exhibit.core.security import UPLOAD_POLICY
from exhibit.extensions import db
from exhibit.floorplan import drawing, dxf, elements, services, wayfinding
from exhibit.floorplan.forms import (BoothForm, CalibrationForm, DrawingForm, DxfImportForm,
                                     DxfUploadForm, ElementForm, HallForm, ImportForm)
from exhibit.floorplan.models import Booth, Hall
from exhibit.vn.dates import vietnam_today
from exhibit.vn.text import search_words
from exhibit.weeks.services import booking_closed_reason, get_managed_week, get_visible_week

bp = Blueprint("floorplan", __name__)

def _plan_search(week, q: str) -> wayfinding.Found:
    """The booths a visitor's search names: by code, by confirmed exhibitor's name (booking's
    fact) or by a product shown there (the catalogue's)."""
    words = search_words(q)[:8]
    if not words and not q:
        return wayfinding.Found()
    codes: dict[str, list[str]] = {}
    if words:
        page = search.search(week, search.Filters(q=q, per_page=wayfinding.MAX_FOUND))
        for item in page.items:
            if item.booth_code:
                codes.setdefault(item.booth_code, []).append(item.product.name)
    id_queries = [booths_exhibited_by(week, words)] if words else []
    return wayfinding.find_booths(week, q, codes=codes, id_queries=id_queries)


@bp.route("/weeks/<slug>/plan")
def plan(slug):
    """The published plan, one hall at a time; ?q= finds booths by code, exhibitor or product
    and marks them (their hall shown), ?booth= marks one booth (a product page's link)."""
    week = get_visible_week(slug, current_user)
    q = wayfinding.clean_query(request.args.get("q"))
    if q:
        found = _plan_search(week, q)
    else:
        found = wayfinding.booth_by_code(week, request.args.get("booth"))
    hall_id = chosen_hall_id(request.args)
    if found.booths and hall_id not in set(found.booths.values()):
        hall_id = None  # the hall of the first booth found
    return render_template("floorplan/plan.html", week=week, found=found, q=q,
                           exhibitors=exhibitors_of(found.booths) if found.booths
                           else {}, **plan_context(week, current_user, hall_id=hall_id,
                                                   found=found.booths))


@bp.route("/weeks/<slug>/halls/<int:hall_id>/drawing/<name>")
def hall_drawing(slug, hall_id, name):
    """The venue's drawing of a hall, as the plan's <image> asks for it: by its file name, so
    a new drawing is a new address and the old one may be cached for long. Served with the
    uploads' sandboxing policy: an SVG opened on its own runs nothing."""
    week = get_visible_week(slug, current_user)
    hall = db.session.get(Hall, hall_id)
    if hall is None or hall.week_id != week.id:
        abort(404)
    path = drawing.stored_drawing(hall, name)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=drawing.mimetype(hall.drawing_key), max_age=86400,
                         conditional=True)
    response.headers["Content-Security-Policy"] = UPLOAD_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


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
                           hold_terms=hold_terms, column_note=elements.column_note(booth),
                           near=wayfinding.neighbourhood(booth))


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
                           dxf_form=DxfUploadForm(),
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


# -- the hall's drawing --------------------------------------------------------------------------

def _week_hall(slug, hall_id):
    week = get_managed_week(slug, current_user)
    hall = db.session.get(Hall, hall_id)
    if hall is None or hall.week_id != week.id:
        abort(404)
    return week, hall


def _drawing_url(week, hall):
    if not hall.drawing_key:
        return None
    return url_for("floorplan.hall_drawing", slug=week.slug, hall_id=hall.id,
                   name=hall.drawing_key.rsplit("/", 1)[-1])


@bp.route("/organiser/weeks/<slug>/halls/<int:hall_id>/drawing", methods=["GET", "POST"])
@organiser_required
@upload_limited
def edit_drawing(slug, hall_id):
    """Upload the venue's drawing of a hall, then calibrate it: two points clicked on it
    (static/js/plan-drawing.js fills their fields; typed by hand without JavaScript) and the
    distance between them."""
    week, hall = _week_hall(slug, hall_id)
    form, calibration = DrawingForm(), CalibrationForm()
    if request.method == "POST":
        if form.validate_on_submit():
            upload = form.drawing.data
            try:
                drawing.upload_drawing(actor=current_user, week=week, hall=hall,
                                       content=upload.read(), filename=upload.filename or "")
            except ValidationFailed as exc:
                form.apply_errors(exc)
            else:
                flash(_("Drawing uploaded. Now click two points whose distance you know."),
                      "success")
                return redirect(url_for("floorplan.edit_drawing", slug=slug, hall_id=hall.id))
        status = 422
    else:
        status = 200
    return render_template("floorplan/drawing.html", week=week, hall=hall, form=form,
                           calibration=calibration, drawing_url=_drawing_url(week, hall),
                           size_m=drawing.drawing_size_m(hall), remove_form=ActionForm()), status


@bp.route("/organiser/weeks/<slug>/halls/<int:hall_id>/drawing/calibrate", methods=["POST"])
@organiser_required
def calibrate_drawing(slug, hall_id):
    week, hall = _week_hall(slug, hall_id)
    calibration = CalibrationForm()
    if calibration.validate_on_submit():
        try:
            drawing.calibrate(actor=current_user, week=week, hall=hall,
                              data={k: f.data for k, f in calibration._fields.items()},
                              size_from_drawing=bool(calibration.size_from_drawing.data))
        except ValidationFailed as exc:
            calibration.apply_errors(exc)
        else:
            flash(_("Scale saved: the drawing now lies under the hall's booths."), "success")
            return redirect(url_for("floorplan.manage", slug=slug, hall=hall.id))
    hall = db.session.get(Hall, hall.id)
    return render_template("floorplan/drawing.html", week=week, hall=hall, form=DrawingForm(),
                           calibration=calibration, drawing_url=_drawing_url(week, hall),
                           size_m=drawing.drawing_size_m(hall), remove_form=ActionForm()), 422


@bp.route("/organiser/weeks/<slug>/halls/<int:hall_id>/drawing/remove", methods=["POST"])
@organiser_required
def remove_drawing(slug, hall_id):
    week, hall = _week_hall(slug, hall_id)
    if ActionForm().validate_on_submit():
        drawing.remove_drawing(actor=current_user, week=week, hall=hall)
        flash(_("Drawing removed."), "success")
    return redirect(url_for("floorplan.edit_drawing", slug=slug, hall_id=hall.id))


# -- fixed elements ------------------------------------------------------------------------------

@bp.route("/organiser/weeks/<slug>/elements")
@organiser_required
def list_elements(slug):
    week = get_managed_week(slug, current_user)
    return render_template("floorplan/elements.html", week=week,
                           elements=elements.week_elements(week),
                           form=ElementForm(halls=week.halls), delete_form=ActionForm())


@bp.route("/organiser/weeks/<slug>/elements/new", methods=["POST"])
@bp.route("/organiser/weeks/<slug>/elements/<int:element_id>", methods=["GET", "POST"])
@organiser_required
def edit_element(slug, element_id=None):
    week = get_managed_week(slug, current_user)
    element = elements.get_element(week, element_id) if element_id else None
    if not week.halls:
        flash(_("Add a hall first."), "warning")
        return redirect(url_for("floorplan.manage", slug=slug))
    form = ElementForm(obj=element, halls=week.halls)
    if form.validate_on_submit():
        try:
            elements.save_element(actor=current_user, week=week, hall_id=form.hall_id.data,
                                  element=element,
                                  data={k: f.data for k, f in form._fields.items()
                                        if k not in ("csrf_token", "hall_id")})
        except ValidationFailed as exc:
            form.apply_errors(exc)
        else:
            flash(_("Element saved."), "success")
            return redirect(url_for("floorplan.list_elements", slug=slug))
    status = 422 if request.method == "POST" else 200
    return render_template("floorplan/element_edit.html", week=week, element=element,
                           form=form), status


@bp.route("/organiser/weeks/<slug>/elements/<int:element_id>/delete", methods=["POST"])
@organiser_required
def delete_element(slug, element_id):
    week = get_managed_week(slug, current_user)
    element = elements.get_element(week, element_id)
    if ActionForm().validate_on_submit():
        elements.delete_element(actor=current_user, week=week, element=element)
        flash(_("Element deleted."), "success")
    return redirect(url_for("floorplan.list_elements", slug=slug))


# -- booth outlines from the venue's CAD (DXF) --------------------------------------------------

@bp.route("/organiser/weeks/<slug>/booths/dxf", methods=["POST"])
@organiser_required
@upload_limited
def upload_dxf(slug):
    """First step: the DXF is checked and kept, and its layers offered to choose from."""
    week = get_managed_week(slug, current_user)
    form = DxfUploadForm()
    if not week.halls:
        flash(_("Add a hall first."), "warning")
        return redirect(url_for("floorplan.manage", slug=slug))
    if form.validate_on_submit():
        upload = form.file.data
        try:
            token, layers = dxf.keep_upload(week, upload.read())
        except ValidationFailed as exc:
            form.apply_errors(exc)
        else:
            choose = DxfImportForm(halls=week.halls, layers=layers, formdata=None,
                                   data={"upload": token})
            guess = next((n for n in layers if any(w in n.casefold() for w in
                                                   ("booth", "gian", "stand"))), None)
            text_guess = next((n for n in layers if any(w in n.casefold() for w in
                                                        ("text", "code", "so", "num", "ma"))),
                              "")
            choose.layer.data = guess or layers[0]
            choose.text_layer.data = text_guess if text_guess != choose.layer.data else ""
            return render_template("floorplan/dxf.html", week=week, form=choose,
                                   filename=upload.filename or "")
    return render_template("floorplan/dxf_upload.html", week=week, form=form), 422


@bp.route("/organiser/weeks/<slug>/booths/dxf/import", methods=["POST"])
@organiser_required
def import_dxf(slug):
    """Second step: the booths of the chosen layer are created; the page lists what was
    created and what was skipped, with why."""
    week = get_managed_week(slug, current_user)
    token = request.form.get("upload", "")
    layers = dxf.kept_layers(week, token)
    form = DxfImportForm(halls=week.halls, layers=layers)
    if form.validate_on_submit():
        try:
            result = dxf.import_dxf(actor=current_user, week=week, hall_id=form.hall_id.data,
                                    content=dxf.kept_upload(week, token),
                                    data={k: f.data for k, f in form._fields.items()})
        except ValidationFailed as exc:
            form.apply_errors(exc)
        else:
            dxf.forget_upload(week, token)
            return render_template("floorplan/dxf_result.html", week=week, result=result,
                                   hall=db.session.get(Hall, form.hall_id.data))
    return render_template("floorplan/dxf.html", week=week, form=form, filename=""), 422
