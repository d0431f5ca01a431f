"""Audit events are appended without a lock and sealed into the chain after commit (issue 14): seq, prev_hash
and hash stay empty until the sealer fills them, a partial index finds the unsealed ones, and on PostgreSQL the
append-only guard allows exactly that one UPDATE (an unsealed event sealed, nothing else changed).

Revision ID: 2b370e9447d3
Revises: 741e026a96f5
Create Date: 2026-12-06 14:46:54.511452

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2b370e9447d3'
down_revision = '741e026a96f5'
branch_labels = None
depends_on = None

# The guard of the initial schema, which refuses every UPDATE, DELETE and TRUNCATE (also the TRUNCATE trigger's).
STRICT_GUARD = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""
# The same, but an event not yet sealed may be sealed once: seq, prev_hash and hash go from empty to set, and
# every other column stays exactly as it was (compared as jsonb, so the json column compares too).
SEALING_GUARD = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND OLD.prev_hash IS NULL AND OLD.hash IS NULL
       AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
       AND (to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash') = (to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('seq',
               existing_type=sa.BIGINT(),
               nullable=True)
        batch_op.alter_column('prev_hash',
               existing_type=sa.VARCHAR(length=64),
               nullable=True)
        batch_op.alter_column('hash',
               existing_type=sa.VARCHAR(length=64),
               nullable=True)
        batch_op.create_index('ix_audit_events_unsealed', ['id'], unique=False,
                              postgresql_where=sa.text('seq IS NULL'), sqlite_where=sa.text('seq IS NULL'))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(SEALING_GUARD)


def downgrade():
    # Seal every waiting event first (`flask audit seal`): the columns become NOT NULL again.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(STRICT_GUARD)
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_unsealed', postgresql_where=sa.text('seq IS NULL'),
                            sqlite_where=sa.text('seq IS NULL'))
        batch_op.alter_column('hash',
               existing_type=sa.VARCHAR(length=64),
               nullable=False)
        batch_op.alter_column('prev_hash',
               existing_type=sa.VARCHAR(length=64),
               nullable=False)
        batch_op.alter_column('seq',
               existing_type=sa.BIGINT(),
               nullable=False)

