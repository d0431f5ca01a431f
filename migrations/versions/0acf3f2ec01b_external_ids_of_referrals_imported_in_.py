"""External ids of referrals imported in bulk: the source system's id, unique, so a second import of the same
row finds the first and creates nothing

Revision ID: 0acf3f2ec01b
Revises: b8104f248c10
Create Date: 2026-12-06 11:55:05.505200

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0acf3f2ec01b'
down_revision = 'b8104f248c10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_id', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_referrals_external_id'), ['external_id'])


def downgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_referrals_external_id'), type_='unique')
        batch_op.drop_column('external_id')
