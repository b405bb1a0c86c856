"""Compute and data: clusters, physical servers, virtual machines and database instances, shared across services."""

from dataclasses import dataclass

import numpy as np

from dashboard.cmdb.sample import catalogue as cat
from dashboard.cmdb.sample.business import Business, dc_codes
from dashboard.cmdb.sample.columns import (
    CiColumns,
    Edges,
    choose,
    cover,
    hostnames,
    models,
    pick_in_group,
    pick_pair_in_group,
    rank_in_group,
    weighted,
)
from dashboard.cmdb.sample.network import Network, spread
from dashboard.cmdb.sample.spec import Sizes

_WINDOWS_SHARE = 0.25
_DATABASES_ON_VMS = 0.6
_UTILITY_VMS = 0.08  # jump hosts, monitoring and build agents: hosted, but running no catalogued application


@dataclass(frozen=True, slots=True)
class Hosts:
    """Ids of the compute and data CIs the event generators pick from."""

    cluster_ids: np.ndarray
    hypervisor_ids: np.ndarray  # cluster members
    database_server_ids: np.ndarray
    vm_ids: np.ndarray  # without the orphans
    database_ids: np.ndarray
    orphan_ids: np.ndarray


def build_hosts(
    rng: np.random.Generator, sizes: Sizes, cis: CiColumns, edges: Edges, business: Business, network: Network
) -> Hosts:
    """Add clusters, servers, VMs and databases with their relationships."""
    codes = dc_codes(sizes.datacentres)
    cluster_dc = spread(rng, sizes.clusters, sizes.datacentres)
    host_cluster = np.sort(cover(rng, sizes.hypervisors, sizes.clusters))
    clusters = _clusters(rng, cis, edges, business, network, cluster_dc, np.bincount(host_cluster))
    standalone_dc = spread(rng, sizes.standalone_hypervisors, sizes.datacentres, 0)
    esx = _servers(
        rng, cis, business, np.concatenate([cluster_dc[host_cluster], standalone_dc]), "esx", codes, hypervisor=True
    )
    hypervisors, standalone = esx[: sizes.hypervisors], esx[sizes.hypervisors :]
    edges.add(hypervisors, "member of", clusters[host_cluster])
    db_server_dc = spread(rng, sizes.database_servers, sizes.datacentres)
    db_servers = _servers(rng, cis, business, db_server_dc, "dbs", codes)
    metal_dc = spread(rng, sizes.bare_metal, sizes.datacentres)
    metal = _servers(rng, cis, business, metal_dc, "srv", codes)
    wired = len(metal) - sizes.orphan_servers
    # A cluster's hosts share the top-of-rack switch pair of its racks; other servers sit wherever there is room.
    # Hypervisors and database servers are dual-homed, the rest hang off one access switch.
    rack = pick_pair_in_group(rng, cluster_dc, network.access_dc)
    for ids, dc, uplinks, dual in (
        (hypervisors, cluster_dc[host_cluster], rack[:, host_cluster], True),
        (standalone, standalone_dc, None, True),
        (db_servers, db_server_dc, None, True),
        (metal[:wired], metal_dc[:wired], None, False),
    ):
        edges.add(ids, "located in", business.dc_ids[dc])
        pair = pick_pair_in_group(rng, dc, network.access_dc) if uplinks is None else uplinks
        edges.add(ids, "uplinked to", network.access_ids[pair[0]])
        if dual:
            edges.add(ids, "uplinked to", network.access_ids[pair[1]])
    vms = _virtual_machines(rng, sizes, cis, edges, business, (clusters, cluster_dc), (standalone, standalone_dc))
    databases = _databases(
        rng, sizes, cis, edges, business, (vms.database, vms.database_dc), (db_servers, db_server_dc)
    )
    return Hosts(
        cluster_ids=clusters,
        hypervisor_ids=hypervisors,
        database_server_ids=db_servers,
        vm_ids=vms.clean,
        database_ids=databases,
        orphan_ids=np.concatenate([metal[wired:], vms.orphans]),
    )


def _clusters(
    rng: np.random.Generator,
    cis: CiColumns,
    edges: Edges,
    business: Business,
    network: Network,
    dc: np.ndarray,
    members: np.ndarray,
) -> np.ndarray:
    codes = dc_codes(len(business.dc_ids))
    ids = cis.add(
        "cluster",
        hostnames(dc, codes, "vsphere-cl", fqdn=False),
        criticality="high",
        environment="production",
        location=codes[dc],
        owner=cat.TEAM_VIRTUALISATION,
        attributes=np.array([f'{{"platform": "VMware vSphere 8.0", "hosts": {m}}}' for m in members.tolist()]),
    )
    pair = pick_pair_in_group(rng, dc, network.storage_dc)
    edges.add(ids, "depends on", network.storage_ids[pair[0]])
    second = rng.random(len(ids)) < 0.4
    edges.add(ids[second], "depends on", network.storage_ids[pair[1][second]])
    return ids


def _servers(
    rng: np.random.Generator,
    cis: CiColumns,
    business: Business,
    dc: np.ndarray,
    kind: str,
    codes: np.ndarray,
    *,
    hypervisor: bool = False,
) -> np.ndarray:
    n = len(dc)
    windows = np.zeros(n, bool) if hypervisor else rng.random(n) < _WINDOWS_SHARE
    os = np.where(windows, choose(rng, cat.WINDOWS_OS, n), choose(rng, cat.LINUX_OS, n))
    if hypervisor:
        os[:] = cat.HYPERVISOR_OS
    cores = rng.choice([16, 24, 32, 48, 64, 96], n).tolist()
    memory = rng.choice([128, 256, 384, 512, 768, 1024], n).tolist()
    owner = np.where(windows, cat.TEAM_WINDOWS, cat.TEAM_UNIX)
    if hypervisor:
        owner[:] = cat.TEAM_VIRTUALISATION
    attributes = [
        f'{{"os": "{o}", "cpu_cores": {c}, "memory_gb": {m}, {product}}}'
        for o, c, m, product in zip(os.tolist(), cores, memory, models(rng, cat.SERVER_MODELS, n), strict=True)
    ]
    return cis.add(
        "server",
        hostnames(dc, codes, kind),
        criticality=choose(rng, ("critical", "high", "medium"), n, (0.2, 0.5, 0.3)),
        environment=choose(rng, ("production", "disaster_recovery", "test"), n, (0.9, 0.06, 0.04)),
        location=codes[dc],
        owner=owner.astype(object),
        attributes=np.array(attributes, dtype=object),
    )


@dataclass(frozen=True, slots=True)
class _Vms:
    clean: np.ndarray
    database: np.ndarray  # the VMs database instances run on
    database_dc: np.ndarray
    orphans: np.ndarray


def _virtual_machines(
    rng: np.random.Generator,
    sizes: Sizes,
    cis: CiColumns,
    edges: Edges,
    business: Business,
    clusters: tuple[np.ndarray, np.ndarray],
    standalone: tuple[np.ndarray, np.ndarray],
) -> _Vms:
    """Add the VMs: application, database and utility VMs, then the orphans."""
    clean = sizes.virtual_machines - sizes.orphan_vms
    db_vms = max(sizes.datacentres, round(0.6 * _DATABASES_ON_VMS * sizes.databases))
    utility = max(1, round(_UTILITY_VMS * clean))
    app_vms = clean - db_vms - utility
    # Application sizes are skewed: a few web farms, many small deployments.
    app_of_vm = cover(rng, app_vms, sizes.applications, rng.lognormal(0, 0.8, sizes.applications))
    utility_host = rng.integers(0, len(standalone[0]), utility)
    db_vm_dc = spread(rng, db_vms, sizes.datacentres)
    orphan_dc = spread(rng, sizes.orphan_vms, sizes.datacentres, 0)
    dc = np.concatenate([business.app_dc[app_of_vm], db_vm_dc, standalone[1][utility_host], orphan_dc])
    environment = np.concatenate(
        [business.app_environment[app_of_vm], np.full(db_vms + utility + sizes.orphan_vms, "production", dtype=object)]
    )
    criticality = np.concatenate(
        [business.app_criticality[app_of_vm], np.full(db_vms + utility + sizes.orphan_vms, "medium", dtype=object)]
    )
    ids = _vm_rows(rng, cis, dc, environment.astype(object), criticality.astype(object))
    edges.add(business.app_ids[app_of_vm], "runs on", ids[:app_vms])
    on_cluster = ids[: app_vms + db_vms]
    edges.add(on_cluster, "hosted on", clusters[0][pick_in_group(rng, dc[: app_vms + db_vms], clusters[1])])
    edges.add(ids[app_vms + db_vms : clean], "hosted on", standalone[0][utility_host])
    return _Vms(ids[:clean], ids[app_vms : app_vms + db_vms], db_vm_dc, ids[clean:])


def _vm_rows(
    rng: np.random.Generator, cis: CiColumns, dc: np.ndarray, environment: np.ndarray, criticality: np.ndarray
) -> np.ndarray:
    n = len(dc)
    windows = rng.random(n) < _WINDOWS_SHARE
    os = np.where(windows, choose(rng, cat.WINDOWS_OS, n), choose(rng, cat.LINUX_OS, n)).tolist()
    cores = rng.choice([2, 2, 4, 4, 4, 8, 8, 16], n).tolist()
    memory_per_core = rng.choice([2, 4, 4, 8], n).tolist()
    attributes = [
        f'{{"os": "{o}", "cpu_cores": {c}, "memory_gb": {c * m}}}'
        for o, c, m in zip(os, cores, memory_per_core, strict=True)
    ]
    codes = dc_codes(int(dc.max(initial=0)) + 1)
    return cis.add(
        "virtual_machine",
        hostnames(dc, codes, "vm"),
        criticality=criticality,
        environment=environment,
        location=codes[dc],
        owner=np.where(windows, cat.TEAM_WINDOWS, cat.TEAM_UNIX).astype(object),
        attributes=np.array(attributes, dtype=object),
    )


def _databases(
    rng: np.random.Generator,
    sizes: Sizes,
    cis: CiColumns,
    edges: Edges,
    business: Business,
    vms: tuple[np.ndarray, np.ndarray],
    servers: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """Add database instances: on DB VMs or shared physical DB servers of their application's DC."""
    n = sizes.databases
    home = rng.integers(0, sizes.applications, n)
    dc = business.app_dc[home]
    engine = weighted(rng, n, cat.DB_ENGINE_WEIGHTS)
    prefix = business.service_prefix[business.app_service_of[business.app_of[home]]]
    number = rank_in_group(engine * len(business.service_ids) + business.app_service_of[business.app_of[home]]) + 1
    names = [
        f"{cat.DB_ENGINES[e][1]}-{p}-{k:02d}"
        for e, p, k in zip(engine.tolist(), prefix.tolist(), number.tolist(), strict=True)
    ]
    version_pick = rng.random(n).tolist()
    attributes = []
    for e, v in zip(engine.tolist(), version_pick, strict=True):
        label, _, versions = cat.DB_ENGINES[e]
        attributes.append(f'{{"engine": "{label}", "version": "{versions[int(v * len(versions))]}"}}')
    codes = dc_codes(sizes.datacentres)
    ids = cis.add(
        "database",
        names,
        criticality=business.app_criticality[home].astype(object),
        environment=business.app_environment[home].astype(object),
        location=codes[dc],
        owner=cat.TEAM_DBA,
        attributes=np.array(attributes, dtype=object),
    )
    on_vm = rng.random(n) < _DATABASES_ON_VMS
    host = np.where(on_vm, vms[0][pick_in_group(rng, dc, vms[1])], servers[0][pick_in_group(rng, dc, servers[1])])
    edges.add(ids, "runs on", host)
    edges.add(business.app_ids[home], "depends on", ids)
    _shared_databases(rng, edges, business, ids, dc)
    return ids


def _shared_databases(
    rng: np.random.Generator, edges: Edges, business: Business, ids: np.ndarray, dc: np.ndarray
) -> None:
    """A tenth of the databases are shared hubs: a third of the applications of the DC also use one, across services."""
    hubs = np.flatnonzero(rng.random(len(ids)) < 0.1)
    if len(hubs) == 0:
        return
    users = np.flatnonzero(rng.random(len(business.app_ids)) < 0.33)
    picked = pick_in_group(rng, business.app_dc[users], dc[hubs])
    found = picked >= 0
    edges.add(business.app_ids[users[found]], "depends on", ids[hubs[picked[found]]])
