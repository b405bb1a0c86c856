"""The CMDB health section of the data-quality page: the score, what it is made of, per class, and its trend."""

import plotly.graph_objects as go
from dash import dcc, html

from dashboard.cmdb_health_view import CheckRow, CmdbHealthView
from dashboard.domain.cmdb_health import DIMENSIONS, ClassScore, percent

GOOD, FAIR = 0.9, 0.75  # at or above: good; at or above: fair; below: poor
MEANING = {
    "completeness": "the fields a CI of its class should carry are filled",
    "correctness": "no duplicates, no orphans, nothing stale",
    "compliance": "values from the vocabulary; every business service depends on something",
}
TREND_LINES = (
    ("overall", "#1a1a1a"),
    ("completeness", "#0072B2"),
    ("correctness", "#D55E00"),
    ("compliance", "#009E73"),
)
MAX_FAILING_ROWS = 14


def build_cmdb_health(view: CmdbHealthView, map_href: str) -> html.Section:
    """The whole section: headline, dimension tiles, trend, classes worst first, failing checks with CIs to open."""
    return html.Section(
        [
            html.H2("CMDB health"),
            html.Div([_headline(view.total), *[_tile(view.total, d) for d in DIMENSIONS]], className="health-tiles"),
            _trend(view),
            html.Div(
                [
                    html.Div([html.H3("By class, worst first"), _classes(view.classes)], className="health-part"),
                    html.Div([html.H3("Checks that fail"), _checks(view.checks, map_href)], className="health-part"),
                ],
                className="health-parts",
            ),
            html.P(
                "Each score is the share of the checks that apply to a CI which it passes, averaged over the CIs; "
                "the overall score is the mean of the three. docs/cmdb_health.md lists every check.",
                className="health-method",
            ),
        ],
        className="card wide cmdb-health",
    )


def grade(value: float | None) -> str:
    """good, fair or poor (the class that colours a score; the number is always written beside it)."""
    if value is None:
        return "none"
    return "good" if value >= GOOD else "fair" if value >= FAIR else "poor"


def _headline(total: ClassScore) -> html.Div:
    return html.Div(
        [
            html.Div(percent(total.overall), className=f"health-score {grade(total.overall)}"),
            html.Div(f"overall, {grade(total.overall)} · {total.cis:,} CIs", className="health-caption"),
        ],
        className="health-tile headline",
    )


def _tile(total: ClassScore, dimension: str) -> html.Div:
    value = getattr(total, dimension)
    return html.Div(
        [
            html.Div(percent(value), className=f"health-score {grade(value)}"),
            html.Div(dimension.capitalize(), className="health-name"),
            html.Div(MEANING[dimension], className="health-caption"),
        ],
        className="health-tile",
    )


def _trend(view: CmdbHealthView) -> html.Div:
    points = view.trend
    if len(points) < 2:
        return html.P(
            "The trend starts with this snapshot: every snapshot with new data adds a point (kept in servicemap's "
            "own files, never in the CMDB).",
            className="health-trend-empty",
        )
    figure = go.Figure(
        [
            go.Scatter(
                x=[p.loaded_at for p in points],
                y=[None if getattr(p, name) is None else getattr(p, name) * 100 for p in points],
                name=name.capitalize(),
                mode="lines+markers",
                line={"color": colour, "width": 3 if name == "overall" else 2},
            )
            for name, colour in TREND_LINES
        ]
    )
    figure.update_layout(
        height=260,
        margin={"l": 50, "r": 10, "t": 30, "b": 40},
        title={"text": "Score per snapshot (%)", "font": {"size": 14}},
        yaxis={"range": [0, 100], "ticksuffix": " %"},
        legend={"orientation": "h", "y": -0.2},
        paper_bgcolor="rgba(0,0,0,0)",
    )
    return dcc.Graph(figure=figure, config={"displayModeBar": False}, className="health-trend")


def _classes(classes: tuple[ClassScore, ...]) -> html.Table:
    header = html.Thead(
        html.Tr([html.Th(h) for h in ("Class", "CIs", *(d.capitalize() for d in DIMENSIONS), "Overall")])
    )
    rows = [
        html.Tr(
            [
                html.Td(c.cls),
                html.Td(f"{c.cis:,}", className="num"),
                *[_score_cell(getattr(c, d)) for d in DIMENSIONS],
                _score_cell(c.overall),
            ]
        )
        for c in classes
    ]
    return html.Table([header, html.Tbody(rows)], className="health-classes")


def _score_cell(value: float | None) -> html.Td:
    return html.Td(percent(value), className=f"num health-cell {grade(value)}")


def _checks(checks: tuple[CheckRow, ...], map_href: str) -> html.Table | html.P:
    failing = [c for c in checks if c.failing][:MAX_FAILING_ROWS]
    if not failing:
        return html.P("Every CI passes every check.")
    header = html.Thead(html.Tr([html.Th(h) for h in ("Dimension", "A CI passes when it", "Failing", "For example")]))
    rows = [
        html.Tr(
            [
                html.Td(c.dimension),
                html.Td(c.title),
                html.Td(f"{c.failing:,} of {c.checked:,}", className="num"),
                html.Td(_examples(c, map_href)),
            ]
        )
        for c in failing
    ]
    return html.Table([header, html.Tbody(rows)], className="health-checks")


def _examples(check: CheckRow, map_href: str) -> list:
    links: list = []
    for ci_id, name in check.examples[:3]:
        if links:
            links.append(", ")
        label = name or f"#{ci_id}"
        links.append(dcc.Link(label, href=f"{map_href}?root={ci_id}", title=f"Open CI {ci_id} on the map"))
    return links
