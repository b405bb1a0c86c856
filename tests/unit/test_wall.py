"""Wall: URL parsing, the CI at fault, the trouble path and its map, a neighbourhood of given nodes, the tiles' text."""

from datetime import datetime
from types import SimpleNamespace

import numpy as np
import pytest

from dashboard.domain.health import failing_below, likely_fault, own_status
from dashboard.domain.neighbourhood import of_nodes
from dashboard.domain.viewstate import DEFAULT_WALL_REFRESH, WallState, parse_wall
from dashboard.domain.vocabulary import Health
from dashboard.wall import Compact, Tile, Trouble, WallModel, fault_paths, rotation_step
from layouts.wall import ROW_STRETCH, _oldest, _since, _tile, build_rotation_map, rotation_note
from layouts.wall_services import Plan, band, build_services_wall, more_text, plan
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


def test_wl006_the_rotation_draws_one_path_down_to_each_ci_at_fault():
    built, health = state([(6, "down", 0), (7, "ok", 0), (8, "ok", 0)])
    nodes, faults = fault_paths(built.index, health, built.index.position(1))
    assert faults == 1
    # 1 → 2 → 3 → 5 → 6: VM 4 is as degraded as VM 3, but one path to the fault is enough
    assert sorted(built.index.ci_ids[nodes].tolist()) == [1, 2, 3, 5, 6]


def test_wl007_a_service_without_trouble_has_no_path():
    built, health = state([(6, "ok", 0), (8, "ok", 0), (10, "ok", 0)])
    nodes, faults = fault_paths(built.index, health, built.index.position(9))
    assert (built.index.ci_ids[nodes].tolist(), faults) == ([9], 0)


def test_wl008_since_breaks_only_between_the_time_and_the_duration():
    tile = Tile(1, "Payroll", "high", Health.DOWN, (0,) * 5, datetime(2026, 11, 20, 23, 58), None)
    since = _since(tile, datetime(2026, 11, 21, 11, 41)).children
    assert since == "since\u00a020\u00a0Nov\u00a023:58\u00a0UTC ·\u00a011\u00a0h\u00a043\u00a0min"
    today = Tile(1, "Payroll", "high", Health.DOWN, (0,) * 5, datetime(2026, 11, 21, 9, 0), None)
    assert (
        _since(today, datetime(2026, 11, 21, 11, 41)).children
        == "since\u00a009:00\u00a0UTC ·\u00a02\u00a0h\u00a041\u00a0min"
    )


def test_wl012_trouble_older_than_the_history_says_since_before_and_at_least():
    tile = Tile(1, "Payroll", "high", Health.DEGRADED, (0,) * 5, datetime(2026, 11, 14, 12, 0), None, since_known=False)
    shown = _since(tile, datetime(2026, 11, 21, 13, 0)).children
    assert shown == "since\u00a0before\u00a014\u00a0Nov\u00a012:00\u00a0UTC ·\u00a0≥\u00a07\u00a0d\u00a01\u00a0h"


def test_wl009_the_rotation_map_runs_left_to_right_and_says_what_it_leaves_out():
    elements = [{"data": {"id": "ci-1"}, "position": {"x": 150.0, "y": 0.0}}, {"data": {"id": "e", "source": "a"}}]
    drawn = build_rotation_map(elements).elements
    assert drawn[0]["position"] == {"x": 0.0, "y": round(150 * ROW_STRETCH, 1)}
    assert drawn[1] == elements[1]
    model = SimpleNamespace(nodes=(1, 2, 3, 4, 5))
    assert rotation_note(Trouble(model, 1, 104)) == (
        "Path to the 1 CI at fault · 100 more degraded or down CIs below are not drawn"
    )
    assert rotation_note(Trouble(model, 8, 4)) == "Paths to the 5 of 8 CIs at fault"


def test_wl010_a_group_of_incidents_says_since_when_its_oldest_is_open_and_the_ci_most_named():
    now = datetime(2026, 11, 20, 10, 0)
    assert _oldest(datetime(2026, 11, 20, 9, 18), now).children == "oldest\u00a009:18\u00a0UTC ·\u00a042\u00a0min"
    assert _oldest(datetime(2026, 3, 1), now).children == "oldest\u00a001\u00a0Mar ·\u00a0264\u00a0d"
    assert _oldest(datetime(2025, 11, 10), now).children == "oldest\u00a010\u00a0Nov\u00a02025 ·\u00a0375\u00a0d"
    tile = Tile(None, "Service Desk", "", Health.UNKNOWN, (1, 0, 2, 0, 0), None, None, detail="3 open",
                oldest_open=datetime(2026, 11, 20, 9, 18), most_named="sap-01 (2 open)")  # fmt: skip
    drawn = str(_tile(tile, now))
    assert "sap-01 (2 open)" in drawn
    assert "09:18" in drawn
    assert "data-ci" not in drawn


def test_wl011_the_wall_url_asks_for_incidents_by_assignment_group_or_category():
    assert parse_wall("?tiles=assignment_group").tiles == "assignment_group"
    assert parse_wall("?tiles=category").tiles == "category"
    assert parse_wall("?tiles=group").tiles == ""


def test_wl013_the_rotation_alternates_the_overview_with_each_trouble_map():
    steps = [rotation_step(t, 20, 3) for t in range(0, 6 * 20, 20)]
    assert steps == [None, 0, None, 1, None, 2]
    assert rotation_step(6 * 20, 20, 3) is None  # and round again
    assert rotation_step(45, 0, 3) is None
    assert rotation_step(45, 20, 0) is None


@pytest.mark.parametrize(
    ("not_ok", "total", "expected"),
    [
        (0, 1, Plan(0, 1, 0)),
        (1, 1, Plan(1, 0, 0)),
        (6, 16, Plan(6, 10, 0)),  # two rows of three full tiles, the ten OK services by name
        (12, 12, Plan(12, 0, 0)),  # three rows, nothing else
        (0, 300, Plan(0, 78, 222)),  # 16 rows of five, the last two cells counting the rest
        (26, 300, Plan(8, 23, 269)),  # every service not OK shown: 8 full tiles, 18 by name, then 5 OK ones
        (60, 300, Plan(0, 78, 222)),  # more than fit as full tiles: every one of them by name rather than 4 full
    ],
)
def test_wl014_full_tiles_for_the_services_not_ok_and_names_for_the_rest_as_many_as_fit(not_ok, total, expected):
    found = plan(not_ok, total)
    assert found == expected
    assert found.large + found.compact + found.more == total


def test_wl015_what_does_not_fit_is_counted_by_status():
    hidden = [Compact(1, "a", "", Health.OK), Compact(2, "b", "", Health.OK)]
    assert more_text(hidden) == "+ 2 more OK"
    hidden.append(Compact(3, "c", "", Health.DOWN))
    assert more_text(hidden) == "+ 3 more: 1\u00a0Down, 2\u00a0OK"
    shown = [span.children for span in band((10, 0, 1, 2, 3))]
    assert shown[:3] == ["16 services", "✕\u00a03\u00a0Down", "!\u00a02\u00a0Degraded"]
    assert "⚙\u00a00\u00a0Maintenance" in shown


def test_wl016_unknown_and_maintenance_services_give_up_their_full_tiles_when_others_would_not_fit():
    def tile(n: int, status: Health) -> Tile:
        return Tile(n, f"s{n}", "", status, (0,) * 5, None, None)

    full = [tile(1, Health.DOWN), tile(2, Health.DOWN), tile(3, Health.DEGRADED), tile(4, Health.DEGRADED),
            tile(5, Health.UNKNOWN), tile(6, Health.MAINTENANCE)]  # fmt: skip
    rest = tuple(Compact(n, f"s{n}", "", Health.OK) for n in range(7, 51))
    model = WallModel(tuple(full), 0, (1, 2, 3, 4), rest=rest, counts=(44, 1, 1, 2, 2))
    parts = build_services_wall(model, datetime(2026, 11, 20), lambda t, _now: _tile(t, _now))
    large, compact = parts[1].children, parts[2].children
    assert len(large) == 4  # the down and degraded ones
    assert len(compact) == 46  # the unknown, the one in maintenance and every OK service: none left out
    assert compact[0].title.startswith("s5")
    # Four full tiles take one row of 4; the 46 names take the compact grid's own 5 columns (not the full tiles' 4).
    assert parts[1].className == "large-tiles cols-4"
    assert parts[2].className == "compact-tiles cols-5"


def test_wl017_every_service_tile_shows_its_criticality_and_critical_stands_out():
    now = datetime(2026, 11, 20, 10, 0)
    critical = str(_tile(Tile(1, "Payroll", "Critical", Health.DOWN, (1, 0, 0, 0, 0), None, None), now))
    assert "badge critical" in critical
    assert "children='critical'" in critical
    medium = str(_tile(Tile(2, "Wiki", "medium", Health.DEGRADED, (0,) * 5, None, None), now))
    assert "badge level" in medium
    assert "children='medium'" in medium
    none = str(_tile(Tile(3, "Intranet", "", Health.DEGRADED, (0,) * 5, None, None), now))
    assert "badge" not in none
    model = WallModel((), 0, (), rest=(Compact(4, "CRM", "critical", Health.OK), Compact(5, "HR", "low", Health.OK)))
    cells = build_services_wall(model, now, lambda t, _now: _tile(t, _now))[1].children
    assert "★" in str(cells[0])
    assert "★" not in str(cells[1])
    assert cells[0].title == "CRM — OK, critical"
