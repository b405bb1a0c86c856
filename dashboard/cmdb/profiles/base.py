"""What every schema profile provides, and the pieces profiles share."""

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import numpy as np
import pandas as pd
import sqlalchemy as sa

from dashboard.cmdb.distinct import per_distinct

ID_BITS = 52  # ids made from text keys stay below 2**53, exact as JavaScript numbers


class Columns(frozenset[str]):
    """A table's column names in lower case (what profiles test against), remembering how the database spells them."""

    real: dict[str, str]

    def __new__(cls, names: Iterable[str]) -> "Columns":
        names = list(names)
        columns = super().__new__(cls, (name.lower() for name in names))
        columns.real = {name.lower(): name for name in names}
        return columns

    def spelled(self, column: str) -> str:
        """The database's spelling of a column named in any case."""
        return self.real.get(column.lower(), column)


Present = Mapping[str, frozenset[str]]  # the tables a database has (as spelled there), each with its Columns


@dataclass(frozen=True, slots=True)
class Plan:
    """What to read: one SELECT per native table (its columns labelled with native names), and what is missing."""

    statements: dict[str, sa.Select]
    missing_tables: tuple[str, ...] = ()  # native tables read as empty (their source is absent)
    missing_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # source columns read as NULL


class Profile(Protocol):
    """A mapping of some schema onto servicemap's native model."""

    name: str

    def plan(self, engine: sa.Engine, present: Present, health_since: datetime | None) -> Plan:
        """The SELECTs to read, given the tables present (health only from `health_since` on)."""
        ...

    def translate(self, table: str, frame: pd.DataFrame) -> pd.DataFrame:
        """One native table's frame (all native columns present) with values mapped onto the native vocabulary."""
        ...

    def fingerprint_statement(self, present: Present) -> sa.Select | sa.CompoundSelect | None:
        """One SELECT of (name, rows, newest) per source table, whose result changes when the source changes."""
        ...


def present_tables(connection: sa.Connection | sa.Engine) -> Present:
    """Every table of the default schema with its column names, in one catalogue query per kind of object."""
    inspector = sa.inspect(connection)
    columns = inspector.get_multi_columns()
    return {table: Columns(c["name"] for c in cols) for (_schema, table), cols in columns.items()}


def spelled_table(name: str, present: Present) -> str:
    """The database's spelling of a table named in any case (the name itself when no table matches)."""
    if name in present:
        return name
    return next((table for table in present if table.lower() == name.lower()), name)


def change_fingerprint(parts: Iterable[tuple[str, str | None]], present: Present) -> sa.CompoundSelect | None:
    """(name, rows, newest marker) for every (table, marker column) present; a missing marker counts rows only."""
    selects = []
    for table_name, marker in parts:
        if table_name not in present:
            continue
        table = sa.table(table_name, *(sa.column(marker),) if marker else ())
        newest = (
            sa.cast(sa.func.max(table.c[marker]), sa.String)
            if marker and marker in present[table_name]
            else sa.literal("", sa.String)
        )
        selects.append(
            sa.select(
                sa.literal(table_name).label("name"), sa.func.count().label("rows"), newest.label("newest")
            ).select_from(table)
        )
    return sa.union_all(*selects) if selects else None


class SourceTable:
    """A table of the source schema as far as it exists: absent columns read as NULL and are remembered."""

    def __init__(self, name: str, present: Present, missing: list[str], *, alias: str | None = None) -> None:
        self.name = name
        spelled = spelled_table(name, present)  # names match in any case; SQL uses the database's spelling
        self.exists = spelled in present
        self._columns = present.get(spelled, Columns(()))
        self._missing = missing
        self.table = sa.table(spelled).alias(alias) if alias else sa.table(spelled)

    def has(self, column: str) -> bool:
        """True when the source table has this column (in any case)."""
        return column.lower() in self._columns

    def c(self, column: str, type_: sa.types.TypeEngine | None = None) -> sa.ColumnElement:
        """The column, or NULL (recorded as missing) when the table does not have it."""
        if self.has(column):
            real = self._columns.spelled(column) if isinstance(self._columns, Columns) else column
            return sa.column(real, type_, _selectable=self.table)
        if f"{self.name}.{column}" not in self._missing:
            self._missing.append(f"{self.name}.{column}")
        return sa.null()


def stable_ids(keys: pd.Series) -> pd.Series:
    """Text keys (ServiceNow sys_ids, names) as int64 ids that stay the same from one load to the next.

    A whole number below 2**53 keeps its value ("42" and 42 are the same CI, whichever column type holds them).
    A 32-digit hex sys_id keeps its first 13 digits (52 bits, so that ids stay exact as JavaScript numbers in the
    browser and recognisable on screen); any other key is hashed to 52 bits. Two keys meeting on one id (about one
    chance in 10,000 at a million CIs) show as the finding ci.duplicate_id. Missing keys stay missing (nullable Int64).
    """
    return per_distinct(keys, _ids_of).astype("Int64")


def _ids_of(keys: pd.Series) -> pd.Series:
    return pd.Series([_id_of(key) for key in keys], index=keys.index, dtype="float64" if keys.empty else "object")


def _id_of(key: object) -> int | None:
    if key is None or (isinstance(key, float) and np.isnan(key)):
        return None
    if isinstance(key, float) and key.is_integer():
        key = int(key)
    text = str(key).strip()
    if not text:
        return None
    if text.isascii() and text.isdigit() and len(text) <= 15:
        return int(text)
    if len(text) == 32:
        try:
            return int(text[:13], 16)
        except ValueError:
            pass
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") >> (64 - ID_BITS)


def mapped(values: pd.Series, mapping: Mapping[str, str], default: str | None) -> pd.Series:
    """Values looked up (as trimmed lower-case text) in a mapping; anything else, or NULL, becomes `default` (None:
    NULL)."""

    def lookup(distinct: pd.Series) -> pd.Series:
        found = distinct.astype("str").str.strip().str.lower().map(mapping)
        return (found if default is None else found.fillna(default)).astype("str")

    return per_distinct(values, lookup)
