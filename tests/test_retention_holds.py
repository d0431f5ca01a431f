"""Legal holds: the DPO and a service lead put a person on hold with a reason and lift it with a reason; held people
are skipped by the purge; every other role is refused (403 for the pages, 404 for a person they may not hold)."""
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent, LegalHold, Person

from .factories import make_referral_with_case, make_user
from .helpers_retention import AS_OF, JAN, retention_fixture


def _login(auth, user):
    auth.logout()
    auth.login(user)


def _place(client, reference, reason="court-proceedings", detail="Trial at Snaresbrook, T20267001"):
    return client.post("/retention/holds/new", data={"reference": reference, "reason": reason, "detail": detail})


def test_the_dpo_holds_a_person_and_the_run_skips_them(client, auth, users, runner):
    dpo = make_user("dpo")
    case = make_referral_with_case("domestic-abuse", "new", received_at=JAN)
    _login(auth, dpo)
    response = _place(client, case.referral.reference.lower())
    assert response.status_code == 302
    hold = db.session.scalar(select(LegalHold))
    assert hold.person_id == case.referral.person_id and hold.reason == "court-proceedings"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "In force" in page and "Court proceedings" in page and case.referral.reference in page
    assert case.referral.person.given_name not in page  # the DPO sees references, not names
    listing = client.get("/retention/holds").get_data(as_text=True)
    assert case.referral.reference in listing
    result = runner.invoke(args=["retention", "run", "--as-of", AS_OF.isoformat(), "--dry-run"])
    assert f"On legal hold, skipped: 1 people ({case.referral.reference})" in result.output
    assert result.output.strip().splitlines()[-1] == "people: 0, records: 0"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "hold-placed"))
    assert event.object_id == str(hold.person_id) and "Snaresbrook" not in str(event.changes)


def test_lifting_needs_a_reason_then_the_person_follows_the_schedule(client, auth, users, runner):
    dpo = make_user("dpo")
    made = retention_fixture(placed_by=dpo.id)
    hold = db.session.scalar(select(LegalHold))
    _login(auth, dpo)
    refused = client.post(f"/retention/holds/{hold.id}", data={"reason": ""})
    assert refused.status_code == 400 and "Say why the hold can be lifted" in refused.get_data(as_text=True)
    assert client.post(f"/retention/holds/{hold.id}", data={"reason": "Trial ended"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(LegalHold, hold.id).lifted_at is not None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "hold-lifted")) is not None
    result = runner.invoke(args=["retention", "run", "--as-of", AS_OF.isoformat()])
    assert result.output.strip().splitlines()[-1].startswith("people: 4, ")
    assert db.session.get(Person, made["cases"]["held"].referral.person_id).purged_at is not None


def test_a_second_hold_on_the_same_person_is_refused(client, auth, users):
    dpo = make_user("dpo")
    case = make_referral_with_case()
    _login(auth, dpo)
    assert _place(client, case.referral.reference).status_code == 302
    again = _place(client, case.referral.reference)
    assert again.status_code == 400 and "already on legal hold" in again.get_data(as_text=True)


def test_a_service_lead_holds_their_own_services_people_only(client, auth, users):
    lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    own = make_referral_with_case("domestic-abuse")
    other = make_referral_with_case("hate-crime")
    _login(auth, lead)
    page = client.get(f"/cases/{own.id}").get_data(as_text=True)
    assert "Put these records on legal hold" in page
    assert _place(client, own.referral.reference).status_code == 302
    assert "See the legal hold on these records" in client.get(f"/cases/{own.id}").get_data(as_text=True)
    refused = _place(client, other.referral.reference)
    assert refused.status_code == 400 and "There is no referral with that reference" in refused.get_data(as_text=True)
    assert _place(client, "VC-NOSUCH1").status_code == 400
    assert db.session.scalar(select(LegalHold.person_id)) == own.referral.person_id
    # Another service's lead cannot see or lift it.
    other_lead = make_user("advocate", service="hate-crime", is_lead=True)
    hold = db.session.scalar(select(LegalHold))
    _login(auth, other_lead)
    assert client.get(f"/retention/holds/{hold.id}").status_code == 404
    assert client.post(f"/retention/holds/{hold.id}", data={"reason": "x"}).status_code == 404
    assert own.referral.reference not in client.get("/retention/holds").get_data(as_text=True)


def test_every_other_role_is_refused(client, auth, users):
    case = make_referral_with_case()
    dpo = make_user("dpo")
    _login(auth, dpo)
    _place(client, case.referral.reference)
    hold = db.session.scalar(select(LegalHold))
    for role in ("caseworker", "advocate", "other_advocate", "commissioner", "admin"):
        _login(auth, users[role])
        assert client.get("/retention/holds").status_code == 403, role
        assert client.get("/retention/holds/new").status_code == 403, role
        assert _place(client, case.referral.reference).status_code == 403, role
        assert client.get(f"/retention/holds/{hold.id}").status_code == 403, role
        assert client.post(f"/retention/holds/{hold.id}", data={"reason": "x"}).status_code == 403, role
        assert client.get("/retention/").status_code == 403, role
    _login(auth, users["advocate"])  # of the case's service, not its lead
    page = client.get(f"/cases/{case.id}")
    assert page.status_code == 200 and "On legal hold" in page.get_data(as_text=True)
    assert "See the legal hold" not in page.get_data(as_text=True)  # only a lead may lift it
    auth.logout()
    assert client.get("/retention/holds").status_code == 302  # to sign in
    assert db.session.scalar(select(LegalHold.lifted_at)) is None
