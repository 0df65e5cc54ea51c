"""invoice requests: a correction's original without RESTRICT

Revision ID: 57480abb2099
Revises: fb09968c22dc
Create Date: 2026-12-05 13:01:49.937965

A correction's original (invoice_requests.original_id) is kept by NO ACTION instead of RESTRICT:
an original with corrections still cannot be deleted alone, but a statement that deletes both
(as SQLite checks RESTRICT row by row, before the statement ends) no longer fails.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '57480abb2099'
down_revision = 'fb09968c22dc'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invoice_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invoice_requests_original_id_invoice_requests'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_invoice_requests_original_id_invoice_requests'), 'invoice_requests', ['original_id'], ['id'], ondelete='NO ACTION')


def downgrade():
    with op.batch_alter_table('invoice_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invoice_requests_original_id_invoice_requests'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_invoice_requests_original_id_invoice_requests'), 'invoice_requests', ['original_id'], ['id'], ondelete='RESTRICT')
