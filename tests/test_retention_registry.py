"""The purge's registry covers every table that holds something about a person, and every text column of it:
a new table with a person_id, referral_id or case_id, or a new text column on one, fails here until
services/retention/registry.py says what the purge does with it."""
from sqlalchemy import JSON, String, Text

from victimcare.extensions import db
from victimcare.services.retention.registry import REGISTRY

LINKS = ("person_id", "referral_id", "case_id")


def _about_a_person(table) -> bool:
    return table.name in ("people", "referrals", "cases") or any(name in table.c for name in LINKS)


def test_every_table_about_a_person_is_in_the_registry():
    tables = {name for name, table in db.metadata.tables.items() if _about_a_person(table)}
    missing = tables - set(REGISTRY)
    assert not missing, f"add these tables to services/retention/registry.py: {sorted(missing)}"
    assert not set(REGISTRY) - set(db.metadata.tables), "the registry lists tables that no longer exist"


def test_every_text_column_is_scrubbed_or_kept_with_a_reason():
    unlisted = []
    for name, rule in REGISTRY.items():
        table = db.metadata.tables[name]
        assert set(rule.scrub) <= set(table.c.keys()), f"{name}: scrubs columns it does not have"
        if rule.keep_all or rule.delete_rows:
            assert rule.note, f"{name}: say why it is kept whole or deleted"
            continue
        for column in table.c:
            if isinstance(column.type, (String, Text, JSON)) and column.name not in set(rule.scrub) | rule.keep:
                unlisted.append(f"{name}.{column.name}")
    assert not unlisted, f"scrub or keep (with a reason) in services/retention/registry.py: {unlisted}"


def test_a_scrubbed_not_null_column_gets_a_value():
    for name, rule in REGISTRY.items():
        table = db.metadata.tables[name]
        for column, value in rule.scrub.items():
            assert value is not None or table.c[column].nullable, f"{name}.{column} cannot be NULL"
