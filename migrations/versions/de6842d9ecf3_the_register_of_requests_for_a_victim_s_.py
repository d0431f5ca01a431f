"""The register of requests for a victim's records

Revision ID: de6842d9ecf3
Revises: 51c6937c4267
Create Date: 2026-12-06 15:38:38.393778

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'de6842d9ecf3'
down_revision = '51c6937c4267'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('records_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('requester_kind', sa.String(length=16), nullable=False),
    sa.Column('requester_name', sa.String(length=200), nullable=False),
    sa.Column('records_kind', sa.String(length=24), nullable=False),
    sa.Column('records_sought', sa.Text(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('victim_told_on', sa.Date(), nullable=True),
    sa.Column('victim_response', sa.Text(), nullable=True),
    sa.Column('decision', sa.String(length=20), server_default='pending', nullable=False),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('disclosed_what', sa.Text(), nullable=True),
    sa.Column('disclosed_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_records_requests_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_records_requests_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_records_requests'))
    )
    with op.batch_alter_table('records_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_records_requests_case_id'), ['case_id'], unique=False)



def downgrade():
    with op.batch_alter_table('records_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_records_requests_case_id'))

    op.drop_table('records_requests')
