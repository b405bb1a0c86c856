"""ci.attributes read after the snapshot is ready: the same values as read with the rest, lined up by id, shown in the
details panel from the snapshot (waiting for them, or saying why they are not there)."""

import json
import threading

import pandas as pd

from dashboard import details as details_module
from dashboard.cmdb import snapshot as snapshot_module
from dashboard.cmdb.derived import Derived
from dashboard.cmdb.load import load_frames
from dashboard.cmdb.snapshot import Lazy, build_snapshot, load_snapshot
from dashboard.details import ci_details
from tests.rows import ci, rel, write

CIS = [ci(1, "web", "business_service", attributes='{"team": "shop"}'), ci(2, "app"), ci(3, "db", attributes=None)]
RELS = [rel(1, 1, "depends on", 2), rel(2, 2, "runs on", 3)]


def test_at001_load_snapshot_reads_the_attributes_after_the_ci_table(empty_db):
    write(empty_db, ci=CIS, relationship=RELS)
    deferred = load_snapshot(empty_db, fingerprint="x", source="test")
    at_once = build_snapshot(load_frames(empty_db), fingerprint="x", source="test")
    assert "attributes" not in deferred.ci.columns
    assert deferred.ci.equals(at_once.ci)
    for snapshot in (deferred, at_once):
        values = snapshot.attributes()
        assert json.loads(values.iat[snapshot.index.position(1)]) == {"team": "shop"}
        assert values.iat[snapshot.index.position(2)] == "{}"
        assert pd.isna(values.iat[snapshot.index.position(3)])


def test_at002_attributes_read_in_another_order_follow_their_ids(monkeypatch):
    ids = pd.Series([3, 2, 1, 2], dtype="int64")  # reordered, 2 twice, and 9 missing below
    read = pd.DataFrame({"id": ids, "attributes": ["c", "b first", "a", "b second"]})
    monkeypatch.setattr(snapshot_module, "read_attributes", lambda _deferred: read)
    ci_ids = pd.Series([1, 2, 9, 2, 3], dtype="int64")
    lined_up = snapshot_module._attributes_by_position(object(), ci_ids)
    assert lined_up.fillna("-").tolist() == ["a", "b first", "-", "b second", "c"]


def test_at003_details_show_the_attributes_from_the_snapshot(sqlite_db):
    write(sqlite_db, ci=CIS, relationship=RELS)
    snapshot = load_snapshot(sqlite_db, fingerprint="x", source="test")
    details = ci_details(Derived(snapshot), snapshot.index.position(1))
    assert details.attributes == (("team", "shop"),)
    assert details.attributes_note == ""


def test_at004_a_failed_read_is_said_with_an_error_id_and_not_retried(sqlite_db, tmp_path):
    write(sqlite_db, ci=CIS, relationship=RELS)
    snapshot = load_snapshot(sqlite_db, fingerprint="x", source="test")
    (tmp_path / "cmdb.sqlite").unlink()
    assert snapshot.attributes() is None
    assert snapshot.attributes_error_id
    details = ci_details(Derived(snapshot), snapshot.index.position(1))
    assert details.attributes == ()
    assert snapshot.attributes_error_id in details.attributes_note


def test_at005_while_another_thread_reads_them_a_reader_waits_then_gives_up(monkeypatch):
    started, release = threading.Event(), threading.Event()

    def slow_read() -> pd.Series:
        started.set()
        release.wait(5)
        return pd.Series(["{}"])

    lazy = Lazy(slow_read)
    reader = threading.Thread(target=lazy.get)
    reader.start()
    assert started.wait(5)
    assert lazy.get(timeout=0.05) is None
    release.set()
    reader.join(5)
    assert list(lazy.get(timeout=0)) == ["{}"]


def test_at006_a_click_while_they_are_read_waits_briefly_then_says_they_are_loading(sqlite_db, monkeypatch):
    write(sqlite_db, ci=CIS, relationship=RELS)
    release = threading.Event()
    real_read = snapshot_module.read_attributes

    def slow_read(deferred):
        release.wait(5)
        return real_read(deferred)

    monkeypatch.setattr(snapshot_module, "read_attributes", slow_read)
    monkeypatch.setattr(details_module, "ATTRIBUTES_WAIT_SECONDS", 0.05)
    snapshot = load_snapshot(sqlite_db, fingerprint="x", source="test")
    store_thread = threading.Thread(target=snapshot.attributes)  # the store reads them right after publishing
    store_thread.start()
    try:
        early = ci_details(Derived(snapshot), snapshot.index.position(1))
    finally:
        release.set()
        store_thread.join(5)
    assert (early.attributes, early.attributes_note) == ((), "Loading attributes… click the CI again in a moment.")
    assert ci_details(Derived(snapshot), snapshot.index.position(1)).attributes == (("team", "shop"),)
