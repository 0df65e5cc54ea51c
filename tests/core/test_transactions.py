"""The unit of work is a guard, not a convention: no nesting, no row lock outside it, work after
commit only after a commit, lock timeouts recognised by the driver's codes, and domain events
reaching their subscribers once the change is committed."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from exhibit.core import events
from exhibit.core.db import (TransactionMisuse, after_commit, is_lock_timeout, lock_row,
                             write_transaction)
from exhibit.extensions import db
from exhibit.weeks.models import Organizer


def _organizers() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Organizer.id)))


def test_a_unit_of_work_cannot_start_inside_another(app):
    with pytest.raises(TransactionMisuse):
        with write_transaction():
            db.session.add(Organizer(name="Sở Công Thương Long An", short_name="SCT-LA"))
            with write_transaction():
                pass
    assert _organizers() == 0  # the outer unit rolled back: nothing half-committed
    with write_transaction():  # and the guard is reset afterwards
        db.session.add(Organizer(name="ITPC", short_name="ITPC"))
    assert _organizers() == 1


def test_a_row_lock_outside_a_unit_of_work_is_refused(app):
    with write_transaction():
        organizer = Organizer(name="ITPC", short_name="ITPC")
        db.session.add(organizer)
    with pytest.raises(TransactionMisuse):
        lock_row(Organizer, organizer.id)
    with write_transaction():
        assert lock_row(Organizer, organizer.id).name == "ITPC"


def test_after_commit_runs_on_commit_only(app):
    ran = []
    with write_transaction():
        db.session.add(Organizer(name="ITPC", short_name="ITPC"))
        after_commit(lambda: ran.append(_organizers()))
        assert ran == []  # not before the commit
    assert ran == [1]  # after it, and the committed row is visible to the follower

    with pytest.raises(RuntimeError):
        with write_transaction():
            db.session.add(Organizer(name="SCT-LA", short_name="SCT-LA"))
            after_commit(lambda: ran.append("rolled back"))
            raise RuntimeError("the unit of work fails")
    assert ran == [1]  # dropped with the rollback

    with pytest.raises(TransactionMisuse):
        after_commit(lambda: None)  # outside a unit of work there is no commit to wait for


def test_a_failing_follower_does_not_undo_or_fail_the_committed_change(app, caplog):
    def broken():
        raise ValueError("the follower is broken")

    with write_transaction():
        db.session.add(Organizer(name="ITPC", short_name="ITPC"))
        after_commit(broken)
    assert _organizers() == 1
    assert "work after commit failed" in caplog.text


def test_events_reach_subscribers_after_commit_with_plain_values(app):
    received = []

    def subscriber(sender, **payload):
        received.append((sender, payload))

    events.week_changed.connect(subscriber)
    try:
        with write_transaction():
            events.announce(events.week_changed, week_id=7, changed=["end_date"])
            assert received == []
        assert received == [("week-changed", {"week_id": 7, "changed": ["end_date"]})]
    finally:
        events.week_changed.disconnect(subscriber)


def test_lock_timeouts_are_recognised_by_code_not_by_text():
    class PgLockNotAvailable(Exception):
        sqlstate = "55P03"

    class SqliteBusy(Exception):
        sqlite_errorcode = 5

    class SomethingElse(Exception):
        sqlstate = "23505"  # a unique violation mentioning "lock" in its text is not a timeout

    assert is_lock_timeout(OperationalError("x", {}, PgLockNotAvailable("timeout")))
    assert is_lock_timeout(OperationalError("x", {}, SqliteBusy("database is locked")))
    assert not is_lock_timeout(OperationalError("x", {}, SomethingElse("lock lock locked")))


def test_a_real_lock_timeout_answers_409_on_postgresql(app, client, open_week, make_exhibitor):
    """Another connection holds the booth's row lock longer than LOCK_TIMEOUT_MS: the hold
    answers 409 "try again" (recognised by SQLSTATE 55P03), never 500."""
    if app.config["DB_KIND"] != "postgres":
        pytest.skip("row locks with a lock_timeout are PostgreSQL's (SQLite serialises writers)")
    from exhibit.booking.services import apply_to_week
    from exhibit.floorplan.services import get_booth
    from tests.conftest import bearer
    user = make_exhibitor()
    apply_to_week(actor=user, week=open_week, data={})
    booth_id, slug, auth = get_booth(open_week, "A04").id, open_week.slug, bearer(app, user)
    app.config["LOCK_TIMEOUT_MS"] = 200
    try:
        with db.engine.connect() as other:
            holder = other.begin()
            other.execute(db.text("SELECT id FROM booths WHERE id = :id FOR UPDATE"), {"id": booth_id})
            response = client.post(f"/api/v1/weeks/{slug}/booths/A04/hold", headers=auth)
            holder.rollback()
    finally:
        app.config["LOCK_TIMEOUT_MS"] = 5000
    assert response.status_code == 409 and response.json["error"] == "busy_try_again"


def test_the_reads_only_guard_catches_a_get_that_writes(app):
    """The control for the permission matrix's "no GET writes" check (tests/permissions)."""
    from tests.conftest import reads_only
    with app.test_request_context("/", method="GET"), reads_only():
        with pytest.raises(AssertionError, match="GET / writes"):
            with write_transaction():
                db.session.add(Organizer(name="ITPC", short_name="ITPC"))
    with app.test_request_context("/", method="POST"), reads_only():
        with write_transaction():
            db.session.add(Organizer(name="ITPC", short_name="ITPC"))
    assert _organizers() == 1
