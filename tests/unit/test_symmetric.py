"""Symmetric relationships ("connects to"): walked both ways, carry no health, impact is reachability, drawn once."""

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.domain.cycles import dependency_cycles
from dashboard.domain.health import own_status
from dashboard.domain.impact import impact
from dashboard.domain.layout import layered_layout
from dashboard.domain.neighbourhood import neighbourhood
from dashboard.domain.prominence import dependents, links, weight
from dashboard.domain.traverse import ALL_HOPS, Direction, impacted_services, reach
from dashboard.domain.vocabulary import RELATIONSHIP_TYPE_BY_NAME, RELATIONSHIP_TYPES, Flow, Health
from tests.unit.graphs import graph, ids_of

LINK = "connects to"
T = np.datetime64("2026-11-20T10:00", "ns")


def ring(n: int, cls: str = "router") -> tuple[dict[int, str], list[tuple[int, str, int]]]:
    """n routers in a ring: i connects to i + 1, the last to the first."""
    return dict.fromkeys(range(1, n + 1), cls), [(i, LINK, i % n + 1) for i in range(1, n + 1)]


def down_only(built, ci_id):
    """Health with one CI down and every other CI ok."""
    ids = built.index.ci_ids
    statuses = np.where(ids == ci_id, "down", "ok").astype(object)
    return own_status(built.index, ids, statuses, np.full(len(ids), T))


def test_sy001_the_vocabulary_says_how_each_type_carries_dependency():
    assert RELATIONSHIP_TYPE_BY_NAME[LINK].flow is Flow.SYMMETRIC
    assert RELATIONSHIP_TYPE_BY_NAME["uplinked to"].flow is Flow.SOURCE_ON_TARGET
    assert RELATIONSHIP_TYPE_BY_NAME["used by"].flow is Flow.TARGET_ON_SOURCE
    assert [t.code for t in RELATIONSHIP_TYPES] == list(range(len(RELATIONSHIP_TYPES)))


def test_sy002_a_symmetric_row_is_one_edge_listed_both_ways_in_both_directions():
    built = graph({1: "router", 2: "router"}, [(1, LINK, 2)])
    index = built.index
    assert index.edge_count == 1
    assert index.edge_symmetric.tolist() == [True]
    for csr in (index.down, index.up):
        assert csr.degree().tolist() == [1, 1]
        assert csr.edges.tolist() == [0, 0]  # the same edge id from either end: the map draws it once
    assert index.dependency_down().degree().tolist() == [0, 0]
    assert index.dependency_up().degree().tolist() == [0, 0]


def test_sy003_a_ring_is_reached_whole_either_way_and_is_not_a_dependency_cycle():
    built = graph(*ring(6))
    index = built.index
    for direction in Direction:
        walk = reach(index, [index.position(1)], direction, ALL_HOPS)
        assert ids_of(built, walk.nodes) == [1, 2, 3, 4, 5, 6]
        assert sorted(walk.edges.tolist()) == list(range(6))
        assert walk.depths.max() == 3
    assert dependency_cycles(index) == []


def test_sy004_all_hops_has_no_depth_cap_on_a_long_chain_of_links():
    cis = dict.fromkeys(range(1, 201), "router")
    built = graph(cis, [(i, LINK, i + 1) for i in range(1, 200)])
    walk = reach(built.index, [built.index.position(1)], Direction.UPSTREAM, ALL_HOPS)
    assert len(walk.nodes) == 200
    assert walk.depths.max() == 199
    assert not walk.truncated
    capped = reach(built.index, [built.index.position(1)], Direction.UPSTREAM, 10)
    assert len(capped.nodes) == 11
    assert capped.truncated


def test_sy005_a_754_node_network_is_shown_whole_both_ways_all_hops_from_any_of_its_nodes():
    network = nx.connected_watts_strogatz_graph(754, 4, 0.05, seed=7)
    network.add_edges_from([(i, i + 1) for i in range(0, 753, 50)])
    cis = {i + 1: "router" for i in network.nodes}
    rels = [(a + 1, LINK, b + 1) for a, b in network.edges]
    rels += [(2000, "depends on", 1), (2001, "depends on", 400)]  # two services on top of the network
    built = graph({**cis, 2000: "business_service", 2001: "business_service"}, rels)
    index = built.index
    for ci_id in range(1, 755, 53):
        hood = neighbourhood(index, index.position(ci_id), "both", None)
        assert hood.total_cis == 756, ci_id
        # Within the element budget: some peers are grouped (as any siblings are), none is left out.
        assert hood.element_count <= 2000
        assert hood.trimmed_cis == 0
        assert not hood.depth_cut
        drawn = np.concatenate([hood.nodes, *(g.members for g in hood.groups)])
        assert ids_of(built, drawn) == [*sorted(cis), 2000, 2001]


def test_sy011_a_ring_too_big_for_the_budget_keeps_the_most_hops_that_fit():
    built = graph(*ring(3000))
    hood = neighbourhood(built.index, built.index.position(1), "both", None, budget=2000)
    # d hops around a ring: 2d + 1 routers and 2d links, so 499 hops (999 routers, 998 links) is the most that fits.
    assert len(hood.nodes) == 999
    assert hood.element_count == 1997
    assert hood.trimmed_cis == 2001
    assert hood.depths.max() == 499


def test_sy006_health_does_not_roll_along_links_but_still_rolls_up_dependencies():
    cis = {1: "business_service", 2: "server", 3: "switch", 4: "router", 5: "router"}
    rels = [(1, "depends on", 2), (2, "uplinked to", 3), (3, LINK, 4), (4, LINK, 5)]
    built = graph(cis, rels)
    rolled = {ci: Health(int(down_only(built, ci).rolled[built.index.position(ci)])) for ci in cis}
    assert rolled == dict.fromkeys(cis, Health.DOWN)
    peer_down = down_only(built, 4)
    assert [Health(int(s)) for s in peer_down.rolled] == [Health.OK, Health.OK, Health.OK, Health.DOWN, Health.OK]
    switch_down = down_only(built, 3)
    assert ids_of(built, np.flatnonzero(switch_down.rolled == Health.DOWN)) == [1, 2, 3]


def test_sy007_impact_is_reachability_across_links_with_the_connected_part_on_the_path():
    cis = {1: "business_service", 2: "business_service", 10: "server", 20: "router", 21: "router", 22: "router"}
    cis |= {30: "router", 40: "application"}
    rels = [(1, "depends on", 10), (10, "uplinked to", 20), (20, LINK, 21), (21, LINK, 22), (2, "depends on", 22)]
    rels += [(30, "uplinked to", 22), (40, "runs on", 30)]  # a dependent branch that leads to no service
    built = graph(cis, rels)
    hit = impact(built.index, built.index.position(21))
    assert ids_of(built, hit.services) == [1, 2]
    assert ids_of(built, hit.path_nodes) == [1, 2, 10, 20, 21, 22]
    assert ids_of(built, impacted_services(built.index, built.index.position(21))) == [1, 2]
    lonely = graph({1: "router", 2: "router", 3: "router"}, [(1, LINK, 2)])
    assert ids_of(lonely, impact(lonely.index, lonely.index.position(2)).path_nodes) == [1, 2]


def test_sy008_the_layered_layout_keeps_linked_peers_in_one_layer_next_to_each_other():
    # Six routers in one layer, linked in the order 1-4-2-5-3-6 while their names sort 1…6.
    chain = [0, 3, 1, 4, 2, 5]
    source, target = np.array(chain[:-1]), np.array(chain[1:])
    where = layered_layout(np.zeros(6, dtype=int), np.arange(6), source, target, np.ones(5, dtype=bool))
    assert len(set(where.y.tolist())) == 1  # one row: links never split a layer into sub-layers
    assert np.argsort(where.x).tolist() == chain
    directed = layered_layout(np.zeros(6, dtype=int), np.arange(6), source, target)
    assert len(set(directed.y.tolist())) > 1  # the same edges as dependencies do


@st.composite
def mixed_graphs(draw):
    """A random graph of up to 40 CIs (a few business services) with symmetric links and directed dependencies."""
    n = draw(st.integers(2, 40))
    pairs = draw(st.lists(st.tuples(st.integers(1, n), st.integers(1, n)), max_size=80))
    types = draw(st.lists(st.sampled_from([LINK, "depends on", "used by"]), min_size=len(pairs), max_size=len(pairs)))
    services = draw(st.sets(st.integers(1, n), max_size=4))
    cis = {i: "business_service" if i in services else "router" for i in range(1, n + 1)}
    return cis, [(a, t, b) for (a, b), t in zip(pairs, types, strict=True)]


def nx_graph(rels):
    """Dependency edges dependent → dependency, symmetric links both ways, as networkx would read them."""
    g = nx.DiGraph()
    for a, kind, b in rels:
        if a == b:
            continue
        flow = RELATIONSHIP_TYPE_BY_NAME[kind].flow
        if flow is Flow.TARGET_ON_SOURCE:
            a, b = b, a
        g.add_edge(a, b)
        if flow is Flow.SYMMETRIC:
            g.add_edge(b, a)
    return g


@settings(max_examples=50, deadline=None)
@given(mixed_graphs(), st.data())
def test_sy009_walks_match_networkx_and_both_ways_over_links_is_the_connected_component(case, data):
    cis, rels = case
    built = graph(cis, rels)
    index = built.index
    start = data.draw(st.sampled_from(sorted(cis)))
    g = nx_graph(rels)
    g.add_nodes_from(cis)
    for direction, expected in ((Direction.DOWNSTREAM, nx.descendants), (Direction.UPSTREAM, nx.ancestors)):
        walk = reach(index, [index.position(start)], direction, ALL_HOPS)
        assert ids_of(built, walk.nodes) == sorted(expected(g, start) | {start})
    links = nx.Graph([(a, b) for a, kind, b in rels if kind == LINK and a != b])
    links.add_nodes_from(cis)
    only_links = graph(cis, [r for r in rels if r[1] == LINK])
    hood = neighbourhood(only_links.index, only_links.index.position(start), "both", None)
    assert ids_of(only_links, hood.nodes) == sorted(nx.node_connected_component(links, start))
    assert dependency_cycles(only_links.index) == []


@settings(max_examples=50, deadline=None)
@given(mixed_graphs(), st.data())
def test_sy010_what_a_failure_rolls_up_to_is_always_within_its_impact(case, data):
    cis, rels = case
    built = graph(cis, rels)
    index = built.index
    failing = data.draw(st.sampled_from(sorted(cis)))
    state = down_only(built, failing)
    services = index.class_mask("business_service")
    rolled_down = set(np.flatnonzero(services & (state.rolled == Health.DOWN)).tolist()) - {index.position(failing)}
    hit = impact(index, index.position(failing))
    assert rolled_down <= set(hit.services.tolist())
    assert index.position(failing) in hit.path_nodes.tolist()


def test_sy020_what_stands_below_a_ci_follows_dependency_only_when_asked_as_health_does():
    # app runs on server, uplinked to switch; the switch is linked to a router. The router is not below the app.
    built = graph(
        {1: "application", 2: "server", 3: "switch", 4: "router"},
        [(1, "runs on", 2), (2, "uplinked to", 3), (3, LINK, 4)],
    )
    index = built.index
    start = [index.position(1)]
    assert ids_of(built, reach(index, start, Direction.DOWNSTREAM, ALL_HOPS).nodes) == [1, 2, 3, 4]
    below = reach(index, start, Direction.DOWNSTREAM, ALL_HOPS, follow_links=False)
    assert ids_of(built, below.nodes) == [1, 2, 3]
    assert len(below.edges) == 2


def test_sy021_links_are_counted_as_links_not_as_dependents():
    built = graph({1: "server", 2: "switch", 3: "router"}, [(1, "uplinked to", 2), (2, LINK, 3)])
    index = built.index
    at = [index.position(i) for i in (1, 2, 3)]
    assert dependents(index)[at].tolist() == [0, 1, 0]
    assert links(index)[at].tolist() == [0, 1, 1]
    assert weight(index)[at].tolist() == [0, 2, 1]
