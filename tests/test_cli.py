"""The fixed flask commands: user create, token create/revoke, seed-demo, audit verify."""
from sqlalchemy import func, select

from victimcare.extensions import db
from victimcare.models import ApiToken, AuditEvent, Case, Referral, User


def test_user_create_makes_a_user_who_can_sign_in(runner, client):
    result = runner.invoke(args=["user", "create", "Lead@Example.org", "--name", "Lee Lead", "--role", "advocate",
                                 "--service", "hate-crime", "--lead", "--password", "a-long-password-1"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "lead@example.org"))
    assert user.role == "advocate" and user.service.slug == "hate-crime" and user.is_lead
    assert client.post("/sign-in", data={"email": "lead@example.org", "password": "a-long-password-1"}).status_code == 302


def test_user_create_explains_bad_input(runner):
    cases = [
        (["--role", "wizard"], "Unknown role 'wizard'"),
        (["--role", "advocate"], "An advocate must belong to exactly one service"),
        (["--role", "advocate", "--service", "nope"], "Unknown service 'nope'"),
        (["--role", "admin", "--service", "hate-crime"], "Only advocates belong to a service"),
    ]
    for extra, message in cases:
        result = runner.invoke(args=["user", "create", "x@example.org", "--name", "X", "--password", "a-long-password-1", *extra])
        assert result.exit_code == 2, extra
        assert message in result.output, (extra, result.output)
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_user_create_refuses_a_duplicate_email(runner):
    args = ["user", "create", "dup@example.org", "--name", "D", "--role", "admin", "--password", "a-long-password-1"]
    assert runner.invoke(args=args).exit_code == 0
    result = runner.invoke(args=args)
    assert result.exit_code == 2 and "already exists" in result.output


def test_token_create_prints_the_token_last_and_stores_only_its_hash(runner, users):
    result = runner.invoke(args=["token", "create", users["caseworker"].email])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("vc_") and len(token) > 30
    row = db.session.scalar(select(ApiToken))
    assert token not in (row.token_hash, row.prefix)
    assert runner.invoke(args=["token", "create", "nobody@example.org"]).exit_code == 2


def test_token_revoke_stops_the_token(runner, client, users):
    token = runner.invoke(args=["token", "create", users["caseworker"].email]).output.strip().splitlines()[-1]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    result = runner.invoke(args=["token", "revoke", users["caseworker"].email])
    assert result.exit_code == 0 and "Revoked 1 token" in result.output
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_seed_demo_loads_once(runner):
    result = runner.invoke(args=["seed-demo", "--referrals", "12"])
    assert result.exit_code == 0, result.output
    assert "caseworker@demo.victimcare.test" in result.output
    from victimcare.demo import REPEAT_REFERRAL_DAYS, TRIAGE_EXAMPLES

    referrals = db.session.scalar(select(func.count()).select_from(Referral))
    # and the self-referrals waiting at triage, and repeat MARAC referrals for whoever was referred to MARAC
    assert 12 + len(TRIAGE_EXAMPLES) <= referrals <= 12 + len(TRIAGE_EXAMPLES) + len(REPEAT_REFERRAL_DAYS)
    assert db.session.scalar(select(func.count()).select_from(Case)) > 0
    from victimcare.models import CodeEvent

    assert db.session.scalar(select(func.count()).select_from(CodeEvent)) > 0  # the Victims' Code tab shows something
    again = runner.invoke(args=["seed-demo", "--referrals", "12"])
    assert again.exit_code == 0 and "already loaded" in again.output
    assert db.session.scalar(select(func.count()).select_from(Referral)) == referrals
    roles = set(db.session.scalars(select(User.role)))
    assert roles == {"caseworker", "advocate", "commissioner", "admin", "dpo"}


def test_seed_demo_refuses_production(app, runner):
    app.config["SEED_DEMO_ALLOWED"] = False
    try:
        result = runner.invoke(args=["seed-demo"])
    finally:
        app.config["SEED_DEMO_ALLOWED"] = True
    assert result.exit_code == 2 and "production" in result.output
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 0


def test_audit_verify_passes_on_the_events_the_app_writes(runner, client, users):
    client.post("/sign-in", data={"email": users["admin"].email, "password": "wrong-password-x"})
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) >= 1
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "chain whole" in result.output
