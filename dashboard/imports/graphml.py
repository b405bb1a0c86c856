"""GraphML dependency graphs (see docs/importers.md): nodes → CIs, edges → relationships, as the file directs them.

A node's id is its key; its data named name or label (else its id) is its name, class or type its class, status its
status; every other data value goes into its attributes. A node without a class refers to the CI of that name in the
target database when there is one, and is otherwise created as an application. An edge's type comes from its data
named type, relationship or label (default "depends on"). Files with a DOCTYPE are refused: entity declarations can
make a small file expand without bound, and GraphML needs none.
"""

import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd

from dashboard.imports.batch import ImportBatch, Rejection, frame, parse_files
from dashboard.imports.edges import DEFAULT_CLASS, DEFAULT_TYPE

NAME_KEYS = ("name", "label")
CLASS_KEYS = ("class", "type", "ci_class")
EDGE_TYPE_KEYS = ("type", "relationship", "relationship_type", "label")
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
MAX_ATTRIBUTE = 1000


def parse(paths: Sequence[Path]) -> ImportBatch:
    """Read GraphML files (a folder stands for the .graphml files in it)."""
    return parse_files(paths, "*.graphml", parse_file)


def parse_file(path: Path) -> ImportBatch:
    """One GraphML file; ValueError when it is not well-formed GraphML."""
    root = _root(path)
    keys = _keys(root)
    cis, ci_origins, seen = [], [], set()
    rejected: list[Rejection] = []
    for node in _all(root, "node"):
        node_id = node.get("id")
        origin = f"{path.name} node {node_id!r}"
        if not node_id or node_id in seen:
            rejected.append(
                Rejection(origin, "a node without an id" if not node_id else "a second node with this id", "cis")
            )
            continue
        seen.add(node_id)
        data = _data(node, keys, "node")
        cls = _first(data, CLASS_KEYS)
        extra = {k: v[:MAX_ATTRIBUTE] for k, v in data.items() if k not in (*NAME_KEYS, *CLASS_KEYS, "status")}
        cis.append({"key": node_id, "name": _first(data, NAME_KEYS) or node_id, "class": cls or DEFAULT_CLASS,
                    "placeholder": cls is None, "status": data.get("status"), "scope": f"graphml:{path.name}",
                    "attributes": json.dumps(extra, ensure_ascii=False)})  # fmt: skip
        ci_origins.append(origin)
    edges, edge_origins = [], []
    for number, edge in enumerate(_all(root, "edge"), 1):
        source, target = edge.get("source"), edge.get("target")
        data = _data(edge, keys, "edge")
        edges.append({"source": source, "target": target, "type": _first(data, EDGE_TYPE_KEYS) or DEFAULT_TYPE})
        edge_origins.append(f"{path.name} edge {number} ({source} → {target})")
    return ImportBatch(
        cis=frame("cis", pd.DataFrame(cis), ci_origins),
        relationships=frame("relationships", pd.DataFrame(edges), edge_origins),
        rejected=rejected,
    )


def _root(path: Path) -> ElementTree.Element:
    content = path.read_bytes()
    if _DOCTYPE.search(content):
        raise ValueError(f"{path}: refused: the file declares a DOCTYPE or entities, which GraphML does not need")
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as error:
        line, column = error.position
        raise ValueError(f"{path}: not well-formed XML (line {line}, column {column}: {error.msg})") from None
    if _local(root.tag) != "graphml":
        raise ValueError(f"{path}: not GraphML (the root element is <{_local(root.tag)}>, not <graphml>)")
    return root


def _keys(root: ElementTree.Element) -> dict[str, tuple[str, str, str | None]]:
    """Data key id → (what it is for, its name, its default)."""
    out = {}
    for key in _all(root, "key"):
        name = key.get("attr.name") or ("label" if key.get("yfiles.type") == "nodegraphics" else key.get("id", ""))
        default = next((_text(d) for d in key if _local(d.tag) == "default"), None)
        out[key.get("id", "")] = (key.get("for", "all"), name.strip().lower(), default)
    return out


def _data(element: ElementTree.Element, keys: dict[str, tuple[str, str, str | None]], kind: str) -> dict[str, str]:
    """An element's data by key name (lower case), key defaults first; empty values left out."""
    values = {name: default for kind_of, name, default in keys.values() if default and kind_of in (kind, "all")}
    for data in element:
        if _local(data.tag) != "data":
            continue
        _, name, _ = keys.get(data.get("key", ""), ("", str(data.get("key", "")).lower(), None))
        text = _text(data)
        if text:
            values[name] = text
    return values


def _first(data: dict[str, str], names: tuple[str, ...]) -> str | None:
    return next((data[n] for n in names if data.get(n)), None)


def _all(root: ElementTree.Element, tag: str) -> Iterator[ElementTree.Element]:
    """Every element of this GraphML tag, in nested graphs too, with or without the GraphML namespace."""
    return (e for e in root.iter() if _local(e.tag) == tag)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element: ElementTree.Element) -> str:
    return " ".join("".join(element.itertext()).split())
