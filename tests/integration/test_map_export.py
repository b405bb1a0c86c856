"""Map exports through the callbacks on the demo CMDB: the file holds what the map draws; forged requests are safe."""

import json
from xml.etree import ElementTree as ET

import pytest

from dashboard.app import create_app
from dashboard.map_export import GRAPHML_NS
from dashboard.settings import Settings
from layouts import ids
from tests.callbacks import callback_request, post
from tests.conftest import HOSTILE_NAMES

VIEW = "?root=5&dir=downstream&depth=3"


@pytest.fixture(scope="module")
def app(demo_cmdb):
    return create_app(Settings.from_env({}, database_url=demo_cmdb, refresh_seconds=0, anonymous=True))


def export(app, fmt, search=VIEW, output=ids.MAP_EXPORT_FILE, prop="data"):
    values = {f"{ids.MAP_EXPORT_GO}.n_clicks": 1, f"{ids.MAP_EXPORT_FORMAT}.value": fmt, f"{ids.URL}.search": search}
    return post(app, callback_request(app, output, prop, values, f"{ids.MAP_EXPORT_GO}.n_clicks"))


def answered(status, data, output, prop):
    """The value a callback answered for output.prop, None when it left it as it was (no_update)."""
    assert status in (200, 204)
    return data.get("response", {}).get(output, {}).get(prop) if status == 200 else None


def drawn(app, search=VIEW):
    values = {f"{ids.URL}.search": search, f"{ids.MAP_TRAIL_STORE}.data": []}
    _, data = post(app, callback_request(app, ids.MAP_GRAPH, "elements", values, "url.search"))
    elements = data["response"][ids.MAP_GRAPH]["elements"]
    return [e for e in elements if "source" not in e["data"]], [e for e in elements if "source" in e["data"]]


def test_me001_json_graphml_and_dot_hold_every_node_and_edge_the_map_draws(app):
    nodes, edges = drawn(app)
    status, data = export(app, "json")
    assert status == 200
    file = data["response"][ids.MAP_EXPORT_FILE]["data"]
    assert file["filename"] == "servicemap-ci-5-downstream-3.json"
    doc = json.loads(file["content"])
    assert {n["id"] for n in doc["nodes"]} == {n["data"]["id"] for n in nodes}
    assert {e["id"] for e in doc["edges"]} == {e["data"]["id"] for e in edges}
    assert doc["view"]["positions"] == "server"  # the layered layout is placed by the server
    graphml = ET.fromstring(export(app, "graphml")[1]["response"][ids.MAP_EXPORT_FILE]["data"]["content"])
    assert len(graphml.findall(f".//{{{GRAPHML_NS}}}node")) == len(nodes)
    assert len(graphml.findall(f".//{{{GRAPHML_NS}}}edge")) == len(edges)
    dot = export(app, "dot")[1]["response"][ids.MAP_EXPORT_FILE]["data"]["content"]
    assert dot.count(" -> ") == len(edges)


def test_me002_png_and_svg_ask_cytoscape_for_the_whole_map_as_drawn(app):
    for fmt in ("png", "svg"):
        status, data = export(app, fmt, output=ids.MAP_GRAPH, prop="generateImage")
        assert status == 200
        request = data["response"][ids.MAP_GRAPH]["generateImage"]
        assert request["type"] == fmt
        assert request["action"] == "download"
        assert request["filename"] == "servicemap-ci-5-downstream-3"
        assert request["options"]["full"] is True
        assert answered(*export(app, fmt), ids.MAP_EXPORT_FILE, "data") is None  # no file for an image


def test_me003_a_browser_layout_exports_no_positions(app):
    doc = json.loads(export(app, "json", VIEW + "&layout=cose")[1]["response"][ids.MAP_EXPORT_FILE]["data"]["content"])
    assert doc["view"]["positions"] is None
    assert all("x" not in n for n in doc["nodes"])


def test_me004_hostile_names_stay_data_in_every_format(app):
    search = "?root=900001&dir=both&depth=1"
    doc = json.loads(export(app, "json", search)[1]["response"][ids.MAP_EXPORT_FILE]["data"]["content"])
    assert HOSTILE_NAMES[900001] in [n["label"] for n in doc["nodes"]] + [doc["view"]["root_name"]]
    graphml = export(app, "graphml", search)[1]["response"][ids.MAP_EXPORT_FILE]["data"]["content"]
    assert "<img" not in graphml
    ET.fromstring(graphml)


@pytest.mark.parametrize(
    ("fmt", "search"),
    [("exe", VIEW), (5, VIEW), (None, VIEW), (["json"], VIEW), ("json", "?root=999999999"), ("json", 7),
     ("json", "?root=5%00"), ("png", None)],
)  # fmt: skip
def test_me005_forged_formats_and_views_get_a_safe_answer(app, fmt, search):
    for output, prop in ((ids.MAP_EXPORT_FILE, "data"), (ids.MAP_GRAPH, "generateImage")):
        value = answered(*export(app, fmt, search, output, prop), output, prop)
        assert value is None or (prop == "generateImage" and value["type"] == fmt)
