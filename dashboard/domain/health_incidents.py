"""Incident history figures of the asset-health page: incidents per day, MTTR, MTBF, repeat offenders.

Definitions (docs/health.md says the same for readers):
- An incident is *in range* when it was opened in [start, end); the figures count only incidents in range and in scope
  (on a CI of the scope mask; with no filter set, incidents that name no CI count too; with an assignment group
  chosen, only incidents assigned to it).
- *MTTR* (mean time to resolve) of a group of incidents: the mean of resolved_at − opened_at over those of them that
  are resolved (resolved_at set and not before opened_at); open incidents do not count.
- *MTBF* (mean time between failures) of a CI: the mean gap between the openings of its successive incidents, over CIs
  with at least two incidents in range. For a class or an assignment group it is the mean over every such gap of its
  CIs (an assignment group's gaps are between its own incidents on the same CI). For a business service it is the mean
  gap between successive openings of incidents on any CI it depends on (domain/health_scope.service_cis), the service
  counted as one thing that fails.
- A *repeat offender* is a CI with at least `at_least` incidents in range, or with an incident that was reopened (its
  audit trail shows its state going from resolved or closed back to an open state).
"""

from dataclasses import dataclass

import numpy as np

from dashboard.domain.graph import GraphIndex
from dashboard.domain.traverse import ALL_HOPS, Direction, reach
from dashboard.domain.vocabulary import BUSINESS_SERVICE, INCIDENT_OPEN_STATES

PRIORITIES = 5
HOUR = np.timedelta64(3600, "s")
DAY = np.timedelta64(1, "D")
CLOSED_STATES = ("resolved", "closed")


@dataclass(frozen=True, slots=True)
class IncidentLog:
    """Incidents sorted by opening time (incidents without one are left out), with what the page groups them by."""

    rows: np.ndarray  # int64 row in the incident table
    nodes: np.ndarray  # int64 CI position, -1 when the incident names no CI (or one the CMDB does not hold)
    priority: np.ndarray  # int8 1 … 5 (missing or out of range: 5)
    opened: np.ndarray  # datetime64[ns], ascending
    resolved: np.ndarray  # datetime64[ns], NaT while open
    group: np.ndarray  # int32 code into group_names, -1 none
    group_names: tuple[str, ...]
    reopened: np.ndarray  # bool: the audit trail shows it reopened
    # Sorted once, so that no filter change sorts: the entries that name a CI by (CI, opening time), and those that
    # also name a group by (group, CI, opening time). MTBF takes its gaps from these orders filtered to a selection.
    by_ci: np.ndarray
    by_group_ci: np.ndarray
    # Times as hours (float64), worked out once: datetime arithmetic over a million entries per filter change cost
    # more than the rest of MTTR and MTBF together.
    opened_hours: np.ndarray  # since the epoch
    to_resolve: np.ndarray  # resolved_at − opened_at; NaN while open or when resolved before opened

    def selected(self, entries: np.ndarray) -> np.ndarray:
        """A boolean mask over the log's entries, True for these."""
        chosen = np.zeros(len(self.opened), dtype=bool)
        chosen[entries] = True
        return chosen


def incident_log(
    nodes: np.ndarray,
    priorities: np.ndarray,
    opened: np.ndarray,
    resolved: np.ndarray,
    groups: np.ndarray,
    group_names: tuple[str, ...],
    reopened: np.ndarray,
) -> IncidentLog:
    """The incidents (one entry per incident-table row) sorted by opening time, those without one left out."""
    opened = np.asarray(opened, dtype="datetime64[ns]")
    rows = np.flatnonzero(~np.isnat(opened))
    rows = rows[np.argsort(opened[rows], kind="stable")]
    priority = np.nan_to_num(np.asarray(priorities, dtype=float), nan=PRIORITIES)
    priority = np.where((priority >= 1) & (priority <= PRIORITIES), priority, PRIORITIES).astype(np.int8)
    node = np.asarray(nodes, dtype=np.int64)[rows]
    group = np.asarray(groups, dtype=np.int32)[rows]
    named = np.flatnonzero(node >= 0)  # ascending entries are in opening order: a stable sort keeps it per key
    in_group = named[group[named] >= 0]
    return IncidentLog(
        rows=rows.astype(np.int64),
        nodes=node,
        priority=priority[rows],
        opened=opened[rows],
        resolved=np.asarray(resolved, dtype="datetime64[ns]")[rows],
        group=group,
        group_names=group_names,
        reopened=np.asarray(reopened, dtype=bool)[rows],
        by_ci=named[np.argsort(node[named], kind="stable")],
        by_group_ci=in_group[np.lexsort((node[in_group], group[in_group]))],
        opened_hours=opened[rows].astype(np.int64) / 3.6e12,
        to_resolve=_hours_to_resolve(opened[rows], np.asarray(resolved, dtype="datetime64[ns]")[rows]),
    )


def _hours_to_resolve(opened: np.ndarray, resolved: np.ndarray) -> np.ndarray:
    done = ~np.isnat(resolved) & (resolved >= opened)
    return np.where(done, (resolved - opened) / HOUR, np.nan)


def in_scope(
    log: IncidentLog,
    mask: np.ndarray,
    start: np.datetime64,
    end: np.datetime64,
    *,
    narrowed: bool,
    groups: tuple[str, ...] = (),
) -> np.ndarray:
    """Entries of the log in range and in scope (see the module's docstring), ascending."""
    first, last = np.searchsorted(log.opened, [np.datetime64(start, "ns"), np.datetime64(end, "ns")])
    nodes = log.nodes[first:last]  # the range is a slice of the log: nothing gathered
    named = nodes >= 0
    keep = np.full(len(nodes), not narrowed)
    keep[named] = mask[nodes[named]]
    if groups:
        codes = [log.group_names.index(g) for g in groups if g in log.group_names]
        keep &= np.isin(log.group[first:last], np.asarray(codes, dtype=np.int32))
    return np.flatnonzero(keep) + first


def per_day(log: IncidentLog, entries: np.ndarray, first_day: np.datetime64, days: int) -> np.ndarray:
    """Incidents opened per day and priority: counts[day, priority - 1] for `days` days from `first_day`."""
    day = ((log.opened[entries].astype("datetime64[D]") - np.datetime64(first_day, "D")) / DAY).astype(np.int64)
    inside = (day >= 0) & (day < days)
    flat = day[inside] * PRIORITIES + log.priority[entries][inside].astype(np.int64) - 1
    return np.bincount(flat, minlength=days * PRIORITIES).reshape(days, PRIORITIES)


@dataclass(frozen=True, slots=True)
class Reliability:
    """Per key (a class, a group, a service): incidents, resolved ones, MTTR and MTBF in hours (NaN: none)."""

    incidents: np.ndarray  # int64
    resolved: np.ndarray  # int64
    mttr_hours: np.ndarray  # float64
    gaps: np.ndarray  # int64: gaps between successive incidents the MTBF is the mean of
    mtbf_hours: np.ndarray  # float64


def reliability(
    keys: np.ndarray,
    series: np.ndarray,
    opened_hours: np.ndarray,
    to_resolve: np.ndarray,
    key_count: int,
    *,
    presorted: bool = False,
) -> Reliability:
    """MTTR and MTBF per key of incidents given as parallel arrays (key -1: left out): opening times and times to
    resolve in hours (NaN: not resolved), as IncidentLog keeps them.

    `series` says what fails: gaps are taken between successive openings with the same key and series (the CI for a
    class or a group; the service itself for a service); series -1 gives no gaps. `presorted`: the arrays already
    hold equal (key, series) next to each other in opening order (IncidentLog.by_ci filtered to a selection), so
    nothing is sorted here.
    """
    keep = keys >= 0
    if not keep.all():
        keys, series, opened_hours, to_resolve = keys[keep], series[keep], opened_hours[keep], to_resolve[keep]
    incidents, resolved_count, mttr = _resolution(keys, to_resolve, key_count)
    if not presorted:
        order = np.lexsort((opened_hours, series, keys))
        keys, series, opened_hours = keys[order], series[order], opened_hours[order]
    gaps, mtbf = _gaps(keys, series, opened_hours, key_count)
    return Reliability(incidents, resolved_count, mttr, gaps, mtbf)


def _resolution(keys: np.ndarray, to_resolve: np.ndarray, key_count: int) -> tuple[np.ndarray, ...]:
    """Incidents, resolved ones and MTTR per key (keys ≥ 0). Only the resolved are summed: adding the open ones'
    zeros changed no sum (every time to resolve is ≥ 0) and cost a pass."""
    done = ~np.isnan(to_resolve)
    resolved_keys = keys[done]
    resolved_count = np.bincount(resolved_keys, minlength=key_count)
    total = np.bincount(resolved_keys, weights=to_resolve[done], minlength=key_count)
    return np.bincount(keys, minlength=key_count), resolved_count, _mean(total, resolved_count)


def _gaps(keys: np.ndarray, series: np.ndarray, opened_hours: np.ndarray, key_count: int) -> tuple[np.ndarray, ...]:
    """Gaps and MTBF per key of entries sorted by (key, series, opening time), keys ≥ 0."""
    follows = (keys[1:] == keys[:-1]) & (series[1:] == series[:-1]) & (series[1:] >= 0)
    gap_hours = np.diff(opened_hours)[follows]
    gaps = np.bincount(keys[1:][follows], minlength=key_count)
    return gaps, _mean(np.bincount(keys[1:][follows], weights=gap_hours, minlength=key_count), gaps)


def per_ci_key(log: IncidentLog, selected: np.ndarray, key_of_ci: np.ndarray, key_count: int) -> Reliability:
    """MTTR and MTBF per key of the selected incidents' CIs (a class code per CI, say), gaps per CI."""
    order = log.by_ci[selected[log.by_ci]]
    nodes = log.nodes[order]
    keys = key_of_ci[nodes].astype(np.int64)
    return reliability(keys, nodes, log.opened_hours[order], log.to_resolve[order], key_count, presorted=True)


def per_group(log: IncidentLog, selected: np.ndarray) -> Reliability:
    """MTTR and MTBF per assignment group of the selected incidents (MTTR counts those that name no CI too)."""
    count = len(log.group_names)
    every = np.flatnonzero(selected)
    groups = log.group[every].astype(np.int64)
    named = groups >= 0
    incidents, resolved, mttr = _resolution(groups[named], log.to_resolve[every][named], count)
    order = log.by_group_ci[selected[log.by_group_ci]]  # every one names a group and a CI
    gaps, mtbf = _gaps(log.group[order].astype(np.int64), log.nodes[order], log.opened_hours[order], count)
    return Reliability(incidents, resolved, mttr, gaps, mtbf)


def _mean(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    return np.divide(total, count, out=np.full(len(total), np.nan), where=count > 0)


@dataclass(frozen=True, slots=True)
class ServiceMembers:
    """Which business services stand on each CI: services[slots of node i] (CSR over CI positions)."""

    services: np.ndarray  # int64 positions of the business services, sorted
    indptr: np.ndarray  # int64, length node_count + 1
    slots: np.ndarray  # int64 index into `services`


def service_members(index: GraphIndex) -> ServiceMembers:
    """For every CI, the business services that depend on it (itself included), as health_scope.service_cis walks."""
    services = np.flatnonzero(index.class_mask(BUSINESS_SERVICE)).astype(np.int64)
    nodes, owners = [], []
    for slot, service in enumerate(services.tolist()):
        reached = reach(index, [service], Direction.DOWNSTREAM, ALL_HOPS, follow_links=False).nodes
        nodes.append(reached.astype(np.int64))
        owners.append(np.full(len(reached), slot, dtype=np.int64))
    node = np.concatenate(nodes) if nodes else np.empty(0, dtype=np.int64)
    owner = np.concatenate(owners) if owners else np.empty(0, dtype=np.int64)
    order = np.argsort(node, kind="stable")
    indptr = np.zeros(index.node_count + 1, dtype=np.int64)
    np.cumsum(np.bincount(node, minlength=index.node_count), out=indptr[1:])
    return ServiceMembers(services, indptr, owner[order])


def service_pairs(log: IncidentLog, members: ServiceMembers) -> tuple[np.ndarray, np.ndarray]:
    """Every (business service, log entry) of an incident on a CI below the service, by service then opening time.

    Built once per snapshot; a filter change keeps the pairs of its selection (no sort, no walk).
    """
    named = np.flatnonzero(log.nodes >= 0)
    nodes = log.nodes[named]
    counts = members.indptr[nodes + 1] - members.indptr[nodes]
    total = int(counts.sum())
    slots = np.repeat(members.indptr[nodes] - (np.cumsum(counts) - counts), counts) + np.arange(total)
    service, entry = members.slots[slots], np.repeat(named, counts)
    order = np.argsort(service, kind="stable")  # entries ascend per service: in opening order
    return service[order], entry[order]


def by_service(log: IncidentLog, selected: np.ndarray, pairs: tuple[np.ndarray, np.ndarray], count: int) -> Reliability:
    """MTTR and MTBF per business service (`count` of them, in ServiceMembers order) of the selected incidents on the
    CIs below each (pairs from service_pairs)."""
    service, entry = pairs
    kept = selected[entry]
    service, entry = service[kept], entry[kept]
    return reliability(service, service, log.opened_hours[entry], log.to_resolve[entry], count, presorted=True)


@dataclass(frozen=True, slots=True)
class RepeatOffenders:
    """CIs with many incidents in range or a reopened one: most incidents first."""

    nodes: np.ndarray
    incidents: np.ndarray
    reopened: np.ndarray


def repeat_offenders(log: IncidentLog, entries: np.ndarray, at_least: int) -> RepeatOffenders:
    """The CIs with at least `at_least` incidents among the entries, or with a reopened one."""
    named = entries[log.nodes[entries] >= 0]
    counts = np.bincount(log.nodes[named])
    reopened_counts = np.bincount(log.nodes[named], weights=log.reopened[named], minlength=len(counts))
    nodes = np.flatnonzero((counts >= at_least) | (reopened_counts > 0))
    incidents, reopened = counts[nodes], reopened_counts[nodes].astype(np.int64)
    order = np.lexsort((nodes, -reopened, -incidents))
    return RepeatOffenders(nodes[order], incidents[order], reopened[order])


def reopened_numbers(numbers: np.ndarray, fields: np.ndarray, old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """The incident numbers whose audit trail shows a state going from resolved or closed back to an open state."""
    field = _clean(fields)
    moved = (field == "state") & np.isin(_clean(old), CLOSED_STATES) & np.isin(_clean(new), INCIDENT_OPEN_STATES)
    return np.unique(np.asarray(numbers, dtype=object)[moved].astype(str))


def _clean(values: np.ndarray) -> np.ndarray:
    return np.asarray([v.strip().lower() if isinstance(v, str) else "" for v in np.asarray(values, dtype=object)])
