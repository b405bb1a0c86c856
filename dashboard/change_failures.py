"""Changes followed by incidents, as plain rows for the /health page: the pairs and the failure rates per type and team.

The arithmetic is dashboard/domain/change_failures.py; this module only turns the snapshot's change and incident
frames into the arrays it takes, and its answer into rows.
"""

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from dashboard.cmdb.derived import id_array
from dashboard.cmdb.snapshot import Snapshot
from dashboard.domain.change_failures import (
    ChangeFailures,
    FailureRate,
    change_failures,
    change_time,
    every_change_failure,
    failure_rates,
    narrowed,
)
from dashboard.domain.names import shown_name


@dataclass(frozen=True, slots=True)
class ChangePair:
    """A change and an incident that followed it."""

    change: str  # the change's number
    change_type: str
    team: str
    changed_ci_id: int | str
    changed_ci: str
    changed_at: datetime
    incident: str  # the incident's number
    incident_ci_id: int | str
    incident_ci: str
    opened_at: datetime
    priority: int | None
    hops: int  # 0: on the changed CI itself; n: n dependency hops above it
    summary: str  # the incident's


@dataclass(frozen=True, slots=True)
class ChangeFailuresView:
    """What the "changes followed by incidents" section shows."""

    changes: int  # changes in scope and range
    failed: int  # of them followed by at least one incident
    pairs: tuple[ChangePair, ...]  # newest change first
    by_type: tuple[FailureRate, ...]
    by_team: tuple[FailureRate, ...]

    @property
    def rate(self) -> float:
        """Failed changes / changes (0 without changes)."""
        return self.failed / self.changes if self.changes else 0.0


def times(values: pd.Series) -> np.ndarray:
    """A timestamp column as datetime64[ns], anything unreadable or empty as NaT."""
    return pd.to_datetime(values, errors="coerce").to_numpy(dtype="datetime64[ns]")


@dataclass(frozen=True, slots=True)
class ChangeBasis:
    """Once per snapshot: each change's CI position and time, and the pairs of every change (see `narrowed`)."""

    changed: np.ndarray
    changed_at: np.ndarray
    every: ChangeFailures


def change_basis(snapshot: Snapshot) -> ChangeBasis:
    """The pairs of every change of the snapshot, for change_failures_view to narrow per scope and range."""
    change, incident, index = snapshot.tables["change"], snapshot.tables["incident"], snapshot.index
    changed_at = change_time(times(change["actual_end"]), times(change["actual_start"]), times(change["planned_end"]))
    changed = index.locate(id_array(change["ci_id"]))
    incident_ci, opened_at = index.locate(id_array(incident["ci_id"])), times(incident["opened_at"])
    return ChangeBasis(changed, changed_at, every_change_failure(index, changed, changed_at, incident_ci, opened_at))


def change_failures_view(
    snapshot: Snapshot,
    scope: np.ndarray,
    start: np.datetime64,
    end: np.datetime64,
    basis: ChangeBasis | None = None,
) -> ChangeFailuresView:
    """The changes on CIs in `scope` (a boolean mask by CI position) at a time in [start, end), and what followed;
    from the snapshot's `basis` when given (the same answer, without walking the graph per call)."""
    change, incident, index = snapshot.tables["change"], snapshot.tables["incident"], snapshot.index
    start, end = np.datetime64(start, "ns"), np.datetime64(end, "ns")
    if basis is not None:
        changed_at = basis.changed_at
        found = narrowed(basis.every, basis.changed, changed_at, scope, start, end)
    else:
        changed_at = change_time(
            times(change["actual_end"]), times(change["actual_start"]), times(change["planned_end"])
        )
        changed, incident_ci = index.locate(id_array(change["ci_id"])), index.locate(id_array(incident["ci_id"]))
        opened_at = times(incident["opened_at"])
        found = change_failures(index, changed, changed_at, incident_ci, opened_at, scope, start, end)
    rows = found.changes
    return ChangeFailuresView(
        changes=len(rows),
        failed=int(found.failed.sum()),
        pairs=tuple(_pairs(snapshot, found.pair_change, found.pair_incident, found.pair_hops, changed_at)),
        by_type=tuple(failure_rates(_column(change, "type")[rows], found.failed)),
        by_team=tuple(failure_rates(_column(change, "assignment_group")[rows], found.failed)),
    )


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """An optional text column as objects (all None when the table lacks it)."""
    if name not in frame.columns:
        return np.full(len(frame), None, dtype=object)
    return frame[name].astype("object").to_numpy()


def _pairs(
    snapshot: Snapshot, changes: np.ndarray, incidents: np.ndarray, hops: np.ndarray, changed_at: np.ndarray
) -> list[ChangePair]:
    """The pairs as rows, newest change first; each column is taken for all pairs at once (not cell by cell)."""
    change, incident, index = snapshot.tables["change"], snapshot.tables["incident"], snapshot.index
    changed = index.locate(id_array(change["ci_id"].iloc[changes]))
    struck = index.locate(id_array(incident["ci_id"].iloc[incidents]))
    names = snapshot.ci["name"].to_numpy(dtype=object)
    numbers, summaries = _values(change, "number", changes), _values(incident, "summary", incidents)
    types, teams = _column(change, "type")[changes].tolist(), _column(change, "assignment_group")[changes].tolist()
    changed_ids, changed_names = index.ci_ids[changed].tolist(), names[changed].tolist()
    incident_numbers, priority = _values(incident, "number", incidents), priorities(incident, incidents)
    struck_ids, struck_names = index.ci_ids[struck].tolist(), names[struck].tolist()
    opened = times(incident["opened_at"].iloc[incidents])
    pairs = [
        ChangePair(
            change=shown_name(numbers[k]),
            change_type=_text(types[k]),
            team=_text(teams[k]),
            changed_ci_id=changed_ids[k],
            changed_ci=shown_name(changed_names[k]),
            changed_at=_datetime(changed_at[changes[k]]),
            incident=shown_name(incident_numbers[k]),
            incident_ci_id=struck_ids[k],
            incident_ci=shown_name(struck_names[k]),
            opened_at=_datetime(opened[k]),
            priority=priority[k],
            hops=int(hops[k]),
            summary=shown_name(summaries[k]),
        )
        for k in range(len(changes))
    ]
    return sorted(pairs, key=lambda p: (p.changed_at, p.change, p.opened_at), reverse=True)


def _values(frame: pd.DataFrame, name: str, rows: np.ndarray) -> list[object]:
    """Some rows of a column as Python values (None for every row when the table lacks the column)."""
    return frame[name].iloc[rows].tolist() if name in frame.columns else [None] * len(rows)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def priorities(incident: pd.DataFrame, rows: np.ndarray) -> list[int | None]:
    """The priorities of some incident rows as integers (None where missing or not a number)."""
    if "priority" not in incident.columns:
        return [None] * len(rows)
    numbers = pd.to_numeric(incident["priority"].iloc[rows], errors="coerce").astype("float64").to_numpy()
    return [int(n) if n == n else None for n in numbers.tolist()]


def _datetime(value: np.datetime64) -> datetime:
    return value.astype("datetime64[us]").item()
