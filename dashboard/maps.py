"""A map view from a snapshot: neighbourhood, layout, health and overlays, as plain data for the layouts.

Every view reads the current snapshot (never the database per click); the result holds only plain values.
"""

import math
import re
from dataclasses import dataclass

import numpy as np

from dashboard.asof import Overlays, overlays
from dashboard.cmdb.derived import Derived
from dashboard.domain.graph import SYMMETRIC_TYPES
from dashboard.domain.impact import Impact, impact
from dashboard.domain.names import shown_name, visible
from dashboard.domain.neighbourhood import Neighbourhood, neighbourhood
from dashboard.domain.placement import place
from dashboard.domain.traffic import EdgeTraffic
from dashboard.domain.viewstate import ViewState
from dashboard.domain.vocabulary import CI_CLASS_BY_NAME, RELATIONSHIP_TYPES, Health, class_label
from dashboard.map_filters import FilterSummary, Shortcuts, filtered_view

UNKNOWN_CLASS_LAYER = 5
HEALTH = tuple(Health)
TYPE_NAMES = tuple(t.name for t in RELATIONSHIP_TYPES)
TYPE_SYMMETRIC = tuple(t.symmetric for t in RELATIONSHIP_TYPES)
MAX_LABEL = 28


# MapNode and MapEdge are not frozen: a frozen dataclass sets each field through object.__setattr__, which made
# building the 2,000 nodes and edges of a big map cost twice as much. They are made here and only read afterwards.
@dataclass(slots=True)
class MapNode:
    """One node as drawn: a CI or a group of CIs."""

    id: str  # element id, stable across refreshes: "ci-<id>" or "group-<parent id>:<class>"
    label: str
    kind: str  # "ci" or "group"
    ci_id: int | None
    class_name: str
    status: Health
    open_incidents: int
    worst_priority: int  # 0: none
    changes: int
    x: float
    y: float
    root: bool = False
    on_impact_path: bool = False
    members: int = 0  # CIs in a group
    group_key: str = ""


@dataclass(slots=True)
class MapEdge:
    """One edge as drawn, from the dependent node to what it depends on (a symmetric link: as the row has it)."""

    id: str
    source: str
    target: str
    type_name: str
    merged: bool  # True when it stands for several relationships (to or from a group)
    on_impact_path: bool = False
    symmetric: bool = False  # a link between peers: drawn without an arrowhead
    traffic: EdgeTraffic | None = None  # calls from source to target, where traces were imported
    hops: int = 0  # a contracted edge: the CIs (or groups) the filters hide on its way; 0 for a relationship
    via: tuple[str, ...] = ()  # a contracted edge: the element ids of those hidden items, in order


@dataclass(frozen=True, slots=True)
class ImpactedService:
    """A business service the root's failure would hit."""

    ci_id: int
    name: str
    criticality: str
    status: Health
    open_incidents: int
    hops: int


@dataclass(frozen=True, slots=True)
class MapModel:
    """Everything the map page draws for one view."""

    state: ViewState
    root_name: str
    root_class: str
    nodes: tuple[MapNode, ...]
    edges: tuple[MapEdge, ...]
    total_cis: int
    hidden_cis: int
    trimmed_cis: int
    depth_cut: bool
    impacted: tuple[ImpactedService, ...] = ()
    filters: FilterSummary | None = None  # set when filters hide CIs (see dashboard/map_filters.py)


def node_id(ci_id: int) -> str:
    """The element id of a CI's node."""
    return f"ci-{ci_id}"


def build_map(derived: Derived, state: ViewState, root: int, *, budget: int) -> MapModel:
    """The map of `state` around the node at position `root`."""
    index = derived.snapshot.index
    hood = neighbourhood(index, root, state.scope, state.depth, expanded=state.expanded, budget=budget)
    return map_of(derived, state, hood)


def map_of(derived: Derived, state: ViewState, hood: Neighbourhood) -> MapModel:
    """The map of a neighbourhood: laid out, with health and overlays."""
    snapshot = derived.snapshot
    index = snapshot.index
    root = hood.root
    hit = impact(index, root) if state.impact else None
    on_path = np.zeros(index.node_count, dtype=bool)
    if hit is not None:
        on_path[hit.path_nodes] = True
    cut = filtered_view(derived, state, hood)
    hood = cut.hood if cut is not None else hood
    shown = overlays(derived, state, _needed(hood, hit) if state.as_of is not None else None)  # live or as of T
    nodes = _nodes(derived, hood, state, on_path, cut, shown)
    edges = _edges(derived, hood, nodes, on_path) + (_via_edges(derived, cut, nodes) if cut is not None else ())
    ci = snapshot.ci
    return MapModel(
        state=state,
        root_name=shown_name(ci["name"].iat[root]),
        root_class=str(ci["class"].iat[root]),
        nodes=nodes,
        edges=edges,
        total_cis=hood.total_cis,
        hidden_cis=hood.hidden_cis,
        trimmed_cis=hood.trimmed_cis,
        depth_cut=hood.depth_cut,
        impacted=_impacted(derived, hit, shown) if hit is not None else (),
        filters=cut.summary if cut is not None else None,
    )


def _needed(hood: Neighbourhood, hit: Impact | None) -> np.ndarray:
    """The nodes a map shows a status for: its CIs, the members of its groups, the services an impact lists."""
    parts = [hood.nodes, *(g.members for g in hood.groups)]
    if hit is not None:
        parts.append(np.asarray(hit.services, dtype=np.int64))
    return np.unique(np.concatenate([np.asarray(p, dtype=np.int64) for p in parts]))


def _nodes(
    derived: Derived,
    hood: Neighbourhood,
    state: ViewState,
    on_path: np.ndarray,
    cut: Shortcuts | None,
    shown: Overlays,
) -> tuple[MapNode, ...]:
    snapshot = derived.snapshot
    index = snapshot.index
    health = shown.health
    incidents = shown.incidents
    changes = shown.changes
    layers = np.concatenate(
        [
            _layers(index.class_names, index.class_codes[hood.nodes]),
            [_layer(index.class_names[g.class_code]) for g in hood.groups],
        ]
    ).astype(np.int64)
    names = derived.names
    keys = [str(name).casefold() for name in names[hood.nodes].tolist()] + [g.key for g in hood.groups]
    order_key = np.argsort(np.argsort(np.asarray(keys, dtype=object), kind="stable"), kind="stable")
    at_root = np.flatnonzero(hood.nodes == hood.root)
    root_at = int(at_root[0]) if len(at_root) else -1
    a, b, links = hood.edge_a, hood.edge_b, SYMMETRIC_TYPES[hood.edge_type]
    if cut is not None:  # contracted edges pull their ends together like any edge
        a, b, links = np.append(a, cut.source), np.append(b, cut.target), np.append(links, cut.symmetric)
    where = place(state.layout, layers, order_key, a, b, links, root_at)
    nodes = hood.nodes
    # Plain lists first: indexing numpy arrays element by element costs more than the rest of the loop.
    columns = zip(
        index.ci_ids[nodes].tolist(),
        node_labels(derived, nodes),
        index.class_codes[nodes].tolist(),
        health.shown(nodes).tolist(),
        incidents.open_count[nodes].tolist(),
        incidents.worst_priority[nodes].tolist(),
        changes[nodes].tolist(),
        where.x[: len(nodes)].tolist(),
        where.y[: len(nodes)].tolist(),
        on_path[nodes].tolist(),
        (nodes == hood.root).tolist(),
        strict=True,
    )
    result = [
        MapNode(
            id=node_id(ci_id),
            label=label,
            kind="ci",
            ci_id=ci_id,
            class_name=index.class_names[code],
            status=HEALTH[status],
            open_incidents=count,
            worst_priority=priority,
            changes=changed,
            x=x,
            y=y,
            root=root,
            on_impact_path=path,
        )
        for ci_id, label, code, status, count, priority, changed, x, y, path, root in columns
    ]
    offset = len(hood.nodes)
    if hood.groups:
        result += _group_nodes(derived, hood, shown, on_path, where.x[offset:].tolist(), where.y[offset:].tolist())
    return tuple(result)


def node_labels(derived: Derived, nodes: np.ndarray) -> list[str]:
    """The labels of the CIs at `nodes`: a short name, with the CI id where another CI has the same name.

    A per-snapshot column filled as maps are drawn: most maps share most of their CIs with maps drawn before, and a
    label costs microseconds of string work. A numpy object array (8 MB at a million CIs) rather than a dict: its
    memory is bounded by the snapshot and the garbage collector does not walk it.
    """
    column = derived.kept("node_labels", lambda: np.full(derived.snapshot.index.node_count, None, dtype=object))
    found = column[nodes]
    missing = np.flatnonzero(np.equal(found, None))
    if len(missing):
        at = nodes[missing]
        made = np.empty(len(at), dtype=object)  # filled item by item: a list would become a numpy string array
        columns = zip(
            derived.names[at].tolist(),
            derived.shared_name[at].tolist(),
            derived.snapshot.index.ci_ids[at].tolist(),
            strict=True,
        )
        for item, (name, shared, ci_id) in enumerate(columns):
            made[item] = short_label(name) + (f" #{ci_id}" if shared else "")
        column[at] = made  # two requests may fill the same CI: with the same label
        found[missing] = made
    return found.tolist()


def _group_nodes(
    derived: Derived, hood: Neighbourhood, shown: Overlays, on_path: np.ndarray, x: list[float], y: list[float]
) -> list[MapNode]:
    """Group nodes: worst member status, their open incidents and changes summed, all in one pass over members."""
    index = derived.snapshot.index
    members = np.concatenate([g.members for g in hood.groups])
    starts = np.cumsum([0] + [len(g.members) for g in hood.groups[:-1]])
    priority = shown.incidents.worst_priority[members].astype(np.int16)
    columns = zip(
        hood.groups,
        np.maximum.reduceat(shown.health.shown(members), starts).tolist(),
        np.add.reduceat(shown.incidents.open_count[members], starts).tolist(),
        np.minimum.reduceat(np.where(priority > 0, priority, 99), starts).tolist(),
        np.add.reduceat(shown.changes[members], starts).tolist(),
        np.maximum.reduceat(on_path[members], starts).tolist(),
        x,
        y,
        strict=True,
    )
    result = []
    for group, status, count, priority_, changed, path, x_, y_ in columns:
        class_name = index.class_names[group.class_code]
        label = class_label(class_name)
        result.append(
            MapNode(
                id=f"group-{group.key}",
                label=f"{len(group.members)} × {label}",
                kind="group",
                ci_id=None,
                class_name=class_name,
                status=HEALTH[status],
                open_incidents=count,
                worst_priority=0 if priority_ == 99 else priority_,
                changes=changed,
                x=x_,
                y=y_,
                on_impact_path=bool(path),
                members=len(group.members),
                group_key=group.key,
            )
        )
    return result


def _edges(
    derived: Derived, hood: Neighbourhood, nodes: tuple[MapNode, ...], on_path: np.ndarray
) -> tuple[MapEdge, ...]:
    index = derived.snapshot.index
    relationship_ids = derived.relationship_ids
    edge_ids = hood.edge_id
    real = np.maximum(edge_ids, 0)
    ids = relationship_ids[index.edge_row[real]].tolist()
    paths = (on_path[index.edge_source[real]] & on_path[index.edge_target[real]] & (edge_ids >= 0)).tolist()
    result = []
    traffic = derived.traffic
    columns = zip(
        hood.edge_a.tolist(),
        hood.edge_b.tolist(),
        hood.edge_type.tolist(),
        (edge_ids < 0).tolist(),
        ids,
        paths,
        strict=True,
    )
    # Per node and per type as plain lists: attribute and property look-ups per edge cost more than the edge.
    node_ids = [node.id for node in nodes]
    node_cis = [node.ci_id for node in nodes]
    node_paths = [node.on_impact_path for node in nodes]
    for a, b, kind, merged, relationship_id, path in columns:
        source, target = node_ids[a], node_ids[b]
        result.append(
            MapEdge(
                id=f"merged-{source}-{target}" if merged else f"rel-{relationship_id}",
                source=source,
                target=target,
                type_name=TYPE_NAMES[kind],
                merged=merged,
                on_impact_path=path or (merged and node_paths[a] and node_paths[b]),
                symmetric=TYPE_SYMMETRIC[kind],
                traffic=traffic.get((node_cis[a], node_cis[b])) if traffic and not merged else None,
            )
        )
    return tuple(result)


def _via_edges(derived: Derived, cut: Shortcuts, nodes: tuple[MapNode, ...]) -> tuple[MapEdge, ...]:
    """The contracted edges: kept A to kept B through hidden CIs only (dashboard/map_filters.py)."""
    before = cut.before
    ci_ids = derived.snapshot.index.ci_ids

    def element(item: int) -> str:
        if item < len(before.nodes):
            return node_id(int(ci_ids[before.nodes[item]]))
        return f"group-{before.groups[item - len(before.nodes)].key}"

    columns = zip(
        cut.source.tolist(), cut.target.tolist(), cut.hops.tolist(), cut.symmetric.tolist(), cut.via, strict=True
    )
    return tuple(
        MapEdge(
            id=f"via-{nodes[a].id}-{nodes[b].id}",
            source=nodes[a].id,
            target=nodes[b].id,
            type_name="via",
            merged=True,
            on_impact_path=nodes[a].on_impact_path and nodes[b].on_impact_path,
            symmetric=link,
            hops=hops,
            via=tuple(element(item) for item in way.tolist()),
        )
        for a, b, hops, link, way in columns
    )


def _impacted(derived: Derived, hit: Impact, overlays: Overlays) -> tuple[ImpactedService, ...]:
    ci = derived.snapshot.ci
    shown = overlays.health.shown(hit.services)
    return tuple(
        ImpactedService(
            ci_id=int(derived.snapshot.index.ci_ids[s]),
            name=str(ci["name"].iat[s]),
            criticality=_text(ci["criticality"].iat[s]),
            status=Health(int(shown[i])),
            open_incidents=int(overlays.incidents.open_count[s]),
            hops=int(hit.hops[i]),
        )
        for i, s in enumerate(hit.services)
    )


def _layer(class_name: str) -> int:
    known = CI_CLASS_BY_NAME.get(class_name)
    return known.layer if known else UNKNOWN_CLASS_LAYER


def _layers(class_names: tuple[str, ...], codes: np.ndarray) -> np.ndarray:
    per_code = np.array([_layer(name) for name in class_names] or [UNKNOWN_CLASS_LAYER], dtype=np.int64)
    return per_code[codes.astype(np.int64)]


def short_label(name: object) -> str:
    """A short label: host names without their domain, long names cut (the details show the full name).

    IP addresses are names too and stay whole (10.1.2.3 is not host "10").
    """
    text = visible(name)
    host, dot, domain = text.partition(".")
    if dot and host and " " not in text and domain.count(".") >= 1 and not _IP_ADDRESS.fullmatch(text):
        text = host
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


_IP_ADDRESS = re.compile(r"\d{1,3}(\.\d{1,3}){3}(:\d+)?")


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)
