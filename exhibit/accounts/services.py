"""Accounts: sign-up, sign-in, browser sessions, API tokens, passwords, the person's own profile
(name, email, phone, language, message channels), organisers and their entrance staff.

Who vouches for an email address: an account made through the site or the API (a sign-up, a
buyer's registration) starts unverified and is sent a confirmation link (``verification``); one
made by the operator at the command line, by the demo, or by a test's builder
(``verified=True``) counts as verified. A team member or entrance staff invited by link
(``invitations``) is verified when they accept, since the link reached them."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from exhibit.accounts import verification
from exhibit.accounts.links import digest
from exhibit.accounts.models import NO_PASSWORD_YET, AccountLink, ApiToken, Role, User, UserSession
from exhibit.businesses import services as business_services
from exhibit.core import audit, limits
from exhibit.core.db import lock_row, utcnow, write_transaction
from exhibit.core.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from exhibit.core.events import announce, password_changed
from exhibit.core.languages import LANGUAGES
from exhibit.extensions import db
from exhibit.vn import phones
from exhibit.vn.text import clean_text
from exhibit.weeks.models import Organizer

MIN_PASSWORD_LENGTH = 10
_COMMON_PASSWORDS = {"1234567890", "12345678910", "0123456789", "matkhau123", "password123",
                     "qwertyuiop", "abc1234567", "1qaz2wsx3edc", "iloveyou123", "admin12345"}


def business_people(business_id: int) -> list[User]:
    """The active accounts that sign in for a business (invitations not yet accepted and
    disabled accounts aside), oldest first: its team page, and whom its messages reach."""
    return list(db.session.scalars(
        select(User).where(User.business_id == business_id, User.active.is_(True))
        .order_by(User.id)))


def normalize_email(raw: str | None) -> str:
    """The address as stored, lower-cased. Accents before the @ ("hoà@…", easy to type with a
    Vietnamese keyboard) are refused: most mail servers cannot deliver to them (no SMTPUTF8)."""
    text = clean_text(raw)
    if not text.split("@", 1)[0].isascii():
        message = _("Type the email address without accents (e.g. hoa@gmail.com, not hoà@gmail.com).")
        raise ValidationFailed(message, fields={"email": message})
    try:
        return validate_email(text, check_deliverability=False,
                              allow_smtputf8=False).normalized.lower()
    except EmailNotValidError:
        raise ValidationFailed(_("Enter a valid email address."),
                               fields={"email": _("Enter a valid email address.")}) from None


def password_problem(password: str, email: str = "") -> str | None:
    """Why a password is refused, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        return _("Use both letters and digits.")
    local = email.split("@")[0].lower()
    if password.lower() in _COMMON_PASSWORDS or (len(local) >= 4 and local in password.lower()):
        return _("This password is too easy to guess.")
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config.get(
        "PASSWORD_HASH_METHOD", "scrypt"))


def email_taken(email: str) -> bool:
    return db.session.scalar(select(User.id).where(User.email == email)) is not None


def register_exhibitor(*, email: str, password: str, full_name: str = "",
                       business: dict, verified: bool = False) -> User:
    """Create an exhibitor user and its business in one transaction; the email confirmation
    link goes out after it commits (none when ``verified``: see the module's docstring).

    Raises ValidationFailed (422) naming every bad field, or Conflict (409) when the email or the
    tax code is already registered.
    """
    email, cleaned = check_business_registration(email=email, password=password, business=business)
    with write_transaction():
        user = create_business_user(email=email, password=password, full_name=full_name,
                                    business=cleaned, role=Role.EXHIBITOR, verified=verified)
    return user


def check_business_registration(*, email: str, password: str, business: dict,
                                errors: dict | None = None) -> tuple[str, dict]:
    """Validate a new account and its business: the normalised email and the cleaned business,
    or ValidationFailed naming "email", "password" and "business.<field>" (together with any
    ``errors`` the caller found in its own fields)."""
    errors = dict(errors or {})
    cleaned: dict = {}
    try:
        email = normalize_email(email)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if problem := password_problem(password or "", email or ""):
        errors["password"] = problem
    try:
        cleaned = business_services.clean_business_data(business or {})
    except ValidationFailed as exc:
        errors.update({f"business.{k}": v for k, v in exc.fields.items()})
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)
    return email, cleaned


def create_business_user(*, email: str, password: str, full_name: str, business: dict,
                         role: Role, verified: bool = False) -> User:
    """Inside the caller's write transaction: the business (cleaned) and its first user, an
    exhibitor or a buyer, sent an email confirmation link unless ``verified``. Conflict when
    the email or the tax code is already registered."""
    user = _new_business_user(email=email, password=password, full_name=full_name,
                              business=business, role=role)
    _start_unverified_or_vouched(user, verified)
    return user


def _new_business_user(*, email: str, password: str, full_name: str, business: dict,
                       role: Role) -> User:
    if email_taken(email):
        raise Conflict(_("An account with this email already exists; sign in instead."),
                       code="email_taken", fields={"email": _("Already registered.")})
    if business_services.tax_code_taken(business["tax_code"]):
        raise Conflict(
            _("This tax code is already registered. Ask a colleague to add you to the business."),
            code="tax_code_taken", fields={"business.tax_code": _("Already registered.")})
    company = business_services.new_business(business)
    user = User(email=email, password_hash=hash_password(password),
                full_name=clean_text(full_name) or business["representative"],
                role=role.value, business=company)
    db.session.add(user)
    db.session.flush()
    audit.record("business", company.id, "register", actor=user, business_id=company.id,
                 after={"name": company.name, "tax_code": company.tax_code, "user": email,
                        "role": role.value})
    return user


def _start_unverified_or_vouched(user: User, verified: bool) -> None:
    """A new account: verified now when vouched for, else sent a confirmation link."""
    if verified:
        user.email_verified_at = utcnow()
    else:
        verification.send_link(user)


def add_business_member(*, actor: User, email: str, password: str, full_name: str,
                        verified: bool = False) -> User:
    """A colleague who signs in for the actor's business, with a password known beforehand —
    for the demo and for tests. People invite colleagues by link (``invitations``), so that
    nobody types another person's password."""
    return _add_user(actor=actor, email=email, password=password, full_name=full_name,
                     role=Role.EXHIBITOR, action="add_member", verified=verified,
                     business_id=actor.business_id)


def _add_user(*, actor: User, email: str, password: str, full_name: str, role: Role,
              action: str, verified: bool = False, **links) -> User:
    """A new account created by ``actor``: email and password checked, audited, sent a
    confirmation link unless ``verified``."""
    email = normalize_email(email)
    if problem := password_problem(password or "", email):
        raise ValidationFailed(problem, fields={"password": problem})
    with write_transaction():
        if email_taken(email):
            raise Conflict(_("An account with this email already exists."), code="email_taken",
                           fields={"email": _("Already registered.")})
        user = User(email=email, password_hash=hash_password(password),
                    full_name=clean_text(full_name), role=role.value, **links)
        db.session.add(user)
        db.session.flush()
        audit.record("user", user.id, action, actor=actor, business_id=links.get("business_id"),
                     after={"email": email, "role": role.value})
        _start_unverified_or_vouched(user, verified)
    return user


# -- signing in ---------------------------------------------------------------------------------

def sign_in(email: str, password: str, *, client_address: str) -> User:
    """The active user with these credentials, for the HTML form and the API alike.

    Failed attempts are counted per account and per client address in the shared counters
    (core.limits); once either is used up, TooManyRequests (429) answers every attempt — right
    password or not — until the window ends. Each attempt is counted before the password is
    checked (one atomic increment), so guesses sent all at once cannot slip past the limit; a
    successful one is given back. Unauthorized carries one message for every kind of failure."""
    account = clean_text(email).lower()[:254]
    limits.use("LOGIN_FAILURES_PER_ACCOUNT", account)
    try:
        limits.use("LOGIN_FAILURES_PER_ADDRESS", client_address)
    except limits.TooManyRequests:
        limits.refund("LOGIN_FAILURES_PER_ACCOUNT", account)
        raise
    user = authenticate(email, password)  # Unauthorized: the attempt stays counted
    limits.refund("LOGIN_FAILURES_PER_ACCOUNT", account)
    limits.refund("LOGIN_FAILURES_PER_ADDRESS", client_address)
    return user


def authenticate(email: str, password: str) -> User:
    """The active user with these credentials, or Unauthorized (one message for every failure).
    An unknown email costs the same password check as a known one, so the answer's timing does
    not tell which emails have accounts."""
    user = db.session.scalar(
        select(User).where(User.email == clean_text(email).lower()))
    stored = user.password_hash if user is not None else _unknown_account_hash()
    matches = check_password_hash(stored, password or "")
    if user is None or not user.active or not matches:
        raise Unauthorized(_("Wrong email or password."), code="invalid_credentials")
    return user


def _unknown_account_hash() -> str:
    """A hash made with the configured method (so checking it costs what a real one does)."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in _UNKNOWN_ACCOUNT_HASHES:
        _UNKNOWN_ACCOUNT_HASHES[method] = generate_password_hash(secrets.token_hex(16), method=method)
    return _UNKNOWN_ACCOUNT_HASHES[method]


_UNKNOWN_ACCOUNT_HASHES: dict[str, str] = {}


# -- browser sessions ----------------------------------------------------------------------------

def start_session(user: User, *, user_agent: str = "", client_address: str = "") -> str:
    """A new signed-in session for the user; returns the key the browser keeps (only its
    SHA-256 is stored). The user's expired sessions are forgotten at the same time."""
    key = secrets.token_urlsafe(32)
    now = utcnow()
    with write_transaction():
        db.session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                                     UserSession.expires_at <= now))
        db.session.add(UserSession(
            user_id=user.id, key_hash=digest(key), created_at=now,
            expires_at=now + timedelta(days=current_app.config["SESSION_DAYS"]),
            user_agent=(user_agent or "")[:200], client_address=(client_address or "")[:45]))
    return key


def user_for_session(user_id: int, key: str | None) -> User | None:
    """The active user whose live session has this key; None ends the browser's sign-in."""
    if not key:
        return None
    return db.session.scalar(
        select(User).join(UserSession, UserSession.user_id == User.id)
        .where(User.id == user_id, User.active.is_(True), UserSession.key_hash == digest(key),
               UserSession.expires_at > utcnow()))


def end_session(key: str | None) -> None:
    """Sign a browser out: its session row goes, so any copy of its cookie stops working."""
    if key:
        with write_transaction():
            db.session.execute(delete(UserSession).where(UserSession.key_hash == digest(key)))


def live_sessions(user: User) -> list[UserSession]:
    return db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id,
                                  UserSession.expires_at > utcnow())
        .order_by(UserSession.created_at.desc())).all()


def is_session_key(row: UserSession, key: str | None) -> bool:
    return bool(key) and row.key_hash == digest(key)


def end_own_session(user: User, session_id: int) -> None:
    """The user signs out one of their own sessions (NotFound for anyone else's)."""
    with write_transaction():
        deleted = db.session.execute(delete(UserSession).where(
            UserSession.id == session_id, UserSession.user_id == user.id)).rowcount
    if not deleted:
        raise NotFound(_("There is no such session."))


def end_other_sessions(user: User, keep_key: str | None) -> int:
    """Sign the user out everywhere but the browser holding ``keep_key``."""
    with write_transaction():
        return _end_sessions(user.id, keep_key)


def _end_sessions(user_id: int, keep_key: str | None = None) -> int:
    query = delete(UserSession).where(UserSession.user_id == user_id)
    if keep_key:
        query = query.where(UserSession.key_hash != digest(keep_key))
    return db.session.execute(query).rowcount


# -- API tokens ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class IssuedToken:
    #: the bearer token itself, shown once
    value: str
    expires_at: datetime


def issue_api_token(user: User, label: str = "") -> IssuedToken:
    """A new bearer token for the user, valid API_TOKEN_DAYS; only its hash is stored."""
    with write_transaction():
        return _add_token(user.id, label)


def register_exhibitor_with_token(*, email: str, password: str, full_name: str = "",
                                  business: dict, label: str = "") -> tuple[User, IssuedToken]:
    """Sign-up over the API: the account, its business and its first token in one unit of
    work, so an answer is never lost between the account and its token."""
    email, cleaned = check_business_registration(email=email, password=password, business=business)
    with write_transaction():
        user = _new_business_user(email=email, password=password, full_name=full_name,
                                  business=cleaned, role=Role.EXHIBITOR)
        token = _add_token(user.id, label)
        _start_unverified_or_vouched(user, verified=False)  # announced last, like every change
        return user, token


def _add_token(user_id: int, label: str) -> IssuedToken:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    expires_at = now + timedelta(days=current_app.config["API_TOKEN_DAYS"])
    db.session.add(ApiToken(user_id=user_id, token_hash=digest(token), created_at=now,
                            expires_at=expires_at, label=(label or "")[:200]))
    return IssuedToken(token, expires_at)


def live_token(token: str) -> ApiToken | None:
    """The token's row while it works: not revoked, not expired, its user active."""
    if not token:
        return None
    row = db.session.scalar(select(ApiToken).where(
        ApiToken.token_hash == digest(token), ApiToken.revoked_at.is_(None),
        ApiToken.expires_at > utcnow()))
    if row is None or not row.user.active:
        return None
    return row


def live_tokens(user: User) -> list[ApiToken]:
    return db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None),
                               ApiToken.expires_at > utcnow())
        .order_by(ApiToken.created_at.desc())).all()


def revoke_token(user: User, token_id: int) -> None:
    """The user revokes one of their own tokens (NotFound for anyone else's)."""
    with write_transaction():
        revoked = db.session.execute(
            update(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id,
                                   ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())).rowcount
    if not revoked:
        raise NotFound(_("There is no such token."))


def _revoke_tokens(user_id: int) -> None:
    db.session.execute(update(ApiToken).where(ApiToken.user_id == user_id,
                                              ApiToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))


# -- passwords and disabled accounts -------------------------------------------------------------

def change_password(user: User, *, current: str, new: str, client_address: str) -> None:
    """The user sets a new password. Every session (this browser's too: the caller signs it in
    afresh, with a new key) and every API token of the user ends. A wrong current password
    counts as a failed sign-in, like one at the sign-in form."""
    if problem := password_problem(new or "", user.email):
        raise ValidationFailed(problem, fields={"new_password": problem})
    try:
        sign_in(user.email, current, client_address=client_address)
    except Unauthorized:
        message = _("This is not your current password.")
        raise ValidationFailed(message, fields={"current_password": message}) from None
    with write_transaction():
        row = db.session.get(User, user.id)
        row.password_hash = hash_password(new)
        end_every_session(user.id)
        audit.record("user", user.id, "change_password", actor=user,
                     business_id=user.business_id)
        announce(password_changed, user_id=user.id, how="changed")


# -- the person's own profile -------------------------------------------------------------------

#: the User columns that say which channels may carry the person's messages
CHANNEL_FIELDS = ("messages_by_zalo", "messages_by_sms", "messages_by_email")


def clean_profile(data: dict) -> dict:
    """The account page's profile values (name, own mobile, language, channels), cleaned, or
    ValidationFailed naming each bad field. An empty phone means "use the business's"."""
    errors: dict[str, str] = {}
    values: dict = {"full_name": clean_text(data.get("full_name"))[:200]}
    if not values["full_name"]:
        errors["full_name"] = _("Enter your name.")
    raw_phone = clean_text(data.get("phone"))
    values["phone"] = ""
    if raw_phone:
        try:
            values["phone"] = phones.normalize_mobile(raw_phone)
        except phones.InvalidPhone:
            errors["phone"] = _("Enter a Vietnamese mobile number, e.g. 0912 345 678.")
    values["locale"] = data.get("locale") or ""
    if values["locale"] not in LANGUAGES:
        errors["locale"] = _("Choose Tiếng Việt or English.")
    for name in CHANNEL_FIELDS:
        values[name] = bool(data.get(name))
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    return values


def update_profile(user: User, data: dict) -> dict:
    """The person edits their own profile; the fields that changed, with their old values
    (audited with the new ones). Nothing changes when any field is refused."""
    values = clean_profile(data)
    with write_transaction():
        row = lock_row(User, user.id)
        before = {name: getattr(row, name) for name, value in values.items()
                  if getattr(row, name) != value}
        if before:
            for name in before:
                setattr(row, name, values[name])
            audit.record("user", row.id, "edit_profile", actor=row, business_id=row.business_id,
                         before=before, after={name: values[name] for name in before})
    return before


def change_email(user: User, *, new_email: str, password: str, client_address: str) -> None:
    """The person moves their account to another address, confirming with their password (a
    wrong one counts as a failed sign-in). The new address signs in at once but is unverified
    until the link sent to it is opened; links sent to the old address stop working."""
    try:
        address = normalize_email(new_email)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, fields={"new_email": exc.message}) from None
    if address == user.email:
        message = _("This is already your address.")
        raise ValidationFailed(message, fields={"new_email": message})
    try:
        sign_in(user.email, password, client_address=client_address)
    except Unauthorized:
        message = _("This is not your current password.")
        raise ValidationFailed(message, fields={"email_password": message}) from None
    now = utcnow()
    with write_transaction():
        if email_taken(address):
            raise Conflict(_("An account with this email already exists."), code="email_taken",
                           fields={"new_email": _("Already registered.")})
        row = lock_row(User, user.id)
        before = {"email": row.email, "verified": row.email_verified_at is not None}
        row.email, row.email_verified_at = address, None
        # a reset link still on its way to the old address must not open the account
        db.session.execute(update(AccountLink).where(
            AccountLink.user_id == row.id, AccountLink.used_at.is_(None))
            .values(used_at=now))
        audit.record("user", row.id, "change_email", actor=row, business_id=row.business_id,
                     before=before, after={"email": address, "verified": False})
        verification.send_link(row, now=now)


def end_every_session(user_id: int) -> None:
    """Every browser session and API token of the user ends (in the caller's transaction)."""
    _end_sessions(user_id)
    _revoke_tokens(user_id)


def organisation_users(actor: User) -> list[User]:
    """The organiser's colleagues: organisers and entrance staff of the same body (invitations
    not yet accepted aside: ``invitations.pending_staff``)."""
    _require_organiser(actor)
    return db.session.scalars(select(User).where(
        User.organizer_id == actor.organizer_id,
        ~(User.active.is_(False) & (User.password_hash == NO_PASSWORD_YET)))
        .order_by(User.role.desc(), User.email)).all()


def set_user_active(*, actor: User, user_id: int, active: bool) -> User:
    """An organiser disables (or enables again) an account of their own body. Disabling ends
    the account's sessions and API tokens at once."""
    _require_organiser(actor)
    with write_transaction():
        user = lock_row(User, user_id)
        if user is None or user.organizer_id != actor.organizer_id:
            raise NotFound(_("There is no such account in your organisation."))
        if user.id == actor.id:
            raise Conflict(_("You cannot disable your own account."), code="own_account")
        if user.is_invitation:  # its invitee has not chosen a password: nothing to enable
            raise NotFound(_("There is no such account in your organisation."))
        if user.active != active:
            user.active = active
            if not active:
                _end_sessions(user.id)
                _revoke_tokens(user.id)
            audit.record("user", user.id, "enable" if active else "disable", actor=actor,
                         after={"email": user.email, "active": active})
    return user


def _require_organiser(actor: User | None) -> None:
    if actor is None or not actor.is_organiser or actor.organizer_id is None:
        raise Forbidden(_("Only organisers can do this."))


def ensure_organizer(name: str, short_name: str, **details) -> Organizer:
    """The organising body with this name, created if missing (caller owns the transaction)."""
    organizer = db.session.scalar(select(Organizer).where(Organizer.name == name))
    if organizer is None:
        organizer = Organizer(name=name, short_name=short_name, **details)
        db.session.add(organizer)
        db.session.flush()
    return organizer


def create_organiser_user(*, email: str, password: str, organizer_name: str,
                          organizer_short_name: str, full_name: str = "") -> User:
    """An organiser, made by the operator at the command line: its address counts as
    verified."""
    email = normalize_email(email)
    if problem := password_problem(password or "", email):
        raise ValidationFailed(problem, fields={"password": problem})
    with write_transaction():
        if email_taken(email):
            raise Conflict(_("An account with this email already exists."), code="email_taken")
        organizer = ensure_organizer(organizer_name, organizer_short_name)
        user = User(email=email, password_hash=hash_password(password), full_name=full_name,
                    role=Role.ORGANISER.value, organizer_id=organizer.id,
                    email_verified_at=utcnow())
        db.session.add(user)
    return user


def create_entrance_user(*, email: str, password: str, full_name: str = "",
                         organiser: User | None = None, organiser_email: str = "",
                         verified: bool = False) -> User:
    """An entrance staff account for the organiser's body, with a password known beforehand: it
    can check badges in, nothing else. For the operator at the command line (``verified``; the
    organiser is found by ``organiser_email``) and for tests, which may pass ``organiser`` and
    then get a confirmation link unless ``verified``. Organisers invite entrance staff by link
    (``invitations.invite_entrance_staff``), so that nobody types another person's password."""
    if organiser is None:
        organiser = db.session.scalar(select(User).where(
            User.email == normalize_email(organiser_email), User.role == Role.ORGANISER.value))
        if organiser is None:
            raise ValidationFailed(_("No organiser has this email."),
                                   fields={"organizer_email": _("No organiser has this email.")})
    return _add_user(actor=organiser, email=email, password=password, full_name=full_name,
                     role=Role.ENTRANCE, action="create", verified=verified,
                     organizer_id=organiser.organizer_id)


def set_locale(user: User, locale: str) -> None:
    with write_transaction():
        db.session.get(User, user.id).locale = locale


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id)))
