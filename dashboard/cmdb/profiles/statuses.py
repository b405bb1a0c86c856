"""Every value mapping from another CMDB's vocabulary onto servicemap's, in one place (documented in docs/profiles.md).

Keys are compared trimmed and in lower case; each profile and importer maps through these tables and nothing else.
Codes and labels both appear, because a replicated table holds the codes while a CSV export holds the labels.
"""

# --- ServiceNow ------------------------------------------------------------------------------------------------------
# Documented in docs/servicenow.md, with the ServiceNow documentation pages each table comes from.

# sys_class_name (table name, or its label in a CSV export) → native class. Exact names first; then the prefixes
# below, longest first; any other class keeps its own name.
SERVICENOW_CLASSES: dict[str, str] = {
    "cmdb_ci_service": "business_service", "business service": "business_service",
    "cmdb_ci_service_business": "business_service",
    "cmdb_ci_service_auto": "application_service", "application service": "application_service",
    "cmdb_ci_service_discovered": "application_service", "mapped application service": "application_service",
    "service_offering": "application_service", "service offering": "application_service",
    "application": "application", "database instance": "database",
    "oracle instance": "database", "mssql instance": "database", "mysql instance": "database",
    "postgresql instance": "database",
    "cmdb_ci_server": "server", "server": "server", "cmdb_ci_linux_server": "server", "linux server": "server",
    "cmdb_ci_win_server": "server", "windows server": "server", "cmdb_ci_unix_server": "server",
    "unix server": "server", "cmdb_ci_esx_server": "server", "esx server": "server",
    "cmdb_ci_vm_instance": "virtual_machine", "virtual machine instance": "virtual_machine",
    "cmdb_ci_vmware_instance": "virtual_machine", "vmware virtual machine instance": "virtual_machine",
    "cluster": "cluster", "load balancer": "load_balancer",
    "cmdb_ci_ip_switch": "switch", "ip switch": "switch", "cmdb_ci_ip_router": "router", "ip router": "router",
    "cmdb_ci_ip_firewall": "firewall", "ip firewall": "firewall", "storage device": "storage",
    "cmdb_ci_datacenter": "datacenter", "data center": "datacenter", "datacenter": "datacenter",
}  # fmt: skip
SERVICENOW_CLASS_PREFIXES: tuple[tuple[str, str], ...] = (
    ("cmdb_ci_appl", "application"),
    ("cmdb_ci_db_", "database"),  # only the *_instance tables: see servicenow.native_class()
    ("cmdb_ci_cluster", "cluster"),
    ("cmdb_ci_lb", "load_balancer"),
    ("cmdb_ci_storage", "storage"),
)

# cmdb_ci.operational_status (code or label) → native CI status (lifecycle, not monitored health). 7 Pipeline and
# 8 Catalog are the service portfolio's stages (planned; offered to users).
SERVICENOW_OPERATIONAL_STATUS: dict[str, str] = {
    "1": "operational", "operational": "operational",
    "2": "non_operational", "non-operational": "non_operational", "non operational": "non_operational",
    "3": "maintenance", "repair in progress": "maintenance",
    "4": "operational", "dr standby": "operational",
    "5": "planned", "ready": "planned",
    "6": "retired", "retired": "retired",
    "7": "planned", "pipeline": "planned",
    "8": "operational", "catalog": "operational",
}  # fmt: skip
# cmdb_ci.install_status, used where operational_status is empty.
SERVICENOW_INSTALL_STATUS: dict[str, str] = {
    "0": "planned", "implementing": "planned",
    "1": "operational", "installed": "operational",
    "2": "planned", "on order": "planned",
    "3": "maintenance", "in maintenance": "maintenance",
    "4": "planned", "pending install": "planned",
    "5": "maintenance", "pending repair": "maintenance",
    "6": "planned", "in stock": "planned",
    "7": "retired", "retired": "retired",
    "8": "retired", "stolen": "retired",
    "100": "retired", "absent": "retired",
}  # fmt: skip
# Health of a CI from its operational_status, when the instance has no Event Management alerts (em_alert).
SERVICENOW_OPERATIONAL_HEALTH: dict[str, str] = {
    "1": "ok", "operational": "ok",
    "2": "down", "non-operational": "down", "non operational": "down",
    "3": "maintenance", "repair in progress": "maintenance",
    "4": "ok", "dr standby": "ok",
    "5": "ok", "ready": "ok",
    "6": "unknown", "retired": "unknown",
    "7": "unknown", "pipeline": "unknown",
    "8": "ok", "catalog": "ok",
}  # fmt: skip
# em_alert.severity of an open alert → health; a closed alert (em_alert.state "Closed") counts as ok.
SERVICENOW_ALERT_SEVERITY: dict[str, str] = {
    "1": "down", "critical": "down",
    "2": "degraded", "major": "degraded",
    "3": "degraded", "minor": "degraded",
    "4": "ok", "warning": "ok",
    "5": "ok", "ok": "ok", "info": "ok",
    "0": "ok", "clear": "ok",
}  # fmt: skip
SERVICENOW_ALERT_CLOSED_STATES: frozenset[str] = frozenset({"closed"})

# cmdb_ci_service.busines_criticality (ServiceNow's spelling) → native criticality.
SERVICENOW_CRITICALITY: dict[str, str] = {
    "1": "critical", "1 - most critical": "critical",
    "2": "high", "2 - somewhat critical": "high",
    "3": "medium", "3 - less critical": "medium",
    "4": "low", "4 - not critical": "low",
}  # fmt: skip
# cmdb_ci_service.used_for → native environment.
SERVICENOW_ENVIRONMENT: dict[str, str] = {
    "production": "production", "staging": "staging", "qa": "test", "test": "test",
    "development": "development", "disaster recovery": "disaster_recovery",
}  # fmt: skip

# incident.priority → 1 (critical) … 5 (planning).
SERVICENOW_PRIORITY: dict[str, int] = {
    "1": 1, "1 - critical": 1, "2": 2, "2 - high": 2, "3": 3, "3 - moderate": 3, "4": 4, "4 - low": 4,
    "5": 5, "5 - planning": 5,
}  # fmt: skip
# incident.state (and the older incident_state values 2 Active, 4/5 Awaiting …) → native incident state.
SERVICENOW_INCIDENT_STATE: dict[str, str] = {
    "1": "new", "new": "new",
    "2": "in_progress", "in progress": "in_progress", "active": "in_progress",
    "3": "on_hold", "on hold": "on_hold", "awaiting problem": "on_hold",
    "4": "on_hold", "awaiting user info": "on_hold", "5": "on_hold", "awaiting evidence": "on_hold",
    "6": "resolved", "resolved": "resolved",
    "7": "closed", "closed": "closed",
    "8": "canceled", "canceled": "canceled", "cancelled": "canceled",
}  # fmt: skip
# change_request.state (the state model since Geneva, and the older labels) → native change state.
SERVICENOW_CHANGE_STATE: dict[str, str] = {
    "-5": "new", "new": "new", "pending": "new", "1": "new", "open": "new",
    "-4": "assess", "assess": "assess", "-3": "assess", "authorize": "assess",
    "-2": "scheduled", "scheduled": "scheduled",
    "-1": "implement", "implement": "implement", "2": "implement", "work in progress": "implement",
    "0": "review", "review": "review",
    "3": "closed", "closed": "closed", "closed complete": "closed", "7": "closed", "closed skipped": "closed",
    "4": "canceled", "canceled": "canceled", "cancelled": "canceled", "closed incomplete": "canceled",
}  # fmt: skip

# cmdb_rel_type.name ("parent descriptor::child descriptor") → (native type, True when the parent is the source).
# "Members::Member of" reads "child member of parent" (host member of cluster); "Contains::Contained by" reads
# "child located in parent"; "Provides::Provided by" reads "child depends on parent" (a disk provides a file system,
# an API gateway a managed API). Other types stay as they are written and are reported as unknown: docs/servicenow.md
# says why each of the common ones is not followed.
SERVICENOW_RELATIONSHIPS: dict[str, tuple[str, bool]] = {
    "depends on::used by": ("depends on", True),
    "uses::used by": ("depends on", True),
    "runs on::runs": ("runs on", True),
    "hosted on::hosts": ("hosted on", True),
    "virtualized by::virtualizes": ("hosted on", True),
    "registered on::has registered": ("hosted on", True),
    "connects to::connected by": ("connects to", True),
    "ip connection::ip connection": ("connects to", True),  # symmetric in ServiceNow too: the same descriptor twice
    "contains::contained by": ("located in", False),
    "members::member of": ("member of", False),
    "provides::provided by": ("depends on", False),
}

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

# ServiceNow lifecycle fields → the native lifecycle attributes (data/README.md). cmdb_ci has warranty_expiration,
# install_date and purchase_date; end of life and end of support belong to the hardware model's lifecycle and are
# read when an export carries them as columns of these names.
SERVICENOW_LIFECYCLE: dict[str, str] = {
    "warranty_expiration": "warranty_expiration", "install_date": "install_date", "purchase_date": "purchase_date",
    "end_of_life": "end_of_life", "eol_date": "end_of_life", "end_of_support": "end_of_support",
    "eos_date": "end_of_support",
}  # fmt: skip
