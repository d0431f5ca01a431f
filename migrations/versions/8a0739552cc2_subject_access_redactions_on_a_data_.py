"""Subject access redactions on a data-rights request

Revision ID: 8a0739552cc2
Revises: 808d510c908b
Create Date: 2026-12-06 14:53:30.960039

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8a0739552cc2'
down_revision = '808d510c908b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('data_rights_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('redactions', sa.JSON(), nullable=True))



def downgrade():
    with op.batch_alter_table('data_rights_requests', schema=None) as batch_op:
        batch_op.drop_column('redactions')

