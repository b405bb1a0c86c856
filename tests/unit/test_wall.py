"""Wall: URL parsing, the CI at fault, the trouble path, a neighbourhood of given nodes."""

import numpy as np
import pytest

from dashboard.domain.health import failing_below, likely_fault, own_status
from dashboard.domain.neighbourhood import of_nodes
from dashboard.domain.viewstate import DEFAULT_WALL_REFRESH, WallState, parse_wall
from dashboard.domain.vocabulary import Health
from tests.unit.graphs import graph

T = np.datetime64("2026-11-20T10:00", "ns")
# Service 1 → app 2 → VMs 3, 4 → cluster 5 ← members 6 (down), 7 (ok) ; app 2 → db 8 (ok); service 9 → app 10 (ok)
CIS = {1: "business_service", 2: "application", 3: "virtual_machine", 4: "virtual_machine", 5: "cluster",
       6: "server", 7: "server", 8: "database", 9: "business_service", 10: "application"}  # fmt: skip
RELS = [(1, "depends on", 2), (2, "runs on", 3), (2, "runs on", 4), (3, "hosted on", 5), (4, "hosted on", 5),
        (6, "member of", 5), (7, "member of", 5), (2, "depends on", 8), (9, "depends on", 10)]  # fmt: skip


def state(events):
    built = graph(CIS, RELS)
    ids = np.array([e[0] for e in events], dtype=np.int64)
    statuses = np.array([e[1] for e in events], dtype=object)
    return built, own_status(built.index, ids, statuses, np.full(len(events), T))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", WallState()),
        ("?refresh=1", WallState(refresh=5)),
        ("?refresh=60&rotate=20", WallState(refresh=60, rotate=20)),
        ("?rotate=2", WallState(rotate=5)),
        ("?services=5,abc,7&theme=light", WallState(services=frozenset({5, 7}), theme="light")),
        ("?refresh=<script>&theme=<b>", WallState(refresh=DEFAULT_WALL_REFRESH)),
    ],
)
def test_wl001_the_wall_url_is_parsed_and_clamped(query, expected):
    assert parse_wall(query) == expected


def test_wl002_a_rotating_wall_asks_at_least_once_per_step():
    assert WallState(refresh=60, rotate=20).tick_seconds == 20
    assert WallState(refresh=10).tick_seconds == 10


def test_wl003_the_likely_fault_is_followed_down_to_the_ci_whose_own_monitoring_is_bad():
    built, health = state([(6, "down", 0), (7, "ok", 0), (8, "ok", 0), (10, "ok", 0)])
    at = built.index.position
    assert health.rolled[at(1)] == Health.DEGRADED  # one member of two down: the cluster is degraded
    assert built.index.ci_ids[likely_fault(built.index, health, at(1))] == 6
    assert likely_fault(built.index, health, at(9)) is None


def test_wl004_the_trouble_path_keeps_only_the_degraded_way_down():
    built, health = state([(6, "down", 0), (7, "ok", 0), (8, "ok", 0)])
    nodes = failing_below(built.index, health, built.index.position(1))
    assert sorted(built.index.ci_ids[nodes].tolist()) == [1, 2, 3, 4, 5, 6]


def test_wl005_a_neighbourhood_of_given_nodes_has_the_root_first_and_only_their_edges():
    built, _ = state([])
    at = built.index.position
    hood = of_nodes(built.index, at(1), np.array([at(2), at(8)]))
    assert hood.nodes[0] == at(1)
    assert len(hood.nodes) == 3
    assert len(hood.edge_a) == 2
