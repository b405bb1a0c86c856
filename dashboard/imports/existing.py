"""What servicemap's own database already holds, read once per import for matching: its CIs (with the keys earlier
imports kept) and the keys or rows of the other tables."""

import json
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
import sqlalchemy as sa

from dashboard.cmdb import schema
from dashboard.imports import compare

# Call traffic is matched on its key and kept when its figures are the same, replaced when not.
TRAFFIC_KEY = ("source_id", "target_id", "bucket_start")
TRAFFIC_FIGURES = ("bucket_seconds", "requests", "errors", "p50_ms", "p95_ms")
# Health events likewise: matched on the CI, metric and exact time of the reading, replaced when status or value differ.
HEALTH_KEY = ("ci_id", "metric", "observed_at")
HEALTH_VALUES = ("status", "value")
# An incident is unchanged only when its history is too: a trail that grew is an update (its history replaced).
HISTORY = "_history"


@dataclass(frozen=True, slots=True)
class Existing:
    """What the target already holds, for matching: its CIs (with source_key) and the keys or rows of the others."""

    ci: pd.DataFrame
    max_ids: dict[str, int]
    keys: dict[str, set[tuple]]
    rows: dict[str, pd.DataFrame]  # incidents and changes by number, to tell an update from an unchanged row
    whole_seconds: bool = False  # the database keeps times to the second (MariaDB's DATETIME), not to the µs

    @classmethod
    def none(cls) -> "Existing":
        ci = pd.DataFrame({c.name: pd.Series(dtype="object") for c in schema.ci.columns if c.name != "updated_at"})
        return cls(ci.assign(id=ci["id"].astype("int64"), source_key=ci["attributes"]), {}, {}, {})

    @classmethod
    def read(cls, connection: sa.Connection) -> "Existing":
        present = set(sa.inspect(connection).get_table_names())
        if "ci" not in present:
            return cls.none()
        ci = pd.read_sql(sa.select(*(c for c in schema.ci.columns if c.name != "updated_at")), connection)
        ci["source_key"] = [_source_key(text) for text in ci["attributes"]]
        max_ids = {
            name: int(connection.execute(sa.select(sa.func.coalesce(sa.func.max(t.c.id), 0))).scalar() or 0)
            for name, t in (("ci", schema.ci), ("relationship", schema.relationship), ("health", schema.health))
            if name in present
        }
        keys = {
            "relationships": _stored_keys(connection, schema.relationship, ("source_id", "target_id", "type"), present),
            "incidents": _stored_keys(connection, schema.incident, ("number",), present),
            "changes": _stored_keys(connection, schema.change, ("number",), present),
            "health": _health_events(connection, present),
            "traffic": {
                traffic_row(key)
                for key in _stored_keys(connection, schema.call_traffic, TRAFFIC_KEY + TRAFFIC_FIGURES, present)
            },
        }
        rows = {
            part: pd.read_sql(sa.select(*_present_columns(connection, table)), connection).set_index("number")
            for part, table in (("incidents", schema.incident), ("changes", schema.change))
            if table.name in present
        }
        if "incidents" in rows:
            rows["incidents"][HISTORY] = _stored_histories(connection, present).reindex(rows["incidents"].index)
        return cls(ci, max_ids, keys, rows, whole_seconds(connection))


def _stored_histories(connection: sa.Connection, present: set[str]) -> pd.Series:
    """Each stored incident's history digest (compare.history_digests)."""
    if schema.incident_history.name not in present:
        return pd.Series(dtype="object")
    return compare.history_digests(pd.read_sql(sa.select(schema.incident_history), connection))


def _present_columns(connection: sa.Connection, table: sa.Table) -> list[sa.Column]:
    """The table's columns the database has (one of an earlier version lacks some, until an import upgrades it)."""
    present = {c["name"] for c in sa.inspect(connection).get_columns(table.name)}
    return [c for c in table.columns if c.name in present]


def _stored_keys(connection: sa.Connection, table: sa.Table, columns: tuple[str, ...], present: set[str]) -> set[tuple]:
    if table.name not in present:
        return set()
    rows = connection.execute(sa.select(*(table.c[c] for c in columns)))
    return {tuple(plain(v) for v in row) for row in rows}


def whole_seconds(connection: sa.Connection) -> bool:
    return connection.dialect.name in ("mysql", "mariadb")


def _health_events(connection: sa.Connection, present: set[str]) -> set[tuple]:
    if "health" not in present:
        return set()
    rows = connection.execute(sa.select(*(schema.health.c[c] for c in HEALTH_KEY + HEALTH_VALUES)))
    return {compare.health_event(tuple(row), whole_seconds(connection)) for row in rows}


def plain(value: object) -> object:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, np.integer):
        return int(value)
    return value


def traffic_row(row: tuple) -> tuple:
    """A call traffic row comparable with one read back: whole numbers, naive times, figures to the µs."""
    source, target, bucket, seconds, requests, errors, p50, p95 = row
    return (int(source), int(target), plain(pd.Timestamp(bucket).to_pydatetime()), int(seconds), int(requests),
            int(errors), *(None if pd.isna(v) else round(float(v), 3) for v in (p50, p95)))  # fmt: skip


def _source_key(attributes: object) -> str | None:
    """The key an earlier import kept in a CI's attributes."""
    try:
        parsed = json.loads(attributes) if isinstance(attributes, str) else None
    except ValueError:
        return None
    key = parsed.get("source_key") if isinstance(parsed, dict) else None
    return str(key) if key is not None else None
