"""Service → service calls from spans, the way the OpenTelemetry collector's servicegraph connector and Grafana
Tempo's service graphs find them: a child span is paired with its parent span of the same trace, and a pair whose
services differ is a call from the parent's service to the child's, timed by the child's duration.

Spans arrive in chunks in any order. Every span is kept as a possible parent in a bounded store (a 64-bit hash of
trace and span id and the service: 12 bytes a span), in sorted generations that are merged as they grow (searching
them is a binary search each). A child whose parent has not arrived yet waits, and is tried again against each later
chunk. When the store holds more than `max_spans`, its oldest generation is dropped and the children that were still
waiting longest give up: both are counted (`Pairing`), never dropped unsaid.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

MAX_SPANS = 20_000_000
CONSOLIDATE_PARTS = 64
_MIX = np.uint64(0x9E3779B97F4A7C15)  # spreads the span id's hash before it is combined with the trace id's


@dataclass(slots=True)
class Pairing:
    """How the spans paired: calls between services, calls within one, roots, and what found no parent."""

    spans: int = 0
    calls: int = 0  # child spans whose parent is of another service
    within: int = 0  # child spans whose parent is of the same service
    roots: int = 0  # spans without a parent
    unpaired: int = 0  # child spans whose parent span is not in the files
    gave_up: int = 0  # child spans that waited longer than the store's bound allowed
    forgotten: int = 0  # spans dropped from the store of possible parents (the bound)


@dataclass(slots=True)
class _Calls:
    """The cross-service pairs found so far: caller and callee codes, start (s), the child's duration and error."""

    parts: list[tuple[np.ndarray, ...]] = field(default_factory=list)

    def add(self, *arrays: np.ndarray) -> None:
        if len(arrays[0]):
            self.parts.append(arrays)
        if len(self.parts) >= CONSOLIDATE_PARTS:  # a few large arrays rather than many small ones fragmenting the heap
            self.joined()

    def joined(self) -> tuple[np.ndarray, ...]:
        """Every call so far as one array per field (the parts are released)."""
        if not self.parts:
            return (
                np.empty(0, np.int32),
                np.empty(0, np.int32),
                np.empty(0),
                np.empty(0, np.float32),
                np.empty(0, bool),
            )
        joined = tuple(np.concatenate(arrays) for arrays in zip(*self.parts, strict=True))
        self.parts = [joined]
        return joined


class ServiceGraph:
    """Pairs spans chunk by chunk (`add`), then gives the calls (`calls`) and how the spans paired (`pairing`)."""

    def __init__(self, service_of: Callable[[str, bool], str], *, max_spans: int = MAX_SPANS) -> None:
        self._service_of = service_of
        self._max_spans = max_spans
        self.services: list[str] = []  # service names by code
        self._service_code: dict[str, int] = {}
        self.last_start: dict[int, float] = {}  # service code → start (s) of its latest span
        self._codes: dict[tuple[str, bool], int] = {}  # raw span service, and whether a pod's → its service's code
        self._generations: list[tuple[np.ndarray, np.ndarray]] = []  # (sorted keys, service codes)
        self._waiting = _empty_children()
        self._calls = _Calls()
        self.pairing = Pairing()

    def add(self, spans: pd.DataFrame) -> None:
        """A chunk of valid spans (trace, span, parent, service, pod, start_s, duration_ms, error, shared)."""
        self.pairing.spans += len(spans)
        trace = _hash(spans["trace"])
        codes = self._service_codes(spans["service"], spans["pod"].to_numpy(bool))
        for code, start in pd.Series(spans["start_s"].to_numpy()).groupby(codes).max().items():
            self.last_start[code] = max(start, self.last_start.get(code, start))
        generation = _generation(trace ^ (_hash(spans["span"]) * _MIX), codes, spans["shared"].to_numpy(bool))
        has_parent = spans["parent"].notna().to_numpy()
        self.pairing.roots += int((~has_parent).sum())
        children = spans.loc[has_parent]
        fresh = pd.DataFrame(
            {"parent_key": trace[has_parent] ^ (_hash(children["parent"]) * _MIX), "service": codes[has_parent],
             "start_s": children["start_s"].to_numpy(), "duration_ms": children["duration_ms"].to_numpy("float32"),
             "error": children["error"].to_numpy(bool)}
        )  # fmt: skip
        # Waiting children can only find their parent among the new spans; new children anywhere.
        waiting = self._pair(self._waiting, [generation])
        fresh = self._pair(self._pair(fresh, [generation]), self._generations[::-1])
        self._waiting = pd.concat([waiting, fresh], ignore_index=True) if len(waiting) else fresh
        self._keep(generation)

    def finish(self) -> None:
        """No more spans: the children still waiting have no parent in the files."""
        self.pairing.unpaired += len(self._waiting)
        self._waiting = _empty_children()
        self._generations = []  # no child is looking for a parent any more

    def figures(self, bucket_seconds: int | None = None) -> pd.DataFrame:
        """Requests, errors, p50_ms and p95_ms of the calls per source and target service (and per bucket_start,
        the start of each `bucket_seconds` bucket, when given)."""
        source, target, start, duration, error = self._calls.joined()
        first = int(np.floor_divide(start.min(), bucket_seconds)) if bucket_seconds and len(start) else 0
        figures = _group_figures(self._keys(source, target, start, bucket_seconds, first), duration, error)
        pair = figures.pop("key") >> 32 if bucket_seconds else figures.pop("key")
        names = np.asarray(self.services, dtype=object)
        out = pd.DataFrame({"source": names[pair // max(len(names), 1)].astype(str),
                            "target": names[pair % max(len(names), 1)].astype(str)})  # fmt: skip
        bucket = figures.pop("bucket")
        if bucket_seconds:
            out["bucket_start"] = pd.to_datetime((bucket + first) * bucket_seconds, unit="s")
        return pd.concat([out, pd.DataFrame(figures)], axis=1)

    def _keys(
        self, source: np.ndarray, target: np.ndarray, start: np.ndarray, bucket_seconds: int | None, first: int
    ) -> np.ndarray:
        """Each call's group as one int64: source and target code, and (above 32 bits) the bucket since `first`.
        Computed in place where possible: at 10M spans every temporary array costs tens of MB."""
        key = source.astype(np.int64)
        key *= max(len(self.services), 1)
        key += target
        if bucket_seconds:
            key <<= 32  # buckets of one import span far fewer than 2**32 bucket lengths
            of_call = np.floor_divide(start, bucket_seconds).astype(np.int64)
            of_call -= first
            key |= of_call
        return key

    def _service_codes(self, raw: pd.Series, pod: np.ndarray) -> np.ndarray:
        """Each span's service code, the service named once per distinct (name, pod or not) of the chunk."""
        names, uniques = pd.factorize(raw)
        pairs, inverse = np.unique(names.astype(np.int64) * 2 + pod, return_inverse=True)
        mapped = np.empty(len(pairs), dtype=np.int32)
        for position, pair in enumerate(pairs):
            key = (uniques[pair // 2], bool(pair % 2))
            code = self._codes.get(key)
            if code is None:
                service = self._service_of(*key)
                if service not in self._service_code:
                    self._service_code[service] = len(self.services)
                    self.services.append(service)
                code = self._codes[key] = self._service_code[service]
            mapped[position] = code
        return mapped[inverse.reshape(-1)]

    def _pair(self, children: pd.DataFrame, generations: list[tuple[np.ndarray, np.ndarray]]) -> pd.DataFrame:
        """Pair the children with parents in the generations (newest first); the unpaired ones are returned."""
        for keys, services in generations:
            if children.empty:
                break
            if not len(keys):  # a chunk whose spans were all rejected: nothing to search (keys[-1] is no key)
                continue
            wanted = children["parent_key"].to_numpy(np.uint64)
            position = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
            found = keys[position] == wanted
            if found.any():
                self._record(children.loc[found], services[position[found]])
                children = children.loc[~found].reset_index(drop=True)
        return children

    def _record(self, children: pd.DataFrame, parents: np.ndarray) -> None:
        child = children["service"].to_numpy(np.int32)
        across = parents != child
        self.pairing.calls += int(across.sum())
        self.pairing.within += int((~across).sum())
        self._calls.add(
            parents[across].astype(np.int32),
            child[across],
            children["start_s"].to_numpy("float64")[across],
            children["duration_ms"].to_numpy("float32")[across],
            children["error"].to_numpy(bool)[across],
        )

    def _keep(self, generation: tuple[np.ndarray, np.ndarray]) -> None:
        """Add a generation; merge the newest into the one before while that is no larger (so that there are about
        log2(chunks) of them and each span is merged about as often); honour the bound."""
        if len(generation[0]):
            self._generations.append(generation)
        while len(self._generations) > 1 and len(self._generations[-2][0]) <= len(self._generations[-1][0]):
            newer, older = self._generations.pop(), self._generations.pop()
            # Both are sorted: inserting the newer keys where they belong merges without sorting again.
            at = np.searchsorted(older[0], newer[0], side="right")
            self._generations.append((np.insert(older[0], at, newer[0]), np.insert(older[1], at, newer[1])))
        while sum(len(keys) for keys, _ in self._generations) > self._max_spans and len(self._generations) > 1:
            self.pairing.forgotten += len(self._generations.pop(0)[0])
        excess = len(self._waiting) - self._max_spans
        if excess > 0:
            self.pairing.gave_up += excess
            self._waiting = self._waiting.iloc[excess:].reset_index(drop=True)


def _generation(keys: np.ndarray, services: np.ndarray, shared: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keys sorted, one entry per key: of a Zipkin span reported by client and server under one id (`shared`), the
    server's half, since the spans it calls are children of the server side."""
    order = np.lexsort((~shared, keys))
    keys, services = keys[order], services[order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return keys[first], services[first]


def _hash(values: pd.Series) -> np.ndarray:
    return pd.util.hash_array(values.to_numpy(dtype=object))


def _empty_children() -> pd.DataFrame:
    return pd.DataFrame(
        {"parent_key": np.empty(0, np.uint64), "service": np.empty(0, np.int32), "start_s": np.empty(0),
         "duration_ms": np.empty(0, np.float32), "error": np.empty(0, bool)}
    )  # fmt: skip


def _group_figures(key: np.ndarray, duration: np.ndarray, error: np.ndarray) -> dict[str, np.ndarray]:
    """Per distinct key (ascending): requests, errors, and p50/p95 of the durations (linear interpolation between
    the closest ranks, as numpy's and pandas' default quantile), in ms rounded to the µs."""
    order = np.lexsort((duration, key))
    key = key[order]
    duration = duration[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.empty(0, np.int64)
    counts = np.diff(np.r_[starts, len(key)])
    errors = np.add.reduceat(error[order], starts, dtype=np.int64) if len(starts) else np.zeros(0, np.int64)
    del order
    out = {
        "key": key[starts],
        "bucket": key[starts] & 0xFFFFFFFF,
        "requests": counts.astype(np.int64),
        "errors": errors,
    }
    for name, q in (("p50_ms", 0.5), ("p95_ms", 0.95)):
        position = (counts - 1) * q
        low = np.floor(position).astype(np.int64)
        high = np.ceil(position).astype(np.int64)
        below, above = duration[starts + low].astype(np.float64), duration[starts + high].astype(np.float64)
        out[name] = np.round(below + (above - below) * (position - low), 3)
    return out
