"""Incident histories for the details panel: recorded changes as short lines, and how long resolving took.

Plain text values, read from the snapshot's incident and incident_history tables (see
dashboard/imports/incident_history.py for what a history holds).
"""

from dataclasses import dataclass
from datetime import timedelta

import pandas as pd

MAX_HISTORIES = 20  # incidents whose history the panel lists
MAX_CHANGES = 60  # changes listed per incident (the newest are kept)
_LABELS = {"state": "state", "priority": "priority", "assignment_group": "group", "assigned_to": "assignee"}


@dataclass(frozen=True, slots=True)
class IncidentHistory:
    """An incident's recorded changes of state, priority and assignment, oldest first, as display text."""

    number: str
    resolved_in: str  # opened to resolved, e.g. "10 h 13 min"; empty while open
    changes: tuple[tuple[str, str], ...]  # (when, what changed), e.g. ("2016-02-29 01:23", "state: new → in progress")


def incident_histories(
    incident: pd.DataFrame, history: pd.DataFrame, listed: tuple[dict, ...]
) -> tuple[IncidentHistory, ...]:
    """The histories of the listed incidents (rows of the details panel, newest first) that have one."""
    numbers = [row["number"] for row in listed]
    mine = history.loc[history["number"].isin(numbers)] if len(history) else history
    if mine.empty:
        return ()
    times = incident.loc[incident["number"].isin(numbers)].drop_duplicates("number").set_index("number")
    by_number = dict(list(mine.groupby("number", sort=False)))
    return tuple(
        IncidentHistory(
            number,
            resolved_in(times.at[number, "opened_at"], times.at[number, "resolved_at"])
            if number in times.index
            else "",
            history_lines(by_number[number]),
        )
        for number in numbers
        if number in by_number
    )[:MAX_HISTORIES]


def history_lines(history: pd.DataFrame) -> tuple[tuple[str, str], ...]:
    """One incident's history rows as (when, what changed), oldest first."""
    rows = history.sort_values(["seq", "field"], kind="stable").tail(MAX_CHANGES)
    return tuple(
        (_when(r.changed_at), f"{_LABELS.get(r.field, r.field)}: {_shown(r.field, r.old_value)} → "
         f"{_shown(r.field, r.new_value)}")
        for r in rows.itertuples()
    )  # fmt: skip


def resolved_in(opened: object, resolved: object) -> str:
    """The time from opening to resolving as "3 d 4 h", "10 h 13 min" or "25 min"; empty when either is missing."""
    if pd.isna(opened) or pd.isna(resolved):
        return ""
    return duration(pd.Timestamp(resolved) - pd.Timestamp(opened))


def duration(span: timedelta) -> str:
    """A duration in its two largest units."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 0:
        return ""
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def _when(value: object) -> str:
    return "" if pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d %H:%M}"


def _shown(field: str, value: object) -> str:
    if value is None or pd.isna(value) or str(value) == "":
        return "—"
    text = str(value)
    if field == "priority":
        return f"P{text}"
    return text.replace("_", " ") if field == "state" else text
