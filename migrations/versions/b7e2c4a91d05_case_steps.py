"""case_milestones is renamed case_steps: the rows are the service steps the code and pages call steps

Revision ID: b7e2c4a91d05
Revises: 4bea961f0a93
Create Date: 2026-12-01 21:30:00

The table is rebuilt under its new name (with its constraint and index names) rather than renamed in place, so
SQLite and PostgreSQL end with the same names the models' naming convention gives. Rows keep their ids.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b7e2c4a91d05'
down_revision = '4bea961f0a93'
branch_labels = None
depends_on = None


def _create(name):
    op.create_table(name,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=40), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f(f'fk_{name}_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f(f'fk_{name}_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}'))
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{name}_case_id'), ['case_id'], unique=False)
        batch_op.create_index(f'ix_{name}_step', ['step', 'case_id'], unique=False)


def _move(source, target):
    _create(target)
    columns = "id, case_id, step, occurred_on, detail, created_by_id, created_at"
    op.execute(f"INSERT INTO {target} ({columns}) SELECT {columns} FROM {source}")
    with op.batch_alter_table(source, schema=None) as batch_op:
        batch_op.drop_index(f'ix_{source}_step')
        batch_op.drop_index(batch_op.f(f'ix_{source}_case_id'))
    op.drop_table(source)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"SELECT setval(pg_get_serial_sequence('{target}', 'id'), COALESCE(MAX(id), 1), "
                   f"MAX(id) IS NOT NULL) FROM {target}")


def upgrade():
    _move("case_milestones", "case_steps")


def downgrade():
    _move("case_steps", "case_milestones")
