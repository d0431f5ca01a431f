"""Retention: each person's retention date (schedule), the purge that removes their personal data when it has
passed (purge, with what it does to each table in registry), and legal holds that stop it (holds).
See docs/data-protection.md."""
from . import holds
from .purge import RunSummary, purge_person, run
from .schedule import held_person_ids, retention_of, retentions

__all__ = ["RunSummary", "holds", "held_person_ids", "purge_person", "retention_of", "retentions", "run"]
