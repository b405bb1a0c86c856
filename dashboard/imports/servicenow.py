"""ServiceNow CSV exports (a list's "Export → CSV") of cmdb_ci or a cmdb_ci_* class, cmdb_rel_ci, incident and
change_request.

A CSV export holds display values by default: a reference (cmdb_ci, parent, child) is the referenced record's name,
a choice is its label ("1 - Critical", "In Progress"), a date is in the exporting user's format and time zone. Its
header holds field names (number, short_description) unless the instance exports labels ("Number", "Short
description"). Both forms, and raw codes, are read; each file is recognised by its name, else by its columns.
Values map through dashboard/cmdb/profiles/statuses.py; docs/servicenow.md has the details and a worked example.
"""

import json
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd

from dashboard.cmdb.profiles import statuses
from dashboard.cmdb.profiles.base import mapped
from dashboard.cmdb.profiles.servicenow import ci_status, native_class, priorities, relationship_types, states
from dashboard.imports.batch import HISTORY_COLUMNS, ORIGIN, ImportBatch, Rejection, empty, frame, parse_files
from dashboard.imports.csvfile import read_csv
from dashboard.imports.incident_history import (
    FILE,
    MOD_COUNT,
    ORDERED,
    TRACKED,
    UNREADABLE,
    collapse,
    is_audit_trail,
    reject_unreadable,
)

# Column labels of an export with labelled headers → field names (the default header).
LABELS: dict[str, str] = {
    "sys id": "sys_id", "number": "number", "name": "name", "class": "sys_class_name",
    "operational status": "operational_status", "install status": "install_status", "location": "location",
    "support group": "support_group", "owned by": "owned_by", "business criticality": "busines_criticality",
    "used for": "used_for", "updated": "sys_updated_on", "parent": "parent", "child": "child", "type": "type",
    "configuration item": "cmdb_ci", "service": "business_service", "business service": "business_service",
    "priority": "priority", "state": "state", "incident state": "incident_state", "opened": "opened_at",
    "resolved": "resolved_at", "short description": "short_description", "planned start date": "start_date",
    "planned end date": "end_date", "actual start date": "work_start", "actual end date": "work_end",
    "channel": "contact_type", "updates": "sys_mod_count",
}  # fmt: skip
# Values that stand for "nothing" in an export.
EMPTY = frozenset({"", "?", "(empty)", "null"})
DATE_COLUMNS = ("sys_updated_on", "sys_updated_at", "opened_at", "resolved_at", "start_date", "end_date", "work_start",
                "work_end")  # fmt: skip
_DAY_MONTH = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(.*)$")


def parse_servicenow(paths: Sequence[Path]) -> ImportBatch:
    """Read ServiceNow CSV exports (a folder stands for the .csv files in it). The incident files of one import are
    one export: an audit trail split over several files (a list export is capped at 10,000 or 50,000 rows per file)
    becomes each incident at its latest update over all of them."""
    batch = parse_files(paths, "*.csv", _parse_file)
    trail = batch.incidents
    return replace(batch, incidents=empty("incidents")) + _incidents(trail) if len(trail) else batch


def _parse_file(path: Path) -> ImportBatch:
    table = read_csv(path)
    rows = _cleaned(table.rows)
    kind = _kind(path.stem.lower(), set(rows.columns))
    if kind is None:
        reason = "not a ServiceNow export of cmdb_ci, cmdb_ci_*, cmdb_rel_ci, incident or change_request"
        shown = ", ".join(map(repr, rows.columns[:8]))  # names from the file: control characters escaped
        return ImportBatch(rejected=[Rejection(path.name, f"{reason} (columns: {shown})")])
    origins = pd.Series(table.origins(), index=rows.index, dtype="object")
    rows, unreadable = _dates(rows)
    if kind == "incidents":  # collapsed with the other incident files' rows (parse_servicenow)
        return ImportBatch(incidents=_incident_rows(rows, origins, unreadable, path.name))
    bad = unreadable.dropna()
    rejected = [Rejection(origin, why, kind) for origin, why in zip(origins.loc[bad.index], bad, strict=True)]
    rows, origins = rows.loc[unreadable.isna()], origins.loc[unreadable.isna()]
    build = {"cis": _cis, "relationships": _relationships, "changes": _changes}[kind]
    parsed, more = build(rows, origins.loc[rows.index], path.stem.lower())
    return ImportBatch(**{kind: parsed}, rejected=[*rejected, *more])


def _cleaned(rows: pd.DataFrame) -> pd.DataFrame:
    """Field names for headers, trimmed text for values, ServiceNow's "nothing" values as NULL."""
    rows = rows.rename(columns=lambda c: LABELS.get(c, c.replace(" ", "_")))
    rows = rows.loc[:, ~rows.columns.duplicated()]
    for column in rows.columns:
        text = rows[column].astype("str").str.strip()
        rows[column] = text.where(rows[column].notna() & ~text.str.lower().isin(EMPTY))
    return rows


def _kind(stem: str, columns: set[str]) -> str | None:
    """The batch part a file holds, by its table name, else by its columns."""
    if stem == "incident":
        return "incidents"
    if stem == "change_request":
        return "changes"
    if stem == "cmdb_rel_ci" or {"parent", "child", "type"} <= columns:
        return "relationships"
    if stem.startswith("cmdb_ci"):
        return "cis"
    if "number" in columns:
        planned = {"start_date", "end_date", "work_start", "work_end"} & columns
        return "changes" if planned else "incidents"
    if "name" in columns and ({"sys_class_name", "operational_status", "sys_id"} & columns):
        return "cis"
    return None


def _dates(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Dates as ISO text, and why each row's dates cannot be read (NULL where they can). dd-MM-yyyy and MM-dd-yyyy
    are told apart by the file's other dates; a date that could be either, in a file that does not tell, makes its row
    unreadable."""
    columns = [c for c in DATE_COLUMNS if c in rows.columns]
    found = {c: rows[c].str.extract(_DAY_MONTH) for c in columns}
    firsts = pd.concat([f[0] for f in found.values()]).dropna().astype(int) if found else pd.Series(dtype=int)
    seconds = pd.concat([f[1] for f in found.values()]).dropna().astype(int) if found else pd.Series(dtype=int)
    day_first, month_first = bool((firsts > 12).any()), bool((seconds > 12).any())
    unclear = pd.Series(False, index=rows.index)
    for column, parts in found.items():
        matched = parts[0].notna()
        if not matched.any():
            continue
        first, second = parts[0].astype(float), parts[1].astype(float)
        if day_first == month_first:  # neither or both: only dates with day == month are certain
            unclear |= matched & (first != second)
        day, month = (first, second) if day_first else (second, first)
        iso = parts[2] + "-" + _two(month) + "-" + _two(day) + parts[3].fillna("")
        rows[column] = iso.where(matched, rows[column])
    why = "both dd-MM-yyyy and MM-dd-yyyy in one file" if day_first and month_first else "a date such as 03-04-2024"
    reason = f"{why}: the day and the month cannot be told apart"
    return rows, pd.Series(reason, index=rows.index, dtype="object").where(unclear)


def _two(numbers: pd.Series) -> pd.Series:
    return numbers.astype("Int64").astype("str").str.zfill(2)


def _column(rows: pd.DataFrame, name: str) -> pd.Series:
    return rows[name] if name in rows.columns else pd.Series(None, index=rows.index, dtype="object")


def _cis(rows: pd.DataFrame, origins: pd.Series, stem: str) -> tuple[pd.DataFrame, list[Rejection]]:
    raw_class = _column(rows, "sys_class_name")
    if stem.startswith("cmdb_ci_"):  # a class table's export: the file says the class
        raw_class = raw_class.fillna(stem)
    sys_id = _column(rows, "sys_id")
    attributes = [
        json.dumps({k: v for k, v in (("sys_id", s), ("sys_class_name", c), *dates) if isinstance(v, str) and v})
        for s, c, dates in zip(sys_id, raw_class, _lifecycle(rows), strict=True)
    ]
    parsed = {
        "key": sys_id,
        "name": _column(rows, "name"),
        "class": native_class(raw_class),
        "status": ci_status(_column(rows, "operational_status"), _column(rows, "install_status")),
        "criticality": _optional(_column(rows, "busines_criticality"), statuses.SERVICENOW_CRITICALITY),
        "environment": _optional(_column(rows, "used_for"), statuses.SERVICENOW_ENVIRONMENT),
        "location": _column(rows, "location"),
        "owner": _column(rows, "support_group").fillna(_column(rows, "owned_by")),
        "updated_at": _column(rows, "sys_updated_on"),
        "attributes": attributes,
    }
    return frame("cis", pd.DataFrame(parsed, index=rows.index), origins.tolist()), []


def _lifecycle(rows: pd.DataFrame) -> list[tuple[tuple[str, object], ...]]:
    """Each row's lifecycle dates as (native attribute, text as exported): kept as written, checked when shown."""
    present = [(column, native) for column, native in statuses.SERVICENOW_LIFECYCLE.items() if column in rows.columns]
    columns = [rows[column].astype("object").str.strip().tolist() for column, _ in present]
    return [
        tuple((native, values[i]) for (_, native), values in zip(present, columns, strict=True))
        for i in range(len(rows))
    ]


def _optional(values: pd.Series, mapping: dict[str, str]) -> pd.Series:
    return mapped(values, mapping, None)


def _relationships(rows: pd.DataFrame, origins: pd.Series, _stem: str) -> tuple[pd.DataFrame, list[Rejection]]:
    kind, parent_first = relationship_types(_column(rows, "type"))
    parent, child = _column(rows, "parent"), _column(rows, "child")
    parsed = {
        "source": parent.where(parent_first, child),
        "target": child.where(parent_first, parent),
        "type": kind.where(_column(rows, "type").notna()),
        "updated_at": _column(rows, "sys_updated_on"),
    }
    return frame("relationships", pd.DataFrame(parsed, index=rows.index), origins.tolist()), []


def _incident_rows(rows: pd.DataFrame, origins: pd.Series, unreadable: pd.Series, file_name: str) -> pd.DataFrame:
    """One incident file's rows, each as it reads (not yet collapsed), with what collapsing them needs: the update
    count, whether the file orders updates at all, why a row is unreadable, and the file's name."""
    raw = _column(rows, "priority")
    priority = priorities(raw).astype("object").where(priorities(raw).notna(), raw)  # unknown: rejected with text
    state = _column(rows, "state").fillna(_column(rows, "incident_state"))
    ordered = bool({"sys_mod_count", "sys_updated_on", "sys_updated_at"} & set(rows.columns))
    return pd.DataFrame(
        {
            "number": _column(rows, "number"),
            "ci": _column(rows, "cmdb_ci"),
            "priority": priority,
            "state": states(state, statuses.SERVICENOW_INCIDENT_STATE).where(state.notna()),
            "opened_at": _column(rows, "opened_at"),
            "resolved_at": _column(rows, "resolved_at"),
            "summary": _column(rows, "short_description"),
            "updated_at": _column(rows, "sys_updated_on").fillna(_column(rows, "sys_updated_at")),
            **{name: _column(rows, name) for name in ("assignment_group", "category", "location", "contact_type")},
            "business_service": _column(rows, "business_service"),
            "assigned_to": _column(rows, "assigned_to"),
            ORIGIN: origins,
            MOD_COUNT: pd.to_numeric(_column(rows, "sys_mod_count"), errors="coerce"),
            ORDERED: ordered,
            UNREADABLE: unreadable,
            FILE: file_name,
        },
        index=rows.index,
    ).reset_index(drop=True)


def _incidents(rows: pd.DataFrame) -> ImportBatch:
    """Incidents from the rows of every incident file of the import; an audit trail (several rows per number) as
    each incident's latest row and its history. A number with an unreadable row is rejected whole."""
    rows, rejected = reject_unreadable(rows)
    history, notes = pd.DataFrame(columns=list(HISTORY_COLUMNS)), []
    parsed = rows.drop(columns=[MOD_COUNT, ORDERED, UNREADABLE, FILE])
    if rows[ORDERED].any() and is_audit_trail(parsed["number"]):
        parsed, history = collapse(parsed, rows[MOD_COUNT])
        files = ", ".join(rows[FILE].unique())
        notes.append(
            f"{files}: {len(rows):,} rows are the audit trail of {len(parsed):,} incidents, each imported at its "
            f"latest update; {len(history):,} changes of {', '.join(TRACKED)} kept as their history"
        )
    no_priority = parsed["priority"].isna()
    rejected += [Rejection(o, "no priority", "incidents") for o in parsed.loc[no_priority, ORIGIN]]
    kept = parsed.loc[~no_priority]
    incidents = frame("incidents", kept, kept[ORIGIN].tolist())
    return ImportBatch(incidents=incidents, incident_history=history, rejected=rejected, notes=notes)


def _changes(rows: pd.DataFrame, origins: pd.Series, _stem: str) -> tuple[pd.DataFrame, list[Rejection]]:
    state = _column(rows, "state")
    parsed = {
        "number": _column(rows, "number"),
        "ci": _column(rows, "cmdb_ci"),
        "state": states(state, statuses.SERVICENOW_CHANGE_STATE).where(state.notna()),
        "summary": _column(rows, "short_description"),
        "planned_start": _column(rows, "start_date"),
        "planned_end": _column(rows, "end_date"),
        "actual_start": _column(rows, "work_start"),
        "actual_end": _column(rows, "work_end"),
        "updated_at": _column(rows, "sys_updated_on"),
        "type": _column(rows, "type"),
        "assignment_group": _column(rows, "assignment_group"),
    }
    return frame("changes", pd.DataFrame(parsed, index=rows.index), origins.tolist()), []
