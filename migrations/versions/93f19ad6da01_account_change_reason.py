"""Account changes: a reason, for the administrator's request to reset a member of staff's second factor

(kind "second-factor-reset", approved by a second person like any other account change).

Revision ID: 93f19ad6da01
Revises: 0c0976355e5d
Create Date: 2026-12-06 15:49:25.792014

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '93f19ad6da01'
down_revision = '0c0976355e5d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('account_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('account_changes', schema=None) as batch_op:
        batch_op.drop_column('reason')
