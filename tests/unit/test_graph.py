import numpy as np

from dashboard.domain.graph import IdLookup, build_index
from dashboard.domain.traverse import MAX_DEPTH, Direction, reach
from tests.unit.graphs import DIAMOND_CIS, DIAMOND_RELS, graph, ids_of


def test_gi001_ids_map_to_dense_positions_and_unknown_ids_to_minus_one():
    built = graph(DIAMOND_CIS, DIAMOND_RELS)
    index = built.index
    assert index.node_count == 7
    assert index.locate(np.array([9, 1, 77])).tolist() == [6, 0, -1]
    assert index.position(4) == 3
    assert index.position(12345) is None
    assert index.position("not an id") is None


def test_gi002_used_by_and_member_of_point_dependency_the_other_way():
    built = graph(
        {1: "business_service", 9: "user_group", 4: "server", 7: "cluster"},
        [(1, "used by", 9), (4, "member of", 7)],
    )
    index = built.index
    pairs = {
        (int(index.ci_ids[s]), int(index.ci_ids[t])) for s, t in zip(index.edge_source, index.edge_target, strict=False)
    }
    assert pairs == {(9, 1), (7, 4)}  # the group depends on the service; the cluster on its member host


def test_gi003_csr_both_directions_agree():
    index = graph(DIAMOND_CIS, DIAMOND_RELS).index
    down = {
        (s, int(index.down.indices[k])) for s in range(7) for k in range(index.down.indptr[s], index.down.indptr[s + 1])
    }
    up = {(int(index.up.indices[k]), s) for s in range(7) for k in range(index.up.indptr[s], index.up.indptr[s + 1])}
    assert down == up
    assert len(down) == index.edge_count == 6
    for slot, edge in enumerate(index.down.edges):
        assert index.edge_target[edge] == index.down.indices[slot]


def test_gi004_dirty_rows_are_reported_not_indexed():
    built = graph(
        {1: "application", 2: "server", 2_000: "server"},
        [
            (1, "runs on", 2),
            (1, "runs on", 404),
            (505, "depends on", 2),
            (2, "frobnicates", 1),
            (2, "depends on", 2),
        ],
    )
    assert built.dangling_rows.tolist() == [1, 2]
    assert built.unknown_type_rows.tolist() == [3]
    assert built.self_loop_rows.tolist() == [4]
    assert built.index.edge_count == 1
    assert built.index.edge_row.tolist() == [0]


def test_gi005_duplicate_ci_ids_keep_the_first_row():
    built = build_index(
        np.array([5, 6, 5]),
        np.zeros(3, np.int16),
        ("server",),
        np.array([6]),
        np.array([5]),
        np.array([1], np.int8),
    )
    assert built.duplicate_id_rows.tolist() == [2]
    assert built.index.position(5) == 0


def test_gi006_empty_cmdb():
    built = graph({}, [])
    assert built.index.node_count == 0
    assert built.index.edge_count == 0
    assert built.index.locate(np.array([1])).tolist() == [-1]


def test_gi007_string_ids_work_like_integer_ids():
    ids = np.array(["b3f1", "a001", "c9"], dtype=object)
    built = build_index(
        ids,
        np.zeros(3, np.int16),
        ("application",),
        np.array(["a001", "zz"], dtype=object),
        np.array(["c9", "a001"], dtype=object),
        np.array([0, 0], np.int8),
    )
    assert built.index.position("c9") == 2
    assert built.dangling_rows.tolist() == [1]
    assert ids_of(built, built.index.edge_target) == ["c9"]


def test_gi008_direct_table_and_binary_search_agree():
    rng = np.random.default_rng(8)
    for span in (1_500, 50_000):  # ids dense enough for the direct table, then too sparse for it
        ci_ids = rng.choice(np.arange(-20, span), size=1_000, replace=False).astype(np.int64)
        ci_ids = np.concatenate([ci_ids, ci_ids[:5]])  # repeated ids keep their first row
        lookup, duplicates = IdLookup.of(ci_ids)
        assert (lookup.by_offset is not None) == (span < 4_000)
        assert duplicates.tolist() == list(range(1_000, 1_005))
        extremes = [np.iinfo(np.int64).min, np.iinfo(np.int64).max]  # the first stands for a NULL id
        probe = np.concatenate([rng.integers(-100, span + 100, 5_000), extremes])
        searched = IdLookup(lookup.sorted_ids, lookup.sorted_positions).locate(probe)
        assert np.array_equal(lookup.locate(probe), searched)
        first = {int(ci_id): position for position, ci_id in reversed(list(enumerate(ci_ids)))}
        assert searched.tolist() == [first.get(int(ci_id), -1) for ci_id in probe]


def test_gr901_induced_from_a_walks_edges_equals_induced_by_a_pass_over_every_edge():
    built = graph(DIAMOND_CIS, DIAMOND_RELS)
    walked = reach(built.index, [built.index.position(1)], Direction.DOWNSTREAM, MAX_DEPTH, follow_links=False)
    nodes = np.sort(walked.nodes)
    whole, quick = built.index.induced(nodes), built.index.induced(nodes, walked.edges)
    assert sorted(zip(whole.edge_source.tolist(), whole.edge_target.tolist(), strict=True)) == sorted(
        zip(quick.edge_source.tolist(), quick.edge_target.tolist(), strict=True)
    )
    assert quick.ci_ids.tolist() == whole.ci_ids.tolist()
