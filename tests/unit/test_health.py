"""Health: latest event per CI, worst-of roll-up, redundancy of group members, explanations."""

import numpy as np

from dashboard.domain.health import NO_DATA, explain, own_status, roll_up, status_codes
from dashboard.domain.vocabulary import Health
from tests.unit.graphs import DIAMOND_CIS, DIAMOND_RELS, graph

T = np.datetime64("2026-11-20T10:00", "ns")


def state_of(built, events):
    ids = np.array([e[0] for e in events], dtype=np.int64)
    statuses = np.array([e[1] for e in events], dtype=object)
    times = np.array([T + np.timedelta64(e[2], "m") for e in events], dtype="datetime64[ns]")
    return own_status(built.index, ids, statuses, times)


def at(built, state, ci_id, array="rolled"):
    return int(getattr(state, array)[built.index.position(ci_id)])


def test_he001_status_names_map_to_codes_any_case_unknown_otherwise():
    codes = status_codes(np.array(["ok", " DOWN ", "Degraded", "weird", None], dtype=object))
    assert codes.tolist() == [Health.OK, Health.DOWN, Health.DEGRADED, Health.UNKNOWN, Health.UNKNOWN]


def test_he002_latest_event_wins_and_events_about_missing_cis_are_ignored():
    built = graph(DIAMOND_CIS, DIAMOND_RELS)
    state = state_of(built, [(4, "down", 1), (4, "ok", 5), (5, "degraded", 0), (404, "down", 9)])
    assert at(built, state, 4, "own") == Health.OK
    assert at(built, state, 5, "own") == Health.DEGRADED
    assert at(built, state, 6, "own") == NO_DATA


def test_he003_worst_status_rolls_up_through_a_diamond_to_the_service_and_its_users():
    built = graph(DIAMOND_CIS, DIAMOND_RELS)
    state = state_of(built, [(5, "down", 0), (2, "ok", 0), (3, "ok", 0)])
    for ci_id in (4, 2, 3, 1, 9):
        assert at(built, state, ci_id) == Health.DOWN, ci_id
    assert at(built, state, 6) == NO_DATA
    assert state.shown(np.array([built.index.position(6)])).tolist() == [Health.UNKNOWN]


def test_he004_a_cluster_is_degraded_when_some_members_are_down_and_down_when_all_are():
    cis = {1: "cluster", 2: "server", 3: "server", 4: "virtual_machine"}
    rels = [(2, "member of", 1), (3, "member of", 1), (4, "hosted on", 1)]
    built = graph(cis, rels)
    some = state_of(built, [(2, "down", 0), (3, "ok", 0)])
    assert at(built, some, 1) == Health.DEGRADED
    assert at(built, some, 4) == Health.DEGRADED
    assert explain(built.index, some, built.index.position(1)).rule == "redundancy"
    both = state_of(built, [(2, "down", 0), (3, "down", 0)])
    assert at(built, both, 1) == Health.DOWN


def test_he005_one_member_in_maintenance_leaves_the_cluster_ok():
    cis = {1: "cluster", 2: "server", 3: "server"}
    built = graph(cis, [(2, "member of", 1), (3, "member of", 1)])
    state = state_of(built, [(2, "maintenance", 0), (3, "ok", 0)])
    assert at(built, state, 1) == Health.OK


def test_he006_roll_up_terminates_on_a_cycle():
    cis = {1: "application", 2: "application", 3: "application"}
    built = graph(cis, [(1, "depends on", 2), (2, "depends on", 3), (3, "depends on", 1)])
    own = np.array([NO_DATA, NO_DATA, Health.DEGRADED], dtype=np.int8)
    assert roll_up(built.index, own).tolist() == [Health.DEGRADED] * 3


def test_he007_explain_names_the_rule_and_the_culprits():
    built = graph(DIAMOND_CIS, DIAMOND_RELS)
    state = state_of(built, [(5, "down", 0), (2, "ok", 0)])
    service = explain(built.index, state, built.index.position(1))
    assert service.rule == "worst_of"
    assert service.status is Health.DOWN
    assert sorted(built.index.ci_ids[list(service.culprits)].tolist()) == [2, 3]
    switch = explain(built.index, state, built.index.position(5))
    assert switch.rule == "own"
    orphan = explain(built.index, state, built.index.position(6))
    assert orphan.rule == "no_data"
    assert orphan.status is Health.UNKNOWN


def test_he008_an_empty_cmdb_has_no_health():
    built = graph({}, [])
    state = state_of(built, [])
    assert len(state.rolled) == 0
