"""Contact attempts against the victim's wishes: which rule, and the reason the advocate gave

Revision ID: 8b51f15343e3
Revises: 02af0cd0bc56
Create Date: 2026-12-06 11:34:36.212024

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8b51f15343e3'
down_revision = '02af0cd0bc56'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contact_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('against_rule', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('against_rule_reason', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('contact_attempts', schema=None) as batch_op:
        batch_op.drop_column('against_rule_reason')
        batch_op.drop_column('against_rule')
