"""Asset-health history on hand-made histories: intervals, down-time, per-day shares, worst days, MTTR, MTBF, Pareto,
repeat offenders, and the scope mask."""

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.domain.health import NO_DATA
from dashboard.domain.health_history import (
    DailyStatus,
    daily_status,
    down_time,
    kth_largest,
    pareto,
    status_history,
    status_mix,
    top,
    worst_days,
)
from dashboard.domain.health_incidents import (
    by_service,
    in_scope,
    incident_log,
    per_ci_key,
    per_day,
    per_group,
    reliability,
    reopened_numbers,
    repeat_offenders,
    service_members,
    service_pairs,
)
from dashboard.domain.health_scope import (
    DEFAULT_DAYS,
    MAX_DAYS,
    HealthFilter,
    HealthQuery,
    ScopeColumns,
    codes_of,
    filter_of,
    group_cis,
    health_query,
    parse_health,
    scope_mask,
)
from dashboard.domain.vocabulary import Health
from tests.unit.graphs import DIAMOND_CIS, DIAMOND_RELS, graph

D0 = np.datetime64("2026-11-20T00:00", "ns")
H = np.timedelta64(1, "h")
NOW = D0 + 3 * 24 * H  # the snapshot was taken at midnight after three days: Nov 20, 21, 22
OK, DEG, DOWN, MAINT = int(Health.OK), int(Health.DEGRADED), int(Health.DOWN), int(Health.MAINTENANCE)
ALL3 = np.ones(3, dtype=bool)


def history(events: list[tuple[int, int, int]], now: np.datetime64 = NOW):
    """Events as (CI position, status, hours after D0)."""
    nodes = np.array([e[0] for e in events], dtype=np.int64)
    statuses = np.array([e[1] for e in events], dtype=np.int8)
    times = np.array([D0 + e[2] * H for e in events], dtype="datetime64[ns]")
    return status_history(nodes, statuses, times, now)


def test_hh001_down_time_runs_to_the_next_event_or_to_now_and_is_clipped_to_the_range():
    # CI 0: down 10:00 → ok 13:00 (3 h), down again at 70 h until now (2 h); CI 1: down from 50 h (22 h); CI 2 never.
    h = history([(0, DOWN, 10), (0, OK, 13), (0, DOWN, 70), (1, OK, 0), (1, DOWN, 50), (2, DOWN, 5), (2, OK, 5)])
    nodes, hours = down_time(h, ALL3, D0, NOW)
    assert nodes.tolist() == [0, 1]
    assert hours.tolist() == [5.0, 22.0]
    nodes, hours = down_time(h, ALL3, D0 + 11 * H, D0 + 60 * H)  # CI 0: 11–13 (2 h); CI 1: 50–60 (10 h)
    assert dict(zip(nodes.tolist(), hours.tolist(), strict=True)) == {1: 10.0, 0: 2.0}
    nodes, _ = down_time(h, np.array([True, False, True]), D0, NOW)
    assert nodes.tolist() == [0]


def test_hh002_a_day_takes_the_worst_status_in_effect_and_a_ci_before_its_first_event_has_no_data():
    # CI 0: ok from 0 h, degraded 30–31 h (day 2), ok after; CI 1: first event on day 3 (down).
    h = history([(0, OK, 0), (0, DEG, 30), (0, OK, 31), (1, DOWN, 60)])
    assert h.days().tolist() == [np.datetime64("2026-11-20"), np.datetime64("2026-11-21"), np.datetime64("2026-11-22")]
    assert h.worst.tolist() == [[OK, DEG, OK], [NO_DATA, NO_DATA, DOWN]]


def test_hh003_shares_per_day_count_the_observed_cis_in_scope_only():
    h = history([(0, OK, 0), (0, DEG, 30), (0, OK, 31), (1, DOWN, 60), (2, OK, 1)])
    daily = daily_status(h, ALL3, D0, NOW)
    assert daily.counts[:, OK].tolist() == [2, 1, 2]
    assert daily.counts[:, DOWN].tolist() == [0, 0, 1]
    assert daily.shares()[1, DEG] == 0.5
    assert daily.shares()[2].tolist()[OK] == 2 / 3
    only_first_day = daily_status(h, ALL3, D0 + 2 * H, D0 + 5 * H)
    assert only_first_day.days.tolist() == [np.datetime64("2026-11-20")]
    no_one = daily_status(h, np.zeros(3, dtype=bool), D0, NOW)
    assert no_one.shares().sum() == 0


def test_hh004_worst_days_rank_by_down_hours_then_bad_days_and_leave_healthy_cis_out():
    h = history([(0, OK, 0), (1, DEG, 0), (1, OK, 60), (2, DOWN, 40), (2, OK, 41)])
    daily = daily_status(h, ALL3, D0, NOW)
    heat = worst_days(daily, down_time(h, ALL3, D0, NOW), limit=10)
    assert heat.nodes.tolist() == [2, 1]
    assert heat.down_hours.tolist() == [1.0, 0.0]
    assert heat.cells[0].tolist() == [NO_DATA, DOWN, OK]
    assert worst_days(daily, down_time(h, ALL3, D0, NOW), limit=1).nodes.tolist() == [2]


def test_hh005_status_mix_counts_each_ci_once_under_its_key_and_keyless_cis_last():
    status = np.array([OK, DOWN, DOWN, DEG], dtype=np.int8)
    keys = np.array([0, 1, 1, -1])
    mix = status_mix(status, keys, 2, np.array([True, True, False, True]))
    assert mix[0, OK] == 1
    assert mix[1, DOWN] == 1
    assert mix[2, DEG] == 1
    assert mix.sum() == 3


def log_of(rows: list[tuple[int, int, float, float | None, str]], reopened: tuple[int, ...] = ()):
    """Incidents as (CI position or -1, priority, opened hours after D0, resolved hours or None, group)."""
    codes, names = codes_of(np.array([r[4] for r in rows], dtype=object))
    return incident_log(
        np.array([r[0] for r in rows], dtype=np.int64),
        np.array([r[1] for r in rows], dtype=float),
        np.array([D0 + int(r[2] * 60) * np.timedelta64(1, "m") for r in rows], dtype="datetime64[ns]"),
        np.array([D0 + int(r[3] * 60) * np.timedelta64(1, "m") if r[3] is not None else None for r in rows]).astype(
            "datetime64[ns]"
        ),
        codes,
        names,
        np.isin(np.arange(len(rows)), reopened),
    )


def test_hh006_mttr_is_the_mean_time_to_resolve_of_resolved_incidents_only():
    log = log_of([(0, 1, 0, 4, "net"), (0, 2, 10, 12, "net"), (1, 3, 20, None, "db"), (1, 3, 30, 29, "db")])
    entries = in_scope(log, np.ones(2, dtype=bool), D0, NOW, narrowed=False)
    figures = reliability(log.group[entries], log.nodes[entries], log.opened_hours[entries], log.to_resolve[entries], 2)
    db, net = log.group_names.index("db"), log.group_names.index("net")
    assert figures.mttr_hours[net] == 3.0  # (4 + 2) / 2
    assert np.isnan(figures.mttr_hours[db])  # one open, one resolved before it was opened: neither counts
    assert figures.incidents.tolist()[net] == 2
    assert figures.resolved.tolist()[db] == 0


def test_hh007_mtbf_is_the_mean_gap_between_successive_openings_on_the_same_ci():
    # CI 0 opened at 0, 10, 40 h → gaps 10 and 30; CI 1 once (no gap); both in class 0 → MTBF (10 + 30) / 2 = 20.
    log = log_of([(0, 1, 0, 1, "g"), (0, 1, 10, 11, "g"), (1, 1, 5, 6, "g"), (0, 1, 40, 41, "g")])
    entries = in_scope(log, np.ones(2, dtype=bool), D0, NOW, narrowed=False)
    classes = np.array([0, 0])[log.nodes[entries]]
    figures = reliability(classes, log.nodes[entries], log.opened_hours[entries], log.to_resolve[entries], 1)
    assert figures.gaps.tolist() == [2]
    assert figures.mtbf_hours.tolist() == [20.0]


def test_hh008_a_service_counts_the_incidents_of_every_ci_it_depends_on_as_one_thing_that_fails():
    built = graph(DIAMOND_CIS, DIAMOND_RELS)
    index = built.index
    pos = {ci: index.position(ci) for ci in DIAMOND_CIS}
    members = service_members(index)
    assert members.services.tolist() == [pos[1]]
    # Incidents on the switch (5) at 0 h and the app (2) at 6 h are the service's; the orphan server (6) is not.
    log = log_of([(pos[5], 1, 0, 2, "g"), (pos[2], 2, 6, 10, "g"), (pos[6], 1, 3, 4, "g")])
    entries = in_scope(log, np.ones(index.node_count, dtype=bool), D0, NOW, narrowed=False)
    figures = by_service(log, log.selected(entries), service_pairs(log, members), len(members.services))
    assert figures.incidents.tolist() == [2]
    assert figures.mttr_hours.tolist() == [3.0]  # (2 + 4) / 2
    assert figures.mtbf_hours.tolist() == [6.0]


def test_hh009_incidents_per_day_by_priority_and_the_scope_of_incidents_without_a_ci():
    log = log_of([(0, 1, 1, None, "a"), (-1, 2, 2, None, "b"), (1, 9, 30, None, "a"), (0, 1, 80, None, "a")])
    everything = in_scope(log, np.ones(2, dtype=bool), D0, NOW, narrowed=False)
    counts = per_day(log, everything, np.datetime64("2026-11-20"), 3)
    assert counts.tolist() == [[1, 1, 0, 0, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]]  # priority 9 counts as 5; 80 h out
    narrowed = in_scope(log, np.array([True, False]), D0, NOW, narrowed=True)
    assert log.nodes[narrowed].tolist() == [0]
    group_b = in_scope(log, np.ones(2, dtype=bool), D0, NOW, narrowed=False, groups=("b",))
    assert log.nodes[group_b].tolist() == [-1]


def test_hh010_repeat_offenders_have_many_incidents_or_a_reopened_one():
    log = log_of(
        [(0, 1, 1, 2, "a"), (0, 1, 3, 4, "a"), (0, 1, 5, 6, "a"), (1, 1, 7, 8, "a"), (2, 1, 9, 10, "a")],
        reopened=(4,),
    )
    entries = in_scope(log, np.ones(3, dtype=bool), D0, NOW, narrowed=False)
    offenders = repeat_offenders(log, entries, at_least=3)
    assert offenders.nodes.tolist() == [0, 2]
    assert offenders.incidents.tolist() == [3, 1]
    assert offenders.reopened.tolist() == [0, 1]


def test_hh011_reopened_means_a_state_going_from_resolved_or_closed_back_to_open():
    numbers = np.array(["INC1", "INC2", "INC3", "INC4"], dtype=object)
    fields = np.array(["state", "state", "priority", "state"], dtype=object)
    old = np.array(["Resolved", "new", "resolved", "closed"], dtype=object)
    new = np.array(["in_progress", "resolved", "new", None], dtype=object)
    assert reopened_numbers(numbers, fields, old, new).tolist() == ["INC1"]


def test_hh012_pareto_puts_the_biggest_first_and_runs_to_the_total():
    bars = pareto(np.array([0, 1, 2, 3]), np.array([1.0, 5.0, 0.0, 4.0]), limit=2)
    assert bars.nodes.tolist() == [1, 3]
    assert bars.cumulative.tolist() == [0.5, 0.9]
    assert bars.total == 10.0
    assert bars.contributors == 3


def test_hh013_scope_mask_intersects_service_class_location_and_group():
    built = graph(DIAMOND_CIS, DIAMOND_RELS)
    index = built.index
    pos = {ci: index.position(ci) for ci in DIAMOND_CIS}
    location, names = codes_of(np.array(["FRA1", "FRA1", "LON3", "FRA1", None, "FRA1", "LON3"], dtype=object))
    groups = group_cis(np.array([pos[4], pos[6], -1]), np.array([0, 1, 0]), ("net", "ops"))
    columns = ScopeColumns(location, names, groups)

    def chosen(**filters: tuple) -> list[int]:
        mask = scope_mask(index, columns, HealthFilter(**filters))
        return sorted(index.ci_ids[mask].tolist())

    assert chosen() == sorted(DIAMOND_CIS)
    assert chosen(services=(pos[1],)) == [1, 2, 3, 4, 5]  # not the orphan, not the user group above it
    assert chosen(services=(pos[1],), classes=("server",)) == [4]
    assert chosen(locations=("LON3",)) == [3, 9]
    assert chosen(groups=("net",)) == [4]
    assert chosen(groups=("nobody",)) == []
    assert HealthFilter(classes=("server",)).narrowed
    assert not HealthFilter().narrowed


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from([OK, MAINT, DEG, DOWN, int(Health.UNKNOWN)]), st.integers(0, 71)),
        max_size=40,
    )
)
def test_hh014_shares_of_every_day_with_observed_cis_sum_to_one(events):
    h = history(events)
    daily = daily_status(h, np.ones(5, dtype=bool), D0, NOW)
    sums = daily.shares().sum(axis=1)
    observed = daily.counts.sum(axis=1) > 0
    assert np.allclose(sums[observed], 1.0)
    assert (sums[~observed] == 0).all()
    _nodes, hours = down_time(h, np.ones(5, dtype=bool), D0, NOW)
    assert (hours > 0).all()
    assert hours.sum() <= 5 * 72 + 1e-9


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1000, allow_nan=False), max_size=30), st.integers(1, 40))
def test_hh015_pareto_cumulative_is_monotone_and_ends_at_the_total_when_everyone_is_shown(values, limit):
    bars = pareto(np.arange(len(values)), np.array(values, dtype=float), limit)
    assert (np.diff(bars.cumulative) >= 0).all()
    assert (np.diff(bars.values) <= 0).all()
    if bars.contributors <= limit and bars.total > 0:
        assert np.isclose(bars.cumulative[-1], 1.0)


def test_hh016_the_page_url_round_trips_and_forged_values_take_their_defaults():
    query = HealthQuery(services=(1, 7), classes=("server",), locations=("FRA 1",), groups=("DBA Team",), days=90)
    assert parse_health(health_query(query)) == query
    assert health_query(HealthQuery()) == ""
    forged = parse_health("?service=x&service=9999999999999999999999&days=-4&class=" + "a" * 500)
    assert forged == HealthQuery(days=DEFAULT_DAYS)
    assert parse_health("?days=99999").days == MAX_DAYS


def test_hh017_a_chosen_service_the_cmdb_does_not_hold_scopes_nothing():
    built = graph(DIAMOND_CIS, DIAMOND_RELS)
    chosen = filter_of(built.index, HealthQuery(services=(404,)))
    columns = ScopeColumns(np.full(built.index.node_count, -1, dtype=np.int32), (), {})
    assert not scope_mask(built.index, columns, chosen).any()
    assert filter_of(built.index, HealthQuery(services=(1, 404))).services == (built.index.position(1),)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3)), max_size=60),
    st.integers(1, 10),
    st.booleans(),
)
def test_hh018_top_is_the_head_of_a_full_sort_by_primary_secondary_then_index(pairs, limit, with_secondary):
    primary = np.array([p for p, _ in pairs], dtype=float)
    secondary = np.array([s for _, s in pairs], dtype=np.int64)
    index = np.arange(len(pairs))
    if with_secondary:
        expected = np.lexsort((index, -secondary, -primary))[:limit]
        assert top(primary, secondary, limit).tolist() == expected.tolist()
    else:
        expected = np.lexsort((index, -primary))[:limit]
        assert top(primary, None, limit).tolist() == expected.tolist()


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(-1, 4), st.integers(0, 50)), max_size=40))
def test_hh019_mtbf_is_the_same_whether_or_not_incidents_come_in_opening_order(rows):
    keys = np.array([r[0] for r in rows], dtype=np.int64)
    series = np.array([r[1] for r in rows], dtype=np.int64)
    opened = np.array([float(r[2]) for r in rows])
    resolved = np.full(len(rows), np.nan)
    order = np.argsort(opened, kind="stable")
    shuffled = reliability(keys, series, opened, resolved, 4)
    ordered = reliability(keys[order], series[order], opened[order], resolved[order], 4)
    assert np.array_equal(shuffled.gaps, ordered.gaps)
    assert np.allclose(shuffled.mtbf_hours, ordered.mtbf_hours, equal_nan=True)


def test_hh020_per_class_and_per_group_from_the_presorted_orders_match_a_sort_of_the_selection():
    # Group "a" on CI 0 at 0, 10, 40 h; group "b" on CI 0 at 20 h; CI 1 (class 1) at 5 and 8 h; one without a CI.
    log = log_of(
        [(0, 1, 0, 1, "a"), (0, 1, 10, 12, "a"), (1, 1, 5, 6, "b"), (0, 1, 20, 21, "b"), (1, 1, 8, None, "b"),
         (0, 1, 40, 41, "a"), (-1, 1, 2, 5, "a")]
    )  # fmt: skip
    entries = in_scope(log, np.ones(2, dtype=bool), D0, NOW, narrowed=False)
    selected = log.selected(entries)
    classes = per_ci_key(log, selected, np.array([0, 1]), 2)
    assert classes.mtbf_hours.tolist() == [(10 + 10 + 20) / 3, 3.0]  # CI 0: 0→10→20→40; CI 1: 5→8
    groups = per_group(log, selected)
    a, b = log.group_names.index("a"), log.group_names.index("b")
    assert groups.mtbf_hours[a] == 20.0  # a's own incidents on CI 0: 0→10→40
    assert groups.mttr_hours[a] == (1 + 2 + 1 + 3) / 4  # the incident without a CI counts in its group's MTTR
    assert groups.gaps[b] == 1  # b: CI 1 5→8; CI 0 once
    without_first_day = log.selected(in_scope(log, np.ones(2, dtype=bool), D0 + 9 * H, NOW, narrowed=False))
    assert per_ci_key(log, without_first_day, np.array([0, 1]), 2).gaps.tolist() == [2, 0]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from([OK, MAINT, DEG, DOWN]), st.integers(0, 71)), max_size=30))
def test_hh021_the_worst_status_per_day_is_what_a_plain_loop_over_the_intervals_finds(events):
    h = history(events)
    expected: dict[tuple[int, int], int] = {}
    ordered = sorted(range(len(events)), key=lambda i: (events[i][0], events[i][2], i))
    for at, i in enumerate(ordered):
        node, status, hour = events[i]
        following = [events[j][2] for j in ordered[at + 1 :] if events[j][0] == node]
        until = following[0] if following else 72
        for day in range(hour // 24, max(hour, until - 1) // 24 + 1):
            expected[node, day] = max(expected.get((node, day), NO_DATA), status)
    offset = int((h.first_day - np.datetime64("2026-11-20")) / np.timedelta64(1, "D"))  # the first event's day
    found = {(int(n), offset + d): int(h.worst[r, d]) for r, n in enumerate(h.nodes) for d in range(h.day_count)}
    assert {k: v for k, v in found.items() if v != NO_DATA} == expected


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=1, max_size=60), st.data(), st.sampled_from([np.int64, np.uint8, float]))
def test_hh022_kth_largest_is_the_kth_of_a_descending_sort(values, data, dtype):
    k = data.draw(st.integers(1, len(values)))
    array = np.array(values, dtype=dtype)
    assert kth_largest(array, k) == np.sort(array)[::-1][k - 1]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.lists(st.sampled_from([NO_DATA, OK, DEG, DOWN, MAINT]), min_size=3, max_size=3),
                       st.sampled_from([0.0, 0.0, 1.5, 2.0, 7.25])), max_size=40),
    st.integers(1, 8),
)  # fmt: skip
def test_hh023_worst_days_ranks_as_a_full_sort_of_every_ci_in_scope(rows, limit):
    cells = np.array([r[0] for r in rows], dtype=np.int8).reshape(len(rows), 3)
    hours = np.array([r[1] for r in rows], dtype=float)
    nodes = np.arange(len(rows), dtype=np.int64) * 3 + 1
    daily = DailyStatus(np.arange(3).astype("datetime64[D]"), np.zeros((3, 5), dtype=np.int64), cells, nodes)
    down = (nodes[hours > 0], hours[hours > 0])
    bad = np.count_nonzero(cells >= DEG, axis=1)  # the direct ranking: every CI, most hours, most bad days, position
    expected = np.lexsort((np.arange(len(rows)), -bad, -hours))[:limit]
    expected = expected[(bad[expected] > 0) | (hours[expected] > 0)]
    found = worst_days(daily, down, limit)
    assert found.nodes.tolist() == nodes[expected].tolist()
    assert found.down_hours.tolist() == hours[expected].tolist()
    assert found.cells.tolist() == cells[expected].tolist()


@settings(max_examples=120, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from([OK, MAINT, DEG, DOWN, int(Health.UNKNOWN)]), st.integers(0, 71)),
        max_size=40,
    ),
    st.lists(st.booleans(), min_size=5, max_size=5),
    st.integers(0, 2),
    st.integers(1, 3),
)
def test_hh024_daily_counts_are_a_direct_count_of_the_worst_statuses_in_scope(events, scoped, first, days):
    h = history(events)
    start = D0 + first * 24 * H
    end = min(NOW, start + days * 24 * H)
    for mask in (np.ones(5, dtype=bool), np.array(scoped)):  # every CI: the counts kept with the history
        daily = daily_status(h, mask, start, end)
        inside = mask[h.nodes]
        columns = [c for c in range(h.day_count) if start <= np.datetime64(h.first_day + c, "ns") < end]
        expected = [[int(((h.worst[:, c] == s) & inside).sum()) for s in range(len(Health))] for c in columns]
        assert daily.counts.tolist() == expected
        assert daily.nodes.tolist() == h.nodes[inside].tolist()


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-1, 3), st.integers(-1, 2), st.floats(0, 500), st.one_of(st.none(), st.floats(0, 90))),
        max_size=40,
    )
)
def test_hh025_mttr_and_mtbf_per_key_are_the_sums_a_plain_loop_adds_up(rows):
    keys = np.array([r[0] for r in rows], dtype=np.int64)
    series = np.array([r[1] for r in rows], dtype=np.int64)
    opened = np.array([r[2] for r in rows], dtype=float)
    to_resolve = np.array([np.nan if r[3] is None else r[3] for r in rows], dtype=float)
    found = reliability(keys, series, opened, to_resolve, 4)
    order = sorted(range(len(rows)), key=lambda i: (keys[i], series[i], opened[i]))  # what the lexsort gives
    for key in range(4):
        mine = [i for i in range(len(rows)) if keys[i] == key]
        resolved = [to_resolve[i] for i in mine if not np.isnan(to_resolve[i])]
        total = 0.0
        for value in resolved:  # in row order, as bincount adds them
            total += value
        ordered = [i for i in order if keys[i] == key]
        gaps = [opened[b] - opened[a] for a, b in itertools.pairwise(ordered) if series[a] == series[b] >= 0]
        gap_total = 0.0
        for gap in gaps:
            gap_total += gap
        assert (found.incidents[key], found.resolved[key], found.gaps[key]) == (len(mine), len(resolved), len(gaps))
        np.testing.assert_array_equal(found.mttr_hours[key], total / len(resolved) if resolved else np.nan)
        np.testing.assert_array_equal(found.mtbf_hours[key], gap_total / len(gaps) if gaps else np.nan)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-1, 3), st.integers(1, 5), st.integers(0, 60), st.one_of(st.none(), st.integers(0, 80)),
                  st.sampled_from(["a", "b", "", "c"])),
        max_size=40,
    ),
    st.data(),
)  # fmt: skip
def test_hh026_per_group_is_mttr_over_every_selected_incident_and_mtbf_over_those_on_a_ci(rows, data):
    log = log_of([(n, p, o, r, g) for n, p, o, r, g in rows])
    selected = np.array([data.draw(st.booleans()) for _ in rows], dtype=bool)
    found = per_group(log, selected)
    every = np.flatnonzero(selected)
    count = len(log.group_names)
    none = np.full(len(every), -1)
    mttr = reliability(log.group[every], none, log.opened_hours[every], log.to_resolve[every], count, presorted=True)
    order = log.by_group_ci[selected[log.by_group_ci]]
    gaps = reliability(log.group[order], log.nodes[order], log.opened_hours[order], log.to_resolve[order], count)
    assert found.incidents.tolist() == mttr.incidents.tolist()
    assert found.resolved.tolist() == mttr.resolved.tolist()
    assert found.gaps.tolist() == gaps.gaps.tolist()
    np.testing.assert_array_equal(found.mttr_hours, mttr.mttr_hours)
    np.testing.assert_array_equal(found.mtbf_hours, gaps.mtbf_hours)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-1, 4), st.integers(0, 70), st.sampled_from(["a", "b", ""])), max_size=30),
    st.lists(st.booleans(), min_size=5, max_size=5),
    st.integers(0, 72),
    st.integers(0, 72),
    st.booleans(),
    st.lists(st.sampled_from(["a", "b", "z"]), max_size=2),
)
def test_hh027_in_scope_keeps_what_a_test_of_every_entry_keeps(rows, scoped, first, last, narrowed, groups):
    log = log_of([(n, 1, o, None, g) for n, o, g in rows])
    mask = np.array(scoped)
    start, end = D0 + first * H, D0 + last * H
    found = in_scope(log, mask, start, end, narrowed=narrowed, groups=tuple(groups))
    expected = [
        e
        for e in range(len(log.opened))
        if start <= log.opened[e] < end
        and (mask[log.nodes[e]] if log.nodes[e] >= 0 else not narrowed)
        and (not groups or (log.group[e] >= 0 and log.group_names[log.group[e]] in groups))
    ]
    assert found.tolist() == expected


@given(st.lists(st.tuples(st.integers(-1, 2), st.integers(0, 4)), max_size=30), st.data())
def test_hh028_status_mix_counts_each_ci_in_scope_once_whether_or_not_everyone_is(cis, data):
    keys = np.array([k for k, _ in cis], dtype=np.int32)
    status = np.array([s for _, s in cis], dtype=np.int8)
    picked = np.array([data.draw(st.booleans()) for _ in cis], dtype=bool)
    for mask in (picked, np.ones(len(cis), dtype=bool)):  # everyone: the columns are read without a copy
        expected = np.zeros((4, len(Health)), dtype=np.int64)
        for key, state, inside in zip(keys.tolist(), status.tolist(), mask.tolist(), strict=True):
            expected[3 if key < 0 else key, state] += inside
        assert status_mix(status, keys, 3, mask).tolist() == expected.tolist()
