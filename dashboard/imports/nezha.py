"""The Nezha Online Boutique data set (IntelligentDDS/Nezha): topology, injected faults and metrics, see
docs/importers.md.

Give the data set's folder or any of its date folders. Read: `dependency.csv` (service → service calls become
"depends on", service → node IP placement "runs on"), `*-fault_list.json` (each fault an incident on its service,
resolved FAULT_WINDOW after its injection),
`*_metric.csv` (per pod: CPU, memory and server p99 latency as health) and `front_service.csv` (the shop's success
rate and p99 latency, as health of the business service "Online Boutique", which depends on frontend).
"""

import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.imports.batch import ImportBatch, frame
from dashboard.imports.csvfile import CsvTable, read_csv
from dashboard.imports.traces import service_of_pod

BUSINESS_SERVICE = "Online Boutique"
SERVICE_CLASS = "application"
HOST_CLASS = "virtual_machine"
SOURCE = "Nezha Online Boutique (IntelligentDDS/Nezha, MIT)"
FAULT_PRIORITY = 3  # the data set grades no severity
# The fault lists give no end time; in the metrics a fault's effect lasts about 3 to 7 minutes. A fault's pod samples
# are degraded for this long after its injection, and its incident is resolved when the window ends.
FAULT_WINDOW = pd.Timedelta(minutes=5)
POD_METRICS = {"CpuUsageRate(%)": "cpu_pct", "MemoryUsageRate(%)": "memory_pct",
               "PodServerLatencyP99(s)": "latency_p99_s"}  # fmt: skip
SHOP_METRICS = {"SuccessRate(%)": "success_rate_pct", "LatencyP99(s)": "latency_p99_s"}
NO_VALUE = "NaN"
SUCCESS_DEGRADED_BELOW, SUCCESS_DOWN_BELOW = 99.0, 90.0
_IP = re.compile(r"\d{1,3}(\.\d{1,3}){3}")


def parse(paths: Sequence[Path]) -> ImportBatch:
    """The data set's files found under the given folders (or the files themselves)."""
    files = sorted({f.resolve() for path in paths for f in (path.rglob("*") if path.is_dir() else [path])})
    dependency = [f for f in files if f.name == "dependency.csv"]
    faults = [f for f in files if f.name.endswith("fault_list.json")]
    metrics = [f for f in files if f.name.endswith("_metric.csv")]
    shop = [f for f in files if f.name == "front_service.csv"]
    if not (dependency or faults or metrics or shop):
        shown = ", ".join(str(p) for p in paths)
        raise ValueError(f"{shown}: no Nezha files (dependency.csv, *fault_list.json, *_metric.csv, front_service.csv)")
    fault_rows = _faults(faults)
    batch = _topology(dependency, fault_rows, metrics) if dependency else ImportBatch()
    batch = batch + _incidents(fault_rows)
    for path in metrics:
        batch = batch + _pod_health(path, fault_rows)
    for path in shop:
        batch = batch + _shop_health(path)
    return batch


def _topology(files: list[Path], faults: pd.DataFrame, metrics: list[Path]) -> ImportBatch:
    tables = [_read(f, ("source", "target")) for f in files]
    listed = pd.concat([t.rows.assign(_origin=t.origins()) for t in tables], ignore_index=True)
    edges = listed.drop_duplicates(["source", "target"])
    notes = [_repeats_note(listed.loc[~listed.index.isin(edges.index), "_origin"])] if len(edges) < len(listed) else []
    on_host = edges["target"].str.fullmatch(_IP.pattern)
    pods = pd.concat([faults["inject_pod"], pd.Series([f.name.removesuffix("_metric.csv") for f in metrics])])
    pods_of = pods.drop_duplicates().groupby(pods.drop_duplicates().map(service_of_pod)).agg(sorted)
    services = sorted(set(edges["source"]) | set(edges.loc[~on_host, "target"]))
    hosts = sorted(set(edges.loc[on_host, "target"]))
    cis = [
        {"key": "nezha/business/online-boutique", "name": BUSINESS_SERVICE, "class": "business_service",
         "attributes": {"source": SOURCE}},
        *({"key": f"nezha/service/{s}", "name": s, "class": SERVICE_CLASS,
           "attributes": {"source": SOURCE, "pods": pods_of.get(s, [])}} for s in services),
        *({"key": f"nezha/node/{h}", "name": h, "class": HOST_CLASS,
           "attributes": {"source": SOURCE, "ip": h, "role": "Kubernetes node"}} for h in hosts),
    ]  # fmt: skip
    first = files[0].name
    ci_origins = [f"{first} (the business service)"] + [f"{first} ({c['name']})" for c in cis[1:]]
    relationships = pd.DataFrame(
        {
            "source": "nezha/service/" + edges["source"],
            "target": np.where(on_host, "nezha/node/", "nezha/service/") + edges["target"],
            "type": np.where(on_host, "runs on", "depends on"),
        }
    )
    entry = pd.DataFrame({"source": ["nezha/business/online-boutique"], "target": ["nezha/service/frontend"],
                          "type": ["depends on"]})  # fmt: skip
    return ImportBatch(
        cis=frame("cis", cis, ci_origins),
        relationships=pd.concat(
            [frame("relationships", relationships, edges["_origin"].tolist()),
             frame("relationships", entry, f"{first} (Online Boutique depends on frontend)")],
            ignore_index=True,
        ),
        notes=notes,
    )  # fmt: skip


def _repeats_note(origins: pd.Series) -> str:
    """The calls listed again, imported once: named so that none goes missing unmentioned."""
    shown = ", ".join(origins.head(5)) + (", …" if len(origins) > 5 else "")
    rows = "row repeats" if len(origins) == 1 else "rows repeat"
    return f"{len(origins)} {rows} a source and target listed before, imported once: {shown}"


def _faults(files: list[Path]) -> pd.DataFrame:
    """Every fault of the lists: time (UTC, from the Unix timestamp), pod, service, type, origin."""
    rows = []
    for path in files:
        try:
            groups = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as error:
            raise ValueError(f"{path}: not a readable fault list ({error})") from None
        for hour, faults in groups.items():
            for n, fault in enumerate(faults, 1):
                rows.append({**fault, "_origin": f"{path.name} hour {hour!r} fault {n}"})
    columns = ["inject_time", "inject_timestamp", "inject_pod", "inject_type", "_origin"]
    faults = pd.DataFrame(rows, columns=columns)
    # The timestamp, not inject_time, is the truth: they agree (inject_time is UTC) except in one fault, where the
    # metrics show the effect starting at the timestamp, a minute before inject_time.
    faults["at"] = pd.to_datetime(pd.to_numeric(faults["inject_timestamp"]), unit="s")
    faults["service"] = faults["inject_pod"].map(service_of_pod)
    return faults


def _incidents(faults: pd.DataFrame) -> ImportBatch:
    listed = pd.to_datetime(faults["inject_time"], errors="coerce")
    note = np.where(
        listed != faults["at"],
        " (the list's inject_time " + faults["inject_time"].fillna("") + " disagrees; timestamp used)",
        "",
    )
    incidents = pd.DataFrame(
        {
            "number": "NZ-" + faults["inject_timestamp"].astype("str"),
            "ci": faults["service"],
            "priority": FAULT_PRIORITY,
            "state": "resolved",
            "opened_at": faults["at"],
            "resolved_at": faults["at"] + FAULT_WINDOW,
            "summary": "Injected fault " + faults["inject_type"] + " into pod " + faults["inject_pod"] + note,
        }
    )
    return ImportBatch(incidents=frame("incidents", incidents, faults["_origin"].tolist()))


def _pod_health(path: Path, faults: pd.DataFrame) -> ImportBatch:
    """A pod's CPU, memory and p99 latency; degraded within FAULT_WINDOW after a fault on its service, else ok."""
    table = _read(path, ("timestamp", *(c.lower() for c in POD_METRICS)))
    service = service_of_pod(path.name.removesuffix("_metric.csv"))
    at = pd.to_datetime(pd.to_numeric(table.rows["timestamp"]), unit="s")
    starts = np.sort(faults.loc[faults["service"] == service, "at"].to_numpy(dtype="datetime64[ns]"))
    last = np.searchsorted(starts, at.to_numpy(dtype="datetime64[ns]"), side="right") - 1
    since = at.to_numpy(dtype="datetime64[ns]") - starts[np.maximum(last, 0)] if len(starts) else None
    in_fault = (last >= 0) & (since <= FAULT_WINDOW.to_timedelta64()) if since is not None else np.zeros(len(at), bool)
    status = np.where(in_fault, "degraded", "ok")
    return _health(table, service, at, status, POD_METRICS)


def _shop_health(path: Path) -> ImportBatch:
    """The shop's success rate and p99 latency: degraded below 99 % success, down below 90 %."""
    table = _read(path, ("timestamp", *(c.lower() for c in SHOP_METRICS)))
    at = pd.to_datetime(pd.to_numeric(table.rows["timestamp"]), unit="s")
    success = pd.to_numeric(table.rows["successrate(%)"], errors="coerce")
    status = np.select([success < SUCCESS_DOWN_BELOW, success < SUCCESS_DEGRADED_BELOW], ["down", "degraded"], "ok")
    return _health(table, BUSINESS_SERVICE, at, status, SHOP_METRICS)


def _health(table: CsvTable, ci: str, at: pd.Series, status: np.ndarray, metrics: dict[str, str]) -> ImportBatch:
    """One health row per sample and metric (named by its column in the file), all of a sample with its status."""
    rows, lines = table.rows, table.origins()
    # The data set writes a sample it has no value for as NaN (latency of a service that served no request).
    rows = rows.mask(rows == NO_VALUE)
    parts = [
        frame(
            "health",
            pd.DataFrame(
                {"ci": ci, "status": status, "metric": metric, "value": rows[column.lower()], "observed_at": at}
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
