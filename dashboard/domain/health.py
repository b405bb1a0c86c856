"""Health: each CI's own status from its latest monitoring event, rolled up to everything that depends on it.

Rules, in order of precedence (the one that decided a CI's status is reported by `explain`):
- *own*: the status of the CI's latest monitoring event;
- *worst of*: a CI is at least as bad as the worst of what it depends on;
- *redundancy*: the members of a group ("member of", e.g. hosts of a cluster) count together — the group is down only
  when every monitored member is down, degraded when some are degraded or down, and otherwise as good as its best
  member (one host of a cluster in maintenance does not put the cluster in maintenance).
A CI with no monitoring events and nothing monitored beneath it has no data; it is shown as unknown.

Symmetric links ("connects to" between peers) carry no health: they have no dependent end, and rolling a status
along them both ways would let one down router take its whole network down, and everything above it. Only the
edges that carry dependency roll up (`GraphIndex.dependency_down`). What a failure *could* reach across links is
the impact view's question (domain/impact.py), which crosses them; so the services a failure rolls up to are
always among the services its impact lists.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dashboard.domain.graph import CSR, GraphIndex
from dashboard.domain.traverse import MAX_DEPTH
from dashboard.domain.vocabulary import HEALTH_BY_NAME, RELATIONSHIP_TYPE_BY_NAME, Health

NO_DATA = -1
REDUNDANT_TYPE = RELATIONSHIP_TYPE_BY_NAME["member of"].code
_ABOVE_ALL = 127


@dataclass(frozen=True, slots=True)
class HealthState:
    """Per node: own status (NO_DATA without events), its latest event row (-1), and the rolled-up status."""

    own: np.ndarray  # int8
    own_row: np.ndarray  # int64, row of the latest event in the health table, -1 when none
    rolled: np.ndarray  # int8

    def shown(self, nodes: np.ndarray) -> np.ndarray:
        """The statuses to draw for some nodes: rolled-up, NO_DATA shown as UNKNOWN."""
        rolled = self.rolled[nodes]
        return np.where(rolled == NO_DATA, int(Health.UNKNOWN), rolled).astype(np.int8)


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a node has its status: the rule, and the nodes that decided it (itself for `own`)."""

    status: Health
    rule: str  # "own", "worst_of", "redundancy", "no_data"
    text: str
    culprits: tuple[int, ...] = ()


def status_codes(raw: np.ndarray) -> np.ndarray:
    """Status names (any case) as Health codes; anything unrecognised is UNKNOWN."""
    names = np.asarray(raw, dtype=object)
    uniques, inverse = np.unique(names.astype(str), return_inverse=True)
    codes = np.array([int(HEALTH_BY_NAME.get(u.strip().lower(), Health.UNKNOWN)) for u in uniques], dtype=np.int8)
    return codes[inverse] if len(uniques) else np.empty(0, dtype=np.int8)


def own_status(index: GraphIndex, ci_ids: np.ndarray, statuses: np.ndarray, observed: np.ndarray) -> HealthState:
    """Each node's latest event (by time, then row) and its status; events about unknown CIs are ignored."""
    return _own_status(index, ci_ids, observed, lambda rows: status_codes(np.asarray(statuses)[rows]))


def own_status_of_codes(index: GraphIndex, ci_ids: np.ndarray, codes: np.ndarray, observed: np.ndarray) -> HealthState:
    """own_status from each event's status already as a Health code (`status_codes` of it): a column's codes can
    be worked out once per distinct status, not by turning millions of strings into Python objects."""
    return _own_status(index, ci_ids, observed, lambda rows: np.asarray(codes, dtype=np.int8)[rows])


def _own_status(
    index: GraphIndex, ci_ids: np.ndarray, observed: np.ndarray, codes_of: Callable[[np.ndarray], np.ndarray]
) -> HealthState:
    """own_status, with `codes_of(rows)` giving the Health codes of those events' statuses."""
    n = index.node_count
    nodes = index.locate(np.asarray(ci_ids))
    rows = np.flatnonzero(nodes >= 0)
    own = np.full(n, NO_DATA, dtype=np.int8)
    own_row = np.full(n, -1, dtype=np.int64)
    if len(rows):
        latest = latest_rows(nodes[rows], np.asarray(observed, dtype="datetime64[ns]")[rows], n)
        latest = rows[latest[latest >= 0]]
        own[nodes[latest]] = codes_of(latest)
        own_row[nodes[latest]] = latest
    return HealthState(own, own_row, roll_up(index, own))


def latest_rows(nodes: np.ndarray, observed: np.ndarray, node_count: int) -> np.ndarray:
    """Per node: the place of its latest event (by time, no time (NaT) latest, then by place), -1 when it has none.
    Two passes of maxima, not a sort of the five million events (a three-key sort took seconds)."""
    times = observed.view(np.int64)
    key = np.where(np.isnat(observed), np.iinfo(np.int64).max, times)  # NaT sorts last
    newest = np.full(node_count, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(newest, nodes, key)
    tied = np.flatnonzero(key == newest[nodes])
    latest = np.full(node_count, -1, dtype=np.int64)
    np.maximum.at(latest, nodes[tied], tied)
    return latest


def roll_up(index: GraphIndex, own: np.ndarray) -> np.ndarray:
    """Rolled-up status of every node: the least statuses that satisfy the rules (on a cycle, no trouble that only
    the cycle itself sustains).

    Which nodes have data is settled first (a node has data when it or anything below it is monitored); with that
    set fixed, every rule is monotone, so iterating from the lowest status (OK) for every node with data makes the
    values only rise, and the iteration stops at the least fixed point. Iterating from the own statuses instead can
    oscillate on a cycle through a redundancy group: the group's best member falls as members gain data."""
    down = index.dependency_down()
    has = _with_data(down, own != NO_DATA)
    start = np.where(own == NO_DATA, np.int8(Health.OK), own).astype(np.int8)
    rolled = np.where(has, start, np.int8(NO_DATA)).astype(np.int8)
    floor = rolled.copy()
    for _ in range(MAX_DEPTH + 1):
        updated = np.maximum(floor, _from_dependencies(index, down, rolled))
        if np.array_equal(updated, rolled):
            break
        rolled = updated
    return rolled


def _with_data(down: CSR, monitored: np.ndarray) -> np.ndarray:
    """Which nodes are monitored or have something monitored below them along `down`."""
    has = monitored.copy()
    for _ in range(MAX_DEPTH + 1):
        updated = monitored | (_segment(np.maximum, has[down.indices].astype(np.int16), down.indptr, 0) > 0)
        if np.array_equal(updated, has):
            break
        has = updated
    return has


def inherited(index: GraphIndex, down: CSR, rolled: np.ndarray) -> np.ndarray:
    """What each node of `down` inherits from its dependencies under the worst-of and redundancy rules, given the
    statuses `rolled` of every node; `down` may list only some nodes (its indptr has one slot per node listed, its
    indices are positions in the whole graph). A node's rolled-up status is max(own, inherited)."""
    return _from_dependencies(index, down, rolled)


def _from_dependencies(index: GraphIndex, down: CSR, rolled: np.ndarray) -> np.ndarray:
    """What every node inherits from its direct dependencies under the worst-of and redundancy rules."""
    child = rolled[down.indices].astype(np.int16)
    redundant = index.edge_type[down.edges] == REDUNDANT_TYPE
    worst = _segment(np.maximum, np.where(redundant, NO_DATA, child), down.indptr, NO_DATA)
    members_worst = _segment(np.maximum, np.where(redundant, child, NO_DATA), down.indptr, NO_DATA)
    members_best = _segment(
        np.minimum, np.where(redundant & (child != NO_DATA), child, _ABOVE_ALL), down.indptr, _ABOVE_ALL
    )
    group = np.where(
        members_best == Health.DOWN,
        int(Health.DOWN),
        np.where(
            members_worst >= Health.DEGRADED,
            int(Health.DEGRADED),
            np.where(members_best == _ABOVE_ALL, NO_DATA, members_best),
        ),
    )
    return np.maximum(worst, group).astype(np.int8)


def _segment(ufunc: np.ufunc, values: np.ndarray, indptr: np.ndarray, empty: int) -> np.ndarray:
    """ufunc reduced over each node's slots; `empty` for nodes without any."""
    n = len(indptr) - 1
    out = np.full(n, empty, dtype=np.int16)
    has = indptr[1:] > indptr[:-1]
    if has.any():
        out[has] = ufunc.reduceat(values, indptr[:-1][has])
    return out


def explain(index: GraphIndex, state: HealthState, node: int) -> Explanation:
    """Which rule gave a node its status, and which dependencies (if any) are to blame."""
    rolled = int(state.rolled[node])
    own = int(state.own[node])
    if rolled == NO_DATA:
        return Explanation(Health.UNKNOWN, "no_data", "No monitoring events for this CI or anything it depends on.")
    status = Health(rolled)
    down = index.down
    slots = np.arange(down.indptr[node], down.indptr[node + 1])
    slots = slots[~index.edge_symmetric[down.edges[slots]]]
    children = down.indices[slots]
    redundant = index.edge_type[down.edges[slots]] == REDUNDANT_TYPE
    if own == rolled:
        return Explanation(status, "own", f"Own monitoring: the latest event says {status.name.lower()}.", (node,))
    members = children[redundant]
    member_status = state.rolled[members]
    if len(members) and _member_rule_decides(member_status, rolled):
        bad = members[member_status >= Health.DEGRADED]
        down_count = int((member_status == Health.DOWN).sum())
        text = (
            f"Redundancy: {down_count} of {int((member_status != NO_DATA).sum())} monitored members down, "
            f"{len(bad) - down_count} degraded → {status.name.lower()}."
        )
        return Explanation(status, "redundancy", text, tuple(int(m) for m in bad))
    direct = children[~redundant]
    culprits = direct[state.rolled[direct] == rolled]
    text = f"Worst of {len(direct)} dependencies: {len(culprits)} of them {status.name.lower()}."
    return Explanation(status, "worst_of", text, tuple(int(c) for c in culprits))


def _member_rule_decides(member_status: np.ndarray, rolled: int) -> bool:
    monitored = member_status[member_status != NO_DATA]
    if not len(monitored):
        return False
    if monitored.min() == Health.DOWN:
        return rolled == Health.DOWN
    return rolled == (Health.DEGRADED if monitored.max() >= Health.DEGRADED else int(monitored.min()))


def likely_fault(index: GraphIndex, state: HealthState, node: int) -> int | None:
    """The CI most likely at fault for a node's status: follow the worst deciding dependency down until a CI's
    own monitoring decides (None when the node is fine or has no data)."""
    if state.rolled[node] < Health.DEGRADED:
        return None
    seen = {node}
    for _ in range(MAX_DEPTH):
        why = explain(index, state, node)
        culprits = [c for c in why.culprits if c not in seen]
        if why.rule == "own" or not culprits:
            return node
        node = min(culprits, key=lambda c: (-int(state.rolled[c]), c))
        seen.add(node)
    return node


def failing_below(index: GraphIndex, state: HealthState, root: int) -> np.ndarray:
    """The root and every CI below it reached through degraded or down CIs only: the trouble's path downwards."""
    bad = state.rolled >= Health.DEGRADED
    seen = np.zeros(index.node_count, dtype=bool)
    seen[root] = True
    frontier = np.array([root], dtype=np.int64)
    down = index.down
    for _ in range(MAX_DEPTH):
        starts, ends = down.indptr[frontier], down.indptr[frontier + 1]
        if not (ends > starts).any():
            break
        slots = np.concatenate([np.arange(a, b) for a, b in zip(starts, ends, strict=True)])
        neighbours = down.indices[slots[~index.edge_symmetric[down.edges[slots]]]]
        fresh = np.unique(neighbours[bad[neighbours] & ~seen[neighbours]])
        if not len(fresh):
            break
        seen[fresh] = True
        frontier = fresh
    return np.flatnonzero(seen)
