"""roll_up on cycles through redundancy groups: it answers the least statuses that satisfy the rules (hypothesis)."""

import numpy as np
from hypothesis import given, settings

from dashboard.domain.health import NO_DATA, inherited, roll_up
from dashboard.domain.vocabulary import Health
from tests.unit.graphs import graph
from tests.unit.test_whatif_properties import cases


def below(index, node: int) -> set[int]:
    """The node and everything it reaches along the edges that carry health."""
    down = index.dependency_down()
    seen, todo = {node}, [node]
    while todo:
        for child in down.indices[down.indptr[todo[-1]] : down.indptr[todo.pop() + 1]].tolist():
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def test_rf001_a_cycle_through_a_group_settles_on_the_least_statuses_instead_of_oscillating():
    # cluster 1 has members 2 (in maintenance) and 3; 3 runs on 4 (ok) and depends on its own cluster 1 (a cycle).
    # Iterating from the own statuses flipped 1 and 3 between ok and maintenance on every pass.
    built = graph(
        {1: "cluster", 2: "server", 3: "server", 4: "server"},
        [(2, "member of", 1), (3, "member of", 1), (3, "depends on", 1), (3, "depends on", 4)],
    )
    own = np.array([NO_DATA, Health.MAINTENANCE, NO_DATA, Health.OK], dtype=np.int8)
    assert roll_up(built.index, own).tolist() == [Health.OK, Health.MAINTENANCE, Health.OK, Health.OK]


@settings(max_examples=400, deadline=None)
@given(cases())
def test_rf002_the_roll_up_satisfies_every_rule(case):
    index, own, _, _ = case
    rolled = roll_up(index, own)
    assert rolled.tolist() == np.maximum(own, inherited(index, index.dependency_down(), rolled)).tolist()


@settings(max_examples=400, deadline=None)
@given(cases())
def test_rf003_no_status_without_data_below_and_no_trouble_without_trouble_below(case):
    index, own, _, _ = case
    rolled = roll_up(index, own)
    for node in range(index.node_count):
        reach = sorted(below(index, node))
        assert (rolled[node] == NO_DATA) == bool((own[reach] == NO_DATA).all()), node
        assert (rolled[node] >= Health.DEGRADED) == bool((own[reach] >= Health.DEGRADED).any()), node
