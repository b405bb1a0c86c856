"""What a service desk adds to the incidents: assignment group and category, and closed tickets that name no CI."""

import numpy as np

from dashboard.cmdb.sample.columns import weighted
from dashboard.cmdb.sample.incidents import PRIORITY_WEIGHTS

NO_CI_SHARE = 0.08  # closed incidents that name no CI, as a share of the incidents with one
_CATEGORY_OF_CLASS = {
    "business_service": "software", "application_service": "software", "application": "software",
    "database": "database", "load_balancer": "network", "virtual_machine": "software", "server": "hardware",
    "cluster": "hardware", "storage": "hardware", "switch": "network", "router": "network", "firewall": "network",
    "datacenter": "facilities",
}  # fmt: skip
# (assignment group, category, summary) of the tickets that name no CI: what users call the desk about.
DESK_TICKETS = (
    ("Service Desk", "inquiry", "How do I request access to the shared drive?"),
    ("Service Desk", "password reset", "Password reset request"),
    ("End User Computing", "hardware", "Laptop running slow"),
    ("End User Computing", "hardware", "Cannot print to the floor printer"),
    ("Network Engineering", "network", "VPN client not connecting from home"),
    ("Identity & Access Management", "access", "Account locked after password change"),
    ("Facilities", "facilities", "Meeting room screen not working"),
)
_TICKET_WEIGHTS = (0.22, 0.25, 0.15, 0.12, 0.12, 0.09, 0.05)
_MEAN_HOURS = 20.0


def add_service_desk(
    rng: np.random.Generator, ci: dict[str, np.ndarray], incidents: dict[str, np.ndarray], now: np.datetime64
) -> dict[str, np.ndarray]:
    """The incident columns with assignment group and category, and closed desk tickets naming no CI appended."""
    position = incidents["ci_id"] - 1
    classes = np.array([c.strip().lower() for c in ci["class"][position].tolist()], dtype=object)
    with_ci = dict(incidents)
    with_ci["assignment_group"] = ci["owner"][position].astype(object)
    with_ci["category"] = np.array([_CATEGORY_OF_CLASS.get(c, "other") for c in classes], dtype=object)
    desk = _desk_tickets(rng, with_ci, now, max(5, round(NO_CI_SHARE * len(position))))
    return {k: np.concatenate([v.astype(object) if k == "ci_id" else v, desk[k]]) for k, v in with_ci.items()}


def _desk_tickets(
    rng: np.random.Generator, incidents: dict[str, np.ndarray], now: np.datetime64, n: int
) -> dict[str, np.ndarray]:
    """n resolved or closed tickets without CI, opened over the span of the other incidents, numbered after them."""
    first = incidents["opened_at"].min() if len(incidents["opened_at"]) else now - np.timedelta64(30, "D")
    span = max(3600, int((now - first).astype("timedelta64[s]").astype(np.int64)))
    opened = now - rng.integers(3600, span + 1, n).astype("timedelta64[s]")
    took = np.minimum(rng.exponential(_MEAN_HOURS * 3600, n).astype(np.int64) + 300, (now - opened).astype(np.int64))
    resolved = opened + took.astype("timedelta64[s]")
    closed = (now - resolved).astype(np.int64) > 7 * 86_400
    kind = weighted(rng, n, _TICKET_WEIGHTS)
    ticket = np.array(DESK_TICKETS, dtype=object)[kind]
    numbers = [int(number[3:]) for number in incidents["number"].tolist()]
    after = max(numbers, default=10_000) + 1
    return {
        "ci_id": np.full(n, None, dtype=object),
        "priority": weighted(rng, n, PRIORITY_WEIGHTS) + 1,
        "opened_at": opened.astype(incidents["opened_at"].dtype),
        "state": np.where(closed, "closed", "resolved").astype(object),
        "resolved_at": resolved.astype(incidents["resolved_at"].dtype),
        "updated_at": resolved.astype(incidents["updated_at"].dtype),
        "summary": ticket[:, 2],
        "number": np.array([f"INC{after + i:07d}" for i in range(n)], dtype=object),
        "assignment_group": ticket[:, 0],
        "category": ticket[:, 1],
    }
