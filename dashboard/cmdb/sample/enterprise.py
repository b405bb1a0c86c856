"""The clean enterprise: every CI and relationship, before any dirt is planted."""

from dataclasses import dataclass

import numpy as np

from dashboard.cmdb.sample.business import Business, build_business
from dashboard.cmdb.sample.columns import CiColumns, Edges, choose
from dashboard.cmdb.sample.hosts import Hosts, build_hosts
from dashboard.cmdb.sample.network import Network, build_network
from dashboard.cmdb.sample.spec import Sizes

MAX_CLEAN_AGE_SECONDS = 90 * 86_400
# Logical CIs are never retired or planned in the sample, so every business service stays on the map.
_ALWAYS_OPERATIONAL = ("business_service", "application_service", "user_group", "datacenter")
_STATUSES = ("operational", "maintenance", "non_operational", "retired", "planned")
_STATUS_WEIGHTS = (0.95, 0.015, 0.01, 0.01, 0.015)
_ORPHAN_STATUS_WEIGHTS = (0.4, 0.0, 0.2, 0.4, 0.0)


@dataclass(frozen=True, slots=True)
class Enterprise:
    """The generated CMDB: ci columns, relationship arrays, and the ids of each layer."""

    ci: dict[str, np.ndarray]
    rel_source: np.ndarray
    rel_target: np.ndarray
    rel_code: np.ndarray
    business: Business
    network: Network
    hosts: Hosts


def build_enterprise(rng: np.random.Generator, sizes: Sizes, now: np.datetime64) -> Enterprise:
    """Every CI and relationship of a clean enterprise of the given sizes, with lifecycle status and updated_at."""
    cis, edges = CiColumns(), Edges()
    business = build_business(rng, sizes, cis, edges)
    network = build_network(rng, sizes, cis, edges, business)
    hosts = build_hosts(rng, sizes, cis, edges, business, network)
    if cis.count != sizes.total:
        raise AssertionError(f"built {cis.count} CIs for a spec of {sizes.total}")
    ci = cis.build()
    ci["status"], ci["updated_at"] = _lifecycle(rng, ci["class"], hosts.orphan_ids, now)
    source, target, code = edges.build()
    return Enterprise(ci, source, target, code, business, network, hosts)


def _lifecycle(
    rng: np.random.Generator, classes: np.ndarray, orphan_ids: np.ndarray, now: np.datetime64
) -> tuple[np.ndarray, np.ndarray]:
    """Lifecycle status and a last update within the last 90 days."""
    n = len(classes)
    status = choose(rng, _STATUSES, n, _STATUS_WEIGHTS)
    status[np.isin(classes, _ALWAYS_OPERATIONAL)] = "operational"
    status[orphan_ids - 1] = choose(rng, _STATUSES, len(orphan_ids), _ORPHAN_STATUS_WEIGHTS)
    return status, recent(rng, now, n)


def recent(rng: np.random.Generator, now: np.datetime64, n: int, seconds: int = MAX_CLEAN_AGE_SECONDS) -> np.ndarray:
    """n whole-second times within the given number of seconds before now."""
    return now - rng.integers(0, seconds, n).astype("timedelta64[s]")
