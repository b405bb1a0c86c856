"""Incident exports taken from an audit trail: one row per update of an incident, the latest holding its state.

Such an export (ServiceNow's incident audit, the "incident management process enriched event log") has several rows
per number. They become one incident at its latest update — the highest update count (`sys_mod_count`), then the
latest update time, then the later row of the file — and the incident's history: one row per tracked field an update
set or changed (the first update sets every field it has a value for, each later one records the fields whose value
differs from the update before it). Unchanged fields leave no row, so the history of an incident with n updates has
at most n × len(TRACKED) rows and often far fewer.

All rows of a number count, whichever export file of the import holds them (an audit trail is often split over
several files). When one of them cannot be read, the number is rejected whole: its latest readable row may be an
older state (a closed incident imported as new), and its history would miss an update.
"""

import pandas as pd

from dashboard.cmdb.distinct import per_distinct
from dashboard.imports.batch import HISTORY_COLUMNS, ORIGIN, Rejection
from dashboard.imports.validate import parse_times

TRACKED: tuple[str, ...] = ("state", "priority", "assignment_group", "assigned_to")
MAX_VALUE = 128
# Columns of the rows read from incident files besides the incident's (see servicenow.py).
MOD_COUNT, ORDERED, UNREADABLE, FILE = "_mod_count", "_ordered", "_unreadable", "_file"


def is_audit_trail(numbers: pd.Series) -> bool:
    """True when some number has more than one row: the file is an audit trail, not a plain export."""
    return bool(numbers.dropna().duplicated().any())


def reject_unreadable(rows: pd.DataFrame) -> tuple[pd.DataFrame, list[Rejection]]:
    """The rows without the numbers that have an unreadable row (UNREADABLE: why), and one rejection per such number
    naming its unreadable rows (a row without a number, or the only row of its number, is rejected on its own)."""
    bad = rows[UNREADABLE].notna()
    numbers = rows["number"]
    rows_of = numbers.value_counts()
    whole = numbers.isin(numbers[bad].dropna()) & numbers.map(rows_of).gt(1)
    rejected = [
        Rejection(origin, why, "incidents")
        for origin, why in zip(rows.loc[bad & ~whole, ORIGIN], rows.loc[bad & ~whole, UNREADABLE], strict=True)
    ]
    for number, unreadable in rows.loc[bad & whole].groupby("number", sort=False):
        shown = "; ".join(f"{o}: {why}" for o, why in zip(unreadable[ORIGIN], unreadable[UNREADABLE], strict=True))
        reason = (
            f"{number}: {len(unreadable)} of {rows_of[number]} rows unreadable ({shown}); not imported, so that no "
            "older state stands for the current one"
        )
        rejected.append(Rejection(unreadable[ORIGIN].iloc[0], reason, "incidents"))
    return rows.loc[~bad & ~whole], rejected


def collapse(rows: pd.DataFrame, mod_count: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The latest row of each number, and the history of every number (HISTORY_COLUMNS).

    `rows` holds the incident columns (updated_at as ISO text) plus TRACKED; `mod_count` (numbers) and updated_at
    order each number's rows, missing values first. Rows without a number are kept (validation rejects them).
    """
    updated = rows["updated_at"]
    time = parse_times(updated)
    order = pd.DataFrame(
        {"number": rows["number"], "count": mod_count, "time": time, "row": range(len(rows))}, index=rows.index
    )
    ordered = order.sort_values(["number", "count", "time", "row"], na_position="first", kind="stable").index
    trail = rows.loc[ordered]
    numbered = trail["number"].notna()
    latest = trail.loc[~numbered | ~trail["number"].duplicated(keep="last")]
    history = _changes(trail.loc[numbered], updated.loc[trail.index[numbered]])
    latest = latest.assign(resolved_at=_resolved_at(latest, history))
    return latest.sort_index(), history


def _changes(trail: pd.DataFrame, updated: pd.Series) -> pd.DataFrame:
    """One row per (update, tracked field) whose value differs from the update before (or is set by the first)."""
    seq = trail.groupby("number", sort=False).cumcount()
    parts = []
    for field in TRACKED:
        value = _value(trail[field])
        before = value.groupby(trail["number"], sort=False).shift()
        same = (value == before) | (value.isna() & before.isna())
        changed = ~same.fillna(False).astype(bool)
        parts.append(
            pd.DataFrame(
                {
                    "number": trail["number"][changed],
                    "seq": seq[changed],
                    "field": field,
                    "old_value": before[changed],
                    "new_value": value[changed],
                    "changed_at": updated[changed],
                }
            )
        )
    history = pd.concat(parts) if parts else pd.DataFrame(columns=list(HISTORY_COLUMNS))
    history = history.sort_values(["number", "seq"], kind="stable").reset_index(drop=True)
    return history[list(HISTORY_COLUMNS)]


def _value(values: pd.Series) -> pd.Series:
    """A tracked field as text (a priority 2.0 as "2"), NULL where empty; worked out once per distinct value."""

    def text(distinct: pd.Series) -> pd.Series:
        shown = [str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)[:MAX_VALUE] for v in distinct]
        return pd.Series(shown, index=distinct.index, dtype="object").where(distinct.notna())

    return per_distinct(values.astype("object"), text)


def _resolved_at(latest: pd.DataFrame, history: pd.DataFrame) -> pd.Series:
    """resolved_at as exported; where it is empty but the incident is resolved or closed, the time of the last
    update that moved it to resolved (else to closed)."""
    resolved = latest["resolved_at"]
    done = latest["state"].isin(("resolved", "closed")) & resolved.isna()
    if not done.any():
        return resolved
    moves = history.loc[(history["field"] == "state") & history["changed_at"].notna()]
    found = pd.Series(None, index=latest.index, dtype="object")
    for target in ("closed", "resolved"):  # resolved overrides closed
        last = moves.loc[moves["new_value"] == target].groupby("number")["changed_at"].last()
        at = latest["number"].map(last)
        found = at.where(at.notna(), found)
    return resolved.where(~done, found)
