"""data-rights requests and their pauses

Revision ID: 3645385ab9c2
Revises: b8fb4ac3154c
Create Date: 2026-12-06 14:41:20.493072

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3645385ab9c2'
down_revision = 'b8fb4ac3154c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('data_rights_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('requester', sa.String(length=20), nullable=False),
    sa.Column('requester_name', sa.String(length=120), nullable=True),
    sa.Column('authority_seen', sa.Text(), nullable=True),
    sa.Column('identity_check', sa.String(length=32), nullable=False),
    sa.Column('identity_check_note', sa.Text(), nullable=True),
    sa.Column('scope', sa.Text(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('extension_months', sa.Integer(), server_default='0', nullable=False),
    sa.Column('extension_reason', sa.Text(), nullable=True),
    sa.Column('extension_told_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='open', nullable=False),
    sa.Column('outcome_note', sa.Text(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('corrected_fields', sa.JSON(), nullable=True),
    sa.Column('correction_reason', sa.Text(), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_data_rights_requests_created_by_id_users')),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_data_rights_requests_handled_by_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_data_rights_requests_person_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_data_rights_requests_referral_id_referrals'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_rights_requests'))
    )
    with op.batch_alter_table('data_rights_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_rights_requests_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_data_rights_requests_status_due', ['status', 'due_on'], unique=False)

    op.create_table('data_rights_pauses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('paused_on', sa.Date(), nullable=False),
    sa.Column('resumed_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_data_rights_pauses_created_by_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['data_rights_requests.id'], name=op.f('fk_data_rights_pauses_request_id_data_rights_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_rights_pauses'))
    )
    with op.batch_alter_table('data_rights_pauses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_rights_pauses_request_id'), ['request_id'], unique=False)



def downgrade():
    with op.batch_alter_table('data_rights_pauses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_rights_pauses_request_id'))

    op.drop_table('data_rights_pauses')
    with op.batch_alter_table('data_rights_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_data_rights_requests_status_due')
        batch_op.drop_index(batch_op.f('ix_data_rights_requests_person_id'))

    op.drop_table('data_rights_requests')
