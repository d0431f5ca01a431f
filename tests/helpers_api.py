"""Helpers for API tests: tokens, request bodies in the issue's shape, and row counts."""
import copy
from datetime import datetime, timezone

from sqlalchemy import func, select

from victimcare.extensions import db
from victimcare.models import (
    AuditEvent,
    Case,
    IdempotencyRecord,
    Person,
    Referral,
    RoutingDecision,
)

from .factories import make_token

# A moment after 24 December 2026, so the examples are "in the past" whatever today's date is.
CLOCK = datetime(2027, 1, 11, 9, 0, tzinfo=timezone.utc)

EXAMPLE_BODY = {
    "victim": {
        "given_name": "Sam",
        "family_name": "Example",
        "date_of_birth": "1988-03-14",
        "borough": "Hackney",
        "postcode": "e8 1ab",
        "phone": "020 7946 0000",
        "email": "sam@example.org",
    },
    "offence": {
        "category": "domestic-abuse",
        "occurred_on": "2026-12-20",
        "crime_reference": "1234567/26",
        "domestic_abuse": True,
        "sexual_offence": False,
        "hate_crime_strands": [],
        "persistently_targeted": False,
        "vulnerable_or_intimidated": False,
    },
    "consent": {"referral": True},
    "restorative_justice_requested": False,
    "code_complaint": False,
    "dash": {"yes_count": 15, "professional_judgement": False, "incidents_last_12_months": 1},
    "received_at": "2026-12-24T10:30:00Z",
}


def body(**changes) -> dict:
    """The example body with changes: keys like "victim.borough" reach inside; a value of ... removes the key."""
    result = copy.deepcopy(EXAMPLE_BODY)
    for path, value in changes.items():
        *parents, leaf = path.replace("__", ".").split(".")
        target = result
        for name in parents:
            target = target[name]
        if value is ...:
            target.pop(leaf, None)
        else:
            target[leaf] = value
    return result


def token_for(user) -> str:
    token = make_token(user.email)
    return token


def bearer(token: str, **headers) -> dict:
    return {"Authorization": f"Bearer {token}", **headers}


def row_counts() -> dict:
    """How many rows each table a referral writes holds (audit events included)."""
    db.session.expire_all()
    models = {"referrals": Referral, "people": Person, "cases": Case, "routing_decisions": RoutingDecision,
              "audit_events": AuditEvent, "idempotency_records": IdempotencyRecord}
    return {name: db.session.scalar(select(func.count()).select_from(model)) for name, model in models.items()}
