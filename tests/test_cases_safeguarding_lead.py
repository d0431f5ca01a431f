"""A Child House case names its safeguarding lead; the change is audited and limited to the service."""
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent, Case

from .factories import make_referral_with_case, make_user


def test_a_child_house_advocate_names_the_safeguarding_lead(client, auth):
    advocate = make_user("advocate", service="child-house")
    case = make_referral_with_case("child-house", status="in-progress")
    auth.login(advocate)
    page = client.get(f"/cases/{case.id}/steps")
    assert b"Named safeguarding lead: not recorded" in page.data
    response = client.post(f"/cases/{case.id}/safeguarding-lead", data={"name": "Sam Safeguard", "version": case.version})
    assert response.status_code == 302
    page = client.get(f"/cases/{case.id}/steps")
    assert b"Named safeguarding lead: Sam Safeguard" in page.data
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == "update"))
    assert event.changes["safeguarding_lead"] == {"before": None, "after": "Sam Safeguard"}


def test_a_stale_version_saves_nothing(client, auth):
    advocate = make_user("advocate", service="child-house")
    case = make_referral_with_case("child-house", status="in-progress")
    auth.login(advocate)
    client.post(f"/cases/{case.id}/safeguarding-lead", data={"name": "First", "version": case.version})
    client.post(f"/cases/{case.id}/safeguarding-lead", data={"name": "Second", "version": case.version})
    db.session.expire_all()
    assert db.session.get(Case, case.id).safeguarding_lead == "First"


def test_other_services_and_roles_cannot_set_it(client, auth, users):
    case = make_referral_with_case("child-house", status="in-progress")
    for user, status in ((users["advocate"], 404), (users["caseworker"], 403), (users["commissioner"], 403),
                         (users["admin"], 403)):
        auth.login(user)
        response = client.post(f"/cases/{case.id}/safeguarding-lead", data={"name": "X", "version": case.version})
        assert response.status_code == status, user.role
        auth.logout()
    db.session.expire_all()
    assert db.session.get(Case, case.id).safeguarding_lead is None
