"""The netbox profile: NetBox's own PostgreSQL tables (3.3 and later), read as they are (see docs/netbox.md).

Regions, sites, locations, racks, devices, virtual machines, clusters, circuits, providers, provider networks and
tenants become CIs; NetBox's foreign keys and cables become relationships; each object's status becomes one health
event. The same statements run on the NetBox JSON importer's tables (imports/netbox_json.py), so both read NetBox
one way. CI ids are `kind number × 10⁹ + NetBox id` (device 12 → 3_000_000_012): stable and readable.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from dashboard.cmdb.distinct import per_distinct
from dashboard.cmdb.profiles.base import Plan, Present, SourceTable, change_fingerprint, mapped
from dashboard.cmdb.profiles.statuses import (
    NETBOX_CABLE_CONNECTED,
    NETBOX_CI_STATUS,
    NETBOX_DEVICE_CLASS,
    NETBOX_HEALTH,
    NETBOX_ROLE_CLASSES,
)
from dashboard.domain.vocabulary import CI_CLASSES

CI_OFFSET = 1_000_000_000  # a kind's CIs: number × CI_OFFSET + NetBox id
RELATIONSHIP_OFFSET = 10_000_000_000  # a link's relationships: number × RELATIONSHIP_OFFSET + source row id
HEALTH_METRIC = "netbox_status"
CABLE_LINK = 30


@dataclass(frozen=True, slots=True)
class Kind:
    """A NetBox model read as CIs of one class (devices: the class their role's slug gives)."""

    name: str
    table: str
    model: str  # app_label.model, as NetBox's URLs and dumpdata name it
    number: int
    label: str = "name"  # the column holding the name
    status: bool = True
    tenant: bool = True
    site: tuple[str, ...] = ("site_id",)  # columns pointing at the site (first present), for the CI's location

    def ci_id(self, netbox_id: sa.ColumnElement) -> sa.ColumnElement:
        """The CI id of this kind's object with a NetBox id."""
        return sa.cast(sa.literal(self.number * CI_OFFSET, sa.BigInteger) + netbox_id, sa.BigInteger)


KINDS: tuple[Kind, ...] = (
    Kind("region", "dcim_region", "dcim.region", 1, status=False, tenant=False, site=()),
    Kind("site", "dcim_site", "dcim.site", 2, site=("id",)),
    Kind("device", "dcim_device", "dcim.device", 3),
    Kind("location", "dcim_location", "dcim.location", 4),
    Kind("rack", "dcim_rack", "dcim.rack", 5),
    Kind("virtual_machine", "virtualization_virtualmachine", "virtualization.virtualmachine", 6),
    Kind("cluster", "virtualization_cluster", "virtualization.cluster", 7, site=("_site_id", "site_id")),
    Kind("circuit", "circuits_circuit", "circuits.circuit", 8, label="cid", site=()),
    Kind("provider", "circuits_provider", "circuits.provider", 9, status=False, tenant=False, site=()),
    Kind("tenant", "tenancy_tenant", "tenancy.tenant", 10, status=False, tenant=False, site=()),
    Kind("provider_network", "circuits_providernetwork", "circuits.providernetwork", 11, status=False, tenant=False,
         site=()),
)  # fmt: skip
KIND_BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}
KIND_BY_NUMBER: dict[int, Kind] = {k.number: k for k in KINDS}


@dataclass(frozen=True, slots=True)
class Link:
    """Relationships read from foreign keys: `source <type> target`, the first non-NULL target column wins."""

    number: int
    kind: str  # the source's kind
    type: str
    targets: tuple[tuple[str, str], ...]  # (column, target kind), in order of preference; absent columns are skipped
    table: str = ""  # the table read (default: the source kind's)
    source: str = "id"  # the column holding the source's NetBox id
    unless: tuple[str, ...] = ()  # columns that must be NULL for the link to apply

    @property
    def source_table(self) -> str:
        return self.table or KIND_BY_NAME[self.kind].table


_SITE_OR_ABOVE = (("_location_id", "location"), ("_site_id", "site"), ("site_id", "site"), ("_region_id", "region"))
LINKS: tuple[Link, ...] = (
    Link(1, "region", "located in", (("parent_id", "region"),)),
    Link(2, "site", "located in", (("region_id", "region"),)),
    Link(3, "location", "located in", (("parent_id", "location"), ("site_id", "site"))),
    Link(4, "rack", "located in", (("location_id", "location"), ("site_id", "site"))),
    Link(5, "device", "located in", (("rack_id", "rack"), ("location_id", "location"), ("site_id", "site"))),
    Link(6, "device", "member of", (("cluster_id", "cluster"),)),
    Link(7, "virtual_machine", "hosted on", (("cluster_id", "cluster"),)),
    Link(8, "virtual_machine", "hosted on", (("device_id", "device"),)),
    Link(9, "virtual_machine", "located in", (("site_id", "site"),), unless=("cluster_id", "device_id")),
    Link(10, "cluster", "located in", _SITE_OR_ABOVE),
    Link(11, "circuit", "depends on", (("provider_id", "provider"),)),
    Link(12, "provider_network", "depends on", (("provider_id", "provider"),)),
    Link(13, "circuit", "connects to", (("_provider_network_id", "provider_network"),
                                        ("provider_network_id", "provider_network"), ("_site_id", "site"),
                                        ("site_id", "site")), table="circuits_circuittermination", source="circuit_id"),
    *(Link(20 + n, k.name, "used by", (("tenant_id", "tenant"),)) for n, k in enumerate(KINDS) if k.tenant),
)  # fmt: skip
SOURCE_TABLES: tuple[str, ...] = (
    *(k.table for k in KINDS),
    "dcim_devicerole",
    "dcim_cable",
    "dcim_cabletermination",
    "circuits_circuittermination",
)


class NetBoxProfile:
    """NetBox's PostgreSQL schema, read-only; no incidents or changes (those tables read as empty, not missing)."""

    name = "netbox"

    def plan(self, engine: sa.Engine, present: Present, health_since: datetime | None) -> Plan:
        """One UNION per native table over the NetBox tables present; health is each object's current status.

        `health_since` is not applied: a NetBox status is a state, not an event stream, so it is always current.
        """
        missing: dict[str, list[str]] = {"ci": [], "relationship": [], "health": []}
        dialect = engine.dialect.name
        parts = {
            "ci": [_ci_select(k, present, missing["ci"], dialect) for k in KINDS if k.table in present],
            "relationship": [
                *(s for link in LINKS if (s := _link_select(link, present, missing["relationship"])) is not None),
                *([_cable_select(present, missing["relationship"])] if _has_cables(present) else []),
            ],
            "health": [_health_select(k, present, missing["health"]) for k in KINDS if k.status and k.table in present],
        }
        statements = {name: _union(selects, name) for name, selects in parts.items() if selects}
        absent = tuple(name for name in missing if name not in statements)
        columns = {name: tuple(sorted(set(names))) for name, names in missing.items() if names}
        return Plan(statements, absent, columns)

    def translate(self, table: str, frame: pd.DataFrame) -> pd.DataFrame:
        """NetBox status values as native CI statuses and health."""
        if table == "ci":
            frame["status"] = per_distinct(frame["status"], _ci_status)
        elif table == "health":
            frame["status"] = mapped(frame["status"], NETBOX_HEALTH, "unknown")
        return frame

    def fingerprint_statement(self, present: Present) -> sa.CompoundSelect | None:
        """Row count and newest last_updated of every NetBox table read."""
        return change_fingerprint(((name, "last_updated") for name in SOURCE_TABLES), present)


NETBOX = NetBoxProfile()


def netbox_key(ci_id: int) -> str:
    """The NetBox object a CI id stands for, as "app_label.model/id" (3_000_000_012 → "dcim.device/12")."""
    kind = KIND_BY_NUMBER.get(int(ci_id) // CI_OFFSET)
    return f"{kind.model}/{int(ci_id) % CI_OFFSET}" if kind else f"unknown/{ci_id}"


def relationship_origin(relationship_id: int) -> str:
    """The NetBox row a relationship was read from ("dcim.device/12 located in", "dcim.cable/7")."""
    number, row = divmod(int(relationship_id), RELATIONSHIP_OFFSET)
    if number == CABLE_LINK:
        return f"dcim.cable/{row}"
    link = next((link for link in LINKS if link.number == number), None)
    if link is None:
        return f"relationship {relationship_id}"
    if link.table:
        return f"{link.table.replace('_', '.', 1)}/{row} {link.type}"
    return f"{KIND_BY_NAME[link.kind].model}/{row} {link.type}"


def device_class(role_slug: sa.ColumnElement) -> sa.ColumnElement:
    """A device's class from its role's slug: the first keyword of NETBOX_ROLE_CLASSES the slug contains."""
    slug = sa.func.lower(sa.func.coalesce(role_slug, ""))
    whens = [(slug.like(f"%{keyword}%"), sa.literal(name)) for keyword, name in NETBOX_ROLE_CLASSES]
    return sa.case(*whens, else_=sa.literal(NETBOX_DEVICE_CLASS))


def _ci_status(values: pd.Series) -> pd.Series:
    """Known NetBox statuses mapped; NULL (regions, tenants, providers) is operational; others stay (and are shown)."""
    keys = values.astype("str").str.strip().str.lower()
    return keys.map(NETBOX_CI_STATUS).fillna(keys.where(values.notna(), "operational")).astype("str")


def _ci_select(kind: Kind, present: Present, missing: list[str], dialect: str) -> sa.Select:
    source = SourceTable(kind.table, present, missing, alias="o")
    netbox_id = source.c("id", sa.BigInteger)
    text = sa.String()
    name = sa.func.coalesce(
        sa.func.nullif(source.c(kind.label, text), ""), sa.literal(f"{kind.name} ") + sa.cast(netbox_id, sa.String)
    )
    status = sa.cast(source.c("status", text) if kind.status else sa.null(), sa.String)
    frm: sa.FromClause = source.table
    attributes: list[tuple[str, sa.ColumnElement]] = [
        ("netbox", sa.literal(f"{kind.model}/") + sa.cast(netbox_id, sa.String)),
        ("netbox_status", status),
    ]
    class_name: sa.ColumnElement = sa.literal(kind.name)
    if kind.name == "device":
        frm, slug = _with_role(frm, source, present)
        class_name = device_class(slug)
        attributes.append(("role", slug))
    site_column = next((c for c in kind.site if source.has(c)), None)
    location: sa.ColumnElement = sa.cast(sa.null(), sa.String)
    if site_column and "dcim_site" in present:
        site = sa.table("dcim_site", sa.column("id"), sa.column("name")).alias("s")
        frm = frm.outerjoin(site, site.c.id == source.c(site_column))
        location = site.c.name
    owner: sa.ColumnElement = sa.cast(sa.null(), sa.String)
    if kind.tenant and "tenancy_tenant" in present:
        tenant = sa.table("tenancy_tenant", sa.column("id"), sa.column("name")).alias("t")
        frm = frm.outerjoin(tenant, tenant.c.id == source.c("tenant_id"))
        owner = tenant.c.name
    return sa.select(
        kind.ci_id(netbox_id).label("id"),
        sa.cast(name, sa.String).label("name"),
        sa.cast(class_name, sa.String).label("class"),
        status.label("status"),
        sa.cast(location, sa.String).label("location"),
        sa.cast(owner, sa.String).label("owner"),
        _updated(source).label("updated_at"),
        _json(attributes, dialect).label("attributes"),
    ).select_from(frm)


def _health_select(kind: Kind, present: Present, missing: list[str]) -> sa.Select:
    source = SourceTable(kind.table, present, missing)
    ci_id = kind.ci_id(source.c("id", sa.BigInteger))
    return sa.select(
        ci_id.label("id"),
        ci_id.label("ci_id"),
        sa.cast(source.c("status", sa.String()), sa.String).label("status"),
        sa.literal(HEALTH_METRIC).label("metric"),
        _updated(source).label("observed_at"),
    )


def _link_select(link: Link, present: Present, missing: list[str]) -> sa.Select | None:
    if link.source_table not in present:
        return None
    source = SourceTable(link.source_table, present, missing)
    # A target whose table is absent still counts: its rows point at CIs that do not exist, and are reported.
    targets = [(source.c(column, sa.BigInteger), KIND_BY_NAME[kind]) for column, kind in link.targets
               if source.has(column)]  # fmt: skip
    if not targets:
        return None
    row = source.c("id", sa.BigInteger)
    target = sa.case(*((column.is_not(None), kind.ci_id(column)) for column, kind in targets))
    conditions = [sa.or_(*(column.is_not(None) for column, _ in targets))]
    conditions += [source.c(column).is_(None) for column in link.unless if source.has(column)]
    return sa.select(
        _relationship_id(link.number, row).label("id"),
        KIND_BY_NAME[link.kind].ci_id(source.c(link.source, sa.BigInteger)).label("source_id"),
        sa.cast(target, sa.BigInteger).label("target_id"),
        sa.literal(link.type).label("type"),
        _updated(source).label("updated_at"),
    ).where(*conditions)


def _has_cables(present: Present) -> bool:
    return {"dcim_cable", "dcim_cabletermination", "dcim_device"} <= set(present)


def _cable_select(present: Present, missing: list[str]) -> sa.Select:
    """One "connects to" per pair of devices (or device and circuit) joined by connected cables.

    A cable is a physical link: "connects to" is symmetric (no dependency, no health roll-up, walked both ways).
    NetBox's A and B ends carry no meaning, so the row runs from the CI drawn higher on the map to the one drawn
    lower (server → switch → router → circuit, any device → PDU), which keeps re-reads stable. Equal layers keep A → B.
    Several cables between the same pair make one edge, with the id and time of the lowest-numbered cable. What is
    left out (planned cables, repeats, ends on neither a device nor a circuit) is counted by cable_accounting().
    """
    pairs = _cable_pairs(present, missing)
    return sa.select(
        _relationship_id(CABLE_LINK, pairs.c.cable_id).label("id"),
        pairs.c.source_id,
        pairs.c.target_id,
        sa.literal("connects to").label("type"),
        pairs.c.updated_at,
    ).where(pairs.c.usable == 1, pairs.c.rank == 1)


def cable_accounting(present: Present) -> sa.Select | None:
    """Every cable with what became of it: one row per pair of its A and B ends (none when an end is on neither a
    device nor a circuit), `usable` when it joins two CIs and is connected, `rank` 1 for the pair's first cable."""
    if not _has_cables(present):
        return None
    pairs = _cable_pairs(present, [])
    cable = SourceTable("dcim_cable", present, [], alias="every")
    connected = sa.func.lower(cable.c("status")).in_(NETBOX_CABLE_CONNECTED)
    return sa.select(
        cable.c("id", sa.BigInteger).label("cable_id"),
        sa.case((connected, 1), else_=0).label("connected"),
        pairs.c.source_id,
        pairs.c.target_id,
        pairs.c.usable,
        pairs.c.rank,
    ).select_from(cable.table.outerjoin(pairs, pairs.c.cable_id == cable.c("id")))


def _cable_pairs(present: Present, missing: list[str]) -> sa.Subquery:
    """Each cable's A end paired with its B end (ordered higher layer first), whether the pair is usable (connected,
    two different CIs), and its rank among the usable cables joining the same two CIs (1: the lowest-numbered)."""
    ends = _cable_ends(present, missing).subquery("ends")
    a, b = ends.alias("a"), ends.alias("b")
    cable = SourceTable("dcim_cable", present, missing, alias="c")
    a_first = b.c.layer >= a.c.layer
    usable = sa.case(
        (sa.and_(a.c.ci_id.is_not(None), b.c.ci_id.is_not(None), a.c.ci_id != b.c.ci_id,
                 sa.func.lower(cable.c("status")).in_(NETBOX_CABLE_CONNECTED)), 1),
        else_=0,
    )  # fmt: skip
    return (
        sa.select(
            a.c.cable_id,
            sa.case((a_first, a.c.ci_id), else_=b.c.ci_id).label("source_id"),
            sa.case((a_first, b.c.ci_id), else_=a.c.ci_id).label("target_id"),
            _updated(cable).label("updated_at"),
            usable.label("usable"),
            sa.func.row_number()
            .over(
                partition_by=(
                    usable,
                    sa.case((a.c.ci_id < b.c.ci_id, a.c.ci_id), else_=b.c.ci_id),
                    sa.case((a.c.ci_id < b.c.ci_id, b.c.ci_id), else_=a.c.ci_id),
                ),
                order_by=a.c.cable_id,
            )
            .label("rank"),
        )
        .select_from(a.join(b, a.c.cable_id == b.c.cable_id).join(cable.table, cable.c("id") == a.c.cable_id))
        .where(a.c.cable_end == "A", b.c.cable_end == "B")
        .subquery("pairs")
    )


def _cable_ends(present: Present, missing: list[str]) -> sa.Select:
    """Every cable end on a device component (NetBox caches the device) or a circuit termination, with its layer."""
    end = SourceTable("dcim_cabletermination", present, missing, alias="e")
    device = SourceTable("dcim_device", present, missing, alias="d")
    content = sa.table("django_content_type", sa.column("id"), sa.column("app_label"), sa.column("model")).alias("ct")
    circuit_end = sa.table("circuits_circuittermination", sa.column("id"), sa.column("circuit_id")).alias("cct")
    device_id = end.c("_device_id", sa.BigInteger)
    layers = {c.name: c.layer for c in CI_CLASSES}
    frm, slug = _with_role(end.table.outerjoin(device.table, device.c("id") == device_id), device, present)
    circuit_ci: sa.ColumnElement = sa.null()
    if {"django_content_type", "circuits_circuittermination"} <= set(present):
        frm = frm.outerjoin(content, content.c.id == end.c("termination_type_id")).outerjoin(
            circuit_end,
            sa.and_(
                content.c.app_label == "circuits",
                content.c.model == "circuittermination",
                circuit_end.c.id == end.c("termination_id"),
            ),
        )
        circuit_ci = KIND_BY_NAME["circuit"].ci_id(circuit_end.c.circuit_id)
    has_device = device_id.is_not(None)
    return sa.select(
        end.c("cable_id", sa.BigInteger).label("cable_id"),
        sa.func.upper(end.c("cable_end")).label("cable_end"),
        sa.case((has_device, KIND_BY_NAME["device"].ci_id(device_id)), else_=circuit_ci).label("ci_id"),
        sa.case(
            (has_device, sa.case(layers, value=device_class(slug), else_=layers[NETBOX_DEVICE_CLASS])),
            else_=layers["circuit"],
        ).label("layer"),
    ).select_from(frm)


def _with_role(frm: sa.FromClause, device: SourceTable, present: Present) -> tuple[sa.FromClause, sa.ColumnElement]:
    """The devices joined to their roles, and the role's slug (NULL without a role table)."""
    if "dcim_devicerole" not in present:
        return frm, sa.cast(sa.null(), sa.String)
    role = sa.table("dcim_devicerole", sa.column("id"), sa.column("slug")).alias("r")
    # role_id since NetBox 3.6, device_role_id before
    column = device.c("device_role_id" if device.has("device_role_id") and not device.has("role_id") else "role_id")
    return frm.outerjoin(role, role.c.id == column), role.c.slug


def _relationship_id(number: int, row: sa.ColumnElement) -> sa.ColumnElement:
    return sa.cast(sa.literal(number * RELATIONSHIP_OFFSET, sa.BigInteger) + row, sa.BigInteger)


def _updated(source: SourceTable) -> sa.ColumnElement:
    """When the row last changed: last_updated, else created (NetBox leaves either NULL on some imported rows)."""
    columns = [source.c(c, sa.DateTime()) for c in ("last_updated", "created") if source.has(c)]
    if not columns:
        return sa.cast(sa.null(), sa.DateTime)
    return sa.func.coalesce(*columns) if len(columns) > 1 else columns[0]


def _json(pairs: Sequence[tuple[str, sa.ColumnElement]], dialect: str) -> sa.ColumnElement:
    """A JSON object as text, built by the database (json_build_object on PostgreSQL, json_object on SQLite)."""
    arguments = [part for key, value in pairs for part in (sa.literal(key), value)]
    if dialect == "postgresql":
        return sa.cast(sa.func.json_build_object(*arguments), sa.Text)
    return sa.cast(sa.func.json_object(*arguments), sa.Text)


def _union(selects: list[sa.Select], name: str) -> sa.Select:
    if len(selects) == 1:
        return selects[0]
    return sa.select(sa.union_all(*selects).subquery(name))
