"""The native profile: servicemap's own tables (dashboard/cmdb/schema.py), read as they are."""

from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from dashboard.cmdb import schema
from dashboard.cmdb.profiles.base import Plan, Present, change_fingerprint

# Above this share of the health table, SQLite reads the whole table rather than search the index (see _observed_since).
SCAN_ABOVE_SHARE = 0.1


class NativeProfile:
    """servicemap's own schema: every value is already in the native vocabulary."""

    name = "native"

    def plan(self, engine: sa.Engine, present: Present, health_since: datetime | None) -> Plan:
        """SELECT the columns each native table has; a table lacking a required column is read as empty."""
        statements = {}
        for table in schema.TABLES:
            have = present.get(table.name, frozenset())
            if table.name not in present or not set(schema.REQUIRED_COLUMNS[table.name]) <= have:
                continue
            statement = sa.select(*(c for c in table.columns if c.name in have))
            if table.name == "health" and health_since is not None:
                statement = statement.where(_observed_since(engine, health_since))
            if table.name == "call_traffic" and health_since is not None:  # figures of the same window as health
                statement = statement.where(schema.call_traffic.c.bucket_start >= health_since)
            statements[table.name] = statement
        missing = tuple(t.name for t in schema.TABLES if t.name not in statements)
        absent = {
            t.name: tuple(c.name for c in t.columns if c.name not in present.get(t.name, ()))
            for t in schema.TABLES
            if t.name in statements
        }
        return Plan(statements, missing, {name: columns for name, columns in absent.items() if columns})

    def translate(self, table: str, frame: pd.DataFrame) -> pd.DataFrame:
        """Native values need no mapping."""
        return frame

    def fingerprint_statement(self, present: Present) -> sa.CompoundSelect | None:
        """Row count and newest change marker of every native table."""
        return change_fingerprint(((t.name, schema.CHANGE_MARKER[t.name]) for t in schema.TABLES), present)


NATIVE = NativeProfile()


def _observed_since(engine: sa.Engine, since: datetime) -> sa.ColumnElement[bool]:
    """The health window's condition; on SQLite written so that a window holding most rows reads the whole table.

    SQLite searches ix_health_observed_at for any range on observed_at. Fetching most of the table row by row through
    the index is about four times slower than reading it; the unary plus hides the index from the planner.
    """
    observed = schema.health.c.observed_at
    if engine.dialect.name == "sqlite" and _share_since(engine, since) > SCAN_ABOVE_SHARE:
        return sa.literal_column(f"+{observed.name}", observed.type) >= since
    return observed >= since


def _share_since(engine: sa.Engine, since: datetime) -> float:
    """The share of health rows observed from `since` on, were they spread evenly between the oldest and newest."""
    observed = schema.health.c.observed_at
    # Two scalar subqueries, so that each of min and max is one index lookup.
    bounds = sa.select(
        sa.select(sa.func.min(observed)).scalar_subquery(), sa.select(sa.func.max(observed)).scalar_subquery()
    )
    try:
        with engine.connect() as connection:
            oldest, newest = connection.execute(bounds).one()
    except (ValueError, TypeError):  # dates SQLAlchemy cannot read: let the planner decide
        return 0.0
    if oldest is None or newest is None or newest <= oldest:
        return 1.0 if oldest is not None and since <= oldest else 0.0
    return min(max((newest - since) / (newest - oldest), 0.0), 1.0)
