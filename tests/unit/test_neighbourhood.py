"""Neighbourhood: directions, depth caps, cycles once, sibling groups within the element budget, trimming."""

import numpy as np
import pytest

from dashboard.domain.neighbourhood import neighbourhood
from tests.unit.graphs import DIAMOND_CIS, DIAMOND_RELS, graph, ids_of


def star(children: int):
    """Service 3 → application 2 → runs on many VMs (100…) → all hosted on cluster 1."""
    cis = {1: "cluster", 2: "application", 3: "business_service"}
    rels = [(3, "depends on", 2)]
    for i in range(children):
        cis[100 + i] = "virtual_machine"
        rels += [(2, "runs on", 100 + i), (100 + i, "hosted on", 1)]
    return graph(cis, rels)


def test_nb001_downstream_upstream_and_both_from_the_middle_of_a_diamond():
    built = graph(DIAMOND_CIS, DIAMOND_RELS)
    at = built.index.position
    assert ids_of(built, neighbourhood(built.index, at(4), "downstream", 3).nodes) == [4, 5]
    assert ids_of(built, neighbourhood(built.index, at(4), "upstream", 3).nodes) == [1, 2, 3, 4, 9]
    assert ids_of(built, neighbourhood(built.index, at(4), "both", 3).nodes) == [1, 2, 3, 4, 5, 9]


def test_nb002_depth_cap_is_reported_and_all_goes_to_the_end():
    built = graph(DIAMOND_CIS, DIAMOND_RELS)
    one = neighbourhood(built.index, built.index.position(1), "downstream", 1)
    assert ids_of(built, one.nodes) == [1, 2, 3]
    assert one.depth_cut
    every = neighbourhood(built.index, built.index.position(1), "downstream", None)
    assert ids_of(built, every.nodes) == [1, 2, 3, 4, 5]
    assert not every.depth_cut


def test_nb003_a_cycle_is_drawn_once():
    cis = {1: "application", 2: "application", 3: "application"}
    built = graph(cis, [(1, "depends on", 2), (2, "depends on", 3), (3, "depends on", 1)])
    hood = neighbourhood(built.index, 0, "both", None)
    assert len(hood.nodes) == 3
    assert len(hood.edge_a) == 3


def test_nb004_an_orphan_and_a_single_ci_are_maps_of_one():
    built = graph({7: "server"}, [])
    hood = neighbourhood(built.index, 0, "both", 3)
    assert hood.nodes.tolist() == [0]
    assert len(hood.edge_a) == 0
    assert hood.element_count == 1


def test_nb005_large_sibling_sets_collapse_into_a_group_within_the_budget():
    built = star(500)
    hood = neighbourhood(built.index, built.index.position(3), "downstream", 3, budget=100)
    assert hood.element_count <= 100
    assert len(hood.groups) == 1
    group = hood.groups[0]
    assert group.key == "2:virtual_machine"
    assert len(group.members) == 500
    assert hood.hidden_cis == 500
    assert hood.partial
    assert hood.total_cis == 503


def test_nb006_an_opened_group_stays_open_and_the_rest_is_trimmed_by_depth():
    built = star(500)
    hood = neighbourhood(
        built.index, built.index.position(3), "downstream", 3, budget=100, expanded=frozenset({"2:virtual_machine"})
    )
    assert hood.element_count <= 100
    assert not hood.groups
    assert hood.trimmed_cis == 501  # the VMs' cluster (depth 3) and then the VMs (depth 2) are cut
    assert hood.partial


def test_nb007_small_maps_are_never_grouped():
    built = star(5)
    hood = neighbourhood(built.index, built.index.position(3), "downstream", 3)
    assert not hood.groups
    assert not hood.partial
    assert len(hood.nodes) == 8


def test_nb008_edges_into_a_group_merge_into_one():
    built = star(50)
    hood = neighbourhood(built.index, built.index.position(3), "downstream", 3, budget=20)
    merged = hood.edge_id < 0
    assert merged.sum() == 2  # app → group and group → cluster each stand for 50 relationships
    assert len(hood.edge_a) == 3


def test_nb009_unknown_scope_is_refused():
    built = star(1)
    with pytest.raises(ValueError, match="scope"):
        neighbourhood(built.index, 0, "sideways", 3)


def test_nb010_same_input_same_neighbourhood():
    built = star(300)
    first = neighbourhood(built.index, 0, "both", 4, budget=60)
    again = neighbourhood(built.index, 0, "both", 4, budget=60)
    assert np.array_equal(first.nodes, again.nodes)
    assert [g.key for g in first.groups] == [g.key for g in again.groups]
