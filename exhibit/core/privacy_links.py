"""The signed link to a person's privacy page (privacy/page_views.py), here in the shared layer
because messages build it (messaging) while the privacy feature, which serves the page, itself
sends messages: neither may import the other.

The link carries the organiser and the person's phone and/or email, signed with the app's secret
key and a salt of its own (itsdangerous): it cannot be made for another person, and a changed one
is refused. It does not expire — it sits in messages sent months before — and is short enough
for an SMS (no timestamp, a compact JSON list)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from exhibit.core.links import public_url

SALT = "exhibit.privacy-page"


@dataclass(frozen=True)
class Subject:
    """Whom a privacy link is about: at one organiser, by phone (E.164) and/or email."""
    organizer_id: int
    phone: str = ""
    email: str = ""


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def privacy_token(organizer_id: int, *, phone: str = "", email: str = "") -> str:
    return _serializer().dumps([int(organizer_id), (phone or "").strip(),
                                (email or "").strip().lower()])


def privacy_link(organizer_id: int, *, phone: str = "", email: str = "") -> str:
    """The absolute URL of the person's privacy page, "" without a phone or an email (nothing
    could be found for nobody)."""
    if not organizer_id or not ((phone or "").strip() or (email or "").strip()):
        return ""
    return public_url("privacy.page", token=privacy_token(organizer_id, phone=phone, email=email))


def read_token(token: str) -> Subject | None:
    """The subject a token names, or None for anything this app did not sign."""
    if not token or len(token) > 600:
        return None
    try:
        found = _serializer().loads(token)
    except BadSignature:
        return None
    if not (isinstance(found, list) and len(found) == 3 and type(found[0]) is int
            and isinstance(found[1], str) and isinstance(found[2], str)
            and (found[1] or found[2])):
        return None
    return Subject(organizer_id=found[0], phone=found[1], email=found[2])
