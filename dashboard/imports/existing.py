"""What servicemap's own database already holds, read once per import for matching: its CIs (with the keys earlier
imports kept) and the keys or rows of the other tables."""

import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
import sqlalchemy as sa

from dashboard.cmdb import schema
from dashboard.domain.vocabulary import HEALTH_BY_NAME, RELATIONSHIP_TYPE_BY_NAME
from dashboard.imports import compare
from dashboard.imports.validate import coded

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
    """What the target already holds, for matching: its CIs (with source_key), and per other part its rows as the
    import compares them (`comparable`: keys, and the values of health events and call traffic)."""

    ci: pd.DataFrame
    max_ids: dict[str, int]
    keys: dict[str, pd.DataFrame]
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
        ci = _read_cis(connection)
        max_ids = {
            name: int(connection.execute(sa.select(sa.func.coalesce(sa.func.max(t.c.id), 0))).scalar() or 0)
            for name, t in (("ci", schema.ci), ("relationship", schema.relationship), ("health", schema.health))
            if name in present
        }
        whole = whole_seconds(connection)
        keys = {part: _held(connection, part, table, whole) for part, table in _TABLES.items() if table.name in present}
        rows = {
            part: _as_text(pd.read_sql(sa.select(*_present_columns(connection, table)), connection)).set_index("number")
            for part, table in (("incidents", schema.incident), ("changes", schema.change))
            if table.name in present
        }
        if "incidents" in rows:
            rows["incidents"][HISTORY] = _stored_histories(connection, present).reindex(rows["incidents"].index)
        return cls(ci, max_ids, keys, rows, whole)

    def without_cis(self) -> "Existing":
        """The same without the target's CIs (once the import's CIs are matched, only the other parts are)."""
        return dataclasses.replace(self, ci=self.ci.iloc[:0])

    def held(self, part: str) -> pd.DataFrame:
        """The part's stored rows as `comparable` gives them (none when the target has no such table)."""
        return self.keys.get(part, pd.DataFrame(columns=list(COMPARED[part])))


# The columns of each part an import compares with what the target holds: the key first, then (for health events and
# call traffic) the values that tell an unchanged row from an updated one.
COMPARED: dict[str, tuple[str, ...]] = {
    "relationships": ("source_id", "target_id", "type"),
    "incidents": ("number",),
    "changes": ("number",),
    "health": HEALTH_KEY + HEALTH_VALUES,
    "traffic": TRAFFIC_KEY + TRAFFIC_FIGURES,
}
_TABLES = {"relationships": schema.relationship, "incidents": schema.incident, "changes": schema.change,
           "health": schema.health, "traffic": schema.call_traffic}  # fmt: skip
# CI columns with few distinct values: held as categories (1M CIs' classes as strings take ~18 MB, as codes 1 MB).
FEW_VALUES = ("class", "status", "criticality", "environment", "location", "owner")
# Compared columns of a vocabulary: categories of it, as the import's checked rows hold them (a value outside it,
# which no imported row has, reads as NULL).
VOCABULARIES = {"type": tuple(RELATIONSHIP_TYPE_BY_NAME), "status": tuple(HEALTH_BY_NAME)}
READ_ROWS = 100_000  # stored rows read at a time: only their comparable form is kept


def comparable(part: str, rows: pd.DataFrame, whole_seconds: bool) -> pd.DataFrame:
    """A part's rows, from the import or read back, as they are compared: whole numbers as int64, times without zone
    to the µs (to the second where the database keeps no more; call traffic's buckets always), a health value as the
    least precise database keeps it (a 4-byte float: 10 and 10.0 are one value), latencies to the µs, NULL as NaN."""
    out = pd.DataFrame(index=rows.index)
    for column in COMPARED[part]:
        values = rows[column]
        if column in ("observed_at", "bucket_start"):
            unit = "s" if whole_seconds or column == "bucket_start" else "us"
            out[column] = pd.to_datetime(values).dt.floor(unit).astype("datetime64[us]")
        elif column == "value":
            out[column] = pd.to_numeric(values).astype("float32").astype("float64")
        elif column in ("p50_ms", "p95_ms"):
            out[column] = pd.to_numeric(values).astype("float64").round(3)
        elif column in VOCABULARIES:
            out[column] = coded(values.astype("str"), VOCABULARIES[column])
        elif column in ("metric", "number"):
            out[column] = values.astype("str")
        else:
            out[column] = values.astype("int64")
    return out.reset_index(drop=True)


def found_in(rows: pd.DataFrame, held: pd.DataFrame) -> np.ndarray:
    """Per row of `rows`, whether `held` (the same columns) has a row with the same value in every column (NULL equal
    to NULL): a hash join, exact, with no Python object per row."""
    if rows.empty or held.empty:
        return np.zeros(len(rows), dtype=bool)
    marks = held.drop_duplicates().assign(_found=True)
    joined = rows.reset_index(drop=True).merge(marks, how="left", on=list(rows.columns), sort=False)
    return joined["_found"].notna().to_numpy()


def _held(connection: sa.Connection, part: str, table: sa.Table, whole: bool) -> pd.DataFrame:
    """The part's stored rows as `comparable` gives them, read READ_ROWS at a time."""
    query = sa.select(*(table.c[c] for c in COMPARED[part]))
    chunks = [comparable(part, chunk, whole) for chunk in pd.read_sql(query, connection, chunksize=READ_ROWS)]
    return pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame(columns=list(COMPARED[part]))


def _read_cis(connection: sa.Connection) -> pd.DataFrame:
    """The target's CIs (not their update time) with the key an earlier import kept, text as Arrow-backed strings,
    read READ_ROWS at a time."""
    query = sa.select(*(c for c in schema.ci.columns if c.name != "updated_at"))
    chunks = []
    for chunk in pd.read_sql(query, connection, chunksize=READ_ROWS):
        chunk["source_key"] = pd.Series([_source_key(text) for text in chunk["attributes"]], index=chunk.index)
        text = [c for c in chunk.columns if c != "id"]
        chunks.append(chunk.astype(dict.fromkeys(text, "str")).assign(id=chunk["id"].astype("int64")))
    if not chunks:
        return Existing.none().ci
    return pd.concat(chunks, ignore_index=True).astype(dict.fromkeys(FEW_VALUES, "category"))


def _as_text(rows: pd.DataFrame) -> pd.DataFrame:
    """Columns of text read as Python strings held as Arrow strings (a third of the memory)."""
    text = [c for c in rows.columns if rows[c].dtype == object and rows[c].dropna().map(type).eq(str).all()]
    return rows.astype(dict.fromkeys(text, "str"))


def _stored_histories(connection: sa.Connection, present: set[str]) -> pd.Series:
    """Each stored incident's history digest (compare.history_digests)."""
    if schema.incident_history.name not in present:
        return pd.Series(dtype="object")
    return compare.history_digests(pd.read_sql(sa.select(schema.incident_history), connection))


def _present_columns(connection: sa.Connection, table: sa.Table) -> list[sa.Column]:
    """The table's columns the database has (one of an earlier version lacks some, until an import upgrades it)."""
    present = {c["name"] for c in sa.inspect(connection).get_columns(table.name)}
    return [c for c in table.columns if c.name in present]


def whole_seconds(connection: sa.Connection) -> bool:
    return connection.dialect.name in ("mysql", "mariadb")


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
