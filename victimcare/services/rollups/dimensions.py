"""The breakdown roll-up (``rollup_case_dimensions``, models/rollup_dimensions.py): the cases counted by one answer
about them (the dimension) and its value, by service, London area, London month received and enhanced; and the
same counts by London day received, London-wide (``rollup_case_dimension_days``), which the reports read a
period's odd days from. Both are counted from one read of each touched case's rows (``registry.shared_read``).

Every dimension is defined once, here, as SQL giving one row per case and value (``case_rows``): the same rows
are read for the few cases a transaction touched (``contributions``), grouped for a recount (``recount``), and
counted by the reports for odd days at the ends of a period and for the correction that depends on today
(services/reports/dimension_sql.py). The value expressions are the ones the reports grouped the cases by.

Dimensions and their values:
- ``cases``: every case, value "" (the cases received);
- ``age-band`` (AGE_BANDS; kept on the case, else from the date of birth), ``sex``, ``ethnicity`` (the heading
  of the ethnic group), ``disability``: the victim's answers (cases whose referral names a person);
- ``dash-level``: the referral's DASH risk level;
- ``complaint-agency``, ``complaint-right``: a Victims' Commissioner complaint's agency and Code right;
- ``hate-strand``: each strand the victim perceived, and ``combined`` for two or more;
- ``outcome-<question>``: a closed case's answer to each outcome question;
- ``step``: each service step recorded on the case (counted once however often recorded);
- ``rj``: ``requested`` (the victim asked for restorative justice), ``both-consented`` (victim and offender
  consent both recorded), ``meeting-held`` (a direct or indirect meeting recorded).
"""
from sqlalchemy import Integer, and_, exists, func, literal, literal_column, or_, select, true, union_all
from sqlalchemy import case as sql_case

from ...domain.vocab import AGE_BANDS, ETHNICITY_HEADINGS, OUTCOME_QUESTIONS
from ...models import Case, CaseStep, Person, Referral, ReferralStrand
from ...models.rollup_dimensions import (
    ALL_BOROUGHS,
    DIMENSION_COUNTS,
    NO_VALUE,
    RollupCaseDimensionDays,
    RollupCaseDimensions,
    RollupPurgedCaseDimensionDays,
    RollupPurgedCaseDimensions,
)
from ...models.rollups import NO_BOROUGH
from .counts import NOT_DUE_UNLESS_CONTACTED, among, day_expression, london_day, month_expression
from .registry import Provider, Related, by_column, register, shared_read

EQUALITY_DIMENSIONS = ("age-band", "sex", "ethnicity", "disability")
OUTCOME_DIMENSIONS = tuple(f"outcome-{question}" for question, _ in OUTCOME_QUESTIONS)
RJ_CONSENTS = ("rj-victim-consent", "rj-offender-consent")
RJ_MEETINGS = ("rj-direct-meeting", "rj-indirect-meeting")
KEY_FIELDS = ("dimension", "month", "service_id", "value", "borough_code", "enhanced")
DAY_KEY_FIELDS = ("dimension", "day", "service_id", "value", "enhanced")
# The fields of a case that move a figure here.
CASE_FIELDS = ("service_id", "status", "received_at", "borough_code", "enhanced", "first_contact_working_days",
               "first_contact_in_time", "accepted_at", "marac", "age_band", "referral_id", "complaint_agency",
               "complaint_code_right", "response_requested_on", "response_due_on", "response_received_on",
               *[f"outcome_{question.replace('-', '_')}" for question, _ in OUTCOME_QUESTIONS])


def age_band_expression(dialect: str):
    """The age band kept on the case (set when it opened, or by the purge before the date of birth goes);
    otherwise whole years between date of birth and the date the case was received, banded as AGE_BANDS."""
    if dialect == "postgresql":
        age = func.date_part("year", func.age(func.timezone("Europe/London", Case.received_at), Person.date_of_birth))
    else:
        received = func.strftime("%Y-%m-%d", Case.received_at)
        age = (func.cast(func.strftime("%Y", received), Integer) - func.cast(func.strftime("%Y", Person.date_of_birth), Integer)
               - sql_case((func.strftime("%m-%d", received) < func.strftime("%m-%d", Person.date_of_birth), 1), else_=0))
    floors = [(int(band.split("-")[1]) + 1, band) for band, _ in AGE_BANDS if "-" in band]
    return sql_case((Case.age_band.is_not(None), Case.age_band), (Person.date_of_birth.is_(None), None),
                    *[(age < floor, band) for floor, band in floors], else_=AGE_BANDS[-1][0])


def ethnic_heading_expression():
    return sql_case(*[(Person.ethnicity.like(f"{heading}-%"), heading) for heading, _ in ETHNICITY_HEADINGS],
                    else_=Person.ethnicity)


def _flag(condition):
    return sql_case((condition, 1), else_=0)


def _counts() -> list:
    contacted = Case.first_contact_working_days.is_not(None)
    return [
        literal_column("1").label("received"),
        _flag(contacted).label("contacted"),
        _flag(and_(Case.first_contact_working_days.is_(None), Case.status.not_in(NOT_DUE_UNLESS_CONTACTED))).label("pending"),
        _flag(Case.first_contact_in_time.is_(True)).label("in_time"),
        _flag(Case.accepted_at.is_not(None)).label("accepted"),
        _flag(Case.marac.is_(True)).label("marac"),
        _flag(Case.response_requested_on.is_not(None)).label("requested"),
        _flag(Case.response_received_on.is_not(None)).label("responded"),
        _flag(Case.response_received_on <= Case.response_due_on).label("responded_on_time"),
        _flag(awaiting_response()).label("awaiting"),
    ]


def awaiting_response():
    """A complaint's agency response requested, with its due date, and not yet received."""
    return and_(Case.response_requested_on.is_not(None), Case.response_received_on.is_(None),
                Case.response_due_on.is_not(None))


def single_valued(dialect: str) -> list[tuple]:
    """(dimension, value expression, condition or None) for the dimensions a case has at most one value of, over
    the case joined to its referral and (outer) to its person."""
    person = Person.id.is_not(None)  # the equality answers count the cases whose referral names a person
    found = [
        ("cases", literal(NO_VALUE), None),
        ("age-band", age_band_expression(dialect), person),
        ("sex", Person.sex, person),
        ("ethnicity", ethnic_heading_expression(), person),
        ("disability", Person.disability, person),
        ("dash-level", Referral.dash_level, None),
        ("complaint-agency", Case.complaint_agency, None),
        ("complaint-right", Case.complaint_code_right, None),
    ]
    for question, _ in OUTCOME_QUESTIONS:
        column = getattr(Case, "outcome_" + question.replace("-", "_"))
        found.append((f"outcome-{question}", column, Case.status == "closed"))
    return found


def _multi_valued() -> list[tuple]:
    """(dimension, FROM clause, value expression, extra conditions, one row per value) for the others."""
    cases = Case.__table__
    with_referral = cases.join(Referral, Referral.id == Case.referral_id)
    strands = select(func.count()).where(ReferralStrand.referral_id == Case.referral_id).scalar_subquery()

    def has_step(steps):
        return exists().where(CaseStep.case_id == Case.id, CaseStep.step.in_(steps))

    both = and_(*[exists().where(CaseStep.case_id == Case.id, CaseStep.step == step) for step in RJ_CONSENTS])
    return [
        ("hate-strand", with_referral.join(ReferralStrand, ReferralStrand.referral_id == Referral.id),
         ReferralStrand.strand, [], False),
        ("hate-strand", cases, literal("combined"), [strands >= 2], False),
        ("step", cases.join(CaseStep, CaseStep.case_id == Case.id), CaseStep.step, [], True),
        ("rj", with_referral, literal("requested"), [Referral.rj_requested.is_(True)], False),
        ("rj", cases, literal("both-consented"), [both], False),
        ("rj", cases, literal("meeting-held"), [has_step(RJ_MEETINGS)], False),
    ]


def _columns(dimension, value, month) -> list:
    return [Case.id.label("case_id"), dimension.label("dimension"),
            func.coalesce(value, literal(NO_VALUE)).label("value"), Case.service_id.label("service_id"),
            func.coalesce(Case.borough_code, literal(NO_BOROUGH)).label("borough_code"),
            month.label("month"), Case.enhanced.label("enhanced"), *_counts()]


def _single_valued_rows(dialect: str, dimensions, conditions: list, month):
    """The single-valued dimensions asked for in one SELECT: each case joined once to its referral and person
    (where they are read), crossed with the dimensions' names, the value picked by name."""
    wanted = [d for d in single_valued(dialect) if d[0] in dimensions]
    if not wanted:
        return None
    if dialect == "postgresql":
        return _single_valued_lateral(wanted, conditions, month)
    names = union_all(*[select(literal(d[0]).label("dimension")) for d in wanted]) if len(wanted) > 1 \
        else select(literal(wanted[0][0]).label("dimension"))
    names = names.subquery("dimension_names")
    value = sql_case(*[(names.c.dimension == d, expression) for d, expression, _ in wanted], else_=None)
    applies = or_(*[and_(names.c.dimension == d, condition) if condition is not None else names.c.dimension == d
                    for d, _, condition in wanted])
    source = _with_what_they_read(wanted).join(names, true())
    return select(*_columns(names.c.dimension, value, month)).select_from(source).where(*conditions, applies)


def _with_what_they_read(wanted):
    """The case, joined to its referral (every case has one) and, outer, to its person only where one of the
    ``wanted`` dimensions reads them: the outcome answers of a month of cases read no referral (joining 20,000
    cases to their referrals cost PostgreSQL a scan of every referral, nine tenths of the statement)."""
    read = {table.name for _, expression, condition in wanted
            for table in select(expression).where(condition if condition is not None else true()).get_final_froms()}
    source = Case.__table__
    if read & {Referral.__tablename__, Person.__tablename__}:
        source = source.join(Referral, Referral.id == Case.referral_id)
    if Person.__tablename__ in read:
        source = source.outerjoin(Person, Person.id == Referral.person_id)
    return source


def _single_valued_lateral(wanted, conditions: list, month):
    """PostgreSQL: the same rows, each case's values listed by a LATERAL subquery of the case's own row. Crossed
    with a list of names instead, PostgreSQL joined every case to its referral and person again for each name
    (eleven times a recount: 44 s of a 1,000,000-case recount, over half an hour at 10,000,000)."""
    branches = [select(literal(name).label("dimension"), expression.label("value"))
                .where(condition if condition is not None else true()).correlate(Case, Referral, Person)
                for name, expression, condition in wanted]
    values = (union_all(*branches) if len(branches) > 1 else branches[0]).lateral("dimension_values")
    source = _with_what_they_read(wanted).join(values, true())
    return select(*_columns(values.c.dimension, values.c.value, month)).select_from(source).where(*conditions)


def case_rows(dialect: str, dimensions, conditions: list, month):
    """One row per case (among those ``conditions`` select) and value of each of ``dimensions``: case_id,
    dimension, value ("" for none), service_id, borough_code ("" for none), month (the ``month`` expression over
    the case), enhanced and the counts (0 or 1) of DIMENSION_COUNTS."""
    branches = [rows for rows in [_single_valued_rows(dialect, dimensions, conditions, month)] if rows is not None]
    for dimension, source, value, where, distinct in _multi_valued():
        if dimension in dimensions:
            branch = select(*_columns(literal(dimension), value, month)).select_from(source).where(*conditions, *where)
            branches.append(branch.distinct() if distinct else branch)
    return (union_all(*branches) if len(branches) > 1 else branches[0]).subquery("case_dimensions")


def all_dimensions() -> tuple[str, ...]:
    return tuple(dict.fromkeys([d[0] for d in single_valued("sqlite")] + [d[0] for d in _multi_valued()]))


def _case_values(session, case_ids: list[int]) -> list[tuple]:
    """(case id, dimension, London day received, service id, value, borough code, enhanced, counts) for each
    case-value row of the cases as the database holds them now (one statement). The counts are a dict of those of
    DIMENSION_COUNTS that are not 0 (most are: a case counts once a key, by few of its counts), shared by every
    key the row counts under, so never changed in place."""
    rows = case_rows(session.get_bind().dialect.name, all_dimensions(), [among(session, Case.id, case_ids)],
                     Case.received_at)
    days: dict = {}  # a batch of the bulk import has ~20 rows a case, and few distinct times received
    result = session.execute(select(rows))
    at = {name: index for index, name in enumerate(result.keys())}
    counted_at = [(name, at[name]) for name in DIMENSION_COUNTS]
    case_at, dimension_at, received_at, service_at, value_at, borough_at, enhanced_at = (at[name] for name in (
        "case_id", "dimension", "month", "service_id", "value", "borough_code", "enhanced"))
    found = []
    for row in result:
        if (day := days.get(row[received_at])) is None:
            day = days[row[received_at]] = london_day(row[received_at])
        found.append((row[case_at], row[dimension_at], day, row[service_at], row[value_at], row[borough_at],
                      bool(row[enhanced_at]), {name: int(row[index]) for name, index in counted_at if row[index]}))
    return found


def _add(of_case: dict, key: tuple, counted: dict) -> None:
    counts = of_case.get(key)
    if counts is None:
        of_case[key] = counted
    else:  # a new dict: ``counted`` is shared with the row's other keys
        of_case[key] = {name: counts.get(name, 0) + counted.get(name, 0) for name in {*counts, *counted}}


def contributions(session, case_ids: list[int]) -> dict[int, dict]:
    """{case id: {key: counts}} for the cases as the database holds them now: each case-value row under its
    borough and again under ALL_BOROUGHS, by London month."""
    found: dict[int, dict] = {}
    for case_id, dimension, day, service, value, borough, enhanced, counted in shared_read(
            session, _case_values, case_ids):
        of_case = found.setdefault(case_id, {})
        month = day.replace(day=1)
        _add(of_case, (dimension, month, service, value, borough, enhanced), counted)
        _add(of_case, (dimension, month, service, value, ALL_BOROUGHS, enhanced), counted)
    return found


def day_contributions(session, case_ids: list[int]) -> dict[int, dict]:
    """{case id: {key: counts}} for the roll-up by London day (London-wide), from the same rows as
    ``contributions`` (read once for both)."""
    found: dict[int, dict] = {}
    for case_id, dimension, day, service, value, _, enhanced, counted in shared_read(session, _case_values, case_ids):
        _add(found.setdefault(case_id, {}), (dimension, day, service, value, enhanced), counted)
    return found


def recount(dialect: str):
    """Rows of (key fields, counts) for the cases there are now: by borough, and those rows summed again under
    ALL_BOROUGHS."""
    rows = case_rows(dialect, all_dimensions(), [], month_expression(dialect))
    keys = [rows.c[name] for name in KEY_FIELDS]
    by_borough = (select(*keys, *[func.sum(rows.c[name]).label(name) for name in DIMENSION_COUNTS])
                  .group_by(*keys).cte("by_borough"))
    others = [by_borough.c[name] for name in KEY_FIELDS if name != "borough_code"]
    everywhere = (select(*[literal(ALL_BOROUGHS).label(name) if name == "borough_code" else by_borough.c[name]
                           for name in KEY_FIELDS],
                         *[func.sum(by_borough.c[name]).label(name) for name in DIMENSION_COUNTS])
                  .group_by(*others))
    return select(union_all(select(by_borough), everywhere).subquery("with_all_boroughs"))


def day_recount(dialect: str):
    """Rows of (DAY_KEY_FIELDS, counts) for the cases there are now, London-wide."""
    rows = case_rows(dialect, all_dimensions(), [], day_expression(dialect))
    keys = [rows.c.dimension, rows.c.month, rows.c.service_id, rows.c.value, rows.c.enhanced]
    return (select(*[column.label(name) for column, name in zip(keys, DAY_KEY_FIELDS)],
                   *[func.sum(rows.c[name]).label(name) for name in DIMENSION_COUNTS])
            .group_by(*keys))


def _cases_of_referral(session, referral_id) -> list[int]:
    if referral_id is None:
        return []
    return list(session.scalars(select(Case.id).where(Case.referral_id == referral_id)))


def _referral_cases(session, obj) -> list[int]:
    return _cases_of_referral(session, obj.id)


def _strand_cases(session, obj) -> list[int]:
    return _cases_of_referral(session, obj.referral_id)


def _person_cases(session, obj) -> list[int]:
    if obj.id is None:
        return []
    return list(session.scalars(select(Case.id).join(Referral, Referral.id == Case.referral_id)
                                .where(Referral.person_id == obj.id)))


def describe_key(key: tuple) -> str:
    dimension, month, service_id, value, borough, enhanced = key
    return (f"{dimension} {value or 'none'}, service {service_id}, borough {borough or 'none'}, {month:%Y-%m}, "
            f"{'enhanced' if enhanced else 'standard'}")


def describe_day_key(key: tuple) -> str:
    dimension, day, service_id, value, enhanced = key
    return (f"{dimension} {value or 'none'}, service {service_id}, London, {day:%Y-%m-%d}, "
            f"{'enhanced' if enhanced else 'standard'}")


RELATED = (
    Related(Referral, _referral_cases, ("person_id", "dash_level", "rj_requested")),
    Related(Person, _person_cases, ("date_of_birth", "sex", "ethnicity", "disability")),
    Related(ReferralStrand, _strand_cases),
    Related(CaseStep, by_column("case_id"), ("case_id", "step")),
)

DIMENSIONS = register(Provider(
    name="case-dimensions", table=RollupCaseDimensions.__table__, purged=RollupPurgedCaseDimensions.__table__,
    key_fields=KEY_FIELDS, count_names=DIMENSION_COUNTS, case_fields=CASE_FIELDS,
    related=RELATED, contributions=contributions, recount=recount, describe_key=describe_key,
))

# Touched by the same changes as DIMENSIONS (the same fields and related rows), so both read the same cases in
# each round and share one statement (registry.shared_read).
DIMENSION_DAYS = register(Provider(
    name="case-dimension-days", table=RollupCaseDimensionDays.__table__,
    purged=RollupPurgedCaseDimensionDays.__table__, key_fields=DAY_KEY_FIELDS, count_names=DIMENSION_COUNTS,
    case_fields=CASE_FIELDS, related=RELATED, contributions=day_contributions, recount=day_recount,
    describe_key=describe_day_key,
))
