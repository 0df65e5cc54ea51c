"""Invitations by link: an exhibitor invites a colleague by email, an organiser invites entrance
staff of its organising body; the invitee opens the link, chooses their own password and is
signed in — for the business, or at the gates of the body's weeks. Nobody types another
person's password.

An invitation is an account that waits: inactive (it cannot sign in, is told nothing about the
business, and is not one of its people) with no usable password and one live ``invite`` link,
valid INVITATION_LIFETIME. Accepting sets the password, activates the account and counts the
address as verified (the link reached it). Inviting the same address again sends a new link
(the older one stops working); cancelling deletes the waiting account and its link, which frees
the address. Both kinds share the link, the acceptance page and these rules; they differ only in
who invites (:class:`Team`) and in what the account becomes.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import exists, select

from exhibit.accounts import services as accounts
from exhibit.accounts.links import LinkNotValid, issue_link, live_link, spend
from exhibit.accounts.models import NO_PASSWORD_YET, AccountLink, Role, User
from exhibit.core import audit, limits
from exhibit.core.db import lock_row, utcnow, write_transaction
from exhibit.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from exhibit.extensions import db
from exhibit.vn.text import clean_text

INVITATION_LIFETIME = timedelta(days=7)


@dataclass(frozen=True)
class Invitation:
    """A colleague invited and not yet joined: their waiting account and its live link."""
    user: User
    expires_at: datetime

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires_at <= (now or utcnow())


#: an account that waits for its invitee: inactive and never given a password
_WAITING = (User.active.is_(False), User.password_hash == NO_PASSWORD_YET)
#: ... with its invitation link not used (it may have expired)
_UNUSED_INVITE = (AccountLink.purpose == "invite", AccountLink.used_at.is_(None))


@dataclass(frozen=True)
class Team:
    """Whom an invitation joins: the role the invitee gets and the column (``business_id`` or
    ``organizer_id``) tying them to the team ``team_id``."""
    role: Role
    column: str
    team_id: int

    def holds(self, user: User) -> bool:
        return user.role == self.role.value and getattr(user, self.column) == self.team_id

    @property
    def where(self):
        return (User.role == self.role.value, getattr(User, self.column) == self.team_id)


def _business_team(actor: User) -> Team:
    if actor is None or not actor.is_exhibitor or actor.business_id is None:
        raise Forbidden(_("Only a business's exhibitors can invite colleagues."))
    return Team(Role.EXHIBITOR, "business_id", actor.business_id)


def _staff_team(actor: User) -> Team:
    if actor is None or not actor.is_organiser or actor.organizer_id is None:
        raise Forbidden(_("Only organisers can do this."))
    return Team(Role.ENTRANCE, "organizer_id", actor.organizer_id)


def _coordinator_team(actor: User) -> Team:
    if actor is None or not actor.is_organiser or actor.organizer_id is None:
        raise Forbidden(_("Only organisers can do this."))
    return Team(Role.COORDINATOR, "organizer_id", actor.organizer_id)


def invite(*, actor: User, email: str, full_name: str, now: datetime | None = None) -> User:
    """The exhibitor invites a colleague to sign in for its business; the invitation email
    goes out after the commit. Conflict when the address already has an account (an
    invitation of this business to it is sent again instead)."""
    return _invite(_business_team(actor), actor=actor, email=email, full_name=full_name,
                   now=now, action="invite_member")


def invite_entrance_staff(*, actor: User, email: str, full_name: str,
                          now: datetime | None = None) -> User:
    """The organiser invites someone to check badges in at the gates of its body's weeks (an
    entrance staff account, which can do nothing else); as :func:`invite`."""
    return _invite(_staff_team(actor), actor=actor, email=email, full_name=full_name, now=now,
                   action="invite_entrance")


def invite_coordinator(*, actor: User, email: str, full_name: str,
                       attach: Callable[[User], None], now: datetime | None = None) -> User:
    """The organiser invites a delegation's coordinator of its body (an account that can only
    assign the booths of the clusters it is given: floorplan.clusters), as :func:`invite`;
    ``attach(user)`` gives the account its cluster in the same transaction. A coordinator of
    the body who already signs in is only attached (no new link)."""
    return _invite(_coordinator_team(actor), actor=actor, email=email, full_name=full_name,
                   now=now, action="invite_coordinator", attach=attach)


def _invite(team: Team, *, actor: User, email: str, full_name: str, now: datetime | None,
            action: str, attach: Callable[[User], None] | None = None) -> User:
    errors: dict[str, str] = {}
    name = clean_text(full_name)[:200]
    if not name:
        errors["full_name"] = (_("Enter your colleague's name.") if team.role is Role.EXHIBITOR
                               else _("Enter the person's name."))
    try:
        address = accounts.normalize_email(email)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    limits.use("INVITATIONS_PER_USER", "invite", str(actor.id), actor.email)
    now = now or utcnow()
    with write_transaction():
        user = db.session.scalar(select(User).where(User.email == address))
        if user is None:
            user = User(email=address, password_hash=NO_PASSWORD_YET, full_name=name,
                        role=team.role.value, active=False, **{team.column: team.team_id},
                        locale=actor.locale)  # told in the language of whoever invited them
            db.session.add(user)
            db.session.flush()
        elif team.holds(user) and _is_waiting(user.id):
            user.full_name = name
            action = f"{action}_again"
        elif attach is not None and team.holds(user) and user.active:
            attach(user)  # a coordinator who already signs in, given one more cluster
            return user
        else:
            raise Conflict(_("An account with this email already exists."), code="email_taken",
                           fields={"email": _("Already registered.")})
        issue_link(user, "invite", INVITATION_LIFETIME, now=now)
        if attach is not None:
            attach(user)
        audit.record("user", user.id, action, actor=actor, business_id=user.business_id,
                     after={"email": address, "full_name": name, "role": team.role.value})
    return user


def _is_waiting(user_id: int) -> bool:
    return db.session.scalar(select(User.id).where(
        User.id == user_id, *_WAITING,
        exists().where(AccountLink.user_id == User.id, *_UNUSED_INVITE))) is not None


def pending(business_id: int) -> list[Invitation]:
    """The business's invitations not yet accepted (expired ones too, until cancelled or sent
    again), the newest first."""
    return _pending(Team(Role.EXHIBITOR, "business_id", business_id))


def pending_staff(organizer_id: int) -> list[Invitation]:
    """The organising body's entrance staff invitations not yet accepted, as :func:`pending`."""
    return _pending(Team(Role.ENTRANCE, "organizer_id", organizer_id))


def _pending(team: Team) -> list[Invitation]:
    rows = db.session.execute(
        select(User, AccountLink.expires_at)
        .join(AccountLink, AccountLink.user_id == User.id)
        .where(*team.where, *_WAITING, *_UNUSED_INVITE)
        .order_by(AccountLink.created_at.desc(), User.id.desc())).all()
    return [Invitation(user, expires_at) for user, expires_at in rows]


def cancel(*, actor: User, user_id: int) -> None:
    """The exhibitor withdraws an invitation of its business: the waiting account and its link
    are deleted (the link then opens nothing) and the address is free again. NotFound for
    anyone else's invitation, or one already accepted."""
    _cancel(_business_team(actor), actor=actor, user_id=user_id)


def cancel_entrance_staff(*, actor: User, user_id: int) -> None:
    """The organiser withdraws an entrance staff invitation of its body, as :func:`cancel`
    (NotFound for another body's invitation, or one already accepted)."""
    _cancel(_staff_team(actor), actor=actor, user_id=user_id)


def _cancel(team: Team, *, actor: User, user_id: int) -> None:
    with write_transaction():
        user = lock_row(User, user_id)
        if user is None or not team.holds(user) or not _is_waiting(user.id):
            raise NotFound(_("There is no such invitation."))
        audit.record("user", user.id, "cancel_invitation", actor=actor,
                     business_id=user.business_id, before={"email": user.email})
        db.session.delete(user)  # its links go with it (ON DELETE CASCADE)


def invitation_for(token: str, now: datetime | None = None) -> AccountLink:
    """The live invitation link with this token (LinkNotValid when used, replaced, expired or
    cancelled)."""
    return _waiting(live_link(token, "invite", now, active_account=False))


def _waiting(link: AccountLink) -> AccountLink:
    if link.user.active:  # never with an unused link; refused should that ever change
        raise LinkNotValid(_("This invitation was already accepted. Sign in instead."))
    return link


def accept(token: str, *, password: str, full_name: str = "",
           now: datetime | None = None) -> User:
    """The invitee sets their password through the link: the account becomes active and
    verified, the link is spent. The caller signs the browser in."""
    now = now or utcnow()
    with write_transaction():
        link = _waiting(spend(token, "invite", now, active_account=False))
        user = lock_row(User, link.user_id)
        errors: dict[str, str] = {}
        name = clean_text(full_name)[:200] or user.full_name
        if not name:
            errors["full_name"] = _("Enter your name.")
        if problem := accounts.password_problem(password or "", user.email):
            errors["password"] = problem
        if errors:
            raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
        user.password_hash = accounts.hash_password(password)
        user.full_name = name
        user.active = True
        user.email_verified_at = now
        audit.record("user", user.id, "accept_invitation", actor=user,
                     business_id=user.business_id, after={"email": user.email})
    return user
