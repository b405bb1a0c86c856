"""Time travel: statuses rolled up as of T, incidents open at T, and what changed between T1 and T2."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.domain.asof import (
    health_at,
    health_history,
    incident_history,
    incidents_at,
    open_at,
    own_at,
    what_changed,
)
from dashboard.domain.health import NO_DATA, own_status, status_codes
from dashboard.domain.vocabulary import Health
from layouts.asof import slider_marks
from tests.unit.graphs import DIAMOND_CIS, DIAMOND_RELS, graph

HOUR = 3_600_000_000_000
T0 = int(np.datetime64("2026-11-20T00:00", "ns").astype(np.int64))
DIAMOND = graph(DIAMOND_CIS, DIAMOND_RELS)


def h(hours: float) -> int:
    return T0 + int(hours * HOUR)


def history_of(built, events):
    """events: (ci id, status, hours)."""
    nodes = built.index.locate(np.array([e[0] for e in events], dtype=np.int64))
    codes = status_codes(np.array([e[1] for e in events], dtype=object))
    return health_history(nodes, codes, np.array([h(e[2]) for e in events], dtype=np.int64))


def status(built, state, ci_id):
    return int(state.rolled[built.index.position(ci_id)])


EVENTS = [(5, "ok", 0), (5, "down", 10), (5, "ok", 11), (2, "ok", 0), (3, "degraded", 5), (3, "ok", 6)]


def test_as001_each_ci_takes_its_last_event_at_or_before_t():
    history = history_of(DIAMOND, EVENTS)
    switch = DIAMOND.index.position(5)
    codes, rows = own_at(history, h(10), np.array([switch]))
    assert codes.tolist() == [Health.DOWN]
    assert rows.tolist() == [1]
    assert own_at(history, h(10) - 1, np.array([switch]))[0].tolist() == [Health.OK]
    assert own_at(history, h(-1), np.array([switch]))[0].tolist() == [NO_DATA]  # before its first event


def test_as002_events_at_the_same_time_the_later_row_wins_as_now():
    history = history_of(DIAMOND, [(5, "down", 1), (5, "ok", 1), (4, "ok", 1), (4, "down", 1)])
    codes, _ = own_at(history, h(1), DIAMOND.index.locate(np.array([5, 4])))
    assert codes.tolist() == [Health.OK, Health.DOWN]


def test_as003_statuses_roll_up_as_they_were():
    history = history_of(DIAMOND, EVENTS)
    assert status(DIAMOND, health_at(DIAMOND.index, history, h(10.5)), 1) == Health.DOWN
    assert status(DIAMOND, health_at(DIAMOND.index, history, h(5.5)), 1) == Health.DEGRADED
    assert status(DIAMOND, health_at(DIAMOND.index, history, h(12)), 1) == Health.OK
    assert status(DIAMOND, health_at(DIAMOND.index, history, h(-1)), 1) == NO_DATA


def test_as004_asking_for_some_cis_gives_them_the_same_status_as_asking_for_all():
    history = history_of(DIAMOND, EVENTS)
    service = DIAMOND.index.position(1)
    some = health_at(DIAMOND.index, history, h(10.5), np.array([service]))
    every = health_at(DIAMOND.index, history, h(10.5))
    assert some.rolled[service] == every.rolled[service] == Health.DOWN
    assert some.rolled[DIAMOND.index.position(6)] == NO_DATA  # the orphan was not asked about


STATUSES = st.sampled_from(["ok", "degraded", "down", "maintenance", "unknown"])
RANDOM_EVENTS = st.lists(st.tuples(st.sampled_from([1, 2, 3, 4, 5, 6, 9]), STATUSES, st.integers(0, 20)), max_size=30)


@settings(max_examples=60, deadline=None)
@given(RANDOM_EVENTS, st.integers(-1, 21))
def test_as005_as_of_t_equals_the_live_roll_up_of_the_events_up_to_t(events, hour):
    history = history_of(DIAMOND, events)
    seen = [e for e in events if e[2] <= hour]
    live = own_status(
        DIAMOND.index,
        np.array([e[0] for e in seen], dtype=np.int64),
        np.array([e[1] for e in seen], dtype=object),
        np.array([h(e[2]) for e in seen], dtype="datetime64[ns]"),
    )
    then = health_at(DIAMOND.index, history, h(hour))
    assert then.rolled.tolist() == live.rolled.tolist()
    needed = DIAMOND.index.locate(np.array([1, 4]))
    part = health_at(DIAMOND.index, history, h(hour), needed)
    assert part.rolled[needed].tolist() == live.rolled[needed].tolist()


def incidents_of(rows):
    """rows: (ci id, priority, state, opened hours, resolved hours or None)."""
    return incident_history(
        DIAMOND.index.locate(np.array([r[0] for r in rows], dtype=np.int64)),
        np.array([r[1] for r in rows], dtype=float),
        np.array([r[2] for r in rows], dtype=object),
        np.array([h(r[3]) for r in rows], dtype="datetime64[ns]"),
        np.array([np.datetime64("NaT") if r[4] is None else h(r[4]) for r in rows], dtype="datetime64[ns]"),
    )


INCIDENTS = [
    (4, 3, "resolved", 1, 5),  # open over [1, 5)
    (4, 1, "in_progress", 3, None),  # open from 3 on
    (2, 2, "closed", 2, None),  # closed when? unknown: never counted
    (404, 1, "new", 0, None),  # names no CI
    (5, 2, "resolved", 6, 8),
]


def test_as006_incidents_open_at_t_are_opened_by_then_and_not_yet_resolved():
    incidents = incidents_of(INCIDENTS)
    assert incidents.rows[open_at(incidents, h(0.5))].tolist() == []
    assert incidents.rows[open_at(incidents, h(1))].tolist() == [0]
    assert incidents.rows[open_at(incidents, h(4))].tolist() == [0, 1]
    assert incidents.rows[open_at(incidents, h(5))].tolist() == [1]  # resolved at 5: no longer open at 5
    overlay = incidents_at(DIAMOND.index.node_count, incidents, h(4))
    server = DIAMOND.index.position(4)
    assert overlay.open_count[server] == 2
    assert overlay.worst_priority[server] == 1
    assert overlay.counts_of(np.array([server])) == (1, 0, 1, 0, 0)


def test_as007_what_changed_lists_status_changes_incidents_and_changes_in_the_half_open_range():
    history = history_of(DIAMOND, EVENTS)
    incidents = incidents_of(INCIDENTS)
    change_starts = np.array([h(1), h(4), h(9), np.datetime64("NaT")], dtype="datetime64[ns]")
    found = what_changed(DIAMOND.index, history, incidents, change_starts, (h(1), h(10)))
    changed = {
        int(DIAMOND.index.ci_ids[n]): (int(b), int(a))
        for n, b, a in zip(found.nodes, found.before, found.after, strict=True)
    }
    assert changed == dict.fromkeys((5, 4, 2, 3, 1, 9), (Health.OK, Health.DOWN))  # the orphan 6 has no data
    assert found.opened.tolist() == [1, 4]  # opened at 1 is not in (1, 10]
    assert found.resolved.tolist() == [0, 4]
    assert found.changes.tolist() == [1, 2]


def test_as008_what_changed_for_some_cis_only_looks_at_them():
    history = history_of(DIAMOND, EVENTS)
    incidents = incidents_of([])
    service = DIAMOND.index.position(1)
    found = what_changed(
        DIAMOND.index, history, incidents, np.array([], "datetime64[ns]"), (h(10), h(12)), np.array([service])
    )
    assert found.nodes.tolist() == [service]
    assert (int(found.before[0]), int(found.after[0])) == (Health.DOWN, Health.OK)


def test_as009_no_events_at_all_is_no_data_everywhere():
    history = history_of(DIAMOND, [])
    assert history.first is None
    assert (health_at(DIAMOND.index, history, h(1)).rolled == NO_DATA).all()


def test_as010_the_slider_shows_at_most_four_days_and_now_without_crowding():
    day = 86400
    days = [(n * day, f"d{n}") for n in range(1, 8)]  # seven midnights
    marks = slider_marks(days, 7 * day + 3600)  # loaded an hour after the last midnight
    assert marks[7 * day + 3600] == "now"
    assert 7 * day not in marks  # an hour before "now": too close to read
    assert len(marks) <= 5
    assert slider_marks([], 100) == {100: "now"}


def test_as011_incidents_open_at_a_time_include_those_without_a_ci_and_leave_out_closed_ones_without_a_time():
    from dashboard.domain.asof import open_rows_at

    def at(hours: float) -> np.datetime64:
        return np.datetime64(h(hours), "ns")

    nat = np.datetime64("NaT", "ns")
    states = np.array(["resolved", "new", "closed", "in progress", "resolved"], dtype=object)
    opened = np.array([at(1), at(2), at(1), nat, at(5)])
    resolved = np.array([at(4), nat, nat, nat, at(6)])
    assert open_rows_at(states, opened, resolved, h(3)).tolist() == [0, 1]  # 2: closed, when unknown; 3: no opening
    assert open_rows_at(states, opened, resolved, h(4)).tolist() == [1]  # resolved at 4: no longer open
    assert open_rows_at(states, opened, resolved, h(5)).tolist() == [1, 4]  # opened at 5: open at 5


def test_as012_the_wall_url_keeps_its_time_in_the_maps_spelling_and_drops_a_bad_one():
    from dashboard.domain.viewstate import parse_wall

    assert parse_wall("?asof=2026-11-30T15:00%2B01:00").as_of == "2026-11-30T14:00"
    assert parse_wall("?asof=1764511200").as_of == "2025-11-30T14:00"
    assert parse_wall("?asof=2026-11-30").as_of == "2026-11-30T00:00"
    for bad in ("?asof=soon", "?asof=", "?asof=2026-02-30", "?asof=99999999999999999999", ""):
        assert parse_wall(bad).as_of is None


def test_as013_the_walls_banner_says_the_day_and_time_and_not_live_in_capitals():
    from layouts.wall import as_of_label

    assert as_of_label("2026-11-30T14:00", 2026) == "AS OF 30 Nov 14:00 UTC — NOT LIVE"
    assert as_of_label("2025-01-03T09:05:30", 2026) == "AS OF 3 Jan 2025 09:05:30 UTC — NOT LIVE"


def test_as014_the_worst_status_of_a_day_cut_at_t_leaves_out_later_events():
    from dashboard.domain.asof import worst_between

    history = history_of(DIAMOND, EVENTS)  # CI 5: ok 0 h, down 10 h, ok 11 h; CI 3: degraded 5 h, ok 6 h
    nodes = DIAMOND.index.locate(np.array([5, 3, 2, 4], dtype=np.int64))
    ok, degraded, down = int(Health.OK), int(Health.DEGRADED), int(Health.DOWN)
    assert worst_between(history, nodes, h(0), h(9)).tolist() == [ok, degraded, ok, NO_DATA]  # CI 5's down is later
    assert worst_between(history, nodes, h(0), h(10)).tolist() == [down, degraded, ok, NO_DATA]
    assert worst_between(history, nodes, h(7), h(12)).tolist() == [down, ok, ok, NO_DATA]  # CI 3 ok since 6 h
    assert worst_between(history, nodes, h(11.5), h(12)).tolist() == [ok, ok, ok, NO_DATA]  # the status carried in
