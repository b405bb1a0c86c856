"""Availability and SLA of a business service: its outage periods, availability per day, week and month, and the
error budget left against a target.

Outage periods come from two sources, merged (overlaps counted once):
- **health**: the service is out while its *rolled-up* status (health.py) is down. The health events of everything
  the service depends on are replayed in time order, and the roll-up is redone only where it could turn: at the
  times where some CI's own status changed whether it is down, or whether it has data at all (the only two facts
  the down-ness of a roll-up depends on; the second only matters where redundancy groups, "member of", are below
  the service), and only while some CI below it is down (with none down, nothing rolls up to down). A service
  with more such steps than WORK allows has its newest ones replayed and says from when its outages are known.
  A service whose own latest event says maintenance is not out (planned maintenance is not counted against it),
  nor is a CI in maintenance, degraded or unknown: only down is.
- **incidents**: P1 incidents on the service or on any CI it depends on, from opened to resolved (open ones: to
  now). P2 incidents count only when `count_p2` is set (default: a P2 is a degradation, not an outage). Canceled
  incidents, and closed ones without a resolution time, do not count.

Availability over a period = 1 − outage / period, where the period ends at `now` at the latest. The error budget of
a target (e.g. 99.9 %) is the down-time the target allows over the range; what is left = allowed − used, negative
when the budget is spent. Times are numpy datetime64[ns] (UTC, naive); durations are seconds.
"""

from dataclasses import dataclass

import numpy as np

from dashboard.domain.graph import CSR, GraphIndex
from dashboard.domain.health import NO_DATA, REDUNDANT_TYPE, roll_up
from dashboard.domain.periods import (
    EMPTY,
    SECOND,
    Intervals,
    PeriodFigure,
    clip,
    day_edges,
    merge,
    month_edges,
    per_period,
    week_edges,
)
from dashboard.domain.since import Timeline
from dashboard.domain.traverse import MAX_DEPTH, Direction, reach
from dashboard.domain.vocabulary import INCIDENT_OPEN_STATES, Health

DEFAULT_TARGET = 99.9
WORK = 20_000_000
NEVER = np.iinfo(np.int64).max  # nodes + edges rolled up per service, summed over its replayed steps
PERIODS = ("day", "week", "month")


@dataclass(frozen=True, slots=True)
class AvailabilityReport:
    """A service's availability over [start, end) against a target, with its outages and per-period figures."""

    start: np.datetime64
    end: np.datetime64
    target: float  # percent, e.g. 99.9
    target_source: str  # the CI attribute it came from ("sla_target", "sla_pct"), or "setting"
    outages: Intervals
    outage_seconds: float
    availability: float  # 0 … 1
    allowed_seconds: float
    budget_left_seconds: float  # negative: the budget is overspent
    days: tuple[PeriodFigure, ...]
    weeks: tuple[PeriodFigure, ...]
    months: tuple[PeriodFigure, ...]
    health_from: np.datetime64 | None  # health outages are known from here on (None: no health history replayed)
    incidents_counted: int


def parse_target(value: object) -> float | None:
    """An SLA target in percent from an attribute: 99.9, "99.9", "99.9 %" or a fraction 0.999; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip().removesuffix("%").strip()
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not np.isfinite(number) or number <= 0:
        return None
    number = number * 100 if number <= 1 else number
    return number if number <= 100 else None


def service_closure(index: GraphIndex, service: int) -> tuple[np.ndarray, np.ndarray]:
    """The service and everything it depends on (dependency edges only, as health rolls up), sorted, and the edges
    between them."""
    walked = reach(index, [service], Direction.DOWNSTREAM, MAX_DEPTH, follow_links=False)
    return np.sort(walked.nodes), walked.edges


def health_outages(
    index: GraphIndex, service: int, nodes: np.ndarray, codes: np.ndarray, times: np.ndarray, now: int
) -> tuple[Intervals, int | None]:
    """Periods the service's rolled-up status was down, from events (node, Health code, ns) in any order, and the
    time from which they are known (None when nothing below the service has events)."""
    below, edges = service_closure(index, service)
    inside = np.full(index.node_count, -1, dtype=np.int64)
    inside[below] = np.arange(len(below))
    nodes = np.asarray(nodes, dtype=np.int64)
    keep = np.flatnonzero((nodes >= 0) & (inside[np.maximum(nodes, 0)] >= 0))
    if not len(keep):
        return EMPTY, None
    times = np.asarray(times, dtype=np.int64)[keep]
    order = np.lexsort((keep, times))
    at, sub_nodes, code = times[order], inside[nodes[keep[order]]], np.asarray(codes, dtype=np.int8)[keep[order]]
    return _outages(index, below, edges, int(inside[service]), sub_nodes, code, at, now)


def health_outages_of(index: GraphIndex, service: int, events: Timeline, now: int) -> tuple[Intervals, int | None]:
    """`health_outages` from the snapshot's events already in time order (since.py's Timeline, made once per
    snapshot): only the events below the service are read, not every event of the snapshot. The same result: the
    Timeline's order is by time then row, as health_outages sorts, except that it puts events without a time (NaT)
    last where health_outages, sorting their int64 (the smallest), puts them first: moved back to the front."""
    below, edges = service_closure(index, service)
    starts = events.node_starts[below]
    counts = events.node_starts[below + 1] - starts
    runs = np.cumsum(counts)
    slots = np.repeat(starts - (runs - counts), counts) + np.arange(runs[-1] if len(runs) else 0)
    positions = events.by_node[slots]
    order = np.argsort(positions)
    positions = positions[order]
    keep = positions < events.end
    positions = positions[keep]
    if not len(positions):
        return EMPTY, None
    sub_nodes = np.repeat(np.arange(len(below), dtype=np.int64), counts)[order][keep]
    at = events.times[positions].view(np.int64)
    first = np.argsort(at, kind="stable")  # NaT (int64 min) first, the rest keep their (time, row) order
    code = events.codes[positions][first]
    return _outages(index, below, edges, int(np.searchsorted(below, service)), sub_nodes[first], code, at[first], now)


def _outages(
    index: GraphIndex,
    below: np.ndarray,
    edges: np.ndarray,
    root: int,
    nodes: np.ndarray,
    codes: np.ndarray,
    times: np.ndarray,
    now: int,
) -> tuple[Intervals, int | None]:
    """The down periods from the events below the service (positions into `below`) in time order."""
    first_time = int(times[0])
    if not (codes == Health.DOWN).any():
        return EMPTY, first_time
    sub = index.induced(below, edges)
    return _replay(sub, root, nodes, codes, times, now)


def _replay(
    sub: GraphIndex, root: int, nodes: np.ndarray, codes: np.ndarray, times: np.ndarray, now: int
) -> tuple[Intervals, int]:
    """Roll up at each time where some CI's down-ness or has-data changed while some CI was down: the root's down
    stretches, and the time from which they are known (the first event's, or the last skipped step's when there
    were too many to replay)."""
    bits = np.where(codes == Health.DOWN, 2, 1).astype(np.int8)  # 1: has data, 2: down (0 before a CI's first)
    previous = _previous_of_same_node(nodes, bits)
    delta = (bits == 2).astype(np.int64) - (previous == 2)
    downs = np.cumsum(delta)  # CIs down after each event
    worst_of = _reach_mask(sub, np.array([root]), sub.edge_symmetric | (sub.edge_type == REDUNDANT_TYPE))
    surely = np.cumsum(np.where(worst_of[nodes], delta, 0))  # … that surely take the root down
    maintenance = (codes == Health.MAINTENANCE).astype(np.int8)
    excused = (nodes == root) & (maintenance != _previous_of_same_node(nodes, maintenance))
    matters = ((bits == 2) != (previous == 2)) | excused  # the service's own maintenance decides too
    ends = np.flatnonzero(np.r_[times[1:] != times[:-1], True])  # the last event of each distinct time
    # Having data matters only where a group member gains it (that can end its group's "all members down"), and a
    # member gains it once: when the first of the CIs it stands on reports.
    first = _first_data(sub, nodes, times)
    members = first[sub.edge_target[sub.edge_type == REDUNDANT_TYPE]]
    gains = np.isin(times[ends], members[members != NEVER])
    step_ends = ends[np.maximum.reduceat(matters, np.r_[0, ends[:-1] + 1]).astype(bool) | gains]
    # With nothing down, the root is not down; with a CI down that it reaches through worst-of edges alone, it is
    # down: a roll-up is needed only while the CIs down are all behind a group ("member of").
    uncertain = (downs > 0) & (surely == 0)
    rolled = step_ends[uncertain[step_ends]]
    steps = max(10, WORK // max(1, sub.node_count + sub.edge_count))
    own = np.full(sub.node_count, NO_DATA, dtype=np.int8)
    start_at = 0
    if len(rolled) > steps:  # too many to replay: the newest `steps`, from the statuses before them
        cut = int(rolled[-steps - 1])
        start_at = cut + 1
        own[nodes[:start_at]] = codes[:start_at]  # in time order: each node's latest wins
        step_ends = step_ends[step_ends > cut]
    known_from = int(times[start_at - 1] if start_at else times[0])
    down_from: list[int] = []
    down_to: list[int] = []
    behind = _Behind(sub, first)
    was_down = bool(start_at) and _is_down(behind, own, root, known_from, downs[start_at - 1], surely[start_at - 1])
    if was_down:
        down_from.append(known_from)
    applied = start_at
    for last in step_ends.tolist():
        own[nodes[applied : last + 1]] = codes[applied : last + 1]
        applied = last + 1
        down = _is_down(behind, own, root, int(times[last]), downs[last], surely[last])
        if down != was_down:
            (down_from if down else down_to).append(int(times[last]))
            was_down = down
    if was_down:
        down_to.append(now)
    return merge(np.asarray(down_from), np.asarray(down_to)), known_from


def _is_down(behind: "_Behind", own: np.ndarray, root: int, at: int, downs: int, surely: int) -> bool:
    """Whether the root's rolled-up status is down, from how many CIs below it are down and how many of them it
    reaches through worst-of edges alone; a roll-up (of what stands on the CIs down) only when that does not
    decide. Its own maintenance excuses it (planned, not an outage)."""
    if own[root] == Health.MAINTENANCE or downs == 0:
        return False
    return surely > 0 or behind.is_down(own, root, at)


class _Behind:
    """The roll-up of a service's down-ness over what stands on the CIs that are down, and what those stand on
    directly: nothing else can be down, and of the rest only whether it has data counts (a member with data that
    is not down keeps its group up). Exact, and small where few CIs are down."""

    def __init__(self, sub: GraphIndex, first: np.ndarray) -> None:
        self.sub = sub
        self.first = first
        self.up = sub.dependency_up()
        self.down = sub.dependency_down()

    def is_down(self, own: np.ndarray, root: int, at: int) -> bool:
        """Whether the root rolls up to down with these own statuses at time `at`."""
        sub = self.sub
        above = _reach_csr(self.up, np.flatnonzero(own == Health.DOWN), sub.node_count)
        if not above[root]:
            return False
        parents = np.flatnonzero(above)
        starts, counts = self.down.indptr[parents], np.diff(self.down.indptr)[parents]
        slots = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
        edges = self.down.edges[slots]
        nodes = np.union1d(parents, self.down.indices[slots])
        part = sub.induced(nodes, edges)
        rest = ~above[nodes]  # not down: only whether they have data by now counts
        has_data = self.first[nodes] <= at
        local = np.where(rest, np.where(has_data, int(Health.OK), NO_DATA), own[nodes]).astype(np.int8)
        return int(roll_up(part, local)[int(np.searchsorted(nodes, root))]) == Health.DOWN


def _first_data(sub: GraphIndex, nodes: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Per node: when it first has data, its own or of anything below it (NEVER: not in these events), from events
    in time order."""
    first = np.full(sub.node_count, NEVER, dtype=np.int64)
    first[nodes[::-1]] = times[::-1]  # reversed: each node's earliest event is written last
    down = sub.dependency_down()
    has = down.indptr[1:] > down.indptr[:-1]
    for _ in range(MAX_DEPTH + 1):  # the earliest of a node's own and of everything below it
        below = np.full(sub.node_count, NEVER, dtype=np.int64)
        if has.any():
            below[has] = np.minimum.reduceat(first[down.indices], down.indptr[:-1][has])
        updated = np.minimum(first, below)
        if np.array_equal(updated, first):
            break
        first = updated
    return first


def _reach_mask(sub: GraphIndex, starts: np.ndarray, skipped: np.ndarray) -> np.ndarray:
    """Per node: whether it is one of `starts` or below one of them through edges not `skipped` (a mask over edges).
    From the service through edges that are not group membership: a CI down there takes the service down whatever
    else holds."""
    return _reach_csr(sub.down.without(skipped), starts, sub.node_count)


def _reach_csr(csr: CSR, starts: np.ndarray, node_count: int) -> np.ndarray:
    """Per node: whether it is one of `starts` or reached from one of them along the CSR."""
    seen = np.zeros(node_count, dtype=bool)
    frontier = np.unique(np.asarray(starts, dtype=np.int64))
    seen[frontier] = True
    for _ in range(MAX_DEPTH):
        starts_, counts = csr.indptr[frontier], np.diff(csr.indptr)[frontier]
        total = int(counts.sum())
        if not total:
            break
        slots = np.repeat(starts_ - np.cumsum(counts) + counts, counts) + np.arange(total)
        fresh = np.unique(csr.indices[slots])
        frontier = fresh[~seen[fresh]]
        if not len(frontier):
            break
        seen[frontier] = True
    return seen


def _previous_of_same_node(nodes: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For events in time order: the value of the same node's event before each one (0 for its first)."""
    by_node = np.lexsort((np.arange(len(nodes)), nodes))
    previous = np.zeros(len(nodes), dtype=values.dtype)
    same = nodes[by_node][1:] == nodes[by_node][:-1]
    previous[by_node[1:][same]] = values[by_node[:-1][same]]
    return previous


@dataclass(frozen=True, slots=True)
class CountedIncidents:
    """The incidents that count as outages of the CI they name (see `counted_incidents`): node, start, end in ns."""

    nodes: np.ndarray
    starts: np.ndarray
    ends: np.ndarray


def counted_incidents(
    nodes: np.ndarray,
    priorities: np.ndarray,
    states: np.ndarray,
    opened: np.ndarray,
    resolved: np.ndarray,
    now: int,
    *,
    count_p2: bool = False,
) -> CountedIncidents:
    """The P1 (and, with count_p2, P2) incidents that name a CI, not canceled, with their periods (open ones until
    now): whatever the service, so once per snapshot."""
    nodes = np.asarray(nodes, dtype=np.int64)
    priority = np.nan_to_num(np.asarray(priorities, dtype=float), nan=5)
    state = np.char.lower(np.char.strip(np.asarray(states, dtype=object).astype(str)))
    opened, resolved = np.asarray(opened, dtype="datetime64[ns]"), np.asarray(resolved, dtype="datetime64[ns]")
    open_ = np.isin(state, INCIDENT_OPEN_STATES)
    end = np.where(open_ | np.isnat(resolved), np.int64(now), resolved.astype(np.int64))
    counted = (
        (nodes >= 0)
        & (priority <= (2 if count_p2 else 1))
        & (state != "canceled")
        & ~np.isnat(opened)
        & (open_ | ~np.isnat(resolved))  # closed without a resolution time: when it ended is unknown
    )
    return CountedIncidents(nodes[counted], opened.astype(np.int64)[counted], end[counted])


def incident_outages(index: GraphIndex, service: int, incidents: CountedIncidents) -> tuple[Intervals, int]:
    """Periods of the counted incidents on the service or anything it depends on, and their count."""
    inside = np.zeros(index.node_count, dtype=bool)
    inside[service_closure(index, service)[0]] = True
    hit = inside[incidents.nodes]
    return merge(incidents.starts[hit], incidents.ends[hit]), int(hit.sum())


def report(
    outages: list[Intervals],
    start: int,
    end: int,
    target: float,
    target_source: str,
    *,
    health_from: int | None = None,
    incidents_counted: int = 0,
) -> AvailabilityReport:
    """Availability, budget and per-period figures over [start, end) from outage periods of any sources."""
    merged = clip(
        merge(np.concatenate([o.starts for o in outages] or [[]]), np.concatenate([o.ends for o in outages] or [[]])),
        start,
        end,
    )
    length = max(0, end - start) / SECOND
    used = merged.seconds
    allowed = length * (1 - target / 100)
    return AvailabilityReport(
        start=np.datetime64(start, "ns"),
        end=np.datetime64(end, "ns"),
        target=target,
        target_source=target_source,
        outages=merged,
        outage_seconds=used,
        availability=1 - used / length if length else 1.0,
        allowed_seconds=allowed,
        budget_left_seconds=allowed - used,
        days=per_period(merged, day_edges(start, end), start, end),
        weeks=per_period(merged, week_edges(start, end), start, end),
        months=per_period(merged, month_edges(start, end), start, end),
        health_from=None if health_from is None else np.datetime64(health_from, "ns"),
        incidents_counted=incidents_counted,
    )
