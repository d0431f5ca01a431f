"""Report roll-ups: rollup_cases (and rollup_purged_cases), built from the existing cases; a partial index for
the cases not yet due for first contact.

Revision ID: 741e026a96f5
Revises: ba95363d567d
Create Date: 2026-12-06 14:43:07.620060

"""
from collections import Counter
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '741e026a96f5'
down_revision = 'ba95363d567d'
branch_labels = None
depends_on = None

NOT_YET_DUE = "first_contact_working_days IS NULL AND status NOT IN ('declined', 'transferred')"
COUNTS = ("received", "in_time", "accepted", "pending")


def _table(name):
    return op.create_table(
        name,
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('borough_code', sa.String(length=9), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('enhanced', sa.Boolean(), nullable=False),
        sa.Column('days', sa.Integer(), nullable=False),
        sa.Column('received', sa.Integer(), server_default='0', nullable=False),
        sa.Column('in_time', sa.Integer(), server_default='0', nullable=False),
        sa.Column('accepted', sa.Integer(), server_default='0', nullable=False),
        sa.Column('pending', sa.Integer(), server_default='0', nullable=False),
        sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f(f'fk_{name}_service_id_services')),
        sa.PrimaryKeyConstraint('service_id', 'borough_code', 'month', 'enhanced', 'days', name=op.f(f'pk_{name}')),
    )


def _build_from_cases(rollup_cases):
    """The roll-ups of the cases already there (what `flask rollups rebuild` would make)."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(f"""
            INSERT INTO rollup_cases (service_id, borough_code, month, enhanced, days, {', '.join(COUNTS)})
            SELECT service_id, coalesce(borough_code, ''),
                   date_trunc('month', timezone('Europe/London', received_at))::date,
                   enhanced, coalesce(first_contact_working_days, -1),
                   count(*), count(*) FILTER (WHERE first_contact_in_time), count(accepted_at),
                   count(*) FILTER (WHERE {NOT_YET_DUE})
            FROM cases GROUP BY 1, 2, 3, 4, 5
        """)
        return
    london, totals = ZoneInfo("Europe/London"), Counter()
    rows = bind.execute(sa.text(
        "SELECT service_id, borough_code, received_at, enhanced, first_contact_working_days, "
        "first_contact_in_time, accepted_at, status FROM cases"))
    for row in rows:
        received = row.received_at if isinstance(row.received_at, datetime) else datetime.fromisoformat(row.received_at)
        received = received if received.tzinfo else received.replace(tzinfo=timezone.utc)  # SQLite keeps UTC
        days = row.first_contact_working_days
        key = (row.service_id, row.borough_code or "", received.astimezone(london).date().replace(day=1),
               bool(row.enhanced), -1 if days is None else days)
        totals[key + ("received",)] += 1
        totals[key + ("in_time",)] += int(bool(row.first_contact_in_time))
        totals[key + ("accepted",)] += int(row.accepted_at is not None)
        totals[key + ("pending",)] += int(days is None and row.status not in ("declined", "transferred"))
    keys = sorted({k[:5] for k in totals})
    if keys:
        op.bulk_insert(rollup_cases, [
            dict(zip(("service_id", "borough_code", "month", "enhanced", "days"), key),
                 **{name: totals[key + (name,)] for name in COUNTS}) for key in keys])


def upgrade():
    rollup_cases = _table('rollup_cases')
    _table('rollup_purged_cases')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_not_yet_due', ['first_contact_due'], unique=False,
                              postgresql_where=sa.text(NOT_YET_DUE), sqlite_where=sa.text(NOT_YET_DUE))
    _build_from_cases(rollup_cases)


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_not_yet_due', postgresql_where=sa.text(NOT_YET_DUE),
                            sqlite_where=sa.text(NOT_YET_DUE))
    op.drop_table('rollup_purged_cases')
    op.drop_table('rollup_cases')
