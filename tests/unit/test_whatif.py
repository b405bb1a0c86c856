"""What-if on hand-made graphs: diamonds, redundancy groups, cycles, containment (rack, cluster, switch)."""

import numpy as np

from dashboard.domain.health import NO_DATA, roll_up
from dashboard.domain.vocabulary import Health
from dashboard.domain.whatif import contents, failed_own, what_if, what_if_basis
from tests.unit.graphs import DIAMOND_CIS, DIAMOND_RELS, graph, ids_of

OK, DEGRADED, DOWN = int(Health.OK), int(Health.DEGRADED), int(Health.DOWN)


def own_of(built, statuses: dict[int, int]) -> np.ndarray:
    own = np.full(built.index.node_count, NO_DATA, dtype=np.int8)
    for ci_id, status in statuses.items():
        own[built.index.position(ci_id)] = status
    return own


def fail(built, own, ci_ids):
    index = built.index
    failed = np.array([index.position(i) for i in ci_ids], dtype=np.int64)
    result = what_if(index, own, roll_up(index, own), failed)
    assert result.tolist() == roll_up(index, failed_own(own, failed)).tolist()  # the full roll-up's answer
    return {int(i): int(result[index.position(i)]) for i in index.ci_ids}


def test_wi001_a_failure_at_the_bottom_of_a_diamond_takes_the_service_and_its_users_down():
    built = graph(DIAMOND_CIS, DIAMOND_RELS)
    own = own_of(built, {2: OK, 3: OK, 4: OK, 5: OK, 1: OK})
    status = fail(built, own, [5])
    assert [status[i] for i in (5, 4, 2, 3, 1, 9)] == [DOWN] * 6
    assert status[6] == NO_DATA  # the orphan is untouched


def test_wi002_a_what_if_of_nothing_is_today():
    built = graph(DIAMOND_CIS, DIAMOND_RELS)
    own = own_of(built, {4: DEGRADED, 2: OK})
    today = roll_up(built.index, own)
    assert what_if(built.index, own, today, np.empty(0, dtype=np.int64)).tolist() == today.tolist()


def test_wi003_one_host_of_a_cluster_degrades_it_and_every_host_takes_it_down():
    cis = {1: "cluster", 2: "server", 3: "server", 4: "virtual_machine", 5: "business_service"}
    rels = [(2, "member of", 1), (3, "member of", 1), (4, "hosted on", 1), (5, "depends on", 4)]
    built = graph(cis, rels)
    own = own_of(built, {2: OK, 3: OK})
    one = fail(built, own, [2])
    assert (one[1], one[4], one[5]) == (DEGRADED, DEGRADED, DEGRADED)
    both = fail(built, own, [2, 3])
    assert (both[1], both[4], both[5]) == (DOWN, DOWN, DOWN)


def test_wi004_a_cycle_is_rolled_up_as_the_full_roll_up_does():
    # service 1 → app 2 ⇄ app 3 (a dependency cycle) → server 4; 3 is also a member of group 5 with 6
    cis = {1: "business_service", 2: "application", 3: "application", 4: "server", 5: "cluster", 6: "server"}
    rels = [(1, "depends on", 2), (2, "depends on", 3), (3, "depends on", 2), (3, "runs on", 4)]
    rels += [(3, "member of", 5), (6, "member of", 5), (1, "depends on", 5)]
    built = graph(cis, rels)
    own = own_of(built, {4: OK, 6: OK})
    status = fail(built, own, [4])
    assert (status[3], status[2], status[5], status[1]) == (DOWN, DOWN, DEGRADED, DOWN)


def test_wi005_roll_up_does_not_cross_symmetric_links():
    cis = {1: "business_service", 2: "server", 3: "router", 4: "router"}
    built = graph(cis, [(1, "depends on", 2), (2, "uplinked to", 3), (3, "connects to", 4)])
    own = own_of(built, {3: OK, 4: OK})
    status = fail(built, own, [4])
    assert (status[4], status[3], status[1]) == (DOWN, OK, OK)


def test_wi006_everything_in_a_rack_behind_a_switch_or_in_a_cluster():
    cis = {1: "rack", 2: "server", 3: "server", 4: "virtual_machine", 5: "switch", 6: "server", 7: "cluster"}
    cis |= {8: "application"}
    rels = [(2, "located in", 1), (3, "located in", 1), (4, "hosted on", 2), (6, "uplinked to", 5)]
    rels += [(2, "member of", 7), (6, "member of", 7), (8, "runs on", 2)]
    built = graph(cis, rels)
    index = built.index

    def inside(ci_id):
        return ids_of(built, contents(index, np.array([index.position(ci_id)])))

    assert inside(1) == [1, 2, 3, 4]  # its servers and what is hosted on them; not the software running there
    assert inside(5) == [5, 6]
    assert inside(7) == [2, 4, 6, 7]  # the members and what they host


def test_wi007_contents_end_on_a_containment_cycle():
    built = graph({1: "rack", 2: "server"}, [(2, "located in", 1), (1, "located in", 2)])
    assert ids_of(built, contents(built.index, np.array([0]))) == [1, 2]


def test_wi008_only_a_failure_beneath_a_cycle_replays_the_roll_up_there():
    # 1 → 2 ⇄ 3 → 4 (a cycle above 4); 5 → 6 beside it
    cis = {1: "business_service", 2: "application", 3: "application", 4: "server", 5: "business_service"}
    cis |= {6: "server"}
    rels = [(1, "depends on", 2), (2, "depends on", 3), (3, "depends on", 2), (3, "runs on", 4), (5, "runs on", 6)]
    built = graph(cis, rels)
    index = built.index
    basis = what_if_basis(index)
    assert ids_of(built, basis.replayed) == [2, 3, 4]
    own = own_of(built, {4: OK, 6: OK, 1: OK, 5: OK})
    beside, beneath = fail(built, own, [6]), fail(built, own, [4])
    assert (beside[5], beside[1]) == (DOWN, OK)
    assert (beneath[1], beneath[5]) == (DOWN, OK)
