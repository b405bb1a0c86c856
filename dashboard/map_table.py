"""The map as a table: the same view's nodes and relationships as plain rows, for the table view and its CSV export.

Built from the MapModel the map callback already has (never a second traversal). Names are plain text: the grid shows
them as text cells, never as markup.
"""

from dataclasses import dataclass

import numpy as np

from dashboard.cmdb.derived import Derived
from dashboard.domain.names import shown_name
from dashboard.domain.vocabulary import HEALTH_STYLES, class_label
from dashboard.maps import MapModel, MapNode

MERGED = "merged (group)"
# A cell a spreadsheet would run as a formula (a CI named "=HYPERLINK(…)") is exported with a leading ', as
# layouts/impact.py does for the impact CSV; the grid shows the text itself and exports these "_csv" twins.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class MapTable:
    """The rows of both grids, and which optional columns this view has."""

    nodes: list[dict]
    edges: list[dict]
    changes: bool  # a change window is chosen: the changes column means something
    impact: bool  # impact is on: the "on impact path" column means something


def map_table(model: MapModel, names: dict[int, str]) -> MapTable:
    """The rows of a map view; `names` gives a CI's full name (the map's labels are shortened), else its label."""
    shown = {node.id: _name(node, names) for node in model.nodes}
    ordered = sorted(model.nodes, key=lambda n: (not n.root, -int(n.status), -n.open_incidents, shown[n.id].casefold()))
    return MapTable(
        nodes=[_node_row(node, shown[node.id], model.state.impact) for node in ordered],
        edges=[
            _edge_row(edge.id, shown.get(edge.source, edge.source), edge.type_name, shown.get(edge.target, edge.target))
            | {"merged": MERGED if edge.merged else ""}
            for edge in model.edges
        ],
        changes=bool(model.state.change_days),
        impact=model.state.impact,
    )


def full_names(derived: Derived, model: MapModel) -> dict[int, str]:
    """The full shown names of the map's CIs (a CI sharing its name with another gets its id, as on the map)."""
    index = derived.snapshot.index
    ids = [node.ci_id for node in model.nodes if node.ci_id is not None]
    positions = index.locate(np.asarray(ids, dtype=index.ci_ids.dtype))
    found = positions >= 0  # a CI of the model is in the snapshot; kept safe should the two ever differ
    columns = zip(
        np.asarray(ids)[found].tolist(),
        derived.names[positions[found]].tolist(),
        derived.shared_name[positions[found]].tolist(),
        strict=True,
    )
    return {ci_id: f"{shown_name(name)} #{ci_id}" if shared else shown_name(name) for ci_id, name, shared in columns}


def _name(node: MapNode, names: dict[int, str]) -> str:
    return names.get(node.ci_id, node.label) if node.ci_id is not None else node.label


def spreadsheet_text(text: str) -> str:
    """The text as a CSV cell that a spreadsheet keeps as text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _edge_row(edge_id: str, source: str, type_name: str, target: str) -> dict:
    safe = {"source_csv": spreadsheet_text(source), "target_csv": spreadsheet_text(target)}
    return {"id": edge_id, "source": source, "type": type_name, "target": target} | safe


def _node_row(node: MapNode, name: str, impact: bool) -> dict:
    class_name = class_label(node.class_name)
    row = {
        "id": node.id,
        "name": name,
        "name_csv": spreadsheet_text(name),
        "class": class_name,
        "class_csv": spreadsheet_text(class_name),
        "status": HEALTH_STYLES[node.status].label,
        "incidents": node.open_incidents,
        "priority": f"P{node.worst_priority}" if node.open_incidents and node.worst_priority else "",
        "changes": node.changes,
        "kind": f"group of {node.members}" if node.kind == "group" else "CI",
        "root": "root" if node.root else "",
    }
    if impact:
        row["impact"] = "on path" if node.on_impact_path else ""
    return row
