"""Node labels kept per snapshot (dashboard/maps.py `node_labels`) and the element classes worked out once
(layouts/map.py): the same labels and classes as computed per node, on the demo CMDB with its hostile names."""

import numpy as np
import pytest

from dashboard.cmdb.derived import Derived
from dashboard.cmdb.store import SnapshotStore
from dashboard.domain.viewstate import parse
from dashboard.domain.vocabulary import Health
from dashboard.maps import MapEdge, MapModel, MapNode, build_map, node_labels, short_label
from layouts.map import build_elements


@pytest.fixture(scope="module")
def store(demo_cmdb: str) -> SnapshotStore:
    loaded = SnapshotStore(demo_cmdb)
    loaded.refresh()
    return loaded


def expected_label(derived: Derived, position: int) -> str:
    ci_id = int(derived.snapshot.index.ci_ids[position])
    return short_label(derived.names[position]) + (f" #{ci_id}" if derived.shared_name[position] else "")


def test_el001_labels_are_the_short_names_with_the_id_where_names_are_shared(store: SnapshotStore) -> None:
    derived = Derived(store.snapshot)
    every = np.arange(derived.snapshot.index.node_count)
    labels = node_labels(derived, every)
    assert labels == [expected_label(derived, int(p)) for p in every]
    assert all(type(label) is str for label in labels)  # plain str, never numpy's str_
    assert any(" #" in label for label in labels)  # the demo has shared names


def test_el002_labels_asked_again_in_another_order_are_the_same(store: SnapshotStore) -> None:
    derived = Derived(store.snapshot)
    first = np.array([7, 3, 3, 1500, 0])
    assert node_labels(derived, first) == [expected_label(derived, int(p)) for p in first]
    mixed = np.array([1500, 12, 7, 0, 999, 12])  # some kept from the first call, some new, one twice
    assert node_labels(derived, mixed) == [expected_label(derived, int(p)) for p in mixed]
    assert node_labels(derived, np.array([], dtype=np.int64)) == []


def test_el003_maps_drawn_after_others_carry_the_labels_of_a_fresh_snapshot_view(store: SnapshotStore) -> None:
    used = Derived(store.snapshot)
    for query in ("?root=5&dir=both&depth=all", "?root=17"):
        state = parse(query)
        build_map(used, state, used.snapshot.index.position(state.root), budget=2000)
    state = parse("?root=16&dir=both&depth=all")
    fresh = Derived(store.snapshot)
    again = build_map(used, state, used.snapshot.index.position(state.root), budget=2000)
    alone = build_map(fresh, state, fresh.snapshot.index.position(state.root), budget=2000)
    assert [n.label for n in again.nodes] == [n.label for n in alone.nodes]
    assert build_elements(again) == build_elements(alone)


def _node(ci_id: int, **fields: object) -> MapNode:
    values: dict = {"id": f"ci-{ci_id}", "label": f"ci {ci_id}", "kind": "ci", "ci_id": ci_id}
    values |= {"class_name": "server", "status": Health.OK, "open_incidents": 0, "worst_priority": 0, "changes": 0}
    return MapNode(**(values | {"x": 0.0, "y": 0.0} | fields))


def test_el004_every_status_and_relationship_type_gets_its_class() -> None:
    nodes = [_node(i, status=status) for i, status in enumerate(Health, start=1)]
    edges = [
        MapEdge("rel-1", "ci-1", "ci-2", "runs on", merged=False),
        MapEdge("rel-2", "ci-2", "ci-3", "a type of its own", merged=False),  # not in the vocabulary
    ]
    state = parse("?root=1&impact=1")
    model = MapModel(state, "ci 1", "server", tuple(nodes), tuple(edges), len(nodes), 0, 0, False)
    elements = build_elements(model)
    for status, element in zip(Health, elements, strict=False):
        assert element["classes"].split()[0] == f"s-{status.name.lower()}"
        assert element["classes"].split()[-1] == "faded"
    assert "t-runs-on" in elements[-2]["classes"].split()
    assert "t-a-type-of-its-own" in elements[-1]["classes"].split()


def test_el005_after_the_views_are_warm_a_map_answer_sets_off_no_young_collection(store: SnapshotStore) -> None:
    import gc

    from dashboard.cmdb.derived import YOUNG_OBJECTS

    before = gc.get_threshold()
    try:
        derived = Derived(store.snapshot)
        derived.warm()
        assert gc.get_threshold()[0] == YOUNG_OBJECTS
        state = parse("?root=16&dir=both&depth=all")
        collections = gc.get_stats()[0]["collections"]
        build_elements(build_map(derived, state, derived.snapshot.index.position(state.root), budget=2000))
        assert gc.get_stats()[0]["collections"] - collections <= 1
    finally:
        gc.set_threshold(*before)
