"""Every value mapping from another CMDB's vocabulary onto servicemap's, in one place (documented in docs/profiles.md).

Keys are compared trimmed and in lower case; each profile and importer maps through these tables and nothing else.
Codes and labels both appear, because a replicated table holds the codes while a CSV export holds the labels.
"""

# --- ServiceNow ------------------------------------------------------------------------------------------------------

# --- NetBox ----------------------------------------------------------------------------------------------------------

# NetBox's status values (netbox/*/choices.py: DeviceStatusChoices, SiteStatusChoices, LocationStatusChoices,
# RackStatusChoices, VirtualMachineStatusChoices, ClusterStatusChoices, CircuitStatusChoices), one table for every kind:
# a value means the same wherever it appears. Objects without a status (regions, tenants, providers) read NULL, which
# becomes "operational" and gets no health row.
NETBOX_CI_STATUS: dict[str, str] = {
    "active": "operational", "available": "operational", "connected": "operational",
    "offline": "non_operational", "failed": "non_operational", "inventory": "non_operational",
    "planned": "planned", "staged": "planned", "staging": "planned", "provisioning": "planned", "reserved": "planned",
    "decommissioning": "maintenance", "deprovisioning": "maintenance", "deprecated": "maintenance",
    "retired": "retired", "decommissioned": "retired",
}  # fmt: skip
# The same values as health: one event per object, observed at its last_updated.
NETBOX_HEALTH: dict[str, str] = {
    "active": "ok", "available": "ok", "connected": "ok",
    "offline": "down", "failed": "down",
    "planned": "unknown", "staged": "unknown", "staging": "unknown", "provisioning": "unknown",
    "reserved": "unknown", "inventory": "unknown", "retired": "unknown", "decommissioned": "unknown",
    "decommissioning": "maintenance", "deprovisioning": "maintenance", "deprecated": "maintenance",
}  # fmt: skip
# Device role slugs are each site's own choice: the first keyword the slug contains gives the class.
NETBOX_ROLE_CLASSES: tuple[tuple[str, str], ...] = (
    ("patch", "patch_panel"), ("pdu", "pdu"), ("power", "pdu"), ("console", "console_server"),
    ("firewall", "firewall"), ("router", "router"), ("switch", "switch"), ("load-balancer", "load_balancer"),
    ("storage", "storage"), ("server", "server"), ("host", "server"), ("hypervisor", "server"),
)  # fmt: skip
NETBOX_DEVICE_CLASS = "device"  # a role no keyword matches, or no role
# Cables in these states carry traffic (or still do): only they connect devices. Planned cables do not.
NETBOX_CABLE_CONNECTED: tuple[str, ...] = ("connected", "decommissioning")
