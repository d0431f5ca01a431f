"""Webhook signing secrets encrypted at rest

Revision ID: d1a4e8b2c6f0
Revises: c7df4fbb9730
Create Date: 2026-12-06 11:50:00

Anyone who could read the database could sign webhooks as victimcare with a partner's secret. The column becomes
Text holding ``enc1:`` and a Fernet token (victimcare/crypto.py); existing secrets are encrypted in place, and a
downgrade decrypts them again.
"""
from alembic import op
import sqlalchemy as sa


revision = 'd1a4e8b2c6f0'
down_revision = 'c7df4fbb9730'
branch_labels = None
depends_on = None

_endpoints = sa.table('webhook_endpoints', sa.column('id', sa.Integer), sa.column('secret', sa.Text))


def _rewrite(convert):
    connection = op.get_bind()
    for endpoint_id, secret in connection.execute(sa.select(_endpoints.c.id, _endpoints.c.secret)).all():
        new = convert(secret)
        if new != secret:
            connection.execute(_endpoints.update().where(_endpoints.c.id == endpoint_id).values(secret=new))


def upgrade():
    from victimcare import crypto

    with op.batch_alter_table('webhook_endpoints') as batch_op:
        batch_op.alter_column('secret', existing_type=sa.String(length=200), type_=sa.Text(), existing_nullable=False)
    _rewrite(lambda s: s if s.startswith(crypto.PREFIX) else crypto.encrypt(s))


def downgrade():
    from victimcare import crypto

    _rewrite(lambda s: crypto.decrypt(s) if s.startswith(crypto.PREFIX) else s)
    with op.batch_alter_table('webhook_endpoints') as batch_op:
        batch_op.alter_column('secret', existing_type=sa.Text(), type_=sa.String(length=200), existing_nullable=False)
