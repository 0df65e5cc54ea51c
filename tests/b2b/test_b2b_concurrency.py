"""B2B slots are never double-booked: by the schema, and when many organisers schedule at once
(threads with their own sessions released at one instant by a barrier)."""
from __future__ import annotations

import pytest

from tests.conftest import race


def test_double_booking_a_slot_is_refused_by_the_schema(app, b2b_session):
    from sqlalchemy.exc import IntegrityError

    from exhibit.extensions import db
    week, buyer, meetings, slot, tables = b2b_session
    first, second = meetings[0], meetings[1]  # the same buyer, two suppliers
    first.slot_id, first.table_id = slot.id, tables[0].id
    db.session.commit()
    second.slot_id, second.table_id = slot.id, tables[1].id
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_concurrent_scheduling_never_double_books_the_buyer(app, b2b_session, organiser):
    from exhibit.b2b import services
    from exhibit.b2b.models import Meeting
    from exhibit.core.errors import Conflict
    week, buyer, meetings, slot, tables = b2b_session
    meeting_ids, table_ids, slot_id, organiser_id = [m.id for m in meetings], [t.id for t in tables], slot.id, organiser.id

    def schedule(i):
        from exhibit.accounts.models import User
        from exhibit.extensions import db
        actor = db.session.get(User, organiser_id)
        services.schedule(actor=actor, meeting=db.session.get(Meeting, meeting_ids[i]),
                          slot_id=slot_id, table_id=table_ids[i])
        return "ok"

    results = race(app, schedule, count=len(meeting_ids))
    assert results.count("ok") == 1, results
    assert all(isinstance(r, Conflict) for r in results if r != "ok"), results
    from exhibit.extensions import db
    db.session.commit()  # end this session's read snapshot
    assert sum(1 for m in db.session.query(Meeting).all() if m.slot_id == slot_id) == 1
