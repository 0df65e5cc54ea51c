"""The API's contract, through the Flask test client: the document is OpenAPI 3.1 and is written
from the same declarations that run the requests; the schemas refuse wrong shapes and types
with 400/422 naming each field; a 405 says what the address takes; DELETE of a product archives
it, and what follows says so."""
from __future__ import annotations

import json

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from exhibit.api import schemas
from exhibit.api.contract import OPERATIONS
from exhibit.catalogue.services import PRODUCT_FIELDS
from tests.api.conftest import problems, product_data
from tests.conftest import PASSWORD, bearer

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


def conforms(document, method: str, path: str, answer):
    """The test client's answer is one the document describes for ``method path``."""
    found = problems(document, method, path, answer.status_code,
                     answer.headers.get("Content-Type"), answer.get_json(silent=True))
    assert not found, "\n".join(found)
    return answer


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_the_document_is_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    errors = list(OpenAPIV31SpecValidator(document).iter_errors())
    assert not errors, [str(e)[:300] for e in errors[:5]]
    # null is a type in 3.1: 3.0's "nullable" would be ignored by every 3.1 tool
    assert '"nullable"' not in json.dumps(document)


def test_every_api_route_is_declared_and_documented(app, document):
    documented = {(path, method.upper()) for path, method, _op in _operations(document)}
    routes = set()
    for rule in app.url_map.iter_rules():
        blueprint, _dot, name = rule.endpoint.partition(".")
        if blueprint != "api" or name == "openapi":
            continue
        assert name in OPERATIONS, f"{rule.endpoint} has no @operation"
        path = rule.rule.removeprefix("/api/v1")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((path, method))
    assert len(documented) == len(routes) + 1  # report.<any(pdf, xlsx):fmt> is two paths
    assert {"/weeks/{slug}/report.pdf", "/weeks/{slug}/report.xlsx"} <= set(document["paths"])


def test_every_operation_documents_its_refusals_with_the_error_body(document):
    error = {"$ref": "#/components/schemas/Error"}
    for path, method, operation in _operations(document):
        responses = operation["responses"]
        codes = set(responses)
        assert any(code.startswith("2") for code in codes), (path, method)
        for code, response in responses.items():
            if not code.startswith("2"):
                assert response["content"]["application/json"]["schema"] == error, (path, code)
        if "requestBody" in operation:
            assert {"400", "413", "422"} <= codes, (path, method)
        if operation.get("security"):
            assert "401" in codes, (path, method)
        if "{" in path:
            assert "404" in codes, (path, method)
    assert document["paths"]["/products/{product_id}"]["patch"]["responses"].keys() >= {"409"}
    assert "Retry-After" in document["paths"]["/tokens"]["post"]["responses"]["429"]["headers"]


def test_the_schemas_take_every_field_the_catalogue_takes(document):
    assert set(schemas.ProductChanges.model_fields) == {*PRODUCT_FIELDS, "origin_province"}
    assert set(schemas.NewProduct.model_fields) == set(schemas.ProductChanges.model_fields)
    assert set(PRODUCT_FIELDS) <= set(schemas.Product.model_fields)
    components = document["components"]["schemas"]
    assert components["NewProduct"]["required"] == ["name", "price_vnd", "unit"]
    assert components["ProductChanges"]["additionalProperties"] is False
    assert "additionalProperties" not in components["Product"]  # answers may grow
    # nullable the 3.1 way, and fields never sent are not required
    assert {"type": "null"} in components["Document"]["properties"]["number"]["anyOf"]
    assert "badge" not in components["ScanAnswer"]["required"]


def test_unsupported_methods_answer_405_with_allow(client, document):
    for path, item in document["paths"].items():
        url = "/api/v1" + path.format(slug="w", code="A01", product_id=1, document_id=1, token="t",
                                        device_id=1)
        answer = client.open(url, method="TRACE")
        assert answer.status_code == 405, url
        allowed = {m.strip() for m in answer.headers["Allow"].split(",")}
        assert allowed - {"HEAD", "OPTIONS"} == {m.upper() for m in item if m in METHODS}, url
        assert answer.get_json()["error"] == "method_not_allowed"


def test_ids_beyond_an_integer_column_are_404_for_every_method(app, client, make_exhibitor):
    auth = bearer(app, make_exhibitor())
    for method in ("GET", "PATCH", "DELETE", "PUT"):
        for product_id in (2**31, 10**30):
            answer = client.open(f"/api/v1/products/{product_id}", method=method, headers=auth,
                                 json={})
            assert answer.status_code == 404, (method, product_id)


def test_deleting_a_product_archives_it_and_what_follows_says_so(app, client, document, open_week,
                                                                 organiser, make_exhibitor):
    from exhibit.booking.services import apply_to_week
    from exhibit.catalogue import services as catalogue
    user = make_exhibitor()
    apply_to_week(actor=user, week=open_week, data={})
    auth = bearer(app, user)
    one, catalogue_path = "/products/{product_id}", "/weeks/{slug}/products"
    created = conforms(document, "POST", "/products",
                       client.post("/api/v1/products", headers=auth, json=product_data()))
    assert created.status_code == 201 and created.json["status"] == "active"
    product_id = created.json["id"]
    catalogue.set_week_products(actor=user, week=open_week, selections={product_id: None})
    listing = catalogue.business_listings(user.business_id, open_week)[product_id]
    catalogue.review_listing(actor=organiser, listing=listing, decision="approved")
    listed = conforms(document, "GET", catalogue_path,
                      client.get(f"/api/v1/weeks/{open_week.slug}/products")).json
    assert [item["id"] for item in listed["items"]] == [product_id]

    deleted = conforms(document, "DELETE", one,
                       client.delete(f"/api/v1/products/{product_id}", headers=auth))
    assert deleted.status_code == 204 and deleted.data == b""
    again = conforms(document, "GET", one,
                     client.get(f"/api/v1/products/{product_id}", headers=auth))
    assert again.status_code == 200 and again.json["status"] == "archived"
    assert client.get(f"/api/v1/weeks/{open_week.slug}/products").json["total"] == 0
    changed = conforms(document, "PATCH", one, client.patch(
        f"/api/v1/products/{product_id}", headers=auth, json={"price_vnd": 1}))
    assert changed.status_code == 409 and changed.json["error"] == "product_archived"
    assert client.get(f"/api/v1/products/{product_id}", headers=auth).json["price_vnd"] == 85000
    assert conforms(document, "DELETE", one, client.delete(
        f"/api/v1/products/{product_id}", headers=auth)).status_code == 204
    other = bearer(app, make_exhibitor())
    assert conforms(document, "DELETE", one, client.delete(
        f"/api/v1/products/{product_id}", headers=other)).status_code == 404


def test_shapes_and_types_are_refused_naming_each_field(app, client, document, make_exhibitor):
    auth = bearer(app, make_exhibitor())

    def refused(url, body, method="POST"):
        answer = client.open(url, method=method, headers=auth, json=body)
        assert answer.status_code == 422, answer.json
        path = "/products/{product_id}" if url.startswith("/api/v1/products/") else url[7:]
        conforms(document, method, path, answer)
        assert answer.json["error"] == "validation_failed"
        return answer.json["fields"]

    fields = refused("/api/v1/products", {"name": True, "price_vnd": "85000", "unit": "hũ",
                                          "stars": 4.5, "standards": [["x"]], "colour": "red"})
    assert set(fields) == {"name", "price_vnd", "stars", "standards", "colour"}
    assert refused("/api/v1/products", {"price_vnd": 1}) == {
        "name": "Bắt buộc.", "unit": "Bắt buộc."}
    unknown = client.post("/api/v1/products", headers=auth,
                          json={"name": "Mật ong", "price_vnd": 1, "unit": "hũ", "colour": "red"})
    assert unknown.json["message"] == "Các trường không được hỗ trợ: colour."
    # a whole number written as a float is a whole number; text for a number is not
    whole = client.post("/api/v1/products", headers=auth,
                        json={"name": "Mật ong", "price_vnd": 85000.0, "unit": "hũ"})
    assert whole.status_code == 201 and whole.json["price_vnd"] == 85000
    assert set(refused(f"/api/v1/products/{whole.json['id']}", {"name": None, "unit": 1},
                       method="PATCH")) == {"name"}
    assert set(refused("/api/v1/accounts", {"email": "a@b.vn", "password": PASSWORD,
                                            "business": "Hợp tác xã"})) == {"business"}
    # one answer names the wrong shapes and, among the other fields, the wrong values
    assert set(refused("/api/v1/accounts", {"email": ["a@b.vn"], "password": "short",
                                            "business": {"name": {}, "tax_code": "123"}})) == {
        "email", "password", "business.name", "business.tax_code", "business.legal_form",
        "business.province_code", "business.phone", "business.address"}
    assert set(refused("/api/v1/products", {"name": "Mật ong", "price_vnd": "nhiều",
                                            "unit": "hũ", "stars": 7, "barcode": "123"})) == {
        "price_vnd", "stars", "barcode"}
    assert refused("/api/v1/tokens", {"email": {"a": 1}}) == {
        "email": "Hãy gửi một giá trị đơn (chữ hoặc số), không phải danh sách hay đối tượng."}


def test_bodies_that_are_not_storable_json_are_400(app, client, make_exhibitor):
    auth = bearer(app, make_exhibitor())
    for raw in ('{"name": "Mật ong\\u0000", "price_vnd": 1, "unit": "hũ"}',
                '{"name": "\\ud800", "price_vnd": 1, "unit": "hũ"}',
                '{"name": "Mật ong", "price_vnd": NaN, "unit": "hũ"}',
                '{"name": "Mật ong", "price_vnd": ' + "9" * 5000 + ', "unit": "hũ"}',
                '"a text"', ""):
        answer = client.post("/api/v1/products", headers=auth, data=raw,
                             content_type="application/json")
        assert answer.status_code == 400 and answer.json["error"] == "malformed_json", raw[:40]
    assert client.get("/api/v1/weeks/%00/booths").status_code == 404


def test_query_numbers_are_whole_numbers(app, client, open_week, make_exhibitor):
    url = f"/api/v1/weeks/{open_week.slug}/products"
    assert client.get(url, query_string={"stars": "4", "page": "1"}).status_code == 200
    for name, value in (("stars", "0.5"), ("page", "1.000"), ("per_page", "x"), ("stars", "9")):
        answer = client.get(url, query_string={name: value})
        assert answer.status_code == 422 and set(answer.json["fields"]) == {name}, (name, value)
    auth = bearer(app, make_exhibitor())
    bad = client.get("/api/v1/documents/1.pdf?version=abc", headers=auth)
    assert bad.status_code == 422 and set(bad.json["fields"]) == {"version"}
