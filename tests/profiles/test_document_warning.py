"""Issued and signed documents keep the details they were issued with; their pages say when the
business's profile changed afterwards, and revising and issuing again reprints them. A draft
takes the new details when it is issued, unless the organiser typed others."""
from __future__ import annotations

import hashlib

from exhibit.extensions import db
from exhibit.profiles import services as profiles
from tests.conftest import login
from tests.printed import pdftotext

WARNING = "profile-changed"


def _contract(organiser, week, user, *, issue=True, **party):
    from exhibit.documents import services
    document = services.create_contract(actor=organiser, week=week, business_id=user.business_id)
    services.update_draft(actor=organiser, document=document, data={"vat_percent": 8, **party})
    return services.issue(actor=organiser, document=document) if issue else document


def _pages(client, organiser, user, document_id) -> tuple[str, str]:
    login(client, organiser)
    detail = client.get(f"/organiser/documents/{document_id}").get_data(as_text=True)
    client.post("/logout")
    login(client, user)
    mine = client.get("/my/documents").get_data(as_text=True)
    client.post("/logout")
    return detail, mine


def test_an_issued_contract_warns_after_the_profile_changes_and_not_before(
        client, bank_ready, open_week, confirmed_exhibitor):
    from exhibit.documents import services
    user = confirmed_exhibitor("Hợp tác xã Thanh long Hàm Minh")
    document = _contract(bank_ready, open_week, user)
    issued_pdf = services.pdf_content(document)

    detail, mine = _pages(client, bank_ready, user, document.id)
    assert WARNING not in detail and WARNING not in mine
    assert services.profile_changes(document) == []

    profiles.edit_own_business(actor=user, data={"address": "Thôn 5, xã Hàm Minh, tỉnh Lâm Đồng",
                                                 "phone": "0987 111 222"})
    detail, mine = _pages(client, bank_ready, user, document.id)
    assert WARNING in detail and WARNING in mine
    assert "Xã Hàm Minh, tỉnh Lâm Đồng" in detail and "Thôn 5, xã Hàm Minh, tỉnh Lâm Đồng" in detail
    assert "0912 345 678" in detail and "0987 111 222" in detail
    # the document itself keeps what it was issued with
    db.session.expire_all()
    document = services.get_document(document.id, bank_ready)
    assert document.party_b["address"] == "Xã Hàm Minh, tỉnh Lâm Đồng"
    stored = services.pdf_content(document)
    assert hashlib.sha256(stored).digest() == hashlib.sha256(issued_pdf).digest()
    assert {c.field for c in services.profile_changes(document)} == {"address", "phone"}

    # revise to reprint: the new version prints the new details, and the warning is gone
    services.revise(actor=bank_ready, document=document)
    services.issue(actor=bank_ready, document=document)
    assert document.version == 2 and document.party_b["address"] == "Thôn 5, xã Hàm Minh, tỉnh Lâm Đồng"
    assert "Thôn 5, xã Hàm Minh" in pdftotext(services.pdf_content(document))
    assert "Xã Hàm Minh, tỉnh Lâm Đồng" in pdftotext(services.pdf_content(document, version=1))
    detail, mine = _pages(client, bank_ready, user, document.id)
    assert WARNING not in detail and WARNING not in mine


def test_a_signed_contract_keeps_its_details_and_says_so(client, bank_ready, open_week,
                                                         confirmed_exhibitor):
    from exhibit.documents import services
    user = confirmed_exhibitor()
    document = _contract(bank_ready, open_week, user)
    services.mark_signed(actor=bank_ready, document=document, filename="ky.pdf",
                         content=b"%PDF-1.4 signed")
    profiles.edit_own_business(actor=user, data={"representative": "Lê Văn Mới"})
    detail, mine = _pages(client, bank_ready, user, document.id)
    assert WARNING in detail and "Lê Văn Mới" in detail and WARNING in mine
    assert document.party_b["representative"] == "Nguyễn Văn A"


def test_an_organisers_correction_warns_too_and_a_cancelled_document_does_not(
        client, bank_ready, open_week, confirmed_exhibitor):
    from exhibit.documents import services
    user = confirmed_exhibitor("Cơ sở Bánh tráng Hòa Thắng", legal_form="co_so_san_xuat")
    document = _contract(bank_ready, open_week, user)
    profiles.edit_business_as_organiser(actor=bank_ready, business_id=user.business_id,
                                        data={"legal_form": "ho_kinh_doanh"})
    [change] = services.profile_changes(document)
    assert (change.field, change.printed, change.current) == (
        "legal_form", "co_so_san_xuat", "ho_kinh_doanh")
    services.cancel(actor=bank_ready, document=document, reason="Làm lại")
    assert services.profile_changes(document) == []


def test_a_draft_takes_new_details_at_issue_but_keeps_what_the_organiser_typed(
        bank_ready, open_week, confirmed_exhibitor):
    from exhibit.documents import services
    user = confirmed_exhibitor()
    # the organiser names an authorised signer instead of the profile's representative
    draft = _contract(bank_ready, open_week, user, issue=False,
                      **{"party_b.representative": "Phạm Thị Ủy Quyền"})
    profiles.edit_own_business(actor=user, data={"address": "Địa chỉ mới, tỉnh Lâm Đồng",
                                                 "representative": "Lê Văn Mới"})
    changes = {c.field: c.follows for c in services.profile_changes(draft)}
    assert changes == {"address": True, "representative": False}
    document = services.issue(actor=bank_ready, document=draft)
    assert document.party_b["address"] == "Địa chỉ mới, tỉnh Lâm Đồng"
    assert document.party_b["representative"] == "Phạm Thị Ủy Quyền"
    assert services.profile_changes(document) == []  # nothing changed after this issue


def test_an_mou_warns_about_either_party_and_the_business_sees_its_own(
        client, bank_ready, open_week, confirmed_exhibitor, make_exhibitor):
    from exhibit.documents import services
    supplier = confirmed_exhibitor("Hợp tác xã Cà phê Ea Tu")
    buyer = make_exhibitor("Công ty TNHH Siêu thị Quê Nhà")
    mou = services.create_mou(actor=bank_ready, week=open_week, supplier_id=supplier.business_id,
                              buyer_business_id=buyer.business_id, product_ids=[])
    services.update_draft(actor=bank_ready, document=mou, data={}, lines=[
        {"label": "Cà phê rang xay", "quantity": "500 kg/tháng", "unit_price_vnd": "0"}])
    services.issue(actor=bank_ready, document=mou)
    profiles.edit_own_business(actor=buyer, data={"email": "muahang@quenha.example"})
    assert [(c.side, c.field) for c in services.profile_changes(mou)] == [("party_a", "email")]
    assert services.profile_changes(mou, business_id=supplier.business_id) == []
    detail, mine = _pages(client, bank_ready, supplier, mou.id)
    assert WARNING in detail and WARNING not in mine
