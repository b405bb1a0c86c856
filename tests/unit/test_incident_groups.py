"""Open incidents grouped by one of their own fields: every open incident in exactly one group, worst first."""

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.domain.incident_groups import OpenIncidents, incident_groups
from dashboard.domain.vocabulary import Health

BASE = np.datetime64("2026-11-01T00:00", "ns")


@st.composite
def open_incidents(draw):
    """Up to 40 open incidents in up to 6 groups, naming one of up to 5 nodes or none, some without priority or time."""
    n = draw(st.integers(0, 40))
    nodes_count = draw(st.integers(0, 5))
    codes = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))
    nodes = draw(st.lists(st.integers(-1, nodes_count - 1), min_size=n, max_size=n))
    priorities = draw(st.lists(st.sampled_from([1, 2, 3, 4, 5, 7, np.nan]), min_size=n, max_size=n))
    minutes = draw(st.lists(st.one_of(st.none(), st.integers(0, 30)), min_size=n, max_size=n))
    opened = np.array([np.datetime64("NaT") if m is None else BASE + np.timedelta64(m, "m") for m in minutes])
    status = np.array(draw(st.lists(st.sampled_from(list(Health)), min_size=nodes_count, max_size=nodes_count)))
    return (
        np.array(codes, dtype=np.int64),
        np.array(nodes, dtype=np.int64),
        np.array(priorities, dtype=float),
        opened.astype("datetime64[ns]"),
        status.astype(np.int8),
    )


def priority_of(value: float) -> int:
    return 5 if np.isnan(value) else int(min(max(value, 1), 5))


@settings(max_examples=50, deadline=None)
@given(open_incidents())
def test_ig001_every_open_incident_is_in_exactly_one_group_and_the_counts_add_up(case):
    codes, nodes, priorities, opened, status = case
    grouped = incident_groups(codes, nodes, priorities, opened, status)
    assert sum(g.open for g in grouped) == len(codes)
    assert sorted(g.code for g in grouped) == sorted(set(codes.tolist()))
    for group in grouped:
        mine = codes == group.code
        expected = Counter(priority_of(p) for p in priorities[mine])
        assert group.incidents == tuple(expected.get(p, 0) for p in range(1, 6))
        assert group.without_ci == int((nodes[mine] < 0).sum())


@settings(max_examples=50, deadline=None)
@given(open_incidents())
def test_ig002_groups_come_by_p1_then_p2_then_total_open(case):
    grouped = incident_groups(*case)
    keys = [(*g.incidents, g.open, -g.code) for g in grouped]
    assert keys == sorted(keys, reverse=True)


@settings(max_examples=50, deadline=None)
@given(open_incidents())
def test_ig003_status_oldest_and_most_named_are_those_of_the_groups_own_incidents(case):
    codes, nodes, priorities, opened, status = case
    for group in incident_groups(codes, nodes, priorities, opened, status):
        mine = np.flatnonzero(codes == group.code)
        named = nodes[mine][nodes[mine] >= 0]
        assert group.status == (max(int(status[n]) for n in named) if len(named) else Health.UNKNOWN)
        timed = [i for i in mine if not np.isnat(opened[i])]
        assert group.oldest == (min(timed, key=lambda i: (opened[i], i)) if timed else -1)
        counted = Counter(named.tolist())
        if counted:
            top = max(counted.values())
            assert (group.most_named, group.most_named_count) == (min(n for n, c in counted.items() if c == top), top)
        else:
            assert (group.most_named, group.most_named_count) == (-1, 0)


def test_ig004_no_open_incident_makes_no_group():
    empty = np.empty(0)
    assert incident_groups(empty, empty, empty, empty.astype("datetime64[ns]"), np.empty(0)) == ()


def test_ig005_mostly_without_ci_means_more_than_half_name_none():
    def of(nodes):
        nodes = np.array(nodes, dtype=np.int64)
        return OpenIncidents(np.arange(len(nodes)), nodes, np.ones(len(nodes)), np.zeros(len(nodes), "datetime64[ns]"))

    assert of([-1, -1, 0]).mostly_without_ci
    assert not of([-1, 0]).mostly_without_ci
    assert not of([]).mostly_without_ci
    assert of([-1, -1, 0]).without_ci == 2
