"""The map as of a time (`asof=`): statuses, open incidents and changes from the snapshot's histories
(domain/asof.py), and what the map must say so that the past is never taken for the present.

The histories are sorted once per snapshot; a map as of T rolls up only its own CIs and what they depend on.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.availability import inputs
from dashboard.cmdb.derived import Derived, id_array, once
from dashboard.domain.asof import (
    HealthHistory,
    IncidentHistory,
    health_at,
    health_history,
    incident_history,
    open_rows_at,
    what_changed,
)
from dashboard.domain.asof import incidents_at as overlay_at
from dashboard.domain.health import NO_DATA, HealthState
from dashboard.domain.incident_groups import OpenIncidents
from dashboard.domain.names import shown_name
from dashboard.domain.notices import Notice
from dashboard.domain.overlays import IncidentOverlay, change_counts
from dashboard.domain.viewstate import ViewState
from dashboard.domain.vocabulary import Health

DAY = np.timedelta64(1, "D")


@dataclass(frozen=True, slots=True)
class Overlays:
    """What a map colours and marks its nodes with: statuses, open incidents, changes per node."""

    health: HealthState
    incidents: IncidentOverlay
    changes: np.ndarray


def history(derived: Derived) -> HealthHistory:
    """The snapshot's health events sorted by (CI, time), made once per snapshot."""
    derived = live_of(derived)  # the views of a past time share the live ones' histories
    found = inputs(derived)
    return derived.kept("asof_health", lambda: health_history(found.event_nodes, found.event_codes, found.event_times))


def incidents(derived: Derived) -> IncidentHistory:
    """The snapshot's incidents that name a CI, as times, made once per snapshot."""
    derived = live_of(derived)
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


def as_of_notices(
    derived: Derived, state: ViewState, bad: str, bad_diff: str = "", page: str = "map"
) -> tuple[Notice, ...]:
    """What the map (or another `page`) says about time: the bad `asof=` (or `diff=`) it ignored, or that it shows
    the past on today's topology."""
    if bad_diff:
        return (*as_of_notices(derived, state, bad, page=page), _bad("diff", bad_diff, "nothing is compared"))
    if bad:
        return (_bad("asof", bad, f"this {page} is live"),)
    if state.as_of is None:
        return ()
    found = history(derived)
    loaded = np.datetime64(derived.snapshot.loaded_at.replace(tzinfo=None), "s")
    when = state.as_of.replace("T", " ")
    notes = [
        Notice(
            "asof.past",
            f"As of {when} UTC — not live.",
            "Statuses, incidents and changes as they were; the topology is today's (the CMDB keeps no history of it).",
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


def _bad(name: str, value: str, meaning: str) -> Notice:
    return Notice(
        f"{name}.bad",
        f"“{name}={value}” is not a time: {meaning}.",
        f"Write a UTC time such as {name}=2026-11-20T10:00 (or a date, or seconds since 1970).",
    )


def _minutes(ns: int) -> str:
    return str(np.datetime64(ns, "ns").astype("datetime64[m]")).replace("T", " ") + " UTC"


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A CI of the map whose rolled-up status differs between the two times."""

    ci_id: int
    name: str
    before: Health
    after: Health


@dataclass(frozen=True, slots=True)
class DiffView:
    """What changed on a map between `diff=` (T1) and the map's time (T2: `asof=`, else when the data was loaded)."""

    since: str
    until: str
    statuses: tuple[StatusChange, ...]
    opened: tuple[str, ...]  # "INC0012345 P1 · pay-db01"
    resolved: tuple[str, ...]
    changes: tuple[str, ...]  # "CHG0001234 · pay-db01"


def diff_view(derived: Derived, state: ViewState, nodes: np.ndarray) -> DiffView | None:
    """The changes between `state.diff` and the map's time on the CIs at `nodes` (None without `diff=`); kept per
    snapshot while recently asked for."""
    if state.diff is None:
        return None
    return derived.recent(("diff", state), lambda: _diff_view(derived, state, np.unique(nodes)))


def _diff_view(derived: Derived, state: ViewState, nodes: np.ndarray) -> DiffView:
    snapshot = derived.snapshot
    loaded = np.datetime64(snapshot.loaded_at.replace(tzinfo=None), "ns").astype(np.int64)
    t1, t2 = sorted((moment(state.diff or ""), moment(state.as_of) if state.as_of else int(loaded)))
    change = snapshot.tables["change"]
    starts = change["actual_start"].fillna(change["planned_start"]).to_numpy(dtype="datetime64[ns]")
    found = what_changed(snapshot.index, history(derived), incidents(derived), starts, (t1, t2), nodes)
    names, ci_ids = derived.names, snapshot.index.ci_ids
    statuses = tuple(
        StatusChange(int(ci_ids[n]), shown_name(names[n]), _shown(b), _shown(a))
        for n, b, a in zip(found.nodes.tolist(), found.before.tolist(), found.after.tolist(), strict=True)
    )
    incident = snapshot.tables["incident"]
    return DiffView(
        since=_minutes(t1),
        until=_minutes(t2) if state.as_of else "now",
        statuses=statuses,
        opened=_rows(derived, incident, found.opened, nodes, priority=True),
        resolved=_rows(derived, incident, found.resolved, nodes, priority=True),
        changes=_rows(derived, change, found.changes, nodes, priority=False),
    )


def _shown(code: int) -> Health:
    return Health.UNKNOWN if code == NO_DATA else Health(code)


def _rows(derived: Derived, table: pd.DataFrame, rows: np.ndarray, nodes: np.ndarray, *, priority: bool) -> tuple:
    """'NUMBER P1 · CI name' for the table rows that name one of the nodes, newest rows last."""
    picked = table.iloc[rows]
    at = derived.snapshot.index.locate(picked["ci_id"].pipe(id_array))
    keep = np.isin(at, nodes)
    numbers = picked["number"].astype("str").to_numpy()[keep].tolist()
    levels = picked["priority"].to_numpy()[keep].tolist() if priority else [None] * len(numbers)
    names = [shown_name(derived.names[p]) for p in at[keep].tolist()]
    return tuple(
        f"{number}{f' P{int(level)}' if level == level and level is not None else ''} · {name}"
        for number, level, name in zip(numbers, levels, names, strict=True)
    )


class DerivedAsOf(Derived):
    """The snapshot's views as they were at a time (`asof=` on the wall and /health): statuses, open incidents and
    what is kept from them (`kept`, `recent`) are of then; names, search and the histories are the live views'.

    Built by `views_at`, kept among the live views' recent ones: a time's roll-up is done once while it is asked for.
    """

    def __init__(self, live: Derived, as_of: str) -> None:
        super().__init__(live.snapshot)
        self.live = live
        self.as_of = as_of
        self.warmed.set()

    @property
    def at(self) -> int:
        """The time, ns since 1970."""
        return moment(self.as_of or "")

    @once
    def then(self) -> Overlays:
        """Statuses (every CI rolled up) and open incidents of then, from the as-of overlays of the map."""
        return overlays(self.live, ViewState(as_of=self.as_of))

    @once
    def health(self) -> HealthState:
        """Own and rolled-up status of every CI at the time."""
        return self.then.health

    @once
    def incidents(self) -> IncidentOverlay:
        """Incidents open per CI at the time, and their worst priority."""
        return self.then.incidents

    @once
    def open_incidents(self) -> OpenIncidents:
        """The incidents open at the time, those that name no CI included."""
        table = self.snapshot.tables["incident"]
        rows = open_rows_at(
            table["state"].to_numpy(dtype=object),
            table["opened_at"].to_numpy(dtype="datetime64[ns]"),
            table["resolved_at"].to_numpy(dtype="datetime64[ns]"),
            self.at,
        )
        open_ = table.iloc[rows]
        return OpenIncidents(
            rows=rows,
            nodes=self.snapshot.index.locate(open_["ci_id"].pipe(id_array)),
            priorities=open_["priority"].to_numpy(dtype=np.float64, na_value=np.nan),
            opened=open_["opened_at"].to_numpy(dtype="datetime64[ns]"),
        )

    # What does not change with the time is the live views'.
    names = property(lambda self: self.live.names)
    shared_name = property(lambda self: self.live.shared_name)
    relationship_ids = property(lambda self: self.live.relationship_ids)
    no_changes = property(lambda self: self.live.no_changes)
    search = property(lambda self: self.live.search)
    traffic = property(lambda self: self.live.traffic)


TIMES_KEPT = 4  # times whose views are kept per snapshot: each holds a roll-up of every CI (tens of MB at 1M CIs)


class _Times:
    """The views of the few most recently asked times: a URL cannot make the server keep more."""

    def __init__(self) -> None:
        self.kept: OrderedDict[str, DerivedAsOf] = OrderedDict()
        self.lock = threading.Lock()

    def of(self, live: Derived, as_of: str) -> "DerivedAsOf":
        with self.lock:
            found = self.kept.get(as_of)
            if found is None:
                found = self.kept[as_of] = DerivedAsOf(live, as_of)  # cheap: its views are built on first use
                while len(self.kept) > TIMES_KEPT:
                    self.kept.popitem(last=False)
            self.kept.move_to_end(as_of)
            return found


def views_at(derived: Derived, as_of: str | None) -> Derived:
    """The views of the time `as_of` (a ViewState.as_of), kept while among the TIMES_KEPT last asked; the live ones
    for None."""
    if as_of is None:
        return derived
    live = live_of(derived)
    return live.kept("asof_times", _Times).of(live, as_of)


def live_of(derived: Derived) -> Derived:
    """The live views behind views of a past time (themselves when live)."""
    return derived.live if isinstance(derived, DerivedAsOf) else derived


def warm_as_of(derived: Derived) -> None:
    """The histories every `asof=` reads (sorted health events, incidents as times), in the views' warm-up: the first
    past map, wall or /health after a reload does not pay for them."""
    history(derived)
    incidents(derived)
