"""Contracts and MoUs in English: a translation for reference, rendered from the same fields
and layout; the Vietnamese that is signed stays exactly as issued."""
from __future__ import annotations

import pytest

from tests.conftest import bearer, login
from tests.printed import pdftotext, unembedded_fonts
from tests.documents.test_contracts import _issue_contract


@pytest.mark.parametrize("amount, words", [
    (0, "Zero dong"), (21, "Twenty-one dong"), (105, "One hundred and five dong"),
    (1_004, "One thousand and four dong"),
    (1_404_000, "One million four hundred and four thousand dong"),
    (1_200_000_000, "One billion two hundred million dong"),
    (2_000_000_005, "Two billion and five dong"),
])
def test_amount_in_english_words(amount, words):
    from exhibit.vn.words import amount_in_words_en
    assert amount_in_words_en(amount) == words


def test_english_contract_translates_the_wording_and_keeps_the_facts(
        app, client, bank_ready, open_week, confirmed_exhibitor):
    from exhibit.documents import render, services
    user = confirmed_exhibitor("Công ty TNHH Cà phê Ê Đê", legal_form="cong_ty_tnhh")
    document = _issue_contract(bank_ready, open_week, user)
    stored = services.pdf_content(document)
    # the wording now lives in the catalogue: rendering again gives the text that was issued
    assert pdftotext(render.render_pdf(document)) == pdftotext(stored)

    login(client, bank_ready)
    response = client.get(f"/documents/{document.id}.pdf?lang=en")
    assert response.status_code == 200
    assert "001-2024-hd-itpc-en.pdf" in response.headers["Content-Disposition"]
    text = pdftotext(response.data)
    for expected in ("SOCIALIST REPUBLIC OF VIET NAM", "No.: 001/2024/HĐ-ITPC",
                     "TP. Hồ Chí Minh, 5 March 2024", "BOOTH RENTAL CONTRACT",
                     "English translation for reference", "PARTY B (the lessee): CÔNG TY TNHH CÀ PHÊ Ê ĐÊ",
                     "VAT (8%): VND 104,000",
                     "In words: One million four hundred and four thousand dong.",
                     "Article 8. Validity and copies", "FOR PARTY A", "(Signature, full name and seal)"):
        assert expected in text, expected
    assert "Điều 1" not in text and "Bằng chữ" not in text
    assert unembedded_fonts(response.data) == set()
    assert services.pdf_content(document) == stored  # the signed Vietnamese is untouched

    assert client.get(f"/documents/{document.id}.pdf?lang=fr").status_code == 400
    assert client.get(f"/documents/{document.id}.pdf?lang=en&version=9").status_code == 404
    api = client.get(f"/api/v1/documents/{document.id}.pdf?lang=en", headers=bearer(app, user))
    assert api.status_code == 200 and "BOOTH RENTAL CONTRACT" in pdftotext(api.data)
