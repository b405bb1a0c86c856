"""What-if: the status of every CI if some CIs failed, by the same roll-up and redundancy rules as live health.

The failed CIs' own status is set to DOWN; every rule is health.py's (`inherited`, `roll_up`), none is restated
here. The answer is roll_up(index, failed_own(own, failed)), worked out without a pass over every CI:
- *propagation*: today's rolled-up statuses already satisfy every CI's rule; only a CI whose dependencies changed
  can change. From the failed CIs, round by round, the CIs that depend on a changed CI get their status again from
  their dependencies (health.inherited), until nothing changes. Where the dependencies hold no cycle, a CI's settled
  status is a function of its dependencies' settled statuses, worked out bottom-up, so this is exactly the full
  roll-up's answer, at the cost of what changes (redundancy and CIs already down stop it early).
- *replay below cycles*: in a dependency cycle the full roll-up's answer can depend on the order in which statuses
  arrive. When a failed CI lies beneath a cycle, the cycles' CIs and everything beneath them (a part of the graph
  closed downwards, kept per snapshot in the basis) are rolled up again with roll_up itself, which repeats the full
  roll-up step for step there; the propagation then goes on from those answers and never touches them.
The full roll-up stops at a fixed point (or after MAX_DEPTH + 1 rounds: a dependency chain that long is a data
error); property tests check both paths against roll_up over the whole graph (tests/unit/test_whatif_properties.py).
"""

from dataclasses import dataclass

import numpy as np

from dashboard.domain.cycles import dependency_cycles
from dashboard.domain.graph import CSR, GraphIndex
from dashboard.domain.health import inherited, roll_up
from dashboard.domain.traverse import ALL_HOPS, Direction, distinct, reach
from dashboard.domain.vocabulary import RELATIONSHIP_TYPE_BY_NAME, Health

# "Everything in or behind" a CI: what is located in it, uplinked to it or hosted on it (those depend on it), and
# its members (a cluster depends on them), and so on down the containment: a site's racks, their servers, their VMs.
_INSIDE_BY_DEPENDENTS = tuple(RELATIONSHIP_TYPE_BY_NAME[t].code for t in ("located in", "uplinked to", "hosted on"))
_INSIDE_BY_MEMBERS = (RELATIONSHIP_TYPE_BY_NAME["member of"].code,)


@dataclass(frozen=True, slots=True)
class WhatIfBasis:
    """What a what-if needs of a graph, worked out once per snapshot: the walks along dependency edges only, and the
    dependency cycles' CIs with everything beneath them (positions, sorted) and their sub-graph."""

    up: CSR
    down: CSR
    below_cycles: np.ndarray  # bool per node: in a dependency cycle or beneath one
    replayed: np.ndarray  # positions of those nodes, sorted
    replay_index: GraphIndex  # the sub-graph of those nodes (closed downwards: each with all its dependencies)


def what_if_basis(index: GraphIndex) -> WhatIfBasis:
    """The basis of a graph (at a million CIs: the cost of finding its dependency cycles)."""
    cycles = dependency_cycles(index)
    roots = np.concatenate(cycles) if cycles else np.empty(0, dtype=np.int64)
    below = reach(index, roots, Direction.DOWNSTREAM, ALL_HOPS, follow_links=False)
    replayed = np.sort(below.nodes)
    mask = np.zeros(index.node_count, dtype=bool)
    mask[replayed] = True
    sub = index.induced(replayed, below.edges)
    return WhatIfBasis(index.dependency_up(), index.dependency_down(), mask, replayed, sub)


def failed_own(own: np.ndarray, failed: np.ndarray) -> np.ndarray:
    """The own statuses with the failed CIs (positions) DOWN."""
    changed = own.astype(np.int8).copy()
    changed[np.asarray(failed, dtype=np.int64)] = int(Health.DOWN)
    return changed


def what_if(
    index: GraphIndex, own: np.ndarray, rolled: np.ndarray, failed: np.ndarray, basis: WhatIfBasis | None = None
) -> np.ndarray:
    """The rolled-up status of every CI if the `failed` CIs (positions) were down; `own` and `rolled` are today's
    (HealthState.own, .rolled). Equal to roll_up(index, failed_own(own, failed))."""
    failed = np.unique(np.asarray(failed, dtype=np.int64))
    result = rolled.astype(np.int8).copy()
    if not len(failed):
        return result
    basis = basis if basis is not None else what_if_basis(index)
    new_own = failed_own(own, failed)
    fixed = np.zeros(index.node_count, dtype=bool)
    fixed[failed] = True  # DOWN whatever their dependencies say: nothing is above DOWN
    result[failed] = int(Health.DOWN)
    if basis.below_cycles[failed].any():
        replayed = basis.replayed
        result[replayed] = roll_up(basis.replay_index, new_own[replayed])
        fixed[replayed] = True
    changed = np.flatnonzero(fixed & (result != rolled))
    _propagate(index, basis, new_own, result, fixed, changed)
    return result


def _propagate(
    index: GraphIndex, basis: WhatIfBasis, own: np.ndarray, result: np.ndarray, fixed: np.ndarray, changed: np.ndarray
) -> None:
    """Round by round, the CIs that depend on a changed CI (and are not fixed) take their status again from their
    dependencies, until nothing changes; `result` is updated in place. Ends: the CIs it touches hold no cycle."""
    for _ in range(index.node_count + 1):
        if not len(changed):
            return
        parents = _neighbours(basis.up, changed)
        parents = distinct(parents, index.node_count)
        parents = parents[~fixed[parents]]
        if not len(parents):
            return
        status = np.maximum(own[parents], inherited(index, _rows(basis.down, parents), result))
        moved = status != result[parents]
        changed = parents[moved]
        result[changed] = status[moved]


def _rows(csr: CSR, nodes: np.ndarray) -> CSR:
    """The CSR of some nodes only: one row each, in order, with their slots (positions stay the whole graph's)."""
    starts, counts = csr.indptr[nodes], csr.indptr[nodes + 1] - csr.indptr[nodes]
    indptr = np.zeros(len(nodes) + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    slots = np.repeat(starts - indptr[:-1], counts) + np.arange(int(indptr[-1]))
    return CSR(indptr, csr.indices[slots], csr.edges[slots])


def contents(index: GraphIndex, containers: np.ndarray) -> np.ndarray:
    """The containers (positions) and everything in or behind them, sorted: what is located in, uplinked to or
    hosted on them and their members, and so on, as far as it goes (cycle-safe)."""
    seen = np.zeros(index.node_count, dtype=bool)
    frontier = np.unique(np.asarray(containers, dtype=np.int64))
    seen[frontier] = True
    while len(frontier):
        found = [
            _neighbours(index.up, frontier, index.edge_type, _INSIDE_BY_DEPENDENTS),
            _neighbours(index.down, frontier, index.edge_type, _INSIDE_BY_MEMBERS),
        ]
        fresh = np.unique(np.concatenate(found))
        frontier = fresh[~seen[fresh]]
        seen[frontier] = True
    return np.flatnonzero(seen)


def _neighbours(
    csr: CSR, frontier: np.ndarray, edge_type: np.ndarray | None = None, types: tuple[int, ...] = ()
) -> np.ndarray:
    """The neighbours of the frontier's nodes in a CSR (with repeats); with edge_type, over edges of those types."""
    rows = _rows(csr, frontier)
    if edge_type is None:
        return rows.indices.astype(np.int64)
    return rows.indices[np.isin(edge_type[rows.edges], types)].astype(np.int64)
