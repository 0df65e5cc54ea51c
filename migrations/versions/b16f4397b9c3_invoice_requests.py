"""invoice requests

Revision ID: b16f4397b9c3
Revises: 1e5bb64bffff
Create Date: 2026-12-05 12:56:42.844626

- invoice_requests: what an e-invoice for a payment received needs (seller, buyer, lines, VAT,
  totals, the payment's day), prepared with the payment, and the number, symbol and lookup code
  the organiser's provider gave it; corrections are new rows (adjustment, replacement) pointing
  at their original. One original per payment; an invoice number once per organiser and symbol.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b16f4397b9c3'
down_revision = '1e5bb64bffff'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('invoice_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organizer_id', sa.Integer(), nullable=False),
    sa.Column('week_id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('original_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('invoice_date', sa.Date(), nullable=False),
    sa.Column('payment_kind', sa.String(length=10), nullable=False),
    sa.Column('seller', sa.JSON(), nullable=False),
    sa.Column('buyer', sa.JSON(), nullable=False),
    sa.Column('lines', sa.JSON(), nullable=False),
    sa.Column('vat_percent', sa.Integer(), nullable=False),
    sa.Column('amount_before_vat_vnd', sa.BigInteger(), nullable=False),
    sa.Column('vat_vnd', sa.BigInteger(), nullable=False),
    sa.Column('total_vnd', sa.BigInteger(), nullable=False),
    sa.Column('amount_in_words', sa.String(length=400), nullable=False),
    sa.Column('contract_number', sa.String(length=60), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('invoice_number', sa.String(length=8), nullable=False),
    sa.Column('invoice_symbol', sa.String(length=7), nullable=False),
    sa.Column('lookup_code', sa.String(length=100), nullable=False),
    sa.Column('provider', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('exported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('invoiced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('invoiced_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind = 'original' OR original_id IS NOT NULL", name=op.f('ck_invoice_requests_correction_of')),
    sa.CheckConstraint("kind IN ('original', 'adjustment', 'replacement')", name=op.f('ck_invoice_requests_kind')),
    sa.CheckConstraint("status != 'invoiced' OR invoice_number != ''", name=op.f('ck_invoice_requests_invoiced_number')),
    sa.CheckConstraint("status IN ('prepared', 'exported', 'invoiced', 'adjusted', 'replaced', 'cancelled')", name=op.f('ck_invoice_requests_status')),
    sa.CheckConstraint('total_vnd = amount_before_vat_vnd + vat_vnd', name=op.f('ck_invoice_requests_amounts')),
    sa.CheckConstraint('vat_percent BETWEEN 0 AND 20', name=op.f('ck_invoice_requests_vat_percent')),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_invoice_requests_business_id_businesses'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_invoice_requests_document_id_documents'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['invoiced_by_id'], ['users.id'], name=op.f('fk_invoice_requests_invoiced_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organizer_id'], ['organizers.id'], name=op.f('fk_invoice_requests_organizer_id_organizers'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['original_id'], ['invoice_requests.id'], name=op.f('fk_invoice_requests_original_id_invoice_requests'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_invoice_requests_payment_id_payments'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['week_id'], ['exhibition_weeks.id'], name=op.f('fk_invoice_requests_week_id_exhibition_weeks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_requests'))
    )
    with op.batch_alter_table('invoice_requests', schema=None) as batch_op:
        batch_op.create_index('ix_invoice_requests_business', ['business_id', 'week_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_requests_original_id'), ['original_id'], unique=False)
        batch_op.create_index('ix_invoice_requests_week_status', ['week_id', 'status'], unique=False)
        batch_op.create_index('uq_invoice_requests_number', ['organizer_id', 'invoice_symbol', 'invoice_number'], unique=True, sqlite_where=sa.text("invoice_number != ''"), postgresql_where=sa.text("invoice_number != ''"))
        batch_op.create_index('uq_invoice_requests_payment', ['payment_id'], unique=True, sqlite_where=sa.text("kind = 'original'"), postgresql_where=sa.text("kind = 'original'"))



def downgrade():
    with op.batch_alter_table('invoice_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_invoice_requests_payment', sqlite_where=sa.text("kind = 'original'"), postgresql_where=sa.text("kind = 'original'"))
        batch_op.drop_index('uq_invoice_requests_number', sqlite_where=sa.text("invoice_number != ''"), postgresql_where=sa.text("invoice_number != ''"))
        batch_op.drop_index('ix_invoice_requests_week_status')
        batch_op.drop_index(batch_op.f('ix_invoice_requests_original_id'))
        batch_op.drop_index('ix_invoice_requests_business')

    op.drop_table('invoice_requests')
