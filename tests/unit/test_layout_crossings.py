"""Crossing reduction in the layered layout: counted on the demo's maps before (the starting order) and after, and
invariants of the ordering on random graphs."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dashboard.maps
from dashboard.cmdb.derived import Derived
from dashboard.cmdb.store import SnapshotStore
from dashboard.domain.crossings import edge_crossings
from dashboard.domain.layout import layered_layout
from dashboard.domain.ordering import level_crossings, order_levels
from dashboard.domain.viewstate import parse

# The landing map (Online Banking: 89 nodes, 91 with the fixture's two hostile CIs), a 211-node service, the 282-node
# map of issue 12 and a 1,768-element map (626 nodes, 1,142 edges) around a router.
DEMO_MAPS = ("?root=5", "?root=17", "?root=16&dir=both&depth=all", "?root=309&dir=both&depth=all")


@pytest.fixture(scope="module")
def layout_inputs(demo_cmdb: str) -> dict[str, tuple]:
    """What the map builder hands the layout for each demo map: layers, order key, edges, symmetric flags."""
    store = SnapshotStore(demo_cmdb)
    store.refresh()
    derived = Derived(store.snapshot)
    captured: dict[str, tuple] = {}
    place = dashboard.maps.place
    with pytest.MonkeyPatch.context() as patch:
        for query in DEMO_MAPS:
            state = parse(query)

            def keep(layout, *args, query=query):
                captured[query] = args[:5]
                return place(layout, *args)

            patch.setattr(dashboard.maps, "place", keep)
            dashboard.maps.build_map(derived, state, derived.snapshot.index.position(state.root), budget=2000)
    return captured


def drawn_crossings(args: tuple, sweeps: int | None = None) -> int:
    where = layered_layout(*args) if sweeps is None else layered_layout(*args, sweeps=sweeps)
    return edge_crossings(where.x, where.y, args[2], args[3])


@pytest.mark.parametrize("query", DEMO_MAPS)
def test_ly101_the_demo_maps_cross_far_fewer_edges_than_in_their_starting_order(layout_inputs, query):
    before = drawn_crossings(layout_inputs[query], sweeps=0)
    after = drawn_crossings(layout_inputs[query])
    # Measured: 91 nodes 1,111 → 85; 211 nodes 8,126 → 1,167; 282 nodes 10,631 → 3,813; 626 nodes 83,040 → 31,946.
    assert after <= 0.5 * before, (before, after)


def test_ly102_the_landing_map_is_almost_untangled(layout_inputs):
    # Before this change (barycentre sweeps without dummy nodes, wrapped layers filled row by row) the landing map
    # drew 866 crossings (89 nodes, without the fixture's two hostile CIs).
    assert drawn_crossings(layout_inputs["?root=5"]) < 100


def test_ly103_crossings_count_proper_crossings_only():
    x = np.array([0.0, 2.0, 0.0, 2.0, 1.0, 5.0])
    y = np.array([0.0, 2.0, 2.0, 0.0, 0.0, 0.0])
    assert edge_crossings(x, y, np.array([0, 2]), np.array([1, 3])) == 1  # an X
    assert edge_crossings(x, y, np.array([0, 0]), np.array([1, 2])) == 0  # a shared end
    assert edge_crossings(x, y, np.array([0, 3]), np.array([2, 1])) == 0  # parallel
    assert edge_crossings(x, y, np.array([0, 4]), np.array([3, 5])) == 0  # overlapping along one line
    assert edge_crossings(x, y, np.array([0]), np.array([1])) == 0


def test_ly104_crossings_agree_with_a_plain_pairwise_count():
    rng = np.random.default_rng(7)
    x, y = rng.random(30), rng.random(30)
    source, target = rng.integers(0, 30, 60), rng.integers(0, 30, 60)
    assert edge_crossings(x, y, source, target) == _slow_crossings(x, y, source, target)


def _slow_crossings(x, y, source, target) -> int:
    def side(a, b, p):
        return np.sign((x[b] - x[a]) * (y[p] - y[a]) - (y[b] - y[a]) * (x[p] - x[a]))

    count = 0
    edges = [(a, b) for a, b in zip(source.tolist(), target.tolist(), strict=True) if a != b]
    for i, (a, b) in enumerate(edges):
        for c, d in edges[i + 1 :]:
            if len({a, b, c, d}) == 4 and side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0:
                count += 1
    return count


@st.composite
def layered_graphs(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(1, 60))
    layers = np.array(draw(st.lists(st.integers(0, 5), min_size=n, max_size=n)), dtype=np.int64)
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    source = np.array([a for a, _ in pairs], dtype=np.int64)
    target = np.array([b for _, b in pairs], dtype=np.int64)
    symmetric = np.array(draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs))), dtype=bool)
    return layers, source, target, symmetric


@settings(max_examples=60, deadline=None)
@given(layered_graphs())
def test_ly105_every_node_is_placed_once_apart_from_the_others_deterministically(graph):
    layers, source, target, symmetric = graph
    n = len(layers)
    first = layered_layout(layers, np.arange(n)[::-1], source, target, symmetric)
    again = layered_layout(layers, np.arange(n)[::-1], source, target, symmetric)
    assert np.array_equal(first.x, again.x)
    assert np.array_equal(first.y, again.y)
    assert len(first.x) == n
    assert np.isfinite(np.concatenate([first.x, first.y])).all()
    assert len({(x, y) for x, y in zip(first.x.tolist(), first.y.tolist(), strict=True)}) == n


@settings(max_examples=60, deadline=None)
@given(layered_graphs())
def test_ly106_layers_stay_in_layer_order_top_to_bottom(graph):
    layers, source, target, symmetric = graph
    where = layered_layout(layers, np.arange(len(layers)), source, target, symmetric)
    lower, upper = np.meshgrid(layers, layers, indexing="ij")
    assert (where.y[:, None] < where.y[None, :])[lower < upper].all()


@settings(max_examples=60, deadline=None)
@given(layered_graphs())
def test_ly107_the_ordering_never_crosses_more_than_the_starting_order(graph):
    layers, source, target, _ = graph
    level = np.unique(layers, return_inverse=True)[1]
    order = np.argsort(level, kind="stable")
    start = np.empty(len(level), dtype=np.int64)
    start[order] = np.arange(len(level)) - np.searchsorted(level[order], level[order])
    result = order_levels(level, start, source, target)
    assert level_crossings(level, result, source, target) <= level_crossings(level, start, source, target)
    for number in np.unique(level):
        assert sorted(result[level == number].tolist()) == list(range(int((level == number).sum())))
