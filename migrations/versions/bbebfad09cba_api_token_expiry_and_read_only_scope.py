"""API tokens expire (API_TOKEN_DAYS) and may be read-only. Tokens made before this expire 90 days from the
upgrade, so partners have time to take new ones.

Revision ID: bbebfad09cba
Revises: 7852f279ae40
Create Date: 2026-12-06 12:40:49.285883

"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bbebfad09cba'
down_revision = '7852f279ae40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('read_only', sa.Boolean(), nullable=False, server_default=sa.false()))
    tokens = sa.table('api_tokens', sa.column('expires_at', sa.DateTime(timezone=True)))
    expires = datetime.now(timezone.utc) + timedelta(days=90)
    if op.get_bind().dialect.name == 'sqlite':
        expires = expires.replace(tzinfo=None)  # the app stores UTC without an offset on SQLite
    op.execute(tokens.update().values(expires_at=expires))


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('read_only')
        batch_op.drop_column('expires_at')

