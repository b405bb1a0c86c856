"""The map's table view from plain map data: rows, order, optional columns, the toggle and the URL field."""

import json
from dataclasses import replace

from dashboard.domain.viewstate import ViewState, parse, to_query
from dashboard.domain.vocabulary import Health
from dashboard.map_table import MERGED, map_table
from dashboard.maps import MapEdge
from layouts import ids
from layouts.map_table import (
    VIEW_AS_MAP,
    VIEW_AS_TABLE,
    build_table_view,
    build_view_toggle,
    edge_export,
    export_name,
    node_columns,
    node_export,
    toggle_label,
)
from tests.unit.test_map_elements import model, node

HOSTILE = "<img src=x onerror=window.__pwned=1>"


def sample(**state):
    nodes = [
        node(2, label="db-01", class_name="database", status=Health.DEGRADED, open_incidents=2, worst_priority=1),
        node(1, label="Payroll", class_name="business_service", root=True, changes=3, on_impact_path=True),
        node(3, label="web-01", status=Health.DOWN),
        node(None, id="group-1:server", label="12 × Server", kind="group", members=12, group_key="1:server"),
        node(4, label=HOSTILE, class_name="application"),
    ]
    edges = [
        MapEdge("rel-7", "ci-1", "ci-2", "depends on", merged=False),
        MapEdge("merged-ci-2-group-1:server", "ci-2", "group-1:server", "runs on", merged=True),
    ]
    return model(nodes, edges, state=ViewState(root=1, **state))


def test_tv010_nodes_become_rows_root_first_then_worst_status_and_most_incidents():
    table = map_table(sample(), {1: "Payroll", 2: "db-01.corp.example.com (a long name the map cuts)"})
    rows = table.nodes
    # Down before Degraded, then by name ("1" sorts before "<").
    assert [row["id"] for row in rows] == ["ci-1", "ci-3", "ci-2", "group-1:server", "ci-4"]
    assert rows[0] == {
        "id": "ci-1",
        "name": "Payroll",
        "name_csv": "Payroll",
        "class": "Business service",
        "class_csv": "Business service",
        "status": "OK",
        "incidents": 0,
        "priority": "",
        "changes": 3,
        "kind": "CI",
        "root": "root",
    }
    database = rows[2]
    assert database["name"] == "db-01.corp.example.com (a long name the map cuts)"  # the full name, not the label
    assert (database["incidents"], database["priority"], database["status"]) == (2, "P1", "Degraded")
    group = next(row for row in rows if row["id"] == "group-1:server")
    assert (group["name"], group["kind"], group["root"]) == ("12 × Server", "group of 12", "")


def test_tv011_relationships_name_both_ends_and_mark_merged_edges():
    table = map_table(sample(), {1: "Payroll", 2: "db-01"})
    assert table.edges == [
        {
            "id": "rel-7",
            "source": "Payroll",
            "type": "depends on",
            "target": "db-01",
            "source_csv": "Payroll",
            "target_csv": "db-01",
            "merged": "",
        },
        {
            "id": "merged-ci-2-group-1:server",
            "source": "db-01",
            "type": "runs on",
            "target": "12 × Server",
            "source_csv": "db-01",
            "target_csv": "12 × Server",
            "merged": MERGED,
        },
    ]


def test_tv012_changes_and_impact_columns_only_when_the_view_shows_them():
    plain = map_table(sample(), {})
    shown = [c["field"] for c in node_columns(plain) if not c.get("hide")]
    assert shown[-2:] == ["kind", "root"]
    assert "impact" not in plain.nodes[0]
    both = map_table(sample(change_days=7, impact=True), {})
    assert [c["field"] for c in node_columns(both) if not c.get("hide")][-2:] == ["changes", "impact"]
    assert node_export(5, True, True)["columnKeys"][-2:] == ["changes", "impact"]
    assert "changes" not in node_export(5, False, False)["columnKeys"]
    impact = {row["id"]: row["impact"] for row in both.nodes}
    assert impact["ci-1"] == "on path"
    assert impact["ci-3"] == ""


def test_tv013_names_are_plain_text_cells_never_markup():
    table = map_table(sample(), {})
    assert any(row["name"] == HOSTILE for row in table.nodes)  # kept as data, shown as text by the grid
    layout = json.dumps(build_table_view().to_plotly_json(), default=lambda c: c.to_plotly_json())
    for risky in ("cellRenderer", "dangerously", "markdown", "innerHTML"):
        assert risky not in layout
    columns = json.dumps(node_columns(table))
    assert "cellRenderer" not in columns


def test_tv014_the_toggle_is_a_button_with_aria_pressed_and_says_what_it_switches_to():
    button = build_view_toggle()
    assert button.id == ids.MAP_VIEW_TOGGLE
    assert button.to_plotly_json()["props"]["aria-pressed"] == "false"
    assert button.children == VIEW_AS_TABLE
    assert toggle_label(True) == VIEW_AS_MAP
    assert toggle_label(False) == VIEW_AS_TABLE


def test_tv015_view_is_in_the_url_default_map_anything_else_map():
    assert parse("?root=5&view=table").view == "table"
    assert parse("?root=5").view == "map"
    for forged in ("TABLE", "tables", "<script>", "table%00", ""):
        assert parse(f"?root=5&view={forged}").view == "map", forged
    state = parse("?root=5&depth=2&view=table")
    assert to_query(state) == "?root=5&depth=2&view=table"
    assert to_query(replace(state, view="map")) == "?root=5&depth=2"
    assert state.with_root(7).view == "table"  # re-rooting from the table stays in the table


def test_tv017_exported_cells_that_a_spreadsheet_would_run_stay_text():
    formula = '=HYPERLINK("http://evil","x")'
    table = map_table(sample(), {1: formula, 2: "-2+3", 3: "@SUM(A1)", 4: "plain"})
    csv_names = {row["id"]: row["name_csv"] for row in table.nodes}
    assert csv_names["ci-1"] == "'" + formula
    assert csv_names["ci-2"] == "'-2+3"
    assert csv_names["ci-3"] == "'@SUM(A1)"
    assert csv_names["ci-4"] == "plain"
    assert next(row for row in table.nodes if row["id"] == "ci-1")["name"] == formula  # shown as it is
    assert table.edges[0]["source_csv"] == "'" + formula
    assert node_export(5, False, False)["columnKeys"][:2] == ["name_csv", "class_csv"]
    assert edge_export(5)["columnKeys"] == ["source_csv", "type", "target_csv", "merged"]


def test_tv016_export_file_names_say_what_and_whose():
    assert export_name(5, "cis") == "servicemap-ci-5-cis.csv"
    assert export_name(None, "relationships") == "servicemap-relationships.csv"
