"""Where the server places a map's nodes, for each layout the user can pick.

The layered layout is always placed here. Tree and Dagre are placed here once a map is too wide for the browser's
layouts (they draw one long strip, zoomed out until nothing is legible): rows by hop distance from the root (tree)
or by the direction of dependencies (dagre), ordered and wrapped as the layered layout's rows. Concentric is always
placed here, with the root in the middle and one band of rings per hop. Force-directed runs in the browser only up to
the size it settles at; beyond, the map keeps the layered positions and a notice says so.
"""

import numpy as np

from dashboard.domain.layout import NODE_SPACING, ROW_SPACING, Positions, layered_layout, rows_layout

BROWSER_LIMITS = {"breadthfirst": 150, "dagre": 150, "cose": 150}  # nodes the browser lays out well (none: never)
MAX_LEVELS = 64  # dependency levels at most for dagre (a cycle stops growing here)


def server_places(layout: str, nodes: int) -> bool:
    """Whether the server places the nodes of an n-node map in `layout` (else the browser lays it out)."""
    return nodes > BROWSER_LIMITS.get(layout, -1)


def falls_back(layout: str, nodes: int) -> bool:
    """Whether a map is too big for its layout and is drawn in the layered layout instead."""
    return layout == "cose" and server_places(layout, nodes)


def place(
    layout: str,
    layers: np.ndarray,
    order_key: np.ndarray,
    source: np.ndarray,
    target: np.ndarray,
    symmetric: np.ndarray,
    root: int,
) -> Positions:
    """Positions of a map's nodes in `layout` (`root`: the index of the root node); the layered layout's where the
    browser lays the map out (it ignores them) or where the layout falls back to it."""
    n = len(layers)
    if layout == "concentric":
        return rings_layout(hops_from(root, n, source, target), order_key, source, target)
    if layout == "breadthfirst" and server_places(layout, n):
        return rows_layout(hops_from(root, n, source, target), order_key, source, target)
    if layout == "dagre" and server_places(layout, n):
        directed = ~np.asarray(symmetric, dtype=bool)
        return rows_layout(dependency_levels(n, source[directed], target[directed]), order_key, source, target)
    return layered_layout(layers, order_key, source, target, symmetric)


def hops_from(root: int, n: int, source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Hops from `root` to each node, edges walked both ways; nodes not reached get one more than the farthest."""
    hops = np.full(n, -1, dtype=np.int64)
    if not 0 <= root < n:
        return np.zeros(n, dtype=np.int64)
    a = np.concatenate([source, target]).astype(np.int64)
    b = np.concatenate([target, source]).astype(np.int64)
    hops[root] = 0
    frontier = np.array([root])
    step = 0
    while len(frontier):
        step += 1
        reached = np.isin(a, frontier)
        found = np.unique(b[reached])
        frontier = found[hops[found] < 0]
        hops[frontier] = step
    return np.where(hops < 0, hops.max() + 1, hops)


def dependency_levels(n: int, source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """A level per node with every CI above what it depends on (longest path; a cycle stops at MAX_LEVELS)."""
    level = np.zeros(n, dtype=np.int64)
    loops = source != target
    a, b = np.asarray(source, dtype=np.int64)[loops], np.asarray(target, dtype=np.int64)[loops]
    for _ in range(MAX_LEVELS - 1):
        before = level.copy()
        np.maximum.at(level, b, np.minimum(level[a] + 1, MAX_LEVELS - 1))
        if np.array_equal(level, before):
            break
    return level


def rings_layout(hops: np.ndarray, order_key: np.ndarray, source: np.ndarray, target: np.ndarray) -> Positions:
    """The root in the middle, each hop's nodes on a band of rings around it, in the order that reduces crossings
    (from the row machinery, read as angles). A hop with more nodes than one ring holds spreads over several rings,
    neighbours alternating between them, so that no two nodes are nearer than NODE_SPACING along a ring or
    ROW_SPACING across rings."""
    hops = np.asarray(hops, dtype=np.int64)
    n = len(hops)
    rows = rows_layout(hops, order_key, source, target)
    x, y, ring = np.zeros(n), np.zeros(n), np.zeros(n, dtype=np.int64)
    radius = 0.0
    ring_number = 0
    for hop in np.unique(hops).tolist():
        members = np.flatnonzero(hops == hop)
        members = members[np.lexsort((members, rows.x[members]))]
        count = len(members)
        if hop == 0 and count == 1:
            continue
        radius = max(radius + ROW_SPACING, ROW_SPACING * 1.5)
        rings = 1
        while np.ceil(count / rings) * NODE_SPACING > 2 * np.pi * radius:
            rings += 1
        # Node i of the hop goes to ring i mod rings: each ring holds every rings-th node, evenly spaced, the rings
        # turned against each other by a fraction of a step, so the angle still follows the order.
        band = np.arange(count) % rings
        on_ring = np.bincount(band, minlength=rings)[band]
        angle = 2 * np.pi * (np.arange(count) // rings + band / rings + 0.5) / on_ring - np.pi / 2
        r = radius + band * ROW_SPACING
        x[members], y[members] = r * np.cos(angle), r * np.sin(angle)
        ring[members] = ring_number + band
        ring_number += rings
        radius += (rings - 1) * ROW_SPACING
    return Positions(x, y, ring)
