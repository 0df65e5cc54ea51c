"""Sign-up, sign-in, API tokens and organiser accounts."""
from __future__ import annotations

import hashlib
import secrets

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from exhibit.accounts.models import ApiToken, Role, User
from exhibit.businesses import services as business_services
from exhibit.core import audit
from exhibit.core.db import write_transaction
from exhibit.core.errors import Conflict, Unauthorized, ValidationFailed
from exhibit.extensions import db
from exhibit.vn.text import clean_text
from exhibit.weeks.models import Organizer

MIN_PASSWORD_LENGTH = 10
_COMMON_PASSWORDS = {"1234567890", "12345678910", "0123456789", "matkhau123", "password123",
                     "qwertyuiop", "abc1234567", "1qaz2wsx3edc", "iloveyou123", "admin12345"}


def login_rate_limit() -> str:
    """Sign-in attempts allowed per client address (HTML login and POST /api/v1/tokens)."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def normalize_email(raw: str | None) -> str:
    try:
        return validate_email(clean_text(raw), check_deliverability=False).normalized.lower()
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
                       business: dict) -> User:
    """Create an exhibitor user and its business in one transaction.

    Raises ValidationFailed (422) naming every bad field, or Conflict (409) when the email or the
    tax code is already registered.
    """
    email, cleaned = check_business_registration(email=email, password=password, business=business)
    with write_transaction():
        user = create_business_user(email=email, password=password, full_name=full_name,
                                    business=cleaned, role=Role.EXHIBITOR)
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
                         role: Role) -> User:
    """Inside the caller's write transaction: the business (cleaned) and its first user, an
    exhibitor or a buyer. Conflict when the email or the tax code is already registered."""
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


def add_business_member(*, actor: User, email: str, password: str, full_name: str) -> User:
    """An exhibitor adds a colleague who signs in for the same business."""
    return _add_user(actor=actor, email=email, password=password, full_name=full_name,
                     role=Role.EXHIBITOR, action="add_member", business_id=actor.business_id)


def _add_user(*, actor: User, email: str, password: str, full_name: str, role: Role,
              action: str, **links) -> User:
    """A new account created by ``actor``: email and password checked, audited."""
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
    return user


def authenticate(email: str, password: str) -> User:
    """The active user with these credentials, or Unauthorized (one message for every failure)."""
    user = db.session.scalar(
        select(User).where(User.email == clean_text(email).lower()))
    if user is None or not user.active or not check_password_hash(user.password_hash, password or ""):
        raise Unauthorized(_("Wrong email or password."), code="invalid_credentials")
    return user


def issue_api_token(user: User) -> str:
    """A new bearer token for the user; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    with write_transaction():
        db.session.add(ApiToken(user_id=user.id, token_hash=_token_hash(token)))
    return token


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(select(ApiToken).where(
        ApiToken.token_hash == _token_hash(token), ApiToken.revoked_at.is_(None)))
    if row is None or not row.user.active:
        return None
    return row.user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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
    email = normalize_email(email)
    if problem := password_problem(password or "", email):
        raise ValidationFailed(problem, fields={"password": problem})
    with write_transaction():
        if email_taken(email):
            raise Conflict(_("An account with this email already exists."), code="email_taken")
        organizer = ensure_organizer(organizer_name, organizer_short_name)
        user = User(email=email, password_hash=hash_password(password), full_name=full_name,
                    role=Role.ORGANISER.value, organizer_id=organizer.id)
        db.session.add(user)
    return user


def create_entrance_user(*, email: str, password: str, full_name: str = "",
                         organiser: User | None = None, organiser_email: str = "") -> User:
    """An entrance staff account for the organiser's body: it can check badges in, nothing
    else. ``organiser`` is the organiser creating it (or found by ``organiser_email``)."""
    if organiser is None:
        organiser = db.session.scalar(select(User).where(
            User.email == normalize_email(organiser_email), User.role == Role.ORGANISER.value))
        if organiser is None:
            raise ValidationFailed(_("No organiser has this email."),
                                   fields={"organizer_email": _("No organiser has this email.")})
    return _add_user(actor=organiser, email=email, password=password, full_name=full_name,
                     role=Role.ENTRANCE, action="create", organizer_id=organiser.organizer_id)


def set_locale(user: User, locale: str) -> None:
    with write_transaction():
        db.session.get(User, user.id).locale = locale


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id)))
