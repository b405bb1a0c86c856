"""Which CIs matter without business services: the map's opening CI, the most troubled CIs, CIs grouped by a key."""

from datetime import datetime

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.domain.notices import cmdb_notices, health_days_to_reach, old_health
from dashboard.domain.prominence import connected, groups, most_troubled, opening_ci, trouble_order, weight
from dashboard.domain.vocabulary import Health
from tests.unit.graphs import graph

TYPES = ("depends on", "runs on", "hosted on", "connects to", "used by")


@st.composite
def cmdbs(draw):
    """A small CMDB: CIs 1…n (servers), random relationships among them, a status and open P1 … P5 incidents per CI."""
    n = draw(st.integers(1, 12))
    pairs = st.tuples(st.integers(1, n), st.sampled_from(TYPES), st.integers(1, n))
    relationships = [r for r in draw(st.lists(pairs, max_size=20)) if r[0] != r[2]]
    status = np.array(draw(st.lists(st.sampled_from(list(Health)), min_size=n, max_size=n)), dtype=np.int8)
    counts = st.lists(st.lists(st.integers(0, 2), min_size=5, max_size=5), min_size=n, max_size=n)
    by_priority = np.array(draw(counts), dtype=np.int32)
    return graph(dict.fromkeys(range(1, n + 1), "server"), relationships).index, status, by_priority


def score(index, status, by_priority, node):
    """What makes a CI matter, compared as a tuple: down or degraded, then P1 … P5 incidents, then dependents and
    links."""
    trouble = int(status[node]) if status[node] >= Health.DEGRADED else 0
    return (trouble, *(int(c) for c in by_priority[node]), int(weight(index)[node]))


@settings(max_examples=50, deadline=None)
@given(cmdbs())
def test_pr001_the_opening_ci_is_never_an_orphan_while_any_relationship_exists(cmdb):
    index, status, by_priority = cmdb
    chosen = opening_ci(index, status, by_priority)
    linked = connected(index)
    assert chosen is not None
    if linked.any():
        assert linked[chosen]


@settings(max_examples=50, deadline=None)
@given(cmdbs())
def test_pr002_the_opening_ci_has_the_highest_status_incident_and_dependents_score(cmdb):
    index, status, by_priority = cmdb
    chosen = opening_ci(index, status, by_priority)
    linked = connected(index)
    candidates = np.flatnonzero(linked) if linked.any() else np.arange(index.node_count)
    best = max(score(index, status, by_priority, p) for p in candidates)
    assert score(index, status, by_priority, chosen) == best


def none_of(n):
    return np.full(n, Health.OK, dtype=np.int8), np.zeros((n, 5), dtype=np.int32)


def test_pr003_an_empty_cmdb_has_no_opening_ci():
    assert opening_ci(graph({}, []).index, *none_of(0)) is None


def test_pr004_most_dependents_wins_when_no_ci_is_in_trouble():
    # Switch 5 carries servers 2, 3 and 4; orphan 9 has nothing.
    built = graph(
        {2: "server", 3: "server", 4: "server", 5: "switch", 9: "server"},
        [(2, "connects to", 5), (3, "connects to", 5), (4, "connects to", 5)],
    )
    assert built.index.ci_ids[opening_ci(built.index, *none_of(5))] == 5


def test_pr005_an_orphan_with_incidents_does_not_win_over_a_connected_ci():
    built = graph({1: "server", 2: "server", 3: "server"}, [(1, "runs on", 2)])
    status, by_priority = none_of(3)
    by_priority[2, 0] = 9
    chosen = opening_ci(built.index, status, by_priority)
    assert built.index.ci_ids[chosen] == 2  # 2 has a dependent; 3 is an orphan despite its nine P1 incidents


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.sampled_from(list(Health)), min_size=1, max_size=30),
    st.data(),
    st.integers(1, 10),
)
def test_pr006_most_troubled_is_the_head_of_the_full_trouble_order(status, data, limit):
    n = len(status)
    status = np.array(status, dtype=np.int8)
    by_priority = np.array(
        data.draw(st.lists(st.lists(st.integers(0, 2), min_size=5, max_size=5), min_size=n, max_size=n)), dtype=np.int32
    )
    counts = np.array(data.draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)), dtype=np.int64)
    full = trouble_order(status, by_priority, counts)
    assert most_troubled(status, by_priority, counts, limit).tolist() == full[:limit].tolist()


def test_pr007_down_beats_degraded_beats_incidents_and_unknown_is_no_trouble():
    status = np.array([Health.UNKNOWN, Health.OK, Health.DEGRADED, Health.DOWN], dtype=np.int8)
    by_priority = np.zeros((4, 5), dtype=np.int32)
    by_priority[1, 0] = 1  # an OK CI with a P1
    order = trouble_order(status, by_priority, np.zeros(4, dtype=np.int64))
    assert order.tolist() == [3, 2, 1, 0]


def test_pr008_groups_carry_their_worst_status_failing_members_and_incidents():
    codes = np.array([0, 0, 1, 1, 1, -1])
    status = np.array([Health.OK, Health.DOWN, Health.OK, Health.DEGRADED, Health.DEGRADED, Health.DOWN])
    by_priority = np.zeros((6, 5), dtype=np.int32)
    by_priority[2, 1] = 3
    found = groups(codes, status, by_priority)
    assert [(g.code, g.members, g.failing, g.status) for g in found] == [
        (0, 2, 1, Health.DOWN),
        (1, 3, 2, Health.DEGRADED),
    ]
    assert found[1].incidents == (0, 3, 0, 0, 0)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-1, 4), max_size=40))
def test_pr009_every_ci_with_a_code_is_in_exactly_one_group(codes):
    codes = np.array(codes, dtype=np.int64)
    status = np.zeros(len(codes), dtype=np.int8)
    found = groups(codes, status, np.zeros((len(codes), 5), dtype=np.int32))
    assert sum(g.members for g in found) == int((codes >= 0).sum())
    assert len({g.code for g in found}) == len(found)


def test_pr010_screens_say_why_they_are_empty_and_what_to_do():
    (empty,) = cmdb_notices(0, 0, 0, None)
    assert "no CIs" in empty.why
    assert "python -m dashboard import" in empty.advice
    (lonely,) = cmdb_notices(3, 0, 5, None)
    assert "no relationships" in lonely.why
    assert "5 relationship rows were left out" in lonely.advice
    assert cmdb_notices(3, 2, 2, None) == ()


def test_pr011_old_health_names_the_newest_event_and_a_window_that_reaches_it():
    now = datetime(2026, 11, 30, 12)
    notice = old_health(datetime(2022, 8, 23, 9), 7, now)
    assert "2022-08-23" in notice.why
    assert "7-day health window" in notice.why
    assert f"SERVICEMAP_HEALTH_DAYS={health_days_to_reach(datetime(2022, 8, 23, 9), now)}" in notice.advice
    assert health_days_to_reach(datetime(2026, 11, 29, 13), now) == 1
