"""The part of the graph a map shows: a root's neighbourhood, kept within an element budget by grouping siblings.

When the CIs and edges around a root exceed the budget, children of the same class under one parent (the 40 VMs of
a cluster, the 300 users of a service) collapse into one group node that says how many it holds; the largest groups
collapse first and a group the user opened stays open. If that is still too much, the farthest hops are left out
and the neighbourhood says so.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np

from dashboard.domain.graph import GraphIndex
from dashboard.domain.traverse import ALL_HOPS, MAX_DEPTH, Direction, Reach, reach

DEFAULT_BUDGET = 2000  # nodes + edges sent to the browser
MIN_GROUP = 3  # fewer siblings than this are never grouped


class Scope:
    """Which ways a map walks from its root."""

    DOWNSTREAM = "downstream"
    UPSTREAM = "upstream"
    BOTH = "both"
    ALL = (DOWNSTREAM, UPSTREAM, BOTH)


@dataclass(frozen=True, slots=True)
class Group:
    """Siblings of one class under one parent, drawn as one node."""

    key: str  # "<parent CI id>:<class>", stable across refreshes
    parent: int  # node position
    class_code: int
    members: np.ndarray  # node positions


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    """What a map shows. Items 0…len(nodes)-1 are CIs, the next len(groups) are groups; edges join items."""

    root: int
    nodes: np.ndarray  # node positions drawn one by one
    depths: np.ndarray  # hops from the root, per drawn node
    groups: tuple[Group, ...]
    edge_a: np.ndarray  # item that depends …
    edge_b: np.ndarray  # … on this item
    edge_type: np.ndarray  # relationship type code (of the first edge when several were merged)
    edge_id: np.ndarray  # GraphIndex edge id, -1 for an edge that merges several (to or from a group)
    total_cis: int  # CIs in the whole neighbourhood, before grouping and trimming
    hidden_cis: int  # CIs inside closed groups
    trimmed_cis: int  # CIs beyond the depth that fit the budget
    depth_cut: bool  # the depth cap stopped the walk with CIs still beyond

    @property
    def element_count(self) -> int:
        """Nodes and edges the browser receives."""
        return len(self.nodes) + len(self.groups) + len(self.edge_a)

    @property
    def partial(self) -> bool:
        """True when the map shows only part of the neighbourhood."""
        return self.hidden_cis > 0 or self.trimmed_cis > 0


def neighbourhood(
    index: GraphIndex,
    root: int,
    scope: str,
    depth: int | None,
    *,
    expanded: frozenset[str] = frozenset(),
    budget: int = DEFAULT_BUDGET,
) -> Neighbourhood:
    """The root's neighbourhood up to `depth` hops (None: as far as it goes), grouped and trimmed to the budget.

    Both walks cross symmetric links either way, so "both ways, all hops" from any CI of a network shows the whole
    part of it that is connected by links (and what hangs above and below it), grouped as any other.
    """
    hops = ALL_HOPS if depth is None else max(0, min(int(depth), MAX_DEPTH))
    walks = [reach(index, [root], Direction(d), hops) for d in _directions(scope)]
    nodes, depths, parents = _merge(index, walks, root)
    edges = np.unique(np.concatenate([w.edges for w in walks])).astype(np.int64)

    def within(limit: int) -> tuple[Neighbourhood, int]:
        """The grouped neighbourhood of the CIs at most `limit` hops away, and how many CIs that leaves out."""
        keep = depths <= limit
        kept_nodes, kept_edges = nodes[keep], _edges_within(index, edges, nodes[keep])
        groups = _groups(index, kept_nodes, parents[keep], expanded, budget, kept_edges)
        return _assemble(index, root, kept_nodes, depths[keep], groups, kept_edges), int((~keep).sum())

    result, trimmed = _deepest_that_fits(within, int(depths.max(initial=0)), budget)
    cut = any(w.truncated for w in walks)
    hidden = sum(len(g.members) for g in result.groups)
    return replace(result, total_cis=len(nodes), hidden_cis=hidden, trimmed_cis=trimmed, depth_cut=cut)


def _deepest_that_fits(
    within: Callable[[int], tuple[Neighbourhood, int]], deepest: int, budget: int
) -> tuple[Neighbourhood, int]:
    """The neighbourhood to the most hops that fits the budget (one hop when even that does not fit).

    A binary search over the hops: "all hops" around a ring of 3,000 routers has 1,500 of them, and trying each in
    turn took seconds. The element count grows with the hops (grouping aside), so the search lands where trimming
    one hop at a time did.
    """
    whole = within(deepest)
    if whole[0].element_count <= budget or deepest <= 1:
        return whole
    best, low, high = None, 1, deepest - 1
    while low <= high:
        middle = (low + high) // 2
        attempt = within(middle)
        if attempt[0].element_count <= budget:
            best, low = attempt, middle + 1
        else:
            high = middle - 1
    return best if best is not None else within(1)


def _directions(scope: str) -> tuple[str, ...]:
    if scope == Scope.BOTH:
        return (Direction.DOWNSTREAM, Direction.UPSTREAM)
    if scope not in Scope.ALL:
        raise ValueError(f"unknown scope {scope!r}")
    return (scope,)


def _merge(index: GraphIndex, walks: list[Reach], root: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nodes of all walks (root once), their depth, and one parent each (the lowest position one hop nearer).

    Worked out on the walks' own nodes and edges by sorted lookups: arrays over every CI of a million-CI snapshot
    (allocated, filled, scanned, updated with `ufunc.at`) took 5 ms of a 30 ms map.
    """
    if len(walks) == 1:
        nodes, depths = walks[0].nodes.astype(np.int64), walks[0].depths.astype(np.int64)
    else:
        every = np.concatenate([w.nodes for w in walks]).astype(np.int64)
        hops = np.concatenate([w.depths for w in walks]).astype(np.int64)
        nearest = np.lexsort((hops, every))
        every, hops = every[nearest], hops[nearest]
        once = np.r_[True, every[1:] != every[:-1]]
        every, hops = every[once], hops[once]
        by_depth = np.lexsort((every, hops))
        nodes, depths = every[by_depth], hops[by_depth]
    near_runs, far_runs = [], []
    for walk in walks:
        by_node = np.argsort(walk.nodes)
        seen, hops = walk.nodes[by_node], walk.depths[by_node].astype(np.int64)
        a, b = index.edge_source[walk.edges], index.edge_target[walk.edges]
        step_a, step_b = _lookup(seen, hops, a), _lookup(seen, hops, b)
        for near, far, step_near, step_far in ((a, b, step_a, step_b), (b, a, step_b, step_a)):
            ok = (step_near >= 0) & (step_far == step_near + 1)
            near_runs.append(near[ok])
            far_runs.append(far[ok])
    near = np.concatenate(near_runs).astype(np.int64)
    far = np.concatenate(far_runs).astype(np.int64)
    lowest = np.lexsort((near, far))
    near, far = near[lowest], far[lowest]
    once = np.r_[True, far[1:] != far[:-1]] if len(far) else np.zeros(0, dtype=bool)
    near, far = near[once], far[once]
    parents = _lookup(far, near, nodes)
    parents[nodes == root] = -1
    return nodes, depths, parents


def _lookup(keys: np.ndarray, values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The value of each wanted key (`keys` sorted and distinct), -1 for a key not among them."""
    if len(keys) == 0:
        return np.full(len(wanted), -1, dtype=np.int64)
    slot = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return np.where(keys[slot] == wanted, values[slot], -1).astype(np.int64)


def _edges_within(index: GraphIndex, edges: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    inside = np.zeros(index.node_count, dtype=bool)
    inside[nodes] = True
    return edges[inside[index.edge_source[edges]] & inside[index.edge_target[edges]]]


def _groups(
    index: GraphIndex,
    nodes: np.ndarray,
    parents: np.ndarray,
    expanded: frozenset[str],
    budget: int,
    edges: np.ndarray,
) -> list[Group]:
    """Collapse the largest sibling groups, largest first, until nodes + edges fit the budget."""
    excess = len(nodes) + len(edges) - budget
    if excess <= 0:
        return []
    candidates = _sibling_sets(index, nodes, parents)
    chosen: list[Group] = []
    for group in candidates:
        if excess <= 0:
            break
        if group.key in expanded:
            continue
        chosen.append(group)
        # Each member but one stops being a node, and its edge to the parent merges into the group's.
        excess -= 2 * (len(group.members) - 1)
    return chosen


def _sibling_sets(index: GraphIndex, nodes: np.ndarray, parents: np.ndarray) -> Iterator[Group]:
    """Every set of ≥ MIN_GROUP nodes sharing parent and class, largest first (ties: by key, deterministic).

    Lazily: the caller stops once the map fits. Named from plain lists (numpy scalars one by one cost more than the
    grouping).
    """
    has_parent = parents >= 0
    members, owners = nodes[has_parent], parents[has_parent]
    classes = index.class_codes[members].astype(np.int64)
    order = np.lexsort((members, classes, owners))
    members, owners, classes = members[order], owners[order], classes[order]
    boundary = np.ones(len(members), dtype=bool)
    boundary[1:] = (owners[1:] != owners[:-1]) | (classes[1:] != classes[:-1])
    starts = np.flatnonzero(boundary)
    ends = np.append(starts[1:], len(members))
    owner_of, class_of = owners[starts].tolist(), classes[starts].tolist()
    owner_ids = index.ci_ids[owners[starts]].tolist()
    keys = [f"{owner}:{index.class_names[code]}" for owner, code in zip(owner_ids, class_of, strict=True)]
    first, sizes = starts.tolist(), (ends - starts).tolist()
    for number in sorted((n for n in range(len(keys)) if sizes[n] >= MIN_GROUP), key=lambda n: (-sizes[n], keys[n])):
        start = first[number]
        yield Group(keys[number], owner_of[number], class_of[number], members[start : start + sizes[number]])


def _assemble(
    index: GraphIndex, root: int, nodes: np.ndarray, depths: np.ndarray, groups: list[Group], edges: np.ndarray
) -> Neighbourhood:
    """Map nodes to items (a group's members to the group) and merge the edges that now join the same items."""
    members = np.concatenate([g.members for g in groups]) if groups else np.empty(0, dtype=np.int64)
    owner = np.repeat(np.arange(len(groups)), [len(g.members) for g in groups])
    shown = _lookup(np.sort(members), np.zeros(len(members), dtype=np.int64), nodes) < 0
    first_group = int(shown.sum())  # once: a map of 150,000 CIs has thousands of groups
    # Item per CI as a sorted lookup over the map's own CIs (sets of groups are disjoint: a CI has one parent).
    keys = np.concatenate([nodes[shown], members])
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], np.concatenate([np.arange(first_group), first_group + owner])[order]
    a, b = _lookup(keys, values, index.edge_source[edges]), _lookup(keys, values, index.edge_target[edges])
    keep = (a >= 0) & (b >= 0) & (a != b)
    a, b, kept = a[keep], b[keep], edges[keep]
    pair = a * (len(nodes) + len(groups) + 1) + b
    _, first, counts = np.unique(pair, return_index=True, return_counts=True)
    edge_id = np.where(counts == 1, kept[first], -1)
    return Neighbourhood(
        root=root,
        nodes=nodes[shown],
        depths=depths[shown],
        groups=tuple(groups),
        edge_a=a[first],
        edge_b=b[first],
        edge_type=index.edge_type[kept[first]],
        edge_id=edge_id,
        total_cis=len(nodes),
        hidden_cis=0,
        trimmed_cis=0,
        depth_cut=False,
    )


def of_nodes(index: GraphIndex, root: int, nodes: np.ndarray) -> Neighbourhood:
    """A neighbourhood of exactly these nodes (the root among them) and the edges between them, ungrouped."""
    nodes = np.unique(np.append(np.asarray(nodes, dtype=np.int64), root))
    inside = np.zeros(index.node_count, dtype=bool)
    inside[nodes] = True
    edges = np.flatnonzero(inside[index.edge_source] & inside[index.edge_target])
    order = np.argsort(nodes != root, kind="stable")  # the root first, like a walk from it
    nodes = nodes[order]
    depths = (nodes != root).astype(np.int64)
    return _assemble(index, root, nodes, depths, [], edges)
