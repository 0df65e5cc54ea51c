"""gate scans: a partial index of the flagged ones

Revision ID: e41b7c9d2f60
Revises: 8aa3595d6193
Create Date: 2026-12-05 11:40:00.000000

- gate_scans: ix_gate_scans_flagged on scanned_at WHERE flag <> '' — the entrances page lists a
  week's flagged scans newest first (scanning.flagged) without reading every scan of every
  week. The flag may now also be "clock" (a device's wrong clock: recorded at its arrival) or
  "late" (queued offline, made before the entry already counted); it was String(20) already.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e41b7c9d2f60"
down_revision = "8aa3595d6193"
branch_labels = None
depends_on = None

_FLAGGED = "flag <> ''"


def upgrade():
    op.create_index("ix_gate_scans_flagged", "gate_scans", ["scanned_at"],
                    sqlite_where=sa.text(_FLAGGED), postgresql_where=sa.text(_FLAGGED))


def downgrade():
    op.drop_index("ix_gate_scans_flagged", table_name="gate_scans")
