"""What-if: the status of every CI if some CIs failed, by the same roll-up and redundancy rules as live health.

The failed CIs' own status is set to DOWN and health.roll_up does the rest; nothing here restates a rule. At a
million CIs a full roll-up iterates over every edge, so only the part a failure can change is rolled up again:
- the *upward closure* of the failed CIs (they and every CI that depends on them, along dependency edges only:
  roll-up does not cross symmetric links), whose statuses may change;
- the *boundary*: what the closure depends on outside it. No boundary CI depends on a failed CI (else it would be in
  the closure), so its status is today's; it enters the roll-up as a fixed own status, and only the edges from the
  closure are kept, so that each closure CI sees every one of its dependencies and nothing else.
When the closure holds no dependency cycle the roll-up of a CI is a function of its dependencies' final statuses,
worked out bottom-up, so this gives exactly the full roll-up's answer. A cycle can make the full roll-up's answer
depend on the order in which statuses arrive; then the closure's whole downward closure is rolled up again instead,
every CI of it with all of its dependencies, which repeats the full roll-up step for step. A property test checks
both against roll_up over the whole graph (tests/unit/test_whatif_properties.py).
"""

import numpy as np

from dashboard.domain.cycles import dependency_cycles
from dashboard.domain.graph import CSR, GraphIndex
from dashboard.domain.health import roll_up
from dashboard.domain.traverse import ALL_HOPS, Direction, reach
from dashboard.domain.vocabulary import RELATIONSHIP_TYPE_BY_NAME, Health

# "Everything in or behind" a CI: what is located in it, uplinked to it or hosted on it (those depend on it), and
# its members (a cluster depends on them), and so on down the containment: a site's racks, their servers, their VMs.
_INSIDE_BY_DEPENDENTS = tuple(RELATIONSHIP_TYPE_BY_NAME[t].code for t in ("located in", "uplinked to", "hosted on"))
_INSIDE_BY_MEMBERS = (RELATIONSHIP_TYPE_BY_NAME["member of"].code,)


def failed_own(own: np.ndarray, failed: np.ndarray) -> np.ndarray:
    """The own statuses with the failed CIs (positions) DOWN."""
    changed = own.astype(np.int8).copy()
    changed[np.asarray(failed, dtype=np.int64)] = int(Health.DOWN)
    return changed


def what_if(index: GraphIndex, own: np.ndarray, rolled: np.ndarray, failed: np.ndarray) -> np.ndarray:
    """The rolled-up status of every CI if the `failed` CIs (positions) were down; `own` and `rolled` are today's
    (HealthState.own, .rolled). Equal to roll_up(index, failed_own(own, failed)), at the cost of the closure."""
    failed = np.unique(np.asarray(failed, dtype=np.int64))
    result = rolled.astype(np.int8).copy()
    if not len(failed):
        return result
    closure = np.sort(reach(index, failed, Direction.UPSTREAM, ALL_HOPS, follow_links=False).nodes)
    new_own = failed_own(own, failed)
    if _has_cycle(index, closure):
        region = reach(index, closure, Direction.DOWNSTREAM, ALL_HOPS, follow_links=False)
        nodes = np.sort(region.nodes)
        result[nodes] = roll_up(index.induced(nodes, region.edges), new_own[nodes])
        return result
    edges = _dependency_edges_from(index, closure)
    nodes = np.union1d(closure, index.edge_target[edges])
    inside = np.zeros(index.node_count, dtype=bool)
    inside[closure] = True
    # Boundary CIs keep today's status: it is their own status in the sub-graph, where they depend on nothing.
    sub_own = np.where(inside[nodes], new_own[nodes], rolled[nodes]).astype(np.int8)
    sub_rolled = roll_up(index.induced(nodes, edges), sub_own)
    result[closure] = sub_rolled[inside[nodes]]
    return result


def _dependency_edges_from(index: GraphIndex, nodes: np.ndarray) -> np.ndarray:
    """The ids of the dependency edges (not symmetric links) from some nodes to what they depend on, sorted."""
    down = index.down
    starts, counts = down.indptr[nodes], down.indptr[nodes + 1] - down.indptr[nodes]
    total = int(counts.sum())
    slots = np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(total)
    edges = down.edges[slots]
    return np.unique(edges[~index.edge_symmetric[edges]])


def _has_cycle(index: GraphIndex, nodes: np.ndarray) -> bool:
    """True when the dependency edges among some nodes (sorted positions) close a cycle."""
    sub = index.induced(nodes, _within(index, nodes))
    return bool(dependency_cycles(sub))


def _within(index: GraphIndex, nodes: np.ndarray) -> np.ndarray:
    edges = _dependency_edges_from(index, nodes)
    member = np.zeros(index.node_count, dtype=bool)
    member[nodes] = True
    return edges[member[index.edge_target[edges]]]


def contents(index: GraphIndex, containers: np.ndarray) -> np.ndarray:
    """The containers (positions) and everything in or behind them, sorted: what is located in, uplinked to or
    hosted on them and their members, and so on, as far as it goes (cycle-safe)."""
    seen = np.zeros(index.node_count, dtype=bool)
    frontier = np.unique(np.asarray(containers, dtype=np.int64))
    seen[frontier] = True
    while len(frontier):
        found = [
            _neighbours(index.up, index.edge_type, frontier, _INSIDE_BY_DEPENDENTS),
            _neighbours(index.down, index.edge_type, frontier, _INSIDE_BY_MEMBERS),
        ]
        fresh = np.unique(np.concatenate(found))
        frontier = fresh[~seen[fresh]]
        seen[frontier] = True
    return np.flatnonzero(seen)


def _neighbours(csr: CSR, edge_type: np.ndarray, frontier: np.ndarray, types: tuple[int, ...]) -> np.ndarray:
    starts = csr.indptr[frontier]
    counts = csr.indptr[frontier + 1] - starts
    slots = np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))
    kept = np.isin(edge_type[csr.edges[slots]], types)
    return csr.indices[slots[kept]].astype(np.int64)
