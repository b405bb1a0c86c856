"""Map exports: the button sends cytoscape an image request (PNG, SVG) or the server's file of the view (GraphML, DOT,
JSON), built from the same view model as the map; the format and the URL are untrusted like every input."""

from dash import Dash, Input, Output, State, dcc, no_update

from dashboard.domain.placement import server_places
from dashboard.domain.viewstate import parse
from dashboard.map_export import FORMATS, export_file, file_stem
from dashboard.maps import build_map
from dashboard.services import Services
from layouts import ids
from layouts.map_export import IMAGE_FORMATS, image_request


def register(app: Dash, services: Services) -> None:
    """Attach the export callbacks."""

    @app.callback(
        Output(ids.MAP_GRAPH, "generateImage"),
        Input(ids.MAP_EXPORT_GO, "n_clicks"),
        State(ids.MAP_EXPORT_FORMAT, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def image(_clicks: object, fmt: object, search: object) -> dict:
        if fmt not in IMAGE_FORMATS:
            return no_update
        state = parse(search if isinstance(search, str) else "")
        return image_request(str(fmt), file_stem(state))

    @app.callback(
        Output(ids.MAP_EXPORT_FILE, "data"),
        Input(ids.MAP_EXPORT_GO, "n_clicks"),
        State(ids.MAP_EXPORT_FORMAT, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def text_file(_clicks: object, fmt: object, search: object) -> dict:
        derived = services.current()
        state = parse(search if isinstance(search, str) else "")
        if fmt not in FORMATS or derived is None or state.root is None:
            return no_update
        position = derived.snapshot.index.position(state.root)
        if position is None:
            return no_update
        model = build_map(derived, state, position, budget=services.settings.map_budget)
        exported = export_file(model, str(fmt), server_places(state.layout, len(model.nodes)))
        if exported is None:
            return no_update
        return dcc.send_string(exported.text, exported.filename, type=exported.media_type)
