from datetime import timedelta

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.cmdb.connect import read_only_engine
from dashboard.cmdb.load import _plan, columnar_path, load_frames
from dashboard.cmdb.profiles.native import NATIVE
from dashboard.cmdb.store import SnapshotStore
from tests.rows import NOW, ci, incident, rel, write

CIS = [ci(1, "web", "business_service"), ci(2, "app <b>x</b>", "application"), ci(3, "host", "server")]
RELS = [rel(1, 1, "depends on", 2), rel(2, 2, "runs on", 3), rel(3, 2, "runs on", 404)]
INCIDENTS = [incident("INC1", 3, resolved_at=None), incident("INC2", 2, state="closed", resolved_at=NOW)]


def test_ld001_every_backend_loads_the_same_frames(empty_db):
    write(empty_db, ci=CIS, relationship=RELS, incident=INCIDENTS)
    frames = load_frames(empty_db)
    assert frames.missing_tables == ()
    assert frames["ci"]["name"].tolist() == ["web", "app <b>x</b>", "host"]
    assert frames["relationship"]["target_id"].tolist() == [2, 3, 404]
    assert pd.api.types.is_datetime64_dtype(frames["ci"]["updated_at"])
    assert frames["ci"]["updated_at"].iloc[0] == pd.Timestamp(NOW)
    assert frames["incident"]["resolved_at"].isna().tolist() == [True, False]
    assert len(frames["health"]) == 0


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_ld002_columnar_and_read_sql_paths_agree(backend, request):
    url = request.getfixturevalue(f"{backend}_db")
    write(url, ci=CIS, relationship=RELS, incident=INCIDENTS)
    assert columnar_path(sa.make_url(url)) == "adbc"
    fast, slow = load_frames(url, path="adbc"), load_frames(url, path="read_sql")
    assert (fast.path, slow.path) == ("adbc", "read_sql")
    for name in ("ci", "relationship", "incident"):
        pd.testing.assert_frame_equal(fast[name], slow[name], check_dtype=False)


def test_ld003_missing_tables_read_as_empty_and_are_reported(sqlite_db):
    engine = sa.create_engine(sqlite_db)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE ci (id INTEGER, name TEXT, class TEXT, status TEXT, updated_at TEXT)"))
        connection.execute(sa.text("INSERT INTO ci VALUES (1, 'lonely', 'server', 'operational', '2026-01-01')"))
    engine.dispose()
    store = SnapshotStore(sqlite_db)
    assert store.refresh()
    snapshot = store.snapshot
    assert snapshot.counts()["ci"] == 1
    codes = {f.code: f for f in snapshot.findings}
    assert codes["table.missing"].examples == ("relationship", "incident", "health", "change")
    assert codes["table.missing_column"].examples == tuple(
        f"ci.{c}" for c in ("criticality", "environment", "location", "owner", "attributes")
    )


def test_ld006_a_table_without_a_required_column_is_reported_as_missing(sqlite_db):
    write(sqlite_db, ci=CIS)
    engine = sa.create_engine(sqlite_db)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE relationship"))
        connection.execute(sa.text("CREATE TABLE relationship (id INTEGER, source_id INTEGER, kind TEXT)"))
        connection.execute(sa.text("DROP TABLE incident"))
        connection.execute(sa.text("CREATE TABLE incident (number TEXT, ci_id INTEGER)"))
        connection.execute(sa.text("INSERT INTO incident VALUES ('INC9', 3)"))
    engine.dispose()
    frames = load_frames(sqlite_db)
    assert "relationship" in frames.missing_tables
    assert frames["incident"]["priority"].isna().all()
    assert frames["incident"]["number"].tolist() == ["INC9"]


def test_ld004_connections_refuse_writes(empty_db):
    write(empty_db, ci=CIS)
    engine = read_only_engine(empty_db)
    try:
        with pytest.raises(sa.exc.DBAPIError), engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM ci"))
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM ci")).scalar() == 3
    finally:
        engine.dispose()


def test_ld005_a_missing_sqlite_file_is_not_created(tmp_path):
    url = f"sqlite:///{tmp_path / 'nope.sqlite'}"
    store = SnapshotStore(url)
    assert not store.refresh()
    assert "FileNotFoundError" in store.status.error
    assert not (tmp_path / "nope.sqlite").exists()


def _health_rows(hours: int) -> list[dict]:
    return [
        {"id": i, "ci_id": 1, "status": "ok", "metric": "ping", "value": 1.0, "observed_at": NOW - timedelta(hours=i)}
        for i in range(hours)
    ]


@pytest.mark.parametrize(("since_hours", "plan"), [(90, "SCAN health"), (5, "USING INDEX ix_health_observed_at")])
def test_ld007_sqlite_reads_a_wide_health_window_by_scan_and_a_narrow_one_by_index(sqlite_db, since_hours, plan):
    write(sqlite_db, ci=CIS, health=_health_rows(100))
    since = NOW - timedelta(hours=since_hours) + timedelta(minutes=1)
    engine = read_only_engine(sqlite_db)
    try:
        query = _plan(engine, NATIVE, since)[1]["health"]
        with engine.connect() as connection:
            steps = [row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}")]
    finally:
        engine.dispose()
    assert any(plan in step for step in steps), steps
    frames = load_frames(sqlite_db, health_since=since)
    assert sorted(frames["health"]["id"]) == list(range(since_hours))


@pytest.mark.parametrize("stamps", [["2026-01-01", "2026-01-01 12:00:00.250"], ["2026-01-01T12:00:00Z", "garbage"]])
def test_ld008_text_timestamps_read_the_same_on_both_paths(sqlite_db, stamps):
    write(sqlite_db, ci=[ci(1), ci(2)])
    engine = sa.create_engine(sqlite_db)
    with engine.begin() as connection:
        for id_, stamp in enumerate(stamps, start=1):
            connection.execute(sa.text("UPDATE ci SET updated_at = :s WHERE id = :i"), {"s": stamp, "i": id_})
    engine.dispose()
    fast, slow = load_frames(sqlite_db, path="adbc"), load_frames(sqlite_db, path="read_sql")
    pd.testing.assert_series_equal(fast["ci"]["updated_at"], slow["ci"]["updated_at"])


@pytest.mark.parametrize("path", ["auto", "read_sql"])
def test_ld009_columns_nothing_reads_are_not_fetched(empty_db, path):
    write(empty_db, ci=CIS, relationship=RELS)
    engine = read_only_engine(empty_db)
    try:
        query = _plan(engine, NATIVE, None)[1]["relationship"]
    finally:
        engine.dispose()
    assert "updated_at" not in query
    assert list(load_frames(empty_db, path=path)["relationship"].columns) == ["id", "source_id", "target_id", "type"]
