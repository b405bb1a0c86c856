"""Server placement per layout: tree rows by hops, dagre rows by dependency, concentric rings around the root, and
force-directed only up to the size the browser settles."""

import numpy as np

from dashboard.domain.layout import NODE_SPACING, ROW_SPACING, row_width
from dashboard.domain.placement import (
    BROWSER_LIMITS,
    dependency_levels,
    falls_back,
    hops_from,
    place,
    rings_layout,
    server_places,
)
from dashboard.domain.viewstate import ViewState
from layouts.map import build_elements, build_notice, layout_for
from tests.unit.test_map_elements import model, node


def star_of_chains(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Node 0 depends on n // 2 nodes, each of which depends on one more: a wide two-level tree."""
    middle = np.arange(1, n // 2 + 1)
    leaves = middle + n // 2
    return np.concatenate([np.zeros(len(middle), dtype=np.int64), middle]), np.concatenate([middle, leaves])


def min_distance(x: np.ndarray, y: np.ndarray) -> float:
    points = np.column_stack([x, y])
    distance = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(distance, np.inf)
    return float(distance.min())


def test_ly201_hops_walk_edges_both_ways_and_unreached_nodes_come_last():
    hops = hops_from(2, 5, np.array([0, 1, 2]), np.array([1, 2, 3]))
    assert hops.tolist() == [2, 1, 0, 1, 3]
    assert hops_from(7, 3, np.array([0]), np.array([1])).tolist() == [0, 0, 0]  # no such root: one level


def test_ly202_dependency_levels_put_each_ci_above_what_it_depends_on_even_with_a_cycle():
    level = dependency_levels(4, np.array([0, 1, 0]), np.array([1, 2, 2]))
    assert level[0] < level[1] < level[2]
    looped = dependency_levels(3, np.array([0, 1, 2]), np.array([1, 2, 0]))
    assert looped.max() < 64


def test_ly203_a_wide_tree_is_placed_by_the_server_in_wrapped_rows_by_hops():
    n = 301
    source, target = star_of_chains(n)
    layers = np.full(n, 3)
    where = place("breadthfirst", layers, np.arange(n), source, target, np.zeros(len(source), dtype=bool), 0)
    assert server_places("breadthfirst", n)
    assert where.y[0] < where.y[1] < where.y[1 + n // 2]
    width, height = np.ptp(where.x), np.ptp(where.y)
    assert width <= row_width(n) * NODE_SPACING
    assert width / height < 4  # not one long strip
    assert min_distance(where.x, where.y) >= NODE_SPACING / 2


def test_ly204_dagre_beyond_the_browser_limit_has_dependencies_pointing_down():
    n = 301
    source, target = star_of_chains(n)
    where = place("dagre", np.zeros(n), np.arange(n), source, target, np.zeros(len(source), dtype=bool), 0)
    assert (where.y[source] < where.y[target]).all()
    assert np.ptp(where.x) <= row_width(n) * NODE_SPACING


def test_ly205_concentric_puts_the_root_in_the_middle_and_each_hop_further_out():
    n = 301
    source, target = star_of_chains(n)
    root = 5  # not the first node: the rings follow the root, not the input order
    hops = hops_from(root, n, source, target)
    where = rings_layout(hops, np.arange(n), source, target)
    assert (where.x[root], where.y[root]) == (0.0, 0.0)
    radius = np.hypot(where.x, where.y)
    for hop in range(1, int(hops.max())):
        assert radius[hops == hop].max() < radius[hops == hop + 1].min()
    assert min_distance(where.x, where.y) >= min(NODE_SPACING, ROW_SPACING) * 0.99
    assert abs(np.mean([where.x.min(), where.x.max()])) < NODE_SPACING  # the root sits in the middle of the map


def test_ly206_force_directed_is_left_to_the_browser_only_up_to_its_limit():
    limit = BROWSER_LIMITS["cose"]
    assert not server_places("cose", limit)
    assert server_places("cose", limit + 1)
    assert falls_back("cose", limit + 1)
    assert not falls_back("concentric", 1000)
    assert server_places("layered", 1)
    assert server_places("concentric", 1)


def test_ly207_the_page_says_when_force_directed_falls_back_and_places_big_tree_maps_itself():
    big = [node(i) for i in range(BROWSER_LIMITS["cose"] + 1)]
    cose = model(big, state=ViewState(root=1, layout="cose"))
    assert "Force-directed draws up to" in str(build_notice(cose))
    assert layout_for(cose, "a")["name"] == "preset"
    assert "Force-directed" not in str(build_notice(model(big[:10], state=ViewState(root=1, layout="cose"))))
    for name in ("breadthfirst", "dagre", "concentric"):
        wide = model(big, state=ViewState(root=1, layout=name))
        assert layout_for(wide, "a")["name"] == "preset"
        assert all("position" in element for element in build_elements(wide) if "source" not in element["data"])
    assert layout_for(model(big[:10], state=ViewState(root=1, layout="concentric")), "a")["name"] == "preset"
    assert layout_for(model(big[:10], state=ViewState(root=1, layout="dagre")), "a")["name"] == "dagre"
