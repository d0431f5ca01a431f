"""Attrition: a victim's withdrawal from the investigation or prosecution (one per case), with its reasons in a
table of their own so reports count them in SQL.

Revision ID: 808d510c908b
Revises: 1a2292655a95
Create Date: 2026-12-06 14:56:28.534573

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '808d510c908b'
down_revision = '1a2292655a95'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('justice_withdrawals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('withdrawn_on', sa.Date(), nullable=False),
    sa.Column('supported_by_advocate', sa.Boolean(), nullable=False),
    sa.Column('other_details', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_justice_withdrawals_case_id_cases')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_justice_withdrawals_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_justice_withdrawals')),
    sa.UniqueConstraint('case_id', name=op.f('uq_justice_withdrawals_case_id'))
    )
    op.create_table('justice_withdrawal_reasons',
    sa.Column('withdrawal_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['withdrawal_id'], ['justice_withdrawals.id'], name=op.f('fk_justice_withdrawal_reasons_withdrawal_id_justice_withdrawals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('withdrawal_id', 'reason', name=op.f('pk_justice_withdrawal_reasons'))
    )


def downgrade():
    op.drop_table('justice_withdrawal_reasons')
    op.drop_table('justice_withdrawals')
