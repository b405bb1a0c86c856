"""The servicenow profile: a replicated ServiceNow CMDB (cmdb_ci, cmdb_rel_ci, incident, …) read as it is.

Reference columns of a replica hold the referenced record's sys_id; sys_ids become stable integer ids (base.stable_ids).
Every value is mapped through dashboard/cmdb/profiles/statuses.py; docs/servicenow.md documents the mapping and the
ServiceNow documentation it follows. Optional tables and columns may be missing: they read as empty and are reported.
"""

from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from dashboard.cmdb import schema
from dashboard.cmdb.distinct import per_distinct
from dashboard.cmdb.profiles import statuses
from dashboard.cmdb.profiles.base import Plan, Present, SourceTable, change_fingerprint, mapped, stable_ids
from dashboard.cmdb.profiles.packed import packed, unpacked
from dashboard.domain.vocabulary import HEALTH_BY_NAME, Health

# The source tables read, each with the column that tells it changed (the fingerprint reads these).
SOURCE_TABLES: tuple[str, ...] = (
    "cmdb_ci", "cmdb_ci_service", "cmdb_rel_ci", "cmdb_rel_type", "incident", "change_request", "em_alert",
    "cmn_location", "sys_user_group",
)  # fmt: skip
CHANGE_MARKER = "sys_updated_on"
# incident columns read as context when present: a reference (→ the table whose record's name is shown) or a choice.
INCIDENT_CONTEXT: dict[str, str | None] = {
    "assignment_group": "sys_user_group", "category": None, "location": "cmn_location", "contact_type": None,
    "business_service": "cmdb_ci",
}  # fmt: skip
ALERT_METRIC = "alert_severity"  # health rows made from em_alert
STATUS_METRIC = "operational_status"  # health rows made from cmdb_ci when there is no em_alert
_SEPARATOR = "|"


class ServiceNowProfile:
    """ServiceNow's CMDB, incident and change tables as a replica holds them."""

    name = "servicenow"

    def plan(self, engine: sa.Engine, present: Present, health_since: datetime | None) -> Plan:
        """One SELECT per native table whose ServiceNow source exists with its required columns."""
        missing: list[str] = []
        builders = {
            "ci": _ci,
            "relationship": _relationship,
            "incident": _incident,
            "health": lambda p, m: _health(p, m, health_since),
            "change": _change,
        }
        statements = {}
        for native, build in builders.items():
            statement = build(present, missing)
            if statement is not None:
                statements[native] = statement
        absent = tuple(t.name for t in schema.TABLES if t.name not in statements)
        by_table: dict[str, list[str]] = {}
        for entry in missing:
            table, column = entry.split(".", 1)
            by_table.setdefault(table, []).append(column)
        return Plan(statements, absent, {table: tuple(columns) for table, columns in by_table.items()})

    def translate(self, table: str, frame: pd.DataFrame) -> pd.DataFrame:
        """ServiceNow codes and labels as native values, sys_ids as stable integer ids."""
        return _TRANSLATE[table](frame)

    def fingerprint_statement(self, present: Present) -> sa.CompoundSelect | None:
        """Rows and newest sys_updated_on of every ServiceNow table read."""
        return change_fingerprint(
            ((name, CHANGE_MARKER if CHANGE_MARKER in present.get(name, ()) else None) for name in SOURCE_TABLES),
            present,
        )


SERVICENOW = ServiceNowProfile()


# --- value mappings shared with the CSV importer (dashboard/imports/servicenow.py) -----------------------------------


def code_keys(values: pd.Series) -> pd.Series:
    """Codes and labels as lookup keys: trimmed, lower case, a float code such as 1.0 written as 1."""

    def keys(distinct: pd.Series) -> pd.Series:
        text = distinct.astype("str").str.strip().str.lower()
        text = text.str.replace(r"^(-?\d+)\.0+$", r"\1", regex=True)
        return text.where(distinct.notna())

    return per_distinct(values, keys)


def native_class(values: pd.Series) -> pd.Series:
    """sys_class_name (a table name, or its label in an export) as a native class; other classes keep their name."""

    def classes(distinct: pd.Series) -> pd.Series:
        return pd.Series([_class_of(v) for v in distinct], index=distinct.index, dtype="object")

    return per_distinct(values, classes)


def _class_of(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    key = value.strip().lower()
    known = statuses.SERVICENOW_CLASSES.get(key)
    if known:
        return known
    for prefix, native in sorted(statuses.SERVICENOW_CLASS_PREFIXES, key=lambda p: -len(p[0])):
        if key.startswith(prefix) and (prefix != "cmdb_ci_db_" or key.endswith("instance")):
            return native
    return value.strip()


def relationship_types(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """cmdb_rel_type names as native types (unknown names as written), and whether the parent is the source."""
    keys = code_keys(values).str.replace(r"\s*::\s*", "::", regex=True).str.replace(r"\s+", " ", regex=True)
    known = [statuses.SERVICENOW_RELATIONSHIPS.get(key) if isinstance(key, str) else None for key in keys]
    written = values.astype("str").str.strip()
    kind = pd.Series([k[0] if k else w for k, w in zip(known, written, strict=True)], index=values.index, dtype="str")
    parent_first = pd.Series([k[1] if k else True for k in known], index=values.index, dtype=bool)
    return kind, parent_first


def ci_status(operational: pd.Series, install: pd.Series) -> pd.Series:
    """The native lifecycle status: operational_status, else install_status, else operational."""
    status = code_keys(operational).map(statuses.SERVICENOW_OPERATIONAL_STATUS)
    status = status.fillna(code_keys(install).map(statuses.SERVICENOW_INSTALL_STATUS))
    return status.fillna("operational").astype("str")


def priorities(values: pd.Series) -> pd.Series:
    """Incident priorities 1–5 (NaN where the value is none of ServiceNow's)."""
    return code_keys(values).map(statuses.SERVICENOW_PRIORITY).astype("float64")


def states(values: pd.Series, mapping: dict[str, str]) -> pd.Series:
    """States mapped; a state outside the mapping keeps its text (reported, or rejected on import)."""
    keys = code_keys(values)
    return keys.map(mapping).fillna(keys.str.replace(" ", "_")).astype("object")


# --- what to read ----------------------------------------------------------------------------------------------------


def _ci(present: Present, missing: list[str]) -> sa.Select | None:
    ci = SourceTable("cmdb_ci", present, missing, alias="ci")
    if not _usable(ci, ("sys_id", "name", "sys_class_name")):
        return None
    service = SourceTable("cmdb_ci_service", present, missing, alias="svc")
    status = sa.func.coalesce(_text(ci.c("operational_status")), "") + _SEPARATOR
    status = status + sa.func.coalesce(_text(ci.c("install_status")), "")
    source: sa.FromClause = ci.table
    if service.has("sys_id"):
        source = source.outerjoin(service.table, service.c("sys_id") == ci.c("sys_id"))
    names = {}
    for reference, target in (("location", "cmn_location"), ("support_group", "sys_user_group")):
        names[reference], source = _display(ci, reference, target, present, missing, source)
    return sa.select(
        ci.c("sys_id").label("id"),
        ci.c("name").label("name"),
        ci.c("sys_class_name").label("class"),
        status.label("status"),
        service.c("busines_criticality").label("criticality"),
        service.c("used_for").label("environment"),
        names["location"].label("location"),
        names["support_group"].label("owner"),
        ci.c(CHANGE_MARKER).label("updated_at"),
        _attributes(ci).label("attributes"),
    ).select_from(source)


def _attributes(ci: SourceTable) -> sa.ColumnElement:
    """sys_id, sys_class_name and the lifecycle dates the table has, packed (see packed.py)."""
    lifecycle = [(n, ci.c(c)) for c, n in statuses.SERVICENOW_LIFECYCLE.items() if ci.has(c)]
    return packed([("sys_id", ci.c("sys_id")), ("sys_class_name", ci.c("sys_class_name")), *lifecycle])


def _display(
    table: SourceTable, reference: str, target: str, present: Present, missing: list[str], source: sa.FromClause
) -> tuple[sa.ColumnElement, sa.FromClause]:
    """The name of the record a reference column points at (joined when its table is there, else NULL)."""
    if not table.has(reference):
        return table.c(reference), source
    if not {"sys_id", "name"} <= present.get(target, frozenset()):
        if f"{target}.name" not in missing:
            missing.append(f"{target}.name")
        return sa.null(), source
    lookup = sa.table(target, sa.column("sys_id"), sa.column("name")).alias(f"{target}_{reference}")
    return lookup.c.name, source.outerjoin(lookup, lookup.c.sys_id == table.c(reference))


def _relationship(present: Present, missing: list[str]) -> sa.Select | None:
    rel = SourceTable("cmdb_rel_ci", present, missing, alias="rel")
    if not _usable(rel, ("parent", "child", "type")):
        return None
    kind = SourceTable("cmdb_rel_type", present, missing, alias="kind")
    source: sa.FromClause = rel.table
    type_name: sa.ColumnElement = rel.c("type")
    if kind.exists and kind.has("sys_id"):
        name = kind.c("name") if kind.has("name") else _descriptors(kind)
        type_name = sa.func.coalesce(name, rel.c("type"))
        source = source.outerjoin(kind.table, kind.c("sys_id") == rel.c("type"))
    return sa.select(
        rel.c("sys_id").label("id"),
        rel.c("parent").label("source_id"),
        rel.c("child").label("target_id"),
        type_name.label("type"),
        rel.c(CHANGE_MARKER).label("updated_at"),
    ).select_from(source)


def _descriptors(kind: SourceTable) -> sa.ColumnElement:
    """A relationship type's name as cmdb_rel_type writes it: "parent descriptor::child descriptor"."""
    return _text(kind.c("parent_descriptor")) + "::" + _text(kind.c("child_descriptor"))


def _incident(present: Present, missing: list[str]) -> sa.Select | None:
    incident = SourceTable("incident", present, missing)
    # The affected CI, else the business service (an incident raised against a service only).
    references = [_nonempty(incident.c(c)) for c in ("cmdb_ci", "business_service") if incident.has(c)]
    if not incident.has("number"):
        return None
    legacy_state = incident.has("incident_state") and not incident.has("state")
    state = incident.c("incident_state" if legacy_state else "state")
    affected = sa.func.coalesce(*references) if len(references) > 1 else references[0] if references else sa.null()
    source, context = _incident_context(incident, present, missing)
    return sa.select(
        incident.c("number").label("number"),
        affected.label("ci_id"),
        incident.c("priority").label("priority"),
        state.label("state"),
        incident.c("opened_at").label("opened_at"),
        incident.c("resolved_at").label("resolved_at"),
        incident.c("short_description").label("summary"),
        incident.c(CHANGE_MARKER).label("updated_at"),
        *context,
    ).select_from(source)


def _incident_context(
    incident: SourceTable, present: Present, missing: list[str]
) -> tuple[sa.FromClause, list[sa.ColumnElement]]:
    """The incident's optional context columns, where the table has them (else NULL, unreported): references as
    the names of the records they point at, choices as they are."""
    source: sa.FromClause = incident.table
    columns = []
    for column, target in INCIDENT_CONTEXT.items():
        if not incident.has(column):
            value: sa.ColumnElement = sa.null()
        elif target is None:
            value = _text(incident.c(column))
        else:
            value, source = _display(incident, column, target, present, missing, source)
        columns.append(value.label(column))
    return source, columns


def _change(present: Present, missing: list[str]) -> sa.Select | None:
    change = SourceTable("change_request", present, missing)
    if not _usable(change, ("number", "cmdb_ci")):
        return None
    team, source = _display(change, "assignment_group", "sys_user_group", present, missing, change.table)
    return sa.select(
        change.c("number").label("number"),
        change.c("cmdb_ci").label("ci_id"),
        change.c("state").label("state"),
        change.c("short_description").label("summary"),
        change.c("start_date").label("planned_start"),
        change.c("end_date").label("planned_end"),
        change.c("work_start").label("actual_start"),
        change.c("work_end").label("actual_end"),
        change.c(CHANGE_MARKER).label("updated_at"),
        (_text(change.c("type")) if change.has("type") else sa.null()).label("type"),
        team.label("assignment_group"),
    ).select_from(source)


def _health(present: Present, missing: list[str], since: datetime | None) -> sa.Select | None:
    """Open and recent Event Management alerts where em_alert exists; else each CI's operational_status."""
    alert = SourceTable("em_alert", present, missing)
    if alert.exists and alert.has("cmdb_ci") and alert.has("severity"):
        statement = sa.select(
            alert.c("sys_id").label("id"),
            alert.c("cmdb_ci").label("ci_id"),
            alert.c("state").label("status"),
            sa.literal(ALERT_METRIC).label("metric"),
            alert.c("severity").label("value"),
            alert.c(CHANGE_MARKER).label("observed_at"),
        ).where(_nonempty(alert.c("cmdb_ci")).is_not(None))
        if since is not None and alert.has(CHANGE_MARKER):
            still_open = sa.func.lower(sa.func.coalesce(alert.c("state"), "")) != "closed"
            statement = statement.where(sa.or_(alert.c(CHANGE_MARKER) >= since, still_open))
        return statement
    ci = SourceTable("cmdb_ci", present, [])  # its missing columns are reported by the ci table already
    if not _usable(ci, ("sys_id", "operational_status", CHANGE_MARKER)):
        return None
    return sa.select(
        ci.c("sys_id").label("id"),
        ci.c("sys_id").label("ci_id"),
        _text(ci.c("operational_status")).label("status"),
        sa.literal(STATUS_METRIC).label("metric"),
        sa.null().label("value"),
        ci.c(CHANGE_MARKER).label("observed_at"),
    ).where(ci.c("operational_status").is_not(None))


def _usable(table: SourceTable, required: tuple[str, ...]) -> bool:
    return table.exists and all(table.has(c) for c in required)


def _text(column: sa.ColumnElement) -> sa.ColumnElement:
    return sa.cast(column, sa.String)


def _nonempty(column: sa.ColumnElement) -> sa.ColumnElement:
    """A reference column with '' as NULL (replicas write either for "no reference")."""
    return sa.func.nullif(_text(column), "")


# --- how values translate --------------------------------------------------------------------------------------------


def _translate_ci(frame: pd.DataFrame) -> pd.DataFrame:
    sys_id = frame["id"].astype("object")
    raw_class = frame["class"].astype("object")
    parts = frame["status"].astype("str").str.split(_SEPARATOR, n=1, expand=True).reindex(columns=[0, 1])
    frame["status"] = ci_status(parts[0].replace("", None), parts[1].replace("", None))
    frame["class"] = native_class(raw_class).fillna("")
    frame["criticality"] = mapped(frame["criticality"], statuses.SERVICENOW_CRITICALITY, None)
    frame["environment"] = mapped(frame["environment"], statuses.SERVICENOW_ENVIRONMENT, None)
    if "attributes" in frame.columns:  # else read later, on their own (load.reading_frames)
        frame["attributes"] = unpacked(frame["attributes"])
    frame["id"] = stable_ids(sys_id)
    return frame


def _translate_relationship(frame: pd.DataFrame) -> pd.DataFrame:
    kind, parent_first = relationship_types(frame["type"])
    parent, child = stable_ids(frame["source_id"]), stable_ids(frame["target_id"])
    frame["id"] = stable_ids(frame["id"])
    frame["source_id"] = parent.where(parent_first, child)
    frame["target_id"] = child.where(parent_first, parent)
    frame["type"] = kind
    return frame


def _translate_incident(frame: pd.DataFrame) -> pd.DataFrame:
    frame["ci_id"] = stable_ids(frame["ci_id"])
    frame["priority"] = priorities(frame["priority"]).fillna(0).astype("int64")  # 0: reported as outside 1–5
    frame["state"] = states(frame["state"], statuses.SERVICENOW_INCIDENT_STATE)
    return frame


def _translate_change(frame: pd.DataFrame) -> pd.DataFrame:
    frame["ci_id"] = stable_ids(frame["ci_id"])
    frame["state"] = states(frame["state"], statuses.SERVICENOW_CHANGE_STATE)
    return frame


def _translate_health(frame: pd.DataFrame) -> pd.DataFrame:
    alerts = frame["metric"].astype("str") == ALERT_METRIC
    status = mapped(frame["status"], statuses.SERVICENOW_OPERATIONAL_HEALTH, "unknown")
    if alerts.any():
        closed = code_keys(frame["status"]).isin(statuses.SERVICENOW_ALERT_CLOSED_STATES)
        severity = mapped(frame["value"].astype("object"), statuses.SERVICENOW_ALERT_SEVERITY, "unknown")
        status = status.where(~alerts, severity.where(~closed, "ok"))
    frame["status"] = status.astype("str")
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    frame["ci_id"] = stable_ids(frame["ci_id"])
    frame["id"] = stable_ids(frame["id"])
    return _current_alert_health(frame, alerts)


def _current_alert_health(frame: pd.DataFrame, alerts: pd.Series) -> pd.DataFrame:
    """One row per CI for its alerts: the worst open alert's status (ok when all are closed), at the newest update.

    servicemap takes a CI's latest health row as its status; a CI's alerts are concurrent, so the newest alert must
    not hide an older one that is still open and worse.
    """
    rows = frame.loc[alerts & frame["ci_id"].notna()]
    if rows.empty:
        return frame.loc[~alerts].reset_index(drop=True)
    rank = rows["status"].map(lambda s: int(HEALTH_BY_NAME.get(s, Health.UNKNOWN)))
    worst = rows.assign(_rank=rank).sort_values(["ci_id", "_rank", "observed_at"]).groupby("ci_id").tail(1)
    newest = rows.groupby("ci_id")["observed_at"].max()
    current = worst.drop(columns="_rank").set_index("ci_id", drop=False)
    current["observed_at"] = newest.reindex(current.index)
    current["id"] = stable_ids(pd.Series([f"em_alert:{c}" for c in current.index], index=current.index))
    combined = pd.concat([frame.loc[~alerts], current.reset_index(drop=True)], ignore_index=True)
    return combined[[c.name for c in schema.health.columns]]


_TRANSLATE = {
    "ci": _translate_ci,
    "relationship": _translate_relationship,
    "incident": _translate_incident,
    "health": _translate_health,
    "change": _translate_change,
}
