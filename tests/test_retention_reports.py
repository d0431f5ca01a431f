"""The compliance and every other report for a past period give exactly the same figures before and after a
purge that removes most of the people behind them (one is on a legal hold)."""
import re
from datetime import date, datetime, timezone
from itertools import cycle

from sqlalchemy import func, select

from victimcare.extensions import db
from victimcare.models import Case, CaseStep, LegalHold, Person, Referral

from . import test_reports_vc_complaints as vc
from .helpers_reports import PERIOD, hand_count_fixture

PAGES = [
    ("/reports/", {}),
    *[("/reports/code-compliance", {"group_by": group}) for group in ("service", "borough", "bcu", "month")],
    ("/reports/postcode-lottery", {}),
    *[(f"/reports/{slug}", {}) for slug in ("routing-and-flow", "service-measures", "outcomes", "equality")],
]


def _varied_people() -> None:
    """Equality answers, dates of birth across the bands, outcomes and steps, so every report has figures."""
    answers = cycle([("female", "white-british", "no", date(1990, 5, 17)), ("male", "black-african", "yes",
                     date(2008, 3, 1)), ("female", "asian-indian", "prefer-not-to-say", date(1958, 11, 30)),
                     ("prefer-not-to-say", "mixed-white-black-caribbean", "no", date(2003, 1, 1))])
    for case in db.session.scalars(select(Case).order_by(Case.id)):
        sex, ethnicity, disability, dob = next(answers)
        person = case.referral.person
        person.sex, person.ethnicity, person.disability, person.date_of_birth = sex, ethnicity, disability, dob
        if case.id % 3 == 0:
            case.status, case.closed_at = "closed", datetime(2026, 3, 1, tzinfo=timezone.utc)
            case.outcome_feels_safer, case.outcome_better_informed = "yes", "no"
        if case.id % 4 == 0:
            db.session.add(CaseStep(case_id=case.id, step="marac-referral", occurred_on=date(2026, 1, 20),
                                    detail="Discussed"))
    db.session.add(LegalHold(person_id=db.session.scalar(select(Person.id).limit(1)), reason="complaint"))
    db.session.commit()


def _figures(client) -> dict:
    pages = {}
    for path, params in PAGES:
        response = client.get(path, query_string={**PERIOD, **params})
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert "<table" in html, f"{path} shows no table"
        main = re.search(r"<main.*?</main>", html, re.S).group(0)
        pages[f"{path} {params}"] = re.sub(r"\s+", " ", re.sub(r'name="csrf_token"[^>]*', "", main))
    return pages


def test_every_report_is_the_same_before_and_after_a_purge(client, auth, users, runner, time_machine):
    time_machine.move_to(datetime(2026, 4, 1, 12, 0, tzinfo=timezone.utc), tick=False)
    hand_count_fixture()
    vc.hand_count_fixture()
    _varied_people()
    auth.login(users["commissioner"])
    before = _figures(client)
    assert "18-24" in str(before) or "18 to 24" in str(before)
    result = runner.invoke(args=["retention", "run", "--as-of", "2099-01-01"])
    assert result.exit_code == 0, result.output
    people = db.session.scalar(select(func.count()).select_from(Person))
    purged = db.session.scalar(select(func.count()).where(Person.purged_at.is_not(None)))
    # All but the held person and those whose contacted cases are still open without support (no date yet).
    assert people == 52 and purged == 42
    assert db.session.scalar(select(func.count()).where(Person.date_of_birth.is_not(None))) == 10
    assert db.session.scalar(select(func.count()).where(Referral.description.is_not(None))) == 0
    after = _figures(client)
    for page in before:
        assert after[page] == before[page], page
