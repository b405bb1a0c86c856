"""The change pairs of /health a page at a time: listed in the order the whole list had, rates from codes."""

from datetime import timedelta

import numpy as np
from dash import html
from hypothesis import given
from hypothesis import strategies as st

from dashboard.change_failures import LISTED, ChangeFailuresView, change_basis, change_failures_view, pair_page
from dashboard.domain.change_failures import ChangeFailures, coded_failure_rates, failure_rates, pair_order
from dashboard.domain.incidents_without_ci import label_codes
from dashboard.domain.names import shown_name
from layouts import ids
from layouts.change_failures import build_change_failures, shown
from tests.unit.test_change_failures import NOW, snapshot

BASE = np.datetime64("2026-11-01T00:00:00", "ns")
# Nanoseconds apart, so that some times differ only below the microsecond a row shows.
instants = st.integers(min_value=0, max_value=6).map(lambda n: BASE + np.timedelta64(n * 400, "ns"))
numbers = st.sampled_from(["CHG1", "CHG2", "CHG10", " CHG2", None, "", "chg1"])


@given(
    changes=st.lists(st.tuples(instants, numbers), min_size=1, max_size=6),
    incidents=st.lists(instants, min_size=1, max_size=6),
    pairs=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=25),
)
def test_cp001_pairs_are_ordered_as_sorting_their_rows_newest_change_first(changes, incidents, pairs):
    pairs = [(c % len(changes), i % len(incidents)) for c, i in pairs]
    changed_at = np.array([t for t, _ in changes], dtype="datetime64[ns]")
    opened_at = np.array(incidents, dtype="datetime64[ns]")
    shown_numbers = np.array([shown_name(n) for _, n in changes], dtype=object)
    codes = np.unique(shown_numbers, return_inverse=True)[1].astype(np.int64)
    found = ChangeFailures(
        np.arange(len(changes), dtype=np.int64),
        np.ones(len(changes), dtype=bool),
        np.array([c for c, _ in pairs], dtype=np.int64),
        np.array([i for _, i in pairs], dtype=np.int64),
        np.zeros(len(pairs), dtype=np.int32),
    )

    def key(k: int) -> tuple:  # what the pairs' rows were sorted by (ChangePair's changed_at, change, opened_at)
        c, i = pairs[k]
        microseconds = "datetime64[us]"
        return (changed_at[c].astype(microseconds).item(), shown_numbers[c], opened_at[i].astype(microseconds).item())

    expected = sorted(range(len(pairs)), key=key, reverse=True)
    assert pair_order(found, changed_at, opened_at, codes).tolist() == expected


labels = st.sampled_from(["normal", " normal ", "Normal", "standard", "", "  ", None, float("nan"), "(none)", "é"])


@given(
    values=st.lists(labels, min_size=1, max_size=20),
    picks=st.lists(st.tuples(st.integers(0, 19), st.booleans()), max_size=20, unique_by=lambda p: p[0]),
)
def test_cp002_rates_from_codes_equal_rates_from_the_labels(values, picks):
    rows = np.array(sorted({k % len(values) for k, _ in picks}), dtype=np.int64)
    failed = np.array([dict(picks).get(int(r), False) for r in rows], dtype=bool)
    column = np.array(values, dtype=object)
    assert coded_failure_rates(*label_codes(column), rows, failed) == failure_rates(column[rows], failed)


def test_cp003_the_pages_put_together_are_the_whole_list_in_order():
    snap = snapshot()
    scope = np.ones(snap.index.node_count, dtype=bool)
    window = (np.datetime64(NOW - timedelta(days=1)), np.datetime64(NOW + timedelta(days=1)))
    view = change_failures_view(snap, scope, *window, basis=change_basis(snap))
    assert view.pair_count == len(view.pairs) == 3
    paged = [p for first in range(view.pair_count) for p in pair_page(snap, view.rows, first, 1)]
    assert tuple(paged) == view.pairs
    keys = [(p.changed_at, p.change, p.opened_at) for p in view.pairs]
    assert keys == sorted(keys, reverse=True)
    assert pair_page(snap, view.rows, 3) == ()


def test_cp004_a_long_list_says_which_pairs_it_shows_and_offers_the_others():
    snap = snapshot()
    scope = np.ones(snap.index.node_count, dtype=bool)
    window = (np.datetime64(NOW - timedelta(days=1)), np.datetime64(NOW + timedelta(days=1)))
    full = change_failures_view(snap, scope, *window)
    view = ChangeFailuresView(full.changes, full.failed, full.pairs, full.by_type, full.by_team, 1200, full.rows)
    section = build_change_failures(view, "/")
    texts = [c.children for c in _walk(section) if isinstance(c, html.P)]
    assert shown(0, 3, 1200) in texts
    assert "Showing pairs 1–3 of 1,200" in shown(0, 3, 1200)
    buttons = {c.id["type"]: c for c in _walk(section) if isinstance(c, html.Button)}
    assert buttons[ids.HEALTH_PAIRS_NEWER].disabled
    assert not buttons[ids.HEALTH_PAIRS_OLDER].disabled
    short = build_change_failures(full, "/")  # one page: no pager
    assert not [c for c in _walk(short) if isinstance(c, html.Button)]
    assert LISTED >= 100


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children] if children is not None else []:
        if hasattr(child, "to_plotly_json"):
            yield from _walk(child)
