"""Documents (contracts and MoUs), their lines, their stored files and the numbering counter.

A document is edited while a draft. Issuing it takes the next number of its organiser's year
(once: a revision keeps its number), freezes the PDF as a stored file with its SHA-256 and
raises the version. A revision reopens an issued document as a draft; every issued version
stays retrievable. Signing stores the signed scan; cancelling is final.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (JSON, BigInteger, CheckConstraint, ForeignKey, Index, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exhibit.core import history
from exhibit.core.db import UTCDateTime, utcnow
from exhibit.extensions import db


class DocumentKind(str, enum.Enum):
    CONTRACT = "contract"
    MOU = "mou"

    @property
    def title(self) -> str:
        return str(DOCUMENT_KIND_TITLES[self])

    @property
    def number_code(self) -> str:
        """The document-type code in the number: "015/2024/HĐ-ITPC", "016/2024/BGN-ITPC"."""
        return "HĐ" if self is DocumentKind.CONTRACT else "BGN"


DOCUMENT_KIND_TITLES = {DocumentKind.CONTRACT: _l("Booth rental contract"),
                        DocumentKind.MOU: _l("Memorandum of understanding")}


class DocumentStatus(str, enum.Enum):
    DRAFT = "draft"
    ISSUED = "issued"
    SIGNED = "signed"
    CANCELLED = "cancelled"

    @property
    def title(self) -> str:
        return str(DOCUMENT_STATUS_TITLES[self])


DOCUMENT_STATUS_TITLES = {
    DocumentStatus.DRAFT: _l("Draft"), DocumentStatus.ISSUED: _l("Issued"),
    DocumentStatus.SIGNED: _l("Signed"), DocumentStatus.CANCELLED: _l("Cancelled"),
}


class DocumentCounter(db.Model):
    """The last number given to a document of one organiser in one year.

    ``next_number`` raises it in a single INSERT … ON CONFLICT DO UPDATE … RETURNING, so two
    transactions can never read the same value; a rolled-back transaction gives its number
    back together with everything else it wrote, so numbers have no gaps either.
    """
    __tablename__ = "document_counters"
    __table_args__ = (CheckConstraint("last_number >= 1", name="positive"),)

    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id", ondelete="CASCADE"),
                                              primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int]


_kinds = "'contract', 'mou'"
_statuses = "'draft', 'issued', 'signed', 'cancelled'"


class Document(db.Model):
    __tablename__ = "documents"
    __table_args__ = (
        # The schema's half of "never collide": one sequence number per organiser and year.
        UniqueConstraint("organizer_id", "year", "sequence", name="uq_documents_number"),
        CheckConstraint(f"kind IN ({_kinds})", name="kind"),
        CheckConstraint(f"status IN ({_statuses})", name="status"),
        CheckConstraint("vat_percent BETWEEN 0 AND 20", name="vat_percent"),
        CheckConstraint("deposit_percent BETWEEN 0 AND 100", name="deposit_percent"),
        CheckConstraint("subtotal_vnd >= 0 AND vat_vnd >= 0 AND total_vnd = subtotal_vnd + vat_vnd",
                        name="amounts"),
        CheckConstraint("status = 'draft' OR sequence IS NOT NULL", name="numbered"),
        CheckConstraint("kind = 'contract' OR buyer_business_id IS NOT NULL", name="mou_buyer"),
        Index("ix_documents_week_kind", "week_id", "kind", "status"),
        # One live contract per business and week: a new one needs the old one cancelled.
        Index("uq_documents_live_contract", "week_id", "business_id", unique=True,
              sqlite_where=text("kind = 'contract' AND status != 'cancelled'"),
              postgresql_where=text("kind = 'contract' AND status != 'cancelled'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id", ondelete="RESTRICT"))
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="RESTRICT"))
    #: the exhibitor: Bên B of a contract, the supplier (Bên B) of an MoU
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="RESTRICT"),
                                             index=True)
    #: the distributor, Bên A of an MoU
    buyer_business_id: Mapped[int | None] = mapped_column(
        ForeignKey("businesses.id", ondelete="RESTRICT"), index=True)
    #: the B2B meeting an MoU came from
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("b2b_meetings.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default=DocumentStatus.DRAFT.value)
    #: 0 until first issued; each issue adds one
    version: Mapped[int] = mapped_column(default=0)
    year: Mapped[int | None]
    sequence: Mapped[int | None]
    #: "015/2024/HĐ-ITPC", given at the first issue and kept by every revision
    number: Mapped[str] = mapped_column(String(60), default="")
    #: place and date of the document's date line
    place: Mapped[str] = mapped_column(String(120), default="TP. Hồ Chí Minh")
    dated_on: Mapped[date | None]
    #: the parties as printed: name, address, tax code, phone, email, bank account and bank,
    #: representative, position, authorisation, legal form (the seal line depends on it)
    party_a: Mapped[dict] = mapped_column(JSON, default=dict)
    party_b: Mapped[dict] = mapped_column(JSON, default=dict)
    #: the organiser's witness block on an MoU ({} when none)
    witness: Mapped[dict] = mapped_column(JSON, default=dict)
    vat_percent: Mapped[int] = mapped_column(default=0)
    subtotal_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    vat_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    total_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    deposit_percent: Mapped[int] = mapped_column(default=50)
    deposit_due_on: Mapped[date | None]
    balance_due_on: Mapped[date | None]
    #: who pays when the exhibitor does not (a subsidised provincial programme)
    funding_source: Mapped[str] = mapped_column(String(300), default="")
    #: MoU: what the parties expect to trade in a year, the basis for the organiser's report
    expected_value_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    purpose: Mapped[str] = mapped_column(Text, default="")
    price_terms: Mapped[str] = mapped_column(Text, default="")
    payment_terms: Mapped[str] = mapped_column(Text, default="")
    valid_months: Mapped[int] = mapped_column(default=12)
    binding: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str] = mapped_column(String(500), default="")

    organizer = relationship("Organizer")
    week = relationship("ExhibitionWeek")
    business = relationship("Business", foreign_keys=[business_id])
    buyer_business = relationship("Business", foreign_keys=[buyer_business_id])
    lines = relationship("DocumentLine", order_by="DocumentLine.position",
                         cascade="all, delete-orphan", back_populates="document")
    files = relationship("DocumentFile", order_by="DocumentFile.id", back_populates="document")

    @property
    def kind_enum(self) -> DocumentKind:
        return DocumentKind(self.kind)

    @property
    def status_enum(self) -> DocumentStatus:
        return DocumentStatus(self.status)

    @property
    def deposit_vnd(self) -> int:
        return self.total_vnd * self.deposit_percent // 100

    def file(self, purpose: str, version: int | None = None) -> DocumentFile | None:
        version = self.version if version is None else version
        return next((f for f in self.files if f.purpose == purpose and f.version == version), None)


class DocumentLine(db.Model):
    """A booth of a contract, or a product of an MoU."""
    __tablename__ = "document_lines"
    __table_args__ = (CheckConstraint("unit_price_vnd >= 0 AND amount_vnd >= 0", name="amounts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"),
                                             index=True)
    position: Mapped[int] = mapped_column(default=0)
    allocation_id: Mapped[int | None] = mapped_column(ForeignKey("allocations.id", ondelete="SET NULL"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"))
    #: booth code or product name, as printed
    label: Mapped[str] = mapped_column(String(300))
    #: booth type or product specification
    detail: Mapped[str] = mapped_column(String(300), default="")
    area_m2: Mapped[float | None]
    #: MoU: the expected monthly volume, e.g. "2.000 hộp/tháng"
    quantity: Mapped[str] = mapped_column(String(120), default="")
    unit_price_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_vnd: Mapped[int] = mapped_column(BigInteger, default=0)

    document = relationship("Document", back_populates="lines")


class DocumentFile(db.Model):
    """A frozen PDF of an issued version, or the scan of the signed document."""
    __tablename__ = "document_files"
    __table_args__ = (
        UniqueConstraint("document_id", "version", "purpose", name="uq_document_files_version"),
        CheckConstraint("purpose IN ('issued', 'signed')", name="purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"),
                                             index=True)
    version: Mapped[int]
    purpose: Mapped[str] = mapped_column(String(10))
    storage_key: Mapped[str] = mapped_column(String(120))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(60), default="application/pdf")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    document = relationship("Document", back_populates="files")


class PaymentKind(str, enum.Enum):
    DEPOSIT = "deposit"
    BALANCE = "balance"
    REFUND = "refund"

    @property
    def title(self) -> str:
        return str(PAYMENT_KIND_TITLES[self])


PAYMENT_KIND_TITLES = {PaymentKind.DEPOSIT: _l("Deposit"), PaymentKind.BALANCE: _l("Balance"),
                       PaymentKind.REFUND: _l("Refund")}


class Payment(db.Model):
    """A payment received (or refunded) for a business's booths at a week, as the organiser
    recorded it. What is due comes from the business's contract for the week."""
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("kind IN ('deposit', 'balance', 'refund')", name="kind"),
        CheckConstraint("amount_vnd > 0", name="amount"),
        Index("ix_payments_week_business", "week_id", "business_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="RESTRICT"))
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="RESTRICT"))
    #: the booth the payment was made for, when the payer named one
    allocation_id: Mapped[int | None] = mapped_column(ForeignKey("allocations.id", ondelete="SET NULL"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(10))
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date]
    #: bank transfer reference or receipt number
    reference: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    business = relationship("Business")

    @property
    def kind_enum(self) -> PaymentKind:
        return PaymentKind(self.kind)

    @property
    def signed_amount(self) -> int:
        return -self.amount_vnd if self.kind == PaymentKind.REFUND.value else self.amount_vnd


class PaymentRequestStatus(str, enum.Enum):
    OPEN = "open"
    CANCELLED = "cancelled"

    @property
    def title(self) -> str:
        return str(PAYMENT_REQUEST_STATUS_TITLES[self])


PAYMENT_REQUEST_STATUS_TITLES = {PaymentRequestStatus.OPEN: _l("Open"),
                                 PaymentRequestStatus.CANCELLED: _l("Cancelled")}


class PaymentRequest(db.Model):
    """An amount a contract asks for — its deposit or its balance — with the order code the
    payer writes in the transfer, so a bank credit can be matched to it. Made when the contract
    is issued, kept equal to it when it is issued again, cancelled with it (see
    exhibit/documents/requests.py). Whether it is paid is the ledger's to say, not a column."""
    __tablename__ = "payment_requests"
    __table_args__ = (
        # the code is what a bank credit is matched by: one meaning per organiser's account
        UniqueConstraint("organizer_id", "code", name="uq_payment_requests_code"),
        UniqueConstraint("document_id", "kind", name="uq_payment_requests_document_kind"),
        CheckConstraint("kind IN ('deposit', 'balance')", name="kind"),
        CheckConstraint("status IN ('open', 'cancelled')", name="status"),
        CheckConstraint("amount_vnd > 0", name="amount"),
        Index("ix_payment_requests_business_week", "business_id", "week_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id", ondelete="RESTRICT"))
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="RESTRICT"))
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="RESTRICT"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    #: "deposit" or "balance" (a PaymentKind value)
    kind: Mapped[str] = mapped_column(String(10))
    #: ≤ 19 ASCII capitals and digits, e.g. "HD0222024D9": see requests.order_code
    code: Mapped[str] = mapped_column(String(19))
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    due_on: Mapped[date | None]
    #: the contract's version that set the amount and the day
    document_version: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default=PaymentRequestStatus.OPEN.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    document = relationship("Document")
    week = relationship("ExhibitionWeek")

    @property
    def kind_enum(self) -> PaymentKind:
        return PaymentKind(self.kind)

    @property
    def status_enum(self) -> PaymentRequestStatus:
        return PaymentRequestStatus(self.status)


class CreditOutcome(str, enum.Enum):
    #: its order code's amount, exactly: recorded in the ledger as a payment
    MATCHED = "matched"
    #: anything else: waits for the organiser, who settles it by hand
    REVIEW = "review"


#: why a credit waits for the organiser
CREDIT_REVIEW_REASONS = {
    "wrong_account": _l("Credited to another account"),
    "unknown_code": _l("No known order code in the description"),
    "not_open": _l("The order code's request is cancelled"),
    "duplicate": _l("The request was already paid by another credit"),
    "already_paid": _l("The amount was already recorded as paid"),
    "partial": _l("Less than the amount requested"),
    "excess": _l("More than the amount requested"),
}


class BankCredit(db.Model):
    """A credit to an organiser's account as its bank (through a notification service's signed
    webhook, or a statement import) reported it. One row per bank transaction: a notification
    sent again finds its row and changes nothing. A credit is matched — and recorded in the
    ledger — only when its description carries a known order code and its amount is that
    request's exactly; anything else waits in the review queue (see documents/credits.py)."""
    __tablename__ = "bank_credits"
    __table_args__ = (
        # replay safety: the bank's transaction id is seen once per organiser
        UniqueConstraint("organizer_id", "transaction_id", name="uq_bank_credits_transaction"),
        CheckConstraint("amount_vnd > 0", name="amount"),
        CheckConstraint("outcome IN ('matched', 'review')", name="outcome"),
        Index("ix_bank_credits_organizer_outcome", "organizer_id", "outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id", ondelete="RESTRICT"))
    #: the bank's (or the service's) id of the transaction
    transaction_id: Mapped[str] = mapped_column(String(100))
    #: the account credited, as reported
    account: Mapped[str] = mapped_column(String(40), default="")
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    credited_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: the transfer's description as the bank passed it on
    description: Mapped[str] = mapped_column(String(500), default="")
    #: "webhook" or "statement"
    source: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(10))
    #: one of CREDIT_REVIEW_REASONS when the outcome is review
    reason: Mapped[str] = mapped_column(String(20), default="")
    #: the order code found in the description, if any
    code: Mapped[str] = mapped_column(String(19), default="")
    payment_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("payment_requests.id", ondelete="SET NULL"), index=True)
    #: the ledger's payment a matched credit became
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: a credit in review leaves the queue when the organiser settles it by hand (records the
    #: payment, refunds, or finds it is not theirs) and says how
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    settlement: Mapped[str] = mapped_column(String(300), default="")

    payment_request = relationship("PaymentRequest")

    @property
    def reason_title(self) -> str:
        return str(CREDIT_REVIEW_REASONS.get(self.reason, self.reason))


class InvoiceRequestKind(str, enum.Enum):
    #: prepared for a payment received
    ORIGINAL = "original"
    #: corrects an invoiced request by a difference (hóa đơn điều chỉnh)
    ADJUSTMENT = "adjustment"
    #: takes the place of an invoiced request (hóa đơn thay thế)
    REPLACEMENT = "replacement"

    @property
    def title(self) -> str:
        return str(INVOICE_REQUEST_KIND_TITLES[self])


INVOICE_REQUEST_KIND_TITLES = {InvoiceRequestKind.ORIGINAL: _l("Invoice"),
                               InvoiceRequestKind.ADJUSTMENT: _l("Adjustment"),
                               InvoiceRequestKind.REPLACEMENT: _l("Replacement")}


class InvoiceRequestStatus(str, enum.Enum):
    #: made with the payment, not yet handed to the provider
    PREPARED = "prepared"
    #: in an export the organiser downloaded
    EXPORTED = "exported"
    #: the provider's number, symbol and lookup code are recorded
    INVOICED = "invoiced"
    #: an adjustment record corrects it
    ADJUSTED = "adjusted"
    #: a replacement record takes its place
    REPLACED = "replaced"
    #: withdrawn before any invoice was issued for it
    CANCELLED = "cancelled"

    @property
    def title(self) -> str:
        return str(INVOICE_REQUEST_STATUS_TITLES[self])


INVOICE_REQUEST_STATUS_TITLES = {
    InvoiceRequestStatus.PREPARED: _l("Prepared"), InvoiceRequestStatus.EXPORTED: _l("Exported"),
    InvoiceRequestStatus.INVOICED: _l("Invoiced"), InvoiceRequestStatus.ADJUSTED: _l("Adjusted"),
    InvoiceRequestStatus.REPLACED: _l("Replaced"),
    InvoiceRequestStatus.CANCELLED: _l("Cancelled"),
}

_invoice_kinds = "'original', 'adjustment', 'replacement'"
_invoice_statuses = "'prepared', 'exported', 'invoiced', 'adjusted', 'replaced', 'cancelled'"


class InvoiceRequest(db.Model):
    """What an e-invoice for a payment received needs — seller, buyer, lines, VAT, totals, the
    payment's day as the invoice date — prepared in the payment's own transaction, for the
    organiser's e-invoice provider; and, once issued there, the invoice's number, symbol and
    lookup code. exhibit issues no invoice. A correction is a new record (an adjustment or a
    replacement) pointing at the original, which stays (see exhibit/documents/invoicing.py)."""
    __tablename__ = "invoice_requests"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_invoice_kinds})", name="kind"),
        CheckConstraint(f"status IN ({_invoice_statuses})", name="status"),
        CheckConstraint("vat_percent BETWEEN 0 AND 20", name="vat_percent"),
        CheckConstraint("total_vnd = amount_before_vat_vnd + vat_vnd", name="amounts"),
        CheckConstraint("kind = 'original' OR original_id IS NOT NULL", name="correction_of"),
        CheckConstraint("status != 'invoiced' OR invoice_number != ''", name="invoiced_number"),
        # one invoice request per payment received: a credit reported twice makes one
        Index("uq_invoice_requests_payment", "payment_id", unique=True,
              sqlite_where=text("kind = 'original'"), postgresql_where=text("kind = 'original'")),
        # an invoice number is given once per symbol by the organiser's provider
        Index("uq_invoice_requests_number", "organizer_id", "invoice_symbol", "invoice_number",
              unique=True, sqlite_where=text("invoice_number != ''"),
              postgresql_where=text("invoice_number != ''")),
        Index("ix_invoice_requests_week_status", "week_id", "status"),
        Index("ix_invoice_requests_business", "business_id", "week_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id", ondelete="RESTRICT"))
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="RESTRICT"))
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="RESTRICT"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="RESTRICT"))
    #: the payment received (a correction keeps its original's)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(12), default=InvoiceRequestKind.ORIGINAL.value)
    #: the request an adjustment or a replacement corrects
    original_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoice_requests.id", ondelete="NO ACTION"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=InvoiceRequestStatus.PREPARED.value)
    #: the day the money was received (the invoice is due that day, DOMAIN.md §9)
    invoice_date: Mapped[date]
    #: the payment's kind ("deposit", "balance"), which the line's wording follows
    payment_kind: Mapped[str] = mapped_column(String(10), default="")
    #: {"name", "tax_code", "address", "email", "phone"} as at preparation
    seller: Mapped[dict] = mapped_column(JSON, default=dict)
    #: {"name", "tax_code", "address", "email"} as at preparation
    buyer: Mapped[dict] = mapped_column(JSON, default=dict)
    #: [{"description", "unit", "quantity", "unit_price_vnd", "amount_vnd", "vat_percent",
    #:   "vat_vnd", "total_vnd"}]; amounts negative in an adjustment that lowers
    lines: Mapped[list] = mapped_column(JSON, default=list)
    vat_percent: Mapped[int] = mapped_column(default=0)
    amount_before_vat_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    vat_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    total_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    #: "Bảy trăm lẻ hai nghìn đồng"
    amount_in_words: Mapped[str] = mapped_column(String(400), default="")
    #: the contract's number, "015/2026/HĐ-ITPC"
    contract_number: Mapped[str] = mapped_column(String(60), default="")
    #: the payment's transfer reference (the bank's transaction id for a matched credit)
    reference: Mapped[str] = mapped_column(String(120), default="")
    #: why a correction was made, or why the request was cancelled
    reason: Mapped[str] = mapped_column(String(500), default="")
    #: the invoice as issued by the provider: number (up to 8 digits), symbol ("1C26TAA"),
    #: the code the buyer looks it up with on the provider's site
    invoice_number: Mapped[str] = mapped_column(String(8), default="")
    invoice_symbol: Mapped[str] = mapped_column(String(7), default="")
    lookup_code: Mapped[str] = mapped_column(String(100), default="")
    #: the provider adapter that returned them ("" when the organiser typed them)
    provider: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    exported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    invoiced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    invoiced_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    business = relationship("Business")
    week = relationship("ExhibitionWeek")
    document = relationship("Document")
    original = relationship("InvoiceRequest", remote_side=[id])

    @property
    def kind_enum(self) -> InvoiceRequestKind:
        return InvoiceRequestKind(self.kind)

    @property
    def status_enum(self) -> InvoiceRequestStatus:
        return InvoiceRequestStatus(self.status)


# the audit history shows these fields by their titles (core/history.py)
history.register_titles("document", "status", DocumentStatus)
history.register_titles("document", "kind", DocumentKind)
history.register_titles("payment", "kind", PaymentKind)
history.register_titles("payment_request", "status", PaymentRequestStatus)
history.register_titles("invoice_request", "status", InvoiceRequestStatus)
history.register_titles("invoice_request", "kind", InvoiceRequestKind)
