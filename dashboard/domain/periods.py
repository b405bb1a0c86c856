"""Periods of time as numbers: disjoint sorted intervals (merged, clipped, their covered length before any time) and
the days, ISO weeks and months around a range, with the outage and availability of each (int64 ns since the epoch,
UTC). The arithmetic under availability (availability.py), kept apart from how outages are found."""

from dataclasses import dataclass

import numpy as np

SECOND = 1_000_000_000  # ns
DAY = 86_400 * SECOND


@dataclass(frozen=True, slots=True)
class Intervals:
    """Disjoint, sorted [start, end) periods (int64 ns since the epoch)."""

    starts: np.ndarray
    ends: np.ndarray

    @property
    def seconds(self) -> float:
        """Their total length in seconds."""
        return float((self.ends - self.starts).sum()) / SECOND

    def covered(self, at: np.ndarray) -> np.ndarray:
        """Outage (ns) before each time in `at`: cumulative length of the periods, cut at that time."""
        at = np.asarray(at, dtype=np.int64)
        lengths = self.ends - self.starts
        before = np.concatenate([[0], np.cumsum(lengths)])
        k = np.searchsorted(self.starts, at, side="right")  # periods that start at or before each time
        last = np.maximum(k - 1, 0)
        partial = np.clip(at - self.starts[last], 0, lengths[last]) if len(lengths) else np.zeros(len(at))
        return np.where(k > 0, before[last] + partial, 0).astype(np.int64)


@dataclass(frozen=True, slots=True)
class PeriodFigure:
    """One day, week or month: its start, length counted (to now at most), outage and availability."""

    start: np.datetime64
    seconds: float
    outage_seconds: float
    availability: float


EMPTY = Intervals(np.empty(0, np.int64), np.empty(0, np.int64))


def merge(starts: np.ndarray, ends: np.ndarray) -> Intervals:
    """Overlapping or touching periods merged; empty or reversed ones dropped; the result sorted and disjoint."""
    starts, ends = np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)
    keep = ends > starts
    starts, ends = starts[keep], ends[keep]
    if not len(starts):
        return EMPTY
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    reach_end = np.maximum.accumulate(ends)
    new = np.ones(len(starts), dtype=bool)
    new[1:] = starts[1:] > reach_end[:-1]
    group = np.cumsum(new) - 1
    merged_ends = np.full(int(group[-1]) + 1, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(merged_ends, group, ends)
    return Intervals(starts[new], merged_ends)


def clip(intervals: Intervals, start: int, end: int) -> Intervals:
    """The periods cut to [start, end)."""
    return merge(np.maximum(intervals.starts, start), np.minimum(intervals.ends, end))


def day_edges(start: int, end: int) -> np.ndarray:
    """Midnights (UTC) from the one at or before `start` up to the first after `end`, as ns."""
    first = start - start % DAY
    return np.arange(first, end + DAY, DAY, dtype=np.int64)


def week_edges(start: int, end: int) -> np.ndarray:
    """Monday midnights (ISO weeks) around [start, end)."""
    days = day_edges(start, end)
    monday = days[0] - ((days[0] // DAY + 3) % 7) * DAY  # 1970-01-01 was a Thursday
    return np.arange(monday, end + 7 * DAY, 7 * DAY, dtype=np.int64)


def month_edges(start: int, end: int) -> np.ndarray:
    """First days of the months around [start, end)."""
    first = np.datetime64(start, "ns").astype("datetime64[M]")
    last = np.datetime64(end, "ns").astype("datetime64[M]") + 1
    return np.arange(first, last + 1).astype("datetime64[ns]").astype(np.int64)


def per_period(outages: Intervals, edges: np.ndarray, start: int, end: int) -> tuple[PeriodFigure, ...]:
    """Outage and availability of each period between consecutive edges, counted within [start, end) only."""
    lows = np.clip(edges[:-1], start, end)
    highs = np.clip(edges[1:], start, end)
    keep = highs > lows
    lows, highs, firsts = lows[keep], highs[keep], edges[:-1][keep]
    used = outages.covered(highs) - outages.covered(lows)
    length = highs - lows
    return tuple(
        PeriodFigure(np.datetime64(int(f), "ns"), float(n) / SECOND, float(u) / SECOND, 1 - float(u) / float(n))
        for f, n, u in zip(firsts.tolist(), length.tolist(), used.tolist(), strict=True)
    )
