"""Layered layout computed on the server: business services on top, infrastructure at the bottom.

Nodes sit in rows by layer (the class's layer from the vocabulary; where CIs of one layer depend on each other, as
microservices calling microservices do, the dependent ones sit in sub-layers above the ones they call), ordered
within a row to reduce edge crossings (see `ordering`: dummy nodes for long edges, barycentre sweeps, adjacent
swaps, the best order kept), and wide layers wrap into several rows so that a map stays readable. A wrapped layer
fills column by column, so a node's x still follows its order. Deterministic: the same input gives the same
positions.

Symmetric links (a network's "connects to") have no dependent end, so they never split a layer: linked peers of one
class stay in one layer. Within a layer they still pull linked peers next to each other (the layer is first ordered
along its links, depth first), and across layers they count for crossing reduction like any edge.
"""

from dataclasses import dataclass

import numpy as np

from dashboard.domain.ordering import SWEEPS, order_levels

NODE_SPACING = 150.0  # px between neighbours in a row (nodes are ≤ 60 px wide, labels wrap at 130 px)
ROW_SPACING = 110.0  # px between rows of one layer
LAYER_GAP = 70.0  # extra px between layers
MIN_ROW, MAX_ROW = 10, 40  # nodes per row before a layer wraps: about 1.6 × √n keeps a map wider than tall
MAX_SUBLAYERS = 8  # sub-layers a layer splits into at most for dependencies among its own nodes (cycles stop here)


@dataclass(frozen=True, slots=True)
class Positions:
    """x, y of every node (px, y grows downwards) and the row each node landed in."""

    x: np.ndarray
    y: np.ndarray
    row: np.ndarray


def layered_layout(
    layers: np.ndarray,
    order_key: np.ndarray,
    source: np.ndarray,
    target: np.ndarray,
    symmetric: np.ndarray | None = None,
    *,
    sweeps: int = SWEEPS,
) -> Positions:
    """Positions for nodes in `layers` (small ints), first ordered by `order_key`, connected by edges source→target
    (`symmetric`: a boolean per edge, True for a link between peers that has no direction). `sweeps=0` keeps the
    starting order (by key, along links) without crossing reduction."""
    layers = np.asarray(layers, dtype=np.int64)
    n = len(layers)
    if n == 0:
        empty = np.empty(0)
        return Positions(empty, empty, np.empty(0, dtype=np.int64))
    source, target = np.asarray(source, dtype=np.int64), np.asarray(target, dtype=np.int64)
    links = np.zeros(len(source), dtype=bool) if symmetric is None else np.asarray(symmetric, dtype=bool)
    layers = _with_sublayers(layers, source[~links], target[~links])
    order_key = _along_links(layers, np.asarray(order_key), source[links], target[links])
    return rows_layout(layers, order_key, source, target, sweeps=sweeps)


def rows_layout(
    levels: np.ndarray, order_key: np.ndarray, source: np.ndarray, target: np.ndarray, *, sweeps: int = SWEEPS
) -> Positions:
    """Positions for nodes in rows by `levels` (ints, smaller on top), ordered to reduce crossings starting from
    `order_key`, wide levels wrapped: the machinery under the layered layout, for any way of levelling a map."""
    levels = np.asarray(levels, dtype=np.int64)
    rank = _initial_rank(levels, np.asarray(order_key))
    level = np.unique(levels, return_inverse=True)[1].reshape(-1)
    rank = order_levels(level, rank, source, target, sweeps=sweeps)
    return _place(levels, rank, row_width(len(levels)))


def row_width(n: int) -> int:
    """How many nodes a row of an n-node map holds before its layer wraps."""
    return int(min(MAX_ROW, max(MIN_ROW, np.ceil(1.6 * np.sqrt(n)))))


def _with_sublayers(layers: np.ndarray, source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Layers split where nodes of one layer depend on each other: a node sits below every same-layer node that
    depends on it (longest path, capped at MAX_SUBLAYERS, so a cycle ends at the cap instead of looping)."""
    same = (layers[source] == layers[target]) & (source != target)
    if not same.any():
        return layers
    a, b = source[same], target[same]
    sub = np.zeros(len(layers), dtype=np.int64)
    for _ in range(MAX_SUBLAYERS - 1):
        before = sub.copy()
        np.maximum.at(sub, b, np.minimum(sub[a] + 1, MAX_SUBLAYERS - 1))
        if np.array_equal(sub, before):
            break
    return layers * MAX_SUBLAYERS + sub


def _along_links(layers: np.ndarray, order_key: np.ndarray, source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """An order key that walks each layer's links depth first from its first node (by the caller's key), so that
    linked peers sit side by side: a ring of routers comes out in ring order (breadth first would alternate its
    two sides), and a wrapped layer keeps a network's neighbours in nearby rows."""
    same = layers[source] == layers[target]
    if not same.any():
        return order_key
    a, b = np.concatenate([source[same], target[same]]), np.concatenate([target[same], source[same]])
    by_node = np.argsort(a, kind="stable")
    a, b = a[by_node], b[by_node]
    n = len(layers)
    starts = np.searchsorted(a, np.arange(n))
    ends = np.searchsorted(a, np.arange(n), side="right")
    by_key = np.lexsort((np.arange(n), order_key))
    key_rank = np.empty(n, dtype=np.int64)
    key_rank[by_key] = np.arange(n)
    # A node without links keeps its turn; a group of linked peers takes the turn of its first node, in walk order.
    turn, step = key_rank.copy(), np.zeros(n, dtype=np.int64)
    seen = np.zeros(n, dtype=bool)
    linked = np.unique(a)
    for start in linked[np.argsort(key_rank[linked])].tolist():
        if seen[start]:
            continue
        stack, count = [start], 0
        while stack:
            node = stack.pop()
            if seen[node]:
                continue
            seen[node] = True
            turn[node], step[node] = key_rank[start], count
            count += 1
            peers = sorted(b[starts[node] : ends[node]].tolist(), key=lambda p: (order_key[p], p), reverse=True)
            stack += [p for p in peers if not seen[p]]
    visit = np.empty(n, dtype=np.int64)
    visit[np.lexsort((step, turn))] = np.arange(n)
    return visit


def _initial_rank(layers: np.ndarray, order_key: np.ndarray) -> np.ndarray:
    """Position of each node within its layer, by the caller's key (ties by node number)."""
    order = np.lexsort((np.arange(len(layers)), order_key, layers))
    sorted_layers = layers[order]
    rank = np.empty(len(layers), dtype=np.int64)
    rank[order] = np.arange(len(order)) - np.searchsorted(sorted_layers, sorted_layers)
    return rank


def _place(layers: np.ndarray, rank: np.ndarray, max_row: int) -> Positions:
    """Rows and pixel positions: each layer's nodes in rank order, wrapped every max_row, centred on x = 0."""
    order = np.lexsort((rank, layers))
    sorted_layers = layers[order]
    starts = np.searchsorted(sorted_layers, sorted_layers, side="left")
    sizes = np.searchsorted(sorted_layers, sorted_layers, side="right") - starts
    within = np.arange(len(order)) - starts
    rows_in_layer = np.ceil(sizes / max_row).astype(np.int64)
    # A wrapped layer fills column by column, each row shifted by a fraction of a step: x still grows with the
    # order (so the crossing reduction's order is what the eye sees), and neighbours alternate between rows.
    row_in_layer = within % rows_in_layer
    step = NODE_SPACING / rows_in_layer
    distinct, first = np.unique(sorted_layers, return_index=True)
    layer_rows = rows_in_layer[first]
    first_row = np.concatenate([[0], np.cumsum(layer_rows)[:-1]])
    layer_number = np.searchsorted(distinct, sorted_layers)
    row = first_row[layer_number] + row_in_layer
    x = np.empty(len(order))
    y = np.empty(len(order))
    row_out = np.empty(len(order), dtype=np.int64)
    x[order] = (within - (sizes - 1) / 2) * step
    y[order] = row * ROW_SPACING + layer_number * LAYER_GAP
    row_out[order] = row
    return Positions(x, y, row_out)
