"""The wall screen: every business service as a tile, worst first, readable from five metres; or, rotating, the
trouble path of each service that is not OK. Dark by default, no scrolling, nothing only on hover.
"""

import re
from datetime import datetime

import dash_cytoscape as cyto
from dash import dcc, html

from dashboard.domain.layout import LAYER_GAP, NODE_SPACING, ROW_SPACING
from dashboard.domain.notices import Notice
from dashboard.domain.vocabulary import HEALTH_STYLES, Health
from dashboard.wall import MAX_FAULTS, Tile, Trouble, WallModel
from layouts import ids
from layouts.availability import wall_line
from layouts.map import STYLESHEET
from layouts.wall_services import ROOM, build_services_wall

# The rotation map is read from five metres: big nodes and labels, drawn left to right (a 16:9 screen is wide), and
# spaced so that a label (at most LABEL_WIDTH wide, a few lines tall) never reaches its neighbour's.
LABEL_WIDTH = 300
WALL_STYLESHEET: list[dict] = [
    *STYLESHEET,
    {
        "selector": "node",
        "style": {
            "width": 56,
            "height": 56,
            "color": "#e8edf2",
            "text-background-color": "#0b0f14",
            "font-size": 30,
            "text-margin-y": 8,
            "text-max-width": LABEL_WIDTH,
        },
    },
    {"selector": ".c-business_service", "style": {"width": 72, "height": 72, "font-size": 34}},
    {
        "selector": "edge",
        "style": {"line-color": "#8a94a3", "target-arrow-color": "#8a94a3", "width": 4, "arrow-scale": 1.4},
    },
    {"selector": ".root", "style": {"border-color": "#e8edf2", "border-width": 6, "width": 80, "height": 80}},
]
# From the layered layout (services on top, LAYER_STEP between layers, NODE_SPACING between neighbours) to the wall's
# left-to-right drawing: a layer becomes a column LABEL_WIDTH + a gap wide, a neighbour a row a three-line label high.
LAYER_STEP = ROW_SPACING + LAYER_GAP
COLUMN_STRETCH = (LABEL_WIDTH + 80) / LAYER_STEP
ROW_STRETCH = 200 / NODE_SPACING


def build_wall_page() -> html.Div:
    """The wall's containers; a refresh fills them (see callbacks/wall.py)."""
    return html.Div(
        [
            html.Div(id=ids.WALL_STATUS, className="wall-status", role="status"),
            html.Div(id=ids.WALL_HEADING, className="wall-heading"),
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
            dcc.Store(id=ids.WALL_REQUEST),
            dcc.Store(id=ids.WALL_ANSWER),
        ],
        id=ids.PAGE_WALL,
        className="wall dark",
        hidden=True,
        role="main",
    )


def build_tiles(model: WallModel, now: datetime, banner: bool = False) -> list:
    """The tiles, worst first, and a line for those that did not fit; or why there are none and what to do. `banner`:
    the wall as of a past time has less room below its banner."""
    if model.notice is not None:
        return [build_notice_tile(model.notice)]
    if model.rest is not None and (model.tiles or model.rest):
        return build_services_wall(model, now, _tile, ROOM - AS_OF_BANNER if banner else ROOM)
    tiles = [_tile(tile, now) for tile in model.tiles]
    if model.not_shown:
        tiles.append(html.Div(f"+ {model.not_shown:,} more {model.unit}", className="tile more"))
    if not tiles:
        tiles.append(html.Div("None of the services the URL names is in the CMDB.", className="tile more"))
    return tiles


def build_notice_tile(notice: Notice) -> html.Div:
    """One tile across the screen: why the wall has nothing to show, and what to do."""
    return html.Div(
        [html.Div(notice.why, className="notice-why"), html.Div(notice.advice, className="notice-advice")],
        className="tile notice",
        role="alert",
    )


def build_wall_heading(heading: str, old_health: Notice | None, left_out: str = "") -> list:
    """What the tiles are (when they are not every business service), what they leave out, and a warning when health
    data is too old."""
    parts = [html.Div(heading, className="tiles-what")] if heading else []
    if left_out:
        parts.append(html.Div(left_out, className="tiles-left-out"))
    if old_health is not None:
        parts.append(html.Div(old_health.text, className="health-old", role="alert"))
    return parts


AS_OF_BANNER = 100  # design pixels the banner of a past wall takes (layouts/wall_services.py sizes by them)


def as_of_label(as_of: str, year: int) -> str:
    """The wall's banner for `asof=` (a ViewState.as_of), read from five metres: "AS OF 30 Nov 14:00 UTC — NOT
    LIVE"; the year too when it is not `year` (the data's), seconds when not zero."""
    moment = datetime.fromisoformat(as_of)
    day = f"{moment.day} {moment:%b}" + (f" {moment.year}" if moment.year != year else "")
    clock = f"{moment:%H:%M:%S}" if moment.second else f"{moment:%H:%M}"
    return f"AS OF {day} {clock} UTC — NOT LIVE"


def build_as_of_banner(label: str, notices: tuple[Notice, ...]) -> html.Div:
    """Across the top of a wall as of a past time: the big label, then what it means (the notices of time)."""
    lines = [html.Div(label, className="as-of-label")]
    lines += [html.Div(n.text.strip(), className="as-of-note") for n in notices]
    return html.Div(lines, className="wall-as-of", role="alert")


def build_time_alerts(notices: tuple[Notice, ...]) -> list:
    """Lines in the heading for what the wall says about time outside a past view (a bad `asof=` it ignored)."""
    return [html.Div(n.text, className="health-old", role="alert") for n in notices]


# (most tiles, columns, rows): wide grids for a 16:9 screen, so that each tile keeps room for its five lines.
_GRIDS = ((4, 2, 2), (8, 4, 2), (12, 4, 3), (18, 6, 3), (24, 6, 4), (32, 8, 4), (49, 8, 7))


def tiles_class(count: int, notice: bool = False, services: bool = False) -> str:
    """The grid for this many tiles: every tile stays readable and none needs scrolling; a notice fills the screen; a
    wall of services lays itself out (layouts/wall_services.py)."""
    if notice:
        return "tiles single"
    if services:
        return "tiles services"
    columns, rows = next((c, r) for most, c, r in _GRIDS if count <= most)
    return f"tiles cols-{columns} rows-{rows}"


def _tile(tile: Tile, now: datetime) -> html.Div:
    status = tile.status.name.lower()
    when = _since(tile, now) if tile.oldest_open is None else _oldest(tile.oldest_open, now)
    lines = [
        html.Div(tile.name, className="tile-name"),
        html.Div([_pill(tile), when], className="tile-status"),
        html.Div([*_criticality(tile), *_incidents(tile.incidents)], className="tile-incidents"),
    ]
    if tile.detail:
        lines.insert(1, html.Div(tile.detail, className="tile-detail"))
    if tile.most_named:
        lines.append(html.Div([html.Span("Most named: ", className="muted"), tile.most_named], className="tile-fault"))
    if tile.fault is not None and tile.status >= Health.DEGRADED:
        fault = f"{tile.fault.name} ({tile.fault.class_label})"
        lines.append(
            html.Div([html.Span("Likely fault: ", className="muted"), fault], className="tile-fault", title=fault)
        )
    if tile.availability is not None:
        spent = " spent" if tile.availability.report.budget_left_seconds < 0 else ""
        lines.append(html.Div(wall_line(tile.availability), className=f"tile-sla{spent}"))
    marks = {"data-ci": str(tile.ci_id)} if tile.ci_id is not None else {}
    lines[0] = html.Div(breakable(tile.name), className="tile-name", title=tile.name)
    return html.Div(lines, className=f"tile t-{status}", **marks)


def breakable(name: str) -> list:
    """A name that may wrap after its underscores and slashes (CI names often have no spaces)."""
    parts: list = []
    for n, piece in enumerate(re.split(r"(?<=[_/.])", name)):
        parts.extend([html.Wbr(), piece] if n else [piece])
    return parts


def _criticality(tile: Tile) -> list:
    """The service's criticality as a badge (critical stands out); nothing when the CMDB gives none."""
    if not tile.criticality:
        return []
    level = tile.criticality.strip().lower()
    kind = "critical" if level == "critical" else "level"
    return [html.Span(level, className=f"badge {kind}", title=f"criticality: {level}")]


def _pill(tile: Tile) -> html.Span:
    style = HEALTH_STYLES[tile.status]
    return html.Span(f"{style.icon} {style.label}", className=f"pill s-{tile.status.name.lower()}")


def _since(tile: Tile, now: datetime) -> html.Span:
    """Since when the service is degraded or down: the time (the day too when not today) and how long; "since before"
    and "≥" when the trouble began before the health history shows."""
    if tile.status < Health.DEGRADED or tile.since is None:
        return html.Span()
    minutes = max(0, int((now - tile.since).total_seconds() // 60))
    if minutes < 120:
        ago = f"{minutes}\u00a0min"
    elif minutes < 48 * 60:
        ago = f"{minutes // 60}\u00a0h\u00a0{minutes % 60}\u00a0min"
    else:
        ago = f"{minutes // 1440}\u00a0d\u00a0{minutes % 1440 // 60}\u00a0h"
    day = "" if tile.since.date() == now.date() else f"{tile.since:%d\u00a0%b}\u00a0"
    when = f"{day}{tile.since:%H:%M}\u00a0UTC"
    if not tile.since_known:
        when, ago = f"before\u00a0{when}", f"≥\u00a0{ago}"
    # Non-breaking spaces: the line may break only between the time and the duration, never inside either.
    return html.Span(f"since\u00a0{when} ·\u00a0{ago}", className="since", title=_since_title(tile))


def _since_title(tile: Tile) -> str:
    if tile.since_known:
        return "Degraded or down without a break since then (health history, times in UTC)"
    return "Degraded or down for as far back as the health history shows; it began then or earlier (times in UTC)"


def _oldest(opened: datetime, now: datetime) -> html.Span:
    """Since when a group's incidents are open: the time and how long ago within a day, else the day and days (the year
    only when it is not this one: the line must fit beside the status)."""
    minutes = max(0, int((now - opened).total_seconds() // 60))
    if minutes < 24 * 60:
        ago = f"{minutes}\u00a0min" if minutes < 120 else f"{minutes // 60}\u00a0h"
        return html.Span(f"oldest\u00a0{opened:%H:%M}\u00a0UTC ·\u00a0{ago}", className="since")
    day = f"{opened:%d\u00a0%b}" + (f"\u00a0{opened:%Y}" if opened.year != now.year else "")
    return html.Span(f"oldest\u00a0{day} ·\u00a0{minutes // 1440:,}\u00a0d", className="since")


def _incidents(counts: tuple[int, ...]) -> list:
    if not any(counts):
        return [html.Span("No open incidents", className="muted")]
    return [
        html.Span(f"P{priority} {count}", className=f"prio p{priority}")
        for priority, count in enumerate(counts, start=1)
        if count
    ]


def build_rotation_map(elements: list[dict]) -> cyto.Cytoscape:
    """The trouble map, left to right; assets/wall.js fits it to the screen whenever its elements or size change.

    The layout's own `fit` is not enough: the first map is drawn while the wall page is still hidden (0 × 0, so
    nothing to fit to), and later steps reuse the same cytoscape, which runs no layout for new elements.
    """
    return cyto.Cytoscape(
        elements=[_left_to_right(element) for element in elements],
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


def _left_to_right(element: dict) -> dict:
    if "position" not in element:
        return element
    x, y = element["position"]["x"], element["position"]["y"]
    return element | {"position": {"x": round(y * COLUMN_STRETCH, 1), "y": round(x * ROW_STRETCH, 1)}}


def build_rotation_title(tile: Tile, trouble: Trouble, step: int, total: int, now: datetime) -> list:
    """What the rotation shows now: which service, its status and since when, the likely fault, n of m, and what the
    map leaves out."""
    style = HEALTH_STYLES[tile.status]
    parts = [
        html.Span(tile.name, className="rotation-name"),
        html.Span(f"{style.icon} {style.label}", className=f"pill s-{tile.status.name.lower()}"),
        _since(tile, now),
    ]
    if tile.fault is not None:
        parts.append(html.Span(f"Likely fault: {tile.fault.name} ({tile.fault.class_label})", className="tile-fault"))
    parts.append(html.Span(f"{step} / {total}", className="rotation-step"))
    parts.append(html.Div(rotation_note(trouble), className="rotation-note"))
    return parts


def rotation_note(trouble: Trouble) -> str:
    """Says what the map shows of the trouble, and how much of it is left out."""
    drawn = min(trouble.faults, MAX_FAULTS)
    at_fault = f"{drawn} of {trouble.faults}" if trouble.faults > drawn else f"{drawn}"
    note = f"Path{'s' if drawn != 1 else ''} to the {at_fault} CI{'s' if trouble.faults != 1 else ''} at fault"
    hidden = trouble.failing - (len(trouble.map.nodes) - 1)
    if hidden > 0:
        note += f" · {hidden:,} more degraded or down CI{'s' if hidden != 1 else ''} below are not drawn"
    return note
