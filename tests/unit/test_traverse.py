import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.domain.traverse import FEW, MAX_DEPTH, Direction, dependency_path, distinct, impacted_services, reach
from tests.unit.graphs import DIAMOND_CIS, DIAMOND_RELS, graph, ids_of

DOWN, UP = Direction.DOWNSTREAM, Direction.UPSTREAM


@pytest.fixture
def diamond():
    return graph(DIAMOND_CIS, DIAMOND_RELS)


def edges_as_ids(built, edges):
    index = built.index
    return sorted((int(index.ci_ids[index.edge_source[e]]), int(index.ci_ids[index.edge_target[e]])) for e in edges)


def test_tr001_downstream_of_a_diamond_visits_the_shared_server_once(diamond):
    result = reach(diamond.index, [diamond.index.position(1)], DOWN, 5)
    assert ids_of(diamond, result.nodes) == [1, 2, 3, 4, 5]
    assert len(result.nodes) == len(set(result.nodes.tolist()))
    depth = dict(zip(diamond.index.ci_ids[result.nodes].tolist(), result.depths.tolist(), strict=True))
    assert depth == {1: 0, 2: 1, 3: 1, 4: 2, 5: 3}
    assert edges_as_ids(diamond, result.edges) == [(1, 2), (1, 3), (2, 4), (3, 4), (4, 5)]
    assert not result.truncated


def test_tr002_depth_cap_stops_and_says_so(diamond):
    result = reach(diamond.index, [diamond.index.position(1)], DOWN, 1)
    assert ids_of(diamond, result.nodes) == [1, 2, 3]
    assert edges_as_ids(diamond, result.edges) == [(1, 2), (1, 3)]
    assert result.truncated


def test_tr003_depth_zero_is_the_root_alone(diamond):
    result = reach(diamond.index, [diamond.index.position(4)], UP, 0)
    assert ids_of(diamond, result.nodes) == [4]
    assert result.truncated


def test_tr004_upstream_reaches_services_and_their_users(diamond):
    result = reach(diamond.index, [diamond.index.position(5)], UP, 10)
    assert ids_of(diamond, result.nodes) == [1, 2, 3, 4, 5, 9]
    assert edges_as_ids(diamond, result.edges) == [(1, 2), (1, 3), (2, 4), (3, 4), (4, 5), (9, 1)]


def test_tr005_edges_among_visited_nodes_from_the_last_layer_are_kept():
    # 1 → 2 → 3 and 1 → 3: at depth 1, both 2 and 3 are in; the edge 2 → 3 joins two visited CIs.
    built = graph(
        {1: "application", 2: "application", 3: "server"},
        [(1, "depends on", 2), (2, "runs on", 3), (1, "runs on", 3)],
    )
    result = reach(built.index, [0], DOWN, 1)
    assert edges_as_ids(built, result.edges) == [(1, 2), (1, 3), (2, 3)]
    assert not result.truncated


def test_tr006_cycles_terminate_and_visit_each_ci_once():
    built = graph(
        {1: "application", 2: "application", 3: "application", 4: "server"},
        [(1, "depends on", 2), (2, "depends on", 3), (3, "depends on", 1), (3, "runs on", 4)],
    )
    result = reach(built.index, [0], DOWN, MAX_DEPTH)
    assert ids_of(built, result.nodes) == [1, 2, 3, 4]
    assert len(result.edges) == 4
    up = reach(built.index, [built.index.position(4)], UP, 1000)
    assert ids_of(built, up.nodes) == [1, 2, 3, 4]


def test_tr007_depth_is_capped_at_max_depth():
    n = MAX_DEPTH + 10
    built = graph(dict.fromkeys(range(n), "application"), [(i, "depends on", i + 1) for i in range(n - 1)])
    result = reach(built.index, [0], DOWN, 10**9)
    assert len(result.nodes) == MAX_DEPTH + 1
    assert result.truncated


def test_tr008_several_roots_at_once(diamond):
    result = reach(diamond.index, diamond.index.locate(np.array([2, 3])), DOWN, 1)
    assert ids_of(diamond, result.nodes) == [2, 3, 4]


def test_tr009_bad_roots_raise_index_error(diamond):
    with pytest.raises(IndexError):
        reach(diamond.index, [99], DOWN, 1)
    with pytest.raises(IndexError):
        reach(diamond.index, [-1], DOWN, 1)


def test_tr010_impacted_services_of_a_switch(diamond):
    assert ids_of(diamond, impacted_services(diamond.index, diamond.index.position(5))) == [1]
    assert ids_of(diamond, impacted_services(diamond.index, diamond.index.position(1))) == [1]
    assert ids_of(diamond, impacted_services(diamond.index, diamond.index.position(6))) == []


def test_tr011_shared_switch_impacts_every_service_above_it():
    cis = {
        1: "business_service",
        2: "business_service",
        3: "business_service",
        10: "application",
        11: "application",
        20: "server",
        21: "server",
        30: "switch",
    }
    rels = [
        (1, "depends on", 10),
        (2, "depends on", 11),
        (3, "depends on", 11),
        (10, "runs on", 20),
        (11, "runs on", 21),
        (20, "uplinked to", 30),
        (21, "uplinked to", 30),
    ]
    built = graph(cis, rels)
    assert ids_of(built, impacted_services(built.index, built.index.position(30))) == [1, 2, 3]
    assert ids_of(built, impacted_services(built.index, built.index.position(20))) == [1]


def test_tr012_dependency_path_both_ways(diamond):
    index = diamond.index
    down = dependency_path(index, index.position(1), index.position(5))
    assert down.direction is DOWN
    assert index.ci_ids[down.nodes].tolist() in ([1, 2, 4, 5], [1, 3, 4, 5])
    assert len(down.edges) == 3
    for (a, b), e in zip(zip(down.nodes, down.nodes[1:], strict=False), down.edges, strict=True):
        assert (index.edge_source[e], index.edge_target[e]) == (a, b)
    up = dependency_path(index, index.position(5), index.position(9))
    assert up.direction is UP
    assert index.ci_ids[up.nodes].tolist()[0] == 5
    assert index.ci_ids[up.nodes].tolist()[-1] == 9


def test_tr013_no_path_between_unrelated_cis(diamond):
    index = diamond.index
    assert dependency_path(index, index.position(6), index.position(1)) is None
    assert dependency_path(index, index.position(2), index.position(3)) is None


def test_tr014_path_to_itself_is_one_node(diamond):
    path = dependency_path(diamond.index, 0, 0)
    assert path.nodes.tolist() == [0]
    assert path.edges.tolist() == []


def test_tr015_one_ci_cmdb():
    built = graph({7: "server"}, [])
    result = reach(built.index, [0], UP, 3)
    assert ids_of(built, result.nodes) == [7]
    assert len(result.edges) == 0
    assert not result.truncated
    assert impacted_services(built.index, 0).tolist() == []


def test_tr016_dangling_relationships_do_not_break_traversal():
    built = graph({1: "application", 2: "server"}, [(1, "runs on", 2), (1, "depends on", 999), (888, "runs on", 2)])
    result = reach(built.index, [0], DOWN, 3)
    assert ids_of(built, result.nodes) == [1, 2]
    assert built.dangling_rows.tolist() == [1, 2]


def test_tr017_matches_networkx_on_a_random_graph():
    nx = pytest.importorskip("networkx")
    rng = np.random.default_rng(7)
    n = 400
    src, dst = rng.integers(0, n, 1200), rng.integers(0, n, 1200)
    rels = [(int(a), "depends on", int(b)) for a, b in zip(src, dst, strict=False) if a != b]
    built = graph(dict.fromkeys(range(n), "application"), rels)
    g = nx.DiGraph((a, b) for a, _, b in rels)
    g.add_nodes_from(range(n))
    for root in (0, 17, 123):
        for depth in (1, 2, 4, 64):
            expected = nx.single_source_shortest_path_length(g, root, cutoff=depth)
            result = reach(built.index, [root], DOWN, depth)
            got = dict(zip(result.nodes.tolist(), result.depths.tolist(), strict=True))
            assert got == expected
            back = reach(built.index, [root], UP, depth)
            assert set(back.nodes.tolist()) == set(
                nx.single_source_shortest_path_length(g.reverse(), root, cutoff=depth)
            )
        for goal in (5, 250):
            path = dependency_path(built.index, root, goal)
            if nx.has_path(g, root, goal):
                assert len(path.nodes) == nx.shortest_path_length(g, root, goal) + 1


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=1, max_value=200_000),
    st.lists(st.integers(min_value=0, max_value=10**9), max_size=200),
    st.integers(min_value=0, max_value=3 * FEW),
)
def test_tr018_distinct_equals_a_sorted_unique_for_few_and_for_many_values(size, picks, extra):
    rng = np.random.default_rng(len(picks) + extra)
    values = np.concatenate([np.array([p % size for p in picks]), rng.integers(0, size, extra)]).astype(np.int32)
    found = distinct(values, size)
    assert found.dtype == values.dtype
    assert np.array_equal(found, np.unique(values))
