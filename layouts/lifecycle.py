"""The "asset lifecycle risk" section of /health: CIs per date kind and bucket, the CIs at risk and their services."""

from dash import dcc, html

from dashboard.domain.lifecycle import BUCKET_LABELS, LABELS, Bucket
from dashboard.domain.vocabulary import HEALTH_STYLES, Health
from dashboard.lifecycle import LISTED, LifecycleView, RiskRow
from layouts import ids
from layouts.chart_margins import LEGEND_PX, LINE_PX, TICK_PAD, labels_px, margin
from layouts.health_sections import MAP_COLUMN, grid, map_link, report_graph, section, section_layout

TITLE = "Asset lifecycle risk"
LEGEND_BELOW = 0.2  # the buckets' legend, under the chart (a share of the plot's height)
NO_DATES = (
    "No CI in scope has a lifecycle date: the CMDB's CI attributes name no end_of_support, end_of_life, "
    "warranty_expiration, install_date or purchase_date (data/README.md)."
)
# The buckets drawn (CIs without a date are counted, not drawn), coloured as the statuses they resemble.
DRAWN: dict[Bucket, str] = {
    Bucket.PAST: HEALTH_STYLES[Health.DOWN].colour,
    Bucket.NEAR: HEALTH_STYLES[Health.DEGRADED].colour,
    Bucket.UNPARSEABLE: HEALTH_STYLES[Health.UNKNOWN].colour,
    Bucket.FINE: HEALTH_STYLES[Health.OK].colour,
}
CI_COLUMNS = (
    {"field": "name", "headerName": "CI", "minWidth": 180, "flex": 2},
    {"field": "class", "headerName": "Class", "minWidth": 110, "flex": 1},
    {"field": "location", "headerName": "Location", "minWidth": 100, "flex": 1},
    *({"field": label, "headerName": label, "minWidth": 150, "flex": 1} for label in LABELS.values()),
    {"field": "services", "headerName": "Business services on it (critical first)", "minWidth": 260, "flex": 3},
)


def build_lifecycle(view: LifecycleView, map_href: str | None = None) -> html.Section:
    """The section: how many CIs are past or near each date, which ones, what stands on them, and bad dates (with a
    link to each CI on the map when `map_href` is the map's path)."""
    parts: list[object] = []
    dated = any(count.counts[BUCKET_LABELS[bucket]] for count in view.counts for bucket in DRAWN)
    if dated:
        parts.append(_buckets(view))
    elif not view.note:
        parts.append(html.P(NO_DATES, className="note empty"))
    if view.findings:
        finding = view.findings[0]
        parts.append(
            html.Div(
                [
                    html.Strong(f"{finding.title}: {finding.count}. "),
                    finding.detail[:1].upper() + finding.detail[1:] + ".",
                    html.Ul([html.Li(e) for e in finding.examples]),
                ],
                id=ids.HEALTH_LIFECYCLE_FINDINGS,
                className="note finding",
            )
        )
    if view.at_risk > LISTED:
        parts.append(html.P(f"The first {LISTED} of {view.at_risk} CIs at risk:", className="note"))
    rows = [risk_row(row) for row in view.rows]
    columns = CI_COLUMNS
    if map_href is not None:
        columns = (CI_COLUMNS[0], {"field": "map", **MAP_COLUMN}, *CI_COLUMNS[1:])
        for row in rows:
            row["map"] = map_link(map_href, row["ci_id"])
    parts.append(grid(ids.HEALTH_LIFECYCLE_CIS, rows, columns, view.note or "No CI is past or near a date."))
    return section(ids.HEALTH_LIFECYCLE, TITLE, lead(view), parts)


def lead(view: LifecycleView) -> str:
    """The headline: how many CIs are at risk and what to do."""
    if view.note:
        return view.note
    return (
        f"{view.at_risk} of {view.in_scope} CIs are past or within {view.near_days} days of end of support, end of "
        f"life or warranty, or older than {view.max_age_years} years (hardware). Renew or replace those under "
        "critical services first."
    )


def _buckets(view: LifecycleView) -> dcc.Graph:
    """CIs per date kind, stacked by bucket (a plain-dict figure, layouts/health_sections.py)."""
    kinds = [count.kind for count in view.counts]
    traces = [
        {
            "type": "bar",
            "name": BUCKET_LABELS[bucket],
            "y": kinds,
            "x": [count.counts[BUCKET_LABELS[bucket]] for count in view.counts],
            "orientation": "h",
            "marker": {"color": colour, "line": {"color": "#333333", "width": 0.5}},
            "customdata": [f"life|{count.name}|{int(bucket)}" for count in view.counts],  # health_marks.py
            "hovertemplate": "%{y}: %{x} CIs " + BUCKET_LABELS[bucket].lower() + "<extra></extra>",
        }
        for bucket, colour in DRAWN.items()
    ]
    height = 90 + 40 * len(kinds)
    # The legend's top is 20 % of the plot's height below it, under the tick labels: b = 0.2 (height - t - b) + legend.
    bottom = (LEGEND_BELOW * (height - 40) + LINE_PX + TICK_PAD + LEGEND_PX) / (1 + LEGEND_BELOW)
    layout = section_layout(
        "CIs by lifecycle date",
        height,
        margin(left=labels_px(kinds) + TICK_PAD, right=20, top=40, bottom=bottom),
        barmode="stack",
        legend={"orientation": "h", "y": -LEGEND_BELOW, "traceorder": "normal"},
    )
    return report_graph(ids.HEALTH_LIFECYCLE_BUCKETS, {"data": traces, "layout": layout})


def risk_row(row: RiskRow) -> dict:
    """A grid row of plain values."""
    return {
        "ci_id": row.ci_id,
        "name": row.name,
        "class": row.ci_class,
        "location": row.location,
        **row.dates,
        "services": ", ".join(row.services),
        "worst": row.worst,
    }
