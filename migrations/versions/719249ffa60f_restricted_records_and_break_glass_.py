"""Restricted records and break-glass access

Revision ID: 719249ffa60f
Revises: 2fbce419643c
Create Date: 2026-12-06 11:35:00.517769

A restricted person's records open only for the staff named on the restriction; everyone else breaks the glass
(with a reason, for a limited time), and each break-glass access waits on a review list for a lead's judgement.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '719249ffa60f'
down_revision = '2fbce419643c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('record_restrictions',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_record_restrictions_created_by_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_record_restrictions_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_record_restrictions'))
    )
    op.create_table('record_restriction_users',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['record_restrictions.person_id'], name=op.f('fk_record_restriction_users_person_id_record_restrictions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_record_restriction_users_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'user_id', name=op.f('pk_record_restriction_users'))
    )
    op.create_table('break_glass_accesses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('justified', sa.Boolean(), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_break_glass_accesses_case_id_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_break_glass_accesses_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_break_glass_accesses_referral_id_referrals'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_break_glass_accesses_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_break_glass_accesses_service_id_services')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_break_glass_accesses_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_break_glass_accesses'))
    )
    with op.batch_alter_table('break_glass_accesses', schema=None) as batch_op:
        batch_op.create_index('ix_break_glass_person_user', ['person_id', 'user_id', 'expires_at'], unique=False)
        batch_op.create_index('ix_break_glass_review', ['reviewed_at', 'granted_at'], unique=False)



def downgrade():
    with op.batch_alter_table('break_glass_accesses', schema=None) as batch_op:
        batch_op.drop_index('ix_break_glass_review')
        batch_op.drop_index('ix_break_glass_person_user')

    op.drop_table('break_glass_accesses')
    op.drop_table('record_restriction_users')
    op.drop_table('record_restrictions')
