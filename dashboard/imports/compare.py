"""Whether an import's row is one the target already holds with the same values, or repeats an earlier row."""

import hashlib
import json
from datetime import datetime

import numpy as np
import pandas as pd

from dashboard.domain.vocabulary import RELATIONSHIP_TYPES

# Relationship types without a direction: "a connects to b" and "b connects to a" are one relationship.
SYMMETRIC_TYPES = frozenset(t.name for t in RELATIONSHIP_TYPES if t.symmetric)
# Columns an import never compares when it decides whether a stored row changed: the time of the import is no change.
NOT_COMPARED = frozenset({"id", "updated_at"})
# Columns holding a JSON document: compared as documents, so the order of an object's keys is no change.
JSON_COLUMNS = frozenset({"attributes"})


def same_values(rows: pd.DataFrame, target: pd.DataFrame) -> pd.Series:
    """True for the rows of CIs the target holds with the same values (the time of the import aside)."""
    columns = [c for c in target.columns if c in rows.columns and c not in NOT_COMPARED]
    return same(rows.set_index("id"), target.set_index("id"), columns).set_axis(rows.index)


def same(rows: pd.DataFrame, stored: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Per row (by index): True when `stored` has a row of that index with the same value in every column."""
    present = rows.index.isin(stored.index)
    same = pd.Series(present, index=rows.index)
    if not present.any():
        return same
    at = rows.index[present]
    for column in columns:  # a column at a time: a copy of 1M CIs' rows would be ~250 MB
        given = rows[column][present]
        held = stored[column].reindex(at) if column in stored.columns else pd.Series(np.nan, index=at)  # lacks: NULL
        equal = np.array(canonical(given) == canonical(held), dtype=bool)
        if column in JSON_COLUMNS and not equal.all():  # the same document, its keys in another order: sorted first
            other = ~equal
            given, held = (
                given[other].map(sorted_json, na_action="ignore"),
                held[other].map(sorted_json, na_action="ignore"),
            )
            equal[other] = np.array(canonical(given) == canonical(held), dtype=bool)
        same[present] &= equal
    return same


def sorted_json(text: object) -> object:
    """A JSON document as text with its objects' keys sorted; a value that is no JSON text as it is."""
    try:
        return json.dumps(json.loads(text), sort_keys=True) if isinstance(text, str) else text
    except ValueError:
        return text


def canonical(values: pd.Series) -> pd.Series:
    """Values as comparable text: times to the second without zone, numbers without a trailing .0, NULL as ''."""
    given = values.dropna()
    if pd.api.types.is_datetime64_any_dtype(values) or (len(given) and isinstance(given.iloc[0], datetime)):
        times = pd.to_datetime(values, errors="coerce")
        return times.dt.floor("s").astype("str").where(times.notna(), "")
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("Float64").astype("str").str.removesuffix(".0").where(values.notna(), "")
    return values.astype("str").where(values.notna(), "")


def history_digests(history: pd.DataFrame) -> pd.Series:
    """Per incident number, a digest of its history (HISTORY_COLUMNS, as parsed or as stored): equal when it has the
    same updates with the same values and times (to the second), whatever order its rows come in."""
    if history.empty:
        return pd.Series(dtype="object")
    times = pd.to_datetime(history["changed_at"].astype("object"), format="mixed", errors="coerce", utc=True)
    text = pd.DataFrame(
        {
            "number": history["number"].to_numpy(),
            "row": (
                canonical(history["seq"].astype("Int64"))
                + "\x1f" + history["field"].astype("str")
                + "\x1f" + canonical(history["old_value"].astype("object"))
                + "\x1f" + canonical(history["new_value"].astype("object"))
                + "\x1f" + canonical(times.dt.tz_localize(None))
            ).to_numpy(),
        }
    )  # fmt: skip
    rows = text.sort_values(["number", "row"]).groupby("number")["row"]
    return rows.agg(lambda r: hashlib.sha256("\x1e".join(r).encode()).hexdigest())


def repeated(part: str, rows: pd.DataFrame) -> pd.Series:
    """Rows that repeat an earlier row of the import: a relationship (a symmetric one in either direction), or a
    health event with the same values (one repeated with other values is another reading, and kept)."""
    if part == "health":
        return rows.duplicated(["ci_id", "metric", "observed_at", "status", "value"])
    source, target = rows["source_id"].to_numpy("int64"), rows["target_id"].to_numpy("int64")
    symmetric = rows["type"].isin(SYMMETRIC_TYPES).to_numpy()
    low = np.where(symmetric, np.minimum(source, target), source)
    high = np.where(symmetric, np.maximum(source, target), target)
    return pd.Series(duplicated(low, high, pd.factorize(rows["type"])[0]), index=rows.index)


def duplicated(*columns: np.ndarray) -> np.ndarray:
    """Rows (of whole-number columns) equal to an earlier row, as DataFrame.duplicated(keep="first") finds them, by a
    stable sort instead of a hash table: 1.9M relationships in ~60 MB instead of ~250 MB."""
    if not len(columns[0]):
        return np.zeros(0, dtype=bool)
    order = np.lexsort(columns[::-1])  # stable: within equal rows, the earliest comes first
    same = np.ones(len(order) - 1, dtype=bool)
    for column in columns:
        ordered = column[order]
        same &= ordered[1:] == ordered[:-1]
    out = np.zeros(len(order), dtype=bool)
    out[order[1:]] = same
    return out


def health_event(row: tuple, whole_seconds: bool) -> tuple:
    """A health event (ci_id, metric, observed_at, status, value) comparable with one read back: the exact time (to
    the µs; to the second where the database keeps no more), the value as the least precise database keeps it (a
    4-byte float: 10 and 10.0 are one value), NULL as None."""
    ci, metric, observed, status, value = row
    time = pd.Timestamp(observed).tz_localize(None).floor("s" if whole_seconds else "us").to_pydatetime()
    reading = None if pd.isna(value) else float(np.float32(value))
    return int(ci), str(metric), time, None if pd.isna(status) else str(status), reading
