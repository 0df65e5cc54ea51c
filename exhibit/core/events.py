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
from flask import current_app

from exhibit.core.db import after_commit, run_isolated
from exhibit.extensions import db

_signals = Namespace()

#: a booth was held, confirmed, released, moved, assigned, or a hold ran out. Payload:
#: week_id, business_id, booth_id, allocation_id, action ("hold", "confirm", "release", "move",
#: "assign", "expire", "waitlist_offer"), and for a move from_booth_id. While the allocation is
#: held ("hold", "waitlist_offer", a move of a hold) also expires_at (an aware UTC datetime:
#: when the hold lapses unless confirmed) and hold_kind: "short" (no complete application:
#: the week's hold_minutes), "review" (part of a complete application: waits for the
#: organiser until the week's review deadline, review_days working days) or "offer" (offered
#: from the waiting list: waitlist_offer_hours) — see exhibit/booking/holds.py. hold_kind is
#: also given when a hold ends (an expired offer is told apart from an expired hold); None for
#: a booth the organiser assigned outright
booking_changed = _signals.signal("booking-changed")
#: a business applied to a week, or the organiser decided its application. Payload:
#: application_id, week_id, business_id, action ("submit", "approve", "reject", "waitlist"),
#: reason (the organiser's, for a rejection), at
application_changed = _signals.signal("application-changed")
#: booths were added to a week's floor plan (drawn or imported). Payload: week_id
floor_plan_changed = _signals.signal("floor-plan-changed")
#: a week's details changed. Payload: week_id, changed (the names of the fields that changed)
week_changed = _signals.signal("week-changed")
#: the organiser published a new version of a week's floor plan (floorplan.publish). Payload:
#: week_id, version_id, number, affected (a list of {"business_id", "changes"}: each business
#: holding a booth the publication changed, with those changes as floorplan.diff's plain dicts)
floor_plan_published = _signals.signal("floor-plan-published")
#: a contract or MoU was issued (or reissued), marked signed, or cancelled. Payload (the same
#: for the three): document_id, week_id, kind ("contract", "mou"), number, version,
#: business_id (Bên B, or the MoU's supplier), buyer_business_id (the MoU's buyer, else None),
#: reason (for a cancellation, else "")
document_issued = _signals.signal("document-issued")
document_signed = _signals.signal("document-signed")
document_cancelled = _signals.signal("document-cancelled")
#: a visitor registered online for a week's badge. Payload: badge_id, week_id, language
visitor_registered = _signals.signal("visitor-registered")
#: a visitor left their contact at a booth. Payload: lead_id, week_id, business_id, language
contact_left = _signals.signal("contact-left")
#: an organiser approved or rejected products of one business at a week (one decision, or
#: "approve every pending one"). Payload: week_id, business_id, status ("approved" or
#: "rejected"), reason, at (when decided), listings ([(listing_id, product name), …])
product_reviewed = _signals.signal("product-reviewed")
#: a B2B meeting was requested, paired by the organiser, answered, scheduled or cancelled.
#: Payload: meeting_id, week_id, action ("request", "pair", "accept", "decline", "schedule",
#: "cancel"), requested_by ("buyer", "supplier", "organiser"), slot_id, table_id; for "cancel"
#: also cancelled_by (the side, or "organiser"), reason, and freed_slot_id / freed_table_id (the
#: time and table it had)
meeting_changed = _signals.signal("meeting-changed")
#: a single-use link was made for a person's email (verify the address, reset the password,
#: join a team). Payload: user_id, purpose, token (the link's secret, for the message only),
#: expires_at
account_link_issued = _signals.signal("account-link-issued")
#: a person's password was changed or reset. Payload: user_id, how ("changed" or "reset")
password_changed = _signals.signal("password-changed")
#: a payment was recorded in a week's ledger. Payload: payment_id, week_id, business_id
payment_recorded = _signals.signal("payment-recorded")


#: signal → functions that write rows which must commit or roll back with the change itself
_recorders: dict = {}


def record_with(signal, recorder) -> None:
    """Have ``recorder(**payload)`` run *inside* the announcing write transaction, for rows that
    must be committed with the change or not at all — the messages of the outbox. A recorder
    only adds rows; one that fails is logged and the change still commits (a message that
    cannot be written must not cost an exhibitor their booth). Connecting twice is a no-op."""
    receivers = _recorders.setdefault(signal, [])
    if recorder not in receivers:
        receivers.append(recorder)


def announce(signal, **payload) -> None:
    """Run the signal's recorders now, in the caller's transaction; send ``signal`` with
    ``payload`` to its subscribers once that transaction commits."""
    for recorder in _recorders.get(signal, ()):
        _record(recorder, payload)
    after_commit(lambda: _deliver(signal, payload))


def _record(recorder, payload: dict) -> None:
    """A savepoint around the recorder: what it wrote before failing is undone, the rest stays."""
    try:
        with db.session.begin_nested():
            recorder(**payload)
    except Exception:  # noqa: BLE001 - see record_with
        current_app.logger.exception("recording %r for %r failed", recorder, payload)


def _deliver(signal, payload: dict) -> None:
    """Each subscriber on its own: one that fails is logged and the others still hear."""
    for receiver in list(signal.receivers_for(signal.name)):
        run_isolated(lambda receiver=receiver: receiver(signal.name, **payload))
