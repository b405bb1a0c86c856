"""Incident and change overlays: per node, how many open incidents (and the worst priority) and recent changes."""

from dataclasses import dataclass

import numpy as np

from dashboard.domain.graph import GraphIndex
from dashboard.domain.vocabulary import INCIDENT_OPEN_STATES

NO_PRIORITY = 0  # priorities run 1 (critical) … 5; 0 means no open incident


@dataclass(frozen=True, slots=True)
class IncidentOverlay:
    """Open incidents per node and the worst (lowest number) priority among them."""

    open_count: np.ndarray  # int32
    worst_priority: np.ndarray  # int8, NO_PRIORITY when none
    by_priority: np.ndarray  # int32, shape (nodes, 5): open incidents of priority 1 … 5

    def counts_of(self, nodes: np.ndarray) -> tuple[int, ...]:
        """Open incidents of priority 1 … 5 summed over some nodes."""
        return tuple(int(c) for c in self.by_priority[nodes].sum(axis=0))


def is_open(states: np.ndarray) -> np.ndarray:
    """True for incident states that count as open (any case, surrounding blanks ignored)."""
    uniques, inverse = np.unique(np.asarray(states, dtype=object).astype(str), return_inverse=True)
    open_states = np.array([u.strip().lower() in INCIDENT_OPEN_STATES for u in uniques], dtype=bool)
    return open_states[inverse] if len(uniques) else np.empty(0, dtype=bool)


def incident_overlay(
    index: GraphIndex, ci_ids: np.ndarray, states: np.ndarray, priorities: np.ndarray
) -> IncidentOverlay:
    """Count the open incidents of every node; priorities outside 1–5 count as 5."""
    n = index.node_count
    nodes = index.locate(np.asarray(ci_ids))
    keep = (nodes >= 0) & is_open(states)
    priority = np.nan_to_num(np.asarray(priorities, dtype=float)[keep], nan=5).clip(1, 5).astype(np.int8)
    return overlay_of(n, nodes[keep], priority)


def overlay_of(node_count: int, nodes: np.ndarray, priority: np.ndarray) -> IncidentOverlay:
    """The overlay of open incidents given as their nodes and priorities (1 … 5)."""
    counts = np.bincount(nodes, minlength=node_count).astype(np.int32)
    worst = np.full(node_count, 6, dtype=np.int8)
    np.minimum.at(worst, nodes, priority)
    worst[worst == 6] = NO_PRIORITY
    by_priority = np.zeros((node_count, 5), dtype=np.int32)
    np.add.at(by_priority, (nodes, priority.astype(np.int64) - 1), 1)
    return IncidentOverlay(counts, worst, by_priority)


def change_counts(
    index: GraphIndex, ci_ids: np.ndarray, starts: np.ndarray, since: np.datetime64, until: np.datetime64
) -> np.ndarray:
    """Changes per node whose start (actual, else planned) falls in [since, until]."""
    nodes = index.locate(np.asarray(ci_ids))
    starts = np.asarray(starts, dtype="datetime64[ns]")
    keep = (nodes >= 0) & ~np.isnat(starts) & (starts >= since) & (starts <= until)
    return np.bincount(nodes[keep], minlength=index.node_count).astype(np.int32)
