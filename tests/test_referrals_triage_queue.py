"""Triage by risk: self-referrals wait for a person, the most urgent come first, and a referral that is not going
ahead is closed with a reason."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from victimcare.domain.clock import london_today
from victimcare.extensions import db
from victimcare.models import AuditEvent, Case, Referral

from .factories import make_person, make_referral_with_case
from .helpers_referrals import post, self_referral_data


def _waiting(name, days_ago, due_in=5, **values) -> Referral:
    received = datetime.now(timezone.utc) - timedelta(days=days_ago)
    person = make_person(given_name=name)
    referral = Referral(reference=f"VC-Q{name[:3].upper()}-{days_ago:04d}", person_id=person.id, status="triage",
                        source="self-referral", received_at=received, offence_category="other",
                        first_contact_due=received.date() + timedelta(days=due_in), **values)
    db.session.add(referral)
    db.session.commit()
    return referral


def test_a_self_referral_opens_no_case_and_no_advocate_sees_it_until_triage(client, auth, users):
    post(client, "/self-referral", self_referral_data())
    referral = db.session.scalar(select(Referral))
    assert referral.status == "triage" and referral.first_contact_due is not None
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    for role in ("advocate", "other_advocate"):
        auth.login(users[role])
        assert client.get(f"/referrals/{referral.reference}").status_code == 404
        assert referral.reference not in client.get("/cases/").get_data(as_text=True)
        auth.logout()


def test_confirming_a_self_referral_opens_its_cases_due_from_receipt(client, auth, users):
    post(client, "/self-referral", self_referral_data())
    referral = db.session.scalar(select(Referral))
    promised = referral.first_contact_due
    referral.received_at -= timedelta(days=7)  # a slow triage: the clock ran all the while
    db.session.commit()
    auth.login(users["caseworker"])
    data = [("given_name", "Sam"), ("family_name", "Lee"), ("offence_category", "hate-crime"),
            ("hate_strands", "race"), ("consent_referral", "yes")]
    response = post(client, f"/triage/{referral.reference}", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    case = db.session.scalar(select(Case))
    assert case.received_at == db.session.get(Referral, referral.id).received_at
    assert case.first_contact_due < promised  # due from receipt, not from the day it was confirmed
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Routing confirmed for" in page


def test_triage_puts_marac_and_high_risk_first_then_children_then_overdue_then_longest_waiting(client, auth, users):
    _waiting("Oldest", days_ago=9, due_in=30)
    _waiting("Overdue", days_ago=4, due_in=1)
    _waiting("Child", days_ago=1, age_at_offence=15)
    _waiting("Marac", days_ago=0, marac=True, dash_level="high")
    _waiting("Newest", days_ago=0)
    auth.login(users["caseworker"])
    page = client.get("/triage").get_data(as_text=True)
    rows = page[page.index('id="triage-queue"'):]
    order = sorted(("Oldest", "Overdue", "Child", "Marac", "Newest"), key=rows.index)
    assert order == ["Marac", "Child", "Overdue", "Oldest", "Newest"]
    for badge in ("MARAC", "High DASH risk", "Child safeguarding", "Overdue"):
        assert badge in rows
    assert "working days" in rows


def test_triage_order_counts_a_child_safeguarding_case_of_an_api_referral(client, auth, users):
    case = make_referral_with_case("child-house", child_safeguarding=True)
    case.referral.status = "triage"
    db.session.commit()
    _waiting("Adult", days_ago=20, due_in=1)
    auth.login(users["caseworker"])
    rows = client.get("/triage").get_data(as_text=True)
    assert rows.index(case.referral.reference) < rows.index("Adult")


def test_a_referral_is_closed_as_not_proceeding_with_a_reason(client, auth, users):
    referral = _waiting("Spammy", days_ago=1)
    auth.login(users["caseworker"])
    url = f"/triage/{referral.reference}/not-proceeding"

    response = post(client, url, [("reason_code", "duplicate")])
    assert response.status_code == 400
    assert "Give the details" in response.get_data(as_text=True)

    response = post(client, url, [("reason_code", "duplicate"), ("detail", "Same as VC-ABCD-EFGH, sent twice")])
    assert response.status_code == 302
    db.session.expire_all()
    closed = db.session.get(Referral, referral.id)
    assert (closed.status, closed.not_proceeding_reason) == ("not-proceeding", "duplicate")
    assert "closed as not proceeding" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert referral.reference not in client.get("/triage").get_data(as_text=True)
    shown = client.get(f"/referrals/{referral.reference}").get_data(as_text=True)
    assert "duplicate of another referral" in shown and "Same as VC-ABCD-EFGH" in shown

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "update",
                                                       AuditEvent.object_type == "referral"))
    assert event.changes["reason_code"] == "duplicate"
    assert "VC-ABCD" not in str(event.changes)


def test_a_referral_services_are_working_cannot_be_closed_at_triage(client, auth, users):
    case = make_referral_with_case("victim-support")
    case.referral.status = "triage"
    db.session.commit()
    auth.login(users["caseworker"])
    assert "Close without routing" not in client.get(f"/triage/{case.referral.reference}").get_data(as_text=True)
    response = post(client, f"/triage/{case.referral.reference}/not-proceeding",
                    [("reason_code", "spam"), ("detail", "x")])
    assert response.status_code == 302
    assert db.session.get(Referral, case.referral_id).status == "triage"


def test_only_caseworkers_close_referrals(client, auth, users):
    referral = _waiting("Kept", days_ago=1)
    for role in ("advocate", "commissioner", "admin"):
        auth.login(users[role])
        response = post(client, f"/triage/{referral.reference}/not-proceeding",
                        [("reason_code", "spam"), ("detail", "x")])
        assert response.status_code in (403, 404), role
        auth.logout()
    assert db.session.get(Referral, referral.id).status == "triage"


def test_the_flow_report_counts_referrals_not_proceeding_by_reason(app):
    from victimcare.domain.report_definitions import ReportFilters
    from victimcare.services.reports.flow import _not_proceeding

    for name, reason in (("One", "spam"), ("Two", "spam"), ("Three", "duplicate")):
        referral = _waiting(name, days_ago=2)
        referral.status, referral.not_proceeding_reason = "not-proceeding", reason
    db.session.commit()
    today = london_today()
    section = _not_proceeding(ReportFilters(date_from=today - timedelta(days=30), date_to=today))
    assert section.title == "Referrals closed at triage as not proceeding"


def test_triage_runs_the_duplicate_person_check(client, auth, users):
    from datetime import date

    earlier = make_referral_with_case("victim-support")
    earlier.referral.person.given_name, earlier.referral.person.family_name = "Samira", "Khan"
    earlier.referral.person.date_of_birth = date(1990, 5, 17)
    referral = _waiting("Samirah", days_ago=1)
    referral.person.family_name, referral.person.date_of_birth = "Khan", date(1990, 5, 17)
    db.session.commit()
    auth.login(users["caseworker"])
    page = client.get(f"/triage/{referral.reference}").get_data(as_text=True)
    section = page[page.index("Already on record?"):]
    assert "Samira Khan" in section and "Likely match" in section
    assert earlier.referral.reference in section
