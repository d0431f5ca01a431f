"""Roll-ups for the code-rights and attrition reports (issue 17): rollup_code_rights, rollup_attrition and
rollup_attrition_reasons (each with its purged twin), built from the existing cases, code events and withdrawals
(what `flask rollups rebuild` would make); a partial index of the open cases by first-contact due date, for the
code-rights figure that depends on today.

Revision ID: 1db5b99789cf
Revises: 729a0d12c27c
Create Date: 2026-12-06 17:23:10.261720

"""
from collections import Counter
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1db5b99789cf'
down_revision = '729a0d12c27c'
branch_labels = None
depends_on = None


OPEN = "('new', 'accepted', 'in-progress')"
NOT_TAKEN_ON = "('declined', 'transferred')"
# The reported rights (domain/code_rights_report.REPORTED_RIGHTS) and their columns, as when this was written.
RIGHTS = (("understand-and-be-understood", "told_about_code"), ("referral-to-support", "referral"),
          ("information-about-compensation", "compensation"), ("information-about-investigation", "decisions"),
          ("victim-personal-statement", "vps"), ("information-about-trial", "trial"),
          ("outcome-and-appeals", "outcome"), ("make-a-complaint", "complaint"))
DEADLINE_RIGHT = "information-about-investigation"
EXPECTED = ("told_about_code", "referral")
CODE_COUNTS = ("cases", *(f"met_{c}" for _, c in RIGHTS), "in_time",
               *(f"{state}_without_{c}" for c in EXPECTED for state in ("closed", "open")))
# One row per case: its report columns and its code events folded (has_<right> 1 or NULL, the slowest decision
# told, and on_time 1 when every decision was told in time).
_HAS = ", ".join(f"""max(CASE WHEN "right" = '{r}' THEN 1 END) AS has_{c}""" for r, c in RIGHTS)
CODE_PER_CASE = f"""
    SELECT c.service_id, coalesce(c.borough_code, '') AS borough_code, c.received_at, c.enhanced, c.status,
           coalesce(e.days, -1) AS days, e.on_time, {', '.join(f'e.has_{c}' for _, c in RIGHTS)}
    FROM cases c LEFT JOIN (
        SELECT case_id, {_HAS},
               max(CASE WHEN "right" = '{DEADLINE_RIGHT}' THEN working_days END) AS days,
               min(CASE WHEN "right" = '{DEADLINE_RIGHT}' THEN CASE WHEN NOT in_time THEN 0 ELSE 1 END END) AS on_time
        FROM code_events GROUP BY case_id) e ON e.case_id = c.id
"""
ATTRITION_PER_CASE = """
    SELECT c.service_id, coalesce(c.borough_code, '') AS borough_code, c.received_at, c.enhanced,
           coalesce(r.offence_category, '') AS offence, coalesce(w.stage, '') AS stage,
           coalesce(w.supported_by_advocate, false) AS supported
    FROM cases c JOIN referrals r ON r.id = c.referral_id LEFT JOIN justice_withdrawals w ON w.case_id = c.id
"""
REASONS_PER_WITHDRAWAL = """
    SELECT c.service_id, coalesce(c.borough_code, '') AS borough_code, c.received_at, c.enhanced, wr.reason
    FROM justice_withdrawal_reasons wr JOIN justice_withdrawals w ON w.id = wr.withdrawal_id
    JOIN cases c ON c.id = w.case_id
"""
WHERE = ("service_id", "borough_code", "month", "enhanced")
LONDON_MONTH = "date_trunc('month', timezone('Europe/London', received_at))::date"


def _code_counts_sql() -> str:
    counts = ["count(*)", *(f"count(has_{c})" for _, c in RIGHTS), "count(*) FILTER (WHERE has_decisions = 1 AND on_time = 1)"]
    for c in EXPECTED:
        without = f"status NOT IN {NOT_TAKEN_ON} AND has_{c} IS NULL"
        counts += [f"count(*) FILTER (WHERE {without} AND status NOT IN {OPEN})",
                   f"count(*) FILTER (WHERE {without} AND status IN {OPEN})"]
    return ", ".join(counts)


def _london_month(received) -> str:
    received = received if isinstance(received, datetime) else datetime.fromisoformat(received)
    received = received if received.tzinfo else received.replace(tzinfo=timezone.utc)  # SQLite keeps UTC
    return received.astimezone(ZoneInfo("Europe/London")).date().replace(day=1).isoformat()


def _code_counts(row) -> dict:
    taken_on, closed = row.status not in ("declined", "transferred"), row.status not in ("new", "accepted", "in-progress")
    counts = {"cases": 1, "in_time": int(row.has_decisions == 1 and row.on_time == 1)}
    for _, c in RIGHTS:
        counts[f"met_{c}"] = int(getattr(row, f"has_{c}") == 1)
    for c in EXPECTED:
        without = taken_on and getattr(row, f"has_{c}") != 1
        counts[f"closed_without_{c}"] = int(without and closed)
        counts[f"open_without_{c}"] = int(without and not closed)
    return counts


def build_from_existing_rows(bind) -> None:
    """Fill the three roll-ups from the rows already there (the tables must be empty)."""
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text(f"""
            INSERT INTO rollup_code_rights ({', '.join(WHERE)}, days, {', '.join(CODE_COUNTS)})
            SELECT service_id, borough_code, {LONDON_MONTH}, enhanced, days, {_code_counts_sql()}
            FROM ({CODE_PER_CASE}) per_case GROUP BY 1, 2, 3, 4, 5"""))
        bind.execute(sa.text(f"""
            INSERT INTO rollup_attrition ({', '.join(WHERE)}, offence, stage, supported, cases)
            SELECT service_id, borough_code, {LONDON_MONTH}, enhanced, offence, stage, supported, count(*)
            FROM ({ATTRITION_PER_CASE}) per_case GROUP BY 1, 2, 3, 4, 5, 6, 7"""))
        bind.execute(sa.text(f"""
            INSERT INTO rollup_attrition_reasons ({', '.join(WHERE)}, reason, withdrawals)
            SELECT service_id, borough_code, {LONDON_MONTH}, enhanced, reason, count(*)
            FROM ({REASONS_PER_WITHDRAWAL}) per_reason GROUP BY 1, 2, 3, 4, 5"""))
        return
    # SQLite has no time zones: the London month is found in Python, a row at a time.
    code, attrition, reasons = {}, Counter(), Counter()
    for row in bind.execute(sa.text(CODE_PER_CASE)):
        key = (row.service_id, row.borough_code, _london_month(row.received_at), bool(row.enhanced), row.days)
        totals = code.setdefault(key, Counter())
        totals.update(_code_counts(row))
    for row in bind.execute(sa.text(ATTRITION_PER_CASE)):
        attrition[(row.service_id, row.borough_code, _london_month(row.received_at), bool(row.enhanced),
                   row.offence, row.stage, bool(row.supported))] += 1
    for row in bind.execute(sa.text(REASONS_PER_WITHDRAWAL)):
        reasons[(row.service_id, row.borough_code, _london_month(row.received_at), bool(row.enhanced),
                 row.reason)] += 1
    for table, fields, rows in (
            ("rollup_code_rights", (*WHERE, "days"), [(k, {n: v.get(n, 0) for n in CODE_COUNTS}) for k, v in code.items()]),
            ("rollup_attrition", (*WHERE, "offence", "stage", "supported"), [(k, {"cases": n}) for k, n in attrition.items()]),
            ("rollup_attrition_reasons", (*WHERE, "reason"), [(k, {"withdrawals": n}) for k, n in reasons.items()])):
        names = (*fields, *rows[0][1]) if rows else ()
        for key, counts in rows:
            values = dict(zip(fields, key), **counts)
            bind.execute(sa.text(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})"),
                         values)


def upgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('rollup_attrition',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('borough_code', sa.String(length=9), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('enhanced', sa.Boolean(), nullable=False),
    sa.Column('offence', sa.String(length=32), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('supported', sa.Boolean(), nullable=False),
    sa.Column('cases', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_rollup_attrition_service_id_services')),
    sa.PrimaryKeyConstraint('service_id', 'borough_code', 'month', 'enhanced', 'offence', 'stage', 'supported', name=op.f('pk_rollup_attrition'))
    )
    op.create_table('rollup_attrition_purged',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('borough_code', sa.String(length=9), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('enhanced', sa.Boolean(), nullable=False),
    sa.Column('offence', sa.String(length=32), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('supported', sa.Boolean(), nullable=False),
    sa.Column('cases', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_rollup_attrition_purged_service_id_services')),
    sa.PrimaryKeyConstraint('service_id', 'borough_code', 'month', 'enhanced', 'offence', 'stage', 'supported', name=op.f('pk_rollup_attrition_purged'))
    )
    op.create_table('rollup_attrition_reasons',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('borough_code', sa.String(length=9), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('enhanced', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('withdrawals', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_rollup_attrition_reasons_service_id_services')),
    sa.PrimaryKeyConstraint('service_id', 'borough_code', 'month', 'enhanced', 'reason', name=op.f('pk_rollup_attrition_reasons'))
    )
    op.create_table('rollup_attrition_reasons_purged',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('borough_code', sa.String(length=9), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('enhanced', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('withdrawals', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_rollup_attrition_reasons_purged_service_id_services')),
    sa.PrimaryKeyConstraint('service_id', 'borough_code', 'month', 'enhanced', 'reason', name=op.f('pk_rollup_attrition_reasons_purged'))
    )
    op.create_table('rollup_code_rights',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('borough_code', sa.String(length=9), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
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
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_rollup_code_rights_service_id_services')),
    sa.PrimaryKeyConstraint('service_id', 'borough_code', 'month', 'enhanced', 'days', name=op.f('pk_rollup_code_rights'))
    )
    op.create_table('rollup_code_rights_purged',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('borough_code', sa.String(length=9), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
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
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_rollup_code_rights_purged_service_id_services')),
    sa.PrimaryKeyConstraint('service_id', 'borough_code', 'month', 'enhanced', 'days', name=op.f('pk_rollup_code_rights_purged'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_open_due_report', ['first_contact_due'], unique=False, postgresql_where=sa.text("status IN ('new', 'accepted', 'in-progress')"), postgresql_include=['received_at', 'service_id', 'borough_code', 'enhanced'], sqlite_where=sa.text("status IN ('new', 'accepted', 'in-progress')"))

    # ### end Alembic commands ###
    build_from_existing_rows(op.get_bind())


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_open_due_report', postgresql_where=sa.text("status IN ('new', 'accepted', 'in-progress')"), postgresql_include=['received_at', 'service_id', 'borough_code', 'enhanced'], sqlite_where=sa.text("status IN ('new', 'accepted', 'in-progress')"))

    op.drop_table('rollup_code_rights_purged')
    op.drop_table('rollup_code_rights')
    op.drop_table('rollup_attrition_reasons_purged')
    op.drop_table('rollup_attrition_reasons')
    op.drop_table('rollup_attrition_purged')
    op.drop_table('rollup_attrition')
    # ### end Alembic commands ###
