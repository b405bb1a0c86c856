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
from dashboard.domain.change_failures import FailureRate, change_failures, change_time, failure_rates
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


def change_failures_view(
    snapshot: Snapshot, scope: np.ndarray, start: np.datetime64, end: np.datetime64
) -> ChangeFailuresView:
    """The changes on CIs in `scope` (a boolean mask by CI position) at a time in [start, end), and what followed."""
    change, incident, index = snapshot.tables["change"], snapshot.tables["incident"], snapshot.index
    changed_at = change_time(times(change["actual_end"]), times(change["actual_start"]), times(change["planned_end"]))
    found = change_failures(
        index,
        index.locate(id_array(change["ci_id"])),
        changed_at,
        index.locate(id_array(incident["ci_id"])),
        times(incident["opened_at"]),
        scope,
        np.datetime64(start, "ns"),
        np.datetime64(end, "ns"),
    )
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
    change, incident, ci = snapshot.tables["change"], snapshot.tables["incident"], snapshot.ci
    index = snapshot.index
    types, teams = _column(change, "type"), _column(change, "assignment_group")
    changed = index.locate(id_array(change["ci_id"].iloc[changes]))
    struck = index.locate(id_array(incident["ci_id"].iloc[incidents]))
    opened = times(incident["opened_at"].iloc[incidents])
    priority = priorities(incident, incidents)
    names = ci["name"]
    pairs = [
        ChangePair(
            change=shown_name(change["number"].iat[c]),
            change_type=_text(types[c]),
            team=_text(teams[c]),
            changed_ci_id=index.ci_ids[changed[k]].item(),
            changed_ci=shown_name(names.iat[changed[k]]),
            changed_at=_datetime(changed_at[c]),
            incident=shown_name(incident["number"].iat[i]),
            incident_ci_id=index.ci_ids[struck[k]].item(),
            incident_ci=shown_name(names.iat[struck[k]]),
            opened_at=_datetime(opened[k]),
            priority=priority[k],
            hops=int(hops[k]),
            summary=shown_name(incident["summary"].iat[i]) if "summary" in incident.columns else "",
        )
        for k, (c, i) in enumerate(zip(changes.tolist(), incidents.tolist(), strict=True))
    ]
    return sorted(pairs, key=lambda p: (p.changed_at, p.change, p.opened_at), reverse=True)


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
