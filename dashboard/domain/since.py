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
from dashboard.domain.health import NO_DATA
from dashboard.domain.replay import Replay
from dashboard.domain.traverse import MAX_DEPTH, Direction, reach
from dashboard.domain.vocabulary import Health

WORK = 200_000_000  # dependency slots read per service while replaying; older trouble is "since before" the last seen


@dataclass(frozen=True, slots=True)
class Since:
    """When the current trouble started; `known` False: at that moment or earlier (the history does not say)."""

    at: np.datetime64
    known: bool


@dataclass(frozen=True, slots=True)
class Timeline:
    """Health events about CIs in time order (ties in row order): node position, Health code, time, and the code of
    the same node's event before each one (NO_DATA for its first). The events as of a time are a prefix of these."""

    nodes: np.ndarray  # int64
    codes: np.ndarray  # int8
    times: np.ndarray  # datetime64[ns]
    previous: np.ndarray  # int8

    def until(self, at: np.datetime64) -> "Timeline":
        """The events at or before a time."""
        end = int(np.searchsorted(self.times, np.datetime64(at, "ns"), side="right"))
        return Timeline(self.nodes[:end], self.codes[:end], self.times[:end], self.previous[:end])


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


def trouble_since(index: GraphIndex, root: int, events: Timeline) -> Since | None:
    """Since when the node at `root` is degraded or down, from the health events."""
    return trouble_start(status_points(index, root, events))


def status_points(index: GraphIndex, root: int, events: Timeline) -> Iterator[Point]:
    """The root's rolled-up status after each event time below it, newest first (lazily: each step undoes one time's
    events and follows what they change upwards, see replay.py)."""
    walked = reach(index, [root], Direction.DOWNSTREAM, MAX_DEPTH, follow_links=False)
    below = np.sort(walked.nodes)
    inside = np.zeros(index.node_count, dtype=bool)
    inside[below] = True
    keep = np.flatnonzero(inside[events.nodes])  # the events below the root, still in time order
    if not len(keep):
        return
    sub = index.induced(below, walked.edges)  # the walk's edges are every dependency among these CIs
    root = int(np.searchsorted(below, root))
    nodes = np.searchsorted(below, events.nodes[keep])
    times, codes, previous = events.times[keep], events.codes[keep], events.previous[keep]
    own = np.full(sub.node_count, NO_DATA, dtype=np.int8)
    own[nodes] = codes  # later events overwrite earlier ones: each node's latest
    replay = Replay(sub, own)
    ends = np.flatnonzero(np.r_[times[1:] != times[:-1], True])  # the last event of each distinct time
    starts = np.r_[0, ends[:-1] + 1]
    for first, last in zip(starts[::-1], ends[::-1], strict=True):
        if replay.work > WORK:
            return  # older points cost too much to replay: the trouble is "since before" the oldest one seen
        yield Point(times[last], replay.status(root), bool((previous[first : last + 1] == NO_DATA).any()))
        replay.set_own(nodes[first : last + 1][::-1], previous[first : last + 1][::-1])  # undo, latest first


def timeline(nodes: np.ndarray, codes: np.ndarray, times: np.ndarray) -> Timeline:
    """The events (node position, -1 for no CI; Health code; time) about CIs in time order, once per snapshot."""
    nodes = np.asarray(nodes, dtype=np.int64)
    about = np.flatnonzero(nodes >= 0)
    stamps = np.asarray(times).astype("datetime64[ns]")[about]
    order = np.argsort(stamps, kind="stable")  # ties in row order; no time (NaT) last, each a time of its own
    rows = about[order]
    nodes, codes = nodes[rows], np.asarray(codes, dtype=np.int8)[rows]
    return Timeline(nodes, codes, stamps[order], _previous_of_same_node(nodes, codes))


def _previous_of_same_node(nodes: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """For events in time order: the status of the same node's event before each one (NO_DATA for its first)."""
    by_node = np.argsort(nodes, kind="stable")
    previous = np.full(len(nodes), NO_DATA, dtype=np.int8)
    same = nodes[by_node][1:] == nodes[by_node][:-1]
    previous[by_node[1:][same]] = codes[by_node[:-1][same]]
    return previous
