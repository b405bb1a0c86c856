"""The map page: controls, the dependency map (dash-cytoscape) with a static stylesheet, notices and side panels.

Status, incidents, changes, root, impact and filters change an element's `classes` only; positions come from the
server (`preset`) for the layered layout, so a refresh never re-runs a layout in the browser.
"""

import dash_cytoscape as cyto
from dash import dcc, html

from dashboard.domain.layout import NODE_SPACING
from dashboard.domain.placement import BROWSER_LIMITS, falls_back, server_places
from dashboard.domain.traffic import EdgeTraffic, compact_count
from dashboard.domain.viewstate import LAYOUTS, MAX_DEPTH, ViewState
from dashboard.domain.vocabulary import HEALTH_STYLES, RELATIONSHIP_STYLES, class_label
from dashboard.maps import MapEdge, MapModel, MapNode
from layouts import ids
from layouts.asof import build_time_travel
from layouts.details import build_hint
from layouts.filters import VIA_STYLE, build_filters, filter_notice, via_data
from layouts.legend import build_legend
from layouts.map_access import KEYBOARD_FOCUS_RULES, build_map_access, node_summary
from layouts.map_export import build_export
from layouts.map_table import build_table_view, build_view_toggle
from layouts.paths import build_path_section
from layouts.saved_views import build_saved_views

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

# Edge width per traffic class and colour per error class (Okabe-Ito colours, as the status palette).
TRAFFIC_WIDTHS = {1: 1.5, 2: 3, 3: 5, 4: 7.5}
ERROR_COLOURS = {0: "#0072B2", 1: "#E69F00", 2: "#D55E00"}


def build_map_page(root_options: list[dict]) -> html.Div:
    """The map page: controls on the left, the map in the middle, details and impact on the right."""
    return html.Div(
        [
            html.Aside(_controls(root_options), className="controls", **{"aria-label": "Map controls"}),
            html.Section(
                [
                    html.Div(id=ids.MAP_HEADING, className="map-heading"),
                    html.Nav(id=ids.MAP_TRAIL, className="trail", **{"aria-label": "Maps visited"}),
                    html.Div(id=ids.MAP_NOTICE, className="notice"),
                    html.Button(
                        "Hide details",
                        id=ids.MAP_DETAILS_TOGGLE,
                        className="button details-toggle",
                        **{"aria-expanded": "true", "aria-controls": ids.MAP_DETAILS_PANEL},
                    ),
                    html.Div([build_view_toggle(), build_export()], className="map-tools"),
                    build_table_view(),  # before the map: while it is shown, the stylesheet hides the map
                    html.Div(id=ids.MAP_OPENED, className="opened"),
                    cyto.Cytoscape(
                        id=ids.MAP_GRAPH,
                        elements=[],
                        layout={"name": "preset", "fit": True, "padding": 30},
                        stylesheet=STYLESHEET,
                        className="map",
                        style={"width": "100%", "height": "100%"},
                        minZoom=0.05,
                        maxZoom=2,  # a fitted small map: labels up to 80 px, not 120 (labels are 24–40 map units)
                        boxSelectionEnabled=False,
                        autoRefreshLayout=False,
                        responsive=True,
                    ),
                    *build_map_access(),
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
                **{"aria-label": "Details"},
                id=ids.MAP_DETAILS_PANEL,
            ),
        ],
        className="map-page",
        role="main",
        id=ids.MAP_PAGE_GRID,
    )


def _controls(root_options: list[dict]) -> list:
    return [
        html.Label("Business service or any CI", htmlFor=ids.MAP_ROOT, id=f"{ids.MAP_ROOT}-label"),
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
        html.Label("Direction", id=f"{ids.MAP_SCOPE}-label"),
        dcc.RadioItems(id=ids.MAP_SCOPE, options=SCOPE_OPTIONS, value="downstream", className="radios"),
        html.Label("Depth (hops)", htmlFor=ids.MAP_DEPTH, id=f"{ids.MAP_DEPTH}-label"),
        dcc.Dropdown(
            id=ids.MAP_DEPTH,
            options=[{"label": str(d), "value": str(d)} for d in range(1, MAX_DEPTH + 1)]
            + [{"label": "all", "value": "all"}],
            value="3",
            clearable=False,
            searchable=False,
        ),
        html.Label("Layout", htmlFor=ids.MAP_LAYOUT, id=f"{ids.MAP_LAYOUT}-label"),
        dcc.Dropdown(
            id=ids.MAP_LAYOUT,
            options=[{"label": LAYOUT_LABELS[name], "value": name} for name in LAYOUTS],
            value="layered",
            clearable=False,
            searchable=False,
        ),
        build_filters(ONLY_INCIDENTS),
        build_saved_views(),
        html.Label("Overlays", htmlFor=ids.MAP_CHANGES, id=f"{ids.MAP_CHANGES}-label"),
        dcc.Dropdown(id=ids.MAP_CHANGES, options=CHANGE_OPTIONS, value=0, clearable=False, searchable=False),
        build_time_travel(),
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
    parts = [f"{model.total_cis:,} CIs in this view."]
    if model.hidden_cis:
        parts.append(f"{model.hidden_cis:,} are inside group nodes: click a group to open it.")
    if model.trimmed_cis:
        parts.append(f"{model.trimmed_cis:,} beyond the last hops shown are left out: lower the depth or re-root.")
    if model.depth_cut:
        parts.append("More CIs lie beyond this depth.")
    if model.filters is not None:
        parts.append(filter_notice(model.filters))
    if falls_back(model.state.layout, len(model.nodes)):
        parts.append(f"Force-directed draws up to {BROWSER_LIMITS['cose']} nodes: this map is in the layered layout.")
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
    server_placed = server_places(model.state.layout, len(model.nodes))
    where = {node.id: (node.x, node.y) for node in model.nodes} if server_placed else {}
    impact = model.state.impact
    return [_node(node, impact) for node in model.nodes] + [_edge(edge, impact, where) for edge in model.edges]


def layout_for(model: MapModel, view_key: str, pinned: bool = False) -> dict:
    """The cytoscape layout: server positions (`preset`) unless a browser layout was chosen for a map it can lay out;
    `pinned`: the nodes carry a saved view's positions, drawn as they are (`preset` whatever the layout).

    `view_key` changes with the view, so that a new view is fitted to the screen once, while a refresh of the same
    view (same layout value) only updates classes and keeps the user's zoom and pan.
    """
    name = model.state.layout
    if pinned or server_places(name, len(model.nodes)):
        return {"name": "preset", "fit": True, "padding": 30, "view": view_key}
    layout = {"name": name, "fit": True, "padding": 30, "animate": False, "view": view_key}
    if name == "breadthfirst":
        layout |= {"directed": True, "roots": f"[id = '{model.nodes[0].id}']", "spacingFactor": 0.9}
    if name == "dagre":
        layout |= {"rankDir": "TB", "nodeSep": 20, "rankSep": 60}
    return layout


# Per status and per relationship type, worked out once: a 2,000-element map asks for them thousands of times.
_STATUS_CLASS = {status: f"s-{status.name.lower()}" for status in HEALTH_STYLES}
_STATUS_LABEL = {status: style.label for status, style in HEALTH_STYLES.items()}
_TYPE_CLASS = {name: "t-" + name.replace(" ", "-") for name in (*RELATIONSHIP_STYLES, "via")}


def _node(node: MapNode, impact: bool) -> dict:
    classes = f"{_STATUS_CLASS[node.status]} c-{node.class_name} {node.kind}"
    if node.root:
        classes += " root"
    if node.open_incidents:
        classes += " inc p-high" if node.worst_priority <= 2 else " inc"
    if node.changes:
        classes += " chg"
    if impact:
        classes += " impact" if node.on_impact_path else " faded"
    label = node.label
    status = _STATUS_LABEL[node.status]
    cls = class_label(node.class_name)
    badge = _badge(node)
    return {
        "data": {
            "id": node.id,
            "label": label,
            "display": f"{label}\n{badge}" if badge else label,
            "kind": node.kind,
            "ci_id": node.ci_id,
            "group": node.group_key,
            "status": status,
            # For the tooltip and the screen reader (assets/map_keys.js).
            "cls": cls,
            "incidents": node.open_incidents,
            "priority": node.worst_priority,
            "changes": node.changes,
            "summary": node_summary(label, cls, status, node.open_incidents, node.worst_priority, node.changes),
        },
        "position": {"x": round(node.x, 1), "y": round(node.y, 1)},
        "classes": classes,
    }


def _badge(node: MapNode) -> str:
    parts = []
    if node.open_incidents:
        parts.append(f"▲{node.open_incidents} P{node.worst_priority}")
    if node.changes:
        parts.append(f"✎{node.changes}")
    return "  ".join(parts)


def _edge(edge: MapEdge, impact: bool, where: dict[str, tuple[float, float]]) -> dict:
    classes = ["merged"] if edge.merged else []
    classes.append(_TYPE_CLASS.get(edge.type_name) or "t-" + edge.type_name.replace(" ", "-"))
    if edge.symmetric:
        classes.append("sym")
    if where:
        classes += _arc(where[edge.source], where[edge.target])
    if impact:
        classes.append("impact" if edge.on_impact_path else "faded")
    data = {"id": edge.id, "source": edge.source, "target": edge.target, "type": edge.type_name}
    if edge.hops:
        classes.append("via")
        data |= via_data(edge)
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
    rules = []
    for status, style in HEALTH_STYLES.items():
        shape = (
            {"shape": "polygon", "shape-polygon-points": list(style.outline)} if style.outline else {"shape": "ellipse"}
        )
        rules.append({"selector": f".s-{status.name.lower()}", "style": {"background-color": style.colour, **shape}})
    return rules


def _relationship_rules() -> list[dict]:
    """Each relationship type's line pattern, arrowhead and colour, from the vocabulary (class t-<type>)."""
    rules = []
    for name, style in RELATIONSHIP_STYLES.items():
        line = (
            {"line-style": "dashed", "line-dash-pattern": list(style.dash)} if style.dash else {"line-style": "solid"}
        )
        colours = {"line-color": style.colour, "target-arrow-color": style.colour}
        rules.append(
            {
                "selector": "edge.t-" + name.replace(" ", "-"),
                "style": {**line, **colours, "target-arrow-shape": style.arrow},
            }
        )
    return rules


# Label sizes in map units. A label is drawn only when it is at least LABEL_MIN_PX on screen: cytoscape's
# min-zoomed-font-size hides smaller ones; its static value here is safe at any zoom (cytoscape compares against the
# zoom rounded up to a power of two, at most twice the real one), and assets/map_labels.js tightens it as the zoom
# changes so that every label of LABEL_MIN_PX or more shows. Services and the root get larger labels, readable first.
LABEL_MIN_PX = 10
LABEL_PX = {"node": 24, "business_service": 30, "root": 40, "edge": 16}

STYLESHEET: list[dict] = [
    {
        "selector": "node",
        "style": {
            "label": "data(display)",
            "width": 34,
            "height": 34,
            "font-size": LABEL_PX["node"],
            "min-zoomed-font-size": 2 * LABEL_MIN_PX,
            "color": "#1d2430",
            "text-valign": "bottom",
            "text-margin-y": 5,
            "text-wrap": "wrap",
            "text-max-width": 140,
            "text-overflow-wrap": "anywhere",  # a host name (ams2-vm-0044) breaks where it must, never overlaps
            "text-background-color": "#ffffff",
            "text-background-opacity": 0.85,
            "text-background-padding": 2,
            # A dark outline: pale status colours (Unknown, Degraded) stand out from the white background at 3:1+.
            "border-width": 2,
            "border-color": "#3d4552",
        },
    },
    # Names of words break between words (cytoscape's "anywhere" would drop their spaces).
    {"selector": "node[label *= ' ']", "style": {"text-overflow-wrap": "whitespace"}},
    *_status_rules(),
    {
        "selector": ".c-business_service",
        "style": {"width": 50, "height": 50, "font-size": LABEL_PX["business_service"], "font-weight": 700},
    },
    {"selector": ".c-user_group", "style": {"width": 26, "height": 26}},
    {
        "selector": ".group",
        # A group keeps its status's shape (its status is never told by colour alone), drawn wider, with a double rim.
        "style": {
            "width": 60,
            "height": 40,
            "border-width": 5,
            "border-style": "double",
            "border-color": "#1d2430",
            "font-weight": 600,
        },
    },
    {
        "selector": ".root",
        "style": {
            "border-width": 5,
            "border-color": "#1d2430",
            "width": 56,
            "height": 56,
            "font-size": LABEL_PX["root"],
            "font-weight": 700,
            "text-max-width": 420,
        },
    },
    {
        "selector": ".inc",
        "style": {"border-color": "#7a1f00", "border-width": 4, "border-style": "dashed"},
    },
    {"selector": ".p-high", "style": {"border-width": 6, "border-style": "solid", "border-color": "#000000"}},
    {"selector": ".chg", "style": {"text-border-width": 2, "text-border-color": "#0072B2", "text-border-opacity": 1}},
    {"selector": ".faded", "style": {"opacity": 0.18}},
    {
        "selector": "edge",
        "style": {
            "width": 2,
            "line-color": "#9aa3b0",
            "target-arrow-color": "#9aa3b0",
            "target-arrow-shape": "triangle",
            "arrow-scale": 1.2,
            "curve-style": "bezier",
            "min-zoomed-font-size": 2 * LABEL_MIN_PX,
        },
    },
    *_relationship_rules(),
    # A merged edge (to or from a group) keeps its type's pattern and arrowhead and is drawn wider.
    {"selector": ".merged", "style": {"width": 4}},
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
    # Call traffic from traces: width by requests, colour by error rate (blue none, orange some, vermilion ≥ 5 %).
    {
        "selector": "edge.traffic",
        "style": {
            "label": "data(figures)",
            "font-size": LABEL_PX["edge"],
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
    VIA_STYLE,
    {"selector": "edge.impact", "style": {"width": 4, "line-color": "#D55E00", "target-arrow-color": "#D55E00"}},
    {"selector": "node.impact", "style": {"border-color": "#D55E00", "border-width": 5}},
    # A dependency path ("how does X depend on Y?"): blue and thick, unlike impact's vermilion.
    {"selector": "edge.path", "style": {"width": 5, "line-color": "#0072B2", "target-arrow-color": "#0072B2"}},
    {"selector": "node.path", "style": {"border-color": "#0072B2", "border-width": 6, "border-style": "double"}},
    # Status changed between diff= and the map's time (dashboard/asof.py): a thick reddish-purple double rim.
    {"selector": "node.diff", "style": {"border-color": "#CC79A7", "border-width": 8, "border-style": "double"}},
    {"selector": ":selected", "style": {"overlay-color": "#0072B2", "overlay-opacity": 0.25, "overlay-padding": 8}},
    *KEYBOARD_FOCUS_RULES,
]
