"""Counting the SQL statements a request sends, for the tests that prove a page, file or report
does not grow its number of queries with its number of rows (no N+1)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from exhibit.extensions import db


#: not queries: how a driver opens and closes transactions differs with the pool's state
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    """Inside an app context: every statement sent to the database while the block runs, in
    order (a streamed answer counts only if its body is read inside the block)."""
    statements: list[str] = []

    def _record(_conn, _cursor, statement, _parameters, _context, _executemany):
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", _record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", _record)


def queries_of(client, url: str) -> tuple[int, list[str]]:
    """GET ``url`` (reading the whole body, streamed or not); its status and its statements."""
    with counted_queries() as statements:
        response = client.get(url)
        response.get_data()
        response.close()
    return response.status_code, statements


def assert_same_queries_at_both_sizes(fairs, page: str) -> None:
    """``page`` ({slug}: the week's) answers 200 with as many statements for the small generated
    fair as for the large one (tests/scale/conftest.py): no query per row."""
    with fairs.app.app_context():
        client = fairs.organiser_client()
        small_status, small = queries_of(client, page.format(slug=fairs.small.slug))
        large_status, large = queries_of(client, page.format(slug=fairs.large.slug))
    assert small_status == large_status == 200
    assert len(large) == len(small), (len(small), len(large))
