"""Rate-limit counters kept in the application's database, for deployments without Redis.

Flask-Limiter keeps its counters in process memory unless told otherwise, so with four gunicorn
workers every limit was four limits, and each restart forgot them. This storage (the ``limits``
library's fixed-window interface) keeps every counter in one table of the application database,
shared by all workers and by the HTML pages and the API. With ``REDIS_URL`` set, Redis is used
instead (see ``config.py``).

It uses its own connection pool, never the request's session: a counter must be written even
when the request's own transaction rolls back (a failed sign-in is exactly such a request).
"""
from __future__ import annotations

import threading
import time

from limits.storage import Storage
from sqlalchemy import Float, String, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, mapped_column

from exhibit.extensions import db

SCHEME = "exhibit-db"
TABLE = "rate_limit_counters"

_UPSERT = text(f"""
    INSERT INTO {TABLE} (key, hits, expires_at) VALUES (:key, :amount, :now + :expiry)
    ON CONFLICT (key) DO UPDATE SET
        hits = CASE WHEN {TABLE}.expires_at <= :now THEN :amount ELSE {TABLE}.hits + :amount END,
        expires_at = CASE WHEN {TABLE}.expires_at <= :now THEN :now + :expiry
                          ELSE {TABLE}.expires_at END
    RETURNING hits""")


_GIVE_BACK = text(f"""
    UPDATE {TABLE} SET hits = CASE WHEN hits + :amount < 0 THEN 0 ELSE hits + :amount END
    WHERE key = :key AND expires_at > :now
    RETURNING hits""")


class DatabaseStorage(Storage):
    """``exhibit-db://`` — the URL of the database comes as the ``database_url`` option."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 database_url: str = "", **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        if not database_url:
            raise ValueError("exhibit-db:// needs the database_url option")
        self._url = database_url
        self._engine = None
        self._lock = threading.Lock()
        self._calls = 0

    @property
    def base_exceptions(self):
        return DBAPIError

    @property
    def engine(self):
        # Made on first use, so a forked gunicorn worker never shares its parent's connections.
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = _counter_engine(self._url)
        return self._engine

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        values = {"key": key[:255], "amount": amount, "now": time.time(), "expiry": expiry}
        with self.engine.begin() as conn:
            if amount < 0:  # giving uses back: only within a live window, never below zero
                hits = conn.execute(_GIVE_BACK, values).scalar()
                return hits or 0
            hits = conn.execute(_UPSERT, values).scalar_one()
        self._calls += 1
        if self._calls % 1000 == 0:
            self._forget_expired()
        return hits

    def get(self, key: str) -> int:
        with self.engine.connect().execution_options(reading=True) as conn:
            row = conn.execute(text(f"SELECT hits, expires_at FROM {TABLE} WHERE key = :key"),
                               {"key": key[:255]}).first()
        return row.hits if row is not None and row.expires_at > time.time() else 0

    def get_expiry(self, key: str) -> float:
        with self.engine.connect().execution_options(reading=True) as conn:
            expires_at = conn.execute(text(f"SELECT expires_at FROM {TABLE} WHERE key = :key"),
                                      {"key": key[:255]}).scalar()
        return expires_at if expires_at is not None and expires_at > time.time() else time.time()

    def check(self) -> bool:
        try:
            with self.engine.connect().execution_options(reading=True) as conn:
                conn.execute(text("SELECT 1"))
            return True
        except DBAPIError:
            return False

    def reset(self) -> int | None:
        with self.engine.begin() as conn:
            return conn.execute(text(f"DELETE FROM {TABLE}")).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(f"DELETE FROM {TABLE} WHERE key = :key"), {"key": key[:255]})

    def close(self) -> None:
        """Close the pool's connections (a new pool is made if the storage is used again)."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __del__(self):
        # Replaced storages (Flask-Limiter keeps one per process, tests make many apps) let go
        # of their connections at once instead of leaving them to the garbage collector.
        try:
            self.close()
        except Exception:  # noqa: BLE001 - nothing can be done about it at this point
            pass

    def _forget_expired(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(f"DELETE FROM {TABLE} WHERE expires_at <= :now"),
                         {"now": time.time()})


class RateLimitCounter(db.Model):
    """One fixed-window counter: ``hits`` within the window that ends at ``expires_at``."""
    __tablename__ = TABLE

    #: what is counted and for whom, e.g. "LIMITER/sign-in-account/nguyen@example.vn/10/15/minute"
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    hits: Mapped[int]
    #: Unix time when the window ends; a later hit starts a new window
    expires_at: Mapped[float] = mapped_column(Float, index=True)


def _counter_engine(url: str):
    engine = create_engine(url, pool_size=2, max_overflow=8, pool_pre_ping=True) \
        if not url.startswith("sqlite") else create_engine(url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None  # autocommit; BEGIN IMMEDIATE below
            dbapi_connection.execute("PRAGMA busy_timeout=30000")

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            # writers take the write lock at once (no upgrade deadlock); readers wait for none
            conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("reading")
                                 else "BEGIN IMMEDIATE")
    return engine
