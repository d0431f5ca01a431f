"""Who may reach which case page: only advocates of the case's own service; everyone else 403 or 404."""
import pytest
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent

from .helpers_cases import post_case_form, recent_case

PAGES = ["", "/contacts", "/notes", "/tasks", "/steps", "/needs", "/victims-code", "/status/accept", "/status/start",
         "/status/decline", "/status/transfer", "/status/close", "/status/reopen", "/closure"]
POSTS = ["/contacts", "/notes", "/tasks", "/steps", "/needs", "/victims-code", "/status/accept", "/status/decline",
         "/status/transfer", "/status/close", "/closure", "/assign", "/tasks/1/done"]


@pytest.mark.parametrize("role", ["caseworker", "commissioner", "admin"])
def test_roles_without_case_work_are_refused_every_case_page(client, auth, users, role):
    case = recent_case()
    auth.login(users[role])
    for page in PAGES:
        assert client.get(f"/cases/{case.id}{page}").status_code == 403, page
    for page in POSTS:
        assert post_case_form(client, f"/cases/{case.id}{page}", case.id).status_code == 403, page
    assert client.get("/cases/").status_code == 403


def test_an_advocate_of_another_service_gets_not_found_and_the_attempt_is_audited(client, auth, users):
    case = recent_case("domestic-abuse")
    auth.login(users["other_advocate"])
    for page in PAGES:
        response = client.get(f"/cases/{case.id}{page}")
        assert response.status_code == 404, page
        assert case.referral.reference.encode() not in response.data
    for page in POSTS:
        assert post_case_form(client, f"/cases/{case.id}{page}", case.id).status_code == 404, page
    denied = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "permission-denied",
                                                         AuditEvent.object_type == "case")).all()
    assert denied and all(e.object_id == str(case.id) for e in denied)


def test_an_advocate_of_the_service_reaches_every_case_page(client, auth, users):
    case = recent_case("domestic-abuse")
    auth.login(users["advocate"])
    for page in PAGES:
        response = client.get(f"/cases/{case.id}{page}")
        assert response.status_code == 200, page
        assert case.referral.reference.encode() in response.data


def test_the_queue_shows_only_the_advocates_own_service(client, auth, users):
    mine = recent_case("domestic-abuse")
    theirs = recent_case("hate-crime")
    auth.login(users["advocate"])
    page = client.get("/cases/")
    assert page.status_code == 200
    assert mine.referral.reference.encode() in page.data
    assert theirs.referral.reference.encode() not in page.data


def test_signed_out_people_are_sent_to_sign_in(client):
    case = recent_case()
    response = client.get(f"/cases/{case.id}")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
