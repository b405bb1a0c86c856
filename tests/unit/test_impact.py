"""Impact: every business service above a CI, once, and only the paths that lead to them."""

from dashboard.domain.impact import impact
from tests.unit.graphs import DIAMOND_CIS, DIAMOND_RELS, graph, ids_of


def test_im001_a_shared_switch_impacts_each_service_once_through_the_diamond():
    cis = {**DIAMOND_CIS, 20: "business_service", 21: "application"}
    rels = [*DIAMOND_RELS, (20, "depends on", 21), (21, "runs on", 4)]
    built = graph(cis, rels)
    hit = impact(built.index, built.index.position(5))
    assert ids_of(built, hit.services) == [1, 20]
    assert ids_of(built, hit.path_nodes) == [1, 2, 3, 4, 5, 20, 21]


def test_im002_branches_that_lead_to_no_service_are_not_on_the_path():
    cis = {**DIAMOND_CIS, 30: "application"}
    built = graph(cis, [*DIAMOND_RELS, (30, "runs on", 4)])
    hit = impact(built.index, built.index.position(4))
    assert 30 not in ids_of(built, hit.path_nodes)
    assert 9 not in ids_of(built, hit.path_nodes)  # the user group is above the service, not on the way to it


def test_im003_a_ci_nothing_depends_on_impacts_nothing_but_itself():
    built = graph(DIAMOND_CIS, DIAMOND_RELS)
    hit = impact(built.index, built.index.position(6))
    assert len(hit.services) == 0
    assert ids_of(built, hit.path_nodes) == [6]  # the failing CI is always highlighted
    assert len(hit.path_edges) == 0
