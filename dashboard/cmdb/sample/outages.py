"""The current outages: a few shared infrastructure CIs that are down or degraded right now, and what they hit."""

from dataclasses import dataclass

import numpy as np

from dashboard.cmdb.sample.enterprise import Enterprise
from dashboard.domain.vocabulary import RELATIONSHIP_TYPES

_FORWARD = np.array([t.source_depends_on_target for t in RELATIONSHIP_TYPES])
_SYMMETRIC = np.array([t.symmetric for t in RELATIONSHIP_TYPES])
_UPLINKED_TO = next(t.code for t in RELATIONSHIP_TYPES if t.name == "uplinked to")
_RUNS_ON = next(t.code for t in RELATIONSHIP_TYPES if t.name == "runs on")
_HOSTED_ON = next(t.code for t in RELATIONSHIP_TYPES if t.name == "hosted on")


@dataclass(frozen=True, slots=True)
class Outage:
    """One failing CI, since when, how bad, and the CIs that depend on it (nearest first)."""

    ci_id: int
    status: str  # "down" or "degraded"
    started: np.datetime64
    upstream: np.ndarray  # ids of every CI depending on it, transitively, in order of distance
    distance: np.ndarray  # hops from the failing CI, aligned with upstream


def dependency_edges(enterprise: Enterprise) -> tuple[np.ndarray, np.ndarray]:
    """(dependent, dependency) id pairs of every relationship whose both ends exist and that carries dependency (a
    symmetric link does not, and health does not roll along it: see domain/health.py)."""
    n = len(enterprise.ci["id"])
    source, target, code = enterprise.rel_source, enterprise.rel_target, enterprise.rel_code
    exists = (source >= 1) & (source <= n) & (target >= 1) & (target <= n) & ~_SYMMETRIC[code]
    source, target, forward = source[exists], target[exists], _FORWARD[code[exists]]
    return np.where(forward, source, target), np.where(forward, target, source)


def upstream_of(ci_id: int, dependent: np.ndarray, dependency: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Every CI that depends on ci_id, transitively, with its distance in hops (breadth first, cycle-safe)."""
    seen = np.zeros(n + 1, dtype=bool)
    seen[ci_id] = True
    frontier = np.zeros(n + 1, dtype=bool)
    frontier[ci_id] = True
    found, hops = [], []
    depth = 0
    while True:
        reached = np.unique(dependent[frontier[dependency]])
        reached = reached[~seen[reached]]
        if len(reached) == 0:
            break
        depth += 1
        seen[reached] = True
        frontier[:] = False
        frontier[reached] = True
        found.append(reached)
        hops.append(np.full(len(reached), depth))
    if not found:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(found), np.concatenate(hops)


def pick_outages(rng: np.random.Generator, enterprise: Enterprise, now: np.datetime64) -> list[Outage]:
    """The busiest access switch is down, the busiest database server degraded, a host of the fullest cluster down."""
    source, target, code = enterprise.rel_source, enterprise.rel_target, enterprise.rel_code
    network, hosts = enterprise.network, enterprise.hosts
    switch = _busiest(network.access_ids, target[code == _UPLINKED_TO])
    db_server = _busiest(hosts.database_server_ids, target[code == _RUNS_ON])
    cluster = _busiest(hosts.cluster_ids, target[code == _HOSTED_ON])
    members = source[(target == cluster) & np.isin(source, hosts.hypervisor_ids)]
    host = int(members[rng.integers(0, len(members))])
    dependent, dependency = dependency_edges(enterprise)
    n = len(enterprise.ci["id"])
    outages = []
    for ci_id, status in ((switch, "down"), (db_server, "degraded"), (host, "down")):
        started = now - np.timedelta64(int(rng.integers(20 * 60, 4 * 3600)), "s")
        upstream, distance = upstream_of(ci_id, dependent, dependency, n)
        outages.append(Outage(ci_id, status, started, upstream, distance))
    return outages


def _busiest(candidates: np.ndarray, targets: np.ndarray) -> int:
    """The candidate that is the target of the most relationships (the lowest id on ties)."""
    counts = np.bincount(targets, minlength=int(candidates.max()) + 1)[candidates]
    return int(candidates[np.argmax(counts)])
