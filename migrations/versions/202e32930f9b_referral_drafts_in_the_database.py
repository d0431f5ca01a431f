"""Referral drafts move from files on one app server into the database (encrypted answers), so a journey
can go from server to server page by page.

Revision ID: 202e32930f9b
Revises: ae40ac404b20
Create Date: 2026-12-06 14:41:11.925439

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '202e32930f9b'
down_revision = 'ae40ac404b20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('referral_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('answers', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_referral_drafts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_drafts')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_referral_drafts_token_hash'))
    )
    with op.batch_alter_table('referral_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_drafts_updated_at'), ['updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_drafts_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('referral_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_drafts_user_id'))
        batch_op.drop_index(batch_op.f('ix_referral_drafts_updated_at'))

    op.drop_table('referral_drafts')
