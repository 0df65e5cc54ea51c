"""Document, payment and organisation forms: input only; the rules live in the services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from exhibit.core.forms import BaseForm
from exhibit.documents.models import PaymentKind
from exhibit.documents.services import VAT_RATES


def _party(prefix: str, label) -> dict:
    return {
        f"{prefix}_representative": StringField(_l("%(side)s: signed by", side=label)),
        f"{prefix}_position": StringField(_l("%(side)s: position", side=label)),
        f"{prefix}_authorisation": StringField(
            _l("%(side)s: authorisation", side=label),
            description=_l("When the signer is not the legal representative, e.g. Giấy ủy "
                           "quyền số 05/GUQ-ITPC ngày 02/01/2024")),
        f"{prefix}_bank_account": StringField(_l("%(side)s: bank account", side=label)),
        f"{prefix}_bank_name": StringField(_l("%(side)s: bank", side=label)),
    }


class ContractForm(BaseForm):
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
    locals().update(_party("party_a", "Bên A"))
    locals().update(_party("party_b", "Bên B"))


class MouForm(BaseForm):
    place = StringField(_l("Place"))
    dated_on = DateField(_l("Date of the memorandum"), validators=[Optional()],
                         description=_l("Empty: the day it is issued"))
    purpose = TextAreaField(_l("Purpose of the cooperation"))
    expected_value_vnd = StringField(_l("Expected trade value (đồng)"),
                                     render_kw={"inputmode": "numeric"})
    price_terms = TextAreaField(_l("Price principles"))
    payment_terms = TextAreaField(_l("Payment principles"))
    valid_months = IntegerField(_l("Valid for (months)"), validators=[Optional()])
    binding = BooleanField(_l("Binding on the parties"))
    with_witness = BooleanField(_l("Witnessed by the organiser"))
    products = TextAreaField(
        _l("Products"), render_kw={"rows": 6},
        description=_l("One per line: product | specification | expected volume | reference price"))
    notes = TextAreaField(_l("Internal notes"))
    locals().update(_party("party_a", "Bên A"))
    locals().update(_party("party_b", "Bên B"))


PARTY_FORM_FIELDS = [f"{side}_{name}" for side in ("party_a", "party_b")
                     for name in ("representative", "position", "authorisation", "bank_account",
                                  "bank_name")]


class SignedScanForm(BaseForm):
    scan = FileField(_l("Scan of the signed document (PDF or JPEG)"))


class CancelForm(BaseForm):
    reason = StringField(_l("Reason"))


class PaymentForm(BaseForm):
    business_id = SelectField(_l("Exhibitor"), coerce=str)
    kind = SelectField(_l("Kind"), choices=[(k.value, k.title) for k in PaymentKind])
    amount_vnd = StringField(_l("Amount (đồng)"), render_kw={"inputmode": "numeric"})
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
    bank_account = StringField(_l("Bank account"))
    bank_name = StringField(_l("Bank"), description=_l(
        "e.g. Ngân hàng TMCP Ngoại thương Việt Nam – Chi nhánh TP. Hồ Chí Minh"))
