"""Two-person approval: no administrator can give an account access to case data alone."""
import pytest
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AccountChange, AuditEvent, User

from .factories import make_referral_with_case, make_user, service
from .mailbox import text_of


@pytest.fixture
def people(users):
    return {**users, "second_admin": make_user("admin"),
            "da_lead": make_user("advocate", service="domestic-abuse", is_lead=True)}


def add_user(client, auth, admin, role, service_slug="", email="ada@example.org", **extra):
    auth.login(admin)
    response = client.post("/admin/users/new", data={"name": "Ada Newcomer", "email": email, "role": role,
                                                     "service": service_slug, **extra})
    auth.logout()
    db.session.expire_all()
    return response, db.session.scalar(select(User).where(User.email == email))


def decide(client, auth, who, change_id, decision="approve"):
    auth.login(who)
    response = client.post(f"/account-changes/{change_id}", data={"decision": decision})
    auth.logout()
    db.session.expire_all()  # read what the request committed
    return response


def pending():
    db.session.expire_all()
    return db.session.scalar(select(AccountChange).where(AccountChange.status == "pending"))


def test_a_new_advocate_waits_for_their_service_lead_and_cannot_be_used_meanwhile(app, client, auth, people, mailbox):
    before = len(mailbox.messages)
    response, ada = add_user(client, auth, people["admin"], "advocate", "domestic-abuse")
    assert response.status_code == 302
    assert not ada.active and not ada.has_password
    change = pending()
    assert change.approver_service_id == service("domestic-abuse").id
    told = [m for m in mailbox.since(before) if people["da_lead"].email in str(m["To"])]
    assert len(told) == 1 and "/account-changes" in text_of(told[0])

    auth.login(people["admin"])
    page = client.get(f"/admin/users/{ada.id}")
    assert b"Awaiting approval" in page.data and b"waits for a lead of Domestic abuse advocacy" in page.data
    assert b"Make a new invitation link" not in page.data  # no link to hand out before approval
    assert client.post(f"/admin/users/{ada.id}/invitation").status_code == 409
    auth.logout()

    # Neither the administrator who asked, another administrator, nor a lead of another service may approve it.
    hc_lead = make_user("advocate", service="hate-crime", is_lead=True)
    for who in (people["admin"], people["second_admin"], hc_lead, people["advocate"]):
        assert decide(client, auth, who, change.id).status_code == 403, who
    assert not db.session.get(User, ada.id).active

    lead_page = auth.login(people["da_lead"]) and client.get("/account-changes")
    assert b"Ada Newcomer" in lead_page.data and b"New account: Advocate, Domestic abuse advocacy" in lead_page.data
    assert b"account changes to approve" in client.get("/home").data
    auth.logout()
    assert decide(client, auth, people["da_lead"], change.id).status_code == 302
    ada = db.session.get(User, ada.id)
    assert ada.active and ada.role == "advocate" and ada.service_id == service("domestic-abuse").id
    emailed = [m for m in mailbox.since(before) if "ada@example.org" in str(m["To"])]
    assert len(emailed) == 1 and "/invitation/" in text_of(emailed[0])  # the invitation goes out on approval
    actions = [(e.action, e.actor_user_id) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "user", AuditEvent.object_id == str(ada.id)))]
    assert ("change-requested", people["admin"].id) in actions
    assert ("change-approved", people["da_lead"].id) in actions


def test_an_unapproved_change_gives_no_access(client, auth, people):
    """An administrator makes an advocate and would read its cases: rejected, the account never opens anything."""
    case = make_referral_with_case("domestic-abuse")
    _, ada = add_user(client, auth, people["admin"], "advocate", "domestic-abuse")
    change = pending()
    assert decide(client, auth, people["da_lead"], change.id, "reject").status_code == 302
    assert db.session.get(AccountChange, change.id).status == "rejected"
    ada = db.session.get(User, ada.id)
    assert not ada.active
    # Even had the administrator set a password somehow, an inactive account opens nothing.
    ada.password_hash = db.session.get(User, people["advocate"].id).password_hash
    db.session.commit()
    assert auth.login("ada@example.org").status_code == 401
    assert client.get(f"/cases/{case.id}").status_code == 302
    rejected = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "change-rejected"))
    assert rejected.actor_user_id == people["da_lead"].id


def test_a_caseworker_waits_for_another_administrator(client, auth, people):
    _, casey = add_user(client, auth, people["admin"], "caseworker")
    change = pending()
    assert change.approver_service_id is None
    assert decide(client, auth, people["admin"], change.id).status_code == 403  # not the one who asked
    assert decide(client, auth, people["da_lead"], change.id).status_code == 403  # a lead approves advocates only
    auth.login(people["admin"])
    assert b"You asked for these" in client.get("/account-changes").data
    auth.logout()
    assert decide(client, auth, people["second_admin"], change.id).status_code == 302
    assert db.session.get(User, casey.id).active


def test_an_advocate_of_a_service_without_a_lead_waits_for_another_administrator(client, auth, people):
    add_user(client, auth, people["admin"], "advocate", "restorative-justice")
    assert pending().approver_service_id is None


def test_accounts_without_case_data_need_no_second_person(client, auth, people):
    response, morgan = add_user(client, auth, people["admin"], "commissioner")
    assert response.status_code == 200 and b"Invitation made" in response.data
    assert morgan.active and pending() is None


def test_changing_role_service_or_lead_waits_but_taking_access_away_does_not(client, auth, people):
    advocate = people["advocate"]
    auth.login(people["admin"])
    response = client.post(f"/admin/users/{advocate.id}/access",
                           data={"role": "advocate", "service": "hate-crime"})
    assert response.status_code == 302
    assert db.session.get(User, advocate.id).service_id == service("domestic-abuse").id  # unchanged until approved
    change = pending()
    assert change.kind == "access"
    # Another change to the same account waits until this one is decided.
    assert client.post(f"/admin/users/{advocate.id}/access", data={"role": "commissioner"}).status_code == 409
    auth.logout()
    assert decide(client, auth, people["second_admin"], change.id).status_code == 302  # hate crime has no lead here
    assert db.session.get(User, advocate.id).service_id == service("hate-crime").id

    auth.login(people["admin"])
    client.post(f"/admin/users/{advocate.id}/access", data={"role": "advocate", "service": "hate-crime", "is_lead": "y"})
    assert pending().is_lead and not db.session.get(User, advocate.id).is_lead
    db.session.delete(pending())
    db.session.commit()
    response = client.post(f"/admin/users/{advocate.id}/access", data={"role": "commissioner"})
    assert response.status_code == 302 and pending() is None
    moved = db.session.get(User, advocate.id)
    assert moved.role == "commissioner" and moved.service_id is None


def test_reactivating_an_advocate_waits_for_approval(client, auth, people):
    advocate = people["advocate"]
    auth.login(people["admin"])
    client.post(f"/admin/users/{advocate.id}/active", data={"active": "false"})
    client.post(f"/admin/users/{advocate.id}/active", data={"active": "true"})
    db.session.expire_all()
    assert not db.session.get(User, advocate.id).active
    assert pending().kind == "reactivate"
    auth.logout()
    assert decide(client, auth, people["da_lead"], pending().id).status_code == 302
    assert db.session.get(User, advocate.id).active


def test_a_lead_cannot_approve_a_change_to_their_own_account(client, auth, people):
    lead = people["da_lead"]
    other_lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    auth.login(people["admin"])
    client.post(f"/admin/users/{lead.id}/access", data={"role": "caseworker"})
    client.post(f"/admin/users/{lead.id}/access", data={"role": "caseworker"})  # from lead to caseworker: waits
    auth.logout()
    change = pending()
    assert change.approver_service_id is None  # a caseworker is approved by an administrator
    assert decide(client, auth, lead, change.id).status_code == 403
    assert decide(client, auth, other_lead, change.id).status_code == 403


def test_the_rules_never_let_the_asker_or_the_account_approve():
    from victimcare.domain.access import AccountAccess, Principal, change_needs_approval, may_approve_account_change

    lead = Principal("advocate", service_id=3, is_lead=True, user_id=7)
    admin = Principal("admin", user_id=9)
    assert may_approve_account_change(lead, requested_by=1, account_id=2, approver_service_id=3)
    assert not may_approve_account_change(lead, requested_by=1, account_id=7, approver_service_id=3)  # itself
    assert not may_approve_account_change(lead, requested_by=7, account_id=2, approver_service_id=3)  # asker
    assert not may_approve_account_change(lead, requested_by=1, account_id=2, approver_service_id=4)
    assert not may_approve_account_change(lead, requested_by=1, account_id=2, approver_service_id=None)
    assert may_approve_account_change(admin, requested_by=1, account_id=2, approver_service_id=None)
    assert not may_approve_account_change(admin, requested_by=9, account_id=2, approver_service_id=None)
    assert not may_approve_account_change(admin, requested_by=1, account_id=9, approver_service_id=None)
    advocate = AccountAccess("advocate", 3)
    assert change_needs_approval(admin, None, advocate)
    assert change_needs_approval(admin, AccountAccess("advocate", 3, active=False), advocate)
    assert change_needs_approval(admin, advocate, AccountAccess("advocate", 3, is_lead=True))
    assert not change_needs_approval(admin, AccountAccess("advocate", 3, is_lead=True), advocate)
    assert not change_needs_approval(admin, advocate, AccountAccess("commissioner"))
    assert not change_needs_approval(admin, None, AccountAccess("admin"))
    assert not change_needs_approval(Principal("system"), None, advocate)


def test_only_administrators_and_leads_see_the_approvals_page(client, auth, people):
    for role in ("caseworker", "advocate", "commissioner"):
        auth.login(people[role])
        assert client.get("/account-changes").status_code == 403, role
        auth.logout()
    for who in ("admin", "da_lead"):
        auth.login(people[who])
        page = client.get("/account-changes")
        assert page.status_code == 200 and b"Nothing is waiting for you" in page.data
        auth.logout()
    assert client.get("/account-changes").status_code == 302  # signed out


def test_the_cli_needs_no_approval(runner):
    result = runner.invoke(args=["user", "create", "ops-adv@example.org", "--name", "Ops Advocate", "--role",
                                 "advocate", "--service", "domestic-abuse", "--password", "a-provisioned-password"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.email == "ops-adv@example.org")).active
    assert pending() is None


def test_when_the_service_loses_its_lead_another_administrator_decides(client, auth, people):
    add_user(client, auth, people["admin"], "advocate", "domestic-abuse")
    change = pending()
    assert change.approver_service_id is not None
    assert decide(client, auth, people["second_admin"], change.id).status_code == 403  # the lead's to decide
    lead = db.session.get(User, people["da_lead"].id)
    lead.active = False
    db.session.commit()
    auth.login(people["second_admin"])
    assert b"Ada Newcomer" in client.get("/account-changes").data
    auth.logout()
    assert decide(client, auth, people["second_admin"], change.id).status_code == 302
    assert db.session.scalar(select(User).where(User.email == "ada@example.org")).active
