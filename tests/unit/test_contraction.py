"""Filters keep connectivity: hidden items contract into "via" edges (hand-made graphs, and properties vs networkx)."""

import itertools

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.domain.contraction import Contraction, contract


def run(n: int, kept: list[int], edges: list[tuple[int, int]], links: list[bool] | None = None) -> Contraction:
    keep = np.zeros(n, dtype=bool)
    keep[kept] = True
    a = np.array([e[0] for e in edges], dtype=np.int64)
    b = np.array([e[1] for e in edges], dtype=np.int64)
    return contract(n, keep, a, b, None if links is None else np.array(links))


def contracted(result: Contraction) -> dict[tuple[int, int], int]:
    pairs = zip(result.source.tolist(), result.target.tolist(), strict=True)
    return dict(zip(pairs, result.hops.tolist(), strict=True))


def test_fe001_a_chain_through_two_hidden_items_becomes_one_edge_via_two():
    result = run(4, [0, 3], [(0, 1), (1, 2), (2, 3)])
    assert contracted(result) == {(0, 3): 2}
    assert [w.tolist() for w in result.via] == [[1, 2]]
    assert result.kept.tolist() == [0, 3]
    assert result.direct.tolist() == []
    assert result.between.tolist() == [1, 2]


def test_fe002_a_direct_edge_is_kept_and_no_contracted_edge_is_added_beside_it():
    result = run(3, [0, 2], [(0, 1), (1, 2), (0, 2)])
    assert contracted(result) == {}
    assert result.direct.tolist() == [2]


def test_fe003_the_shortest_hidden_way_counts_and_pairs_are_deduplicated():
    # 0 → 1 → 2 → 5 and 0 → 3 → 5, 0 → 4 → 5: one edge 0 → 5 via one item (3, the smaller of two shortest ways).
    result = run(6, [0, 5], [(0, 1), (1, 2), (2, 5), (0, 3), (3, 5), (0, 4), (4, 5)])
    assert contracted(result) == {(0, 5): 1}
    assert [w.tolist() for w in result.via] == [[3]]


def test_fe004_a_kept_item_stops_the_way_it_is_not_walked_through():
    # 0 → 1(hidden) → 2(kept) → 3(hidden) → 4(kept): 0 → 2 and 2 → 4, never 0 → 4.
    result = run(5, [0, 2, 4], [(0, 1), (1, 2), (2, 3), (3, 4)])
    assert contracted(result) == {(0, 2): 1, (2, 4): 1}


def test_fe005_cycles_terminate_and_a_way_back_to_its_start_is_no_edge():
    # 0 → 1 → 2 → 0 (hidden 1, 2), and 2 → 3 kept: 0 → 3 via 2, 3 → nothing.
    result = run(4, [0, 3], [(0, 1), (1, 2), (2, 0), (2, 3), (1, 1)])
    assert contracted(result) == {(0, 3): 2}
    assert result.between.tolist() == [1, 2]


def test_fe006_hidden_items_hanging_off_the_side_are_not_between():
    result = run(4, [0, 2], [(0, 1), (1, 2), (0, 3)])
    assert result.between.tolist() == [1]


def test_fe007_a_way_of_links_only_gives_one_symmetric_edge_per_pair():
    # Routers 0 – 1 – 2 linked; 1 hidden: one link 0 – 2, not two arrows.
    result = run(3, [0, 2], [(0, 1), (1, 2)], links=[True, True])
    assert contracted(result) == {(0, 2): 1}
    assert result.symmetric.tolist() == [True]


def test_fe008_a_way_with_a_dependency_keeps_its_direction():
    # 0 depends on 1, 1 linked to 2: 0 → 2 as a dependency; 2 reaches 0 only against the dependency: nothing.
    result = run(3, [0, 2], [(0, 1), (1, 2)], links=[False, True])
    assert contracted(result) == {(0, 2): 1}
    assert result.symmetric.tolist() == [False]


def test_fe009_nothing_hidden_or_nothing_kept():
    assert contracted(run(3, [0, 1, 2], [(0, 1), (1, 2)])) == {}
    nothing = run(3, [], [(0, 1), (1, 2)])
    assert nothing.kept.tolist() == []
    assert contracted(nothing) == {}
    empty = run(0, [], [])
    assert empty.kept.tolist() == []
    assert empty.between.tolist() == []


@st.composite
def graphs(draw: st.DrawFn) -> tuple[int, list[int], list[tuple[int, int]]]:
    n = draw(st.integers(min_value=1, max_value=12))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=30))
    kept = draw(st.lists(st.integers(0, n - 1), unique=True))
    return n, kept, edges


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_fe010_an_edge_joins_two_kept_items_exactly_when_a_hidden_only_way_or_a_direct_edge_does(case):
    n, kept, edges = case
    result = run(n, kept, edges)
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(edges)
    hidden = set(range(n)) - set(kept)
    direct = {(edges[i][0], edges[i][1]) for i in result.direct.tolist()}
    found = contracted(result)
    assert result.kept.tolist() == sorted(kept)
    for s in kept:
        for t in kept:
            if s == t:
                continue
            assert ((s, t) in direct) == graph.has_edge(s, t)
            inner = graph.subgraph(hidden | {s, t}).copy()
            if inner.has_edge(s, t):
                inner.remove_edge(s, t)
            way = nx.has_path(inner, s, t)
            assert ((s, t) in found) == (way and not graph.has_edge(s, t))
            if (s, t) in found:
                assert found[(s, t)] == nx.shortest_path_length(inner, s, t) - 1
    assert len(found) == len(result.source)  # deduplicated


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_fe011_each_via_is_a_real_shortest_way_through_hidden_items(case):
    n, kept, edges = case
    result = run(n, kept, edges)
    pairs = set(edges)
    for s, t, hops, via in zip(result.source, result.target, result.hops, result.via, strict=True):
        way = [int(s), *via.tolist(), int(t)]
        assert len(via) == hops
        assert not set(via.tolist()) & set(kept)
        assert all((x, y) in pairs for x, y in itertools.pairwise(way))
        assert set(via.tolist()) <= set(result.between.tolist())


@st.composite
def mixed_graphs(draw: st.DrawFn) -> tuple[int, list[int], list[tuple[int, int]], list[bool]]:
    n, kept, edges = draw(graphs())
    links = draw(st.lists(st.booleans(), min_size=len(edges), max_size=len(edges)))
    return n, kept, edges, links


@settings(max_examples=300, deadline=None)
@given(mixed_graphs())
def test_fe012_with_links_walked_both_ways_every_hidden_way_is_covered_once(case):
    n, kept, edges, links = case
    result = run(n, kept, edges, links)
    arcs = nx.DiGraph()
    arcs.add_nodes_from(range(n))
    for (a, b), link in zip(edges, links, strict=True):
        arcs.add_edge(a, b)
        if link:
            arcs.add_edge(b, a)
    hidden = set(range(n)) - set(kept)
    found = contracted(result)
    as_link = {
        (s, t)
        for s, t, link in zip(result.source.tolist(), result.target.tolist(), result.symmetric.tolist(), strict=True)
        if link
    }
    for s in kept:
        for t in kept:
            if s == t:
                continue
            inner = arcs.subgraph(hidden | {s, t}).copy()
            if inner.has_edge(s, t):
                inner.remove_edge(s, t)
            expected = nx.has_path(inner, s, t) and not arcs.has_edge(s, t)
            covered = (s, t) in found or (t, s) in as_link
            assert covered == expected, (s, t)
            assert not ((s, t) in found and (t, s) in as_link)  # a link way is drawn once per pair
