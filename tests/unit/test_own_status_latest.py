"""own_status's latest event per CI (health.latest_rows: two passes of maxima) against the three-key sort it
replaced, on random events: ties in time, events without a time (NaT), about unknown CIs, CIs without events."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.cmdb.distinct import status_codes_of
from dashboard.domain.graph import GraphIndex
from dashboard.domain.health import NO_DATA, HealthState, own_status, own_status_of_codes, roll_up, status_codes
from tests.unit.graphs import graph

START = np.datetime64("2026-11-20T00:00", "ns")
STATUSES = ["ok", "maintenance", "unknown", "degraded", "down", "Down ", "bogus"]


def former_own_status(index: GraphIndex, ci_ids: np.ndarray, statuses: np.ndarray, observed: np.ndarray) -> HealthState:
    """The former own_status: events sorted by node, time, row; each node's last one."""
    n = index.node_count
    nodes = index.locate(np.asarray(ci_ids))
    rows = np.flatnonzero(nodes >= 0)
    own = np.full(n, NO_DATA, dtype=np.int8)
    own_row = np.full(n, -1, dtype=np.int64)
    if len(rows):
        order = np.lexsort((rows, np.asarray(observed)[rows], nodes[rows]))
        ordered = rows[order]
        last = np.ones(len(ordered), dtype=bool)
        last[:-1] = nodes[ordered][1:] != nodes[ordered][:-1]
        latest = ordered[last]
        own[nodes[latest]] = status_codes(np.asarray(statuses)[latest])
        own_row[nodes[latest]] = latest
    return HealthState(own, own_row, roll_up(index, own))


@settings(max_examples=500, deadline=None)
@given(
    st.integers(1, 8),
    st.lists(st.tuples(st.integers(0, 9), st.sampled_from(STATUSES), st.one_of(st.integers(-3, 6), st.none()))),
)
def test_os001_the_latest_event_of_each_ci_is_the_one_the_sort_found(size, events):
    index = graph(dict.fromkeys(range(1, size + 1), "server"), [(1, "depends on", 2)] if size > 1 else []).index
    ids = np.array([e[0] for e in events], dtype=np.int64)  # 0 and ids above size: no CI
    statuses = np.array([e[1] for e in events], dtype=object)
    observed = np.array(
        [np.datetime64("NaT") if e[2] is None else START + np.timedelta64(e[2], "h") for e in events],
        dtype="datetime64[ns]",
    )
    found, former = own_status(index, ids, statuses, observed), former_own_status(index, ids, statuses, observed)
    assert found.own.tolist() == former.own.tolist()
    assert found.own_row.tolist() == former.own_row.tolist()
    assert found.rolled.tolist() == former.rolled.tolist()


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 8),
    st.lists(
        st.tuples(st.integers(0, 9), st.one_of(st.sampled_from(STATUSES), st.none()), st.integers(-3, 6)), max_size=40
    ),
    st.sampled_from(["str", "object"]),
)
def test_os002_own_status_from_a_columns_codes_equals_it_from_the_statuses(size, events, dtype):
    """Derived.health passes the status column's codes (each distinct status read once), not its strings."""
    index = graph(dict.fromkeys(range(1, size + 1), "server"), [(1, "depends on", 2)] if size > 1 else []).index
    ids = np.array([e[0] for e in events], dtype=np.int64)
    column = pd.Series([e[1] for e in events], dtype=dtype)
    observed = np.array([START + np.timedelta64(e[2], "h") for e in events], dtype="datetime64[ns]")
    found = own_status_of_codes(index, ids, status_codes_of(column), observed)
    direct = own_status(index, ids, column.to_numpy(dtype=object), observed)
    assert found.own.tolist() == direct.own.tolist()
    assert found.own_row.tolist() == direct.own_row.tolist()
    assert found.rolled.tolist() == direct.rolled.tolist()
