"""What-if invariants on random graphs with redundancy groups, symmetric links and cycles (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.domain.health import NO_DATA, roll_up
from dashboard.domain.impact import impact
from dashboard.domain.vocabulary import RELATIONSHIP_TYPE_BY_NAME, Flow, Health
from dashboard.domain.whatif import failed_own, what_if, what_if_basis
from tests.unit.graphs import graph

TYPES = ["depends on", "runs on", "member of", "member of", "used by", "connects to", "uplinked to"]
STATUSES = [NO_DATA, NO_DATA, *(int(h) for h in Health)]


@st.composite
def cases(draw, acyclic: bool = False):
    """A random CMDB of up to 30 CIs (a few business services), own statuses, and two nested sets of failed CIs;
    `acyclic`: every relationship is written from a higher id to a lower one (no dependency cycle, deep chains)."""
    n = draw(st.integers(1, 30))
    pairs = draw(st.lists(st.tuples(st.integers(1, n), st.integers(1, n)), max_size=70))
    types = draw(st.lists(st.sampled_from(TYPES), min_size=len(pairs), max_size=len(pairs)))
    if acyclic:  # the higher id always depends on the lower one
        on_source = [RELATIONSHIP_TYPE_BY_NAME[t].flow is Flow.TARGET_ON_SOURCE for t in types]
        pairs = [(min(p), max(p)) if flip else (max(p), min(p)) for p, flip in zip(pairs, on_source, strict=True)]
    services = draw(st.sets(st.integers(1, n), max_size=5))
    cis = {i: "business_service" if i in services else "server" for i in range(1, n + 1)}
    built = graph(cis, [(a, t, b) for (a, b), t in zip(pairs, types, strict=True)])
    own = np.array(draw(st.lists(st.sampled_from(STATUSES), min_size=n, max_size=n)), dtype=np.int8)
    fewer = draw(st.sets(st.integers(0, n - 1), max_size=6))
    more = fewer | draw(st.sets(st.integers(0, n - 1), max_size=6))
    as_array = lambda s: np.array(sorted(s), dtype=np.int64)  # noqa: E731
    return built.index, own, as_array(fewer), as_array(more)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_wp001_the_closure_roll_up_equals_the_full_roll_up(case):
    index, own, fewer, more = case
    today = roll_up(index, own)
    for failed in (fewer, more):
        assert what_if(index, own, today, failed).tolist() == roll_up(index, failed_own(own, failed)).tolist()


@settings(max_examples=200, deadline=None)
@given(cases(acyclic=True))
def test_wp005_without_cycles_propagation_alone_equals_the_full_roll_up(case):
    index, own, fewer, more = case
    basis = what_if_basis(index)
    assert not basis.below_cycles.any()
    today = roll_up(index, own)
    for failed in (fewer, more):
        assert what_if(index, own, today, failed, basis).tolist() == roll_up(index, failed_own(own, failed)).tolist()


@settings(max_examples=150, deadline=None)
@given(cases())
def test_wp002_a_what_if_of_nothing_equals_today(case):
    index, own, _, _ = case
    today = roll_up(index, own)
    assert what_if(index, own, today, np.empty(0, dtype=np.int64)).tolist() == today.tolist()


@settings(max_examples=300, deadline=None)
@given(cases())
def test_wp003_failing_more_cis_never_improves_any_status(case):
    index, own, fewer, more = case
    today = roll_up(index, own)
    before, after = what_if(index, own, today, fewer), what_if(index, own, today, more)
    assert (after >= before).all()
    assert (before >= today).all()


@settings(max_examples=150, deadline=None)
@given(cases())
def test_wp004_every_service_whose_status_changes_is_among_the_failed_cis_impacts(case):
    index, own, _, failed = case
    today = roll_up(index, own)
    changed = np.flatnonzero((what_if(index, own, today, failed) != today) & index.class_mask("business_service"))
    reached = set()
    for origin in failed.tolist():
        reached |= set(impact(index, origin).services.tolist())
    assert set(changed.tolist()) <= reached
