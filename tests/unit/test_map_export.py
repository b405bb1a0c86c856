"""Map exports: JSON, GraphML and DOT carry every node and edge of the view, and any name comes back as written."""

import json
import re
import shutil
import subprocess
from xml.etree import ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.domain.viewstate import parse
from dashboard.domain.vocabulary import Health
from dashboard.map_export import GRAPHML_NS, dot_label, dot_quote, export_file, map_document
from dashboard.maps import MapEdge, MapModel, MapNode
from tests.conftest import unavailable

HOSTILE = '<img src=x onerror=alert(1)> "quoted" \\N back\\slash\\ & amp;\nnext line'
G = f"{{{GRAPHML_NS}}}"


def model(label: str = "Online Banking", group_class: str = "server") -> MapModel:
    nodes = (
        MapNode("ci-5", label, "ci", 5, "business_service", Health.DEGRADED, 2, 1, 0, 10.0, 20.5, root=True),
        MapNode("ci-7", "app", "ci", 7, "application", Health.OK, 0, 0, 3, 30.0, 40.0),
        MapNode(
            f"group-7:{group_class}", "12 servers", "group", None, group_class, Health.DOWN, 0, 0, 0, 50, 60, members=12
        ),
    )
    edges = (
        MapEdge("rel-1", "ci-5", "ci-7", "depends on", False),
        MapEdge("via-1", "ci-7", f"group-7:{group_class}", "runs on", True, hops=2, via=("ci-8", "ci-9")),
    )
    state = parse("root=5&dir=downstream&depth=3")
    return MapModel(state, label, "business_service", nodes, edges, 15, 12, 0, True)


def test_mx001_json_carries_the_view_counts_nodes_and_edges_with_server_positions():
    doc = json.loads(export_file(model(), "json", placed=True).text)
    assert doc["view"]["root"] == 5
    assert doc["view"]["positions"] == "server"
    assert doc["counts"] == {"cis_in_view": 15, "cis_inside_groups": 12, "cis_left_out": 0, "more_beyond_depth": True,
                             "nodes": 3, "edges": 2}  # fmt: skip
    assert [n["id"] for n in doc["nodes"]] == ["ci-5", "ci-7", "group-7:server"]
    assert doc["nodes"][0] | {"x": 10.0, "y": 20.5} == doc["nodes"][0]
    assert doc["nodes"][2]["members"] == 12
    assert doc["nodes"][0]["status"] == "degraded"
    assert doc["edges"][1]["via"] == ["ci-8", "ci-9"]
    assert doc["edges"][1]["hops"] == 2


def test_mx002_a_browser_layout_exports_no_positions():
    doc = map_document(model(), placed=False)
    assert doc["view"]["positions"] is None
    assert all("x" not in n and "y" not in n for n in doc["nodes"])


def test_mx003_graphml_is_valid_xml_with_every_node_edge_and_typed_keys():
    exported = export_file(model(HOSTILE), "graphml", placed=True)
    assert exported.filename == "servicemap-ci-5-downstream-3.graphml"
    root = ET.fromstring(exported.text)
    keys = {k.get("id"): (k.get("for"), k.get("attr.type")) for k in root.iter(f"{G}key")}
    assert keys["n_x"] == ("node", "double")
    assert keys["e_hops"] == ("edge", "int")
    graph = root.find(f"{G}graph")
    assert graph.get("edgedefault") == "directed"
    nodes = graph.findall(f"{G}node")
    assert [n.get("id") for n in nodes] == ["ci-5", "ci-7", "group-7:server"]
    label = next(d.text for d in nodes[0] if d.get("key") == "n_label")
    assert label == HOSTILE  # the name as data, not markup
    assert [(e.get("source"), e.get("target")) for e in graph.findall(f"{G}edge")] == [
        ("ci-5", "ci-7"),
        ("ci-7", "group-7:server"),
    ]


def test_mx004_control_characters_cannot_break_the_xml():
    root = ET.fromstring(export_file(model("bell\x07 nul\x00 ok"), "graphml", placed=False).text)
    labels = [d.text for d in root.iter(f"{G}data") if d.get("key") == "n_label"]
    assert labels[0] == "bell\ufffd nul\ufffd ok"


def test_mx005_an_unknown_format_gives_nothing():
    assert export_file(model(), "exe", placed=True) is None


def unquote(quoted: str) -> str:
    """Read a DOT double-quoted string back, as Graphviz does for a label (\\\\ → \\, \\" → ", \\n → newline)."""
    assert quoted[0] == quoted[-1] == '"'
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r"}.get(m.group(1), m.group(1)), quoted[1:-1])


@settings(max_examples=300)
@given(st.text())
def test_mx006_any_text_quoted_for_dot_reads_back_unchanged_and_cannot_end_the_string(text):
    quoted = dot_quote(text)
    assert unquote(quoted) == text
    inner = quoted[1:-1]
    assert "\n" not in inner
    assert re.search(r'(?<!\\)(\\\\)*"', inner) is None


def test_mx007_graphviz_reads_the_dot_file_and_draws_every_label_as_written():
    if shutil.which("dot") is None:
        unavailable("Graphviz's dot is not installed (Debian package graphviz; .ci/run installs it)")
    text = export_file(model(HOSTILE, group_class='x" -> "ci-5'), "dot", placed=True).text
    svg = subprocess.run(["dot", "-Tsvg"], input=text, capture_output=True, text=True, check=True, timeout=60).stdout
    root = ET.fromstring(svg)
    nodes = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class", "").startswith("node")]
    edges = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class", "").startswith("edge")]
    assert len(nodes) == 3
    assert len(edges) == 2
    first = ["".join(t.itertext()) for t in nodes[0].iter("{http://www.w3.org/2000/svg}text")]
    assert "\n".join(first) == HOSTILE


def test_mx008_ampersands_survive_graphviz_entities():
    assert dot_label("R&D &amp; ops") == "R&amp;D &amp;amp; ops"


@pytest.mark.parametrize("placed", [True, False])
def test_mx009_dot_positions_only_when_the_server_placed_the_nodes(placed):
    text = export_file(model(), "dot", placed=placed).text
    assert ('pos="10.00,-20.50"' in text) is placed
    assert text.startswith('digraph "servicemap-ci-5-downstream-3" {')
