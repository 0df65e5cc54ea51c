"""Full-text search on the folded search words of products, one index per database:

* SQLite: an FTS5 table ``products_fts`` on ``products.search_text``, kept in step by triggers,
  with prefix indexes, so "ca phe" is the query ``"ca"* "phe"*``; its product ids reach the
  week's listings through ``ix_product_listings_match`` (one index lookup per match);
* PostgreSQL: a GIN index on ``to_tsvector('simple', product_listings.search_text)`` (the
  listing's copy of the product's words), queried with ``to_tsquery('simple', 'ca:* & phe:*')``:
  a search reads one table. (Until revision b560cc25eaaf the index was on ``products`` and the
  matches were joined to the listings: 35–60 ms at 50,000 products, and a plan that could turn
  into a nested loop over every listing.)

Both find listings whose product has every query word beginning a word (the rule of
``LIKE '% ca%' AND LIKE '% phe%'``, without scanning). bench/catalogue measures them.
"""
from __future__ import annotations

from sqlalchemy import text

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
#: PostgreSQL's index since revision b560cc25eaaf (which writes its own statements)
LISTINGS_INDEX = "ix_product_listings_search_fts"


def create_sql(dialect: str) -> tuple[str, ...]:
    """The statements of revision d6899eadf451, which calls this: never change them."""
    return {"sqlite": SQLITE_DDL, "postgresql": POSTGRES_DDL}.get(dialect, ())


def drop_sql(dialect: str) -> tuple[str, ...]:
    """The statements of revision d6899eadf451's downgrade: never change them."""
    return {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(dialect, ())


def is_index_object(name: str | None) -> bool:
    """The FTS5 table and its shadow tables, and the expression indexes, live outside the
    models (for Alembic's compare)."""
    return bool(name) and (name.startswith(FTS_TABLE)
                           or name in ("ix_products_search_fts", LISTINGS_INDEX))


def listing_matches(words: list[str], dialect: str):
    """A condition on ``product_listings``: its product's search text has every word as a word
    prefix. ``words`` come from ``search_words``: letters and digits only, so they need no
    escaping."""
    from exhibit.catalogue.models import ProductListing
    if dialect == "sqlite":
        query = " ".join(f'"{word}"*' for word in words)
        return ProductListing.product_id.in_(text(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts").bindparams(fts=query))
    if dialect == "postgresql":
        query = " & ".join(f"{word}:*" for word in words)
        # the same expression as the index, so that the index is used
        return text("to_tsvector('simple', product_listings.search_text) "
                    "@@ to_tsquery('simple', :tsq)").bindparams(tsq=query)
    raise NotImplementedError(f"catalogue search supports SQLite and PostgreSQL, not {dialect}")


def include_object(object, name, type_, reflected, compare_to) -> bool:  # noqa: A002 (Alembic's names)
    """Alembic's filter: leave the full-text index objects to the migration that made them."""
    return not is_index_object(name)
