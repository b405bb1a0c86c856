"""Since when a service is in trouble: the start of its current degraded-or-down period, from the health history.

The snapshot holds the health events of the health window. Replaying them in time order gives each CI's own status
at every event time (its latest event so far; no data before its first one), and rolling those up (health.py) gives
the service's status at every event time below it. Walking that series back from now, the trouble started at the
earliest point from which every later point is degraded or down.

That start is *known* only when the point before it is a status the history shows (not "no data") and the step into
trouble was not a CI's first event in the window: a CI whose first event in the window says "down" may have been
down long before. Otherwise the trouble started at that point or earlier, and the wall says "since before".
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from dashboard.domain.graph import GraphIndex
from dashboard.domain.health import NO_DATA, roll_up, status_codes
from dashboard.domain.traverse import MAX_DEPTH, Direction, reach
from dashboard.domain.vocabulary import Health

MAX_STEPS = 2_000  # event times replayed per service; older trouble is reported as "since before" the last one seen
WORK = 20_000_000  # nodes + edges rolled up per service, summed over its steps: a service over 100,000 CIs gets 200


@dataclass(frozen=True, slots=True)
class Since:
    """When the current trouble started; `known` False: at that moment or earlier (the history does not say)."""

    at: np.datetime64
    known: bool


@dataclass(frozen=True, slots=True)
class Point:
    """A service's rolled-up status after every event at one time, and whether one of them was a CI's first."""

    at: np.datetime64
    status: int  # a Health code, or NO_DATA
    first_seen: bool


def in_trouble(status: int) -> bool:
    """Degraded or down: what the wall calls not OK (maintenance and unknown are not trouble)."""
    return status >= Health.DEGRADED


def trouble_start(newest_first: Iterable[Point]) -> Since | None:
    """The start of the trouble the newest point is in (None when it is not in trouble), from points newest first."""
    start: Point | None = None
    for point in newest_first:
        if not in_trouble(point.status):
            if start is None:
                return None
            known = point.status != NO_DATA and not start.first_seen
            return Since(start.at, known)
        start = point
    return Since(start.at, False) if start is not None else None


def trouble_since(
    index: GraphIndex, root: int, ci_ids: np.ndarray, statuses: np.ndarray, observed: np.ndarray
) -> Since | None:
    """Since when the node at `root` is degraded or down, from the health events (ci id, status, time)."""
    return trouble_start(status_points(index, root, ci_ids, statuses, observed))


def status_points(
    index: GraphIndex, root: int, ci_ids: np.ndarray, statuses: np.ndarray, observed: np.ndarray
) -> Iterator[Point]:
    """The root's rolled-up status after each event time below it, newest first (lazily: each step is a roll-up)."""
    below = np.sort(reach(index, [root], Direction.DOWNSTREAM, MAX_DEPTH, follow_links=False).nodes)
    sub = index.induced(below)  # a roll-up per event time: over the CIs below the root only
    root = int(np.searchsorted(below, root))
    nodes = sub.locate(np.asarray(ci_ids))
    keep = np.flatnonzero(nodes >= 0)
    if not len(keep):
        return
    times = np.asarray(observed)[keep]
    order = np.lexsort((keep, times))  # time order; events of the same time in row order, as own_status takes them
    rows, times, nodes = keep[order], times[order], nodes[keep[order]]
    codes = status_codes(np.asarray(statuses)[rows])
    previous = _previous_of_same_node(nodes, codes)
    own = np.full(sub.node_count, NO_DATA, dtype=np.int8)
    own[nodes] = codes  # later events overwrite earlier ones: each node's latest
    ends = np.flatnonzero(np.r_[times[1:] != times[:-1], True])  # the last event of each distinct time
    starts = np.r_[0, ends[:-1] + 1]
    steps = max(10, min(MAX_STEPS, WORK // (sub.node_count + sub.edge_count)))
    status, changed = NO_DATA, True
    for step, (first, last) in enumerate(zip(starts[::-1], ends[::-1], strict=True)):
        if step >= steps:
            return  # older points cost too much to replay: the trouble is "since before" the oldest one seen
        if changed:  # a roll-up only where some CI's own status changed (a series repeats its status hour after hour)
            status = int(roll_up(sub, own)[root])
        yield Point(times[last], status, bool((previous[first : last + 1] == NO_DATA).any()))
        before = own.copy() if last - first > 0 else None
        for event in range(last, first - 1, -1):  # undo this time's events, latest first
            own[nodes[event]] = previous[event]
        changed = bool((before != own).any()) if before is not None else previous[last] != codes[last]


def _previous_of_same_node(nodes: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """For events in time order: the status of the same node's event before each one (NO_DATA for its first)."""
    by_node = np.lexsort((np.arange(len(nodes)), nodes))
    previous = np.full(len(nodes), NO_DATA, dtype=np.int8)
    same = nodes[by_node][1:] == nodes[by_node][:-1]
    previous[by_node[1:][same]] = codes[by_node[:-1][same]]
    return previous
