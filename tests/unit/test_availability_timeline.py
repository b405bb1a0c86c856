"""Health outages read from the snapshot's events in time order (availability.health_outages_of, since.py's
Timeline) against the computation they replace in the report and the wall: health_outages over every event of the
snapshot, on random small graphs (diamonds, redundancy groups, cycles, links, CIs without events), random histories
with events about no CI and without a time, and a small WORK (the newest steps replayed)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.domain import availability as av
from dashboard.domain.availability import health_outages, health_outages_of
from dashboard.domain.health import status_codes
from dashboard.domain.since import timeline
from tests.unit.graphs import graph

START = np.datetime64("2026-11-20T00:00", "ns")
NOW = int((START + np.timedelta64(20, "h")).astype(np.int64))
TYPES = ["depends on", "runs on", "member of", "member of", "member of", "connects to", "uplinked to", "hosted on"]
STATUSES = ["ok", "maintenance", "unknown", "degraded", "down", "down", "bogus"]


@st.composite
def histories(draw: st.DrawFn) -> tuple:
    """A random graph of up to 9 CIs (any edges: cycles, groups, links), a root, and up to 40 events (some about no
    CI, some without a time)."""
    size = draw(st.integers(1, 9))
    cis = dict.fromkeys(range(1, size + 1), "server")
    pairs = st.tuples(st.integers(1, size), st.sampled_from(TYPES), st.integers(1, size))
    built = graph(cis, draw(st.lists(pairs, max_size=3 * size)))
    hours = st.one_of(st.integers(0, 12), st.none())
    events = draw(
        st.lists(st.tuples(st.integers(1, size + 1), st.sampled_from(STATUSES), hours), max_size=40)
    )  # size + 1: no CI
    return built.index, draw(st.integers(0, size - 1)), events


def _both(index, root, events):
    nodes = index.locate(np.array([e[0] for e in events], dtype=np.int64))
    codes = status_codes(np.array([e[1] for e in events], dtype=object))
    observed = np.array(
        [np.datetime64("NaT") if e[2] is None else START + np.timedelta64(e[2], "h") for e in events],
        dtype="datetime64[ns]",
    )
    direct = health_outages(index, root, nodes, codes, observed.astype(np.int64), NOW)
    found = health_outages_of(index, root, timeline(nodes, codes, observed, index.node_count), NOW)
    return found, direct


def _same(found, direct) -> None:
    assert found[1] == direct[1]
    assert found[0].starts.tolist() == direct[0].starts.tolist()
    assert found[0].ends.tolist() == direct[0].ends.tolist()


@settings(max_examples=1000, deadline=None)
@given(histories())
def test_at001_outages_from_the_timeline_equal_those_from_every_event(history):
    _same(*_both(*history))


@pytest.mark.parametrize("work", [0, 30])
@settings(max_examples=300, deadline=None)
@given(history=histories())
def test_at002_with_too_many_steps_the_same_newest_ones_are_replayed(work, history):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(av, "WORK", work)
        _same(*_both(*history))
