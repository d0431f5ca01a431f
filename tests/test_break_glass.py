"""Break-glass: someone not named on a restricted record opens it with a reason, for BREAK_GLASS_MINUTES; the
service's leads are emailed (nothing about the victim); the access waits on a review list where a lead of the
service or the data protection officer records whether it was justified."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent, BreakGlassAccess
from victimcare.services import break_glass as break_glass_service
from victimcare.services.actors import Actor

from .factories import make_user
from .helpers_api import bearer, token_for
from .helpers_cases import recent_case
from .mailbox import text_of
from .test_restricted_records import restrict


@pytest.fixture
def setting(users):
    """A restricted domestic-abuse case (named: the caseworker who restricted it), its service's lead, a DPO."""
    case = recent_case("domestic-abuse")
    restrict(users["caseworker"], case)
    lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    dpo = make_user("dpo")
    return case, lead, dpo


def break_in(client, case, reason="Victim rang the helpline in crisis; their advocate is off sick"):
    return client.post(f"/cases/{case.id}/break-glass", data={"reason": reason})


def test_break_glass_end_to_end_with_expiry_notification_and_review(app, client, auth, users, setting, mailbox,
                                                                     time_machine):
    case, lead, dpo = setting
    time_machine.move_to(datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc), tick=False)
    before = len(mailbox.messages)
    auth.login(users["advocate"])
    refused = client.get(f"/cases/{case.id}")
    assert refused.status_code == 403 and "Break the glass" in refused.get_data(as_text=True)

    missing = client.post(f"/cases/{case.id}/break-glass", data={"reason": "  "})
    assert missing.status_code == 400 and "Say why you need to open this record" in missing.get_data(as_text=True)
    assert db.session.scalar(select(BreakGlassAccess)) is None

    response = break_in(client, case)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.id}")
    opened = client.get(f"/cases/{case.id}")
    assert opened.status_code == 200
    text = opened.get_data(as_text=True)
    assert case.referral.person.family_name in text
    assert "You opened it with break-glass until" in text
    assert client.get(f"/cases/{case.id}/notes").status_code == 200
    # The queue names the person while the access lasts.
    assert case.referral.person.family_name in client.get("/cases/").get_data(as_text=True)

    access = db.session.scalars(select(BreakGlassAccess)).one()
    assert access.expires_at == datetime(2026, 12, 7, 11, 0, tzinfo=timezone.utc)
    assert access.user_id == users["advocate"].id and access.case_id == case.id
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "break-glass")).one()
    assert event.case_id == case.id and event.changes["break_glass_access_id"] == access.id
    assert "crisis" not in str(event.changes)  # the reason stays on the access, out of the trail

    told = [m for m in mailbox.since(before) if "Break-glass" in m["Subject"]]
    assert [m["To"].addresses[0].addr_spec for m in told] == [lead.email]
    body = text_of(told[0])
    assert users["advocate"].name in body and f"/break-glass/{access.id}" in body
    assert case.referral.reference not in body and case.referral.person.family_name not in body

    # 60 minutes later the glass is whole again (the session kept alive meanwhile).
    for minute in (25, 50):
        time_machine.move_to(datetime(2026, 12, 7, 10, minute, tzinfo=timezone.utc), tick=False)
        assert client.get(f"/cases/{case.id}").status_code == 200
    time_machine.move_to(datetime(2026, 12, 7, 11, 0, 1, tzinfo=timezone.utc), tick=False)
    assert client.get(f"/cases/{case.id}").status_code == 403
    assert "Restricted record" in client.get("/cases/").get_data(as_text=True)
    auth.logout()

    # The lead reviews it; the person who broke the glass cannot.
    auth.login(lead)
    listing = client.get("/break-glass").get_data(as_text=True)
    assert "Waiting for review" in listing and users["advocate"].name in listing and "crisis" in listing
    assert client.get("/home").get_data(as_text=True).count("break-glass accesses to review") == 1
    assert client.post(f"/break-glass/{access.id}", data={}).status_code == 400
    assert client.post(f"/break-glass/{access.id}", data={"justified": "yes", "note": "Checked with the rota"}
                       ).status_code == 302
    db.session.refresh(access)
    assert access.justified is True and access.reviewed_by_id == lead.id and access.review_note == "Checked with the rota"
    assert "Justified" in client.get("/break-glass").get_data(as_text=True)
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "break_glass_access",
                                                       AuditEvent.action == "update")).one().changes[
        "justified"]["after"] is True


def test_nobody_reviews_their_own_break_glass(client, auth, users, setting):
    case, lead, _ = setting
    auth.login(lead)
    break_in(client, case)
    access = db.session.scalars(select(BreakGlassAccess)).one()
    page = client.get(f"/break-glass/{access.id}").get_data(as_text=True)
    assert "nobody reviews their own" in page
    client.post(f"/break-glass/{access.id}", data={"justified": "yes"})
    db.session.refresh(access)
    assert access.reviewed_at is None


def test_the_data_protection_officer_reviews_every_service_and_lands_on_the_list(client, auth, users, setting):
    case, _, dpo = setting
    hate_case = recent_case("hate-crime")
    restrict(users["caseworker"], hate_case)
    for advocate, which in ((users["advocate"], case), (users["other_advocate"], hate_case)):
        auth.login(advocate)
        break_in(client, which)
        auth.logout()
    auth.login(dpo)
    home = client.get("/home").get_data(as_text=True)
    assert "2 break-glass accesses are waiting for review" in home
    listing = client.get("/break-glass").get_data(as_text=True)
    assert listing.count("Waiting for review") == 2
    assert "Break-glass reviews" in listing  # in the navigation
    assert client.get(f"/cases/{case.id}").status_code == 403  # the DPO never reads case content
    access = db.session.scalars(select(BreakGlassAccess).where(BreakGlassAccess.case_id == hate_case.id)).one()
    client.post(f"/break-glass/{access.id}", data={"justified": "no", "note": "Not their case"})
    db.session.refresh(access)
    assert access.justified is False


def test_a_lead_sees_only_their_services_break_glass(client, auth, users, setting):
    case, lead, _ = setting
    hate_case = recent_case("hate-crime")
    restrict(users["caseworker"], hate_case)
    auth.login(users["other_advocate"])
    break_in(client, hate_case)
    auth.logout()
    hate_access = db.session.scalars(select(BreakGlassAccess)).one()
    auth.login(lead)
    assert "Nobody has used break-glass" in client.get("/break-glass").get_data(as_text=True)
    assert client.get(f"/break-glass/{hate_access.id}").status_code == 404
    assert client.post(f"/break-glass/{hate_access.id}", data={"justified": "yes"}).status_code == 404


@pytest.mark.parametrize("role", ["caseworker", "advocate", "commissioner", "admin"])
def test_only_leads_and_the_dpo_reach_the_review_list(client, auth, users, setting, role):
    auth.login(users[role])
    assert client.get("/break-glass").status_code == 403
    assert client.get("/break-glass/1").status_code == 403


def test_roles_that_cannot_see_the_case_cannot_break_its_glass(client, auth, users, setting):
    case, _, dpo = setting
    for user, status in ((users["other_advocate"], 404), (users["commissioner"], 403), (users["admin"], 403),
                         (dpo, 403)):
        auth.login(user)
        assert break_in(client, case).status_code == status
        auth.logout()
    assert db.session.scalar(select(BreakGlassAccess)) is None


def test_a_caseworker_breaks_the_glass_on_a_referral_and_the_dpo_is_told_when_no_service_holds_it(
        client, auth, users, mailbox):
    from victimcare.models import Case

    before = len(mailbox.messages)

    case = recent_case("domestic-abuse")
    referral = case.referral
    lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    restrict(lead, case)
    db.session.delete(db.session.get(Case, case.id))  # a referral still in triage: no case yet
    db.session.commit()
    dpo = make_user("dpo")
    auth.login(users["caseworker"])
    refused = client.get(f"/referrals/{referral.reference}")
    assert refused.status_code == 403 and "Break the glass" in refused.get_data(as_text=True)
    response = client.post(f"/referrals/{referral.reference}/break-glass", data={"reason": "Triage needs it"})
    assert response.status_code == 302
    assert client.get(f"/referrals/{referral.reference}").status_code == 200
    assert [m["To"].addresses[0].addr_spec for m in mailbox.since(before) if "Break-glass" in m["Subject"]] == [dpo.email]


def test_an_api_token_never_breaks_the_glass(client, users, setting):
    case, _, _ = setting
    with pytest.raises(Exception):
        break_glass_service.break_glass(Actor.from_user(users["advocate"], token_id=1), "reason", case_id=case.id)
    auth_header = bearer(token_for(users["advocate"]))
    from victimcare.uow import unit_of_work

    with unit_of_work():
        break_glass_service.break_glass(Actor.from_user(users["advocate"]), "Needed it", case_id=case.id)
    assert client.get(f"/api/v1/cases/{case.id}", headers=auth_header).status_code == 404


def test_breaking_an_unrestricted_record_does_nothing(client, auth, users):
    case = recent_case("domestic-abuse")
    auth.login(users["advocate"])
    assert break_in(client, case).status_code == 302
    assert db.session.scalar(select(BreakGlassAccess)) is None


def test_break_glass_minutes_is_a_setting(app, client, auth, users, setting):
    case, _, _ = setting
    app.config["BREAK_GLASS_MINUTES"] = 5
    try:
        auth.login(users["advocate"])
        break_in(client, case)
    finally:
        app.config["BREAK_GLASS_MINUTES"] = 60
    access = db.session.scalars(select(BreakGlassAccess)).one()
    assert access.expires_at - access.granted_at == timedelta(minutes=5)


def test_the_data_protection_officer_reaches_their_account_pages_and_no_case_data(client, auth, users, setting):
    case, _, dpo = setting
    auth.login(dpo)
    notifications = client.get("/account/notifications")
    assert notifications.status_code == 200
    assert "Break-glass access on my service" in notifications.get_data(as_text=True)
    for url in ("/cases/", f"/referrals/{case.referral.reference}", "/triage", "/reports/", "/admin/users",
                "/search?q=Smith"):
        assert client.get(url).status_code == 403, url
