"""Errors that services raise and views turn into pages or JSON.

A service never returns an error code: it raises one of these, and the error handlers answer
HTML pages for the site and ``{"error", "message", "fields"}`` for the API.
"""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, MethodNotAllowed


class AppError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None,
                 fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}


class ValidationFailed(AppError):
    """Input broke a rule; ``fields`` names each bad field with its message."""
    status = 422
    code = "validation_failed"


class Conflict(AppError):
    """The request lost to the current state (a booth already taken, a duplicate email)."""
    status = 409
    code = "conflict"


class NotFound(AppError):
    status = 404
    code = "not_found"


class Forbidden(AppError):
    status = 403
    code = "forbidden"


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"


def attempt(action, success: str | None) -> bool:
    """For a form that redirects: run the service call, then flash ``success`` (if any) or the
    service's own message (with the fields it names), and say whether it worked.

    Only a refusal of the input or of the current state is flashed (400, 409, 422); "not
    yours" (403) and "not there" (404) are answered as such, never disguised as a redirect."""
    from flask import flash
    try:
        action()
    except (Forbidden, NotFound, Unauthorized):
        raise
    except AppError as error:
        details = [m for m in error.fields.values() if m != error.message]
        flash(" ".join([error.message, *details]), "error")
        return False
    if success:
        flash(success, "success")
    return True


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str, fields: dict | None = None, headers=None):
    response = jsonify({"error": code, "message": message, "fields": fields or {}})
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _page(status: int, message: str | None = None):
    return render_template(f"errors/{status}.html", message=message), status


#: statuses with their own error page (templates/errors/<status>.html)
_PAGES = (400, 403, 404, 405, 409, 413, 429, 503)

_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
               422: "validation_failed", 429: "rate_limited"}


def _kept_headers(error: HTTPException) -> dict:
    """What an error answer must keep when it is rebuilt as a page or JSON: the methods a 405's
    address takes (``Allow``, RFC 9110) and when to retry after a 429."""
    headers = {}
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(sorted(error.valid_methods))
    if error.code == 429 and error.response is not None:
        headers.update({k: v for k, v in error.response.headers.items()
                        if k.lower().startswith(("retry-after", "x-ratelimit"))})
    return headers


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(AppError)
    def _app_error(error: AppError):
        headers = getattr(error, "headers", None) or {}
        if wants_json():
            return json_error(error.status, error.code, error.message, error.fields, headers)
        status = error.status if error.status in _PAGES else 400
        body, status = _page(status, error.message)
        return body, status, headers

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        status = error.code or 500
        headers = _kept_headers(error)
        if wants_json():
            message = error.description if status != 429 else _("Too many requests; try again later.")
            return json_error(status, _HTTP_CODES.get(status, "http_error"), message, headers=headers)
        if status in _PAGES:
            body, status = _page(status, None)
            return body, status, headers
        return error

    @app.errorhandler(DBAPIError)
    def _lost_race(error: DBAPIError):
        # A lock wait that ran out (PostgreSQL lock_timeout, a deadlock victim, SQLite busy),
        # or a unique value another request wrote between a service's check and its write, is
        # a lost race, not a bug: 409, nothing changed (the transaction rolled back).
        from exhibit.core.db import is_lock_timeout, is_unique_violation
        if is_lock_timeout(error):
            code = "busy_try_again"
            message = _("The system is busy with the same booth right now; please try again.")
        elif is_unique_violation(error):
            code = "conflict_try_again"
            message = _("Someone else just saved the same thing. Reload the page to see it, "
                        "then try again if needed.")
        else:
            raise error
        if wants_json():
            return json_error(409, code, message)
        return _page(409, message)

    @app.errorhandler(500)
    def _server_error(error):
        if wants_json():
            return json_error(500, "server_error", _("Something went wrong on our side."))
        return _page(500)
