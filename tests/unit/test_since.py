"""Since when a service is in trouble: the start of its current degraded-or-down period, from the health history."""

from itertools import pairwise

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.domain.graph import GraphIndex
from dashboard.domain.health import NO_DATA, own_status, status_codes
from dashboard.domain.since import (
    Point,
    Since,
    Timeline,
    in_trouble,
    status_points,
    timeline,
    trouble_since,
    trouble_start,
)
from dashboard.domain.vocabulary import Health
from tests.unit.graphs import graph

# Service 1 → app 2 → cluster 3 ← members 4, 5 ; app 2 → db 6 ; service 7 → app 8
CIS = {1: "business_service", 2: "application", 3: "cluster", 4: "server", 5: "server", 6: "database",
       7: "business_service", 8: "application"}  # fmt: skip
RELS = [(1, "depends on", 2), (2, "runs on", 3), (4, "member of", 3), (5, "member of", 3), (2, "depends on", 6),
        (7, "depends on", 8)]  # fmt: skip
BUILT = graph(CIS, RELS)


def at(hour: int) -> np.datetime64:
    return np.datetime64("2026-11-20T00:00", "ns") + np.timedelta64(hour, "h")


def events_of(index: GraphIndex, ids: np.ndarray, statuses: np.ndarray, observed: np.ndarray) -> Timeline:
    """The events in time order, as the wall makes them once per snapshot."""
    return timeline(index.locate(ids), status_codes(statuses), observed)


def since(events: list[tuple[int, str, int]], ci_id: int = 1) -> Since | None:
    ids = np.array([e[0] for e in events], dtype=np.int64)
    statuses = np.array([e[1] for e in events], dtype=object)
    observed = np.array([at(e[2]) for e in events], dtype="datetime64[ns]")
    return trouble_since(BUILT.index, BUILT.index.position(ci_id), events_of(BUILT.index, ids, statuses, observed))


def test_sn001_the_start_is_the_first_event_of_the_current_trouble_not_the_latest():
    events = [(6, "ok", 0), (4, "ok", 0), (5, "ok", 0), (6, "degraded", 3), (6, "down", 5), (6, "down", 9)]
    assert since(events) == Since(at(3), True)  # degraded from 03:00, then down: one period since 03:00


def test_sn002_an_ok_spell_ends_the_earlier_trouble():
    events = [(6, "ok", 0), (6, "down", 2), (6, "ok", 4), (6, "degraded", 7), (6, "degraded", 8)]
    assert since(events) == Since(at(7), True)


def test_sn003_trouble_from_the_first_event_in_the_history_started_then_or_earlier():
    assert since([(6, "down", 1), (6, "down", 5)]) == Since(at(1), False)
    # A CI first seen down (its earlier events are outside the window) may have been down long before its event.
    assert since([(6, "ok", 0), (4, "ok", 0), (5, "down", 6)]) == Since(at(6), False)
    assert since([(6, "ok", 0), (4, "ok", 0), (5, "ok", 1), (5, "down", 6)]) == Since(at(6), True)


def test_sn004_redundancy_keeps_a_service_ok_while_one_member_is_down():
    events = [(6, "ok", 0), (4, "ok", 0), (5, "ok", 0), (4, "down", 2), (5, "down", 5)]
    assert since(events) == Since(at(2), True)  # one member down: the cluster (and so the service) degraded at 02:00
    assert since([(6, "ok", 0), (4, "ok", 0), (5, "ok", 0), (4, "down", 2), (4, "ok", 3)]) is None


def test_sn005_maintenance_and_unknown_are_not_trouble_and_other_services_do_not_count():
    assert since([(6, "maintenance", 0), (6, "down", 4)]) == Since(at(4), True)
    assert since([(6, "unknown", 0)]) is None
    assert since([(8, "down", 1), (6, "ok", 0)]) is None  # 8 is below service 7, not 1
    assert since([(8, "down", 1)], ci_id=7) == Since(at(1), False)


def test_sn006_the_newest_point_agrees_with_the_snapshots_status():
    events = [(6, "ok", 0), (4, "degraded", 1), (5, "ok", 1), (6, "down", 1), (2, "ok", 3)]
    ids = np.array([e[0] for e in events])
    statuses = np.array([e[1] for e in events], dtype=object)
    observed = np.array([at(e[2]) for e in events], dtype="datetime64[ns]")
    state = own_status(BUILT.index, ids, statuses, observed)
    root = BUILT.index.position(1)
    newest = next(status_points(BUILT.index, root, events_of(BUILT.index, ids, statuses, observed)))
    assert newest.status == state.rolled[root]


statuses = st.sampled_from([NO_DATA, *[int(h) for h in Health]])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(statuses, st.booleans()), min_size=1, max_size=30))
def test_sn007_the_start_is_never_after_now_nor_after_the_latest_step_into_trouble(series):
    points = [Point(at(hour), status, first) for hour, (status, first) in enumerate(series)]  # oldest first
    found = trouble_start(reversed(points))
    now = points[-1].at
    if not in_trouble(points[-1].status):
        assert found is None
        return
    assert found is not None
    assert found.at <= now
    steps_into_trouble = [
        p.at for before, p in pairwise(points) if in_trouble(p.status) and not in_trouble(before.status)
    ]
    if steps_into_trouble:
        assert found.at == steps_into_trouble[-1]  # the latest step into trouble, never after it
    assert all(in_trouble(p.status) for p in points if p.at >= found.at)
    start = next(n for n, p in enumerate(points) if p.at == found.at)
    if start == 0 or points[start - 1].status == NO_DATA or points[start].first_seen:
        assert not found.known  # nothing before it, or no data: it began then or earlier
    else:
        assert found.known


def test_sn008_a_trouble_older_than_the_work_allowed_is_since_before_the_oldest_point_seen(monkeypatch):
    events = [(6, "ok", 0)] + [(6, "down", hour) for hour in range(1, 15)]
    assert since(events) == Since(at(1), True)
    monkeypatch.setattr("dashboard.domain.since.WORK", 0)  # repeating down costs nothing; the step back to ok does
    assert since(events) == Since(at(1), False)  # hours 14 … 1 seen, all down: the trouble began then or earlier


event_lists = st.lists(
    st.tuples(st.sampled_from(list(CIS)), st.sampled_from(["ok", "degraded", "down", "unknown", "maintenance"]),
              st.integers(0, 12)),
    min_size=1, max_size=25,
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(event_lists)
def test_sn009_the_replay_agrees_with_the_status_rebuilt_from_scratch_at_every_event_time(events):
    ids = np.array([e[0] for e in events], dtype=np.int64)
    statuses = np.array([e[1] for e in events], dtype=object)
    observed = np.array([at(e[2]) for e in events], dtype="datetime64[ns]")
    root = BUILT.index.position(1)

    def rebuilt(time: np.datetime64) -> int:  # the oracle: own_status over the events up to then
        upto = observed <= time
        return int(own_status(BUILT.index, ids[upto], statuses[upto], observed[upto]).rolled[root])

    found = trouble_since(BUILT.index, root, events_of(BUILT.index, ids, statuses, observed))
    times = np.unique(observed)
    if not in_trouble(rebuilt(times[-1])):
        assert found is None
        return
    assert found is not None
    assert found.at <= times[-1]
    assert all(in_trouble(rebuilt(t)) for t in times if t >= found.at)
    earlier = times[times < found.at]
    if found.known:
        assert len(earlier)
        assert not in_trouble(rebuilt(earlier[-1]))
        assert rebuilt(earlier[-1]) != NO_DATA
    elif len(earlier):
        before = rebuilt(earlier[-1])
        assert before == NO_DATA or not in_trouble(before)  # no earlier point in trouble was left out
