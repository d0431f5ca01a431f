"""Plain helper functions that make test records directly (test setup, not app behaviour)."""
import itertools
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import Case, Person, Referral, Service, User
from victimcare.services.users import hash_password

TEST_PASSWORD = "correct-horse-battery"
_PASSWORD_HASH = None
_counter = itertools.count(1)


def service(slug: str) -> Service:
    return db.session.scalar(select(Service).where(Service.slug == slug))


def make_user(role: str, service: str | None = None, is_lead: bool = False, email: str | None = None, **extra) -> User:
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = hash_password(TEST_PASSWORD)
    n = next(_counter)
    user = User(
        email=email or f"{role}{n}@example.org",
        name=f"Test {role.title()} {n}",
        role=role,
        service_id=globals()["service"](service).id if service else None,
        is_lead=is_lead,
        password_hash=_PASSWORD_HASH,
        **extra,
    )
    db.session.add(user)
    db.session.commit()
    return user


def make_person(**overrides) -> Person:
    n = next(_counter)
    # A victim who agreed to calls and voicemail: the usual case, so recording a phone contact needs no override.
    values = dict(given_name="Alex", family_name=f"Testperson{n}", date_of_birth=date(1990, 5, 17), borough_code="E09000022",
                  may_phone=True, may_leave_voicemail=True)
    values.update(overrides)
    person = Person(**values)
    db.session.add(person)
    db.session.commit()
    return person


def make_referral_with_case(service_slug: str = "domestic-abuse", status: str = "new", **case_values) -> Case:
    """A routed referral and its case for one service (bypassing routing: for tests of case work and access)."""
    n = next(_counter)
    person = make_person()
    received = case_values.pop("received_at", datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc))
    referral = Referral(
        reference=f"VC-T{n:06d}",
        person_id=person.id,
        status="routed",
        source="caseworker",
        received_at=received,
        offence_category="domestic-abuse" if service_slug == "domestic-abuse" else "other",
        domestic_abuse=service_slug == "domestic-abuse",
        consent_referral=True,
    )
    db.session.add(referral)
    db.session.flush()
    values = dict(
        referral_id=referral.id,
        service_id=service(service_slug).id,
        status=status,
        rule="test",
        route_reason="Made by a test",
        received_at=received,
        borough_code=person.borough_code,
        first_contact_due=received.date() + timedelta(days=7),
    )
    values.update(case_values)
    case = Case(**values)
    db.session.add(case)
    db.session.commit()
    return case


def make_token(email: str) -> str:
    """A new API token for the user, committed (as `flask token create` does), ready for a request."""
    from victimcare.services.actors import SYSTEM
    from victimcare.services.users import create_token
    from victimcare.uow import unit_of_work

    with unit_of_work():
        _, token = create_token(SYSTEM, email)
    return token
