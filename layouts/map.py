"""The map page: controls, the dependency map (dash-cytoscape) with a static stylesheet, notices and side panels.

Status, incidents, changes, root, impact and filters change an element's `classes` only; positions come from the
server (`preset`) for the layered layout, so a refresh never re-runs a layout in the browser.
"""

import dash_cytoscape as cyto
from dash import dcc, html

from dashboard.domain.layout import NODE_SPACING
from dashboard.domain.traffic import EdgeTraffic, compact_count
from dashboard.domain.viewstate import LAYOUTS, MAX_DEPTH, ViewState
from dashboard.domain.vocabulary import HEALTH_STYLES
from dashboard.maps import MapEdge, MapModel, MapNode
from layouts import ids
from layouts.details import build_hint
from layouts.legend import build_legend
from layouts.paths import build_path_section

SCOPE_OPTIONS = [
    {"label": "What it depends on", "value": "downstream"},
    {"label": "What depends on it", "value": "upstream"},
    {"label": "Both", "value": "both"},
]
LAYOUT_LABELS = {
    "layered": "Layered (services on top)",
    "breadthfirst": "Tree (breadth first)",
    "concentric": "Concentric",
    "cose": "Force-directed",
    "dagre": "Dagre",
}
CHANGE_OPTIONS = [{"label": "No change overlay", "value": 0}] + [
    {"label": f"Changes, last {d} days", "value": d} for d in (1, 7, 30, 90)
]
ONLY_INCIDENTS = "incidents"
CLIENT_LAYOUT_LIMIT = 400  # nodes: above this, the browser layouts are too slow to offer

# Edge width per traffic class and colour per error class (Okabe-Ito colours, as the status palette).
TRAFFIC_WIDTHS = {1: 1.5, 2: 3, 3: 5, 4: 7.5}
ERROR_COLOURS = {0: "#0072B2", 1: "#E69F00", 2: "#D55E00"}


def build_map_page(root_options: list[dict]) -> html.Div:
    """The map page: controls on the left, the map in the middle, details and impact on the right."""
    return html.Div(
        [
            html.Aside(_controls(root_options), className="controls"),
            html.Section(
                [
                    html.Div(id=ids.MAP_HEADING, className="map-heading"),
                    html.Nav(id=ids.MAP_TRAIL, className="trail", **{"aria-label": "Maps visited"}),
                    html.Div(id=ids.MAP_NOTICE, className="notice"),
                    html.Div(id=ids.MAP_OPENED, className="opened"),
                    cyto.Cytoscape(
                        id=ids.MAP_GRAPH,
                        elements=[],
                        layout={"name": "preset", "fit": True, "padding": 30},
                        stylesheet=STYLESHEET,
                        className="map",
                        style={"width": "100%", "height": "100%"},
                        minZoom=0.05,
                        maxZoom=3,
                        boxSelectionEnabled=False,
                        autoRefreshLayout=False,
                        responsive=True,
                    ),
                ],
                className="map-area",
            ),
            html.Aside(
                [
                    html.Div(id=ids.MAP_IMPACT),
                    html.Button("Export impacted services as CSV", id=ids.MAP_EXPORT, className="button", hidden=True),
                    html.Div(build_hint(), id=ids.MAP_DETAILS),
                    # A CI's "how does it depend on…?": shown with its details, between its buttons and its record.
                    html.Div(
                        build_path_section("it", None, [], None, str),
                        id=ids.MAP_PATH_BOX,
                        hidden=True,
                        className="path-finder",
                    ),
                    dcc.Download(id=ids.MAP_DOWNLOAD),
                    dcc.Store(id=ids.MAP_SHOWN),
                    dcc.Store(id=ids.MAP_PANEL, data={}),
                ],
                className="details",
            ),
        ],
        className="map-page",
    )


def _controls(root_options: list[dict]) -> list:
    return [
        html.Label("Business service or any CI", htmlFor=ids.MAP_ROOT),
        dcc.Dropdown(
            id=ids.MAP_ROOT,
            options=root_options,
            placeholder="Pick a service, or type a CI name or id",
            clearable=False,
            searchable=True,
            optionHeight=36,
            maxHeight=520,  # 10+ options at 1080p (the default 200 px showed two and a half)
            className="root-picker",
        ),
        html.Label("Direction"),
        dcc.RadioItems(id=ids.MAP_SCOPE, options=SCOPE_OPTIONS, value="downstream", className="radios"),
        html.Label("Depth (hops)", htmlFor=ids.MAP_DEPTH),
        dcc.Dropdown(
            id=ids.MAP_DEPTH,
            options=[{"label": str(d), "value": str(d)} for d in range(1, MAX_DEPTH + 1)]
            + [{"label": "all", "value": "all"}],
            value="3",
            clearable=False,
            searchable=False,
        ),
        html.Label("Layout", htmlFor=ids.MAP_LAYOUT),
        dcc.Dropdown(
            id=ids.MAP_LAYOUT,
            options=[{"label": LAYOUT_LABELS[name], "value": name} for name in LAYOUTS],
            value="layered",
            clearable=False,
            searchable=False,
        ),
        html.Label("Overlays"),
        dcc.Checklist(
            id=ids.MAP_ONLY,
            options=[{"label": "Only CIs with open incidents", "value": ONLY_INCIDENTS}],
            value=[],
            className="checks",
        ),
        dcc.Dropdown(id=ids.MAP_CHANGES, options=CHANGE_OPTIONS, value=0, clearable=False, searchable=False),
        build_legend(),
    ]


def build_heading(model: MapModel, class_label: str) -> list:
    """What the map shows, in words: root, direction, depth."""
    scope = {"downstream": "what it depends on", "upstream": "what depends on it", "both": "both ways"}
    depth = (
        "all hops" if model.state.depth is None else f"{model.state.depth} hop{'s' if model.state.depth != 1 else ''}"
    )
    title = f"Impact of {model.root_name}" if model.state.impact else model.root_name
    return [html.H2(title), html.Span(f"{class_label} · {scope[model.state.scope]} · {depth}", className="note")]


def build_notice(model: MapModel) -> list:
    """Says plainly when the map shows only part of the neighbourhood, and how to see the rest."""
    shown = len(model.nodes)
    parts = [f"{model.total_cis:,} CIs in this view."]
    if model.hidden_cis:
        parts.append(f"{model.hidden_cis:,} are inside group nodes: click a group to open it.")
    if model.trimmed_cis:
        parts.append(f"{model.trimmed_cis:,} beyond the last hops shown are left out: lower the depth or re-root.")
    if model.depth_cut:
        parts.append("More CIs lie beyond this depth.")
    if model.state.incidents_only:
        visible = sum(1 for n in model.nodes if n.open_incidents or n.root)
        parts.append(f"Showing only the {visible:,} of {shown:,} nodes with open incidents.")
    partial = model.hidden_cis or model.trimmed_cis
    return [
        html.P(
            ("Showing part of the map. " if partial else "") + " ".join(parts),
            className="partial" if partial else "whole",
        )
    ]


def build_trail(trail: list[tuple[str, str]]) -> list:
    """Breadcrumbs: the maps visited before this one, as links (label, href), the current one last."""
    if len(trail) < 2:
        return []
    items: list = [html.Span("Visited: ", className="note")]
    for number, (label, href) in enumerate(trail):
        last = number == len(trail) - 1
        items.append(html.Span(label, className="here") if last else dcc.Link(label, href=href))
        if not last:
            items.append(html.Span(" › ", className="sep"))
    return items


def control_values(state: ViewState) -> tuple:
    """The controls' values for a view: scope, depth, layout, only-incidents, change days (root separately)."""
    depth = "all" if state.depth is None else str(state.depth)
    only = [ONLY_INCIDENTS] if state.incidents_only else []
    return state.scope, depth, state.layout, only, state.change_days


def build_elements(model: MapModel) -> list[dict]:
    """Cytoscape elements: nodes with server positions, edges; everything visual is in `classes`."""
    filtering = model.state.incidents_only
    server_placed = model.state.layout == "layered" or len(model.nodes) > CLIENT_LAYOUT_LIMIT
    where = {node.id: (node.x, node.y) for node in model.nodes} if server_placed else {}
    return [_node(node, model, filtering) for node in model.nodes] + [_edge(edge, model, where) for edge in model.edges]


def layout_for(model: MapModel, view_key: str) -> dict:
    """The cytoscape layout: server positions (`preset`) unless a browser layout was chosen for a small map.

    `view_key` changes with the view, so that a new view is fitted to the screen once, while a refresh of the same
    view (same layout value) only updates classes and keeps the user's zoom and pan.
    """
    name = model.state.layout
    if name == "layered" or len(model.nodes) > CLIENT_LAYOUT_LIMIT:
        return {"name": "preset", "fit": True, "padding": 30, "view": view_key}
    layout = {"name": name, "fit": True, "padding": 30, "animate": False, "view": view_key}
    if name == "breadthfirst":
        layout |= {"directed": True, "roots": f"[id = '{model.nodes[0].id}']", "spacingFactor": 0.9}
    if name == "dagre":
        layout |= {"rankDir": "TB", "nodeSep": 20, "rankSep": 60}
    return layout


def _node(node: MapNode, model: MapModel, filtering: bool) -> dict:
    classes = [f"s-{node.status.name.lower()}", f"c-{node.class_name}", node.kind]
    if node.root:
        classes.append("root")
    if node.open_incidents:
        classes.append("inc p-high" if node.worst_priority <= 2 else "inc")
    if node.changes:
        classes.append("chg")
    if model.state.impact:
        classes.append("impact" if node.on_impact_path else "faded")
    if filtering and not node.open_incidents and not node.root:
        classes.append("filtered")
    return {
        "data": {
            "id": node.id,
            "label": node.label,
            "display": f"{node.label}\n{badge}" if (badge := _badge(node)) else node.label,
            "kind": node.kind,
            "ci_id": node.ci_id,
            "group": node.group_key,
            "status": HEALTH_STYLES[node.status].label,
        },
        "position": {"x": round(node.x, 1), "y": round(node.y, 1)},
        "classes": " ".join(classes),
    }


def _badge(node: MapNode) -> str:
    parts = []
    if node.open_incidents:
        parts.append(f"▲{node.open_incidents} P{node.worst_priority}")
    if node.changes:
        parts.append(f"✎{node.changes}")
    return "  ".join(parts)


def _edge(edge: MapEdge, model: MapModel, where: dict[str, tuple[float, float]]) -> dict:
    classes = ["merged"] if edge.merged else []
    classes.append("t-" + edge.type_name.replace(" ", "-"))
    if edge.symmetric:
        classes.append("sym")
    if where:
        classes += _arc(where[edge.source], where[edge.target])
    if model.state.impact:
        classes.append("impact" if edge.on_impact_path else "faded")
    data = {"id": edge.id, "source": edge.source, "target": edge.target, "type": edge.type_name}
    if edge.traffic is not None:
        classes.extend(traffic_classes(edge.traffic))
        data["figures"] = traffic_label(edge.traffic)
    return {"data": data, "classes": " ".join(classes)}


def traffic_classes(traffic: EdgeTraffic) -> list[str]:
    """An edge's traffic classes: width by requests (rq-1 … rq-4), colour by error rate (er-0 … er-2)."""
    return ["traffic", f"rq-{traffic.traffic_tier}", f"er-{traffic.error_tier}"]


def traffic_label(traffic: EdgeTraffic) -> str:
    """The figures drawn on an edge: requests and error rate over the window."""
    rate = traffic.error_rate
    shown = "0" if rate == 0 else f"{rate:.0%}" if rate >= 0.1 else f"{rate:.1%}".removesuffix("%")
    return f"{compact_count(traffic.requests)} req · {shown.removesuffix('%')}% err"


def _arc(source: tuple[float, float], target: tuple[float, float]) -> list[str]:
    """An edge within one row that skips nodes (peers linked across a network's layer) arches above the row instead
    of running through the nodes between its ends; which class bends it up depends on which end is on the left."""
    (x1, y1), (x2, y2) = source, target
    if abs(y1 - y2) > 1 or abs(x1 - x2) <= NODE_SPACING * 1.01:
        return []
    return ["arc-r" if x1 < x2 else "arc-l"]


def _status_rules() -> list[dict]:
    return [
        {
            "selector": f".s-{status.name.lower()}",
            "style": {"background-color": style.colour, "shape": style.shape},
        }
        for status, style in HEALTH_STYLES.items()
    ]


STYLESHEET: list[dict] = [
    {
        "selector": "node",
        "style": {
            "label": "data(display)",
            "width": 34,
            "height": 34,
            "font-size": 13,
            "color": "#1d2430",
            "text-valign": "bottom",
            "text-margin-y": 5,
            "text-wrap": "wrap",
            "text-max-width": 136,
            "text-background-color": "#ffffff",
            "text-background-opacity": 0.85,
            "text-background-padding": 2,
            "border-width": 2,
            "border-color": "#ffffff",
        },
    },
    *_status_rules(),
    {"selector": ".c-business_service", "style": {"width": 50, "height": 50, "font-size": 16, "font-weight": 700}},
    {"selector": ".c-user_group", "style": {"width": 26, "height": 26}},
    {
        "selector": ".group",
        "style": {
            "shape": "round-rectangle",
            "width": 60,
            "height": 36,
            "border-width": 3,
            "border-style": "double",
            "border-color": "#1d2430",
            "font-weight": 600,
        },
    },
    {"selector": ".root", "style": {"border-width": 5, "border-color": "#1d2430", "width": 56, "height": 56}},
    {
        "selector": ".inc",
        "style": {"border-color": "#7a1f00", "border-width": 4, "border-style": "dashed"},
    },
    {"selector": ".p-high", "style": {"border-width": 6, "border-style": "solid", "border-color": "#000000"}},
    {"selector": ".chg", "style": {"text-border-width": 2, "text-border-color": "#0072B2", "text-border-opacity": 1}},
    {"selector": ".faded", "style": {"opacity": 0.18}},
    {"selector": ".filtered", "style": {"display": "none"}},
    {
        "selector": "edge",
        "style": {
            "width": 1.5,
            "line-color": "#9aa3b0",
            "target-arrow-color": "#9aa3b0",
            "target-arrow-shape": "triangle",
            "arrow-scale": 0.9,
            "curve-style": "bezier",
        },
    },
    {"selector": ".merged", "style": {"width": 3, "line-style": "dashed"}},
    {"selector": "edge.sym", "style": {"target-arrow-shape": "none"}},
    *(
        {
            "selector": f"edge.{name}",
            "style": {
                "curve-style": "unbundled-bezier",
                "control-point-distances": [bend, bend],
                "control-point-weights": [0.1, 0.9],
            },
        }
        for name, bend in (("arc-r", -48), ("arc-l", 48))
    ),
    {
        "selector": ".t-located-in, .t-uplinked-to",
        "style": {"line-color": "#c3c9d2", "target-arrow-color": "#c3c9d2"},
    },
    {"selector": ".t-connects-to, .t-located-in", "style": {"line-color": "#c3c9d2", "target-arrow-color": "#c3c9d2"}},
    # Call traffic from traces: width by requests, colour by error rate (blue none, orange some, vermilion ≥ 5 %).
    {
        "selector": "edge.traffic",
        "style": {
            "label": "data(figures)",
            "font-size": 11,
            "color": "#1d2430",
            "text-rotation": "autorotate",
            "text-background-color": "#ffffff",
            "text-background-opacity": 0.85,
            "text-background-padding": 1,
        },
    },
    *({"selector": f"edge.rq-{tier}", "style": {"width": width}} for tier, width in TRAFFIC_WIDTHS.items()),
    *(
        {"selector": f"edge.er-{tier}", "style": {"line-color": colour, "target-arrow-color": colour}}
        for tier, colour in ERROR_COLOURS.items()
    ),
    {"selector": "edge.impact", "style": {"width": 4, "line-color": "#D55E00", "target-arrow-color": "#D55E00"}},
    {"selector": "node.impact", "style": {"border-color": "#D55E00", "border-width": 5}},
    # A dependency path ("how does X depend on Y?"): blue and thick, unlike impact's vermilion.
    {"selector": "edge.path", "style": {"width": 5, "line-color": "#0072B2", "target-arrow-color": "#0072B2"}},
    {"selector": "node.path", "style": {"border-color": "#0072B2", "border-width": 6, "border-style": "double"}},
    {"selector": ":selected", "style": {"overlay-color": "#0072B2", "overlay-opacity": 0.25, "overlay-padding": 8}},
]
