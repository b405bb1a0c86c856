"""The wall screen's data: every business service as a tile, worst first, and the trouble path of each one that is
not OK (for the rotation). Plain values only; read from the current snapshot.

Without business services (or when the URL asks), the tiles are CIs or groups of CIs instead (wall_cis.py decides).
"""

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from dashboard.asof import live_of
from dashboard.availability import AvailabilityView, inputs
from dashboard.cmdb.derived import Derived
from dashboard.details import text
from dashboard.domain.graph import GraphIndex
from dashboard.domain.health import HealthState, explain, failing_below, likely_fault
from dashboard.domain.names import shown_name
from dashboard.domain.neighbourhood import of_nodes
from dashboard.domain.notices import Notice
from dashboard.domain.since import Since, Timeline, timeline, trouble_since
from dashboard.domain.traverse import MAX_DEPTH, Direction, reach
from dashboard.domain.viewstate import ViewState
from dashboard.domain.vocabulary import BUSINESS_SERVICE, CRITICALITIES, Health, class_label
from dashboard.maps import MapModel, map_of, short_label

MAX_LARGE = 12  # services not OK drawn as full tiles at most (layouts/wall_plan.py decides how many fit); the rest
# of the services are names in a compact grid
MAX_FAULTS = 5  # CIs at fault drawn on one rotation map: each adds a path, and the map must stay readable


@dataclass(frozen=True, slots=True)
class Fault:
    """The CI most likely at fault for a service's status."""

    ci_id: int
    name: str
    class_label: str
    status: Health


@dataclass(frozen=True, slots=True)
class Tile:
    """One business service on the wall (or one CI, or one group of CIs: see wall_cis.py)."""

    ci_id: int | None  # None for a group of CIs
    name: str
    criticality: str
    status: Health
    incidents: tuple[int, ...]  # open incidents of priority 1 … 5 on the service and everything below it
    since: datetime | None  # when the current degraded-or-down period started (see domain/since.py)
    fault: Fault | None
    detail: str = ""  # a CI's class and dependents, a group's members: what the tile stands for
    oldest_open: datetime | None = None  # a group of incidents: when the oldest of them was opened
    most_named: str = ""  # a group of incidents: the CI most of them name, and how many do
    since_known: bool = True  # False: the trouble started at `since` or before (the health history does not say)
    availability: AvailabilityView | None = None  # ?sla=1: a business service's availability (callbacks/wall.py)


@dataclass(frozen=True, slots=True)
class Compact:
    """A service in the compact grid: its name, status and criticality only."""

    ci_id: int
    name: str
    criticality: str
    status: Health


@dataclass(frozen=True, slots=True)
class WallModel:
    """The tiles shown (worst first), how many did not fit, and what they are when they are not services."""

    tiles: tuple[Tile, ...]
    not_shown: int
    not_ok: tuple[int, ...]  # CI ids of the tiles that are not OK, worst first (the rotation's order)
    heading: str = ""  # what the tiles are, when they are not every business service
    notice: Notice | None = None  # why there is no tile, and what to do
    unit: str = "services"  # what `not_shown` counts
    left_out: str = ""  # open incidents no tile counts (they name no CI), and where to see them
    rest: tuple[Compact, ...] | None = None  # a wall of services: every service without a full tile, worst first
    counts: tuple[int, ...] = ()  # a wall of services: how many are OK, in maintenance, unknown, degraded, down


def wall_model(derived: Derived, only: frozenset[int] = frozenset()) -> WallModel:
    """Every business service (or the ones named), worst first (status, P1 count, criticality, name): a full tile for
    each of the first MAX_LARGE that are not OK, a compact entry for every other one."""
    index = derived.snapshot.index
    services = np.flatnonzero(index.class_mask(BUSINESS_SERVICE))
    if only:
        services = services[np.isin(index.ci_ids[services], np.fromiter(only, dtype=np.int64))]
    status = derived.health.shown(services).astype(np.int64)
    p1 = derived.incidents.by_priority[services, 0]
    names = [str(n).casefold() for n in derived.names[services].tolist()]
    weight = _criticality_rank(derived.snapshot.ci["criticality"].iloc[services].tolist())
    order = sorted(range(len(services)), key=lambda i: (-status[i], -p1[i], weight[i], names[i]))
    ranked = services[order] if len(services) else services
    ranked_status = status[order] if len(services) else status
    large = int(min(MAX_LARGE, (ranked_status != Health.OK).sum()))
    shown = tuple(_tile(derived, int(s)) for s in ranked[:large])
    rest = tuple(_compact(derived, int(s)) for s in ranked[large:])
    not_ok = tuple(int(index.ci_ids[s]) for s, st in zip(ranked, ranked_status, strict=True) if st >= Health.DEGRADED)
    counts = tuple(int((status == h).sum()) for h in Health)
    return WallModel(shown, 0, not_ok, rest=rest, counts=counts)


def service_tile(derived: Derived, ci_id: int, below: np.ndarray | None = None) -> Tile | None:
    """The full tile of one CI (for the rotation's title and the report), or None when it is not in the snapshot;
    `below`: what the CI depends on (with itself), when the caller has walked it already."""
    position = derived.snapshot.index.position(ci_id)
    return _tile(derived, position, below) if position is not None else None


def _compact(derived: Derived, position: int) -> Compact:
    return Compact(
        ci_id=int(derived.snapshot.index.ci_ids[position]),
        name=shown_name(derived.names[position]),
        criticality=text(derived.snapshot.ci["criticality"].iat[position]),
        status=Health(int(derived.health.shown(np.array([position]))[0])),
    )


def _criticality_rank(criticalities: list[object]) -> list[int]:
    """Each criticality's place in the vocabulary (critical first); an unknown or missing one after all of them."""
    rank = {name: n for n, name in enumerate(CRITICALITIES)}
    return [rank.get(str(c).strip().lower(), len(CRITICALITIES)) if isinstance(c, str) else len(CRITICALITIES)
            for c in criticalities]  # fmt: skip


def _tile(derived: Derived, position: int, below: np.ndarray | None = None) -> Tile:
    """A business service's tile: its incidents and those of everything below it."""
    index = derived.snapshot.index
    ci = derived.snapshot.ci
    if below is None:
        below = reach(index, [position], Direction.DOWNSTREAM, MAX_DEPTH, follow_links=False).nodes
    fault_at = likely_fault(index, derived.health, position)
    since, since_known = started(derived, position, below)
    return Tile(
        ci_id=int(index.ci_ids[position]),
        name=shown_name(derived.names[position]),
        criticality=text(ci["criticality"].iat[position]),
        status=Health(int(derived.health.shown(np.array([position]))[0])),
        incidents=derived.incidents.counts_of(below),
        since=since,
        fault=_fault(derived, fault_at) if fault_at is not None and fault_at != position else None,
        since_known=since_known,
    )


def fault_of(derived: Derived, position: int) -> Fault | None:
    """The CI most likely at fault for this CI's status, when it is another CI, and when that one reported."""
    fault_at = likely_fault(derived.snapshot.index, derived.health, position)
    return _fault(derived, fault_at) if fault_at is not None and fault_at != position else None


def since_of(derived: Derived, position: int, below: np.ndarray | None = None) -> Since | None:
    """Since when this CI is degraded or down, from the health history (once per snapshot); None when it is not."""
    if derived.health.rolled[position] < Health.DEGRADED:
        return None
    return derived.kept(f"since.{position}", lambda: _trouble_since(derived, position, below))


def started(derived: Derived, position: int, below: np.ndarray | None = None) -> tuple[datetime | None, bool]:
    """A tile's `since` and `since_known`: when this CI's trouble started, and whether the history shows that start."""
    since = since_of(derived, position, below)
    return (_datetime(since.at), since.known) if since is not None else (None, True)


def _trouble_since(derived: Derived, position: int, below: np.ndarray | None = None) -> Since | None:
    events = events_in_time_order(derived)
    if derived.as_of is not None:
        events = events.until(np.datetime64(derived.as_of, "ns"))  # then: no later events
    return trouble_since(derived.snapshot.index, position, events, below)


def events_in_time_order(derived: Derived) -> Timeline:
    """The snapshot's health events about CIs in time order (domain/since.py), made once per snapshot and shared
    by the views of every time: those as of a time are a prefix of them."""
    live = live_of(derived)
    found = inputs(live)
    times = found.event_times.view("datetime64[ns]")  # ns since 1970, NaT where no time
    return live.kept(
        "since_timeline", lambda: timeline(found.event_nodes, found.event_codes, times, live.snapshot.index.node_count)
    )


def _datetime(value: np.datetime64) -> datetime:
    return value.astype("datetime64[us]").item()


def _fault(derived: Derived, position: int) -> Fault:
    index = derived.snapshot.index
    class_name = index.class_names[index.class_codes[position]]
    return Fault(
        ci_id=int(index.ci_ids[position]),
        name=short_label(derived.names[position]),
        class_label=class_label(class_name),
        status=Health(int(derived.health.shown(np.array([position]))[0])),
    )


def rotation_step(seconds: float, rotate: int, count: int) -> int | None:
    """Which trouble map the rotation shows at this time (0 … count - 1), or None for the overview of every service:
    overview, map 1, overview, map 2, … so that the overview comes back every other step while services are not OK."""
    if rotate <= 0 or count <= 0:
        return None
    step = int(seconds // rotate) % (2 * count)
    return None if step % 2 == 0 else step // 2


@dataclass(frozen=True, slots=True)
class Trouble:
    """A service's trouble for the rotation: the map of its paths down to the CIs at fault, and what it leaves out."""

    map: MapModel
    faults: int  # CIs whose own monitoring decides the service's status
    failing: int  # degraded or down CIs below the service (the map shows the ones on the paths)


def trouble_map(derived: Derived, ci_id: int) -> Trouble | None:
    """The service and one path down to each CI at fault (worst first, at most MAX_FAULTS), laid out as a map."""
    index = derived.snapshot.index
    position = index.position(ci_id)
    if position is None:
        return None
    nodes, faults = fault_paths(index, derived.health, position)
    failing = len(failing_below(index, derived.health, position)) - 1
    hood = of_nodes(index, position, nodes)
    return Trouble(map_of(derived, ViewState(root=ci_id, depth=None), hood), faults, failing)


def fault_paths(index: GraphIndex, state: HealthState, root: int, most: int = MAX_FAULTS) -> tuple[np.ndarray, int]:
    """The nodes on one path from root down to each CI at fault, and how many CIs are at fault.

    Walks down the dependencies that decide each status (see `explain`), worst first, as `likely_fault` does; a CI
    whose own monitoring decides its status is at fault. Each CI at fault is reached by the first such path found
    (the shortest), so the paths form a tree: wide trouble (a switch under a hundred VMs) stays a few lines.
    """
    if state.rolled[root] < Health.DEGRADED:
        return np.array([root], dtype=np.int64), 0
    parent = {root: root}
    faults: list[int] = []
    frontier = [root]
    for _ in range(MAX_DEPTH):
        reached = []
        for node in frontier:
            why = explain(index, state, node)
            if why.rule == "own" or not why.culprits:
                faults.append(node)
                continue
            for culprit in sorted(why.culprits, key=lambda c: (-int(state.rolled[c]), c)):
                if culprit not in parent:
                    parent[culprit] = node
                    reached.append(culprit)
        if not reached:
            break
        frontier = reached
    shown = sorted(faults, key=lambda f: (-int(state.rolled[f]), f))[:most]
    on_path = set()
    for node in shown:
        while node not in on_path:
            on_path.add(node)
            node = parent[node]
    return np.array(sorted(on_path), dtype=np.int64), len(faults)
