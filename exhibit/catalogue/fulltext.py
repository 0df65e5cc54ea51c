"""Full-text search on the folded ``products.search_text``, one index per database:

* SQLite: an FTS5 table ``products_fts`` kept in step with ``products`` by triggers, with prefix
  indexes, so "ca phe" is the query ``"ca"* "phe"*``;
* PostgreSQL: a GIN index on ``to_tsvector('simple', search_text)``, queried with
  ``to_tsquery('simple', 'ca:* & phe:*')``.

Both find products in which every query word begins a word (the rule of
``LIKE '% ca%' AND LIKE '% phe%'``, without scanning). The migration creates the indexes with
``create_sql``; bench/catalogue measures them.
"""
from __future__ import annotations

from sqlalchemy import select, text

FTS_TABLE = "products_fts"

SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(search_text, content='products', "
    "content_rowid='id', prefix='1 2 3')",
    f"CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    f"CREATE TRIGGER products_fts_update AFTER UPDATE OF search_text ON products BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS products_fts_update", "DROP TRIGGER IF EXISTS products_fts_delete",
    "DROP TRIGGER IF EXISTS products_fts_insert", f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
POSTGRES_DDL = ("CREATE INDEX ix_products_search_fts ON products "
                "USING gin (to_tsvector('simple', search_text))",)
POSTGRES_DROP = ("DROP INDEX IF EXISTS ix_products_search_fts",)


def create_sql(dialect: str) -> tuple[str, ...]:
    return {"sqlite": SQLITE_DDL, "postgresql": POSTGRES_DDL}.get(dialect, ())


def drop_sql(dialect: str) -> tuple[str, ...]:
    return {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(dialect, ())


def is_index_object(name: str | None) -> bool:
    """The FTS5 table and its shadow tables live outside the models (for Alembic's compare)."""
    return bool(name) and (name.startswith(FTS_TABLE) or name == "ix_products_search_fts")


def matching_product_ids(words: list[str], dialect: str):
    """A subquery of the ids of products whose search text has every word as a word prefix.
    ``words`` come from ``search_words``: letters and digits only, so they need no escaping."""
    from exhibit.catalogue.models import Product
    if dialect == "sqlite":
        query = " ".join(f'"{word}"*' for word in words)
        return text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts").bindparams(fts=query)
    if dialect == "postgresql":
        query = " & ".join(f"{word}:*" for word in words)
        return select(Product.id).where(text(
            "to_tsvector('simple', products.search_text) @@ to_tsquery('simple', :tsq)"
        ).bindparams(tsq=query))
    raise NotImplementedError(f"catalogue search supports SQLite and PostgreSQL, not {dialect}")


def include_object(object, name, type_, reflected, compare_to) -> bool:  # noqa: A002 (Alembic's names)
    """Alembic's filter: leave the full-text index objects to the migration that made them."""
    return not is_index_object(name)
