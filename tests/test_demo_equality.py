"""The demo seed records equality answers, so the equality monitoring report shows figures in `make run`."""
from sqlalchemy import func, select

from victimcare.demo import _equality_answers
from victimcare.domain.vocab import DISABILITY, ETHNICITY, GENDER_IDENTITY, RELIGION, SEX, SEXUAL_ORIENTATION, slugs
from victimcare.extensions import db
from victimcare.models import Person


def test_demo_people_have_realistic_equality_answers(runner):
    result = runner.invoke(args=["seed-demo", "--referrals", "80"])
    assert result.exit_code == 0, result.output
    people = db.session.scalar(select(func.count()).select_from(Person))

    def count(*where):
        return db.session.scalar(select(func.count()).select_from(Person).where(*where))

    recorded = count(Person.sex.is_not(None))
    assert 0.5 * people < recorded < 0.9 * people  # most were asked, some never were
    assert count(Person.sex == "female") > count(Person.sex == "male") > 0
    assert count(Person.ethnicity.like("white-%")) > 0 and count(Person.ethnicity.like("black-%")) > 0
    assert count(Person.disability == "yes") > 0
    assert count(Person.sexual_orientation.is_not(None)) > 0
    assert count(Person.ethnicity == "prefer-not-to-say") + count(Person.disability == "prefer-not-to-say") > 0


def test_equality_answers_are_valid_deterministic_and_fit_the_age():
    vocabularies = {"sex": SEX, "ethnicity": ETHNICITY, "disability": DISABILITY, "religion": RELIGION,
                    "gender_identity": GENDER_IDENTITY, "sexual_orientation": SEXUAL_ORIENTATION}
    children = [_equality_answers(n, 14, "child") for n in range(300)]
    adults = [_equality_answers(n, 30, "domestic") for n in range(300)]
    assert adults == [_equality_answers(n, 30, "domestic") for n in range(300)]
    for answers in children + adults:
        for field, value in answers.items():
            assert value is None or value in slugs(vocabularies[field]), (field, value)
    assert not any("sexual_orientation" in a or "gender_identity" in a for a in children)  # not asked under 16
    assert 50 < sum(1 for a in children if a) < 280
    assert sum(1 for a in adults if a.get("sexual_orientation") == "prefer-not-to-say") > 3
    assert sum(1 for a in adults if a.get("sexual_orientation") not in (None, "straight-or-heterosexual")) > 5
