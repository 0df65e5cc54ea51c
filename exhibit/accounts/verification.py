"""Confirming an email address: every account made through the site or the API starts
unverified and is sent a link; opening it (and pressing the button: a GET never writes) marks
the address verified.

An unverified account may sign in and use the site; each page reminds it, and it may ask for
the link again (VERIFY_RESENDS_PER_USER). A link works once, for VERIFY_LINK_LIFETIME; a newer
one — asked for again, or sent to a changed address — replaces it, so a link only ever
confirms the address it was sent to.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _

from exhibit.accounts.links import issue_link, spend
from exhibit.accounts.models import User
from exhibit.core import audit, limits
from exhibit.core.db import utcnow, write_transaction
from exhibit.core.errors import Conflict
from exhibit.extensions import db

VERIFY_LINK_LIFETIME = timedelta(days=7)


def send_link(user: User, *, now: datetime | None = None) -> str:
    """A new confirmation link to the user's address (inside the caller's write transaction;
    the email goes out after it commits); its token."""
    return issue_link(user, "verify", VERIFY_LINK_LIFETIME, now=now or utcnow())


def send_again(user: User, *, now: datetime | None = None) -> None:
    """The user asks for the link again: refused once verified; limited per account. (Account
    links go by email even when the person turned email messages off.)"""
    if user.email_verified_at is not None:
        raise Conflict(_("Your email address is already confirmed."), code="already_verified")
    limits.use("VERIFY_RESENDS_PER_USER", "verify-resend", str(user.id), user.email)
    with write_transaction():
        send_link(db.session.get(User, user.id), now=now)


def verify(token: str, *, now: datetime | None = None) -> User:
    """Confirm the address through a link: the link is spent, the account verified."""
    now = now or utcnow()
    with write_transaction():
        user = spend(token, "verify", now).user
        if user.email_verified_at is None:
            user.email_verified_at = now
            audit.record("user", user.id, "verify_email", actor=user,
                         business_id=user.business_id, after={"email": user.email})
    return user
