"""The profile pages (the business's /my/business, its organiser's edit page) and the province
select of the sign-up forms: nothing preselected, today's 34 units only."""
from __future__ import annotations

import io
import re

from sqlalchemy import select

from exhibit.businesses.models import Business
from exhibit.core.audit import AuditEntry
from exhibit.extensions import db
from tests.conftest import login, next_tax_code


def _province_options(html: str) -> list[tuple[str, bool]]:
    """(value, selected) of each option of the page's province select."""
    found = re.search(r'<select[^>]*name="province"[^>]*>(.*?)</select>', html, re.S)
    assert found, "no province select"
    return [(value, "selected" in attributes) for attributes, value in re.findall(
        r'<option([^>]*?)value="([^"]*)"', found.group(1))]


def _fresh(business_id: int) -> Business:
    db.session.expire_all()
    return db.session.get(Business, business_id)


def _profile_form(business: Business, **changes) -> dict:
    form = {"address": business.address, "representative": business.representative,
            "representative_position": business.representative_position,
            "phone": business.phone_display, "email": business.email}
    form.update(changes)
    return form


def test_sign_up_forms_preselect_no_province_and_list_todays_34(client, open_week):
    for url in ("/signup", f"/weeks/{open_week.slug}/b2b/register"):
        options = _province_options(client.get(url).get_data(as_text=True))
        assert options[0][0] == "" and len(options) == 35, url
        assert all(value.startswith("2025:") for value, _selected in options[1:]), url
        assert not any(selected for value, selected in options if value), url


def test_a_sign_up_without_a_province_is_asked_for_one(client):
    from tests.accounts.test_accounts_pages import signup_form
    response = client.post("/signup", data=signup_form(province=""))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'has-error">\s*<label for="province"', html)
    assert db.session.scalar(select(Business.id)) is None


def test_the_business_edits_its_profile_from_my(client, make_exhibitor):
    from tests.api.conftest import jpeg
    user = make_exhibitor("Hợp tác xã Thanh long Hàm Minh")
    login(client, user)
    assert "/my/business" in client.get("/my").get_data(as_text=True)
    page = client.get("/my/business").get_data(as_text=True)
    assert "Xã Hàm Minh, tỉnh Lâm Đồng" in page and user.business.tax_code in page
    assert 'name="name"' not in page and 'name="tax_code"' not in page

    business = _fresh(user.business_id)
    bad = client.post("/my/business", data=_profile_form(business, phone="12", address=""))
    assert bad.status_code == 422
    assert bad.get_data(as_text=True).count('class="error"') == 2
    assert _fresh(user.business_id).phone == "+84912345678"

    saved = client.post("/my/business", content_type="multipart/form-data", data={
        **_profile_form(business, address="Thôn 2, xã Hàm Minh", representative="Trần Văn Mới"),
        "logo": (io.BytesIO(jpeg()), "logo.jpg")})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/my/business")
    business = _fresh(user.business_id)
    assert (business.address, business.representative) == ("Thôn 2, xã Hàm Minh", "Trần Văn Mới")
    assert business.logo_key
    history = client.get("/my/business").get_data(as_text=True)
    assert "Thôn 2, xã Hàm Minh" in history and "logo.jpg" in history
    # a field the business does not change itself is not read from the form
    client.post("/my/business", data=_profile_form(business, name="Công ty TNHH Khác"))
    assert _fresh(user.business_id).name == "Hợp tác xã Thanh long Hàm Minh"


def test_the_organiser_edits_from_the_businesss_page(client, applicant, organiser):
    user = applicant("Hợp tác xã Thanh long Hàm Minh")
    business = _fresh(user.business_id)
    business.province_scheme, business.province_code = "legacy63", "60"  # registered in 2024
    db.session.commit()
    login(client, organiser)
    audit_page = client.get(f"/organiser/businesses/{business.id}/audit").get_data(as_text=True)
    assert f"/organiser/businesses/{business.id}/edit" in audit_page
    url = f"/organiser/businesses/{business.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert "Tỉnh Bình Thuận (nay thuộc tỉnh Lâm Đồng)" in page
    options = _province_options(page)
    assert not any(selected for value, selected in options if value)  # to be chosen

    form = {**_profile_form(business), "name": business.name, "legal_form": business.legal_form,
            "tax_code": business.tax_code, "province": "", "reason": ""}
    not_chosen = client.post(url, data=form)
    assert not_chosen.status_code == 422
    assert re.search(r'has-error">\s*<label for="province"', not_chosen.get_data(as_text=True))

    new_tax_code = next_tax_code()
    no_reason = client.post(url, data={**form, "province": "2025:68", "tax_code": new_tax_code})
    assert no_reason.status_code == 422
    assert re.search(r'has-error">\s*<label for="reason"', no_reason.get_data(as_text=True))
    assert _fresh(business.id).province_scheme == "legacy63"

    saved = client.post(url, data={**form, "province": "2025:68", "tax_code": new_tax_code,
                                   "reason": "Sai một chữ số khi đăng ký"})
    assert saved.status_code == 302
    business = _fresh(business.id)
    assert (business.province_scheme, business.province_code, business.tax_code) == (
        "2025", "68", new_tax_code)
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "business", AuditEntry.action == "update")).one()
    assert entry.note == "Sai một chữ số khi đăng ký"
    assert "Sai một chữ số khi đăng ký" in client.get(url).get_data(as_text=True)


def test_another_organisations_organiser_cannot_open_the_page(client, applicant, other_organiser):
    user = applicant()
    login(client, other_organiser)
    url = f"/organiser/businesses/{user.business_id}/edit"
    assert client.get(url).status_code == 404
    assert client.post(url, data={"address": "Chỗ khác"}).status_code == 404
    assert _fresh(user.business_id).address == "Xã Hàm Minh, tỉnh Lâm Đồng"
