"""Whether an import's row is one the target already holds with the same values, or repeats an earlier row."""

from datetime import datetime

import numpy as np
import pandas as pd

from dashboard.domain.vocabulary import RELATIONSHIP_TYPES

# Relationship types without a direction: "a connects to b" and "b connects to a" are one relationship.
SYMMETRIC_TYPES = frozenset(t.name for t in RELATIONSHIP_TYPES if t.symmetric)
# Columns an import never compares when it decides whether a stored row changed: the time of the import is no change.
NOT_COMPARED = frozenset({"id", "updated_at"})


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
    old = stored.reindex(index=rows.index[present], columns=columns)  # a column the target lacks reads as NULL
    new = rows.loc[present]
    for column in columns:
        same[present] &= (canonical(new[column]) == canonical(old[column])).to_numpy()
    return same


def canonical(values: pd.Series) -> pd.Series:
    """Values as comparable text: times to the second without zone, numbers without a trailing .0, NULL as ''."""
    given = values.dropna()
    if pd.api.types.is_datetime64_any_dtype(values) or (len(given) and isinstance(given.iloc[0], datetime)):
        times = pd.to_datetime(values, errors="coerce")
        return times.dt.floor("s").astype("str").where(times.notna(), "")
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("Float64").astype("str").str.removesuffix(".0").where(values.notna(), "")
    return values.astype("str").where(values.notna(), "")


def repeated(part: str, rows: pd.DataFrame) -> pd.Series:
    """Rows that repeat an earlier row of the import: a relationship (a symmetric one in either direction), or a
    health event with the same values (one repeated with other values is another reading, and kept)."""
    if part == "health":
        return rows.duplicated(["ci_id", "metric", "observed_at", "status", "value"])
    source, target = rows["source_id"].to_numpy(), rows["target_id"].to_numpy()
    symmetric = rows["type"].isin(SYMMETRIC_TYPES).to_numpy()
    ends = {"low": np.where(symmetric, np.minimum(source, target), source),
            "high": np.where(symmetric, np.maximum(source, target), target)}  # fmt: skip
    return pd.DataFrame({**ends, "type": rows["type"].to_numpy()}, index=rows.index).duplicated()
