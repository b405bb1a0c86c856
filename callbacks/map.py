"""Map wiring: the URL is the view. Controls write the URL, the URL draws the map; clicks open details.

Every callback reads the current snapshot only (never the database) and treats what the browser sends as untrusted:
an unknown CI id, a wrong type or an absurd depth gives a plain message or nothing, never an exception.
"""

from urllib.parse import urlencode

import numpy as np
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from callbacks.map_table import EMPTY_TABLE, table_answer
from callbacks.pages import on_map_page
from callbacks.paths import NOTHING_DRAWN, drawn_key, mark_selection
from callbacks.roots import default_root, opening_scope, root_options
from callbacks.saved_views import saved_positions
from dashboard.asof import DiffView, as_of_notices, diff_view
from dashboard.cmdb.derived import Derived
from dashboard.domain.notices import cmdb_notices, filter_empty, incidents_without_ci, unknown_root
from dashboard.domain.saved_view import pinned
from dashboard.domain.viewstate import ViewState, bad_as_of, parse, to_query
from dashboard.domain.vocabulary import class_label
from dashboard.map_filters import filter_fields
from dashboard.maps import MapModel, build_map
from dashboard.recent_maps import recent_maps
from dashboard.services import Services
from layouts import ids
from layouts.asof import build_diff, diff_data
from layouts.impact import build_impact, impact_csv
from layouts.map import (
    ONLY_INCIDENTS,
    build_elements,
    build_heading,
    build_notice,
    build_trail,
    control_values,
    layout_for,
)
from layouts.notices import build_notices

MAX_TRAIL = 8


def register(app: Dash, services: Services) -> None:
    """Attach the map callbacks."""
    base = app.get_relative_path("/")

    current = services.current

    # The URL output is a duplicate (with an initial call): Dash then does not hold `draw`, which reads the URL, until
    # this answer is back, so a URL that names the view draws its map in the first round trip.
    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Output(ids.MAP_ROOT, "value"),
        Output(ids.MAP_ROOT, "options"),
        Output(ids.MAP_SCOPE, "value"),
        Output(ids.MAP_DEPTH, "value"),
        Output(ids.MAP_LAYOUT, "value"),
        Output(ids.MAP_ONLY, "value"),
        Output(ids.MAP_CHANGES, "value"),
        Input(ids.URL, "search"),
        Input(ids.MAP_ROOT, "value"),
        Input(ids.MAP_SCOPE, "value"),
        Input(ids.MAP_DEPTH, "value"),
        Input(ids.MAP_LAYOUT, "value"),
        Input(ids.MAP_ONLY, "value"),
        Input(ids.MAP_CHANGES, "value"),
        State(ids.URL, "pathname"),
        prevent_initial_call="initial_duplicate",
    )
    def sync(
        search: object,
        root: object,
        scope: object,
        depth: object,
        layout: object,
        only: object,
        changes: object,
        pathname: object,
    ) -> tuple:
        # One callback owns both the URL and the controls, so they cannot chase each other in a loop.
        if not on_map_page(app, pathname):
            return (no_update,) * 8
        state = parse(search if isinstance(search, str) else "")
        if ctx.triggered_id in (None, ids.URL):
            derived = current()
            if state.root is None and derived is not None:
                fallback = default_root(derived)
                scope = state.scope if "dir=" in str(search) else opening_scope(derived)
                state = state if fallback is None else ViewState(**{**_fields(state), "root": fallback, "scope": scope})
            query = to_query(state)
            root_value = str(state.root) if state.root is not None else None
            # The picker gets its options with its value: a value missing from the options would be cleared.
            choices = root_options(derived, "", root_value) if derived is not None else []
            return (query if query != (search or "") else no_update, root_value, choices, *control_values(state))
        wanted = parse(_query_from_controls(root, scope, depth, layout, only, changes))
        if wanted.root is None:
            wanted = ViewState(**{**_fields(wanted), "root": state.root})
        # The selection stays: the details panel keeps it while it is on the new map.
        selection = {
            "embed": state.embed,
            "sel": state.sel,
            "path": state.path,
            "as_of": state.as_of,
            "diff": state.diff,
        }
        if wanted.root != state.root:
            carried = {"details": state.details, "view": state.view, **filter_fields(state), **selection}
            state = ViewState(**{**_fields(wanted), "impact": False, "expanded": frozenset(), **carried})
        else:
            kept = {"impact": state.impact, "expanded": state.expanded, "details": state.details}
            kept |= {"view": state.view, **filter_fields(state), **selection}
            state = ViewState(**{**_fields(wanted), **kept})
        return (to_query(state), *(no_update,) * 7)

    @app.callback(
        Output(ids.MAP_GRAPH, "elements"),
        Output(ids.MAP_GRAPH, "layout"),
        Output(ids.MAP_HEADING, "children"),
        Output(ids.MAP_NOTICE, "children"),
        Output(ids.MAP_IMPACT, "children"),
        Output(ids.MAP_EXPORT, "hidden"),
        Output(ids.MAP_TRAIL, "children"),
        Output(ids.MAP_TRAIL_STORE, "data"),
        Output(ids.MAP_TABLE_NODES, "rowData"),
        Output(ids.MAP_TABLE_NODES, "columnDefs"),
        Output(ids.MAP_TABLE_EDGES, "rowData"),
        Input(ids.URL, "search"),
        Input(ids.SNAPSHOT_VERSION, "data"),
        State(ids.MAP_TRAIL_STORE, "data"),
        State(ids.MAP_GRAPH, "layout"),
    )
    def draw(search: object, _version: object, trail: object, drawn: object) -> tuple:
        state = parse(search if isinstance(search, str) else "")
        derived = current()
        if derived is None:
            return no_update
        if ctx.triggered_id == ids.URL and isinstance(drawn, dict) and drawn.get("view") == drawn_key(state):
            return no_update  # only the selection changed: the panel follows it, the map stays as it is
        general = _cmdb_notices(derived)
        if not derived.snapshot.index.node_count:
            return (
                [],
                no_update,
                [html.H2("Nothing to show")],
                build_notices(general),
                [],
                True,
                [],
                no_update,
                *EMPTY_TABLE,
            )
        if state.root is None:
            return no_update
        position = derived.snapshot.index.position(state.root)
        if position is None:
            notice = build_notices([unknown_root(state.root)])
            return [], NOTHING_DRAWN, [html.H2("Nothing to show")], notice, [], True, no_update, no_update, *EMPTY_TABLE
        model, elements = recent_maps(derived).get(state, lambda: _drawn(derived, state, position))
        pins = saved_positions(services.saved_views, state)
        filtered = (
            (filter_empty(model.total_cis, only_incidents=not any(filter_fields(state).values())),)
            if _filter_left_nothing(model)
            else ()
        )
        class_name = model.root_class
        label = class_label(class_name)
        trail = _extend(trail, state.root, model.root_name, base + to_query(state))
        # The table view leaves the hidden map as it is: a layout fitted in a hidden container draws nothing.
        as_table = state.view == "table"
        return (
            no_update if as_table else pinned(elements, pins),
            no_update if as_table else layout_for(model, drawn_key(state), pinned=bool(pins)),
            build_heading(model, label),
            build_notices(as_of_notices(derived, state, bad_as_of(search), bad_as_of(search, "diff")))
            + (build_diff(changed) if (changed := _diff(derived, model)) is not None else [])
            + build_notice(model)
            + build_notices((*filtered, *general)),
            build_impact(model),
            not model.impacted,
            build_trail([(name, href) for _, name, href in trail]),
            trail,
            *table_answer(derived, model),
        )

    def _drawn(derived: Derived, state: ViewState, position: int) -> tuple[MapModel, list[dict]]:
        model = build_map(derived, state, position, budget=services.settings.map_budget)
        # Kept per view (sel and path included), so the selection is marked once, on the kept elements.
        elements = mark_selection(derived, state, build_elements(model))
        changed = _diff(derived, model)
        return model, mark_diff(elements, diff_data(changed)) if changed is not None else elements

    @app.callback(
        Output(ids.MAP_DOWNLOAD, "data"),
        Input(ids.MAP_EXPORT, "n_clicks"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def export(_clicks: object, search: object) -> dict:
        derived = current()
        state = parse(search if isinstance(search, str) else "")
        position = derived.snapshot.index.position(state.root) if derived and state.root is not None else None
        if position is None or not state.impact:
            return no_update
        model = build_map(derived, state, position, budget=services.settings.map_budget)
        return dcc.send_string(impact_csv(model.impacted), f"impact-of-ci-{state.root}.csv", type="text/csv")

    @app.callback(
        Output(ids.MAP_ROOT, "options", allow_duplicate=True),
        Input(ids.MAP_ROOT, "search_value"),
        State(ids.MAP_ROOT, "value"),
        prevent_initial_call=True,
    )
    def options(typed: object, value: object) -> list[dict]:
        derived = current()
        if derived is None:
            return []
        return root_options(derived, typed if isinstance(typed, str) else "", value)


def _diff(derived: Derived, model: MapModel) -> DiffView | None:
    """What changed on the map's CIs since `diff=` (None without it)."""
    cis = np.array([node.ci_id for node in model.nodes if node.ci_id is not None], dtype=np.int64)
    return diff_view(derived, model.state, derived.snapshot.index.locate(cis))


def mark_diff(elements: list[dict], changed: dict[str, str]) -> list[dict]:
    """The elements with the CIs whose status changed in class `diff`, and what it was in their data."""
    for element in elements:
        was = changed.get(element["data"]["id"])
        if was is not None:
            element["classes"] += " diff"
            element["data"]["was"] = was
    return elements


def _cmdb_notices(derived: Derived) -> tuple:
    snapshot = derived.snapshot
    index = snapshot.index
    rows = len(snapshot.tables["relationship"])
    general = cmdb_notices(index.node_count, index.edge_count, rows, snapshot.old_health)
    found = derived.open_incidents
    if not found.mostly_without_ci:
        return general
    return (*general, incidents_without_ci(len(snapshot.tables["incident"]), len(found.rows), found.without_ci))


def _filter_left_nothing(model: MapModel) -> bool:
    """True when the filters hide every node but the root."""
    return model.filters is not None and len(model.nodes) <= 1


def _fields(state: ViewState) -> dict:
    return {name: getattr(state, name) for name in ViewState.__slots__}


def _query_from_controls(
    root: object, scope: object, depth: object, layout: object, only: object, changes: object
) -> str:
    """The controls' values as a query string, so that parse() validates them like any URL."""
    parts = {
        "root": root,
        "dir": scope,
        "depth": depth,
        "layout": layout,
        "only": ONLY_INCIDENTS if isinstance(only, list) and ONLY_INCIDENTS in only else "",
        "changes": changes,
    }
    # Encoded, so that a value cannot carry parameters of its own ("5&impact=1" is a root, an invalid one).
    return urlencode({k: str(v) for k, v in parts.items() if isinstance(v, str | int) and not isinstance(v, bool)})


def _extend(trail: object, root: int, name: str, href: str) -> list:
    """The breadcrumb trail with this map last (a root visited before moves to the end)."""
    visited = [t for t in trail if isinstance(t, list) and len(t) == 3] if isinstance(trail, list) else []
    visited = [t for t in visited if t[0] != root]
    return [*visited, [root, name, href]][-MAX_TRAIL:]
