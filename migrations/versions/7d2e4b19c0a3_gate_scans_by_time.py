"""The gate's latest scans by time

Revision ID: 7d2e4b19c0a3
Revises: 3c1f0e7a9b52
Create Date: 2026-12-05 08:30:00.000000

- gate_scans (scanned_at): the gate page lists a week's latest scans newest first by when they
  were scanned (a device's late scan takes its place in time); without the index PostgreSQL
  sorted every scan to find the last twenty.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7d2e4b19c0a3'
down_revision = '3c1f0e7a9b52'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("gate_scans", schema=None) as batch_op:
        batch_op.create_index("ix_gate_scans_scanned_at", ["scanned_at"], unique=False)


def downgrade():
    with op.batch_alter_table("gate_scans", schema=None) as batch_op:
        batch_op.drop_index("ix_gate_scans_scanned_at")
