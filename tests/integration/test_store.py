"""SnapshotStore: reloads only on change, keeps the last good snapshot when the source fails, says it is stale."""

import os
import time

import sqlalchemy as sa

from dashboard.cmdb.store import SnapshotStore
from tests.rows import NOW, ci, rel, write


def add_ci(url, id_):
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO ci (id, name, class, status, updated_at) VALUES (:id, :n, 'server', 'operational', :t)"
            ),
            {"id": id_, "n": f"new-{id_}", "t": NOW},
        )
    engine.dispose()


def test_st001_reloads_only_when_the_fingerprint_changes(empty_db):
    write(empty_db, ci=[ci(1), ci(2)], relationship=[rel(1, 1, "connects to", 2)])
    store = SnapshotStore(empty_db)
    assert store.refresh()
    first = store.snapshot
    assert first.version == 1
    assert first.findings_ready  # computed by the refresh, after publishing: no request waits for them
    assert not store.refresh()
    assert store.snapshot is first
    add_ci(empty_db, 3)
    assert store.refresh()
    assert store.snapshot.version == 2
    assert store.snapshot.counts()["ci"] == 3
    assert store.snapshot.fingerprint != first.fingerprint
    assert first.counts()["ci"] == 2  # the old snapshot is untouched (readers holding it see a consistent picture)


def test_st002_failed_refresh_keeps_the_snapshot_and_marks_it_stale(sqlite_db, tmp_path):
    write(sqlite_db, ci=[ci(1)])
    store = SnapshotStore(sqlite_db)
    store.refresh()
    good = store.snapshot
    path = sa.make_url(sqlite_db).database
    os.rename(path, tmp_path / "away.sqlite")
    assert not store.refresh()
    status = store.status
    assert status.snapshot is good
    assert status.stale
    assert "no SQLite database" in status.error
    assert len(status.error_id) == 8
    os.rename(tmp_path / "away.sqlite", path)
    assert not store.refresh()  # same data: nothing to reload …
    assert not store.status.stale  # … but the source answered again, so it is current
    assert store.status.checked_at > status.failed_at


def test_st003_unreachable_server_is_a_clear_error():
    store = SnapshotStore("postgresql://nobody@127.0.0.1:1/none")
    assert not store.refresh()
    assert store.snapshot is None
    assert store.status.stale
    assert "OperationalError" in store.status.error


def test_st004_background_refresh_picks_up_changes(sqlite_db):
    write(sqlite_db, ci=[ci(1)])
    store = SnapshotStore(sqlite_db)
    store.start(0.05)
    try:
        assert store.snapshot.version == 1
        add_ci(sqlite_db, 2)
        for _ in range(200):
            if store.snapshot.version == 2:
                break
            time.sleep(0.02)
        assert store.snapshot.counts()["ci"] == 2
    finally:
        store.stop()


def test_st900_a_failed_refresh_logs_time_cause_and_error_id_but_no_password(caplog):
    import json as json_

    from dashboard.cmdb.store import SnapshotStore

    store = SnapshotStore("postgresql://servicemap:hunter2@127.0.0.1:1/cmdb")
    assert store.refresh() is False
    lines = [json_.loads(r.getMessage()) for r in caplog.records if "refresh_failed" in r.getMessage()]
    assert lines
    line = lines[-1]
    assert line["error_id"] == store.status.error_id
    assert line["time"]
    assert line["cause"]
    assert "hunter2" not in json_.dumps(line)
    assert "hunter2" not in (store.status.error or "")
