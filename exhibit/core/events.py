"""Domain events: a feature announces that something changed, after the change is committed;
other features that keep something depending on it, or tell people about it, subscribe.

A service announces inside its write transaction (``announce(booking_changed, …)``); the
signal is sent only once the transaction has committed, and never if it rolls back. Payloads
are plain values (ids, codes) — never database objects, which belong to the announcer's session.
Subscribers connect in their own feature (``<feature>/subscribers.py``, connected by
``create_app``) and do their work in their own write transaction.
"""
from __future__ import annotations

from blinker import Namespace

from exhibit.core.db import after_commit, run_isolated

_signals = Namespace()

#: a booth was held, confirmed, released, moved, assigned, or a hold ran out. Payload:
#: week_id, business_id, booth_id, allocation_id, action ("hold", "confirm", "release", "move",
#: "assign", "expire", "waitlist_offer"), and for a move from_booth_id. While the allocation is
#: held ("hold", "waitlist_offer", a move of a hold) also expires_at (an aware UTC datetime:
#: when the hold lapses unless confirmed) and hold_kind: "short" (no complete application:
#: the week's hold_minutes), "review" (part of a complete application: waits for the
#: organiser until the week's review deadline, review_days working days) or "offer" (offered
#: from the waiting list: waitlist_offer_hours) — see exhibit/booking/holds.py
booking_changed = _signals.signal("booking-changed")
#: booths were added to a week's floor plan (drawn or imported). Payload: week_id
floor_plan_changed = _signals.signal("floor-plan-changed")
#: a week's details changed. Payload: week_id, changed (the names of the fields that changed)
week_changed = _signals.signal("week-changed")
#: a contract or MoU was issued (or reissued). Payload: document_id, week_id, kind, version
document_issued = _signals.signal("document-issued")
#: an organiser approved or rejected a product at a week. Payload: listing_id, week_id,
#: business_id, status
product_reviewed = _signals.signal("product-reviewed")
#: a B2B meeting was requested, answered, scheduled, cancelled or given an outcome. Payload:
#: meeting_id, week_id, action
meeting_changed = _signals.signal("meeting-changed")
#: a payment was recorded in a week's ledger. Payload: payment_id, week_id, business_id
payment_recorded = _signals.signal("payment-recorded")


def announce(signal, **payload) -> None:
    """Send ``signal`` with ``payload`` once the current write transaction commits."""
    after_commit(lambda: _deliver(signal, payload))


def _deliver(signal, payload: dict) -> None:
    """Each subscriber on its own: one that fails is logged and the others still hear."""
    for receiver in list(signal.receivers_for(signal.name)):
        run_isolated(lambda receiver=receiver: receiver(signal.name, **payload))
