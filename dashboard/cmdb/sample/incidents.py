"""Incidents over the last incident_days: a realistic background, plus the open P1/P2s of the current outages."""

import numpy as np

from dashboard.cmdb.sample.columns import summaries, weighted
from dashboard.cmdb.sample.outages import Outage
from dashboard.domain.vocabulary import BUSINESS_SERVICE, INCIDENT_OPEN_STATES

PRIORITY_WEIGHTS = (0.01, 0.05, 0.30, 0.50, 0.14)
OPEN_SHARE_OF_CIS = 0.02  # 20,000 open incidents at a million CIs
_INCIDENTS_PER_CI_DAY = 0.0017
_MEAN_RESOLUTION_HOURS = np.array([3.0, 10.0, 40.0, 110.0, 280.0])  # by priority 1-5
_AUTO_CLOSE_SECONDS = 7 * 86_400
_FIRST_NUMBER = 10_001

# Relative chance of a CI of each class to get an incident, and what its incidents say.
SUMMARIES: dict[str, tuple[float, tuple[str, ...]]] = {
    "business_service": (6.0, ("Users report slowness on {}", "Login failures on {}", "Transactions failing on {}")),
    "application_service": (3.0, ("Error rate above threshold on {}", "Timeouts on {}", "Login failures on {}")),
    "application": (2.0, ("Slow response times on {}", "OutOfMemoryError in {}", "Queue backlog in {}")),
    "database": (2.0, ("Replication lag on {}", "Tablespace almost full on {}", "Connection pool exhausted on {}")),
    "load_balancer": (2.0, ("Pool member down on {}", "SSL handshake errors on {}", "Health check failing on {}")),
    "virtual_machine": (0.5, ("High CPU on {}", "Disk full on {}", "Memory pressure on {}", "Backup failed on {}")),
    "server": (1.0, ("High CPU on {}", "Disk failure on {}", "Fan failure on {}", "Host unreachable: {}")),
    "cluster": (2.0, ("HA failover on {}", "Datastore latency on {}", "DRS imbalance on {}")),
    "storage": (3.0, ("Latency spike on {}", "Disk failure on {}", "Capacity above 85% on {}")),
    "switch": (2.0, ("Link flapping on {}", "Port errors on {}", "High packet loss on {}")),
    "router": (2.0, ("BGP session down on {}", "Link flapping on {}", "High packet loss on {}")),
    "firewall": (2.0, ("Session table full on {}", "Policy push failed on {}", "Link flapping on {}")),
    "datacenter": (0.5, ("Cooling alarm in {}", "Power feed A lost in {}")),
}
_OUTAGE_SUMMARY = {"down": "{} is down", "degraded": "{} is degraded"}
_HIT_SERVICES, _HIT_APP_SERVICES = 4, 3


def incident_rows(
    rng: np.random.Generator,
    ci: dict[str, np.ndarray],
    excluded: np.ndarray,
    outages: list[Outage],
    now: np.datetime64,
    days: int,
) -> dict[str, np.ndarray]:
    """The incident table's columns; excluded CIs (the orphans) get none."""
    n = len(ci["id"])
    outage = _outage_incidents(rng, ci, outages, now)
    total = max(3 * round(OPEN_SHARE_OF_CIS * n), round(_INCIDENTS_PER_CI_DAY * n * days))
    weights = np.array([SUMMARIES.get(c.strip().lower(), (0.0, ()))[0] for c in ci["class"].tolist()])
    weights[excluded - 1] = 0.0
    ci_ids = weighted(rng, total, weights) + 1
    opened = now - rng.integers(60, days * 86_400, total).astype("timedelta64[s]")
    priority = weighted(rng, total, PRIORITY_WEIGHTS) + 1
    open_ = _open(rng, opened, now, max(0, round(OPEN_SHARE_OF_CIS * n) - len(outage["ci_id"])))
    background = {"ci_id": ci_ids, "priority": priority, "opened_at": opened, "is_open": open_}
    background |= _lifecycle(rng, background, now)
    background["summary"] = summaries(rng, ci, ci_ids, SUMMARIES)
    rows = {k: np.concatenate([outage[k], background[k]]) for k in outage}
    order = np.argsort(rows["opened_at"], kind="stable")
    rows = {k: v[order] for k, v in rows.items() if k != "is_open"}
    rows["number"] = np.array([f"INC{_FIRST_NUMBER + i:07d}" for i in range(len(order))], dtype=object)
    return rows


def _open(rng: np.random.Generator, opened: np.ndarray, now: np.datetime64, count: int) -> np.ndarray:
    """Mark count incidents open, recent ones far more likely (Gumbel top-k over log weights)."""
    age_days = (now - opened).astype(np.float64) / 86_400
    keys = -age_days / 6.0 + rng.gumbel(size=len(opened))
    chosen = np.argpartition(-keys, count - 1)[:count] if count else np.zeros(0, np.int64)
    is_open = np.zeros(len(opened), dtype=bool)
    is_open[chosen] = True
    return is_open


def _lifecycle(rng: np.random.Generator, rows: dict[str, np.ndarray], now: np.datetime64) -> dict[str, np.ndarray]:
    """State, resolved_at (empty iff open) and updated_at (never before opened_at) of each incident."""
    opened, is_open = rows["opened_at"], rows["is_open"]
    n = len(opened)
    age = (now - opened).astype(np.int64)
    duration = rng.exponential(_MEAN_RESOLUTION_HOURS[rows["priority"] - 1] * 3600).astype(np.int64) + 300
    duration = np.minimum(duration, (age * 0.95).astype(np.int64))
    resolved = opened + duration.astype("timedelta64[s]")
    canceled = rng.random(n) < 0.06
    recently = (now - resolved).astype(np.int64) < _AUTO_CLOSE_SECONDS
    state = np.where(canceled, "canceled", np.where(recently, "resolved", "closed")).astype(object)
    open_state = np.asarray(INCIDENT_OPEN_STATES, dtype=object)[weighted(rng, n, (0.25, 0.55, 0.2))]
    state = np.where(is_open, open_state, state)
    closed_at = np.minimum(resolved + np.timedelta64(_AUTO_CLOSE_SECONDS, "s"), now)
    touched = opened + (rng.random(n) * age).astype("timedelta64[s]")
    updated = np.where(is_open, touched, np.where(state == "closed", closed_at, resolved))
    return {"state": state, "resolved_at": np.where(is_open, np.datetime64("NaT"), resolved), "updated_at": updated}


def _outage_incidents(
    rng: np.random.Generator, ci: dict[str, np.ndarray], outages: list[Outage], now: np.datetime64
) -> dict[str, np.ndarray]:
    """Open P1/P2s on each failing CI and on the first business and application services it hits."""
    ids, priority, opened, summary = [], [], [], []
    for outage in outages:
        classes = np.char.lower(np.char.strip(ci["class"][outage.upstream - 1].astype(str)))
        services = outage.upstream[classes == BUSINESS_SERVICE][:_HIT_SERVICES]
        app_services = outage.upstream[classes == "application_service"][:_HIT_APP_SERVICES]
        ids += [outage.ci_id, *services.tolist(), *app_services.tolist()]
        priority += [1 if outage.status == "down" else 2]
        priority += [1 if ci["criticality"][s - 1] == "critical" else 2 for s in services.tolist()]
        priority += [2] * len(app_services)
        lag = rng.integers(120, 1800, 1 + len(services) + len(app_services))
        opened += (np.minimum(outage.started + lag.astype("timedelta64[s]"), now - np.timedelta64(60, "s"))).tolist()
        summary.append(_OUTAGE_SUMMARY[outage.status].format(ci["name"][outage.ci_id - 1].strip()))
        summary += [f"Major incident: {ci['name'][s - 1].strip()} unavailable for some users" for s in services]
        summary += [f"Errors on {ci['name'][s - 1].strip()}" for s in app_services]
    n = len(ids)
    opened_at = np.array(opened, dtype="datetime64[s]")
    touched = opened_at + ((now - opened_at).astype(np.int64) * rng.random(n)).astype("timedelta64[s]")
    return {
        "ci_id": np.array(ids, dtype=np.int64),
        "priority": np.array(priority, dtype=np.int64),
        "opened_at": opened_at,
        "is_open": np.ones(n, dtype=bool),
        "state": np.asarray(INCIDENT_OPEN_STATES, dtype=object)[weighted(rng, n, (0.3, 0.7, 0.0))],
        "resolved_at": np.full(n, np.datetime64("NaT"), dtype="datetime64[s]"),
        "updated_at": touched,
        "summary": np.array([s[:255] for s in summary], dtype=object),
    }
