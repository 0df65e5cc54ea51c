"""Routes: the booth QR page, favourites, leads, booth QR codes and posters."""
from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from qrcode.constants import ERROR_CORRECT_M

from exhibit.booking import queries as booking
from exhibit.businesses import services as businesses
from exhibit.catalogue import search
from exhibit.core.downloads import PRIVATE, download
from exhibit.core.errors import NotFound, ValidationFailed
from exhibit.core.forms import ActionForm, row_id
from exhibit.core.languages import LANGUAGES
from exhibit.core.limits import upload_limited
from exhibit.core.paging import page_number, search_text
from exhibit.core.links import absolute_url
from exhibit.core.redirects import safe_next
from exhibit.core.permissions import exhibitor_required, organiser_required
from exhibit.extensions import csrf, db, limiter
from exhibit.floorplan import services as floorplan
from exhibit.floorplan.models import Booth
from exhibit.floorplan import wayfinding
from exhibit.visitors import leads as lead_files
from exhibit.visitors import booth_pages, form_tokens, posters, scans, services
from exhibit.visitors.form_tokens import SAVED_COOKIE, VISITOR_COOKIE, VISITOR_COOKIE_SECONDS
from exhibit.visitors.forms import CaptureForm, ContactForm, LeadForm, LogoForm
from exhibit.weeks.services import get_managed_week, get_visible_week

bp = Blueprint("visitors", __name__)



def _visitor_key() -> tuple[str, bool]:
    """The anonymous visitor id from the cookie, or a new one (True when new)."""
    key = request.cookies.get(VISITOR_COOKIE, "")
    if form_tokens.valid_key(key):
        return key, False
    return services.new_visitor_key(), True


def _with_visitor_cookie(response, key: str, new: bool, *, has_saved: bool | None = None):
    if new:
        response.set_cookie(VISITOR_COOKIE, key, max_age=VISITOR_COOKIE_SECONDS, httponly=True,
                            samesite="Lax", secure=_secure_cookies())
    flag = None if has_saved is None else "1" if has_saved else "0"
    if flag is not None and request.cookies.get(SAVED_COOKIE) != flag:
        response.set_cookie(SAVED_COOKIE, flag, max_age=VISITOR_COOKIE_SECONDS, httponly=True,
                            samesite="Lax", secure=_secure_cookies())
    return response


def _secure_cookies() -> bool:
    """Visitor cookies go over HTTPS only on an HTTPS site (as the session cookie does), or
    when this request came over HTTPS."""
    return bool(current_app.config.get("HTTPS_ONLY")) or request.is_secure


def _saved_products(key: str, new: bool) -> set[int]:
    """The listing ids this phone saved (no query for a new phone or one known to have none)."""
    if new or request.cookies.get(SAVED_COOKIE) == "0":
        return set()
    return services.saved_listing_ids(key)


# -- the visitor's phone -----------------------------------------------------------------------

@bp.route("/b/<token>")
@limiter.exempt  # reading a booth's page is never limited (leaving a contact is)
def scan(token):
    key, new = _visitor_key()
    app = current_app._get_current_object()
    pages = booth_pages.pages_of(app)
    plain = booth_pages.plain_visit()
    # a returning phone's saved products are its own: a page showing them is never kept
    saved = _saved_products(key, new)
    kept = pages.get(request.path, g.lang) if plain else None
    generation = pages.generation  # before reading what the page shows
    if kept is not None and not saved & kept.listing_ids:
        return _scan_response(app, kept.for_visitor(form_tokens.token_for(key),
                                                    _favourites_link(saved)),
                              kept.booth_id, kept.week_id, key, new, saved)
    target = services.resolve_booth_token(token)
    if target.replaced_at is not None:
        return render_template("visitors/replaced.html", booth=target.booth,
                               week=target.booth.week), 410
    booth = target.booth
    if booth.retired_at is not None and booth.merged_into_id:
        # merged into another booth on a published plan: its QR opens the booth it became
        survivor = db.session.get(Booth, booth.merged_into_id)
        survivor_token = services.current_token(survivor) if survivor is not None else None
        if survivor_token and survivor.retired_at is None:
            return redirect(url_for("visitors.scan", token=survivor_token))
    html, listing_ids = _scan_page(token, target, ContactForm(meta={"csrf": False}), key=key,
                                   saved=saved if not plain else set(),
                                   sent=request.args.get("sent") == "1", kept=plain,
                                   favourite=request.args.get("favourite", ""))
    if plain:
        pages.keep(request.path, g.lang, html, booth.id, booth.week_id, listing_ids, generation)
        if saved & listing_ids:  # this phone's hearts are filled: a page of its own
            html, _ids = _scan_page(token, target, ContactForm(meta={"csrf": False}), key=key,
                                    saved=saved)
        else:
            html = booth_pages.for_visitor(html, form_tokens.token_for(key),
                                           _favourites_link(saved))
    return _scan_response(app, html, booth.id, booth.week_id, key, new, saved)


def _favourites_link(saved: set[int]) -> str:
    """The link to the visitor's favourites on a booth page (none without any): the same for
    every phone with as many saved products, so it is kept for the front door too."""
    if not saved:
        return ""
    pages = booth_pages.pages_of(current_app._get_current_object())
    return pages.favourites_link(g.lang, len(saved), lambda: render_template(
        "visitors/_favourites_link.html", saved=saved))


def _scan_response(app, html: str, booth_id: int, week_id: int, key: str, new: bool,
                   saved: set[int]):
    response = Response(html)
    unqueued = scans.queue_scan(app, booth_id=booth_id, week_id=week_id, visitor_key=key)
    if unqueued is not None:  # no writer thread (tests): written once the page has gone out
        response.call_on_close(lambda: _write_scan_quietly(app, unqueued))
    # The page names this visitor's saved products and carries their form token: no shared
    # cache may keep it.
    response.headers["Cache-Control"] = PRIVATE
    return _with_visitor_cookie(response, key, new, has_saved=bool(saved))


#: what a booth page says after its ♡ button (?favourite=…): said by the page itself, not
#: flashed, so that an anonymous phone never needs a session (visitors/front_door.py)
FAVOURITE_NOTICES = {"saved": _l("Saved to your favourites."),
                     "removed": _l("Removed from your favourites.")}


def _scan_page(token: str, target, form: ContactForm, *, key: str, saved: set[int],
               sent: bool = False, kept: bool = False,
               favourite: str = "") -> tuple[str, frozenset[int]]:
    """The booth's page (where it is among its neighbours, its exhibitor and the exhibitor's
    products) and the product listings it shows. Its forms carry the token of the phone whose
    visitor id is ``key`` (visitors/form_tokens.py); a page ``kept`` for every visitor has
    placeholders for it and for the link to the visitor's favourites."""
    booth, week = target.booth, target.booth.week
    products = None
    if target.business is not None:
        products = search.search(week, search.Filters(business_id=target.business.id,
                                                      per_page=60))
    plan = wayfinding.neighbourhood(booth, here_label=_("You are here"))
    extra = {"csrf_token": lambda: booth_pages.FORM_TOKEN,
             "favourites_slot": Markup(booth_pages.FAVOURITES_SLOT)} if kept else {}
    html = render_template("visitors/scan.html", token=token, booth=booth, week=week,
                           business=target.business, products=products, plan=plan,
                           saved=saved, form=form, sent=sent,
                           favourite_notice=FAVOURITE_NOTICES.get(favourite),
                           # a signed-in person's language is saved on their account
                           language_action=None if current_user.is_authenticated
                           else url_for("visitors.scan_language", token=token),
                           visitor_form_token=booth_pages.FORM_TOKEN if kept
                           else form_tokens.token_for(key), **extra)
    return html, frozenset(item.listing_id for item in products.items) if products else frozenset()


def _write_scan_quietly(app, scan) -> None:
    try:
        scans.write_now(app, scan)
    except Exception:  # noqa: BLE001 - a lost count must not turn into an error page
        app.logger.exception("could not record a booth scan")


@bp.route("/b/<token>/save/<int:listing_id>", methods=["POST"])
@csrf.exempt  # the booth page's own token instead (form_tokens.check)
def save_product(token, listing_id):
    services.resolve_booth_token(token)  # 404 for a token that never existed
    form_tokens.check()
    key, new = _visitor_key()
    saved = services.toggle_favourite(owner_key=key, listing_id=listing_id)
    response = redirect(url_for("visitors.scan", token=token,
                                favourite="saved" if saved else "removed") + f"#p-{listing_id}")
    return _with_visitor_cookie(response, key, new, has_saved=True if saved else None)


@bp.route("/b/<token>/contact", methods=["POST"])
@csrf.exempt  # the booth page's own token instead (form_tokens.check)
@limiter.limit("5 per 10 minutes;20 per day")
def leave_contact(token):
    target = services.resolve_booth_token(token)
    form_tokens.check()
    form = ContactForm(meta={"csrf": False})
    key, new = _visitor_key()
    if form.validate_on_submit():
        try:
            services.leave_contact(target=target, visitor_key=key, data=form.data)
            response = redirect(url_for("visitors.scan", token=token, sent=1) + "#contact")
            return _with_visitor_cookie(response, key, new)
        except ValidationFailed as error:
            form.apply_errors(error)
    html = _scan_page(token, target, form, key=key, saved=services.saved_listing_ids(key))[0]
    response = Response(html, status=422)
    response.headers["Cache-Control"] = PRIVATE  # the visitor's own answers and form token
    return _with_visitor_cookie(response, key, new)


@bp.route("/b/<token>/language", methods=["POST"])
@csrf.exempt  # the booth page's own token instead (form_tokens.check)
def scan_language(token):
    """The language switch of the booth page (a kept page has no session, so no Flask-WTF
    token for accounts.set_language): the chosen language is kept in the session as there."""
    services.resolve_booth_token(token)  # 404 for a token that never existed
    form_tokens.check()
    if request.form.get("locale") in LANGUAGES:
        session["locale"] = request.form["locale"]
    return redirect(url_for("visitors.scan", token=token))


@bp.route("/favourites/save/<int:listing_id>", methods=["POST"])
def save_favourite(listing_id):
    """♡ Save from a catalogue or product page (pages with a session: Flask-WTF's token, as any
    form). Saving is not a toggle here: a product saved already stays saved."""
    key, new = _visitor_key()
    try:
        newly_saved = services.save_favourite(owner_key=key, listing_id=listing_id)
    except ValidationFailed as error:  # the list is full
        flash(error.message, "error")
    else:
        flash(_("Saved to your favourites.") if newly_saved
              else _("This product is already in your favourites."), "success")
    response = redirect(safe_next(url_for("visitors.my_favourites")))
    return _with_visitor_cookie(response, key, new, has_saved=True)


@bp.route("/favourites")
def my_favourites():
    key = request.cookies.get(VISITOR_COOKIE, "")
    found = services.favourite_list(key)
    return render_template("visitors/favourites.html", found=found, own=True,
                           items=services.favourite_items(found) if found else [],
                           share_url=absolute_url(url_for("visitors.shared_favourites",
                                                          share_token=found.share_token))
                           if found else "")


@bp.route("/f/<share_token>")
def shared_favourites(share_token):
    found = services.shared_list(share_token)
    return render_template("visitors/favourites.html", found=found, own=False,
                           items=services.favourite_items(found), share_url="")


# -- the exhibitor's leads ---------------------------------------------------------------------

def _lead_week_id():
    return request.args.get("week", type=row_id)


@bp.route("/my/leads")
@exhibitor_required
def leads():
    week_id = _lead_week_id()
    q = search_text(request.args)
    page = services.leads_page(current_user.business_id, week_id, q, page_number(request.args))
    weeks = lead_files.lead_weeks(current_user.business_id)
    return render_template("visitors/leads.html", page=page, weeks=weeks, week_id=week_id,
                           q=q,
                           forms={lead.id: LeadForm(prefix=f"l{lead.id}", data={
                               "rating": str(lead.rating), "tags": lead.tags,
                               "notes": lead.notes}) for lead in page.rows})


@bp.route("/my/leads/<int:lead_id>", methods=["POST"])
@exhibitor_required
def update_lead(lead_id):
    lead = services.get_own_lead(current_user, lead_id)
    form = LeadForm(prefix=f"l{lead.id}")
    if form.validate_on_submit():
        try:
            services.update_lead(actor=current_user, lead=lead, data=form.data)
            flash(_("Saved."), "success")
        except ValidationFailed as error:
            flash(" ".join(error.fields.values()) or error.message, "error")
    return redirect(url_for("visitors.leads", week=request.args.get("week") or None)
                    + f"#lead-{lead.id}")


@bp.route("/my/leads/export.<any(csv, xlsx):fmt>")
@exhibitor_required
def export_leads(fmt):
    content, mimetype = lead_files.export(current_user.business_id, _lead_week_id(), fmt)
    return download(content, mimetype, f"lien-he-khach-hang.{fmt}")


#: a badge scanned again whose holder withdrew the contact from this business: no name shown
WITHDRAWN_NOTE = _l("This visitor withdrew their consent: their contact is no longer yours to "
                    "use.")


@bp.route("/my/leads/scan", methods=["GET", "POST"])
@exhibitor_required
def capture():
    form = CaptureForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"]
    if form.validate_on_submit():
        try:
            lead, created = services.capture_badge(actor=current_user, code=form.code.data)
            if lead.withdrawn_at is not None:
                flash(WITHDRAWN_NOTE, "warning")
                return redirect(url_for("visitors.leads"))
            flash(_("Contact saved: %(name)s.", name=lead.full_name) if created
                  else _("%(name)s is already in your contacts.", name=lead.full_name),
                  "success")
            return redirect(url_for("visitors.leads") + f"#lead-{lead.id}")
        except ValidationFailed as error:
            form.apply_errors(error)
            return render_template("visitors/capture.html", form=form), 422
    return render_template("visitors/capture.html", form=form)


@bp.route("/my/logo", methods=["POST"])
@exhibitor_required
@upload_limited
def upload_logo():
    form = LogoForm()
    if form.validate_on_submit() and form.logo.data:
        try:
            businesses.set_logo(actor=current_user, filename=form.logo.data.filename or "",
                                content=form.logo.data.read())
            flash(_("Logo saved. It is printed on your booth posters."), "success")
        except ValidationFailed as error:
            flash(" ".join(error.fields.values()) or error.message, "error")
    else:
        flash(_("Choose an image file."), "error")
    return redirect(url_for("booking.dashboard"))


@bp.route("/my/weeks/<slug>/posters.pdf")
@exhibitor_required
def my_posters(slug):
    week = get_visible_week(slug, current_user)
    booths = booking.confirmed_booths(week, current_user.business_id)
    if not booths:
        raise NotFound(_("You have no booth at this week."))
    return _posters_response(week, booths)


# -- organiser: booth QR codes and posters -----------------------------------------------------

def _managed_booth(slug, booth_id):
    week = get_managed_week(slug, current_user)
    booth = db.session.get(Booth, booth_id)
    if booth is None or booth.week_id != week.id:
        raise NotFound(_("There is no such booth."))
    return week, booth


@bp.route("/organiser/weeks/<slug>/qr-codes")
@organiser_required
def qr_codes(slug):
    week = get_managed_week(slug, current_user)
    filters = services.QrFilters.from_args(request.args, week)
    return render_template("visitors/qr_codes.html", week=week, filters=filters,
                           page=services.qr_page(week, filters, page_number(request.args)),
                           hall_counts=services.hall_booth_counts(week), form=ActionForm(),
                           booth_url=services.booth_url)


@bp.route("/organiser/weeks/<slug>/booths/<int:booth_id>/qr.<any(png, svg):fmt>")
@organiser_required
def booth_qr(slug, booth_id, fmt):
    week, booth = _managed_booth(slug, booth_id)
    token = services.current_token(booth)
    if token is None:
        raise NotFound(_("This booth has no QR code yet: issue one with the button beside it."))
    url = services.booth_url(token)
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=12, border=4,
                         image_factory=qrcode.image.svg.SvgPathImage if fmt == "svg" else None)
    code.add_data(url)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return download(buffer.getvalue(), "image/svg+xml" if fmt == "svg" else "image/png",
                    f"qr-{week.slug}-{booth.code}.{fmt}")


@bp.route("/organiser/weeks/<slug>/booths/<int:booth_id>/reissue-qr", methods=["POST"])
@organiser_required
def reissue_qr(slug, booth_id):
    week, booth = _managed_booth(slug, booth_id)
    if ActionForm().validate_on_submit():
        services.reissue_token(actor=current_user, booth=booth)
        flash(_("Booth %(code)s has a new QR code. Print its poster again: the old code now "
                "says it was replaced.", code=booth.code), "success")
    return redirect(url_for("visitors.qr_codes", slug=slug, q=booth.code) + f"#booth-{booth.id}")


@bp.route("/organiser/weeks/<slug>/posters.pdf")
@organiser_required
def week_posters(slug):
    week = get_managed_week(slug, current_user)
    booths = floorplan.week_booths(week)
    if request.args.get("booth", type=row_id):
        booths = [b for b in booths if b.id == request.args.get("booth", type=row_id)]
    elif request.args.get("occupied") == "1":
        occupied = booking.confirmed_exhibitors(week)
        booths = [b for b in booths if b.id in occupied]
    return _posters_response(week, booths)


def _posters_response(week, booths):
    size = request.args.get("size", "a4")
    if size not in posters.SIZES:
        raise ValidationFailed(_("Choose A4 or A5."), fields={"size": _("Choose A4 or A5.")})
    buffer = io.BytesIO()
    posters.render_posters(buffer, services.booth_posters(week, booths, booking.confirmed_exhibitors(week)),
                           size=size, title=f"{week.name_vi} · poster")
    return download(buffer.getvalue(), "application/pdf", f"poster-{week.slug}-{size}.pdf", inline=True)
