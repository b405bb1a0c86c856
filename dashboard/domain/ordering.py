"""Crossing reduction for a layered drawing (the ordering step of Sugiyama's method), vectorised with numpy.

An edge that spans several levels is drawn through one dummy node per level it passes, so that every edge joins two
neighbouring levels and a long edge counts where it crosses, not only at its ends. Then sweeps down and up move each
node to the barycentre of its neighbours in the level just swept (the new order of that level, not the old one),
adjacent nodes swap where that removes crossings, and the order with the fewest crossings seen wins (counted with
each long edge straight between its ends, as the map draws it).
"""

from dataclasses import dataclass

import numpy as np

SWEEPS = 4  # down and up passes, alternating; the best order seen is kept
SWAP_ROUNDS = 1  # rounds of adjacent swaps after each down and up sweep (even pairs, then odd pairs)
SWAP_LIMIT = 1_000  # nodes with dummies above which the swaps (a few per cent fewer crossings) cost too much time
DENSE_LIMIT = 400  # edges up to which crossings are counted pair by pair
DUMMY_LIMIT = 3_000  # dummy nodes at most: the longest edges beyond it are left out of the ordering


@dataclass(frozen=True, slots=True)
class _Proper:
    """The graph with dummy nodes: every edge joins level l (`up`) to level l + 1 (`lo`)."""

    level: np.ndarray  # per node, real nodes first, then dummies
    up: np.ndarray
    lo: np.ndarray
    members: tuple[np.ndarray, ...]  # node ids of each level
    local: np.ndarray  # a node's index in its level's members
    below: tuple[np.ndarray, np.ndarray, np.ndarray]  # edges by upper end: order, first of each node, count
    above: tuple[np.ndarray, np.ndarray, np.ndarray]  # edges by lower end: the same
    ends: tuple[np.ndarray, np.ndarray, np.ndarray]  # per dummy: its edge's upper and lower real ends, how far down


def order_levels(
    level: np.ndarray, position: np.ndarray, source: np.ndarray, target: np.ndarray, *, sweeps: int = SWEEPS
) -> np.ndarray:
    """New positions (0, 1, … within each level) for nodes on `level` (dense ints 0…L-1) that start at `position`
    (distinct within a level) and are joined by edges source–target. Edges within one level are ignored here."""
    level = np.asarray(level, dtype=np.int64)
    n = len(level)
    if n == 0 or sweeps <= 0:
        return np.asarray(position, dtype=np.int64)
    graph = _proper(level, np.asarray(source, dtype=np.int64), np.asarray(target, dtype=np.int64))
    pos = _start(graph, n, np.asarray(position, dtype=np.float64))
    best, fewest = pos.copy(), _crossings(graph, pos)
    down_edges = _by_level(graph, graph.lo, graph.up)
    up_edges = _by_level(graph, graph.up, graph.lo)
    for sweep in range(sweeps):
        if fewest == 0:
            break
        downwards = sweep % 2 == 0
        _sweep(graph, pos, down_edges if downwards else up_edges, downwards)
        if downwards and sweep < sweeps - 1:
            continue  # a down sweep and the up sweep after it are judged together
        for _ in range(SWAP_ROUNDS if len(pos) <= SWAP_LIMIT else 0):
            _swap_adjacent(graph, pos)
        # Judged with every long edge straight between its ends, as drawn, not bent through its dummies.
        count = _crossings(graph, _start(graph, n, pos[:n]))
        if count < fewest:
            best, fewest = pos.copy(), count
    # Positions among the real nodes only (dummies leave gaps).
    order = np.lexsort((best[:n], level))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - np.searchsorted(level[order], level[order])
    return rank


def level_crossings(level: np.ndarray, position: np.ndarray, source: np.ndarray, target: np.ndarray) -> int:
    """Crossings between neighbouring levels, a long edge passing each level between its nodes where the straight line
    between its ends would (the count the ordering keeps the best of)."""
    level = np.asarray(level, dtype=np.int64)
    graph = _proper(level, np.asarray(source, dtype=np.int64), np.asarray(target, dtype=np.int64))
    return _crossings(graph, _start(graph, len(level), np.asarray(position, dtype=np.float64)))


def _proper(level: np.ndarray, source: np.ndarray, target: np.ndarray) -> _Proper:
    n = len(level)
    apart = level[source] != level[target]
    s, t = source[apart], target[apart]
    up = np.where(level[s] < level[t], s, t)
    lo = np.where(level[s] < level[t], t, s)
    inner = level[lo] - level[up] - 1  # dummies each edge needs
    if inner.sum() > DUMMY_LIMIT:
        # Keep the shorter edges, which decide most of the order, within the limit (only maps of thousands of
        # edges, most of them long, get here).
        by_length = np.argsort(inner, kind="stable")
        kept = np.sort(by_length[np.cumsum(inner[by_length]) <= DUMMY_LIMIT])
        up, lo, inner = up[kept], lo[kept], inner[kept]
    chain = inner + 2
    starts = np.cumsum(chain) - chain
    dummies = int(inner.sum())
    of_edge = np.repeat(np.arange(len(up)), inner)
    step = np.arange(dummies) - np.repeat(np.cumsum(inner) - inner, inner)
    flat = np.empty(int(chain.sum()), dtype=np.int64)
    flat[starts] = up
    flat[starts + chain - 1] = lo
    flat[starts[of_edge] + 1 + step] = n + np.arange(dummies)
    joined = np.ones(max(len(flat) - 1, 0), dtype=bool)
    joined[starts[1:] - 1] = False  # the last node of one chain and the first of the next are not joined
    all_levels = np.concatenate([level, level[up][of_edge] + 1 + step])
    by_level = np.argsort(all_levels, kind="stable")
    sizes = np.bincount(all_levels, minlength=int(level.max()) + 1)
    members = tuple(np.split(by_level, np.cumsum(sizes)[:-1]))
    local = np.empty(len(all_levels), dtype=np.int64)
    local[by_level] = np.arange(len(all_levels)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    up, lo = flat[:-1][joined], flat[1:][joined]
    along = (step + 1) / (inner[of_edge] + 1)
    ends = (flat[starts][of_edge], flat[starts + chain - 1][of_edge], along)
    return _Proper(
        all_levels, up, lo, members, local, _incidence(up, len(all_levels)), _incidence(lo, len(all_levels)), ends
    )


def _incidence(end: np.ndarray, nodes: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges grouped by one end: the order that groups them, where each node's group starts, and its size."""
    degree = np.bincount(end, minlength=nodes)
    return np.argsort(end, kind="stable"), np.cumsum(degree) - degree, degree


def _start(graph: _Proper, n: int, position: np.ndarray) -> np.ndarray:
    """Positions for real nodes in the order of `position`, each dummy where the straight line between its edge's
    ends passes its level (positions taken relative to the width of each level, as the drawing centres levels)."""
    fraction = np.empty(len(graph.level))
    sizes = np.bincount(graph.level[:n], minlength=len(graph.members))
    order = np.lexsort((position, graph.level[:n]))
    start = np.cumsum(sizes) - sizes
    fraction[order] = (np.arange(n) - np.repeat(start, sizes) + 0.5) / np.repeat(np.maximum(sizes, 1), sizes)
    upper, lower, along = graph.ends
    fraction[n:] = fraction[upper] * (1 - along) + fraction[lower] * along
    order = np.lexsort((np.arange(len(graph.level)), fraction, graph.level))
    pos = np.empty(len(graph.level))
    pos[order] = np.arange(len(order)) - np.searchsorted(graph.level[order], graph.level[order])
    return pos


def _by_level(graph: _Proper, moved: np.ndarray, fixed: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """For each level, the edges whose `moved` end lies in it: (local index of that end, the other end)."""
    order = np.argsort(graph.level[moved], kind="stable")
    counts = np.bincount(graph.level[moved], minlength=len(graph.members))
    cuts = np.cumsum(counts)[:-1]
    return tuple(zip(np.split(graph.local[moved[order]], cuts), np.split(fixed[order], cuts), strict=True))


def _sweep(graph: _Proper, pos: np.ndarray, edges: tuple, downwards: bool) -> None:
    """Reorder each level by the barycentre of its neighbours in the level before it, in sweep direction."""
    levels = range(1, len(graph.members)) if downwards else range(len(graph.members) - 2, -1, -1)
    for number in levels:
        members = graph.members[number]
        local, other = edges[number]
        if not len(local):
            continue
        size = len(members)
        total = np.bincount(local, weights=pos[other], minlength=size)
        count = np.bincount(local, minlength=size)
        current = pos[members]
        barycentre = np.where(count > 0, total / np.maximum(count, 1), current)
        pos[members[np.lexsort((current, barycentre))]] = np.arange(size)


def _swap_adjacent(graph: _Proper, pos: np.ndarray) -> None:
    """Swap neighbours in a level where that removes crossings with both neighbouring levels: even pairs, then odd
    pairs, so that the pairs of a level tried at once are disjoint. Swaps in neighbouring levels are decided together
    and can undo each other's gain; the best order seen is what counts, so that does no lasting harm."""
    for parity in (0, 1):
        rank = pos.astype(np.int64)
        left = np.flatnonzero(rank % 2 == parity)
        key = graph.level * (len(pos) + 1) + rank
        lookup = np.argsort(key)
        sorted_key = key[lookup]
        wanted = key[left] + 1
        at = np.searchsorted(sorted_key, wanted)
        found = (at < len(sorted_key)) & (sorted_key[np.minimum(at, len(sorted_key) - 1)] == wanted)
        left = left[found]
        right = lookup[at[found]]
        if not len(left):
            return
        better = _pair_crossings(graph, pos, left, right) > 0
        a, b = left[better], right[better]
        pos[a], pos[b] = pos[b].copy(), pos[a].copy()


def _pair_crossings(graph: _Proper, pos: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """For each pair, crossings among the two nodes' edges to both neighbouring levels when left[i] comes first,
    minus those when right[i] comes first (positive: swapping them removes crossings)."""
    gain = np.zeros(len(left), dtype=np.int64)
    scale = len(pos) + 1
    for far, (order, first, degree) in ((graph.lo, graph.below), (graph.up, graph.above)):
        pair_l, far_l = _ends(pos, far, order, first, degree, left)
        pair_r, far_r = _ends(pos, far, order, first, degree, right)
        if not len(pair_l) or not len(pair_r):
            continue
        keys = np.sort(pair_r * scale + far_r)
        query = pair_l * scale + far_l
        # Edges of the right node whose far end lies left of a left node's edge's far end cross it as placed now.
        before = np.searchsorted(keys, query) - np.searchsorted(keys, pair_l * scale)
        after = np.searchsorted(keys, pair_l * scale + scale) - np.searchsorted(keys, query, side="right")
        gain += np.bincount(pair_l, weights=before - after, minlength=len(left)).astype(np.int64)
    return gain


def _ends(
    pos: np.ndarray, far: np.ndarray, order: np.ndarray, first: np.ndarray, degree: np.ndarray, nodes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For the edges of each node in `nodes`: which pair (index into `nodes`) and the position of the far end."""
    count = degree[nodes]
    pair = np.repeat(np.arange(len(nodes)), count)
    within = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    return pair, pos[far[order[first[nodes][pair] + within]]].astype(np.int64)


def _crossings(graph: _Proper, pos: np.ndarray) -> int:
    """Crossings between neighbouring levels: inversions of the lower ends when edges are sorted by upper end."""
    if not len(graph.up):
        return 0
    if len(graph.up) <= DENSE_LIMIT:
        return _crossings_pairwise(graph, pos)
    order = np.lexsort((pos[graph.lo], pos[graph.up], graph.level[graph.up]))
    value = pos[graph.lo][order].astype(np.int64)
    bits = max(int(value.max()).bit_length(), 1)
    key = (graph.level[graph.up][order] << bits) | value
    # Small keys sort stably by radix, in linear time.
    key = key.astype(np.uint16) if key.max() < 1 << 16 else key
    index = np.arange(len(key))
    inversions = 0
    # Count, bit by bit, the pairs that agree above the bit where the earlier has it set and the later not.
    for bit in range(bits):
        prefix = key >> (bit + 1)
        by_prefix = np.argsort(prefix, kind="stable")
        p = prefix[by_prefix]
        set_bit = ((value[by_prefix] >> bit) & 1).astype(np.int64)
        ones_before = np.cumsum(set_bit) - set_bit
        new_group = np.empty(len(p), dtype=bool)
        new_group[0] = True
        np.not_equal(p[1:], p[:-1], out=new_group[1:])
        group_start = np.maximum.accumulate(np.where(new_group, index, 0))
        inversions += int((ones_before - ones_before[group_start])[set_bit == 0].sum())
    return inversions


def _crossings_pairwise(graph: _Proper, pos: np.ndarray) -> int:
    """The same count pair by pair: fewer numpy calls, so faster for a few hundred edges."""
    up, lo, level = pos[graph.up], pos[graph.lo], graph.level[graph.up]
    crossed = ((up[:, None] - up[None, :]) * (lo[:, None] - lo[None, :]) < 0) & (level[:, None] == level[None, :])
    return int(crossed.sum()) // 2
