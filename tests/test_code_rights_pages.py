"""The case's "Victims' Code" tab: each right in words and badges, and the form advocates record events with."""
from datetime import date, datetime, timezone

import pytest
import time_machine
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import CodeEvent

from .factories import make_referral_with_case, make_user
from .helpers_cases import date_parts, fresh, post_case_form

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)  # Friday


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW):
        yield


def _case(**values):
    values.setdefault("received_at", datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc))
    values.setdefault("first_contact_due", date(2026, 12, 8))
    return make_referral_with_case("domestic-abuse", values.pop("status", "in-progress"), **values)


def _form(event, on, **extra):
    data = {"event": event, "at_on": date_parts(on)}
    if "decision_on" in extra:
        data["decision_on"] = date_parts(extra.pop("decision_on"))
    data.update(extra)
    return data


def test_the_tab_shows_every_right_in_words_with_badges(client, auth, users):
    case = _case(enhanced=True)
    auth.login(users["advocate"])
    page = client.get(f"/cases/{case.id}/victims-code")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Victims&#39; Code rights" in text or "Victims' Code rights" in text
    assert "Due by 8 December 2026" in text and "Not applicable" in text
    assert "0 of the 8 rights recorded here met, 2 due." in text and "enhanced rights" in text
    assert "The other 4 are owed by other agencies (the police, Witness Care and the CPS, probation)" in text
    assert "information-about-investigation" not in text  # no slug shown as text
    assert 'aria-current="page"' in text and "Record what happened" in text


def test_an_advocate_records_a_late_decision_and_the_tab_says_so(client, auth, users):
    case = _case(enhanced=True)
    auth.login(users["advocate"])
    response = post_case_form(client, f"/cases/{case.id}/victims-code", case.id,
                              _form("decision-communicated", date(2026, 12, 3), decision="suspect-charged",
                                    decision_on=date(2026, 12, 1), note="Told by phone"))
    assert response.status_code == 302
    page = client.get(f"/cases/{case.id}/victims-code").get_data(as_text=True)
    assert "Recorded: Told of a police decision." in page
    assert "Met late" in page and "Suspect charged" in page
    assert "2 working days, late: the Code allows 1, so it was due by 2 December 2026" in page
    assert "Told by phone" in page
    row = db.session.scalars(select(CodeEvent)).one()
    assert (row.right, row.decision, row.working_days, row.in_time) == (
        "information-about-investigation", "suspect-charged", 2, False)
    assert fresh(case.id).version == 2


def test_told_about_the_code_meets_the_right(client, auth, users):
    case = _case(first_contact_due=date(2026, 12, 1))
    auth.login(users["advocate"])
    before = client.get(f"/cases/{case.id}/victims-code").get_data(as_text=True)
    assert "Was due by 1 December 2026" in before
    post_case_form(client, f"/cases/{case.id}/victims-code", case.id, _form("told-about-code", date(2026, 12, 2)))
    after = client.get(f"/cases/{case.id}/victims-code").get_data(as_text=True)
    assert "1 of the 8 rights recorded here met, 1 missed." in after
    assert "Told about the Victims&#39; Code on 2 December 2026" in after


@pytest.mark.parametrize("data, message", [
    (_form("decision-communicated", date(2026, 12, 3)), "Enter when the decision was made"),
    (_form("decision-communicated", date(2026, 12, 1), decision_on=date(2026, 12, 2)),
     "The decision must have been made before the victim was told of it"),
    (_form("told-about-code", date(2026, 12, 5)), "When it happened cannot be in the future"),
    ({"event": "told-about-code"}, "Enter the date it happened"),
    (_form("told-about-code", date(2026, 12, 2), decision="suspect-bailed"),
     "A police decision belongs only to"),
    ({"at_on": ["1", "12", "2026"]}, "Choose what happened"),
])
def test_errors_are_shown_on_the_form_and_nothing_is_recorded(client, auth, users, data, message):
    case = _case()
    auth.login(users["advocate"])
    response = post_case_form(client, f"/cases/{case.id}/victims-code", case.id, data)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "govuk-error-summary" in text and message in text
    assert db.session.scalar(select(CodeEvent.id)) is None


def test_a_stale_form_shows_the_conflict_page(client, auth, users):
    case = _case()
    auth.login(users["advocate"])
    response = post_case_form(client, f"/cases/{case.id}/victims-code", case.id,
                              _form("told-about-code", date(2026, 12, 2)), version=7)
    assert response.status_code == 409
    assert db.session.scalar(select(CodeEvent.id)) is None


@pytest.mark.parametrize("role", ["caseworker", "commissioner", "admin", "dpo"])
def test_roles_without_case_pages_get_403(client, auth, users, role):
    case = _case()
    auth.login(users.get(role) or make_user(role))
    assert client.get(f"/cases/{case.id}/victims-code").status_code == 403
    assert post_case_form(client, f"/cases/{case.id}/victims-code", case.id,
                          _form("told-about-code", date(2026, 12, 2))).status_code == 403
    assert db.session.scalar(select(CodeEvent.id)) is None


def test_another_services_advocate_gets_404(client, auth, users):
    case = _case()
    auth.login(users["other_advocate"])
    assert client.get(f"/cases/{case.id}/victims-code").status_code == 404
    assert post_case_form(client, f"/cases/{case.id}/victims-code", case.id,
                          _form("told-about-code", date(2026, 12, 2))).status_code == 404
    assert db.session.scalar(select(CodeEvent.id)) is None


def test_the_timeline_says_what_happened_in_words(client, auth, users):
    case = _case(enhanced=True)
    auth.login(users["advocate"])
    post_case_form(client, f"/cases/{case.id}/victims-code", case.id,
                   _form("decision-communicated", date(2026, 12, 3), decision="suspect-bailed",
                         decision_on=date(2026, 12, 2), note="Private words"))
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Victims&#39; Code: Told of a police decision" in page
    assert "Suspect bailed: told 1 working day after the decision (in time)" in page
    assert "Create code event" not in page


def test_the_tab_reads_a_fixed_number_of_queries(client, auth, users):
    from .helpers_cases import count_queries

    case = _case()
    auth.login(users["advocate"])
    client.get(f"/cases/{case.id}/victims-code")
    with count_queries() as few:
        client.get(f"/cases/{case.id}/victims-code")
    for on in (date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)):
        post_case_form(client, f"/cases/{case.id}/victims-code", case.id, _form("told-about-code", on))
        post_case_form(client, f"/cases/{case.id}/victims-code", case.id, _form("vps-offered", on))
    with count_queries() as more:
        client.get(f"/cases/{case.id}/victims-code")
    assert more.count == few.count


def test_the_rights_other_agencies_owe_say_who_owes_them_and_never_claim_they_were_met(client, auth, users):
    case = _case()
    case.referral.crime_reference = "01/123456/26"
    db.session.commit()
    auth.login(users["advocate"])
    text = client.get(f"/cases/{case.id}/victims-code").get_data(as_text=True)
    rows = text.split('govuk-summary-list__row')[1:]
    by_right = {row.split("</dt>")[0].split(">")[-1].strip(): row for row in rows}
    for right in ("Crime recorded without unjustified delay", "Information when reporting",
                  "Expenses and property", "Information about the offender after conviction"):
        row = next(row for name, row in by_right.items() if name.startswith(right.split(" ")[0]))
        assert "Not recorded here" in row and "Nothing recorded here says whether it was met." in row
        assert ">Met<" not in row and "Not applicable" not in row
    assert "the police recorded the crime; not when" in text
    assert "Victim Contact Scheme" in text and "Witness Care" in text


def test_a_decision_told_on_a_weekend_after_the_deadline_says_when_it_was_due(client, auth, users):
    case = _case(enhanced=True)
    auth.login(users["advocate"])
    post_case_form(client, f"/cases/{case.id}/victims-code", case.id,
                   _form("decision-communicated", date(2026, 11, 29), decision="suspect-released",  # a Sunday
                         decision_on=date(2026, 11, 26)))  # a Thursday: due by Friday
    page = client.get(f"/cases/{case.id}/victims-code").get_data(as_text=True)
    assert "1 working day, late: the Code allows 1, so it was due by 27 November 2026" in page
