"""A map view as a file: JSON, GraphML (yEd, Gephi, NetworkX) and DOT (Graphviz), from the map's view model.

Each format carries every node and edge the map draws (group nodes included, with their member counts; contracted
edges with the hidden items they stand for), each node's status, incidents and changes, and the positions the server
placed the nodes at — only when the server placed them (the layered layout): a browser layout (force-directed, dagre…)
places nodes in the browser, so those files carry no positions (the PNG and SVG exports show the map as drawn).
Names are data, never markup: XML is written by ElementTree, DOT strings are quoted and escaped, JSON by json.dumps.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from dashboard.domain.viewstate import ViewState
from dashboard.maps import MapEdge, MapModel, MapNode

FORMATS = ("json", "graphml", "dot")
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
# GraphML keys: (id, for, name, type). A node's position is in "x"/"y" (what yEd and Gephi's importers read).
NODE_KEYS = (
    ("label", "string"),
    ("kind", "string"),
    ("ci_id", "long"),
    ("class", "string"),
    ("status", "string"),
    ("open_incidents", "int"),
    ("worst_priority", "int"),
    ("changes", "int"),
    ("members", "int"),
    ("root", "boolean"),
    ("on_impact_path", "boolean"),
    ("x", "double"),
    ("y", "double"),
)
EDGE_KEYS = (
    ("type", "string"),
    ("merged", "boolean"),
    ("symmetric", "boolean"),
    ("on_impact_path", "boolean"),
    ("hops", "int"),
    ("via", "string"),
)


@dataclass(frozen=True, slots=True)
class ExportFile:
    """One exported file: its text, media type and file name."""

    text: str
    media_type: str
    filename: str


def export_file(model: MapModel, fmt: str, placed: bool) -> ExportFile | None:
    """The map in one of FORMATS (None for any other); `placed`: the server placed the nodes (positions are kept)."""
    writers: dict[str, tuple[Callable[[MapModel, bool], str], str]] = {
        "json": (lambda m, p: json.dumps(map_document(m, p), ensure_ascii=False, indent=1), "application/json"),
        "graphml": (to_graphml, "application/graphml+xml"),
        "dot": (to_dot, "text/vnd.graphviz"),
    }
    if fmt not in writers:
        return None
    write, media_type = writers[fmt]
    return ExportFile(write(model, placed), media_type, f"{file_stem(model.state)}.{fmt}")


def file_stem(state: ViewState) -> str:
    """servicemap-ci-<root>-<direction>-<depth>: what the file shows, in its name."""
    if state.root is None:
        return "servicemap-map"
    depth = "all" if state.depth is None else str(state.depth)
    return f"servicemap-ci-{state.root}-{state.scope}-{depth}"


def map_document(model: MapModel, placed: bool) -> dict:
    """The map as plain JSON-ready data: the view, its counts, nodes and edges."""
    state = model.state
    return {
        "view": {
            "root": state.root,
            "root_name": model.root_name,
            "root_class": model.root_class,
            "direction": state.scope,
            "depth": state.depth,
            "layout": state.layout,
            "positions": "server" if placed else None,
            "as_of": str(state.as_of) if state.as_of is not None else None,
        },
        "counts": {
            "cis_in_view": model.total_cis,
            "cis_inside_groups": model.hidden_cis,
            "cis_left_out": model.trimmed_cis,
            "more_beyond_depth": model.depth_cut,
            "nodes": len(model.nodes),
            "edges": len(model.edges),
        },
        "nodes": [_node(node, placed) for node in model.nodes],
        "edges": [_edge(edge) for edge in model.edges],
    }


def _node(node: MapNode, placed: bool) -> dict:
    out: dict = {
        "id": node.id,
        "label": node.label,
        "kind": node.kind,
        "ci_id": node.ci_id,
        "class": node.class_name,
        "status": node.status.name.lower(),
        "open_incidents": node.open_incidents,
        "worst_priority": node.worst_priority or None,
        "changes": node.changes,
        "root": node.root,
        "on_impact_path": node.on_impact_path,
    }
    if node.kind == "group":
        out["members"] = node.members
    if placed:
        out["x"], out["y"] = round(node.x, 2), round(node.y, 2)
    return out


def _edge(edge: MapEdge) -> dict:
    out: dict = {
        "id": edge.id,
        "source": edge.source,
        "target": edge.target,
        "type": edge.type_name,
        "merged": edge.merged,
        "symmetric": edge.symmetric,
        "on_impact_path": edge.on_impact_path,
    }
    if edge.hops:
        out["hops"], out["via"] = edge.hops, list(edge.via)
    return out


def to_graphml(model: MapModel, placed: bool) -> str:
    """GraphML: one <graph> (directed: from the dependent to what it depends on), typed data keys."""
    ET.register_namespace("", GRAPHML_NS)
    root = ET.Element(f"{{{GRAPHML_NS}}}graphml")
    for domain, keys in (("node", NODE_KEYS), ("edge", EDGE_KEYS)):
        for name, kind in keys:
            attrs = {"id": f"{domain[0]}_{name}", "for": domain, "attr.name": name, "attr.type": kind}
            ET.SubElement(root, f"{{{GRAPHML_NS}}}key", attrs)
    graph = ET.SubElement(root, f"{{{GRAPHML_NS}}}graph", {"id": file_stem(model.state), "edgedefault": "directed"})
    for node in model.nodes:
        _data(ET.SubElement(graph, f"{{{GRAPHML_NS}}}node", {"id": node.id}), "n", _node(node, placed))
    for edge in model.edges:
        ends = {"id": edge.id, "source": edge.source, "target": edge.target}
        element = ET.SubElement(graph, f"{{{GRAPHML_NS}}}edge", ends)
        _data(element, "e", {**_edge(edge), "via": " ".join(edge.via)})
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _data(element: ET.Element, prefix: str, values: dict) -> None:
    for name, value in values.items():
        if name in ("id", "source", "target") or value is None or value == "":
            continue
        text = str(value).lower() if isinstance(value, bool) else str(value)
        ET.SubElement(element, f"{{{GRAPHML_NS}}}data", {"key": f"{prefix}_{name}"}).text = _xml_text(text)


def _xml_text(text: str) -> str:
    """XML 1.0 cannot hold control characters (other than tab and newlines) even escaped: each becomes U+FFFD."""
    return "".join(c if c in "\t\n\r" or (c >= " " and c not in "\ufffe\uffff") else "\ufffd" for c in text)


def to_dot(model: MapModel, placed: bool) -> str:
    """DOT: a digraph, a statement per node and edge; positions as `pos` in points (`neato -n` keeps them)."""
    lines = [f"digraph {dot_quote(file_stem(model.state))} {{", "  rankdir=TB;", "  node [shape=box];"]
    for node in model.nodes:
        attrs = {
            "label": dot_label(node.label),
            "ci_class": node.class_name,  # not Graphviz's own `class` (the SVG class it writes)
            "status": node.status.name.lower(),
            "open_incidents": str(node.open_incidents),
            "changes": str(node.changes),
        }
        if node.kind == "group":
            attrs["members"] = str(node.members)
        if node.root:
            attrs["peripheries"] = "2"
        if placed:
            attrs["pos"] = f"{node.x:.2f},{-node.y:.2f}"  # y grows downwards on the map, upwards in Graphviz
        lines.append(f"  {dot_quote(node.id)} [{_dot_attrs(attrs)}];")
    for edge in model.edges:
        attrs = {"label": dot_label(edge.type_name), "id": edge.id}
        if edge.symmetric:
            attrs["dir"] = "none"
        if edge.hops:
            attrs["style"], attrs["via"] = "dashed", " ".join(edge.via)
        lines.append(f"  {dot_quote(edge.source)} -> {dot_quote(edge.target)} [{_dot_attrs(attrs)}];")
    return "\n".join([*lines, "}"]) + "\n"


def dot_label(text: str) -> str:
    """Text for a label: Graphviz reads HTML entities (&amp;…) in labels, so `&` itself is written as one."""
    return text.replace("&", "&amp;")


def _dot_attrs(attrs: dict[str, str]) -> str:
    return ", ".join(f"{name}={dot_quote(value)}" for name, value in attrs.items())


def dot_quote(text: str) -> str:
    """A DOT double-quoted string that Graphviz reads back as `text`: backslashes and quotes escaped, line breaks as
    \\n (a raw newline is legal but a trailing backslash would continue the line)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r").replace("\n", "\\n")
    return f'"{escaped}"'
