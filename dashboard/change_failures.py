"""Changes followed by incidents, as plain rows for the /health page: the pairs and the failure rates per type and team.

The arithmetic is dashboard/domain/change_failures.py; this module only turns the snapshot's change and incident
frames into the arrays it takes, and its answer into rows.
"""

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from dashboard.cmdb.cells import cells
from dashboard.cmdb.derived import id_array
from dashboard.cmdb.snapshot import Snapshot
from dashboard.domain.change_failures import (
    ChangeFailures,
    FailureRate,
    change_failures,
    change_time,
    coded_failure_rates,
    every_change_failure,
    narrowed,
    pair_order,
)
from dashboard.domain.incidents_without_ci import factorized_label_codes
from dashboard.domain.names import shown_name

LISTED = 500  # pairs listed at a time (newest change first); the counts and rates cover every pair


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
class PairRows:
    """Every pair in scope and range as rows of the change and incident tables, in the order listed (newest change
    first), with the tables' change and opening times: what a page of pairs is read from."""

    change: np.ndarray
    incident: np.ndarray
    hops: np.ndarray
    changed_at: np.ndarray  # by change row
    opened_at: np.ndarray  # by incident row


@dataclass(frozen=True, slots=True)
class ChangeFailuresView:
    """What the "changes followed by incidents" section shows."""

    changes: int  # changes in scope and range
    failed: int  # of them followed by at least one incident
    pairs: tuple[ChangePair, ...]  # the first LISTED pairs, newest change first (pair_page: the others)
    by_type: tuple[FailureRate, ...]
    by_team: tuple[FailureRate, ...]
    pair_count: int = 0  # every pair in scope and range
    rows: PairRows | None = field(default=None, compare=False, repr=False)

    @property
    def rate(self) -> float:
        """Failed changes / changes (0 without changes)."""
        return self.failed / self.changes if self.changes else 0.0


def times(values: pd.Series) -> np.ndarray:
    """A timestamp column as datetime64[ns], anything unreadable or empty as NaT."""
    return pd.to_datetime(values, errors="coerce").to_numpy(dtype="datetime64[ns]")


@dataclass(frozen=True, slots=True)
class ChangeBasis:
    """Once per snapshot: each change's CI position and time, and the pairs of every change (see `narrowed`); the
    incidents' opening times; the changes' numbers, types and teams as codes (see `Coded`)."""

    changed: np.ndarray
    changed_at: np.ndarray
    every: ChangeFailures
    opened_at: np.ndarray
    coded: "Coded"


@dataclass(frozen=True, slots=True)
class Coded:
    """Each change's number as shown, type and team (group_label) as a code into its distinct values, sorted."""

    numbers: np.ndarray  # int64 code per change row: codes order as the numbers' text does
    types: tuple[np.ndarray, np.ndarray]  # (codes, labels), label_codes
    teams: tuple[np.ndarray, np.ndarray]


def coded(change: pd.DataFrame) -> Coded:
    """The change table's numbers, types and teams coded (a Python pass over every change: once per snapshot)."""
    numbers = np.array([shown_name(n) for n in _column(change, "number").tolist()], dtype=object)
    codes = np.unique(numbers, return_inverse=True)[1].astype(np.int64) if len(numbers) else np.empty(0, np.int64)
    return Coded(codes, label_codes(_column(change, "type")), label_codes(_column(change, "assignment_group")))


def label_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """domain label_codes of a text column, its distinct values found by pandas' factorize (hashed in C: a Python
    pass over a million rows took about a second a column)."""
    return factorized_label_codes(*pd.factorize(values, use_na_sentinel=False))


def change_basis(snapshot: Snapshot) -> ChangeBasis:
    """The pairs of every change of the snapshot, for change_failures_view to narrow per scope and range."""
    change, incident, index = snapshot.tables["change"], snapshot.tables["incident"], snapshot.index
    changed_at = change_time(times(change["actual_end"]), times(change["actual_start"]), times(change["planned_end"]))
    changed = index.locate(id_array(change["ci_id"]))
    incident_ci, opened_at = index.locate(id_array(incident["ci_id"])), times(incident["opened_at"])
    every = every_change_failure(index, changed, changed_at, incident_ci, opened_at)
    return ChangeBasis(changed, changed_at, every, opened_at, coded(change))


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
        changed_at, opened_at, codes = basis.changed_at, basis.opened_at, basis.coded
        found = narrowed(basis.every, basis.changed, changed_at, scope, start, end)
    else:
        changed_at = change_time(
            times(change["actual_end"]), times(change["actual_start"]), times(change["planned_end"])
        )
        changed, incident_ci = index.locate(id_array(change["ci_id"])), index.locate(id_array(incident["ci_id"]))
        opened_at, codes = times(incident["opened_at"]), coded(change)
        found = change_failures(index, changed, changed_at, incident_ci, opened_at, scope, start, end)
    order = pair_order(found, changed_at, opened_at, codes.numbers)
    rows = PairRows(found.pair_change[order], found.pair_incident[order], found.pair_hops[order], changed_at, opened_at)
    return ChangeFailuresView(
        changes=len(found.changes),
        failed=int(found.failed.sum()),
        pairs=pair_page(snapshot, rows, 0),
        by_type=tuple(coded_failure_rates(*codes.types, found.changes, found.failed)),
        by_team=tuple(coded_failure_rates(*codes.teams, found.changes, found.failed)),
        pair_count=len(order),
        rows=rows,
    )


def pair_page(snapshot: Snapshot, rows: PairRows, first: int, count: int = LISTED) -> tuple[ChangePair, ...]:
    """The pairs `first` … `first + count - 1` in the order listed (newest change first)."""
    first = max(0, first)
    part = slice(first, first + max(0, count))
    return tuple(_pairs(snapshot, rows.change[part], rows.incident[part], rows.hops[part], rows))


def changed_by(snapshot: Snapshot, view: ChangeFailuresView, kind: str, label: str) -> np.ndarray:
    """The CI positions (ascending) that the failed changes in view of a type (kind "type") or team (kind "team")
    changed, the label as a pair shows it (trimmed; the empty label stands for none)."""
    if view.rows is None:
        return np.empty(0, dtype=np.int64)
    change = snapshot.tables["change"]
    column = _column(change, "type" if kind == "type" else "assignment_group")[view.rows.change]
    chosen = view.rows.change[np.array([_text(v) == label for v in column.tolist()], dtype=bool)]
    nodes = snapshot.index.locate(id_array(change["ci_id"].iloc[chosen]))
    return np.unique(nodes[nodes >= 0])


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """An optional text column as objects (all None when the table lacks it)."""
    if name not in frame.columns:
        return np.full(len(frame), None, dtype=object)
    return frame[name].astype("object").to_numpy()


def _pairs(
    snapshot: Snapshot, changes: np.ndarray, incidents: np.ndarray, hops: np.ndarray, rows: PairRows
) -> list[ChangePair]:
    """Some pairs as rows, in the order given; each column is taken for all of them at once (not cell by cell)."""
    change, incident, index = snapshot.tables["change"], snapshot.tables["incident"], snapshot.index
    changed = index.locate(id_array(change["ci_id"].take(changes)))
    struck = index.locate(id_array(incident["ci_id"].take(incidents)))
    names = cells(snapshot.ci["name"], np.concatenate([changed, struck]))  # the rows' CIs only
    numbers, summaries = _values(change, "number", changes), _values(incident, "summary", incidents)
    types, teams = _values(change, "type", changes), _values(change, "assignment_group", changes)
    changed_ids, changed_names = index.ci_ids[changed].tolist(), names[: len(changes)]
    incident_numbers, priority = _values(incident, "number", incidents), priorities(incident, incidents)
    struck_ids, struck_names = index.ci_ids[struck].tolist(), names[len(changes) :]
    changed_at, opened = rows.changed_at[changes], rows.opened_at[incidents]
    return [
        ChangePair(
            change=shown_name(numbers[k]),
            change_type=_text(types[k]),
            team=_text(teams[k]),
            changed_ci_id=changed_ids[k],
            changed_ci=shown_name(changed_names[k]),
            changed_at=_datetime(changed_at[k]),
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


def _values(frame: pd.DataFrame, name: str, rows: np.ndarray) -> list[object]:
    """Some rows of a column as Python values (None for every row when the table lacks the column)."""
    return cells(frame[name], rows) if name in frame.columns else [None] * len(rows)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def priorities(incident: pd.DataFrame, rows: np.ndarray) -> list[int | None]:
    """The priorities of some incident rows as integers (None where missing or not a number)."""
    if "priority" not in incident.columns:
        return [None] * len(rows)
    numbers = pd.to_numeric(incident["priority"].take(rows), errors="coerce").astype("float64").to_numpy()
    return [int(n) if n == n else None for n in numbers.tolist()]


def _datetime(value: np.datetime64) -> datetime:
    return value.astype("datetime64[us]").item()
