"""The catalogue API: public search, and an exhibitor's own products with a token."""
from __future__ import annotations

from exhibit.catalogue import services
from exhibit.catalogue.models import Product
from exhibit.extensions import db
from tests.catalogue.conftest import product_data
from tests.conftest import bearer


def test_week_products_shape_and_folded_search(client, listed_product, open_week):
    for query in ("nuoc mam", "NƯỚC MẮM", "Nước Mắm", "nuoc"):
        body = client.get(f"/api/v1/weeks/{open_week.slug}/products", query_string={"q": query}).get_json()
        assert body["total"] == 1, query
    item, = body["items"]
    assert item == {"id": listed_product.id, "name": listed_product.name,
                    "business": "Công ty TNHH Nước mắm Thử nghiệm", "booth": None, "stars": 4,
                    "price_vnd": 85000, "unit": "chai", "group": "thuc_pham"}
    filtered = client.get(f"/api/v1/weeks/{open_week.slug}/products?province=68&group=thuc_pham&stars=4&page=1")
    assert filtered.get_json()["total"] == 1
    assert client.get(f"/api/v1/weeks/{open_week.slug}/products?group=do_uong").get_json()["total"] == 0
    bad = client.get(f"/api/v1/weeks/{open_week.slug}/products?stars=2&page=0")
    assert bad.status_code == 422 and set(bad.get_json()["fields"]) == {"stars", "page"}
    assert client.get("/api/v1/weeks/khong-co/products").status_code == 404


def test_create_update_archive_with_a_token(client, app, exhibitor_in_week, open_week):
    headers = bearer(app, exhibitor_in_week)
    response = client.post("/api/v1/products", headers=headers, json={
        "name": "Cà phê rang xay Buôn Ma Thuột", "price_vnd": 160000, "unit": "gói",
        "net_quantity": "Gói 500 g", "ocop_group": "thuc_pham", "ocop_set": 13,
        "origin_province": "66", "standards": ["ISO 22000"]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["id"] and body["net_quantity"] == "Gói 500 g" and body["stars"] is None
    product_id = body["id"]
    patched = client.patch(f"/api/v1/products/{product_id}", headers=headers, json={"price_vnd": 150000})
    assert patched.status_code == 200 and patched.get_json()["price_vnd"] == 150000
    assert patched.get_json()["name"] == "Cà phê rang xay Buôn Ma Thuột"
    assert client.get(f"/api/v1/products/{product_id}", headers=headers).status_code == 200
    assert client.delete(f"/api/v1/products/{product_id}", headers=headers).status_code == 204
    assert db.session.get(Product, product_id).status == "archived"


def test_validation_errors_name_the_fields(client, app, exhibitor_in_week):
    headers = bearer(app, exhibitor_in_week)
    response = client.post("/api/v1/products", headers=headers, json={"price_vnd": "nhiều", "stars": 7,
                                                                      "barcode": "8934563123457"})
    assert response.status_code == 422
    assert {"name", "price_vnd", "unit", "stars", "barcode"} <= set(response.get_json()["fields"])
    typo = client.post("/api/v1/products", headers=headers, json={"name": "A", "price_vnd": 1,
                                                                  "unit": "gói", "pricevnd": 2})
    assert typo.status_code == 422 and "pricevnd" in typo.get_json()["fields"]
    assert client.post("/api/v1/products", headers=headers, data="[1,2", content_type="application/json").status_code == 400
    assert db.session.query(Product).count() == 0


def test_tokens_and_ownership(client, app, exhibitor_in_week, make_exhibitor, organiser):
    product = services.create_product(actor=exhibitor_in_week, data=product_data())
    assert client.post("/api/v1/products", json={"name": "A", "price_vnd": 1, "unit": "gói"}).status_code == 401
    assert client.patch(f"/api/v1/products/{product.id}", json={"price_vnd": 1}).status_code == 401
    other = bearer(app, make_exhibitor("Cơ sở Khác"))
    assert client.get(f"/api/v1/products/{product.id}", headers=other).status_code == 404
    assert client.patch(f"/api/v1/products/{product.id}", headers=other, json={"price_vnd": 1}).status_code == 404
    assert client.delete(f"/api/v1/products/{product.id}", headers=other).status_code == 404
    assert client.post("/api/v1/products", headers=bearer(app, organiser),
                       json={"name": "A", "price_vnd": 1, "unit": "gói"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Product, product.id).price_vnd == 85000
    assert db.session.get(Product, product.id).status == "active"


def test_unpublished_products_stay_out_of_the_api(client, app, exhibitor_in_week, open_week):
    product = services.create_product(actor=exhibitor_in_week, data=product_data())
    services.set_week_products(actor=exhibitor_in_week, week=open_week, selections={product.id: None})
    assert client.get(f"/api/v1/weeks/{open_week.slug}/products").get_json()["total"] == 0
