"""Normalise people's postcodes (capitals, one space) and phone numbers (E.164)

Before this, a triage edit stored "SW1A1AA" while the journey stored "SW1A 1AA", so a person search for one
never found the other; phone numbers were stored as typed. From now on victimcare.domain.contact_details reads
every new value one way; this brings the rows already stored into the same form. A value that is not a postcode
or a possible phone number is left as it is (nothing is lost). The old spellings are not kept, so the downgrade
leaves the normalised values in place.

The rules are copied here, not imported, so this migration keeps meaning what it meant when the code moves on.

Revision ID: 1a0e5bec992d
Revises: 8b51f15343e3
Create Date: 2026-12-06 11:50:00

"""
import re

import phonenumbers
import sqlalchemy as sa
from alembic import op

revision = '1a0e5bec992d'
down_revision = '8b51f15343e3'
branch_labels = None
depends_on = None

_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}")

people = sa.table("people", sa.column("id", sa.Integer), sa.column("postcode", sa.String),
                  sa.column("phone", sa.String))


def normalised_postcode(value):
    compact = re.sub(r"\s+", "", value or "").upper()
    if not _POSTCODE.fullmatch(compact):
        return value
    return f"{compact[:-3]} {compact[-3:]}"


def normalised_phone(value):
    try:
        number = phonenumbers.parse((value or "").strip(), "GB")
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_possible_number(number):
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(people.c.id, people.c.postcode, people.c.phone)
        .where(sa.or_(people.c.postcode.is_not(None), people.c.phone.is_not(None)))
    ).all()
    for person_id, postcode, phone in rows:
        changes = {}
        if postcode is not None and normalised_postcode(postcode) != postcode:
            changes["postcode"] = normalised_postcode(postcode)
        if phone is not None and normalised_phone(phone) != phone:
            changes["phone"] = normalised_phone(phone)
        if changes:
            connection.execute(sa.update(people).where(people.c.id == person_id).values(**changes))


def downgrade():
    pass  # the old spellings were not kept; normalised values are valid under the old code too
