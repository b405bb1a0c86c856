"""Map elements and panels from plain map data: ids, positions, classes, layouts, CSV — no server needed."""

from urllib.parse import unquote

import pytest

from dashboard.domain.viewstate import ViewState
from dashboard.domain.vocabulary import Health
from dashboard.maps import ImpactedService, MapEdge, MapModel, MapNode, short_label
from layouts.details import build_edge_details
from layouts.impact import impact_csv
from layouts.legend import build_legend
from layouts.map import STYLESHEET, build_elements, build_notice, layout_for


def node(ci_id, **fields):
    values = {
        "id": f"ci-{ci_id}",
        "label": f"ci {ci_id}",
        "kind": "ci",
        "ci_id": ci_id,
        "class_name": "server",
        "status": Health.OK,
        "open_incidents": 0,
        "worst_priority": 0,
        "changes": 0,
        "x": 0.0,
        "y": 0.0,
    }
    return MapNode(**(values | fields))


def model(nodes, edges=(), **fields):
    values = {
        "state": ViewState(root=1),
        "root_name": "ci 1",
        "root_class": "server",
        "nodes": tuple(nodes),
        "edges": tuple(edges),
        "total_cis": len(nodes),
        "hidden_cis": 0,
        "trimmed_cis": 0,
        "depth_cut": False,
    }
    return MapModel(**(values | fields))


def test_me001_nodes_carry_status_incident_and_root_classes_and_positions():
    nodes = [
        node(1, root=True, status=Health.DOWN),
        node(2, open_incidents=3, worst_priority=1, x=10.0, y=20.0),
        node(3, changes=2, status=Health.DEGRADED),
    ]
    elements = build_elements(model(nodes, [MapEdge("rel-7", "ci-1", "ci-2", "runs on", merged=False)]))
    by_id = {e["data"]["id"]: e for e in elements}
    assert set(by_id["ci-1"]["classes"].split()) >= {"s-down", "root", "c-server", "ci"}
    assert set(by_id["ci-2"]["classes"].split()) >= {"inc", "p-high"}
    assert by_id["ci-2"]["position"] == {"x": 10.0, "y": 20.0}
    assert by_id["ci-2"]["data"]["display"] == "ci 2\n▲3 P1"
    assert "chg" in by_id["ci-3"]["classes"]
    assert by_id["rel-7"]["data"] == {"id": "rel-7", "source": "ci-1", "target": "ci-2", "type": "runs on"}
    assert by_id["rel-7"]["classes"] == "t-runs-on"


def test_me002_filters_leave_no_hidden_node_behind_and_contracted_edges_say_via_how_many_hops():
    # The filters drop CIs on the server (dashboard/map_filters.py): what reaches the browser is all drawn.
    nodes = [node(1, root=True), node(2, open_incidents=1, worst_priority=4)]
    via = MapEdge("via-ci-1-ci-2", "ci-1", "ci-2", "via", merged=True, hops=2, via=("ci-7", "group-7:server"))
    view = model(nodes, [via], state=ViewState(root=1, incidents_only=True))
    by_id = {e["data"]["id"]: e for e in build_elements(view)}
    assert not any("filtered" in e["classes"] for e in by_id.values())
    assert "via" in by_id["via-ci-1-ci-2"]["classes"].split()
    assert by_id["via-ci-1-ci-2"]["data"]["via"] == "via 2 hidden"
    assert by_id["via-ci-1-ci-2"]["data"]["through"] == ["ci-7", "group-7:server"]


def test_me003_impact_view_fades_what_is_not_on_the_path():
    nodes = [node(1, root=True, on_impact_path=True), node(2)]
    view = model(nodes, state=ViewState(root=1, impact=True))
    classes = {e["data"]["id"]: e["classes"].split() for e in build_elements(view)}
    assert "impact" in classes["ci-1"]
    assert "faded" in classes["ci-2"]


def test_me004_hostile_names_stay_plain_strings():
    hostile = "<img src=x onerror=alert(1)>"
    elements = build_elements(model([node(1, label=hostile, root=True)]))
    assert elements[0]["data"]["label"] == hostile


def test_me005_layered_is_preset_and_browser_layouts_only_for_small_maps():
    small = model([node(i) for i in range(10)], state=ViewState(root=1, layout="cose"))
    assert layout_for(small, "a")["name"] == "cose"
    big = model([node(i) for i in range(1000)], state=ViewState(root=1, layout="cose"))
    assert layout_for(big, "a")["name"] == "preset"
    assert layout_for(model([node(1)]), "a")["name"] == "preset"
    assert layout_for(model([node(1)]), "a") != layout_for(model([node(1)]), "b")


def test_me006_the_notice_says_when_a_map_is_partial_and_how_to_see_more():
    text = str(build_notice(model([node(1)], total_cis=900, hidden_cis=500, trimmed_cis=10)))
    assert "Showing part of the map" in text
    assert "click a group" in text
    assert "lower the depth" in text


def test_me007_csv_export_neutralises_spreadsheet_formulas():
    services = (ImpactedService(5, '=HYPERLINK("http://x")', "high", Health.DOWN, 2, 3),)
    lines = impact_csv(services).splitlines()
    assert lines[0] == "ci_id,name,criticality,status,open_incidents,hops"
    assert lines[1].startswith("5,\"'=HYPERLINK(")


def test_me013_csv_export_marks_hidden_characters_and_keeps_long_names_whole():
    long_name = "x" * 500
    services = (
        ImpactedService(5, "Pay\u202etxt.exe", "high", Health.DOWN, 2, 3),
        ImpactedService(6, long_name, "low", Health.OK, 0, 1),
    )
    lines = impact_csv(services).splitlines()
    assert lines[1].startswith("5,Pay⟨U+202E⟩txt.exe,high,")
    assert lines[2].startswith(f"6,{long_name},low,")


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("web01.prod.example.com", "web01"),
        ("33.33.33.76", "33.33.33.76"),
        ("10.0.0.1:8080", "10.0.0.1:8080"),
        ("Online Banking", "Online Banking"),
        ("payments.api", "payments.api"),
    ],
)
def test_me008_labels_shorten_host_names_but_keep_ip_addresses_whole(name, label):
    assert short_label(name) == label


def test_me009_symmetric_links_carry_the_no_arrow_class_and_the_stylesheet_drops_their_arrowhead():
    edges = [
        MapEdge("rel-1", "ci-1", "ci-2", "connects to", merged=False, symmetric=True),
        MapEdge("rel-2", "ci-2", "ci-3", "uplinked to", merged=False),
    ]
    by_id = {e["data"]["id"]: e for e in build_elements(model([node(1), node(2), node(3)], edges))}
    assert set(by_id["rel-1"]["classes"].split()) == {"t-connects-to", "sym"}
    assert "sym" not in by_id["rel-2"]["classes"].split()
    rules = {rule["selector"]: rule["style"] for rule in STYLESHEET}
    assert rules["edge.sym"] == {"target-arrow-shape": "none"}
    assert rules["edge"]["target-arrow-shape"] == "triangle"


def test_me010_the_legend_draws_links_without_an_arrow_and_dependencies_with_one():
    keys = {}
    for item in build_legend().children[4].children:
        if getattr(item, "className", None) == "via":  # contracted edges: not a relationship type
            continue
        picture, words = item.children
        keys[words.children[0].children] = unquote(picture.src)
    assert "<line" in keys["connects to"]
    assert "<polygon" not in keys["connects to"]
    assert "<rect" not in keys["connects to"]
    assert all(
        ("<polygon" in keys[k] or "<rect" in keys[k] or "<circle" in keys[k]) for k in keys if k != "connects to"
    )


def test_me011_a_link_is_described_without_a_dependent_end():
    text = str(build_edge_details("connects to", "rtr-a", "rtr-b", merged=False))
    assert "are linked" in text
    assert "no direction" in text
    uplink = str(build_edge_details("uplinked to", "srv", "sw", merged=False))
    assert "' depends on '" in uplink
    assert "are linked" not in uplink


def test_me012_links_within_a_row_that_skip_nodes_arch_above_it_instead_of_crossing_them():
    nodes = [node(1, x=0.0), node(2, x=150.0), node(3, x=450.0), node(4, x=0.0, y=110.0)]
    edges = [
        MapEdge("rel-1", "ci-1", "ci-2", "connects to", merged=False, symmetric=True),  # neighbours: straight
        MapEdge("rel-2", "ci-1", "ci-3", "connects to", merged=False, symmetric=True),  # skips a node, left → right
        MapEdge("rel-3", "ci-3", "ci-1", "connects to", merged=False, symmetric=True),  # the same, right → left
        MapEdge("rel-4", "ci-4", "ci-3", "uplinked to", merged=False),  # another row: straight
    ]
    by_id = {e["data"]["id"]: set(e["classes"].split()) for e in build_elements(model(nodes, edges))}
    assert not by_id["rel-1"] & {"arc-r", "arc-l"}
    assert "arc-r" in by_id["rel-2"]
    assert "arc-l" in by_id["rel-3"]
    assert not by_id["rel-4"] & {"arc-r", "arc-l"}
    browser_laid = model(nodes, edges, state=ViewState(root=1, layout="cose"))
    assert not any("arc" in e.get("classes", "") for e in build_elements(browser_laid) if "source" in e["data"])
