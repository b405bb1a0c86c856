"""Asset health over time: status intervals from health events, down-time, per-day status shares, worst days.

Definitions (docs/health.md says the same for readers):
- A CI's *status interval* runs from one of its health events to its next event, the last one to `now` (the time the
  snapshot was taken, passed by the caller). Before its first event in the window a CI has no data. Times count to
  the millisecond; events of a CI at the same time follow one another in the order of the table.
- *Down-time* of a CI over [start, end): the time its intervals with status `down` overlap [start, end).
- A CI's *status on a day* (UTC) is the worst status (health.Health order: down > degraded > unknown > maintenance > ok)
  of the intervals that overlap that day; a CI is *observed* on a day when one of its intervals overlaps it.
- The *share* of a status on a day is the CIs in scope with that status on that day divided by the CIs in scope
  observed that day (so the shares of a day with observed CIs sum to 1).
Everything here is built once per snapshot (`status_history`) and then filtered by a scope mask over CI positions
(domain/health_scope.py) and a time range [start, end), with numpy over pre-sorted arrays.
"""

from dataclasses import dataclass

import numpy as np

from dashboard.domain.health import NO_DATA
from dashboard.domain.vocabulary import Health

STATUS_COUNT = len(Health)
NS = np.timedelta64(1, "ns")
HOUR = np.timedelta64(3600, "s")
DAY = np.timedelta64(1, "D")


@dataclass(frozen=True, slots=True)
class StatusHistory:
    """Health events as status intervals, and every observed CI's worst status per day of the window."""

    first_day: np.datetime64  # datetime64[D]: the first day of `worst`
    nodes: np.ndarray  # int64 sorted positions of the CIs with events: the rows of `worst`
    worst: np.ndarray  # int8 (len(nodes), days): worst status that day, NO_DATA when not observed
    down_nodes: np.ndarray  # int64 CI position of every down interval
    down_start: np.ndarray  # datetime64[ns]
    down_end: np.ndarray  # datetime64[ns]
    day_counts: np.ndarray  # int64 (days, STATUS_COUNT): every observed CI per status per day (per_day_counts)

    @property
    def day_count(self) -> int:
        """Days the history covers."""
        return int(self.worst.shape[1])

    def days(self) -> np.ndarray:
        """The covered days (datetime64[D])."""
        return self.first_day + np.arange(self.day_count)

    def day_slice(self, start: np.datetime64, end: np.datetime64) -> slice:
        """The columns of `worst` of the days that overlap [start, end)."""
        first = int((np.datetime64(start, "D") - self.first_day) / DAY)
        last = int((np.datetime64(np.datetime64(end, "ns") - NS, "D") - self.first_day) / DAY)
        return slice(max(0, first), max(0, min(self.day_count, last + 1)))


def status_history(nodes: np.ndarray, statuses: np.ndarray, observed: np.ndarray, now: np.datetime64) -> StatusHistory:
    """Intervals and per-day worst statuses from health events (CI position or -1, Health code, time)."""
    now = np.datetime64(now, "ns")
    observed = np.asarray(observed, dtype="datetime64[ns]")
    keep = (np.asarray(nodes) >= 0) & ~np.isnat(observed) & (observed <= now)
    node, status, start = _by_ci_then_time(
        np.asarray(nodes, dtype=np.int64)[keep], np.asarray(statuses, dtype=np.int8)[keep], observed[keep]
    )
    end = np.full(len(node), now, dtype="datetime64[ns]")
    same = node[1:] == node[:-1]
    end[:-1][same] = start[1:][same]
    first_day = np.datetime64(start.min() if len(start) else now, "D")
    # The window's last day is the one `now` falls in; at midnight sharp, the day that just ended.
    day_count = max(1, int((np.datetime64(now - NS, "D") - first_day) / DAY) + 1)
    first = np.r_[True, ~same] if len(node) else np.empty(0, dtype=bool)  # node is sorted: no np.unique needed
    rows_of, row = node[first], np.cumsum(first) - 1
    worst = _worst_per_day(row, status, start, end, first_day, len(rows_of), day_count)
    down = status == Health.DOWN
    return StatusHistory(first_day, rows_of, worst, node[down], start[down], end[down], per_day_counts(worst))


MS = 1_000_000  # ns


def _by_ci_then_time(node: np.ndarray, status: np.ndarray, observed: np.ndarray) -> tuple[np.ndarray, ...]:
    """The events sorted by CI, then time (to the millisecond), then their order in the table (as own_status does).

    CI and time packed into one int64 and sorted stably: half the time of np.lexsort over five million events. Falls
    back to lexsort when they do not fit in 63 bits.
    """
    if not len(node):
        return node, status, observed
    origin = observed.min()
    ms = (observed - origin).astype(np.int64) // MS
    time_bits, node_bits = int(ms.max()).bit_length(), int(node.max()).bit_length()
    fits = node_bits + time_bits <= 63
    order = np.argsort((node << time_bits) | ms, kind="stable") if fits else np.lexsort((ms, node))
    return node[order], status[order], origin + ms[order] * np.timedelta64(MS, "ns")


def _worst_per_day(
    row: np.ndarray,
    status: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    first_day: np.datetime64,
    rows: int,
    days: int,
) -> np.ndarray:
    """Worst status per (row, day) over the intervals that overlap each day; an instant counts for its day."""
    day0 = ((start.astype("datetime64[D]") - first_day) / DAY).astype(np.int64)
    last = np.maximum(start, end - NS)
    day1 = ((last.astype("datetime64[D]") - first_day) / DAY).astype(np.int64)
    day0, day1 = np.minimum(day0, days - 1), np.minimum(day1, days - 1)  # an event at `now` sharp: the last day
    span = day1 - day0 + 1
    cell = row * days + day0  # ascending: the intervals come by CI, then time
    worst = np.full(rows * days, NO_DATA, dtype=np.int8)
    spanning = np.arange(len(cell))
    for offset in range(int(span.max()) if len(span) else 0):  # the k-th day of every interval that has one
        if offset:
            spanning = spanning[span[spanning] > offset]
        cells, statuses = cell[spanning] + offset, status[spanning]
        runs = np.flatnonzero(np.r_[True, cells[1:] != cells[:-1]])  # equal cells are neighbours: reduce each run
        cells = cells[runs]
        worst[cells] = np.maximum(worst[cells], np.maximum.reduceat(statuses, runs))
    return worst.reshape(rows, days)


@dataclass(frozen=True, slots=True)
class DailyStatus:
    """CIs in scope per status per day: counts[day, status]; the share is a count over its day's total."""

    days: np.ndarray  # datetime64[D]
    counts: np.ndarray  # int64 (days, STATUS_COUNT)
    cells: np.ndarray  # int8 (CIs, days) the worst statuses counted, and the CIs (positions) of its rows
    nodes: np.ndarray

    def shares(self) -> np.ndarray:
        """counts as shares of each day's observed CIs (0 on days without any)."""
        totals = self.counts.sum(axis=1, keepdims=True)
        return np.divide(self.counts, totals, out=np.zeros(self.counts.shape), where=totals > 0)


def daily_status(history: StatusHistory, mask: np.ndarray, start: np.datetime64, end: np.datetime64) -> DailyStatus:
    """Worst status per day of the CIs in scope, counted per status, over the days that overlap [start, end)."""
    days = history.day_slice(start, end)
    inside = mask[history.nodes]
    everyone = bool(inside.all())
    if everyone:  # a view, and the counts of every CI worked out once per snapshot
        return DailyStatus(history.days()[days], history.day_counts[days], history.worst[:, days], history.nodes)
    cells = history.worst[inside, days]
    return DailyStatus(history.days()[days], per_day_counts(cells), cells, history.nodes[inside])


def per_day_counts(cells: np.ndarray) -> np.ndarray:
    """CIs per (day, status) of worst statuses per (CI, day), those without data (NO_DATA) left out."""
    counts = np.zeros((cells.shape[1], STATUS_COUNT), dtype=np.int64)
    for day in range(cells.shape[1]):
        counts[day] = np.bincount(cells[:, day].astype(np.int16) - NO_DATA, minlength=STATUS_COUNT + 1)[1:]
    return counts


def down_time(
    history: StatusHistory, mask: np.ndarray, start: np.datetime64, end: np.datetime64
) -> tuple[np.ndarray, np.ndarray]:
    """CIs in scope with down-time in [start, end) (ascending positions), and their down hours."""
    start, end = np.datetime64(start, "ns"), np.datetime64(end, "ns")
    inside = mask[history.down_nodes]
    begin = np.maximum(history.down_start[inside], start)
    until = np.minimum(history.down_end[inside], end)
    hours = np.maximum(until - begin, np.timedelta64(0, "ns")) / HOUR
    total = np.bincount(history.down_nodes[inside], weights=hours, minlength=len(mask))
    nodes = np.flatnonzero(total > 0)
    return nodes, total[nodes]


def top(primary: np.ndarray, secondary: np.ndarray | None, limit: int) -> np.ndarray:
    """Indices of the `limit` first by larger primary, then larger secondary, then smaller index, in that order.

    O(n) but for the few chosen (a partition per key instead of sorting a million values).
    """
    picked = _picked(primary, secondary, np.arange(len(primary)), limit)
    keys = (picked, -secondary[picked], -primary[picked]) if secondary is not None else (picked, -primary[picked])
    return picked[np.lexsort(keys)]


def _picked(primary: np.ndarray, secondary: np.ndarray | None, among: np.ndarray, limit: int) -> np.ndarray:
    """The `limit` of `among` (ascending indices) that come first by (-primary, -secondary, index); all if fewer."""
    if len(among) <= limit:
        return among
    values = primary[among]
    threshold = kth_largest(values, limit)
    above, ties = among[values > threshold], among[values == threshold]
    if secondary is None:
        return np.concatenate([above, ties[: limit - len(above)]])
    return np.concatenate([above, _picked(secondary, None, ties, limit - len(above))])


def kth_largest(values: np.ndarray, k: int) -> object:
    """The k-th largest of some numbers (1 ≤ k ≤ len(values)): the k-th smallest of their negation.

    np.partition at an index near the end took ~150 ms over a million values that are mostly equal (every CI without
    down-time has 0 hours), the same partition of the negated values ~7 ms. Counts and hours are small enough to
    negate exactly (unsigned integers are widened first).
    """
    signed = values.astype(np.int64) if values.dtype.kind == "u" or values.dtype == bool else values
    return -np.partition(-signed, k - 1)[k - 1]


@dataclass(frozen=True, slots=True)
class WorstDays:
    """The heatmap: the worst CIs (rows, worst first) × days, each cell the CI's worst status that day."""

    nodes: np.ndarray
    days: np.ndarray
    cells: np.ndarray  # int8 (len(nodes), len(days)), NO_DATA where not observed
    down_hours: np.ndarray


def worst_days(daily: DailyStatus, down: tuple[np.ndarray, np.ndarray], limit: int) -> WorstDays:
    """The `limit` worst CIs of a daily status: most down hours, then most days degraded or down, then position.

    CIs that were ok (or in maintenance) every day are left out: a heatmap of healthy CIs says nothing.
    """
    down_nodes, down_hours = down
    hours = np.zeros(len(daily.nodes))
    if len(down_nodes):  # the down CIs in scope are among the daily status's, both ascending
        hours[np.searchsorted(daily.nodes, down_nodes)] = down_hours
    # A CI with down-time comes before every CI without: when `limit` CIs have some, only they are ranked (counting
    # the bad days of every CI in scope took most of the heatmap's time at a million CIs).
    down_rows = np.flatnonzero(hours > 0)
    rows = down_rows if len(down_rows) >= limit else np.arange(len(hours))
    bad_days = np.count_nonzero(daily.cells[rows] >= Health.DEGRADED, axis=1)
    picked = top(hours[rows], bad_days, limit)
    order = rows[picked[(bad_days[picked] > 0) | (hours[rows[picked]] > 0)]]
    return WorstDays(daily.nodes[order], daily.days, daily.cells[order], hours[order])


def status_mix(status: np.ndarray, keys: np.ndarray, key_count: int, mask: np.ndarray) -> np.ndarray:
    """CIs in scope per (key, status): counts[key, status]; the last row counts the CIs without a key (-1)."""
    if not mask.all():  # with no filter, every CI: no copy of the columns
        keys, status = keys[mask], status[mask]
    key = np.where(keys < 0, key_count, keys).astype(np.int64)
    flat = np.bincount(key * STATUS_COUNT + status.astype(np.int64), minlength=(key_count + 1) * STATUS_COUNT)
    return flat.reshape(key_count + 1, STATUS_COUNT)


@dataclass(frozen=True, slots=True)
class Pareto:
    """The largest contributors (CIs, biggest first), their values, and the running share of the total."""

    nodes: np.ndarray
    values: np.ndarray
    cumulative: np.ndarray  # running sum of values / total, over every contributor (the last shown may be < 1)
    total: float
    contributors: int  # how many CIs contributed anything (shown or not)


def pareto(nodes: np.ndarray, values: np.ndarray, limit: int) -> Pareto:
    """The `limit` biggest contributors by value (ties by the order given: pass positions ascending), with their
    cumulative share of the total."""
    some = values > 0
    nodes, values = nodes[some], values[some]
    order = top(values, None, limit)
    total = float(values.sum())
    shown = values[order]
    cumulative = np.cumsum(shown) / total if total else np.zeros(len(shown))
    return Pareto(nodes[order], shown, cumulative, total, len(nodes))
