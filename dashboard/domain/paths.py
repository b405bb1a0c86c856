"""Every shortest dependency path between two CIs ("how does X depend on Y?"), either way round.

The walk is the map's: down from X to what it depends on (symmetric links crossed both ways, as the map's walks do);
when Y is not below X, up from X to what depends on it.
"""

from dataclasses import dataclass

import numpy as np

from dashboard.domain.graph import CSR, GraphIndex
from dashboard.domain.traverse import MAX_DEPTH, Direction, Path

DEFAULT_LIMIT = 20


@dataclass(frozen=True, slots=True)
class DependencyPaths:
    """The shortest paths found (at most `limit`), the way they run, and whether more exist."""

    paths: tuple[Path, ...]
    direction: Direction | None  # None: no path either way
    more: bool = False

    @property
    def nodes(self) -> np.ndarray:
        """Every position on any of the paths, sorted."""
        return np.unique(np.concatenate([p.nodes for p in self.paths])) if self.paths else np.empty(0, np.int64)

    @property
    def edges(self) -> np.ndarray:
        """Every edge id on any of the paths, sorted."""
        return np.unique(np.concatenate([p.edges for p in self.paths])) if self.paths else np.empty(0, np.int64)


def dependency_paths(index: GraphIndex, a: int, b: int, limit: int = DEFAULT_LIMIT) -> DependencyPaths:
    """All shortest paths from position a to position b (a depends on b), else from b to a, at most `limit` of them.

    Downstream wins when both exist at the same length; the shorter way wins otherwise.
    """
    if not (0 <= a < index.node_count and 0 <= b < index.node_count):
        return DependencyPaths((), None)
    found = [(_distances(index, a, b, d), d) for d in (Direction.DOWNSTREAM, Direction.UPSTREAM)]
    reachable = [(dist[0][b], dist, d) for dist, d in found if dist[0][b] >= 0]
    if not reachable:
        return DependencyPaths((), None)
    _, (from_a, to_b), direction = min(reachable, key=lambda item: item[0])
    csr = index.down if direction is Direction.DOWNSTREAM else index.up
    paths, more = _enumerate(csr, from_a, to_b, a, b, max(1, limit))
    return DependencyPaths(tuple(Path(n, e, direction) for n, e in paths), direction, more)


def _distances(index: GraphIndex, a: int, b: int, direction: Direction) -> tuple[np.ndarray, np.ndarray]:
    """Hops from a walking `direction` (the walk stops at b's level), and hops to b walking back from b over those
    levels only; -1 where not reached."""
    ahead, behind = (index.down, index.up) if direction is Direction.DOWNSTREAM else (index.up, index.down)
    from_a = _hops(ahead, a, index.node_count, MAX_DEPTH, goal=b)
    to_b = _hops(behind, b, index.node_count, int(from_a[b])) if from_a[b] >= 0 else np.full(index.node_count, -1)
    return from_a, to_b


def _hops(csr: CSR, start: int, n: int, limit: int, goal: int | None = None) -> np.ndarray:
    """Breadth-first hops from start, at most `limit` levels, stopping once `goal` is reached (a whole-graph walk
    took 125 ms at 1M CIs; the paths between two CIs rarely need more than a few levels)."""
    hops = np.full(n, -1, dtype=np.int64)
    hops[start] = 0
    frontier = np.array([start], dtype=np.int64)
    for level in range(1, limit + 1):
        if goal is not None and hops[goal] >= 0:
            break
        starts = csr.indptr[frontier]
        counts = csr.indptr[frontier + 1] - starts
        total = int(counts.sum())
        if total == 0:
            break
        slots = np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(total)
        reached = csr.indices[slots]
        frontier = np.unique(reached[hops[reached] < 0]).astype(np.int64)
        if not len(frontier):
            break
        hops[frontier] = level
    return hops


def _enumerate(
    csr: CSR, from_a: np.ndarray, to_b: np.ndarray, a: int, b: int, limit: int
) -> tuple[list[tuple[np.ndarray, np.ndarray]], bool]:
    """Depth-first over the nodes that lie on a shortest path (from_a + to_b == length): every branch reaches b, so
    the walk stops after `limit` paths. Parallel edges between the same two CIs count once."""
    length = int(from_a[b])
    paths: list[tuple[np.ndarray, np.ndarray]] = []
    stack: list[tuple[list[int], list[int]]] = [([a], [])]
    while stack:
        nodes, edges = stack.pop()
        here = nodes[-1]
        if here == b:
            if len(paths) == limit:
                return paths, True
            paths.append((np.array(nodes, dtype=np.int64), np.array(edges, dtype=np.int64)))
            continue
        lo, hi = csr.indptr[here], csr.indptr[here + 1]
        step = len(nodes)
        nexts, slots = csr.indices[lo:hi], np.arange(lo, hi)
        fit = (from_a[nexts] == step) & (to_b[nexts] == length - step)
        chosen, first = np.unique(nexts[fit], return_index=True)
        for node, slot in reversed(list(zip(chosen.tolist(), slots[fit][first].tolist(), strict=True))):
            stack.append(([*nodes, node], [*edges, int(csr.edges[slot])]))
    return paths, False
