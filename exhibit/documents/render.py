"""Contracts and MoUs as PDF, from the document's stored fields only (so the PDF of an issued
version can be rendered again and compared).

The Vietnamese text is what the parties sign. The wording is written as English message ids
with the signed Vietnamese in the vi catalogue, so the same layout also prints an English
translation for reference (``lang="en"``), marked as such; names, places and amounts stay as
stored."""
from __future__ import annotations

import io

from babel.dates import format_date as babel_date
from babel.numbers import format_decimal
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import pgettext
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from exhibit.documents.models import Document, DocumentKind
from exhibit.documents.wording import SIGNED_LOCALE, require_signed_wording
from exhibit.pdf import document as nd30
from exhibit.pdf import fonts, qr
from exhibit.vn.dates import format_date, nd30_date
from exhibit.vn.money import format_dong
from exhibit.vn.numbers import format_number
from exhibit.vn.words import amount_in_words, amount_in_words_en


def render_pdf(document: Document, *, draft: bool = False, lang: str = "vi") -> bytes:
    """The document as PDF. In Vietnamese — the signed text — only when the compiled catalogue
    holds every message of the wording (else SignedWordingUnavailable, 503); the English
    reference copy is the message ids themselves and needs no catalogue."""
    if lang == SIGNED_LOCALE:
        require_signed_wording()
    buffer = io.BytesIO()
    with force_locale(lang):
        words = _Words(lang)
        story = (_contract if document.kind == DocumentKind.CONTRACT.value else _mou)(
            document, draft, words)
        nd30.build(buffer, story, title_text=_title(document),
                   author=document.party_a.get("name", ""),
                   subject=document.number or _("draft"))
    return buffer.getvalue()


class _Words:
    """Amounts, dates and laws as the document's language writes them."""

    def __init__(self, lang: str):
        self.lang = lang

    def money(self, amount: int) -> str:
        if self.lang == "en":
            return f"VND {format_decimal(int(amount), locale='en_GB')}"
        return format_dong(amount)

    def in_words(self, amount: int) -> str:
        return amount_in_words_en(amount) if self.lang == "en" else amount_in_words(amount)

    def figure(self, value) -> str:
        return format_decimal(value, locale="en_GB") if self.lang == "en" else format_number(value)

    def date_text(self, document: Document) -> str:
        if not document.dated_on:
            return _("day … month … year …")
        if self.lang == "en":
            return babel_date(document.dated_on, format="d MMMM y", locale="en_GB")
        return nd30_date(document.dated_on)

    @staticmethod
    def laws() -> list[str]:
        return [_("Pursuant to the Civil Code No. 91/2015/QH13 of 24 November 2015;"),
                _("Pursuant to the Commercial Law No. 36/2005/QH11 of 14 June 2005;")]


def _title(document: Document) -> str:
    kind = _("Booth rental contract") if document.kind == DocumentKind.CONTRACT.value \
        else _("Memorandum of understanding on cooperation")
    return f"{kind} {document.number}".strip()


def _number(document: Document, draft: bool) -> str:
    if document.number and not draft:
        return document.number
    if document.number:
        return _("%(number)s (draft)", number=document.number)
    return _("…/…/%(code)s-%(org)s (draft)", code=document.kind_enum.number_code,
             org=document.organizer.short_name)


def _opening(s, document: Document, draft: bool, words: _Words, *, title: str, subtitle: str,
             bases: list[str], roles: tuple[str, str]) -> list:
    """Header, title, legal bases and the two parties' blocks, as every document opens."""
    date_text = words.date_text(document)
    story = nd30.header(s, issuer=document.organizer.name, number=_number(document, draft),
                        place=document.place, date_text=date_text, lang=words.lang)
    story += nd30.title(s, title, subtitle)
    if words.lang != "vi":
        story.append(nd30.paragraph(s, _(
            "English translation for reference. The Vietnamese text is the one the parties "
            "sign and it prevails.")))
    if draft:
        story.append(nd30.paragraph(s, _("Draft – not numbered and not yet valid for signing.")))
    story += nd30.bullets(s, [*words.laws(), *bases,
                              _("Pursuant to the needs and capabilities of both parties.")])
    story.append(nd30.paragraph(s, _("Today, %(date)s, at %(place)s, we the undersigned:",
                                     date=date_text, place=document.place)))
    for side, party, role in (("A", document.party_a, roles[0]), ("B", document.party_b, roles[1])):
        story.append(nd30.party_block(
            s, _("PARTY %(side)s (%(role)s): %(name)s", side=side, role=role,
                 name=party.get("name", "").upper()), _party_rows(party)))
    return story


def _party_rows(party: dict) -> list[tuple[str, str]]:
    account = party.get("bank_account", "")
    if account and party.get("bank_name"):
        account = _("%(account)s at %(bank)s", account=account, bank=party["bank_name"])
    rows = [(pgettext("document", "Address"), party.get("address", "")),
            (pgettext("document", "Tax code"), party.get("tax_code", "")),
            (pgettext("document", "Phone"), party.get("phone", "")),
            (pgettext("document", "Email"), party.get("email", "")),
            (pgettext("document", "Account no."), account),
            (pgettext("document", "Represented by"), party.get("representative", "") or "……………………"),
            (pgettext("document", "Position"), party.get("position", "") or "……………………")]
    if party.get("authorisation"):
        rows.append((pgettext("document", "Under"), party["authorisation"]))
    return rows


def _signature(heading: str, party: dict) -> nd30.Signature:
    note = _("(Signature, full name and seal)") if party.get("has_seal", True) \
        else _("(Signature and full name)")
    return nd30.Signature(heading=heading, note=note, name=party.get("representative", ""),
                          position=party.get("position", ""))


def _signatures(s, a: dict, b: dict):
    return nd30.signatures(s, [_signature(_("FOR PARTY A"), a), _signature(_("FOR PARTY B"), b)])


# -- booth rental contract --------------------------------------------------------------------

def _contract(document: Document, draft: bool, words: _Words) -> list:
    s = nd30.styles()
    week = document.week
    week_name = week.name(words.lang)
    a, b = document.party_a, document.party_b
    money = words.money
    story = _opening(s, document, draft, words, title=_("Booth rental contract"),
                     subtitle=_("Re: taking part in %(week)s", week=week_name), bases=[],
                     roles=(_("the lessor"), _("the lessee")))
    story.append(nd30.paragraph(s, _("The two parties agree to sign this booth rental contract "
                                     "on the following terms:")))

    story.append(nd30.article(s, 1, _("Subject of the contract"), lang=words.lang))
    venue = ", ".join(x for x in (week.venue_name, week.venue_address) if x)
    hours = _("; opening hours: %(hours)s", hours=week.opening_hours) if week.opening_hours else ""
    story += nd30.bullets(s, [
        _("Party A agrees to let Party B rent booths to display, introduce and sell products at "
          "%(week)s (hereinafter “the Event”).", week=week_name),
        _("Dates: from %(start)s to %(end)s%(hours)s.", start=format_date(week.start_date),
          end=format_date(week.end_date), hours=hours),
        _("Venue: %(venue)s.", venue=venue)])
    rows = [[str(i + 1), line.label, line.detail, _area(line.area_m2, words),
             words.figure(line.unit_price_vnd), words.figure(line.amount_vnd)]
            for i, line in enumerate(document.lines)]
    rows.append(["", pgettext("document", "Subtotal"), "", _area(sum(line.area_m2 or 0 for line in document.lines), words),
                 "", words.figure(document.subtotal_vnd)])
    story.append(KeepTogether(nd30.bullets(s, [_("Booths rented:")]) + [nd30.grid(
        s, [pgettext("document", "No."), pgettext("document", "Booth code"), _("Booth type"),
            _("Area (m²)"), _("Unit price (VND)"), pgettext("document", "Amount (VND)")], rows,
        [13, 21, 47, 20, 27, 29], right_columns=(3, 4, 5), total_rows=1)]))

    story.append(nd30.article(s, 2, _("Contract value and payment"), lang=words.lang))
    if document.total_vnd:
        story += nd30.bullets(s, [
            _("Booth rent (before VAT): %(amount)s.", amount=money(document.subtotal_vnd)),
            _("VAT (%(rate)s%%): %(amount)s.", rate=document.vat_percent,
              amount=money(document.vat_vnd)),
            _("Total contract value (VAT included): %(amount)s.", amount=money(document.total_vnd))])
        story.append(nd30.paragraph(s, _("In words: %(words)s.",
                                         words=words.in_words(document.total_vnd))))
        balance = document.total_vnd - document.deposit_vnd
        terms = []
        if document.deposit_percent:
            terms.append(_(
                "Deposit: Party B transfers to Party A %(percent)s%% of the contract value, that "
                "is %(amount)s, by %(date)s at the latest. The deposit counts towards the "
                "contract value.", percent=document.deposit_percent,
                amount=money(document.deposit_vnd), date=format_date(document.deposit_due_on)))
        terms.append(_("Party B pays the remaining %(amount)s by %(date)s at the latest.",
                       amount=money(balance), date=format_date(document.balance_due_on)))
        bank = _(" at %(bank)s", bank=a["bank_name"]) if a.get("bank_name") else ""
        terms.append(_(
            "Payment by bank transfer to account no. %(account)s%(bank)s, beneficiary: "
            "%(name)s. Party A issues Party B a VAT invoice as the law requires.",
            account=a.get("bank_account", ""), bank=bank, name=a.get("name", "")))
        story += nd30.bullets(s, terms)
        story += payment_codes(s, document, words)
    else:
        story += nd30.bullets(s, [
            _("Total contract value: %(amount)s (in words: %(words)s). The booth rent is paid "
              "from %(source)s; Party B pays no booth rent.", amount=money(0),
              words=words.in_words(0).lower(), source=document.funding_source),
            _("Party B bears its own costs of transporting goods, its staff's travel, meals and "
              "lodging, and services beyond the standard booth.")])

    story.append(nd30.article(s, 3, _("Party A's obligations"), lang=words.lang))
    story += nd30.bullets(s, [
        _("Hand over the booths at the agreed position and area with the standard fittings "
          "(partitions, name board, table, chairs, lights, power socket) no later than 01 day "
          "before the opening."),
        _("Ensure security, order, power, general cleaning and fire safety while the Event "
          "runs."),
        _("Promote the Event; issue entry badges to Party B's staff."),
        _("Inform Party B promptly of any change to the Event's dates or venue.")])
    story.append(nd30.article(s, 4, _("Party B's obligations"), lang=words.lang))
    story += nd30.bullets(s, [
        _("Pay in full and on time as set out in Article 2.") if document.total_vnd else
        _("Take part in the Event on the dates set and staff the booth during opening hours."),
        _("Display, introduce and sell only the products registered with the Organiser; the "
          "products have a clear origin, meet quality and food-safety requirements and are "
          "labelled as required; prices are displayed."),
        _("Not transfer or sublet the booth without Party A's written consent."),
        _("Follow the Event's rules; look after its own goods and property at the booth; make "
          "good any damage it causes."),
        _("Return the booth space as it was received when the Event ends.")])
    story.append(nd30.article(s, 5, _("Termination and cancellation"), lang=words.lang))
    story += nd30.bullets(s, [
        _("If Party B withdraws 15 days or more before the opening, Party A refunds what it "
          "received less half of the deposit; if fewer than 15 days, Party B loses the whole "
          "deposit.") if document.total_vnd else
        _("If Party B withdraws, it notifies Party A in writing at least 15 days before the "
          "opening so that Party A can offer the booth to another exhibitor."),
        _("If Party A cancels or postpones the Event other than by force majeure, it refunds "
          "everything received from Party B within 15 days.")])
    story.append(nd30.article(s, 6, _("Force majeure"), lang=words.lang))
    story.append(nd30.paragraph(s, _(
        "Force majeure is an event that occurs objectively, cannot be foreseen and cannot be "
        "remedied although all necessary measures have been taken (natural disasters, "
        "epidemics, fire, decisions of competent state authorities…). The party affected "
        "notifies the other within 03 days; the parties discuss a solution together and "
        "neither compensates the other.")))
    story.append(nd30.article(s, 7, _("Settlement of disputes"), lang=words.lang))
    story.append(nd30.paragraph(s, _(
        "Disputes are settled first by negotiation and conciliation. Failing that, either "
        "party may bring the dispute before the competent People's Court as the law provides.")))
    story.append(nd30.article(s, 8, _("Validity and copies"), lang=words.lang))
    story.append(nd30.paragraph(s, _(
        "This contract takes effect on signing and is liquidated when both parties have "
        "fulfilled their obligations. It is made in 04 copies of equal validity; each party "
        "keeps 02 copies.")))
    story.append(_signatures(s, a, b))
    return story


# -- the payment codes of a contract's Article 2 ------------------------------------------------
#
# The words beside the codes are fixed words of the layout, by language, as the NĐ 30 header's
# are (exhibit/pdf/document.py HEADER_WORDS): they name the fields of a bank transfer and carry
# no terms of the contract, and they print even while the catalogue is being updated.

PAYMENT_WORDS = {
    "vi": {"intro": ("Khi chuyển khoản, Bên B ghi đúng mã thanh toán của từng khoản vào nội dung "
                     "chuyển khoản để khoản tiền được đối chiếu với hợp đồng này. Mã VietQR bên "
                     "cạnh điền sẵn tài khoản, số tiền và nội dung chuyển khoản."),
           "intro_no_qr": ("Khi chuyển khoản, Bên B ghi đúng mã thanh toán của từng khoản vào "
                           "nội dung chuyển khoản để khoản tiền được đối chiếu với hợp đồng này."),
           "deposit": "Tiền đặt cọc", "balance": "Số tiền còn lại", "amount": "Số tiền",
           "due": "Hạn thanh toán", "code": "Nội dung chuyển khoản (mã thanh toán)",
           "account": "Tài khoản nhận", "beneficiary": "Đơn vị thụ hưởng"},
    "en": {"intro": ("When transferring, Party B writes each payment's order code as the "
                     "transfer description, so that the payment is matched to this contract. "
                     "The VietQR code beside it fills in the account, amount and description."),
           "intro_no_qr": ("When transferring, Party B writes each payment's order code as the "
                           "transfer description, so that the payment is matched to this "
                           "contract."),
           "deposit": "Deposit", "balance": "Balance", "amount": "Amount",
           "due": "Due by", "code": "Transfer description (order code)",
           "account": "Account", "beneficiary": "Beneficiary"},
}
#: the side of a printed payment code's square, quiet zone included: the code itself is at
#: least 25 mm wide, what a phone reads under blur and tilt (exhibit/pdf/qr.py)
PAYMENT_CODE_BOX = qr.box_for(27 * mm)


class QrBox(Flowable):
    """A QR code in its square, the 4-module quiet zone inside it."""

    def __init__(self, text: str, box: float = PAYMENT_CODE_BOX):
        super().__init__()
        self.text, self.box = text, box

    def wrap(self, _available_width, _available_height):
        return self.box, self.box

    def draw(self):
        qr.draw_code_box(self.canv, self.text, 0, 0, self.box)


def _plain_table(rows: list, widths: list[float], commands: list) -> Table:
    """A table without rules whose cells start in the document's font (reportlab's default
    Helvetica would be referenced unembedded)."""
    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR), *commands]))
    return table


def payment_codes(s, document: Document, words: _Words) -> list:
    """Each amount the contract asks for with its order code and, when the organiser's bank is
    in NAPAS's list, its VietQR code: what to transfer, by when, and with which description."""
    from exhibit.documents.requests import amounts_due, pay_to, transfer_text
    asked = amounts_due(document)
    if not asked:
        return []
    w = PAYMENT_WORDS.get(words.lang, PAYMENT_WORDS["vi"])
    to = pay_to(document.party_a)
    story: list = [nd30.paragraph(s, w["intro"] if to else w["intro_no_qr"])]
    for due in asked:
        lines = [Paragraph(f"<b>{nd30.t(w[due.kind])}</b>", s.party),
                 Paragraph(nd30.t(f"{w['amount']}: {words.money(due.amount_vnd)} "
                                  f"({words.in_words(due.amount_vnd)})"), s.party),
                 Paragraph(nd30.t(f"{w['due']}: {format_date(due.due_on)}"), s.party),
                 Paragraph(f"{nd30.t(w['code'])}: <b>{nd30.t(due.code)}</b>", s.party)]
        if to:
            lines += [Paragraph(nd30.t(f"{w['account']}: {to.account} – {to.bank_short_name}"),
                                s.party),
                      Paragraph(nd30.t(f"{w['beneficiary']}: {to.beneficiary}"), s.party)]
        text = transfer_text(to, due)
        if text:
            row, widths = [QrBox(text), lines], [PAYMENT_CODE_BOX, nd30.FRAME_WIDTH - PAYMENT_CODE_BOX]
        else:
            row, widths = [lines], [nd30.FRAME_WIDTH]
        story.append(KeepTogether([Spacer(1, 2 * mm), _plain_table(
            [row], widths, [("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                            ("LEFTPADDING", (0, 0), (0, 0), 0)])]))
    return story


def _area(value, words: _Words) -> str:
    return words.figure(value) if value else ""


# -- memorandum of understanding --------------------------------------------------------------

def _mou(document: Document, draft: bool, words: _Words) -> list:
    s = nd30.styles()
    week = document.week
    a, b, witness = document.party_a, document.party_b, document.witness or {}
    story = _opening(s, document, draft, words,
                     title=_("Memorandum of understanding on cooperation"),
                     subtitle=_("Re: cooperation in supplying and distributing products"),
                     bases=[_("Pursuant to the results of the trade matching at %(week)s;",
                              week=week.name(words.lang))],
                     roles=(_("the distributor"), _("the supplier")))
    if witness:
        story.append(nd30.paragraph(s, _("Witnessed by the Organiser: %(name)s.",
                                         name=witness.get("name", ""))))
    story.append(nd30.paragraph(s, _("The two parties agree to sign this memorandum of "
                                     "understanding on cooperation as follows:")))
    story.append(nd30.article(s, 1, _("Purpose of the cooperation"), lang=words.lang))
    story.append(nd30.paragraph(s, document.purpose))
    story.append(nd30.article(s, 2, _("Products and expected volumes"), lang=words.lang))
    rows = [[str(i + 1), line.label, line.detail, line.quantity,
             words.figure(line.unit_price_vnd) if line.unit_price_vnd else ""]
            for i, line in enumerate(document.lines)]
    story.append(nd30.grid(s, [pgettext("document", "No."), pgettext("document", "Product"),
                               _("Specification"), _("Expected volume"),
                               _("Reference price (VND)")], rows, [13, 56, 33, 30, 26],
                           right_columns=(4,)))
    if document.expected_value_vnd:
        story.append(Spacer(1, 4))
        story.append(nd30.paragraph(s, _(
            "Expected value of transactions during the memorandum: %(amount)s (in words: "
            "%(words)s).", amount=words.money(document.expected_value_vnd),
            words=words.in_words(document.expected_value_vnd).lower())))
    story.append(nd30.article(s, 3, _("Principles of price and payment"), lang=words.lang))
    story += nd30.bullets(s, [document.price_terms, document.payment_terms])
    story.append(nd30.article(s, 4, _("Obligations of the parties"), lang=words.lang))
    story += nd30.bullets(s, [
        _("Party A: helps Party B's products into its distribution system; provides its "
          "requirements for quality, packaging, barcodes and receiving goods; orders and pays "
          "as agreed."),
        _("Party B: supplies products of the agreed quality and quantity on time; provides the "
          "quality declarations, OCOP certificate (if any), proof of origin and valid "
          "invoices."),
        _("The parties work together on promotions of the products when needed.")])
    story.append(nd30.article(s, 5, _("Confidentiality"), lang=words.lang))
    story.append(nd30.paragraph(s, _(
        "Each party keeps confidential the prices, volumes, customers and business plans it "
        "receives from the other and uses them only for the cooperation under this "
        "memorandum, unless the law requires disclosure.")))
    story.append(nd30.article(s, 6, _("Validity"), lang=words.lang))
    binding = _("This memorandum binds the parties; what it does not settle the parties set "
                "out in a sales contract.") if document.binding else _(
        "This memorandum records the parties' intention to cooperate; it is not a sales "
        "contract and creates no binding legal obligation, except Article 5. Individual "
        "transactions follow the sales contracts the parties sign.")
    copies = _("This memorandum is made in 03 copies of equal validity; each party keeps 01 "
               "copy and the Organiser keeps 01 copy.") if witness else _(
        "This memorandum is made in 02 copies of equal validity; each party keeps 01 copy.")
    story += nd30.bullets(s, [
        _("This memorandum takes effect on signing for %(months)s months; when it ends the "
          "parties may agree to extend it.", months=f"{document.valid_months:02d}"),
        binding, copies])
    story.append(_signatures(s, a, b))
    if witness:
        story.append(nd30.signatures(s, [_signature(_("CONFIRMED BY THE ORGANISER"), witness)]))
    return story
