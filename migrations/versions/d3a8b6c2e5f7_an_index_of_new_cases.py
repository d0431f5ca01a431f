"""An index of each service's new cases (issue 14), for the home page's capped count of them: read from the index
of open cases, that count discarded every accepted and in-progress case before it found 1,001 new ones.

Revision ID: d3a8b6c2e5f7
Revises: c7d2e4f1a9b3
Create Date: 2026-12-06 20:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd3a8b6c2e5f7'
down_revision = 'c7d2e4f1a9b3'
branch_labels = None
depends_on = None

NEW = "status = 'new'"


def upgrade():
    op.create_index('ix_cases_new', 'cases', ['service_id', 'id'], unique=False, postgresql_where=sa.text(NEW),
                    sqlite_where=sa.text(NEW), postgresql_include=['referral_id'])


def downgrade():
    op.drop_index('ix_cases_new', table_name='cases', postgresql_where=sa.text(NEW), sqlite_where=sa.text(NEW))
