"""The breakdown roll-up: rollup_case_dimensions (and rollup_purged_case_dimensions), built from the existing
cases, people, strands and steps (what `flask --app wsgi rollups rebuild` would make); a partial index for the
complaint responses awaited (the few not yet due come off "overdue now").

Revision ID: bef3c390af63
Revises: 9ee4db1bfa1e
Create Date: 2026-12-06 17:30:00.000000

"""
from collections import Counter
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bef3c390af63'
down_revision = '9ee4db1bfa1e'
branch_labels = None
depends_on = None

KEYS = ("dimension", "month", "service_id", "value", "borough_code", "enhanced")
COUNTS = ("received", "contacted", "pending", "in_time", "accepted", "marac", "requested", "responded",
          "responded_on_time", "awaiting")
AWAITED = "response_requested_on IS NOT NULL AND response_received_on IS NULL"
ALL_BOROUGHS = "*"  # every case counts under its borough and again under "*" (London-wide reports read those)


def _table(name):
    return op.create_table(
        name,
        sa.Column('dimension', sa.String(length=32), nullable=False),
        sa.Column('borough_code', sa.String(length=9), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('value', sa.String(length=64), nullable=False),
        sa.Column('enhanced', sa.Boolean(), nullable=False),
        *[sa.Column(count, sa.Integer(), server_default='0', nullable=False) for count in COUNTS],
        sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f(f'fk_{name}_service_id_services')),
        # In this order: a report's rows (one dimension, London-wide or one borough, some months) are one range.
        sa.PrimaryKeyConstraint('dimension', 'borough_code', 'month', 'service_id', 'value', 'enhanced',
                                name=op.f(f'pk_{name}')),
    )


# The dimensions as services/rollups/dimensions.py defined them when this migration was written: one row per case
# and value, as (dimension, value, FROM clause, WHERE clause).
_AGE = {
    "postgresql": "date_part('year', age(timezone('Europe/London', c.received_at), p.date_of_birth))",
    "sqlite": "(CAST(strftime('%Y', strftime('%Y-%m-%d', c.received_at)) AS INTEGER)"
              " - CAST(strftime('%Y', p.date_of_birth) AS INTEGER)"
              " - CASE WHEN strftime('%m-%d', strftime('%Y-%m-%d', c.received_at)) < strftime('%m-%d', p.date_of_birth)"
              " THEN 1 ELSE 0 END)",
}
_BANDS = ((18, "0-17"), (25, "18-24"), (35, "25-34"), (45, "35-44"), (55, "45-54"), (65, "55-64"))
_HEADINGS = ("white", "mixed", "asian", "black", "other")
_REFERRAL = "cases c JOIN referrals r ON r.id = c.referral_id"
_PERSON = _REFERRAL + " JOIN people p ON p.id = r.person_id"


def _has_step(*steps):
    names = ", ".join(f"'{step}'" for step in steps)
    return f"EXISTS (SELECT 1 FROM case_steps st WHERE st.case_id = c.id AND st.step IN ({names}))"


def _branches(dialect):
    age = _AGE[dialect]
    band = ("CASE WHEN c.age_band IS NOT NULL THEN c.age_band WHEN p.date_of_birth IS NULL THEN NULL "
            + " ".join(f"WHEN {age} < {floor} THEN '{name}'" for floor, name in _BANDS) + " ELSE '65+' END")
    heading = ("CASE " + " ".join(f"WHEN p.ethnicity LIKE '{h}-%' THEN '{h}'" for h in _HEADINGS)
               + " ELSE p.ethnicity END")
    found = [
        ("'cases'", "''", "cases c", None),
        ("'age-band'", band, _PERSON, None),
        ("'sex'", "p.sex", _PERSON, None),
        ("'ethnicity'", heading, _PERSON, None),
        ("'disability'", "p.disability", _PERSON, None),
        ("'dash-level'", "r.dash_level", _REFERRAL, None),
        ("'complaint-agency'", "c.complaint_agency", "cases c", None),
        ("'complaint-right'", "c.complaint_code_right", "cases c", None),
        ("'hate-strand'", "s.strand", _REFERRAL + " JOIN referral_strands s ON s.referral_id = r.id", None),
        ("'hate-strand'", "'combined'", "cases c",
         "(SELECT count(*) FROM referral_strands s WHERE s.referral_id = c.referral_id) >= 2"),
        ("'step'", "st.step", "cases c JOIN case_steps st ON st.case_id = c.id", None),
        ("'rj'", "'requested'", _REFERRAL, "r.rj_requested"),
        ("'rj'", "'both-consented'", "cases c", f"{_has_step('rj-victim-consent')} AND {_has_step('rj-offender-consent')}"),
        ("'rj'", "'meeting-held'", "cases c", _has_step("rj-direct-meeting", "rj-indirect-meeting")),
    ]
    for question in ("feels_safer", "better_able_to_cope", "better_informed"):
        found.append((f"'outcome-{question.replace('_', '-')}'", f"c.outcome_{question}", "cases c",
                      "c.status = 'closed'"))
    counts = ("1 AS received, "
              "CASE WHEN c.first_contact_working_days IS NOT NULL THEN 1 ELSE 0 END AS contacted, "
              "CASE WHEN c.first_contact_working_days IS NULL AND c.status NOT IN ('declined', 'transferred') "
              "THEN 1 ELSE 0 END AS pending, "
              "CASE WHEN c.first_contact_in_time THEN 1 ELSE 0 END AS in_time, "
              "CASE WHEN c.accepted_at IS NOT NULL THEN 1 ELSE 0 END AS accepted, "
              "CASE WHEN c.marac THEN 1 ELSE 0 END AS marac, "
              "CASE WHEN c.response_requested_on IS NOT NULL THEN 1 ELSE 0 END AS requested, "
              "CASE WHEN c.response_received_on IS NOT NULL THEN 1 ELSE 0 END AS responded, "
              "CASE WHEN c.response_received_on <= c.response_due_on THEN 1 ELSE 0 END AS responded_on_time, "
              "CASE WHEN c.response_requested_on IS NOT NULL AND c.response_received_on IS NULL "
              "AND c.response_due_on IS NOT NULL THEN 1 ELSE 0 END AS awaiting")
    selects = []
    for dimension, value, source, where in found:
        distinct = "DISTINCT " if dimension == "'step'" else ""
        selects.append(
            f"SELECT {distinct}c.id AS case_id, {dimension} AS dimension, coalesce({value}, '') AS value, c.service_id, "
            f"coalesce(c.borough_code, '') AS borough_code, c.received_at, c.enhanced, {counts} "
            f"FROM {source}" + (f" WHERE {where}" if where else ""))
    return "\nUNION ALL\n".join(selects)


def _build_from_cases(table):
    bind = op.get_bind()
    rows = _branches(bind.dialect.name)
    if bind.dialect.name == "postgresql":
        op.execute(f"""
            INSERT INTO rollup_case_dimensions ({', '.join(KEYS)}, {', '.join(COUNTS)})
            SELECT dimension, date_trunc('month', timezone('Europe/London', received_at))::date, service_id,
                   value, borough_code, enhanced, {', '.join(f'sum({name})' for name in COUNTS)}
            FROM ({rows}) AS case_dimensions GROUP BY 1, 2, 3, 4, 5, 6
        """)
        op.execute(f"""
            INSERT INTO rollup_case_dimensions ({', '.join(KEYS)}, {', '.join(COUNTS)})
            SELECT dimension, month, service_id, value, '{ALL_BOROUGHS}', enhanced,
                   {', '.join(f'sum({name})' for name in COUNTS)}
            FROM rollup_case_dimensions GROUP BY dimension, month, service_id, value, enhanced
        """)
        return
    london, totals = ZoneInfo("Europe/London"), Counter()
    for row in bind.execute(sa.text(rows)):
        received = row.received_at if isinstance(row.received_at, datetime) else datetime.fromisoformat(row.received_at)
        received = received if received.tzinfo else received.replace(tzinfo=timezone.utc)  # SQLite keeps UTC
        for borough in (row.borough_code, ALL_BOROUGHS):
            key = (row.dimension, received.astimezone(london).date().replace(day=1), row.service_id, row.value,
                   borough, bool(row.enhanced))
            for name in COUNTS:
                totals[key + (name,)] += int(getattr(row, name))
    keys = sorted({k[:6] for k in totals})
    if keys:
        op.bulk_insert(table, [dict(zip(KEYS, key), **{name: totals[key + (name,)] for name in COUNTS})
                               for key in keys])


def upgrade():
    table = _table('rollup_case_dimensions')
    _table('rollup_purged_case_dimensions')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_response_awaited', ['response_due_on'], unique=False,
                              postgresql_where=sa.text(AWAITED), sqlite_where=sa.text(AWAITED))
    _build_from_cases(table)


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_response_awaited', postgresql_where=sa.text(AWAITED),
                            sqlite_where=sa.text(AWAITED))
    op.drop_table('rollup_purged_case_dimensions')
    op.drop_table('rollup_case_dimensions')
