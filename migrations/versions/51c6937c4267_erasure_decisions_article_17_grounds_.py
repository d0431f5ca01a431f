"""erasure decisions: article 17 grounds and exemptions with reasons, on erasure requests

Revision ID: 51c6937c4267
Revises: e0465f7de5a5
Create Date: 2026-12-06 15:29:49.575570

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '51c6937c4267'
down_revision = 'e0465f7de5a5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('erasure_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('grounds', sa.JSON(), nullable=False),
    sa.Column('exemptions', sa.JSON(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('records', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_erasure_decisions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_erasure_decisions_person_id_people')),
    sa.ForeignKeyConstraint(['request_id'], ['data_rights_requests.id'], name=op.f('fk_erasure_decisions_request_id_data_rights_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_decisions')),
    sa.UniqueConstraint('request_id', name=op.f('uq_erasure_decisions_request_id'))
    )


def downgrade():
    op.drop_table('erasure_decisions')
