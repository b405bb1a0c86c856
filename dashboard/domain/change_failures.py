"""Changes followed by incidents: a change on a CI, then within a day an incident on that CI or on what depends on it.

A change's time is when it ended (actual_end), else when it started (actual_start: still being implemented, or its
end was never recorded), else when it was planned to end (planned_end: the source kept no actual window). The caller
computes that time (`change_time`); a change without any of the three is left out. An incident *follows* a change
when it was opened in [change time, change time + window): at the change time itself it counts, exactly one window
later it does not, and before the change it never does. "What depends on it" is everything upstream of the changed
CI along relationships that carry dependency (a symmetric network link carries none, so it is not crossed).

A change *failed* when at least one incident follows it; the change-failure rate of a group of changes is failed
changes / changes, so a change followed by two incidents counts once.
"""

from dataclasses import dataclass

import numpy as np

from dashboard.domain.graph import CSR, GraphIndex
from dashboard.domain.traverse import distinct

WINDOW = np.timedelta64(24, "h")
NO_LABEL = "(none)"  # the group of changes whose type or team the CMDB left empty


def change_time(actual_end: np.ndarray, actual_start: np.ndarray, planned_end: np.ndarray) -> np.ndarray:
    """The time each change counts from: actual_end, else actual_start, else planned_end (NaT when none)."""
    at = np.where(np.isnat(actual_end), actual_start, actual_end)
    return np.where(np.isnat(at), planned_end, at)


@dataclass(frozen=True, slots=True)
class ChangeFailures:
    """The changes considered (rows of the change table) and the (change, incident) pairs that follow each other."""

    changes: np.ndarray  # int64 change rows in scope and range, in row order
    failed: np.ndarray  # bool per considered change: at least one incident followed it
    pair_change: np.ndarray  # int64 change row of each pair
    pair_incident: np.ndarray  # int64 incident row of each pair
    pair_hops: np.ndarray  # int32: 0 = on the changed CI itself, n = n dependency hops above it


@dataclass(frozen=True, slots=True)
class FailureRate:
    """One group of changes (a type or a team): how many, how many failed, and the share that failed."""

    label: str
    changes: int
    failed: int

    @property
    def rate(self) -> float:
        """Failed changes / changes (0 for an empty group)."""
        return self.failed / self.changes if self.changes else 0.0


def change_failures(
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
    """Changes on CIs in scope at a time in [start, end), and the incidents opened within `window` after each.

    `changed` and `incident_ci` are CI positions (-1: not a CI of the graph), `changed_at` the change times
    (change_time), `opened_at` the incidents' opening times, `scope` a boolean mask over CI positions.
    """
    changes = _considered(changed, changed_at, scope, start, end)
    located = np.flatnonzero((incident_ci >= 0) & ~np.isnat(opened_at))
    located = located[np.argsort(opened_at[located], kind="stable")]
    times = opened_at[located]
    first = np.searchsorted(times, changed_at[changes], side="left")
    last = np.searchsorted(times, changed_at[changes] + window, side="left")
    # One walk per changed CI with an incident in some change's window, all of its changes at once, then dropped: a
    # core switch's walk covers most of the estate, and keeping every walk would hold gigabytes at a million CIs.
    due = np.flatnonzero(last > first)
    due = due[np.argsort(changed[changes[due]], kind="stable")]
    up, scratch = index.dependency_up(), np.zeros(index.node_count, dtype=np.int32)
    on_ci = _IncidentsByCi(incident_ci[located], index.node_count)
    pairs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    position, nodes, hops = -1, np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32)
    for k in due.tolist():
        row = int(changes[k])
        if changed[row] != position:
            position = int(changed[row])
            nodes, hops = _upstream(up, position, scratch)
        found, at = on_ci.within(nodes, int(first[k]), int(last[k]))
        if found is None:  # fewer candidates in the window than incidents on what was walked: test each candidate
            candidates = located[first[k] : last[k]]
            where = np.searchsorted(nodes, incident_ci[candidates]).clip(max=len(nodes) - 1)
            hit = nodes[where] == incident_ci[candidates]
            found, at = np.flatnonzero(hit) + first[k], where[hit]
        if len(found):
            pairs.append((np.full(len(found), row, dtype=np.int64), located[found], hops[at]))
    return _result(changes, pairs)


class _IncidentsByCi:
    """The located incidents (positions in opening order) grouped by CI: the candidates of a change on what its walk
    found are gathered from the CIs walked when they hold fewer incidents than the change's window (a walk of a few
    CIs against thousands of incidents a day), the same pairs in the same order as testing each candidate."""

    def __init__(self, cis: np.ndarray, node_count: int) -> None:
        self.order = np.argsort(cis, kind="stable")  # CI by CI, each CI's in opening order
        self.starts = np.zeros(node_count + 1, dtype=np.int64)
        np.cumsum(np.bincount(cis, minlength=node_count), out=self.starts[1:])

    def within(self, nodes: np.ndarray, first: int, last: int) -> tuple[np.ndarray | None, np.ndarray]:
        """The positions in [first, last) of the incidents on `nodes`, ascending, and the place in `nodes` of each
        one's CI; (None, …) when the nodes hold more incidents than the window (testing each candidate is cheaper)."""
        starts = self.starts[nodes]
        counts = self.starts[nodes + 1] - starts
        runs = np.cumsum(counts)
        total = int(runs[-1]) if len(runs) else 0
        if total > last - first:
            return None, np.empty(0, dtype=np.int64)
        slots = np.repeat(starts - (runs - counts), counts) + np.arange(total)
        found = self.order[slots]
        at = np.repeat(np.arange(len(nodes)), counts)
        inside = (found >= first) & (found < last)
        found, at = found[inside], at[inside]
        ordered = np.argsort(found)
        return found[ordered], at[ordered]


def every_change_failure(
    index: GraphIndex, changed: np.ndarray, changed_at: np.ndarray, incident_ci: np.ndarray, opened_at: np.ndarray
) -> ChangeFailures:
    """change_failures over every change with a time, whatever its scope: once per snapshot, for `narrowed`."""
    timed = changed_at[~np.isnat(changed_at)]
    if not len(timed):
        return _result(np.empty(0, dtype=np.int64), [])
    everywhere = np.ones(index.node_count, dtype=bool)
    last = timed.max() + np.timedelta64(1, "ns")
    return change_failures(index, changed, changed_at, incident_ci, opened_at, everywhere, timed.min(), last)


def narrowed(
    every: ChangeFailures,
    changed: np.ndarray,
    changed_at: np.ndarray,
    scope: np.ndarray,
    start: np.datetime64,
    end: np.datetime64,
) -> ChangeFailures:
    """What change_failures gives for this scope and range, from every_change_failure's result: a change's pairs do
    not depend on the scope or the range, only on which changes are considered (same rows, same pair order)."""
    changes = _considered(changed, changed_at, scope, start, end)
    keep = np.isin(every.pair_change, changes)
    return _result(changes, [(every.pair_change[keep], every.pair_incident[keep], every.pair_hops[keep])])


def _considered(
    changed: np.ndarray, changed_at: np.ndarray, scope: np.ndarray, start: np.datetime64, end: np.datetime64
) -> np.ndarray:
    """Rows of the changes on a CI in scope whose time lies in [start, end)."""
    on_ci = changed >= 0
    in_scope = np.zeros(len(changed), dtype=bool)
    in_scope[on_ci] = scope[changed[on_ci]]
    timed = ~np.isnat(changed_at)
    in_range = timed & (changed_at >= start) & (changed_at < end)
    return np.flatnonzero(in_scope & in_range).astype(np.int64)


def _upstream(up: CSR, position: int, hops: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The CI and everything that depends on it (sorted positions), with their hops above it: a frontier walk like
    traverse.reach's, without the edges it collects. `hops` is zeros by CI position, used and left as zeros (zeroing
    a fresh array per walk took 40 % of the time at a million CIs)."""
    frontier = np.array([position], dtype=np.int64)
    hops[position], level, layers = 1, 1, [frontier]
    while len(frontier):
        starts = up.indptr[frontier]
        counts = up.indptr[frontier + 1] - starts
        slots = np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))
        found = up.indices[slots]
        frontier = distinct(found[hops[found] == 0].astype(np.int64), len(hops))
        level += 1
        hops[frontier] = level
        layers.append(frontier)
    nodes = np.sort(np.concatenate(layers))
    depths = hops[nodes] - 1
    hops[nodes] = 0
    return nodes, depths


def _result(changes: np.ndarray, pairs: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> ChangeFailures:
    if pairs:
        pair_change, pair_incident, pair_hops = (np.concatenate(part) for part in zip(*pairs, strict=True))
    else:
        pair_change = pair_incident = np.empty(0, dtype=np.int64)
        pair_hops = np.empty(0, dtype=np.int32)
    failed = np.isin(changes, pair_change)
    return ChangeFailures(changes, failed, pair_change, pair_incident, pair_hops)


def failure_rates(labels: np.ndarray, failed: np.ndarray) -> list[FailureRate]:
    """The failure rate per label (empty labels as NO_LABEL), highest rate first, then most changes, then label."""
    text = np.array([group_label(value) for value in labels.tolist()], dtype=object)
    names, group = np.unique(text, return_inverse=True) if len(text) else (np.empty(0, dtype=object), text)
    counts = np.bincount(group.astype(np.int64), minlength=len(names))
    failures = np.bincount(group.astype(np.int64), weights=failed.astype(np.int64), minlength=len(names))
    rates = [FailureRate(str(n), int(c), int(f)) for n, c, f in zip(names.tolist(), counts, failures, strict=True)]
    return sorted(rates, key=lambda r: (-r.rate, -r.changes, r.label))


def coded_failure_rates(
    codes: np.ndarray, names: np.ndarray, rows: np.ndarray, failed: np.ndarray
) -> list[FailureRate]:
    """failure_rates(labels[rows], failed) from each row's code into the distinct labels (sorted, as label_codes
    gives them): the same rates in the same order, without text per row."""
    if not len(rows):
        return []
    chosen = codes[rows]
    counts = np.bincount(chosen, minlength=len(names))
    failures = np.bincount(chosen, weights=failed.astype(np.int64), minlength=len(names))
    rates = [FailureRate(str(names[k]), int(counts[k]), int(failures[k])) for k in np.flatnonzero(counts).tolist()]
    return sorted(rates, key=lambda r: (-r.rate, -r.changes, r.label))


def pair_order(
    found: ChangeFailures, changed_at: np.ndarray, opened_at: np.ndarray, number_codes: np.ndarray
) -> np.ndarray:
    """The positions of found's pairs, newest change first: by change time, then change number (its code, which
    orders as the number's text), then the incident's opening time, all descending and to the microsecond (as a
    pair's row shows its times); pairs equal in all three keep their order in `found`."""
    changed = changed_at[found.pair_change].astype("datetime64[us]").astype(np.int64)
    opened = opened_at[found.pair_incident].astype("datetime64[us]").astype(np.int64)
    return np.lexsort((-opened, -number_codes[found.pair_change], -changed))


def group_label(value: object) -> str:
    """A type or team as shown: trimmed text; None, NaN and blank as NO_LABEL."""
    if not isinstance(value, str) or not value.strip():
        return NO_LABEL
    return value.strip()
