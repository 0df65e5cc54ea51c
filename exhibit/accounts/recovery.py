"""Getting back into an account: a single-use link sent to the account's email.

A reset link works once, for RESET_LINK_LIFETIME, and a newer one replaces it. Asking for a
link says nothing about whether the email has an account (the answer and the work are the
same either way). Setting the password through the link ends every session and API token of
the account, like a password change.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from exhibit.accounts import services as accounts
from exhibit.accounts.links import LinkNotValid as LinkNotValid  # the services' refusal
from exhibit.accounts.links import issue_link, spend
from exhibit.accounts.models import User
from exhibit.core import audit, limits
from exhibit.core.db import utcnow, write_transaction
from exhibit.core.errors import ValidationFailed
from exhibit.core.events import announce, password_changed
from exhibit.extensions import db

RESET_LINK_LIFETIME = timedelta(hours=1)


def request_reset(email: str, *, client_address: str, now: datetime | None = None) -> None:
    """Send a reset link to ``email`` if an active account has it; silently nothing if not.
    Requests are limited per client address and per email (429 beyond), whatever the answer."""
    now = now or utcnow()
    address = accounts.normalize_email(email)
    if not address or "@" not in address:
        message = _("Enter the email address you sign in with.")
        raise ValidationFailed(message, fields={"email": message})
    limits.use("RESET_REQUESTS_PER_ADDRESS", "reset-address", client_address)
    limits.use("RESET_REQUESTS_PER_EMAIL", "reset-email", address)
    with write_transaction():
        user = db.session.scalar(select(User).where(User.email == address, User.active.is_(True)))
        if user is None:
            return
        issue_link(user, "reset", RESET_LINK_LIFETIME, now=now)


def reset_password(token: str, password: str, now: datetime | None = None) -> User:
    """Set the password through a reset link; the link is spent, every session and token of
    the account ends."""
    now = now or utcnow()
    with write_transaction():
        user = spend(token, "reset", now).user
        if problem := accounts.password_problem(password or "", user.email):
            raise ValidationFailed(problem, fields={"password": problem})
        user.password_hash = accounts.hash_password(password)
        if user.email_verified_at is None:
            user.email_verified_at = now  # the link reached the address
        accounts.end_every_session(user.id)
        audit.record("user", user.id, "reset_password", actor=user, business_id=user.business_id)
        announce(password_changed, user_id=user.id, how="reset")
    return user
