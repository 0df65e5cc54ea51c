"""The JSON API contract of issue 2, through the Flask test client."""
import json

from sqlalchemy import func, select

from exhibit.accounts.models import User
from exhibit.businesses.models import Business
from exhibit.extensions import db
from tests.conftest import PASSWORD, bearer, business_data


def signup_body(**business):
    return {"email": "htx.thanhlong@example.vn", "password": "thanhlong2024",
            "business": business_data(**business)}


def test_signup_returns_token_and_stores_clean_data(client):
    body = signup_body(phone="0912.345.678", name="Hợp tác xã Thanh Long Hàm Thuận Nam")
    response = client.post("/api/v1/accounts", json=body)
    assert response.status_code == 201, response.json
    token = response.json["token"]
    business = db.session.scalar(select(Business))
    assert business.phone == "+84912345678"
    assert business.province_scheme == "2025" and business.province_code == "68"
    assert business.name_search == "hop tac xa thanh long ham thuan nam"
    # the token works
    held = client.post("/api/v1/weeks/nope/booths/A01/hold", headers={"Authorization": f"Bearer {token}"})
    assert held.status_code == 404 and held.json["error"] == "week_not_found"


def test_signup_validation_names_every_bad_field_and_changes_nothing(client):
    body = {"email": "not-an-email", "password": "short",
            "business": {"name": "", "legal_form": "llc", "tax_code": "0100233481",
                         "province_code": "60", "phone": "123", "address": ""}}
    response = client.post("/api/v1/accounts", json=body)
    assert response.status_code == 422
    assert response.json["error"] == "validation_failed"
    assert set(response.json["fields"]) == {
        "email", "password", "business.name", "business.legal_form", "business.tax_code",
        "business.province_code", "business.phone", "business.address"}
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_household_business_may_use_personal_id_but_company_may_not(client):
    ok = client.post("/api/v1/accounts", json=signup_body(
        name="Hộ kinh doanh Cà phê Thử", legal_form="ho_kinh_doanh", tax_code="060199001234"))
    assert ok.status_code == 201
    body = signup_body(legal_form="cong_ty_tnhh", tax_code="060199001235")
    body["email"] = "other@example.vn"
    refused = client.post("/api/v1/accounts", json=body)
    assert refused.status_code == 422 and "business.tax_code" in refused.json["fields"]


def test_branch_tax_code_is_accepted(client):
    response = client.post("/api/v1/accounts", json=signup_body(tax_code="0100233488-001"))
    assert response.status_code == 201
    assert db.session.scalar(select(Business.tax_code)) == "0100233488-001"


def test_duplicate_email_is_409(client):
    assert client.post("/api/v1/accounts", json=signup_body()).status_code == 201
    again = client.post("/api/v1/accounts", json=signup_body())
    assert again.status_code == 409 and again.json["error"] == "email_taken"


def test_malformed_and_oversized_bodies(client):
    bad = client.post("/api/v1/accounts", data="{not json", content_type="application/json")
    assert bad.status_code == 400 and bad.json["error"] == "malformed_json"
    array = client.post("/api/v1/accounts", json=[1, 2])
    assert array.status_code == 400
    huge = client.post("/api/v1/accounts", data=json.dumps({"x": "a" * 200_000}),
                       content_type="application/json")
    assert huge.status_code == 413 and huge.json["error"] == "payload_too_large"


def test_tokens_wrong_password_and_rate_limit(app, client, make_exhibitor):
    user = make_exhibitor()
    good = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    assert good.status_code == 200 and len(good.json["token"]) > 30 and good.json["expires_at"]
    wrong = client.post("/api/v1/tokens", json={"email": user.email, "password": "wrong-one-123"})
    assert wrong.status_code == 401 and wrong.json["error"] == "invalid_credentials"
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = "3 per minute"
    try:
        codes = [client.post("/api/v1/tokens", json={"email": f"x{n}@example.vn", "password": "x"},
                             environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code for n in range(5)]
        assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429]
        limited = client.post("/api/v1/tokens", json={}, environ_base={"REMOTE_ADDR": "10.9.9.9"})
        assert limited.json["error"] == "rate_limited" and int(limited.headers["Retry-After"]) > 0
    finally:
        app.config["LOGIN_FAILURES_PER_ADDRESS"] = "1000 per minute"


def test_weeks_and_booths_listing(client, open_week, organiser, make_exhibitor):
    from exhibit.booking import services as booking
    from exhibit.floorplan.services import get_booth
    weeks = client.get("/api/v1/weeks").json["items"]
    assert [w["slug"] for w in weeks] == [open_week.slug]
    assert weeks[0]["host_province"]["code"] == "79" and weeks[0]["status"] == "open"
    user = make_exhibitor(name="Công ty TNHH Nước mắm Thử")
    booking.apply_to_week(actor=user, week=open_week, data={})
    booking.assign_booth(actor=organiser, week=open_week, booth=get_booth(open_week, "A02"),
                         business_id=user.business_id)
    booths = {b["code"]: b for b in client.get(f"/api/v1/weeks/{open_week.slug}/booths").json["items"]}
    assert set(booths) == {"A01", "A02", "A03", "A04", "A05", "A06"}
    assert booths["A01"] == {"code": "A01", "id": booths["A01"]["id"], "hall": "Sảnh A",
                             "type": "standard", "area_m2": 9.0, "price_vnd": 1300000,
                             "status": "available", "business": None}
    assert booths["A02"]["status"] == "confirmed"
    assert booths["A02"]["business"]["name"] == "Công ty TNHH Nước mắm Thử"


def test_hold_endpoint(app, client, open_week, organiser, make_exhibitor):
    a, b = make_exhibitor(), make_exhibitor()
    url = f"/api/v1/weeks/{open_week.slug}/booths/A01/hold"
    assert client.post(url).status_code == 401
    assert client.post(url, headers=bearer(app, organiser)).status_code == 403
    headers_a, headers_b = bearer(app, a), bearer(app, b)
    no_app = client.post(url, headers=headers_a)
    assert no_app.status_code == 409 and no_app.json["error"] == "no_application"
    for headers in (headers_a, headers_b):
        assert client.post(f"/api/v1/weeks/{open_week.slug}/applications", json={"booth_count": 2},
                           headers=headers).status_code == 201
    won = client.post(url, headers=headers_a)
    assert won.status_code == 201
    assert won.json["booth"] == "A01" and won.json["hold_id"] and won.json["expires_at"]
    lost = client.post(url, headers=headers_b)
    assert lost.status_code == 409 and lost.json["error"] == "booth_unavailable"
    assert "A01" in lost.json["message"]
    unknown = client.post(f"/api/v1/weeks/{open_week.slug}/booths/Z99/hold", headers=headers_b)
    assert unknown.status_code == 404
    from exhibit.weeks.services import update_week
    data = {k: getattr(open_week, k) for k in ("slug", "name_vi", "host_province_scheme",
            "host_province_code", "venue_name", "start_date", "end_date")}
    update_week(actor=organiser, week=open_week, data={**data, "status": "closed"})
    closed = client.post(f"/api/v1/weeks/{open_week.slug}/booths/A02/hold", headers=headers_b)
    assert closed.status_code == 409 and closed.json["error"] == "week_not_open"
    assert closed.json["message"]
    from exhibit.booking import queries
    assert len(queries.week_allocations(open_week)) == 1


def test_openapi_document_describes_the_endpoints(client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    assert {"/accounts", "/tokens", "/weeks", "/weeks/{slug}/booths",
            "/weeks/{slug}/booths/{code}/hold"} <= set(doc["paths"])
    schemas = doc["components"]["schemas"]
    business = schemas["SignUp"]["properties"]["business"]["$ref"].rsplit("/", 1)[1]
    enum = schemas[business]["properties"]["legal_form"]["enum"]
    assert "ho_kinh_doanh" in enum and len(enum) == 7


def test_lists_or_objects_where_one_value_belongs_are_422_not_500(app, client, make_exhibitor):
    body = signup_body()
    body["business"]["representative_position"] = [None, None]
    body["full_name"] = {"x": 1}
    response = client.post("/api/v1/accounts", json=body)
    assert response.status_code == 422
    assert set(response.json["fields"]) == {"business.representative_position", "full_name"}
    auth = bearer(app, make_exhibitor())
    product = client.post("/api/v1/products", headers=auth,
                          json={"name": "Mật ong", "price_vnd": 1, "unit": [None],
                                "standards": ["VietGAP", ["x"]], "brand": True})
    assert product.status_code == 422
    assert set(product.json["fields"]) == {"unit", "standards", "brand"}
    numeric = client.post("/api/v1/products", headers=auth,
                          json={"name": "Mật ong", "price_vnd": 1, "unit": "hũ",
                                "barcode": 8935049500018})  # a number for a text field is read as text
    assert numeric.status_code == 201 and numeric.json["barcode"] == "8935049500018"


def test_ids_too_large_for_the_database_are_404_not_500(app, client, make_exhibitor):
    auth = bearer(app, make_exhibitor())
    huge = "66623192924214188151949262370906308608"
    assert client.get(f"/api/v1/documents/{huge}.pdf", headers=auth).status_code == 404
    assert client.get(f"/api/v1/products/{huge}", headers=auth).status_code == 404
    assert client.get(f"/api/v1/products/{2**31}", headers=auth).status_code == 404
    assert client.get(f"/api/v1/products/{2**31 - 1}", headers=auth).status_code == 404  # none such
