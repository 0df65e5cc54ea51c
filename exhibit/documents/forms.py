"""Document, payment and organisation forms: input only; the rules live in the services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from exhibit.core.forms import BaseForm
from exhibit.documents.models import PAYMENT_KIND_TITLES, PaymentKind
from exhibit.documents.services import VAT_RATES
from exhibit.vn.banks import banks


_AUTHORISATION_HINT = _l("When the signer is not the legal representative, e.g. Giấy ủy quyền "
                         "số 05/GUQ-ITPC ngày 02/01/2024")


class PartyForm(BaseForm):
    """Who signs for each side, and the bank details printed in the parties' blocks; the
    field "party_a_bank_name" edits the document's party_a["bank_name"]."""
    party_a_representative = StringField(_l("%(side)s: signed by", side="Bên A"))
    party_a_position = StringField(_l("%(side)s: position", side="Bên A"))
    party_a_authorisation = StringField(_l("%(side)s: authorisation", side="Bên A"),
                                        description=_AUTHORISATION_HINT)
    party_a_bank_account = StringField(_l("%(side)s: bank account", side="Bên A"))
    party_a_bank_name = StringField(_l("%(side)s: bank", side="Bên A"))
    party_b_representative = StringField(_l("%(side)s: signed by", side="Bên B"))
    party_b_position = StringField(_l("%(side)s: position", side="Bên B"))
    party_b_authorisation = StringField(_l("%(side)s: authorisation", side="Bên B"),
                                        description=_AUTHORISATION_HINT)
    party_b_bank_account = StringField(_l("%(side)s: bank account", side="Bên B"))
    party_b_bank_name = StringField(_l("%(side)s: bank", side="Bên B"))

    def party_fields(self):
        return [f for f in self if f.name.startswith("party_")]

    def document_fields(self):
        return [f for f in self if not f.name.startswith("party_") and f.name != "csrf_token"]

    def party_changes(self) -> dict:
        """{"party_a.bank_name": …} for the service."""
        return {f"{f.name[:7]}.{f.name[8:]}": f.data for f in self.party_fields()}


class ContractForm(PartyForm):
    place = StringField(_l("Place"), description=_l("As in the date line, e.g. TP. Hồ Chí Minh"))
    dated_on = DateField(_l("Date of the contract"), validators=[Optional()],
                         description=_l("Empty: the day it is issued"))
    vat_percent = SelectField(_l("VAT rate"), choices=[(str(r), f"{r}%") for r in VAT_RATES])
    deposit_percent = IntegerField(_l("Deposit (%)"), validators=[Optional()])
    deposit_due_on = DateField(_l("Deposit due on"), validators=[Optional()])
    balance_due_on = DateField(_l("Balance due on"), validators=[Optional()])
    funding_source = StringField(_l("Funding source"),
                                 description=_l("Who pays for booths that cost the exhibitor nothing"))
    notes = TextAreaField(_l("Internal notes"))


class MouForm(PartyForm):
    place = StringField(_l("Place"))
    dated_on = DateField(_l("Date of the memorandum"), validators=[Optional()],
                         description=_l("Empty: the day it is issued"))
    purpose = TextAreaField(_l("Purpose of the cooperation"))
    expected_value_vnd = StringField(_l("Expected trade value (đồng)"),
                                     render_kw={"inputmode": "numeric", "data-money": ""})
    price_terms = TextAreaField(_l("Price principles"))
    payment_terms = TextAreaField(_l("Payment principles"))
    valid_months = IntegerField(_l("Valid for (months)"), validators=[Optional()])
    binding = BooleanField(_l("Binding on the parties"))
    with_witness = BooleanField(_l("Witnessed by the organiser"))
    products = TextAreaField(
        _l("Products"), render_kw={"rows": 6},
        description=_l("One per line: product | specification | expected volume | reference price"))
    notes = TextAreaField(_l("Internal notes"))


class SignedScanForm(BaseForm):
    scan = FileField(_l("Scan of the signed document (PDF or JPEG)"))


class CancelForm(BaseForm):
    reason = StringField(_l("Reason"))


class PaymentForm(BaseForm):
    #: the choices are the businesses on the ledger's current page; the service checks the
    #: one sent (it must have booked a booth at the week), so WTForms does not
    business_id = SelectField(_l("Exhibitor"), coerce=str, validate_choice=False)
    # the lazy titles, put into words when the form is drawn (in the page's language)
    kind = SelectField(_l("Kind"), choices=[(k.value, PAYMENT_KIND_TITLES[k]) for k in PaymentKind])
    amount_vnd = StringField(_l("Amount (đồng)"), render_kw={"inputmode": "numeric", "data-money": ""})
    paid_on = StringField(_l("Paid on"), description=_l("dd/mm/yyyy"))
    reference = StringField(_l("Transfer reference or receipt number"))
    note = StringField(_l("Note"))


class OrganisationForm(BaseForm):
    name = StringField(_l("Name"))
    address = StringField(_l("Address"))
    tax_code = StringField(_l("Tax code"))
    phone = StringField(_l("Phone"))
    email = StringField(_l("Email"))
    representative = StringField(_l("Signs contracts"))
    representative_position = StringField(_l("Position"))
    authorisation = StringField(_l("Authorisation"), description=_l(
        "When the signer is not the legal representative, e.g. Giấy ủy quyền số 05/GUQ-ITPC ngày "
        "02/01/2024"))
    bank_bin = SelectField(_l("Bank"), choices=[("", "—"), *((b.bin, b.label) for b in banks())],
                           validate_choice=False, description=_l(
        "From NAPAS's list: the payment QR codes on contracts and payment requests name it"))
    bank_account = StringField(_l("Bank account"))
    bank_name = StringField(_l("Bank as printed"), description=_l(
        "Filled from the list; add the branch if you wish, e.g. Ngân hàng TMCP Ngoại thương "
        "Việt Nam – Chi nhánh TP. Hồ Chí Minh"))


class InvoiceNumberForm(BaseForm):
    """The invoice the provider issued for a request (checked by invoicing.check_identity)."""
    invoice_number = StringField(_l("Invoice number"), render_kw={"inputmode": "numeric",
                                                                  "maxlength": 8},
                                 description=_l("Up to 8 digits, e.g. 0000123"))
    invoice_symbol = StringField(_l("Symbol (ký hiệu)"), render_kw={"maxlength": 7},
                                 description=_l("7 characters, e.g. 1C26TAA"))
    lookup_code = StringField(_l("Lookup code (mã tra cứu)"), render_kw={"maxlength": 100},
                              description=_l("What the buyer types on the provider's site"))


class InvoiceCorrectionForm(BaseForm):
    kind = SelectField(_l("Correction"), choices=[
        ("adjustment", _l("Adjustment (a difference, or corrected details)")),
        ("replacement", _l("Replacement (the same lines, corrected buyer details)"))])
    reason = StringField(_l("Reason"), render_kw={"maxlength": 500})
    amount_vnd = StringField(_l("Difference incl. VAT (đồng)"),
                             description=_l("Adjustment only: negative to lower, e.g. -100.000; 0 to "
                                            "correct details only"))
    buyer_name = StringField(_l("Buyer's legal name"))
    buyer_tax_code = StringField(_l("Buyer's tax code"))
    buyer_address = StringField(_l("Buyer's address"))
    buyer_email = StringField(_l("Buyer's email"))
