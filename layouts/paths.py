"""The details panel's "How does this depend on …?" section, and the list of opened groups above the map.

Names are passed as text (React escapes them); links are dcc.Link to views built by the callbacks.
"""

from collections.abc import Callable

from dash import dcc, html

from dashboard.domain.viewstate import ViewState
from dashboard.paths import PathView
from layouts import ids


def build_path_section(
    name: str, picked: str | None, options: list[dict], view: PathView | None, href: Callable[[ViewState], str]
) -> list:
    """A searchable picker for a second CI, then the dependency paths to it (or why there are none)."""
    return [
        html.Label(f"How does {name} depend on…", htmlFor=ids.MAP_PATH_TO, id=f"{ids.MAP_PATH_TO}-label"),
        dcc.Dropdown(
            id=ids.MAP_PATH_TO,
            options=options,
            value=picked,
            placeholder="Pick or type another CI (name or #id)",
            clearable=True,
            searchable=True,
            optionHeight=36,
            maxHeight=360,
        ),
        *(_paths(view, href) if view is not None else []),
    ]


def _paths(view: PathView, href: Callable[[ViewState], str]) -> list:
    if not view.paths:
        return [html.P(f"No dependency path between {view.source} and {view.target}.", className="note no-path")]
    hops = len(view.paths[0]) - 1
    count = f"{len(view.paths)}{'+' if view.more else ''}"
    way = f"{view.target} depends on {view.source}" if view.upstream else f"{view.source} depends on {view.target}"
    plural = "s" if len(view.paths) != 1 or view.more else ""
    length = f"{hops} hop{'s' if hops != 1 else ''}"
    # Each line reads in the dependency direction: a → b means a depends on b.
    items = [html.Li(_line(steps[::-1] if view.upstream else steps, href)) for steps in view.paths]
    parts: list = [
        html.P(f"{way}: {count} shortest path{plural}, {length}, in blue on the map.", className="path-sum"),
        html.Ol(items, className="path-list"),
    ]
    if view.more:
        parts.append(html.P("More paths of the same length exist; the first ones are listed.", className="note"))
    if view.whole is not None:
        missing = f"{view.missing} CI{'s' if view.missing != 1 else ''} of the path{plural} not on this map."
        parts.append(
            html.P(
                [f"{missing} ", dcc.Link("Show the paths on their own map", href=href(view.whole))], className="note"
            )
        )
    return parts


def _line(steps: tuple, href: Callable[[ViewState], str]) -> list:
    line: list = []
    for number, step in enumerate(steps):
        if number:
            line.append(html.Span(" → ", className="sep"))
        line.append(dcc.Link(step.name, href=href(step.focus)))
    return line


def build_opened(groups: list[tuple[str, str]]) -> list:
    """Opened groups as "Opened: label ×" chips, × a link to the same view with that group closed."""
    if not groups:
        return []
    chips = [
        html.Span(
            [label, " ", dcc.Link("×", href=href, className="close", title=f"Close {label}")],
            className="chip",
        )
        for label, href in groups
    ]
    return [html.Span("Opened: ", className="note"), *chips]
