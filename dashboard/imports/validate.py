"""Check a batch part against the native model: required values, vocabularies, times, CI references.

Rows that fail get the first reason that applies; nothing is dropped without one.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from dashboard.cmdb.snapshot import normalise_class
from dashboard.domain.vocabulary import (
    CHANGE_STATES,
    CI_STATUSES,
    CRITICALITIES,
    ENVIRONMENTS,
    HEALTH_BY_NAME,
    INCIDENT_PRIORITIES,
    INCIDENT_STATES,
    RELATIONSHIP_TYPE_BY_NAME,
)
from dashboard.imports.batch import ORIGIN, Rejection

Resolve = Callable[[pd.Series], tuple[pd.Series, pd.Series]]  # references -> (ids, reasons where not found)
MAX_TEXT = 255
# An incident's optional text columns and their sizes (schema.incident).
CHANGE_TEXT = {"type": 32, "assignment_group": 128}
INCIDENT_TEXT = {"assignment_group": 128, "category": 128, "location": 128, "contact_type": 64, "business_service": 255}
DEFAULT_CI_STATUS = "operational"


@dataclass(slots=True)
class Checked:
    """A part's rows that passed (native columns, ids resolved) and the ones that did not."""

    rows: pd.DataFrame
    rejected: list[Rejection] = field(default_factory=list)


class _Reasons:
    """The first reason each row fails, accumulated check by check."""

    def __init__(self, index: pd.Index) -> None:
        self.text = pd.Series("", index=index, dtype="str")

    def add(self, failed: pd.Series, reason: str | pd.Series) -> None:
        fresh = failed.fillna(False).astype(bool) & (self.text == "")
        self.text[fresh] = reason[fresh] if isinstance(reason, pd.Series) else reason

    @property
    def failed(self) -> pd.Series:
        return self.text != ""


def check_part(part: str, rows: pd.DataFrame, resolve: Resolve | None = None) -> Checked:
    """Validate one part; CI references are resolved with `resolve` (not needed for cis)."""
    rows = rows.reset_index(drop=True)
    reasons = _Reasons(rows.index)
    out = _CHECKS[part](rows, reasons, resolve)
    rejected = [
        Rejection(str(origin), reason, part)
        for origin, reason in zip(rows.loc[reasons.failed, ORIGIN], reasons.text[reasons.failed], strict=True)
    ]
    out[ORIGIN] = rows[ORIGIN]  # the writer may still turn a row away (an ambiguous placeholder), naming it
    return Checked(out.loc[~reasons.failed].reset_index(drop=True), rejected)


def _cis(rows: pd.DataFrame, reasons: _Reasons, _resolve: Resolve | None) -> pd.DataFrame:
    name = _text(rows["name"])
    reasons.add(name.isna(), "no name")
    reasons.add(name.str.len() > MAX_TEXT, f"name longer than {MAX_TEXT} characters")
    cls = normalise_class(_text(rows["class"]).fillna(""))
    reasons.add(cls == "", "no class")
    key = _text(rows["key"]).fillna(name)
    scope = _text(rows["scope"])
    stored = (scope + ":" + key).where(scope.notna(), key)  # unique within its scope (see batch.py); write.py checks
    status = _text(rows["status"]).str.lower().fillna(DEFAULT_CI_STATUS)
    _vocabulary(reasons, status, CI_STATUSES, "status")
    criticality, environment = _text(rows["criticality"]).str.lower(), _text(rows["environment"]).str.lower()
    _vocabulary(reasons, criticality, CRITICALITIES, "criticality", optional=True)
    _vocabulary(reasons, environment, ENVIRONMENTS, "environment", optional=True)
    updated = _time(rows["updated_at"], reasons, "updated_at").fillna(_now())
    attributes = [_attributes(a, k) for a, k in zip(rows["attributes"], stored, strict=True)]
    return pd.DataFrame(
        {
            "key": key,
            "scope": scope,
            "stored_key": stored,
            "name": name,
            "class": cls,
            "status": status,
            "criticality": criticality,
            "environment": environment,
            "location": _text(rows["location"]).str.slice(0, 128),
            "owner": _text(rows["owner"]).str.slice(0, 128),
            "updated_at": updated,
            "attributes": attributes,
        }
    )


def _relationships(rows: pd.DataFrame, reasons: _Reasons, resolve: Resolve | None) -> pd.DataFrame:
    source = _resolved(rows["source"], reasons, resolve, "source")
    target = _resolved(rows["target"], reasons, resolve, "target")
    kind = _text(rows["type"]).str.lower().str.replace(r"[\s_]+", " ", regex=True)
    _vocabulary(reasons, kind, tuple(RELATIONSHIP_TYPE_BY_NAME), "relationship type")
    updated = _time(rows["updated_at"], reasons, "updated_at").fillna(_now())
    types = coded(kind, tuple(RELATIONSHIP_TYPE_BY_NAME))
    return pd.DataFrame({"source_id": source, "target_id": target, "type": types, "updated_at": updated})


def _incidents(rows: pd.DataFrame, reasons: _Reasons, resolve: Resolve | None) -> pd.DataFrame:
    number = _number(rows, reasons)
    ci = _incident_ci(rows, reasons, resolve)
    priority = pd.to_numeric(rows["priority"], errors="coerce")
    reasons.add(~priority.isin(INCIDENT_PRIORITIES), "priority " + _shown(rows["priority"]) + " is not 1 to 5")
    state = _text(rows["state"]).str.lower().str.replace(" ", "_")
    _vocabulary(reasons, state, INCIDENT_STATES, "state")
    opened = _time(rows["opened_at"], reasons, "opened_at")
    reasons.add(opened.isna(), "no opened_at time")
    resolved = _time(rows["resolved_at"], reasons, "resolved_at")
    updated = _time(rows["updated_at"], reasons, "updated_at")
    updated = updated.fillna(resolved.where(resolved > opened, opened)).fillna(_now())
    return pd.DataFrame(
        {
            "number": number,
            "ci_id": ci,
            "priority": priority.fillna(0).astype("int64"),
            "state": state,
            "opened_at": opened,
            "resolved_at": resolved,
            "summary": _text(rows["summary"]).fillna("").str.slice(0, MAX_TEXT),
            "updated_at": updated,
            **{name: _text(rows[name]).str.slice(0, size) for name, size in INCIDENT_TEXT.items()},
        }
    )


def _incident_ci(rows: pd.DataFrame, reasons: _Reasons, resolve: Resolve | None) -> pd.Series:
    """The CI an incident names (a reference that finds no CI rejects the row); else its business service when that
    is a CI; else none: an incident that names no CI is imported without one."""
    named = _text(rows["ci"])
    ci = _resolved(rows["ci"].where(named.notna()), reasons, resolve, "CI", optional=True)
    service = _text(rows["business_service"]).where(named.isna())
    if service.notna().any() and resolve is not None:
        ci = ci.fillna(resolve(service)[0])
    return ci


def _health(rows: pd.DataFrame, reasons: _Reasons, resolve: Resolve | None) -> pd.DataFrame:
    ci = _resolved(rows["ci"], reasons, resolve, "CI")
    status = _text(rows["status"]).str.lower()
    _vocabulary(reasons, status, tuple(HEALTH_BY_NAME), "health status")
    value = pd.to_numeric(rows["value"], errors="coerce")
    reasons.add(value.isna() & rows["value"].notna() & (_text(rows["value"]).notna()), "value is not a number")
    observed = _time(rows["observed_at"], reasons, "observed_at")
    reasons.add(observed.isna(), "no observed_at time")
    metric = _text(rows["metric"]).fillna("status").str.slice(0, 64)
    status = coded(status, tuple(HEALTH_BY_NAME))
    return pd.DataFrame({"ci_id": ci, "status": status, "metric": metric, "value": value, "observed_at": observed})


def _changes(rows: pd.DataFrame, reasons: _Reasons, resolve: Resolve | None) -> pd.DataFrame:
    number = _number(rows, reasons)
    ci = _resolved(rows["ci"], reasons, resolve, "CI")
    state = _text(rows["state"]).str.lower()
    _vocabulary(reasons, state, CHANGE_STATES, "state")
    times = {c: _time(rows[c], reasons, c) for c in ("planned_start", "planned_end", "actual_start", "actual_end")}
    updated = _time(rows["updated_at"], reasons, "updated_at").fillna(_now())
    summary = _text(rows["summary"]).fillna("").str.slice(0, MAX_TEXT)
    context = {name: _text(rows[name]).str.slice(0, size) for name, size in CHANGE_TEXT.items()}
    return pd.DataFrame({"number": number, "ci_id": ci, "state": state, "summary": summary, **times,
                         "updated_at": updated, **context})  # fmt: skip


def _traffic(rows: pd.DataFrame, reasons: _Reasons, resolve: Resolve | None) -> pd.DataFrame:
    source = _resolved(rows["source"], reasons, resolve, "source")
    target = _resolved(rows["target"], reasons, resolve, "target")
    bucket = _time(rows["bucket_start"], reasons, "bucket_start")
    reasons.add(bucket.isna(), "no bucket_start time")
    seconds = pd.to_numeric(rows["bucket_seconds"], errors="coerce")
    reasons.add(~(seconds > 0), "bucket_seconds " + _shown(rows["bucket_seconds"]) + " is not a positive number")
    requests, errors = (pd.to_numeric(rows[c], errors="coerce") for c in ("requests", "errors"))
    reasons.add(~(requests >= 0), "requests " + _shown(rows["requests"]) + " is not a count")
    reasons.add(~((errors >= 0) & (errors <= requests)), "errors " + _shown(rows["errors"]) + " is not 0 to requests")
    p50, p95 = (pd.to_numeric(rows[c], errors="coerce").astype("float64") for c in ("p50_ms", "p95_ms"))
    return pd.DataFrame(
        {"source_id": source, "target_id": target, "bucket_start": bucket,
         "bucket_seconds": seconds.fillna(0).astype("int64"), "requests": requests.fillna(0).astype("int64"),
         "errors": errors.fillna(0).astype("int64"), "p50_ms": p50, "p95_ms": p95, "updated_at": _now()}
    )  # fmt: skip


_CHECKS = {"cis": _cis, "relationships": _relationships, "incidents": _incidents, "health": _health,
           "changes": _changes, "traffic": _traffic}  # fmt: skip


def _text(values: pd.Series) -> pd.Series:
    """Trimmed text; empty strings and NULL as missing."""
    text = values.astype("str").str.strip()
    return text.where(values.notna() & (text != ""))


def _shown(values: pd.Series) -> pd.Series:
    return values.astype("str").str.slice(0, 40).map(repr)


def _vocabulary(
    reasons: _Reasons, values: pd.Series, allowed: tuple[str, ...], what: str, *, optional: bool = False
) -> None:
    bad = ~values.isin(allowed) & (values.notna() if optional else True)
    reasons.add(bad, f"{what} " + _shown(values.fillna("")) + f" is not one of {', '.join(allowed)}")


def coded(values: pd.Series, allowed: tuple[str, ...]) -> pd.Series:
    """A vocabulary column as categories of the whole vocabulary (a value outside it, whose row is rejected, as
    NULL): a byte a row instead of a string, and chunks of a part concatenate without becoming strings again."""
    return values.where(values.isin(allowed)).astype(pd.CategoricalDtype(allowed))


def _number(rows: pd.DataFrame, reasons: _Reasons) -> pd.Series:
    number = _text(rows["number"])
    reasons.add(number.isna(), "no number")
    reasons.add(number.str.len() > 32, "number longer than 32 characters")  # unique in the import: write.py checks
    return number


def _resolved(
    references: pd.Series, reasons: _Reasons, resolve: Resolve | None, what: str, *, optional: bool = False
) -> pd.Series:
    if resolve is None:
        raise TypeError(f"checking {what} references needs a resolver")
    ids, why = resolve(references)
    reasons.add(ids.isna() & (references.notna() if optional else True), f"{what}: " + why)
    return ids


def parse_times(text: pd.Series) -> pd.Series:
    """Times as aware UTC: ISO 8601 first (fast), any other common form for the rest; NaT where unreadable."""
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
    retry = parsed.isna() & text.notna()
    if retry.any():
        parsed[retry] = pd.to_datetime(text[retry], format="mixed", errors="coerce", utc=True)
    return parsed


def _time(values: pd.Series, reasons: _Reasons, what: str) -> pd.Series:
    """Naive-UTC times: ISO 8601 first, any other common form for the rest; unreadable values reject the row."""
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values
    else:
        text = _text(values)
        parsed = parse_times(text)
        reasons.add(parsed.isna() & text.notna(), f"{what} " + _shown(text.fillna("")) + " is not a time")
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return parsed.astype("datetime64[us]")


def _attributes(value: object, key: object) -> str:
    """Free attributes as a JSON object text, with the source's key kept (later imports match on it)."""
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = {"note": value}
    elif isinstance(value, dict):
        parsed = value
    else:
        parsed = {}
    if not isinstance(parsed, dict):
        parsed = {"value": parsed}
    return json.dumps({**parsed, "source_key": key}, default=str, ensure_ascii=False)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
