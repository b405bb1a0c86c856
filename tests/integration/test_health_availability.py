"""/health's availability section through Flask's test client, on a hand-made CMDB."""

import json
from datetime import UTC, datetime, timedelta

from dashboard.app import create_app
from dashboard.settings import Settings
from tests.integration.test_health import figures, show
from tests.rows import ci, health, incident, rel, write


def test_ha001_services_below_target_come_first_and_a_scope_narrows_them(sqlite_db):
    now = datetime.now(UTC).replace(tzinfo=None)
    write(
        sqlite_db,
        ci=[
            ci(1, "Payments", "business_service", attributes=json.dumps({"sla_target": 99.9})),
            ci(2, "pay-db", "database"),
            ci(10, "Intranet", "business_service", attributes=json.dumps({"sla_target": 95})),
            ci(11, "wiki", "application"),
        ],
        relationship=[rel(1, 1, "depends on", 2), rel(2, 10, "depends on", 11)],
        health=[health(1, 2, "down", observed_at=now - timedelta(hours=3)), health(2, 11, "ok")],
        # A P1 on the wiki for 2 h: 2 h of 30 days is 99.72 %, above Intranet's 95 %.
        incident=[
            incident(
                "INC1",
                11,
                priority=1,
                state="resolved",
                opened_at=now - timedelta(days=2),
                resolved_at=now - timedelta(days=2) + timedelta(hours=2),
            ),
        ],
    )
    app = create_app(Settings.from_env({}, database_url=sqlite_db, refresh_seconds=0, anonymous=True))
    status, answer = show(app)
    assert status == 200
    text = json.dumps(answer)
    assert "1 of 2 business services met their SLA target over the last 30 days" in text
    chart = figures(answer)["availability"]
    assert chart["data"][0]["y"][0] == "Payments"  # 3 h down of 30 days: below 99.9 %, first
    assert chart["data"][0]["y"][1] == "Intranet"
    assert chart["data"][0]["marker"]["color"][0] != chart["data"][0]["marker"]["color"][1]  # below vs met
    assert chart["data"][0]["customdata"][:2] == ["svc|1", "svc|10"]  # a click opens the service's map
    status, answer = show(app, search="?service=10")
    assert "1 of 1 business services met" in json.dumps(answer)


def test_ha002_a_cmdb_without_business_services_says_there_is_nothing_to_measure(sqlite_db):
    write(sqlite_db, ci=[ci(1, "lonely")], incident=[incident("INC1", 1)])
    app = create_app(Settings.from_env({}, database_url=sqlite_db, refresh_seconds=0, anonymous=True))
    status, answer = show(app)
    assert status == 200
    assert "No business service in this scope: nothing to measure." in json.dumps(answer)
