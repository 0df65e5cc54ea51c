"""Endpoints of /api/v1. Each one is declared with its schemas (``contract.operation``), calls one
service and answers a schema built from what the service returned."""
from __future__ import annotations

import gzip
import json
import tempfile

from flask import Blueprint, Response, abort, g, jsonify, request, send_file
from flask_babel import force_locale
from flask_babel import gettext as _

from exhibit.accounts import services as accounts
from exhibit.api import schemas
from exhibit.api.contract import operation
from exhibit.api.openapi import openapi_document
from exhibit.badges import printing
from exhibit.badges.models import BadgeKind
from exhibit.booking import queries as booking_queries
from exhibit.booking import services as booking
from exhibit.catalogue import search
from exhibit.catalogue import services as catalogue
from exhibit.core.downloads import PRIVATE, download
from exhibit.core import limits
from exhibit.core.db import utcnow
from exhibit.core.errors import Conflict, NotFound, ValidationFailed
from exhibit.core.limits import client_address, signup_limited
from exhibit.core.links import public_url
from exhibit.documents import services as documents_service
from exhibit.floorplan import services as floorplan
from exhibit.profiles import services as profiles
from exhibit.scanning import devices
from exhibit.scanning import snapshot as snapshots
from exhibit.weeks import services as weeks

bp = Blueprint("api", __name__, url_prefix="/api/v1")

#: what a 404 means where the URL names a week
UNKNOWN_WEEK = "No published week at this address (a draft week exists only for its organisers)"


@bp.url_value_preprocessor
def _no_nul_in_addresses(_endpoint, values):
    # No stored slug or code holds U+0000, and PostgreSQL refuses to compare with one.
    if any(isinstance(value, str) and "\x00" in value for value in (values or {}).values()):
        abort(404)


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


# -- accounts and tokens ---------------------------------------------------------------------------

def _sign_up_values(given: dict) -> None:
    def text(value) -> str:
        return "" if value is None else str(value)
    business = given.get("business")
    accounts.check_business_registration(
        email=text(given.get("email")), password=text(given.get("password")),
        business=business if isinstance(business, dict) else {})


@bp.post("/accounts")
@signup_limited
@operation(summary="Exhibitor sign-up: the user and the business, with a first token",
           body=schemas.SignUp, checks=_sign_up_values, answer=schemas.NewAccount, status=201,
           refuses={409: "The email (email_taken) or the tax code (tax_code_taken) is already "
                         "registered",
                    429: "Too many sign-ups from this address; see Retry-After"})
def create_account(body: schemas.SignUp):
    user, issued = accounts.register_exhibitor_with_token(
        email=body.email, password=body.password, full_name=body.full_name or "",
        business=body.business.given(), label=request.user_agent.string)
    return schemas.NewAccount(token=issued.value, expires_at=issued.expires_at,
                              user_id=user.id, business_id=user.business_id)


@bp.post("/tokens")
@operation(summary="Exchange an email and a password for a bearer token",
           description="Failed attempts count with the website's sign-in form, per account and "
                       "per address.",
           body=schemas.Credentials, answer=schemas.Token,
           refuses={401: "Wrong email or password (invalid_credentials)",
                    429: "Too many failed sign-ins for this account or from this address; see "
                         "Retry-After"})
def create_token(body: schemas.Credentials):
    user = accounts.sign_in(body.email or "", body.password or "",
                            client_address=client_address())
    issued = accounts.issue_api_token(user, label=request.user_agent.string)
    return schemas.Token(token=issued.value, expires_at=issued.expires_at)


@bp.delete("/tokens/current")
@operation(summary="Revoke the token this request is sent with; it answers 401 from now on",
           roles=())
def revoke_current_token():
    try:
        accounts.revoke_token(g.api_user, g.api_token_id)
    except NotFound:
        pass  # revoked by a simultaneous request: revoked all the same


@bp.post("/password-resets")
@operation(summary="Send a single-use link to set a new password (valid one hour)",
           description="Answers 202 whether or not the email has an account.",
           body=schemas.PasswordResetRequest, answer=schemas.ResetRequested, status=202,
           refuses={429: "Too many links asked for from this address or for this email; see "
                         "Retry-After"})
def request_password_reset(body: schemas.PasswordResetRequest):
    from exhibit.accounts import recovery
    recovery.request_reset(body.email or "", client_address=client_address())
    return schemas.ResetRequested(detail="If an account uses this email, a link is on its way.")


@bp.post("/password-resets/<token>")
@operation(summary="Set a new password with the token of a reset link; every session and "
                   "token of the account ends",
           body=schemas.NewPassword,
           refuses={404: "The link was used, replaced by a newer one, or expired "
                         "(link_not_valid)"})
def reset_password(token, body: schemas.NewPassword):
    from exhibit.accounts import recovery
    recovery.reset_password(token, body.password or "")


# -- the business's profile ------------------------------------------------------------------------

@bp.get("/business")
@operation(summary="The token's business as registered", roles=("exhibitor",),
           answer=schemas.BusinessProfile)
def get_business():
    return schemas.BusinessProfile.of(profiles.get_own_business(g.api_user))


@bp.patch("/business")
@operation(summary="Change some of the business's own details",
           description="Address, representative and position, phone and email; the website's "
                       "profile page changes the same, and the logo. The name, legal form, "
                       "tax code and province are corrected by an organiser of a week the "
                       "business takes part in (sending them is 422). Every change is audited; "
                       "contracts and MoUs already issued keep the details they printed.",
           roles=("exhibitor",), body=schemas.BusinessChanges,
           checks=profiles.check_business_changes, answer=schemas.BusinessProfile,
           refuses={422: "Invalid fields, each named in fields: a value the registration rules "
                         "refuse (a phone that is not Vietnamese, an empty address), or a field "
                         "the business does not change itself"})
def update_business(body: schemas.BusinessChanges):
    business = profiles.edit_own_business(actor=g.api_user, data=body.given())
    return schemas.BusinessProfile.of(business)


# -- weeks and booking -----------------------------------------------------------------------------

@bp.get("/weeks")
@operation(summary="Published exhibition weeks, newest first", answer=schemas.Weeks)
def list_weeks():
    return schemas.Weeks(items=[schemas.Week.of(week) for week in weeks.public_weeks()])


@bp.get("/weeks/<slug>/booths")
@operation(summary="A week's booths with their status now", answer=schemas.Booths,
           refuses={404: UNKNOWN_WEEK})
def list_booths(slug):
    week = weeks.get_visible_week(slug, None)
    states = booking_queries.booth_states(week)
    items = []
    for booth in floorplan.week_booths(week):
        state = states[booth.id]
        business = None
        if state.allocation is not None and state.status == booking_queries.CONFIRMED:
            business = schemas.Occupant(id=state.allocation.business_id,
                                        name=state.allocation.business.name)
        items.append(schemas.Booth(code=booth.code, id=booth.id, hall=booth.hall.name,
                                   type=booth.booth_type, area_m2=booth.area_m2,
                                   price_vnd=booth.price_vnd, status=state.status,
                                   business=business))
    return schemas.Booths(items=items)


@bp.post("/weeks/<slug>/applications")
@operation(summary="Apply to an open week", roles=("exhibitor",),
           body=schemas.ApplicationRequest, answer=schemas.Application, status=201,
           refuses={404: UNKNOWN_WEEK,
                    409: "Already applied (already_applied), or the week is not taking "
                         "applications (week_not_open, registration_closed)"})
def apply(slug, body: schemas.ApplicationRequest):
    week = weeks.get_visible_week(slug, None)
    application = booking.apply_to_week(actor=g.api_user, week=week, data=body.given())
    return schemas.Application(application_id=application.id, status=application.status,
                               booth_count=application.booth_count)


@bp.post("/weeks/<slug>/booths/<code>/hold")
@operation(summary="Hold a free booth for the week's hold time", roles=("exhibitor",),
           answer=schemas.Hold, status=201,
           refuses={404: "No such week or booth",
                    409: "The booth is taken (booth_unavailable), the week is not open "
                         "(week_not_open, registration_closed), or the business may not hold "
                         "(no_application, booth_limit_reached…)"})
def hold(slug, code):
    week = weeks.get_visible_week(slug, None)
    booth = floorplan.get_booth(week, code)
    allocation = booking.hold_booth(actor=g.api_user, week=week, booth=booth)
    return schemas.Hold(hold_id=allocation.id, booth=booth.code,
                        expires_at=allocation.expires_at)


# -- catalogue -------------------------------------------------------------------------------------

@bp.get("/weeks/<slug>/products")
@operation(summary="A week's public catalogue: approved products, found without diacritics, "
                   "most relevant first, a page at a time",
           query=schemas.CatalogueFilters, checks=search.parse_filters,
           answer=schemas.CataloguePage,
           refuses={404: UNKNOWN_WEEK})
def list_products(slug, query: schemas.CatalogueFilters):
    week = weeks.get_visible_week(slug, None)
    page = search.search(week, search.parse_filters(query.model_dump(exclude_none=True)))
    return schemas.CataloguePage(
        items=[schemas.CatalogueItem(id=item.product.id, name=item.product.name,
                                     business=item.business_name, booth=item.booth_code,
                                     stars=item.shown_stars, price_vnd=item.product.price_vnd,
                                     unit=item.product.unit, group=item.product.ocop_group)
               for item in page.items],
        total=page.total, page=page.filters.page, per_page=page.filters.per_page)


_NOT_YOURS = "Not a product of the token's business"


@bp.post("/products")
@operation(summary="Add a product to the business's catalogue", roles=("exhibitor",),
           body=schemas.NewProduct, checks=catalogue.clean_product_data, answer=schemas.Product,
           status=201)
def create_product(body: schemas.NewProduct):
    return schemas.Product.of(catalogue.create_product(actor=g.api_user, data=body.given()))


@bp.get("/products/<int:product_id>")
@operation(summary="One of the business's products, archived ones included",
           roles=("exhibitor",), answer=schemas.Product, refuses={404: _NOT_YOURS})
def get_product(product_id):
    return schemas.Product.of(catalogue.get_own_product(g.api_user, product_id))


@bp.patch("/products/<int:product_id>")
@operation(summary="Change some fields of one of the business's products",
           description="Changing its name, stars, certificate or group sends it back to review "
                       "at the weeks still to come. An archived product is not changed (409): "
                       "restore it on the website first.",
           roles=("exhibitor",), body=schemas.ProductChanges, answer=schemas.Product,
           refuses={404: _NOT_YOURS, 409: "The product is archived (product_archived)"})
def update_product(product_id, body: schemas.ProductChanges):
    product = catalogue.get_own_product(g.api_user, product_id)
    if product.is_archived:
        raise Conflict(_("This product is archived: it appears in no catalogue."),
                       code="product_archived")
    product = catalogue.update_product(actor=g.api_user, product=product, data=body.given())
    return schemas.Product.of(product)


@bp.delete("/products/<int:product_id>")
@operation(summary="Archive one of the business's products",
           description="The product leaves every catalogue; its history (listings, audit) "
                       "stays. GET then answers it with \"status\": \"archived\", PATCH answers "
                       "409, and DELETE again answers 204. The business can restore it on the "
                       "website.",
           roles=("exhibitor",), refuses={404: _NOT_YOURS})
def delete_product(product_id):
    product = catalogue.get_own_product(g.api_user, product_id)
    catalogue.set_archived(actor=g.api_user, product=product, archived=True)


# -- badges and the entrance -----------------------------------------------------------------------

@bp.get("/weeks/<slug>/badges.pdf")
@operation(summary="Every live badge of one kind at the week, as one printable sheet",
           description="QR codes are absolute addresses on PUBLIC_BASE_URL. The sheet is "
                       "rendered while the request waits, so it is refused above "
                       f"{printing.SHEET_IN_REQUEST_MAX} badges: larger sheets are printed "
                       "from the week's badges page, in the background.",
           roles=("organiser",), query=schemas.BadgeSheet, files="application/pdf",
           refuses={403: "Not an organiser of this week", 404: "No such week",
                    409: "More badges than one request renders (sheet_too_large)"})
def badges_pdf(slug, query: schemas.BadgeSheet):
    week = weeks.get_managed_week(slug, g.api_user)
    layout = query.layout or "a4-8"
    printing.check_choice(query.kind, layout)
    printing.check_sheet_fits_a_request(week, query.kind)
    spool = tempfile.TemporaryFile()
    printing.write_week_sheet(spool, week, query.kind, layout, lang=g.lang)
    spool.seek(0)
    response = send_file(spool, mimetype="application/pdf", as_attachment=False,
                         download_name=f"badges-{week.slug}-{query.kind}.pdf", max_age=0)
    response.headers["Cache-Control"] = PRIVATE
    return response


@bp.post("/checkins")
@operation(summary="Check a badge in at the entrance",
           description="A retry with the same nonce gets the first answer again and is not "
                       "counted twice.",
           roles=("organiser", "entrance"), body=schemas.Scan, answer=schemas.ScanAnswer)
def create_checkin(body: schemas.Scan):
    from exhibit.scanning import checkin
    result = checkin.check_in(actor=g.api_user, code=body.code, nonce=body.nonce)
    answer = {"status": result.status, "first_at": result.first_at,
              "reason": result.reason or None, "message": result.message}
    if result.badge is not None and result.status != checkin.INVALID:
        answer["badge"] = schemas.ScannedBadge(name=result.badge.full_name,
                                               kind=result.badge.kind)
    return schemas.ScanAnswer(**answer)


# -- documents -------------------------------------------------------------------------------------

@bp.get("/weeks/<slug>/documents")
@operation(summary="The week's booth contracts and MoUs, a page at a time",
           description="Contracts before MoUs, numbered ones by number, then drafts by age.",
           roles=("organiser",), query=schemas.DocumentFilters,
           checks=lambda args: documents_service.checked_document_filters(args),
           answer=schemas.Documents,
           refuses={403: "Not an organiser of this week", 404: "No such week"})
def list_documents(slug, query: schemas.DocumentFilters):
    week = weeks.get_managed_week(slug, g.api_user)
    filters, number, size = documents_service.checked_document_filters(
        query.model_dump(exclude_none=True))
    page = documents_service.documents_page(week, filters, number, size)
    return schemas.Documents(items=[schemas.Document(
        id=d.id, number=d.number or None, kind=d.kind, status=d.status, version=d.version,
        parties=[p for p in (d.party_a.get("name"), d.party_b.get("name")) if p],
        total_vnd=d.total_vnd if d.kind == "contract" else d.expected_value_vnd,
        url=public_url("api.document_pdf", document_id=d.id),
    ) for d in page.rows], total=page.total, page=page.number, per_page=size)


@bp.get("/documents/<int:document_id>.pdf")
@operation(summary="A contract's or an MoU's PDF",
           description="The latest issued version, or ?version=N, for a token of its organiser "
                       "or, once issued, of a party's user; a draft is rendered as it stands, "
                       "marked as a draft.",
           roles=("organiser", "exhibitor", "buyer"), query=schemas.DocumentFile,
           files="application/pdf",
           refuses={403: "Neither the document's organiser nor a party",
                    404: "No such document, or no such version"})
def document_pdf(document_id, query: schemas.DocumentFile):
    from exhibit.documents import services as documents
    document = documents.get_document(document_id, g.api_user)
    content = documents.pdf_content(document, query.version, query.lang or "vi")
    return download(content, "application/pdf", f"document-{document.id}.pdf", inline=True)


# -- reports ---------------------------------------------------------------------------------------

@bp.get("/weeks/<slug>/report.<any(pdf, xlsx):fmt>")
@operation(summary="The week report, counted when asked",
           description="PDF: laid out after NĐ 30 (issuer, number, motto, figures in tables and "
                       "charts, when they were compiled). XLSX: a summary sheet and one sheet "
                       "per table, a frozen header row, amounts in đồng as numbers.",
           roles=("organiser",), query=schemas.ReportFile,
           files={"pdf": "application/pdf",
                  "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
           refuses={403: "Not an organiser of this week", 404: "No such week"})
def week_report(slug, fmt, query: schemas.ReportFile):
    from exhibit.core.downloads import download
    from exhibit.core.languages import checked_language
    from exhibit.reports import figures, files
    lang = checked_language(query.lang, g.api_user.locale or "vi")
    week = weeks.get_managed_week(slug, g.api_user)
    with force_locale(lang):
        return download(*files.report_file(figures.week_report(week), fmt))


# -- scanning devices ------------------------------------------------------------------------------

BADGE_KINDS = {kind.value for kind in BadgeKind}
#: the largest batch of scans read: 500 scans of a long scanned URL each, with room to spare
SCAN_BATCH_BYTES = 512 * 1024
#: what a 404 means where an organiser's URL names a week
NOT_YOUR_WEEK = "No such week, or not a week of the token's organisation"


def _organised_week(slug):
    """A week the token's organiser runs; another organisation's week is not found."""
    week = weeks.get_week(slug)
    if not weeks.is_week_organiser(g.api_user, week):
        raise NotFound(_("There is no exhibition week at this address."), code="week_not_found")
    return week


def _device_info(device) -> schemas.DeviceInfo:
    return schemas.DeviceInfo(**snapshots.device_values(device))


@bp.post("/devices/pair")
@operation(summary="Set a scanning device up: exchange the one-time code of its pairing QR "
                   "for the device's token",
           description="The code is the part of the pairing address after the #. It works once, "
                       f"for {devices.PAIRING_HOURS} hours. Failed attempts count with the "
                       "sign-in limits, per address.",
           body=schemas.Pairing, answer=schemas.Paired, status=201,
           refuses={401: "The device's week is over: devices work until two days after its "
                         "last day (device_expired)",
                    403: "The device was revoked (device_revoked)",
                    404: "No device has this code (pairing_unknown)",
                    410: "The code was already used (pairing_used) or has expired "
                         "(pairing_expired): ask for a new QR",
                    429: "Too many failed attempts from this address; see Retry-After"})
def pair_device(body: schemas.Pairing):
    address = client_address()
    limits.use("LOGIN_FAILURES_PER_ADDRESS", "device-pairing", address)
    device, token = devices.pair(body.code, body.app_version)  # a refusal stays counted
    limits.refund("LOGIN_FAILURES_PER_ADDRESS", "device-pairing", address)
    return schemas.Paired(token=token, device=_device_info(device),
                          week=schemas.ScanWeek(**snapshots.week_values(device.week)))


@bp.get("/device")
@operation(summary="The device this token belongs to, and the server's clock", device=True,
           answer=schemas.ThisDevice)
def get_device():
    device = g.api_device
    devices.seen(device)
    return schemas.ThisDevice(device=_device_info(device),
                              week=schemas.ScanWeek(**snapshots.week_values(device.week)),
                              server_time=utcnow())


@bp.get("/device/snapshot")
@operation(summary="The badges the device decides from while offline: all of them, or those "
                   "changed since its last snapshot",
           description="Gzip-compressed when Accept-Encoding allows (about 0.6 MB for 30,000 "
                       "badges). Keep the cursor and send it back as ?since= to get only what "
                       "changed; \"full\": true means replace every row held. A cursor made "
                       "under another key answers a full snapshot.",
           device=True, query=schemas.SnapshotSince, answer=schemas.Snapshot, encoded=True,
           refuses={422: "since is not a cursor this server gave"})
def device_snapshot(query: schemas.SnapshotSince):
    device = g.api_device
    data = snapshots.snapshot(device, query.since)
    devices.seen(device)
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    response = Response(mimetype="application/json")
    if request.accept_encodings["gzip"]:
        body = gzip.compress(body, compresslevel=6)
        response.headers["Content-Encoding"] = "gzip"
    response.set_data(body)
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/device/scans")
@operation(summary="Upload scans the device made: decided by the server, each with its own time",
           description="Up to 500 scans, in the order they were made. Each answer is the "
                       "server's, which may differ from what the device showed offline (the "
                       "first scan of a badge wins; a later scan of it from another device is "
                       "flagged). A scan sent again with the same nonce gets its first answer "
                       "and is not counted twice. A scan whose time cannot be right (more than "
                       "5 minutes ahead of server_time, or long before the week: the device's "
                       "clock) is counted at its arrival and flagged \"clock\"; one made before "
                       "the entry already counted (queued offline) moves the first entry's "
                       "time back and is flagged \"late\". A gate device's scans are entries or "
                       "exits of its zone; a lead device's keep contacts (saved, already_saved). "
                       "A revoked device's scans are refused, and counted for the organiser; a "
                       "device's token ends two days after its week (401 device_expired).",
           device=True, revoked_device_reaches_view=True, body=schemas.ScanBatch,
           max_body_bytes=SCAN_BATCH_BYTES, answer=schemas.ScanResults)
def upload_scans(body: schemas.ScanBatch):
    from exhibit.scanning import sync
    results = sync.upload(device=g.api_device, scans=[scan.model_dump() for scan in body.scans],
                          unsynced=body.unsynced, app_version=body.app_version)
    return schemas.ScanResults(results=[_scan_result(result) for result in results],
                               server_time=utcnow())


def _scan_result(result: dict) -> schemas.DeviceScanResult:
    answer = {"nonce": result["nonce"], "status": result["status"],
              "reason": result.get("reason") or None, "message": result.get("message") or "",
              "flag": result.get("flag") or ""}
    badge = result.get("badge")
    if badge and badge.get("kind") in BADGE_KINDS:
        answer["badge"] = schemas.ScannedBadge(name=badge["name"], kind=badge["kind"])
    return schemas.DeviceScanResult(**answer)


@bp.get("/weeks/<slug>/zones")
@operation(summary="The week's zones, their rules, and today's figures: inside now, entries, "
                   "entries per hour",
           roles=("organiser",), answer=schemas.WeekZones, refuses={404: NOT_YOUR_WEEK})
def list_zones(slug):
    from exhibit.scanning import zones
    from exhibit.vn.dates import vietnam_today
    week = _organised_week(slug)
    day = vietnam_today()
    return schemas.WeekZones(day=day, items=[
        schemas.ZoneFigures(**snapshots.zone_values(count.zone), inside=count.inside,
                            entries=count.entries, people=count.people, by_hour=count.by_hour)
        for count in zones.zone_counts(week, day)])


@bp.get("/weeks/<slug>/devices")
@operation(summary="The week's scanning devices: entrance scanners and exhibitors' lead "
                   "scanners, with when each was last heard from",
           roles=("organiser",), answer=schemas.Devices, refuses={404: NOT_YOUR_WEEK})
def list_devices(slug):
    week = _organised_week(slug)
    return schemas.Devices(items=[schemas.DeviceRow.of(d) for d in devices.week_devices(week)])


def _new_device_values(given: dict) -> None:
    """The name's and gate's rules, for one 422 with the schema's (the zone is checked when
    the device is made)."""
    from exhibit.vn.text import clean_text
    fields = {}
    name = given.get("name")
    if isinstance(name, str) and not clean_text(name):
        fields["name"] = _("Required.")
    elif isinstance(name, str) and len(clean_text(name)) > 80:
        fields["name"] = _("At most %(count)d characters.", count=80)
    gate = given.get("gate")
    if isinstance(gate, str) and len(clean_text(gate)) > 80:
        fields["gate"] = _("At most %(count)d characters.", count=80)
    if fields:
        raise ValidationFailed(_("Please correct the marked fields."), fields=fields)


@bp.post("/weeks/<slug>/devices")
@operation(summary="Make an entrance scanner for one of the week's zones, with its one-time "
                   "pairing code",
           roles=("organiser",), body=schemas.NewGateDevice, checks=_new_device_values,
           answer=schemas.NewDevice, status=201, refuses={404: NOT_YOUR_WEEK})
def create_device(slug, body: schemas.NewGateDevice):
    week = _organised_week(slug)
    try:
        device, code = devices.create_device(g.api_user, week, "gate", body.name,
                                             zone=body.zone_id, gate=body.gate or "")
    except ValidationFailed as error:
        error.fields = {("zone_id" if name == "zone" else name): text
                        for name, text in error.fields.items()}
        raise
    return schemas.NewDevice(device=schemas.DeviceRow.of(device), pairing_code=code,
                             pairing_url=devices.pairing_url(code),
                             pairing_expires_at=device.pairing_expires_at)


@bp.post("/weeks/<slug>/devices/<int:device_id>/revoke")
@operation(summary="Revoke one of the week's scanning devices: its token is refused from now on",
           description="Its uploads are then refused (403 device_revoked) and counted on it. "
                       "Revoking a revoked device changes nothing.",
           roles=("organiser",), body=schemas.Revocation, answer=schemas.DeviceRow,
           refuses={404: "No such week or device, or not the token's organisation's"})
def revoke_device(slug, device_id, body: schemas.Revocation):
    week = _organised_week(slug)
    device = devices.get_device(week, device_id, g.api_user)
    return schemas.DeviceRow.of(devices.revoke_device(g.api_user, device, body.reason))
