"""An index of purged people (issue 14), so the queue's and the home page's not-purged check reads a few index
entries: without it each capped count scanned every person (180 ms a count at 1,000,000 cases). On PostgreSQL the
partial indexes those counts read also include the case's referral (and the open-queue index its status), so the
check stays an index-only scan rather than fetching every counted case from the table.

Revision ID: a1f714f7401c
Revises: 1db5b99789cf
Create Date: 2026-12-06 17:37:07.819822

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1f714f7401c'
down_revision = '1db5b99789cf'
branch_labels = None
depends_on = None


OPEN = "status IN ('new', 'accepted', 'in-progress')"
COVERED = (  # name, columns, where, what is included
    ("ix_cases_open_queue", ["service_id", "first_contact_due", "id"], OPEN, ["referral_id", "status"]),
    ("ix_cases_awaiting_contact", ["service_id", "first_contact_due"], OPEN + " AND first_contacted_at IS NULL",
     ["referral_id"]),
    ("ix_cases_open_unassigned", ["service_id", "id"], OPEN + " AND assigned_to_id IS NULL", ["referral_id"]),
)


def _recreate_cases_indexes(include: bool) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite has no INCLUDE: its indexes stay as they were
    for name, columns, where, included in COVERED:
        op.drop_index(name, table_name="cases")
        op.create_index(name, "cases", columns, unique=False, postgresql_where=sa.text(where),
                        postgresql_include=included if include else [])


def upgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index('ix_people_purged', ['id'], unique=False, postgresql_where=sa.text('purged_at IS NOT NULL'), sqlite_where=sa.text('purged_at IS NOT NULL'))
    _recreate_cases_indexes(include=True)



def downgrade():
    _recreate_cases_indexes(include=False)
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index('ix_people_purged', postgresql_where=sa.text('purged_at IS NOT NULL'), sqlite_where=sa.text('purged_at IS NOT NULL'))

