"""Table view callbacks through Flask's test client on the demo CMDB: rows with the map answer only in the table view,
the toggle, re-rooting from a row, export names, the quick filter, and forged events."""

import pytest

from dashboard.app import create_app
from dashboard.settings import Settings
from layouts import ids
from tests.callbacks import callback_request, post, request_for_key
from tests.conftest import HOSTILE_NAMES


@pytest.fixture(scope="module")
def app(demo_cmdb):
    return create_app(Settings.from_env({}, database_url=demo_cmdb, refresh_seconds=0, anonymous=True))


def draw(app, search):
    values = {f"{ids.URL}.search": search, f"{ids.MAP_TRAIL_STORE}.data": []}
    return post(app, callback_request(app, ids.MAP_GRAPH, "elements", values, "url.search"))


def url_after(app, triggered, values, search="?root=5&depth=2"):
    """The URL search a table callback answers with, or None when it leaves the URL alone."""
    for key in app.callback_map:
        if key.startswith(f"{ids.URL}.search@"):
            inputs = {f"{i['id']}.{i['property']}" for i in app.callback_map[key]["inputs"]}
            if triggered in inputs:
                break
    else:
        raise KeyError(triggered)
    status, data = post(app, request_for_key(app, key, {**values, f"{ids.URL}.search": search}, triggered))
    assert status in (200, 204)
    return data.get("response", {}).get(ids.URL, {}).get("search")


def test_tv020_the_map_answer_carries_rows_only_in_the_table_view(app):
    status, data = draw(app, "?root=5")
    assert status == 200
    assert ids.MAP_TABLE_NODES not in data["response"]
    assert data["response"][ids.MAP_GRAPH]["elements"]
    status, data = draw(app, "?root=5&view=table")
    assert status == 200
    answer = data["response"]
    assert ids.MAP_GRAPH not in answer  # the hidden map is left as it is
    rows = answer[ids.MAP_TABLE_NODES]["rowData"]
    assert rows[0]["name"] == "Online Banking"
    assert rows[0]["root"] == "root"
    assert HOSTILE_NAMES[900001] in {row["name"] for row in rows}
    assert {"source", "type", "target", "merged"} <= set(answer[ids.MAP_TABLE_EDGES]["rowData"][0])
    assert answer[ids.MAP_TABLE_NODES]["columnDefs"][0]["field"] == "name"
    assert answer[ids.MAP_HEADING]["children"]  # the heading and notices follow the view in both modes


def test_tv021_an_unknown_root_empties_the_tables(app):
    status, data = draw(app, "?root=123456789&view=table")
    assert status == 200
    assert data["response"][ids.MAP_TABLE_NODES]["rowData"] == []
    assert data["response"][ids.MAP_TABLE_EDGES]["rowData"] == []


def test_tv022_the_toggle_flips_view_and_keeps_the_rest(app):
    toggle = f"{ids.MAP_VIEW_TOGGLE}.n_clicks"
    assert url_after(app, toggle, {toggle: 1}) == "?root=5&depth=2&view=table"
    assert url_after(app, toggle, {toggle: 2}, "?root=5&depth=2&view=table") == "?root=5&depth=2"
    for forged in ("1", None, {"x": 1}, 0):
        assert url_after(app, toggle, {toggle: forged}) is None, forged


def test_tv023_a_clicked_name_re_roots_and_a_group_opens(app):
    cell = f"{ids.MAP_TABLE_NODES}.cellClicked"
    search = "?root=5&depth=2&view=table"
    assert url_after(app, cell, {cell: {"colId": "name", "rowId": "ci-42"}}, search) == "?root=42&depth=2&view=table"
    opened = url_after(app, cell, {cell: {"colId": "name", "rowId": "group-5:server"}}, search)
    assert opened == "?root=5&depth=2&open=5%3Aserver&view=table"
    for forged in (
        {"colId": "class", "rowId": "ci-42"},  # a click elsewhere in the row only focuses the cell
        {"colId": "name", "rowId": "ci-<script>"},
        {"colId": "name", "rowId": "group-" + "x" * 5000},
        {"colId": "name", "rowId": ["ci-1"]},
        "ci-42",
        None,
    ):
        assert url_after(app, cell, {cell: forged}, search) is None, forged


def test_tv024_space_on_a_row_re_roots_through_the_selection(app):
    rows = f"{ids.MAP_TABLE_NODES}.selectedRows"
    search = "?root=5&view=table"
    assert url_after(app, rows, {rows: [{"id": "ci-42", "name": "x"}]}, search) == "?root=42&view=table"
    for forged in ([], [None], [{"id": 42}], "ci-42", [{"id": "ci-1e9999"}]):
        assert url_after(app, rows, {rows: forged}, search) is None, forged


def test_tv025_exports_name_their_file_after_the_root(app):
    for button, grid, what in (
        (ids.MAP_TABLE_NODES_EXPORT, ids.MAP_TABLE_NODES, "cis"),
        (ids.MAP_TABLE_EDGES_EXPORT, ids.MAP_TABLE_EDGES, "relationships"),
    ):
        values = {f"{button}.n_clicks": 1, f"{ids.URL}.search": "?root=5&view=table"}
        status, data = post(app, callback_request(app, grid, "exportDataAsCsv", values, f"{button}.n_clicks"))
        assert status == 200
        answer = data["response"][grid]
        assert answer["exportDataAsCsv"] is True
        assert answer["csvExportParams"]["fileName"] == f"servicemap-ci-5-{what}.csv"
        assert answer["csvExportParams"]["columnKeys"][0].endswith("_csv")


def test_tv026_the_quick_filter_reaches_both_grids_and_is_bounded(app):
    typed = f"{ids.MAP_TABLE_FILTER}.value"
    for text, expected in (("Scheduling", "Scheduling"), ("x" * 10_000, "x" * 200), ({"a": 1}, "")):
        status, data = post(app, callback_request(app, ids.MAP_TABLE_NODES, "dashGridOptions", {typed: text}, typed))
        assert status == 200
        for grid in (ids.MAP_TABLE_NODES, ids.MAP_TABLE_EDGES):
            patch = data["response"][grid]["dashGridOptions"]
            assert patch["__dash_patch_update"] == "__dash_patch_update"
            assert patch["operations"][0]["params"]["value"] == expected
