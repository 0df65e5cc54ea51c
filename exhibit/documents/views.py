"""Routes: the organiser's documents, payments and organisation details; the PDF for the
organiser and the parties; a party's own documents."""
from __future__ import annotations

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from exhibit.core import audit
from exhibit.core.downloads import download, uploaded_file
from exhibit.core.errors import AppError, ValidationFailed, attempt
from exhibit.core.forms import ActionForm, row_id
from exhibit.core.limits import upload_limited
from exhibit.core.paging import page_number
from exhibit.core.permissions import organiser_required
from exhibit.core.redirects import safe_next
from exhibit.documents import (credits, einvoice_providers, invoicing, payments, request_render,
                               requests, services, statements)
from exhibit.documents.forms import (
    CancelForm,
    ContractForm,
    InvoiceCorrectionForm,
    InvoiceNumberForm,
    MouForm,
    OrganisationForm,
    PaymentForm,
    SignedScanForm,
)
from exhibit.documents.models import (DocumentKind, DocumentStatus, InvoiceRequestStatus,
                                      PaymentKind)
from exhibit.extensions import csrf, db
from exhibit.media import storage
from exhibit.vn.dates import vietnam_today
from exhibit.vn.text import fold_search_key
from exhibit.vn.words import amount_in_words
from exhibit.weeks.models import Organizer
from exhibit.weeks.services import ORGANIZER_FIELDS, get_managed_week, update_organizer

bp = Blueprint("documents", __name__)


def _pdf(content: bytes, filename: str) -> Response:
    return download(content, "application/pdf", filename, inline=True)


# -- the week's documents ----------------------------------------------------------------------

@bp.route("/organiser/weeks/<slug>/documents")
@organiser_required
def week_documents(slug):
    week = get_managed_week(slug, current_user)
    filters = services.DocumentFilters.from_args(request.args)
    waiting_count, waiting = services.contracts_waiting(week)
    return render_template("documents/week.html", week=week, filters=filters,
                           page=services.documents_page(week, filters, page_number(request.args)),
                           counts=services.document_counts(week), kinds=list(DocumentKind),
                           statuses=list(DocumentStatus), waiting=waiting,
                           waiting_count=waiting_count, action=ActionForm())


@bp.route("/organiser/weeks/<slug>/documents/contracts", methods=["POST"])
@organiser_required
def draft_contracts(slug):
    """Draft a contract for one business (business_id) or for every confirmed exhibitor
    without one."""
    week = get_managed_week(slug, current_user)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("documents.week_documents", slug=slug))
    wanted = request.form.get("business_id", type=row_id)
    targets = [wanted] if wanted else [
        b.id for b in services.businesses_without_contract(week)]
    made = [services.create_contract(actor=current_user, week=week, business_id=b) for b in targets]
    flash(_("%(n)s draft contracts created.", n=len(made)), "success")
    if len(made) == 1:
        return redirect(url_for("documents.detail", document_id=made[0].id))
    return redirect(url_for("documents.week_documents", slug=slug))


# -- one document ------------------------------------------------------------------------------

def _edit_form(document, formdata=None):
    form_class = ContractForm if document.kind == DocumentKind.CONTRACT.value else MouForm
    values = {key: getattr(document, key) for key in (
        "place", "dated_on", "deposit_percent", "deposit_due_on", "balance_due_on",
        "funding_source", "notes", "purpose", "price_terms", "payment_terms", "valid_months",
        "binding", "expected_value_vnd")}
    values["vat_percent"] = str(document.vat_percent)
    values["with_witness"] = bool(document.witness)
    for side in ("party_a", "party_b"):
        values.update({f"{side}_{key}": value for key, value in getattr(document, side).items()})
    values["products"] = "\n".join(
        " | ".join([line.label, line.detail, line.quantity,
                    str(line.unit_price_vnd) if line.unit_price_vnd else ""])
        for line in document.lines)
    return form_class(data=values) if formdata is None else form_class(formdata=formdata)


def _render_detail(document, form, status: int = 200):
    return render_template(
        "documents/detail.html", document=document, form=form, action=ActionForm(),
        words=amount_in_words(document.total_vnd), audit_action=audit.action_title,
        scan_form=SignedScanForm(), cancel_form=CancelForm(),
        problems=services.issue_problems(document) if document.status == "draft" else [],
        profile_changes=services.profile_changes(document),
        payment_requests=requests.document_requests(document),
        history=audit.entries(entity="document", entity_id=document.id),
        issued_files=[f for f in document.files if f.purpose == "issued"],
        signed_files=[f for f in document.files if f.purpose == "signed"]), status


@bp.route("/organiser/documents/<int:document_id>", methods=["GET", "POST"])
@organiser_required
def detail(document_id):
    document = services.get_document(document_id, current_user)
    if request.method == "GET":
        return _render_detail(document, _edit_form(document))
    form = _edit_form(document, formdata=request.form)
    if form.validate_on_submit():
        data = {f.name: f.data for f in form.document_fields() if f.name != "products"}
        data.update(form.party_changes())
        lines = None
        if document.kind == DocumentKind.MOU.value:
            lines = [_product_line(row) for row in (form.products.data or "").splitlines()
                     if row.strip()]
        try:
            services.update_draft(actor=current_user, document=document, data=data, lines=lines)
            flash(_("Draft saved."), "success")
            return redirect(url_for("documents.detail", document_id=document.id))
        except ValidationFailed as error:
            form.apply_errors(error)
    return _render_detail(document, form, 422)


def _product_line(row: str) -> dict:
    parts = [p.strip() for p in row.split("|")] + ["", "", "", ""]
    return {"label": parts[0], "detail": parts[1], "quantity": parts[2], "unit_price_vnd": parts[3]}


@bp.route("/organiser/documents/<int:document_id>/<any(issue, revise):step>", methods=["POST"])
@organiser_required
def lifecycle(document_id, step):
    document = services.get_document(document_id, current_user)
    if ActionForm().validate_on_submit():
        if step == "issue":
            if attempt(lambda: services.issue(actor=current_user, document=document), None):
                flash(_("Issued as %(number)s, version %(version)s.", number=document.number,
                        version=document.version), "success")
        else:
            attempt(lambda: services.revise(actor=current_user, document=document),
                    _("The document is a draft again; issuing it makes a new version."))
    return redirect(url_for("documents.detail", document_id=document.id))


@bp.route("/organiser/documents/<int:document_id>/signed", methods=["POST"])
@organiser_required
@upload_limited
def upload_signed(document_id):
    document = services.get_document(document_id, current_user)
    form = SignedScanForm()
    if form.validate_on_submit():
        upload = form.scan.data  # no file: the service refuses the empty content by name
        attempt(lambda: services.mark_signed(
            actor=current_user, document=document, filename=getattr(upload, "filename", "") or "",
            content=upload.read() if upload else b""),
            _("Signed scan stored; the document is signed."))
    return redirect(url_for("documents.detail", document_id=document.id))


@bp.route("/organiser/documents/<int:document_id>/cancel", methods=["POST"])
@organiser_required
def cancel(document_id):
    document = services.get_document(document_id, current_user)
    form = CancelForm()
    if form.validate_on_submit():
        attempt(lambda: services.cancel(actor=current_user, document=document,
                                        reason=form.reason.data),
                _("The document is cancelled."))
    return redirect(url_for("documents.detail", document_id=document.id))


@bp.route("/documents/<int:document_id>.pdf")
@login_required
def pdf(document_id):
    """The latest issued PDF (or ?version=N); a draft, to its organiser, marked as a draft;
    ?lang=en: an English translation for reference."""
    document = services.get_document(document_id, current_user)
    version = request.args.get("version", type=row_id)
    lang = request.args.get("lang", "vi")
    content = services.pdf_content(document, version, lang)
    name = fold_search_key(document.number or f"du thao {document.id}").replace("/", "-")
    suffix = "-en" if lang == "en" else ""
    return _pdf(content, f"{name.replace(' ', '-')}{suffix}.pdf")  # ASCII: headers are Latin-1


@bp.route("/documents/<int:document_id>/signed/<int:file_id>")
@login_required
def signed_scan(document_id, file_id):
    document = services.get_document(document_id, current_user)
    stored = next((f for f in document.files if f.id == file_id and f.purpose == "signed"), None)
    if stored is None:
        return redirect(url_for("documents.pdf", document_id=document.id))
    return uploaded_file(storage.path_for(stored.storage_key).read_bytes(), stored.content_type,
                         f"signed-{document.id}{'.pdf' if stored.content_type.endswith('pdf') else '.jpg'}")


@bp.route("/payment-requests/<int:request_id>.pdf")
@login_required
def payment_request_pdf(request_id):
    """A deposit's or balance's payment request, one page with its VietQR code: for the
    exhibitor whose contract it is and for the contract's organiser."""
    shown = services.payment_request_for(current_user, request_id)
    content = request_render.render_request(request_render.sheet_for(shown, vietnam_today()))
    return _pdf(content, f"{shown.request.code}.pdf")


@bp.route("/hooks/bank-credits/<int:organizer_id>", methods=["POST"])
@csrf.exempt  # signed with the organiser's key instead (credits.verify_request)
def bank_credit_hook(organizer_id):
    """A bank-notification service reports a credit to the organiser's account: 401 unless
    the body is signed with the organiser's key; 422 naming a wrong field; else 200 with the
    outcome (a transaction seen before: its first outcome, ``"replay": true``)."""
    organizer = db.session.get(Organizer, organizer_id)
    body = request.get_data(cache=True)
    if not credits.verify_request(organizer, body, request.headers):
        return jsonify(error="bad_signature", message=_("The signature does not match.")), 401
    adapter = credits.FORMATS.get(request.args.get("format", "generic"))
    if adapter is None:
        message = _("Use one of %(codes)s.", codes=", ".join(credits.FORMATS))
        return jsonify(error="invalid", message=message, fields={"format": message}), 422
    try:
        reported = adapter(request.get_json(silent=True))
    except ValidationFailed as error:
        return jsonify(error="invalid", message=error.message, fields=error.fields), 422
    if reported is None:  # money going out: nothing to match
        return jsonify(outcome="ignored", success=True)
    credit, new = credits.receive_credit(organizer.id, reported, source="webhook")
    # "success": what SePay expects back, or it sends the notification again
    return jsonify(transaction_id=credit.transaction_id, outcome=credit.outcome,
                   reason=credit.reason, code=credit.code, replay=not new, success=True)


@bp.route("/my/documents")
@login_required
def mine():
    # each with the business's own details that changed after it was issued: it asks for a reprint
    documents = services.party_documents(current_user.business_id) if current_user.business_id else []
    return render_template("documents/mine.html", documents=documents)


# -- payments ----------------------------------------------------------------------------------

def _payment_form(ledger, formdata=None) -> PaymentForm:
    """The exhibitor is chosen among the businesses of the balances shown (search or filter
    the list to find one); the service checks the choice, so a business that left the page
    between showing and posting is still accepted, and one without a booth is refused."""
    form = PaymentForm(formdata=formdata) if formdata is not None else PaymentForm(
        paid_on=vietnam_today().strftime("%d/%m/%Y"))
    rows = ledger.page.rows if ledger.view == "balances" else []
    form.business_id.choices = [(str(r.business_id), f"{', '.join(r.booths) or '—'} · {r.name} ({r.tax_code})")
                                for r in rows]
    return form


@bp.route("/organiser/weeks/<slug>/payments", methods=["GET", "POST"])
@organiser_required
def week_payments(slug):
    week = get_managed_week(slug, current_user)
    today = vietnam_today()
    ledger = payments.ledger_page(week, today, request.args)
    form = _payment_form(ledger, request.form if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                payments.record_payment(actor=current_user, week=week, data=form.data)
                flash(_("Payment recorded."), "success")
                return redirect(request.full_path)  # the same page, filters kept
            except ValidationFailed as error:
                form.apply_errors(error)
        status = 422
    shown = [row[0] for row in ledger.page.rows] if ledger.view == "payments" else [
        p for row in ledger.page.rows for p in row.payments]
    return render_template("documents/payments.html", week=week, ledger=ledger, form=form,
                           states=payments.STATES, kinds=list(PaymentKind),
                           state_title=payments.state_title, today=today,
                           review=credits.review_queue(week.organizer_id, week.id),
                           flow=invoicing.money_flow(week),
                           invoices=invoicing.for_payments(p.id for p in shown),
                           action=ActionForm()), status


@bp.route("/organiser/bank-credits/<int:credit_id>/settle", methods=["POST"])
@organiser_required
def settle_credit(credit_id):
    """Take a credit out of the review queue (the form names how it was settled)."""
    if ActionForm().validate_on_submit():
        attempt(lambda: credits.settle_credit(actor=current_user, credit_id=credit_id,
                                              settlement=request.form.get("settlement", "")),
                _("The credit is settled."))
    return redirect(safe_next(url_for("weeks.organiser_home")))


@bp.route("/organiser/weeks/<slug>/bank-statement", methods=["POST"])
@organiser_required
@upload_limited
def import_statement(slug):
    """A bank statement (CSV or XLSX): its credits matched or put in review; back to the
    week's payments page with what happened."""
    week = get_managed_week(slug, current_user)
    target = url_for("documents.week_payments", slug=week.slug) + "#review"
    if not ActionForm().validate_on_submit():
        return redirect(target)
    upload = request.files.get("statement")
    try:
        result = statements.import_statement(
            actor=current_user, filename=getattr(upload, "filename", "") or "",
            content=upload.read() if upload else b"")
    except ValidationFailed as error:
        flash(" ".join([error.message, *error.fields.values()][:2]), "error")
        return redirect(target)
    flash(_("Statement imported: %(matched)s matched, %(review)s in review, %(seen)s already "
            "received, %(skipped)s without a credit, %(refused)s not read.",
            matched=result.matched, review=result.in_review, seen=result.already_received,
            skipped=result.skipped, refused=len(result.refused)), "success")
    for number, why in list(result.refused.items())[:5]:
        flash(_("Row %(row)s: %(why)s", row=number, why=why), "error")
    return redirect(target)


@bp.route("/organiser/organisation/webhook-key", methods=["POST"])
@organiser_required
def webhook_key():
    """A new key for the bank-notification service, shown once."""
    if not ActionForm().validate_on_submit():
        return redirect(url_for("documents.organisation"))
    secret = credits.new_webhook_secret(actor=current_user)
    organizer = current_user.organizer
    form = OrganisationForm(data={k: getattr(organizer, k) for k in ORGANIZER_FIELDS})
    return _organisation_page(form, new_secret=secret)


def _organisation_page(form, status: int = 200, **extra):
    from exhibit.core.links import public_url
    return render_template(
        "documents/organisation.html", form=form, action=ActionForm(),
        hook_url=public_url("documents.bank_credit_hook", organizer_id=current_user.organizer_id),
        **extra), status


# -- the organising body ------------------------------------------------------------------------

@bp.route("/organiser/organisation", methods=["GET", "POST"])
@organiser_required
def organisation():
    organizer = current_user.organizer
    if request.method == "GET":
        form = OrganisationForm(data={k: getattr(organizer, k) for k in ORGANIZER_FIELDS})
        return _organisation_page(form)
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            update_organizer(actor=current_user, data=form.data)
            flash(_("Details saved; new contracts use them."), "success")
            return redirect(url_for("documents.organisation"))
        except ValidationFailed as error:
            form.apply_errors(error)
    return _organisation_page(form, 422)



@bp.route("/organiser/bank-credits/<int:credit_id>/record", methods=["POST"])
@organiser_required
def record_credit(credit_id):
    """Settle a credit in review by recording it in the ledger as a payment (kind, amount)."""
    if ActionForm().validate_on_submit():
        attempt(lambda: payments.record_credit_payment(
            actor=current_user, credit_id=credit_id,
            data={"kind": request.form.get("kind", ""),
                  "amount_vnd": request.form.get("amount_vnd", "")}),
            _("Payment recorded; the credit is settled."))
    return redirect(safe_next(url_for("weeks.organiser_home")))


# -- e-invoice requests ---------------------------------------------------------------------------

@bp.route("/organiser/weeks/<slug>/invoice-requests")
@organiser_required
def invoice_requests(slug):
    week = get_managed_week(slug, current_user)
    status = request.args.get("status", "")
    status = status if status in invoicing.STATUSES else ""
    return render_template(
        "documents/invoice_requests.html", week=week, status=status,
        statuses=list(InvoiceRequestStatus), counts=invoicing.status_counts(week),
        page=invoicing.week_page(week, status, page_number(request.args)),
        flow=invoicing.money_flow(week), action=ActionForm())


@bp.route("/organiser/weeks/<slug>/invoice-requests/export", methods=["POST"])
@organiser_required
def export_invoice_requests(slug):
    """The week's requests as XLSX or JSON (invoicing's layout); the prepared ones become
    exported, so it is a POST."""
    week = get_managed_week(slug, current_user)
    target = url_for("documents.invoice_requests", slug=week.slug)
    if not ActionForm().validate_on_submit():
        return redirect(target)
    try:
        content, mimetype, filename = invoicing.export(
            actor=current_user, week=week, file_format=request.form.get("format", ""),
            status=request.form.get("status", ""))
    except ValidationFailed as error:
        flash(" ".join([error.message, *error.fields.values()][:2]), "error")
        return redirect(target)
    return download(content, mimetype, filename)


def _invoice_page(invoice, number_form=None, correction_form=None, status: int = 200):
    if number_form is None:
        number_form = InvoiceNumberForm(data={
            "invoice_number": invoice.invoice_number, "invoice_symbol": invoice.invoice_symbol,
            "lookup_code": invoice.lookup_code})
    if correction_form is None:
        correction_form = InvoiceCorrectionForm(data={
            f"buyer_{k}": invoice.buyer.get(k, "") for k in invoicing.BUYER_FIELDS})
    return render_template(
        "documents/invoice_request.html", invoice=invoice, week=invoice.week, number_form=number_form,
        correction_form=correction_form, action=ActionForm(), key=invoicing.request_key(invoice),
        corrections=invoicing.corrections_of(invoice), provider=einvoice_providers.configured_name(),
        history=audit.entries(entity="invoice_request", entity_id=invoice.id),
        audit_action=audit.action_title), status


@bp.route("/organiser/invoice-requests/<int:request_id>")
@organiser_required
def invoice_request(request_id):
    return _invoice_page(invoicing.get_request(request_id, current_user))


@bp.route("/organiser/invoice-requests/<int:request_id>/invoice", methods=["POST"])
@organiser_required
def record_invoice(request_id):
    invoice = invoicing.get_request(request_id, current_user)
    form = InvoiceNumberForm()
    if form.validate_on_submit():
        try:
            invoicing.record_invoice(actor=current_user, request_id=invoice.id, data=form.data)
            flash(_("The invoice is recorded; the exhibitor sees it on their page."), "success")
            return redirect(url_for("documents.invoice_request", request_id=invoice.id))
        except ValidationFailed as error:
            form.apply_errors(error)
        except AppError as error:
            flash(error.message, "error")
            return redirect(url_for("documents.invoice_request", request_id=invoice.id))
    db.session.refresh(invoice)
    return _invoice_page(invoice, number_form=form, status=422)


@bp.route("/organiser/invoice-requests/<int:request_id>/correction", methods=["POST"])
@organiser_required
def correct_invoice(request_id):
    invoice = invoicing.get_request(request_id, current_user)
    form = InvoiceCorrectionForm()
    if form.validate_on_submit():
        try:
            made = invoicing.correct(actor=current_user, request_id=invoice.id,
                                     kind=form.kind.data, data=form.data)
            flash(_("The correction is prepared; the original is kept."), "success")
            return redirect(url_for("documents.invoice_request", request_id=made.id))
        except ValidationFailed as error:
            form.apply_errors(error)
        except AppError as error:
            flash(error.message, "error")
            return redirect(url_for("documents.invoice_request", request_id=invoice.id))
    db.session.refresh(invoice)
    return _invoice_page(invoice, correction_form=form, status=422)


@bp.route("/organiser/invoice-requests/<int:request_id>/cancel", methods=["POST"])
@organiser_required
def cancel_invoice_request(request_id):
    invoice = invoicing.get_request(request_id, current_user)
    if ActionForm().validate_on_submit():
        attempt(lambda: invoicing.cancel(actor=current_user, request_id=invoice.id,
                                         reason=request.form.get("reason", "")),
                _("The invoice request is cancelled."))
    return redirect(url_for("documents.invoice_request", request_id=invoice.id))


@bp.route("/organiser/invoice-requests/<int:request_id>/submit", methods=["POST"])
@organiser_required
def submit_invoice_request(request_id):
    """Send the request to the configured e-invoice provider's adapter."""
    invoice = invoicing.get_request(request_id, current_user)
    if ActionForm().validate_on_submit():
        attempt(lambda: invoicing.submit_to_provider(actor=current_user, request_id=invoice.id),
                _("The provider issued the invoice; it is recorded."))
    return redirect(url_for("documents.invoice_request", request_id=invoice.id))
