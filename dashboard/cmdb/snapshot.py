"""Snapshot: an immutable picture of the CMDB (frames + GraphIndex + findings + fingerprint + load time)."""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Generic, TypeVar

import numpy as np
import pandas as pd
import sqlalchemy as sa

from dashboard.cmdb import quality, schema
from dashboard.cmdb.distinct import per_distinct
from dashboard.cmdb.freshness import health_outside_window
from dashboard.cmdb.lifecycle_dates import LifecycleDates, lifecycle_dates
from dashboard.cmdb.load import ATTRIBUTES, DeferredRead, Frames, read_attributes, reading_frames
from dashboard.cmdb.profiles import Profile
from dashboard.cmdb.profiles.native import NATIVE
from dashboard.domain.findings import Finding, Severity
from dashboard.domain.graph import BuiltIndex, GraphIndex, build_index
from dashboard.domain.notices import Notice, old_health
from dashboard.domain.vocabulary import RELATIONSHIP_TYPE_BY_NAME, UNKNOWN_RELATIONSHIP_CODE
from dashboard.logs import cause_of, log_event, new_error_id

T = TypeVar("T")
_MISSING_ID = np.iinfo(np.int64).min  # stands for a NULL id in integer id columns; never a real CI id


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything a request needs to draw a view, built once per refresh and shared read-only."""

    version: int
    tables: dict[str, pd.DataFrame]
    index: GraphIndex
    fingerprint: str
    loaded_at: datetime  # aware UTC
    source: str  # the database URL with its password hidden
    load_path: str
    seconds: dict[str, float]
    class_counts: dict[str, int]  # CIs per (normalised) class, largest first
    _findings: "Lazy[tuple[Finding, ...]]" = field(repr=False, compare=False)
    _attributes: "Lazy[_Attributes]" = field(repr=False, compare=False)
    _lifecycle: "Lazy[LifecycleDates | None]" = field(repr=False, compare=False)
    old_health: Notice | None = None  # set when the health window held no event but the source has older ones

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The data-quality findings; computed on first use (the store does it right after publishing), then kept."""
        return self._findings.get() or ()

    @property
    def findings_ready(self) -> bool:
        """True once the findings have been computed (reading `findings` then never waits)."""
        return self._findings.ready

    def attributes(self, timeout: float | None = None) -> pd.Series | None:
        """ci.attributes (text or NULL) by node position; None while another thread still reads them after `timeout`.

        The CI table does not hold them: load_snapshot reads them after the snapshot is ready, and the store does so
        right after publishing it. None for good when that read failed (see `attributes_error_id`).
        """
        read = self._attributes.get(timeout)
        return read.values if read is not None else None

    def lifecycle_dates(self) -> LifecycleDates | None:
        """The lifecycle dates in the CI attributes, decoded once: the findings check them, lifecycle risk reads them.

        Waits while the attributes are read; None when reading them failed.
        """
        return self._lifecycle.get()

    @property
    def attributes_error_id(self) -> str | None:
        """The error id logged when reading the attributes failed, else None."""
        read = self._attributes.get(0) if self._attributes.ready else None
        return read.error_id if read is not None else None

    @property
    def ci(self) -> pd.DataFrame:
        """The CI table (without its attributes: see `attributes`); row i is graph node i."""
        return self.tables["ci"]

    def counts(self) -> dict[str, int]:
        """Rows per table, and the edges that made it into the graph."""
        counts = {name: len(frame) for name, frame in self.tables.items()}
        counts["dependency_edges"] = self.index.edge_count
        return counts


class Lazy(Generic[T]):
    """A value computed once, by whichever thread asks first (the others wait), then kept; the inputs are dropped."""

    __slots__ = ("_compute", "_lock", "_value")

    def __init__(self, compute: Callable[[], T]) -> None:
        self._compute: Callable[[], T] | None = compute
        self._lock = threading.Lock()
        self._value: T | None = None

    def get(self, timeout: float | None = None) -> T | None:
        """The value, computing it if no thread has yet; None when another thread is still at it after `timeout`."""
        if self._compute is None:
            return self._value
        if not self._lock.acquire(timeout=-1 if timeout is None else timeout):
            return None
        try:
            if self._compute is not None:
                self._value = self._compute()
                self._compute = None  # drops the inputs (raw classes, a database URL, …)
        finally:
            self._lock.release()
        return self._value

    @property
    def ready(self) -> bool:
        """True once the value has been computed (get() then never waits)."""
        return self._compute is None


@dataclass(frozen=True, slots=True)
class _Attributes:
    """ci.attributes by node position, or the error id logged when reading them failed."""

    values: pd.Series | None
    error_id: str | None = None


def normalise_class(raw: pd.Series) -> pd.Series:
    """CI classes as the vocabulary spells them: trimmed, lower case, spaces and dashes as underscores."""
    return per_distinct(raw, _canonical_class)


def _canonical_class(raw: pd.Series) -> pd.Series:
    return raw.astype("str").str.strip().str.lower().str.replace(r"[\s\-]+", "_", regex=True)


def relationship_type_codes(raw: pd.Series) -> np.ndarray:
    """Vocabulary codes of relationship types (trimmed, any case); UNKNOWN_RELATIONSHIP_CODE for other types."""
    return per_distinct(raw, _type_code).to_numpy(dtype=np.int8)


def _type_code(raw: pd.Series) -> pd.Series:
    codes = {name: t.code for name, t in RELATIONSHIP_TYPE_BY_NAME.items()}
    return raw.astype("str").str.strip().str.lower().map(codes).fillna(UNKNOWN_RELATIONSHIP_CODE)


def build_snapshot(frames: Frames, *, fingerprint: str, source: str, version: int = 1) -> Snapshot:
    """Turn loaded frames into a snapshot; dirty rows become findings, never exceptions.

    The graph index is built here; the findings (about a third of the work at 1M CIs) on first use of
    `Snapshot.findings`, so that a snapshot can serve maps before they are ready.
    """
    graph = _graph(frames["ci"], frames["relationship"])
    return _snapshot(frames, graph, fingerprint=fingerprint, source=source, version=version)


def load_snapshot(
    url: str | sa.URL,
    *,
    fingerprint: str,
    source: str,
    version: int = 1,
    health_since: datetime | None = None,
    path: str = "auto",
    profile: Profile = NATIVE,
) -> Snapshot:
    """load_frames then build_snapshot, but the graph index is built while the event tables are still being read.

    ci.attributes is read after the snapshot is ready, on first use of `Snapshot.attributes`.
    """
    with reading_frames(url, health_since=health_since, path=path, profile=profile, defer_attributes=True) as pending:
        graph = _graph(pending.table("ci"), pending.table("relationship"))
        frames = pending.frames()
    old = _old_health(url, profile, frames["health"], health_since)
    return _snapshot(
        frames, graph, fingerprint=fingerprint, source=source, version=version, deferred=pending.attributes, old=old
    )


def _old_health(
    url: str | sa.URL, profile: Profile, health: pd.DataFrame, since: datetime | None
) -> tuple[Notice, Finding] | None:
    """The notice and finding when the health window left out every event of a source that has some."""
    if since is None or len(health):
        return None
    outside = health_outside_window(url, profile)
    if not outside.events:
        return None
    now = datetime.now(UTC).replace(tzinfo=None)
    notice = old_health(outside.newest, max(1, round((now - since).total_seconds() / 86400)), now)
    title = "Health events, all older than the health window: every status shows as unknown"
    return notice, Finding(notice.code, Severity.WARNING, title, outside.events, (), notice.text)


@dataclass(frozen=True, slots=True)
class _Graph:
    """The CI table as the snapshot keeps it, its graph index, and what the findings need from building them."""

    ci: pd.DataFrame
    raw_class: pd.Series
    rejected: list[Finding]
    built: BuiltIndex
    seconds: float


def _graph(ci: pd.DataFrame, relationship: pd.DataFrame) -> _Graph:
    start = time.perf_counter()
    ci, rejected = _ci_with_ids(ci)
    raw_class = ci["class"]
    ci = ci.assign(**{"class": normalise_class(raw_class)})
    built = _build_index(ci, relationship)
    return _Graph(ci, raw_class, rejected, built, time.perf_counter() - start)


def _snapshot(
    frames: Frames,
    graph: _Graph,
    *,
    fingerprint: str,
    source: str,
    version: int,
    deferred: DeferredRead | None = None,
    old: tuple[Notice, Finding] | None = None,
) -> Snapshot:
    ci = graph.ci
    if deferred is not None:
        attributes = Lazy(partial(_read_attributes, deferred, ci["id"]))
    else:
        attributes = Lazy(partial(_Attributes, ci[ATTRIBUTES]))
        ci = ci.drop(columns=ATTRIBUTES)
    tables = {**frames.tables, "ci": ci}
    lifecycle = Lazy(partial(_lifecycle_dates, ci, graph.built.index, attributes))
    early = (*_missing_tables(frames), *graph.rejected, *(old[1:] if old else ()))
    return Snapshot(
        version=version,
        tables=tables,
        index=graph.built.index,
        fingerprint=fingerprint,
        loaded_at=datetime.now(UTC),
        source=source,
        load_path=frames.path,
        seconds={**frames.seconds, "index": graph.seconds},
        class_counts={str(k): int(v) for k, v in graph.ci["class"].value_counts().items()},
        _findings=Lazy(partial(_findings, early, tables, graph.raw_class, graph.built, lifecycle)),
        _attributes=attributes,
        _lifecycle=lifecycle,
        old_health=old[0] if old else None,
    )


def _read_attributes(deferred: DeferredRead, ci_ids: pd.Series) -> _Attributes:
    """The deferred read; when the CMDB went away meanwhile, the error id (the panel says so, nothing retries)."""
    try:
        return _Attributes(_attributes_by_position(deferred, ci_ids))
    except Exception as error:
        error_id = new_error_id()
        log_event("attributes_failed", level=logging.ERROR, error_id=error_id, cause=cause_of(error))
        return _Attributes(None, error_id)


def _attributes_by_position(deferred: DeferredRead, ci_ids: pd.Series) -> pd.Series:
    """The attributes read afterwards, lined up with the snapshot's CI rows by id.

    The n-th row of an id takes the n-th row read with that id (so duplicate ids keep their own attributes while the
    database returns rows in the same order); a CI the second read does not find has none.
    """
    read = read_attributes(deferred)
    read = read.loc[read["id"].notna()]
    ids = read["id"]
    if pd.api.types.is_numeric_dtype(ids) and ids.dtype != np.int64:  # as _ci_with_ids does
        ids = ids.astype("int64")
    values = read[ATTRIBUTES].reset_index(drop=True)  # kept as read (Arrow strings), not as a million str objects
    if len(ids) == len(ci_ids) and np.array_equal(ids.to_numpy(), ci_ids.to_numpy()):
        return values
    where = _occurrences(ids).get_indexer(_occurrences(ci_ids))
    found = where >= 0
    return values.iloc[np.where(found, where, 0)].reset_index(drop=True).where(found)


def _occurrences(ids: pd.Series) -> pd.MultiIndex:
    """(id, how many rows with that id came before) for every row: unique even where ids are not."""
    values = ids.to_numpy()
    return pd.MultiIndex.from_arrays([values, ids.groupby(values).cumcount().to_numpy()])


def _lifecycle_dates(ci: pd.DataFrame, index: GraphIndex, attributes: Lazy[_Attributes]) -> LifecycleDates | None:
    read = attributes.get()
    return lifecycle_dates(ci, index, read.values) if read is not None and read.values is not None else None


def _findings(
    early: tuple[Finding, ...],
    tables: dict[str, pd.DataFrame],
    raw_class: pd.Series,
    built: BuiltIndex,
    lifecycle: Lazy[LifecycleDates | None],
) -> tuple[Finding, ...]:
    dates = lifecycle.get()  # the store reads the attributes first; the lifecycle dates in them are checked too
    return (
        *early,
        *quality.ci_findings(tables["ci"], raw_class, built),
        *quality.relationship_findings(tables["relationship"], built),
        *quality.event_findings(tables, built),
        *(dates.findings if dates is not None else ()),
    )


def _ci_with_ids(ci: pd.DataFrame) -> tuple[pd.DataFrame, list[Finding]]:
    """CI rows that have an id (the others cannot be drawn, so they are reported), index reset to positions."""
    no_id = ci["id"].isna()
    findings = quality.rows_finding(
        "ci.missing_id",
        Severity.ERROR,
        "CI rows without an id",
        ci.loc[no_id, "name"],
        "left out: nothing can refer to them",
    )
    ci = ci.loc[~no_id].reset_index(drop=True)
    if pd.api.types.is_numeric_dtype(ci["id"]) and ci["id"].dtype != np.int64:  # float or nullable Int64 ids
        ci["id"] = ci["id"].astype("int64")
    return ci, findings


def _build_index(ci: pd.DataFrame, relationship: pd.DataFrame) -> BuiltIndex:
    class_codes, class_names = pd.factorize(ci["class"], sort=True)
    id_dtype = ci["id"].to_numpy().dtype
    return build_index(
        ci["id"].to_numpy(),
        class_codes.astype(np.int16),
        tuple(str(name) for name in class_names),
        _id_column(relationship["source_id"], id_dtype),
        _id_column(relationship["target_id"], id_dtype),
        relationship_type_codes(relationship["type"]),
    )


def _id_column(values: pd.Series, dtype: np.dtype) -> np.ndarray:
    """An id column as numpy, NULLs replaced by an id no CI has (so they count as dangling)."""
    if dtype.kind in "iu":
        return values.fillna(_MISSING_ID).to_numpy(dtype=np.int64)
    return values.astype("str").fillna("").to_numpy(dtype=object)


def _missing_tables(frames: Frames) -> list[Finding]:
    columns = [f"{table}.{column}" for table, names in frames.missing_columns.items() for column in names]
    return quality.rows_finding(
        "table.missing",
        Severity.WARNING,
        "CMDB tables that do not exist or lack a required column",
        np.asarray([t for t in frames.missing_tables if t not in schema.OPTIONAL_TABLES]),
        "read as empty",
    ) + quality.rows_finding(
        "table.missing_column",
        Severity.INFO,
        "Optional columns the CMDB tables do not have",
        np.asarray(columns),
        "read as empty values",
    )
