import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from dashboard.cmdb import quality
from dashboard.cmdb.snapshot import build_snapshot
from tests.rows import NOW, ci, frames, incident, rel


def snapshot_of(**tables):
    return build_snapshot(frames(**tables), fingerprint="f", source="test")


def by_code(snapshot):
    return {f.code: f for f in snapshot.findings}


def test_qa001_clean_data_has_no_findings():
    snap = snapshot_of(
        ci=[ci(1, cls="business_service"), ci(2, cls="application"), ci(3)],
        relationship=[rel(1, 1, "depends on", 2), rel(2, 2, "runs on", 3)],
        incident=[incident("INC1", 3)],
    )
    assert snap.findings == ()
    assert snap.counts()["dependency_edges"] == 2


def test_qa002_every_dirt_category_is_found_and_counted():
    cis = [
        ci(1, cls="business_service"),
        ci(2, cls="Application"),  # mixed case
        ci(3, cls=" SERVER "),  # mixed case with spaces
        ci(4, "dup-name"),
        ci(5, "DUP-NAME "),  # the same name in another case
        ci(6, "lonely"),  # orphan
        ci(7, updated_at=NOW - timedelta(days=400)),  # stale
        ci(8, cls="application"),
        ci(9, cls="application"),
        ci(10, cls="quantum_computer"),  # unknown class
    ]
    rels = [
        rel(1, 1, "depends on", 2),
        rel(2, 2, "runs on", 3),
        rel(3, 3, "connects to", 4),
        rel(4, 4, "connects to", 5),
        rel(5, 7, "connects to", 5),
        rel(6, 8, "depends on", 9),  # cycle 8 ⇄ 9
        rel(7, 9, "depends on", 8),
        rel(8, 1, "depends on", 404),  # dangling
        rel(9, 1, "teleports to", 2),  # unknown type
        rel(10, 3, "runs on", 3),  # self loop
        rel(11, 1, "depends on", 2),  # duplicate of 1
        rel(12, 10, "runs on", 3),
    ]
    snap = snapshot_of(ci=cis, relationship=rels, incident=[incident("INC1", 999), incident("INC2", 1, priority=9)])
    found = by_code(snap)
    expected = {
        "ci.mixed_case_class": 2,  # distinct raw spellings
        "ci.unknown_class": 1,
        "ci.duplicate_name": 2,
        "ci.orphan": 1,
        "ci.stale": 1,
        "relationship.dangling": 1,
        "relationship.unknown_type": 1,
        "relationship.self_loop": 1,
        "relationship.duplicate": 1,
        "graph.cycle": 1,
        "incident.unknown_ci": 1,
        "incident.bad_priority": 1,
    }
    assert {code: f.count for code, f in found.items()} == expected
    assert found["ci.orphan"].examples == ("lonely",)
    assert "2 CIs" in found["ci.mixed_case_class"].detail
    assert found["graph.cycle"].examples == ("8 → 9",)
    assert found["relationship.dangling"].examples == ("1 depends on 404",)
    # The normalised class is what the rest of servicemap sees.
    assert snap.ci.loc[snap.ci["id"] == 3, "class"].item() == "server"


def test_qa003_empty_cmdb_loads_with_no_findings():
    snap = snapshot_of()
    assert snap.index.node_count == 0
    assert snap.findings == ()
    assert snap.counts()["ci"] == 0


def test_qa004_one_ci_cmdb_is_an_orphan():
    snap = snapshot_of(ci=[ci(1)])
    assert [f.code for f in snap.findings] == ["ci.orphan"]


def test_qa005_null_ids_are_reported_not_dropped_silently():
    snap = snapshot_of(
        ci=[ci(1), ci(None, "ghost"), ci(2)],
        relationship=[rel(1, 1, "connects to", 2), {**rel(2, 1, "connects to", 2), "target_id": None}],
    )
    found = by_code(snap)
    assert found["ci.missing_id"].examples == ("ghost",)
    assert found["relationship.dangling"].count == 1
    assert snap.index.node_count == 2
    assert snap.ci["id"].tolist() == [1, 2]


def test_qa006_duplicate_names_compare_case_folded_beyond_ascii():
    snap = snapshot_of(
        ci=[ci(1, "Straße"), ci(2, " STRASSE"), ci(3, "ÉCOLE"), ci(4, "école"), ci(5, "unique")],
        relationship=[rel(1, 1, "connects to", 2), rel(2, 3, "connects to", 4), rel(3, 5, "connects to", 1)],
    )
    found = by_code(snap)["ci.duplicate_name"]
    assert found.count == 4
    assert found.detail.startswith("2 names on 4 CIs")


def test_qa007_classes_and_types_are_normalised_per_row_whatever_their_spelling():
    snap = snapshot_of(
        ci=[ci(1, cls="Business Service"), ci(2, cls="application"), ci(3, cls=" Server"), ci(4, cls="server")],
        relationship=[rel(1, 1, " Depends On", 2), rel(2, 2, "RUNS ON", 3), rel(3, 2, "runs on", 4)],
    )
    assert snap.ci["class"].tolist() == ["business_service", "application", "server", "server"]
    assert snap.counts()["dependency_edges"] == 3
    assert by_code(snap)["ci.mixed_case_class"].count == 2


def test_qa008_repeated_relationships_are_the_later_copies_in_row_order():
    rels = [
        rel(1, 1, "depends on", 2),
        rel(2, 2, "runs on", 3),
        rel(3, 1, "depends on", 2),  # copy of 1
        rel(4, 1, "connects to", 2),  # another type: not a copy
        rel(5, 3, "used by", 2),  # 2 runs on 3, written the other way round: a different type, not a copy
        rel(6, 1, "depends on", 2),  # copy of 1
        rel(7, 2, "runs on", 3),  # copy of 2
    ]
    found = by_code(snapshot_of(ci=[ci(1), ci(2), ci(3)], relationship=rels))["relationship.duplicate"]
    assert found.count == 3
    assert found.examples == ("1 depends on 2", "1 depends on 2", "2 runs on 3")


def test_qa009_findings_are_computed_once_on_first_use_whichever_threads_ask(monkeypatch):
    calls = []
    real = quality.relationship_findings

    def counted(*args):
        calls.append(threading.get_ident())
        time.sleep(0.05)  # long enough for the other threads to arrive while it runs
        return real(*args)

    monkeypatch.setattr(quality, "relationship_findings", counted)
    snap = snapshot_of(ci=[ci(1), ci(2), ci(3)], relationship=[rel(1, 1, "depends on", 2)])
    assert not snap.findings_ready
    assert calls == []
    with ThreadPoolExecutor(max_workers=4) as pool:
        seen = list(pool.map(lambda _: snap.findings, range(8)))
    assert len(calls) == 1
    assert snap.findings_ready
    assert all(found is seen[0] for found in seen)
    assert [f.code for f in seen[0]] == ["ci.orphan"]


def test_qa010_a_symmetric_link_written_from_both_ends_is_one_link_written_twice_and_no_cycle():
    links = [rel(1, 1, "connects to", 2), rel(2, 2, "connects to", 1)]
    found = by_code(snapshot_of(ci=[ci(1), ci(2)], relationship=links))
    assert found["relationship.duplicate"].count == 1
    assert found["relationship.duplicate"].examples == ("2 connects to 1",)
    assert "graph.cycle" not in found
    uplinks = [rel(3, 1, "uplinked to", 2), rel(4, 2, "uplinked to", 1)]  # needing each other is a cycle
    found = by_code(snapshot_of(ci=[ci(1), ci(2)], relationship=uplinks))
    assert "relationship.duplicate" not in found
    assert found["graph.cycle"].examples == ("1 → 2",)
