"""Signing a browser in and out: Flask-Login's cookie plus the server-side session row.

The cookie holds the session key; ``load_user`` (Flask-Login's user loader) accepts the cookie
only while the key's row exists, so a cookie saved before signing out is worth nothing after.
"""
from __future__ import annotations

from flask import request, session
from flask_login import login_user, logout_user

from exhibit.accounts import services
from exhibit.core.limits import client_address

_KEY = "session_key"


def sign_in(user) -> None:
    """A new server-side session for the user in this browser. Whoever was signed in here
    before is signed out on the server too (a shared booth laptop keeps no live session of
    the previous person)."""
    services.end_session(session.get(_KEY))
    key = services.start_session(user, user_agent=request.user_agent.string,
                                 client_address=client_address())
    locale = session.get("locale")
    session.clear()  # nothing from before signing in carries over (session fixation)
    if locale:
        session["locale"] = locale
    login_user(user)
    session[_KEY] = key


def sign_out() -> None:
    services.end_session(session.pop(_KEY, None))
    logout_user()


def current_key() -> str | None:
    return session.get(_KEY)


def load_user(user_id: str):
    if not user_id.isdigit():
        return None
    return services.user_for_session(int(user_id), session.get(_KEY))
