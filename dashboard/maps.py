"""A map view from a snapshot: neighbourhood, layout, health and overlays, as plain data for the layouts.

Every view reads the current snapshot (never the database per click); the result holds only plain values.
"""

import math
from dataclasses import dataclass

import numpy as np

from dashboard.cmdb.derived import Derived
from dashboard.domain.impact import Impact, impact
from dashboard.domain.layout import layered_layout
from dashboard.domain.neighbourhood import Neighbourhood, neighbourhood
from dashboard.domain.viewstate import ViewState
from dashboard.domain.vocabulary import CI_CLASS_BY_NAME, RELATIONSHIP_TYPES, Health

UNKNOWN_CLASS_LAYER = 5
MAX_LABEL = 28


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class MapEdge:
    """One edge as drawn, from the dependent node to what it depends on."""

    id: str
    source: str
    target: str
    type_name: str
    merged: bool  # True when it stands for several relationships (to or from a group)
    on_impact_path: bool = False


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


def node_id(ci_id: int) -> str:
    """The element id of a CI's node."""
    return f"ci-{ci_id}"


def build_map(derived: Derived, state: ViewState, root: int, *, budget: int) -> MapModel:
    """The map of `state` around the node at position `root`."""
    snapshot = derived.snapshot
    index = snapshot.index
    hood = neighbourhood(index, root, state.scope, state.depth, expanded=state.expanded, budget=budget)
    hit = impact(index, root) if state.impact else None
    on_path = np.zeros(index.node_count, dtype=bool)
    if hit is not None:
        on_path[hit.path_nodes] = True
    nodes = _nodes(derived, hood, state, on_path)
    edges = _edges(derived, hood, nodes, on_path)
    ci = snapshot.ci
    return MapModel(
        state=state,
        root_name=str(ci["name"].iat[root]),
        root_class=str(ci["class"].iat[root]),
        nodes=nodes,
        edges=edges,
        total_cis=hood.total_cis,
        hidden_cis=hood.hidden_cis,
        trimmed_cis=hood.trimmed_cis,
        depth_cut=hood.depth_cut,
        impacted=_impacted(derived, hit) if hit is not None else (),
    )


def _nodes(derived: Derived, hood: Neighbourhood, state: ViewState, on_path: np.ndarray) -> tuple[MapNode, ...]:
    snapshot = derived.snapshot
    index = snapshot.index
    ci = snapshot.ci
    health = derived.health
    incidents = derived.incidents
    changes = derived.changes(state.change_days) if state.change_days else np.zeros(index.node_count, dtype=np.int32)
    group_status = [int(health.shown(g.members).max()) for g in hood.groups]
    layers = np.concatenate(
        [
            _layers(index.class_names, index.class_codes[hood.nodes]),
            [_layer(index.class_names[g.class_code]) for g in hood.groups],
        ]
    ).astype(np.int64)
    names = ci["name"].to_numpy(dtype=object)
    keys = [str(names[n]).casefold() for n in hood.nodes] + [g.key for g in hood.groups]
    order_key = np.argsort(np.argsort(np.asarray(keys, dtype=object), kind="stable"), kind="stable")
    where = layered_layout(layers, order_key, hood.edge_a, hood.edge_b)
    shown = health.shown(hood.nodes)
    result = [
        MapNode(
            id=node_id(int(index.ci_ids[n])),
            label=_label(names[n]) + (f" #{index.ci_ids[n]}" if derived.shared_name[n] else ""),
            kind="ci",
            ci_id=int(index.ci_ids[n]),
            class_name=index.class_names[index.class_codes[n]],
            status=Health(int(shown[i])),
            open_incidents=int(incidents.open_count[n]),
            worst_priority=int(incidents.worst_priority[n]),
            changes=int(changes[n]),
            x=float(where.x[i]),
            y=float(where.y[i]),
            root=bool(n == hood.root),
            on_impact_path=bool(on_path[n]),
        )
        for i, n in enumerate(hood.nodes)
    ]
    offset = len(hood.nodes)
    for j, group in enumerate(hood.groups):
        class_name = index.class_names[group.class_code]
        label = CI_CLASS_BY_NAME[class_name].label if class_name in CI_CLASS_BY_NAME else class_name
        members = group.members
        result.append(
            MapNode(
                id=f"group-{group.key}",
                label=f"{len(members)} × {label}",
                kind="group",
                ci_id=None,
                class_name=class_name,
                status=Health(group_status[j]),
                open_incidents=int(incidents.open_count[members].sum()),
                worst_priority=_worst_priority(incidents.worst_priority[members]),
                changes=int(changes[members].sum()),
                x=float(where.x[offset + j]),
                y=float(where.y[offset + j]),
                on_impact_path=bool(on_path[members].any()),
                members=len(members),
                group_key=group.key,
            )
        )
    return tuple(result)


def _edges(
    derived: Derived, hood: Neighbourhood, nodes: tuple[MapNode, ...], on_path: np.ndarray
) -> tuple[MapEdge, ...]:
    index = derived.snapshot.index
    relationship_ids = derived.snapshot.tables["relationship"]["id"].to_numpy()
    result = []
    for a, b, kind, edge in zip(hood.edge_a, hood.edge_b, hood.edge_type, hood.edge_id, strict=True):
        source, target = nodes[a], nodes[b]
        merged = edge < 0
        path = bool(not merged and on_path[index.edge_source[edge]] and on_path[index.edge_target[edge]])
        result.append(
            MapEdge(
                id=f"merged-{source.id}-{target.id}" if merged else f"rel-{relationship_ids[index.edge_row[edge]]}",
                source=source.id,
                target=target.id,
                type_name=RELATIONSHIP_TYPES[int(kind)].name,
                merged=bool(merged),
                on_impact_path=path or (merged and source.on_impact_path and target.on_impact_path),
            )
        )
    return tuple(result)


def _impacted(derived: Derived, hit: Impact) -> tuple[ImpactedService, ...]:
    ci = derived.snapshot.ci
    shown = derived.health.shown(hit.services)
    criticality = ci["criticality"].to_numpy(dtype=object)
    return tuple(
        ImpactedService(
            ci_id=int(derived.snapshot.index.ci_ids[s]),
            name=str(ci["name"].iat[s]),
            criticality=_text(criticality[s]),
            status=Health(int(shown[i])),
            open_incidents=int(derived.incidents.open_count[s]),
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


def _worst_priority(priorities: np.ndarray) -> int:
    open_ones = priorities[priorities > 0]
    return int(open_ones.min()) if len(open_ones) else 0


def _label(name: object) -> str:
    """A short label: host names without their domain, long names cut (the details show the full name)."""
    text = _text(name)
    host, dot, domain = text.partition(".")
    if dot and host and " " not in text and domain.count(".") >= 1:
        text = host
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)
