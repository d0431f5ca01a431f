"""The public self-referral's other ways in: young people aged 13 to 17 (the Child House takes self-referrals from
13), and someone asking for support for another person who knows and agrees. Their words, the helplines, what
happens next; each makes a referral that waits for a caseworker."""
from datetime import timedelta

from sqlalchemy import func, select

from victimcare.domain.clock import london_today
from victimcare.extensions import db
from victimcare.models import Case, Referral

from .helpers_referrals import date_fields, post, self_referral_data

YOUNG = "/self-referral/young-people"
SOMEONE_ELSE = "/self-referral/for-someone-else"


def _born_years_ago(years: int):
    today = london_today()
    return today.replace(year=today.year - years) - timedelta(days=40)


def _young(**overrides):
    born = overrides.pop("born", _born_years_ago(15))
    return self_referral_data(**overrides) + (date_fields("date_of_birth", born) if born else
                                               [("date_of_birth", "")] * 3)


def _someone_else(**overrides):
    values = dict(referrer_name="Alex Fictional", referrer_relationship="her friend")
    values.update(overrides)
    return self_referral_data(**values)


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_the_adult_form_points_to_the_other_two(client):
    page = _text(client.get("/self-referral"))
    assert f'href="{YOUNG}"' in page and f'href="{SOMEONE_ELSE}"' in page


def test_a_young_person_refers_themselves_and_is_told_what_happens_next(client):
    page = client.get(YOUNG)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = _text(page)
    assert "Get support if you are 13 to 17" in text and "0800 1111" in text
    assert "children&#39;s services" in text  # the safeguarding limit of confidentiality, said before they send
    assert "Every view and change is recorded" not in text  # no staff footer on a public page
    assert 'name="date_of_birth"' in text and 'autocomplete="off"' in text

    sent = post(client, YOUNG, _young(what_happened="sexual-offence", hate_strands=[]))
    assert sent.status_code == 302
    referral = db.session.scalar(select(Referral))
    assert (referral.status, referral.source) == ("triage", "self-referral")
    assert referral.person.date_of_birth == _born_years_ago(15)
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0  # waits for a caseworker
    confirmation = _text(client.get(sent.headers["Location"]))
    assert referral.reference in confirmation
    assert "A support worker for young people" in confirmation
    helplines = confirmation[confirmation.index("Help you can get now"):]
    assert helplines.index("0800 1111") < helplines.index("999")  # Childline first for a young person


def test_the_young_peoples_form_is_for_13_to_17(client):
    too_young = post(client, YOUNG, _young(born=_born_years_ago(12)))
    assert too_young.status_code == 400
    assert "You need to be 13 or older to use this form" in _text(too_young)
    adult = post(client, YOUNG, _young(born=_born_years_ago(19)))
    assert adult.status_code == 400 and "use the form for adults instead" in _text(adult)
    missing = post(client, YOUNG, _young(born=None))
    assert "Enter your date of birth" in _text(missing)
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 0


def test_someone_refers_another_person_with_their_knowledge(client):
    page = _text(client.get(SOMEONE_ELSE))
    assert "Ask for support for someone else" in page and "they know you are asking for them" in page
    assert "Every view and change is recorded" not in page

    refused = post(client, SOMEONE_ELSE, _someone_else(consent="no", given_name="", referrer_name=""))
    assert refused.status_code == 400
    text = _text(refused)
    for message in ("We can only take their details if they know and agree", "Enter their first name",
                    "Enter your name"):
        assert message in text, message

    sent = post(client, SOMEONE_ELSE, _someone_else())
    assert sent.status_code == 302
    referral = db.session.scalar(select(Referral))
    assert referral.status == "triage" and referral.referrer_name == "Alex Fictional"
    assert referral.referrer_organisation == "her friend (referred them with their knowledge)"
    assert referral.person.given_name == "Sam"
    confirmation = _text(client.get(sent.headers["Location"]))
    assert "Their reference" in confirmation and "We will not contact you" in confirmation


def test_the_three_forms_share_one_rate_limit(client, app):
    limit = int(app.config["SELF_REFERRAL_RATE_LIMIT"].split()[0])
    for n in range(limit):
        path, data = [("/self-referral", self_referral_data()), (YOUNG, _young()),
                      (SOMEONE_ELSE, _someone_else())][n % 3]
        assert post(client, path, data).status_code == 302
    assert post(client, SOMEONE_ELSE, _someone_else()).status_code == 429
    assert post(client, YOUNG, _young()).status_code == 429
