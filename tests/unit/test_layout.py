"""Layered layout: layers top to bottom, no overlaps, deterministic, wide layers wrap, crossings reduced."""

import numpy as np

from dashboard.domain.layout import NODE_SPACING, layered_layout, row_width


def test_ly001_layers_run_top_to_bottom():
    layers = np.array([3, 0, 1, 1, 2])
    edges = (np.array([1, 1, 2, 3]), np.array([2, 3, 4, 4]))
    where = layered_layout(layers, np.arange(5), *edges)
    for a, b in [(1, 2), (2, 4), (4, 0)]:
        assert where.y[a] < where.y[b]
    assert where.y[2] == where.y[3]


def test_ly002_no_two_nodes_overlap_even_in_a_wide_wrapped_layer():
    n = 400
    layers = np.zeros(n, dtype=np.int64)
    layers[0] = -1
    where = layered_layout(layers, np.arange(n), np.zeros(n - 1, dtype=np.int64), np.arange(1, n))
    points = np.column_stack([where.x, where.y])
    distance = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(distance, np.inf)
    assert distance.min() >= NODE_SPACING / 2
    assert len(np.unique(where.row)) == 1 + int(np.ceil((n - 1) / row_width(n)))  # the root's row, then full rows


def test_ly003_same_input_same_positions():
    rng = np.random.default_rng(1)
    layers = rng.integers(0, 5, 300)
    src, dst = rng.integers(0, 300, 600), rng.integers(0, 300, 600)
    first = layered_layout(layers, np.arange(300), src, dst)
    again = layered_layout(layers, np.arange(300), src, dst)
    assert np.array_equal(first.x, again.x)
    assert np.array_equal(first.y, again.y)


def crossings(where, src, dst):
    count = 0
    for i in range(len(src)):
        for j in range(i + 1, len(src)):
            a = (where.x[src[i]] - where.x[src[j]]) * (where.x[dst[i]] - where.x[dst[j]])
            count += a < 0
    return count


def test_ly004_barycentric_ordering_untangles_a_crossed_pair_of_chains():
    # Two chains 0→3 and 1→2 drawn in an order that crosses them unless the lower layer is reordered.
    layers = np.array([0, 0, 1, 1])
    src, dst = np.array([0, 1]), np.array([3, 2])
    where = layered_layout(layers, np.arange(4), src, dst)
    assert crossings(where, src, dst) == 0


def test_ly005_an_empty_map_has_no_positions():
    where = layered_layout(
        np.array([], dtype=np.int64), np.array([]), np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    )
    assert len(where.x) == 0


def test_ly007_calls_within_one_layer_go_down_in_sub_layers():
    # frontend → checkout → payment, frontend → ads: all applications (one layer), then a host below them all.
    layers = np.array([3, 3, 3, 3, 6])
    edges = (np.array([0, 1, 0, 2, 3]), np.array([1, 2, 3, 4, 4]))
    where = layered_layout(layers, np.arange(5), *edges)
    assert where.y[0] < where.y[1] < where.y[2] < where.y[4]
    assert where.y[1] == where.y[3]  # checkout and ads are both one call below frontend


def test_ly008_a_cycle_within_a_layer_still_lays_out_in_bounded_rows():
    layers = np.zeros(3, dtype=np.int64)
    edges = (np.array([0, 1, 2]), np.array([1, 2, 0]))
    first = layered_layout(layers, np.arange(3), *edges)
    again = layered_layout(layers, np.arange(3), *edges)
    assert np.array_equal(first.y, again.y)
    assert len(np.unique(first.row)) <= 3
