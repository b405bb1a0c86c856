"""Monitoring: the latest status of every monitored CI, and hourly metrics of the last week for a bounded subset."""

import numpy as np

from dashboard.cmdb.sample.outages import Outage

MONITORED_CLASSES: tuple[str, ...] = (
    "server", "virtual_machine", "database", "application", "switch", "router", "firewall", "storage", "load_balancer",
)  # fmt: skip
SERIES_HOURS = 7 * 24
MAX_SERIES_ROWS = 300_000
_SERIES_SHARE = 0.03  # at most this share of the CIs get a time series
_HOST_CLASSES = ("server", "virtual_machine")
_NOISE = {"degraded": 0.003, "unknown": 0.002}
_UPSTREAM_DEGRADED = 0.3  # share of the monitored CIs within two hops of an outage that notice it…
_UPSTREAM_HOPS = 2
_UPSTREAM_CAP_SHARE = 0.002  # …but never more than this share of all CIs per outage


def health_rows(
    rng: np.random.Generator,
    ci: dict[str, np.ndarray],
    excluded: np.ndarray,
    outages: list[Outage],
    in_maintenance: np.ndarray,
    now: np.datetime64,
) -> dict[str, np.ndarray]:
    """The health table's columns: hourly series first (oldest first), then one latest row per monitored CI."""
    classes = np.char.lower(np.char.strip(ci["class"].astype(str)))
    monitored = np.isin(classes, MONITORED_CLASSES)
    monitored[excluded - 1] = False
    status = _latest_status(rng, monitored, outages, in_maintenance)
    ids = np.flatnonzero(monitored) + 1
    series_ids = _series_cis(rng, ids, outages, len(ci["id"]))
    series = _series(rng, series_ids, classes, status, outages, now)
    latest_status = status[ids - 1]
    latest = {
        "ci_id": ids,
        "status": latest_status,
        "metric": np.full(len(ids), "availability", dtype=object),
        "value": np.select(
            [latest_status == "ok", latest_status == "degraded", latest_status == "down"],
            [np.full(len(ids), 100.0), np.round(rng.uniform(40, 95, len(ids)), 1), np.zeros(len(ids))],
            np.nan,
        ),
        "observed_at": now - rng.integers(0, 300, len(ids)).astype("timedelta64[s]"),
    }
    rows = {k: np.concatenate([series[k], latest[k]]) for k in latest}
    rows["id"] = np.arange(1, len(rows["ci_id"]) + 1, dtype=np.int64)
    return rows


def _latest_status(
    rng: np.random.Generator, monitored: np.ndarray, outages: list[Outage], in_maintenance: np.ndarray
) -> np.ndarray:
    """Status per CI position: mostly ok, a little noise, maintenance under changes, the outages on top."""
    n = len(monitored)
    status = np.full(n, "ok", dtype=object)
    noise = rng.random(n)
    status[noise < _NOISE["degraded"] + _NOISE["unknown"]] = "unknown"
    status[noise < _NOISE["degraded"]] = "degraded"
    status[in_maintenance - 1] = "maintenance"
    for outage in outages:
        near = outage.upstream[(outage.distance <= _UPSTREAM_HOPS) & monitored[outage.upstream - 1]]
        cap = max(5, round(_UPSTREAM_CAP_SHARE * n))
        noticed = near[rng.random(len(near)) < _UPSTREAM_DEGRADED][:cap]
        status[noticed - 1] = "degraded"
    for outage in outages:
        status[outage.ci_id - 1] = outage.status
    status[~monitored] = None
    return status


def _series_cis(rng: np.random.Generator, monitored_ids: np.ndarray, outages: list[Outage], n: int) -> np.ndarray:
    """The CIs with an hourly series: the failing CIs, some CIs they hit, and a random sample."""
    budget = min(MAX_SERIES_ROWS, 2 * n) // SERIES_HOURS
    count = min(budget, max(1, round(_SERIES_SHARE * n)), len(monitored_ids))
    failing = [o.ci_id for o in outages]
    hit = [int(i) for o in outages for i in o.upstream[o.distance <= 2][:3] if np.isin(i, monitored_ids)]
    chosen = list(dict.fromkeys(failing + hit))
    rest = rng.permutation(monitored_ids)
    rest = rest[~np.isin(rest, chosen)][: max(0, count - len(chosen))]
    return np.concatenate([np.array(chosen, dtype=np.int64), rest])[:count]


def _series(
    rng: np.random.Generator,
    ids: np.ndarray,
    classes: np.ndarray,
    status: np.ndarray,
    outages: list[Outage],
    now: np.datetime64,
) -> dict[str, np.ndarray]:
    """Hourly cpu_pct (hosts) or latency_ms (everything else) for the last week, older than the latest rows."""
    hours = np.arange(SERIES_HOURS, 0, -1)
    at = now - (hours * 3600).astype("timedelta64[s]")
    k, h = len(ids), len(hours)
    is_host = np.isin(classes[ids - 1], _HOST_CLASSES)
    base = np.where(is_host, rng.uniform(15, 55, k), rng.uniform(8, 120, k))[:, None]
    daily = 1 + 0.35 * np.sin(2 * np.pi * ((at.astype(np.int64) // 3600) % 24 - 9) / 24)[None, :]
    value = base * daily * rng.lognormal(0, 0.12, (k, h))
    point_status = np.full((k, h), "ok", dtype=object)
    for outage in outages:
        cells = np.ix_(np.flatnonzero(ids == outage.ci_id), np.flatnonzero(at >= outage.started))
        value[cells] *= 6.0
        point_status[cells] = outage.status
    value = np.where(is_host[:, None], np.minimum(value, 100.0), value)
    breached = np.where(is_host[:, None], value > 90, value > 600) & (point_status == "ok")
    point_status[breached] = "degraded"
    # The point just before the latest row agrees with it (a CI in maintenance is not 'ok' one hour ago).
    point_status[:, -1] = np.where(status[ids - 1] == "ok", point_status[:, -1], status[ids - 1])
    return {
        "ci_id": np.repeat(ids, h),
        "status": point_status.ravel(),
        "metric": np.repeat(np.where(is_host, "cpu_pct", "latency_ms").astype(object), h),
        "value": np.round(value, 1).ravel(),
        "observed_at": np.tile(at, k),
    }
