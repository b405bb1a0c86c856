"""Map wiring: the URL is the view. Controls write the URL, the URL draws the map; clicks open details.

Every callback reads the current snapshot only (never the database) and treats what the browser sends as untrusted:
an unknown CI id, a wrong type or an absurd depth gives a plain message or nothing, never an exception.
"""

from urllib.parse import urlencode

from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from callbacks.pages import on_map_page
from callbacks.roots import default_root, opening_scope, root_options
from dashboard.cmdb.derived import Derived
from dashboard.details import ci_details
from dashboard.domain.names import shown_name
from dashboard.domain.notices import cmdb_notices, filter_empty, incidents_without_ci, unknown_root
from dashboard.domain.untrusted import prefixed_id, whole_number
from dashboard.domain.viewstate import ViewState, parse, to_query
from dashboard.domain.vocabulary import class_label
from dashboard.maps import MapModel, build_map
from dashboard.recent_maps import recent_maps
from dashboard.services import Services
from layouts import ids
from layouts.details import build_ci_details, build_edge_details, build_group_details
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

    def current() -> Derived | None:
        snapshot = services.store.snapshot
        return services.views.of(snapshot) if snapshot is not None else None

    @app.callback(
        Output(ids.URL, "search"),
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
        if wanted.root != state.root:
            state = ViewState(**{**_fields(wanted), "impact": False, "expanded": frozenset(), "embed": state.embed})
        else:
            kept = {"impact": state.impact, "expanded": state.expanded, "embed": state.embed}
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
        Input(ids.URL, "search"),
        Input(ids.SNAPSHOT_VERSION, "data"),
        State(ids.MAP_TRAIL_STORE, "data"),
    )
    def draw(search: object, _version: object, trail: object) -> tuple:
        state = parse(search if isinstance(search, str) else "")
        derived = current()
        if derived is None:
            return no_update
        general = _cmdb_notices(derived)
        if not derived.snapshot.index.node_count:
            return [], no_update, [html.H2("Nothing to show")], build_notices(general), [], True, [], no_update
        if state.root is None:
            return no_update
        position = derived.snapshot.index.position(state.root)
        if position is None:
            notice = build_notices([unknown_root(state.root)])
            return [], no_update, [html.H2("Nothing to show")], notice, [], True, no_update, no_update
        model, elements = recent_maps(derived).get(state, lambda: _drawn(derived, state, position))
        filtered = (filter_empty(model.total_cis),) if _filter_left_nothing(model) else ()
        class_name = model.root_class
        label = class_label(class_name)
        trail = _extend(trail, state.root, model.root_name, base + to_query(state))
        return (
            elements,
            layout_for(model, to_query(state)),
            build_heading(model, label),
            build_notice(model) + build_notices((*filtered, *general)),
            build_impact(model),
            not model.impacted,
            build_trail([(name, href) for _, name, href in trail]),
            trail,
        )

    def _drawn(derived: Derived, state: ViewState, position: int) -> tuple[MapModel, list[dict]]:
        model = build_map(derived, state, position, budget=services.settings.map_budget)
        return model, build_elements(model)

    @app.callback(
        Output(ids.MAP_DETAILS, "children"),
        Input(ids.MAP_GRAPH, "tapNodeData"),
        Input(ids.MAP_GRAPH, "tapEdgeData"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def details(node: object, edge: object, search: object) -> list:
        derived = current()
        if derived is None:
            return no_update
        state = parse(search if isinstance(search, str) else "")
        if ctx.triggered_id == ids.MAP_GRAPH and "tapEdgeData" in str(ctx.triggered_prop_ids):
            return _edge_details(derived, edge)
        if not isinstance(node, dict):
            return no_update
        if node.get("kind") == "group":
            return build_group_details(shown_name(node.get("label", "Group")))
        ci_id = whole_number(node.get("ci_id"))
        position = derived.snapshot.index.position(ci_id) if ci_id is not None else None
        if position is None:
            return [dcc.Markdown("This CI is not in the current snapshot any more.")]
        info = ci_details(derived, position)
        focus = base + to_query(state.with_root(info.ci_id))
        hit = ViewState(
            root=info.ci_id, depth=None, scope="upstream", layout=state.layout, impact=True, embed=state.embed
        )
        culprits = [base + to_query(state.with_root(ci_id)) for ci_id, _ in info.culprits]
        return build_ci_details(info, focus, base + to_query(hit), culprits)

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.MAP_GRAPH, "tapNodeData"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def open_group(node: object, search: object) -> str:
        if not isinstance(node, dict) or node.get("kind") != "group" or not isinstance(node.get("group"), str):
            return no_update
        state = parse(search if isinstance(search, str) else "")
        opened = ViewState(**{**_fields(state), "expanded": state.expanded | {node["group"][:100]}})
        return to_query(opened)

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
    """True when 'only CIs with open incidents' hides every node but the root."""
    return model.state.incidents_only and not any(node.open_incidents for node in model.nodes)


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


def _edge_details(derived: Derived, edge: object) -> list:
    if not isinstance(edge, dict):
        return no_update
    names = derived.snapshot.ci["name"]
    index = derived.snapshot.index

    def end(element_id: object) -> str:
        ci_id = _ci_id(element_id)
        position = index.position(ci_id) if ci_id is not None else None
        if position is not None:
            return shown_name(names.iat[position])
        return shown_name(str(element_id).removeprefix("group-"))

    merged = str(edge.get("id", "")).startswith("merged")
    traffic = None if merged else derived.traffic.get((_ci_id(edge.get("source")), _ci_id(edge.get("target"))))
    return build_edge_details(
        str(edge.get("type", "")), end(edge.get("source")), end(edge.get("target")), merged, traffic
    )


def _ci_id(element_id: object) -> int | None:
    """The CI id of a node element id "ci-<id>", else None."""
    return prefixed_id(element_id, "ci-")
