"""Accept and assign to me: one step for the advocate taking a new case; the page says what accepted means."""
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent

from .factories import make_user
from .helpers_cases import fresh, post_case_form, recent_case


def test_accept_and_assign_to_me_takes_the_case(client, auth, users):
    case = recent_case()
    auth.login(users["advocate"])
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Accept and assign to me" in page and "Accepted or in progress: what is the difference?" in page

    response = post_case_form(client, f"/cases/{case.id}/status/accept-and-assign-to-me", case.id)
    assert response.status_code == 302
    taken = fresh(case.id)
    assert (taken.status, taken.assigned_to_id) == ("accepted", users["advocate"].id)
    assert "Case accepted and assigned to you." in client.get(response.headers["Location"]).get_data(as_text=True)
    changes = [e.changes or {} for e in db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id))]
    assert any("assigned_to" in c for c in changes) and any("status" in c for c in changes)


def test_a_case_someone_else_has_is_not_taken(client, auth, users):
    colleague = make_user("advocate", service="domestic-abuse")
    case = recent_case(assigned_to_id=colleague.id)
    auth.login(users["advocate"])
    assert "Accept and assign to me" not in client.get(f"/cases/{case.id}").get_data(as_text=True)
    response = post_case_form(client, f"/cases/{case.id}/status/accept-and-assign-to-me", case.id)
    assert response.status_code == 302
    assert (fresh(case.id).status, fresh(case.id).assigned_to_id) == ("new", colleague.id)


def test_only_the_services_advocates_may_accept_and_take(client, auth, users):
    case = recent_case()
    for role in ("caseworker", "other_advocate", "commissioner", "admin"):
        auth.login(users[role])
        response = post_case_form(client, f"/cases/{case.id}/status/accept-and-assign-to-me", case.id)
        assert response.status_code in (403, 404), role
        auth.logout()
    assert fresh(case.id).status == "new"
