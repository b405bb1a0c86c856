"""Every vocabulary of the native CMDB model, defined once: CI classes, relationship types, statuses."""

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class Flow(StrEnum):
    """Which way dependency runs along a relationship, or that it runs neither way (a symmetric link)."""

    SOURCE_ON_TARGET = "source depends on target"
    TARGET_ON_SOURCE = "target depends on source"
    # A link between peers ("router connects to router"): no dependent, no dependency. Traversals follow it both
    # ways, the map draws it without an arrowhead, health does not roll along it and impact crosses it (reachability).
    SYMMETRIC = "symmetric"


@dataclass(frozen=True, slots=True)
class RelationshipType:
    """A relationship type as stored (`source <name> target`) and how dependency flows along it."""

    code: int
    name: str
    flow: Flow
    description: str

    @property
    def symmetric(self) -> bool:
        """True for a link between peers: it carries no dependency and is walked both ways."""
        return self.flow is Flow.SYMMETRIC

    @property
    def source_depends_on_target(self) -> bool:
        """True when the source is the dependent ("app runs on server"); a symmetric type keeps the row's order."""
        return self.flow is not Flow.TARGET_ON_SOURCE


_ON_TARGET, _ON_SOURCE, _SYMMETRIC = Flow.SOURCE_ON_TARGET, Flow.TARGET_ON_SOURCE, Flow.SYMMETRIC
RELATIONSHIP_TYPES: tuple[RelationshipType, ...] = (
    RelationshipType(0, "depends on", _ON_TARGET, "the source needs the target to work (service → application)"),
    RelationshipType(1, "runs on", _ON_TARGET, "software runs on a host (application → server, database → VM)"),
    RelationshipType(2, "hosted on", _ON_TARGET, "a virtual machine or container is hosted on a host or cluster"),
    RelationshipType(3, "connects to", _SYMMETRIC, "a network link between peers, no direction (router — router)"),
    RelationshipType(4, "located in", _ON_TARGET, "physical placement (server → data centre)"),
    RelationshipType(5, "member of", _ON_SOURCE, "the source is a member of the target group (host → cluster)"),
    RelationshipType(6, "used by", _ON_SOURCE, "the source is used by the target (business service → user group)"),
    RelationshipType(7, "uplinked to", _ON_TARGET, "a device needs its network uplink (server → switch → core)"),
)
RELATIONSHIP_TYPE_BY_NAME: dict[str, RelationshipType] = {t.name: t for t in RELATIONSHIP_TYPES}
UNKNOWN_RELATIONSHIP_CODE = -1


@dataclass(frozen=True, slots=True)
class CIClass:
    """A CI class, with the layer it is drawn in (0 = top of the map)."""

    name: str
    label: str
    layer: int


CI_CLASSES: tuple[CIClass, ...] = (
    CIClass("user_group", "User group", 0),
    CIClass("business_service", "Business service", 1),
    CIClass("application_service", "Application service", 2),
    CIClass("application", "Application", 3),
    CIClass("database", "Database", 4),
    CIClass("load_balancer", "Load balancer", 4),
    CIClass("virtual_machine", "Virtual machine", 5),
    CIClass("server", "Physical server", 6),
    CIClass("cluster", "Cluster", 6),
    CIClass("storage", "Storage array", 7),
    CIClass("switch", "Switch", 7),
    CIClass("router", "Router", 8),
    CIClass("firewall", "Firewall", 8),
    CIClass("datacenter", "Data centre", 9),
    # NetBox's kinds (profiles/netbox.py): tenants on top, then devices above racks above locations, sites, regions.
    CIClass("tenant", "Tenant", 0),
    CIClass("device", "Device", 7),
    CIClass("patch_panel", "Patch panel", 8),
    CIClass("console_server", "Console server", 8),
    CIClass("pdu", "Power distribution unit", 9),
    CIClass("circuit", "Circuit", 9),
    CIClass("provider_network", "Provider network", 10),
    CIClass("provider", "Circuit provider", 10),
    CIClass("rack", "Rack", 10),
    CIClass("location", "Location", 11),
    CIClass("site", "Site", 12),
    CIClass("region", "Region", 13),
)
CI_CLASS_BY_NAME: dict[str, CIClass] = {c.name: c for c in CI_CLASSES}


def class_label(name: str) -> str:
    """How a class is called on screen ("Physical server"); a class outside the vocabulary keeps its own name."""
    known = CI_CLASS_BY_NAME.get(name)
    return known.label if known else name


BUSINESS_SERVICE = "business_service"


class Health(IntEnum):
    """Health status of a CI; the order is the severity used by worst-of roll-ups."""

    OK = 0
    MAINTENANCE = 1
    UNKNOWN = 2
    DEGRADED = 3
    DOWN = 4


@dataclass(frozen=True, slots=True)
class HealthStyle:
    """How a health status is shown: label, colour (colour-blind safe palette), shape and icon."""

    label: str
    colour: str
    shape: str
    icon: str


HEALTH_STYLES: dict[Health, HealthStyle] = {
    Health.OK: HealthStyle("OK", "#009E73", "ellipse", "✓"),
    Health.MAINTENANCE: HealthStyle("Maintenance", "#56B4E9", "round-rectangle", "⚙"),
    Health.UNKNOWN: HealthStyle("Unknown", "#999999", "diamond", "?"),
    Health.DEGRADED: HealthStyle("Degraded", "#E69F00", "triangle", "!"),
    Health.DOWN: HealthStyle("Down", "#D55E00", "octagon", "✕"),
}
HEALTH_BY_NAME: dict[str, Health] = {h.name.lower(): h for h in Health}

# Lifecycle status of a CI record (what the CMDB says about the item), distinct from its monitored health.
CI_STATUSES: tuple[str, ...] = ("operational", "non_operational", "maintenance", "planned", "retired")
CRITICALITIES: tuple[str, ...] = ("critical", "high", "medium", "low")
ENVIRONMENTS: tuple[str, ...] = ("production", "disaster_recovery", "staging", "test", "development")

INCIDENT_PRIORITIES: tuple[int, ...] = (1, 2, 3, 4, 5)
INCIDENT_OPEN_STATES: tuple[str, ...] = ("new", "in_progress", "on_hold")
INCIDENT_STATES: tuple[str, ...] = (*INCIDENT_OPEN_STATES, "resolved", "closed", "canceled")
CHANGE_STATES: tuple[str, ...] = ("new", "assess", "scheduled", "implement", "review", "closed", "canceled")
