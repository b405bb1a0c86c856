"""Filter wiring: the Filters section and the URL follow each other; the details panel can be hidden.

The URL is the view, as in callbacks/map.py: the dropdowns write the filters into the URL (validated by parse(),
like any pasted link), and a URL sets the dropdowns. Options come from the current snapshot, with the chosen values.
"""

from urllib.parse import urlencode

from dash import Dash, Input, Output, State, ctx, no_update

from callbacks.pages import on_map_page
from dashboard.domain.viewstate import FILTER_PARAMETERS, ViewState, parse, to_query
from dashboard.map_filters import FILTERS, attribute_values, filter_options
from dashboard.services import Services
from layouts import ids
from layouts.filters import BOX, FILTER_IDS, filters_summary


def register(app: Dash, services: Services) -> None:
    """Attach the filter callbacks."""

    current = services.current

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        *(Output(FILTER_IDS[f.field], "value") for f in FILTERS),
        *(Output(FILTER_IDS[f.field], "options") for f in FILTERS),
        *(Output(FILTER_IDS[f.field] + BOX, "hidden") for f in FILTERS),
        Output(ids.MAP_FILTERS_SUMMARY, "children"),
        Output(ids.MAP_FILTERS, "open"),
        Input(ids.URL, "search"),
        Input(ids.SNAPSHOT_VERSION, "data"),
        *(Input(FILTER_IDS[f.field], "value") for f in FILTERS),
        State(ids.URL, "pathname"),
        prevent_initial_call="initial_duplicate",
    )
    def sync_filters(search: object, _version: object, *values_and_path: object) -> tuple:
        *chosen, pathname = values_and_path
        count = len(FILTERS)
        state = parse(search if isinstance(search, str) else "")
        derived = current()
        if not on_map_page(app, pathname) or derived is None:
            return (no_update,) * (3 + 3 * count)
        if ctx.triggered_id in FILTER_IDS.values():
            wanted = _with_filters(state, chosen)
            query = to_query(wanted)
            return (query if query != (search or "") else no_update, *(no_update,) * (3 * count + 2))
        values = [sorted(getattr(state, f.field)) for f in FILTERS]
        options = [filter_options(derived, getattr(state, f.field), f) for f in FILTERS]
        hidden = [attribute_values(derived, f.column) is None for f in FILTERS]
        set_count = sum(1 for v in values if v) + state.incidents_only
        # A link with filters opens the section, so that what filters the map is in sight; closing it stays closed.
        opened = True if set_count else no_update
        return (no_update, *values, *options, *hidden, filters_summary(set_count), opened)

    @app.callback(
        Output(ids.MAP_PAGE_GRID, "className"),
        Output(ids.MAP_DETAILS_TOGGLE, "aria-expanded"),
        Output(ids.MAP_DETAILS_TOGGLE, "children"),
        Input(ids.URL, "search"),
        Input(ids.MAP_DETAILS_TOGGLE, "n_clicks"),
        State(ids.MAP_DETAILS_TOGGLE, "aria-expanded"),
    )
    def details_panel(search: object, _clicks: object, expanded: object) -> tuple:
        # details=0 in the URL hides the panel; the button shows and hides it without a new view, and a panel hidden
        # by the button stays hidden when the view changes.
        state = parse(search if isinstance(search, str) else "")
        if ctx.triggered_id == ids.MAP_DETAILS_TOGGLE:
            shown = expanded != "true"
        else:
            shown = state.details and expanded != "false"
        grid = "map-page" if shown else "map-page no-details"
        return grid, "true" if shown else "false", "Hide details" if shown else "Show details"


def _with_filters(state: ViewState, chosen: list[object]) -> ViewState:
    """The view with the dropdowns' filters, read back through parse() so that they are validated like a URL."""
    parameter_of = {name: parameter for parameter, name in FILTER_PARAMETERS.items()}
    pairs = [
        (parameter_of[f.field], value)
        for f, value_list in zip(FILTERS, chosen, strict=True)
        if isinstance(value_list, list)
        for value in value_list
        if isinstance(value, str)
    ]
    parsed = parse("?" + urlencode(pairs))
    return ViewState(**{**_fields(state), **{name: getattr(parsed, name) for name in FILTER_PARAMETERS.values()}})


def _fields(state: ViewState) -> dict:
    return {name: getattr(state, name) for name in ViewState.__slots__}
