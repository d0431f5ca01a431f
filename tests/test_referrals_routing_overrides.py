"""A caseworker adds or removes a route with a reason; the rules' decision and the override both stay."""
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent, Case, Referral, RoutingDecision

from .factories import service
from .helpers_referrals import walk_to_check


def _submit_burglary(client):
    walk_to_check(client, category="burglary")
    client.post("/referrals/new/check", data={})
    return db.session.scalar(select(Referral))


def test_adding_a_route_opens_a_case_and_keeps_the_rule_decision(client, auth, users):
    auth.login(users["caseworker"])
    referral = _submit_burglary(client)
    response = client.post(f"/referrals/{referral.reference}/routes/add",
                           data={"add-service": "hate-crime", "add-reason_code": "need-not-captured",
                                 "add-reason": "Victim disclosed racist abuse on the call"})
    assert response.status_code == 302
    kinds = db.session.execute(select(RoutingDecision.kind, RoutingDecision.reason_code).order_by(RoutingDecision.id)).all()
    assert kinds == [("rule", None), ("override-add", "need-not-captured")]
    assert db.session.scalar(select(Case).where(Case.service_id == service("hate-crime").id)).status == "new"

    page = client.get(f"/referrals/{referral.reference}").get_data(as_text=True)
    assert "Rule: General support: victim support" in page and "general-support" not in page.split("Routing decisions")[1] and "Added by caseworker" in page
    assert "Victim disclosed racist abuse on the call" in page and "A need the routing rules did not capture" in page
    assert "Hate crime advocacy" in page and "Victim support" in page


def test_removing_a_route_declines_its_new_case_and_keeps_both_records(client, auth, users):
    auth.login(users["caseworker"])
    referral = _submit_burglary(client)
    response = client.post(f"/referrals/{referral.reference}/routes/remove",
                           data={"remove-service": "victim-support", "remove-reason_code": "already-supported",
                                 "remove-reason": "Already supported by another charity"})
    assert response.status_code == 302
    decisions = db.session.scalars(select(RoutingDecision).order_by(RoutingDecision.id)).all()
    assert [d.kind for d in decisions] == ["rule", "override-remove"]
    case = db.session.scalar(select(Case))
    assert case.status == "declined" and "Already supported by another charity" in case.decline_reason
    assert case.decline_reason_code == "route-removed" and decisions[1].reason_code == "already-supported"
    db.session.expire_all()
    assert db.session.get(Referral, referral.id).status == "not-routed"
    page = client.get(f"/referrals/{referral.reference}").get_data(as_text=True)
    assert "Rule: General support: victim support" in page and "general-support" not in page.split("Routing decisions")[1] and "Removed by caseworker" in page
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "case")).all()
    assert "transition" in actions


def test_an_override_needs_a_reason(client, auth, users):
    auth.login(users["caseworker"])
    referral = _submit_burglary(client)
    response = client.post(f"/referrals/{referral.reference}/routes/add", data={"add-service": "hate-crime", "add-reason": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and "Enter why you are adding this service" in page
    assert "Choose the main reason for adding this service" in page
    assert db.session.scalar(select(RoutingDecision).where(RoutingDecision.kind != "rule")) is None


def test_a_route_cannot_be_added_twice(client, auth, users):
    auth.login(users["caseworker"])
    referral = _submit_burglary(client)
    response = client.post(f"/referrals/{referral.reference}/routes/add",
                           data={"add-service": "victim-support", "add-reason_code": "other", "add-reason": "again"})
    assert response.status_code == 400
    assert "already goes to Victim support" in response.get_data(as_text=True)


def test_a_case_the_service_has_accepted_cannot_be_removed_here(client, auth, users):
    auth.login(users["caseworker"])
    referral = _submit_burglary(client)
    case = db.session.scalar(select(Case))
    case.status = "accepted"
    db.session.commit()
    response = client.post(f"/referrals/{referral.reference}/routes/remove",
                           data={"remove-service": "victim-support", "remove-reason_code": "other",
                                 "remove-reason": "changed my mind"})
    assert response.status_code == 400
    assert "has already started work on this case" in response.get_data(as_text=True)
    assert db.session.scalar(select(Case)).status == "accepted"


def test_advocate_of_a_routed_service_reads_the_referral_without_override_forms(client, auth, users):
    auth.login(users["caseworker"])
    walk_to_check(client, category="domestic-abuse")
    client.post("/referrals/new/check", data={})
    referral = db.session.scalar(select(Referral))
    auth.logout()
    auth.login(users["advocate"])  # domestic-abuse service
    page = client.get(f"/referrals/{referral.reference}")
    assert page.status_code == 200
    assert "Change where the referral goes" not in page.get_data(as_text=True)
    view = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "view",
                                                      AuditEvent.actor_user_id == users["advocate"].id))
    assert view.object_type == "referral"
    assert client.post(f"/referrals/{referral.reference}/routes/add",
                       data={"add-service": "hate-crime", "add-reason": "x"}).status_code == 403
