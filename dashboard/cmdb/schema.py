"""The native CMDB schema (SQLAlchemy Core). Documented in data/README.md; DDL in data/schema.sql.

No foreign keys on purpose: real CMDB replicas have none, and servicemap must read (and report) relationships and
incidents that point at CIs which do not exist.
"""

import sqlalchemy as sa
from sqlalchemy.schema import CreateIndex, CreateTable

metadata = sa.MetaData()

ci = sa.Table(
    "ci",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("class", sa.String(64), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("criticality", sa.String(16)),
    sa.Column("environment", sa.String(32)),
    sa.Column("location", sa.String(128)),
    sa.Column("owner", sa.String(128)),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("attributes", sa.Text, comment="free attributes as a JSON object"),
    sa.Index("ix_ci_name", "name"),
    sa.Index("ix_ci_updated_at", "updated_at"),
)

relationship = sa.Table(
    "relationship",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("source_id", sa.BigInteger, nullable=False),
    sa.Column("target_id", sa.BigInteger, nullable=False),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Index("ix_relationship_source", "source_id"),
    sa.Index("ix_relationship_target", "target_id"),
    sa.Index("ix_relationship_updated_at", "updated_at"),
)

incident = sa.Table(
    "incident",
    metadata,
    sa.Column("number", sa.String(32), primary_key=True),
    sa.Column("ci_id", sa.BigInteger, comment="the affected CI; NULL when the incident names none"),
    sa.Column("priority", sa.SmallInteger, nullable=False, comment="1 (critical) to 5 (planning)"),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("opened_at", sa.DateTime, nullable=False),
    sa.Column("resolved_at", sa.DateTime),
    sa.Column("summary", sa.String(255), nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("assignment_group", sa.String(128)),
    sa.Column("category", sa.String(128)),
    sa.Column("location", sa.String(128)),
    sa.Column("contact_type", sa.String(64)),
    sa.Column("business_service", sa.String(255), comment="as the source named it, whether or not it is a CI"),
    sa.Index("ix_incident_ci", "ci_id"),
    sa.Index("ix_incident_updated_at", "updated_at"),
)

# An incident's audit trail, as far as the source kept it: one row per tracked field an update changed.
incident_history = sa.Table(
    "incident_history",
    metadata,
    sa.Column("number", sa.String(32), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False, comment="the update's place, 0 = first"),
    sa.Column("field", sa.String(32), primary_key=True, comment="state, priority, assignment_group, assigned_to"),
    sa.Column("old_value", sa.String(128)),
    sa.Column("new_value", sa.String(128)),
    sa.Column("changed_at", sa.DateTime),
    sa.Index("ix_incident_history_changed_at", "changed_at"),
)

health = sa.Table(
    "health",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("ci_id", sa.BigInteger, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, comment="ok, degraded, down, unknown, maintenance"),
    sa.Column("metric", sa.String(64), nullable=False),
    sa.Column("value", sa.Float),
    sa.Column("observed_at", sa.DateTime, nullable=False),
    sa.Index("ix_health_ci_observed", "ci_id", "observed_at"),
    sa.Index("ix_health_observed_at", "observed_at"),
)

change = sa.Table(
    "change",
    metadata,
    sa.Column("number", sa.String(32), primary_key=True),
    sa.Column("ci_id", sa.BigInteger, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("summary", sa.String(255), nullable=False),
    sa.Column("planned_start", sa.DateTime),
    sa.Column("planned_end", sa.DateTime),
    sa.Column("actual_start", sa.DateTime),
    sa.Column("actual_end", sa.DateTime),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("type", sa.String(32), comment="standard, normal, emergency, as the source names them"),
    sa.Column("assignment_group", sa.String(128), comment="the team that implements the change"),
    sa.Index("ix_change_ci", "ci_id"),
    sa.Index("ix_change_updated_at", "updated_at"),
)

# Calls between CIs per time bucket, as traces show them (dashboard/imports/traces.py): optional, absent reads as
# empty. A bucket's figures describe the calls that started in [bucket_start, bucket_start + bucket).
call_traffic = sa.Table(
    "call_traffic",
    metadata,
    sa.Column("source_id", sa.BigInteger, primary_key=True, autoincrement=False, comment="the calling CI"),
    sa.Column("target_id", sa.BigInteger, primary_key=True, autoincrement=False, comment="the called CI"),
    sa.Column("bucket_start", sa.DateTime, primary_key=True),
    sa.Column("bucket_seconds", sa.Integer, nullable=False),
    sa.Column("requests", sa.BigInteger, nullable=False),
    sa.Column("errors", sa.BigInteger, nullable=False),
    sa.Column("p50_ms", sa.Double, comment="median duration of the called CI's spans, ms"),
    sa.Column("p95_ms", sa.Double, comment="95th percentile of that duration, ms"),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Index("ix_call_traffic_bucket_start", "bucket_start"),
    sa.Index("ix_call_traffic_target", "target_id"),
)

# The column whose maximum tells that a table changed (with its row count): see fingerprint.py.
CHANGE_MARKER: dict[str, str] = {
    "ci": "updated_at",
    "relationship": "updated_at",
    "incident": "updated_at",
    "health": "observed_at",
    "change": "updated_at",
    "incident_history": "changed_at",
    "call_traffic": "updated_at",
}
# Without these columns a table cannot be used at all; any other column may be missing and reads as NULL.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "ci": ("id", "name", "class"),
    "relationship": ("source_id", "target_id", "type"),
    "incident": ("number", "ci_id"),
    "health": ("ci_id", "status", "observed_at"),
    "change": ("number", "ci_id"),
    "incident_history": ("number", "seq", "field"),
    "call_traffic": ("source_id", "target_id", "bucket_start", "requests", "errors"),
}
TABLES: tuple[sa.Table, ...] = (ci, relationship, incident, health, change, incident_history, call_traffic)
# Tables a CMDB may well not have (they add detail, nothing depends on them): absent, they read as empty unreported.
OPTIONAL_TABLES: tuple[str, ...] = ("incident_history", "call_traffic")


def create_schema(engine: sa.Engine) -> None:
    """Create the native tables (used by the sample generator and the importers, never on a CMDB we only read)."""
    metadata.create_all(engine)


def ddl(dialect_name: str = "sqlite") -> str:
    """The CREATE statements for one dialect, as written to data/schema.sql."""
    dialect = sa.dialects.registry.load(dialect_name)()
    parts = []
    for table in TABLES:
        parts.append(str(CreateTable(table).compile(dialect=dialect)).strip() + ";")
        parts.extend(
            str(CreateIndex(i).compile(dialect=dialect)) + ";" for i in sorted(table.indexes, key=lambda i: i.name)
        )
    return "\n\n".join(parts) + "\n"
