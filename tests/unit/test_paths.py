"""Dependency paths between two CIs: every shortest path, either way round, on hand-made graphs and random ones."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.domain.paths import dependency_paths
from dashboard.domain.traverse import Direction
from tests.unit.graphs import DIAMOND_CIS, DIAMOND_RELS, graph


def ids(built, path) -> list[int]:
    return built.index.ci_ids[path.nodes].tolist()


def position(built, ci_id: int) -> int:
    return built.index.position(ci_id)


def test_dp001_a_diamond_has_two_shortest_paths_down():
    built = graph(DIAMOND_CIS, DIAMOND_RELS)
    found = dependency_paths(built.index, position(built, 1), position(built, 4))
    assert found.direction is Direction.DOWNSTREAM
    assert sorted(ids(built, p) for p in found.paths) == [[1, 2, 4], [1, 3, 4]]
    assert not found.more


def test_dp002_the_other_way_round_walks_up():
    built = graph(DIAMOND_CIS, DIAMOND_RELS)
    found = dependency_paths(built.index, position(built, 5), position(built, 1))
    assert found.direction is Direction.UPSTREAM
    assert sorted(ids(built, p) for p in found.paths) == [[5, 4, 2, 1], [5, 4, 3, 1]]


def test_dp003_no_path_between_unconnected_cis():
    built = graph(DIAMOND_CIS, DIAMOND_RELS)
    found = dependency_paths(built.index, position(built, 6), position(built, 1))
    assert found.paths == ()
    assert found.direction is None


def test_dp004_siblings_have_no_dependency_path():
    built = graph(DIAMOND_CIS, DIAMOND_RELS)
    assert dependency_paths(built.index, position(built, 2), position(built, 3)).paths == ()


def test_dp005_a_cycle_gives_the_short_way_and_terminates():
    cis = {1: "application", 2: "application", 3: "application", 4: "application"}
    rels = [(1, "depends on", 2), (2, "depends on", 3), (3, "depends on", 1), (3, "depends on", 4)]
    built = graph(cis, rels)
    down = dependency_paths(built.index, position(built, 1), position(built, 4))
    assert down.direction is Direction.DOWNSTREAM
    assert [ids(built, p) for p in down.paths] == [[1, 2, 3, 4]]
    # 3 depends on 1 directly: one hop up is shorter than two hops down.
    short = dependency_paths(built.index, position(built, 1), position(built, 3))
    assert short.direction is Direction.UPSTREAM
    assert [ids(built, p) for p in short.paths] == [[1, 3]]


def test_dp006_the_limit_caps_the_paths_and_says_so():
    # A ladder of diamonds: 2^3 shortest paths from 0 to 9.
    cis = dict.fromkeys(range(10), "application")
    rels = []
    for start in (0, 3, 6):
        end = start + 3 if start < 6 else 9
        rels += [(start, "depends on", start + 1), (start, "depends on", start + 2)]
        rels += [(start + 1, "depends on", end), (start + 2, "depends on", end)]
    built = graph(cis, rels)
    every = dependency_paths(built.index, position(built, 0), position(built, 9), limit=100)
    assert len(every.paths) == 8
    assert not every.more
    few = dependency_paths(built.index, position(built, 0), position(built, 9), limit=3)
    assert len(few.paths) == 3
    assert few.more


def test_dp007_positions_outside_the_graph_give_no_path():
    built = graph(DIAMOND_CIS, DIAMOND_RELS)
    assert dependency_paths(built.index, -1, 0).paths == ()
    assert dependency_paths(built.index, 0, 10**6).paths == ()


def test_dp008_a_ci_to_itself_is_a_path_of_one():
    built = graph(DIAMOND_CIS, DIAMOND_RELS)
    found = dependency_paths(built.index, position(built, 2), position(built, 2))
    assert [ids(built, p) for p in found.paths] == [[2]]


edges_strategy = st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=40)


@settings(max_examples=150, deadline=None)
@given(edges_strategy, st.integers(0, 11), st.integers(0, 11))
def test_dp009_paths_are_real_chains_and_as_short_as_networkx_says(edges, a, b):
    nx = pytest.importorskip("networkx")
    cis = dict.fromkeys(range(12), "application")
    built = graph(cis, [(s, "depends on", t) for s, t in edges if s != t])
    index = built.index
    found = dependency_paths(index, position(built, a), position(built, b), limit=1000)
    g = nx.DiGraph([(s, t) for s, t in edges if s != t])
    g.add_nodes_from(range(12))
    down = nx.has_path(g, a, b)
    up = nx.has_path(g, b, a)
    if not down and not up:
        assert found.paths == ()
        return
    length = min(nx.shortest_path_length(g, a, b) if down else 10**9, nx.shortest_path_length(g, b, a) if up else 10**9)
    forward = found.direction is Direction.DOWNSTREAM
    for path in found.paths:
        assert len(path.edges) == length
        for step, edge in enumerate(path.edges.tolist()):
            source, target = index.edge_source[edge], index.edge_target[edge]
            here, there = path.nodes[step], path.nodes[step + 1]
            assert (source, target) == ((here, there) if forward else (there, here))
    expected = nx.all_shortest_paths(g, a, b) if forward else nx.all_shortest_paths(g, b, a)
    wanted = sorted(p if forward else p[::-1] for p in expected)
    assert sorted(ids(built, p) for p in found.paths) == wanted
    assert np.array_equal(found.nodes, np.unique(np.concatenate([p.nodes for p in found.paths])))
