"""Traces as a source: services and the calls between them, with per-minute figures (see docs/importers.md).

Span files (OTLP JSON, Jaeger JSON, Zipkin v2 JSON, span CSV: spans.py) are read as a stream and paired into
service → service calls (servicegraph.py). Each service becomes a CI (class application, key scope "traces"), each
pair of services that calls a "depends on" relationship from caller to callee, and each (caller, callee, minute) a
row of call traffic: requests, errors, p50 and p95 of the callee's span duration.

A declared service name (OTLP service.name, Jaeger serviceName, Zipkin localEndpoint.serviceName, a span CSV service
column) is the service as it is; a pod or instance name (OTLP k8s.pod.name, a span CSV PodName column) reduces to its
service (`service_of_pod`). `service_pattern` (a regular expression whose group `service`, or else whole match, is the
service) overrides both. Other importers use `service_calls`.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard.imports.batch import ImportBatch, Rejection, files_in, frame
from dashboard.imports.servicegraph import MAX_SPANS, Pairing, ServiceGraph
from dashboard.imports.spans import CHUNK_ROWS, detect, read_spans

SCOPE = "traces"
SERVICE_CLASS = "application"
BUCKET_SECONDS = 60
# A Deployment's pod: <deployment>-<ReplicaSet pod-template hash>-<5 characters>, e.g. frontend-579b9bff58-t2dbm.
# Both suffixes are written in Kubernetes' alphabet for generated names (k8s.io/apimachinery util/rand: no vowels,
# no 0, 1 or 3), so that order-history-queue or ts-voucher-mysql are never taken for pods. A StatefulSet's ordinal
# (redis-cart-0) is kept: each of its pods is an identity of its own, and app-2 may as well be a service's name.
_K8S = "[bcdfghjklmnpqrstvwxz2456789]"
_POD = re.compile(rf"(?P<service>.+)-{_K8S}{{6,10}}-{_K8S}{{5}}")
_REQUIRED = (("trace", "no trace id"), ("span", "no span id"), ("service", "no service"))


def service_of_pod(pod: str) -> str:
    """A pod's service: its name without the replica set and pod suffixes (frontend-579b9bff58-t2dbm → frontend)."""
    match = _POD.fullmatch(pod.strip())
    return match["service"] if match else pod.strip()


def service_namer(pattern: str | None) -> Callable[[str, bool], str]:
    """How a span's service, pod or instance name (`pod` true for the latter two) becomes a service: the pattern's
    group `service` (or its whole match) where it matches, the name itself where not; without a pattern, a declared
    service name as it is and a pod's through `service_of_pod`."""
    if pattern is None:
        return lambda raw, pod: service_of_pod(raw) if pod else raw.strip()
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise ValueError(f"--service-pattern {pattern!r} is not a regular expression ({error})") from None
    group = "service" if "service" in compiled.groupindex else 0

    def name(raw: str, _pod: bool) -> str:  # the pattern says what a service is, of pods as well
        match = compiled.search(raw)
        return (match[group] or raw).strip() if match else raw.strip()

    return name


@dataclass(slots=True)
class SpansRead:
    """The spans of some files paired into calls, the spans rejected, and the files by kind."""

    graph: ServiceGraph
    rejected: list[Rejection] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)  # file name → otlp, jaeger, zipkin, csv or empty

    @property
    def pairing(self) -> Pairing:
        return self.graph.pairing


def read_traces(
    paths: Sequence[Path],
    *,
    service_pattern: str | None = None,
    chunk_rows: int = CHUNK_ROWS,
    max_spans: int = MAX_SPANS,
) -> SpansRead:
    """Every span of the files (a folder: its files) read chunk by chunk and paired; a file without any span is a
    rejection; ValueError naming the file for a file that is not a span file."""
    read = SpansRead(ServiceGraph(service_namer(service_pattern), max_spans=max_spans))
    for path in (f for f in files_in(paths, "*") if f.is_file() and not f.name.startswith(".")):
        try:
            _read_file(path, read, chunk_rows)
        except ValueError as error:
            raise ValueError(str(error) if path.name in str(error) else f"{path}: {error}") from None
    read.graph.finish()
    return read


def _read_file(path: Path, read: SpansRead, chunk_rows: int) -> None:
    span_file = detect(path)
    read.kinds[path.name] = span_file.kind
    where = "line" if span_file.kind == "csv" else "span"
    before, rejected = read.pairing.spans, len(read.rejected)
    for chunk in read_spans(span_file, read.rejected, chunk_rows):
        read.graph.add(_valid(chunk, f"{path.name} {where}", read.rejected))
    if read.pairing.spans == before and len(read.rejected) == rejected:
        read.rejected.append(Rejection(path.name, "no spans to import in this file"))


def _valid(spans: pd.DataFrame, origin: str, rejected: list[Rejection]) -> pd.DataFrame:
    """The spans that can be paired; the others rejected with the first reason that applies."""
    reason = pd.Series("", index=spans.index, dtype="str")
    checks = [*((spans[c].isna(), why) for c, why in _REQUIRED),
              (spans["start_s"].isna(), "no readable start time"),
              (spans["duration_ms"].isna(), "no readable duration or end time")]  # fmt: skip
    for failed, why in checks:
        reason[failed & (reason == "")] = why
    bad = reason != ""
    rejected.extend(
        Rejection(f"{origin} {line}", why) for line, why in zip(spans.loc[bad, "line"], reason[bad], strict=True)
    )
    return spans.loc[~bad]


def parse(paths: Sequence[Path], *, service_pattern: str | None = None) -> ImportBatch:
    """Services, their calls as "depends on" relationships, and the calls' figures per minute."""
    read = read_traces(paths, service_pattern=service_pattern)
    services = read.graph.services
    traffic = read.graph.figures(BUCKET_SECONDS).assign(bucket_seconds=BUCKET_SECONDS)
    edges = traffic[["source", "target"]].drop_duplicates()
    files = ", ".join(sorted(read.kinds)) or "no files"
    # A service's latest span dates its CI: importing the same spans again gives the same row.
    seen = pd.to_datetime([read.graph.last_start[code] for code in range(len(services))], unit="s").floor("s")
    cis = pd.DataFrame({"key": services, "name": services, "class": SERVICE_CLASS, "scope": SCOPE,
                        "attributes": [{"source": "traces"}] * len(services), "updated_at": seen})  # fmt: skip
    between = "calls " + traffic["source"] + " → " + traffic["target"]
    return ImportBatch(
        cis=frame("cis", cis, [f"traces ({s})" for s in services]),
        relationships=frame("relationships", edges.assign(type="depends on"), between[edges.index].tolist()),
        traffic=frame("traffic", traffic, (between + " at " + traffic["bucket_start"].astype("str")).tolist()),
        rejected=read.rejected,
        notes=summary(read, files),
    )


def summary(read: SpansRead, files: str) -> list[str]:
    """What the spans became, every span accounted for."""
    p = read.pairing
    kinds = ", ".join(f"{name} ({kind})" for name, kind in sorted(read.kinds.items()))
    lines = [
        f"spans: {p.spans + len(read.rejected):,} read from {kinds or files}, {p.spans:,} imported, "
        f"{len(read.rejected):,} rejected",
        f"spans: {p.calls:,} calls between services, {p.within:,} within a service, {p.roots:,} roots",
    ]
    if p.unpaired or p.gave_up:
        lines.append(
            f"spans: {p.unpaired + p.gave_up:,} could not be paired: {p.unpaired:,} name a parent span that is not "
            f"in the files, {p.gave_up:,} waited for their parent longer than the store's bound"
        )
    if p.forgotten:
        lines.append(f"spans: {p.forgotten:,} were dropped from the store of possible parents (its bound)")
    return lines


def service_calls(paths: Sequence[Path], *, service_pattern: str | None = None) -> pd.DataFrame:
    """Service → service calls of span files over their whole time: one row per (source, target) with requests,
    errors, p50_ms and p95_ms (of the callee's span duration). ValueError for a file that is not a span file."""
    return read_traces(paths, service_pattern=service_pattern).graph.figures()
