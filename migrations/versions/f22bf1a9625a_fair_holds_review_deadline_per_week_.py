"""Fair holds: a review deadline per week, and the kind of every hold

Revision ID: f22bf1a9625a
Revises: 8d1f53f4254a
Create Date: 2026-12-02 10:00:00.000000

A hold that is part of a complete application now waits for the organiser until the week's
review deadline (review_days working days, 3 by default) instead of the short hold; each
allocation that began as a hold records which kind it was. Holds made before this revision
were short holds or waiting-list offers, told apart by their source.

The columns are added with their CHECK constraints in the ADD COLUMN itself, which SQLite and
PostgreSQL both accept: on SQLite a batch operation would copy the table, and dropping the old
copy with foreign keys on would cascade to every row that refers to it.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f22bf1a9625a'
down_revision = '8d1f53f4254a'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ALTER TABLE exhibition_weeks ADD COLUMN review_days INTEGER DEFAULT 3 NOT NULL "
               "CONSTRAINT ck_exhibition_weeks_review_days CHECK (review_days BETWEEN 1 AND 20)")
    op.execute("ALTER TABLE allocations ADD COLUMN hold_kind VARCHAR(10) "
               "CONSTRAINT ck_allocations_hold_kind "
               "CHECK (hold_kind IS NULL OR hold_kind IN ('short', 'review', 'offer'))")
    op.execute("UPDATE allocations SET hold_kind = CASE WHEN source = 'waitlist_offer' "
               "THEN 'offer' ELSE 'short' END "
               "WHERE status = 'held' OR source IN ('exhibitor_hold', 'waitlist_offer')")


def downgrade():
    # a column's own CHECK goes with it, on both databases
    op.execute("ALTER TABLE allocations DROP COLUMN hold_kind")
    op.execute("ALTER TABLE exhibition_weeks DROP COLUMN review_days")
