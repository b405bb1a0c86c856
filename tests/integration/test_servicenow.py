"""ServiceNow: a replica read through the servicenow profile (SQLite, PostgreSQL, MariaDB), CSV exports imported."""

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.app import create_app
from dashboard.cmdb.connect import read_only_engine
from dashboard.cmdb.fingerprint import fingerprint
from dashboard.cmdb.profiles import statuses
from dashboard.cmdb.profiles.base import present_tables
from dashboard.cmdb.profiles.servicenow import SERVICENOW, relationship_types
from dashboard.cmdb.snapshot import Snapshot, load_snapshot
from dashboard.domain.impact import impact
from dashboard.imports import import_batch, parse
from dashboard.settings import Settings
from layouts import ids
from tests.callbacks import callback_request
from tests.fixtures.servicenow.replica import build_replica, sys_id

EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "servicenow"


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def replica(request: pytest.FixtureRequest) -> str:
    url = request.getfixturevalue(f"{request.param}_db")
    build_replica(url)
    return url


def snapshot_of(url: str) -> Snapshot:
    return load_snapshot(url, fingerprint="test", source="test", profile=SERVICENOW)


def position(snapshot: Snapshot, name: str) -> int:
    return int(snapshot.ci.index[snapshot.ci["name"] == name][0])


def names(snapshot: Snapshot, positions) -> set[str]:
    return set(snapshot.ci["name"].iloc[list(positions)])


def test_sn001_cis_are_counted_per_native_class(replica):
    snapshot = snapshot_of(replica)
    assert snapshot.class_counts == {
        "server": 8,
        "application": 4,
        "business_service": 3,
        "virtual_machine": 3,
        "application_service": 2,
        "database": 2,
        "load_balancer": 1,
        "cluster": 1,
        "storage": 1,
        "switch": 1,
        "router": 1,
        "firewall": 1,
        "datacenter": 1,
        "cmdb_ci_printer": 1,
    }
    assert snapshot.ci["id"].dtype == "int64"


def test_sn002_a_server_impacts_the_business_services_above_it(replica):
    snapshot = snapshot_of(replica)
    reached = {
        server: names(snapshot, impact(snapshot.index, position(snapshot, server)).services)
        for server in ("lnx01", "esx01", "esx02", "lnx02", "win01", "sw01")
    }
    assert reached["lnx01"] == {"Online Banking"}  # database runs on it
    assert reached["esx01"] == {"Online Banking"}  # virtualizes vm01, and is a member of the cluster vm02 is on
    assert reached["esx02"] == {"Online Banking"}  # member of the cluster (Members::Member of, parent = cluster)
    assert reached["lnx02"] == {"Payments"}
    assert reached["win01"] == {"HR Portal"}
    assert reached["sw01"] == {"Online Banking"}  # lnx01 connects to it


def test_sn003_incident_and_change_codes_are_mapped(replica):
    snapshot = snapshot_of(replica)
    incidents = snapshot.tables["incident"].set_index("number")
    assert incidents[["priority", "state"]].to_dict("index") == {
        "INC0010001": {"priority": 1, "state": "new"},
        "INC0010002": {"priority": 2, "state": "in_progress"},
        "INC0010003": {"priority": 3, "state": "on_hold"},
        "INC0010004": {"priority": 4, "state": "resolved"},
        "INC0010005": {"priority": 5, "state": "closed"},
        "INC0010006": {"priority": 3, "state": "canceled"},
        "INC0010007": {"priority": 2, "state": "in_progress"},
    }
    by_id = snapshot.ci.set_index("id")["name"]
    assert by_id[incidents.loc["INC0010003", "ci_id"]] == "Payments"  # no CI: its business service
    changes = snapshot.tables["change"].set_index("number")["state"].to_dict()
    assert changes == {"CHG0030001": "implement", "CHG0030002": "closed", "CHG0030003": "assess"}


def test_sn004_open_alerts_give_health_worst_first(replica):
    snapshot = snapshot_of(replica)
    health = snapshot.tables["health"].merge(snapshot.ci[["id", "name"]], left_on="ci_id", right_on="id")
    assert dict(zip(health["name"], health["status"], strict=True)) == {
        "lnx02": "down",  # open, critical
        "vm01": "degraded",  # open minor, and a newer open warning that must not hide it
        "lnx01": "ok",  # its critical alert is closed
        "lnx03": "ok",  # warning
        "esx02": "degraded",  # major, flapping
    }


def test_sn005_dangling_and_unknown_relationships_are_findings(replica):
    findings = {f.code: f for f in snapshot_of(replica).findings}
    assert findings["relationship.dangling"].count == 1
    assert findings["relationship.unknown_type"].examples == ("Manages::Managed by",)
    assert findings["incident.unknown_ci"].examples == ("INC0010007",)
    assert "table.missing" not in findings


def test_sn006_ci_details_keep_sys_id_and_mapped_attributes(replica):
    snapshot = snapshot_of(replica)
    ci = snapshot.ci.set_index("name")
    attributes = json.loads(snapshot.attributes().iat[position(snapshot, "lnx01")])
    assert {k: attributes.pop(k) for k in ("sys_id", "sys_class_name")} == {
        "sys_id": sys_id("lnx01"),
        "sys_class_name": "cmdb_ci_linux_server",
    }
    assert set(attributes) == {"warranty_expiration", "install_date"}  # lifecycle dates: test_sn025
    assert ci.loc["lnx01", ["location", "owner"]].tolist() == ["FRA1", "Unix Team"]
    assert ci.loc[["Online Banking", "Payments", "HR Portal"], "criticality"].tolist() == ["critical", "high", "low"]
    assert ci.loc["Online Banking", "environment"] == "production"
    assert ci.loc[["lnx04", "lnx05", "prn01"], "status"].tolist() == ["non_operational", "maintenance", "retired"]


def test_sn007_the_fingerprint_changes_when_a_row_changes(replica):
    def mark() -> str:
        engine = read_only_engine(replica)
        try:
            with engine.connect() as connection:
                return fingerprint(connection, SERVICENOW)
        finally:
            engine.dispose()

    before = mark()
    assert mark() == before
    engine = sa.create_engine(replica)
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE incident SET state = 6, sys_updated_on = :now WHERE number = 'INC0010001'"),
            {"now": pd.Timestamp.now().to_pydatetime()},
        )
    engine.dispose()
    assert mark() != before


def test_sn008_reading_never_writes(sqlite_db):
    build_replica(sqlite_db)
    path = Path(sa.make_url(sqlite_db).database)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    snapshot_of(sqlite_db)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    engine = read_only_engine(sqlite_db)
    try:
        with engine.connect() as connection:
            plan = SERVICENOW.plan(engine, present_tables(connection), None)
            with pytest.raises(sa.exc.OperationalError):
                connection.execute(sa.text("DELETE FROM cmdb_ci"))
    finally:
        engine.dispose()
    assert all(isinstance(statement, sa.Select) for statement in plan.statements.values())


def test_sn009_without_em_alert_health_comes_from_operational_status(sqlite_db):
    build_replica(sqlite_db, alerts=False)
    snapshot = snapshot_of(sqlite_db)
    health = snapshot.tables["health"].merge(snapshot.ci[["id", "name"]], left_on="ci_id", right_on="id")
    status = dict(zip(health["name"], health["status"], strict=True))
    assert len(status) == len(snapshot.ci)  # one row per CI, at its sys_updated_on
    assert (status["lnx02"], status["lnx04"], status["lnx05"], status["prn01"]) == (
        "ok",
        "down",
        "maintenance",
        "unknown",
    )


def test_sn010_missing_optional_tables_and_columns_read_as_empty_and_are_reported(sqlite_db):
    build_replica(sqlite_db)
    engine = sa.create_engine(sqlite_db)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE change_request"))
        connection.execute(sa.text("DROP TABLE cmdb_ci_service"))
        connection.execute(sa.text("ALTER TABLE cmdb_ci DROP COLUMN support_group"))
    engine.dispose()
    snapshot = snapshot_of(sqlite_db)
    findings = {f.code: f for f in snapshot.findings}
    assert findings["table.missing"].examples == ("change",)
    assert set(findings["table.missing_column"].examples) >= {
        "cmdb_ci.support_group",
        "cmdb_ci_service.busines_criticality",
    }
    assert snapshot.tables["change"].empty
    assert len(snapshot.ci) == 30


def test_sn011_the_app_serves_a_servicenow_replica(sqlite_db):
    build_replica(sqlite_db)
    settings = Settings.from_env({}, database_url=sqlite_db, profile="servicenow", refresh_seconds=0, anonymous=True)
    app = create_app(settings)
    request = callback_request(
        app, ids.OVERVIEW_STATUS, "children", {f"{ids.OVERVIEW_TICK}.n_intervals": 0, f"{ids.URL}.pathname": "/quality"}
    )
    response = app.server.test_client().post("/_dash-update-component", json=request)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Data loaded" in text
    assert "Relationships to or from a CI that does not exist" in text


# --- the value mappings (dashboard/cmdb/profiles/statuses.py) -------------------------------------------------------

# ServiceNow's choice lists: (code, label) as a replica stores and a CSV export shows them. install_status and
# operational_status from ServiceNow's Ansible collection servicenow.itsm (plugins/module_utils/configuration_item.py);
# the others from the documentation pages docs/servicenow.md cites.
CHOICES: dict[str, list[tuple[str, str]]] = {
    "SERVICENOW_OPERATIONAL_STATUS": [("1", "Operational"), ("2", "Non-Operational"), ("3", "Repair in Progress"),
                                      ("4", "DR Standby"), ("5", "Ready"), ("6", "Retired"), ("7", "Pipeline"),
                                      ("8", "Catalog")],
    "SERVICENOW_INSTALL_STATUS": [("0", "Implementing"), ("1", "Installed"), ("2", "On Order"),
                                  ("3", "In Maintenance"), ("4", "Pending Install"), ("5", "Pending Repair"),
                                  ("6", "In Stock"), ("7", "Retired"), ("8", "Stolen"), ("100", "Absent")],
    "SERVICENOW_ALERT_SEVERITY": [("0", "Clear"), ("1", "Critical"), ("2", "Major"), ("3", "Minor"), ("4", "Warning"),
                                  ("5", "OK")],
    "SERVICENOW_CRITICALITY": [("1", "1 - most critical"), ("2", "2 - somewhat critical"), ("3", "3 - less critical"),
                               ("4", "4 - not critical")],
    "SERVICENOW_PRIORITY": [("1", "1 - Critical"), ("2", "2 - High"), ("3", "3 - Moderate"), ("4", "4 - Low"),
                            ("5", "5 - Planning")],
    "SERVICENOW_INCIDENT_STATE": [("1", "New"), ("2", "In Progress"), ("3", "On Hold"), ("6", "Resolved"),
                                  ("7", "Closed"), ("8", "Canceled"), ("2", "Active"), ("3", "Awaiting Problem"),
                                  ("4", "Awaiting User Info"), ("5", "Awaiting Evidence")],
    "SERVICENOW_CHANGE_STATE": [("-5", "New"), ("-4", "Assess"), ("-3", "Authorize"), ("-2", "Scheduled"),
                                ("-1", "Implement"), ("0", "Review"), ("3", "Closed"), ("4", "Canceled"), ("1", "Open"),
                                ("2", "Work in Progress"), ("3", "Closed Complete"), ("4", "Closed Incomplete"),
                                ("7", "Closed Skipped")],
}  # fmt: skip
CHOICES["SERVICENOW_OPERATIONAL_HEALTH"] = CHOICES["SERVICENOW_OPERATIONAL_STATUS"]


@pytest.mark.parametrize("name", sorted(CHOICES))
def test_sn015_a_code_and_its_label_map_to_the_same_value(name):
    mapping = getattr(statuses, name)
    assert {code: mapping.get(code) for code, _ in CHOICES[name]} == {
        code: mapping.get(label.lower()) for code, label in CHOICES[name]
    }
    assert all(mapping.get(code) for code, _ in CHOICES[name])  # every choice mapped


def test_sn016_every_coded_servicenow_table_is_checked():
    coded = {name for name, value in vars(statuses).items()
             if name.startswith("SERVICENOW_") and isinstance(value, dict) and "1" in value}  # fmt: skip
    assert coded == set(CHOICES)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Provides::Provided by", ("depends on", False)), ("Depends on::Used by", ("depends on", True)),
     ("Cluster of::Cluster", ("Cluster of::Cluster", True)), ("Powered by::Powers", ("Powered by::Powers", True)),
     ("Sends data to::Receives data from", ("Sends data to::Receives data from", True)),
     ("IP Connection::IP Connection", ("connects to", True))],
)  # fmt: skip
def test_sn017_relationship_types_follow_only_a_documented_dependency(name, expected):
    kind, parent_first = relationship_types(pd.Series([name]))
    assert (kind[0], bool(parent_first[0])) == expected


# --- CSV exports ------------------------------------------------------------------------------------------------


def test_sn020_every_exported_row_is_imported_or_rejected_with_a_reason(sqlite_db):
    report = import_batch(sqlite_db, parse("servicenow", [EXPORTS]), progress=False)
    counts = {part: (r.added, r.rejected) for part, r in report.parts.items()}
    # cmdb_ci.csv: 10 rows + cmdb_ci_win_server.csv: 1; cmdb_rel_ci.csv: 8; incident.csv: 10; change_request.csv: 2
    assert counts == {
        "cis": (10, 1),
        "relationships": (6, 2),
        "incidents": (6, 4),
        "health": (0, 0),
        "changes": (2, 0),
    }
    reasons = {r.origin: r.reason for r in report.rejected}
    assert reasons == {
        "cmdb_ci.csv line 11": "no name",
        "cmdb_rel_ci.csv line 8": reasons["cmdb_rel_ci.csv line 8"],
        "cmdb_rel_ci.csv line 9": "target: no CI with the key or name 'ghost-db' in servicenow",
        # the rows of INC0020001 and INC0020004 span 3 and 2 lines (a multi-line Description), so INC0020007,
        # the 8th row, starts on line 11
        "incident.csv line 11": "priority '9 - Urgent' is not 1 to 5",
        "incident.csv line 12": "CI: no CI with the key or name 'mainframe-zz' in servicenow",
        "incident.csv line 13": "no opened_at time",
        "incident.csv line 14": "no priority",
    }
    assert reasons["cmdb_rel_ci.csv line 8"].startswith("relationship type 'manages::managed by' is not one of")


def test_sn021_exported_display_values_land_as_native_values(sqlite_db):
    import_batch(sqlite_db, parse("servicenow", [EXPORTS]), progress=False)
    engine = sa.create_engine(sqlite_db)
    with engine.connect() as connection:
        ci = pd.read_sql("SELECT id, name, class, status, location, owner, attributes FROM ci", connection)
        incident = pd.read_sql("SELECT * FROM incident", connection).set_index("number")
        relationship = pd.read_sql("SELECT source_id, target_id, type FROM relationship", connection)
    engine.dispose()
    ci = ci.set_index("name")
    assert ci.loc[["bank-api", "ORA-BANK", "lnx01", "win01", "esx-cluster-1", "prn01"], "class"].tolist() == [
        "application",
        "database",
        "server",
        "server",
        "cluster",
        "printer",
    ]
    assert ci.loc[["lnx01", "lnx02", "esx01", "prn01"], "status"].tolist() == [
        "non_operational",
        "maintenance",
        "maintenance",  # operational status "?": its install status, In Maintenance
        "retired",
    ]
    assert json.loads(ci.loc["lnx01", "attributes"])["sys_id"] == "cbe52a3df44f5f44ff0b428760bfa982"
    assert incident.loc["INC0020001", ["priority", "state"]].tolist() == [1, "in_progress"]
    assert incident.loc["INC0020004", "resolved_at"] == "2024-01-04 12:00:00.000000"
    assert pd.isna(incident.loc["INC0020001", "resolved_at"])
    name = ci.reset_index().set_index("id")["name"]
    edges = {(name[s], t, name[d]) for s, d, t in relationship.itertuples(index=False)}
    assert ("esx01", "member of", "esx-cluster-1") in edges  # Members::Member of: the child is the member
    assert ("Online Banking", "depends on", "Banking Web") in edges


def test_sn022_a_dry_run_writes_nothing(tmp_path):
    target = tmp_path / "servicemap.sqlite"
    report = import_batch(f"sqlite:///{target}", parse("servicenow", [EXPORTS]), dry_run=True, progress=False)
    assert report.parts["incidents"].added == 6
    assert not target.exists()


def test_sn023_importing_again_updates_instead_of_duplicating(sqlite_db):
    import_batch(sqlite_db, parse("servicenow", [EXPORTS]), progress=False)
    again = import_batch(sqlite_db, parse("servicenow", [EXPORTS]), progress=False)
    assert {part: (r.added, r.updated + r.unchanged) for part, r in again.parts.items()} == {
        "cis": (0, 10),
        "relationships": (0, 6),
        "incidents": (0, 6),
        "health": (0, 0),
        "changes": (0, 2),
    }
    engine = sa.create_engine(sqlite_db)
    with engine.connect() as connection:
        rows = [connection.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar() for t in ("ci", "incident")]
    engine.dispose()
    assert rows == [10, 6]


@pytest.mark.parametrize(
    ("opened", "expected"),
    [
        (["25-01-2024 10:00:00", "03-04-2024 10:00:00"], ["2024-01-25 10:00:00", "2024-04-03 10:00:00"]),
        (["01-25-2024 10:00:00", "03-04-2024 10:00:00"], ["2024-01-25 10:00:00", "2024-03-04 10:00:00"]),
        (["05-05-2024 10:00:00", "03-04-2024 10:00:00"], ["2024-05-05 10:00:00", None]),
    ],
    ids=["day-first", "month-first", "cannot-tell"],
)
def test_sn024_day_and_month_first_dates_only_when_the_file_tells(tmp_path, opened, expected):
    shutil.copy(EXPORTS / "cmdb_ci.csv", tmp_path / "cmdb_ci.csv")
    lines = ["number,opened_at,priority,state,cmdb_ci"]
    lines += [f"INC00300{n},{when},3 - Moderate,New,lnx01" for n, when in enumerate(opened)]
    (tmp_path / "incident.csv").write_text("\n".join(lines) + "\n")
    batch = parse("servicenow", [tmp_path])
    parsed = dict(zip(batch.incidents["number"], batch.incidents["opened_at"], strict=True))
    assert [parsed.get(f"INC00300{n}") for n in range(len(opened))] == expected
    rejected = [r.reason for r in batch.rejected]
    assert len(rejected) == expected.count(None)
    assert all("the day and the month cannot be told apart" in reason for reason in rejected)


def test_sn025_lifecycle_dates_and_the_change_type_and_team_are_read(replica):
    from dashboard.cmdb.lifecycle_dates import lifecycle_dates
    from dashboard.domain.lifecycle import DateKind, parse_date

    snapshot = snapshot_of(replica)
    attributes = json.loads(snapshot.attributes().iat[position(snapshot, "lnx01")])
    assert parse_date(attributes["warranty_expiration"]) == np.datetime64("2027-03-31")
    assert parse_date(attributes["install_date"]) == np.datetime64("2021-04-01T10:00:00")
    dates = lifecycle_dates(snapshot.ci, snapshot.index, snapshot.attributes())
    warranty, bad = dates.expiry[DateKind.WARRANTY]
    assert warranty[position(snapshot, "lnx02")] == np.datetime64("2020-01-31")
    assert not bad.any()
    assert "ci.lifecycle_date" not in {f.code for f in snapshot.findings}
    change = snapshot.tables["change"].set_index("number")
    assert change.loc["CHG0030001", ["type", "assignment_group"]].tolist() == ["emergency", "Unix Team"]
    assert change.loc["CHG0030002", "type"] == "normal"
    assert pd.isna(change.loc["CHG0030002", "assignment_group"])
