"""What the asset-health page computes once per snapshot: the snapshot's tables as the domain's sorted arrays.

Kept with the snapshot's other views (`Derived.kept`), so that a filter change only runs numpy over these.
"""

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from dashboard.asof import history, moment, views_at
from dashboard.cmdb.derived import Derived, id_array
from dashboard.domain.asof import HealthHistory, own_at, worst_between
from dashboard.domain.health import NO_DATA, status_codes
from dashboard.domain.health_history import StatusHistory, per_day_counts, status_history
from dashboard.domain.health_incidents import (
    IncidentLog,
    ServiceMembers,
    incident_log,
    reopened_numbers,
    service_members,
    service_pairs,
)
from dashboard.domain.health_scope import ScopeColumns, codes_of, group_cis
from dashboard.domain.vocabulary import Health

KEY = "health_data"


@dataclass(frozen=True, slots=True)
class HealthData:
    """The health history, the incident log, the scope's columns and the services above every CI."""

    now: np.datetime64  # when the snapshot was taken (UTC, naive): the end of every range
    status: StatusHistory
    shown: np.ndarray  # int8 status per CI from its own latest event (no events: unknown), not rolled up
    log: IncidentLog
    columns: ScopeColumns
    members: ServiceMembers
    pairs: tuple[np.ndarray, np.ndarray]  # (service, log entry) of every incident below a service: service_pairs
    health_rows: int  # health events the snapshot holds
    incident_rows: int  # incidents it holds, and of them those that name a CI it holds
    incidents_on_cis: int


def health_data(derived: Derived) -> HealthData:
    """The page's per-snapshot data, built on first use and then kept."""
    return derived.kept(KEY, lambda: _build(derived))


def _build(derived: Derived) -> HealthData:
    snapshot = derived.snapshot
    index = snapshot.index
    now = np.datetime64(snapshot.loaded_at.replace(tzinfo=None), "ns")
    health = snapshot.tables["health"]
    incidents = snapshot.tables["incident"]
    status = status_history(
        index.locate(health["ci_id"].pipe(id_array)),
        status_codes(health["status"].to_numpy(dtype=object)),
        health["observed_at"].to_numpy(dtype="datetime64[ns]"),
        now,
    )
    nodes = index.locate(incidents["ci_id"].pipe(id_array))
    groups, group_names = codes_of(_assignment_groups(incidents, nodes, snapshot.ci))
    location, location_names = codes_of(snapshot.ci["location"].to_numpy(dtype=object))
    log = incident_log(
        nodes,
        incidents["priority"].to_numpy(dtype=np.float64, na_value=np.nan),
        incidents["opened_at"].to_numpy(dtype="datetime64[ns]"),
        incidents["resolved_at"].to_numpy(dtype="datetime64[ns]"),
        groups,
        group_names,
        _reopened(incidents, snapshot.tables.get("incident_history")),
    )
    return HealthData(
        now=now,
        status=status,
        shown=_own(derived.health.own),
        log=log,
        columns=ScopeColumns(location, location_names, group_cis(nodes, groups, group_names)),
        members=(members := service_members(index)),
        pairs=service_pairs(log, members),
        health_rows=len(health),
        incident_rows=len(incidents),
        incidents_on_cis=int((nodes >= 0).sum()),
    )


def _own(own: np.ndarray) -> np.ndarray:
    """Each CI's own status now; a CI without events is unknown (as the map draws one without data)."""
    return np.where(own == NO_DATA, int(Health.UNKNOWN), own).astype(np.int8)


def _assignment_groups(incidents: pd.DataFrame, nodes: np.ndarray, ci: pd.DataFrame) -> np.ndarray:
    """Each incident's assignment group; where it names none, the owner of its CI (the team that looks after it)."""
    groups = incidents["assignment_group"].to_numpy(dtype=object).copy()
    owners = ci["owner"].to_numpy(dtype=object)
    blank = np.asarray([not (isinstance(g, str) and g.strip()) for g in groups.tolist()], dtype=bool) & (nodes >= 0)
    groups[blank] = owners[nodes[blank]]
    return groups


def _reopened(incidents: pd.DataFrame, history: pd.DataFrame | None) -> np.ndarray:
    """Per incident row: True when its audit trail shows it reopened."""
    if history is None or history.empty:
        return np.zeros(len(incidents), dtype=bool)
    numbers = reopened_numbers(
        history["number"].to_numpy(dtype=object),
        history["field"].to_numpy(dtype=object),
        history["old_value"].to_numpy(dtype=object),
        history["new_value"].to_numpy(dtype=object),
    )
    return incidents["number"].astype("str").isin(numbers).to_numpy()


def health_data_at(derived: Derived, as_of: str | None) -> HealthData:
    """The page's data as it was at `as_of` (a ViewState.as_of; None: now, `health_data`): "now" is that time, the
    status now is each CI's own status then, incidents resolved later count as open, and the day the time falls in
    ends at it. Kept with the views of that time (dashboard/asof.py views_at)."""
    data = health_data(derived)
    if as_of is None:
        return data
    return views_at(derived, as_of).kept(KEY, lambda: _as_of(derived, data, as_of))  # kept with that time's views


def _as_of(derived: Derived, data: HealthData, as_of: str) -> HealthData:
    at = moment(as_of)
    when = np.datetime64(at, "ns")
    found = history(derived)
    own, _ = own_at(found, at, np.arange(derived.snapshot.index.node_count))
    log = data.log
    later = log.resolved > when  # NaT compares False: still open
    log = replace(
        log,
        resolved=np.where(later, np.datetime64("NaT", "ns"), log.resolved),
        to_resolve=np.where(later, np.nan, log.to_resolve),
    )
    return replace(data, now=when, shown=_own(own), log=log, status=_cut(data.status, found, when))


def _cut(status: StatusHistory, found: HealthHistory, when: np.datetime64) -> StatusHistory:
    """The daily statuses with the day `when` falls in counted up to `when` only (later events left out)."""
    day = np.datetime64(when, "D")
    column = int((day - status.first_day) / np.timedelta64(1, "D"))
    if when == day or not 0 <= column < status.day_count:  # at midnight the range leaves that day out
        return status
    worst = status.worst.copy()
    start = int(np.datetime64(day, "ns").astype(np.int64))
    worst[:, column] = worst_between(found, status.nodes, start, int(when.astype(np.int64)))
    return replace(status, worst=worst, day_counts=per_day_counts(worst))
