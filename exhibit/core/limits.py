"""Limits against abuse — failed sign-ins, sign-ups, uploads — counted in one place that every
worker shares: Redis when ``REDIS_URL`` is set, otherwise the application's database (see
``core.ratelimit_storage``), never process memory in a deployment.

Flask-Limiter's route decorators and the counters here read the same storage setting
(``RATELIMIT_STORAGE_URI``). The counters here are kept per application, so that two apps in one
process (the tests) never count into each other's store.
"""
from __future__ import annotations

import math
import time

from flask import Flask, current_app, request
from flask_babel import gettext as _
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from exhibit.core.errors import AppError

_EXTENSION = "exhibit.limits"


class TooManyRequests(AppError):
    """A limit is used up; ``retry_after`` says in how many seconds to try again."""
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = max(1, retry_after)
        self.headers = {"Retry-After": str(self.retry_after)}


def init_app(app: Flask) -> None:
    storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"],
                                  **app.config.get("RATELIMIT_STORAGE_OPTIONS", {}))
    app.extensions[_EXTENSION] = FixedWindowRateLimiter(storage)


def _counter() -> FixedWindowRateLimiter:
    return current_app.extensions[_EXTENSION]


def _enabled() -> bool:
    return current_app.config.get("RATELIMIT_ENABLED", True)


def client_address() -> str:
    """The client's address: the connecting peer, or, behind TRUSTED_PROXY_COUNT proxies, the
    address they forwarded (werkzeug's ProxyFix, set up in create_app, has done the work)."""
    return request.remote_addr or "unknown"


def refuse_if_used_up(setting: str, *ids: str) -> None:
    """TooManyRequests when the limit named by the setting (e.g. "10 per 15 minutes") is used
    up for these ids; counts nothing."""
    if not _enabled():
        return
    limit = parse(current_app.config[setting])
    if not _counter().test(limit, setting, *ids):
        raise TooManyRequests(_("Too many attempts. Wait a while, then try again."),
                              retry_after=_seconds_left(limit, setting, *ids))


def count(setting: str, *ids: str) -> None:
    """One more use of the limit named by the setting, for these ids."""
    if _enabled():
        _counter().hit(parse(current_app.config[setting]), setting, *ids)


def use(setting: str, *ids: str) -> None:
    """Count one use, or TooManyRequests when the limit was already used up."""
    if not _enabled():
        return
    limit = parse(current_app.config[setting])
    if not _counter().hit(limit, setting, *ids):
        raise TooManyRequests(_("Too many attempts. Wait a while, then try again."),
                              retry_after=_seconds_left(limit, setting, *ids))


def refund(setting: str, *ids: str) -> None:
    """Give back one use counted by ``use`` (an attempt that turned out not to count)."""
    if _enabled():
        _counter().hit(parse(current_app.config[setting]), setting, *ids, cost=-1)


def _seconds_left(limit, *ids) -> int:
    reset_at, _remaining = _counter().get_window_stats(limit, *ids)
    return math.ceil(reset_at - time.time())


# -- limits declared on routes (Flask-Limiter, same storage) ------------------------------------

def _signed_in_user_key() -> str:
    from flask_login import current_user
    return f"user:{current_user.id}" if current_user.is_authenticated else client_address()


def _created(response) -> bool:
    return response.status_code in (201, 302, 303)


def signup_limited(view):
    """New accounts per client address, shared by every sign-up route; only sign-ups that went
    through count (a form with a typo does not)."""
    from exhibit.extensions import limiter
    return limiter.shared_limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"], scope="sign-up",
                                methods=["POST"], deduct_when=_created)(view)


def upload_limited(view):
    """Upload requests per signed-in user and per client address, shared by every upload route:
    decoding images is the most expensive thing a request can ask for."""
    from exhibit.extensions import limiter
    view = limiter.shared_limit(lambda: current_app.config["UPLOADS_PER_ADDRESS"],
                                scope="uploads-address", methods=["POST"])(view)
    return limiter.shared_limit(lambda: current_app.config["UPLOADS_PER_USER"],
                                scope="uploads-user", key_func=_signed_in_user_key,
                                methods=["POST"])(view)
