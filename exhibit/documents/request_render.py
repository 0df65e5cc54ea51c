"""A payment request as a one-page PDF: what to transfer for one deposit or balance, to which
account, by when and with which description, with its VietQR code large enough to scan from
paper or a screen.

It is a notice, not a signed document, so its words are ordinary messages of the catalogue
(the signed wording lives in :mod:`exhibit.documents.render`); names, amounts and codes print
as stored. Drawing reads only the plain values it is given.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from exhibit.documents.render import QrBox
from exhibit.pdf import document as nd30
from exhibit.pdf import fonts
from exhibit.vn.dates import format_date, nd30_date
from exhibit.vn.money import format_dong
from exhibit.vn.words import amount_in_words

#: the printed code's square: a code of about 45 mm, easy to scan from a phone's screen too
REQUEST_CODE_BOX = 55 * mm


@dataclass(frozen=True)
class RequestSheet:
    """Everything the page prints, as plain values."""
    organiser: str
    place: str
    today: date
    #: "deposit" or "balance"
    kind: str
    code: str
    amount_vnd: int
    due_on: date | None
    contract_number: str
    week_name: str
    payer: str
    payer_tax_code: str
    bank: str
    account: str
    beneficiary: str
    #: the VietQR text, or "" when the organiser has chosen no bank of NAPAS's list
    qr_text: str


def sheet_for(shown, today: date) -> RequestSheet:
    """The sheet of a :class:`~exhibit.documents.requests.ShownRequest`."""
    document, request, to = shown.document, shown.request, shown.pay_to
    a, b = document.party_a, document.party_b
    bank = to.bank_label if to else a.get("bank_name", "")
    return RequestSheet(
        organiser=a.get("name", ""), place=document.place, today=today, kind=request.kind,
        code=request.code, amount_vnd=request.amount_vnd, due_on=request.due_on,
        contract_number=document.number, week_name=document.week.name_vi,
        payer=b.get("name", ""), payer_tax_code=b.get("tax_code", ""), bank=bank,
        account=to.account if to else a.get("bank_account", ""),
        beneficiary=a.get("name", ""), qr_text=shown.qr_text or "")


def render_request(sheet: RequestSheet) -> bytes:
    """The one-page PDF of a payment request."""
    s = nd30.styles()
    kind = _("Deposit") if sheet.kind == "deposit" else _("Balance")
    story = nd30.header(s, issuer=sheet.organiser, number=sheet.code, place=sheet.place,
                        date_text=nd30_date(sheet.today))
    story += nd30.title(s, _("Payment request"), _("%(kind)s of contract %(number)s",
                                                    kind=kind, number=sheet.contract_number))
    payer = sheet.payer
    if sheet.payer_tax_code:
        payer += " (" + _("tax code %(code)s", code=sheet.payer_tax_code) + ")"
    story.append(nd30.paragraph(s, _("To: %(payer)s", payer=payer)))
    story.append(nd30.paragraph(s, _("For taking part in %(week)s, please transfer:",
                                     week=sheet.week_name)))
    rows = [(_("Amount"), format_dong(sheet.amount_vnd)),
            (_("In words"), amount_in_words(sheet.amount_vnd)),
            (_("Due by"), format_date(sheet.due_on) if sheet.due_on else "—"),
            (_("Bank"), sheet.bank), (_("Account no."), sheet.account),
            (_("Beneficiary"), sheet.beneficiary),
            (_("Transfer description"), sheet.code)]
    cell = s.cell
    table = Table([[Paragraph(nd30.t(label), cell),
                    Paragraph(f"<b>{nd30.t(value)}</b>", cell)] for label, value in rows],
                  colWidths=[45 * mm, nd30.FRAME_WIDTH - 45 * mm])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("BACKGROUND", (0, 0), (0, -1), colors.Color(0.95, 0.95, 0.95))]))
    story += [Spacer(1, 3 * mm), table, Spacer(1, 6 * mm)]
    if sheet.qr_text:
        code = Table([[QrBox(sheet.qr_text, REQUEST_CODE_BOX)]], colWidths=[nd30.FRAME_WIDTH])
        code.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
                                  ("ALIGN", (0, 0), (-1, -1), "CENTER")]))
        story += [code, Paragraph(nd30.t(_(
            "Scan with your bank's app (VietQR): the account, the amount and the description "
            "are filled in.")), s.sign_note)]
    story += [Spacer(1, 6 * mm), nd30.paragraph(s, _(
        "Write the description exactly as above (%(code)s) so that the payment is matched to "
        "your contract. The payment counts once the organiser's bank has received it.",
        code=sheet.code))]
    buffer = io.BytesIO()
    nd30.build(buffer, story, title_text=f"{_('Payment request')} {sheet.code}",
               author=sheet.organiser, subject=sheet.contract_number)
    return buffer.getvalue()
