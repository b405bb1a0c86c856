"""The details panel follows the URL: `sel=` names the CI shown (a click sets it), the panel is cleared when the CI
or edge it shows is no longer on the map, and an opened group can be closed again.

What the map shows comes from its elements (a clientside callback lists their ids), so the panel never needs the
map built a second time. Everything from the browser is untrusted: forged data gives the hint, never a traceback.
"""

from dataclasses import replace

from dash import Dash, Input, Output, State, ctx, no_update

from callbacks.pages import WHATIF_PATH
from callbacks.paths import path_section
from dashboard.availability import is_service, service_availability
from dashboard.cmdb.derived import Derived
from dashboard.details import ci_details
from dashboard.domain.names import shown_name
from dashboard.domain.untrusted import bounded, prefixed_id, text, whole_number
from dashboard.domain.viewstate import ViewState, parse, to_query
from dashboard.domain.vocabulary import class_label
from dashboard.domain.whatif_query import WhatIfQuery
from dashboard.domain.whatif_query import to_query as whatif_query
from dashboard.services import Services
from dashboard.settings import Settings
from layouts import ids
from layouts.asof import build_live_note
from layouts.availability import build_availability
from layouts.details import build_ci_details, build_edge_details, build_group_details, build_hint
from layouts.filters import MAX_VIA_SHOWN, build_via_details
from layouts.paths import build_opened

NODE, EDGE = f"{ids.MAP_GRAPH}.tapNodeData", f"{ids.MAP_GRAPH}.tapEdgeData"
# The CI ids and edge ids the map draws (a node hidden by a filter is not shown), computed in the browser so that the
# elements never travel back to the server.
SHOWN_IDS = """
function (elements) {
    const cis = [], edges = [];
    for (const element of elements || []) {
        const data = element.data || {};
        if (String(element.classes || "").split(" ").includes("filtered")) continue;
        if (data.source !== undefined) edges.push(String(data.id));
        else if (Number.isInteger(data.ci_id)) cis.push(data.ci_id);
    }
    return {cis: cis, edges: edges};
}
"""


def register(app: Dash, services: Services) -> None:
    """Attach the selection, details and opened-groups callbacks."""
    base = app.get_relative_path("/")

    current = services.current

    app.clientside_callback(
        SHOWN_IDS,
        Output(ids.MAP_SHOWN, "data"),
        Input(ids.MAP_GRAPH, "elements"),
    )

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.MAP_GRAPH, "tapNodeData"),
        Input(ids.MAP_GRAPH, "tapEdgeData"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def select(node: object, edge: object, search: object) -> str:
        state = parse(search if isinstance(search, str) else "")
        chosen = selected(state, node if NODE in ctx.triggered_prop_ids else None, EDGE in ctx.triggered_prop_ids)
        query = to_query(chosen)
        return query if chosen != state else no_update

    @app.callback(
        Output(ids.MAP_DETAILS, "children"),
        Output(ids.MAP_PANEL, "data"),
        Output(ids.MAP_PATH_BOX, "children"),
        Output(ids.MAP_PATH_BOX, "hidden"),
        Input(ids.MAP_GRAPH, "tapNodeData"),
        Input(ids.MAP_GRAPH, "tapEdgeData"),
        Input(ids.URL, "search"),
        Input(ids.MAP_SHOWN, "data"),
        State(ids.MAP_PANEL, "data"),
    )
    def details(node: object, edge: object, search: object, shown: object, panel: object) -> tuple:
        derived = current()
        if derived is None:
            return no_update, no_update, no_update, no_update
        triggered = ctx.triggered_prop_ids
        if EDGE in triggered and isinstance(edge, dict):
            return _edge_details(derived, edge), {"edge": text(edge.get("id"), 200)}, no_update, True
        state = parse(search if isinstance(search, str) else "")
        cis, edges = _shown(shown)
        panel = panel if isinstance(panel, dict) else {}
        tapped_group = isinstance(node, dict) and node.get("kind") == "group" and isinstance(node.get("group"), str)
        # The last group tapped, also when the panel's own record of it is not back yet (answers can cross).
        if tapped_group and (NODE in triggered or not panel):
            panel = {"group": node["group"][:100], "label": shown_name(node.get("label", "Group"))}
            if NODE in triggered and panel["group"] not in state.expanded:
                return build_group_details(panel["label"], None), panel, no_update, True  # until the URL opens it
        elif NODE in triggered and isinstance(node, dict):
            # A CI: shown at once, as the URL's sel= will name it (what was tapped is on the map).
            state = selected(state, node, False)
            cis = cis | ({state.sel} if state.sel is not None else set())
        children, kept = follow(derived, state, (cis, edges), panel, base, services.settings)
        if isinstance(kept, dict) and "ci" in kept:
            return children, kept, path_section(derived, state, cis, base), False
        return children, kept, no_update, True if kept is not no_update else no_update

    @app.callback(Output(ids.MAP_OPENED, "children"), Input(ids.URL, "search"))
    def opened(search: object) -> list:
        derived = current()
        state = parse(search if isinstance(search, str) else "")
        if derived is None or not state.expanded:
            return []
        chips = [(group_label(derived, key), base + to_query(closed(state, key))) for key in sorted(state.expanded)]
        return build_opened(chips)


def selected(state: ViewState, node: object, edge: bool) -> ViewState:
    """The view after a tap: a CI becomes sel (a new one drops the path), a group opens, an edge clears sel."""
    if edge:
        return replace(state, sel=None, path=None)
    if not isinstance(node, dict):
        return state
    if node.get("kind") == "group":
        key = node.get("group")
        if not isinstance(key, str) or not key:
            return state
        return replace(state, expanded=state.expanded | {key[:100]}, sel=None, path=None)
    ci_id = whole_number(node.get("ci_id"))
    if ci_id is None:
        return state
    return replace(state, sel=ci_id, path=state.path if ci_id == state.sel else None)


def closed(state: ViewState, key: str) -> ViewState:
    """The same view with one opened group closed again (a selection inside it may no longer be shown)."""
    return replace(state, expanded=state.expanded - {key})


def group_label(derived: Derived, key: str) -> str:
    """'Database group of Payments API' for a group key '<parent CI id>:<class>'."""
    parent, _, class_name = key.partition(":")
    position = derived.snapshot.index.position(whole_number(parent))
    owner = shown_name(derived.snapshot.ci["name"].iat[position]) if position is not None else f"CI {parent}"
    return f"{class_label(class_name)} group of {owner}"


def follow(
    derived: Derived,
    state: ViewState,
    shown: tuple[set[int], set[str]],
    panel: dict,
    base: str,
    settings: Settings | None = None,
) -> tuple:
    """The panel for the current view: the selected CI while it is on the map, an edge while it is drawn, an opened
    group's note while it is open; else the hint."""
    cis, edges = shown
    if state.sel is not None:
        position = derived.snapshot.index.position(state.sel)
        if position is None or state.sel not in cis:
            return build_hint(), {}
        return _ci_panel(derived, state, position, base, settings or Settings()), {"ci": state.sel}
    if "edge" in panel:
        return (no_update, no_update) if panel["edge"] in edges else (build_hint(), {})
    key = panel.get("group")
    if isinstance(key, str) and key in state.expanded:
        label = str(panel.get("label", "Group"))
        return build_group_details(label, base + to_query(closed(state, key))), panel
    return build_hint(), {}


def _ci_panel(derived: Derived, state: ViewState, position: int, base: str, settings: Settings) -> list:
    info = ci_details(derived, position)
    focus = base + to_query(state.with_root(info.ci_id))
    hit = ViewState(
        root=info.ci_id,
        depth=None,
        scope="upstream",
        layout=state.layout,
        impact=True,
        embed=state.embed,
        sel=state.sel,
    )
    culprits = [base + to_query(state.with_root(ci_id)) for ci_id, _ in info.culprits]
    extra = ()
    if is_service(derived, position):
        view = service_availability(
            derived, position, default_target=settings.sla_target, count_p2=settings.sla_count_p2
        )
        extra = tuple(build_availability(view))
    whatif = base + WHATIF_PATH.lstrip("/") + whatif_query(WhatIfQuery(cis=(info.ci_id,)))
    panel = build_ci_details(info, focus, base + to_query(hit), culprits, extra, whatif)
    return [build_live_note(state.as_of), *panel] if state.as_of is not None else panel


def _shown(shown: object) -> tuple[set[int], set[str]]:
    """The CI ids and edge ids the map draws, from the browser's list (untrusted: anything else is nothing)."""
    if not isinstance(shown, dict):
        return set(), set()
    cis, edges = shown.get("cis"), shown.get("edges")
    ci_ids = {i for i in cis if isinstance(i, int) and not isinstance(i, bool)} if isinstance(cis, list) else set()
    edge_ids = {e for e in edges if isinstance(e, str)} if isinstance(edges, list) else set()
    return ci_ids, edge_ids


def _edge_details(derived: Derived, edge: dict) -> list:
    names = derived.snapshot.ci["name"]
    index = derived.snapshot.index

    def end(element_id: object) -> str:
        ci_id = prefixed_id(element_id, "ci-")
        position = index.position(ci_id) if ci_id is not None else None
        if position is not None:
            return shown_name(names.iat[position])
        return shown_name(str(element_id).removeprefix("group-"))

    if str(edge.get("id", "")).startswith("via-"):  # contracted by the filters (layouts/filters.py)
        through = edge.get("through")
        shown = [end(item) for item in (through if isinstance(through, list) else [])[:MAX_VIA_SHOWN]]
        hops = bounded(edge.get("hops"), default=len(shown), low=len(shown), high=10**6)
        return build_via_details(end(edge.get("source")), end(edge.get("target")), hops, shown)
    merged = str(edge.get("id", "")).startswith("merged")
    ends = (prefixed_id(edge.get("source"), "ci-"), prefixed_id(edge.get("target"), "ci-"))
    traffic = None if merged else derived.traffic.get(ends)
    return build_edge_details(
        str(edge.get("type", "")), end(edge.get("source")), end(edge.get("target")), merged, traffic
    )
