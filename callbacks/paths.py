"""Paths on the map: "How does X depend on Y?" (`path=` in the URL, with `sel=` as X), the classes that highlight
the paths, and the map's key that leaves the selection out (a click must not re-draw or re-fit the map)."""

from dataclasses import replace

from dash import Dash, Input, Output, State, no_update

from callbacks.roots import root_options
from dashboard.cmdb.derived import Derived
from dashboard.domain.names import shown_name
from dashboard.domain.untrusted import whole_number
from dashboard.domain.viewstate import ViewState, parse, to_query
from dashboard.paths import find_paths, path_elements, path_view
from dashboard.services import Services
from layouts import ids
from layouts.paths import build_path_section


def register(app: Dash, services: Services) -> None:
    """Attach the path picker's callbacks (the picker itself is part of a CI's details)."""

    current = services.current

    @app.callback(
        Output(ids.MAP_PATH_TO, "options"),
        Input(ids.MAP_PATH_TO, "search_value"),
        State(ids.MAP_PATH_TO, "value"),
        prevent_initial_call=True,
    )
    def options(typed: object, value: object) -> list[dict]:
        derived = current()
        if derived is None:
            return no_update
        return root_options(derived, typed if isinstance(typed, str) else "", value)

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.MAP_PATH_TO, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def pick(value: object, search: object) -> str:
        state = parse(search if isinstance(search, str) else "")
        target = whole_number(value) if isinstance(value, str) else None
        chosen = replace(state, path=target if state.sel is not None else None)
        return to_query(chosen) if chosen != state else no_update


def path_section(derived: Derived, state: ViewState, shown: set[int], base: str) -> list:
    """The details panel's path finder for the selected CI (on the map), with the paths the URL asks for."""
    index = derived.snapshot.index
    position = index.position(state.sel)
    name = shown_name(derived.snapshot.ci["name"].iat[position]) if position is not None else "it"
    picked = str(state.path) if state.path is not None else None
    found = find_paths(derived, state)
    view = path_view(derived, state, found, shown) if found is not None else None
    options = root_options(derived, "", picked)
    return build_path_section(name, picked, options, view, lambda target: base + to_query(target))


# The layout of an empty map: its view key matches no view, so that the next view is drawn even if it was the one
# before (back from a link to a CI that does not exist).
NOTHING_DRAWN = {"name": "preset", "fit": True, "padding": 30, "view": ""}


def drawn_key(state: ViewState) -> str:
    """What decides the drawing: the view without the selection (a path depends on it, so then it counts)."""
    return to_query(state if state.path is not None else replace(state, sel=None))


def mark_selection(derived: Derived, state: ViewState, elements: list[dict]) -> list[dict]:
    """The elements with the selected CI selected and the paths' CIs and relationships in class `path`."""
    found = find_paths(derived, state)
    nodes, edges = path_elements(derived, found) if found is not None else (set(), set())
    chosen = f"ci-{state.sel}" if state.sel is not None else None
    if chosen is None and not nodes:
        return elements
    for element in elements:
        element_id = element["data"]["id"]
        if element_id in nodes or element_id in edges:
            element["classes"] += " path"
        if element_id == chosen:
            element["selected"] = True
    return elements
