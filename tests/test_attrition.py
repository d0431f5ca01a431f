"""Attrition: an advocate records a victim's withdrawal from the justice process on the case's Justice process
page; the attrition report counts withdrawals by offence, stage, advocate support and reason, suppressed."""
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent, JusticeWithdrawal, JusticeWithdrawalReason

from .factories import make_user
from .helpers_cases import date_parts, post_case_form, recent_case
from .helpers_reports import HACKNEY, LAMBETH, PERIOD, make_case

SUPPRESSED = "fewer than 5"
PRIVATE = "Her brother drives her to court and he has moved away"


def _record(client, case, **data):
    values = {"stage": "before-charge", "withdrawn_on": date_parts(date.today() - timedelta(days=1)),
              "reasons": ["fear-of-suspect"]}
    values.update(data)
    return post_case_form(client, f"/cases/{case.id}/justice-process", case.id, values)


# --- Recording a withdrawal ---------------------------------------------------------------------------------------

def test_an_advocate_records_a_withdrawal_and_sees_it_on_the_case(client, auth, users):
    case = recent_case("domestic-abuse", status="in-progress")
    case.first_contacted_at = datetime.now(timezone.utc) - timedelta(days=5)
    db.session.commit()
    auth.login(users["advocate"])
    page = client.get(f"/cases/{case.id}/justice-process").get_data(as_text=True)
    assert "When did the victim withdraw?" in page and "Fear of the suspect" in page
    response = _record(client, case, reasons=["fear-of-suspect", "other"], other_details=PRIVATE)
    assert response.status_code == 302
    page = client.get(f"/cases/{case.id}/justice-process").get_data(as_text=True)
    assert "Before charge" in page and "Fear of the suspect" in page and PRIVATE in page
    assert "Yes: this service had made contact by then" in page
    assert "When did the victim withdraw?" not in page  # recorded once
    withdrawal = db.session.scalar(select(JusticeWithdrawal))
    assert withdrawal.supported_by_advocate is True
    assert withdrawal.reason_slugs == ["fear-of-suspect", "other"]
    timeline = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Victim withdrew from the justice process: before charge" in timeline
    assert PRIVATE not in timeline


def test_the_private_details_never_reach_the_audit_trail(client, auth, users):
    case = recent_case("domestic-abuse", status="in-progress")
    auth.login(users["advocate"])
    assert _record(client, case, reasons=["other"], other_details=PRIVATE).status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "justice_withdrawal"))
    assert event.changes["stage"] == "before-charge" and event.changes["reasons"] == ["other"]
    assert event.changes["other_details"] == "given"
    assert event.changes["supported_by_advocate"] is False  # never contacted
    every = " ".join(str(e.changes) for e in db.session.scalars(select(AuditEvent)))
    assert "brother" not in every


def test_other_needs_details_and_the_form_says_so(client, auth, users):
    case = recent_case("domestic-abuse", status="in-progress")
    auth.login(users["advocate"])
    response = _record(client, case, reasons=["other"], other_details="")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "govuk-error-summary" in page and "Give the details of the other reason" in page
    assert db.session.scalar(select(JusticeWithdrawal)) is None


def test_missing_answers_are_listed(client, auth, users):
    case = recent_case("domestic-abuse", status="in-progress")
    auth.login(users["advocate"])
    response = post_case_form(client, f"/cases/{case.id}/justice-process", case.id, {})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for message in ("Choose the stage at which the victim withdrew", "Choose at least one reason",
                    "Enter the date the victim withdrew"):
        assert message in page


def test_details_without_the_other_reason_are_not_kept(client, auth, users):
    case = recent_case("domestic-abuse", status="in-progress")
    auth.login(users["advocate"])
    assert _record(client, case, reasons=["delay"], other_details=PRIVATE).status_code == 302
    assert db.session.scalar(select(JusticeWithdrawal)).other_details is None


def test_a_second_withdrawal_on_the_same_case_is_refused(client, auth, users, app):
    from victimcare.services import attrition
    from victimcare.services.actors import Actor
    from victimcare.services.errors import Conflict

    case = recent_case("domestic-abuse", status="in-progress")
    auth.login(users["advocate"])
    assert _record(client, case).status_code == 302
    with app.test_request_context():
        with pytest.raises(Conflict):
            attrition.record_withdrawal(Actor.from_user(users["advocate"]), case.id, stage="at-trial",
                                        reasons=["delay"], withdrawn_on=date.today())


# --- Every role against the page -----------------------------------------------------------------------------------

@pytest.mark.parametrize("role, expected", [
    ("advocate", 200), ("other_advocate", 404), ("caseworker", 403), ("commissioner", 403), ("admin", 403),
    ("dpo", 403),
])
def test_every_role_against_the_justice_process_page(client, auth, users, role, expected):
    case = recent_case("domestic-abuse", status="in-progress")
    user = users[role] if role in users else make_user(role)
    auth.login(user)
    assert client.get(f"/cases/{case.id}/justice-process").status_code == expected
    posted = _record(client, case)
    assert posted.status_code == (302 if expected == 200 else expected)
    assert (db.session.scalar(select(JusticeWithdrawal)) is not None) == (expected == 200)


def test_signed_out_people_are_sent_to_sign_in(client):
    case = recent_case("domestic-abuse", status="in-progress")
    response = client.get(f"/cases/{case.id}/justice-process")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_an_unknown_case_is_not_found(client, auth, users):
    auth.login(users["advocate"])
    assert client.get("/cases/999999/justice-process").status_code == 404


# --- The report: a hand count ---------------------------------------------------------------------------------------

JAN = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)


def _withdraw(case, stage, reasons, supported):
    db.session.add(JusticeWithdrawal(case_id=case.id, stage=stage, withdrawn_on=date(2026, 2, 1),
                                     supported_by_advocate=supported,
                                     reasons=[JusticeWithdrawalReason(reason=r) for r in reasons]))
    db.session.commit()


def attrition_fixture():
    """Domestic abuse (Lambeth), 30 cases: 10 withdrew before charge (5 supported, 5 not), 5 after charge (all
    supported), 5 at trial (none supported); 10 stayed. Other offences (victim support, Hackney), 10 cases: 5
    withdrew before charge (all supported), 5 stayed. Reasons: fear of the suspect 15, delay 5, reconciled 5, and
    "other" once (with private details). Outside the period: a case received in April that withdrew before charge.
    """
    da = [make_case("domestic-abuse", JAN, borough=LAMBETH, days=1, in_time=True) for _ in range(30)]
    for i, case in enumerate(da[:10]):
        _withdraw(case, "before-charge", ["fear-of-suspect"] + (["other"] if i == 0 else []), supported=i < 5)
    for case in da[10:15]:
        _withdraw(case, "after-charge", ["delay"], supported=True)
    for case in da[15:20]:
        _withdraw(case, "at-trial", ["reconciled"], supported=False)
    other = [make_case("victim-support", JAN, borough=HACKNEY, days=1, in_time=True) for _ in range(10)]
    for case in other[:5]:
        _withdraw(case, "before-charge", ["fear-of-suspect"], supported=True)
    late = make_case("domestic-abuse", datetime(2026, 4, 2, 10, tzinfo=timezone.utc), borough=LAMBETH)
    _withdraw(late, "before-charge", ["delay"], supported=False)


def _table(html, table_id):
    body = re.search(rf'<table class="govuk-table vc-report-table" id="{table_id}">(.*?)</table>', html, re.S).group(1)
    rows = {}
    for label, cells in re.findall(r'<th scope="row" class="govuk-table__header">([^<]*)</th>(.*?)</tr>', body, re.S):
        rows[label.replace("&#39;", "'")] = [c.strip() for c in re.findall(r'numeric[^"]*">([^<]*)</td>', cells)]
    return rows


def _report(client, auth, users, **query):
    attrition_fixture()
    auth.login(users["commissioner"])
    response = client.get("/reports/attrition", query_string={**PERIOD, **query})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_withdrawals_by_offence_by_hand(client, auth, users):
    html = _report(client, auth, users)
    table = _table(html, "withdrawals-by-offence")
    # cases, before charge, after charge, at trial, no withdrawal, share before charge
    assert table["Domestic abuse"] == ["30", "10", "5", "5", "10", "33.3%"]
    assert table["Other offence"] == ["10", "5", "0", "0", "5", "50.0%"]
    assert table["Total"] == ["40", "15", "5", "5", "15", "37.5%"]
    assert "about 40% of victims withdraw before charge" in html


def test_withdrawals_by_stage_and_support_by_hand(client, auth, users):
    html = _report(client, auth, users)
    table = _table(html, "withdrawals-by-stage")
    # withdrawals, supported, not supported, share supported
    assert table["Before charge"] == ["15", "10", "5", "66.7%"]
    assert table["After charge"] == ["5", "5", "0", "100.0%"]
    assert table["At trial"] == ["5", "0", "5", "0.0%"]
    assert table["Total"] == ["25", "15", "10", "60.0%"]


def test_reasons_by_hand_and_never_the_details(client, auth, users):
    html = _report(client, auth, users)
    table = _table(html, "withdrawals-by-reason")
    assert table["Fear of the suspect"] == ["15"]
    assert table["Delay"] == ["5"]
    assert table["Reconciled with the suspect"] == ["5"]
    assert table["Other"] == [SUPPRESSED]
    assert table["Lack of confidence in the process"] == ["0"]
    assert "Total" not in table
    assert "brother" not in html


def test_small_numbers_are_hidden_and_cannot_be_worked_out(client, auth, users):
    cases = [make_case("victim-support", JAN, borough=HACKNEY, days=1, in_time=True) for _ in range(10)]
    for case in cases[:2]:
        _withdraw(case, "before-charge", ["delay"], supported=False)
    auth.login(users["commissioner"])
    html = client.get("/reports/attrition", query_string=PERIOD).get_data(as_text=True)
    row = _table(html, "withdrawals-by-offence")["Other offence"]
    assert row[0] == "10" and row[1] == SUPPRESSED
    assert "8" not in row  # 10 cases less 8 with no withdrawal would give the 2 away
    assert row[5] == "not shown"  # no share over a hidden count
    assert _table(html, "withdrawals-by-stage")["Before charge"][0] == SUPPRESSED
    assert _table(html, "withdrawals-by-reason")["Delay"] == [SUPPRESSED]


def test_the_filters_apply(client, auth, users):
    html = _report(client, auth, users, borough=HACKNEY)
    table = _table(html, "withdrawals-by-offence")
    assert table["Domestic abuse"][0] == "0"
    assert table["Total"][0] == "10"


def test_the_report_is_listed_and_exports(client, auth, users):
    html = _report(client, auth, users)
    assert "Attrition from the justice process" in html
    assert "Attrition from the justice process" in client.get("/reports/").get_data(as_text=True)
    csv = client.get("/reports/attrition.csv", query_string=PERIOD)
    assert csv.status_code == 200 and "Withdrew before charge" in csv.get_data(as_text=True)
