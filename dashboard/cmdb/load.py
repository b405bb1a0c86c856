"""Read the CMDB tables into pandas frames: a columnar path (ADBC) where the driver is installed, read_sql otherwise.

Only reads. Every path opens its connection read-only (see connect.py).
"""

import importlib.util
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from dashboard.cmdb import connect, schema
from dashboard.cmdb.connect import parse_url, read_only_engine, sqlite_path
from dashboard.cmdb.profiles import Plan, Profile
from dashboard.cmdb.profiles.base import present_tables
from dashboard.cmdb.profiles.native import NATIVE

TIMESTAMP_COLUMNS: dict[str, tuple[str, ...]] = {
    "ci": ("updated_at",),
    "relationship": ("updated_at",),
    "incident": ("opened_at", "resolved_at", "updated_at"),
    "health": ("observed_at",),
    "change": ("planned_start", "planned_end", "actual_start", "actual_end", "updated_at"),
    "incident_history": ("changed_at",),
    "call_traffic": ("bucket_start", "updated_at"),
}
# Columns nothing reads from a snapshot (no view, finding or details panel): not fetched, not in the frames. The
# fingerprint still reads relationship.updated_at (its own query). At 1M CIs: 1.9M timestamps, ~0.1 s of CPU.
LEFT_OUT: dict[str, tuple[str, ...]] = {"relationship": ("updated_at",)}
# ci's free JSON text: only the details panel shows it, so a snapshot can read it after being published (see
# reading_frames). At 1M CIs it is 60-90 MB, ~0.15-0.25 s of CPU.
ATTRIBUTES = "attributes"
SQLITE_BATCH_ROWS = 65_536
# Largest first, as CMDBs usually are.
READ_ORDER = ("ci", "relationship", "health", "incident", "incident_history", "change", "call_traffic")


Reader = Callable[[str, str], pd.DataFrame]  # (table name, query) -> frame
ReadTable = tuple[pd.DataFrame, float]  # a table's frame and the seconds it took to read


@dataclass(frozen=True, slots=True)
class Frames:
    """The CMDB tables as frames, how they were read, and which tables were missing."""

    tables: dict[str, pd.DataFrame]
    path: str
    seconds: dict[str, float]
    missing_tables: tuple[str, ...] = field(default=())  # absent, or lacking a required column: read as empty
    missing_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # optional columns read as NULL

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def columnar_path(url: sa.URL) -> str | None:
    """The name of the columnar reader for this URL, or None when read_sql must do."""
    backend = url.get_backend_name()
    if backend == "sqlite" and importlib.util.find_spec("adbc_driver_sqlite") and sqlite_path(url):
        return "adbc"
    if backend == "postgresql" and importlib.util.find_spec("adbc_driver_postgresql"):
        return "adbc"
    return None


def load_frames(
    url: str | sa.URL, *, health_since: datetime | None = None, path: str = "auto", profile: Profile = NATIVE
) -> Frames:
    """Read every native table the profile finds (health only from `health_since` on) into frames.

    `path` is "auto" (columnar where possible), "adbc" or "read_sql".
    """
    with reading_frames(url, health_since=health_since, path=path, profile=profile) as pending:
        return pending.frames()


class PendingFrames:
    """The tables being read in the background: each frame as soon as it is read, or all of them as Frames."""

    def __init__(
        self, futures: dict[str, Future[ReadTable]], plan: Plan, path: str, attributes: "DeferredRead | None"
    ) -> None:
        self._futures = futures
        self._plan = plan
        self._path = path
        self.attributes = attributes  # how to read ci.attributes later, when they were left out of the ci frame

    def table(self, name: str) -> pd.DataFrame:
        """One table's frame, waiting while it is read; an empty frame when the CMDB does not have the table."""
        future = self._futures.get(name)
        return future.result()[0] if future else empty_frame(schema.metadata.tables[name])

    def frames(self) -> Frames:
        """Every table, waiting until all are read."""
        read = {name: future.result() for name, future in self._futures.items()}
        tables = {t.name: read[t.name][0] if t.name in read else empty_frame(t) for t in schema.TABLES}
        seconds = {t.name: read[t.name][1] for t in schema.TABLES if t.name in read}
        return Frames(tables, self._path, seconds, self._plan.missing_tables, self._plan.missing_columns)


@dataclass(frozen=True, slots=True)
class DeferredRead:
    """ci's id and attributes as a second SELECT of the profile's ci statement, for reading after the rest."""

    url: sa.URL
    path: str
    profile: Profile
    query: str


@contextmanager
def reading_frames(
    url: str | sa.URL,
    *,
    health_since: datetime | None = None,
    path: str = "auto",
    profile: Profile = NATIVE,
    defer_attributes: bool = False,
) -> Iterator[PendingFrames]:
    """Start reading every native table the profile finds in two background threads (see load_frames); wait on exit.

    With `defer_attributes`, a ci SELECT with an attributes column is read without it; `PendingFrames.attributes`
    then says how to read it afterwards (read_attributes).
    """
    url = parse_url(url)
    engine = read_only_engine(url)
    try:
        if path == "auto":
            path = columnar_path(url) or "read_sql"
        plan, queries, attributes_query = _plan(engine, profile, health_since, defer_attributes)
        deferred = DeferredRead(url, path, profile, attributes_query) if attributes_query else None
        reader = _adbc_reader(url) if path == "adbc" else _read_sql_reader(engine)
        # Two workers: the drivers release the GIL while fetching. Largest tables first, so that both finish together.
        with reader as read, ThreadPoolExecutor(max_workers=2) as pool:
            names = sorted(queries, key=READ_ORDER.index)
            skip = {"ci": (ATTRIBUTES,)} if deferred else {}
            futures = {
                name: pool.submit(_read_table, read, profile, name, queries[name], skip.get(name, ())) for name in names
            }
            try:
                yield PendingFrames(futures, plan, path, deferred)
            except BaseException:
                for future in futures.values():
                    future.cancel()
                raise
    finally:
        engine.dispose()


def _plan(
    engine: sa.Engine, profile: Profile, health_since: datetime | None, defer_attributes: bool = False
) -> tuple[Plan, dict[str, str], str | None]:
    """The profile's plan, each statement as SQL text with the values inlined, and the deferred attributes' SELECT."""
    with engine.connect() as connection:
        present = present_tables(connection)
    plan = profile.plan(engine, present, health_since)
    statements = {name: _without(statement, LEFT_OUT.get(name, ())) for name, statement in plan.statements.items()}
    ci = statements.get("ci")
    attributes = None
    if defer_attributes and ci is not None and ATTRIBUTES in ci.selected_columns:
        columns = ci.selected_columns
        attributes = ci.with_only_columns(columns["id"], columns[ATTRIBUTES])
        statements["ci"] = _without(ci, (ATTRIBUTES,))

    def sql(statement: sa.Select) -> str:
        return str(statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))

    return plan, {name: sql(s) for name, s in statements.items()}, sql(attributes) if attributes is not None else None


def _without(statement: sa.Select, left_out: tuple[str, ...]) -> sa.Select:
    """The profile's SELECT without these columns (whatever the profile computes them from)."""
    columns = [c for c in statement.selected_columns if c.key not in left_out]
    return statement.with_only_columns(*columns) if len(columns) < len(statement.selected_columns) else statement


def read_attributes(deferred: DeferredRead) -> pd.DataFrame:
    """ci's id and attributes columns, read by the same path and translated by the same profile as the ci frame."""
    engine = read_only_engine(deferred.url)
    try:
        reader = _adbc_reader(deferred.url) if deferred.path == "adbc" else _read_sql_reader(engine)
        with reader as read:
            frame = read("ci", deferred.query)
    finally:
        engine.dispose()
    return deferred.profile.translate("ci", _complete(schema.ci, frame))[["id", ATTRIBUTES]]


def native_columns(table: sa.Table) -> list[sa.Column]:
    """The native table's columns a snapshot holds: all but those in LEFT_OUT."""
    left_out = LEFT_OUT.get(table.name, ())
    return [c for c in table.columns if c.name not in left_out]


def _read_table(read: Reader, profile: Profile, name: str, query: str, skip: tuple[str, ...]) -> ReadTable:
    start = time.perf_counter()
    frame = profile.translate(name, _complete(schema.metadata.tables[name], read(name, query), skip))
    return frame, time.perf_counter() - start


@contextmanager
def _adbc_reader(url: sa.URL) -> Iterator[Reader]:
    """Reads through ADBC, one connection per thread (opening one costs ~50 ms on PostgreSQL), closed at the end."""
    options: dict[str, str] = {}
    if url.get_backend_name() == "sqlite":
        import adbc_driver_sqlite
        import adbc_driver_sqlite.dbapi as driver

        target = f"file:{sqlite_path(url).resolve()}?mode=ro"
        # Batches of 64k rows rather than the driver's 1,024: ~10% less CPU for the 1M-row ci table.
        options[adbc_driver_sqlite.StatementOptions.BATCH_ROWS.value] = str(SQLITE_BATCH_ROWS)
    else:
        import adbc_driver_postgresql.dbapi as driver

        target = _libpq_uri(url)
    local = threading.local()
    opened = []

    def read(name: str, query: str) -> pd.DataFrame:
        if not hasattr(local, "connection"):
            local.connection = driver.connect(target)
            opened.append(local.connection)
        with local.connection.cursor() as cursor:
            cursor.adbc_statement.set_options(**options)
            cursor.execute(query)
            return _arrow_frame(name, cursor.fetch_arrow_table())

    try:
        yield read
    finally:
        for connection in opened:
            connection.close()


def _arrow_frame(name: str, table: pa.Table) -> pd.DataFrame:
    """The fetched table as a frame; timestamps stored as text (SQLite) parsed by Arrow, still in the reading thread."""
    for column in TIMESTAMP_COLUMNS[name]:
        position = table.schema.get_field_index(column)
        if position < 0 or not _is_text(table.schema.field(position).type):
            continue
        try:
            parsed = pc.cast(table.column(position), pa.timestamp("us"))
        except pa.ArrowInvalid:
            continue  # not all ISO 8601: normalise() parses it, reading what it cannot parse as NULL
        table = table.set_column(position, column, parsed)
    return table.to_pandas(self_destruct=True, split_blocks=True)


def _libpq_uri(url: sa.URL) -> str:
    """A libpq URI for the same database, read-only and with every wait bounded, as psycopg's (see connect)."""
    base = url.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    query = {**url.query, **connect.libpq_parameters(connect.STATEMENT_TIMEOUT_SECONDS)}
    # libpq decodes %20 but not "+", so the query string is quoted by hand.
    return base + "?" + "&".join(f"{key}={quote(str(value), safe='')}" for key, value in query.items())


@contextmanager
def _read_sql_reader(engine: sa.Engine) -> Iterator[Reader]:
    def read(_name: str, query: str) -> pd.DataFrame:
        with engine.connect() as connection:
            return pd.read_sql(sa.text(query), connection)

    yield read


def _complete(table: sa.Table, frame: pd.DataFrame, skip: tuple[str, ...] = ()) -> pd.DataFrame:
    """The frame with every column of the native table but `skip`, in order (absent optional columns as NULL)."""
    columns = [c for c in native_columns(table) if c.name not in skip]
    for column in columns:
        if column.name not in frame.columns:
            dtype = "float64" if _dtype(column) == "int64" else _dtype(column)  # NULL integers read as NaN
            frame[column.name] = pd.Series(None, dtype=dtype, index=frame.index)
    return normalise(table.name, frame[[c.name for c in columns]])


def normalise(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Give every path's frame the same dtypes: naive-UTC datetimes, whatever the driver returned."""
    for column in TIMESTAMP_COLUMNS[name]:
        if column in frame.columns and not pd.api.types.is_datetime64_dtype(frame[column]):
            frame[column] = _to_datetime(frame[column])
    for column in schema.metadata.tables[name].columns:  # all NULL: as if absent (drivers differ: None or NaN)
        values = frame.get(column.name)
        if _dtype(column) == "str" and values is not None and values.dtype == object and values.isna().all():
            frame[column.name] = values.astype("str")
    return frame


def _to_datetime(values: pd.Series) -> pd.Series:
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC").dt.tz_localize(None)
    return pd.to_datetime(values, format="ISO8601", errors="coerce")


def empty_frame(table: sa.Table) -> pd.DataFrame:
    """An empty frame with the table's columns, for a table the CMDB does not have."""
    frame = pd.DataFrame({c.name: pd.Series(dtype=_dtype(c)) for c in native_columns(table)})
    return normalise(table.name, frame)


def _dtype(column: sa.Column) -> str:
    if isinstance(column.type, sa.Integer):
        return "int64"
    if isinstance(column.type, sa.Float):
        return "float64"
    if isinstance(column.type, sa.DateTime):
        return "datetime64[us]"
    return "str"


def _is_text(arrow_type: pa.DataType) -> bool:
    return pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)
