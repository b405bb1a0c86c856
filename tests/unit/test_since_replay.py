"""The replay of "in trouble since" (since.py, replay.py) against the direct computation it replaced: a full roll-up
of the service's CIs at every event time, on random small graphs (diamonds, redundancy groups, cycles, links, CIs
without events) and random histories."""

from collections.abc import Iterator

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.domain.graph import GraphIndex
from dashboard.domain.health import NO_DATA, roll_up, status_codes
from dashboard.domain.replay import Replay
from dashboard.domain.since import Point, status_points, timeline, trouble_since, trouble_start
from dashboard.domain.traverse import MAX_DEPTH, Direction, reach
from tests.unit.graphs import graph

START = np.datetime64("2026-11-20T00:00", "ns")
TYPES = ["depends on", "runs on", "member of", "member of", "connects to", "uplinked to", "hosted on"]
STATUSES = ["ok", "maintenance", "unknown", "degraded", "down", "bogus"]


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


@settings(max_examples=600, deadline=None)
@given(histories(), st.integers(0, 11))
def test_sr001_every_point_and_the_start_equal_the_full_roll_up_at_every_time(history, as_of_hour):
    index, root, events = history
    ids, statuses, observed = arrays(events)
    events_now = timeline(index.locate(ids), status_codes(statuses), observed)
    assert list(status_points(index, root, events_now)) == list(direct_points(index, root, ids, statuses, observed))
    assert trouble_since(index, root, events_now) == trouble_start(direct_points(index, root, ids, statuses, observed))
    as_of = START + np.timedelta64(as_of_hour, "h")  # as of a time: a prefix of the same events
    then = observed <= as_of
    assert list(status_points(index, root, events_now.until(as_of))) == list(
        direct_points(index, root, ids[then], statuses[then], observed[then])
    )


@settings(max_examples=300, deadline=None)
@given(histories(), st.lists(st.tuples(st.integers(0, 8), st.sampled_from([NO_DATA, 0, 1, 2, 3, 4])), max_size=12))
def test_sr002_the_replay_answers_the_roll_up_of_every_node_after_each_change(history, changes):
    index, _, _ = history
    own = np.full(index.node_count, NO_DATA, dtype=np.int8)
    replay = Replay(index, own)
    for node, code in changes:
        node %= index.node_count
        own[node] = code
        replay.set_own(np.array([node]), np.array([code], dtype=np.int8))
        assert np.array_equal(replay.rows[:, -1], roll_up(index, own))


def test_sr003_a_cycle_through_a_group_answers_the_capped_roll_up_even_where_it_does_not_settle():
    # Group 1 has members 2 (down) and 3 (no own status, ok through 4), and depends on 5, which depends on 1: the
    # passes alternate between down and degraded, and the roll-up answers its last pass.
    built = graph({1: "cluster", 2: "server", 3: "server", 4: "server", 5: "application"},
                  [(2, "member of", 1), (3, "member of", 1), (3, "runs on", 4), (1, "depends on", 5),
                   (5, "depends on", 1)])  # fmt: skip
    index = built.index
    own = np.full(index.node_count, NO_DATA, dtype=np.int8)
    replay = Replay(index, own)
    for ci, code in ((2, 4), (4, 0), (4, 3), (4, 0), (2, 0), (2, 4)):
        own[index.position(ci)] = code
        replay.set_own(np.array([index.position(ci)]), np.array([code], dtype=np.int8))
        assert np.array_equal(replay.rows[:, -1], roll_up(index, own))
