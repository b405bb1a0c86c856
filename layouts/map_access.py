"""The map for keyboard and screen-reader users: the instructions, the zoom buttons, the live region that names the
keyboard node, the tooltip element, and each node's spoken summary.

assets/map_keys.js does the work in the browser; it finds these elements by id and writes only `textContent`.
"""

from dash import html

from layouts import ids

KEYS_HELP = (
    "Dependency map. Arrow keys move between connected nodes: up and down between the rows, left and right within a "
    "row. Home goes to the root. Enter shows the node's details, F focuses the map on it, I shows its impact. "
    "Plus and minus zoom, 0 fits the map to the screen, Escape leaves the map."
)
# The cytoscape class of the keyboard node: a thick ring outside the node, apart from the selection's blue overlay
# and from the status colours (black and white read on every status colour and on the white canvas).
KEYBOARD_FOCUS_RULES: list[dict] = [
    {
        "selector": "node.kbd-focus",
        "style": {
            "outline-width": 4,
            "outline-color": "#000000",
            "outline-offset": 4,
            "outline-style": "solid",
            "underlay-color": "#ffffff",
            "underlay-opacity": 1,
            "underlay-padding": 4,
            "underlay-shape": "ellipse",
            "z-index": 999,
        },
    },
]
_ZOOM_BUTTONS = (
    (ids.MAP_ZOOM_IN, "+", "Zoom in (key +)"),
    (ids.MAP_ZOOM_OUT, "−", "Zoom out (key -)"),
    (ids.MAP_ZOOM_FIT, "⤢", "Fit the map to the screen (key 0)"),
)


def build_map_access() -> list:
    """The elements beside the map: instructions (read by screen readers), zoom buttons, live region, tooltip."""
    return [
        html.P(KEYS_HELP, id=ids.MAP_KEYS_HELP, className="visually-hidden"),
        html.Div(
            [
                html.Button(text, id=button_id, className="zoom-button", title=label, **{"aria-label": label})
                for button_id, text, label in _ZOOM_BUTTONS
            ],
            className="zoom-buttons",
            role="group",
            **{"aria-label": "Zoom"},
        ),
        html.Div(id=ids.MAP_ANNOUNCE, className="visually-hidden", role="status", **{"aria-live": "polite"}),
        html.Div(id=ids.MAP_TOOLTIP, className="map-tooltip", hidden=True, role="tooltip"),
    ]


def node_summary(name: str, cls: str, status: str, incidents: int, priority: int, changes: int) -> str:
    """What a screen reader says of a node: "name, class, status, 2 open incidents (worst P1), 1 change"."""
    parts = [name, cls, status]
    if incidents:
        parts.append(f"{incidents} open incident{'s' if incidents != 1 else ''} (worst P{priority})")
    else:
        parts.append("no open incidents")
    parts.append(f"{changes} change{'s' if changes != 1 else ''}" if changes else "no changes")
    return ", ".join(parts)
