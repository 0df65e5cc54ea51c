"""The token that protects a booth page's forms (save a product, leave a contact, change the
language) from cross-site requests, derived from the visitor's own cookie instead of a session.

Elsewhere exhibit uses Flask-WTF's token, which lives in the signed session cookie: every page
that shows a form starts a session. The booth page is opened by every QR scan of a fair; giving
each new phone a session only for its forms' token made every visit pay for signing, sending and
then reading back a session cookie, and kept it from the pages served before the app
(visitors/front_door.py). So the booth page's forms carry an HMAC of the visitor cookie ``vk``
under the app's secret key (the "signed double submit" pattern): a page on another site can make
the browser send ``vk`` but can neither read it nor compute its HMAC, which is what a
cross-site request would need. ``vk`` itself is random per phone, HttpOnly and SameSite=Lax.
"""
from __future__ import annotations

import hashlib
import hmac

from flask import abort, current_app, request

#: the visitor's anonymous id: random, one per phone, kept a year
VISITOR_COOKIE = "vk"
VISITOR_COOKIE_SECONDS = 365 * 24 * 3600
#: "1" once this phone has saved a product, "0" when it is known to have none: the booth page
#: looks up saved products only for "1" or unknown (the list itself is keyed by ``vk``, so
#: it can only have been filled by a response that set this)
SAVED_COOKIE = "vs"
_PURPOSE = b"exhibit booth-page forms\x00"


def valid_key(key: str) -> bool:
    """True for a visitor id this app could have given (anything else gets a new one)."""
    return 16 <= len(key) <= 32 and key.replace("-", "").replace("_", "").isalnum()


def token_for(visitor_key: str, secret_key: str | bytes | None = None) -> str:
    """The form token of the phone whose ``vk`` cookie is ``visitor_key``."""
    secret = secret_key if secret_key is not None else current_app.config["SECRET_KEY"]
    if isinstance(secret, str):
        secret = secret.encode()
    return hmac.new(secret, _PURPOSE + visitor_key.encode(), hashlib.sha256).hexdigest()[:40]


def check() -> None:
    """Refuse (400) a booth-page form whose token is not this phone's (unless CSRF checks are
    off, as for Flask-WTF's own token: ``WTF_CSRF_ENABLED``)."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    key = request.cookies.get(VISITOR_COOKIE, "")
    sent = request.form.get("csrf_token", "")
    if not key or not sent or not hmac.compare_digest(sent.encode(), token_for(key).encode()):
        abort(400)  # as Flask-WTF answers a missing or wrong token elsewhere
