"""Dependency cycles: strongly connected components of more than one CI.

Only edges that carry dependency count: a symmetric link ("connects to") is walkable both ways by design, and a ring
of routers is a network, not a dependency cycle.
"""

import numpy as np

from dashboard.domain.graph import CSR, GraphIndex


def dependency_cycles(index: GraphIndex) -> list[np.ndarray]:
    """Every dependency cycle as the sorted positions of its CIs, largest first.

    Nodes that cannot be on a cycle (no way in, or no way out, once such nodes are gone) are peeled off in
    vectorised rounds first; Tarjan's algorithm then runs on the small remainder only.
    """
    alive = np.ones(index.node_count, dtype=bool)
    down, up = index.dependency_down(), index.dependency_up()
    _peel(down, alive)  # CIs nothing depends on, repeatedly
    _peel(up, alive)  # CIs that depend on nothing, repeatedly
    remaining = np.flatnonzero(alive)
    components = _strongly_connected(down, remaining, alive)
    cycles = [np.sort(np.asarray(c, dtype=np.int64)) for c in components if len(c) > 1]
    return sorted(cycles, key=lambda c: (-len(c), int(c[0])))


def _peel(outbound: CSR, alive: np.ndarray) -> None:
    """Remove, round by round, alive nodes no alive node points at (Kahn's algorithm, vectorised)."""
    n = len(alive)
    source_of_slot = np.repeat(np.arange(n), outbound.degree())
    live_slot = alive[source_of_slot] & alive[outbound.indices]
    indegree = np.bincount(outbound.indices[live_slot], minlength=n)
    frontier = np.flatnonzero(alive & (indegree == 0))
    while len(frontier):
        alive[frontier] = False
        starts = outbound.indptr[frontier]
        counts = outbound.indptr[frontier + 1] - starts
        slots = np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))
        targets = outbound.indices[slots]
        lost = np.bincount(targets[alive[targets]], minlength=n)
        indegree -= lost
        frontier = np.flatnonzero((lost > 0) & (indegree == 0))


def _strongly_connected(down: CSR, nodes: np.ndarray, alive: np.ndarray) -> list[list[int]]:
    """Tarjan's algorithm, iterative, over the alive nodes only."""
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    components: list[list[int]] = []
    for root in nodes.tolist():
        if root in order:
            continue
        work = [(root, 0)]
        while work:
            node, next_slot = work.pop()
            if next_slot == 0:
                order[node] = low[node] = len(order)
                stack.append(node)
                on_stack.add(node)
            neighbours = down.indices[down.indptr[node] : down.indptr[node + 1]]
            for slot in range(next_slot, len(neighbours)):
                child = int(neighbours[slot])
                if not alive[child]:
                    continue
                if child not in order:
                    work.append((node, slot + 1))
                    work.append((child, 0))
                    break
                if child in on_stack:
                    low[node] = min(low[node], order[child])
            else:
                if low[node] == order[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(component)
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    return components
