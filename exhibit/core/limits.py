"""Limits against abuse — failed sign-ins, sign-ups, uploads — counted in one place that every
worker shares: Redis when ``REDIS_URL`` is set, otherwise the application's database (see
``core.ratelimit_storage``), never process memory in a deployment.

Flask-Limiter's route decorators and the counters here read the same storage setting
(``RATELIMIT_STORAGE_URI``). The counters here are kept per application, so that two apps in one
process (the tests) never count into each other's store. When Redis cannot be reached, the
counters here carry on in the database (and say so in the log); the route decorators carry on
in process memory (Flask-Limiter's fallback) rather than fail the request.
"""
from __future__ import annotations

import ipaddress
import math
import time

from flask import Flask, current_app, request
from flask_babel import gettext as _
from limits import parse
from limits.errors import StorageError
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


class _Counters:
    """The configured store, and the database as the store to fall back on."""

    def __init__(self, app: Flask):
        from exhibit.core.ratelimit_storage import DatabaseStorage
        uri = app.config["RATELIMIT_STORAGE_URI"]
        self.primary = FixedWindowRateLimiter(storage_from_string(
            uri, wrap_exceptions=True, **app.config.get("RATELIMIT_STORAGE_OPTIONS", {})))
        self.fallback = None
        if uri.startswith("redis"):
            self.fallback = FixedWindowRateLimiter(DatabaseStorage(
                wrap_exceptions=True, database_url=app.config["SQLALCHEMY_DATABASE_URI"]))

    def close(self) -> None:
        """Let go of the stores' database connections (when the counters are set up anew)."""
        for counter in (self.primary, self.fallback):
            if counter is not None and hasattr(counter.storage, "close"):
                counter.storage.close()

    def run(self, work):
        """``work(limiter)`` on the configured store, or on the database when that fails."""
        try:
            return work(self.primary)
        except StorageError:
            if self.fallback is None:
                raise
            current_app.logger.warning("rate-limit store unreachable; counting in the database",
                                       exc_info=True)
            return work(self.fallback)


def init_app(app: Flask) -> None:
    previous = app.extensions.get(_EXTENSION)
    if previous is not None:
        previous.close()
    app.extensions[_EXTENSION] = _Counters(app)


def _counters() -> _Counters:
    return current_app.extensions[_EXTENSION]


def _enabled() -> bool:
    return current_app.config.get("RATELIMIT_ENABLED", True)


def client_address() -> str:
    """Who is asking, for counting: the connecting peer, or, behind TRUSTED_PROXY_COUNT
    proxies, the address they forwarded (werkzeug's ProxyFix, set up in create_app, has done
    the work). An IPv6 address counts as its /64 network, which one subscriber usually holds
    whole — otherwise every one of its addresses would get its own limit."""
    address = request.remote_addr or "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return address
    if parsed.ipv4_mapped:  # ::ffff:203.0.113.7 is the IPv4 client 203.0.113.7
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False))


def refuse_if_used_up(setting: str, *ids: str) -> None:
    """TooManyRequests when the limit named by the setting (e.g. "10 per 15 minutes") is used
    up for these ids; counts nothing."""
    if not _enabled():
        return
    limit = parse(current_app.config[setting])
    if not _counters().run(lambda counter: counter.test(limit, setting, *ids)):
        raise _too_many(limit, setting, *ids)


def count(setting: str, *ids: str) -> None:
    """One more use of the limit named by the setting, for these ids."""
    if _enabled():
        limit = parse(current_app.config[setting])
        _counters().run(lambda counter: counter.hit(limit, setting, *ids))


def use(setting: str, *ids: str) -> None:
    """Count one use — one atomic increment, so uses that arrive together cannot all slip
    under the limit — or TooManyRequests when the limit was already used up."""
    if not _enabled():
        return
    limit = parse(current_app.config[setting])
    if not _counters().run(lambda counter: counter.hit(limit, setting, *ids)):
        raise _too_many(limit, setting, *ids)


def refund(setting: str, *ids: str) -> None:
    """Give back one use counted by ``use`` (an attempt that turned out not to count). Nothing
    is given back in a window that has since ended or holds no use, so a counter never drops
    below zero (which would hand out extra uses)."""
    if not _enabled():
        return
    limit = parse(current_app.config[setting])

    def give_back(counter):
        if counter.get_window_stats(limit, setting, *ids).remaining < limit.amount:
            counter.hit(limit, setting, *ids, cost=-1)

    _counters().run(give_back)


def _too_many(limit, *ids) -> TooManyRequests:
    reset_at, _remaining = _counters().run(lambda counter: counter.get_window_stats(limit, *ids))
    return TooManyRequests(_("Too many attempts. Wait a while, then try again."),
                           retry_after=math.ceil(reset_at - time.time()))


# -- limits declared on routes (Flask-Limiter, same storage) ------------------------------------

def _signed_in_user_key() -> str:
    from flask_login import current_user
    return f"user:{current_user.id}" if current_user.is_authenticated else client_address()


def _signed_in() -> bool:
    from flask_login import current_user
    return current_user.is_authenticated


def signup_limited(view):
    """New accounts per client address, shared by every sign-up route. Every attempt counts,
    not only the ones that create an account: "this email is taken" answers must not be free
    to ask for. A signed-in user (a buyer registering for another week) is not signing up."""
    from exhibit.extensions import limiter
    return limiter.shared_limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"], scope="sign-up",
                                methods=["POST"], exempt_when=_signed_in)(view)


def upload_limited(view):
    """Upload requests per signed-in user and per client address, shared by every upload route:
    decoding images is the most expensive thing a request can ask for."""
    from exhibit.extensions import limiter
    view = limiter.shared_limit(lambda: current_app.config["UPLOADS_PER_ADDRESS"],
                                scope="uploads-address", methods=["POST"])(view)
    return limiter.shared_limit(lambda: current_app.config["UPLOADS_PER_USER"],
                                scope="uploads-user", key_func=_signed_in_user_key,
                                methods=["POST"])(view)
