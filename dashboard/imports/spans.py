"""Span files of four kinds, told apart by content and read as a stream of span frames (see docs/importers.md).

- OpenTelemetry OTLP/JSON: ExportTraceServiceRequest objects (resourceSpans → scopeSpans → spans), one per line as
  the collector's file exporter writes them, or one document.
- Jaeger JSON: the query API's and the UI's export, {"data": [trace, …]}; a trace per line works as well.
- Zipkin v2 JSON: a list of spans (or of traces, each a list of spans); a span per line works as well.
- Span CSV: a header naming the trace id, span id, parent id, service (or pod), start and duration (or end) columns.

Every frame has SPAN_COLUMNS; `line` numbers a span in its file (the CSV line, else the span's position) so that a
rejection can say where it came from; `pod` says that `service` is a pod or instance name (span CSV PodName, OTLP
k8s.pod.name), not a declared service name. Nothing is held whole: CSV is read in chunks of rows, JSON lines line by
line and one JSON document with ijson, item by item. A JSON line that does not parse, or a document that breaks off,
is a rejection (the list given to `read_spans`), not the end of the import.
"""

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import ijson
import numpy as np
import pandas as pd

from dashboard.imports.batch import Rejection

SPAN_COLUMNS = ("trace", "span", "parent", "service", "pod", "start_s", "duration_ms", "error", "shared", "line")
CHUNK_ROWS = 50_000  # measured: 200,000 rows took more memory and no less time (benchmarks/traces.py)
PEEK_BYTES = 65_536
LINE_LIMIT = 64 * 2**20  # a first line longer than this is taken for one big document, read with ijson
SCAN_LINES = 1_000  # a JSON file whose first line does not parse: how many lines to try for one that does
# Values a parent column holds for "no parent".
NO_PARENT = frozenset({"", "root", "none", "null", "0", "0000000000000000", "00000000000000000000000000000000"})
ERROR_VALUES = frozenset({"error", "2", "status_code_error", "err", "failed", "failure", "true"})
# A column named `error` holds a flag: these (or a number other than 0) are failed; 0, false, empty and the rest ok.
ERROR_FLAGS = frozenset({"true", "t", "yes", "y", "error", "err", "failed", "failure"})
# Span CSV headers, compared lower case without anything but letters and digits: the first match names the column.
CSV_NAMES: dict[str, tuple[str, ...]] = {
    "trace": ("traceid", "trace"),
    "span": ("spanid", "span", "id"),
    "parent": ("parentid", "parentspanid", "parent"),
    "service": ("servicename", "service", "localservicename", "podname", "pod", "instance", "host"),
    "start": ("starttimeunixnano", "starttime", "start", "timestamp", "time"),
    "end": ("endtimeunixnano", "endtime", "end"),
    "duration": ("durationms", "durationus", "durationns", "duration", "latencyms", "latency"),
    "status": ("statuscode", "status", "otelstatuscode", "error"),
}
POD_NAMES = frozenset({"podname", "pod", "instance", "host"})  # service headers that hold pod or instance names
DURATION_UNIT_MS = {"durationms": 1.0, "latencyms": 1.0, "durationus": 1e-3, "durationns": 1e-6,
                    "duration": 1e-3, "latency": 1e-3}  # fmt: skip
_NAME = re.compile(r"[^0-9a-z]")


@dataclass(frozen=True, slots=True)
class SpanFile:
    """A span file and what its content says it is: kind (otlp, jaeger, zipkin, csv; empty: nothing but blanks) and
    layout (lines, document)."""

    path: Path
    kind: str
    layout: str


def detect(path: Path) -> SpanFile:
    """What a file holds, from its first bytes and first line; ValueError for anything else."""
    with path.open("rb") as file:
        head = file.read(PEEK_BYTES).lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head:
            return SpanFile(path, "empty", "empty")  # nothing to read: read_traces rejects it
        if head[:1] not in (b"{", b"["):
            return SpanFile(path, "csv", "csv")
        file.seek(0)
        first = file.readline(LINE_LIMIT)
    try:
        value = json.loads(first.decode("utf-8-sig")) if first.endswith(b"\n") or len(first) < LINE_LIMIT else None
    except ValueError:
        value = None
    if value is not None:
        return SpanFile(path, _kind_of(value, path), "lines")
    kind = _document_kind(path)
    if kind is not None:
        return SpanFile(path, kind, "document")
    # Not one document either: JSON lines whose first line is broken (it is rejected when read).
    return SpanFile(path, _kind_of(_first_json_line(path), path), "lines")


def read_spans(span_file: SpanFile, rejected: list[Rejection], chunk_rows: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
    """The file's spans as frames of at most `chunk_rows` rows; JSON that does not parse is added to `rejected`."""
    if span_file.kind == "empty":
        return
    if span_file.kind == "csv":
        yield from _csv_chunks(span_file.path, chunk_rows)
        return
    yield from _chunks(_json_spans(span_file, rejected), chunk_rows)


def _kind_of(value: object, path: Path) -> str:
    if isinstance(value, list):
        return "zipkin"
    if isinstance(value, dict):
        if "resourceSpans" in value:
            return "otlp"
        if "data" in value or ("spans" in value and "traceID" in value):
            return "jaeger"
        if "traceId" in value and "id" in value:
            return "zipkin"
    raise ValueError(f"{path}: JSON, but not OTLP (resourceSpans), Jaeger (data) or Zipkin v2 spans")


def _document_kind(path: Path) -> str | None:
    """The kind of one big JSON document, from its first top-level key or array (read with ijson, not loaded); None
    where the JSON breaks before saying."""
    with path.open("rb") as file:
        try:
            for prefix, event, value in ijson.parse(file, multiple_values=True):
                if prefix == "" and event == "start_array":
                    return "zipkin"
                if prefix == "" and event == "map_key":
                    if value == "resourceSpans":
                        return "otlp"
                    if value in ("data", "spans"):
                        return "jaeger"
        except (ijson.JSONError, ValueError):
            return None
    raise ValueError(f"{path}: JSON, but not OTLP (resourceSpans), Jaeger (data) or Zipkin v2 spans")


def _first_json_line(path: Path) -> object:
    """The first of the first SCAN_LINES lines that is JSON on its own; ValueError naming the file where none is."""
    with path.open("rb") as file:
        for _, line in zip(range(SCAN_LINES), file, strict=False):
            try:
                return json.loads(line)
            except ValueError:
                continue
    raise ValueError(f"{path}: not a span file: it starts like JSON but is not valid JSON, as a document or by line")


def _json_spans(span_file: SpanFile, rejected: list[Rejection]) -> Iterator[dict[str, object]]:
    """Span records (SPAN_COLUMNS but `line`) of a JSON file, one document or one per line."""
    name = span_file.path.name
    with span_file.path.open("rb") as file:
        if span_file.layout == "lines":
            documents: Iterable[object] = _json_lines(file, name, rejected)
        else:
            documents = _document_items(file, span_file.kind)
        try:
            for document in documents:
                yield from _spans_of(document, span_file.kind)
        except (ijson.JSONError, ValueError) as error:  # only a document read with ijson breaks here
            rejected.append(Rejection(name, f"the JSON document is not valid after its last readable span ({error})"))


def _json_lines(file: Iterable[bytes], name: str, rejected: list[Rejection]) -> Iterator[object]:
    """The documents of a JSON-lines file; a line that is not JSON is rejected with its number."""
    for number, line in enumerate(file, 1):
        if not line.strip():
            continue
        try:
            yield json.loads(line)
        except ValueError as error:  # UnicodeDecodeError included
            rejected.append(Rejection(f"{name} line {number}", f"not valid JSON ({error})"))


def _document_items(file: object, kind: str) -> Iterator[object]:
    """The top-level items of one document (or of several in a row, as JSON lines too long to read as lines), one
    at a time: resource spans, traces, or Zipkin spans."""
    options = {"use_float": True, "multiple_values": True}
    if kind == "otlp":
        yield from ({"resourceSpans": [item]} for item in ijson.items(file, "resourceSpans.item", **options))
    elif kind == "jaeger":
        yield from ({"data": [item]} for item in ijson.items(file, "data.item", **options))
    else:
        yield from ijson.items(file, "item", **options)


def _spans_of(document: object, kind: str) -> Iterator[dict[str, object]]:
    if kind == "otlp":
        yield from _otlp(document)
    elif kind == "jaeger":
        traces = document.get("data", [document]) if isinstance(document, dict) else document
        for trace in traces or ():
            yield from _jaeger(trace)
    else:
        yield from _zipkin(document)


def _otlp(request: object) -> Iterator[dict[str, object]]:
    """OTLP/JSON (opentelemetry-proto's JSON mapping): hex ids, times as nanosecond strings, status.code 2 = error."""
    for resource_spans in _dict(request).get("resourceSpans") or ():
        attributes = _otlp_attributes(_dict(resource_spans.get("resource")).get("attributes"))
        service = attributes.get("service.name") or attributes.get("k8s.pod.name")
        pod = not attributes.get("service.name")
        # Before OTLP 1.0 scopeSpans was called instrumentationLibrarySpans.
        scopes = resource_spans.get("scopeSpans") or resource_spans.get("instrumentationLibrarySpans") or ()
        for scope in scopes:
            for span in _dict(scope).get("spans") or ():
                start, end = _number(span.get("startTimeUnixNano")), _number(span.get("endTimeUnixNano"))
                code = str(_dict(span.get("status")).get("code", "")).lower()
                yield {
                    "trace": span.get("traceId"), "span": span.get("spanId"), "parent": span.get("parentSpanId"),
                    "service": service, "pod": pod, "start_s": start / 1e9, "duration_ms": (end - start) / 1e6,
                    "error": code in ("2", "status_code_error"), "shared": False,
                }  # fmt: skip


def _otlp_attributes(attributes: object) -> dict[str, str]:
    out = {}
    for attribute in attributes or ():
        value = _dict(_dict(attribute).get("value"))
        text = value.get("stringValue")
        if text is not None:
            out[str(attribute.get("key"))] = str(text)
    return out


def _jaeger(trace: object) -> Iterator[dict[str, object]]:
    """A Jaeger trace: spans name their process (its serviceName), CHILD_OF references their parent; µs times."""
    trace = _dict(trace)
    processes = _dict(trace.get("processes"))
    for span in trace.get("spans") or ():
        span = _dict(span)
        parents = [r for r in span.get("references") or () if _dict(r).get("refType") == "CHILD_OF"]
        parent = parents[0].get("spanID") if parents else span.get("parentSpanID")
        process = _dict(span.get("process")) or _dict(processes.get(span.get("processID")))
        tags = {str(t.get("key")): t.get("value") for t in span.get("tags") or () if isinstance(t, dict)}
        error = str(tags.get("error", "")).lower() == "true" or str(tags.get("otel.status_code", "")) == "ERROR"
        yield {
            "trace": span.get("traceID") or trace.get("traceID"), "span": span.get("spanID"), "parent": parent,
            "service": process.get("serviceName"), "start_s": _number(span.get("startTime")) / 1e6,
            "duration_ms": _number(span.get("duration")) / 1e3, "error": error, "shared": False,
        }  # fmt: skip


def _zipkin(spans: object) -> Iterator[dict[str, object]]:
    """Zipkin v2 spans (a list, a list of traces, or one span): µs times, the tag "error" present = error."""
    for span in spans if isinstance(spans, list) else [spans]:
        if isinstance(span, list):
            yield from _zipkin(span)
            continue
        span = _dict(span)
        yield {
            "trace": span.get("traceId"), "span": span.get("id"), "parent": span.get("parentId"),
            "service": _dict(span.get("localEndpoint")).get("serviceName"),
            "start_s": _number(span.get("timestamp")) / 1e6, "duration_ms": _number(span.get("duration")) / 1e3,
            "error": "error" in _dict(span.get("tags")), "shared": bool(span.get("shared")),
        }  # fmt: skip


def _chunks(records: Iterator[dict[str, object]], chunk_rows: int) -> Iterator[pd.DataFrame]:
    rows: list[dict[str, object]] = []
    for line, record in enumerate(records, 1):
        record["line"] = line
        rows.append(record)
        if len(rows) >= chunk_rows:
            yield _span_frame(pd.DataFrame(rows))
            rows = []
    if rows:
        yield _span_frame(pd.DataFrame(rows))


def _span_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """Ids and services as trimmed text (missing: NULL), parents without their "no parent" spellings."""
    out = raw.reindex(columns=list(SPAN_COLUMNS))
    for column in ("trace", "span", "parent", "service"):
        text = out[column].astype("str").str.strip()
        out[column] = text.where(out[column].notna() & (text != "")).astype("object")
    out["trace"], out["span"], out["parent"] = (out[c].str.lower() for c in ("trace", "span", "parent"))
    out["parent"] = out["parent"].where(~out["parent"].isin(NO_PARENT))
    out["start_s"] = pd.to_numeric(out["start_s"], errors="coerce").astype("float64")
    out["duration_ms"] = pd.to_numeric(out["duration_ms"], errors="coerce").astype("float64")
    out["error"] = out["error"].fillna(False).astype(bool)
    out["shared"] = out["shared"].fillna(False).astype(bool)
    out["pod"] = out["pod"].eq(True)  # JSON of Jaeger and Zipkin names services only: NaN here
    out["line"] = out["line"].astype("int64")
    return out


def _csv_chunks(path: Path, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """The spans of a CSV file; none of an empty one (read_traces rejects it), ValueError for another CSV file."""
    options = {"dtype": "str", "keep_default_na": False, "encoding": "utf-8-sig"}
    try:
        # The header alone first: a file of another kind is refused even when it holds no row.
        columns = _csv_columns(path, list(pd.read_csv(path, nrows=0, **options).columns))
        reader = pd.read_csv(path, chunksize=chunk_rows, **options)
    except pd.errors.EmptyDataError:
        return
    except (UnicodeDecodeError, pd.errors.ParserError) as error:
        raise ValueError(f"{path}: not a readable span CSV file ({error})") from None
    try:
        line = 2  # the header is line 1
        for chunk in reader:
            yield _csv_spans(chunk, columns, line)
            line += len(chunk)
    except (UnicodeDecodeError, pd.errors.ParserError) as error:
        raise ValueError(f"{path}: not a readable span CSV file ({error})") from None
    finally:
        reader.close()


def _csv_columns(path: Path, header: list[str]) -> dict[str, str]:
    """Which header names each span field (field → header as written)."""
    plain = {_NAME.sub("", name.lower()): name for name in header}
    columns = {}
    for field, names in CSV_NAMES.items():
        found = next((n for n in names if n in plain), None)
        if found is not None:
            columns[field] = plain[found]
            columns[f"{field}_name"] = found
    missing = [f for f in ("trace", "span", "service", "start") if f not in columns]
    if "duration" not in columns and "end" not in columns:
        missing.append("duration or end")
    if missing:
        shown = ", ".join(map(repr, header[:12]))
        raise ValueError(f"{path}: not a span file: no {', '.join(missing)} column (columns are {shown})")
    return columns


def _csv_spans(chunk: pd.DataFrame, columns: dict[str, str], line: int) -> pd.DataFrame:
    start = epoch_seconds(chunk[columns["start"]])
    if "end" in columns:
        duration = _between_ms(chunk[columns["start"]], chunk[columns["end"]], start)
    else:
        duration = (
            pd.to_numeric(chunk[columns["duration"]], errors="coerce") * DURATION_UNIT_MS[columns["duration_name"]]
        )
    status = chunk[columns["status"]].str.strip().str.lower() if "status" in columns else None
    raw = pd.DataFrame(
        {
            "trace": chunk[columns["trace"]],
            "span": chunk[columns["span"]],
            "parent": chunk[columns["parent"]] if "parent" in columns else None,
            "service": chunk[columns["service"]],
            "pod": columns["service_name"] in POD_NAMES,
            "start_s": start,
            "duration_ms": duration,
            "error": _csv_errors(status, columns["status_name"]) if status is not None else False,
            "shared": False,
            "line": np.arange(line, line + len(chunk), dtype=np.int64),
        },
        index=chunk.index,
    )
    return _span_frame(raw.reset_index(drop=True))


def _between_ms(start: pd.Series, end: pd.Series, start_s: pd.Series) -> pd.Series:
    """End minus start in ms; whole numbers subtracted before scaling (nanoseconds since 1970 overflow float's 53
    bits)."""
    first, last = pd.to_numeric(start, errors="coerce"), pd.to_numeric(end, errors="coerce")
    if first.notna().all() and last.notna().all():
        scale = np.select([first >= 1e17, first >= 1e14, first >= 1e11], [1e-6, 1e-3, 1.0], 1e3)
        return (last - first) * scale
    return (epoch_seconds(end) - start_s) * 1e3


def _csv_errors(status: pd.Series, header: str) -> pd.Series:
    """Failed: in a column named `error`, a flag (1, true, yes, … or any number but 0); in a status column, ERROR,
    2 or STATUS_CODE_ERROR (OTLP's codes: 1 is OK there), true, or an HTTP status 500-599."""
    code = pd.to_numeric(status, errors="coerce")
    if header == "error":
        return status.isin(ERROR_FLAGS) | (code.notna() & (code != 0))
    return status.isin(ERROR_VALUES) | ((code >= 500) & (code <= 599))


def epoch_seconds(values: pd.Series) -> pd.Series:
    """Times as seconds since 1970 (UTC): numbers in s, ms, µs or ns by their size, else ISO 8601 text; NaN where
    unreadable."""
    number = pd.to_numeric(values, errors="coerce")
    scale = np.select([number >= 1e17, number >= 1e14, number >= 1e11], [1e-9, 1e-6, 1e-3], 1.0)
    seconds = number * scale
    text = number.isna() & values.notna() & (values.astype("str").str.strip() != "")
    if text.any():
        parsed = pd.to_datetime(values[text], format="ISO8601", errors="coerce", utc=True)
        seconds[text] = (parsed - pd.Timestamp(0, tz="UTC")).dt.total_seconds()
    return seconds.astype("float64")


def _number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}
