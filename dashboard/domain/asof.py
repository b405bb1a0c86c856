"""Time travel: statuses, open incidents and changes as they were at a time T, and what changed between T1 and T2.

- **Statuses as of T**: each CI's own status is its last health event at or before T (within the snapshot's health
  window; no data before its first), rolled up with the same rules as now (health.roll_up). The events are sorted
  once per snapshot by (CI, time, row) into one int64 key per event, so that each CI's last event before T is one
  `searchsorted`; only the CIs asked about and everything they depend on are rolled up.
- **Incidents open at T**: opened at or before T and not resolved by T (resolved empty or after T). A closed incident
  without a resolution time is left out: when it closed is unknown.
- **Changes before T**: changes whose start (actual, else planned) falls in the days before T (overlays.change_counts).
- **What changed between T1 and T2**: CIs whose rolled-up status differs (before, after), incidents opened and
  incidents resolved in (T1, T2], changes that started in (T1, T2].

The topology is today's: the CMDB keeps no history of its relationships, so the past is drawn on today's graph.
Times are int64 ns since the epoch (UTC, naive).
"""

from dataclasses import dataclass

import numpy as np

from dashboard.domain.graph import GraphIndex
from dashboard.domain.health import NO_DATA, HealthState, roll_up
from dashboard.domain.overlays import IncidentOverlay, overlay_of
from dashboard.domain.traverse import MAX_DEPTH, Direction, reach
from dashboard.domain.vocabulary import INCIDENT_OPEN_STATES

NEVER = np.iinfo(np.int64).max  # a time after every time: "not resolved", "never opened"


@dataclass(frozen=True, slots=True)
class HealthHistory:
    """Health events keyed by (node, time rank) in one sorted int64 array: a CI's last event before T is a
    searchsorted."""

    keys: np.ndarray  # int64: node * stride + rank of the event's time, sorted (ties: in row order)
    codes: np.ndarray  # int8 Health code of each event, in key order
    rows: np.ndarray  # int64 row of each event in the health table
    times: np.ndarray  # int64 ns: the distinct event times, sorted (rank r is times[r])
    stride: int

    @property
    def first(self) -> int | None:
        """The time of the oldest event (None without events)."""
        return int(self.times[0]) if len(self.times) else None

    @property
    def last(self) -> int | None:
        """The time of the newest event (None without events)."""
        return int(self.times[-1]) if len(self.times) else None


@dataclass(frozen=True, slots=True)
class IncidentHistory:
    """Incidents that name a CI: node, priority 1 … 5, opened and resolved (NEVER when not) in ns, table row."""

    nodes: np.ndarray
    priorities: np.ndarray  # int8
    opened: np.ndarray
    resolved: np.ndarray
    rows: np.ndarray


@dataclass(frozen=True, slots=True)
class Difference:
    """What changed between T1 and T2: status changes (node, before, after), incident and change table rows."""

    nodes: np.ndarray  # nodes whose rolled-up status differs
    before: np.ndarray  # int8 Health code (NO_DATA: no data) at T1
    after: np.ndarray  # … at T2
    opened: np.ndarray  # incident rows opened in (T1, T2]
    resolved: np.ndarray  # incident rows resolved in (T1, T2]
    changes: np.ndarray  # change rows that started in (T1, T2]


def health_history(nodes: np.ndarray, codes: np.ndarray, times: np.ndarray) -> HealthHistory:
    """The history of events (node position, -1 for no CI; Health code; ns), sorted once."""
    nodes = np.asarray(nodes, dtype=np.int64)
    rows = np.flatnonzero(nodes >= 0)
    stamps = np.asarray(times, dtype=np.int64)[rows]
    distinct, rank = np.unique(stamps, return_inverse=True)
    stride = len(distinct) + 1
    keys = nodes[rows] * stride + rank.astype(np.int64)
    order = np.argsort(keys, kind="stable")  # stable: events of one CI at one time stay in row order
    return HealthHistory(keys[order], np.asarray(codes, dtype=np.int8)[rows[order]], rows[order], distinct, stride)


def own_at(history: HealthHistory, at: int, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For some nodes: the status of each one's last event at or before `at` (NO_DATA: none) and its row (-1)."""
    nodes = np.asarray(nodes, dtype=np.int64)
    if not len(history.keys):
        return np.full(len(nodes), NO_DATA, dtype=np.int8), np.full(len(nodes), -1, dtype=np.int64)
    rank = np.searchsorted(history.times, at, side="right")  # distinct times at or before `at`
    found = np.searchsorted(history.keys, nodes * history.stride + rank, side="left") - 1
    ok = found >= 0
    ok[ok] = history.keys[found[ok]] // history.stride == nodes[ok]
    codes = np.where(ok, history.codes[np.maximum(found, 0)], NO_DATA).astype(np.int8)
    rows = np.where(ok, history.rows[np.maximum(found, 0)], -1).astype(np.int64)
    return codes, rows


def health_at(index: GraphIndex, history: HealthHistory, at: int, needed: np.ndarray | None = None) -> HealthState:
    """Own and rolled-up statuses as of `at`: of every node, or (faster) right for the `needed` nodes only — the
    others read NO_DATA unless something needed depends on them."""
    if needed is None:
        own, rows = own_at(history, at, np.arange(index.node_count))
        return HealthState(own, rows, roll_up(index, own))
    walked = reach(index, np.asarray(needed), Direction.DOWNSTREAM, MAX_DEPTH, follow_links=False)
    below = np.sort(walked.nodes)
    own_sub, rows_sub = own_at(history, at, below)
    own = np.full(index.node_count, NO_DATA, dtype=np.int8)
    own_row = np.full(index.node_count, -1, dtype=np.int64)
    rolled = np.full(index.node_count, NO_DATA, dtype=np.int8)
    own[below], own_row[below] = own_sub, rows_sub
    rolled[below] = roll_up(index.induced(below, walked.edges), own_sub)  # the walk's edges: no pass over all
    return HealthState(own, own_row, rolled)


def incident_history(
    nodes: np.ndarray, priorities: np.ndarray, states: np.ndarray, opened: np.ndarray, resolved: np.ndarray
) -> IncidentHistory:
    """The incidents that name a CI, as times; priorities outside 1–5 count as 5, as the overlay has them."""
    nodes = np.asarray(nodes, dtype=np.int64)
    starts, ends, known = incident_times(states, opened, resolved)
    rows = np.flatnonzero(known & (nodes >= 0))
    priority = np.nan_to_num(np.asarray(priorities, dtype=float), nan=5).clip(1, 5).astype(np.int8)
    return IncidentHistory(nodes[rows], priority[rows], starts[rows], ends[rows], rows)


def incident_times(states: np.ndarray, opened: np.ndarray, resolved: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per incident: opened and resolved in ns (NEVER while open), and whether both are known (a closed incident
    without a resolution time is not: when it closed is unknown; one without an opening time neither)."""
    opened = np.asarray(opened, dtype="datetime64[ns]")
    resolved = np.asarray(resolved, dtype="datetime64[ns]")
    state = np.asarray(states, dtype=object).astype(str)
    open_now = np.isin(np.char.lower(np.char.strip(state)), INCIDENT_OPEN_STATES)
    known = ~np.isnat(opened) & (open_now | ~np.isnat(resolved))
    ends = np.where(open_now | np.isnat(resolved), NEVER, resolved.astype(np.int64))
    return opened.astype(np.int64), ends, known


def open_rows_at(states: np.ndarray, opened: np.ndarray, resolved: np.ndarray, at: int) -> np.ndarray:
    """Rows of the incidents (those that name no CI too) open at `at`: opened by then, not resolved by then."""
    starts, ends, known = incident_times(states, opened, resolved)
    return np.flatnonzero(known & (starts <= at) & (ends > at))


def open_at(incidents: IncidentHistory, at: int) -> np.ndarray:
    """Positions (into the history) of the incidents open at `at`."""
    return np.flatnonzero((incidents.opened <= at) & (incidents.resolved > at))


def incidents_at(node_count: int, incidents: IncidentHistory, at: int) -> IncidentOverlay:
    """The incident overlay as of `at`: open incidents per node and the worst priority."""
    found = open_at(incidents, at)
    return overlay_of(node_count, incidents.nodes[found], incidents.priorities[found])


def what_changed(
    index: GraphIndex,
    history: HealthHistory,
    incidents: IncidentHistory,
    change_starts: np.ndarray,
    between: tuple[int, int],
    nodes: np.ndarray | None = None,
) -> Difference:
    """Status changes of `nodes` (default: every CI), incidents opened and resolved, and changes, in (T1, T2]."""
    t1, t2 = between
    before = health_at(index, history, t1, nodes).rolled
    after = health_at(index, history, t2, nodes).rolled
    looked = np.arange(index.node_count) if nodes is None else np.unique(np.asarray(nodes, dtype=np.int64))
    moved = looked[before[looked] != after[looked]]
    starts = np.asarray(change_starts, dtype="datetime64[ns]")
    stamps = np.where(np.isnat(starts), NEVER, starts.astype(np.int64))
    return Difference(
        nodes=moved,
        before=before[moved],
        after=after[moved],
        opened=incidents.rows[(incidents.opened > t1) & (incidents.opened <= t2)],
        resolved=incidents.rows[(incidents.resolved > t1) & (incidents.resolved <= t2)],
        changes=np.flatnonzero((stamps > t1) & (stamps <= t2)),
    )


def worst_between(history: HealthHistory, nodes: np.ndarray, start: int, at: int) -> np.ndarray:
    """Each node's worst status over [start, at]: the status in effect at `start` and every event after it up to
    `at` (NO_DATA: none) — a day cut at T, as /health counts the day T falls in."""
    nodes = np.asarray(nodes, dtype=np.int64)
    carried, _ = own_at(history, start, nodes)
    if not len(history.keys) or not len(nodes):
        return carried
    ranks = history.keys % history.stride
    low, high = np.searchsorted(history.times, [start, at], side="right")  # ranks after start, up to at
    inside = (ranks >= low) & (ranks < high)
    owners = history.keys[inside] // history.stride
    worst = np.full(max(int(nodes.max()), int(owners.max(initial=0))) + 1, NO_DATA, dtype=np.int8)
    np.maximum.at(worst, owners, history.codes[inside])
    return np.maximum(carried, worst[nodes])
