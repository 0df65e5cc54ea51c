"""Database plumbing shared by every feature: UTC timestamps and the write transaction.

Every service that changes data runs inside ``write_transaction()``. On SQLite that transaction
starts with BEGIN IMMEDIATE, so writers queue on the database lock (busy timeout) instead of
failing halfway; on PostgreSQL it is an ordinary transaction in which services take row locks.
"""
from __future__ import annotations

from collections.abc import Iterator
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
    second of two racing requests sees the first one's result (and answers 409)."""
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


@contextmanager
def write_transaction() -> Iterator[None]:
    """One unit of work: commit on success, roll back on any exception.

    Whatever the request read before is committed first (it only read) and forgotten, so the
    write transaction reads everything afresh and, on SQLite, holds the write lock from its
    first statement. Its own commit keeps what was loaded instead of expiring it: the response
    is built from the values that were committed, with no second round trip, so a connection
    lost right after the commit cannot turn a success into a 500.
    """
    session = db.session()  # the real Session behind the scoped proxy
    if session.in_transaction():
        session.commit()
    session.expire_all()
    session.connection(execution_options={"sqlite_immediate": True})
    if is_postgres():
        timeout = int(current_app.config["LOCK_TIMEOUT_MS"])
        session.execute(db.text(f"SET LOCAL lock_timeout = {timeout}"))
    try:
        yield
        _commit_keeping_values(session)
    except BaseException:
        session.rollback()
        raise


def _commit_keeping_values(session) -> None:
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
