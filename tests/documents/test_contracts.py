"""Booth contracts and MoUs: the printed Vietnamese, numbering, and the lifecycle."""
from __future__ import annotations

import hashlib
import unicodedata
from datetime import date

import pytest

from tests.conftest import bearer, login
from tests.printed import pdf_pages_text, pdftotext, unembedded_fonts


def _issue_contract(organiser, week, user, *, vat=8, dated=date(2024, 3, 5)):
    from exhibit.documents import services
    document = services.create_contract(actor=organiser, week=week, business_id=user.business_id)
    services.update_draft(actor=organiser, document=document,
                          data={"vat_percent": vat, "dated_on": dated})
    return services.issue(actor=organiser, document=document)


def test_contract_pdf_prints_the_exact_vietnamese(bank_ready, open_week, confirmed_exhibitor):
    from exhibit.documents import services
    # typed in NFD, as macOS sends it
    name = unicodedata.normalize("NFD", "Công ty TNHH Cà phê Buôn Ma Thuột & Đắk Lắk <Xanh>")
    user = confirmed_exhibitor(name, legal_form="cong_ty_tnhh")
    document = _issue_contract(bank_ready, open_week, user)
    assert (document.subtotal_vnd, document.vat_vnd, document.total_vnd) == (1_300_000, 104_000, 1_404_000)
    pdf = services.pdf_content(document)
    text = pdftotext(pdf)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "TP. Hồ Chí Minh, ngày 05 tháng 3 năm 2024" in text
    assert "Số: 001/2024/HĐ-ITPC" in text
    assert "Bằng chữ: Một triệu bốn trăm lẻ bốn nghìn đồng" in text
    assert "TRUNG TÂM XÚC TIẾN THƯƠNG MẠI VÀ ĐẦU TƯ TP.HCM (ITPC)" in text
    assert "CÔNG TY TNHH CÀ PHÊ BUÔN MA THUỘT & ĐẮK LẮK <XANH>" in text  # NFC, escaped, printed
    assert unicodedata.normalize("NFD", "Buôn Ma Thuột") not in text
    assert "Thuế GTGT (8%): 104.000 đồng" in text
    assert "Điều 8. Hiệu lực" in text and "ĐẠI DIỆN BÊN A" in text and "ĐẠI DIỆN BÊN B" in text
    assert text.count("(Ký, ghi rõ họ tên, đóng dấu)") == 2
    assert unembedded_fonts(pdf) == set()


def test_household_business_signs_without_a_seal_and_pages_are_numbered_from_two(
        bank_ready, open_week, confirmed_exhibitor):
    from exhibit.documents import services
    user = confirmed_exhibitor("Hộ kinh doanh Mật ong Hoa Cà phê", legal_form="ho_kinh_doanh")
    pdf = services.pdf_content(_issue_contract(bank_ready, open_week, user, vat=10))
    text = pdftotext(pdf)
    assert text.count("(Ký, ghi rõ họ tên, đóng dấu)") == 1  # Bên A only
    assert "(Ký, ghi rõ họ tên)" in text.replace("(Ký, ghi rõ họ tên, đóng dấu)", "")
    pages = pdf_pages_text(pdf)
    assert len(pages) >= 2
    assert not pages[0].startswith("1 ")
    for number, page in enumerate(pages[1:], start=2):
        assert page.startswith(f"{number} "), page[:40]


def test_subsidised_booth_prints_zero_and_the_funding_source(bank_ready, open_week, confirmed_exhibitor):
    from exhibit.documents import services
    from exhibit.extensions import db
    from exhibit.floorplan.services import get_booth
    get_booth(open_week, "A01").price_vnd = 0
    db.session.commit()
    user = confirmed_exhibitor()
    document = services.create_contract(actor=bank_ready, week=open_week, business_id=user.business_id)
    assert document.total_vnd == 0 and document.funding_source
    text = pdftotext(services.pdf_content(services.issue(actor=bank_ready, document=document)))
    assert "bằng chữ: không đồng" in text
    assert "Chi phí thuê gian hàng được chi trả từ kinh phí" in text


def test_lifecycle_issue_revise_sign_cancel_keeps_every_version(bank_ready, open_week,
                                                               confirmed_exhibitor, app):
    from exhibit.core import audit
    from exhibit.core.errors import Conflict, ValidationFailed
    from exhibit.documents import services
    from exhibit.media import storage
    user = confirmed_exhibitor()
    document = _issue_contract(bank_ready, open_week, user)
    first = document.file("issued")
    stored = storage.path_for(first.storage_key).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == first.sha256
    with pytest.raises(Conflict):
        services.issue(actor=bank_ready, document=document)
    with pytest.raises(Conflict):
        services.update_draft(actor=bank_ready, document=document, data={"vat_percent": 10})

    services.revise(actor=bank_ready, document=document)
    services.update_draft(actor=bank_ready, document=document, data={"vat_percent": 10})
    services.issue(actor=bank_ready, document=document)
    assert document.version == 2 and document.number == "001/2024/HĐ-ITPC"
    assert "1.430.000 đồng" in pdftotext(services.pdf_content(document))
    assert "1.404.000 đồng" in pdftotext(services.pdf_content(document, version=1))
    assert services.pdf_content(document, version=1) == stored

    with pytest.raises(ValidationFailed):
        services.mark_signed(actor=bank_ready, document=document, filename="x.txt", content=b"hello")
    services.mark_signed(actor=bank_ready, document=document, filename="scan.pdf",
                         content=b"%PDF-1.4 signed scan")
    assert document.status == "signed" and document.file("signed").sha256 == hashlib.sha256(
        b"%PDF-1.4 signed scan").hexdigest()
    with pytest.raises(Conflict):
        services.revise(actor=bank_ready, document=document)
    with pytest.raises(ValidationFailed):
        services.cancel(actor=bank_ready, document=document, reason="  ")
    services.cancel(actor=bank_ready, document=document, reason="Doanh nghiệp rút lui")
    actions = [e.action for e in audit.entries(week_id=open_week.id)
               if e.entity == "document" and e.entity_id == document.id]
    assert actions[::-1] == ["create", "update", "issue", "revise", "update", "issue", "sign", "cancel"]
    # a cancelled contract frees the business for a new one, which takes the next number
    again = _issue_contract(bank_ready, open_week, user)
    assert again.number == "002/2024/HĐ-ITPC"


def test_bad_draft_input_changes_nothing(bank_ready, open_week, confirmed_exhibitor):
    from exhibit.core.errors import ValidationFailed
    from exhibit.documents import services
    user = confirmed_exhibitor()
    document = services.create_contract(actor=bank_ready, week=open_week, business_id=user.business_id)
    before = (document.vat_percent, document.total_vnd)
    with pytest.raises(ValidationFailed) as error:
        services.update_draft(actor=bank_ready, document=document,
                              data={"vat_percent": "7", "deposit_percent": "150"})
    assert set(error.value.fields) == {"vat_percent", "deposit_percent"}
    assert (document.vat_percent, document.total_vnd) == before


def test_contract_needs_a_confirmed_booth_and_only_one_live(bank_ready, open_week, make_exhibitor,
                                                            confirmed_exhibitor):
    from exhibit.core.errors import Conflict, ValidationFailed
    from exhibit.documents import services
    with pytest.raises(ValidationFailed):
        services.create_contract(actor=bank_ready, week=open_week,
                                 business_id=make_exhibitor().business_id)
    user = confirmed_exhibitor()
    services.create_contract(actor=bank_ready, week=open_week, business_id=user.business_id)
    with pytest.raises(Conflict):
        services.create_contract(actor=bank_ready, week=open_week, business_id=user.business_id)


def test_pages_issue_a_contract_and_the_party_downloads_it(app, client, bank_ready, open_week,
                                                          confirmed_exhibitor):
    user = confirmed_exhibitor()
    login(client, bank_ready)
    page = client.get(f"/organiser/weeks/{open_week.slug}/documents")
    assert page.status_code == 200 and user.business.name in page.get_data(as_text=True)
    response = client.post(f"/organiser/weeks/{open_week.slug}/documents/contracts",
                           data={"business_id": user.business_id})
    assert response.status_code == 302
    detail = response.headers["Location"]
    bad = client.post(detail, data={"place": "TP. Hồ Chí Minh", "vat_percent": "7"})
    assert bad.status_code == 422
    ok = client.post(detail, data={"place": "TP. Hồ Chí Minh", "vat_percent": "8",
                                   "deposit_percent": "50", "party_b_representative": "Trần Thị Bé",
                                   "party_a_representative": "Nguyễn Văn Mạnh",
                                   "party_a_bank_account": "0071001234567"})
    assert ok.status_code == 302
    document_id = int(detail.rsplit("/", 1)[1])
    assert client.post(f"{detail}/issue").status_code == 302
    assert "001/" in client.get(detail).get_data(as_text=True)
    pdf = client.get(f"/documents/{document_id}.pdf")
    assert pdf.mimetype == "application/pdf" and "Trần Thị Bé" in pdftotext(pdf.data)
    client.get("/logout")
    login(client, user)
    assert client.get(f"/documents/{document_id}.pdf").status_code == 200
    assert f"/documents/{document_id}.pdf" in client.get("/my/documents").get_data(as_text=True)


def test_api_lists_documents_and_serves_the_pdf(app, client, bank_ready, open_week,
                                               confirmed_exhibitor, make_exhibitor):
    user = confirmed_exhibitor()
    document = _issue_contract(bank_ready, open_week, user)
    response = client.get(f"/api/v1/weeks/{open_week.slug}/documents", headers=bearer(app, bank_ready))
    assert response.status_code == 200
    [item] = response.get_json()["items"]
    assert item["number"] == document.number and item["kind"] == "contract"
    assert item["status"] == "issued" and item["total_vnd"] == 1_404_000
    assert user.business.name in item["parties"]
    path = item["url"].split("localhost", 1)[-1]
    assert client.get(path, headers=bearer(app, bank_ready)).data.startswith(b"%PDF")
    assert client.get(path, headers=bearer(app, user)).status_code == 200
    assert client.get(path, headers=bearer(app, make_exhibitor())).status_code == 403
    assert client.get(path).status_code == 401
    assert client.get(f"/api/v1/weeks/{open_week.slug}/documents",
                      headers=bearer(app, user)).status_code == 403
