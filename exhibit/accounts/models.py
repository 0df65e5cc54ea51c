"""People who sign in, and the API tokens they hold."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exhibit.core import history
from exhibit.core.db import UTCDateTime, utcnow
from exhibit.extensions import db


class Role(str, enum.Enum):
    ORGANISER = "organiser"
    EXHIBITOR = "exhibitor"
    BUYER = "buyer"
    #: entrance staff: checks badges in at the gate for their organising body's weeks
    ENTRANCE = "entrance"
    #: a delegation's coordinator: invited by an organiser to assign the booths of one cluster
    #: (floorplan.clusters) to the delegation's businesses, and nothing else
    COORDINATOR = "coordinator"

    @property
    def title(self) -> str:
        return str(ROLE_TITLES[self])


ROLE_TITLES = {Role.ORGANISER: _l("Organiser"), Role.EXHIBITOR: _l("Exhibitor"),
               Role.BUYER: _l("Buyer"), Role.ENTRANCE: _l("Entrance staff"),
               Role.COORDINATOR: _l("Delegation coordinator")}


#: the password hash of an account that waits for its invitee (``invitations``): not a hash at
#: all, so no password matches it
NO_PASSWORD_YET = "!invited"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('organiser', 'exhibitor', 'buyer', 'entrance', 'coordinator')",
                        name="role"),
        CheckConstraint("role != 'exhibitor' OR business_id IS NOT NULL", name="exhibitor_business"),
        CheckConstraint("role != 'organiser' OR organizer_id IS NOT NULL", name="organiser_org"),
        CheckConstraint("role != 'entrance' OR organizer_id IS NOT NULL", name="entrance_org"),
        CheckConstraint("role != 'coordinator' OR organizer_id IS NOT NULL",
                        name="coordinator_org"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stored lower-cased; the sign-in name
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    #: the business an exhibitor (or buyer) acts for; a business may have several users
    business_id: Mapped[int | None] = mapped_column(
        ForeignKey("businesses.id", ondelete="RESTRICT"), index=True)
    #: the organising body an organiser works for (e.g. ITPC)
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizers.id", ondelete="RESTRICT"), index=True)
    #: interface language chosen by the user ("vi" or "en"); None means the default
    locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: the person's own mobile, E.164 ("+84912345678"), for Zalo and SMS; "" means the
    #: business's phone is used for an exhibitor or buyer
    phone: Mapped[str] = mapped_column(String(20), default="", server_default="")
    #: when the person opened the link sent to their email; None: not verified yet
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: which channels may carry this person's messages (every message is transactional)
    messages_by_zalo: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    messages_by_sms: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    messages_by_email: Mapped[bool] = mapped_column(default=True, server_default=sa_true())

    business = relationship("Business", back_populates="users")
    organizer = relationship("Organizer")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def role_title(self) -> str:
        return Role(self.role).title

    @property
    def is_organiser(self) -> bool:
        return self.role == Role.ORGANISER.value

    @property
    def is_exhibitor(self) -> bool:
        return self.role == Role.EXHIBITOR.value

    @property
    def is_entrance(self) -> bool:
        return self.role == Role.ENTRANCE.value

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR.value

    @property
    def is_invitation(self) -> bool:
        """Invited and not joined yet (``invitations``): the account waits for its invitee."""
        return not self.active and self.password_hash == NO_PASSWORD_YET


class ApiToken(db.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; it ends when it expires,
    when its owner revokes it, changes the password, or is disabled."""
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: API_TOKEN_DAYS after creation
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: what asked for it (the client's User-Agent), to tell tokens apart on the account page
    label: Mapped[str] = mapped_column(String(200), default="")

    user = relationship("User", lazy="joined")


class UserSession(db.Model):
    """A signed-in browser. The session cookie carries a random key whose SHA-256 is stored
    here; a request whose key has no row here is anonymous. So signing out, a password change
    or an organiser disabling the account ends the session on the server, whatever copy of the
    cookie someone kept."""
    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: SESSION_DAYS after signing in, however active the session is
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: the browser and the client address at sign-in, shown on the account page
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    client_address: Mapped[str] = mapped_column(String(45), default="")


class AccountLink(db.Model):
    """A single-use link sent to someone's email: verify the address, reset a forgotten
    password, or accept a team invitation. Only the SHA-256 of the link's token is stored, so
    the table cannot be read back into working links."""
    __tablename__ = "account_links"
    __table_args__ = (
        CheckConstraint("purpose IN ('verify', 'reset', 'invite')", name="purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: set when the link is used (or replaced by a newer one): it never works twice
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User")


# the audit history shows these fields by their titles (core/history.py)
history.register_titles("business", "role", Role)
history.register_titles("user", "role", Role)
