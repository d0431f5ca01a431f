"""The breakdown roll-up by London day, London-wide: rollup_case_dimension_days (and its purged twin), built from
the existing cases (what `flask --app wsgi rollups rebuild` would make), so a report period's odd days at its
ends are read from it rather than counted from every case of those days (issue 14).

The purged twin starts empty: the reports read a day as the roll-up less its purged counts (the cases there are
now), and a case deleted before this migration is not in the recount either.

Revision ID: 0093697ff33c
Revises: d3a8b6c2e5f7
Create Date: 2026-12-07 03:02:14.044481

"""
import importlib.util
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0093697ff33c'
down_revision = 'd3a8b6c2e5f7'
branch_labels = None
depends_on = None

KEYS = ("dimension", "day", "service_id", "value", "enhanced")
COUNTS = ("received", "contacted", "pending", "in_time", "accepted", "marac", "requested", "responded",
          "responded_on_time", "awaiting")


def _table(name):
    return op.create_table(
        name,
        sa.Column('dimension', sa.String(length=32), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('value', sa.String(length=64), nullable=False),
        sa.Column('enhanced', sa.Boolean(), nullable=False),
        *[sa.Column(count, sa.Integer(), server_default='0', nullable=False) for count in COUNTS],
        sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f(f'fk_{name}_service_id_services')),
        sa.PrimaryKeyConstraint(*KEYS, name=op.f(f'pk_{name}')),
    )


def _case_rows(dialect):
    """One row per case and value, as migration bef3c390af63 defined the breakdown roll-up's dimensions (they have
    not changed since): read from that migration rather than written out twice."""
    path = next(Path(__file__).parent.glob("bef3c390af63_*.py"))
    spec = importlib.util.spec_from_file_location("breakdown_rollup_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module._branches(dialect)


def _build_from_cases(table):
    bind = op.get_bind()
    rows = _case_rows(bind.dialect.name)
    if bind.dialect.name == "postgresql":
        op.execute(f"""
            INSERT INTO rollup_case_dimension_days ({', '.join(KEYS)}, {', '.join(COUNTS)})
            SELECT dimension, timezone('Europe/London', received_at)::date, service_id, value, enhanced,
                   {', '.join(f'sum({name})' for name in COUNTS)}
            FROM ({rows}) AS case_dimensions GROUP BY 1, 2, 3, 4, 5
        """)
        return
    london, totals = ZoneInfo("Europe/London"), Counter()
    for row in bind.execute(sa.text(rows)):
        received = row.received_at if isinstance(row.received_at, datetime) else datetime.fromisoformat(row.received_at)
        received = received if received.tzinfo else received.replace(tzinfo=timezone.utc)  # SQLite keeps UTC
        key = (row.dimension, received.astimezone(london).date(), row.service_id, row.value, bool(row.enhanced))
        for name in COUNTS:
            totals[key + (name,)] += int(getattr(row, name))
    keys = sorted({k[:5] for k in totals})
    if keys:
        op.bulk_insert(table, [dict(zip(KEYS, key), **{name: totals[key + (name,)] for name in COUNTS})
                               for key in keys])


def upgrade():
    table = _table('rollup_case_dimension_days')
    _table('rollup_purged_case_dimension_days')
    _build_from_cases(table)


def downgrade():
    op.drop_table('rollup_purged_case_dimension_days')
    op.drop_table('rollup_case_dimension_days')
