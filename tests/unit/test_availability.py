"""Availability and SLA: outages from rolled-up health and P1 incidents, merged, per day/week/month, error budget."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.availability import status_codes_of
from dashboard.domain import availability as av
from dashboard.domain.availability import counted_incidents, health_outages, incident_outages, parse_target, report
from dashboard.domain.health import own_status, status_codes
from dashboard.domain.periods import DAY, SECOND, Intervals, merge, per_period
from dashboard.domain.vocabulary import Health
from layouts.availability import duration, percent
from tests.unit.graphs import DIAMOND_CIS, DIAMOND_RELS, graph

HOUR = 3600 * SECOND
MIDNIGHT = int(np.datetime64("2026-11-20T00:00", "ns").astype(np.int64))  # a Friday
NOW = MIDNIGHT + 3 * DAY


def h(hours: float) -> int:
    return MIDNIGHT + int(hours * HOUR)


def health_of(built, service, events, now=NOW):
    """events: (ci id, status, hours after MIDNIGHT)."""
    index = built.index
    nodes = index.locate(np.array([e[0] for e in events], dtype=np.int64))
    codes = status_codes(np.array([e[1] for e in events], dtype=object))
    times = np.array([h(e[2]) for e in events], dtype=np.int64)
    return health_outages(index, index.position(service), nodes, codes, times, now)


def incidents_of(built, service, rows, count_p2=False, now=NOW):
    """rows: (ci id, priority, state, opened hours, resolved hours or None)."""
    index = built.index
    nodes = index.locate(np.array([r[0] for r in rows], dtype=np.int64))
    opened = np.array([h(r[3]) for r in rows], dtype="datetime64[ns]")
    resolved = np.array([np.datetime64("NaT") if r[4] is None else h(r[4]) for r in rows], dtype="datetime64[ns]")
    counted = counted_incidents(
        nodes,
        np.array([r[1] for r in rows], dtype=float),
        np.array([r[2] for r in rows], dtype=object),
        opened,
        resolved,
        now,
        count_p2=count_p2,
    )
    return incident_outages(index, index.position(service), counted)


def pairs(intervals: Intervals) -> list[tuple[float, float]]:
    return [
        ((s - MIDNIGHT) / HOUR, (e - MIDNIGHT) / HOUR) for s, e in zip(intervals.starts, intervals.ends, strict=True)
    ]


DIAMOND = graph(DIAMOND_CIS, DIAMOND_RELS)


def test_av001_a_down_switch_takes_the_service_down_until_it_recovers():
    found, since = health_of(DIAMOND, 1, [(2, "ok", 0), (5, "down", 10), (5, "ok", 11)])
    assert pairs(found) == [(10, 11)]
    assert since == h(0)


def test_av002_still_down_at_the_end_of_the_history_means_down_until_now():
    found, _ = health_of(DIAMOND, 1, [(4, "down", 70)])
    assert pairs(found) == [(70, 72)]


def test_av003_degraded_unknown_and_maintenance_are_not_outages():
    found, _ = health_of(DIAMOND, 1, [(4, "degraded", 1), (5, "maintenance", 2), (3, "unknown", 3), (2, "ok", 0)])
    assert pairs(found) == []


def test_av004_the_service_in_maintenance_is_not_out_while_something_below_is_down():
    events = [(5, "down", 10), (1, "maintenance", 9), (1, "ok", 12), (5, "ok", 13)]
    found, _ = health_of(DIAMOND, 1, events)
    assert pairs(found) == [(12, 13)]


def test_av005_a_cluster_is_out_only_when_every_member_is_down():
    cis = {1: "business_service", 2: "cluster", 3: "server", 4: "server"}
    built = graph(cis, [(1, "depends on", 2), (3, "member of", 2), (4, "member of", 2)])
    events = [(3, "down", 1), (4, "ok", 0), (4, "down", 2), (3, "ok", 4)]
    found, _ = health_of(built, 1, events)
    assert pairs(found) == [(2, 4)]


def test_av006_no_events_below_the_service_means_no_health_history():
    found, since = health_of(DIAMOND, 1, [(6, "down", 1)])  # 6 is an orphan: not below the service
    assert pairs(found) == []
    assert since is None


def test_av007_p1_incidents_count_p2_only_when_asked_canceled_and_unresolved_closed_never():
    rows = [
        (4, 1, "resolved", 5, 6),
        (2, 2, "closed", 8, 9),
        (3, 1, "canceled", 20, 30),
        (3, 1, "closed", 40, None),  # closed without a resolution time: when it ended is unknown
        (6, 1, "resolved", 1, 50),  # not below the service
        (5, 1, "in_progress", 71, None),  # open: until now
    ]
    found, counted = incidents_of(DIAMOND, 1, rows)
    assert pairs(found) == [(5, 6), (71, 72)]
    assert counted == 2
    with_p2, counted = incidents_of(DIAMOND, 1, rows, count_p2=True)
    assert pairs(with_p2) == [(5, 6), (8, 9), (71, 72)]
    assert counted == 3


def test_av008_overlapping_outages_from_health_and_incidents_are_counted_once():
    health, _ = health_of(DIAMOND, 1, [(5, "down", 10), (5, "ok", 11)])
    incidents, _ = incidents_of(DIAMOND, 1, [(2, 1, "resolved", 10.5, 12)])
    result = report([health, incidents], MIDNIGHT, NOW, 99.9, "setting")
    assert pairs(result.outages) == [(10, 12)]
    assert result.outage_seconds == 2 * 3600


def test_av009_an_outage_over_midnight_is_split_across_the_two_days():
    result = report([merge([h(23)], [h(25)])], MIDNIGHT, NOW, 99.9, "setting")
    assert [d.outage_seconds for d in result.days] == [3600, 3600, 0]
    assert result.days[0].availability == pytest.approx(1 - 3600 / 86400)
    assert str(result.days[1].start) == "2026-11-21T00:00:00.000000000"


def test_av010_error_budget_is_allowed_down_time_minus_used():
    start = NOW - 30 * DAY
    result = report([merge([h(10)], [h(11)])], start, NOW, 99.9, "attribute")
    assert result.allowed_seconds == pytest.approx(30 * 86400 * 0.001)  # 2,592 s = 43.2 min
    assert result.budget_left_seconds == pytest.approx(2592 - 3600)
    assert result.availability == pytest.approx(1 - 3600 / (30 * 86400))


def test_av011_the_current_day_counts_only_up_to_now():
    now = h(12)
    result = report([merge([h(11)], [h(13)])], MIDNIGHT, now, 99.0, "setting")
    assert [(d.seconds, d.outage_seconds) for d in result.days] == [(12 * 3600, 3600)]
    assert result.days[0].availability == pytest.approx(11 / 12)


def test_av012_weeks_start_on_monday_and_months_on_the_first():
    start = int(np.datetime64("2026-10-28T00:00", "ns").astype(np.int64))  # a Wednesday
    result = report([], start, NOW, 99.9, "setting")
    assert [str(w.start)[:10] for w in result.weeks] == [
        "2026-10-26",
        "2026-11-02",
        "2026-11-09",
        "2026-11-16",
    ]  # 23 Nov: now, not counted
    assert [str(m.start)[:10] for m in result.months] == ["2026-10-01", "2026-11-01"]
    assert result.weeks[0].seconds == 5 * 86400  # Wednesday to Monday: the range starts mid-week
    assert result.availability == 1.0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (99.9, 99.9),
        ("99.95", 99.95),
        ("99.5 %", 99.5),
        (0.999, 99.9),
        ("x", None),
        (0, None),
        (120, None),
        (True, None),
    ],
)
def test_av013_sla_targets_are_read_leniently(raw, expected):
    found = parse_target(raw)
    assert found == (pytest.approx(expected) if expected is not None else None)


def test_av014_too_many_steps_replay_the_newest_and_say_from_when(monkeypatch):
    # Both members of the cluster down at every odd hour, for an hour (with groups, each step is a roll-up).
    events = [(ci, "down" if i % 2 else "ok", i) for i in range(30) for ci in (4, 5)]
    whole, _ = health_of(CLUSTERED, 1, events, now=h(30))
    monkeypatch.setattr(av, "WORK", 0)  # 10 roll-ups at most: the newest ten down hours, from the one before them
    found, since = health_of(CLUSTERED, 1, events, now=h(30))
    assert since == h(9)
    assert pairs(found) == [(s, e) for s, e in pairs(whole) if s >= 9]
    assert pairs(found) == [(hour, hour + 1) for hour in range(9, 30, 2)]


def _brute_force(built, service, events, now):
    """Roll up after every event time with own_status; down unless the service's own status is maintenance."""
    index = built.index
    position = index.position(service)
    times = sorted({e[2] for e in events})
    starts, ends, was = [], [], False
    for t in times:
        seen = [e for e in events if e[2] <= t]
        state = own_status(
            index,
            np.array([e[0] for e in seen], dtype=np.int64),
            np.array([e[1] for e in seen], dtype=object),
            np.array([h(e[2]) for e in seen], dtype="datetime64[ns]"),
        )
        down = state.rolled[position] == Health.DOWN and state.own[position] != Health.MAINTENANCE
        if down != was:
            (starts if down else ends).append(h(t))
            was = down
    if was:
        ends.append(now)
    return merge(starts, ends)


STATUSES = st.sampled_from(["ok", "degraded", "down", "maintenance", "unknown"])
EVENTS = st.lists(st.tuples(st.sampled_from([1, 2, 3, 4, 5]), STATUSES, st.integers(0, 40)), max_size=25)


CLUSTERED = graph(
    {1: "business_service", 2: "application", 3: "cluster", 4: "server", 5: "server"},
    [(1, "depends on", 2), (2, "runs on", 3), (4, "member of", 3), (5, "member of", 3)],
)
CHAIN = graph(
    {1: "business_service", 2: "application", 3: "application", 4: "server", 5: "switch"},
    [(1, "depends on", 2), (1, "depends on", 3), (2, "runs on", 4), (4, "uplinked to", 5), (5, "connects to", 3)],
)


NESTED = graph(
    {1: "business_service", 2: "application", 3: "cluster", 4: "server", 5: "server", 8: "switch", 9: "database"},
    [(1, "depends on", 2), (2, "runs on", 3), (4, "member of", 3), (5, "member of", 3), (4, "uplinked to", 8),
     (5, "uplinked to", 8), (2, "depends on", 9), (9, "runs on", 4)],
)  # fmt: skip
NESTED_EVENTS = st.lists(st.tuples(st.sampled_from([1, 2, 3, 4, 5, 8, 9]), STATUSES, st.integers(0, 40)), max_size=25)


@settings(max_examples=80, deadline=None)
@given(NESTED_EVENTS)
def test_av020_a_member_with_data_only_below_it_keeps_its_group_up_as_a_full_roll_up_says(events):
    found, _ = health_of(NESTED, 1, events, now=h(50))
    assert pairs(found) == pairs(_brute_force(NESTED, 1, events, h(50)))


@settings(max_examples=60, deadline=None)
@given(EVENTS, st.sampled_from([CLUSTERED, CHAIN]))
def test_av015_replaying_only_where_down_or_data_changed_equals_rolling_up_after_every_event(events, built):
    found, _ = health_of(built, 1, events, now=h(50))
    expected = _brute_force(built, 1, events, h(50))
    assert pairs(found) == pairs(expected)


INTERVALS = st.lists(st.tuples(st.integers(0, 96), st.integers(0, 30)), max_size=20)


@settings(max_examples=100, deadline=None)
@given(INTERVALS, st.integers(0, 48), st.integers(1, 72), st.floats(90, 100))
def test_av016_merged_periods_are_disjoint_sorted_and_the_figures_add_up(spans, begin, length, target):
    starts = [h(s) for s, _ in spans]
    ends = [h(s + n) for s, n in spans]
    merged = merge(starts, ends)
    assert (merged.ends > merged.starts).all()
    assert (merged.starts[1:] > merged.ends[:-1]).all()
    start, end = h(begin), h(begin + length)
    result = report([merged], start, end, target, "setting")
    assert 0 <= result.availability <= 1
    assert all(0 <= d.availability <= 1 for d in result.days)
    assert sum(d.outage_seconds for d in result.days) == pytest.approx(result.outage_seconds)
    assert sum(w.outage_seconds for w in result.weeks) == pytest.approx(result.outage_seconds)
    assert sum(d.seconds for d in result.days) == pytest.approx(length * 3600)
    covered = np.zeros(200 * 60, dtype=bool)  # minute by minute
    for s, n in spans:
        covered[s * 60 : (s + n) * 60] = True
    assert result.outage_seconds == pytest.approx(covered[begin * 60 : (begin + length) * 60].sum() * 60)
    assert result.budget_left_seconds == pytest.approx(length * 3600 * (1 - target / 100) - result.outage_seconds)


def test_av017_per_period_of_no_outage_is_full_availability():
    figures = per_period(merge([], []), np.array([MIDNIGHT, MIDNIGHT + DAY]), MIDNIGHT, MIDNIGHT + DAY)
    assert [(f.outage_seconds, f.availability) for f in figures] == [(0.0, 1.0)]


@pytest.mark.parametrize(
    ("share", "shown"), [(0.998234, "99.82 %"), (1.0, "100.00 %"), (0.999999, "99.99 %"), (0.5, "50.00 %")]
)
def test_av018_availability_is_never_rounded_up_to_a_full_hundred(share, shown):
    assert percent(share) == shown


@pytest.mark.parametrize(
    ("seconds", "shown"), [(-720, "−12 min"), (2592, "+43 min"), (-3 * 3600, "−3.0 h"), (5 * 86400, "+5.0 d")]
)
def test_av019_budgets_are_signed_minutes_hours_or_days(seconds, shown):
    assert duration(seconds) == shown


def direct_incident_outages(index, service, nodes, priorities, states, opened, resolved, now, count_p2):
    """The former incident_outages: every incident's state read again for each service."""
    inside = np.zeros(index.node_count + 1, dtype=bool)
    inside[av.service_closure(index, service)[0]] = True
    priority = np.nan_to_num(priorities, nan=5)
    state = np.char.lower(np.char.strip(states.astype(str)))
    open_ = np.isin(state, av.INCIDENT_OPEN_STATES)
    end = np.where(open_ | np.isnat(resolved), np.int64(now), resolved.astype(np.int64))
    counted = (
        inside[np.where(nodes >= 0, nodes, index.node_count)]
        & (priority <= (2 if count_p2 else 1))
        & (state != "canceled")
        & ~np.isnat(opened)
        & (open_ | ~np.isnat(resolved))
    )
    return merge(opened.astype(np.int64)[counted], end[counted]), int(counted.sum())


incident_rows = st.lists(
    st.tuples(
        st.sampled_from([*DIAMOND_CIS, 77]),  # 77: no CI
        st.sampled_from([1.0, 2.0, 3.0, float("nan")]),
        st.sampled_from(["New", " In_Progress", "Resolved", "closed", "Canceled ", "on_hold"]),
        st.one_of(st.none(), st.integers(0, 60)),
        st.one_of(st.none(), st.integers(0, 80)),
    ),
    max_size=25,
)


@settings(max_examples=200, deadline=None)
@given(incident_rows, st.sampled_from(list(DIAMOND_CIS)), st.booleans())
def test_av021_incidents_counted_once_per_snapshot_give_the_outages_read_for_each_service(rows, service, count_p2):
    index = DIAMOND.index
    nodes = index.locate(np.array([r[0] for r in rows], dtype=np.int64))
    priorities = np.array([r[1] for r in rows], dtype=float)
    states = np.array([r[2] for r in rows], dtype=object)
    opened = np.array([np.datetime64("NaT") if r[3] is None else h(r[3]) for r in rows], dtype="datetime64[ns]")
    resolved = np.array([np.datetime64("NaT") if r[4] is None else h(r[4]) for r in rows], dtype="datetime64[ns]")
    position = index.position(service)
    counted = counted_incidents(nodes, priorities, states, opened, resolved, NOW, count_p2=count_p2)
    found, many = incident_outages(index, position, counted)
    direct, direct_many = direct_incident_outages(
        index, position, nodes, priorities, states, opened, resolved, NOW, count_p2
    )
    assert many == direct_many
    assert np.array_equal(found.starts, direct.starts)
    assert np.array_equal(found.ends, direct.ends)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(["ok", "OK ", " down", "Degraded", "maintenance", "unknown", "bogus", "", None]), max_size=30
    ),
    st.sampled_from(["object", "string[pyarrow]", "str"]),
)
def test_av022_status_codes_of_a_column_equal_those_of_its_values(values, dtype):
    column = pd.Series(values, dtype=dtype)
    assert status_codes_of(column).tolist() == status_codes(column.to_numpy(dtype=object)).tolist()
