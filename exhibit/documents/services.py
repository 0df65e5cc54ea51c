"""The rules of documents: drafting a contract or an MoU, issuing, revising, signing and
cancelling it, and who may read it.

Every step runs in one write transaction with the document's row locked, so two people pressing
"issue" at once give one issue and one 409. Issuing numbers the document from the organiser's
counter (see :mod:`exhibit.documents.numbering`), renders the PDF, stores it under UPLOAD_DIR
with its SHA-256 and raises the version; every step is audited.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from exhibit.booking import queries as booking
from exhibit.businesses import queries as business_profiles
from exhibit.businesses.models import Business, LegalForm
from exhibit.core import audit
from exhibit.core.db import lock_row, utcnow, write_transaction
from exhibit.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from exhibit.core.events import announce, document_cancelled, document_issued, document_signed
from exhibit.core.paging import Page, counted_page, search_text
from exhibit.documents import numbering
from exhibit.documents.numbering import number_contains
from exhibit.documents.wording import require_signed_wording
from exhibit.documents.models import (
    Document,
    DocumentFile,
    DocumentKind,
    DocumentLine,
    DocumentStatus,
)
from exhibit.extensions import db
from exhibit.floorplan.models import Booth
from exhibit.media import storage
from exhibit.vn import numbers
from exhibit.vn.dates import parse_date, vietnam_today
from exhibit.vn.phones import format_phone
from exhibit.vn.text import clean_text, fold_search_key, nfc
from exhibit.weeks.models import ExhibitionWeek, Organizer
from exhibit.weeks.services import is_organiser_of, require_week_organiser

VAT_RATES = (0, 5, 8, 10)
SIGNED_SCAN_TYPES = {b"%PDF": (".pdf", "application/pdf"), b"\xff\xd8\xff": (".jpg", "image/jpeg")}


# -- reading ----------------------------------------------------------------------------------

def week_documents(week, kind: str | None = None) -> list[Document]:
    """Every document of the week (of one kind), in list order: for the API and the exports."""
    query = _list_order(select(Document).where(Document.week_id == week.id)
                        .options(selectinload(Document.business), selectinload(Document.buyer_business)))
    if kind:
        query = query.where(Document.kind == kind)
    return db.session.scalars(query).all()


def _list_order(query):
    """Contracts before MoUs, numbered ones by number, then drafts by age: pages never overlap."""
    return query.order_by(Document.kind, Document.sequence.is_(None), Document.sequence, Document.id)


#: rows of the organiser's documents list per page, and the longest search kept
DOCUMENTS_PER_PAGE = 50


@dataclass(frozen=True)
class DocumentFilters:
    """The organiser's search and filters over a week's documents; unknown values are ignored."""
    #: part of a number, a party's name (with or without diacritics) or its tax code
    q: str = ""
    #: "contract" or "mou"
    kind: str = ""
    #: "draft", "issued", "signed" or "cancelled"
    status: str = ""

    @classmethod
    def from_args(cls, args) -> DocumentFilters:
        kind, status = args.get("kind", ""), args.get("status", "")
        return cls(q=search_text(args),
                   kind=kind if kind in {k.value for k in DocumentKind} else "",
                   status=status if status in {s.value for s in DocumentStatus} else "")


def filtered_documents(week, filters: DocumentFilters):
    """The week's documents matching ``filters``, in list order, as a query (for paging)."""
    supplier, buyer = aliased(Business), aliased(Business)
    query = select(Document).where(Document.week_id == week.id)
    if filters.kind:
        query = query.where(Document.kind == filters.kind)
    if filters.status:
        query = query.where(Document.status == filters.status)
    if filters.q:
        folded = fold_search_key(filters.q)
        query = (query.join(supplier, supplier.id == Document.business_id)
                 .outerjoin(buyer, buyer.id == Document.buyer_business_id)
                 .where(or_(number_contains(Document.number, filters.q),
                            supplier.name_search.contains(folded, autoescape=True),
                            supplier.tax_code.contains(filters.q, autoescape=True),
                            buyer.name_search.contains(folded, autoescape=True),
                            buyer.tax_code.contains(filters.q, autoescape=True))))
    return _list_order(query)


def documents_page(week, filters: DocumentFilters, number: int,
                   size: int = DOCUMENTS_PER_PAGE) -> Page:
    """One page of the week's documents matching ``filters``, with the number of all of them."""
    return counted_page(filtered_documents(week, filters).options(
        selectinload(Document.business), selectinload(Document.buyer_business)), number, size)


#: the API's pages of documents: its default and largest size
API_PER_PAGE, API_MAX_PER_PAGE = 100, 500


def checked_document_filters(args) -> tuple[DocumentFilters, int, int]:
    """The API's filters, page and page size; unlike the HTML list, which ignores what it does
    not know, a wrong value is refused with ValidationFailed naming it."""
    errors: dict[str, str] = {}
    kinds, statuses = [k.value for k in DocumentKind], [s.value for s in DocumentStatus]
    if args.get("kind") and args["kind"] not in kinds:
        errors["kind"] = _("Use one of %(codes)s.", codes=", ".join(kinds))
    if args.get("status") and args["status"] not in statuses:
        errors["status"] = _("Use one of %(codes)s.", codes=", ".join(statuses))

    def whole(key, default, high):
        value = args.get(key)
        if value in (None, ""):
            return default
        if not str(value).isdigit() or not 1 <= int(value) <= high:
            errors[key] = _("Enter a whole number from %(low)d to %(high)d.", low=1, high=high)
            return default
        return int(value)
    number = whole("page", 1, 100_000)
    size = whole("per_page", API_PER_PAGE, API_MAX_PER_PAGE)
    if errors:
        raise ValidationFailed(_("Some filters are not valid."), fields=errors)
    return DocumentFilters.from_args(args), number, size


@dataclass(frozen=True)
class DocumentCounts:
    """How many documents of a week are of each kind and in each status."""
    #: (kind, status) → number
    cells: dict

    def of_kind(self, kind: str) -> int:
        return sum(n for (k, _status), n in self.cells.items() if k == kind)

    def in_status(self, status: str) -> int:
        return sum(n for (_kind, s), n in self.cells.items() if s == status)

    @property
    def total(self) -> int:
        return sum(self.cells.values())


def document_counts(week) -> DocumentCounts:
    """The week's documents counted by kind and status, in one grouped query."""
    return DocumentCounts({(kind, status): count for kind, status, count in db.session.execute(
        select(Document.kind, Document.status, func.count()).where(Document.week_id == week.id)
        .group_by(Document.kind, Document.status))})


def business_documents(business_id: int) -> list[Document]:
    """Documents a business is a party to, newest first (drafts are the organiser's own), with
    what their list shows (week, parties, stored files) read in a few queries, not per row."""
    return db.session.scalars(
        select(Document).where((Document.business_id == business_id)
                               | (Document.buyer_business_id == business_id),
                               Document.status != DocumentStatus.DRAFT.value)
        .options(selectinload(Document.week), selectinload(Document.files),
                 selectinload(Document.business), selectinload(Document.buyer_business))
        .order_by(Document.id.desc())).all()


def party_documents(business_id: int) -> list[tuple[Document, list[ProfileChange]]]:
    """A business's documents (as ``business_documents``), each with the details the business
    changed in its profile after the document took them: the profile's edits are read once
    for all documents, not once per document."""
    documents = business_documents(business_id)
    if not documents:
        return []
    since = min(_taken_at(d) for d in documents)
    edits = business_profiles.profile_edits(business_id, since)
    return [(d, profile_changes(d, business_id=business_id, edits=edits)) for d in documents]


def get_document(document_id: int, user) -> Document:
    """A document the user may read: its organiser's staff, or a user of a party's business."""
    document = db.session.get(Document, document_id)
    if document is None:
        raise NotFound(_("There is no such document."), code="document_not_found")
    require_reader(user, document)
    return document


def is_document_organiser(user, document: Document) -> bool:
    """An organiser of the body that issues the document."""
    return is_organiser_of(user, document.organizer_id)


def is_party(user, document: Document) -> bool:
    """A user of a business that signs the document: the exhibitor or supplier, and for an MoU
    the buyer. A user without a business (organiser, entrance staff) is never a party, even
    though a contract has no buyer."""
    business_id = getattr(user, "business_id", None)
    return business_id is not None and business_id in (document.business_id,
                                                       document.buyer_business_id)


def may_read(user, document: Document) -> bool:
    """The issuing organiser always; a party once the document is issued (drafts are the
    organiser's own)."""
    if is_document_organiser(user, document):
        return True
    return document.status != DocumentStatus.DRAFT.value and is_party(user, document)


def require_reader(user, document: Document) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise Forbidden(_("Sign in to read this document."))
    if not may_read(user, document):
        raise Forbidden(_("Only the organiser and the parties can read this document."))


def payment_request_for(user, request_id: int):
    """A payment request for the readers of its contract (the organiser; the exhibitor once
    the contract is issued), as shown (documents.requests.ShownRequest)."""
    from exhibit.documents import requests
    request = requests.open_request(request_id)
    require_reader(user, request.document)
    return requests.shown_request(request)


def _live_contract_holders(week):
    return select(Document.business_id).where(
        Document.week_id == week.id, Document.kind == DocumentKind.CONTRACT.value,
        Document.status != DocumentStatus.CANCELLED.value)


def businesses_without_contract(week) -> list[Business]:
    """Confirmed exhibitors of the week that have no live contract yet."""
    return booking.confirmed_businesses(week, excluding=_live_contract_holders(week))


def contracts_waiting(week, shown: int = 20) -> tuple[int, list[Business]]:
    """How many confirmed exhibitors of the week have no live contract yet, and the first
    ``shown`` of them by name: the organiser drafts them all at once or one by one. Only ids
    are read to count them (a fair has thousands), never whole rows."""
    missing = booking.confirmed_business_ids(week) - set(
        db.session.scalars(_live_contract_holders(week)))
    if not missing:
        return 0, []
    first = db.session.scalars(select(Business).where(Business.id.in_(missing))
                               .order_by(Business.name, Business.id).limit(shown)).all()
    return len(missing), first


# -- parties ----------------------------------------------------------------------------------

def organizer_party(organizer: Organizer) -> dict:
    return {"name": organizer.name, "address": organizer.address, "tax_code": organizer.tax_code,
            "phone": format_phone(organizer.phone), "email": organizer.email,
            "bank_account": organizer.bank_account, "bank_name": organizer.bank_name,
            "bank_bin": organizer.bank_bin, "representative": organizer.representative,
            "position": organizer.representative_position,
            "authorisation": organizer.authorisation, "has_seal": True}


def business_party(business: Business) -> dict:
    return {"name": business.name, "address": business.address, "tax_code": business.tax_code,
            "phone": business.phone_display, "email": business.email,
            "bank_account": business.bank_account, "bank_name": business.bank_name,
            "representative": business.representative,
            "position": business.representative_position, "authorisation": "",
            "legal_form": business.legal_form, "has_seal": business.legal_form_enum.has_seal}


PARTY_FIELDS = ("representative", "position", "authorisation", "bank_account", "bank_name")

#: what a party block prints from its business's profile: party key → the profile field (as
#: the profile's audit entries name it)
PRINTED_PROFILE = {"name": "name", "legal_form": "legal_form", "tax_code": "tax_code",
                   "address": "address", "phone": "phone", "email": "email",
                   "representative": "representative", "position": "representative_position"}
PRINTED_TITLES = {"name": _l("Name"), "legal_form": _l("Legal form"), "tax_code": _l("Tax code"),
                  "address": _l("Address"), "phone": _l("Phone"), "email": _l("Email"),
                  "representative": _l("Representative"), "position": _l("Position")}


@dataclass(frozen=True)
class ProfileChange:
    """A detail a party's business changed in its profile after the document printed it."""
    #: "party_a" or "party_b"
    side: str
    business_id: int
    #: the party key ("address", "position", …)
    field: str
    printed: str
    current: str
    #: the document still holds what the profile said then (not what the organiser typed into
    #: the draft instead), so issuing a draft takes the new value
    follows: bool

    @property
    def title(self) -> str:
        return str(PRINTED_TITLES[self.field])

    def shown(self, value: str) -> str:
        if self.field == "legal_form" and value in {f.value for f in LegalForm}:
            return LegalForm(value).title
        return value or "—"


def profile_changes(document: Document, *, business_id: int | None = None,
                    edits: list | None = None) -> list[ProfileChange]:
    """What the parties' businesses changed in their profiles after the document took their
    details: after its latest issue for an issued or signed document (which keeps what it
    printed: revising and issuing it again reprints it), since it was drafted or last issued
    for a draft. Only details the profile changed in that time count, so a signer the
    organiser typed into a draft is no change. ``business_id`` keeps one party's; ``edits``
    are that business's profile edits already read since a moment no later than this
    document's (see ``party_documents``)."""
    if document.status == DocumentStatus.CANCELLED.value:
        return []
    since = _taken_at(document)
    changes = []
    for side, business in _business_parties(document):
        if business_id is not None and business.id != business_id:
            continue
        if edits is not None and business_id is not None:
            found = [edit for edit in edits if edit.at > since]
        else:
            found = business_profiles.profile_edits(business.id, since)
        if not found:
            continue
        printed, current = getattr(document, side), business_party(business)
        for key, field in PRINTED_PROFILE.items():
            touched = [edit for edit in found if field in (edit.after or {})]
            if not touched or str(printed.get(key) or "") == str(current[key] or ""):
                continue
            held = {_as_printed(field, (edit.before or {}).get(field)) for edit in touched}
            changes.append(ProfileChange(side, business.id, key, str(printed.get(key) or ""),
                                         str(current[key] or ""),
                                         follows=str(printed.get(key) or "") in held))
    return changes


def _taken_at(document: Document) -> datetime:
    """When the document last took its parties' details: its latest issue, or its drafting."""
    return document.issued_at or document.created_at


def _business_parties(document: Document) -> list[tuple[str, Business]]:
    parties = [("party_b", document.business)]
    if document.kind == DocumentKind.MOU.value and document.buyer_business is not None:
        parties.insert(0, ("party_a", document.buyer_business))
    return parties


def _as_printed(field: str, value) -> str:
    if field == "phone" and value:
        return format_phone(value)
    return str(value or "")


def _follow_profiles(document: Document) -> list[str]:
    """Inside the issuing transaction: a draft takes the details its parties' businesses
    changed since it took them, unless the organiser typed others; the names changed."""
    taken = []
    for change in profile_changes(document):
        if not change.follows:
            continue
        party = {**getattr(document, change.side), change.field: change.current}
        if change.field == "legal_form":
            party["has_seal"] = LegalForm(change.current).has_seal
        setattr(document, change.side, party)
        taken.append(f"{change.side}.{change.field}")
    return taken


# -- drafting ---------------------------------------------------------------------------------

def create_contract(*, actor, week: ExhibitionWeek, business_id: int,
                    now: datetime | None = None) -> Document:
    """A draft contract for the business's confirmed booths at the week, with the settings'
    VAT rate, a 50% deposit due in 7 days and the balance due a week before opening."""
    require_week_organiser(actor, week)
    today = vietnam_today(now)
    with write_transaction():
        business = db.session.get(Business, business_id)
        if business is None:
            raise NotFound(_("There is no such business."), code="business_not_found")
        allocations = booking.confirmed_allocations(week.id, business_id)
        if not allocations:
            raise ValidationFailed(_("The business has no confirmed booth at this week."),
                                   code="no_confirmed_booth")
        balance_due = max(today, week.start_date - timedelta(days=7))
        document = Document(
            kind=DocumentKind.CONTRACT.value, organizer_id=week.organizer_id, week_id=week.id,
            business_id=business_id, party_a=organizer_party(week.organizer),
            party_b=business_party(business),
            vat_percent=int(current_app.config["CONTRACT_VAT_PERCENT"]), deposit_percent=50,
            deposit_due_on=min(today + timedelta(days=7), balance_due),
            balance_due_on=balance_due, created_by_id=actor.id)
        _set_contract_lines(document, allocations)
        if document.subtotal_vnd == 0:
            document.funding_source = default_funding_source(week)
        db.session.add(document)
        try:
            db.session.flush()
        except IntegrityError:
            raise Conflict(_("This business already has a contract for the week; cancel it "
                             "before drafting a new one."), code="contract_exists") from None
        audit.record("document", document.id, "create", actor=actor, week_id=week.id,
                     business_id=business_id, after=_snapshot(document))
    return document


def default_funding_source(week: ExhibitionWeek) -> str:
    body = week.co_organizer or week.organizer.name
    return f"kinh phí Chương trình xúc tiến thương mại của {body}"


def _set_contract_lines(document: Document, allocations: list) -> None:
    document.lines = [
        DocumentLine(position=i, allocation_id=a.id, label=a.booth.code,
                     detail=_booth_description(a.booth),
                     area_m2=a.booth.area_m2, unit_price_vnd=a.booth.price_vnd,
                     amount_vnd=a.booth.price_vnd)
        for i, a in enumerate(allocations)]
    _recompute(document)


#: how a contract names each booth type (in Vietnamese: the contract is the signed document)
BOOTH_TYPES_VI = {"standard": "Gian tiêu chuẩn", "corner": "Gian góc", "premium": "Gian cao cấp",
                  "raw_space": "Đất trống"}


def _booth_description(booth: Booth) -> str:
    """"Gian góc 3 m × 3 m"; raw space has no standard size."""
    if booth.booth_type == "raw_space":
        return BOOTH_TYPES_VI["raw_space"]
    return (f"{BOOTH_TYPES_VI[booth.booth_type]} {numbers.format_number(booth.width_m)} m × "
            f"{numbers.format_number(booth.depth_m)} m")


def _recompute(document: Document) -> None:
    subtotal = sum(line.amount_vnd for line in document.lines)
    document.subtotal_vnd = subtotal
    # VAT on whole đồng, rounded half up.
    document.vat_vnd = (subtotal * document.vat_percent + 50) // 100
    document.total_vnd = document.subtotal_vnd + document.vat_vnd


def create_mou(*, actor, week: ExhibitionWeek, supplier_id: int, buyer_business_id: int,
               meeting=None, product_ids: list[int] | None = None, witness: bool = True) -> Document:
    """A draft MoU between a supplier (Bên B) and a buyer (Bên A) at the week, optionally
    prefilled from a B2B meeting: its parties and the supplier's products matching the buyer's
    needs."""
    from exhibit.catalogue.models import Product
    require_week_organiser(actor, week)
    with write_transaction():
        supplier = db.session.get(Business, supplier_id)
        buyer = db.session.get(Business, buyer_business_id)
        if supplier is None or buyer is None:
            raise NotFound(_("There is no such business."), code="business_not_found")
        if supplier.id == buyer.id:
            raise ValidationFailed(_("The buyer and the supplier must be different businesses."),
                                   fields={"buyer": _("Choose another business.")})
        document = Document(
            kind=DocumentKind.MOU.value, organizer_id=week.organizer_id, week_id=week.id,
            business_id=supplier.id, buyer_business_id=buyer.id,
            meeting_id=meeting.id if meeting is not None else None,
            party_a=business_party(buyer), party_b=business_party(supplier),
            witness=organizer_party(week.organizer) if witness else {},
            purpose=default_mou_purpose(week), price_terms=DEFAULT_PRICE_TERMS,
            payment_terms=DEFAULT_PAYMENT_TERMS, valid_months=12, binding=False,
            deposit_percent=0, created_by_id=actor.id)
        products = []
        if product_ids:
            products = db.session.scalars(select(Product).where(
                Product.id.in_(product_ids), Product.business_id == supplier.id)
                .order_by(Product.name)).all()
        document.lines = [_mou_line(i, p) for i, p in enumerate(products)]
        db.session.add(document)
        db.session.flush()
        audit.record("document", document.id, "create", actor=actor, week_id=week.id,
                     business_id=supplier.id, after=_snapshot(document))
    return document


def _mou_line(position: int, product) -> DocumentLine:
    detail = " – ".join(x for x in (product.net_quantity, product.packaging) if x)
    return DocumentLine(position=position, product_id=product.id, label=product.name,
                        detail=detail, quantity=f"… {product.unit}/tháng",
                        unit_price_vnd=product.price_vnd, amount_vnd=0)


def default_mou_purpose(week: ExhibitionWeek) -> str:
    return ("Trên cơ sở kết quả kết nối giao thương tại " + week.name_vi + ", hai bên thống "
            "nhất hợp tác đưa sản phẩm của Bên B vào hệ thống phân phối của Bên A, mở rộng thị "
            "trường tiêu thụ và phát triển quan hệ hợp tác lâu dài, cùng có lợi.")


DEFAULT_PRICE_TERMS = ("Giá mua bán được hai bên thỏa thuận theo từng đơn đặt hàng, căn cứ giá "
                       "tham khảo nêu tại Điều 2 và biến động thị trường; giá đã bao gồm thuế "
                       "giá trị gia tăng và chi phí vận chuyển đến kho của Bên A, trừ khi có "
                       "thỏa thuận khác.")
DEFAULT_PAYMENT_TERMS = ("Thanh toán bằng chuyển khoản trong vòng 30 ngày kể từ ngày Bên A nhận "
                         "đủ hàng và hóa đơn giá trị gia tăng hợp lệ.")


#: fields of a draft an organiser may edit, by kind
CONTRACT_FIELDS = ("place", "dated_on", "vat_percent", "deposit_percent", "deposit_due_on",
                   "balance_due_on", "funding_source", "notes")
MOU_FIELDS = ("place", "dated_on", "purpose", "price_terms", "payment_terms", "valid_months",
              "binding", "expected_value_vnd", "notes", "with_witness")


#: text kept with its line breaks
MULTILINE_FIELDS = ("purpose", "price_terms", "payment_terms", "notes")


def update_draft(*, actor, document: Document, data: dict, lines: list[dict] | None = None) -> Document:
    """Edit a draft. ``data`` holds the fields above, plus ``party_a.*`` / ``party_b.*`` for
    the signers and bank details; ``lines`` replaces an MoU's products (label, detail,
    quantity, unit_price_vnd). A contract's booths are re-read from its confirmed allocations."""
    cleaned, party_changes, errors = _clean_document_data(document, data)
    cleaned_lines = _clean_mou_lines(lines, errors) if lines is not None else None
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    with write_transaction():
        document = _lock(document.id)
        _require_organiser(actor, document)
        _require_status(document, DocumentStatus.DRAFT, _("Only a draft can be edited."))
        before = _snapshot(document)
        with_witness = cleaned.pop("with_witness", None)
        for key, value in cleaned.items():
            setattr(document, key, value)
        if with_witness is not None:
            document.witness = organizer_party(document.organizer) if with_witness else {}
        for side, changes in party_changes.items():
            setattr(document, side, {**getattr(document, side), **changes})
        if document.kind == DocumentKind.CONTRACT.value:
            allocations = booking.confirmed_allocations(document.week_id, document.business_id)
            if allocations:
                _set_contract_lines(document, allocations)
            _recompute(document)
        elif cleaned_lines is not None:
            document.lines = [DocumentLine(position=i, **line) for i, line in enumerate(cleaned_lines)]
        audit.record("document", document.id, "update", actor=actor, week_id=document.week_id,
                     business_id=document.business_id, before=before, after=_snapshot(document))
    return document


def _clean_document_data(document: Document, data: dict) -> tuple[dict, dict, dict]:
    allowed = CONTRACT_FIELDS if document.kind == DocumentKind.CONTRACT.value else MOU_FIELDS
    cleaned: dict = {}
    errors: dict = {}
    for key in allowed:
        if key not in data:
            continue
        value = data[key]
        try:
            if key in ("dated_on", "deposit_due_on", "balance_due_on"):
                cleaned[key] = parse_date(value)
            elif key in ("vat_percent", "deposit_percent", "valid_months", "expected_value_vnd"):
                cleaned[key] = numbers.parse_whole(value) or 0
            elif key in ("binding", "with_witness"):
                cleaned[key] = value in (True, "1", "true", "on", "y", "yes")
            elif key in MULTILINE_FIELDS:
                cleaned[key] = nfc(value or "").strip()
            else:
                cleaned[key] = clean_text(value)
        except (TypeError, ValueError):
            errors[key] = _("Not a valid value.")
    if "vat_percent" in cleaned and cleaned["vat_percent"] not in VAT_RATES:
        errors["vat_percent"] = _("VAT is 0, 5, 8 or 10 percent.")
    if "deposit_percent" in cleaned and not 0 <= cleaned["deposit_percent"] <= 100:
        errors["deposit_percent"] = _("Between 0 and 100 percent.")
    if "valid_months" in cleaned and not 1 <= cleaned["valid_months"] <= 120:
        errors["valid_months"] = _("Between 1 and 120 months.")
    if cleaned.get("expected_value_vnd", 0) < 0:
        errors["expected_value_vnd"] = _("Not a valid value.")
    deposit_due = cleaned.get("deposit_due_on", document.deposit_due_on)
    balance_due = cleaned.get("balance_due_on", document.balance_due_on)
    if deposit_due and balance_due and balance_due < deposit_due:
        errors["balance_due_on"] = _("The balance cannot fall due before the deposit.")
    if "place" in cleaned and not cleaned["place"]:
        errors["place"] = _("Required.")
    party_changes: dict = {}
    for side in ("party_a", "party_b"):
        for field in PARTY_FIELDS:
            key = f"{side}.{field}"
            if key in data:
                party_changes.setdefault(side, {})[field] = clean_text(data[key])[:200]
    return cleaned, party_changes, errors


def _clean_mou_lines(lines: list[dict], errors: dict) -> list[dict]:
    cleaned = []
    for i, line in enumerate(lines):
        label = clean_text(line.get("label"))
        if not label:
            continue
        try:
            price = numbers.parse_whole(line.get("unit_price_vnd")) or 0
            if price < 0:
                raise ValueError
        except (TypeError, ValueError):
            errors[f"lines-{i}-unit_price_vnd"] = _("Not a valid amount.")
            continue
        cleaned.append({"label": label[:300], "detail": clean_text(line.get("detail"))[:300],
                        "quantity": clean_text(line.get("quantity"))[:120],
                        "unit_price_vnd": price, "amount_vnd": 0,
                        "product_id": line.get("product_id")})
    return cleaned


# -- lifecycle --------------------------------------------------------------------------------

def issue(*, actor, document: Document, now: datetime | None = None) -> Document:
    """Number the document (first issue only), render and store the PDF, version += 1."""
    from exhibit.documents import render, requests
    now = now or utcnow()
    written: list[str] = []
    try:
        with write_transaction():
            document = _lock(document.id)
            _require_organiser(actor, document)
            _require_status(document, DocumentStatus.DRAFT, _("Only a draft can be issued."))
            from_profiles = _follow_profiles(document)
            problems = issue_problems(document)
            if problems:
                raise ValidationFailed(problems[0], code="not_ready", fields={"document": problems[0]})
            # before a number is taken: what is issued is stored, hashed and signed as it is
            require_signed_wording()
            if document.dated_on is None:
                document.dated_on = vietnam_today(now)
            if document.sequence is None:
                document.year = document.dated_on.year
                document.sequence = numbering.next_number(document.organizer_id, document.year)
                document.number = numbering.format_number(
                    document.sequence, document.year, document.kind_enum,
                    document.organizer.short_name)
            document.version += 1
            document.status = DocumentStatus.ISSUED.value
            document.issued_at = now
            _take_bank_bin(document)
            # before rendering: the PDF prints the codes and amounts the rows hold
            asked = requests.sync_requests(document, now)
            # payments recorded while it was a draft: their e-invoice requests, now it is final
            from exhibit.documents import invoicing
            invoicing.prepare_for_issued(document)
            content = render.render_pdf(document)
            key = storage.save("documents", ".pdf", content)
            written.append(key)
            db.session.add(DocumentFile(
                document_id=document.id, version=document.version, purpose="issued",
                storage_key=key, sha256=hashlib.sha256(content).hexdigest(), size=len(content),
                created_by_id=actor.id, created_at=now))
            after = _snapshot(document)
            if from_profiles:
                after["from_profiles"] = from_profiles
            if asked:
                after["payment_requests"] = {r.code: r.amount_vnd for r in asked}
            audit.record("document", document.id, "issue", actor=actor, week_id=document.week_id,
                         business_id=document.business_id, after=after)
            _announce(document_issued, document)
    except BaseException:
        storage.delete(*written)  # the transaction rolled back: no row points at the file
        raise
    return document


def _take_bank_bin(document: Document) -> None:
    """At each issue a contract names the organiser's bank (its BIN, for the VietQR codes) when
    it pays into the organiser's account — also one drafted before the bank was chosen; an
    account the organiser typed into the draft instead has no known bank, and prints no code."""
    party_a, organizer = document.party_a, document.organizer
    if document.kind != DocumentKind.CONTRACT.value:
        return
    same = (party_a.get("bank_account") or "").replace(" ", "") == \
        (organizer.bank_account or "").replace(" ", "")
    bank_bin = organizer.bank_bin if same else ""
    if party_a.get("bank_bin", "") != bank_bin:
        document.party_a = {**party_a, "bank_bin": bank_bin}


def issue_problems(document: Document) -> list[str]:
    """What keeps a draft from being issued, in words for the organiser."""
    problems = []
    if document.kind == DocumentKind.CONTRACT.value:
        if not document.lines:
            problems.append(_("The contract has no booth."))
        if document.total_vnd and not document.party_a.get("bank_account"):
            problems.append(_("Enter the organiser's bank account: Bên B pays into it."))
        if not document.total_vnd and not document.funding_source:
            problems.append(_("A contract without rent names who pays for the booths."))
    elif not document.lines:
        problems.append(_("The memorandum names no product."))
    for side in ("party_a", "party_b"):
        if not getattr(document, side).get("representative"):
            problems.append(_("Enter who signs for each party."))
            break
    return problems


def revise(*, actor, document: Document) -> Document:
    """Reopen an issued document as a draft; its number stays and its issued versions stay
    retrievable. Issuing it again makes the next version."""
    with write_transaction():
        document = _lock(document.id)
        _require_organiser(actor, document)
        _require_status(document, DocumentStatus.ISSUED,
                        _("Only an issued, unsigned document can be revised."))
        document.status = DocumentStatus.DRAFT.value
        audit.record("document", document.id, "revise", actor=actor, week_id=document.week_id,
                     business_id=document.business_id, after=_snapshot(document))
    return document


def mark_signed(*, actor, document: Document, filename: str, content: bytes,
                now: datetime | None = None) -> Document:
    """Store the scan of the signed document (PDF or JPEG) and mark the document signed."""
    suffix, content_type = _scan_type(content)
    limit = current_app.config["SCAN_MAX_BYTES"]
    if len(content) > limit:
        message = _("The scan is larger than %(mb)s MB.", mb=limit // (1024 * 1024))
        raise ValidationFailed(message, fields={"scan": message})
    now = now or utcnow()
    key = storage.save("documents", suffix, content)
    try:
        with write_transaction():
            document = _lock(document.id)
            _require_organiser(actor, document)
            _require_status(document, DocumentStatus.ISSUED,
                            _("Only an issued document can be marked signed."))
            document.status = DocumentStatus.SIGNED.value
            document.signed_at = now
            db.session.add(DocumentFile(
                document_id=document.id, version=document.version, purpose="signed",
                storage_key=key, sha256=hashlib.sha256(content).hexdigest(), size=len(content),
                content_type=content_type, created_by_id=actor.id, created_at=now))
            audit.record("document", document.id, "sign", actor=actor, week_id=document.week_id,
                         business_id=document.business_id,
                         after={**_snapshot(document), "scan": filename[:100]})
            _announce(document_signed, document)
    except BaseException:
        storage.delete(key)
        raise
    return document


def _scan_type(content: bytes) -> tuple[str, str]:
    for magic, kind in SIGNED_SCAN_TYPES.items():
        if content.startswith(magic):
            return kind
    message = _("Upload the signed document as a PDF or a JPEG photo.")
    raise ValidationFailed(message, fields={"scan": message})


def cancel(*, actor, document: Document, reason: str, now: datetime | None = None) -> Document:
    reason = clean_text(reason)
    if not reason:
        message = _("Say why the document is cancelled.")
        raise ValidationFailed(message, fields={"reason": message})
    with write_transaction():
        document = _lock(document.id)
        _require_organiser(actor, document)
        if document.status == DocumentStatus.CANCELLED.value:
            raise Conflict(_("The document is already cancelled."), code="already_cancelled")
        document.status = DocumentStatus.CANCELLED.value
        document.cancelled_at = now or utcnow()
        document.cancel_reason = reason[:500]
        from exhibit.documents.requests import cancel_requests
        cancel_requests(document, document.cancelled_at)
        audit.record("document", document.id, "cancel", actor=actor, week_id=document.week_id,
                     business_id=document.business_id, after=_snapshot(document), note=reason)
        _announce(document_cancelled, document, reason=document.cancel_reason)
    return document


def _announce(signal, document: Document, *, reason: str = "") -> None:
    announce(signal, document_id=document.id, week_id=document.week_id, kind=document.kind,
             number=document.number or "", version=document.version,
             business_id=document.business_id, buyer_business_id=document.buyer_business_id,
             reason=reason)


def pdf_content(document: Document, version: int | None = None, lang: str = "vi") -> bytes:
    """The stored PDF of an issued version (the latest by default); a draft is rendered live,
    marked as a draft. ``lang="en"`` renders an English translation of the document as it
    stands now, for reference (what is signed is the Vietnamese)."""
    from exhibit.core.languages import checked_language
    from exhibit.documents import render
    lang = checked_language(lang)
    if lang != "vi":
        if version not in (None, document.version):
            raise NotFound(_("An English translation exists for the current version only."),
                           code="version_not_found")
        return render.render_pdf(document, lang=lang,
                                 draft=document.status == DocumentStatus.DRAFT.value)
    if version is None and document.status == DocumentStatus.DRAFT.value:
        return render.render_pdf(document, draft=True)
    stored = document.file("issued", version)
    if stored is None:
        raise NotFound(_("This version of the document does not exist."), code="version_not_found")
    return storage.path_for(stored.storage_key).read_bytes()


def _lock(document_id: int) -> Document:
    document = lock_row(Document, document_id)
    if document is None:
        raise NotFound(_("There is no such document."), code="document_not_found")
    return document


def _require_organiser(actor, document: Document) -> None:
    if not is_document_organiser(actor, document):
        raise Forbidden(_("Only the organiser can change this document."))


def _require_status(document: Document, status: DocumentStatus, message: str) -> None:
    if document.status != status.value:
        raise Conflict(message + " " + _("It is now: %(status)s.", status=document.status_enum.title),
                       code="wrong_status")


def _snapshot(document: Document) -> dict:
    return {"status": document.status, "number": document.number, "version": document.version,
            "total_vnd": document.total_vnd, "vat_percent": document.vat_percent,
            "expected_value_vnd": document.expected_value_vnd}


def parties_text(document: Document) -> list[str]:
    return [p["name"] for p in (document.party_a, document.party_b) if p.get("name")]
