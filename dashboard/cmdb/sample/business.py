"""The business layers: data centres, business services, user groups, application services and applications."""

from dataclasses import dataclass

import numpy as np

from dashboard.cmdb.sample import catalogue as cat
from dashboard.cmdb.sample.columns import CiColumns, Edges, choose, cover, rank_in_group, weighted
from dashboard.cmdb.sample.spec import Sizes

# Steps coprime with len(COMPONENTS), so (rank * step + offset) % 30 is a permutation per business service.
_COPRIME_STEPS = np.array([1, 7, 11, 13, 17, 19, 23, 29])
_APP_ENVIRONMENTS = ("production", "staging", "test", "disaster_recovery")
_APP_ENVIRONMENT_WEIGHTS = (0.88, 0.05, 0.04, 0.03)
# Services nearly everybody uses get more user groups.
_POPULAR_PREFIXES = {"mail": 6.0, "intranet": 5.0, "iam": 4.0, "vc": 4.0, "sdesk": 3.0, "hrss": 3.0}


@dataclass(frozen=True, slots=True)
class Business:
    """Ids and placement of the business layers, for the infrastructure and event generators."""

    dc_ids: np.ndarray
    service_ids: np.ndarray
    service_prefix: np.ndarray  # application-name prefix per business service
    app_service_ids: np.ndarray
    app_service_of: np.ndarray  # business service index per application service
    app_service_dc: np.ndarray
    app_ids: np.ndarray
    app_of: np.ndarray  # application service index per application
    app_dc: np.ndarray
    app_environment: np.ndarray
    app_criticality: np.ndarray


def build_business(rng: np.random.Generator, sizes: Sizes, cis: CiColumns, edges: Edges) -> Business:
    """Add the data centres and the business layers, with the relationships among them."""
    dc_ids = _datacentres(sizes, cis)
    service = _services(rng, sizes, cis)
    _user_groups(rng, sizes, cis, edges, service)
    app_services = _app_services(rng, sizes, cis, edges, service)
    apps = _applications(rng, sizes, cis, edges, service, app_services)
    return Business(
        dc_ids=dc_ids,
        service_ids=service["ids"],
        service_prefix=service["prefix"],
        app_service_ids=app_services["ids"],
        app_service_of=app_services["of"],
        app_service_dc=app_services["dc"],
        app_ids=apps["ids"],
        app_of=apps["of"],
        app_dc=apps["dc"],
        app_environment=apps["environment"],
        app_criticality=apps["criticality"],
    )


def dc_codes(count: int) -> np.ndarray:
    """The codes of the first count data centres."""
    return np.array([dc.code for dc in cat.DATA_CENTRES[:count]], dtype=object)


def dc_weights(count: int) -> np.ndarray:
    """The relative sizes of the first count data centres."""
    return np.array([dc.weight for dc in cat.DATA_CENTRES[:count]])


def _datacentres(sizes: Sizes, cis: CiColumns) -> np.ndarray:
    centres = cat.DATA_CENTRES[: sizes.datacentres]
    attributes = np.array([f'{{"city": "{dc.city}", "tier": {3 + (i % 3 == 0)}}}' for i, dc in enumerate(centres)])
    codes = dc_codes(sizes.datacentres)
    return cis.add(
        "datacenter",
        codes,
        criticality="critical",
        environment="production",
        location=codes,
        owner=cat.TEAM_DATACENTRE,
        attributes=attributes,
    )


def _service_variant(k: int) -> tuple[cat.ServiceTemplate, str, str]:
    """The template, display name and prefix of the k-th business service (regional variants after the bases)."""
    template = cat.SERVICES[k % len(cat.SERVICES)]
    variant = k // len(cat.SERVICES) - 1
    if variant < 0:
        return template, template.name, template.prefix
    region = cat.REGIONS[variant % len(cat.REGIONS)]
    unit = variant // len(cat.REGIONS) - 1
    if unit < 0:
        return template, f"{template.name} ({region})", f"{template.prefix}-{region.lower()}"
    bu = cat.BUSINESS_UNITS[unit % len(cat.BUSINESS_UNITS)]
    return template, f"{template.name} ({bu}, {region})", f"{template.prefix}-{bu[:3].lower()}-{region.lower()}"


def _services(rng: np.random.Generator, sizes: Sizes, cis: CiColumns) -> dict[str, np.ndarray]:
    variants = [_service_variant(k) for k in range(sizes.business_services)]
    dc = cover(rng, len(variants), sizes.datacentres, dc_weights(sizes.datacentres))
    hours = ("24x7" if t.criticality in ("critical", "high") else "business hours" for t, _, _ in variants)
    sla = {"critical": "99.95", "high": "99.9", "medium": "99.5", "low": "99.0"}
    attributes = [
        f'{{"url": "https://{t.host}/{p}", "service_hours": "{h}", "sla_pct": {sla[t.criticality]}}}'
        for (t, _, p), h in zip(variants, hours, strict=True)
    ]
    columns = {
        "name": np.array([name for _, name, _ in variants], dtype=object),
        "criticality": np.array([t.criticality for t, _, _ in variants], dtype=object),
        "owner": np.array([t.team for t, _, _ in variants], dtype=object),
    }
    name = columns.pop("name")
    ids = cis.add(
        "business_service", name, environment="production", attributes=np.array(attributes, dtype=object), **columns
    )
    prefixes = np.array([p for _, _, p in variants], dtype=object)
    return {"ids": ids, "dc": dc, "prefix": prefixes, "name": name, **columns}


def _user_groups(
    rng: np.random.Generator, sizes: Sizes, cis: CiColumns, edges: Edges, service: dict[str, np.ndarray]
) -> None:
    n = sizes.user_groups
    depts, offices = len(cat.USER_GROUP_DEPARTMENTS), len(cat.OFFICES)
    combo = rng.permutation(depts * offices)[np.arange(n) % (depts * offices)]
    team = np.arange(n) // (depts * offices)
    dept = np.asarray(cat.USER_GROUP_DEPARTMENTS, dtype=object)[combo // offices]
    office = np.asarray(cat.OFFICES, dtype=object)[combo % offices]
    names = [
        f"{d} ({o})" if t == 0 else f"{d} ({o}) – Team {t + 1}"
        for d, o, t in zip(dept.tolist(), office.tolist(), team.tolist(), strict=True)
    ]
    members = np.clip(rng.lognormal(4.5, 1.2, n), 3, 25_000).astype(np.int64)
    ids = cis.add(
        "user_group",
        names,
        criticality=choose(rng, ("high", "medium", "low"), n, (0.2, 0.5, 0.3)),
        environment="production",
        location=office,
        owner=cat.TEAM_IAM,
        attributes=np.array([f'{{"members": {m}}}' for m in members.tolist()], dtype=object),
    )
    # Every group uses 1-5 services; every service is used by at least one group.
    services = len(service["ids"])
    per_group = weighted(rng, n, (0.3, 0.3, 0.2, 0.12, 0.08)) + 1
    while per_group.sum() < services:
        per_group = np.minimum(per_group + 1, 5)
    group = np.repeat(np.arange(n), per_group)
    popularity = np.array([_POPULAR_PREFIXES.get(p.split("-")[0], 1.0) for p in service["prefix"]])
    used = weighted(rng, len(group), popularity)
    used[rng.choice(len(group), services, replace=False)] = np.arange(services)
    edges.add(service["ids"][used], "used by", ids[group])


def _app_services(
    rng: np.random.Generator, sizes: Sizes, cis: CiColumns, edges: Edges, service: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    n = sizes.application_services
    owner_service = np.sort(cover(rng, n, sizes.business_services))
    rank = rank_in_group(owner_service)
    step = _COPRIME_STEPS[rng.integers(0, len(_COPRIME_STEPS), sizes.business_services)][owner_service]
    offset = rng.integers(0, len(cat.COMPONENTS), sizes.business_services)[owner_service]
    component = (rank * step + offset) % len(cat.COMPONENTS)
    repeat = rank // len(cat.COMPONENTS)
    labels = [cat.COMPONENTS[c][0] + (f" {r + 1}" if r else "") for c, r in zip(component, repeat, strict=True)]
    slugs = np.array([cat.COMPONENTS[c][1] + (str(r + 1) if r else "") for c, r in zip(component, repeat, strict=True)])
    prefixes = service["prefix"][owner_service]
    names = [f"{s} – {label}" for s, label in zip(service["name"][owner_service], labels, strict=True)]
    dc = service["dc"][owner_service]
    ids = cis.add(
        "application_service",
        names,
        criticality=service["criticality"][owner_service],
        environment="production",
        location=dc_codes(sizes.datacentres)[dc],
        owner=service["owner"][owner_service],
        attributes=np.array(
            [f'{{"url": "https://{p}-{s}.svc.corp.example.com"}}' for p, s in zip(prefixes, slugs, strict=True)],
            dtype=object,
        ),
    )
    edges.add(service["ids"][owner_service], "depends on", ids)
    return {"ids": ids, "of": owner_service, "dc": dc, "slug": slugs}


def _applications(
    rng: np.random.Generator,
    sizes: Sizes,
    cis: CiColumns,
    edges: Edges,
    service: dict[str, np.ndarray],
    app_services: dict[str, np.ndarray],
) -> dict[str, np.ndarray]:
    n = sizes.applications
    owner = np.sort(cover(rng, n, sizes.application_services))
    rank = rank_in_group(owner)
    business = app_services["of"][owner]
    stems = [f"{p}-{s}" for p, s in zip(service["prefix"][business], app_services["slug"][owner], strict=True)]
    roles = len(cat.APP_ROLES)
    names = [
        stem
        if r == 0
        else f"{stem}-{cat.APP_ROLES[(r - 1) % roles]}" + (f"-{(r - 1) // roles + 1}" if r > roles else "")
        for stem, r in zip(stems, rank.tolist(), strict=True)
    ]
    environment = choose(rng, _APP_ENVIRONMENTS, n, _APP_ENVIRONMENT_WEIGHTS)
    dr_dc = (app_services["dc"][owner] + 1 + rng.integers(0, sizes.datacentres - 1, n)) % sizes.datacentres
    dc = np.where(environment == "disaster_recovery", dr_dc, app_services["dc"][owner])
    criticality = np.where(environment == "production", service["criticality"][business], "low")
    versions = rng.integers([1, 0, 0], [12, 20, 30], (n, 3))
    language = choose(rng, cat.APP_LANGUAGES, n)
    ids = cis.add(
        "application",
        names,
        criticality=criticality.astype(object),
        environment=environment,
        location=dc_codes(sizes.datacentres)[dc],
        owner=service["owner"][business],
        attributes=np.array(
            [
                f'{{"version": "{a}.{b}.{c}", "language": "{lang}"}}'
                for (a, b, c), lang in zip(versions.tolist(), language.tolist(), strict=True)
            ],
            dtype=object,
        ),
    )
    edges.add(app_services["ids"][owner], "depends on", ids)
    _shared_platform(rng, edges, service, app_services, business, ids)
    return {"ids": ids, "of": owner, "dc": dc, "environment": environment, "criticality": criticality}


def _shared_platform(
    rng: np.random.Generator,
    edges: Edges,
    service: dict[str, np.ndarray],
    app_services: dict[str, np.ndarray],
    business: np.ndarray,
    app_ids: np.ndarray,
) -> None:
    """A quarter of the application services also depend on a shared identity or payments application."""
    base_prefix = np.array([p.split("-")[0] for p in service["prefix"]], dtype=object)
    platform = np.flatnonzero(np.isin(base_prefix[business], cat.SHARED_PLATFORM_PREFIXES))
    if len(platform) == 0:
        return
    users = np.flatnonzero(rng.random(len(app_services["ids"])) < 0.25)
    edges.add(app_services["ids"][users], "depends on", app_ids[platform[rng.integers(0, len(platform), len(users))]])
