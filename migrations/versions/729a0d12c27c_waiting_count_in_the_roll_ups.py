"""The roll-ups count the open cases not yet contacted ("waiting"), so "overdue now" is that less the few not
yet due (read from an index), rather than a count of every overdue case. Existing rows get theirs from the cases.

Revision ID: 729a0d12c27c
Revises: 93f19ad6da01
Create Date: 2026-12-06 16:02:00

"""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '729a0d12c27c'
down_revision = '93f19ad6da01'
branch_labels = None
depends_on = None

WAITING = "first_contacted_at IS NULL AND status IN ('new', 'accepted', 'in-progress')"


def upgrade():
    for table in ('rollup_cases', 'rollup_purged_cases'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('waiting', sa.Integer(), server_default='0', nullable=False))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(f"""
            UPDATE rollup_cases r SET waiting = w.n
            FROM (SELECT service_id, coalesce(borough_code, '') AS borough_code,
                         date_trunc('month', timezone('Europe/London', received_at))::date AS month,
                         enhanced, coalesce(first_contact_working_days, -1) AS days,
                         count(*) FILTER (WHERE {WAITING}) AS n
                  FROM cases GROUP BY 1, 2, 3, 4, 5) w
            WHERE r.service_id = w.service_id AND r.borough_code = w.borough_code AND r.month = w.month
              AND r.enhanced = w.enhanced AND r.days = w.days AND w.n > 0
        """)
        return
    london, waiting = ZoneInfo("Europe/London"), {}
    rows = bind.execute(sa.text(
        "SELECT service_id, borough_code, received_at, enhanced, first_contact_working_days FROM cases WHERE "
        + WAITING))
    for row in rows:
        received = row.received_at if isinstance(row.received_at, datetime) else datetime.fromisoformat(row.received_at)
        received = received if received.tzinfo else received.replace(tzinfo=timezone.utc)  # SQLite keeps UTC
        days = row.first_contact_working_days
        key = (row.service_id, row.borough_code or "", received.astimezone(london).date().replace(day=1).isoformat(),
               bool(row.enhanced), -1 if days is None else days)
        waiting[key] = waiting.get(key, 0) + 1
    for (service_id, borough, month, enhanced, days), n in waiting.items():
        bind.execute(sa.text(
            "UPDATE rollup_cases SET waiting = :n WHERE service_id = :s AND borough_code = :b AND month = :m "
            "AND enhanced = :e AND days = :d"), {"n": n, "s": service_id, "b": borough, "m": month, "e": enhanced,
                                                 "d": days})


def downgrade():
    for table in ('rollup_purged_cases', 'rollup_cases'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('waiting')
