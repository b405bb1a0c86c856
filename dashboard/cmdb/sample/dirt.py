"""The dirt planted on purpose, in exact amounts: duplicates, stale and mis-spelt CIs, cycles, dangling links."""

from dataclasses import dataclass, replace

import numpy as np

from dashboard.cmdb.sample.enterprise import Enterprise
from dashboard.cmdb.sample.spec import Planted, Sizes
from dashboard.domain.vocabulary import RELATIONSHIP_TYPE_BY_NAME

HOSTILE_SUFFIXES: tuple[str, ...] = (" <img src=x onerror=alert(1)>", " javascript:alert(1)")
# Stale CIs are older than 180 days before the newest update even if the newest is 90 days old.
_STALE_DAYS = (300, 1500)
_DEPENDS_ON = RELATIONSHIP_TYPE_BY_NAME["depends on"].code


@dataclass(frozen=True, slots=True)
class Dirty:
    """The enterprise with its dirt, and what was planted."""

    enterprise: Enterprise
    planted: Planted


def plant(rng: np.random.Generator, sizes: Sizes, enterprise: Enterprise, now: np.datetime64) -> Dirty:
    """Plant every kind of dirt into a clean enterprise; the clean part stays free of each of them."""
    ci = dict(enterprise.ci)
    ci["name"], ci["class"], ci["updated_at"] = ci["name"].copy(), ci["class"].copy(), ci["updated_at"].copy()
    hostile = _hostile_names(rng, ci, enterprise)
    taken = np.zeros(len(ci["id"]) + 1, dtype=bool)
    taken[hostile] = True
    groups, group_cis = _duplicate_names(rng, sizes, ci, enterprise, taken)
    candidates = rng.permutation(_dirt_pool(enterprise))
    candidates = candidates[~taken[candidates]][: sizes.stale + sizes.mixed_case]
    stale, mixed = candidates[: sizes.stale], candidates[sizes.stale :]
    ci["updated_at"][stale - 1] = now - (rng.integers(*_STALE_DAYS, len(stale)) * 86_400).astype("timedelta64[s]")
    ci["class"][mixed - 1] = _misspell(rng, ci["class"][mixed - 1])
    cycle_ids, cycle_edges = _cycles(rng, sizes, enterprise)
    dangling = _dangling(rng, sizes, enterprise)
    extra = np.concatenate([cycle_edges, dangling], axis=1)
    dirty = replace(
        enterprise,
        ci=ci,
        rel_source=np.concatenate([enterprise.rel_source, extra[0]]),
        rel_target=np.concatenate([enterprise.rel_target, extra[1]]),
        rel_code=np.concatenate([enterprise.rel_code, extra[2].astype(np.int8)]),
    )
    planted = Planted(
        orphan_cis=len(enterprise.hosts.orphan_ids),
        dangling_relationships=dangling.shape[1],
        duplicate_name_groups=groups,
        duplicate_name_cis=group_cis,
        stale_cis=len(stale),
        cycles=sizes.cycles,
        cycle_cis=len(cycle_ids),
        mixed_case_classes=len(mixed),
    )
    return Dirty(dirty, planted)


def _dirt_pool(enterprise: Enterprise) -> np.ndarray:
    """The clean CIs dirt is planted on: hosts, applications and databases (never orphans)."""
    hosts, business = enterprise.hosts, enterprise.business
    return np.concatenate(
        [hosts.vm_ids, hosts.hypervisor_ids, hosts.database_server_ids, hosts.database_ids, business.app_ids]
    )


def _hostile_names(rng: np.random.Generator, ci: dict[str, np.ndarray], enterprise: Enterprise) -> np.ndarray:
    """Two otherwise normal CIs whose names carry markup and a script URL, for escaping tests."""
    app = enterprise.business.app_ids[rng.integers(0, len(enterprise.business.app_ids))]
    service = enterprise.business.app_service_ids[rng.integers(0, len(enterprise.business.app_service_ids))]
    ids = np.array([app, service])
    for ci_id, suffix in zip(ids.tolist(), HOSTILE_SUFFIXES, strict=True):
        ci["name"][ci_id - 1] = ci["name"][ci_id - 1] + suffix
    return ids


def _duplicate_names(
    rng: np.random.Generator, sizes: Sizes, ci: dict[str, np.ndarray], enterprise: Enterprise, taken: np.ndarray
) -> tuple[int, int]:
    """Groups of 2-3 CIs of one class sharing a name up to case and spaces (re-discovered records)."""
    hosts, business = enterprise.hosts, enterprise.business
    pools = (hosts.vm_ids, hosts.hypervisor_ids, business.app_ids, hosts.database_ids)
    per_pool = rng.multinomial(sizes.duplicate_groups, (0.6, 0.1, 0.15, 0.15))
    cis = 0
    for pool, groups in zip(pools, per_pool.tolist(), strict=True):
        members = rng.choice([2, 3], groups, p=(0.8, 0.2))
        chosen = rng.permutation(pool)
        chosen = chosen[~taken[chosen]][: int(members.sum())]
        taken[chosen] = True
        leaders = np.repeat(chosen[np.cumsum(members) - members], members)
        names = ci["name"][leaders - 1]
        followers = chosen != leaders
        variants = (str.upper, lambda s: s + " ", str.capitalize, lambda s: s)
        picks = rng.integers(0, len(variants), int(followers.sum())).tolist()
        ci["name"][chosen[followers] - 1] = [variants[k](n) for k, n in zip(picks, names[followers], strict=True)]
        cis += len(chosen)
    return sizes.duplicate_groups, cis


def _misspell(rng: np.random.Generator, classes: np.ndarray) -> np.ndarray:
    """The same classes written as another tool would: SERVER, Virtual_Machine, ' database'."""
    variants = (str.upper, str.title, lambda s: " " + s, lambda s: s + " ", lambda s: s.title() + " ")
    picks = rng.integers(0, len(variants), len(classes)).tolist()
    return np.array([variants[k](c) for k, c in zip(picks, classes.tolist(), strict=True)], dtype=object)


def _cycles(rng: np.random.Generator, sizes: Sizes, enterprise: Enterprise) -> tuple[np.ndarray, np.ndarray]:
    """Cycles of three: application service → application → another of its applications → back to the service.

    The clean graph is layered, so the three are a strongly connected component of their own: nothing the
    service reaches besides its applications can reach back up.
    """
    business = enterprise.business
    apps_per_service = np.bincount(business.app_of, minlength=len(business.app_service_ids))
    eligible = rng.permutation(np.flatnonzero(apps_per_service >= 2))
    # One cycle per business service, so two cycles never share a component.
    _, first = np.unique(business.app_service_of[eligible], return_index=True)
    chosen = eligible[np.sort(first)][: sizes.cycles]
    if len(chosen) < sizes.cycles:
        raise AssertionError("not enough application services with two applications to plant the cycles")
    ids, source, target = [], [], []
    for service in chosen.tolist():
        a, b = rng.permutation(business.app_ids[business.app_of == service])[:2].tolist()
        s = int(business.app_service_ids[service])
        ids += [s, a, b]
        source += [a, b]
        target += [b, s]
    codes = np.full(len(source), _DEPENDS_ON, dtype=np.int64)
    return np.array(ids, dtype=np.int64), np.array([source, target, codes], dtype=np.int64)


def _dangling(rng: np.random.Generator, sizes: Sizes, enterprise: Enterprise) -> np.ndarray:
    """Relationships left behind by CIs deleted from the CMDB: (source, target, code) rows."""
    n = sizes.dangling
    business, hosts = enterprise.business, enterprise.hosts
    missing = len(enterprise.ci["id"]) + 1 + rng.choice(10 * n, n, replace=False)
    # Three in four lost their target (an application still depends on a deleted database, a VM on a removed
    # cluster); the others their source (a deleted application still runs on a VM).
    lost_target = np.arange(n) < (3 * n + 3) // 4
    half = np.arange(n) % 2 == 0
    app = business.app_ids[rng.integers(0, len(business.app_ids), n)]
    vm = hosts.vm_ids[rng.integers(0, len(hosts.vm_ids), n)]
    source = np.where(lost_target, np.where(half, app, vm), missing)
    target = np.where(lost_target, missing, vm)
    type_names = np.where(lost_target, np.where(half, "depends on", "hosted on"), "runs on")
    codes = np.array([RELATIONSHIP_TYPE_BY_NAME[t].code for t in type_names.tolist()], dtype=np.int64)
    return np.array([source, target, codes], dtype=np.int64)
