"""The map's saved views: name the view and save it (with its nodes where they are), open or delete a saved one."""

from dash import dcc, html

from dashboard.domain.saved_view import MAX_NAME
from dashboard.saved_views import SavedView
from layouts import ids


def build_saved_views() -> html.Details:
    """A folded section under the map's controls; its list is filled for the signed-in user on page load."""
    return html.Details(
        [
            html.Summary("Saved views"),
            html.Label("Open a saved view", htmlFor=ids.SAVED_LIST, id=f"{ids.SAVED_LIST}-label"),
            dcc.Dropdown(id=ids.SAVED_LIST, options=[], placeholder="None saved yet", clearable=True, searchable=True),
            html.Label("Name this view", htmlFor=ids.SAVED_NAME, id=f"{ids.SAVED_NAME}-label"),
            html.Div(
                [
                    dcc.Input(id=ids.SAVED_NAME, type="text", maxLength=MAX_NAME, className="saved-name"),
                    html.Button("Save", id=ids.SAVED_SAVE, className="button", n_clicks=0),
                ],
                className="saved-row",
            ),
            html.Button("Delete the chosen view", id=ids.SAVED_DELETE, className="button saved-delete", n_clicks=0),
            html.Div(id=ids.SAVED_STATUS, className="note", role="status", **{"aria-live": "polite"}),
            dcc.Store(id=ids.SAVED_CAPTURE),
        ],
        className="filters saved-views",
    )


def saved_options(views: list[SavedView]) -> list[dict]:
    """The dropdown's options: each view's name (text only), newest first."""
    return [{"label": view.name, "value": view.id} for view in views]


def saved_status(view: SavedView, href: str) -> list:
    """What saving did, and the link that opens the view with its positions."""
    return [
        html.Span(f"Saved “{view.name}”, with {len(view.positions):,} node positions. "),
        html.A("Link to this view", href=href, id=f"{ids.SAVED_STATUS}-link"),
    ]
