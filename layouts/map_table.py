"""The table view of a map: a quick filter, then the view's CIs and its relationships in two dash-ag-grid grids, each
under a visible heading, in a region named by that heading, with a CSV export button.

Every cell is plain text (no cell renderer, no markup): a hostile CI name is shown, never run.
"""

import dash_ag_grid as dag
from dash import dcc, html

from dashboard.map_table import MapTable
from layouts import ids

VIEW_AS_TABLE = "View as table"
VIEW_AS_MAP = "View as map"
_NUMBER = {"filter": "agNumberColumnFilter", "type": "numericColumn", "flex": 1, "minWidth": 120}
NODE_COLUMNS = (
    {"field": "name", "headerName": "Name", "flex": 3, "minWidth": 180, "cellClass": "cell-link"},
    {"field": "class", "headerName": "Class", "flex": 2, "minWidth": 120},
    {"field": "status", "headerName": "Status", "flex": 1, "minWidth": 100},
    {"field": "incidents", "headerName": "Incidents", "headerTooltip": "Open incidents", **_NUMBER},
    {"field": "priority", "headerName": "Worst priority", "flex": 1, "minWidth": 140},
    {"field": "kind", "headerName": "Kind", "flex": 1, "minWidth": 100},
    {"field": "root", "headerName": "Root", "flex": 1, "minWidth": 70},
)
CHANGES_COLUMN = {"field": "changes", "headerName": "Changes", **_NUMBER}
IMPACT_COLUMN = {"field": "impact", "headerName": "Impact path", "flex": 1, "minWidth": 100}
EDGE_COLUMNS = (
    {"field": "source", "headerName": "Source (depends)", "flex": 3, "minWidth": 160},
    {"field": "type", "headerName": "Relationship", "flex": 2, "minWidth": 110},
    {"field": "target", "headerName": "Target (depended on)", "flex": 3, "minWidth": 160},
    {"field": "merged", "headerName": "Merged", "flex": 1, "minWidth": 100},
    # Hidden twins of the CMDB's texts, made safe for spreadsheets: the CSV export takes these (dashboard/map_table.py).
    {"field": "source_csv", "headerName": "Source (depends)", "hide": True},
    {"field": "target_csv", "headerName": "Target (depended on)", "hide": True},
)
EXPORT_ONLY = (
    {"field": "name_csv", "headerName": "Name", "hide": True},
    {"field": "class_csv", "headerName": "Class", "hide": True},
)
NODE_EXPORT = ("name_csv", "class_csv", "status", "incidents", "priority", "kind", "root")
EDGE_EXPORT = ("source_csv", "type", "target_csv", "merged")


def build_view_toggle() -> html.Button:
    """The switch between the map and the table view: a real button, pressed while the table is shown."""
    return html.Button(
        VIEW_AS_TABLE,
        id=ids.MAP_VIEW_TOGGLE,
        className="button view-toggle",
        n_clicks=0,
        title="Show this view's CIs and relationships as sortable, filterable tables",
        **{"aria-pressed": "false", "aria-controls": ids.MAP_TABLE},
    )


def build_table_view() -> html.Div:
    """The table view's frame (hidden until the URL says view=table); its rows come with each map answer."""
    return html.Div(
        [
            html.Div(
                [
                    html.Label("Filter both tables", htmlFor=ids.MAP_TABLE_FILTER),
                    dcc.Input(
                        id=ids.MAP_TABLE_FILTER,
                        type="search",
                        placeholder="Any text: a name, a class, Down, P1…",
                        debounce=0.3,
                        className="table-filter",
                    ),
                ],
                className="table-tools",
            ),
            html.P(
                "Click a CI's name to put it at the centre of the view (a group's name opens the group); with the "
                "keyboard, move to its row and press Space.",
                className="note",
            ),
            _section(ids.MAP_TABLE_NODES, "CIs in this view", "CIs", ids.MAP_TABLE_NODES_EXPORT, NODE_COLUMNS),
            _section(
                ids.MAP_TABLE_EDGES,
                "Relationships in this view",
                "relationships",
                ids.MAP_TABLE_EDGES_EXPORT,
                EDGE_COLUMNS,
            ),
        ],
        id=ids.MAP_TABLE,
        className="map-table",
        hidden=True,
    )


def node_columns(table: MapTable) -> list[dict]:
    """The CI grid's columns for a view: changes and the impact path only when the view shows them."""
    return [
        *NODE_COLUMNS,
        *([CHANGES_COLUMN] if table.changes else []),
        *([IMPACT_COLUMN] if table.impact else []),
        *EXPORT_ONLY,
    ]


def toggle_label(table_shown: bool) -> str:
    """What the toggle button offers: the other view."""
    return VIEW_AS_MAP if table_shown else VIEW_AS_TABLE


def export_name(root: int | None, what: str) -> str:
    """The CSV file name of a grid's export, e.g. servicemap-ci-5-cis.csv."""
    return f"servicemap-ci-{root}-{what}.csv" if root is not None else f"servicemap-{what}.csv"


def node_export(root: int | None, changes: bool, impact: bool) -> dict:
    """The CI grid's CSV export: its file name, and the columns as shown with the CMDB's texts spreadsheet-safe."""
    keys = [*NODE_EXPORT, *(["changes"] if changes else []), *(["impact"] if impact else [])]
    return {"fileName": export_name(root, "cis"), "columnKeys": keys}


def edge_export(root: int | None) -> dict:
    """The relationship grid's CSV export (see node_export)."""
    return {"fileName": export_name(root, "relationships"), "columnKeys": list(EDGE_EXPORT)}


def _section(grid_id: str, title: str, what: str, export_id: str, columns: tuple[dict, ...]) -> html.Section:
    heading = f"{grid_id}-heading"
    options: dict = {
        "domLayout": "normal",
        "pagination": True,
        "paginationPageSize": 100,
        "paginationPageSizeSelector": False,
        "enableCellTextSelection": True,
        "ensureDomOrder": True,  # screen readers read rows in the order shown
    }
    if grid_id == ids.MAP_TABLE_NODES:
        # Space on a focused row selects it; a click selects nothing (a click on a name is its own event).
        options["rowSelection"] = {"mode": "singleRow", "checkboxes": False, "enableClickSelection": False}
    return html.Section(
        [
            html.Div(
                [
                    html.H3(title, id=heading),
                    html.Button(f"Export {what} as CSV", id=export_id, className="button", n_clicks=0),
                ],
                className="table-heading",
            ),
            dag.AgGrid(
                id=grid_id,
                rowData=[],
                columnDefs=list(columns),
                defaultColDef={"sortable": True, "filter": True, "resizable": True},
                getRowId="params.data.id",
                dashGridOptions=options,
                csvExportParams={"fileName": "servicemap.csv"},
                className="ag-theme-quartz grid table-grid",
                style={"width": "100%", "height": "100%"},
            ),
        ],
        className="table-section",  # a section named by its heading is a region for screen readers
        **{"aria-labelledby": heading, "data-grid-label": title},
    )
