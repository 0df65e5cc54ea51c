"""/api/v1/openapi.json (OpenAPI 3.1), written from the routes and their declarations.

Each path comes from a rule of the API blueprint, each operation from its ``@operation``
declaration, each schema from the pydantic class that validates or serialises that body.
pydantic writes JSON Schema 2020-12, the dialect of OpenAPI 3.1, so what it writes is used as it
is ("null" is a type: ``{"type": ["string", "null"]}`` or ``anyOf``, never 3.0's ``nullable``).
"""
from __future__ import annotations

import re

from flask import current_app
from pydantic.json_schema import GenerateJsonSchema, models_json_schema
from werkzeug.routing.converters import AnyConverter, NumberConverter

from exhibit.api import schemas
from exhibit.api.contract import OPERATIONS, Operation, roles_text

PREFIX = "/api/v1"
_SCHEMA_REF = "#/components/schemas/{model}"
_VARIABLE = re.compile(r"<(?:[^>:]+:)?(\w+)>")

#: what the API's URL variables mean
PATH_VARIABLES = {
    "slug": ("the week's address, as in /weeks/<slug>", "ocop-binh-thuan-2024"),
    "code": ("the booth's code on the plan", "A01"),
    "product_id": ("the product's id", 1),
    "document_id": ("the document's id", 1),
    "device_id": ("the scanning device's id", 1),
    "token": ("the secret at the end of the link sent by email, /password/reset/<token>",
              "Xq3Hc9m0b5w2yZk8PqL1nVt4sR7uE6aJdGfKhM0oNiU"),
}

DESCRIPTION = """\
Exhibition weeks, floor plans, booth booking, product catalogues, badges and documents for \
Vietnamese trade fairs and OCOP weeks.

- **Tokens**: `POST /accounts` (sign-up) or `POST /tokens` gives a bearer token, valid \
API_TOKEN_DAYS (30) days until revoked (`DELETE /tokens/current`, or from the account page).
- **Errors** are JSON `{"error", "message", "fields"}`: `error` is a code for programs, \
`message` a sentence for people (in the token user's language), `fields` names each bad field \
("business.phone"). 400: the body is not a JSON object; 401: no valid token; 403: the token's \
account may not do this; 404: nothing at this address (or nothing of yours); 405: the address \
does not take this method (`Allow` lists those it takes); 409: the current state refuses it \
(e.g. `booth_unavailable`); 413: the body is too large; 422: invalid fields; 429: too many \
attempts (`Retry-After`).
- **Input**: the schemas give each field's type; the values (tax codes, phones, provinces, \
OCOP rules…) are checked by the same rules as the website, and one 422 names every bad field. \
A number sent where text is expected (a barcode, a phone) is read as its digits. Text may not \
hold U+0000 or an unpaired surrogate (400).
- **Scanning devices** have their own tokens (`Bearer dv_…`, the `device` scheme), given once \
by `POST /devices/pair` for the one-time code of the pairing QR that an organiser (or an \
exhibitor, for lead scanners) made. A device downloads its snapshot (`GET /device/snapshot`, \
then `?since=` the cursor for what changed), decides offline, and uploads what it queued \
(`POST /device/scans`, up to 500 at a time, each with its nonce and its own time). A revoked \
device is answered 403 `device_revoked`.
- **Deleting a product archives it**: it leaves every catalogue, `GET` answers it with \
`"status": "archived"`, `PATCH` answers 409 `product_archived`, and the business can restore \
it on the website.
"""


class _DocumentSchema(GenerateJsonSchema):
    """pydantic's JSON Schema without a title on each field, and without the defaults of
    optional input fields (null: "not sent"); a default a client should know is declared
    explicitly (``schemas.documented``)."""

    def field_title_should_be_set(self, schema) -> bool:
        return False

    def default_schema(self, schema):
        return self.generate_inner(schema["schema"])


def openapi_document() -> dict:
    """The document of the current app (written once per app: routes and schemas are fixed
    once it runs)."""
    cached = current_app.extensions.get("exhibit.openapi")
    if cached is None:
        cached = current_app.extensions["exhibit.openapi"] = _document()
    return cached


def _document() -> dict:
    routes = _api_routes()
    bodies = {op.body for _rule, _name, op in routes if op.body}
    answers = {op.answer for _rule, _name, op in routes if op.answer} | {schemas.Error}
    _refs, definitions = models_json_schema(
        [(model, "validation") for model in sorted(bodies, key=lambda m: m.__name__)]
        + [(model, "serialization") for model in sorted(answers, key=lambda m: m.__name__)],
        ref_template=_SCHEMA_REF, schema_generator=_DocumentSchema)
    paths: dict[str, dict] = {}
    for rule, name, op in routes:
        for path, fixed in _paths_of(rule):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                paths.setdefault(path, {})[method.lower()] = _operation(rule, name, method, op, fixed)
    return {
        "openapi": "3.1.0",
        "info": {"title": "exhibit API", "version": "1", "description": DESCRIPTION},
        "servers": [{"url": current_app.config["PUBLIC_BASE_URL"] + PREFIX}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "device": {"type": "http", "scheme": "bearer", "bearerFormat": "dv_…",
                           "description": "a scanning device's token (POST /devices/pair)"},
            },
            "schemas": definitions["$defs"],
        },
        "paths": dict(sorted(paths.items())),
    }


def _api_routes() -> list[tuple]:
    """(rule, view name, declaration) of every API rule but the document itself."""
    found = []
    for rule in current_app.url_map.iter_rules():
        blueprint, _dot, name = rule.endpoint.partition(".")
        if blueprint != "api" or name == "openapi":
            continue
        if name not in OPERATIONS:
            raise LookupError(f"{rule.endpoint} has no @operation declaration")
        found.append((rule, name, OPERATIONS[name]))
    return sorted(found, key=lambda found: found[0].rule)


def _paths_of(rule) -> list[tuple[str, dict]]:
    """The documented paths of a rule: one per value of a choice variable
    (``report.<any(pdf, xlsx):fmt>`` is /report.pdf and /report.xlsx), with those values."""
    path = _VARIABLE.sub(r"{\1}", rule.rule.removeprefix(PREFIX))
    variants = [(path, {})]
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            variants = [(p.replace("{%s}" % name, value), {**fixed, name: value})
                        for p, fixed in variants for value in sorted(converter.items)]
    return variants


def _operation(rule, name: str, method: str, op: Operation, fixed: dict) -> dict:
    variables = [v for v in rule.arguments if v not in fixed]
    document = {"operationId": "_".join((name, *fixed.values())), "summary": op.summary}
    if op.description:
        document["description"] = op.description
    if op.roles is not None:
        document["security"] = [{"bearer": []}]
        if op.roles:
            document["summary"] += f" (token of {roles_text(op.roles)})"
    if op.device:
        document["security"] = [{"device": []}]
        document["summary"] += " (a scanning device's token)"
    parameters = [_path_parameter(variable, rule._converters[variable])
                  for variable in variables]
    if op.query is not None:
        parameters += _query_parameters(op.query)
    if parameters:
        document["parameters"] = parameters
    if op.body is not None:
        document["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": _SCHEMA_REF.format(model=op.body.__name__)}}}}
    document["responses"] = {str(op.success): _success(op, fixed), **{
        str(status): _refusal(status, meaning)
        for status, meaning in op.refusals(path_variables=bool(variables),
                                           writes=method != "GET").items()}}
    return document


def _success(op: Operation, fixed: dict) -> dict:
    if op.files is not None:
        media_type = op.files if isinstance(op.files, str) else op.files[fixed["fmt"]]
        return {"description": "The file", "content": {media_type: {}}}
    if op.answer is None:
        return {"description": "Done; no content"}
    first_sentence = (op.answer.__doc__ or op.answer.__name__).strip().split(". ")[0]
    return {"description": " ".join(first_sentence.split()).rstrip("."),
            "content": {"application/json": {"schema": {
                "$ref": _SCHEMA_REF.format(model=op.answer.__name__)}}}}


def _refusal(status: int, meaning: str) -> dict:
    answer = {"description": meaning, "content": {"application/json": {"schema": {
        "$ref": _SCHEMA_REF.format(model="Error")}}}}
    if status == 429:
        answer["headers"] = {"Retry-After": {
            "description": "seconds until the limit lets another attempt through",
            "required": True, "schema": {"type": "integer", "minimum": 1}}}
    return answer


def _path_parameter(variable: str, converter) -> dict:
    if isinstance(converter, NumberConverter):
        # what the route itself accepts: <int:…> is a row id (exhibit.RowId)
        schema = {"type": "integer"}
        low = converter.min if converter.min is not None else (None if converter.signed else 0)
        if low is not None:
            schema["minimum"] = low
        if converter.max is not None:
            schema["maximum"] = converter.max
    else:
        schema = {"type": "string", "pattern": "^[^/]+$"}
    description, example = PATH_VARIABLES[variable]
    return {"name": variable, "in": "path", "required": True, "description": description,
            "schema": schema, "example": example}


def _query_parameters(model) -> list[dict]:
    schema = model.model_json_schema(mode="validation", schema_generator=_DocumentSchema)
    required = set(schema.get("required", ()))
    parameters = []
    for name, field_schema in schema["properties"].items():
        field_schema = dict(field_schema)
        parameter = {"name": name, "in": "query", "required": name in required}
        if not parameter["required"]:
            parameter["allowEmptyValue"] = True  # "?group=" is the same as no group
        if "description" in field_schema:
            parameter["description"] = field_schema.pop("description")
        if "examples" in field_schema:
            parameter["example"] = field_schema.pop("examples")[0]
        parameter["schema"] = field_schema
        parameters.append(parameter)
    return parameters
