"""Monitoring data: metric time series (`metrics`) and alert or fault lists (`alerts`), see docs/importers.md.

metrics: CSV with timestamp, ci, metric, value and optionally status → one health event per row. servicemap does not
guess what a value means: without a status the event is `unknown` (the value is kept).

alerts: CSV, or JSON (a list of objects, or an object whose values are such lists), with time, ci, type and optionally
severity, summary, resolved_at, number → an incident per alert (numbered stably from time, CI and type unless a
number is given; priority from the severity; `resolved` when a resolve time is given, else `new`) and health events:
`degraded` (`down` for priority 1) at the alert's time, `ok` at its resolve time.
"""

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from dashboard.imports.batch import ImportBatch, Rejection, files_in, frame
from dashboard.imports.csvfile import read_csv
from dashboard.imports.validate import parse_times

UNJUDGED = "unknown"
ALERT_METRIC = "alert"
DEFAULT_PRIORITY = 3
# Severity words as monitoring tools write them → incident priority 1 (critical) … 5 (planning).
PRIORITY_OF_SEVERITY: dict[str, int] = {
    **dict.fromkeys(("critical", "crit", "fatal", "emergency", "disaster", "p1", "1"), 1),
    **dict.fromkeys(("high", "major", "error", "p2", "2"), 2),
    **dict.fromkeys(("medium", "moderate", "average", "warning", "warn", "minor", "p3", "3"), 3),
    **dict.fromkeys(("low", "p4", "4"), 4),
    **dict.fromkeys(("info", "informational", "information", "notice", "planning", "p5", "5"), 5),
}
# Accepted column names → the name used here (the first listed is the documented one).
METRIC_COLUMNS = {"timestamp": "timestamp", "time": "timestamp", "observed_at": "timestamp", "ci": "ci",
                  "metric": "metric", "value": "value", "status": "status"}  # fmt: skip
ALERT_COLUMNS = {"time": "time", "timestamp": "time", "opened_at": "time", "ci": "ci", "type": "type",
                 "severity": "severity", "summary": "summary", "resolved_at": "resolved_at",
                 "number": "number"}  # fmt: skip


def parse_metrics(paths: Sequence[Path]) -> ImportBatch:
    """Metric CSV files (a folder stands for the .csv files in it) as health events."""
    batch = ImportBatch()
    for path in files_in(paths, "*.csv"):
        table = read_csv(path)
        rows = _columns(table.rows, METRIC_COLUMNS)
        missing = [c for c in ("timestamp", "ci", "metric", "value") if c not in rows.columns]
        if missing:
            batch.rejected.append(Rejection(path.name, f"not a metrics file: no {', '.join(missing)} column"))
            continue
        origins = table.origins()
        status = rows["status"].fillna(UNJUDGED) if "status" in rows.columns else UNJUDGED
        health = pd.DataFrame({"ci": rows["ci"], "status": status, "metric": rows["metric"], "value": rows["value"],
                               "observed_at": epoch_as_time(rows["timestamp"])})  # fmt: skip
        batch = batch + ImportBatch(health=frame("health", health, origins))
    return batch


def parse_alerts(paths: Sequence[Path]) -> ImportBatch:
    """Alert lists (CSV or JSON; a folder stands for the files in it) as incidents and health events."""
    batch = ImportBatch()
    for path in files_in(paths, "*.csv", "*.json"):
        if path.suffix.lower() == ".json":
            rows, origins = _read_json(path)
        else:
            table = read_csv(path)
            rows, origins = table.rows, table.origins()
        rows = _columns(rows, ALERT_COLUMNS)
        missing = [c for c in ("time", "ci", "type") if c not in rows.columns]
        if missing:
            batch.rejected.append(Rejection(path.name, f"not an alert list: no {', '.join(missing)} field"))
            continue
        batch = batch + alerts_batch(rows, origins)
    return batch


def alerts_batch(rows: pd.DataFrame, origins: list[str]) -> ImportBatch:
    """Incidents and health events from alert rows: time, ci, type[, severity, summary, resolved_at, number]."""
    rows = rows.reindex(columns=list(dict.fromkeys(ALERT_COLUMNS.values()))).reset_index(drop=True)
    opened, resolved = epoch_as_time(rows["time"]), epoch_as_time(rows["resolved_at"])
    severity = rows["severity"].astype("str").str.strip().str.lower().where(rows["severity"].notna())
    priority = severity.map(PRIORITY_OF_SEVERITY).astype("object")
    priority = priority.where(severity.isna() | priority.notna(), rows["severity"]).fillna(DEFAULT_PRIORITY)
    summary = rows["summary"].where(
        rows["summary"].notna(), rows["type"].astype("str") + " on " + rows["ci"].astype("str")
    )
    derived = [alert_number(*r) for r in zip(_stable_time(opened), rows["ci"], rows["type"], strict=True)]
    number = rows["number"].where(rows["number"].notna(), derived)
    incidents = pd.DataFrame({"number": number, "ci": rows["ci"], "priority": priority,
                              "state": resolved.notna().map({True: "resolved", False: "new"}), "opened_at": opened,
                              "resolved_at": resolved, "summary": summary})  # fmt: skip
    bad = priority.astype("str").isin(("1", "1.0"))
    raised = pd.DataFrame({"ci": rows["ci"], "status": bad.map({True: "down", False: "degraded"}),
                           "metric": ALERT_METRIC, "observed_at": opened})  # fmt: skip
    ended = rows["resolved_at"].notna()
    cleared = pd.DataFrame({"ci": rows["ci"], "status": "ok", "metric": ALERT_METRIC, "observed_at": resolved})[ended]
    alerts = ImportBatch(incidents=frame("incidents", incidents, origins), health=frame("health", raised, origins))
    return alerts + ImportBatch(health=frame("health", cleared, [o for o, e in zip(origins, ended, strict=True) if e]))


def alert_number(time: object, ci: object, kind: object) -> str:
    """A stable incident number for an alert: the same alert imported again gets the same number."""
    digest = hashlib.sha1(f"{time}|{str(ci).strip().lower()}|{kind}".encode(), usedforsecurity=False)
    return "ALR" + digest.hexdigest()[:12].upper()


def epoch_as_time(values: pd.Series) -> pd.Series:
    """Unix times (seconds, or milliseconds with 13 digits) as ISO 8601 UTC text; other values unchanged."""
    text = values.astype("str").str.strip()
    seconds = text.str.fullmatch(r"\d{9,10}(\.\d+)?") & values.notna()
    millis = text.str.fullmatch(r"\d{13}") & values.notna()
    out = values.astype("object").copy()
    for mask, unit in ((seconds, "s"), (millis, "ms")):
        if mask.any():
            stamps = pd.to_datetime(pd.to_numeric(text[mask]), unit=unit, utc=True)
            out[mask] = stamps.dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return out


def _stable_time(values: pd.Series) -> pd.Series:
    """Times written the same way whatever their source format (for numbering); unreadable ones as given."""
    parsed = parse_times(values)
    return parsed.dt.strftime("%Y-%m-%dT%H:%M:%S").where(parsed.notna(), values.astype("str"))


def _columns(rows: pd.DataFrame, accepted: dict[str, str]) -> pd.DataFrame:
    """Rename accepted aliases to their names (the first column present wins); other columns are dropped."""
    chosen: dict[str, str] = {}
    for column in rows.columns:
        name = accepted.get(str(column).strip().lower())
        if name is not None and name not in chosen.values():
            chosen[column] = name
    return rows[list(chosen)].rename(columns=chosen)


def _read_json(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """A JSON alert list: a list of objects, or an object whose values are lists of objects (grouped alerts)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ValueError(f"{path}: not a readable JSON file ({error})") from None
    if isinstance(data, dict):
        items = [(f"{path.name} {group!r} item {n}", item) for group, values in data.items()
                 if isinstance(values, list) for n, item in enumerate(values, 1)]  # fmt: skip
    elif isinstance(data, list):
        items = [(f"{path.name} item {n}", item) for n, item in enumerate(data, 1)]
    else:
        raise ValueError(f"{path}: expected a JSON list of alerts, or an object whose values are lists")
    objects = [(origin, item) for origin, item in items if isinstance(item, dict)]
    if len(objects) != len(items):
        raise ValueError(f"{path}: every alert must be a JSON object")
    rows = pd.DataFrame([{str(k).lower(): (None if v is None else str(v)) for k, v in o.items()} for _, o in objects])
    return rows, [origin for origin, _ in objects]
