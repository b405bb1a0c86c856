"""The map's legend: status, incident badges, changes, edge types and group nodes, from the vocabularies."""

from dash import html

from dashboard.domain.traffic import ERROR_TIERS, TRAFFIC_TIERS
from dashboard.domain.vocabulary import HEALTH_STYLES, RELATIONSHIP_STYLES, RELATIONSHIP_TYPES
from layouts.legend_marks import relationship_mark, status_mark

# The colours of layouts/map.py's error classes er-0, er-1, er-2 (the legend cannot import the map: it is its part).
TRAFFIC_COLOURS = ("#0072B2", "#E69F00", "#D55E00")


def build_legend() -> html.Section:
    """A compact key to everything the map draws."""
    statuses = [
        html.Li(
            [
                html.Img(src=status_mark(style), alt="", className="shape-key", **{"data-status": status.name.lower()}),
                f"{style.label} ({style.shape})",
            ]
        )
        for status, style in HEALTH_STYLES.items()
    ]
    marks = [
        html.Li([html.Span("▲2 P1", className="badge p-high"), "open incidents: count, worst priority"]),
        html.Li([html.Span("✎3", className="badge chg"), "changes in the chosen window"]),
        html.Li(
            [
                html.Span("12 ×", className="swatch group"),
                "group of siblings (its status's shape, wider, double rim): click to open",
            ]
        ),
        html.Li([html.Span("◎", className="swatch root"), "the CI the map is centred on"]),
    ]
    edges = [
        html.Li(
            [
                html.Img(
                    src=relationship_mark(RELATIONSHIP_STYLES[kind.name], kind.symmetric), alt="", className="line-key"
                ),
                html.Span([html.Strong(kind.name), html.Br(), html.Small(kind.description)]),
            ]
        )
        for kind in RELATIONSHIP_TYPES
    ]
    # Contracted edges (dashboard/map_filters.py): only on a filtered map, but explained on every one.
    edges.append(
        html.Li(
            [html.Span("┄▸", className="edge-key"), "via N hidden: N CIs the filters hide lie on the way"],
            className="via",
        )
    )
    return html.Section(
        [
            html.H2("Legend"),
            html.Ul(statuses, className="legend"),
            html.Ul(marks, className="legend"),
            html.P(
                "Arrows point from a CI to what it depends on; a line without an arrowhead is a link between peers "
                "(no dependency either way, walked both ways). Each type has its own line and arrowhead; a wider line "
                "stands for several relationships to or from a group:",
                className="note",
            ),
            html.Ul(edges, className="legend kinds"),
            *_traffic(),
            html.P(
                "The worst status wins upwards along dependencies, never along links; members of a cluster are "
                "down together only when all are.",
                className="note",
            ),
        ],
        className="legend-box",
    )


def _traffic() -> list:
    """The key to edges with call traffic from traces: width, colour and label."""
    some = ERROR_TIERS[1]
    low, *_, high = TRAFFIC_TIERS
    swatch = {"fontWeight": 700, "letterSpacing": "-0.1em"}
    colours = [
        html.Li([html.Span("━━", className="edge-key", style={**swatch, "color": colour}), text])
        for colour, text in zip(
            TRAFFIC_COLOURS, ("no errors", f"errors < {some:.0%}", f"errors ≥ {some:.0%}"), strict=True
        )
    ]
    return [
        html.P(
            "Calls seen in traces: each label gives the requests and error rate over the health window; the line is "
            f"wider the more requests a minute it carries (four widths, from under {low:.0f} to {high:.0f} or more).",
            className="note",
        ),
        html.Ul(colours, className="legend edges"),
    ]
