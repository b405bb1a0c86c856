"""Which CIs matter when a CMDB has no business services: the map's opening CI, the wall's most troubled CIs, and
CIs grouped by a key (class, location, owner …) with their worst status and open incidents.

Pure numpy over per-node arrays, so that the map, the wall and the API rank CIs the same way.
"""

from dataclasses import dataclass

import numpy as np

from dashboard.domain.graph import GraphIndex
from dashboard.domain.vocabulary import Health


def dependents(index: GraphIndex) -> np.ndarray:
    """Per node: the relationships that make another CI depend on it (symmetric links are not dependency)."""
    carries = ~index.edge_symmetric
    return np.bincount(index.edge_target[carries], minlength=index.node_count)


def links(index: GraphIndex) -> np.ndarray:
    """Per node: the symmetric links (network connections) it has."""
    linked = index.edge_symmetric
    ends = np.concatenate([index.edge_source[linked], index.edge_target[linked]])
    return np.bincount(ends, minlength=index.node_count)


def weight(index: GraphIndex) -> np.ndarray:
    """Per node: how much else stands on it or is joined to it (dependents plus links), the tie-break of trouble."""
    return dependents(index) + links(index)


def connected(index: GraphIndex) -> np.ndarray:
    """Per node: True when at least one relationship joins it to another CI (False: an orphan)."""
    return (index.up.degree() + index.down.degree()) > 0


def opening_ci(index: GraphIndex, status: np.ndarray, by_priority: np.ndarray) -> int | None:
    """The node a map opens on when there is no business service: the first in `trouble_order` (down, degraded, open
    P1 … P5 incidents, most dependents) among the CIs that have a relationship; never an orphan while any CI has one.
    None without CIs."""
    if not index.node_count:
        return None
    linked = connected(index)
    candidates = np.flatnonzero(linked) if linked.any() else np.arange(index.node_count)
    first = most_troubled(np.asarray(status)[candidates], by_priority[candidates], weight(index)[candidates], 1)
    return int(candidates[first[0]])


def trouble_order(status: np.ndarray, by_priority: np.ndarray, dependents_: np.ndarray) -> np.ndarray:
    """All nodes, most troubled first: down, then degraded, then by open P1 … P5 incidents, dependents, position.

    `by_priority` holds the open incidents of priority 1 … 5 per node (shape nodes × 5). OK, maintenance and unknown
    are not trouble: they rank alike.
    """
    n = len(status)
    keys = [np.arange(n), -dependents_.astype(np.int64)]
    keys += [-by_priority[:, p].astype(np.int64) for p in range(by_priority.shape[1] - 1, -1, -1)]
    status = np.asarray(status, dtype=np.int64)
    keys.append(-np.where(status >= Health.DEGRADED, status, 0))
    return np.lexsort(keys) if n else np.empty(0, dtype=np.int64)


def most_troubled(status: np.ndarray, by_priority: np.ndarray, dependents_: np.ndarray, limit: int) -> np.ndarray:
    """The `limit` nodes first in `trouble_order`, without sorting every node of a large CMDB.

    Every troubled node is a candidate (a few thousand at most in practice); when they are too few, the nodes with
    most dependents fill up (ties by position), then only the candidates are sorted.
    """
    status = np.asarray(status)
    troubled = is_troubled(status, by_priority.sum(axis=1))
    candidates = np.flatnonzero(troubled)
    if len(candidates) < limit:
        rest = np.flatnonzero(~troubled)
        need = limit - len(candidates)
        if len(rest) > need:
            values = dependents_[rest]
            threshold = np.partition(values, len(rest) - need)[len(rest) - need]
            above = rest[values > threshold]
            rest = np.concatenate([above, rest[values == threshold][: need - len(above)]])
        candidates = np.concatenate([candidates, rest])
    order = trouble_order(status[candidates], by_priority[candidates], dependents_[candidates])
    return candidates[order][:limit]


def is_troubled(status: np.ndarray, open_incidents: np.ndarray) -> np.ndarray:
    """Per node: degraded or down, or with an open incident."""
    return (np.asarray(status) >= Health.DEGRADED) | (np.asarray(open_incidents) > 0)


@dataclass(frozen=True, slots=True)
class Group:
    """CIs sharing one value of a key: how many, how many are degraded or down, their worst status and incidents."""

    code: int  # the key's code (a label elsewhere says what it stands for)
    members: int
    failing: int  # degraded or down
    status: Health  # worst member status
    incidents: tuple[int, ...]  # open incidents of priority 1 … 5 over the members


def groups(codes: np.ndarray, status: np.ndarray, by_priority: np.ndarray) -> tuple[Group, ...]:
    """The groups of nodes by code (-1: the node has no value and belongs to no group), most troubled first.

    Most troubled: worst status, then most failing members, then open P1 … P5 incidents, then most members.
    """
    codes = np.asarray(codes, dtype=np.int64)
    keep = codes >= 0
    if not keep.any():
        return ()
    size = int(codes[keep].max()) + 1
    kept, status_kept = codes[keep], np.asarray(status, dtype=np.int64)[keep]
    members = np.bincount(kept, minlength=size)
    failing = np.bincount(kept, weights=status_kept >= Health.DEGRADED, minlength=size).astype(np.int64)
    worst = np.full(size, -1, dtype=np.int64)
    np.maximum.at(worst, kept, status_kept)
    # One bincount per priority: np.add.at over a million rows is ten times slower.
    incidents = np.stack(
        [np.bincount(kept, weights=by_priority[keep, p], minlength=size) for p in range(by_priority.shape[1])], axis=1
    ).astype(np.int64)
    present = np.flatnonzero(members)
    keys = [present, -members[present]]
    keys += [-incidents[present, p] for p in range(incidents.shape[1] - 1, -1, -1)]
    keys += [-failing[present], -worst[present]]
    order = present[np.lexsort(keys)]
    return tuple(
        Group(int(c), int(members[c]), int(failing[c]), Health(int(worst[c])), tuple(int(i) for i in incidents[c]))
        for c in order
    )
