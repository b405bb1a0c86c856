"""The wall screen: every business service as a tile, worst first, readable from five metres; or, rotating, the
trouble path of each service that is not OK. Dark by default, no scrolling, nothing only on hover.
"""

from datetime import datetime

import dash_cytoscape as cyto
from dash import dcc, html

from dashboard.domain.vocabulary import HEALTH_STYLES, Health
from dashboard.wall import Tile, WallModel
from layouts import ids
from layouts.map import STYLESHEET

WALL_STYLESHEET: list[dict] = [
    *STYLESHEET,
    {
        "selector": "node",
        "style": {"color": "#e8edf2", "text-background-color": "#0b0f14", "font-size": 22, "text-max-width": 220},
    },
    {"selector": "edge", "style": {"line-color": "#5b6575", "target-arrow-color": "#5b6575", "width": 2.5}},
    {"selector": ".root", "style": {"border-color": "#e8edf2"}},
]


def build_wall_page() -> html.Div:
    """The wall's containers; a refresh fills them (see callbacks/wall.py)."""
    return html.Div(
        [
            html.Div(id=ids.WALL_STATUS, className="wall-status", role="status"),
            html.Div(id=ids.WALL_TILES, className="tiles"),
            html.Div(
                [
                    html.Div(id=ids.WALL_TITLE, className="rotation-title"),
                    html.Div(id=ids.WALL_MAP, className="wall-map"),
                ],
                id=ids.WALL_ROTATION,
                className="rotation",
                hidden=True,
            ),
            dcc.Interval(id=ids.WALL_TICK, interval=30_000, n_intervals=0),
            dcc.Interval(id=ids.WALL_CLOCK, interval=1_000, n_intervals=0),
            dcc.Store(id=ids.WALL_REQUEST),
            dcc.Store(id=ids.WALL_ANSWER),
        ],
        id=ids.PAGE_WALL,
        className="wall dark",
        hidden=True,
    )


def build_tiles(model: WallModel, now: datetime) -> list:
    """The tiles, worst first, and a line for the services that did not fit."""
    tiles = [_tile(tile, now) for tile in model.tiles]
    if model.not_shown:
        tiles.append(html.Div(f"+ {model.not_shown:,} more services", className="tile more"))
    if not tiles:
        tiles.append(html.Div("No business services in the CMDB.", className="tile more"))
    return tiles


# (most tiles, columns, rows): wide grids for a 16:9 screen, so that each tile keeps room for its five lines.
_GRIDS = ((4, 2, 2), (8, 4, 2), (12, 4, 3), (18, 6, 3), (24, 6, 4), (32, 8, 4), (49, 8, 7))


def tiles_class(count: int) -> str:
    """The grid for this many tiles: every tile stays readable and none needs scrolling."""
    columns, rows = next((c, r) for most, c, r in _GRIDS if count <= most)
    return f"tiles cols-{columns} rows-{rows}"


def _tile(tile: Tile, now: datetime) -> html.Div:
    style = HEALTH_STYLES[tile.status]
    status = tile.status.name.lower()
    lines = [
        html.Div(tile.name, className="tile-name"),
        html.Div(
            [html.Span(f"{style.icon} {style.label}", className=f"pill s-{status}"), _since(tile, now)],
            className="tile-status",
        ),
        html.Div(_incidents(tile.incidents), className="tile-incidents"),
    ]
    if tile.fault is not None and tile.status >= Health.DEGRADED:
        lines.append(
            html.Div(
                [html.Span("Likely fault: ", className="muted"), f"{tile.fault.name} ({tile.fault.class_label})"],
                className="tile-fault",
            )
        )
    return html.Div(lines, className=f"tile t-{status}", **{"data-ci": str(tile.ci_id)})


def _since(tile: Tile, now: datetime) -> html.Span:
    if tile.status < Health.DEGRADED or tile.since is None:
        return html.Span()
    minutes = max(0, int((now - tile.since).total_seconds() // 60))
    ago = f"{minutes} min" if minutes < 120 else f"{minutes // 60} h {minutes % 60} min"
    return html.Span(f"since {tile.since:%H:%M} UTC · {ago}", className="since")


def _incidents(counts: tuple[int, ...]) -> list:
    if not any(counts):
        return [html.Span("No open incidents", className="muted")]
    return [
        html.Span(f"P{priority} {count}", className=f"prio p{priority}")
        for priority, count in enumerate(counts, start=1)
        if count
    ]


def build_rotation_map(elements: list[dict]) -> cyto.Cytoscape:
    """A fresh map for each rotation step, created in a visible container so that it fits the screen."""
    return cyto.Cytoscape(
        elements=elements,
        layout={"name": "preset", "fit": True, "padding": 40},
        stylesheet=WALL_STYLESHEET,
        style={"width": "100%", "height": "100%"},
        minZoom=0.05,
        maxZoom=3,
        userZoomingEnabled=False,
        userPanningEnabled=False,
        autoungrabify=True,
        boxSelectionEnabled=False,
    )


def build_rotation_title(tile: Tile, step: int, total: int, now: datetime) -> list:
    """What the rotation shows now: which service, its status and since when, the likely fault, n of m."""
    style = HEALTH_STYLES[tile.status]
    parts = [
        html.Span(tile.name, className="rotation-name"),
        html.Span(f"{style.icon} {style.label}", className=f"pill s-{tile.status.name.lower()}"),
        _since(tile, now),
    ]
    if tile.fault is not None:
        parts.append(html.Span(f"Likely fault: {tile.fault.name} ({tile.fault.class_label})", className="tile-fault"))
    parts.append(html.Span(f"{step} / {total}", className="rotation-step"))
    return parts
