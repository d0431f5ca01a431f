"""REPORTS_DATABASE_URL: report reads go to the reports database (a replica) when it is set, the primary
otherwise; the audit event of a run is written to the primary all the same."""
import pytest
from sqlalchemy import create_engine, select

from victimcare.extensions import db
from victimcare.models import AuditEvent, Borough, RollupCases, Service

from .helpers_reports import PERIOD, bearer_for, hand_count_fixture


@pytest.fixture
def replica(app, tmp_path):
    """A second database with the schema and the reference data, and none of the cases: a replica lagging
    behind the primary. ``copy`` brings the roll-ups across (the replica catching up)."""
    engine = create_engine(f"sqlite:///{tmp_path / 'replica.db'}")
    db.metadata.create_all(engine)

    def copy(*models):
        with engine.begin() as connection:
            for model in models:
                rows = [dict(row._mapping) for row in db.session.execute(select(model.__table__))]
                connection.execute(model.__table__.delete())
                if rows:
                    connection.execute(model.__table__.insert(), rows)
        db.session.commit()

    copy(Service, Borough)
    app.config["REPORTS_DATABASE_URL"] = str(engine.url)
    yield copy
    app.config["REPORTS_DATABASE_URL"] = None
    engine.dispose()


def _received(client, user) -> int:
    response = client.get("/api/v1/reports/code-compliance",
                          query_string={**PERIOD, "group_by": "service"}, headers=bearer_for(user))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["total"]["all"]["received"]


def test_reports_read_the_reports_database_when_it_is_set(client, users, replica):
    hand_count_fixture()
    assert _received(client, users["commissioner"]) == 0  # the replica has none of the cases yet
    replica(RollupCases)
    assert _received(client, users["commissioner"]) == 19  # the hand count's 10 + 6 + 3, read from the replica
    runs = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report-run")).all()
    assert len(runs) == 2  # audited on the primary


def test_without_it_reports_read_the_primary(client, users):
    hand_count_fixture()
    assert _received(client, users["commissioner"]) == 19
