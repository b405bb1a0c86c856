"""The map as of a time (`asof=`): statuses, open incidents and changes from the snapshot's histories
(domain/asof.py), and what the map must say so that the past is never taken for the present.

The histories are sorted once per snapshot; a map as of T rolls up only its own CIs and what they depend on.
"""

from dataclasses import dataclass

import numpy as np

from dashboard.availability import inputs
from dashboard.cmdb.derived import Derived, id_array
from dashboard.domain.asof import HealthHistory, IncidentHistory, health_at, health_history, incident_history
from dashboard.domain.asof import incidents_at as overlay_at
from dashboard.domain.health import HealthState
from dashboard.domain.notices import Notice
from dashboard.domain.overlays import IncidentOverlay, change_counts
from dashboard.domain.viewstate import ViewState

DAY = np.timedelta64(1, "D")


@dataclass(frozen=True, slots=True)
class Overlays:
    """What a map colours and marks its nodes with: statuses, open incidents, changes per node."""

    health: HealthState
    incidents: IncidentOverlay
    changes: np.ndarray


def history(derived: Derived) -> HealthHistory:
    """The snapshot's health events sorted by (CI, time), made once per snapshot."""
    found = inputs(derived)
    return derived.kept("asof_health", lambda: health_history(found.event_nodes, found.event_codes, found.event_times))


def incidents(derived: Derived) -> IncidentHistory:
    """The snapshot's incidents that name a CI, as times, made once per snapshot."""
    found = inputs(derived)
    return derived.kept(
        "asof_incidents",
        lambda: incident_history(found.incident_nodes, found.priorities, found.states, found.opened, found.resolved),
    )


def moment(as_of: str) -> int:
    """The ns since 1970 of a ViewState.as_of (already checked by viewstate.as_of_text)."""
    return int(np.datetime64(as_of, "ns").astype(np.int64))


def overlays(derived: Derived, state: ViewState, needed: np.ndarray | None = None) -> Overlays:
    """Live overlays, or (with `as_of`) those of that time, right for the `needed` nodes (None: every node)."""
    if state.as_of is None:
        changes = derived.changes(state.change_days) if state.change_days else derived.no_changes
        return Overlays(derived.health, derived.incidents, changes)
    at = moment(state.as_of)
    index = derived.snapshot.index
    return Overlays(
        health_at(index, history(derived), at, needed),
        overlay_at(index.node_count, incidents(derived), at),
        changes_before(derived, at, state.change_days) if state.change_days else derived.no_changes,
    )


def open_counts(derived: Derived, state: ViewState) -> np.ndarray:
    """Open incidents per CI: now, or (with `as_of`) then."""
    if state.as_of is None:
        return derived.incidents.open_count
    return overlay_at(derived.snapshot.index.node_count, incidents(derived), moment(state.as_of)).open_count


def changes_before(derived: Derived, at: int, days: int) -> np.ndarray:
    """Changes per CI that started (actual, else planned) in the `days` days up to `at`."""
    change = derived.snapshot.tables["change"]
    until = np.datetime64(at, "ns")
    starts = change["actual_start"].fillna(change["planned_start"])
    return change_counts(
        derived.snapshot.index,
        change["ci_id"].pipe(id_array),
        starts.to_numpy(dtype="datetime64[ns]"),
        until - days * DAY,
        until,
    )


def as_of_notices(derived: Derived, state: ViewState, bad: str) -> tuple[Notice, ...]:
    """What the map says about time: the bad `asof=` it ignored, or that it shows the past on today's topology."""
    if bad:
        return (
            Notice(
                "asof.bad",
                f"“asof={bad}” is not a time: this map is live.",
                "Write a UTC time such as asof=2026-11-20T10:00 (or a date, or seconds since 1970).",
            ),
        )
    if state.as_of is None:
        return ()
    found = history(derived)
    loaded = np.datetime64(derived.snapshot.loaded_at.replace(tzinfo=None), "s")
    when = state.as_of.replace("T", " ")
    notes = [
        Notice(
            "asof.past",
            f"As of {when} UTC — not live.",
            "Statuses, open incidents and changes as they were then; the topology (CIs and relationships) is "
            "today's: the CMDB keeps no history of it. Remove asof= from the address for the live map.",
        )
    ]
    at = moment(state.as_of)
    if found.first is None or at < found.first:
        first = "none loaded" if found.first is None else _minutes(found.first)
        notes.append(
            Notice(
                "asof.before_window",
                f"{when} is before the health history the snapshot holds (oldest event: {first}).",
                "Statuses show as unknown; SERVICEMAP_HEALTH_DAYS sets how many days are loaded.",
            )
        )
    elif at > int(loaded.astype("datetime64[ns]").astype(np.int64)):
        notes.append(
            Notice(
                "asof.future",
                f"{when} is after the data was loaded ({str(loaded)[:16].replace('T', ' ')} UTC).",
                "This is the latest data there is, not a forecast.",
            )
        )
    return tuple(notes)


def _minutes(ns: int) -> str:
    return str(np.datetime64(ns, "m")).replace("T", " ") + " UTC"
