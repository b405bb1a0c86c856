"""Data sets in the Nezha layout (IntelligentDDS/Nezha: Online Boutique, Train-Ticket, …): topology, injected faults
and metrics, see docs/importers.md.

Give the data set's folder or any of its date folders. Read: `dependency.csv` (service → service calls become
"depends on", service → node IP placement "runs on"), `*-fault_list.json` (each fault an incident on its service,
resolved FAULT_WINDOW after its injection, see nezha_faults.py), `*_metric.csv` (per pod: CPU, memory and server p99
latency as health) and `front_service.csv` (the system's success rate and p99 latency, as health of the business
service, which depends on the entry point of the calls). Files found again in overlapping folders are read once; the
notes say what was repeated and what was missing.
"""

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.imports.batch import ImportBatch, frame
from dashboard.imports.csvfile import CsvTable, read_csv
from dashboard.imports.nezha_faults import read_faults, timed
from dashboard.imports.traces import service_calls, service_of_pod

SERVICE_CLASS = "application"
HOST_CLASS = "virtual_machine"
FAULT_PRIORITY = 3  # the data set grades no severity
# The fault lists give no end time; in the metrics a fault's effect lasts about 3 to 7 minutes. A fault's pod samples
# are degraded for this long after its injection, and its incident is resolved when the window ends.
FAULT_WINDOW = pd.Timedelta(minutes=5)
POD_METRICS = {"CpuUsageRate(%)": "cpu_pct", "MemoryUsageRate(%)": "memory_pct",
               "PodServerLatencyP99(s)": "latency_p99_s"}  # fmt: skip
SHOP_METRICS = {"SuccessRate(%)": "success_rate_pct", "LatencyP99(s)": "latency_p99_s"}
POD_COLUMNS = ("timestamp", *(c.lower() for c in POD_METRICS))  # a file lacking one is refused
SHOP_COLUMNS = ("timestamp", *(c.lower() for c in SHOP_METRICS))
NO_VALUE = "NaN"
SUCCESS_DEGRADED_BELOW, SUCCESS_DOWN_BELOW = 99.0, 90.0
# The entry point of the business service when the calls have it; else every service that calls but is not called.
ENTRY_SERVICE = "frontend"
# Folders inside a data set: a date folder or a kind of telemetry. The data set's folder is the one above them.
_INNER = re.compile(r"\d{4}-\d{2}-\d{2}|metrics?|traces?|logs?", re.IGNORECASE)
_IP = re.compile(r"\d{1,3}(\.\d{1,3}){3}")
_NOT_METRICS = {"timestamp", "time", "podname", "servicename"}
_CLOCK = r"^(?P<at>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?:\.\d+)? (?P<zone>[+-]\d{4})"


@dataclass(frozen=True, slots=True)
class Samples:
    """The samples of a pod (or of the system) from all its files: each time once."""

    rows: pd.DataFrame  # the files' columns, `_at` (UTC, whole seconds) and `_origin`
    repeated: list[str]  # origins of the samples whose time was read before (overlapping folders or days)
    notes: list[str]


@dataclass(frozen=True, slots=True)
class Found:
    """The data set's files by kind."""

    dependency: list[Path]
    fault_lists: list[Path]
    metrics: list[Path]
    shop: list[Path]
    spans: list[Path]


def parse(paths: Sequence[Path], *, service: str | None = None) -> ImportBatch:
    """The data set's files found under the given folders (or the files themselves); `service` names the business
    service (default: from the data set's folder name, see business_service_name)."""
    found = _find(paths)
    folder = _data_set_folder(paths) if service is None else None
    name = service or business_service_name(folder or "")
    by_pod = {
        pod: [f for f in found.metrics if _pod_of(f) == pod] for pod in dict.fromkeys(map(_pod_of, found.metrics))
    }
    pods = {pod: _samples(files, POD_COLUMNS) for pod, files in by_pod.items()}
    shop = _samples(found.shop, SHOP_COLUMNS) if found.shop else None
    faults, fault_notes = read_faults(found.fault_lists)
    faults, time_notes = timed(faults, _Telemetry(pods), FAULT_WINDOW)
    edges, edge_notes = _dependency_edges(found.dependency) if found.dependency else _calls_from_spans(found.spans)
    batch = ImportBatch(notes=[*_missing(found, name), *edge_notes, *fault_notes, *time_notes])
    named = pd.Series([*faults["inject_pod"], *pods], dtype="object").drop_duplicates()
    pods_of = named.groupby(named.map(service_of_pod)).agg(sorted)
    source = f"{folder or name} (Nezha layout)"
    if not edges.empty or shop:
        batch = batch + topology(edges, name, source, pods_of)
    in_topology = set(edges["source"]) | set(edges["target"])
    batch = batch + _named_services(pods_of.loc[~pods_of.index.isin(in_topology)], source)
    return batch + _incidents(faults) + _health_of(pods, shop, faults, name)


def _named_services(pods_of: pd.Series, source: str) -> ImportBatch:
    """The services that faults or metric files name but the topology does not: placeholders (see batch.py), so that
    a CI already imported under that name is used, and a new one made only when there is none."""
    cis = [{"key": f"nezha/service/{s}", "name": s, "class": SERVICE_CLASS, "placeholder": True,
            "attributes": {"source": source, "pods": pods}} for s, pods in pods_of.items()]  # fmt: skip
    origins = [f"{pods[0]} (named by a fault or metric file)" for pods in pods_of]
    return ImportBatch(cis=frame("cis", cis, origins)) if cis else ImportBatch()


def _find(paths: Sequence[Path]) -> Found:
    """The data set's files under the paths; ValueError when there is none."""
    files = sorted({f.resolve() for path in paths for f in (path.rglob("*") if path.is_dir() else [path])})
    found = Found(
        dependency=[f for f in files if f.name == "dependency.csv"],
        fault_lists=[f for f in files if f.name.endswith("fault_list.json")],
        metrics=[f for f in files if f.name.endswith("_metric.csv")],
        shop=[f for f in files if f.name == "front_service.csv"],
        spans=[f for f in files if f.parent.name.lower() == "trace" and f.suffix == ".csv"],
    )
    if not (found.dependency or found.fault_lists or found.metrics or found.shop):
        shown = ", ".join(str(p) for p in paths)
        raise ValueError(f"{shown}: no Nezha files (dependency.csv, *fault_list.json, *_metric.csv, front_service.csv)")
    return found


def _health_of(pods: dict[str, Samples], shop: Samples | None, faults: pd.DataFrame, name: str) -> ImportBatch:
    """Every pod's health and the system's, with the notes of their files."""
    batch = ImportBatch()
    for pod, samples in pods.items():
        batch = batch + _pod_health(pod, samples.rows, faults)
        batch.notes.extend(samples.notes)
    if repeated := [origin for samples in pods.values() for origin in samples.repeated]:
        batch.notes.append(_repeated_samples_note(repeated, len(POD_METRICS)))
    if shop is not None:
        batch = batch + _shop_health(shop.rows, name)
        batch.notes.extend(shop.notes)
        if shop.repeated:
            batch.notes.append(_repeated_samples_note(shop.repeated, len(SHOP_METRICS)))
    return batch


def business_service_name(folder: str) -> str:
    """The business service's default name, from the data set's folder: its words without a leading "nezha",
    capitalised (nezha-online-boutique → Online Boutique, train_ticket → Train Ticket)."""
    words = [w for w in re.split(r"[-_\s]+", folder) if w]
    if len(words) > 1 and words[0].lower() == "nezha":
        words = words[1:]
    return " ".join(w[:1].upper() + w[1:] for w in words) or "Nezha data set"


def entry_points(calls: pd.DataFrame) -> list[str]:
    """The services the business service depends on: frontend when it is among the calls, else each service that
    calls another and that nothing calls."""
    services = set(calls["source"]) | set(calls["target"])
    if ENTRY_SERVICE in services:
        return [ENTRY_SERVICE]
    return sorted(set(calls["source"]) - set(calls["target"]))


def topology(edges: pd.DataFrame, name: str, source: str, pods_of: pd.Series) -> ImportBatch:
    """CIs and relationships from the edges (source, target, _origin: service → service calls, service → node IP
    placement), with the business service `name` depending on the entry points. Whatever the edges came from."""
    on_host = edges["target"].str.fullmatch(_IP.pattern).astype("bool")
    calls = edges.loc[~on_host]
    endpoints = pd.DataFrame({"ci": [*edges["source"], *edges["target"]], "_origin": [*edges["_origin"]] * 2})
    endpoints = endpoints.drop_duplicates("ci")
    business = "nezha/business/" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    cis = [{"key": business, "name": name, "class": "business_service", "attributes": {"source": source}}]
    origins = [f"{name} (the business service)"]
    for ci, origin in zip(endpoints["ci"], endpoints["_origin"], strict=True):
        host = bool(_IP.fullmatch(ci))
        attributes = {"source": source, "ip": ci, "role": "Kubernetes node"} if host else {
            "source": source, "pods": pods_of.get(ci, [])}  # fmt: skip
        cis.append({"key": f"nezha/{'node' if host else 'service'}/{ci}", "name": ci,
                    "class": HOST_CLASS if host else SERVICE_CLASS, "attributes": attributes})  # fmt: skip
        origins.append(f"{origin} ({ci})")
    entries = entry_points(calls)
    relationships = pd.DataFrame(
        {
            "source": ["nezha/service/" + s for s in edges["source"]] + [business] * len(entries),
            "target": [
                ("nezha/node/" if h else "nezha/service/") + t for t, h in zip(edges["target"], on_host, strict=True)
            ]
            + ["nezha/service/" + e for e in entries],
            "type": np.where(on_host, "runs on", "depends on").tolist() + ["depends on"] * len(entries),
        }
    )
    entry_origins = [f"{name} depends on {e} (its entry point)" for e in entries]
    notes = [] if entries or edges.empty else [f"no entry point among the calls: {name} depends on no service"]
    return ImportBatch(
        cis=frame("cis", cis, origins),
        relationships=frame("relationships", relationships, [*edges["_origin"], *entry_origins]),
        notes=notes,
    )


def _data_set_folder(paths: Sequence[Path]) -> str:
    """The name of the data set's folder: the given folder, or the one above its date and telemetry folders."""
    names = set()
    for path in paths:
        folder = path.resolve() if path.is_dir() else path.resolve().parent
        while _INNER.fullmatch(folder.name) and folder.parent != folder:
            folder = folder.parent
        names.add(folder.name)
    if len(names) > 1:
        raise ValueError(
            f"folders of several data sets ({', '.join(sorted(names))}): name the business service with --service"
        )
    return names.pop()


def _pod_of(path: Path) -> str:
    return path.name.removesuffix("_metric.csv")


def _missing(found: Found, name: str) -> list[str]:
    """What the data set lacks, said, so that an import that found little is not taken for a complete one."""
    checked = ", and the fault times not checked against metrics" if found.fault_lists else ""
    return [
        *(["no *fault_list.json: no incidents"] if not found.fault_lists else []),
        *([f"no *_metric.csv: no pod health{checked}"] if not found.metrics else []),
        *([f"no front_service.csv: no health of {name}"] if not found.shop else []),
    ]


def _dependency_edges(files: list[Path]) -> tuple[pd.DataFrame, list[str]]:
    """The calls and placements of dependency.csv, each once, with a note naming the rows that repeat one."""
    tables = [_read(f, ("source", "target")) for f in files]
    listed = pd.concat([t.rows.assign(_origin=t.origins()) for t in tables], ignore_index=True)
    edges = listed.drop_duplicates(["source", "target"])
    again = listed.loc[~listed.index.isin(edges.index), "_origin"]
    return edges[["source", "target", "_origin"]].reset_index(drop=True), [_repeats_note(again)] if len(again) else []


def _calls_from_spans(spans: list[Path]) -> tuple[pd.DataFrame, list[str]]:
    """The service calls that the span files show (parent and child spans of two services, as the traces import
    derives them), and the note saying where the topology came from."""
    if not spans:
        empty = pd.Series(dtype="str")
        return pd.DataFrame({"source": empty, "target": empty, "_origin": empty}), [
            "no dependency.csv and no span files (trace/*.csv): no service calls read"
        ]
    calls = service_calls(spans)
    files = f"{len(spans)} span file{'s' if len(spans) != 1 else ''}"
    origins = f"{files}: " + calls["source"] + " calls " + calls["target"]
    edges = calls[["source", "target"]].assign(_origin=origins).reset_index(drop=True)
    requests = int(calls["requests"].sum())
    calls_said = f"{len(edges)} service call{'s' if len(edges) != 1 else ''}"
    note = f"no dependency.csv: {calls_said} derived from {files} ({requests:,} cross-service requests)"
    return edges, [note]


def _repeats_note(origins: pd.Series) -> str:
    """The calls listed again, imported once: named so that none goes missing unmentioned."""
    shown = ", ".join(origins.head(5)) + (", …" if len(origins) > 5 else "")
    rows = "row repeats" if len(origins) == 1 else "rows repeat"
    return f"{len(origins)} {rows} a source and target listed before, imported once: {shown}"


def _samples(files: list[Path], required: tuple[str, ...]) -> Samples:
    """The samples of one pod's (or the system's) files, each time once (the first file's, in path order)."""
    tables = [_read(f, required) for f in files]
    rows = pd.concat([t.rows.assign(_origin=t.origins()) for t in tables], ignore_index=True)
    at, disagree = _sample_times(rows)
    rows["_at"] = at
    again = rows["_at"].duplicated() & rows["_at"].notna()  # a sample with no time is left to the checks
    notes = [_clock_note(t.path.name, disagree[rows["_origin"].isin(t.origins())]) for t in tables]
    return Samples(
        rows.loc[~again].reset_index(drop=True), rows.loc[again, "_origin"].tolist(), [n for n in notes if n]
    )


def _sample_times(rows: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each sample's time (UTC, whole seconds): from `Time`, which names its zone ("… +0000 UTC m=+0.3"), else from
    `TimeStamp`; and how far TimeStamp is from it where they disagree (a file of the Online Boutique set has epochs
    6 years ahead)."""
    epoch = pd.to_datetime(pd.to_numeric(rows["timestamp"], errors="coerce"), unit="s")
    if "time" not in rows.columns:
        return epoch, pd.Series(pd.NaT, index=rows.index)
    text = rows["time"].str.extract(_CLOCK)
    wall = pd.to_datetime(text["at"] + text["zone"], format="%Y-%m-%d %H:%M:%S%z", errors="coerce", utc=True)
    wall = wall.dt.tz_localize(None)
    off = (epoch - wall).abs()
    return wall.fillna(epoch), off.where(off > pd.Timedelta(seconds=1))


def _clock_note(name: str, off: pd.Series) -> str:
    """The samples whose TimeStamp disagrees with their Time, said (Time used)."""
    if off.notna().sum() == 0:
        return ""
    return (
        f"{name}: TimeStamp disagrees with Time in {off.notna().sum()} of {len(off)} samples (by up to {off.max()});"
        " Time used, it names its zone"
    )


def _repeated_samples_note(repeated: list[str], metrics: int) -> str:
    shown = ", ".join(repeated[:5]) + (", …" if len(repeated) > 5 else "")
    return (
        f"{len(repeated) * metrics} health rows ({len(repeated)} samples) repeat a pod (or the system) and time read"
        f" before (overlapping folders or days), imported once: {shown}"
    )


class _Telemetry(Mapping[str, pd.DataFrame]):
    """Each pod's metrics as numbers, made when a fault time is checked against them (most lists need none)."""

    def __init__(self, pods: dict[str, Samples]) -> None:
        self._pods = pods
        self._made: dict[str, pd.DataFrame] = {}

    def __getitem__(self, pod: str) -> pd.DataFrame:
        if pod not in self._made:
            self._made[pod] = _numeric(self._pods[pod].rows)
        return self._made[pod]

    def __iter__(self) -> Iterator[str]:
        return iter(self._pods)

    def __len__(self) -> int:
        return len(self._pods)


def _numeric(rows: pd.DataFrame) -> pd.DataFrame:
    """A pod's metrics as numbers indexed by sample time (UTC): the telemetry fault times are checked against."""
    columns = [c for c in rows.columns if c not in _NOT_METRICS and not c.startswith("_")]
    values = rows[columns].apply(pd.to_numeric, errors="coerce").set_axis(rows["_at"]).dropna(axis="columns", how="all")
    return values.loc[values.index.notna()].sort_index()


def _incidents(faults: pd.DataFrame) -> ImportBatch:
    """Each fault an incident on its service, resolved when its window ends; the summary says where the list's two
    time fields disagree, and which was used."""
    if faults.empty:
        return ImportBatch()
    disagree = faults["inject_timestamp"].notna() & faults["inject_time"].notna()
    disagree &= faults["inject_timestamp"] != faults["inject_time"]
    given = zip(disagree, faults["field"], faults["wall_text"], faults["epoch_text"], strict=True)
    note = [
        (f" (the list's inject_time {wall} disagrees; inject_timestamp used)" if used == "inject_timestamp"
         else f" (the list's inject_timestamp {epoch} disagrees; inject_time used)") if differ else ""
        for differ, used, wall, epoch in given
    ]  # fmt: skip
    incidents = pd.DataFrame(
        {
            "number": faults["number"],
            "ci": faults["service"],
            "priority": FAULT_PRIORITY,
            "state": "resolved",
            "opened_at": faults["at"],
            "resolved_at": faults["at"] + FAULT_WINDOW,
            "summary": "Injected fault " + faults["inject_type"] + " into pod " + faults["inject_pod"] + note,
        }
    )
    return ImportBatch(incidents=frame("incidents", incidents, faults["_origin"].tolist()))


def _pod_health(pod: str, rows: pd.DataFrame, faults: pd.DataFrame) -> ImportBatch:
    """A pod's CPU, memory and p99 latency; degraded within FAULT_WINDOW after a fault on its service, else ok."""
    service = service_of_pod(pod)
    at = rows["_at"]
    starts = np.sort(faults.loc[faults["service"] == service, "at"].to_numpy(dtype="datetime64[ns]"))
    last = np.searchsorted(starts, at.to_numpy(dtype="datetime64[ns]"), side="right") - 1
    since = at.to_numpy(dtype="datetime64[ns]") - starts[np.maximum(last, 0)] if len(starts) else None
    in_fault = (last >= 0) & (since <= FAULT_WINDOW.to_timedelta64()) if since is not None else np.zeros(len(at), bool)
    status = np.where(in_fault, "degraded", "ok")
    return _health(rows, service, at, status, POD_METRICS)


def _shop_health(rows: pd.DataFrame, name: str) -> ImportBatch:
    """The system's success rate and p99 latency: degraded below 99 % success, down below 90 %."""
    at = rows["_at"]
    success = pd.to_numeric(rows["successrate(%)"], errors="coerce")
    status = np.select([success < SUCCESS_DOWN_BELOW, success < SUCCESS_DEGRADED_BELOW], ["down", "degraded"], "ok")
    return _health(rows, name, at, status, SHOP_METRICS)


def _health(rows: pd.DataFrame, ci: str, at: pd.Series, status: np.ndarray, metrics: dict[str, str]) -> ImportBatch:
    """One health row per sample and metric (named by its column in the file), all of a sample with its status."""
    lines = rows["_origin"].tolist()
    # The data set writes a sample it has no value for as NaN (latency of a service that served no request).
    values = rows.mask(rows == NO_VALUE)
    parts = [
        frame(
            "health",
            pd.DataFrame(
                {"ci": ci, "status": status, "metric": metric, "value": values[column.lower()], "observed_at": at}
            ),
            [f"{line} {column}" for line in lines],
        )
        for column, metric in metrics.items()
    ]
    return ImportBatch(health=pd.concat(parts, ignore_index=True))


def _read(path: Path, required: tuple[str, ...]) -> CsvTable:
    """A CSV file of the data set; ValueError when it cannot be read or lacks a column the import needs."""
    table = read_csv(path)
    missing = [c for c in required if c not in table.rows.columns]
    if missing:
        raise ValueError(f"{path}: not a Nezha file: no {', '.join(missing)} column")
    return table
