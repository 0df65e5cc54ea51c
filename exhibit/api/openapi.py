"""The OpenAPI 3.1 description served at /api/v1/openapi.json."""
from __future__ import annotations

from flask import current_app

from exhibit.businesses.models import LegalForm


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
                "Token": {"type": "object", "required": ["token"],
                          "properties": {"token": {"type": "string"}}},
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
                              "422": _error("Invalid fields, named in fields")}}},
            "/tokens": {"post": {
                "summary": "Exchange email and password for a bearer token (rate-limited)",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["email", "password"],
                    "properties": {"email": {"type": "string"}, "password": {"type": "string"}}}}}},
                "responses": {"200": _json("Token", "A new token"),
                              "401": _error("Wrong email or password"),
                              "429": _error("Too many attempts; see Retry-After")}}},
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
        },
    }
