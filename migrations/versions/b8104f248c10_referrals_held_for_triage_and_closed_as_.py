"""Referrals held for triage (their first-contact due date) and closed at triage as not proceeding

Revision ID: b8104f248c10
Revises: 719249ffa60f
Create Date: 2026-12-06 11:54:03.175064

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8104f248c10'
down_revision = '719249ffa60f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_contact_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('not_proceeding_reason', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('not_proceeding_detail', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_referrals_closed_by_id_users'), 'users', ['closed_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_referrals_closed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('closed_by_id')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('not_proceeding_detail')
        batch_op.drop_column('not_proceeding_reason')
        batch_op.drop_column('first_contact_due')
