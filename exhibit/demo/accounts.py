"""Demo accounts and fictional tax codes, shared by every part of the demo (and by tests and
benchmarks that need valid tax codes no real business has)."""
from __future__ import annotations

from functools import cache

from sqlalchemy import select

from exhibit.accounts.models import User
from exhibit.accounts.services import hash_password
from exhibit.core.db import utcnow
from exhibit.extensions import db

DEMO_PASSWORD = "trienlam2024"
_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def fictional_tax_code(n: int) -> str:
    """A valid 10-digit code with the prefix 99, which no tax office uses; a different one for
    each n. Serial 2n is used unless its check digit would be 10; then 2n + 1 is, whose check
    digit is valid (one more in the last place adds 3 to the weighted sum)."""
    for serial in (1000 + 2 * n, 1001 + 2 * n):  # stdnum refuses an all-zero serial
        prefix = f"99{serial:07d}"
        remainder = sum(w * int(d) for w, d in zip(_WEIGHTS, prefix)) % 11
        if remainder:
            return prefix + str(10 - remainder)
    raise AssertionError("unreachable: two neighbouring serials cannot both be invalid")


@cache
def _demo_password_hash() -> str:
    return hash_password(DEMO_PASSWORD)  # one slow hash for every demo account


def demo_user(email, full_name, role, **links) -> User:
    """The demo account with this email, created (inside the caller's transaction) if missing;
    its fictional address counts as verified, as an operator's would."""
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, full_name=full_name, role=role.value,
                    password_hash=_demo_password_hash(), email_verified_at=utcnow(), **links)
        db.session.add(user)
        db.session.flush()
    return user
