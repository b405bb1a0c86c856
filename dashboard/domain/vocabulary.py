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


@dataclass(frozen=True, slots=True)
class EdgeStyle:
    """How the map draws a relationship type: dash pattern (px of line and gap; empty = solid), arrowhead, colour."""

    dash: tuple[int, ...]
    arrow: str  # a cytoscape arrow shape; "none" for a link between peers
    colour: str


# Each type its own pair of line pattern and arrowhead, so that no two look alike even in grey: dependencies of
# software are dark, physical and network placement lighter (there are many and they matter less), both ≥ 3:1.
_SOFTWARE, _PLACEMENT = "#6b7482", "#8a93a0"  # 4.7:1 and 3.1:1 on white (WCAG non-text contrast)
RELATIONSHIP_STYLES: dict[str, EdgeStyle] = {
    "depends on": EdgeStyle((), "triangle", _SOFTWARE),
    "runs on": EdgeStyle((), "vee", _SOFTWARE),
    "hosted on": EdgeStyle((10, 5), "vee", _SOFTWARE),
    "connects to": EdgeStyle((2, 5), "none", _PLACEMENT),
    "located in": EdgeStyle((2, 5), "square", _PLACEMENT),
    "member of": EdgeStyle((10, 5), "diamond", _SOFTWARE),
    "used by": EdgeStyle((), "circle", _SOFTWARE),
    "uplinked to": EdgeStyle((10, 5), "tee", _PLACEMENT),
}
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
    """How a health status is shown: label, colour, the text colour on it (`ink`), shape and icon.

    `outline` is the shape as a polygon in a [-1, 1] box (x right, y down), empty for a circle: the map draws it
    (cytoscape `shape-polygon-points`) and the legend draws the same points as SVG, so both show one shape.
    """

    label: str
    colour: str
    ink: str
    shape: str
    outline: tuple[float, ...]
    icon: str


# Five colours told apart by everyone: every pair differs by CIEDE2000 ≥ 19 in normal vision and in the Machado (2009)
# protanopia, deuteranopia and tritanopia simulations (tests/unit/test_legibility.py). Okabe-Ito's bluish green for
# OK; Degraded (light amber) and Down (dark red) differ in lightness, which survives every colour deficiency, where
# the former amber and vermilion both turned olive; Unknown is pale grey, no longer the grey OK turned into. Pale
# fills get a dark outline on the map, so that every shape stands out from the white background at 3:1 or more.
# The shapes differ too (circle, square, diamond, triangle, cross), so that the status is never told by colour alone.
HEALTH_STYLES: dict[Health, HealthStyle] = {
    Health.OK: HealthStyle("OK", "#009E73", "#111111", "circle", (), "✓"),
    Health.MAINTENANCE: HealthStyle("Maintenance", "#8E7CC3", "#111111", "square", (-1, -1, 1, -1, 1, 1, -1, 1), "⚙"),
    Health.UNKNOWN: HealthStyle("Unknown", "#E0E0E0", "#111111", "diamond", (0, -1, 1, 0, 0, 1, -1, 0), "?"),
    Health.DEGRADED: HealthStyle("Degraded", "#F5C710", "#111111", "triangle", (0, -1, 1, 0.85, -1, 0.85), "!"),
    Health.DOWN: HealthStyle(
        "Down",
        "#B22222",
        "#FFFFFF",
        "cross",
        (
            -0.58,
            1,
            0,
            0.42,
            0.58,
            1,
            1,
            0.58,
            0.42,
            0,
            1,
            -0.58,
            0.58,
            -1,
            0,
            -0.42,
            -0.58,
            -1,
            -1,
            -0.58,
            -0.42,
            0,
            -1,
            0.58,
        ),
        "✕",
    ),
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

# Incident priorities as the /health charts colour them (P1 … P5): dark to light, so that they read in grey too;
# P1 is Down's red and P2 Degraded's amber darkened, so that a chart's red means the same as the map's.
PRIORITY_COLOURS: dict[int, str] = {1: "#B22222", 2: "#D55E00", 3: "#E69F00", 4: "#56B4E9", 5: "#C8C8C8"}
