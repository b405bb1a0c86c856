import numpy as np
import pytest

from dashboard.domain.cycles import dependency_cycles
from tests.unit.graphs import DIAMOND_CIS, DIAMOND_RELS, graph, ids_of


def test_cy001_a_dag_has_no_cycles():
    assert dependency_cycles(graph(DIAMOND_CIS, DIAMOND_RELS).index) == []


def test_cy002_finds_each_cycle_once_with_its_members():
    cis = dict.fromkeys(range(1, 10), "application")
    rels = [
        (1, "depends on", 2),
        (2, "depends on", 3),
        (3, "depends on", 1),  # cycle A
        (3, "depends on", 4),
        (4, "depends on", 5),
        (5, "depends on", 4),  # cycle B, reached from A
        (6, "depends on", 1),
        (5, "depends on", 7),
    ]  # tails on both sides
    built = graph(cis, rels)
    cycles = dependency_cycles(built.index)
    assert [ids_of(built, c) for c in cycles] == [[1, 2, 3], [4, 5]]


def test_cy003_reverse_direction_types_count_too():
    # The cluster depends on its member host (member of), the host depends on the cluster's storage … and back.
    built = graph({1: "server", 2: "cluster"}, [(1, "member of", 2), (1, "depends on", 2)])
    assert [ids_of(built, c) for c in dependency_cycles(built.index)] == [[1, 2]]


def test_cy004_matches_networkx_strongly_connected_components():
    nx = pytest.importorskip("networkx")
    rng = np.random.default_rng(3)
    n = 300
    rels = [
        (int(a), "depends on", int(b))
        for a, b in zip(rng.integers(0, n, 420), rng.integers(0, n, 420), strict=False)
        if a != b
    ]
    built = graph(dict.fromkeys(range(n), "application"), rels)
    g = nx.DiGraph((a, b) for a, _, b in rels)
    expected = sorted(sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1)
    assert sorted(ids_of(built, c) for c in dependency_cycles(built.index)) == expected
    assert expected  # the random graph does have cycles


def test_cy005_long_cycle_is_found():
    n = 5000
    built = graph(dict.fromkeys(range(n), "application"), [(i, "depends on", (i + 1) % n) for i in range(n)])
    (cycle,) = dependency_cycles(built.index)
    assert len(cycle) == n
