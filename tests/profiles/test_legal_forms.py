"""A name that says its legal form must have it ("Hợp tác xã …" is no Công ty cổ phần), checked
by the registration rules every sign-up, API call, import and edit shares; a name that says
nothing passes."""
from __future__ import annotations

import unicodedata

import pytest

from exhibit.core.errors import ValidationFailed
from tests.conftest import business_data

#: (name, legal form, accepted)
CASES = [
    ("Hợp tác xã Thanh long Hàm Minh", "hop_tac_xa", True),
    ("Hợp tác xã Thanh long Hàm Minh", "cong_ty_co_phan", False),
    ("HTX Nông nghiệp Chanh không hạt", "hop_tac_xa", True),
    ("HTX. Nông nghiệp Chanh không hạt", "cong_ty_tnhh", False),
    ("hop tac xa dich vu nong nghiep", "to_hop_tac", False),       # without diacritics
    ("HỢP TÁC XÃ MUỐI SẠCH", "ho_kinh_doanh", False),               # capitals
    ("Công ty Cổ phần Cà phê Hạt Nâu", "cong_ty_co_phan", True),
    ("Công ty CP Cà phê Hạt Nâu", "cong_ty_tnhh", False),
    ("CTCP Tinh bột sắn Ea Súp", "hop_tac_xa", False),
    ("Cty CP Tinh bột sắn", "cong_ty_co_phan", True),
    ("Công ty TNHH Nước mắm Sóng Xanh", "cong_ty_tnhh", True),
    ("Công ty TNHH MTV Nước mắm Sóng Xanh", "cong_ty_co_phan", False),
    ("Công ty Trách nhiệm Hữu hạn Rong biển", "hop_tac_xa", False),
    ("Cty TNHH Rong biển", "cong_ty_tnhh", True),
    ("Doanh nghiệp tư nhân Hải sản Phú Quý", "doanh_nghiep_tu_nhan", True),
    ("DNTN Hải sản Phú Quý", "cong_ty_tnhh", False),
    ("Hộ kinh doanh Bánh tráng Mè Đen", "ho_kinh_doanh", True),
    ("Hộ kinh doanh Bánh tráng Mè Đen", "co_so_san_xuat", False),
    ("HKD Bánh tráng Mè Đen", "hop_tac_xa", False),
    ("Tổ hợp tác Dệt thổ cẩm Buôn Đôn", "to_hop_tac", True),
    ("Tổ hợp tác Dệt thổ cẩm Buôn Đôn", "hop_tac_xa", False),
    # names that say nothing about the form
    ("Cơ sở sản xuất Mực một nắng", "ho_kinh_doanh", True),
    ("Cơ sở sản xuất Mực một nắng", "co_so_san_xuat", True),
    ("Liên hiệp HTX Thương mại TP.HCM (Saigon Co.op)", "hop_tac_xa", True),
    ("Chi nhánh Công ty TNHH Lotte Mart", "cong_ty_co_phan", True),
    ("HTXanh Organic", "cong_ty_tnhh", True),                       # a word, not the prefix
    ("Công ty Sao Mai", "cong_ty_co_phan", True),                   # which company? unsaid
    ("Công ty Sao Mai", "cong_ty_tnhh", True),
]


@pytest.mark.parametrize(("name", "legal_form", "accepted"), CASES)
def test_the_legal_form_agrees_with_the_name(app, name, legal_form, accepted):
    from exhibit.businesses.services import clean_business_data
    tax_code = "060199001234" if legal_form == "ho_kinh_doanh" else None
    data = business_data(name=name, legal_form=legal_form,
                         **({"tax_code": tax_code} if tax_code else {}))
    with app.test_request_context():
        if accepted:
            assert clean_business_data(data)["legal_form"] == legal_form
        else:
            with pytest.raises(ValidationFailed) as refused:
                clean_business_data(data)
            assert set(refused.value.fields) == {"legal_form"}


def test_a_name_typed_decomposed_is_read_the_same(app):
    from exhibit.businesses.services import clean_business_data, legal_form_named
    name = unicodedata.normalize("NFD", "Hợp tác xã Cà phê Ea Tu")
    with app.test_request_context():
        assert legal_form_named(name)[0] == "Hợp tác xã"
        with pytest.raises(ValidationFailed):
            clean_business_data(business_data(name=name, legal_form="cong_ty_tnhh"))


def test_the_message_names_the_form_the_name_says(app):
    from exhibit.businesses.services import clean_business_data
    with app.test_request_context(headers={"Accept-Language": "vi"}):
        with pytest.raises(ValidationFailed) as refused:
            clean_business_data(business_data(name="HTX Sầu riêng", legal_form="cong_ty_co_phan"))
    assert "HTX" in refused.value.fields["legal_form"]


def test_sign_up_through_the_api_refuses_a_contradicting_form(client):
    answer = client.post("/api/v1/accounts", json={
        "email": "htx@example.vn", "password": "thanhlong2024",
        "business": business_data(name="Hợp tác xã Thanh long Hàm Minh",
                                  legal_form="cong_ty_co_phan")})
    assert answer.status_code == 422
    assert set(answer.json["fields"]) == {"business.legal_form"}


def test_every_demo_business_agrees_with_its_name(app):
    from exhibit.businesses.services import legal_form_named
    from exhibit.demo import data, documents
    rows = [(row[0], row[1]) for table in vars(data).values() if isinstance(table, (list, tuple))
            for row in table if isinstance(row, tuple) and len(row) > 1
            and row[0] in {"hop_tac_xa", "cong_ty_tnhh", "cong_ty_co_phan", "doanh_nghiep_tu_nhan",
                           "to_hop_tac", "ho_kinh_doanh", "co_so_san_xuat"}]
    rows += [(form, name) for name, form, *_rest in documents.BUYERS]
    assert len(rows) > 40
    with app.test_request_context():
        wrong = [(form, name) for form, name in rows
                 if (said := legal_form_named(name)) is not None and said[1].value != form]
    assert wrong == []
