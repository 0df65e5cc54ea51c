"""personal data: consents, requests, retention; floor plans in metres with drawings, fixed
elements, clusters, drafts and published versions

Revision ID: 1e5bb64bffff
Revises: e41b7c9d2f60
Create Date: 2026-12-05 12:56:19.664509

- consents, data_requests, data_request_tasks (privacy.models); exhibition_weeks gains the
  retention in months (12) and the last purge's time; leads gain withdrawn_at.
- halls gain their size in metres and the venue drawing underneath (key, kind, size, scale);
  booths gain a position and footprint in metres, rotation, a merged outline, a cluster, and
  retirement (deleted or merged into another, the row kept). Existing grid plans convert as
  they are: one cell is one metre, so every booth keeps its place, code, id and QR.
- plan_elements (fixed shapes), booth_clusters and cluster_coordinators, plan_drafts and
  plan_versions (floorplan.models).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1e5bb64bffff'
down_revision = 'e41b7c9d2f60'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('booth_clusters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('week_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('province_scheme', sa.String(length=10), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['week_id'], ['exhibition_weeks.id'], name=op.f('fk_booth_clusters_week_id_exhibition_weeks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booth_clusters')),
    sa.UniqueConstraint('week_id', 'name', name='uq_booth_clusters_week_name')
    )
    with op.batch_alter_table('booth_clusters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booth_clusters_week_id'), ['week_id'], unique=False)

    op.create_table('plan_drafts',
    sa.Column('week_id', sa.Integer(), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_plan_drafts_updated_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['week_id'], ['exhibition_weeks.id'], name=op.f('fk_plan_drafts_week_id_exhibition_weeks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('week_id', name=op.f('pk_plan_drafts'))
    )
    op.create_table('plan_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('week_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('snapshot', sa.Text(), nullable=False),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_plan_versions_published_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['week_id'], ['exhibition_weeks.id'], name=op.f('fk_plan_versions_week_id_exhibition_weeks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_versions')),
    sa.UniqueConstraint('week_id', 'number', name='uq_plan_versions_week_number')
    )
    with op.batch_alter_table('plan_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_versions_week_id'), ['week_id'], unique=False)

    op.create_table('cluster_coordinators',
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cluster_id'], ['booth_clusters.id'], name=op.f('fk_cluster_coordinators_cluster_id_booth_clusters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cluster_coordinators_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cluster_id', 'user_id', name=op.f('pk_cluster_coordinators'))
    )
    with op.batch_alter_table('cluster_coordinators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cluster_coordinators_user_id'), ['user_id'], unique=False)

    op.create_table('plan_elements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('x_m', sa.Float(), nullable=False),
    sa.Column('y_m', sa.Float(), nullable=False),
    sa.Column('w_m', sa.Float(), nullable=False),
    sa.Column('h_m', sa.Float(), nullable=False),
    sa.Column('rotation', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('column', 'wall', 'exit', 'fire_equipment', 'stage', 'toilets', 'information')", name=op.f('ck_plan_elements_kind')),
    sa.CheckConstraint('w_m > 0 AND h_m > 0', name=op.f('ck_plan_elements_size')),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], name=op.f('fk_plan_elements_hall_id_halls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_elements'))
    )
    with op.batch_alter_table('plan_elements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_elements_hall_id'), ['hall_id'], unique=False)

    op.create_table('consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organizer_id', sa.Integer(), nullable=False),
    sa.Column('week_id', sa.Integer(), nullable=False),
    sa.Column('subject_name', sa.String(length=200), nullable=False),
    sa.Column('subject_phone', sa.String(length=20), nullable=False),
    sa.Column('subject_email', sa.String(length=254), nullable=False),
    sa.Column('purpose', sa.String(length=30), nullable=False),
    sa.Column('recipient_kind', sa.String(length=12), nullable=False),
    sa.Column('recipient_business_id', sa.Integer(), nullable=True),
    sa.Column('recipient_name', sa.String(length=255), nullable=False),
    sa.Column('data_categories', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_version', sa.String(length=40), nullable=False),
    sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retention_until', sa.Date(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_via', sa.String(length=20), nullable=False),
    sa.Column('badge_id', sa.Integer(), nullable=True),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('buyer_id', sa.Integer(), nullable=True),
    sa.Column('purged_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("channel IN ('web', 'desk', 'api', 'scanner')", name=op.f('ck_consents_channel')),
    sa.CheckConstraint("purpose IN ('registration', 'share_with_exhibitors', 'leave_contact', 'b2b', 'messages')", name=op.f('ck_consents_purpose')),
    sa.CheckConstraint("recipient_kind IN ('organiser', 'exhibitors', 'exhibitor', 'buyer')", name=op.f('ck_consents_recipient_kind')),
    sa.CheckConstraint("recipient_kind NOT IN ('exhibitor', 'buyer') OR recipient_business_id IS NOT NULL", name=op.f('ck_consents_named_recipient')),
    sa.ForeignKeyConstraint(['badge_id'], ['badges.id'], name=op.f('fk_consents_badge_id_badges'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['buyer_id'], ['b2b_buyers.id'], name=op.f('fk_consents_buyer_id_b2b_buyers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_consents_lead_id_leads'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organizer_id'], ['organizers.id'], name=op.f('fk_consents_organizer_id_organizers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_business_id'], ['businesses.id'], name=op.f('fk_consents_recipient_business_id_businesses'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['week_id'], ['exhibition_weeks.id'], name=op.f('fk_consents_week_id_exhibition_weeks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents'))
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index('ix_consents_badge', ['badge_id'], unique=False)
        batch_op.create_index('ix_consents_lead', ['lead_id'], unique=False)
        batch_op.create_index('ix_consents_subject_email', ['organizer_id', 'subject_email'], unique=False)
        batch_op.create_index('ix_consents_subject_phone', ['organizer_id', 'subject_phone'], unique=False)
        batch_op.create_index('ix_consents_week_purpose', ['week_id', 'purpose'], unique=False)

    op.create_table('data_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organizer_id', sa.Integer(), nullable=False),
    sa.Column('week_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('subject_name', sa.String(length=200), nullable=False),
    sa.Column('subject_phone', sa.String(length=20), nullable=False),
    sa.Column('subject_email', sa.String(length=254), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('via', sa.String(length=20), nullable=False),
    sa.Column('consent_id', sa.Integer(), nullable=True),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledge_due', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('extended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('extension_reason', sa.Text(), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.CheckConstraint("kind IN ('access', 'correction', 'deletion', 'stop', 'withdrawal')", name=op.f('ck_data_requests_kind')),
    sa.CheckConstraint("status IN ('received', 'acknowledged', 'forwarded', 'completed', 'refused')", name=op.f('ck_data_requests_status')),
    sa.ForeignKeyConstraint(['consent_id'], ['consents.id'], name=op.f('fk_data_requests_consent_id_consents'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_data_requests_entered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organizer_id'], ['organizers.id'], name=op.f('fk_data_requests_organizer_id_organizers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['week_id'], ['exhibition_weeks.id'], name=op.f('fk_data_requests_week_id_exhibition_weeks'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_requests'))
    )
    with op.batch_alter_table('data_requests', schema=None) as batch_op:
        batch_op.create_index('ix_data_requests_open', ['organizer_id', 'due_at'], unique=False, sqlite_where=sa.text("status NOT IN ('completed', 'refused')"), postgresql_where=sa.text("status NOT IN ('completed', 'refused')"))

    op.create_table('data_request_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_data_request_tasks_business_id_businesses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_data_request_tasks_confirmed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['data_requests.id'], name=op.f('fk_data_request_tasks_request_id_data_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_request_tasks')),
    sa.UniqueConstraint('request_id', 'business_id', name='uq_data_request_tasks')
    )
    with op.batch_alter_table('data_request_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_data_request_tasks_business', ['business_id', 'confirmed_at'], unique=False)

    with op.batch_alter_table('booths', schema=None) as batch_op:
        batch_op.add_column(sa.Column('x_m', sa.Float(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('y_m', sa.Float(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('w_m', sa.Float(), server_default='3', nullable=False))
        batch_op.add_column(sa.Column('h_m', sa.Float(), server_default='3', nullable=False))
        batch_op.add_column(sa.Column('rotation', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('outline', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('cluster_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_booths_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_booths_merged_into_id_booths'), 'booths', ['merged_into_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_booths_cluster_id_booth_clusters'), 'booth_clusters', ['cluster_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('exhibition_weeks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('personal_data_months', sa.Integer(), server_default='12', nullable=False))
        batch_op.add_column(sa.Column('personal_data_purged_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('halls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('width_m', sa.Float(), server_default='40', nullable=False))
        batch_op.add_column(sa.Column('depth_m', sa.Float(), server_default='20', nullable=False))
        batch_op.add_column(sa.Column('drawing_key', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('drawing_kind', sa.String(length=8), server_default='', nullable=False))
        batch_op.add_column(sa.Column('drawing_width_px', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('drawing_height_px', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('drawing_px_per_m', sa.Float(), nullable=True))

    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))

    # grid plans convert as they are: one cell is one metre
    op.execute("UPDATE halls SET width_m = grid_width, depth_m = grid_height")
    op.execute("UPDATE booths SET x_m = grid_x, y_m = grid_y, w_m = grid_w, h_m = grid_h")


def downgrade():
    # not batch: SQLite would copy these tables and rewrite their column CHECKs as table
    # CHECKs, which an older revision's DROP COLUMN (review_days) then cannot get past
    for table, column in (("leads", "withdrawn_at"), ("halls", "drawing_px_per_m"),
                          ("halls", "drawing_height_px"), ("halls", "drawing_width_px"),
                          ("halls", "drawing_kind"), ("halls", "drawing_key"),
                          ("halls", "depth_m"), ("halls", "width_m"),
                          ("exhibition_weeks", "personal_data_purged_at"),
                          ("exhibition_weeks", "personal_data_months")):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")

    with op.batch_alter_table('booths', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_booths_cluster_id_booth_clusters'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_booths_merged_into_id_booths'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_booths_cluster_id'))
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('retired_at')
        batch_op.drop_column('cluster_id')
        batch_op.drop_column('outline')
        batch_op.drop_column('rotation')
        batch_op.drop_column('h_m')
        batch_op.drop_column('w_m')
        batch_op.drop_column('y_m')
        batch_op.drop_column('x_m')

    with op.batch_alter_table('data_request_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_data_request_tasks_business')

    op.drop_table('data_request_tasks')
    with op.batch_alter_table('data_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_data_requests_open', sqlite_where=sa.text("status NOT IN ('completed', 'refused')"), postgresql_where=sa.text("status NOT IN ('completed', 'refused')"))

    op.drop_table('data_requests')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index('ix_consents_week_purpose')
        batch_op.drop_index('ix_consents_subject_phone')
        batch_op.drop_index('ix_consents_subject_email')
        batch_op.drop_index('ix_consents_lead')
        batch_op.drop_index('ix_consents_badge')

    op.drop_table('consents')
    with op.batch_alter_table('plan_elements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_elements_hall_id'))

    op.drop_table('plan_elements')
    with op.batch_alter_table('cluster_coordinators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cluster_coordinators_user_id'))

    op.drop_table('cluster_coordinators')
    with op.batch_alter_table('plan_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_versions_week_id'))

    op.drop_table('plan_versions')
    op.drop_table('plan_drafts')
    with op.batch_alter_table('booth_clusters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booth_clusters_week_id'))

    op.drop_table('booth_clusters')
