"""change_failures gathering the candidates from the incidents on what a change's walk found (when they are fewer
than the change's window holds) against the former loop that tests every candidate of the window: the same changes,
pairs, hops and order, on random graphs (cycles, groups, links, CIs without incidents) and random histories."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.domain.change_failures import (
    WINDOW,
    ChangeFailures,
    _considered,
    _result,
    _upstream,
    change_failures,
)
from dashboard.domain.graph import GraphIndex
from tests.unit.graphs import graph

T = np.datetime64("2026-11-20T00:00", "ns")
HOUR = np.timedelta64(1, "h")
TYPES = ["depends on", "runs on", "member of", "connects to", "uplinked to", "hosted on"]


def former(
    index: GraphIndex,
    changed: np.ndarray,
    changed_at: np.ndarray,
    incident_ci: np.ndarray,
    opened_at: np.ndarray,
    scope: np.ndarray,
    start: np.datetime64,
    end: np.datetime64,
    window: np.timedelta64 = WINDOW,
) -> ChangeFailures:
    """The former change_failures: every candidate of each change's window tested against its walk."""
    changes = _considered(changed, changed_at, scope, start, end)
    located = np.flatnonzero((incident_ci >= 0) & ~np.isnat(opened_at))
    located = located[np.argsort(opened_at[located], kind="stable")]
    times = opened_at[located]
    first = np.searchsorted(times, changed_at[changes], side="left")
    last = np.searchsorted(times, changed_at[changes] + window, side="left")
    due = np.flatnonzero(last > first)
    due = due[np.argsort(changed[changes[due]], kind="stable")]
    up, scratch = index.dependency_up(), np.zeros(index.node_count, dtype=np.int32)
    pairs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    position, nodes, hops = -1, np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32)
    for k in due.tolist():
        row = int(changes[k])
        if changed[row] != position:
            position = int(changed[row])
            nodes, hops = _upstream(up, position, scratch)
        candidates = located[first[k] : last[k]]
        where = np.searchsorted(nodes, incident_ci[candidates]).clip(max=len(nodes) - 1)
        hit = nodes[where] == incident_ci[candidates]
        if hit.any():
            pairs.append((np.full(int(hit.sum()), row, dtype=np.int64), candidates[hit], hops[where[hit]]))
    return _result(changes, pairs)


@st.composite
def histories(draw: st.DrawFn) -> tuple:
    size = draw(st.integers(1, 9))
    pairs = st.tuples(st.integers(1, size), st.sampled_from(TYPES), st.integers(1, size))
    index = graph(dict.fromkeys(range(1, size + 1), "server"), draw(st.lists(pairs, max_size=3 * size))).index
    node = st.integers(-1, size - 1)  # -1: no CI
    hours = st.one_of(st.integers(0, 60), st.none())  # None: no time
    changes = draw(st.lists(st.tuples(node, hours), max_size=12))
    incidents = draw(st.lists(st.tuples(node, hours), max_size=60))
    scope = np.array(draw(st.lists(st.booleans(), min_size=size, max_size=size)))
    window = np.timedelta64(draw(st.integers(1, 48)), "h")
    return index, changes, incidents, scope, window


def _times(hours: list[int | None]) -> np.ndarray:
    return np.array([np.datetime64("NaT") if h is None else T + h * HOUR for h in hours], dtype="datetime64[ns]")


@settings(max_examples=1000, deadline=None)
@given(histories(), st.integers(0, 30), st.integers(1, 70))
def test_cg001_gathered_pairs_equal_those_of_testing_every_candidate(history, begin, length):
    index, changes, incidents, scope, window = history
    args = (
        index,
        np.array([c for c, _ in changes], dtype=np.int64),
        _times([h for _, h in changes]),
        np.array([c for c, _ in incidents], dtype=np.int64),
        _times([h for _, h in incidents]),
        scope,
        T + begin * HOUR,
        T + (begin + length) * HOUR,
        window,
    )
    found, direct = change_failures(*args), former(*args)
    for name in ("changes", "failed", "pair_change", "pair_incident", "pair_hops"):
        assert getattr(found, name).tolist() == getattr(direct, name).tolist(), name
