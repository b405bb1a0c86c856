"""Since when a service is in trouble: the start of its current degraded-or-down period, from the health history."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.domain.graph import GraphIndex
from dashboard.domain.health import NO_DATA, own_status, status_codes
from dashboard.domain.since import Since, Timeline, timeline, trouble_since, trouble_start
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
    return timeline(index.locate(ids), status_codes(statuses), observed, index.node_count)


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
    assert state.rolled[BUILT.index.position(1)] == Health.DOWN
    assert since(events) == Since(at(1), False)  # 4 and 5 first seen then: it may have begun before
    assert state.rolled[BUILT.index.position(7)] == NO_DATA
    assert since(events, ci_id=7) is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=30))
def test_sn007_the_start_is_never_after_now_nor_after_the_latest_step_into_trouble(series):
    times = np.array([at(hour) for hour in range(len(series))])  # oldest first
    trouble = np.array([t for t, _ in series])
    first = np.array([f for _, f in series])
    found = trouble_start(times, trouble, first)
    if not trouble[-1]:
        assert found is None
        return
    assert found is not None
    assert found.at <= times[-1]
    steps_into_trouble = [times[n] for n in range(1, len(series)) if trouble[n] and not trouble[n - 1]]
    if steps_into_trouble:
        assert found.at == steps_into_trouble[-1]  # the latest step into trouble, never after it
    assert trouble[times >= found.at].all()
    start = int(np.flatnonzero(times == found.at)[0])
    assert found.known == (start > 0 and not first[start])  # nothing before it: it began then or earlier


def test_sn008_a_trouble_thousands_of_event_times_old_still_has_its_exact_start():
    events = [(6, "ok", 0), (6, "down", 1)] + [
        (4, (hour % 2 and "degraded") or "down", hour) for hour in range(2, 5000)
    ]
    assert since(events) == Since(at(1), True)  # the former replay stopped after 2,000 times: "since before"


def in_trouble(status: int) -> bool:
    return status >= Health.DEGRADED


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
