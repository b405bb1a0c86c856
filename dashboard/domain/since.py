"""Since when a service is in trouble: the start of its current degraded-or-down period, from the health history.

The snapshot holds the health events of the health window. Replaying them in time order gives each CI's own status
at every event time (its latest event so far; no data before its first one), and rolling those up (health.py) gives
the service's status at every event time below it. Walking that series back from now, the trouble started at the
earliest point from which every later point is degraded or down.

That start is *known* only when the point before it is a status the history shows (not "no data") and the step into
trouble was not a CI's first event in the window: a CI whose first event in the window says "down" may have been
down long before. Otherwise the trouble started at that point or earlier, and the wall says "since before".

No roll-up is needed to find it. Every rule of health.py passes "degraded or down" upwards (worst-of; a group is at
least degraded when one monitored member is degraded or down; a CI is at least its own status) and none makes it
from anything else, so after each pass of the roll-up a CI is degraded or down exactly when a CI within that many
hops below it has its own status degraded or down. Every CI below a service is within MAX_DEPTH hops (that is how
the walk found it), and the roll-up makes MAX_DEPTH + 1 passes or stops at a pass that changes nothing: so a service
is in trouble at a time exactly when some CI below it has its own status degraded or down then. Likewise it has no
data exactly when no CI below it has an event yet, which is never the case at an event time below it. So the series
is a count of the CIs below the service whose latest event says degraded or down, kept over their events in time
order — exact, and in proportion to the events below the service (tests/unit/test_since_replay.py checks it against
a full roll-up at every time).
"""

from dataclasses import dataclass, replace

import numpy as np

from dashboard.domain.graph import GraphIndex
from dashboard.domain.health import NO_DATA
from dashboard.domain.traverse import MAX_DEPTH, Direction, reach
from dashboard.domain.vocabulary import Health


@dataclass(frozen=True, slots=True)
class Since:
    """When the current trouble started; `known` False: at that moment or earlier (the history does not say)."""

    at: np.datetime64
    known: bool


@dataclass(frozen=True, slots=True)
class Timeline:
    """Health events about CIs in time order (ties in row order): Health code, time, and the code of the same CI's
    event before each one (NO_DATA for its first); and each CI's events, `by_node[node_starts[n]:node_starts[n + 1]]`
    being the positions (in time order) of node n's. The events as of a time are the first `end` of them."""

    codes: np.ndarray  # int8
    times: np.ndarray  # datetime64[ns]
    previous: np.ndarray  # int8
    by_node: np.ndarray  # int32 positions into the arrays above, node by node, each node's in time order
    node_starts: np.ndarray  # int64, node count + 1
    end: int

    def until(self, at: np.datetime64) -> "Timeline":
        """The events at or before a time."""
        return replace(self, end=int(np.searchsorted(self.times[: self.end], np.datetime64(at, "ns"), side="right")))

    def of_nodes(self, nodes: np.ndarray) -> np.ndarray:
        """The positions, in time order, of the events about some nodes (distinct positions)."""
        starts = self.node_starts[nodes]
        counts = self.node_starts[nodes + 1] - starts
        runs = np.cumsum(counts)
        slots = np.repeat(starts - (runs - counts), counts) + np.arange(runs[-1] if len(runs) else 0)
        found = np.sort(self.by_node[slots])
        return found[: np.searchsorted(found, self.end)]


def timeline(nodes: np.ndarray, codes: np.ndarray, times: np.ndarray, node_count: int) -> Timeline:
    """The events (node position, -1 for no CI; Health code; time) about CIs in time order, once per snapshot."""
    nodes = np.asarray(nodes, dtype=np.int64)
    about = np.flatnonzero(nodes >= 0)
    stamps = np.asarray(times).astype("datetime64[ns]")[about]
    order = np.argsort(stamps, kind="stable")  # ties in row order; no time (NaT) last, each a time of its own
    rows = about[order]
    nodes, codes = nodes[rows], np.asarray(codes, dtype=np.int8)[rows]
    # Node by node, each node's events in time order: distinct keys, so any sort keeps that order (and the default
    # sort is faster than a stable one).
    keys = nodes * len(nodes) + np.arange(len(nodes))
    by_node = np.argsort(keys).astype(np.int32 if len(nodes) < 2**31 else np.int64)  # int32: half the memory
    previous = np.full(len(nodes), NO_DATA, dtype=np.int8)
    same = nodes[by_node][1:] == nodes[by_node][:-1]
    previous[by_node[1:][same]] = codes[by_node[:-1][same]]
    node_starts = np.zeros(node_count + 1, dtype=np.int64)
    np.cumsum(np.bincount(nodes, minlength=node_count), out=node_starts[1:])
    return Timeline(codes, stamps[order], previous, by_node, node_starts, len(nodes))


def trouble_since(index: GraphIndex, root: int, events: Timeline, below: np.ndarray | None = None) -> Since | None:
    """Since when the node at `root` is degraded or down, from the health events (None when it is not); `below`:
    the nodes it depends on (with itself) when the caller has walked them already."""
    if below is None:
        below = reach(index, [root], Direction.DOWNSTREAM, MAX_DEPTH, follow_links=False).nodes
    found = events.of_nodes(below)
    if not len(found):
        return None
    codes, previous, times = events.codes[found], events.previous[found], events.times[found]
    bad = (codes >= Health.DEGRADED).astype(np.int64) - (previous >= Health.DEGRADED)
    ends = np.flatnonzero(np.r_[times[1:] != times[:-1], True])  # the last event of each distinct time
    starts = np.r_[0, ends[:-1] + 1]
    in_trouble = np.cumsum(bad)[ends] > 0  # CIs below the root degraded or down after each time's events
    first_seen = np.logical_or.reduceat(previous == NO_DATA, starts)  # a CI's first event in the window
    return trouble_start(times[ends], in_trouble, first_seen)


def trouble_start(times: np.ndarray, in_trouble: np.ndarray, first_seen: np.ndarray) -> Since | None:
    """The start of the trouble the newest point is in (None when it is not in trouble), from points oldest first:
    their times, whether each is in trouble, and whether a CI's first event is among each one's events."""
    if not len(times) or not in_trouble[-1]:
        return None
    calm = np.flatnonzero(~in_trouble)
    if not len(calm):
        return Since(times[0], False)  # in trouble from the first point on: then or earlier
    start = int(calm[-1]) + 1
    return Since(times[start], not bool(first_seen[start]))
