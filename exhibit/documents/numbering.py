"""Document numbers: one counter per organiser and year, shared by contracts and MoUs, as a
Vietnamese office keeps one register of documents a year (NĐ 30/2020, Điều 15).

The counter moves in one statement — INSERT … ON CONFLICT DO UPDATE … RETURNING — which both
PostgreSQL and SQLite (3.35+) run atomically, so concurrent issues never read the same number.
The unique constraint on (organiser, year, sequence) is the second guard.
"""
from __future__ import annotations

from sqlalchemy import func, or_
from sqlalchemy.dialects import postgresql, sqlite

from exhibit.core.db import is_postgres
from exhibit.documents.models import DocumentCounter, DocumentKind
from exhibit.extensions import db


def next_number(organizer_id: int, year: int) -> int:
    """The next number of the organiser's year; must run inside the caller's transaction."""
    insert = (postgresql.insert if is_postgres() else sqlite.insert)(DocumentCounter)
    statement = (insert.values(organizer_id=organizer_id, year=year, last_number=1)
                 .on_conflict_do_update(index_elements=["organizer_id", "year"],
                                        set_={"last_number": DocumentCounter.last_number + 1})
                 .returning(DocumentCounter.last_number))
    return db.session.execute(statement).scalar_one()


def format_number(sequence: int, year: int, kind: DocumentKind, short_name: str) -> str:
    """(15, 2024, contract, "ITPC") → "015/2024/HĐ-ITPC"."""
    return f"{sequence:03d}/{year}/{kind.number_code}-{short_name}"


def number_contains(column, q: str):
    """The condition "the document number in ``column`` contains ``q``", whatever its case:
    SQLite's lower() leaves "Đ" as it is, so the upper-cased search is tried as well."""
    return or_(column.contains(q.upper(), autoescape=True),
               func.lower(column).contains(q.lower(), autoescape=True))
