"""Incidents that name no CI: the split adds up, the groups add up, scope and range choose the incidents."""

from datetime import datetime, timedelta

import dash_ag_grid as dag
import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from dashboard.change_failures import label_codes as coded_label_codes
from dashboard.cmdb.snapshot import build_snapshot
from dashboard.domain.change_failures import NO_LABEL, group_label
from dashboard.domain.incidents_without_ci import (
    coded_group_counts,
    group_counts,
    label_codes,
    marked_group_counts,
    place_incidents,
)
from dashboard.incidents_without_ci import incidents_without_ci_view
from layouts import ids
from layouts.incidents_without_ci import build_incidents_without_ci
from tests.rows import ci, frames, incident

T = np.datetime64("2026-11-01T00:00:00", "s")
DAY = np.timedelta64(1, "D")


def test_nc001_incidents_split_into_with_and_without_ci():
    positions = np.array([0, -1, -1, 1, 0])
    named = np.array([True, False, True, True, True])  # row 2 names a CI the CMDB does not have
    opened = np.array([T, T, T, T, T + 2 * DAY], dtype="datetime64[s]")
    scope = np.array([True, False])
    placed = place_incidents(positions, named, opened, scope, T, T + DAY)
    assert placed.with_ci.tolist() == [0]  # row 3's CI is out of scope, row 4 is out of range
    assert placed.without_ci.tolist() == [1, 2]
    assert placed.dangling.tolist() == [False, True]
    assert placed.total == 3


def test_nc002_groups_count_incidents_without_ci_and_all_of_the_group():
    labels = np.array(["Service Desk", None, "Network", "Service Desk", " "], dtype=object)
    rows = np.array([0, 1, 2, 3, 4])
    counts = group_counts(labels, rows, without=np.array([0, 1, 3]))
    assert [(c.label, c.without_ci, c.total) for c in counts] == [
        ("Service Desk", 2, 2),
        (NO_LABEL, 1, 2),
        ("Network", 0, 1),
    ]
    assert counts[1].share == 0.5
    assert group_counts(labels, np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)) == []


@given(
    st.lists(
        st.tuples(st.integers(-1, 4), st.booleans(), st.integers(-3, 3), st.sampled_from(["a", "b", None])),
        max_size=40,
    ),
    st.lists(st.booleans(), min_size=5, max_size=5),
)
def test_nc003_with_plus_without_is_every_incident_in_view(incidents, scope_bits):
    positions = np.array([p for p, *_ in incidents], dtype=np.int64)
    named = np.array([n or p >= 0 for p, n, *_ in incidents], dtype=bool)
    opened = np.array([T + d * DAY for _, _, d, _ in incidents], dtype="datetime64[s]")
    labels = np.array([g for *_, g in incidents], dtype=object)
    scope = np.array(scope_bits)
    placed = place_incidents(positions, named, opened, scope, T - DAY, T + DAY)
    in_range = (opened >= T - DAY) & (opened < T + DAY)
    in_view = in_range & ((positions < 0) | scope[positions.clip(0)])
    assert placed.total == int(in_view.sum())
    if scope.all():
        assert placed.total == int(in_range.sum())
    rows = np.concatenate([placed.with_ci, placed.without_ci])
    counts = group_counts(labels, rows, placed.without_ci)
    assert sum(c.total for c in counts) == placed.total
    assert sum(c.without_ci for c in counts) == len(placed.without_ci)


NOW = datetime(2026, 11, 1, 12, 0)


def snapshot():
    cis = [ci(1, "app", "application"), ci(2, "db", "database")]
    incidents = [
        incident("INC1", 1, opened_at=NOW, assignment_group="App Team", category="software"),
        incident("INC2", None, 2, opened_at=NOW, assignment_group="Service Desk", category="inquiry"),
        incident("INC3", None, opened_at=NOW + timedelta(hours=1), assignment_group="Service Desk", category=None),
        incident("INC4", 77, opened_at=NOW, assignment_group="Network", category="network", summary="Link down"),
        incident("INC5", 2, opened_at=NOW - timedelta(days=30), assignment_group="DBA", category="database"),
    ]
    return build_snapshot(frames(ci=cis, incident=incidents), fingerprint="f", source="t")


def test_nc004_the_view_adds_up_and_lists_the_newest_first():
    snap = snapshot()
    scope = np.ones(snap.index.node_count, dtype=bool)
    view = incidents_without_ci_view(snap, scope, np.datetime64(NOW - timedelta(days=1)), np.datetime64(NOW + DAY))
    assert (view.total, view.with_ci, view.without_ci, view.dangling) == (4, 1, 3, 1)
    assert view.with_ci + view.without_ci == view.total
    assert [i.number for i in view.incidents] == ["INC3", "INC4", "INC2"]  # newest first; ties: later rows first
    assert next((c.label, c.without_ci, c.total) for c in view.by_group) == ("Service Desk", 2, 2)
    assert sum(c.total for c in view.by_category) == view.total
    unknown = next(i for i in view.incidents if i.number == "INC4")
    assert (unknown.named_ci, unknown.summary, unknown.category) == ("77", "Link down", "network")
    assert next(i for i in view.incidents if i.number == "INC2").priority == 2


def test_nc005_the_section_draws_counts_and_incidents():
    snap = snapshot()
    scope = np.ones(snap.index.node_count, dtype=bool)
    view = incidents_without_ci_view(snap, scope, np.datetime64(NOW - timedelta(days=1)), np.datetime64(NOW + DAY))
    section = build_incidents_without_ci(view)
    assert section.id == ids.HEALTH_NO_CI
    assert "3 of 4 incidents (75%) name no CI" in section.children[1].children
    charts = section.children[2].children
    assert [c.id for c in charts] == [
        {"type": ids.HEALTH_CHART, "name": name} for name in (ids.HEALTH_NO_CI_BY_GROUP, ids.HEALTH_NO_CI_BY_CATEGORY)
    ]
    assert list(charts[0].figure["data"][0]["y"]) == ["Service Desk", "Network"]  # groups with none without CI: no bar
    grid = section.children[-1]
    assert isinstance(grid, dag.AgGrid)
    assert grid.id == ids.HEALTH_NO_CI_INCIDENTS
    assert len(grid.rowData) == 3


def test_nc006_nothing_in_view_says_so():
    snap = snapshot()
    view = incidents_without_ci_view(snap, np.zeros(2, dtype=bool), np.datetime64(NOW), np.datetime64(NOW))
    assert (view.total, view.share, view.incidents) == (0, 0.0, ())
    assert "No incident was opened" in build_incidents_without_ci(view).children[1].children


@given(
    labels=st.lists(st.sampled_from(["Service Desk", "Network", " Network ", None, "", float("nan")]), max_size=30),
    picks=st.lists(st.booleans(), min_size=30, max_size=30),
    missing=st.lists(st.booleans(), min_size=30, max_size=30),
)
def test_nc007_coded_group_counts_equal_group_counts(labels, picks, missing):
    values = np.array(labels, dtype=object)
    rows = np.flatnonzero(np.array(picks[: len(labels)], dtype=bool)).astype(np.int64)
    without = rows[np.array(missing[: len(rows)], dtype=bool)]
    codes, names = label_codes(values)
    assert coded_group_counts(codes, names, rows, without) == group_counts(values, rows, without)


@given(st.lists(st.sampled_from(["Network", " Network ", "network", "", "  ", None, float("nan"), 1, 1.0, True,
                                 np.str_("Network"), "Service Desk", "1"]), max_size=40))  # fmt: skip
def test_nc008_label_codes_equal_the_labels_of_every_row_sorted(labels):
    values = np.array(labels, dtype=object)
    codes, names = label_codes(values)
    text = np.array([group_label(value) for value in values.tolist()], dtype=object)
    if not len(text):
        assert (len(codes), len(names)) == (0, 0)
        return
    direct_names, direct_codes = np.unique(text, return_inverse=True)  # the former label_codes
    assert names.tolist() == direct_names.tolist()
    assert codes.tolist() == direct_codes.tolist()


@given(st.lists(st.sampled_from(["Network", " Network ", "network", "", "  ", None, float("nan"), 1, 1.0, True,
                                 np.str_("Network"), "Service Desk", "1", pd.NA, pd.NaT]), max_size=40))  # fmt: skip
def test_nc009_label_codes_of_factorized_values_equal_those_of_every_row(labels):
    values = np.array(labels, dtype=object)
    codes, names = coded_label_codes(values)  # pandas' factorize, then each distinct value shown once
    direct_codes, direct_names = label_codes(values)  # the former: a Python pass over every row
    assert names.tolist() == direct_names.tolist()
    assert codes.tolist() == direct_codes.tolist()


@given(
    st.lists(
        st.tuples(st.integers(-1, 3), st.booleans(), st.integers(0, 3), st.sampled_from(["A", "B", None])), max_size=30
    ),
    st.lists(st.booleans(), min_size=4, max_size=4),
)
def test_nc010_the_view_marks_the_rows_without_ci_as_searching_for_them_does(rows, scoped):
    positions = np.array([r[0] for r in rows], dtype=np.int64)
    named = np.array([r[1] for r in rows], dtype=bool)
    opened = np.array([T + r[2] * DAY for r in rows], dtype="datetime64[s]")
    placed = place_incidents(positions, named, opened, np.array(scoped), T, T + 2 * DAY)
    listed = np.concatenate([placed.with_ci, placed.without_ci])  # as incidents_without_ci_view lists them
    marked = np.arange(len(listed)) >= len(placed.with_ci)
    codes, names = label_codes(np.array([r[3] for r in rows], dtype=object))
    found = marked_group_counts(codes, names, listed, marked)
    assert found == coded_group_counts(codes, names, listed, placed.without_ci)
