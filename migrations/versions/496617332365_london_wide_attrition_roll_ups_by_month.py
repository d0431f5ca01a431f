"""The attrition roll-ups London-wide by month, month first in the key (issue 14): rollup_attrition_london and
rollup_attrition_reasons_london (each with its purged twin), so a London-wide report reads a period's whole months
from a row for London rather than from every area's (rollup_attrition begins its key with the service, so any
period read all of it: 611,000 rows at 10,000,000 cases).

Each is built by summing its by-area roll-up over the areas, and each purged twin its by-area purged twin: the
same counts a recount gives (the cases there are plus what deleted cases left), without reading a case.

Revision ID: 496617332365
Revises: b4fbe9f1e05b
Create Date: 2026-12-07 03:33:13.966994

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '496617332365'
down_revision = 'b4fbe9f1e05b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rollup_attrition_london',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('enhanced', sa.Boolean(), nullable=False),
    sa.Column('offence', sa.String(length=32), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('supported', sa.Boolean(), nullable=False),
    sa.Column('cases', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_rollup_attrition_london_service_id_services')),
    sa.PrimaryKeyConstraint('month', 'service_id', 'enhanced', 'offence', 'stage', 'supported', name=op.f('pk_rollup_attrition_london'))
    )
    op.create_table('rollup_attrition_london_purged',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('enhanced', sa.Boolean(), nullable=False),
    sa.Column('offence', sa.String(length=32), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('supported', sa.Boolean(), nullable=False),
    sa.Column('cases', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_rollup_attrition_london_purged_service_id_services')),
    sa.PrimaryKeyConstraint('month', 'service_id', 'enhanced', 'offence', 'stage', 'supported', name=op.f('pk_rollup_attrition_london_purged'))
    )
    op.create_table('rollup_attrition_reasons_london',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('enhanced', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('withdrawals', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_rollup_attrition_reasons_london_service_id_services')),
    sa.PrimaryKeyConstraint('month', 'service_id', 'enhanced', 'reason', name=op.f('pk_rollup_attrition_reasons_london'))
    )
    op.create_table('rollup_attrition_reasons_london_purged',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('enhanced', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('withdrawals', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_rollup_attrition_reasons_london_purged_service_id_services')),
    sa.PrimaryKeyConstraint('month', 'service_id', 'enhanced', 'reason', name=op.f('pk_rollup_attrition_reasons_london_purged'))
    )
    for london, by_area, keys, count in (
            ("rollup_attrition_london", "rollup_attrition", "offence, stage, supported", "cases"),
            ("rollup_attrition_reasons_london", "rollup_attrition_reasons", "reason", "withdrawals")):
        for suffix in ("", "_purged"):
            columns = f"month, service_id, enhanced, {keys}"
            op.execute(f"""
                INSERT INTO {london}{suffix} ({columns}, {count})
                SELECT {columns}, sum({count}) FROM {by_area}{suffix}
                GROUP BY {columns} HAVING sum({count}) <> 0
            """)


def downgrade():
    op.drop_table('rollup_attrition_reasons_london_purged')
    op.drop_table('rollup_attrition_reasons_london')
    op.drop_table('rollup_attrition_london_purged')
    op.drop_table('rollup_attrition_london')
