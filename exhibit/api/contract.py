"""How an API endpoint is declared, and how the declaration runs each request.

``@operation(...)`` names what an endpoint reads (a query schema, a body schema), what it answers
(an answer schema, or files), who may call it (a token of one of some roles) and what its
refusals mean. Running a request, it checks the token, reads the query and the body through
their schemas (400, 413, 422; when the shapes are wrong, the service's own check of the values
still names the other bad fields in the same 422) and turns the view's answer into JSON through
its schema — a view never builds a dict. ``exhibit.api.openapi`` writes the document from the same declarations, so
every status an operation can answer is documented where it is decided.
"""
from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from flask import Response, current_app, jsonify, request
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from exhibit.api.auth import authenticate, authenticate_device
from exhibit.api.schemas import Answer, Query, RequestBody
from exhibit.core.errors import AppError, ValidationFailed


class MalformedBody(AppError):
    status = 400
    code = "malformed_json"


class PayloadTooLarge(AppError):
    status = 413
    code = "payload_too_large"


@dataclass(frozen=True)
class Operation:
    summary: str
    description: str = ""
    #: None: no token; (): any valid token; else a token of a user with one of these roles
    roles: tuple[str, ...] | None = None
    #: the caller is a scanning device, with its own token (Bearer dv_…): ``g.api_device``
    device: bool = False
    #: a revoked device still reaches the view, which refuses it itself (403 device_revoked)
    #: once it has counted what the device sent
    revoked_device_reaches_view: bool = False
    query: type[Query] | None = None
    body: type[RequestBody] | None = None
    #: the answer's schema; None answers 204 No Content (or files)
    answer: type[Answer] | None = None
    #: the status of success: 200, or 204 when there is neither an answer nor a file
    status: int | None = None
    #: a file answer: its media type, or one per value of the URL's choice ("pdf", "xlsx")
    files: str | dict[str, str] | None = None
    #: what the operation's refusals mean, by status, beyond what is derived (see refusals())
    refuses: dict[int, str] = field(default_factory=dict)
    #: the largest body this operation reads, when not API_MAX_JSON_BYTES (a batch of scans)
    max_body_bytes: int | None = None
    #: the view writes the answer's JSON itself (a large one, without a check per item) and
    #: returns the Response; the document still describes it with ``answer``
    encoded: bool = False
    #: the service's own check of the input's values (no side effects; ValidationFailed), run on
    #: the well-shaped fields too when the schema refuses others, so one 422 names every bad field
    checks: Callable[[dict], object] | None = None

    @property
    def success(self) -> int:
        if self.status is not None:
            return self.status
        return 204 if self.answer is None and self.files is None else 200

    @property
    def body_limit(self) -> int:
        return self.max_body_bytes or current_app.config["API_MAX_JSON_BYTES"]

    def refusals(self, *, path_variables: bool, writes: bool) -> dict[int, str]:
        """Every error status this operation can answer, with what it means: those its
        declaration implies (a body, a token, a URL variable, a write), and its own."""
        found: dict[int, str] = {}
        if self.body is not None:
            found[400] = ("The body is not JSON, not a JSON object, or holds a NUL character or "
                          "an unpaired surrogate")
        if self.roles is not None:
            found[401] = "No token, or an expired or revoked one"
        if self.roles:
            found[403] = f"The token's account is not {roles_text(self.roles)}"
        if self.device:
            found[401] = ("No device token, or an unknown one (a device given a new pairing QR "
                          "has a new token), or one of a week that ended more than two days ago "
                          "(device_expired)")
            found[403] = "The device was revoked (device_revoked)"
        if path_variables:
            found[404] = "Nothing at this address"
        if self.body is not None:
            found[413] = f"The body is larger than {self.body_limit} bytes"
        if self.body is not None or self.query is not None:
            found[422] = "Invalid fields, each named in fields"
        found.update(self.refuses)
        if writes:
            # the app's lock-timeout handler (core.errors) answers any write that waited too long
            busy = "the same records are being changed this instant (busy_try_again): try again"
            found[409] = f"{found[409]}; or {busy}" if 409 in found else busy[0].upper() + busy[1:]
        return dict(sorted(found.items()))


def roles_text(roles: tuple[str, ...]) -> str:
    """("organiser", "exhibitor") → "an organiser or an exhibitor"."""
    return " or ".join(("an " if role[0] in "aeiou" else "a ") + role for role in roles)


#: every declared operation, by view name (the endpoint is "api." + the name)
OPERATIONS: dict[str, Operation] = {}


def operation(**declaration):
    """Declare an endpoint (see Operation). The view receives ``query=`` and ``body=`` as read by
    their schemas, and returns an instance of ``answer``, a file Response, or None (204)."""
    op = Operation(**declaration)
    if op.body is not None and op.query is not None and op.checks is not None:
        raise TypeError("checks= applies to an operation's one input, its body or its query")
    if op.device and op.roles is not None:
        raise TypeError("an operation is called by a device or by a user's token, not both")

    def decorate(view):
        OPERATIONS[view.__name__] = op

        @wraps(view)
        def run(**path):
            if op.roles is not None:
                authenticate(op.roles)
            if op.device:
                authenticate_device(allow_revoked=op.revoked_device_reaches_view)
            given = {}
            if op.query is not None:
                given["query"] = read(op.query, request.args.to_dict(), op.checks)
            if op.body is not None:
                given["body"] = read(op.body, json_body(op.body_limit), op.checks)
            return _respond(op, view(**path, **given))
        return run
    return decorate


def _respond(op: Operation, result) -> Response:
    if op.encoded:
        if not isinstance(result, Response):
            raise TypeError(f"{op.summary!r} answers the Response it encoded")
        return result
    if op.files is not None:
        if not isinstance(result, Response):
            raise TypeError(f"{op.summary!r} answers a file Response")
        return result
    if op.answer is None:
        if result is not None:
            raise TypeError(f"{op.summary!r} answers 204 without a body")
        response = Response(status=204)
        del response.headers["Content-Type"]  # no body, so no type
        return response
    if not isinstance(result, op.answer):
        raise TypeError(f"{op.summary!r} answers {op.answer.__name__}, not {type(result).__name__}")
    response = jsonify(result.model_dump(mode="json"))
    response.status_code = op.success
    return response


# -- reading input ---------------------------------------------------------------------------------

def read(schema: type[BaseModel], data: dict, checks: Callable[[dict], object] | None = None):
    """``data`` read by ``schema``, or ValidationFailed naming each bad field ("business.phone")
    with what to send instead — and, through ``checks``, each bad value among the others."""
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        fields: dict[str, str] = {}
        for problem in error.errors():
            # an item of a list is named by its list ("standards", not "standards.1")
            path = tuple(part for part in problem["loc"] if isinstance(part, str))
            fields.setdefault(".".join(path), _message(problem))
        unknown = sorted(fields) if all(problem["type"] == "extra_forbidden"
                                        for problem in error.errors()) else []
        if checks is not None:
            fields.update({name: text for name, text in _value_problems(checks, data, fields).items()
                           if not any(name == bad or name.startswith(bad + ".") for bad in fields)})
        if unknown and len(fields) == len(unknown):
            message = _("Unknown fields: %(names)s.", names=", ".join(unknown))
        else:
            message = _("Please correct the marked fields.")
        raise ValidationFailed(message, fields=fields) from None


def _value_problems(checks: Callable[[dict], object], data: dict, refused: dict) -> dict:
    """What ``checks`` finds wrong with ``data`` once the refused fields are left out."""
    sound = copy.deepcopy(data)
    for name in refused:
        *parents, last = name.split(".")
        container = sound
        for parent in parents:
            container = container.get(parent) if isinstance(container, dict) else None
        if isinstance(container, dict):
            container.pop(last, None)
    try:
        checks(sound)
    except ValidationFailed as error:
        return error.fields
    return {}


def _message(problem: dict) -> str:
    if problem["type"] == "missing":
        return _("Required.")
    if problem["type"] == "extra_forbidden":
        return _("Unknown field.")
    return problem["msg"]  # our own types raise translated messages


def json_body(limit: int | None = None) -> dict:
    """The request's JSON object; 413 when larger than ``limit`` (API_MAX_JSON_BYTES unless
    given), 400 when not a JSON object (or when a text in it holds U+0000 or an unpaired
    surrogate, which no database column stores)."""
    limit = limit or current_app.config["API_MAX_JSON_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(_("The request body is too large."))
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise PayloadTooLarge(_("The request body is too large.")) from None
    if len(raw) > limit:
        raise PayloadTooLarge(_("The request body is too large."))
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant) if raw else None
        if not _storable(data):
            raise ValueError("NUL or unpaired surrogate")
    except (UnicodeDecodeError, ValueError):  # ValueError: also numbers beyond 4300 digits
        raise MalformedBody(_("The request body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise MalformedBody(_("The request body must be a JSON object."))
    return data


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _storable(value) -> bool:
    if isinstance(value, str):
        if "\x00" in value:
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_storable(key) and _storable(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_storable(item) for item in value)
    return True
