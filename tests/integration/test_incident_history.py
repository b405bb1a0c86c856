"""Incident exports with an audit trail (one row per update), and incidents that name no CI: import, load, findings.

The fixture follows the layout of the "Incident management process enriched event log" (UCI ML repository, id 498),
a ServiceNow incident audit export: a few numbers with several rows each, out of order, most naming no CI ("?").
"""

from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from dash import html

from dashboard import cli
from dashboard.app import create_app
from dashboard.cmdb.derived import Derived
from dashboard.cmdb.load import load_frames
from dashboard.cmdb.profiles.servicenow import SERVICENOW
from dashboard.cmdb.snapshot import load_snapshot
from dashboard.details import ci_details
from dashboard.imports import import_batch, parse
from dashboard.settings import Settings
from layouts import ids
from layouts.details import build_ci_details
from tests.callbacks import callback_request
from tests.rows import NOW, ci, incident, write

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EVENT_LOG = FIXTURES / "servicenow_audit" / "incident_event_log.csv"
CIS = FIXTURES / "servicenow" / "cmdb_ci.csv"


def tables(url: str, *names: str) -> dict[str, pd.DataFrame]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return {name: pd.read_sql(f"SELECT * FROM {name}", connection) for name in names}
    finally:
        engine.dispose()


@pytest.fixture
def imported(sqlite_db: str) -> str:
    import_batch(sqlite_db, parse("servicenow", [CIS]), progress=False)
    report = import_batch(sqlite_db, parse("servicenow", [EVENT_LOG]), progress=False)
    assert (report.parts["incidents"].added, report.parts["incidents"].rejected) == (4, 0)
    return sqlite_db


def test_ih001_each_number_is_one_incident_at_its_latest_update(imported):
    incident = tables(imported, "incident")["incident"].set_index("number")
    assert sorted(incident.index) == ["INC0000045", "INC0000047", "INC0000057", "INC0000062"]
    assert incident["state"].to_dict() == {
        "INC0000045": "closed",  # update 4 of 0–4, the 6th row of the file
        "INC0000047": "in_progress",  # updates 2 and 3 share their minute: the update count decides
        "INC0000057": "resolved",  # names a CI: before, the oldest row (New) was kept and showed as open
        "INC0000062": "new",  # one row: an incident never updated
    }
    assert incident["priority"].to_dict() == {"INC0000045": 2, "INC0000047": 4, "INC0000057": 1, "INC0000062": 4}
    assert incident.loc["INC0000045", "resolved_at"].startswith("2016-02-29 11:29")
    # exported without resolved_at: the time of the update that resolved it
    assert incident.loc["INC0000057", "resolved_at"].startswith("2016-03-02 14:30")


def test_ih002_the_history_keeps_state_priority_and_assignment_changes_with_times(imported):
    history = tables(imported, "incident_history")["incident_history"]
    trail = history.loc[history["number"] == "INC0000045"].sort_values(["seq", "field"])
    old = trail["old_value"].astype("object").where(trail["old_value"].notna(), None)
    changes = [
        (r.seq, r.field, before, r.new_value, r.changed_at[:16])
        for r, before in zip(trail.itertuples(), old, strict=True)
    ]
    assert changes == [
        (0, "assignment_group", None, "Group 56", "2016-02-29 01:16"),
        (0, "priority", None, "3", "2016-02-29 01:16"),
        (0, "state", None, "new", "2016-02-29 01:16"),
        (1, "assigned_to", None, "Resolver 89", "2016-02-29 01:23"),
        (1, "state", "new", "in_progress", "2016-02-29 01:23"),
        (2, "assigned_to", "Resolver 89", "Resolver 31", "2016-02-29 08:53"),
        (2, "assignment_group", "Group 56", "Group 70", "2016-02-29 08:53"),
        (2, "priority", "3", "2", "2016-02-29 08:53"),
        (3, "state", "in_progress", "resolved", "2016-02-29 11:29"),
        (4, "state", "resolved", "closed", "2016-03-05 12:00"),
    ]
    assert history.groupby("number").size().to_dict() == {
        "INC0000045": 10,
        "INC0000047": 8,
        "INC0000057": 6,
        "INC0000062": 3,
    }


def test_ih003_incidents_that_name_no_ci_are_imported_with_their_context(imported):
    incident = tables(imported, "incident")["incident"].set_index("number")
    assert incident["ci_id"].isna().to_dict() == {
        "INC0000045": True,
        "INC0000047": True,
        "INC0000057": False,
        "INC0000062": True,
    }
    assert incident.loc["INC0000047", ["assignment_group", "category", "location", "contact_type"]].tolist() == [
        "Group 24",
        "Category 40",
        "Location 165",
        "Email",
    ]


def test_ih004_importing_the_trail_again_changes_nothing(imported):
    before = tables(imported, "incident", "incident_history")
    report = import_batch(imported, parse("servicenow", [EVENT_LOG]), progress=False)
    assert (report.parts["incidents"].added, report.parts["incidents"].rejected) == (0, 0)
    after = tables(imported, "incident", "incident_history")
    for name in before:
        pd.testing.assert_frame_equal(
            before[name].sort_values(list(before[name].columns[:3])).reset_index(drop=True),
            after[name].sort_values(list(after[name].columns[:3])).reset_index(drop=True),
        )


def test_ih005_the_report_says_the_file_was_an_audit_trail():
    batch = parse("servicenow", [EVENT_LOG])
    assert batch.notes == [
        "incident_event_log.csv: 13 rows are the audit trail of 4 incidents, each imported at its latest update; "
        "27 changes of state, priority, assignment_group, assigned_to kept as their history"
    ]


def test_ih006_a_business_service_that_is_a_ci_places_the_incident_else_it_is_kept_as_text(sqlite_db, tmp_path):
    import_batch(sqlite_db, parse("servicenow", [CIS]), progress=False)
    export = tmp_path / "incident.csv"
    export.write_text(
        "number,opened_at,priority,state,cmdb_ci,business_service\n"
        "INC1,2024-01-05 09:00:00,2 - High,New,,Online Banking\n"
        "INC2,2024-01-05 09:00:00,2 - High,New,,Travel Desk\n"
        "INC3,2024-01-05 09:00:00,2 - High,New,lnx01,Online Banking\n"
        "INC4,2024-01-05 09:00:00,2 - High,New,ghost-host,\n"
    )
    report = import_batch(sqlite_db, parse("servicenow", [export]), progress=False)
    assert [r.reason for r in report.rejected] == ["CI: no CI with the key or name 'ghost-host' in servicenow"]
    found = tables(sqlite_db, "incident", "ci")
    name = found["ci"].set_index("id")["name"]
    incident = found["incident"].set_index("number")
    assert incident.loc["INC1", "ci_id"] == name.index[name == "Online Banking"][0]
    assert pd.isna(incident.loc["INC2", "ci_id"])
    assert incident.loc["INC2", "business_service"] == "Travel Desk"
    assert name[incident.loc["INC3", "ci_id"]] == "lnx01"  # the CI comes before the service


def test_ih007_the_data_quality_findings_count_incidents_without_ci(imported, capsys):
    snapshot = load_snapshot(imported, fingerprint="test", source="test")
    codes = {f.code: f for f in snapshot.findings}
    assert "incident.unknown_ci" not in codes
    assert codes["incident.no_ci"].title == "Incidents that name no CI: 3 of 4"
    assert codes["incident.no_ci"].detail.startswith("2 of them open")
    assert snapshot.counts()["incident_history"] == 27
    assert cli.main(["check", "--database-url", imported]) == 0
    assert "Incidents that name no CI: 3 of 4" in capsys.readouterr().out


def test_ih008_every_backend_loads_incidents_without_ci_and_their_history(empty_db):
    history = [
        {"number": "INC2", "seq": 0, "field": "state", "old_value": None, "new_value": "new", "changed_at": NOW},
        {"number": "INC2", "seq": 1, "field": "state", "old_value": "new", "new_value": "resolved", "changed_at": None},
    ]
    write(
        empty_db,
        ci=[ci(1, "web", "business_service")],
        incident=[
            incident("INC1", 1, category=None),
            incident("INC2", None, category="Network"),
            incident("INC3", 404, category=None),
        ],
        incident_history=history,
    )
    frames = load_frames(empty_db)
    assert frames.missing_tables == ()
    assert frames["incident"]["ci_id"].isna().tolist() == [False, True, False]
    assert frames["incident"]["category"].tolist()[1] == "Network"
    assert frames["incident_history"]["new_value"].tolist() == ["new", "resolved"]
    snapshot = load_snapshot(empty_db, fingerprint="test", source="test")
    codes = {f.code: f for f in snapshot.findings}
    assert codes["incident.unknown_ci"].examples == ("INC3",)  # a CI that does not exist, not a missing one
    assert codes["incident.no_ci"].examples == ("INC2",)
    assert Derived(snapshot).incidents.open_count.tolist() == [1]  # INC1 on web; INC2 and INC3 on no node


def test_ih009_a_cmdb_without_the_history_table_or_new_columns_still_loads(sqlite_db):
    engine = sa.create_engine(sqlite_db)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE ci (id INTEGER, name TEXT, class TEXT, status TEXT)"))
        connection.execute(sa.text("CREATE TABLE incident (number TEXT, ci_id INTEGER, priority INTEGER, state TEXT)"))
        connection.execute(sa.text("INSERT INTO incident VALUES ('INC1', NULL, 2, 'new')"))
    engine.dispose()
    snapshot = load_snapshot(sqlite_db, fingerprint="test", source="test")
    codes = {f.code: f for f in snapshot.findings}
    assert "incident_history" not in codes["table.missing"].examples  # optional: read as empty, not reported
    assert snapshot.tables["incident_history"].empty
    assert codes["incident.no_ci"].count == 1


def test_ih010_the_details_panel_shows_an_incidents_history_and_time_to_resolve(imported):
    snapshot = load_snapshot(imported, fingerprint="test", source="test")
    lnx01 = int(snapshot.ci.index[snapshot.ci["name"] == "lnx01"][0])
    details = ci_details(Derived(snapshot), lnx01)
    assert [row["number"] for row in details.incidents] == ["INC0000057"]
    (history,) = details.histories
    assert (history.number, history.resolved_in) == ("INC0000057", "4 h 30 min")
    assert history.changes == (
        ("2016-03-02 10:00", "group: — → Group 70"),
        ("2016-03-02 10:00", "priority: — → P1"),
        ("2016-03-02 10:00", "state: — → new"),
        ("2016-03-02 10:05", "assignee: — → Resolver 12"),
        ("2016-03-02 10:05", "state: new → in progress"),
        ("2016-03-02 14:30", "state: in progress → resolved"),
    )
    panel = html.Div(build_ci_details(details, "/focus", "/impact", [""] * len(details.culprits)))
    grid = next(c for c in panel.children if getattr(c, "id", None) == "details-incidents")
    assert grid.rowData[0]["what"] == "INC0000057"  # the event log has no short description: no dangling separator
    folded = [c for c in panel.children if isinstance(c, html.Details)]
    assert folded[0].children[0].children == "INC0000057 · 6 changes · resolved in 4 h 30 min"
    assert len(folded[0].children[1].children) == 6


def test_ih011_a_servicenow_replica_reads_incident_context_and_incidents_without_ci(sqlite_db):
    engine = sa.create_engine(sqlite_db)
    with engine.begin() as connection:
        for statement in (
            "CREATE TABLE cmdb_ci (sys_id TEXT, name TEXT, sys_class_name TEXT)",
            "INSERT INTO cmdb_ci VALUES ('a1', 'lnx01', 'cmdb_ci_linux_server')",
            "CREATE TABLE sys_user_group (sys_id TEXT, name TEXT)",
            "INSERT INTO sys_user_group VALUES ('g56', 'Group 56')",
            "CREATE TABLE incident (number TEXT, priority INTEGER, state INTEGER, opened_at TEXT, "
            "assignment_group TEXT, category TEXT)",
            "INSERT INTO incident VALUES ('INC1', 2, 2, '2026-01-01 10:00:00', 'g56', 'network')",
        ):
            connection.execute(sa.text(statement))
    engine.dispose()
    snapshot = load_snapshot(sqlite_db, fingerprint="test", source="test", profile=SERVICENOW)
    row = snapshot.tables["incident"].iloc[0]
    assert (row["state"], row["assignment_group"], row["category"]) == ("in_progress", "Group 56", "network")
    assert pd.isna(row["ci_id"])
    assert {f.code: f for f in snapshot.findings}["incident.no_ci"].count == 1
    assert Derived(snapshot).incidents.open_count.tolist() == [0]


OLD_INCIDENT = """CREATE TABLE incident (
    number VARCHAR(32) NOT NULL, ci_id BIGINT NOT NULL, priority SMALLINT NOT NULL, state VARCHAR(16) NOT NULL,
    opened_at TIMESTAMP NOT NULL, resolved_at TIMESTAMP, summary VARCHAR(255) NOT NULL,
    updated_at TIMESTAMP NOT NULL, PRIMARY KEY (number))"""


def test_ih012_importing_into_a_database_of_an_earlier_version_upgrades_it(empty_db):
    write(empty_db, ci=[ci(1, "lnx01")])
    engine = sa.create_engine(empty_db)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE incident"))
        connection.execute(sa.text(OLD_INCIDENT))
        connection.execute(sa.text("CREATE INDEX ix_incident_ci ON incident (ci_id)"))
        old_row = "('INC9', 1, 2, 'new', '2026-01-01 10:00:00', NULL, 'old', '2026-01-01 10:00:00')"
        connection.execute(sa.text(f"INSERT INTO incident VALUES {old_row}"))
    engine.dispose()
    report = import_batch(empty_db, parse("servicenow", [EVENT_LOG]), progress=False)
    assert (report.parts["incidents"].added, report.parts["incidents"].rejected) == (4, 0)
    assert "database upgraded: incident.ci_id may be empty" in report.notes
    incident = tables(empty_db, "incident")["incident"].set_index("number")
    assert incident.loc["INC9", "summary"] == "old"  # kept
    assert incident["ci_id"].isna().sum() == 3
    assert set(incident.loc["INC0000047", ["assignment_group", "contact_type"]]) == {"Group 24", "Email"}


def test_ih013_the_data_quality_page_counts_incidents_without_ci(imported):
    app = create_app(Settings.from_env({}, database_url=imported, refresh_seconds=0, anonymous=True))
    request = callback_request(
        app, ids.OVERVIEW_STATUS, "children", {f"{ids.OVERVIEW_TICK}.n_intervals": 0, f"{ids.URL}.pathname": "/quality"}
    )
    response = app.server.test_client().post("/_dash-update-component", json=request)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Incidents that name no CI: 3 of 4" in text
    assert "incident_history" in text  # its rows counted with the other tables


# --- An audit trail over several files, one that grew, one with an unreadable row (REVIEW.md items 3, 5 and 6) ----

TRAIL_HEADER = "number,incident_state,sys_mod_count,opened_at,sys_updated_at,priority,assignment_group,assigned_to"


def trail_rows(number: str, count: int) -> list[str]:
    """An incident's updates 0 … count-1, one an hour, the group changing with each; day-first dates (29/2)."""
    return [
        f"{number},{'Closed' if n == count - 1 else 'Active'},{n},29/2/2016 01:00,29/2/2016 {n + 1:02d}:00,"
        f"3 - Moderate,Group {n},Alice"
        for n in range(count)
    ]


def write_export(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([TRAIL_HEADER, *rows]) + "\n")
    return path


def test_ih014_a_trail_split_over_several_files_is_one_incident_at_its_latest_update(tmp_path):
    rows = trail_rows("INC1", 11)
    split, whole = tmp_path / "split", tmp_path / "whole"
    split.mkdir()
    whole.mkdir()
    write_export(split / "incident_1.csv", rows[:6])
    write_export(split / "incident_2.csv", rows[6:])
    write_export(whole / "incident.csv", rows)
    urls = {name: f"sqlite:///{tmp_path / name}.sqlite" for name in ("split", "whole")}
    reports = {name: import_batch(url, parse("servicenow", [tmp_path / name]), progress=False)
               for name, url in urls.items()}  # fmt: skip
    incidents = reports["split"].parts["incidents"]
    assert (incidents.read, incidents.added, incidents.rejected) == (1, 1, 0)
    assert reports["split"].rejected == []
    split_tables = tables(urls["split"], "incident", "incident_history")
    assert split_tables["incident"].loc[0, "state"] == "closed"  # update 10, in the second file
    assert len(split_tables["incident_history"]) == 4 + 10 + 1  # 4 fields set, then groups, the last state
    for name, frame in tables(urls["whole"], "incident", "incident_history").items():
        pd.testing.assert_frame_equal(split_tables[name].drop(columns="updated_at", errors="ignore"),
                                      frame.drop(columns="updated_at", errors="ignore"))  # fmt: skip


def test_ih015_the_latest_update_wins_whichever_file_holds_it(tmp_path):
    rows = trail_rows("INC1", 4)
    write_export(tmp_path / "a.csv", rows[2:])  # read first: the later updates
    write_export(tmp_path / "b.csv", rows[:2])
    url = f"sqlite:///{tmp_path / 'cmdb.sqlite'}"
    report = import_batch(url, parse("servicenow", [tmp_path / "a.csv", tmp_path / "b.csv"]), progress=False)
    assert (report.parts["incidents"].added, report.parts["incidents"].rejected) == (1, 0)
    incident = tables(url, "incident")["incident"]
    assert incident[["state", "assignment_group"]].values.tolist() == [["closed", "Group 3"]]


def test_ih016_an_incident_whose_trail_grew_is_updated_with_its_longer_history(tmp_path):
    """The appended update changes only the assignee, which the incident's row does not hold: its update time and
    history tell that it changed."""
    rows = [f"INC7,Active,{n},13/3/2016 09:00,13/3/2016 {at},3 - Moderate,Group 1,{who}"
            for n, at, who in ((0, "09:00", "Alice"), (1, "09:30", "Alice"), (2, "10:00", "Bob"))]  # fmt: skip
    export = write_export(tmp_path / "incident.csv", rows[:2])
    url = f"sqlite:///{tmp_path / 'cmdb.sqlite'}"
    import_batch(url, parse("servicenow", [export]), progress=False)
    assert len(tables(url, "incident_history")["incident_history"]) == 4
    write_export(export, rows)
    grown = import_batch(url, parse("servicenow", [export]), progress=False).parts["incidents"]
    assert (grown.updated, grown.unchanged) == (1, 0)
    history = tables(url, "incident_history")["incident_history"]
    assert history.loc[history["seq"] == 2, ["field", "old_value", "new_value"]].values.tolist() == [
        ["assigned_to", "Alice", "Bob"]
    ]
    assert tables(url, "incident")["incident"]["updated_at"].str.startswith("2016-03-13 10:00").tolist() == [True]
    again = import_batch(url, parse("servicenow", [export]), progress=False).parts["incidents"]
    assert (again.updated, again.unchanged) == (0, 1)


def test_ih017_a_trail_that_changed_only_its_history_is_updated(tmp_path):
    """The incident's row is the same (assigned_to is not stored in it), only an earlier update's assignee differs."""
    rows = trail_rows("INC7", 2)
    export = write_export(tmp_path / "incident.csv", rows)
    url = f"sqlite:///{tmp_path / 'cmdb.sqlite'}"
    import_batch(url, parse("servicenow", [export]), progress=False)
    write_export(export, [rows[0].replace("Alice", "Carol"), rows[1]])
    changed = import_batch(url, parse("servicenow", [export]), progress=False).parts["incidents"]
    assert (changed.updated, changed.unchanged) == (1, 0)
    history = tables(url, "incident_history")["incident_history"]
    assert history.loc[history["field"] == "assigned_to", "new_value"].tolist() == ["Carol", "Alice"]


def test_ih018_a_number_with_an_unreadable_row_is_rejected_whole(tmp_path):
    """3/3 and 4/3: nothing in the file tells the day from the month, so INC9's rows with a different day and month
    are unreadable; its first row (3/3) alone would import a closed incident as new."""
    export = tmp_path / "incident.csv"
    export.write_text(
        "number,incident_state,sys_mod_count,opened_at,sys_updated_at,priority\n"
        "INC9,New,0,3/3/2016 09:00,3/3/2016 09:00,3 - Moderate\n"
        "INC9,Closed,1,3/3/2016 09:00,4/3/2016 10:00,3 - Moderate\n"
        "INC10,New,0,5/5/2016 09:00,5/5/2016 09:00,3 - Moderate\n"
    )
    url = f"sqlite:///{tmp_path / 'cmdb.sqlite'}"
    report = import_batch(url, parse("servicenow", [export]), progress=False)
    incidents = report.parts["incidents"]
    assert (incidents.read, incidents.added, incidents.rejected) == (2, 1, 1)
    assert [(r.origin, r.reason) for r in report.rejected] == [
        (
            "incident.csv line 3",
            "INC9: 1 of 2 rows unreadable (incident.csv line 3: a date such as 03-04-2024: the day and the month "
            "cannot be told apart); not imported, so that no older state stands for the current one",
        )
    ]
    assert tables(url, "incident")["incident"]["number"].tolist() == ["INC10"]


def test_ih019_every_backend_tells_an_unchanged_trail_from_a_grown_one(empty_db, tmp_path):
    """The history digest of the rows read back (times, whole numbers, NULLs as each backend returns them) equals the
    one of the file's."""
    rows = trail_rows("INC7", 3)
    export = write_export(tmp_path / "incident.csv", rows[:2])
    import_batch(empty_db, parse("servicenow", [export]), progress=False)
    same = import_batch(empty_db, parse("servicenow", [export]), progress=False).parts["incidents"]
    write_export(export, rows)
    grown = import_batch(empty_db, parse("servicenow", [export]), progress=False).parts["incidents"]
    assert [(r.updated, r.unchanged) for r in (same, grown)] == [(0, 1), (1, 0)]
