"""Extra volume on request: more health events over the health window and more incidents (issue 13's 5M and 1M).

Each addition draws from its own random stream and is appended after the generator's own rows, so the rows a seed
wrote before stay exactly as they were; asking for fewer rows than the generator writes anyway adds nothing.
"""

import numpy as np

from dashboard.cmdb.sample.columns import summaries, weighted
from dashboard.cmdb.sample.incidents import PRIORITY_WEIGHTS, SUMMARIES, _lifecycle
from dashboard.cmdb.sample.service_desk import _CATEGORY_OF_CLASS, _TICKET_WEIGHTS, DESK_TICKETS, NO_CI_SHARE

HEALTH_WINDOW_DAYS = 7  # the snapshot's default health window (settings.health_days)
# Status of an extra health event, and its availability value: mostly ok, some trouble.
_EVENT_STATUSES = np.array(["ok", "degraded", "down", "unknown", "maintenance"], dtype=object)
_EVENT_WEIGHTS = (0.93, 0.035, 0.012, 0.013, 0.01)
_LATEST_GAP_SECONDS = 300  # the generator's latest rows are within 300 s of now; extra events are older
_CHATTINESS_SIGMA = 1.0  # some CIs report far more often than others (lognormal weights)


def add_health_events(rng: np.random.Generator, health: dict[str, np.ndarray], total: int, now: np.datetime64) -> dict:
    """The health columns with events appended (oldest first) until there are total rows, on the monitored CIs."""
    extra = total - len(health["id"])
    if extra <= 0:
        return health
    ids = np.unique(health["ci_id"])
    ci_ids = ids[weighted(rng, extra, rng.lognormal(0.0, _CHATTINESS_SIGMA, len(ids)))]
    window = HEALTH_WINDOW_DAYS * 86_400 - _LATEST_GAP_SECONDS
    observed = now - (_LATEST_GAP_SECONDS + rng.integers(0, window, extra)).astype("timedelta64[s]")
    order = np.argsort(observed, kind="stable")
    ci_ids, observed = ci_ids[order], observed[order]
    code = weighted(rng, extra, _EVENT_WEIGHTS)
    value = np.select([code == 0, code == 1, code == 2], [np.full(extra, 100.0), rng.uniform(40, 95, extra), 0.0])
    value = np.where(code >= 3, np.nan, np.round(value, 1))
    first = int(health["id"].max()) + 1 if len(health["id"]) else 1
    added = {
        "ci_id": ci_ids,
        "status": _EVENT_STATUSES[code],
        "metric": np.full(extra, "availability", dtype=object),
        "value": value,
        "observed_at": observed.astype(health["observed_at"].dtype),
        "id": np.arange(first, first + extra, dtype=np.int64),
    }
    return {k: np.concatenate([health[k], added[k]]) for k in health}


def add_incidents(
    rng: np.random.Generator,
    ci: dict[str, np.ndarray],
    excluded: np.ndarray,
    incident: dict[str, np.ndarray],
    total: int,
    now: np.datetime64,
    days: int,
) -> dict[str, np.ndarray]:
    """The incidents with past (resolved, closed, canceled) ones appended up to total rows, a share naming no CI."""
    extra = total - len(incident["number"])
    if extra <= 0:
        return incident
    desk = round(extra * NO_CI_SHARE / (1 + NO_CI_SHARE))
    with_ci = extra - desk
    weights = np.array([SUMMARIES.get(c.strip().lower(), (0.0, ()))[0] for c in ci["class"].tolist()])
    weights[excluded - 1] = 0.0
    ci_ids = weighted(rng, with_ci, weights) + 1
    rows = {
        "ci_id": np.concatenate([ci_ids.astype(object), np.full(desk, None, dtype=object)]),
        "priority": weighted(rng, extra, PRIORITY_WEIGHTS) + 1,
        "opened_at": now - rng.integers(3600, days * 86_400, extra).astype("timedelta64[s]"),
        "is_open": np.zeros(extra, dtype=bool),
    }
    rows |= _lifecycle(rng, rows, now)
    del rows["is_open"]
    classes = np.array([c.strip().lower() for c in ci["class"][ci_ids - 1].tolist()], dtype=object)
    ticket = np.array(DESK_TICKETS, dtype=object)[weighted(rng, desk, _TICKET_WEIGHTS)]
    rows["summary"] = np.concatenate([summaries(rng, ci, ci_ids, SUMMARIES), ticket[:, 2]])
    rows["assignment_group"] = np.concatenate([ci["owner"][ci_ids - 1].astype(object), ticket[:, 0]])
    categories = [_CATEGORY_OF_CLASS.get(c, "other") for c in classes.tolist()]
    rows["category"] = np.concatenate([np.array(categories, dtype=object), ticket[:, 1]])
    order = np.argsort(rows["opened_at"], kind="stable")  # numbered in the order they were opened
    rows = {k: v[order] for k, v in rows.items()}
    after = max((int(n[3:]) for n in incident["number"].tolist()), default=10_000) + 1
    rows["number"] = np.array([f"INC{after + i:07d}" for i in range(extra)], dtype=object)
    return {k: np.concatenate([v, rows[k].astype(v.dtype)]) for k, v in incident.items()}
