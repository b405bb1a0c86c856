"""Call traffic between CIs (from traces): per-edge figures over the snapshot's window and in its latest bucket.

The figures of one bucket are exact (the importer computed them from the spans); over several buckets, p50 and p95
are the buckets' values weighted by their requests, an approximation said as such wherever it is shown.
"""

from dataclasses import dataclass

import numpy as np

# Average requests per bucket at or above which an edge is drawn in each width class (1 thinnest … 4 widest).
TRAFFIC_TIERS = (1.0, 10.0, 100.0)
# Error rate at or above which an edge is in each colour class: 1 (some errors), 2 (many).
ERROR_TIERS = (1e-12, 0.05)


@dataclass(frozen=True, slots=True)
class EdgeTraffic:
    """Calls from one CI to another: over the window, and in the latest bucket that has any."""

    requests: int
    errors: int
    p50_ms: float
    p95_ms: float
    buckets: int
    bucket_seconds: int
    latest_start: np.datetime64
    latest_requests: int
    latest_errors: int
    latest_p50_ms: float
    latest_p95_ms: float

    @property
    def error_rate(self) -> float:
        return self.errors / self.requests if self.requests else 0.0

    @property
    def traffic_tier(self) -> int:
        """1 to 4 by average requests per bucket."""
        return 1 + int(np.searchsorted(TRAFFIC_TIERS, self.requests / max(self.buckets, 1), side="right"))

    @property
    def error_tier(self) -> int:
        """0 (no errors), 1 (under 5 %), 2 (5 % or more)."""
        return int(np.searchsorted(ERROR_TIERS, self.error_rate, side="right"))


def edge_traffic(
    source: np.ndarray,
    target: np.ndarray,
    bucket_start: np.ndarray,
    bucket_seconds: np.ndarray,
    requests: np.ndarray,
    errors: np.ndarray,
    p50_ms: np.ndarray,
    p95_ms: np.ndarray,
) -> dict[tuple[int, int], EdgeTraffic]:
    """Each (source, target) CI pair's figures from its bucket rows."""
    order = np.lexsort((bucket_start, target, source))
    source, target, bucket_start = source[order], target[order], bucket_start[order]
    bucket_seconds, requests, errors = bucket_seconds[order], requests[order], errors[order]
    p50_ms, p95_ms = p50_ms[order], p95_ms[order]
    starts = np.flatnonzero(np.r_[True, (source[1:] != source[:-1]) | (target[1:] != target[:-1])])
    ends = np.r_[starts[1:], len(source)]
    out = {}
    for first, end in zip(starts.tolist(), ends.tolist(), strict=True):
        part = slice(first, end)
        last = end - 1
        out[(int(source[first]), int(target[first]))] = EdgeTraffic(
            requests=int(requests[part].sum()),
            errors=int(errors[part].sum()),
            p50_ms=_weighted(p50_ms[part], requests[part]),
            p95_ms=_weighted(p95_ms[part], requests[part]),
            buckets=end - first,
            bucket_seconds=int(bucket_seconds[last]),
            latest_start=bucket_start[last],
            latest_requests=int(requests[last]),
            latest_errors=int(errors[last]),
            latest_p50_ms=float(p50_ms[last]),
            latest_p95_ms=float(p95_ms[last]),
        )
    return out


def _weighted(values: np.ndarray, weights: np.ndarray) -> float:
    known = ~np.isnan(values)
    total = weights[known].sum()
    return float((values[known] * weights[known]).sum() / total) if total else float("nan")


def compact_count(value: int) -> str:
    """A count in a few characters: 950, 1.2k, 34k, 5.6M."""
    for limit, suffix in ((1e6, "M"), (1e3, "k")):
        if value >= limit:
            scaled = value / limit
            return f"{scaled:.1f}{suffix}" if scaled < 10 else f"{scaled:.0f}{suffix}"
    return str(value)
