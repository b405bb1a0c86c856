"""The "how does X depend on Y?" view model: the paths between the selected CI and another one, as names and views.

Plain data for layouts/paths.py; the domain walk is dashboard/domain/paths.py.
"""

from dataclasses import dataclass, replace

import numpy as np

from dashboard.cmdb.derived import Derived
from dashboard.domain.names import shown_name
from dashboard.domain.paths import DependencyPaths, dependency_paths
from dashboard.domain.traverse import Direction
from dashboard.domain.viewstate import MAX_DEPTH, ViewState

MAX_PATHS = 10


@dataclass(frozen=True, slots=True)
class PathStep:
    """One CI on a path: its id, its name and the state whose map it focuses."""

    ci_id: int
    name: str
    focus: ViewState  # the map centred on it, with its details


@dataclass(frozen=True, slots=True)
class PathView:
    """What the panel says about the paths from `source` to `target` (names as text)."""

    source: str
    target: str
    paths: tuple[tuple[PathStep, ...], ...]
    upstream: bool  # True: the target depends on the source (the paths run up)
    more: bool  # more shortest paths exist than are listed
    missing: int  # CIs of the paths that are not on the current map
    whole: ViewState | None  # a view that shows every CI of the paths, when some are missing


def find_paths(derived: Derived, state: ViewState) -> DependencyPaths | None:
    """The paths a view asks for (sel → path), None when it asks for none or names an unknown CI."""
    index = derived.snapshot.index
    if state.sel is None or state.path is None:
        return None
    a, b = index.position(state.sel), index.position(state.path)
    if a is None or b is None:
        return None
    return dependency_paths(index, a, b, MAX_PATHS)


def path_view(derived: Derived, state: ViewState, found: DependencyPaths, shown: set[int]) -> PathView:
    """The panel's account of found paths, given the CI ids on the current map."""
    index = derived.snapshot.index
    names = derived.snapshot.ci["name"]

    def step(position: int) -> PathStep:
        ci_id = int(index.ci_ids[position])
        return PathStep(ci_id, shown_name(names.iat[position]), replace(state.with_root(ci_id), sel=ci_id, path=None))

    ends = [index.position(state.sel), index.position(state.path)]
    source, target = (shown_name(names.iat[p]) for p in ends)
    missing = sum(1 for ci_id in index.ci_ids[found.nodes].tolist() if ci_id not in shown)
    upstream = found.direction is Direction.UPSTREAM
    hops = max((len(p.edges) for p in found.paths), default=0)
    whole = None
    if missing:
        scope = "upstream" if upstream else "downstream"
        depth = min(max(hops, 1), MAX_DEPTH)
        whole = replace(state.with_root(int(state.sel or 0)), scope=scope, depth=depth, incidents_only=False)
    lines = tuple(tuple(step(int(p)) for p in path.nodes) for path in found.paths)
    return PathView(source, target, lines, upstream, found.more, missing, whole)


def path_elements(derived: Derived, found: DependencyPaths) -> tuple[set[str], set[str]]:
    """The map element ids of the paths' CIs ("ci-<id>") and relationships ("rel-<id>")."""
    index = derived.snapshot.index
    nodes = {f"ci-{ci_id}" for ci_id in index.ci_ids[found.nodes].tolist()}
    rows = index.edge_row[found.edges.astype(np.int64)]
    edges = {f"rel-{rel}" for rel in derived.relationship_ids[rows].tolist()}
    return nodes, edges
