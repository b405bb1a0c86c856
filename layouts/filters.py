"""The map's filters: the collapsible "Filters" section of the controls, and how contracted "via" edges read.

Which CIs pass and how hidden ones contract is decided in dashboard/map_filters.py; this module only draws it.
"""

from dash import dcc, html

from dashboard.map_filters import FILTERS, FilterSummary
from dashboard.maps import MapEdge
from layouts import ids

# Dropdown id per ViewState field of an attribute filter.
FILTER_IDS = {
    "classes": ids.MAP_FILTER_CLASS,
    "environments": ids.MAP_FILTER_ENVIRONMENT,
    "locations": ids.MAP_FILTER_LOCATION,
    "criticalities": ids.MAP_FILTER_CRITICALITY,
}
BOX = "-box"  # suffix of the id of the box around a filter's label and dropdown (hidden when the CMDB has no values)
MAX_VIA_SHOWN = 12  # hidden CIs a "via" edge names in its details; more are counted

VIA_STYLE = {
    "selector": "edge.via",
    "style": {
        "line-style": "dashed",
        "line-dash-pattern": [7, 5],
        "width": 2,
        "label": "data(via)",
        "font-size": 11,
        "color": "#1d2430",
        "text-rotation": "autorotate",
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.85,
        "text-background-padding": 1,
    },
}


def build_filters(only_incidents: str) -> html.Details:
    """The Filters section: open incidents, and one multi-select per attribute this CMDB has values for."""
    boxes = [
        html.Div(
            [
                html.Label(f.label, htmlFor=FILTER_IDS[f.field], id=f"{FILTER_IDS[f.field]}-label"),
                dcc.Dropdown(
                    id=FILTER_IDS[f.field],
                    options=[],
                    value=[],
                    multi=True,
                    placeholder=f"Any {f.label.lower()}",
                    searchable=True,
                ),
            ],
            id=FILTER_IDS[f.field] + BOX,
            hidden=True,
        )
        for f in FILTERS
    ]
    return html.Details(
        [
            html.Summary("Filters", id=ids.MAP_FILTERS_SUMMARY),
            # Names the checklist's group for screen readers (assets/control_names.js).
            html.Label("Open incidents", id=f"{ids.MAP_ONLY}-label", className="visually-hidden"),
            dcc.Checklist(
                id=ids.MAP_ONLY,
                options=[{"label": "Only CIs with open incidents", "value": only_incidents}],
                value=[],
                className="checks",
            ),
            *boxes,
            html.P("Hidden CIs between shown ones become dashed “via” edges.", className="note"),
        ],
        id=ids.MAP_FILTERS,
        className="filters",
    )


def filters_summary(count: int) -> str:
    """The Filters section's title: how many filters are set."""
    return f"Filters ({count} set)" if count else "Filters"


def filter_notice(summary: FilterSummary) -> str:
    """What the filters left, in one sentence."""
    text = f"Showing {summary.shown_cis:,} of {summary.total_cis:,} CIs: filtered by {', '.join(summary.by)}"
    if summary.contracted_cis:
        many = "s" if summary.contracted_cis != 1 else ""
        text += f"; {summary.contracted_cis:,} hidden CI{many} contracted into “via” edges"
    return text + "."


def via_label(hops: int) -> str:
    """The label on a contracted edge: how many hidden CIs lie on its shortest way (A → h1 → h2 → B: "via 2 hidden")."""
    return f"via {hops} hidden"


def via_data(edge: MapEdge) -> dict:
    """The data of a contracted edge: its label and the element ids of the hidden items on its way (a few)."""
    return {"via": via_label(edge.hops), "hops": edge.hops, "through": list(edge.via[:MAX_VIA_SHOWN])}


def build_via_details(source: str, target: str, hops: int, through: list[str]) -> list:
    """The panel for a contracted edge: both ends and the hidden CIs on its way (names as text)."""
    more = hops - len(through)
    cis = f"{hops:,} CI{'s' if hops != 1 else ''}"
    return [
        html.H2(f"Dependency {via_label(hops)}"),
        html.P([html.Strong(source), " reaches ", html.Strong(target), f" through {cis} the filters hide:"]),
        html.Ol([html.Li(name) for name in through], className="via-list"),
        *([html.P(f"and {more:,} more", className="note")] if more > 0 else []),
        html.P("Clear a filter to see them on the map.", className="note"),
    ]
