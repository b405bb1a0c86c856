"""Network and storage: routers, firewalls, core and access switches, load balancers and storage arrays per DC."""

from dataclasses import dataclass

import numpy as np

from dashboard.cmdb.sample import catalogue as cat
from dashboard.cmdb.sample.business import Business, dc_codes, dc_weights
from dashboard.cmdb.sample.columns import (
    CiColumns,
    Edges,
    hostnames,
    models,
    pick_in_group,
    pick_pair_in_group,
    weighted,
)
from dashboard.cmdb.sample.spec import Sizes


@dataclass(frozen=True, slots=True)
class Network:
    """Ids and data centre (index) of the network and storage devices the hosts attach to."""

    access_ids: np.ndarray
    access_dc: np.ndarray
    storage_ids: np.ndarray
    storage_dc: np.ndarray


def spread(rng: np.random.Generator, n: int, dcs: int, per_dc: int = 1) -> np.ndarray:
    """Data centre indices for n devices, sorted: per_dc in every DC, the rest by DC size."""
    base = np.repeat(np.arange(dcs), per_dc)
    return np.sort(np.concatenate([base, weighted(rng, n - len(base), dc_weights(dcs))]))


def build_network(rng: np.random.Generator, sizes: Sizes, cis: CiColumns, edges: Edges, business: Business) -> Network:
    """Add the network and storage devices of every data centre, wired to each other and to their DC."""
    dcs = sizes.datacentres
    router_dc = spread(rng, sizes.routers, dcs, 2)
    routers = _devices(rng, cis, edges, business, "router", router_dc, "rtr")
    firewall_dc = spread(rng, sizes.firewalls, dcs, 2)
    firewalls = _devices(rng, cis, edges, business, "firewall", firewall_dc, "fw")
    core_dc = spread(rng, sizes.core_switches, dcs, 2)
    core = _devices(rng, cis, edges, business, "switch", core_dc, "sw-core", role="core")
    # The core of a DC is a network of peers: symmetric links, which carry no dependency (and no health) either way.
    edges.add(core, "connects to", routers[pick_in_group(rng, core_dc, router_dc)])
    edges.add(core, "connects to", firewalls[pick_in_group(rng, core_dc, firewall_dc)])
    _peer_links(edges, core, core_dc)
    access_dc = spread(rng, sizes.access_switches, dcs)
    access = _devices(rng, cis, edges, business, "switch", access_dc, "sw-acc", role="access")
    _uplinks(rng, edges, access, access_dc, core, core_dc)
    storage_dc = spread(rng, sizes.storage, dcs)
    storage = _devices(rng, cis, edges, business, "storage", storage_dc, "stor")
    _uplinks(rng, edges, storage, storage_dc, core, core_dc)
    lb_dc = spread(rng, sizes.load_balancers, dcs)
    balancers = _devices(rng, cis, edges, business, "load_balancer", lb_dc, "lb")
    _uplinks(rng, edges, balancers, lb_dc, core, core_dc)
    # Most application services sit behind a load balancer pair of their data centre.
    fronted = np.flatnonzero(rng.random(len(business.app_service_ids)) < 0.85)
    picked = pick_in_group(rng, business.app_service_dc[fronted], lb_dc)
    edges.add(business.app_service_ids[fronted], "depends on", balancers[picked])
    return Network(access, access_dc, storage, storage_dc)


def _uplinks(
    rng: np.random.Generator, edges: Edges, ids: np.ndarray, dc: np.ndarray, core: np.ndarray, core_dc: np.ndarray
) -> None:
    """Each device is uplinked to two core switches of its data centre: it needs them (a directed dependency)."""
    pair = pick_pair_in_group(rng, dc, core_dc)
    edges.add(ids, "uplinked to", core[pair[0]])
    edges.add(ids, "uplinked to", core[pair[1]])


def _peer_links(edges: Edges, core: np.ndarray, core_dc: np.ndarray) -> None:
    """The core switches of a data centre are linked in a chain (core_dc is sorted, so a DC's switches are adjacent)."""
    same_dc = core_dc[1:] == core_dc[:-1]
    edges.add(core[:-1][same_dc], "connects to", core[1:][same_dc])


_PRODUCTS = {
    "router": (cat.ROUTER_MODELS, cat.TEAM_NETWORK, "critical"),
    "firewall": (cat.FIREWALL_MODELS, cat.TEAM_SECURITY, "critical"),
    "core": (cat.CORE_SWITCH_MODELS, cat.TEAM_NETWORK, "critical"),
    "access": (cat.ACCESS_SWITCH_MODELS, cat.TEAM_NETWORK, "high"),
    "storage": (cat.STORAGE_MODELS, cat.TEAM_STORAGE, "high"),
    "load_balancer": (cat.LOAD_BALANCER_MODELS, cat.TEAM_NETWORK, "high"),
}


def _devices(
    rng: np.random.Generator,
    cis: CiColumns,
    edges: Edges,
    business: Business,
    cls: str,
    dc: np.ndarray,
    kind: str,
    role: str | None = None,
) -> np.ndarray:
    """Add devices of one class located in their data centres; returns their ids."""
    products, team, criticality = _PRODUCTS[role or cls]
    codes = dc_codes(len(business.dc_ids))
    fragments = models(rng, products, len(dc))
    if role is not None:
        fragments = [f'{f}, "role": "{role}"' for f in fragments]
    if cls == "storage":
        capacity = rng.choice([100, 200, 400, 800, 1600], len(dc)).tolist()
        fragments = [f'{f}, "capacity_tb": {c}' for f, c in zip(fragments, capacity, strict=True)]
    ids = cis.add(
        cls,
        hostnames(dc, codes, kind, fqdn=False),
        criticality=criticality,
        environment="production",
        location=codes[dc],
        owner=team,
        attributes=np.array([f"{{{f}}}" for f in fragments], dtype=object),
    )
    edges.add(ids, "located in", business.dc_ids[dc])
    return ids
