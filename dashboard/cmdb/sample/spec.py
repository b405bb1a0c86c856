"""What to generate (SampleSpec), what was planted (Planted) and how many CIs of each kind a size gets (Sizes)."""

from dataclasses import dataclass, fields
from datetime import UTC, datetime

from dashboard.cmdb.sample.catalogue import DATA_CENTRES

MIN_CIS, MAX_CIS = 300, 1_000_000
# The Sizes fields that count CIs (the others count dirt).
CI_KINDS: tuple[str, ...] = (
    "datacentres", "business_services", "user_groups", "application_services", "applications", "databases",
    "load_balancers", "hypervisors", "standalone_hypervisors", "database_servers", "bare_metal", "clusters", "storage",
    "access_switches", "core_switches", "routers", "firewalls", "virtual_machines",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SampleSpec:
    """The size, seed and 'now' of a sample CMDB."""

    cis: int = 2000  # total CI count, exact
    seed: int = 42
    as_of: datetime | None = None  # naive UTC "now" of the sample; None → today 00:00 UTC
    incident_days: int = 90
    health_events: int = 0  # total health rows wanted; 0 (or fewer than the generator writes anyway) adds none
    incidents: int = 0  # total incidents wanted, the same way (issue 13's volumes: 5,000,000 and 1,000,000)

    def __post_init__(self) -> None:
        if not MIN_CIS <= self.cis <= MAX_CIS:
            raise ValueError(f"a sample CMDB has {MIN_CIS:,} to {MAX_CIS:,} CIs, not {self.cis:,}")
        if self.incident_days < 1:
            raise ValueError(f"incident_days must be at least 1, not {self.incident_days}")
        if self.health_events < 0 or self.incidents < 0:
            raise ValueError(f"health_events and incidents cannot be negative ({self.health_events}, {self.incidents})")

    def now(self) -> datetime:
        """The sample's 'now' as a naive UTC datetime, whole seconds."""
        if self.as_of is None:
            today = datetime.now(UTC).replace(tzinfo=None)
            return today.replace(hour=0, minute=0, second=0, microsecond=0)
        as_of = self.as_of
        if as_of.tzinfo is not None:
            as_of = as_of.astimezone(UTC).replace(tzinfo=None)
        # MariaDB's DATETIME keeps whole seconds; rounding here keeps every backend's rows identical.
        return as_of.replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class Planted:
    """The data-quality problems planted on purpose, with exact counts."""

    orphan_cis: int
    dangling_relationships: int
    duplicate_name_groups: int
    duplicate_name_cis: int
    stale_cis: int
    cycles: int
    cycle_cis: int
    mixed_case_classes: int

    def as_dict(self) -> dict[str, int]:
        """The counts by field name, in declaration order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class Sizes:
    """How many CIs of each kind, and how much dirt, a sample of a given size gets."""

    datacentres: int
    business_services: int
    user_groups: int
    application_services: int
    applications: int
    databases: int
    load_balancers: int
    hypervisors: int  # cluster member hosts
    standalone_hypervisors: int
    database_servers: int
    bare_metal: int  # including the orphan servers
    clusters: int
    storage: int
    access_switches: int
    core_switches: int
    routers: int
    firewalls: int
    virtual_machines: int  # the remainder, including the orphan VMs
    orphan_servers: int
    orphan_vms: int
    dangling: int
    duplicate_groups: int
    stale: int
    mixed_case: int
    cycles: int

    @property
    def servers(self) -> int:
        """Physical servers of every role."""
        return self.hypervisors + self.standalone_hypervisors + self.database_servers + self.bare_metal

    @property
    def total(self) -> int:
        """Every CI."""
        return sum(getattr(self, name) for name in CI_KINDS)


def sizes_for(cis: int) -> Sizes:
    """The sizes of a sample of cis CIs; the virtual machines take up the remainder so the total is exact."""
    dcs = min(len(DATA_CENTRES), max(2, min(4, cis // 500)) + cis // 100_000)
    services = max(12 if cis < 1000 else 16, cis // 2500)
    groups = max(8, cis // 100)
    orphans = max(3, cis // 400)
    pool = cis - dcs - services - groups
    app_services = max(services, min(3 * services, round(0.025 * pool)), round(0.012 * pool))
    hypervisors = max(dcs, round(0.03 * pool))
    clusters = max(dcs, hypervisors // 12)
    orphan_servers = orphans // 3
    counts = {
        "datacentres": dcs,
        "business_services": services,
        "user_groups": groups,
        "application_services": app_services,
        "applications": max(app_services, round(0.11 * pool)),
        "databases": max(dcs, round(0.055 * pool)),
        "load_balancers": max(dcs, round(0.005 * pool)),
        "hypervisors": hypervisors,
        "standalone_hypervisors": max(1, round(0.005 * pool)),
        "database_servers": max(dcs, round(0.005 * pool)),
        "bare_metal": max(dcs, round(0.02 * pool)) + orphan_servers,
        "clusters": clusters,
        "storage": max(dcs, clusters // 3),
    }
    servers = sum(counts[k] for k in ("hypervisors", "standalone_hypervisors", "database_servers", "bare_metal"))
    access = max(dcs, servers // 24)
    counts |= {
        "access_switches": access,
        "core_switches": 2 * dcs + access // 24,
        "routers": 2 * dcs + access // 48,
        "firewalls": 2 * dcs + access // 48,
    }
    counts["virtual_machines"] = cis - sum(counts.values())
    return Sizes(
        **counts,
        orphan_servers=orphan_servers,
        orphan_vms=orphans - orphan_servers,
        dangling=max(4, cis // 330),
        duplicate_groups=max(2, cis // 650),
        stale=max(5, cis // 100),
        mixed_case=max(4, cis // 250),
        cycles=1 + cis // 200_000,
    )
