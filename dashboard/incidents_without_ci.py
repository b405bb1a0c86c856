"""Incidents that name no CI, as plain rows for the /health page: counts by assignment group and by category, and
the newest of them. The arithmetic is dashboard/domain/incidents_without_ci.py."""

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from dashboard.change_failures import label_codes, priorities, times
from dashboard.cmdb.cells import cells
from dashboard.cmdb.derived import id_array
from dashboard.cmdb.snapshot import Snapshot
from dashboard.domain.incidents_without_ci import GroupCount, marked_group_counts, place_incidents
from dashboard.domain.names import shown_name

LISTED = 500  # incidents listed at most (the newest); the counts cover all of them


@dataclass(frozen=True, slots=True)
class UnplacedIncident:
    """An incident the CMDB cannot place on a CI."""

    number: str
    opened_at: datetime | None
    priority: int | None
    state: str
    assignment_group: str
    category: str
    business_service: str  # as the source names it
    named_ci: str  # the CI id it names that the CMDB does not have; empty when it names none
    summary: str


@dataclass(frozen=True, slots=True)
class IncidentsWithoutCIView:
    """What the "incidents that name no CI" section shows; total = with_ci + without_ci."""

    total: int
    with_ci: int
    without_ci: int
    dangling: int  # of without_ci: they name a CI id the CMDB does not have
    by_group: tuple[GroupCount, ...]
    by_category: tuple[GroupCount, ...]
    incidents: tuple[UnplacedIncident, ...]  # the newest LISTED of them

    @property
    def share(self) -> float:
        """Without CI / all incidents in view."""
        return self.without_ci / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class UnplacedBasis:
    """Once per snapshot: each incident's CI position, whether it names one, its opening time, and its assignment
    group and category as codes into the distinct labels."""

    positions: np.ndarray
    named: np.ndarray
    opened: np.ndarray
    groups: tuple[np.ndarray, np.ndarray]
    categories: tuple[np.ndarray, np.ndarray]


def unplaced_basis(snapshot: Snapshot) -> UnplacedBasis:
    """What incidents_without_ci_view reads of every incident, decoded once."""
    incident = snapshot.tables["incident"]
    return UnplacedBasis(
        snapshot.index.locate(id_array(incident["ci_id"])),
        incident["ci_id"].notna().to_numpy(),
        times(incident["opened_at"]),
        label_codes(_column(incident, "assignment_group")),
        label_codes(_column(incident, "category")),
    )


def incidents_without_ci_view(
    snapshot: Snapshot,
    scope: np.ndarray,
    start: np.datetime64,
    end: np.datetime64,
    basis: UnplacedBasis | None = None,
) -> IncidentsWithoutCIView:
    """The incidents opened in [start, end) on CIs in `scope` or on no CI at all, and those without CI in detail;
    `basis` is the snapshot's unplaced_basis (decoded here when not given)."""
    incident = snapshot.tables["incident"]
    basis = basis if basis is not None else unplaced_basis(snapshot)
    opened = basis.opened
    placed = place_incidents(
        basis.positions, basis.named, opened, scope, np.datetime64(start, "ns"), np.datetime64(end, "ns")
    )
    rows = np.concatenate([placed.with_ci, placed.without_ci])  # disjoint: an incident without CI is on none
    marked = np.arange(len(rows)) >= len(placed.with_ci)
    newest = placed.without_ci[np.argsort(opened[placed.without_ci], kind="stable")[::-1][:LISTED]]
    listed = _listed(incident, newest)
    return IncidentsWithoutCIView(
        total=placed.total,
        with_ci=len(placed.with_ci),
        without_ci=len(placed.without_ci),
        dangling=int(placed.dangling.sum()),
        by_group=tuple(marked_group_counts(*basis.groups, rows, marked)),
        by_category=tuple(marked_group_counts(*basis.categories, rows, marked)),
        incidents=tuple(
            _incident(listed, k, opened[row], priority)
            for k, (row, priority) in enumerate(zip(newest.tolist(), priorities(incident, newest), strict=True))
        ),
    )


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), None, dtype=object)
    return frame[name].astype("object").to_numpy()


_LISTED_COLUMNS = ("number", "state", "assignment_group", "category", "business_service", "summary", "ci_id")


def _listed(frame: pd.DataFrame, rows: np.ndarray) -> dict[str, list[object]]:
    """The listed incidents' cells, column by column (a lookup per cell cost 0.2 s for 500 incidents)."""
    return {name: cells(frame[name], rows) for name in _LISTED_COLUMNS if name in frame.columns}


def _incident(listed: dict[str, list[object]], k: int, opened: np.datetime64, priority: int | None) -> UnplacedIncident:
    def text(name: str) -> str:
        return shown_name(listed[name][k]).strip() if name in listed else ""

    named = listed["ci_id"][k]
    return UnplacedIncident(
        number=text("number"),
        opened_at=None if np.isnat(opened) else opened.astype("datetime64[us]").item(),
        priority=priority,
        state=text("state"),
        assignment_group=text("assignment_group"),
        category=text("category"),
        business_service=text("business_service"),
        named_ci="" if pd.isna(named) else shown_name(int(named) if isinstance(named, float) else named),
        summary=text("summary"),
    )
