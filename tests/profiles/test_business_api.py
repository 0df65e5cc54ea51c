"""GET and PATCH /api/v1/business: the exhibitor's own business through the same service as
/my/business, answered and refused as the OpenAPI document says."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from exhibit.core.audit import AuditEntry
from exhibit.extensions import db
from tests.api.test_contract import conforms
from tests.conftest import bearer

PATH = "/business"


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


def test_the_document_declares_both_operations_and_every_refusal(document):
    item = document["paths"][PATH]
    assert set(item) >= {"get", "patch"}
    assert set(item["patch"]["responses"]) == {"200", "400", "401", "403", "409", "413", "422"}
    assert set(item["get"]["responses"]) == {"200", "401", "403"}
    changes = document["components"]["schemas"]["BusinessChanges"]
    assert changes["additionalProperties"] is False and "required" not in changes
    from exhibit.api import schemas
    from exhibit.profiles.services import BUSINESS_FIELDS
    assert set(schemas.BusinessChanges.model_fields) == set(BUSINESS_FIELDS)
    sign_up = document["components"]["schemas"]["BusinessDetails"]["properties"]["province_scheme"]
    assert sign_up["enum"] == ["2025"]


def test_the_exhibitor_reads_and_changes_its_business(app, client, document, make_exhibitor):
    user = make_exhibitor("Hợp tác xã Thanh long Hàm Minh")
    auth = bearer(app, user)
    read = conforms(document, "GET", PATH, client.get("/api/v1/business", headers=auth))
    assert read.status_code == 200
    assert read.json["name"] == "Hợp tác xã Thanh long Hàm Minh"
    assert read.json["province"] == {"scheme": "2025", "code": "68", "name": "Tỉnh Lâm Đồng"}
    assert read.json["logo"] is None

    changed = conforms(document, "PATCH", PATH, client.patch("/api/v1/business", headers=auth, json={
        "address": "Thôn 3, xã Hàm Minh", "phone": "0912.000.111", "representative": None}))
    assert changed.status_code == 200, changed.json
    assert (changed.json["address"], changed.json["phone"], changed.json["representative"]) == (
        "Thôn 3, xã Hàm Minh", "+84912000111", "")
    assert changed.json["email"] == read.json["email"]  # not sent: unchanged
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "business",
                                                        AuditEntry.action == "update")).one()
    assert entry.actor_id == user.id and set(entry.after) == {"address", "phone", "representative"}


def test_refusals_name_each_field_and_change_nothing(app, client, document, make_exhibitor):
    user = make_exhibitor()
    auth = bearer(app, user)

    def refused(body):
        answer = conforms(document, "PATCH", PATH,
                          client.patch("/api/v1/business", headers=auth, json=body))
        assert answer.status_code == 422 and answer.json["error"] == "validation_failed"
        return set(answer.json["fields"])

    assert refused({"name": "Công ty TNHH Khác", "tax_code": "0100233488"}) == {"name", "tax_code"}
    assert refused({"address": None, "phone": "12", "email": ["a@b.vn"]}) == {
        "address", "phone", "email"}
    assert refused({"phone": 912000111, "representative": "Lê Văn Số"}) == {"phone"}
    assert refused({"address": "", "email": "khong-co-a-cong"}) == {"address", "email"}
    assert client.get("/api/v1/business", headers=auth).json["address"] == \
        "Xã Hàm Minh, tỉnh Lâm Đồng"
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "update")) is None


def test_only_an_exhibitors_token_reaches_it(app, client, document, organiser, entrance_user):
    assert conforms(document, "PATCH", PATH, client.patch(
        "/api/v1/business", json={"address": "x"})).status_code == 401
    for user in (organiser, entrance_user):
        auth = bearer(app, user)
        assert conforms(document, "GET", PATH,
                        client.get("/api/v1/business", headers=auth)).status_code == 403
        assert conforms(document, "PATCH", PATH, client.patch(
            "/api/v1/business", headers=auth, json={"address": "x"})).status_code == 403


def test_a_new_business_signs_up_on_todays_map_only(client):
    from tests.conftest import business_data
    answer = client.post("/api/v1/accounts", json={
        "email": "cu@example.vn", "password": "thanhlong2024",
        "business": business_data(province_scheme="legacy63", province_code="60")})
    assert answer.status_code == 422 and set(answer.json["fields"]) == {"business.province_code"}
