"""What the views compute once per snapshot: health roll-up, incident overlay and the name search.

Built once per snapshot — warmed in a background thread as soon as a snapshot is seen, or on first use — and kept
until the snapshot is replaced; the snapshot itself stays immutable. A screen that must never wait (the wall) asks
for the `settled` views: those of the newest snapshot whose warm-up ended, so that a reload's warm-up (seconds at a
million CIs) never holds its refresh; its answer names the time of the data it shows.
"""

import gc
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.cmdb.distinct import status_codes_of
from dashboard.cmdb.snapshot import Snapshot
from dashboard.domain.health import HealthState, own_status_of_codes
from dashboard.domain.incident_groups import OpenIncidents
from dashboard.domain.overlays import IncidentOverlay, change_counts, incident_overlay, is_open
from dashboard.domain.search import NameSearch
from dashboard.domain.traffic import EdgeTraffic, edge_traffic
from dashboard.logs import log_event

T = TypeVar("T")
_NO_CI = np.iinfo(np.int64).min
_MISSING = object()
COMMON_WORD = 2000
_TOKEN_SPLIT = r"[\s\-_.:/()\[\],]+"
RECENT = (
    64  # views kept per snapshot for `recent` keys (one per distinct wall URL, say): an LRU, so URLs cannot grow it
)


YOUNG_OBJECTS = 20_000  # new container objects between two young collections (Python's default is 700)


def settle_heap() -> None:
    """Move the long-lived objects (the snapshot and its views) out of the garbage collector's sight.

    A full collection walks every tracked object; with a big snapshot in memory those walks made one map request in
    twenty take 100 ms instead of 30 (measured at a million CIs). Frozen objects are not walked. Unfreezing first
    hands the previous snapshot's objects back, so that the next collection can free them.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    # A map answer holds some 10,000 dicts and lists until it is sent: with the default threshold (700) that set off
    # about 14 young and one older collection per map at a million CIs (1.5 ms of 23, measured). Objects freed by
    # their reference count before the threshold is reached are never walked at all.
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])


class once(Generic[T]):
    """A per-instance value computed once under the instance's lock: a racing request waits instead of recomputing."""

    def __init__(self, build: Callable[[Any], T]) -> None:
        self.build = build
        self.name = build.__name__
        self.__doc__ = build.__doc__

    def __get__(self, owner: "Derived | None", kind: type | None = None) -> T:
        if owner is None:
            return self  # type: ignore[return-value]
        values = owner.values
        if self.name not in values:
            with owner.lock:
                if self.name not in values:
                    values[self.name] = self.build(owner)
        return values[self.name]


class Derived:
    """Per-snapshot views of the data, each computed once."""

    WARM = ("names", "relationship_ids", "no_changes", "health", "incidents", "open_incidents", "shared_name", "search")
    as_of: str | None = None  # live; the views of a past time (dashboard/asof.py DerivedAsOf) say which

    def __init__(self, snapshot: Snapshot, warmers: tuple[Callable[["Derived"], object], ...] = ()) -> None:
        self.snapshot = snapshot
        self.values: dict[str, object] = {}
        self.lock = threading.RLock()
        self.warmers = warmers  # views of other modules computed in the warm-up too (the default wall)
        self.warmed = threading.Event()  # set when the warm-up ended (also when it failed)
        self._recent: OrderedDict[Hashable, object] = OrderedDict()
        self._recent_lock = threading.Lock()

    def warm(self) -> None:
        """Compute every view now (in a background thread), so that no request waits for one."""
        start = time.perf_counter()
        try:
            for name in self.WARM:
                getattr(self, name)
            for warmer in self.warmers:
                warmer(self)
        except Exception as error:  # a background thread has no caller: log it; a request will meet it again
            log_event("views_failed", level=logging.ERROR, version=self.snapshot.version, cause=repr(error)[:300])
            return
        finally:
            self.warmed.set()
        settle_heap()
        log_event("views_warmed", version=self.snapshot.version, seconds=round(time.perf_counter() - start, 3))

    def recent(self, key: Hashable, build: Callable[[], T]) -> T:
        """A view with a parameter from a request (a wall's URL), computed once per snapshot while among the RECENT
        most recently asked for."""
        found = self._kept_recently(key)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        with self.lock:  # one build at a time, as for `kept`; a view already built is not held up by it
            found = self._kept_recently(key)
            if found is not _MISSING:
                return found  # type: ignore[return-value]
            value = build()
            with self._recent_lock:
                self._recent[key] = value
                while len(self._recent) > RECENT:
                    self._recent.popitem(last=False)
            return value

    def _kept_recently(self, key: Hashable) -> object:
        with self._recent_lock:
            if key not in self._recent:
                return _MISSING
            self._recent.move_to_end(key)
            return self._recent[key]

    @once
    def health(self) -> HealthState:
        """Own and rolled-up status of every CI."""
        events = self.snapshot.tables["health"]
        return own_status_of_codes(
            self.snapshot.index,
            events["ci_id"].pipe(id_array),
            status_codes_of(events["status"]),  # not five million Python strings
            events["observed_at"].to_numpy(dtype="datetime64[ns]"),
        )

    @once
    def incidents(self) -> IncidentOverlay:
        """Open incidents per CI and their worst priority."""
        incidents = self.snapshot.tables["incident"]
        return incident_overlay(
            self.snapshot.index,
            incidents["ci_id"].pipe(id_array),
            incidents["state"].to_numpy(dtype=object),
            incidents["priority"].to_numpy(dtype=np.float64, na_value=np.nan),
        )

    @once
    def open_incidents(self) -> OpenIncidents:
        """The open incidents, those that name no CI included: rows, nodes named, priorities, opening times."""
        incidents = self.snapshot.tables["incident"]
        rows = np.flatnonzero(is_open(incidents["state"].to_numpy(dtype=object)))
        open_ = incidents.iloc[rows]
        return OpenIncidents(
            rows=rows,
            nodes=self.snapshot.index.locate(open_["ci_id"].pipe(id_array)),
            priorities=open_["priority"].to_numpy(dtype=np.float64, na_value=np.nan),
            opened=open_["opened_at"].to_numpy(dtype="datetime64[ns]"),
        )

    def kept(self, key: str, build: Callable[[], T]) -> T:
        """A view with a parameter (`key` names both), computed once per snapshot like the properties above."""
        values = self.values
        if key not in values:
            with self.lock:
                if key not in values:
                    values[key] = build()
        return values[key]  # type: ignore[return-value]

    def built(self, key: str) -> object | None:
        """What `kept` holds under a key, without building it: None until some view asked for it (or the warm-up)."""
        return self.values.get(key)

    @once
    def search(self) -> NameSearch:
        """Type-ahead index over CI names and their words."""
        return _name_search(self.snapshot.ci["name"])

    @once
    def names(self) -> np.ndarray:
        """CI names as a numpy object array (converting a million Arrow strings per request would cost ~70 ms)."""
        return self.snapshot.ci["name"].to_numpy(dtype=object)

    @once
    def relationship_ids(self) -> np.ndarray:
        """The relationship table's id column as numpy, for stable edge ids."""
        return self.snapshot.tables["relationship"]["id"].to_numpy()

    @once
    def no_changes(self) -> np.ndarray:
        """Zero changes for every CI (the change overlay switched off)."""
        return np.zeros(self.snapshot.index.node_count, dtype=np.int32)

    @once
    def shared_name(self) -> np.ndarray:
        """Per CI: True when another CI carries the same name (ignoring case and blanks); such names show the id."""
        key = self.snapshot.ci["name"].astype("str").str.strip().str.casefold()
        return key.duplicated(keep=False).to_numpy()

    @once
    def traffic(self) -> dict[tuple[int, int], EdgeTraffic]:
        """Call traffic (from traces) per (source CI id, target CI id) over the snapshot's window."""
        rows = self.snapshot.tables.get("call_traffic")
        if rows is None or rows.empty:
            return {}
        return edge_traffic(
            rows["source_id"].pipe(id_array),
            rows["target_id"].pipe(id_array),
            rows["bucket_start"].to_numpy(dtype="datetime64[ns]"),
            rows["bucket_seconds"].to_numpy(dtype=np.int64, na_value=0),
            rows["requests"].to_numpy(dtype=np.int64, na_value=0),
            rows["errors"].to_numpy(dtype=np.int64, na_value=0),
            rows["p50_ms"].to_numpy(dtype=np.float64, na_value=np.nan),
            rows["p95_ms"].to_numpy(dtype=np.float64, na_value=np.nan),
        )

    def changes(self, days: int) -> np.ndarray:
        """Changes per CI that started (actual, else planned) in the last `days` days before the snapshot loaded."""
        change = self.snapshot.tables["change"]
        until = np.datetime64(self.snapshot.loaded_at.replace(tzinfo=None), "ns")
        starts = change["actual_start"].fillna(change["planned_start"])
        return change_counts(
            self.snapshot.index,
            change["ci_id"].pipe(id_array),
            starts.to_numpy(dtype="datetime64[ns]"),
            until - np.timedelta64(days, "D"),
            until,
        )


def id_array(values: pd.Series) -> np.ndarray:
    """A CI id column as int64; NULL and non-integer ids become an id no CI has."""
    numbers = pd.to_numeric(values, errors="coerce")
    whole = numbers.notna() & (numbers == numbers.round())
    return numbers.where(whole, _NO_CI).astype("int64").to_numpy()


def _name_search(names: pd.Series) -> NameSearch:
    """Whole names and their words, lower-cased and sorted with Arrow (seconds, not minutes, at a million CIs).

    Words that more than COMMON_WORD CIs share ("corp", "com", "vm") are left out: they would only bloat the index,
    and a name starting with them is still found as a whole.
    """
    whole_names = pc.utf8_lower(
        pc.utf8_trim_whitespace(pa.array(names.astype("str").fillna(""), type=pa.large_string()))
    )
    words = pc.split_pattern_regex(whole_names, _TOKEN_SPLIT)
    flat, owner = pc.list_flatten(words), pc.list_parent_indices(words)
    counts = pc.value_counts(flat)
    common = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), COMMON_WORD))
    useful = pc.and_(
        pc.and_(pc.greater(pc.utf8_length(flat), 0), pc.invert(pc.is_in(flat, value_set=common))),
        pc.not_equal(flat, pc.take(whole_names, owner)),
    )
    keys = pa.concat_arrays([_contiguous(whole_names), _contiguous(pc.filter(flat, useful))])
    nodes = np.concatenate([np.arange(len(whole_names)), pc.filter(owner, useful).to_numpy()])
    whole = np.arange(len(keys)) < len(whole_names)
    order = pc.sort_indices(keys).to_numpy()
    return NameSearch(pc.take(keys, order).to_numpy(zero_copy_only=False), nodes[order], whole[order])


def _contiguous(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


@dataclass
class DerivedCache:
    """The Derived of the current snapshot; a new snapshot gets a new one (warmed in the background), the old one
    is dropped once the new one is warm."""

    warm: bool = True
    warmers: tuple[Callable[[Derived], object], ...] = ()
    _current: Derived | None = None
    _settled: Derived | None = None  # the newest Derived whose warm-up ended
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def of(self, snapshot: Snapshot) -> Derived:
        """The derived views of this snapshot."""
        with self._lock:
            current = self._current
            if current is None or current.snapshot is not snapshot:
                current = Derived(snapshot, self.warmers)
                self._current = current
                if self.warm:
                    # Not a daemon: a process that exits while Arrow or numpy work in it would crash at shutdown.
                    threading.Thread(target=self._warm, args=(current,), name="views", daemon=False).start()
                else:
                    current.warmed.set()  # views computed on first use
                    self._settled = current
        return current

    def settled(self, snapshot: Snapshot) -> Derived:
        """This snapshot's views once warm; while they still warm, the previous snapshot's (whose warm-up ended), so
        that a screen is never held by a reload. The first snapshot's views are waited for: there are no others."""
        current = self.of(snapshot)
        if current.warmed.is_set():
            return current
        previous = self._settled
        return previous if previous is not None else current

    def _warm(self, derived: Derived) -> None:
        derived.warm()
        with self._lock:
            if self._current is derived:
                self._settled = derived  # the previous snapshot's views can go now
