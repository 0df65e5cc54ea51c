"""Endpoints of /api/v1. Each one parses input, calls one service and shapes the answer."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from flask_babel import gettext as _

from exhibit.accounts import services as accounts
from exhibit.api.auth import json_body, refuse_wrong_shapes, token_required
from exhibit.api.openapi import openapi_document
from exhibit.booking import services as booking
from exhibit.catalogue import search
from exhibit.catalogue import services as catalogue
from exhibit.core.errors import ValidationFailed
from exhibit.core.forms import row_id
from exhibit.core.limits import client_address, signup_limited
from exhibit.core.links import public_url
from exhibit.floorplan import services as floorplan
from exhibit.weeks import services as weeks

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.post("/accounts")
@signup_limited
def create_account():
    data = json_body()
    business = data.get("business")
    if not isinstance(business, dict):
        message = _("Send the business's details as an object.")
        raise ValidationFailed(message, fields={"business": message})
    refuse_wrong_shapes(data, objects=("business",))
    user, issued = accounts.register_exhibitor_with_token(
        email=str(data.get("email") or ""), password=str(data.get("password") or ""),
        full_name=str(data.get("full_name") or ""), business=business,
        label=request.user_agent.string)
    return jsonify({"token": issued.value, "expires_at": issued.expires_at.isoformat(),
                    "user_id": user.id, "business_id": user.business_id}), 201


@bp.post("/tokens")
def create_token():
    """Sign in for a token; failed attempts count with the HTML form's (429 when used up)."""
    data = json_body()
    user = accounts.sign_in(str(data.get("email") or ""), str(data.get("password") or ""),
                            client_address=client_address())
    issued = accounts.issue_api_token(user, label=request.user_agent.string)
    return jsonify({"token": issued.value, "expires_at": issued.expires_at.isoformat()})


@bp.delete("/tokens/current")
@token_required()
def revoke_current_token():
    """Revoke the token this request is sent with; it answers 401 from now on."""
    accounts.revoke_token(g.api_user, g.api_token_id)
    return "", 204


@bp.get("/weeks")
def list_weeks():
    return jsonify({"items": [{
        "slug": w.slug, "name": w.name_vi, "name_en": w.name_en,
        "start_date": w.start_date.isoformat(), "end_date": w.end_date.isoformat(),
        "status": w.status,
        "host_province": {"scheme": w.host_province_scheme, "code": w.host_province_code,
                          "name": w.host_province_name()},
    } for w in weeks.public_weeks()]})


@bp.get("/weeks/<slug>/booths")
def list_booths(slug):
    week = weeks.get_visible_week(slug, None)
    booking.expire_due_holds(week)
    states = floorplan.booth_states(week)
    items = []
    for booth in floorplan.week_booths(week):
        state = states[booth.id]
        business = None
        if state.allocation is not None and state.status == floorplan.CONFIRMED:
            business = {"id": state.allocation.business_id, "name": state.allocation.business.name}
        items.append({"code": booth.code, "id": booth.id, "hall": booth.hall.name,
                      "type": booth.booth_type, "area_m2": booth.area_m2,
                      "price_vnd": booth.price_vnd, "status": state.status, "business": business})
    return jsonify({"items": items})


@bp.post("/weeks/<slug>/applications")
@token_required("exhibitor")
def apply(slug):
    data = json_body()
    week = weeks.get_visible_week(slug, None)
    application = booking.apply_to_week(actor=g.api_user, week=week, data=data)
    return jsonify({"application_id": application.id, "status": application.status,
                    "booth_count": application.booth_count}), 201


@bp.post("/weeks/<slug>/booths/<code>/hold")
@token_required("exhibitor")
def hold(slug, code):
    week = weeks.get_visible_week(slug, None)
    booth = floorplan.get_booth(week, code)
    allocation = booking.hold_booth(actor=g.api_user, week=week, booth=booth)
    return jsonify({"hold_id": allocation.id, "booth": booth.code,
                    "expires_at": allocation.expires_at.isoformat()}), 201


# -- catalogue ---------------------------------------------------------------------------------

_PRODUCT_INPUT = frozenset((*catalogue.PRODUCT_FIELDS, "origin_province"))


def _product_input() -> dict:
    data = json_body()
    unknown = sorted(set(data) - _PRODUCT_INPUT)
    if unknown:
        message = _("Unknown field.")
        raise ValidationFailed(_("Unknown fields: %(names)s.", names=", ".join(unknown)),
                               fields={name: message for name in unknown})
    refuse_wrong_shapes(data, lists=("standards",))
    return data


def _product_json(product) -> dict:
    values = catalogue.product_values(product)
    values = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}
    return {"id": product.id, "business_id": product.business_id, "status": product.status,
            **values,
            "cert_valid_until": product.cert_valid_until.isoformat() if product.cert_valid_until else None,
            "photos": [public_url("media.serve", key=p.key) for p in product.photos]}


@bp.get("/weeks/<slug>/products")
def list_products(slug):
    week = weeks.get_visible_week(slug, None)
    page = search.search(week, search.parse_filters(request.args))
    return jsonify({
        "items": [{"id": item.product.id, "name": item.product.name,
                   "business": item.business_name, "booth": item.booth_code,
                   "stars": item.shown_stars, "price_vnd": item.product.price_vnd,
                   "unit": item.product.unit, "group": item.product.ocop_group}
                  for item in page.items],
        "total": page.total, "page": page.filters.page, "per_page": page.filters.per_page})


@bp.post("/products")
@token_required("exhibitor")
def create_product():
    product = catalogue.create_product(actor=g.api_user, data=_product_input())
    return jsonify(_product_json(product)), 201


@bp.get("/products/<int:product_id>")
@token_required("exhibitor")
def get_product(product_id):
    return jsonify(_product_json(catalogue.get_own_product(g.api_user, product_id)))


@bp.patch("/products/<int:product_id>")
@token_required("exhibitor")
def update_product(product_id):
    product = catalogue.get_own_product(g.api_user, product_id)
    product = catalogue.update_product(actor=g.api_user, product=product, data=_product_input())
    return jsonify(_product_json(product))


@bp.delete("/products/<int:product_id>")
@token_required("exhibitor")
def delete_product(product_id):
    """Archives the product: it leaves every catalogue; its history (listings, audit) stays."""
    product = catalogue.get_own_product(g.api_user, product_id)
    catalogue.set_archived(actor=g.api_user, product=product, archived=True)
    return "", 204


# -- badges and the entrance -------------------------------------------------------------------

@bp.get("/weeks/<slug>/badges.pdf")
@token_required("organiser")
def badges_pdf(slug):
    """Every live badge of one kind as one sheet PDF, rendered to a temporary file and streamed
    from it, so memory stays flat whatever the count."""
    import tempfile

    from flask import send_file

    from exhibit.badges import printing
    week = weeks.get_managed_week(slug, g.api_user)
    kind = request.args.get("kind", "")
    layout = request.args.get("layout", "a4-8")
    printing.check_choice(kind, layout)
    spool = tempfile.TemporaryFile()
    printing.write_week_sheet(spool, week, kind, layout, lang=g.lang)
    spool.seek(0)
    return send_file(spool, mimetype="application/pdf", as_attachment=False,
                     download_name=f"badges-{week.slug}-{kind}.pdf")


@bp.post("/checkins")
@token_required("organiser", "entrance")
def create_checkin():
    from exhibit.badges import checkin
    data = json_body()
    code, nonce = data.get("code"), data.get("nonce")
    fields = {}
    if not isinstance(code, str) or not code.strip():
        fields["code"] = _("Send the scanned or typed badge code as text.")
    if not isinstance(nonce, str):
        fields["nonce"] = _("Send a nonce of 8–64 letters or digits, new for each scan.")
    if fields:
        raise ValidationFailed(_("Please correct the marked fields."), fields=fields)
    result = checkin.check_in(actor=g.api_user, code=code, nonce=nonce)
    body = {"status": result.status,
            "first_at": result.first_at.isoformat() if result.first_at else None,
            "reason": result.reason or None, "message": result.message}
    if result.badge is not None and result.status != checkin.INVALID:
        body["badge"] = {"name": result.badge.full_name, "kind": result.badge.kind}
    return jsonify(body)


# -- documents ---------------------------------------------------------------------------------

@bp.get("/weeks/<slug>/documents")
@token_required("organiser")
def list_documents(slug):
    """The week's contracts and MoUs; ``url`` serves the PDF to the same token (and to tokens of
    the parties' users once issued)."""
    from exhibit.documents import services as documents
    week = weeks.get_managed_week(slug, g.api_user)
    return jsonify({"items": [{
        "id": d.id, "number": d.number or None, "kind": d.kind, "status": d.status,
        "version": d.version,
        "parties": [p for p in (d.party_a.get("name"), d.party_b.get("name")) if p],
        "total_vnd": d.total_vnd if d.kind == "contract" else d.expected_value_vnd,
        "url": public_url("api.document_pdf", document_id=d.id),
    } for d in documents.week_documents(week)]})


@bp.get("/documents/<int:document_id>.pdf")
@token_required("organiser", "exhibitor", "buyer")
def document_pdf(document_id):
    from flask import Response

    from exhibit.documents import services as documents
    document = documents.get_document(document_id, g.api_user)
    content = documents.pdf_content(document, request.args.get("version", type=row_id),
                                    request.args.get("lang", "vi"))
    return Response(content, mimetype="application/pdf")


# -- reports -----------------------------------------------------------------------------------

@bp.get("/weeks/<slug>/report.<fmt>")
@token_required("organiser")
def week_report(slug, fmt):
    """The week report as XLSX or PDF in ?lang= (vi or en), else the token user's language."""
    from flask_babel import force_locale

    from exhibit.core.downloads import download
    from exhibit.core.languages import checked_language
    from exhibit.reports import figures, files
    lang = checked_language(request.args.get("lang"), g.api_user.locale or "vi")
    week = weeks.get_managed_week(slug, g.api_user)
    with force_locale(lang):
        return download(*files.report_file(figures.week_report(week), fmt))
