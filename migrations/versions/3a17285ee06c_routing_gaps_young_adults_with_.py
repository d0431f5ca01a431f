"""Routing gaps: young adults with additional needs go to the Child House, an acute sexual assault is
signposted to the Havens, and restorative justice for stalking, harassment, trafficking and child sexual
exploitation is flagged for a specialist risk assessment. Existing referrals had none of the new flags (false).

Revision ID: 3a17285ee06c
Revises: 2449b1d02599
Create Date: 2026-12-06 14:42:33.025549

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3a17285ee06c'
down_revision = '2449b1d02599'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('specialist_risk_reason', sa.Text(), nullable=True))

    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trafficking', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('child_sexual_exploitation', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('additional_needs', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('signposted_to', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('signposting_reason', sa.Text(), nullable=True))



def downgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_column('signposting_reason')
        batch_op.drop_column('signposted_to')
        batch_op.drop_column('additional_needs')
        batch_op.drop_column('child_sexual_exploitation')
        batch_op.drop_column('trafficking')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('specialist_risk_reason')

