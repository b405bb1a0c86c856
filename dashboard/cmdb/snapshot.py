"""Snapshot: an immutable picture of the CMDB (frames + GraphIndex + findings + fingerprint + load time)."""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

import numpy as np
import pandas as pd
import sqlalchemy as sa

from dashboard.cmdb import quality
from dashboard.cmdb.distinct import per_distinct
from dashboard.cmdb.load import Frames, reading_frames
from dashboard.cmdb.profiles import Profile
from dashboard.cmdb.profiles.native import NATIVE
from dashboard.domain.findings import Finding, Severity
from dashboard.domain.graph import BuiltIndex, GraphIndex, build_index
from dashboard.domain.vocabulary import RELATIONSHIP_TYPE_BY_NAME, UNKNOWN_RELATIONSHIP_CODE

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
    _findings: "LazyFindings" = field(repr=False, compare=False)

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The data-quality findings; computed on first use (the store does it right after publishing), then kept."""
        return self._findings.get()

    @property
    def findings_ready(self) -> bool:
        """True once the findings have been computed (reading `findings` then never waits)."""
        return self._findings.ready

    @property
    def ci(self) -> pd.DataFrame:
        """The CI table; row i is graph node i."""
        return self.tables["ci"]

    def counts(self) -> dict[str, int]:
        """Rows per table, and the edges that made it into the graph."""
        counts = {name: len(frame) for name, frame in self.tables.items()}
        counts["dependency_edges"] = self.index.edge_count
        return counts


class LazyFindings:
    """Findings computed once, by whichever thread asks first (the others wait), then kept; the inputs are dropped."""

    __slots__ = ("_compute", "_lock", "_value")

    def __init__(self, compute: Callable[[], tuple[Finding, ...]]) -> None:
        self._compute: Callable[[], tuple[Finding, ...]] | None = compute
        self._lock = threading.Lock()
        self._value: tuple[Finding, ...] | None = None

    def get(self) -> tuple[Finding, ...]:
        """The findings, computing them if no thread has yet."""
        value = self._value
        if value is None:
            with self._lock:
                value = self._value
                if value is None and self._compute is not None:
                    value = self._value = self._compute()
                    self._compute = None  # drops the inputs (raw classes, …)
        return value if value is not None else ()

    @property
    def ready(self) -> bool:
        """True once the findings have been computed."""
        return self._value is not None


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
    """load_frames then build_snapshot, but the graph index is built while the event tables are still being read."""
    with reading_frames(url, health_since=health_since, path=path, profile=profile) as pending:
        graph = _graph(pending.table("ci"), pending.table("relationship"))
        frames = pending.frames()
    return _snapshot(frames, graph, fingerprint=fingerprint, source=source, version=version)


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


def _snapshot(frames: Frames, graph: _Graph, *, fingerprint: str, source: str, version: int) -> Snapshot:
    tables = {**frames.tables, "ci": graph.ci}
    early = (*_missing_tables(frames), *graph.rejected)
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
        _findings=LazyFindings(partial(_findings, early, tables, graph.raw_class, graph.built)),
    )


def _findings(
    early: tuple[Finding, ...], tables: dict[str, pd.DataFrame], raw_class: pd.Series, built: BuiltIndex
) -> tuple[Finding, ...]:
    return (
        *early,
        *quality.ci_findings(tables["ci"], raw_class, built),
        *quality.relationship_findings(tables["relationship"], built),
        *quality.event_findings(tables, built),
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
        np.asarray(frames.missing_tables),
        "read as empty",
    ) + quality.rows_finding(
        "table.missing_column",
        Severity.INFO,
        "Optional columns the CMDB tables do not have",
        np.asarray(columns),
        "read as empty values",
    )
