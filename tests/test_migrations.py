"""Migrations: an upgrade from empty yields exactly the models, and downgrade/upgrade round-trips."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from victimcare import create_app
from victimcare.extensions import db
from victimcare.models import Borough, Service


def test_upgraded_schema_matches_the_models(app):
    # The session's database was built by running the migrations from empty (tests/conftest.py).
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_reference_data_is_loaded_by_migration():
    assert db.session.scalar(select(func.count()).select_from(Borough)) == 33
    assert set(db.session.scalars(select(Service.slug))) == {
        "child-house", "domestic-abuse", "hate-crime", "restorative-justice", "victims-commissioner", "victim-support"
    }
    westminster = db.session.get(Borough, "E09000033")
    assert (westminster.name, westminster.met_bcu, westminster.tile_row, westminster.tile_col) == ("Westminster", 1, 4, 4)


def test_downgrade_to_empty_and_upgrade_again(tmp_path):
    scratch = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'scratch.db'}"})
    with scratch.app_context():
        upgrade()
        downgrade(revision="base")
        with db.engine.connect() as connection:
            tables = connection.execute(text("SELECT name FROM sqlite_master WHERE type='table'")).scalars().all()
        assert set(tables) <= {"alembic_version"}
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
        db.engine.dispose()


def test_case_steps_keep_their_rows_through_the_rename(tmp_path):
    """b7e2c4a91d05 rebuilds case_milestones as case_steps: recorded steps survive, ids and all."""
    scratch = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'steps.db'}"})
    with scratch.app_context():
        upgrade(revision="4bea961f0a93")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO case_milestones (id, case_id, step, occurred_on, detail, created_at) "
                "VALUES (7, 1, 'marac-referral', '2026-11-02', 'Referred to the Camden MARAC', '2026-11-02 10:00:00')"))
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT id, step, detail FROM case_steps")).all()
        assert rows == [(7, "marac-referral", "Referred to the Camden MARAC")]
        downgrade(revision="4bea961f0a93")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT id, step FROM case_milestones")).all() == [(7, "marac-referral")]
        db.engine.dispose()


def test_webhook_secrets_are_encrypted_in_place_and_decrypted_on_downgrade(tmp_path):
    """d1a4e8b2c6f0 turns stored plain secrets into enc1: tokens; a downgrade gives the plain secret back."""
    secret = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwAAAA"
    scratch = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'hooks.db'}"})
    with scratch.app_context():
        upgrade(revision="c7df4fbb9730")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO webhook_endpoints (id, url, events, secret, active, created_at) "
                "VALUES (3, 'https://partner.example/hooks', '[]', :secret, 1, '2026-12-01 10:00:00')"),
                {"secret": secret})
        upgrade(revision="d1a4e8b2c6f0")
        with db.engine.connect() as connection:
            stored = connection.execute(text("SELECT secret FROM webhook_endpoints WHERE id = 3")).scalar()
        assert stored.startswith("enc1:") and secret[6:] not in stored
        from victimcare.models import WebhookEndpoint
        assert db.session.get(WebhookEndpoint, 3).secret == secret
        db.session.remove()
        downgrade(revision="c7df4fbb9730")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT secret FROM webhook_endpoints WHERE id = 3")).scalar() == secret


def test_stored_postcodes_and_phone_numbers_are_normalised(tmp_path):
    """1a0e5bec992d: postcodes in capitals with one space, phone numbers in E.164; anything else kept as it was."""
    scratch = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'contact.db'}"})
    rows = [(1, "sw1a1aa", "07700 900123"), (2, " e8  1ab ", "+44 (0)20 7946 0000"), (3, "SE1 7PB", None),
            (4, "not known", "call me"), (5, None, "0033 1 23 45 67 89")]
    with scratch.app_context():
        upgrade(revision="8b51f15343e3")
        with db.engine.begin() as connection:
            for person_id, postcode, phone in rows:
                connection.execute(text(
                    "INSERT INTO people (id, given_name, family_name, postcode, phone, may_phone, "
                    "may_leave_voicemail, may_write, may_email, version, created_at) "
                    "VALUES (:id, 'Sam', 'Example', :postcode, :phone, 0, 0, 0, 0, 1, '2026-11-02 10:00:00')"),
                    {"id": person_id, "postcode": postcode, "phone": phone})
        upgrade()
        with db.engine.connect() as connection:
            stored = connection.execute(text("SELECT id, postcode, phone FROM people ORDER BY id")).all()
        assert stored == [(1, "SW1A 1AA", "+447700900123"), (2, "E8 1AB", "+442079460000"), (3, "SE1 7PB", None),
                          (4, "not known", "call me"), (5, None, "+33123456789")]
        db.engine.dispose()
