"""Changes followed by incidents on hand-made histories: the 24 h window, upstream only, one failure per change."""

from datetime import datetime, timedelta

import dash_ag_grid as dag
import numpy as np
import pytest
from dash import dcc
from hypothesis import given
from hypothesis import strategies as st

from dashboard.change_failures import change_basis, change_failures_view
from dashboard.cmdb.derived import Derived
from dashboard.cmdb.snapshot import build_snapshot
from dashboard.domain.change_failures import (
    NO_LABEL,
    change_failures,
    change_time,
    every_change_failure,
    failure_rates,
    narrowed,
)
from dashboard.domain.traverse import ALL_HOPS, Direction, reach
from dashboard.health_reports import changes_if_built, changes_of
from layouts import ids
from layouts.change_failures import build_change_failures
from tests.rows import ci, frames, incident, rel
from tests.unit.graphs import DIAMOND_CIS, DIAMOND_RELS, graph

T = np.datetime64("2026-11-01T00:00:00", "s")
HOUR = np.timedelta64(1, "h")
BUILT = graph(DIAMOND_CIS, DIAMOND_RELS)  # service 1 → apps 2, 3 → server 4 → switch 5; group 9 uses 1
INDEX = BUILT.index
EVERYTHING = np.ones(INDEX.node_count, dtype=bool)


def at(ci_id: int) -> int:
    return int(INDEX.locate(np.array([ci_id]))[0])


def failures(changes: list[tuple[int, np.datetime64]], incidents: list[tuple[int, np.datetime64]], **kwargs):
    """change_failures over changes and incidents given as (CI id, time); the range is a week around T."""
    scope = kwargs.pop("scope", EVERYTHING)
    return change_failures(
        INDEX,
        np.array([at(c) for c, _ in changes], dtype=np.int64),
        np.array([t for _, t in changes], dtype="datetime64[s]"),
        np.array([at(c) if c else -1 for c, _ in incidents], dtype=np.int64),
        np.array([t for _, t in incidents], dtype="datetime64[s]"),
        scope,
        kwargs.pop("start", T - 72 * HOUR),
        kwargs.pop("end", T + 72 * HOUR),
    )


def test_cf001_an_incident_on_the_changed_ci_within_the_day_follows_it():
    found = failures([(4, T)], [(4, T + HOUR)])
    assert found.pair_change.tolist() == [0]
    assert found.pair_incident.tolist() == [0]
    assert found.pair_hops.tolist() == [0]
    assert found.failed.tolist() == [True]


@pytest.mark.parametrize(
    ("offset", "follows"),
    [
        (np.timedelta64(-1, "s"), False),  # before the change: never
        (np.timedelta64(0, "s"), True),  # at the change time itself
        (np.timedelta64(24 * 3600 - 1, "s"), True),  # the last second of the day after
        (np.timedelta64(24 * 3600, "s"), False),  # exactly 24 h later: outside [t, t + 24 h)
    ],
)
def test_cf002_the_window_is_the_24_hours_from_the_change_on(offset, follows):
    found = failures([(4, T)], [(4, T + offset)])
    assert found.failed.tolist() == [follows]
    assert len(found.pair_change) == int(follows)


def test_cf003_an_incident_on_what_depends_on_the_ci_counts_with_its_hops():
    found = failures([(4, T)], [(2, T + HOUR), (1, T + 2 * HOUR), (9, T + 3 * HOUR)])
    assert sorted(zip(found.pair_incident.tolist(), found.pair_hops.tolist(), strict=True)) == [(0, 1), (1, 2), (2, 3)]


def test_cf004_an_incident_on_what_the_ci_depends_on_does_not_count():
    found = failures([(4, T)], [(5, T + HOUR)])  # the switch is below the server
    assert found.failed.tolist() == [False]
    assert len(found.pair_change) == 0


def test_cf005_an_incident_on_an_unrelated_ci_or_on_no_ci_does_not_count():
    found = failures([(4, T)], [(6, T + HOUR), (0, T + HOUR)])
    assert found.failed.tolist() == [False]


def test_cf006_a_change_followed_by_two_incidents_fails_once_in_the_rate():
    found = failures([(4, T), (3, T)], [(4, T + HOUR), (1, T + 2 * HOUR)])
    assert len(found.pair_change) == 3  # change on 4: both incidents; change on 3: the one on service 1
    assert found.failed.tolist() == [True, True]
    [rate] = failure_rates(np.array(["normal", "normal"], dtype=object), found.failed)
    assert (rate.changes, rate.failed, rate.rate) == (2, 2, 1.0)
    found = failures([(4, T), (6, T)], [(4, T + HOUR), (4, T + 2 * HOUR)])
    [rate] = failure_rates(np.array(["normal", "normal"], dtype=object), found.failed)
    assert (rate.changes, rate.failed, rate.rate) == (2, 1, 0.5)


def test_cf007_scope_and_range_choose_the_changes():
    scope = np.zeros(INDEX.node_count, dtype=bool)
    scope[at(4)] = True
    found = failures([(4, T), (3, T), (4, T + 10 * HOUR)], [(1, T + HOUR)], scope=scope, start=T, end=T + 10 * HOUR)
    assert found.changes.tolist() == [0]  # 3 is out of scope; the third change is at the range's end (excluded)
    assert found.pair_incident.tolist() == [0]  # the incident may lie outside the scope


def test_cf008_a_symmetric_link_is_not_crossed():
    built = graph({1: "router", 2: "router", 3: "application"}, [(1, "connects to", 2), (3, "runs on", 2)])
    positions = built.index.locate(np.array([1, 2, 3]))
    found = change_failures(
        built.index,
        positions[:1],
        np.array([T]),
        positions[1:],
        np.array([T + HOUR, T + HOUR]),
        np.ones(3, dtype=bool),
        T - HOUR,
        T + HOUR,
    )
    assert found.failed.tolist() == [False]


def test_cf009_the_change_time_is_actual_end_else_actual_start_else_planned_end():
    nat = np.datetime64("NaT", "s")
    end = np.array([T, nat, nat, nat], dtype="datetime64[s]")
    start = np.array([T - HOUR, T - 2 * HOUR, nat, nat], dtype="datetime64[s]")
    planned = np.array([T + HOUR, T + HOUR, T + 3 * HOUR, nat], dtype="datetime64[s]")
    got = change_time(end, start, planned)
    assert got[:3].tolist() == [T, T - 2 * HOUR, T + 3 * HOUR]
    assert np.isnat(got[3])


def test_cf010_rates_name_empty_groups_and_put_the_worst_first():
    labels = np.array(["standard", None, " ", "emergency", "standard", float("nan")], dtype=object)
    failed = np.array([False, True, False, True, False, False])
    rates = failure_rates(labels, failed)
    assert [(r.label, r.changes, r.failed) for r in rates] == [
        ("emergency", 1, 1),
        (NO_LABEL, 3, 1),
        ("standard", 2, 0),
    ]
    assert failure_rates(np.empty(0, dtype=object), np.empty(0, dtype=bool)) == []


NOW = datetime(2026, 11, 1, 12, 0)


def change_row(number: str, ci_id: int, ended: datetime | None, **fields: object) -> dict:
    row = {"number": number, "ci_id": ci_id, "state": "closed", "summary": "Patch", "updated_at": NOW}
    return row | {"actual_end": ended, "actual_start": None, "planned_start": None, "planned_end": None} | fields


def snapshot():
    cis = [ci(i, f"ci-{i}", cls) for i, cls in DIAMOND_CIS.items()]
    rels = [rel(k, s, t, d) for k, (s, t, d) in enumerate(DIAMOND_RELS)]
    changes = [
        change_row("CHG1", 4, NOW, type="normal", assignment_group="Unix Ops"),
        change_row("CHG2", 2, NOW, type="standard", assignment_group="App Team"),
        change_row("CHG3", 6, None, planned_end=NOW, type=None, assignment_group=None),
    ]
    incidents = [
        incident("INC1", 1, 1, opened_at=NOW + timedelta(hours=2), summary="Service slow"),
        incident("INC2", 4, 3, opened_at=NOW + timedelta(hours=3)),
        incident("INC3", 5, 3, opened_at=NOW + timedelta(hours=3)),
    ]
    return build_snapshot(
        frames(ci=cis, relationship=rels, change=changes, incident=incidents), fingerprint="f", source="t"
    )


def test_cf011_the_view_lists_pairs_and_rates_by_type_and_team():
    snap = snapshot()
    scope = np.ones(snap.index.node_count, dtype=bool)
    view = change_failures_view(
        snap, scope, np.datetime64(NOW - timedelta(days=1)), np.datetime64(NOW + timedelta(days=1))
    )
    assert (view.changes, view.failed) == (3, 2)
    assert sorted((p.change, p.incident, p.hops) for p in view.pairs) == [
        ("CHG1", "INC1", 2),
        ("CHG1", "INC2", 0),
        ("CHG2", "INC1", 1),
    ]
    assert {(r.label, r.changes, r.failed) for r in view.by_type} == {
        ("normal", 1, 1),
        ("standard", 1, 1),
        (NO_LABEL, 1, 0),
    }
    assert {(r.label, r.failed) for r in view.by_team} == {("Unix Ops", 1), ("App Team", 1), (NO_LABEL, 0)}
    pair = next(p for p in view.pairs if p.incident == "INC1" and p.change == "CHG1")
    assert (pair.changed_ci_id, pair.incident_ci_id, pair.priority, pair.summary) == (4, 1, 1, "Service slow")


def test_cf012_the_section_draws_rates_and_pairs():
    snap = snapshot()
    scope = np.ones(snap.index.node_count, dtype=bool)
    view = change_failures_view(
        snap, scope, np.datetime64(NOW - timedelta(days=1)), np.datetime64(NOW + timedelta(days=1))
    )
    section = build_change_failures(view)
    assert section.id == ids.HEALTH_CHANGE_FAILURES
    found = {_name(c.id): c for c in _walk(section) if getattr(c, "id", None)}
    by_type = found[ids.HEALTH_CHANGE_FAILURES_BY_TYPE]
    assert isinstance(by_type, dcc.Graph)
    assert list(by_type.figure["data"][0]["y"]) == [r.label for r in view.by_type]
    grid = found[ids.HEALTH_CHANGE_FAILURES_PAIRS]
    assert isinstance(grid, dag.AgGrid)
    assert len(grid.rowData) == 3
    assert {r["where"] for r in grid.rowData} == {"the changed CI", "1 hop above it", "2 hops above it"}


def test_cf013_an_empty_scope_says_so():
    snap = snapshot()
    view = change_failures_view(
        snap, np.zeros(snap.index.node_count, dtype=bool), np.datetime64(NOW), np.datetime64(NOW)
    )
    assert (view.changes, view.failed, view.pairs, view.rate) == (0, 0, (), 0.0)
    section = build_change_failures(view)
    assert "No change in this scope" in section.children[1].children


def _name(component_id):
    """A string id, or the name of a /health chart's pattern id."""
    return component_id["name"] if isinstance(component_id, dict) else component_id


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children] if children is not None else []:
        if hasattr(child, "to_plotly_json"):
            yield from _walk(child)


def test_cf014_a_servicenow_export_keeps_the_change_type_and_team(tmp_path):
    from dashboard.imports import parse

    export = tmp_path / "change_request.csv"
    export.write_text(
        "number,cmdb_ci,state,short_description,start_date,end_date,type,assignment_group\n"
        "CHG0001,web-01,Closed,Patch,2026-10-01 20:00:00,2026-10-01 22:00:00,Emergency,Unix Ops\n"
    )
    changes = parse("servicenow", [export]).changes
    assert (changes["type"].iat[0], changes["assignment_group"].iat[0]) == ("Emergency", "Unix Ops")


@given(
    st.lists(
        st.tuples(
            st.integers(0, 7), st.sampled_from(["depends on", "runs on", "connects to", "member of"]), st.integers(0, 7)
        ),
        max_size=20,
    )
)
def test_cf015_a_change_is_followed_by_an_incident_on_exactly_what_depends_on_its_ci(relationships):
    index = graph(dict.fromkeys(range(8), "server"), relationships).index
    n = index.node_count
    everything = np.arange(n, dtype=np.int64)
    found = change_failures(
        index,
        everything,
        np.full(n, T),
        everything,
        np.full(n, T + HOUR),
        np.ones(n, dtype=bool),
        T,
        T + HOUR,
    )
    for change in range(n):
        walked = reach(index, [change], Direction.UPSTREAM, ALL_HOPS, follow_links=False)
        mine = found.pair_change == change
        assert dict(zip(found.pair_incident[mine].tolist(), found.pair_hops[mine].tolist(), strict=True)) == dict(
            zip(walked.nodes.tolist(), walked.depths.tolist(), strict=True)
        )


moments = st.integers(min_value=-100, max_value=100).map(lambda h: T + h * HOUR)
cis = st.sampled_from([1, 2, 3, 4, 5, 9])


@given(
    changes=st.lists(st.tuples(cis, moments), max_size=8),
    incidents=st.lists(st.tuples(st.sampled_from([0, 1, 2, 3, 4, 5, 9]), moments), max_size=10),
    scope=st.lists(st.booleans(), min_size=INDEX.node_count, max_size=INDEX.node_count),
    start=moments,
    hours=st.integers(min_value=0, max_value=200),
)
def test_cf016_narrowing_the_pairs_of_every_change_equals_computing_them_per_scope_and_range(
    changes, incidents, scope, start, hours
):
    changed = np.array([at(c) for c, _ in changes], dtype=np.int64)
    changed_at = np.array([t for _, t in changes], dtype="datetime64[ns]")
    incident_ci = np.array([at(c) if c else -1 for c, _ in incidents], dtype=np.int64)
    opened_at = np.array([t for _, t in incidents], dtype="datetime64[ns]")
    mask, begin, end = np.array(scope), np.datetime64(start, "ns"), np.datetime64(start + hours * HOUR, "ns")
    direct = change_failures(INDEX, changed, changed_at, incident_ci, opened_at, mask, begin, end)
    every = every_change_failure(INDEX, changed, changed_at, incident_ci, opened_at)
    found = narrowed(every, changed, changed_at, mask, begin, end)
    for name in ("changes", "failed", "pair_change", "pair_incident", "pair_hops"):
        assert getattr(found, name).tolist() == getattr(direct, name).tolist(), name


def test_cf017_the_view_from_the_snapshot_basis_equals_the_view_computed_afresh():
    snap = snapshot()
    scope = np.ones(snap.index.node_count, dtype=bool)
    scope[snap.index.locate(np.array([4]))] = False  # the server: its change is left out
    window = (np.datetime64(NOW - timedelta(days=1)), np.datetime64(NOW + timedelta(days=1)))
    basis = change_basis(snap)
    assert change_failures_view(snap, scope, *window, basis=basis) == change_failures_view(snap, scope, *window)


def test_cf018_a_one_off_reader_uses_the_basis_only_once_a_view_built_it():
    derived = Derived(snapshot())
    assert changes_if_built(derived) is None  # `report` then walks only its own window's changes
    basis = changes_of(derived)
    assert changes_if_built(derived) is basis
