"""Sign-up, sign-in, language and team pages."""
import unicodedata

from sqlalchemy import func, select

from exhibit.accounts.models import User
from exhibit.businesses.models import Business
from exhibit.extensions import db
from tests.conftest import PASSWORD, login, next_tax_code


def signup_form(**overrides):
    form = {"email": "chu.ho@example.vn", "password": "banhtrang2024", "password_again": "banhtrang2024",
            "full_name": "Đặng Thị Rế", "name": "Hộ kinh doanh Bánh tráng Thử", "legal_form": "ho_kinh_doanh",
            "tax_code": next_tax_code(), "province": "2025:68", "address": "Xã Hòa Thắng, tỉnh Lâm Đồng",
            "representative": "Đặng Thị Rế", "representative_position": "Chủ hộ",
            "phone": "+84 912 345 678", "business_email": ""}
    form.update(overrides)
    return form


def test_signup_creates_business_and_signs_in(client):
    decomposed = unicodedata.normalize("NFD", "Hộ kinh doanh Bánh tráng Thử")
    response = client.post("/signup", data=signup_form(name=decomposed))
    assert response.status_code == 302 and response.headers["Location"].endswith("/my")
    business = db.session.scalar(select(Business))
    assert business.name == "Hộ kinh doanh Bánh tráng Thử"  # stored NFC
    assert business.phone == "+84912345678"
    assert business.email == "chu.ho@example.vn"
    page = client.get("/my").get_data(as_text=True)
    assert "Hộ kinh doanh Bánh tráng Thử" in page


def test_signup_errors_show_on_fields_and_create_nothing(client):
    response = client.post("/signup", data=signup_form(tax_code="0100233481", phone="12"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.count('class="error"') == 2
    assert "check digit" in html or "chữ số kiểm tra" in html
    assert db.session.scalar(select(func.count(Business.id))) == 0


def test_an_email_typed_with_accents_is_refused_with_a_hint(client):
    """Accents before the @ come easily from a Vietnamese keyboard, and most mail servers
    cannot deliver to such an address: the confirmation link would never arrive."""
    response = client.post("/signup", data=signup_form(email="hoà@gmail.com"))
    assert response.status_code == 422
    assert "hoa@gmail.com" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Business.id))) == 0
    answer = client.post("/api/v1/accounts", json={
        "email": "Hoà@gmail.com", "password": "thanhlong2024", "business": {}})
    assert answer.status_code == 422 and "email" in answer.get_json()["fields"]


def test_a_new_business_is_registered_on_todays_map_only(client):
    # the 63 provinces before 01/7/2025 stay for past records (tests/profiles), not for sign-ups
    response = client.post("/signup", data=signup_form(province="legacy63:60"))
    assert response.status_code == 422
    assert "34" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Business.id))) == 0


def test_login_logout_and_wrong_password(client, make_exhibitor):
    user = make_exhibitor()
    wrong = client.post("/login", data={"email": user.email, "password": "nope-nope-1"})
    assert wrong.status_code == 200 and "/my" not in wrong.headers.get("Location", "")
    login(client, user)
    assert client.get("/my").status_code == 200
    client.post("/logout")
    assert client.get("/my").status_code == 302


def test_login_refuses_open_redirect(client, make_exhibitor):
    user = make_exhibitor()
    response = client.post("/login?next=//evil.example/x", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/my"


def test_language_switch_is_remembered_for_the_user(client, make_exhibitor):
    user = make_exhibitor()
    login(client, user)
    client.post("/language", data={"locale": "en"})
    assert db.session.get(User, user.id).locale == "en"
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    fresh = client.application.test_client()
    login(fresh, user)
    assert '<html lang="en">' in fresh.get("/").get_data(as_text=True)


def test_a_team_member_is_invited_never_given_a_typed_password(client, make_exhibitor):
    owner = make_exhibitor()
    login(client, owner)
    response = client.post("/my/team", data={"full_name": "Trần Văn B", "email": "b@example.vn",
                                             "password": "dongnghiep2024"})
    assert response.status_code == 302
    colleague = db.session.scalar(select(User).where(User.email == "b@example.vn"))
    assert colleague.business_id == owner.business_id and not colleague.active
    # a password someone else typed opens nothing; the colleague joins through the emailed
    # link (tests/accounts/test_team_invitations.py)
    refused = client.application.test_client().post(
        "/login", data={"email": "b@example.vn", "password": "dongnghiep2024"})
    assert refused.status_code == 200 and "Location" not in refused.headers


def test_create_organizer_command(app):
    result = app.test_cli_runner().invoke(
        args=["create-organizer", "--email", "BTC@itpc.example", "--password", "bantochuc2024"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "btc@itpc.example"))
    assert user.role == "organiser" and user.organizer.short_name == "ITPC"
    weak = app.test_cli_runner().invoke(args=["create-organizer", "--email", "x@itpc.example",
                                              "--password", "short"])
    assert weak.exit_code != 0 and "10" in weak.output
