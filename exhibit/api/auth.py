"""Bearer-token authentication and JSON body parsing for the API."""
from __future__ import annotations

import json
from functools import wraps

from flask import current_app, g, request
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from exhibit.accounts.services import live_token
from exhibit.core.errors import AppError, Forbidden, Unauthorized, ValidationFailed


class MalformedBody(AppError):
    status = 400
    code = "malformed_json"


class PayloadTooLarge(AppError):
    status = 413
    code = "payload_too_large"


def token_required(*roles: str):
    """The endpoint needs ``Authorization: Bearer <token>`` of a user with one of ``roles``."""
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            scheme, _sep, token = header.partition(" ")
            row = live_token(token.strip()) if scheme.lower() == "bearer" and token else None
            if row is None:
                raise Unauthorized(_("Send a valid token: Authorization: Bearer <token>. "
                                     "Tokens expire, and end when revoked."))
            if roles and row.user.role not in roles:
                raise Forbidden(_("This token's account cannot do this."))
            g.api_user, g.api_token_id = row.user, row.id
            return view(*args, **kwargs)
        wrapper.required_roles = roles
        return wrapper
    return decorator


def json_body() -> dict:
    """The request's JSON object; 413 when too large, 400 when not a JSON object."""
    limit = current_app.config["API_MAX_JSON_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(_("The request body is too large."))
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise PayloadTooLarge(_("The request body is too large.")) from None
    if len(raw) > limit:
        raise PayloadTooLarge(_("The request body is too large."))
    try:
        data = json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise MalformedBody(_("The request body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise MalformedBody(_("The request body must be a JSON object."))
    return data


def refuse_wrong_shapes(data: dict, *, lists: tuple[str, ...] = (), objects: tuple[str, ...] = (),
                        prefix: str = "") -> None:
    """ValidationFailed naming every field sent as a list, an object or true/false where the
    API takes a single text or number (no field of the API is a true/false). ``lists`` may hold
    lists of texts or numbers; ``objects`` are checked the same way, field by field
    ("business.phone")."""
    fields = {}
    for key, value in data.items():
        name = prefix + key
        if key in objects and isinstance(value, dict):
            try:
                refuse_wrong_shapes(value, prefix=name + ".")
            except ValidationFailed as error:
                fields.update(error.fields)
        elif key in lists and isinstance(value, list):
            if any(isinstance(item, (list, dict, bool)) for item in value):
                fields[name] = _("Send a list of single values.")
        elif isinstance(value, (list, dict, bool)):
            fields[name] = _("Send a single value, not a list or an object.")
    if fields:
        raise ValidationFailed(_("Please correct the marked fields."), fields=fields)
