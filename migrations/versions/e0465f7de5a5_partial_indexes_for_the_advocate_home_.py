"""Partial indexes for the advocate's home counts (issue 14): open cases nobody is assigned, open cases whose
closure waits for the lead, and tasks not done by due date; each capped count reads a few index entries.

Revision ID: e0465f7de5a5
Revises: 8a0739552cc2
Create Date: 2026-12-06 15:26:45.811444

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e0465f7de5a5'
down_revision = '8a0739552cc2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_closure_requested', ['service_id'], unique=False, postgresql_where=sa.text("status IN ('new', 'accepted', 'in-progress') AND closure_requested_at IS NOT NULL"), sqlite_where=sa.text("status IN ('new', 'accepted', 'in-progress') AND closure_requested_at IS NOT NULL"))
        batch_op.create_index('ix_cases_open_unassigned', ['service_id', 'id'], unique=False, postgresql_where=sa.text("status IN ('new', 'accepted', 'in-progress') AND assigned_to_id IS NULL"), sqlite_where=sa.text("status IN ('new', 'accepted', 'in-progress') AND assigned_to_id IS NULL"))

    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index('ix_tasks_open_due', ['due_on', 'case_id'], unique=False, postgresql_where=sa.text('done_at IS NULL'), sqlite_where=sa.text('done_at IS NULL'))



def downgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_open_due', postgresql_where=sa.text('done_at IS NULL'), sqlite_where=sa.text('done_at IS NULL'))

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_open_unassigned', postgresql_where=sa.text("status IN ('new', 'accepted', 'in-progress') AND assigned_to_id IS NULL"), sqlite_where=sa.text("status IN ('new', 'accepted', 'in-progress') AND assigned_to_id IS NULL"))
        batch_op.drop_index('ix_cases_closure_requested', postgresql_where=sa.text("status IN ('new', 'accepted', 'in-progress') AND closure_requested_at IS NOT NULL"), sqlite_where=sa.text("status IN ('new', 'accepted', 'in-progress') AND closure_requested_at IS NOT NULL"))

