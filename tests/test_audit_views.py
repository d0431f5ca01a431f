"""The audit pages as each role meets them: the admins' search and CSV export, a service lead's access log for a
case, and the Commissioner's summary with chain verification. Reading the trail is itself recorded."""
import csv
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent, AuditVerification, Case
from victimcare.services import audit, audit_queries, cases
from victimcare.services.actors import SYSTEM, Actor

from .factories import make_person, make_referral_with_case, make_user, service
from .helpers_audit import count_queries, record_events, tampering

TODAY = datetime.now(timezone.utc).date()


def _events(action=None, actor_label=None):
    db.session.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.seq)
    if action:
        query = query.where(AuditEvent.action == action)
    if actor_label:
        query = query.where(AuditEvent.actor_label == actor_label)
    return db.session.scalars(query).all()


def _actor(user):
    return Actor.from_user(user)


@pytest.fixture
def lead():
    return make_user("advocate", service="domestic-abuse", is_lead=True)


@pytest.fixture
def case():
    return make_referral_with_case("domestic-abuse")


# Who may open what -------------------------------------------------------------------------------------------

ROLE_EXPECTATIONS = {
    #  role:            /audit/events  /audit/events.csv  /audit/summary  POST /audit/summary/verify
    "admin":            (200, 200, 403, 403),
    "commissioner":     (403, 403, 200, 302),
    "caseworker":       (403, 403, 403, 403),
    "advocate":         (403, 403, 403, 403),
    "other_advocate":   (403, 403, 403, 403),
    "lead":             (403, 403, 403, 403),
}


@pytest.mark.parametrize("role", list(ROLE_EXPECTATIONS))
def test_each_role_reaches_only_its_audit_pages(client, auth, users, lead, role):
    user = lead if role == "lead" else users[role]
    auth.login(user)
    events, export, summary, verify = ROLE_EXPECTATIONS[role]
    assert client.get("/audit/events").status_code == events
    assert client.get("/audit/events.csv").status_code == export
    assert client.get("/audit/summary").status_code == summary
    assert client.post("/audit/summary/verify").status_code == verify


def test_signed_out_visitors_are_sent_to_sign_in(client, case):
    for path in ("/audit/events", "/audit/events.csv", "/audit/summary", f"/audit/cases/{case.id}"):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], path
    assert client.post("/audit/summary/verify").status_code == 302


@pytest.mark.parametrize("role, status", [
    ("lead", 200),
    ("advocate", 404),  # same service, not its lead
    ("other_lead", 404),  # lead of another service
    ("other_advocate", 404),
    ("caseworker", 403),
    ("commissioner", 403),
    ("admin", 403),
])
def test_only_the_lead_of_the_cases_service_sees_its_access_log(client, auth, users, lead, case, role, status):
    people = dict(users, lead=lead, other_lead=make_user("advocate", service="hate-crime", is_lead=True))
    auth.login(people[role])
    assert client.get(f"/audit/cases/{case.id}").status_code == status


def test_an_unknown_case_is_a_404_even_for_a_lead(client, auth, lead):
    auth.login(lead)
    assert client.get("/audit/cases/987654").status_code == 404
    assert client.get("/audit/cases/9223372036854775809").status_code == 404


def test_a_page_number_far_past_the_end_shows_an_empty_page(client, auth, users):
    auth.login(users["admin"])
    response = client.get("/audit/events?page=100000000000000000000")
    assert response.status_code == 200
    assert "There are no events on this page" in response.get_data(as_text=True)


def test_refused_attempts_are_recorded(client, auth, users, case):
    auth.login(users["advocate"])
    client.get(f"/audit/cases/{case.id}")
    auth.logout()
    auth.login(users["caseworker"])
    client.get("/audit/events")

    denials = _events("permission-denied")
    by_actor = {event.actor_label: event for event in denials}
    advocate_denial = by_actor[users["advocate"].email]
    assert (advocate_denial.object_type, advocate_denial.object_id) == ("case", str(case.id))
    assert advocate_denial.changes["status"] == 404
    assert by_actor[users["caseworker"].email].changes["permission"] == "audit.view"


# Admin search ----------------------------------------------------------------------------------------------------

def test_each_page_of_the_search_is_recorded_as_one_list_event(client, auth, users):
    record_events(60)
    auth.login(users["admin"])
    assert client.get("/audit/events").status_code == 200
    assert client.get("/audit/events?page=2").status_code == 200

    lists = _events("list", users["admin"].email)
    assert [event.changes["page"] for event in lists] == [1, 2]
    assert lists[0].object_type == "audit_events"


def test_search_lists_newest_first_in_pages(client, auth, users):
    record_events(60)
    auth.login(users["admin"])
    page = client.get("/audit/events").get_data(as_text=True)
    assert "Page 1 of 2" in page
    # 60 events and the admin's sign-in (61): the first page holds 61 down to 12.
    assert page.index("#61<") < page.index("#60<") < page.index("#12<")
    assert "#11<" not in page
    second = client.get("/audit/events?page=2").get_data(as_text=True)
    assert "#1<" in second and "#11<" in second and "#60<" not in second


def test_search_filters_by_user_action_object_and_date(client, auth, users):
    alice = make_user("caseworker", email="alice.filter@example.org")
    bob = make_user("caseworker", email="bob.filter@example.org")
    audit.record(_actor(alice), "view", "referral", 41, referral_id=41)
    audit.record(_actor(bob), "create", "referral", 42, referral_id=42)
    audit.record(_actor(bob), "view", "person", 7)
    db.session.commit()
    auth.login(users["admin"])

    def search(**args):
        response = client.get("/audit/events", query_string=args)
        assert response.status_code == 200
        return response.get_data(as_text=True)

    by_user = search(user="ALICE.filter@example.org")
    assert "alice.filter@example.org" in by_user and "bob.filter@example.org" not in by_user
    by_action = search(action="create")
    assert "Referral 42" in by_action and "Referral 41" not in by_action
    by_object = search(object_type="person", object_id="7")
    assert "bob.filter@example.org" in by_object and "Referral 42" not in by_object
    today = search(date_from=_boxes(TODAY), date_to=_boxes(TODAY + timedelta(days=1)))
    assert "Referral 41" in today and "Referral 42" in today
    future = search(date_from=_boxes(TODAY + timedelta(days=2)))
    assert "No events match these filters" in future
    past = search(date_to=_boxes(TODAY - timedelta(days=2)))
    assert "No events match these filters" in past

    filters = _events("list", users["admin"].email)[-1].changes["filters"]
    assert filters == {"date_to": (TODAY - timedelta(days=2)).isoformat()}


def _boxes(day):
    """A date as the GOV.UK date input sends it: the day, month and year boxes share the field's name."""
    return [str(day.day), str(day.month), str(day.year)]


def test_pagination_links_keep_the_filters(client, auth, users):
    record_events(60, action="view")
    auth.login(users["admin"])
    page = client.get("/audit/events?action=view").get_data(as_text=True)
    assert "action=view" in page and "page=2" in page


@pytest.mark.parametrize("args, message", [
    ({"date_from": ["30", "2", "2026"]}, "Date from must be a real date"),
    ({"date_to": ["2", "11", "20x6"]}, "Date to must be a real date"),
    ({"date_from": ["2", "", "2026"]}, "Date from must include a month"),
    ({"date_to": ["", "11", ""]}, "Date to must include a day and year"),
    ({"date_from": ["2", "11", "26"]}, "Date from must have a year with 4 numbers, like 2026"),
    ({"date_from": "2026-11-02"}, "Date from must be a real date"),
    ({"date_from": ["5", "11", "2026"], "date_to": ["1", "11", "2026"]},
     "Date to must be the same as or after date from"),
    ({"object_id": "12"}, "Enter the object type as well as its ID"),
    ({"case": "twelve"}, "Case number must be a number, like 1234"),
    ({"reference": "VC-NOPE-NOPE"}, "No referral has the reference VC-NOPE-NOPE: check it and try again"),
])
def test_bad_filters_are_explained_in_an_error_summary(client, auth, users, args, message):
    auth.login(users["admin"])
    response = client.get("/audit/events", query_string=args)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and message in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Error: " in page
    assert _events("list") == []  # nothing was listed


def test_an_empty_trail_says_so(client, auth, users):
    auth.login(users["admin"])
    page = client.get("/audit/events?action=break-glass").get_data(as_text=True)
    assert "No events match these filters" in page


def test_changed_field_names_are_shown_but_never_their_values(client, auth, users, case):
    audit.record(SYSTEM, "update", "case", case.id, case_id=case.id, referral_id=case.referral_id,
                 changes={"status": {"before": "new", "after": "Quillon-secret-status"},
                          "note": {"changed": True}})
    db.session.commit()
    auth.login(users["admin"])
    page = client.get("/audit/events").get_data(as_text=True)
    assert "note, status" in page
    assert "Quillon-secret-status" not in page
    export = client.get("/audit/events.csv").get_data(as_text=True)
    assert "note status" in export and "Quillon-secret-status" not in export


def test_the_events_list_runs_the_same_number_of_queries_for_few_or_many_rows(client, auth, users):
    auth.login(users["admin"])
    record_events(3)
    with count_queries() as few:
        assert client.get("/audit/events").status_code == 200
    record_events(80, actor=_actor(users["caseworker"]), service_id=service("domestic-abuse").id)
    with count_queries() as many:
        assert client.get("/audit/events").status_code == 200
    assert many.count == few.count, many.statements


# CSV export ------------------------------------------------------------------------------------------------------

def _csv(response):
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_export_streams_the_filtered_events_and_is_itself_audited_first(client, auth, users):
    record_events(3, action="view")
    record_events(2, action="create")
    auth.login(users["admin"])

    response = client.get("/audit/events.csv?action=create")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _csv(response)
    assert [row["action"] for row in rows] == ["create", "create"]
    assert [int(row["seq"]) for row in rows] == sorted((int(row["seq"]) for row in rows), reverse=True)
    export = _events("export")
    assert len(export) == 1 and export[0].actor_label == users["admin"].email
    assert export[0].changes == {"filters": {"action": "create"}, "format": "csv"}


def test_the_export_event_is_committed_before_the_first_row_is_read(client, auth, users):
    record_events(2)
    auth.login(users["admin"])
    rows = _csv(client.get("/audit/events.csv"))
    # The export reads only committed rows, and its own event is the newest of them.
    assert rows[0]["action"] == "export" and rows[0]["actor"] == users["admin"].email
    assert len(rows) == 2 + 2  # two events, the admin's sign-in, and the export


def test_export_neutralises_spreadsheet_formulas(client, auth, users):
    client.post("/sign-in", data={"email": users["caseworker"].email, "password": "wrong-password!"},
                headers={"User-Agent": "=HYPERLINK(\"http://evil.example\")"})
    auth.login(users["admin"])
    rows = _csv(client.get("/audit/events.csv?action=sign-in-failed"))
    assert rows and rows[0]["user_agent"].startswith("'=")


def test_export_rejects_bad_filters(client, auth, users):
    auth.login(users["admin"])
    response = client.get("/audit/events.csv?date_from=yesterday")
    assert response.status_code == 400
    assert _events("export") == []


# A case's access log -------------------------------------------------------------------------------------------

def test_the_lead_sees_who_opened_or_changed_the_case_and_its_referral(client, auth, users, lead, case):
    caseworker, advocate = users["caseworker"], users["advocate"]
    other_service_advocate = make_user("advocate", service="hate-crime", email="elsewhere@example.org")
    sibling = Case(referral_id=case.referral_id, service_id=service("hate-crime").id, status="new", rule="test",
                   route_reason="test", received_at=case.received_at, first_contact_due=case.first_contact_due)
    db.session.add(sibling)
    db.session.commit()
    unrelated = make_referral_with_case("domestic-abuse")
    stranger = make_user("advocate", service="domestic-abuse", email="stranger@example.org")

    audit.record(_actor(caseworker), "view", "referral", case.referral_id, referral_id=case.referral_id)
    db.session.commit()
    cases.get_case(_actor(advocate), case.id)
    audit.record(_actor(other_service_advocate), "view", "case", sibling.id, referral_id=case.referral_id,
                 case_id=sibling.id, service_id=sibling.service_id)
    cases.get_case(_actor(stranger), unrelated.id)
    db.session.commit()

    auth.login(lead)
    response = client.get(f"/audit/cases/{case.id}")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Who has seen or changed this record" in page
    assert advocate.email in page and caseworker.email in page
    assert page.index(advocate.email) < page.index(caseworker.email)  # newest first
    assert "elsewhere@example.org" not in page  # the other service's own case
    assert "stranger@example.org" not in page
    viewed = _events("view", lead.email)
    assert [(e.object_type, e.object_id, e.case_id) for e in viewed] == [("case_access_log", str(case.id), case.id)]


def test_an_untouched_case_has_an_empty_access_log(client, auth, lead, case):
    auth.login(lead)
    assert "Nobody has opened or changed this case yet" in client.get(f"/audit/cases/{case.id}").get_data(as_text=True)


def test_the_access_log_runs_the_same_number_of_queries_for_few_or_many_rows(client, auth, lead, case, users):
    auth.login(lead)
    advocate = _actor(users["advocate"])
    cases.get_case(advocate, case.id)
    db.session.commit()
    with count_queries() as few:
        assert client.get(f"/audit/cases/{case.id}").status_code == 200
    for _ in range(70):
        cases.get_case(advocate, case.id)
    db.session.commit()
    with count_queries() as many:
        assert client.get(f"/audit/cases/{case.id}").status_code == 200
    assert many.count == few.count, many.statements


def test_repeated_views_by_one_person_on_one_day_are_one_row_with_a_count(client, auth, lead, case, users):
    advocate = users["advocate"]
    for _ in range(10):
        cases.get_case(_actor(advocate), case.id)
    db.session.commit()
    auth.login(lead)
    page = client.get(f"/audit/cases/{case.id}").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Viewed 10 times" in text
    assert page.count(advocate.email) == 1


def test_changes_stay_one_row_each_and_name_fields_in_plain_words(client, auth, lead, case, users):
    advocate = _actor(users["advocate"])
    for _ in range(2):
        audit.record(advocate, "update", "case", case.id, referral_id=case.referral_id, case_id=case.id,
                     service_id=case.service_id,
                     changes={"closure": {"after": "requested"}, "status": {"after": "closing"}, "version": 4})
    db.session.commit()
    auth.login(lead)
    page = client.get(f"/audit/cases/{case.id}").get_data(as_text=True)
    assert page.count("closure request, status") == 2
    assert "version" not in page and "closure," not in page


def test_a_long_access_log_has_a_second_page(client, auth, lead, case, users):
    advocate = _actor(users["advocate"])
    for n in range(55):
        audit.record(advocate, "update", "case", case.id, case_id=case.id, service_id=case.service_id,
                     changes={"status": {"after": f"s{n}"}})
    db.session.commit()
    auth.login(lead)
    first = client.get(f"/audit/cases/{case.id}").get_data(as_text=True)
    assert f"/audit/cases/{case.id}?page=2" in first
    second = client.get(f"/audit/cases/{case.id}?page=2")
    assert second.status_code == 200
    # the header, the lead's own view of page 1, and the five oldest changes
    assert second.get_data(as_text=True).count("govuk-table__row") == 1 + 6


# The Commissioner's summary --------------------------------------------------------------------------------------

def test_summary_counts_events_by_month_action_and_service(users):
    domestic, hate = service("domestic-abuse").id, service("hate-crime").id
    record_events(3, action="view", service_id=domestic)
    record_events(2, action="view", service_id=hate)
    record_events(1, action="sign-in")

    summary = audit_queries.audit_summary(_actor(users["commissioner"]))

    month = TODAY.strftime("%Y-%m")
    by_action = {(row.month, row.key): row.events for row in summary.by_action}
    by_service = {(row.month, row.key): row.events for row in summary.by_service}
    assert by_action == {(month, "view"): 5, (month, "sign-in"): 1}
    assert by_service == {(month, "Domestic abuse advocacy"): 3, (month, service("hate-crime").name): 2,
                          (month, "No service"): 1}
    assert _events("report-run")[-1].object_type == "audit_summary"


def test_summary_covers_only_the_last_twelve_months(users):
    record_events(2)
    summary = audit_queries.audit_summary(_actor(users["commissioner"]), today=TODAY + timedelta(days=800))
    assert summary.by_action == [] and summary.by_service == []


def test_summary_page_shows_counts_and_never_a_victims_name(client, auth, users):
    person = make_person(given_name="Zephyrine", family_name="Quillfeather")
    case = make_referral_with_case("domestic-abuse")
    case.referral.person_id = person.id
    db.session.commit()
    cases.get_case(_actor(users["advocate"]), case.id)
    audit.record(SYSTEM, "update", "person", person.id, referral_id=case.referral_id, case_id=case.id,
                 service_id=case.service_id,
                 changes={"note": {"before": None, "after": "Zephyrine Quillfeather called back"}})
    db.session.commit()

    auth.login(users["commissioner"])
    page = client.get("/audit/summary").get_data(as_text=True)

    assert "Events by month and action" in page and "Events by month and service" in page
    assert "Viewed" in page and "Domestic abuse advocacy" in page
    assert "Zephyrine" not in page and "Quillfeather" not in page
    assert person.family_name not in page


def test_summary_shows_the_latest_verification(client, auth, users):
    record_events(4)
    audit.store_verification(audit.VerificationResult(False, 2, 3, "chain broken at event 3: old result"))
    audit.store_verification(audit.verify_chain())
    db.session.commit()
    auth.login(users["commissioner"])
    page = client.get("/audit/summary").get_data(as_text=True)
    assert "Whole" in page and "chain whole: 4 events verified" in page
    assert "old result" not in page
    assert 'name="csrf_token"' in page and "Verify the chain now" in page


def test_summary_says_when_the_chain_was_never_verified(client, auth, users):
    auth.login(users["commissioner"])
    assert "The chain has not been verified yet" in client.get("/audit/summary").get_data(as_text=True)


def test_verify_now_checks_the_chain_stores_the_result_and_records_who_asked(client, auth, users):
    record_events(5)
    auth.login(users["commissioner"])
    response = client.post("/audit/summary/verify", follow_redirects=True)
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "The audit chain is whole" in page
    stored = db.session.scalars(select(AuditVerification)).one()
    assert stored.ok and stored.events_checked == 6  # five events and the commissioner's sign-in
    verified = _events("audit-verified")
    assert len(verified) == 1 and verified[0].actor_label == users["commissioner"].email
    assert verified[0].changes["ok"] is True


def test_verify_now_reports_a_broken_chain(client, auth, users):
    record_events(5)
    with tampering() as session:
        session.execute(AuditEvent.__table__.update().where(AuditEvent.seq == 2).values(object_id="forged"))
    auth.login(users["commissioner"])
    page = client.post("/audit/summary/verify", follow_redirects=True).get_data(as_text=True)
    assert "The audit chain is broken at event 2" in page
    assert "Broken" in page


def test_the_case_page_links_its_lead_to_the_access_log_and_nobody_else(client, auth, users, lead, case):
    link = f'href="/audit/cases/{case.id}"'.encode()
    auth.login(lead)
    page = client.get(f"/cases/{case.id}")
    assert page.status_code == 200 and link in page.data
    assert b"Who has seen or changed this record" in page.data
    auth.logout()
    auth.login(users["advocate"])
    page = client.get(f"/cases/{case.id}")
    assert page.status_code == 200 and link not in page.data


def test_search_by_referral_reference_case_number_and_user_name(client, auth, users):
    """A referral's reference finds its events and its cases' (not others'); a case number finds the case's; part of a
    name finds that user's events. Victims appear by reference only, users by name."""
    case = make_referral_with_case("domestic-abuse")
    other = make_referral_with_case("domestic-abuse")
    alice = make_user("caseworker", email="alice.search@example.org")
    alice.name = "Alice Searchable"
    audit.record(_actor(alice), "view", "referral", case.referral_id, referral_id=case.referral_id)
    audit.record(_actor(alice), "view", "case", case.id, case_id=case.id, referral_id=case.referral_id)
    audit.record(_actor(users["caseworker"]), "view", "case", other.id, case_id=other.id, referral_id=other.referral_id)
    db.session.commit()
    reference = case.referral.reference
    auth.login(users["admin"])

    def rows(**args):
        response = client.get("/audit/events", query_string=args)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        return html, re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', html, re.S)[1:]

    html, found = rows(reference=reference.lower())
    assert len(found) == 2 and all(f"Referral {reference}" in row for row in found)
    assert other.referral.reference not in html
    assert case.referral.person.family_name not in html  # a victim is never named to an administrator
    _, by_case = rows(case=str(case.id))
    assert len(by_case) == 1 and f"case {case.id}" in by_case[0]
    html, by_name = rows(user="searchable")
    assert len(by_name) == 2 and all("Alice Searchable" in row for row in by_name)
    assert "Download all 2 matching events" in html


# Dates as GOV.UK date inputs -----------------------------------------------------------------------------------

def test_the_dates_are_day_month_and_year_boxes_that_keep_what_was_typed(client, auth, users):
    auth.login(users["admin"])
    page = client.get("/audit/events").get_data(as_text=True)
    assert "yyyy-mm-dd" not in page
    for name in ("date_from", "date_to"):
        assert len(re.findall(rf'name="{name}"', page)) == 3
    assert 'id="date_from"' in page and 'id="date_from-month"' in page and 'id="date_from-year"' in page
    assert "Date from" in page and "Date to" in page

    wrong = client.get("/audit/events", query_string={"date_from": ["31", "4", "2026"]}).get_data(as_text=True)
    assert 'href="#date_from"' in wrong  # the error summary links to the day box
    assert 'value="31"' in wrong and 'value="4"' in wrong and 'value="2026"' in wrong


def test_the_download_and_page_links_carry_the_dates_in_the_boxes_shape(client, auth, users):
    record_events(60, action="view")
    auth.login(users["admin"])
    start, end = TODAY - timedelta(days=1), TODAY + timedelta(days=1)
    page = client.get("/audit/events", query_string={"action": "view", "date_from": _boxes(start),
                                                     "date_to": _boxes(end)}).get_data(as_text=True)
    dates = f"date_from={start.day}&amp;date_from={start.month}&amp;date_from={start.year}"
    download = re.search(r'href="(/audit/events\.csv\?[^"]+)"', page).group(1)
    assert dates in download and f"date_to={end.year}" in download
    next_page = re.search(r'href="(/audit/events\?[^"]*page=2[^"]*)"', page).group(1)
    assert dates in next_page

    rows = _csv(client.get(download.replace("&amp;", "&")))
    assert len(rows) >= 60
    second = client.get(next_page.replace("&amp;", "&"))
    assert second.status_code == 200 and "There is a problem" not in second.get_data(as_text=True)
    recorded = _events("export")[-1].changes["filters"]
    assert recorded["date_from"] == start.isoformat() and recorded["date_to"] == end.isoformat()


def test_only_the_missing_boxes_are_marked_in_error(client, auth, users):
    auth.login(users["admin"])
    page = client.get("/audit/events", query_string={"date_to": ["", "11", "2026"]}).get_data(as_text=True)
    boxes = {match.group(1): "govuk-input--error" in match.group(0)
             for match in re.finditer(r'<input[^>]*id="(date_to(?:-month|-year)?)"[^>]*>', page)}
    assert boxes == {"date_to": True, "date_to-month": False, "date_to-year": False}


def test_every_audit_action_has_words_for_the_audit_pages():
    """The audit pages name each action in words; a new action without them showed its slug ("consent-withdrawn")."""
    from victimcare.services.audit import ACTIONS
    from victimcare.services.audit_queries import ACTION_LABELS

    assert [action for action in ACTIONS if action not in ACTION_LABELS] == []
