"""Catalogue pages: the exhibitor's products, the organiser's review and import, and the public
catalogue of a week (search, product, exhibitor)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from exhibit.booking import queries as booking
from exhibit.businesses.models import Business
from exhibit.catalogue import models, ocop, search, services, transfer
from exhibit.catalogue import review as review_list
from exhibit.catalogue.forms import ImportForm, PhotoForm, ProductForm, ReviewForm, ScanForm
from exhibit.catalogue.models import Product
from exhibit.core import spreadsheets
from exhibit.core.downloads import download, uploaded_file
from exhibit.core.errors import NotFound, ValidationFailed
from exhibit.core.forms import ActionForm, row_id
from exhibit.core.limits import upload_limited
from exhibit.core.paging import page_number
from exhibit.core.permissions import exhibitor_required, organiser_required
from exhibit.core.redirects import safe_next
from exhibit.extensions import db
from exhibit.media import storage
from exhibit.vn.dates import vietnam_today
from exhibit.weeks import services as weeks

bp = Blueprint("catalogue", __name__)


# -- exhibitor: products -----------------------------------------------------------------------

@bp.route("/my/products")
@exhibitor_required
def my_products():
    show_archived = request.args.get("archived") == "1"
    page = services.business_products_page(current_user.business_id, page_number(request.args),
                                           include_archived=show_archived)
    return render_template("catalogue/my_products.html", products=page.rows, page=page,
                           show_archived=show_archived, action_form=ActionForm())


@bp.route("/my/products/new", methods=["GET", "POST"])
@exhibitor_required
def new_product():
    form = ProductForm()
    if form.validate_on_submit():
        try:
            product = services.create_product(actor=current_user, data=form.service_data())
        except ValidationFailed as exc:
            form.apply_errors(exc)
        else:
            flash(_("Product saved. Add photos, then choose the weeks where you show it."), "success")
            return redirect(url_for("catalogue.edit_product", product_id=product.id))
    return render_template("catalogue/product_form.html", form=form, product=None, units=ocop.UNITS)


@bp.route("/my/products/<int:product_id>/edit", methods=["GET", "POST"])
@exhibitor_required
def edit_product(product_id):
    product = services.get_own_product(current_user, product_id)
    form = ProductForm()
    if request.method == "GET":
        form.fill_from(product)
    elif form.validate_on_submit():
        try:
            services.update_product(actor=current_user, product=product, data=form.service_data())
        except ValidationFailed as exc:
            form.apply_errors(exc)
        else:
            flash(_("Product saved."), "success")
            return redirect(url_for("catalogue.edit_product", product_id=product.id))
    listings = services.product_listings(product.id)
    return render_template("catalogue/product_form.html", form=form, product=product,
                           units=ocop.UNITS, photo_form=PhotoForm(), scan_form=ScanForm(),
                           action_form=ActionForm(), listings=listings,
                           max_photos=services.MAX_PHOTOS)


@bp.route("/my/products/<int:product_id>/photos", methods=["POST"])
@exhibitor_required
@upload_limited
def add_photos(product_id):
    product = services.get_own_product(current_user, product_id)
    form = PhotoForm()
    if not form.validate_on_submit():
        abort(400)
    uploads = [(f.filename or "", f.read()) for f in request.files.getlist("photos") if f]
    try:
        added = services.add_photos(actor=current_user, product=product, uploads=uploads)
    except ValidationFailed as exc:
        flash(exc.message, "error")
    else:
        flash(_("%(n)d photos added.", n=len(added)), "success")
    return redirect(url_for("catalogue.edit_product", product_id=product.id) + "#product-photos")


@bp.route("/my/photos/<int:photo_id>/<any(delete, cover):action>", methods=["POST"])
@exhibitor_required
def photo_action(photo_id, action):
    if not ActionForm().validate_on_submit():
        abort(400)
    product = services.get_own_photo(current_user, photo_id).product
    product_id = product.id
    if action == "delete":
        services.delete_photo(actor=current_user, photo_id=photo_id)
        flash(_("Photo deleted from %(name)s.", name=product.name), "info")
    else:
        services.make_cover(actor=current_user, photo_id=photo_id)
    return redirect(url_for("catalogue.edit_product", product_id=product_id) + "#product-photos")


@bp.route("/my/products/<int:product_id>/scan", methods=["POST"])
@exhibitor_required
@upload_limited
def upload_scan(product_id):
    product = services.get_own_product(current_user, product_id)
    form = ScanForm()
    if not form.validate_on_submit():
        abort(400)
    upload = request.files.get("cert_scan")
    try:
        services.set_certificate_scan(actor=current_user, product=product,
                                      filename=upload.filename if upload else "",
                                      content=upload.read() if upload else b"")
    except ValidationFailed as exc:
        flash(exc.message, "error")
    else:
        flash(_("Certificate scan saved."), "success")
    return redirect(url_for("catalogue.edit_product", product_id=product.id) + "#certificate")


@bp.route("/products/<int:product_id>/certificate-scan")
def certificate_scan(product_id):
    product = db.session.get(Product, product_id)
    if product is None or not product.cert_scan_key or not services.can_read_scan(current_user, product):
        abort(404)
    path = storage.path_for(product.cert_scan_key)
    if not path.is_file():
        abort(404)
    pdf = product.cert_scan_key.endswith(".pdf")
    return uploaded_file(path.read_bytes(), "application/pdf" if pdf else "image/jpeg",
                         f"chung-nhan-ocop-{product.id}{'.pdf' if pdf else '.jpg'}")


@bp.route("/my/products/<int:product_id>/<any(archive, restore):action>", methods=["POST"])
@exhibitor_required
def archive_product(product_id, action):
    product = services.get_own_product(current_user, product_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.set_archived(actor=current_user, product=product, archived=action == "archive")
    if action == "archive":
        flash(_("%(name)s archived: it no longer appears in any catalogue.", name=product.name), "info")
    else:
        flash(_("%(name)s is active again.", name=product.name), "success")
    return redirect(url_for("catalogue.my_products"))


@bp.route("/my/weeks/<slug>/products", methods=["GET", "POST"])
@exhibitor_required
def week_products(slug):
    """Choose the products shown at a week, and at which booth."""
    week = weeks.get_visible_week(slug, current_user)
    business_id = current_user.business_id
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        selections = {}
        for raw in request.form.getlist("product"):
            try:
                product_id = row_id(raw)
            except ValueError:
                continue
            selections[product_id] = request.form.get(f"booth_{raw}", type=row_id)
        try:
            counts = services.set_week_products(actor=current_user, week=week, selections=selections)
        except ValidationFailed as exc:
            flash(exc.message + " " + " ".join(exc.fields.values()), "error")
        else:
            flash(_("Saved: %(added)d added for review, %(removed)d removed.", **counts), "success")
            return redirect(url_for("catalogue.week_products", slug=slug))
    return render_template(
        "catalogue/week_products.html", week=week,
        application=booking.application_for(week.id, business_id),
        products=services.business_products(business_id),
        listings=services.business_listings(business_id, week),
        booths=booking.confirmed_booths(week, business_id), form=ActionForm())


# -- organiser: review, import, export ---------------------------------------------------------

@bp.route("/organiser/weeks/<slug>/products")
@organiser_required
def review(slug):
    """The week's listings to review: searched and filtered on the server, a page of businesses
    at a time, every matching listing of each."""
    week = weeks.get_managed_week(slug, current_user)
    filters, problem = review_list.parse_filters(request.args)
    result = review_list.review_page(week, filters, page_number(request.args), REVIEW_PAGE_SIZE)
    return render_template("catalogue/review.html", week=week, result=result, page=result.page,
                           filters=filters, problem=problem,
                           statuses=models.LISTING_STATUS_TITLES,
                           certificate_filters=review_list.CERTIFICATE_FILTERS,
                           review_form=ReviewForm(), action_form=ActionForm(),
                           import_form=ImportForm())


#: businesses on one page of the product review
REVIEW_PAGE_SIZE = 20


@bp.route("/organiser/weeks/<slug>/listings/<int:listing_id>/review", methods=["POST"])
@organiser_required
def review_listing(slug, listing_id):
    week = weeks.get_managed_week(slug, current_user)
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    listing = services.get_listing(week, listing_id)
    try:
        services.review_listing(actor=current_user, listing=listing, decision=form.decision.data,
                                reason=form.reason.data)
    except ValidationFailed as exc:
        flash(exc.message, "error")
    else:
        flash(_("%(name)s: %(status)s.", name=listing.product.name, status=listing.status_enum.title),
              "success")
    return redirect(safe_next(url_for("catalogue.review", slug=slug)))


@bp.route("/organiser/weeks/<slug>/businesses/<int:business_id>/approve-pending", methods=["POST"])
@organiser_required
def approve_pending(slug, business_id):
    week = weeks.get_managed_week(slug, current_user)
    if not ActionForm().validate_on_submit():
        abort(400)
    count = services.approve_pending(actor=current_user, week=week, business_id=business_id)
    flash(_("%(n)d products approved.", n=count), "success")
    return redirect(safe_next(url_for("catalogue.review", slug=slug)))


@bp.route("/organiser/weeks/<slug>/products/import", methods=["POST"])
@organiser_required
@upload_limited
def import_products(slug):
    week = weeks.get_managed_week(slug, current_user)
    form = ImportForm()
    if not form.validate_on_submit():
        abort(400)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a file to import."), "error")
        return redirect(url_for("catalogue.review", slug=slug))
    try:
        result = transfer.import_products(actor=current_user, week=week, filename=upload.filename,
                                          content=upload.read())
    except ValidationFailed as exc:
        return render_template("floorplan/import_errors.html", week=week, errors=exc.fields,
                               back_url=url_for("catalogue.review", slug=slug),
                               back_title=_("Products")), 422
    flash(_("Imported: %(created)d new products, %(updated)d updated.", created=result.created,
            updated=result.updated), "success")
    return redirect(url_for("catalogue.review", slug=slug))


@bp.route("/organiser/weeks/<slug>/products.<any(csv, xlsx):fmt>")
@organiser_required
def export_products(slug, fmt):
    week = weeks.get_managed_week(slug, current_user)
    content = transfer.export_products(week, fmt)
    mimetype = spreadsheets.CSV_TYPE if fmt == "csv" else spreadsheets.XLSX_TYPE
    return download(content, mimetype, f"san-pham-{week.slug}.{fmt}")


# -- public catalogue --------------------------------------------------------------------------

def _filters_or_message():
    try:
        return search.parse_filters(request.args), None
    except ValidationFailed as exc:
        return search.Filters(), " ".join(exc.fields.values())


@bp.route("/weeks/<slug>/products")
def catalogue(slug):
    week = weeks.get_visible_week(slug, current_user)
    filters, problem = _filters_or_message()
    page = search.search(week, filters)
    return render_template("catalogue/catalogue.html", week=week, page=page, filters=filters,
                           problem=problem, facets=search.facets(week, lang=g.lang))


@bp.route("/weeks/<slug>/products/<int:product_id>")
def product_page(slug, product_id):
    week = weeks.get_visible_week(slug, current_user)
    listing = services.visible_listing(week, product_id, current_user)
    return render_template("catalogue/product.html", week=week, listing=listing,
                           product=listing.product,
                           certificate=listing.product.certificate_at(week),
                           today=vietnam_today(), rural_levels=ocop.RURAL_INDUSTRIAL_LEVELS)


@bp.route("/weeks/<slug>/exhibitors/<int:business_id>")
def exhibitor_page(slug, business_id):
    week = weeks.get_visible_week(slug, current_user)
    filters, problem = _filters_or_message()
    filters.business_id = business_id
    page = search.search(week, filters)
    business = db.session.get(Business, business_id)
    if business is None or booking.live_application(week.id, business_id) is None:
        raise NotFound(_("This business is not at this week."))
    return render_template("catalogue/exhibitor.html", week=week, business=business, page=page,
                           filters=filters, problem=problem,
                           booths=booking.confirmed_booths(week, business_id))
