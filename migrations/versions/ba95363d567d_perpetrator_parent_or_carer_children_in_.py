"""Perpetrator, parent or carer, children in the household, preferred contact times (referral form, issue 11)

All new columns are nullable: existing referrals simply have none of these answers.

Revision ID: ba95363d567d
Revises: 3a17285ee06c
Create Date: 2026-12-06 14:41:49.529181

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ba95363d567d'
down_revision = '3a17285ee06c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('parent_carers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('relationship_to_victim', sa.String(length=32), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('safe_to_contact', sa.Boolean(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_parent_carers_referral_id_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parent_carers'))
    )
    with op.batch_alter_table('parent_carers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parent_carers_referral_id'), ['referral_id'], unique=False)

    op.create_table('perpetrators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('relationship_to_victim', sa.String(length=32), nullable=True),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('lives_with_victim', sa.Boolean(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_perpetrators_referral_id_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_perpetrators'))
    )
    with op.batch_alter_table('perpetrators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_perpetrators_referral_id'), ['referral_id'], unique=False)

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preferred_contact_times', sa.JSON(), nullable=True))

    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('children_in_household', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('household_children_details', sa.Text(), nullable=True))



def downgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_column('household_children_details')
        batch_op.drop_column('children_in_household')

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('preferred_contact_times')

    with op.batch_alter_table('perpetrators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_perpetrators_referral_id'))

    op.drop_table('perpetrators')
    with op.batch_alter_table('parent_carers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parent_carers_referral_id'))

    op.drop_table('parent_carers')
