"""The clock: what is due at a given minute, done once however often it runs.

``flask --app exhibit tick`` runs :func:`tick` (cron every minute in production); the embedded
default runs it inside the app every minute (``CLOCK_IN_APP``), and ``flask --app exhibit worker
--clock`` beside the RQ worker. Each step is safe to run twice at once or after a crash: holds
are ended under their booth's row lock and only while still due, and every message has an
idempotency key, so a second tick finds nothing left to do.
"""
from __future__ import annotations

from datetime import datetime

from exhibit.core.db import utcnow


def tick(now: datetime | None = None) -> dict[str, int]:
    """Run everything that is due at ``now``; how much each step did."""
    from exhibit.b2b.services import expire_requests
    from exhibit.booking.services import expire_due_holds
    from exhibit.messaging import outbox, reminders
    from exhibit.privacy.desk import remind_due
    from exhibit.privacy.purge import purge_due
    now = now or utcnow()
    done = {"holds_ended": expire_due_holds(now=now),
            "meeting_requests_expired": expire_requests(now=now),
            "weeks_purged": sum(1 for r in purge_due(now, again=False) if r.total)}
    done.update(reminders.queue_due(now))
    done["privacy_request_reminders"] = remind_due(now)
    done["messages_sent"] = outbox.send_due(now)
    return done
