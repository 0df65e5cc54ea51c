"""Editing a business's profile through the services: who may change what, the registration
rules on every edit, the tax code's reason, and the audit entry with old and new values."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from exhibit.businesses.models import Business
from exhibit.core.audit import AuditEntry
from exhibit.core.errors import Forbidden, NotFound, ValidationFailed
from exhibit.extensions import db
from exhibit.profiles import services
from tests.conftest import next_tax_code


def _profile_edits(business_id: int) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "business", AuditEntry.entity_id == business_id,
        AuditEntry.action == "update").order_by(AuditEntry.id)).all()


def _fresh(business_id: int) -> Business:
    db.session.expire_all()
    return db.session.get(Business, business_id)


def test_the_business_changes_its_contact_details_and_the_change_is_audited(make_exhibitor):
    user = make_exhibitor("Hợp tác xã Thanh long Hàm Minh")
    services.edit_own_business(actor=user, data={
        "address": "Thôn 3, xã Hàm Minh, tỉnh Lâm Đồng", "representative": "Trần Thị Bưởi",
        "representative_position": "Phó Chủ nhiệm HTX", "phone": "0987 654 321",
        "email": "HTX@Example.VN"})
    business = _fresh(user.business_id)
    assert (business.address, business.representative, business.representative_position,
            business.phone, business.email) == (
        "Thôn 3, xã Hàm Minh, tỉnh Lâm Đồng", "Trần Thị Bưởi", "Phó Chủ nhiệm HTX",
        "+84987654321", "htx@example.vn")
    [entry] = _profile_edits(business.id)
    assert entry.actor_id == user.id and entry.business_id == business.id
    assert entry.before == {"address": "Xã Hàm Minh, tỉnh Lâm Đồng", "representative": "Nguyễn Văn A",
                            "representative_position": "Chủ nhiệm HTX", "phone": "+84912345678",
                            "email": ""}
    assert entry.after == {"address": "Thôn 3, xã Hàm Minh, tỉnh Lâm Đồng",
                           "representative": "Trần Thị Bưởi",
                           "representative_position": "Phó Chủ nhiệm HTX",
                           "phone": "+84987654321", "email": "htx@example.vn"}


def test_the_business_changes_only_what_it_may(make_exhibitor):
    user = make_exhibitor("Hợp tác xã Thanh long Hàm Minh")
    before = _fresh(user.business_id)
    name, tax_code = before.name, before.tax_code
    for field, value in (("name", "Hợp tác xã Khác"), ("tax_code", next_tax_code()),
                         ("legal_form", "cong_ty_tnhh"), ("province_code", "79"),
                         ("bank_account", "123")):
        with pytest.raises(ValidationFailed) as refused:
            services.edit_own_business(actor=user, data={field: value, "address": "Chỗ mới"})
        assert set(refused.value.fields) == {field}
    business = _fresh(user.business_id)
    assert (business.name, business.tax_code, business.address) == (
        name, tax_code, "Xã Hàm Minh, tỉnh Lâm Đồng")
    assert _profile_edits(business.id) == []


def test_bad_input_names_each_field_and_changes_nothing(make_exhibitor):
    user = make_exhibitor()
    with pytest.raises(ValidationFailed) as refused:
        services.edit_own_business(actor=user, data={"address": " ", "phone": "12",
                                                     "email": "not-an-address",
                                                     "representative": "Lê Văn Mới"})
    assert set(refused.value.fields) == {"address", "phone", "email"}
    business = _fresh(user.business_id)
    assert (business.representative, business.phone) == ("Nguyễn Văn A", "+84912345678")
    assert _profile_edits(business.id) == []


def test_an_edit_that_changes_nothing_writes_nothing(make_exhibitor):
    user = make_exhibitor()
    services.edit_own_business(actor=user, data={"phone": "+84 912 345 678",
                                                 "address": "Xã Hàm Minh, tỉnh Lâm Đồng"})
    assert _profile_edits(user.business_id) == []


def test_only_exhibitors_edit_their_own_profile(organiser, entrance_user):
    for actor in (organiser, entrance_user):
        with pytest.raises(Forbidden):
            services.edit_own_business(actor=actor, data={"address": "Chỗ mới"})


def test_the_organiser_corrects_name_legal_form_and_province(applicant, organiser):
    user = applicant("Cơ sở Nước mắm Cũ", legal_form="co_so_san_xuat")
    services.edit_business_as_organiser(actor=organiser, business_id=user.business_id, data={
        "name": "Công ty TNHH Nước mắm Làng Chài", "legal_form": "cong_ty_tnhh",
        "province_scheme": "2025", "province_code": "79", "phone": "028 3823 4567"})
    business = _fresh(user.business_id)
    assert (business.name, business.legal_form, business.province_code, business.phone) == (
        "Công ty TNHH Nước mắm Làng Chài", "cong_ty_tnhh", "79", "+842838234567")
    assert business.name_search == "cong ty tnhh nuoc mam lang chai"
    [entry] = _profile_edits(business.id)
    assert entry.actor_id == organiser.id
    assert entry.before == {"name": "Cơ sở Nước mắm Cũ", "legal_form": "co_so_san_xuat",
                            "province": "2025:68", "phone": "+84912345678"}
    assert entry.after == {"name": "Công ty TNHH Nước mắm Làng Chài", "legal_form": "cong_ty_tnhh",
                           "province": "2025:79", "phone": "+842838234567"}
    assert entry.note is None


def test_the_name_and_legal_form_must_agree_on_an_edit_too(applicant, organiser):
    user = applicant("Hợp tác xã Sầu riêng Krông Pắc")
    with pytest.raises(ValidationFailed) as refused:
        services.edit_business_as_organiser(actor=organiser, business_id=user.business_id,
                                            data={"legal_form": "cong_ty_co_phan"})
    assert set(refused.value.fields) == {"legal_form"}
    assert _fresh(user.business_id).legal_form == "hop_tac_xa"


def test_a_tax_code_changes_only_with_a_reason_and_the_reason_is_kept(applicant, organiser):
    user = applicant()
    old, new = _fresh(user.business_id).tax_code, next_tax_code()
    with pytest.raises(ValidationFailed) as refused:
        services.edit_business_as_organiser(actor=organiser, business_id=user.business_id,
                                            data={"tax_code": new}, reason="  ")
    assert set(refused.value.fields) == {"reason"}
    assert _fresh(user.business_id).tax_code == old

    services.edit_business_as_organiser(
        actor=organiser, business_id=user.business_id, data={"tax_code": new},
        reason="Mã số thuế gõ nhầm khi đăng ký; đối chiếu giấy chứng nhận ĐKDN")
    assert _fresh(user.business_id).tax_code == new
    [entry] = _profile_edits(user.business_id)
    assert (entry.before, entry.after) == ({"tax_code": old}, {"tax_code": new})
    assert entry.note == "Mã số thuế gõ nhầm khi đăng ký; đối chiếu giấy chứng nhận ĐKDN"


def test_a_tax_code_of_another_business_or_a_wrong_one_is_refused(applicant, make_exhibitor,
                                                                  organiser):
    user, other = applicant(), make_exhibitor()
    taken = _fresh(other.business_id).tax_code
    for tax_code in (taken, "0100233481"):
        with pytest.raises(ValidationFailed) as refused:
            services.edit_business_as_organiser(actor=organiser, business_id=user.business_id,
                                                data={"tax_code": tax_code}, reason="Sửa")
        assert set(refused.value.fields) == {"tax_code"}
    assert _profile_edits(user.business_id) == []


def test_only_an_organiser_of_the_businesss_weeks_edits_it(applicant, make_exhibitor, organiser,
                                                           other_organiser, entrance_user):
    user = applicant()
    stranger = make_exhibitor()  # applied to no week of the organiser's body
    with pytest.raises(NotFound):
        services.edit_business_as_organiser(actor=other_organiser, business_id=user.business_id,
                                            data={"address": "Chỗ mới"})
    with pytest.raises(NotFound):
        services.edit_business_as_organiser(actor=organiser, business_id=stranger.business_id,
                                            data={"address": "Chỗ mới"})
    with pytest.raises(NotFound):
        services.get_organised_business(organiser, 2**31 - 1)
    for actor in (user, entrance_user):
        with pytest.raises(Forbidden):
            services.edit_business_as_organiser(actor=actor, business_id=user.business_id,
                                                data={"address": "Chỗ mới"})
    assert _fresh(user.business_id).address == "Xã Hàm Minh, tỉnh Lâm Đồng"
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.entity == "business", AuditEntry.action == "update")) == 0


def test_a_business_on_the_old_map_keeps_it_until_its_organiser_chooses_todays_unit(
        applicant, organiser):
    user = applicant()
    business = _fresh(user.business_id)
    business.province_scheme, business.province_code = "legacy63", "60"  # registered in 2024
    db.session.commit()
    # the business's own edit leaves the province alone
    services.edit_own_business(actor=user, data={"address": "Xã Hàm Minh, huyện Hàm Thuận Nam"})
    assert (_fresh(user.business_id).province_scheme, business.province_code) == ("legacy63", "60")
    # the organiser's edit needs one of today's 34 units
    for province in ({}, {"province_scheme": "legacy63", "province_code": "60"},
                     {"province_scheme": "", "province_code": ""}):
        with pytest.raises(ValidationFailed) as refused:
            services.edit_business_as_organiser(actor=organiser, business_id=user.business_id,
                                                data={"phone": "0912 000 111", **province})
        assert set(refused.value.fields) == {"province_code"}
    services.edit_business_as_organiser(actor=organiser, business_id=user.business_id,
                                        data={"province_scheme": "2025", "province_code": "68"})
    business = _fresh(user.business_id)
    assert (business.province_scheme, business.province_code) == ("2025", "68")
    assert _profile_edits(business.id)[-1].before == {"province": "legacy63:60"}


def test_a_new_logo_replaces_the_old_file_in_the_same_audited_edit(app, make_exhibitor):
    from exhibit.media import storage
    from tests.api.conftest import jpeg
    user = make_exhibitor()
    services.edit_own_business(actor=user, data={}, logo=("logo-cu.jpg", jpeg()))
    first = _fresh(user.business_id).logo_key
    assert storage.path_for(first).exists()
    services.edit_own_business(actor=user, data={"representative": "Lê Thị Logo"},
                               logo=("logo-moi.png", jpeg((20, 120, 60))))
    business = _fresh(user.business_id)
    assert business.logo_key != first and storage.path_for(business.logo_key).exists()
    assert not storage.path_for(first).exists()
    assert _profile_edits(business.id)[-1].after == {"representative": "Lê Thị Logo",
                                                      "logo": "logo-moi.png"}
    # a file that is no image changes nothing, the other fields included
    with pytest.raises(ValidationFailed) as refused:
        services.edit_own_business(actor=user, data={"representative": "Ai đó"},
                                   logo=("logo.jpg", b"not an image"))
    assert "logo" in refused.value.fields
    assert _fresh(user.business_id).representative == "Lê Thị Logo"


def test_the_history_reads_for_people(applicant, organiser):
    user = applicant("Cơ sở Bánh tráng")
    services.edit_business_as_organiser(
        actor=organiser, business_id=user.business_id,
        data={"legal_form": "ho_kinh_doanh", "province_scheme": "2025", "province_code": "66"})
    [row] = services.history(user.business_id)
    shown = {title: (old, new) for title, old, new in row["changes"]}
    assert len(shown) == 2 and row["actor"].id == organiser.id
    assert ("Tỉnh Lâm Đồng", "Tỉnh Đắk Lắk") in shown.values()
