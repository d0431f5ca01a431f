"""coded reasons for declines, transfers and overrides; complaint agency and agency response on VC cases

Revision ID: 4bea961f0a93
Revises: 7f12c8301ebf
Create Date: 2026-11-27 03:43:12.959545

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4bea961f0a93'
down_revision = '7f12c8301ebf'
branch_labels = None
depends_on = None


# PostgreSQL: the row trigger from the first migration stops UPDATE and DELETE, but TRUNCATE fires no row
# triggers. A statement trigger calling the same function closes that gap for anyone who may truncate the table
# (the owner can still disable it; docs/database-roles.md keeps the app's role from owning it).
AUDIT_TRUNCATE_GUARD = """
CREATE TRIGGER audit_events_no_truncate
BEFORE TRUNCATE ON audit_events
FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(AUDIT_TRUNCATE_GUARD)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decline_reason_code', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('transfer_reason_code', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('complaint_agency', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('complaint_code_right', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('response_requested_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('response_due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('response_received_on', sa.Date(), nullable=True))

    # The complaint's agency and Code right now live on the Victims' Commissioner's case (coded, so reports can
    # publish them). Nothing ever wrote these referral columns. Plain DROP COLUMN (SQLite 3.35+, PostgreSQL)
    # rather than a batch copy of the referrals table.
    op.drop_column('referrals', 'complaint_agency')
    op.drop_column('referrals', 'complaint_code_right')

    with op.batch_alter_table('routing_decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_code', sa.String(length=32), nullable=True))



def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
    with op.batch_alter_table('routing_decisions', schema=None) as batch_op:
        batch_op.drop_column('reason_code')

    op.add_column('referrals', sa.Column('complaint_code_right', sa.VARCHAR(length=40), nullable=True))
    op.add_column('referrals', sa.Column('complaint_agency', sa.VARCHAR(length=120), nullable=True))

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('response_received_on')
        batch_op.drop_column('response_due_on')
        batch_op.drop_column('response_requested_on')
        batch_op.drop_column('complaint_code_right')
        batch_op.drop_column('complaint_agency')
        batch_op.drop_column('transfer_reason_code')
        batch_op.drop_column('decline_reason_code')

