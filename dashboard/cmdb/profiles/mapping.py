"""A profile from a mapping file (TOML or YAML): in-house tables mapped onto the native model by configuration.

    [ci]                       # one section per native table: ci, relationship, incident, health, change
    table = "assets"           # the source table
    id = "asset_id"            # native column = source column ("=text" is a constant instead)
    name = "hostname"
    class = "asset_type"
    [ci.values.class]          # optional value mapping per native column; unmapped values pass through
    "Linux Server" = "server"

Text ids (GUIDs, names) become stable integer ids. docs/profiles.md documents the format with a full example.
"""

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from dashboard.cmdb import schema
from dashboard.cmdb.distinct import per_distinct
from dashboard.cmdb.profiles.base import (
    Columns,
    Plan,
    Present,
    SourceTable,
    change_fingerprint,
    spelled_table,
    stable_ids,
)

ID_COLUMNS: dict[str, tuple[str, ...]] = {
    "ci": ("id",),
    "relationship": ("source_id", "target_id"),
    "incident": ("ci_id",),
    "health": ("ci_id",),
    "change": ("ci_id",),
}
_SETTINGS = ("table", "values")
DEFAULT_CI_STATUS = "operational"  # when the mapping names no status column


@dataclass(frozen=True, slots=True)
class TableMapping:
    """One native table's source: the table, native column → source column (or constant), value mappings."""

    native: str
    source: str
    columns: dict[str, str]
    values: dict[str, dict[str, str]]


class MappingProfile:
    """A profile read from a mapping file."""

    def __init__(self, name: str, tables: dict[str, TableMapping]) -> None:
        self.name = name
        self._tables = tables

    def plan(self, engine: sa.Engine, present: Present, health_since: datetime | None) -> Plan:
        """One SELECT per mapped table whose source exists and has the required columns."""
        statements, missing_columns = {}, {}
        for native, mapping in self._tables.items():
            missing: list[str] = []
            source = SourceTable(mapping.source, present, missing)
            required = schema.REQUIRED_COLUMNS[native]
            if not source.exists or any(_absent(source, mapping.columns.get(c)) for c in required):
                continue
            columns = [_select(source, mapping.columns[c], c) for c in mapping.columns]
            if native == "ci" and "status" not in mapping.columns:
                columns.append(sa.literal(DEFAULT_CI_STATUS).label("status"))  # a register without lifecycle status
            statement = sa.select(*columns).select_from(source.table)
            observed = mapping.columns.get("observed_at")
            if native == "health" and health_since is not None and observed and not observed.startswith("="):
                statement = statement.where(source.c(observed) >= health_since)
            statements[native] = statement
            if missing:
                missing_columns[native] = tuple(missing)
        absent = tuple(t.name for t in schema.TABLES if t.name not in statements)
        return Plan(statements, absent, missing_columns)

    def translate(self, table: str, frame: pd.DataFrame) -> pd.DataFrame:
        """Mapped values replaced; text ids turned into stable integer ids."""
        mapping = self._tables.get(table)
        if mapping is None:
            return frame
        for column, values in mapping.values.items():
            frame[column] = _replaced(frame[column], values)
        for column in ID_COLUMNS[table]:
            # Text keys become stable ids; a whole number keeps its value whatever the column's type, so that an
            # integer ci.id and a text relationship.source_id holding "42" still meet.
            if not pd.api.types.is_numeric_dtype(frame[column]):
                frame[column] = stable_ids(frame[column])
        return frame

    def fingerprint_statement(self, present: Present) -> sa.CompoundSelect | None:
        """Rows and newest change marker of every mapped source table."""
        parts = []
        for native, mapping in self._tables.items():
            table = spelled_table(mapping.source, present)
            marker = mapping.columns.get(schema.CHANGE_MARKER[native])
            columns = present.get(table)
            if marker and not marker.startswith("=") and isinstance(columns, Columns):
                parts.append((table, columns.spelled(marker)))
            else:
                parts.append((table, None))
        return change_fingerprint(parts, present)


def mapping_profile(path: Path) -> MappingProfile:
    """Read and check a mapping file; ValueError says what is wrong and where."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ValueError(f"profile file {path}: {error.strerror}") from None
    try:
        raw = _parse(path, text)
    except ValueError as error:
        raise ValueError(f"profile file {path} is not valid {path.suffix[1:].upper()}: {error}") from None
    if not isinstance(raw, Mapping):
        raise ValueError(f"profile file {path}: expected tables such as [ci] at the top level")
    tables = {}
    for native, section in raw.items():
        if native == "name":
            continue
        tables[native] = _table_mapping(path, native, section)
    if "ci" not in tables:
        raise ValueError(f"profile file {path}: a [ci] section is required")
    return MappingProfile(str(raw.get("name", path.stem)), tables)


def _parse(path: Path, text: str) -> object:
    if path.suffix.lower() == ".toml":
        return tomllib.loads(text)
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValueError(str(error).splitlines()[0]) from None


def _table_mapping(path: Path, native: str, section: object) -> TableMapping:
    where = f"profile file {path}, [{native}]"
    if native not in schema.metadata.tables:
        raise ValueError(f"{where}: not a native table (use {', '.join(t.name for t in schema.TABLES)})")
    if not isinstance(section, Mapping) or not isinstance(section.get("table"), str):
        raise ValueError(f'{where}: give the source table as table = "…"')
    known = {c.name for c in schema.metadata.tables[native].columns}
    columns = {key: value for key, value in section.items() if key not in _SETTINGS}
    for key, value in columns.items():
        if key not in known:
            raise ValueError(f"{where}: {key!r} is not a column of {native} ({', '.join(sorted(known))})")
        if not isinstance(value, str) or not value:
            raise ValueError(f'{where}: {key} must name a source column (or "=constant")')
    lacking = [c for c in schema.REQUIRED_COLUMNS[native] if c not in columns]
    if lacking:
        raise ValueError(f"{where}: the required columns {', '.join(lacking)} are not mapped")
    values = section.get("values", {})
    if not isinstance(values, Mapping) or not all(isinstance(v, Mapping) for v in values.values()):
        raise ValueError(f"{where}: values must hold one table per column, e.g. [{native}.values.status]")
    for key in values:
        if key not in columns:
            raise ValueError(f"{where}: values for {key!r}, which is not mapped")
    value_maps = {key: {str(k).strip().lower(): str(v) for k, v in mapping.items()} for key, mapping in values.items()}
    return TableMapping(native, section["table"], columns, value_maps)


def _absent(source: SourceTable, column: str | None) -> bool:
    return column is None or (not column.startswith("=") and not source.has(column))


def _select(source: SourceTable, column: str, label: str) -> sa.ColumnElement:
    if column.startswith("="):
        return sa.literal(column[1:]).label(label)
    return source.c(column).label(label)


def _replaced(values: pd.Series, mapping: dict[str, str]) -> pd.Series:
    """Values found in the mapping (trimmed, any case) replaced; the others kept as they are."""

    def lookup(distinct: pd.Series) -> pd.Series:
        keys = distinct.astype("str").str.strip().str.lower()
        return keys.map(mapping).fillna(distinct.astype("object")).astype("object")

    return per_distinct(values.astype("object"), lookup)
