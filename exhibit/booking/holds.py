"""How long a hold lasts: the one rule the services apply and the pages explain.

- A booth picked as part of a **complete application** waits for the organiser until the
  week's review deadline: ``review_days`` working days (Monday–Friday, Vietnam time; public
  holidays are not skipped) after the hold was made.
- A booth picked **without** one is a short hold: the week's ``hold_minutes`` (15 by default).
- A freed booth **offered** to the first business of the waiting list stays held for the
  week's ``waitlist_offer_hours`` (48 by default).

An application is complete when the organiser has approved it, or when it is submitted and
says which products the business will show (``intended_products``) — the one thing the
organiser reviews beyond the business's registration, which sign-up already requires in full.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from exhibit.booking.models import Application, ApplicationStatus, HoldKind
from exhibit.vn.workdays import add_working_days


def is_complete(application: Application | None) -> bool:
    """Whether an application carries what the organiser needs to decide on it."""
    if application is None:
        return False
    if application.status == ApplicationStatus.APPROVED.value:
        return True
    return (application.status == ApplicationStatus.SUBMITTED.value
            and bool((application.intended_products or "").strip()))


def kind_for(application: Application | None) -> HoldKind:
    """The kind of hold a booth picked by the application's business gets now."""
    return HoldKind.REVIEW if is_complete(application) else HoldKind.SHORT


def deadline(week, kind: HoldKind, now: datetime) -> datetime:
    """When a hold of this kind, made at ``now``, lapses unless the organiser confirms it."""
    if kind == HoldKind.REVIEW:
        return add_working_days(now, week.review_days)
    if kind == HoldKind.OFFER:
        return now + timedelta(hours=week.waitlist_offer_hours)
    return now + timedelta(minutes=week.hold_minutes)


@dataclass(frozen=True)
class HoldTerms:
    """What holding a booth would give this business now: for the booth page's button."""
    kind: HoldKind
    expires_at: datetime


def terms_for(week, application: Application | None, now: datetime) -> HoldTerms:
    kind = kind_for(application)
    return HoldTerms(kind, deadline(week, kind, now))
