"""delegation coordinators: a user role

A delegation's coordinator is an account an organiser invites to assign the booths of one
cluster (booth_clusters, cluster_coordinators); like organisers and entrance staff it belongs
to an organising body.

Revision ID: fb09968c22dc
Revises: b16f4397b9c3
Create Date: 2026-12-05 13:00:03.121954

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'fb09968c22dc'
down_revision = 'b16f4397b9c3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_users_role'),
            "role IN ('organiser', 'exhibitor', 'buyer', 'entrance', 'coordinator')")
        batch_op.create_check_constraint(
            op.f('ck_users_coordinator_org'), "role != 'coordinator' OR organizer_id IS NOT NULL")


def downgrade():
    op.execute("DELETE FROM users WHERE role = 'coordinator'")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_coordinator_org'), type_='check')
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_users_role'), "role IN ('organiser', 'exhibitor', 'buyer', 'entrance')")
