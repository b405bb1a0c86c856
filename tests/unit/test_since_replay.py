""" "In trouble since" (since.py: a count of the CIs below in trouble, over events sorted once per snapshot) against
the direct computation it replaced: a full roll-up of the service's CIs at every event time, on random small graphs
(diamonds, redundancy groups, cycles, links, CIs without events) and random histories."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.domain.graph import GraphIndex
from dashboard.domain.health import NO_DATA, roll_up, status_codes
from dashboard.domain.since import Since, timeline, trouble_since
from dashboard.domain.traverse import MAX_DEPTH, Direction, reach
from dashboard.domain.vocabulary import Health
from tests.unit.graphs import graph

START = np.datetime64("2026-11-20T00:00", "ns")
TYPES = ["depends on", "runs on", "member of", "member of", "connects to", "uplinked to", "hosted on"]
STATUSES = ["ok", "maintenance", "unknown", "degraded", "down", "bogus"]


@dataclass(frozen=True, slots=True)
class Point:
    """The former since.Point: the root's rolled-up status after every event at one time."""

    at: np.datetime64
    status: int
    first_seen: bool


def direct_start(newest_first: Iterable[Point]) -> Since | None:
    """The former since.trouble_start: walk back from now to the first point not in trouble."""
    start: Point | None = None
    for point in newest_first:
        if point.status < Health.DEGRADED:
            if start is None:
                return None
            return Since(start.at, point.status != NO_DATA and not start.first_seen)
        start = point
    return Since(start.at, False) if start is not None else None


def direct_points(
    index: GraphIndex, root: int, ci_ids: np.ndarray, statuses: np.ndarray, observed: np.ndarray
) -> Iterator[Point]:
    """The former since.status_points without its bounds: a full roll-up of the CIs below the root at every time."""
    below = np.sort(reach(index, [root], Direction.DOWNSTREAM, MAX_DEPTH, follow_links=False).nodes)
    sub = index.induced(below)
    root = int(np.searchsorted(below, root))
    nodes = sub.locate(np.asarray(ci_ids))
    keep = np.flatnonzero(nodes >= 0)
    if not len(keep):
        return
    times = np.asarray(observed)[keep]
    order = np.lexsort((keep, times))
    rows, times, nodes = keep[order], times[order], nodes[keep[order]]
    codes = status_codes(np.asarray(statuses)[rows])
    previous = np.full(len(nodes), NO_DATA, dtype=np.int8)
    for event in range(len(nodes)):
        earlier = np.flatnonzero(nodes[:event] == nodes[event])
        if len(earlier):
            previous[event] = codes[earlier[-1]]
    own = np.full(sub.node_count, NO_DATA, dtype=np.int8)
    own[nodes] = codes
    ends = np.flatnonzero(np.r_[times[1:] != times[:-1], True])
    starts = np.r_[0, ends[:-1] + 1]
    for first, last in zip(starts[::-1], ends[::-1], strict=True):
        status = int(roll_up(sub, own)[root])
        yield Point(times[last], status, bool((previous[first : last + 1] == NO_DATA).any()))
        for event in range(last, first - 1, -1):
            own[nodes[event]] = previous[event]


@st.composite
def histories(draw: st.DrawFn) -> tuple:
    """A random graph of up to 9 CIs (any edges: cycles, groups, links), a root, and up to 30 events."""
    size = draw(st.integers(1, 9))
    cis = dict.fromkeys(range(1, size + 1), "server")
    pairs = st.tuples(st.integers(1, size), st.sampled_from(TYPES), st.integers(1, size))
    relationships = draw(st.lists(pairs, max_size=3 * size))
    built = graph(cis, relationships)
    events = draw(
        st.lists(
            st.tuples(st.integers(1, size + 1), st.sampled_from(STATUSES), st.integers(0, 10)),  # size + 1: no CI
            max_size=30,
        )
    )
    root = draw(st.integers(0, size - 1))
    return built.index, root, events


def arrays(events: list[tuple[int, str, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ids = np.array([e[0] for e in events], dtype=np.int64)
    statuses = np.array([e[1] for e in events], dtype=object)
    observed = np.array([START + np.timedelta64(e[2], "h") for e in events], dtype="datetime64[ns]")
    return ids, statuses, observed


@settings(max_examples=1000, deadline=None)
@given(histories(), st.integers(0, 11))
def test_sr001_the_start_equals_the_one_from_a_full_roll_up_at_every_time(history, as_of_hour):
    index, root, events = history
    ids, statuses, observed = arrays(events)
    events_now = timeline(index.locate(ids), status_codes(statuses), observed, index.node_count)
    assert trouble_since(index, root, events_now) == direct_start(direct_points(index, root, ids, statuses, observed))
    as_of = START + np.timedelta64(as_of_hour, "h")  # as of a time: a prefix of the same events
    then = observed <= as_of
    assert trouble_since(index, root, events_now.until(as_of)) == direct_start(
        direct_points(index, root, ids[then], statuses[then], observed[then])
    )


def test_sr002_events_without_a_time_sort_last_each_a_time_of_its_own_as_before():
    index = graph({1: "business_service", 2: "server"}, [(1, "depends on", 2)]).index
    ids = np.array([2, 2, 2])
    statuses = np.array(["ok", "down", "degraded"], dtype=object)
    observed = np.array(["NaT", START, "NaT"], dtype="datetime64[ns]")
    events = timeline(index.locate(ids), status_codes(statuses), observed, index.node_count)
    found, direct = trouble_since(index, 0, events), direct_start(direct_points(index, 0, ids, statuses, observed))
    assert found is not None
    assert direct is not None
    assert np.isnat(found.at)  # NaT is no NaT's equal: compared part by part
    assert np.isnat(direct.at)
    assert found.known == direct.known
    assert trouble_since(index, 0, events.until(START)) == Since(START, False)  # as of a time: no NaT
