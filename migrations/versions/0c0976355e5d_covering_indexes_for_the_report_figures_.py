"""Covering indexes for the report figures that depend on today (not yet due, overdue now): PostgreSQL answers
them from the index alone rather than visiting each case (measured: 0.68 s of a 0.88 s report at 1,000,000
cases went on fetching 25,000 overdue cases from the table).

Revision ID: 0c0976355e5d
Revises: de6842d9ecf3
Create Date: 2026-12-06 15:45:07.139077

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0c0976355e5d'
down_revision = 'de6842d9ecf3'
branch_labels = None
depends_on = None

INCLUDE = ['received_at', 'service_id', 'borough_code', 'enhanced']
OVERDUE = sa.text("status IN ('new', 'accepted', 'in-progress') AND first_contacted_at IS NULL")
NOT_YET_DUE = sa.text("first_contact_working_days IS NULL AND status NOT IN ('declined', 'transferred')")


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_not_yet_due', postgresql_where=NOT_YET_DUE, sqlite_where=NOT_YET_DUE)
        batch_op.create_index('ix_cases_not_yet_due', ['first_contact_due'], unique=False,
                              postgresql_where=NOT_YET_DUE, sqlite_where=NOT_YET_DUE, postgresql_include=INCLUDE)
        batch_op.create_index('ix_cases_overdue_report', ['first_contact_due'], unique=False,
                              postgresql_where=OVERDUE, sqlite_where=OVERDUE, postgresql_include=INCLUDE)


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_overdue_report', postgresql_where=OVERDUE, sqlite_where=OVERDUE)
        batch_op.drop_index('ix_cases_not_yet_due', postgresql_where=NOT_YET_DUE, sqlite_where=NOT_YET_DUE)
        batch_op.create_index('ix_cases_not_yet_due', ['first_contact_due'], unique=False,
                              postgresql_where=NOT_YET_DUE, sqlite_where=NOT_YET_DUE)
