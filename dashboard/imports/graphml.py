"""GraphML, as its primer specifies it (http://graphml.graphdrawing.org/primer/graphml-primer.html; docs/importers.md).

Each file is one key scope: its node ids are its CIs' keys, and its edges join its own nodes. Nodes become CIs with
every data value as a typed attribute (by the key's attr.name and attr.type, key defaults included); the name is the
data named name or label (else the id). The class comes from --class-key, else from a key named class, ci_class or
type whose every value is a class of the vocabulary; the status from a key named status whose every value is a CI
status. Edges become relationships in the file's direction: a <graph>'s edgedefault and an edge's `directed` say
whether an edge is directed. The type comes from --type-key, else from a key named type, relationship,
relationship_type or kind whose every value is a relationship type; without one, a directed edge "depends on" and an
undirected one "connects to". Data that is no type, class or status (a link's "2.5 Gbps") is never a reason to drop
a node or an edge: node data is kept as attributes; edge data is counted in a note (relationships have no attributes).
Nested graphs are read (their nodes and edges like the others); hyperedges, ports and graph data are not, and notes
say how many there were. Files with a DOCTYPE are refused: entity declarations can make a small file expand without
bound, and GraphML needs none.
"""

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd

from dashboard.cmdb.snapshot import normalise_class
from dashboard.domain.vocabulary import CI_CLASSES, CI_STATUSES, RELATIONSHIP_TYPE_BY_NAME
from dashboard.imports.batch import ImportBatch, Rejection, files_in, frame, parse_files, place_names, scope_note
from dashboard.imports.edges import DEFAULT_CLASS, DEFAULT_TYPE

NAME_KEYS = ("name", "label")
CLASS_KEYS = ("class", "ci_class", "type")
STATUS_KEYS = ("status",)
TYPE_KEYS = ("type", "relationship", "relationship_type", "kind")
UNDIRECTED_TYPE = "connects to"
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
MAX_ATTRIBUTE = 1000
_CLASSES = frozenset(c.name for c in CI_CLASSES)
Edge = tuple[ElementTree.Element, bool]  # an <edge> and whether it is directed


@dataclass(frozen=True, slots=True)
class Key:
    """A <key>: what it is for (node, edge, graph, all, …), its name (attr.name), its type (attr.type), default."""

    for_: str
    name: str
    type: str
    default: str | None


@dataclass(slots=True)
class _Tally:
    """What a folder's files held that is not imported, for the notes (one line each, summed over files)."""

    counts: Counter = field(default_factory=Counter)  # what → number
    files: dict[str, set[str]] = field(default_factory=dict)  # what → files
    examples: dict[str, str] = field(default_factory=dict)  # what → an example value

    def add(self, what: str, file: str, number: int = 1, example: str | None = None) -> None:
        if number:
            self.counts[what] += number
            self.files.setdefault(what, set()).add(file)
            if example is not None:
                self.examples.setdefault(what, example)

    def notes(self) -> list[str]:
        out = []
        for what, number in self.counts.items():
            files = self.files[what]
            where = next(iter(files)) if len(files) == 1 else f"{len(files):,} files"
            example = f", e.g. {self.examples[what][:40]!r}" if what in self.examples else ""
            out.append(f"{where}: {what}: {number:,}{example}")
        return out


def parse(paths: Sequence[Path], type_key: str | None = None, class_key: str | None = None) -> ImportBatch:
    """Read GraphML files (a folder stands for the .graphml files in it), each its own key scope; ValueError when
    no file has the key named by type_key or class_key (a misspelt key would otherwise go unnoticed)."""
    tally = _Tally()
    scopes = {path: f"graphml:{name}" for path, name in place_names(files_in(paths, "*.graphml")).items()}
    read = partial(parse_file, type_key=type_key, class_key=class_key, tally=tally)
    batch = parse_files(paths, "*.graphml", lambda path: read(path, scope=scopes[path]))
    files = len(scopes)
    for kind, given in (("edge", type_key), ("node", class_key)):
        if given is not None and files and tally.counts[_missing(kind, given)] == files:
            flag = "--type-key" if kind == "edge" else "--class-key"
            raise ValueError(f"{flag} {given!r}: no file has a {kind} key (attr.name) of that name")
    batch.notes.extend([*scope_note(list(scopes.values())), *tally.notes()])
    return batch


def _missing(kind: str, given: str) -> str:
    flag = "--type-key" if kind == "edge" else "--class-key"
    return f"{flag} {given!r}: no {kind} key of that name, files"


def parse_file(
    path: Path,
    type_key: str | None = None,
    class_key: str | None = None,
    tally: _Tally | None = None,
    scope: str | None = None,
) -> ImportBatch:
    """One GraphML file, its key scope `graphml:<file name>` unless given; ValueError when it is not well-formed
    GraphML."""
    tally = tally if tally is not None else _Tally()
    root = _root(path)
    keys = _keys(root)
    nodes, edges = _Graphs(path.name, tally).read(root)
    scope = scope or f"graphml:{path.name}"
    cis, ci_origins, rejected = _cis(path.name, nodes, keys, class_key, tally)
    rows, edge_origins = _relationships(path.name, edges, keys, type_key, tally)
    return ImportBatch(
        cis=frame("cis", pd.DataFrame(cis).assign(scope=scope), ci_origins),
        relationships=frame("relationships", pd.DataFrame(rows).assign(scope=scope), edge_origins),
        rejected=rejected,
    )


def _cis(
    file: str, nodes: list[ElementTree.Element], keys: dict[str, Key], class_key: str | None, tally: _Tally
) -> tuple[list[dict], list[str], list[Rejection]]:
    data = [_data(node, keys, "node") for node in nodes]
    cls = _chosen(data, keys, "node", class_key, CLASS_KEYS, _is_class, file, tally, "class")
    status = _chosen(data, keys, "node", None, STATUS_KEYS, lambda v: v.strip().lower() in CI_STATUSES, file, tally,
                     "status")  # fmt: skip
    rows, origins, rejected, seen = [], [], [], set()
    for node, values in zip(nodes, data, strict=True):
        node_id = node.get("id")
        origin = f"{file} node {node_id!r}"
        if not node_id or node_id in seen:
            reason = "a node without an id" if not node_id else "a second node with this id"
            rejected.append(Rejection(origin, reason, "cis"))
            continue
        seen.add(node_id)
        name_key = next((k for n in NAME_KEYS for k in values if k.strip().lower() == n and _plain(values[k])), None)
        used = {name_key, cls, status}
        rows.append(
            {
                "key": node_id,
                "name": _plain(values[name_key]) if name_key else node_id,
                "class": _plain(values.get(cls)) or DEFAULT_CLASS if cls else DEFAULT_CLASS,
                "status": _plain(values.get(status)) if status else None,
                "attributes": json.dumps({k: v for k, v in values.items() if k not in used}, ensure_ascii=False),
            }
        )
        origins.append(origin)
    return rows, origins, rejected


def _relationships(
    file: str, edges: list[Edge], keys: dict[str, Key], type_key: str | None, tally: _Tally
) -> tuple[list[dict], list[str]]:
    data = [_data(edge, keys, "edge") for edge, _ in edges]
    kind = _chosen(data, keys, "edge", type_key, TYPE_KEYS, _is_type, file, tally, "relationship type")
    rows, origins = [], []
    for number, ((edge, directed), values) in enumerate(zip(edges, data, strict=True), 1):
        source, target = edge.get("source"), edge.get("target")
        given = _plain(values.get(kind)) if kind else None
        rows.append({"source": source, "target": target,
                     "type": given or (DEFAULT_TYPE if directed else UNDIRECTED_TYPE)})  # fmt: skip
        origins.append(f"{file} edge {number} ({source} {'→' if directed else '—'} {target})")
        for name, value in values.items():
            if name != kind:
                tally.add(f"edge data {name!r} not kept (relationships have no attributes), edges", file,
                          example=str(value))  # fmt: skip
    return rows, origins


def _chosen(
    data: list[dict[str, object]],
    keys: dict[str, Key],
    kind: str,
    given: str | None,
    names: tuple[str, ...],
    fits: Callable[[str], bool],
    file: str,
    tally: _Tally,
    what: str,
) -> str | None:
    """The attribute name whose values are the class / status / type: the one given, else the first of `names`
    whose every value fits the vocabulary. The keys that were passed over are counted in a note."""
    declared = {k.name for k in keys.values() if k.for_ in (kind, "all")} | {n for values in data for n in values}
    if given is not None:
        found = next((n for n in declared if n.strip().lower() == given.strip().lower()), None)
        if found is None:
            tally.add(_missing(kind, given), file)
        return found
    for name in sorted(declared, key=lambda n: _rank(n, names)):
        if _rank(name, names) == len(names):
            break
        values = [_plain(v[name]) for v in data if name in v]
        misfits = [v for v in values if v and not fits(v)]
        if not misfits:
            return name
        kept = ", kept as an attribute" if kind == "node" else ""
        tally.add(f"{kind} key {name!r} not read as the {what}{kept}; values that are no {what}", file,
                  len(misfits), misfits[0])  # fmt: skip
    return None


def _rank(name: str, names: tuple[str, ...]) -> int:
    lower = name.strip().lower()
    return names.index(lower) if lower in names else len(names)


def _is_class(value: str) -> bool:
    return normalise_class(pd.Series([value])).iloc[0] in _CLASSES


def _is_type(value: str) -> bool:
    return re.sub(r"[\s_]+", " ", value.strip().lower()) in RELATIONSHIP_TYPE_BY_NAME


class _Graphs:
    """Every node and edge of a file's graphs, nested ones too, each edge with whether it is directed."""

    def __init__(self, file: str, tally: _Tally) -> None:
        self._file, self._tally = file, tally
        self.nodes: list[ElementTree.Element] = []
        self.edges: list[Edge] = []

    def read(self, root: ElementTree.Element) -> tuple[list[ElementTree.Element], list[Edge]]:
        for element in root:
            if _local(element.tag) == "graph":
                self._graph(element)
            elif _local(element.tag) == "data":
                self._tally.add("data of the document not imported, values", self._file)
        return self.nodes, self.edges

    def _graph(self, graph: ElementTree.Element) -> None:
        # The primer requires edgedefault; a graph without it is read as GraphML's XML schema defaults it: directed.
        directed = graph.get("edgedefault", "directed").strip().lower() != "undirected"
        for element in graph:
            tag = _local(element.tag)
            if tag == "node":
                self.nodes.append(element)
                self._inside(element)
            elif tag == "edge":
                self.edges.append((element, _directed(element, directed)))
                if element.get("sourceport") or element.get("targetport"):
                    self._tally.add("edges that end at ports, imported between their nodes", self._file)
                self._inside(element)
            elif tag == "hyperedge":
                self._tally.add("hyperedges not imported (a relationship joins two CIs)", self._file)
            elif tag == "data":
                self._tally.add("data of graphs not imported, values", self._file)

    def _inside(self, element: ElementTree.Element) -> None:
        """A node's or an edge's nested graphs (read) and ports (counted)."""
        for child in element:
            if _local(child.tag) == "graph":
                self._tally.add("nested graphs read (their nodes and edges imported, not the nesting)", self._file)
                self._graph(child)
            elif _local(child.tag) == "port":
                self._tally.add("ports not imported", self._file)


def _directed(edge: ElementTree.Element, default: bool) -> bool:
    given = edge.get("directed")
    return default if given is None else given.strip().lower() in ("true", "1")


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


def _keys(root: ElementTree.Element) -> dict[str, Key]:
    """Data key id → Key; yEd's node graphics count as the label."""
    out = {}
    for key in _all(root, "key"):
        key_id = key.get("id", "")
        graphics = key.get("yfiles.type") == "nodegraphics"
        name = key.get("attr.name") or ("label" if graphics else key_id)
        default = next((_text(d) for d in key if _local(d.tag) == "default"), None)
        out[key_id] = Key(key.get("for", "all"), name.strip(), key.get("attr.type", "string"), default)
    return out


def _data(element: ElementTree.Element, keys: dict[str, Key], kind: str) -> dict[str, object]:
    """An element's data by attribute name, typed by attr.type, the keys' defaults first; empty values left out."""
    values: dict[str, object] = {
        key.name: _typed(key.default, key.type) for key in keys.values() if key.default and key.for_ in (kind, "all")
    }
    for data in element:
        if _local(data.tag) != "data":
            continue
        key_id = str(data.get("key", ""))
        key = keys.get(key_id, Key("all", key_id, "string", None))
        text = _text(data)
        if text:
            values[key.name] = _typed(text, key.type)
    return values


def _typed(text: str, kind: str) -> object:
    """A data value as its attr.type says (boolean, int, long, float, double, string); text where it is not."""
    kind = kind.strip().lower()
    try:
        if kind in ("int", "long"):
            return int(text)
        if kind in ("float", "double"):
            number = float(text)
            return number if math.isfinite(number) else text
    except ValueError:
        return text[:MAX_ATTRIBUTE]
    if kind == "boolean" and text.strip().lower() in ("true", "false"):
        return text.strip().lower() == "true"
    return text[:MAX_ATTRIBUTE]


def _plain(value: object) -> str | None:
    """A data value as text (a name, class, status or type is text whatever its attr.type)."""
    if value is None:
        return None
    return str(value).strip() or None


def _all(root: ElementTree.Element, tag: str) -> Iterator[ElementTree.Element]:
    """Every element of this GraphML tag, with or without the GraphML namespace."""
    return (e for e in root.iter() if _local(e.tag) == tag)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element: ElementTree.Element) -> str:
    return " ".join("".join(element.itertext()).split())
