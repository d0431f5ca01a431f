"""Each person's retention date, from the facts of all their referrals and cases (domain/retention.py decides).

One query reads the facts of every person asked about (or of everyone not yet purged): a row per case, with the
referral's facts and the case's latest contact attempt; the domain rule works out the dates in Python.
"""
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, exists, func, select

from ...domain.clock import london_date
from ...domain.retention import CaseFacts, ReferralFacts, Retention, RetentionPolicy, person_retention
from ...domain.vocab import OPEN_CASE_STATUSES
from ...extensions import db
from ...models import Case, ContactAttempt, LegalHold, MaracHearing, Person, Referral


def policy() -> RetentionPolicy:
    return RetentionPolicy.from_config(current_app.config)


def _day(moment) -> date | None:
    return london_date(moment) if moment is not None else None


def _facts_query(of_some: bool):
    """A row per case (or per referral without one) of the people not yet purged. Each case's latest contact and
    whether MARAC heard it: for everyone, from one pass over each table, grouped; for a few people, looked up case
    by case (PostgreSQL cannot narrow a grouped subquery to the joined case, so the grouped form read every contact
    attempt there is for one person's page)."""
    if of_some:
        last_contact = select(func.max(ContactAttempt.at)).where(ContactAttempt.case_id == Case.id).scalar_subquery()
        heard = exists().where(MaracHearing.case_id == Case.id)
    else:
        latest = (select(ContactAttempt.case_id, func.max(ContactAttempt.at).label("last"))
                  .group_by(ContactAttempt.case_id).subquery())
        hearings = select(MaracHearing.case_id).distinct().subquery()
        last_contact, heard = latest.c.last, hearings.c.case_id.is_not(None)
    query = (
        select(Person.id, Person.date_of_birth, Referral.id, Referral.received_at, Referral.offence_date,
               Referral.age_at_offence, Referral.marac, Case.id, Case.received_at, Case.first_contacted_at,
               last_contact, Case.accepted_at, Case.closed_at, Case.updated_at, Case.status, Case.marac | heard)
        .join(Referral, Referral.person_id == Person.id)
        .outerjoin(Case, Case.referral_id == Referral.id)
        .where(Person.purged_at.is_(None))
        .order_by(Person.id, Referral.id, Case.id)
    )
    if not of_some:
        query = (query.outerjoin(latest, latest.c.case_id == Case.id)
                 .outerjoin(hearings, hearings.c.case_id == Case.id))
    return query


# Built once per process (every case and referral page reads one person's facts): the facts of everyone, of the
# people named by the bound list "person_ids", and of one person with whether they are on a legal hold now.
@cache
def _facts_statement(of_some: bool):
    query = _facts_query(of_some)
    return query.where(Person.id.in_(bindparam("person_ids", expanding=True))) if of_some else query


@cache
def _one_person_statement():
    on_hold = exists().where(LegalHold.person_id == Person.id, LegalHold.lifted_at.is_(None))
    return _facts_query(True).add_columns(on_hold).where(Person.id == bindparam("person_id"))


def _case_facts(row) -> CaseFacts:
    received, first_contacted, last, accepted, closed, updated, status, marac = row[8:16]
    is_open = status in OPEN_CASE_STATUSES
    last_contact = max((d for d in (_day(first_contacted), _day(last)) if d is not None), default=None)
    # A declined or transferred case ends without a closure date: it ended when it was last changed.
    closed_on = _day(closed) or (None if is_open else _day(updated))
    return CaseFacts(received_on=_day(received), contacted=first_contacted is not None, last_contact_on=last_contact,
                     accepted=accepted is not None, closed_on=closed_on, open=is_open, marac=bool(marac))


def retentions(person_ids: Iterable[int] | None = None) -> dict[int, Retention]:
    """Each person's retention (person id -> Retention), for ``person_ids`` or everyone not yet purged."""
    if person_ids is None:
        return _retentions_of(db.session.execute(_facts_statement(False)))
    return _retentions_of(db.session.execute(_facts_statement(True), {"person_ids": list(person_ids)}))


def _retentions_of(rows) -> dict[int, Retention]:
    dobs: dict[int, date | None] = {}
    referrals: dict[int, dict[int, dict]] = defaultdict(dict)
    for row in rows:
        person_id, dob, referral_id, received, offence_on, age, marac = row[:7]
        dobs[person_id] = dob
        entry = referrals[person_id].setdefault(referral_id, {
            "received_on": _day(received), "offence_on": offence_on, "age_at_offence": age,
            "marac": bool(marac), "cases": []})
        if row[7] is not None:
            entry["cases"].append(_case_facts(row))
    rules = policy()
    return {
        person_id: person_retention(
            [ReferralFacts(**{**facts, "cases": tuple(facts["cases"])}) for facts in by_referral.values()],
            dobs[person_id], rules)
        for person_id, by_referral in referrals.items()
    }


def retention_of(person_id: int) -> Retention:
    return retentions([person_id]).get(person_id) or person_retention([], None, policy())


def held_person_ids(person_ids: Iterable[int] | None = None) -> set[int]:
    """People on a legal hold now (a hold not lifted)."""
    query = select(LegalHold.person_id).where(LegalHold.lifted_at.is_(None))
    if person_ids is not None:
        query = query.where(LegalHold.person_id.in_(list(person_ids)))
    return set(db.session.scalars(query))


def describe(person_id: int | None) -> str | None:
    """The retention line for a person's record (None: no person recorded)."""
    from ...domain.retention import retention_text

    if person_id is None:
        return None
    # One statement: the person's facts, each row also saying whether they are on a legal hold now.
    rows = db.session.execute(_one_person_statement(), {"person_id": person_id}).all()
    if not rows:  # purged, or no referral: the rule's answer for no facts, and a hold may still be recorded
        return retention_text(retention_of(person_id), bool(held_person_ids([person_id])))
    return retention_text(_retentions_of(rows)[person_id], bool(rows[0][-1]))
