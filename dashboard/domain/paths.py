"""Every shortest dependency path between two CIs ("how does X depend on Y?"), either way round.

The walk is the map's: down from X to what it depends on (symmetric links crossed both ways, as the map's walks do);
when Y is not below X, up from X to what depends on it.
"""

from dataclasses import dataclass

import numpy as np

from dashboard.domain.graph import CSR, GraphIndex
from dashboard.domain.traverse import ALL_HOPS, Direction, Path, reach

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
    """Hops from a walking `direction`, and hops to b (walking back from b), -1 where not reached."""
    ahead = reach(index, [a], direction, ALL_HOPS)
    from_a = np.full(index.node_count, -1, dtype=np.int64)
    from_a[ahead.nodes] = ahead.depths
    to_b = np.full(index.node_count, -1, dtype=np.int64)
    if from_a[b] >= 0:
        back = Direction.UPSTREAM if direction is Direction.DOWNSTREAM else Direction.DOWNSTREAM
        behind = reach(index, [b], back, int(from_a[b]))
        to_b[behind.nodes] = behind.depths
    return from_a, to_b


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
