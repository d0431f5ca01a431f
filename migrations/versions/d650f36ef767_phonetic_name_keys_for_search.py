"""Phonetic name keys on people, for the search that tolerates misspelt and swapped names; existing people get
theirs now

Revision ID: d650f36ef767
Revises: c318e35ce906
Create Date: 2026-12-06 12:16:16.042298

"""
import re

import jellyfish
import sqlalchemy as sa
from alembic import op

_NAME_TOKEN = re.compile(r"[^\W\d_][^\W\d_'’-]*", re.UNICODE)


def _key(name):
    """domain/search.py phonetic_key as it was when this migration was written."""
    letters = " ".join(_NAME_TOKEN.findall(name or ""))
    return (jellyfish.metaphone(letters).replace(" ", "")[:20] or None) if letters else None


# revision identifiers, used by Alembic.
revision = 'd650f36ef767'
down_revision = 'c318e35ce906'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('given_name_key', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('family_name_key', sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f('ix_people_family_name_key'), ['family_name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_given_name_key'), ['given_name_key'], unique=False)

    people = sa.table("people", sa.column("id", sa.Integer), sa.column("given_name", sa.String),
                      sa.column("family_name", sa.String), sa.column("given_name_key", sa.String),
                      sa.column("family_name_key", sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(people.c.id, people.c.given_name, people.c.family_name)).all()
    for row in rows:
        connection.execute(people.update().where(people.c.id == row.id).values(
            given_name_key=_key(row.given_name), family_name_key=_key(row.family_name)))


def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_given_name_key'))
        batch_op.drop_index(batch_op.f('ix_people_family_name_key'))
        batch_op.drop_column('family_name_key')
        batch_op.drop_column('given_name_key')
