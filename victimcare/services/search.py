"""The search box on every caseworker and advocate page: people and referrals by name (misspelt or swapped),
date of birth, referral reference, crime reference or postcode.

Results obey the pages' permissions: a caseworker finds any referral; an advocate only their own service's cases.
A restricted record the actor may not open shows as "Restricted record", with no name, date of birth or
postcode (docs/security.md, "Restricted records"); opening it needs break-glass. Every search is audited as a "list" naming the kinds of criteria used and
the ids of the records shown, never the text typed.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, null, or_, select

from ..domain.access import RESTRICTED_RECORD_LABEL, searches_own_service_only
from ..domain.search import NAME_MATCH_THRESHOLD, SearchQuery, name_keys, name_score, parse_query
from ..extensions import db
from ..models import Case, Person, Referral, Service
from . import audit, restricted
from .actors import Actor, require

_CANONICAL_REFERENCE = re.compile(r"VC-[A-Z0-9]{4}-[A-Z0-9]{4}")
MAX_RESULTS = 25
# Candidates read for scoring: a name search fetches people whose names sound alike, then scores them in Python.
MAX_CANDIDATES = 400


@dataclass(frozen=True)
class SearchHit:
    reference: str
    received_at: datetime
    status: str
    offence_category: str
    given_name: str | None
    family_name: str | None
    date_of_birth: date | None
    postcode: str | None
    case_id: int | None  # advocates: their service's case; caseworkers: None (they open the referral)
    case_status: str | None
    service_name: str | None
    score: float
    restricted: bool = False  # shown as "Restricted record": the actor is not named on it


@dataclass(frozen=True)
class SearchResults:
    query: SearchQuery
    hits: list[SearchHit]
    truncated: bool


def search_records(actor: Actor, text: str) -> SearchResults:
    """The referrals (caseworkers) or cases (advocates) the search text finds, best first."""
    require(actor, "record.search", "Only caseworkers and advocates search records")
    query = parse_query(text)
    if query.problem:
        return SearchResults(query, [], False)
    statement = _statement(actor, query)
    rows = db.session.execute(statement.limit(MAX_CANDIDATES)).all()
    hits = []
    for row in rows:
        score = name_score(query.names, row.given_name, row.family_name) if query.names else 1.0
        if query.names and score < NAME_MATCH_THRESHOLD:
            continue
        values = row._asdict()
        if values.pop("hidden"):
            values.update(given_name=RESTRICTED_RECORD_LABEL, family_name=None, date_of_birth=None, postcode=None,
                          restricted=True)
        hits.append(SearchHit(score=score, **values))
    hits.sort(key=lambda hit: (-hit.score, -hit.received_at.timestamp()))
    shown, truncated = hits[:MAX_RESULTS], len(hits) > MAX_RESULTS
    audit.record(actor, "list", "search", None, changes={
        "criteria": query.criteria,
        "referral_ids": [] if not shown else _referral_ids(shown),
        "case_ids": [hit.case_id for hit in shown if hit.case_id],
        "rows": len(shown),
    })
    return SearchResults(query, shown, truncated)


def _referral_ids(hits: list[SearchHit]) -> list[int]:
    references = [hit.reference for hit in hits]
    return list(db.session.scalars(select(Referral.id).where(Referral.reference.in_(references)).order_by(Referral.id)))


def _statement(actor: Actor, query: SearchQuery):
    columns = [Referral.reference, Referral.received_at, Referral.status, Referral.offence_category,
               Person.given_name, Person.family_name, Person.date_of_birth, Person.postcode]
    statement = select(*columns).select_from(Referral).outerjoin(Person, Referral.person_id == Person.id)
    if searches_own_service_only(actor.principal):
        # Only cases of the advocate's own service, as on the queue.
        statement = (statement.add_columns(Case.id.label("case_id"), Case.status.label("case_status"),
                                           Service.name.label("service_name"))
                     .join(Case, and_(Case.referral_id == Referral.id, Case.service_id == actor.service_id))
                     .join(Service, Service.id == Case.service_id))
    else:
        # One row a referral: the caseworker opens the referral page, which lists its cases.
        statement = statement.add_columns(null().label("case_id"), null().label("case_status"),
                                          null().label("service_name"))
    # A restricted record is matched on its real values (scored above) and shown without them.
    statement = statement.add_columns(restricted.hidden_from(actor, Referral.person_id).label("hidden"))
    statement = statement.where(*_conditions(query))
    # A person whose personal data the retention schedule purged is found by nothing (their pages answer 404).
    statement = statement.where(Person.purged_at.is_(None))
    return statement.order_by(Referral.received_at.desc(), Referral.id.desc())


def _conditions(query: SearchQuery) -> list:
    conditions = []
    if query.reference and _CANONICAL_REFERENCE.fullmatch(query.reference):
        conditions.append(Referral.reference == query.reference)
    elif query.reference:
        conditions.append(func.replace(Referral.reference, "-", "") == query.reference.replace("-", ""))
    if query.crime_reference:
        conditions.append(func.upper(func.replace(Referral.crime_reference, " ", "")) == query.crime_reference)
    if query.postcode:
        conditions.append(Person.postcode == query.postcode)
    if query.date_of_birth:
        conditions.append(Person.date_of_birth == query.date_of_birth)
    if query.names:
        keys = name_keys(query.names)
        conditions.append(or_(Person.given_name_key.in_(keys), Person.family_name_key.in_(keys)))
    return conditions
