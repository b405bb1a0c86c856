"""Table view wiring: the toggle writes view=table into the URL, the browser shows the table or the map at once
(assets/table_view.js), the map's answer carries the rows (callbacks/map.py, through `table_answer`), and a click on a
CI's name re-roots the view. What the browser sends is untrusted: a forged row id or event gives nothing.
"""

from dataclasses import replace

from dash import ClientsideFunction, Dash, Input, Output, Patch, State, ctx, no_update

from dashboard.cmdb.derived import Derived
from dashboard.domain.untrusted import prefixed_id
from dashboard.domain.viewstate import ViewState, parse, to_query
from dashboard.map_table import full_names, map_table
from dashboard.maps import MapModel
from dashboard.services import Services
from layouts import ids
from layouts.map_table import edge_export, node_columns, node_export

NO_TABLE = (no_update, no_update, no_update)
EMPTY_TABLE = ([], no_update, [])
MAX_FILTER = 200  # characters of quick-filter text


def table_answer(derived: Derived, model: MapModel) -> tuple:
    """The table view's rows and columns for a map answer; nothing while the map is shown (the rows cost time)."""
    if model.state.view != "table":
        return NO_TABLE
    table = map_table(model, full_names(derived, model))
    return table.nodes, node_columns(table), table.edges


def register(app: Dash, services: Services) -> None:
    """Attach the table view's callbacks."""
    app.clientside_callback(
        ClientsideFunction(namespace="servicemap_table", function_name="view"),
        Output(ids.MAP_TABLE, "hidden"),
        Output(ids.MAP_VIEW_TOGGLE, "children"),
        Output(ids.MAP_VIEW_TOGGLE, "aria-pressed"),
        Input(ids.URL, "search"),
    )

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.MAP_VIEW_TOGGLE, "n_clicks"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def toggle(clicks: object, search: object) -> str:
        if not isinstance(clicks, int) or not clicks:
            return no_update
        state = _state(search)
        return to_query(replace(state, view="map" if state.view == "table" else "table"))

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.MAP_TABLE_NODES, "cellClicked"),
        Input(ids.MAP_TABLE_NODES, "selectedRows"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def focus(cell: object, selected: object, search: object) -> str:
        if ctx.triggered_id != ids.MAP_TABLE_NODES:
            return no_update
        if "cellClicked" in str(ctx.triggered_prop_ids):
            row = cell.get("rowId") if isinstance(cell, dict) and cell.get("colId") == "name" else None
        else:
            row = (
                selected[0].get("id")
                if isinstance(selected, list) and selected and isinstance(selected[0], dict)
                else None
            )
        return _focused(_state(search), row)

    @app.callback(
        Output(ids.MAP_TABLE_NODES, "exportDataAsCsv"),
        Output(ids.MAP_TABLE_NODES, "csvExportParams"),
        Input(ids.MAP_TABLE_NODES_EXPORT, "n_clicks"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def export_nodes(_clicks: object, search: object) -> tuple:
        state = _state(search)
        return True, node_export(state.root, bool(state.change_days), state.impact)

    @app.callback(
        Output(ids.MAP_TABLE_EDGES, "exportDataAsCsv"),
        Output(ids.MAP_TABLE_EDGES, "csvExportParams"),
        Input(ids.MAP_TABLE_EDGES_EXPORT, "n_clicks"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def export_edges(_clicks: object, search: object) -> tuple:
        return True, edge_export(_state(search).root)

    @app.callback(
        Output(ids.MAP_TABLE_NODES, "dashGridOptions"),
        Output(ids.MAP_TABLE_EDGES, "dashGridOptions"),
        Input(ids.MAP_TABLE_FILTER, "value"),
        prevent_initial_call=True,
    )
    def quick_filter(text: object) -> tuple:
        options = Patch()
        options["quickFilterText"] = text[:MAX_FILTER] if isinstance(text, str) else ""
        return options, options


def _state(search: object) -> ViewState:
    return parse(search if isinstance(search, str) else "")


def _focused(state: ViewState, row: object) -> str:
    """The URL after choosing a row: a CI becomes the root; a group opens (both keep the table view)."""
    ci_id = prefixed_id(row, "ci-")
    if ci_id is not None:
        return to_query(state.with_root(ci_id))
    if isinstance(row, str) and row.startswith("group-") and len(row) <= 106:
        return to_query(replace(state, expanded=state.expanded | {row.removeprefix("group-")}))
    return no_update
