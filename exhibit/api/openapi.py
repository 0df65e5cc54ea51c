"""The OpenAPI 3.1 description served at /api/v1/openapi.json."""
from __future__ import annotations

from flask import current_app

from exhibit.businesses.models import LegalForm
from exhibit.catalogue import ocop
from exhibit.catalogue.search import GROUP_FILTER


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _json(schema_ref: str, description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}}


def openapi_document() -> dict:
    slug = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"},
            "example": "ocop-binh-thuan-2024"}
    code = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"},
            "example": "A01"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "exhibit API", "version": "1",
                 "description": "Exhibition weeks, floor plans and booth booking for Vietnamese "
                                "trade fairs and OCOP weeks. Errors are JSON "
                                "{error, message, fields}."},
        "servers": [{"url": current_app.config["PUBLIC_BASE_URL"] + "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error", "message", "fields"],
                          "properties": {"error": {"type": "string"}, "message": {"type": "string"},
                                         "fields": {"type": "object",
                                                    "additionalProperties": {"type": "string"}}}},
                "Token": {"type": "object", "required": ["token", "expires_at"],
                          "properties": {"token": {"type": "string"},
                                         "expires_at": {"type": "string", "format": "date-time",
                                                        "description": "API_TOKEN_DAYS (30) after "
                                                                       "creation"},
                                         "user_id": {"type": "integer"},
                                         "business_id": {"type": "integer"}}},
                "SignUp": {
                    "type": "object", "required": ["email", "password", "business"],
                    "properties": {
                        "email": {"type": "string", "format": "email"},
                        "password": {"type": "string", "minLength": 10},
                        "full_name": {"type": "string"},
                        "business": {
                            "type": "object",
                            "required": ["name", "legal_form", "tax_code", "province_code",
                                         "phone", "address"],
                            "properties": {
                                "name": {"type": "string"},
                                "legal_form": {"type": "string", "enum": [f.value for f in LegalForm]},
                                "tax_code": {"type": "string", "example": "0314409058",
                                             "description": "10 digits with check digit, "
                                             "10 digits + -NNN for a branch, or a 12-digit "
                                             "personal ID (household businesses)"},
                                "province_code": {"type": "string", "example": "79",
                                                  "description": "two-digit code of one of the 34 units"},
                                "province_scheme": {"type": "string", "enum": ["2025", "legacy63"],
                                                    "default": "2025"},
                                "phone": {"type": "string", "example": "0912 345 678"},
                                "address": {"type": "string"},
                                "representative": {"type": "string"},
                                "representative_position": {"type": "string"},
                                "email": {"type": "string"},
                            }},
                    }},
                "Week": {"type": "object", "properties": {
                    "slug": {"type": "string"}, "name": {"type": "string"},
                    "name_en": {"type": "string"},
                    "start_date": {"type": "string", "format": "date"},
                    "end_date": {"type": "string", "format": "date"},
                    "status": {"type": "string", "enum": ["open", "closed", "archived"]},
                    "host_province": {"type": "object", "properties": {
                        "scheme": {"type": "string"}, "code": {"type": "string"},
                        "name": {"type": "string"}}}}},
                "Booth": {"type": "object", "properties": {
                    "code": {"type": "string"}, "id": {"type": "integer"},
                    "hall": {"type": "string"},
                    "type": {"type": "string", "enum": ["standard", "corner", "premium", "raw_space"]},
                    "area_m2": {"type": "number"}, "price_vnd": {"type": "integer"},
                    "status": {"type": "string", "enum": ["available", "held", "confirmed", "blocked"]},
                    "business": {"type": ["object", "null"], "properties": {
                        "id": {"type": "integer"}, "name": {"type": "string"}}}}},
                "ProductInput": _product_input_schema(),
                "Product": {"allOf": [{"$ref": "#/components/schemas/ProductInput"}, {
                    "type": "object", "properties": {
                        "id": {"type": "integer"}, "business_id": {"type": "integer"},
                        "status": {"type": "string", "enum": ["active", "archived"]},
                        "cert_valid_until": {"type": ["string", "null"], "format": "date"},
                        "photos": {"type": "array", "items": {"type": "string", "format": "uri"}}}}]},
                "CatalogueItem": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "name": {"type": "string"},
                    "business": {"type": "string"}, "booth": {"type": ["string", "null"]},
                    "stars": {"type": ["integer", "null"], "description":
                              "OCOP stars, only when the certificate is valid on the week's dates"},
                    "price_vnd": {"type": "integer"}, "unit": {"type": "string"},
                    "group": {"type": ["string", "null"]}}},
                "Hold": {"type": "object", "required": ["hold_id", "booth", "expires_at"],
                         "properties": {"hold_id": {"type": "integer"}, "booth": {"type": "string"},
                                        "expires_at": {"type": "string", "format": "date-time"}}},
            },
        },
        "paths": {
            "/accounts": {"post": {
                "summary": "Exhibitor sign-up: creates the user and the business, returns a token",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/SignUp"}}}},
                "responses": {"201": _json("Token", "Created"), "400": _error("Malformed JSON"),
                              "409": _error("Email or tax code already registered"),
                              "413": _error("Body too large"),
                              "422": _error("Invalid fields, named in fields"),
                              "429": _error("Too many sign-ups from this address; see Retry-After")}}},
            "/tokens": {"post": {
                "summary": "Exchange email and password for a bearer token (rate-limited)",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["email", "password"],
                    "properties": {"email": {"type": "string"}, "password": {"type": "string"}}}}}},
                "responses": {"200": _json("Token", "A new token"),
                              "400": _error("Malformed JSON"),
                              "401": _error("Wrong email or password"),
                              "429": _error("Too many failed sign-ins for this account or from "
                                            "this address; see Retry-After")}}},
            "/tokens/current": {"delete": {
                "summary": "Revoke the token this request is sent with",
                "security": [{"bearer": []}],
                "responses": {"204": {"description": "Revoked; the token now answers 401"},
                              "401": _error("Missing, expired or revoked token")}}},
            "/weeks": {"get": {
                "summary": "Published exhibition weeks",
                "responses": {"200": {"description": "Weeks", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {"items": {
                        "type": "array", "items": {"$ref": "#/components/schemas/Week"}}}}}}}}}},
            "/weeks/{slug}/booths": {"get": {
                "summary": "Booths of a week with their current status",
                "parameters": [slug],
                "responses": {"200": {"description": "Booths", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {"items": {
                        "type": "array", "items": {"$ref": "#/components/schemas/Booth"}}}}}}},
                    "404": _error("Unknown week")}}},
            "/weeks/{slug}/applications": {"post": {
                "summary": "Apply to an open week (exhibitor token)",
                "security": [{"bearer": []}], "parameters": [slug],
                "requestBody": {"content": {"application/json": {"schema": {
                    "type": "object", "properties": {
                        "booth_count": {"type": "integer", "minimum": 1, "maximum": 50},
                        "intended_products": {"type": "string"}, "notes": {"type": "string"}}}}}},
                "responses": {"201": {"description": "Application submitted"},
                              "401": _error("No or bad token"), "403": _error("Not an exhibitor"),
                              "409": _error("Already applied, or the week is not open"),
                              "422": _error("Invalid fields")}}},
            "/weeks/{slug}/booths/{code}/hold": {"post": {
                "summary": "Hold a free booth for the week's hold duration (exhibitor token)",
                "security": [{"bearer": []}], "parameters": [slug, code],
                "responses": {"201": _json("Hold", "Held"),
                              "401": _error("No or bad token"), "403": _error("Not an exhibitor"),
                              "404": _error("Unknown week or booth"),
                              "409": _error("booth_unavailable, week_not_open, "
                                            "registration_closed, no_application, "
                                            "booth_limit_reached, ...")}}},
            "/weeks/{slug}/products": {"get": {
                "summary": "The week's public catalogue: approved products, searchable without "
                           "diacritics, relevance-ranked, paginated",
                "parameters": [slug, *_catalogue_parameters()],
                "responses": {"200": {"description": "A page of products", "content": {
                    "application/json": {"schema": {"type": "object", "properties": {
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/CatalogueItem"}},
                        "total": {"type": "integer"}, "page": {"type": "integer"},
                        "per_page": {"type": "integer"}}}}}},
                    "404": _error("Unknown week"), "422": _error("Invalid filters, named in fields")}}},
            "/weeks/{slug}/badges.pdf": {"get": {
                "summary": "Every live badge of one kind at the week as one printable sheet "
                           "(organiser token); QR codes are absolute URLs on PUBLIC_BASE_URL",
                "security": [{"bearer": []}],
                "parameters": [slug,
                               {"name": "kind", "in": "query", "required": True,
                                "schema": {"type": "string",
                                           "enum": ["staff", "visitor", "buyer", "organiser"]}},
                               {"name": "layout", "in": "query", "schema": {
                                   "type": "string", "enum": ["a4-8", "a6-4"],
                                   "default": "a4-8"}}],
                "responses": {"200": {"description": "The PDF", "content": {
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                    "401": _error("No or bad token"), "403": _error("Not this week's organiser"),
                    "404": _error("Unknown week"), "422": _error("Bad kind or layout")}}},
            "/weeks/{slug}/documents": {"get": {
                "summary": "The week's booth contracts and MoUs (organiser token)",
                "security": [{"bearer": []}], "parameters": [slug],
                "responses": {"200": {"description": "Documents", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {"items": {"type": "array", "items": {
                        "type": "object", "properties": {
                            "id": {"type": "integer"},
                            "number": {"type": "string", "nullable": True,
                                       "example": "015/2024/HĐ-ITPC"},
                            "kind": {"type": "string", "enum": ["contract", "mou"]},
                            "status": {"type": "string",
                                       "enum": ["draft", "issued", "signed", "cancelled"]},
                            "version": {"type": "integer"},
                            "parties": {"type": "array", "items": {"type": "string"}},
                            "total_vnd": {"type": "integer", "description":
                                          "Contract total with VAT, or an MoU's expected value"},
                            "url": {"type": "string", "format": "uri"}}}}}}}}},
                    "401": _error("No or bad token"), "403": _error("Not this week's organiser"),
                    "404": _error("Unknown week")}}},
            "/weeks/{slug}/report.pdf": _report_path(
                slug, "The week report as a formal PDF (NĐ 30 header, figures in tables and "
                "charts, generated date)", "application/pdf"),
            "/weeks/{slug}/report.xlsx": _report_path(
                slug, "The week report as an XLSX workbook: a summary sheet and one sheet per "
                "table, frozen header row, VND as numbers",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            "/documents/{id}.pdf": {"get": {
                "summary": "A document's PDF: the latest issued version or ?version=N (token of "
                           "its organiser, or of a party's user once issued); a draft renders "
                           "live, marked as a draft",
                "security": [{"bearer": []}],
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "integer"}},
                               {"name": "version", "in": "query", "schema": {"type": "integer"}},
                               {"name": "lang", "in": "query", "schema": {
                                   "type": "string", "enum": ["vi", "en"], "default": "vi"},
                                "description": "en: an English translation of the current "
                                               "version, for reference"}],
                "responses": {"200": {"description": "The PDF", "content": {
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                    "401": _error("No or bad token"), "403": _error("Not the organiser or a party"),
                    "404": _error("Unknown document or version")}}},
            "/checkins": {"post": {
                "summary": "Check a badge in at the entrance (organiser or entrance staff "
                           "token). A retry with the same nonce returns the first answer.",
                "security": [{"bearer": []}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["code", "nonce"], "properties": {
                        "code": {"type": "string", "description": "Scanned URL or typed code"},
                        "nonce": {"type": "string", "minLength": 8, "maxLength": 64}}}}}},
                "responses": {"200": {"description": "The answer for this scan", "content": {
                    "application/json": {"schema": {"type": "object", "properties": {
                        "status": {"type": "string",
                                   "enum": ["ok", "already_checked_in", "invalid"]},
                        "first_at": {"type": "string", "format": "date-time", "nullable": True},
                        "reason": {"type": "string", "nullable": True, "enum": [
                            "unknown", "revoked", "contact_code", "not_running", None]},
                        "message": {"type": "string"},
                        "badge": {"type": "object", "properties": {
                            "name": {"type": "string"}, "kind": {"type": "string"}}}}}}}},
                    "401": _error("No or bad token"), "403": _error("Not entrance staff"),
                    "422": _error("Missing code or malformed nonce")}}},
            "/products": {"post": {
                "summary": "Add a product to your business's catalogue (exhibitor token)",
                "security": [{"bearer": []}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "allOf": [{"$ref": "#/components/schemas/ProductInput"},
                              {"required": ["name", "price_vnd", "unit"]}]}}}},
                "responses": {"201": _json("Product", "Created"), "401": _error("No or bad token"),
                              "403": _error("Not an exhibitor"),
                              "422": _error("Invalid or unknown fields, named in fields")}}},
            "/products/{product_id}": {
                "parameters": [{"name": "product_id", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "get": {"summary": "One of your products", "security": [{"bearer": []}],
                        "responses": {"200": _json("Product", "The product"),
                                      "404": _error("Not one of your products")}},
                "patch": {"summary": "Change some fields of one of your products; changing its "
                                     "name, stars, certificate or group sends it back to review",
                          "security": [{"bearer": []}],
                          "requestBody": {"required": True, "content": {"application/json": {
                              "schema": {"$ref": "#/components/schemas/ProductInput"}}}},
                          "responses": {"200": _json("Product", "Saved"),
                                        "404": _error("Not one of your products"),
                                        "422": _error("Invalid fields")}},
                "delete": {"summary": "Archive one of your products (it leaves every catalogue)",
                           "security": [{"bearer": []}],
                           "responses": {"204": {"description": "Archived"},
                                         "404": _error("Not one of your products")}}},
        },
    }


def _catalogue_parameters() -> list[dict]:
    def query(name, schema, description):
        return {"name": name, "in": "query", "schema": schema, "description": description}
    return [
        query("q", {"type": "string"}, "words to find; case and diacritics do not matter"),
        query("province", {"type": "string"}, "origin: a code of today's 34 units (includes the "
              "old provinces merged into it) or legacy63:NN"),
        query("group", {"type": "string", "enum": list(GROUP_FILTER)}, "OCOP group"),
        query("stars", {"type": "integer", "minimum": 3, "maximum": 5},
              "OCOP stars with a certificate valid on the week's dates"),
        query("price_min", {"type": "integer"}, "lowest price in đồng"),
        query("price_max", {"type": "integer"}, "highest price in đồng"),
        query("page", {"type": "integer", "minimum": 1}, "page number"),
        query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "default 24"),
    ]


def _report_path(slug: dict, summary: str, media_type: str) -> dict:
    return {"get": {
        "summary": summary + " (organiser token). Figures are counted when asked.",
        "security": [{"bearer": []}],
        "parameters": [slug, {"name": "lang", "in": "query", "schema": {
            "type": "string", "enum": ["vi", "en"]},
            "description": "language of the file; default: the token user's saved language, "
                           "else vi"}],
        "responses": {"200": {"description": "The file", "content": {
            media_type: {"schema": {"type": "string", "format": "binary"}}}},
            "401": _error("No or bad token"), "403": _error("Not this week's organiser"),
            "404": _error("Unknown week"), "422": _error("lang is neither vi nor en")}}}


def _product_input_schema() -> dict:
    text = {"type": "string"}
    return {"type": "object", "additionalProperties": False, "properties": {
        "name": {**text, "example": "Nước mắm cá cơm Phan Thiết 40 độ đạm"},
        "name_en": text, "brand": text,
        "origin_province": {**text, "description": "code of today's 34 units, legacy63:NN, or a "
                            "name such as \"Bình Thuận\"", "example": "legacy63:60"},
        "origin_province_scheme": {"type": "string", "enum": ["2025", "legacy63"]},
        "origin_province_code": text,
        "ocop_scheme": {"type": "string", "enum": list(ocop.SCHEMES), "default": "qd148"},
        "ocop_group": {"type": "string", "enum": sorted({g.code for g in ocop.GROUPS.values()}),
                       "description": "QĐ 148 groups: thuc_pham, do_uong, duoc_lieu, "
                                      "thu_cong_my_nghe, sinh_vat_canh, du_lich"},
        "ocop_set": {"type": "integer", "minimum": 1, "maximum": 26,
                     "description": "QĐ 148 Annex I product set"},
        "stars": {"type": ["integer", "null"], "enum": [3, 4, 5, None]},
        "cert_decision_number": {**text, "example": "4894/QĐ-UBND"},
        "cert_decision_date": {"type": "string", "format": "date", "example": "2024-11-12"},
        "cert_issuer_level": {"type": "string", "enum": list(ocop.ISSUER_LEVELS)},
        "cert_issuer_name": {**text, "example": "UBND tỉnh Bình Thuận"},
        "rural_industrial_level": {"type": "string", "enum": ["", *ocop.RURAL_INDUSTRIAL_LEVELS]},
        "price_vnd": {"type": "integer", "minimum": 0, "example": 85000},
        "unit": {**text, "example": "chai"},
        "net_quantity": {**text, "example": "Chai 500 ml"},
        "packaging": text, "shelf_life": text, "storage": text, "ingredients": text,
        "standards": {"type": "array", "items": text, "example": ["HACCP", "VietGAP"]},
        "barcode": {**text, "description": "EAN-13 with a valid check digit"},
        "traceability_url": {"type": "string", "format": "uri"}, "story": text}}
