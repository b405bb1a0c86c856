"""Changes: planned over the last 90 days and the next 14, with actual windows once implemented."""

import numpy as np

from dashboard.cmdb.sample.columns import summaries, weighted
from dashboard.domain.vocabulary import CHANGE_STATES

CHANGES_PER_CI = 0.03
PAST_DAYS, FUTURE_DAYS = 90, 14
_FIRST_NUMBER = 1001
_REVIEW_SECONDS = 5 * 86_400  # implemented changes stay in review this long before they are closed

SUMMARIES: dict[str, tuple[float, tuple[str, ...]]] = {
    "business_service": (1.0, ("Release {v} of {}", "Disaster-recovery test of {}")),
    "application_service": (2.0, ("Release {v} of {}", "Rotate TLS certificate of {}")),
    "application": (4.0, ("Deploy release {v} of {}", "Rotate credentials of {}", "Increase heap of {}")),
    "database": (3.0, ("Apply minor version upgrade to {}", "Add index on {}", "Rotate credentials of {}")),
    "virtual_machine": (0.5, ("Apply monthly OS patches to {}", "Add memory to {}", "Resize disk of {}")),
    "server": (2.0, ("Apply monthly OS patches to {}", "Firmware upgrade on {}", "Replace failed disk in {}")),
    "cluster": (3.0, ("Add host to {}", "vSphere update on {}")),
    "storage": (3.0, ("Firmware upgrade on {}", "Expand aggregate on {}")),
    "switch": (2.0, ("Firmware upgrade on {}", "Replace optic on {}", "VLAN change on {}")),
    "router": (3.0, ("Firmware upgrade on {}", "BGP policy change on {}")),
    "firewall": (3.0, ("Rule change on {}", "Firmware upgrade on {}")),
    "load_balancer": (3.0, ("Add pool members on {}", "Renew TLS certificate on {}")),
}


def change_rows(
    rng: np.random.Generator, ci: dict[str, np.ndarray], excluded: np.ndarray, now: np.datetime64
) -> dict[str, np.ndarray]:
    """The change table's columns; a few changes are being implemented right now."""
    n_cis = len(ci["id"])
    n = max(10, round(CHANGES_PER_CI * n_cis))
    weights = np.array([SUMMARIES.get(c.strip().lower(), (0.0, ()))[0] for c in ci["class"].tolist()])
    weights[excluded - 1] = 0.0
    ci_ids = weighted(rng, n, weights) + 1
    start = now + (rng.integers(-PAST_DAYS * 24, FUTURE_DAYS * 24, n) * 3600).astype("timedelta64[s]")
    # Changes run in the night: shift each start to between 20:00 and 04:00 of its day.
    hour = (start.astype(np.int64) // 3600) % 24
    start = start + (((20 + rng.integers(0, 9, n)) % 24 - hour) * 3600).astype("timedelta64[s]")
    now_running = max(2, n_cis // 2000)
    start[:now_running] = now - (rng.integers(10, 120, now_running) * 60).astype("timedelta64[s]")
    end = start + (rng.integers(1, 9, n) * 3600).astype("timedelta64[s]")
    end[:now_running] = now + (rng.integers(30, 240, now_running) * 60).astype("timedelta64[s]")
    rows = {"ci_id": ci_ids, "planned_start": start, "planned_end": end}
    rows |= _lifecycle(rng, start, end, now)
    rows["summary"] = summaries(rng, ci, ci_ids, SUMMARIES)
    order = np.argsort(start, kind="stable")
    rows = {k: v[order] for k, v in rows.items()}
    rows["number"] = np.array([f"CHG{_FIRST_NUMBER + i:07d}" for i in range(n)], dtype=object)
    return rows


def in_maintenance(changes: dict[str, np.ndarray]) -> np.ndarray:
    """Ids of the CIs whose change is being implemented right now."""
    return np.unique(changes["ci_id"][changes["state"] == "implement"])


def _lifecycle(
    rng: np.random.Generator, start: np.ndarray, end: np.ndarray, now: np.datetime64
) -> dict[str, np.ndarray]:
    """State, actual window and updated_at, consistent with where the planned window lies relative to now."""
    n = len(start)
    states = np.asarray(CHANGE_STATES, dtype=object)
    future = states[weighted(rng, n, (0.2, 0.3, 0.5, 0, 0, 0, 0))]  # new, assess, scheduled
    done = np.where((now - end).astype(np.int64) < _REVIEW_SECONDS, "review", "closed").astype(object)
    done = np.where(rng.random(n) < 0.07, "canceled", done)
    state = np.where(start > now, future, np.where(end > now, "implement", done))
    implemented = (state == "review") | (state == "closed")
    actual_start = start + (rng.integers(0, 15 * 60, n)).astype("timedelta64[s]")
    actual_start = np.minimum(actual_start, now)
    actual_end = np.minimum(end + rng.integers(-30 * 60, 60 * 60, n).astype("timedelta64[s]"), now)
    actual_end = np.maximum(actual_end, actual_start)
    nat = np.datetime64("NaT", "s")
    implementing = state == "implement"
    created = np.minimum(start, now) - (rng.integers(1, 21, n) * 86_400).astype("timedelta64[s]")
    closed_at = np.minimum(actual_end + np.timedelta64(_REVIEW_SECONDS, "s"), now)
    updated = np.where(implementing, actual_start, np.where(state == "closed", closed_at, actual_end))
    updated = np.where(implemented | implementing, updated, created)
    return {
        "state": state,
        "actual_start": np.where(implemented | implementing, actual_start, nat),
        "actual_end": np.where(implemented, actual_end, nat),
        "updated_at": updated,
    }


CHANGE_TYPES = ("standard", "normal", "emergency")
_TYPE_WEIGHTS = (0.55, 0.38, 0.07)


def change_context(rng: np.random.Generator, ci: dict[str, np.ndarray], changes: dict[str, np.ndarray]) -> None:
    """Add each change's type and team (the changed CI's owner) to the change table's columns."""
    n = len(changes["ci_id"])
    changes["type"] = np.asarray(CHANGE_TYPES, dtype=object)[weighted(rng, n, _TYPE_WEIGHTS)]
    changes["assignment_group"] = ci["owner"][changes["ci_id"] - 1].astype(object)
