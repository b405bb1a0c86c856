"""The map's legend: status, incident badges, changes, edge types and group nodes, from the vocabularies."""

from dash import html

from dashboard.domain.vocabulary import HEALTH_STYLES, RELATIONSHIP_TYPES


def build_legend() -> html.Section:
    """A compact key to everything the map draws."""
    statuses = [
        html.Li(
            [html.Span(style.icon, className=f"swatch s-{status.name.lower()}"), style.label],
            title=f"shape: {style.shape}",
        )
        for status, style in HEALTH_STYLES.items()
    ]
    marks = [
        html.Li([html.Span("▲2 P1", className="badge p-high"), "open incidents: count, worst priority"]),
        html.Li([html.Span("✎3", className="badge chg"), "changes in the chosen window"]),
        html.Li([html.Span("12 ×", className="swatch group"), "group of siblings: click to open"]),
        html.Li([html.Span("◎", className="swatch root"), "the CI the map is centred on"]),
    ]
    edges = [
        html.Li([html.Span("—" if kind.symmetric else "→", className="edge-key"), kind.name], title=kind.description)
        for kind in RELATIONSHIP_TYPES
    ]
    return html.Section(
        [
            html.H2("Legend"),
            html.Ul(statuses, className="legend"),
            html.Ul(marks, className="legend"),
            html.P(
                "Arrows point from a CI to what it depends on; a line without an arrowhead is a link between peers "
                "(no dependency either way, walked both ways):",
                className="note",
            ),
            html.Ul(edges, className="legend edges"),
            html.P(
                "The worst status wins upwards along dependencies, never along links; members of a cluster are "
                "down together only when all are.",
                className="note",
            ),
        ],
        className="legend-box",
    )
