"""Single-use links sent to someone's email — confirm the address, reset a forgotten password,
accept a team invitation: issued, looked up, and refused once spent, replaced or expired.

Only the SHA-256 of a link's token is stored. A newer link of the same purpose replaces the
older ones; a link is spent by the service that acts on it (``used_at``)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from exhibit.accounts.models import AccountLink
from exhibit.core.db import lock_row, require_write_transaction, utcnow
from exhibit.core.errors import NotFound
from exhibit.core.events import account_link_issued, announce
from exhibit.extensions import db


class LinkNotValid(NotFound):
    code = "link_not_valid"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_link(user, purpose: str, lifetime: timedelta, *, now: datetime) -> str:
    """A new link of ``purpose`` for ``user`` (older unused ones stop working); its token.
    Inside the caller's write transaction; the message goes out after it commits."""
    db.session.execute(update(AccountLink).where(
        AccountLink.user_id == user.id, AccountLink.purpose == purpose,
        AccountLink.used_at.is_(None)).values(used_at=now))
    token = secrets.token_urlsafe(32)
    db.session.add(AccountLink(user_id=user.id, purpose=purpose, token_hash=digest(token),
                               created_at=now, expires_at=now + lifetime))
    announce(account_link_issued, user_id=user.id, purpose=purpose, token=token,
             expires_at=now + lifetime)
    return token


def live_link(token: str, purpose: str, now: datetime | None = None, *,
              active_account: bool = True) -> AccountLink:
    """The unused, unexpired link of ``purpose`` with this token, else LinkNotValid. The
    account must be active unless ``active_account`` is False (an invitation's account waits,
    inactive, until the invitee accepts it)."""
    now = now or utcnow()
    link = db.session.scalar(select(AccountLink).where(
        AccountLink.token_hash == digest(token or ""), AccountLink.purpose == purpose))
    if link is None or link.used_at is not None or link.expires_at <= now \
            or (active_account and not link.user.active):
        raise LinkNotValid(_("This link is no longer valid: it was used, replaced by a newer "
                             "one, or it expired. Ask for a new one."))
    return link


def spend(token: str, purpose: str, now: datetime, *, active_account: bool = True) -> AccountLink:
    """Use the link once, inside the caller's write transaction: locked, checked again (a
    simultaneous use of the same link finds it spent), and marked used. What the caller does
    with it commits, or rolls back, with the spending."""
    require_write_transaction("spend an account link")
    lock_row(AccountLink, live_link(token, purpose, now, active_account=active_account).id)
    link = live_link(token, purpose, now, active_account=active_account)
    link.used_at = now
    return link
