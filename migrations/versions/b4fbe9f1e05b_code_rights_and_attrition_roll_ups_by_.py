"""The code-rights and attrition roll-ups by London day, London-wide (issue 14): rollup_code_rights_days,
rollup_code_rights_open_days, rollup_attrition_days and rollup_attrition_reasons_days (each with its purged twin),
built from the existing cases (what `flask --app wsgi rollups rebuild` would make), so a report period's odd days
at its ends are read from them rather than counted from every case of those days.

The purged twins start empty: the reports read a day as the roll-up less its purged counts (the cases there are
now), and a case deleted before this migration is not in the recount either. The per-case SQL is written out here
as services/rollups/code_rights.py and attrition.py count today, so later changes there cannot change what this
migration built.

Revision ID: b4fbe9f1e05b
Revises: 9420cbc94f46
Create Date: 2026-12-07 03:22:08.069908

"""
from collections import Counter
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4fbe9f1e05b'
down_revision = '9420cbc94f46'
branch_labels = None
depends_on = None

OPEN = "('new', 'accepted', 'in-progress')"
NOT_TAKEN_ON = "('declined', 'transferred')"
RIGHTS = {"understand-and-be-understood": "told_about_code", "referral-to-support": "referral",
          "information-about-compensation": "compensation", "information-about-investigation": "decisions",
          "victim-personal-statement": "vps", "information-about-trial": "trial", "outcome-and-appeals": "outcome",
          "make-a-complaint": "complaint"}
DEADLINE_RIGHT = "information-about-investigation"
EXPECTED = ("told_about_code", "referral")
HAS = ", ".join(f"""max(CASE WHEN "right" = '{right}' THEN 1 END) AS has_{column}""" for right, column in RIGHTS.items())
EVENTS = f"""
    SELECT case_id, {HAS},
           max(CASE WHEN "right" = '{DEADLINE_RIGHT}' THEN working_days END) AS days,
           min(CASE WHEN "right" = '{DEADLINE_RIGHT}' THEN CASE WHEN in_time IS false THEN 0 ELSE 1 END END) AS on_time
    FROM code_events GROUP BY case_id"""


def _flag(condition):
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


CODE_RIGHTS_COUNTS = {
    "cases": "1",
    **{f"met_{column}": _flag(f"e.has_{column} = 1") for column in RIGHTS.values()},
    "in_time": _flag("e.has_decisions = 1 AND e.on_time = 1"),
    **{name: _flag(f"c.status NOT IN {NOT_TAKEN_ON} AND e.has_{column} IS NULL AND c.status {where} {OPEN}")
       for column in EXPECTED
       for name, where in ((f"closed_without_{column}", "NOT IN"), (f"open_without_{column}", "IN"))},
}
# table: (the key columns after the day, their SQL per case, the counts and their SQL per case, FROM and WHERE)
TABLES = {
    "rollup_code_rights_days": (
        {"service_id": "c.service_id", "enhanced": "c.enhanced", "days": "coalesce(e.days, -1)"},
        CODE_RIGHTS_COUNTS, f"cases c LEFT JOIN ({EVENTS}) e ON e.case_id = c.id"),
    "rollup_code_rights_open_days": (
        {"service_id": "c.service_id", "enhanced": "c.enhanced", "due": "c.first_contact_due"},
        {f"without_{column}": _flag(f"e.has_{column} IS NULL") for column in EXPECTED},
        f"cases c LEFT JOIN ({EVENTS}) e ON e.case_id = c.id WHERE c.status IN {OPEN}"),
    "rollup_attrition_days": (
        {"service_id": "c.service_id", "enhanced": "c.enhanced", "offence": "coalesce(r.offence_category, '')",
         "stage": "coalesce(w.stage, '')", "supported": "coalesce(w.supported_by_advocate, false)"},
        {"cases": "1"},
        "cases c JOIN referrals r ON r.id = c.referral_id LEFT JOIN justice_withdrawals w ON w.case_id = c.id"),
    "rollup_attrition_reasons_days": (
        {"service_id": "c.service_id", "enhanced": "c.enhanced", "reason": "x.reason"},
        {"withdrawals": "1"},
        "justice_withdrawal_reasons x JOIN justice_withdrawals w ON w.id = x.withdrawal_id "
        "JOIN cases c ON c.id = w.case_id"),
}


def _create_tables():
    op.create_table('rollup_attrition_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('enhanced', sa.Boolean(), nullable=False),
    sa.Column('offence', sa.String(length=32), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('supported', sa.Boolean(), nullable=False),
    sa.Column('cases', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_rollup_attrition_days_service_id_services')),
    sa.PrimaryKeyConstraint('day', 'service_id', 'enhanced', 'offence', 'stage', 'supported', name=op.f('pk_rollup_attrition_days'))
    )
    op.create_table('rollup_attrition_days_purged',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('enhanced', sa.Boolean(), nullable=False),
    sa.Column('offence', sa.String(length=32), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('supported', sa.Boolean(), nullable=False),
    sa.Column('cases', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_rollup_attrition_days_purged_service_id_services')),
    sa.PrimaryKeyConstraint('day', 'service_id', 'enhanced', 'offence', 'stage', 'supported', name=op.f('pk_rollup_attrition_days_purged'))
    )
    op.create_table('rollup_attrition_reasons_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('enhanced', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('withdrawals', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_rollup_attrition_reasons_days_service_id_services')),
    sa.PrimaryKeyConstraint('day', 'service_id', 'enhanced', 'reason', name=op.f('pk_rollup_attrition_reasons_days'))
    )
    op.create_table('rollup_attrition_reasons_days_purged',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('enhanced', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('withdrawals', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_rollup_attrition_reasons_days_purged_service_id_services')),
    sa.PrimaryKeyConstraint('day', 'service_id', 'enhanced', 'reason', name=op.f('pk_rollup_attrition_reasons_days_purged'))
    )
    op.create_table('rollup_code_rights_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('enhanced', sa.Boolean(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('cases', sa.Integer(), server_default='0', nullable=False),
    sa.Column('met_told_about_code', sa.Integer(), server_default='0', nullable=False),
    sa.Column('met_referral', sa.Integer(), server_default='0', nullable=False),
    sa.Column('met_compensation', sa.Integer(), server_default='0', nullable=False),
    sa.Column('met_decisions', sa.Integer(), server_default='0', nullable=False),
    sa.Column('met_vps', sa.Integer(), server_default='0', nullable=False),
    sa.Column('met_trial', sa.Integer(), server_default='0', nullable=False),
    sa.Column('met_outcome', sa.Integer(), server_default='0', nullable=False),
    sa.Column('met_complaint', sa.Integer(), server_default='0', nullable=False),
    sa.Column('in_time', sa.Integer(), server_default='0', nullable=False),
    sa.Column('closed_without_told_about_code', sa.Integer(), server_default='0', nullable=False),
    sa.Column('open_without_told_about_code', sa.Integer(), server_default='0', nullable=False),
    sa.Column('closed_without_referral', sa.Integer(), server_default='0', nullable=False),
    sa.Column('open_without_referral', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_rollup_code_rights_days_service_id_services')),
    sa.PrimaryKeyConstraint('day', 'service_id', 'enhanced', 'days', name=op.f('pk_rollup_code_rights_days'))
    )
    op.create_table('rollup_code_rights_days_purged',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('enhanced', sa.Boolean(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('cases', sa.Integer(), server_default='0', nullable=False),
    sa.Column('met_told_about_code', sa.Integer(), server_default='0', nullable=False),
    sa.Column('met_referral', sa.Integer(), server_default='0', nullable=False),
    sa.Column('met_compensation', sa.Integer(), server_default='0', nullable=False),
    sa.Column('met_decisions', sa.Integer(), server_default='0', nullable=False),
    sa.Column('met_vps', sa.Integer(), server_default='0', nullable=False),
    sa.Column('met_trial', sa.Integer(), server_default='0', nullable=False),
    sa.Column('met_outcome', sa.Integer(), server_default='0', nullable=False),
    sa.Column('met_complaint', sa.Integer(), server_default='0', nullable=False),
    sa.Column('in_time', sa.Integer(), server_default='0', nullable=False),
    sa.Column('closed_without_told_about_code', sa.Integer(), server_default='0', nullable=False),
    sa.Column('open_without_told_about_code', sa.Integer(), server_default='0', nullable=False),
    sa.Column('closed_without_referral', sa.Integer(), server_default='0', nullable=False),
    sa.Column('open_without_referral', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_rollup_code_rights_days_purged_service_id_services')),
    sa.PrimaryKeyConstraint('day', 'service_id', 'enhanced', 'days', name=op.f('pk_rollup_code_rights_days_purged'))
    )
    op.create_table('rollup_code_rights_open_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('enhanced', sa.Boolean(), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('without_told_about_code', sa.Integer(), server_default='0', nullable=False),
    sa.Column('without_referral', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_rollup_code_rights_open_days_service_id_services')),
    sa.PrimaryKeyConstraint('day', 'service_id', 'enhanced', 'due', name=op.f('pk_rollup_code_rights_open_days'))
    )
    with op.batch_alter_table('rollup_code_rights_open_days', schema=None) as batch_op:
        batch_op.create_index('ix_rollup_code_rights_open_days_due', ['due'], unique=False)

    op.create_table('rollup_code_rights_open_days_purged',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('enhanced', sa.Boolean(), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('without_told_about_code', sa.Integer(), server_default='0', nullable=False),
    sa.Column('without_referral', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_rollup_code_rights_open_days_purged_service_id_services')),
    sa.PrimaryKeyConstraint('day', 'service_id', 'enhanced', 'due', name=op.f('pk_rollup_code_rights_open_days_purged'))
    )


def _build_from_cases(name):
    """One INSERT ... SELECT on PostgreSQL (its London days from its time zone rules); on SQLite, which has no
    time zones, the rows per case grouped in Python by their London day."""
    keys, counts, source = TABLES[name]
    bind = op.get_bind()
    columns = ["day", *keys, *counts]
    if bind.dialect.name == "postgresql":
        op.execute(f"""
            INSERT INTO {name} ({', '.join(columns)})
            SELECT timezone('Europe/London', c.received_at)::date, {', '.join(keys.values())},
                   {', '.join(f'sum({sql})' for sql in counts.values())}
            FROM {source} GROUP BY {', '.join(str(i) for i in range(1, len(keys) + 2))}
        """)
        return
    london, totals = ZoneInfo("Europe/London"), Counter()
    rows = bind.execute(sa.text(f"""
        SELECT c.received_at AS received_at, {', '.join(f'{sql} AS {key}' for key, sql in keys.items())},
               {', '.join(f'{sql} AS {count}' for count, sql in counts.items())}
        FROM {source}"""))
    types = {"day": sa.Date, "due": sa.Date, "enhanced": sa.Boolean, "supported": sa.Boolean,
             "offence": sa.String, "stage": sa.String, "reason": sa.String}
    table = sa.table(name, *[sa.column(column, types.get(column, sa.Integer)) for column in columns])
    for row in rows:
        received = row.received_at if isinstance(row.received_at, datetime) else datetime.fromisoformat(row.received_at)
        received = received if received.tzinfo else received.replace(tzinfo=timezone.utc)  # SQLite keeps UTC
        key = (received.astimezone(london).date(),
               *[_as(types.get(k), getattr(row, k)) for k in keys])
        for count in counts:
            totals[key, count] += int(getattr(row, count))
    found = sorted({key for key, _ in totals}, key=repr)
    if found:
        op.bulk_insert(table, [dict(zip(["day", *keys], key), **{count: totals[key, count] for count in counts})
                               for key in found])


def _as(kind, value):
    """A key value read back from SQLite (dates as text, booleans as 0/1) as the column's Python value."""
    if kind is sa.Date and isinstance(value, str):
        return datetime.fromisoformat(value).date()
    if kind is sa.Boolean:
        return bool(value)
    return value


def upgrade():
    _create_tables()
    for name in TABLES:
        _build_from_cases(name)


def downgrade():
    op.drop_table('rollup_code_rights_open_days_purged')
    with op.batch_alter_table('rollup_code_rights_open_days', schema=None) as batch_op:
        batch_op.drop_index('ix_rollup_code_rights_open_days_due')

    op.drop_table('rollup_code_rights_open_days')
    op.drop_table('rollup_code_rights_days_purged')
    op.drop_table('rollup_code_rights_days')
    op.drop_table('rollup_attrition_reasons_days_purged')
    op.drop_table('rollup_attrition_reasons_days')
    op.drop_table('rollup_attrition_days_purged')
    op.drop_table('rollup_attrition_days')
