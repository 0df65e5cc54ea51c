"""Database plumbing shared by every feature: UTC timestamps and the write transaction.

Every service that changes data runs inside ``write_transaction()``. On SQLite that transaction
starts with BEGIN IMMEDIATE, so writers queue on the database lock (busy timeout) instead of
failing halfway; on PostgreSQL it is an ordinary transaction in which services take row locks.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from flask import current_app
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

from exhibit.extensions import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every backend (SQLite stores it naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; use exhibit.core.db.utcnow()")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def lock_row(model, row_id: int):
    """Load a row afresh with a row lock (SELECT … FOR UPDATE on PostgreSQL; on SQLite the
    write transaction already excludes other writers). None when it does not exist.

    Services take it inside ``write_transaction()`` before checking the row's state, so the
    second of two racing requests sees the first one's result (and answers 409). Outside a
    write transaction a lock would end with the next commit, so that is refused."""
    require_write_transaction("lock_row")
    query = db.select(model).where(model.id == row_id).execution_options(populate_existing=True)
    if is_postgres():
        query = query.with_for_update()
    return db.session.scalar(query)


def configure_engine(engine: Engine, busy_timeout_s: int) -> None:
    """SQLite: WAL, foreign keys, a busy timeout and explicit BEGIN (IMMEDIATE for writers)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the sqlite3 module, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        immediate = conn.get_execution_options().get("sqlite_immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class TransactionMisuse(RuntimeError):
    """A programming error: a unit of work started inside another, a row lock or after-commit
    work asked for outside one. Never caught: it must fail the first test that meets it."""


_OPEN = "exhibit.write_transaction"
_AFTER_COMMIT = "exhibit.after_commit"


def in_write_transaction() -> bool:
    return bool(db.session().info.get(_OPEN))


def require_write_transaction(what: str) -> None:
    if not in_write_transaction():
        raise TransactionMisuse(f"{what} needs an open write_transaction()")


@contextmanager
def write_transaction() -> Iterator[None]:
    """One unit of work: commit on success, roll back on any exception.

    Units of work do not nest: starting one inside another raises TransactionMisuse, because
    the inner commit would split the outer unit and drop its row locks halfway. A service
    that other services build on takes the caller's transaction instead (and may say so with
    ``require_write_transaction``).

    Whatever the request read before is committed first (it only read) and forgotten, so the
    unit of work reads everything afresh and, on SQLite, holds the write lock from its first
    statement. Its own commit keeps what was loaded instead of expiring it: the response is
    built from the values that were committed, with no second round trip, so a connection lost
    right after the commit cannot turn a success into a 500.

    Work registered with ``after_commit`` runs once the commit has succeeded, in order; it is
    dropped when the unit of work rolls back.
    """
    session = db.session()  # the real Session behind the scoped proxy
    if session.info.get(_OPEN):
        raise TransactionMisuse("write_transaction() inside another write_transaction()")
    if session.in_transaction():
        session.commit()
    session.expire_all()
    session.info[_OPEN] = True
    session.info[_AFTER_COMMIT] = []
    try:
        session.connection(execution_options={"sqlite_immediate": True})
        if is_postgres():
            timeout = int(current_app.config["LOCK_TIMEOUT_MS"])
            session.execute(db.text(f"SET LOCAL lock_timeout = {timeout}"))
        yield
        _commit_keeping_values(session)
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info[_OPEN] = False
        followers = session.info.pop(_AFTER_COMMIT, [])
    for work in followers:  # reached only when the commit succeeded
        run_isolated(work)


def run_isolated(work: Callable[[], None]) -> None:
    """Run work that follows a commit in an app context (and so a database session) of its
    own: what the unit of work loaded stays as it was committed, for the response. The change
    is committed whatever happens here: work that fails is logged, and the request still
    answers with what was committed."""
    app = current_app._get_current_object()
    with app.app_context():
        try:
            work()
        except Exception:  # noqa: BLE001 - see the docstring
            app.logger.exception("work after commit failed: %r", work)


def after_commit(work: Callable[[], None]) -> None:
    """Run ``work`` once the current write transaction has committed — never if it rolls back.
    For what must follow a change: announcing it to other features, sending a message,
    queueing a job. Asking outside a write transaction is a TransactionMisuse."""
    require_write_transaction("after_commit")
    db.session().info[_AFTER_COMMIT].append(work)


def _commit_keeping_values(session) -> None:
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


#: SQLSTATEs and SQLite result codes that mean "another transaction holds what this one needs"
_LOCK_NOT_AVAILABLE, _DEADLOCK = "55P03", "40P01"
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6


#: SQLSTATE and SQLite extended result codes of a unique (or primary key) violation
_UNIQUE_VIOLATION = "23505"
_SQLITE_CONSTRAINT_UNIQUE, _SQLITE_CONSTRAINT_PRIMARYKEY = 2067, 1555


def is_unique_violation(error: BaseException) -> bool:
    """True when a database error says a row with the same unique value exists: the check a
    service made before writing was passed by a simultaneous request that wrote first."""
    original = getattr(error, "orig", None)
    if getattr(original, "sqlstate", None) == _UNIQUE_VIOLATION:
        return True
    return getattr(original, "sqlite_errorcode", None) in (_SQLITE_CONSTRAINT_UNIQUE,
                                                          _SQLITE_CONSTRAINT_PRIMARYKEY)


def is_lock_timeout(error: BaseException) -> bool:
    """True when a database error says a lock was not granted in time: PostgreSQL's
    lock_timeout (SQLSTATE 55P03) or a deadlock victim (40P01), SQLite's busy or locked
    database — recognised by the driver's codes, never by the message text."""
    original = getattr(error, "orig", None)
    if getattr(original, "sqlstate", None) in (_LOCK_NOT_AVAILABLE, _DEADLOCK):
        return True
    return getattr(original, "sqlite_errorcode", None) in (_SQLITE_BUSY, _SQLITE_LOCKED)
