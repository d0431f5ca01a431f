"""Two oddities a caseworker saw on the demo: the triage list said "No service yet" for a referral whose cases had
moved on, and a self-referral named a referring police officer."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import Case, Referral

from .factories import make_referral_with_case


def _in_triage(status: str) -> Referral:
    """A police referral routed on arrival and waiting for triage, whose one case is now ``status``."""
    case = make_referral_with_case("domestic-abuse", status=status,
                                   received_at=datetime.now(timezone.utc) - timedelta(days=2))
    case.referral.status, case.referral.source = "triage", "police-api"
    db.session.commit()
    return case.referral


def _row(client, reference: str) -> str:
    page = client.get("/triage").get_data(as_text=True)
    start = page.index(reference)
    return page[start:page.index("</tr>", start)]


def test_a_triage_referral_whose_case_moved_on_says_a_service_is_working_it(client, auth, users):
    referral = _in_triage("in-progress")
    auth.login(users["caseworker"])
    row = _row(client, referral.reference)
    assert "No service yet" not in row
    assert "None due: 1 service is already working it" in row


def test_a_triage_referral_whose_cases_were_all_declined_says_nobody_is_working_it(client, auth, users):
    referral = _in_triage("declined")
    auth.login(users["caseworker"])
    row = _row(client, referral.reference)
    assert "No service is working it: every service declined it" in row.replace("</strong>", "")
    assert "No service yet" not in row


def test_a_triage_referral_whose_case_closed_says_so(client, auth, users):
    referral = _in_triage("closed")
    auth.login(users["caseworker"])
    row = _row(client, referral.reference)
    assert "None due: its cases are closed" in row and "No service" not in row


def test_a_triage_referral_with_a_new_case_shows_its_due_date(client, auth, users):
    referral = _in_triage("new")
    due = db.session.scalar(select(Case.first_contact_due).where(Case.referral_id == referral.id))
    auth.login(users["caseworker"])
    row = _row(client, referral.reference)
    assert "None due" not in row and "No service yet" not in row
    assert due.strftime("%-d %B %Y") in row


def test_the_demo_names_a_referrer_only_where_someone_referred(runner):
    result = runner.invoke(args=["seed-demo", "--referrals", "60"])
    assert result.exit_code == 0, result.output
    referrals = list(db.session.scalars(select(Referral)))
    named = [r for r in referrals if r.referrer_name]
    assert named, "the demo should still show who referred, where someone did"
    assert {r.source for r in named} <= {"police-api", "partner"}
    assert all(r.referrer_name != "Sam at the GP" for r in named if r.source == "police-api")
