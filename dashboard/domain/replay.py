"""The roll-up of a graph kept up to date while CIs' own statuses change: what since.py replays the history with.

`health.roll_up` passes the rules over every node, MAX_DEPTH + 1 times at most, and answers the last pass. A pass
reads only the one before it, so a node's status after pass k depends on nothing but the own statuses of the CIs
within k hops below it, and on the rules. Keeping every node's status after every pass (a row of PASSES statuses
per node) lets a change of a few own statuses be followed exactly: recompute the rows of the CIs that changed, then
the rows of the CIs that depend on a changed row, and so on upwards until no row changes. The last column is then
the roll-up's answer — the same whatever the graph (cycles, passes that do not rise, a capped roll-up included) —
for work in proportion to what changed, not to the graph.

It ends: column 0 is the own status, right once the changed CIs are recomputed; once the columns before k are right
and stay so, every row whose column k read a changed value is recomputed after that change, so column k is right
after one more round. So there are at most PASSES + 1 rounds, fewer where the change stops rising.
"""

import numpy as np

from dashboard.domain.graph import GraphIndex
from dashboard.domain.health import REDUNDANT_TYPE, inherited, iterations
from dashboard.domain.traverse import MAX_DEPTH, distinct

PASSES = MAX_DEPTH + 2  # the own statuses, then the roll-up's MAX_DEPTH + 1 passes at most


class Replay:
    """A graph's roll-up after every pass, per node, for own statuses that change (see the module)."""

    def __init__(self, index: GraphIndex, own: np.ndarray) -> None:
        down, up = index.dependency_down(), index.dependency_up()
        self._down, self._children = down.indptr, down.indices.astype(np.int64)
        self._up, self._parents = up.indptr, up.indices.astype(np.int64)
        self._redundant = index.edge_type[down.edges] == REDUNDANT_TYPE
        self._size = index.node_count
        self.own = np.asarray(own, dtype=np.int8).copy()
        self.rows = np.empty((index.node_count, PASSES), dtype=np.int8)
        done = 0
        for done, rolled in enumerate(iterations(index, self.own)):
            self.rows[:, done] = rolled
        self.rows[:, done + 1 :] = self.rows[:, done : done + 1]  # a pass that changed nothing: so would the rest
        self.work = 0  # dependency slots read since built: what the changes cost

    def status(self, node: int) -> int:
        """The node's rolled-up status: roll_up's answer for the current own statuses."""
        return int(self.rows[node, -1])

    def set_own(self, nodes: np.ndarray, codes: np.ndarray) -> bool:
        """Give nodes their own statuses (in order: a node named twice keeps the later one); whether any changed."""
        if len(nodes) > 1:
            nodes, last = np.unique(np.asarray(nodes)[::-1], return_index=True)
            codes = np.asarray(codes)[::-1][last]
        nodes = np.asarray(nodes, dtype=np.int64)
        moved = self.own[nodes] != codes
        if not moved.any():
            return False
        nodes = nodes[moved]
        self.own[nodes] = np.asarray(codes)[moved]
        while len(nodes):
            rows = self._rows_of(nodes)
            changed = (rows != self.rows[nodes]).any(axis=1)
            nodes = nodes[changed]
            self.rows[nodes] = rows[changed]
            nodes = self._dependents(nodes)
        return True

    def _rows_of(self, nodes: np.ndarray) -> np.ndarray:
        """The nodes' rows from their own statuses and their dependencies' rows: each pass from the one before."""
        slots, indptr = _slots(self._down, nodes)
        self.work += len(slots) + len(nodes)
        got = inherited(self.rows[self._children[slots], :-1], self._redundant[slots], indptr)
        own = self.own[nodes]
        rows = np.empty((len(nodes), PASSES), dtype=np.int8)
        rows[:, 0] = own
        np.maximum(own[:, None], got, out=rows[:, 1:])
        return rows

    def _dependents(self, nodes: np.ndarray) -> np.ndarray:
        """The nodes that depend directly on any of these, once each."""
        slots, _ = _slots(self._up, nodes)
        return distinct(self._parents[slots], self._size)


def _slots(indptr: np.ndarray, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The CSR slots of some nodes, one run per node in their order, and where each node's run starts."""
    starts = indptr[nodes]
    counts = indptr[nodes + 1] - starts
    runs = np.zeros(len(nodes) + 1, dtype=np.int64)
    np.cumsum(counts, out=runs[1:])
    slots = np.repeat(starts - runs[:-1], counts) + np.arange(runs[-1])
    return slots, runs
