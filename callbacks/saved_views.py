"""Saved views wiring: Save reads the nodes' positions off the map in the browser, the server stores them with the
view's URL for the signed-in user; picking a saved view opens its URL (`saved=ID` draws its nodes where they were);
Delete removes the user's own. The state database is servicemap's own; a failure there is said, never a traceback."""

import logging
from dataclasses import replace

import flask
import sqlalchemy as sa
from dash import Dash, Input, Output, State, ctx, no_update

from callbacks.pages import on_map_page
from callbacks.paths import drawn_key
from dashboard.domain.saved_view import clean_name, clean_positions
from dashboard.domain.untrusted import whole_number
from dashboard.domain.viewstate import ViewState, parse, to_query
from dashboard.logs import log_event, new_error_id
from dashboard.saved_views import SavedViews
from dashboard.services import Services
from layouts import ids
from layouts.saved_views import saved_options, saved_status

# The positions of the map's nodes as cytoscape has them now (after any drag), read when Save is pressed.
CAPTURE = """function (clicks) {
    if (!clicks) { return window.dash_clientside.no_update; }
    var el = document.getElementById("MAP");
    var cy = el && el._cyreg && el._cyreg.cy;
    var positions = {};
    if (cy) {
        cy.nodes().forEach(function (node) {
            var p = node.position();
            positions[node.id()] = [p.x, p.y];
        });
    }
    return {clicks: clicks, positions: positions};
}""".replace("MAP", ids.MAP_GRAPH)
UNAVAILABLE = "Saved views are not available just now (error {}; the server log has the details)."


def register(app: Dash, services: Services) -> None:
    """Attach the saved views' callbacks."""
    store = services.saved_views
    base = app.get_relative_path("/")
    app.clientside_callback(
        CAPTURE, Output(ids.SAVED_CAPTURE, "data"), Input(ids.SAVED_SAVE, "n_clicks"), prevent_initial_call=True
    )

    @app.callback(Output(ids.SAVED_LIST, "options"), Input(ids.URL, "pathname"))
    def listed(pathname: object) -> list[dict]:
        if not on_map_page(app, pathname):
            return no_update
        return _guarded(lambda: saved_options(store.listed(owner())), [])

    @app.callback(
        Output(ids.SAVED_STATUS, "children"),
        Output(ids.SAVED_LIST, "options", allow_duplicate=True),
        Output(ids.SAVED_LIST, "value"),
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.SAVED_CAPTURE, "data"),
        State(ids.SAVED_NAME, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def save(captured: object, name: object, search: object) -> tuple:
        clean = clean_name(name)
        state = parse(search if isinstance(search, str) else "")
        if clean is None:
            return "Give the view a name (up to 80 characters) first.", no_update, no_update, no_update
        if state.root is None:
            return "Open a map first: there is no view to save.", no_update, no_update, no_update
        positions = clean_positions(captured.get("positions") if isinstance(captured, dict) else None)
        query = to_query(replace(state, saved=None, sel=None, path=None))

        def saved() -> tuple:
            view = store.save(owner(), clean, query, positions)
            shared = to_query(replace(state, saved=view.id))
            return saved_status(view, base + shared), saved_options(store.listed(owner())), view.id, shared

        return _guarded(saved, lambda error: (UNAVAILABLE.format(error), no_update, no_update, no_update))

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.SAVED_LIST, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def open_saved(chosen: object, search: object) -> str:
        view_id = chosen_id(chosen)
        if view_id is None or ctx.triggered_id != ids.SAVED_LIST:
            return no_update
        view = _guarded(lambda: store.get(view_id), None)
        if view is None:
            return no_update
        wanted = to_query(replace(parse(view.query), saved=view.id))
        return wanted if wanted != search else no_update

    @app.callback(
        Output(ids.SAVED_STATUS, "children", allow_duplicate=True),
        Output(ids.SAVED_LIST, "options", allow_duplicate=True),
        Output(ids.SAVED_LIST, "value", allow_duplicate=True),
        Input(ids.SAVED_DELETE, "n_clicks"),
        State(ids.SAVED_LIST, "value"),
        prevent_initial_call=True,
    )
    def delete(_clicks: object, chosen: object) -> tuple:
        view_id = chosen_id(chosen)
        if view_id is None:
            return "Choose one of your saved views to delete.", no_update, no_update

        def deleted() -> tuple:
            gone = store.delete(owner(), view_id)
            said = "Deleted." if gone else "That view is not one of yours: nothing was deleted."
            return said, saved_options(store.listed(owner())), None

        return _guarded(deleted, lambda error: (UNAVAILABLE.format(error), no_update, no_update))


def chosen_id(chosen: object) -> int | None:
    """The saved view's id the dropdown holds (untrusted: a number, or digits), None for anything else."""
    return whole_number(str(chosen)) if isinstance(chosen, int | str) and not isinstance(chosen, bool) else None


def owner() -> str:
    """Whose views these are: the signed-in user, "" for everyone when nobody signs in."""
    user = flask.g.get("servicemap_user")
    return user if isinstance(user, str) else ""


def saved_positions(store: SavedViews, state: ViewState) -> dict[str, tuple[float, float]]:
    """The saved node positions for a view with `saved=`, when the saved view is this view (else none: the view was
    changed since, and its nodes are placed as usual)."""
    if state.saved is None:
        return {}
    view = _guarded(lambda: store.get(state.saved), None)
    if view is None or drawn_key(replace(parse(view.query), sel=None)) != drawn_key(replace(state, saved=None)):
        return {}
    return view.positions


def _guarded(work, failed):  # noqa: ANN001, ANN202 - a thunk and its fallback (a value, or a function of the error id)
    """work(), or the fallback when the state database fails (logged with an id the user is shown)."""
    try:
        return work()
    except sa.exc.SQLAlchemyError as error:
        error_id = new_error_id()
        log_event("state_database_failed", level=logging.ERROR, error_id=error_id, cause=type(error).__name__)
        return failed(error_id) if callable(failed) else failed
