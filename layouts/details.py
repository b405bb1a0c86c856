"""The details panel: a CI's record, status and why, incidents and changes (dash-ag-grid), health chart; an edge's
type and ends. Every string from the CMDB is passed as text (React escapes it), never as markup.
"""

import dash_ag_grid as dag
import plotly.graph_objects as go
from dash import dcc, html

from dashboard.details import CIDetails
from dashboard.domain.traffic import EdgeTraffic
from dashboard.domain.vocabulary import HEALTH_STYLES, RELATIONSHIP_TYPE_BY_NAME, Health
from dashboard.incident_history import IncidentHistory
from layouts.time_axis import time_axis

# The panel is narrow: the time and the state first, then number and summary together in one wrapping column.
INCIDENT_COLUMNS = ("opened_at", "standing", "what")
CHANGE_COLUMNS = ("planned_start", "standing", "what")
# Shares of the panel's width (it grows with the screen, and so does the text); times wrap after the date.
_FLEX = {"standing": (2, 90), "opened_at": (2, 96), "planned_start": (2, 96), "what": (5, 160)}
_WRAPPED = {"wrapText": True, "autoHeight": True, "cellStyle": {"lineHeight": "1.35", "padding": "6px 8px"}}
_LABELS = {"opened_at": "Opened", "planned_start": "Planned", "standing": "State", "what": "Number · summary"}


def build_ci_details(
    details: CIDetails,
    focus_href: str,
    impact_href: str,
    culprit_hrefs: list[str],
    extra: tuple = (),
    whatif_href: str | None = None,
) -> list:
    """The panel for one CI, with 'focus here', 'what does this impact?' and 'what if this fails?' as links (they
    change the URL); `extra` (a business service's availability) comes right after the record."""
    style = HEALTH_STYLES[details.status]
    return [
        html.H2(details.name, className="ci-name"),
        html.P(details.class_label, className="note"),
        html.P(
            [
                html.Span(f"{style.icon} {style.label}", className=f"pill s-{details.status.name.lower()}"),
                details.reason,
            ],
            className="why",
        ),
        _culprits(details, culprit_hrefs),
        html.Div(
            [
                dcc.Link("Focus here", href=focus_href, className="button", id="details-focus"),
                dcc.Link("What does this impact?", href=impact_href, className="button", id="details-impact"),
                *(
                    [dcc.Link("What if this fails?", href=whatif_href, className="button", id="details-whatif")]
                    if whatif_href is not None
                    else []
                ),
            ],
            className="buttons",
        ),
        html.Table(
            html.Tbody([html.Tr([html.Th(k), html.Td(v)]) for k, v in details.fields + details.attributes]),
            className="fields",
        ),
        *([html.P(details.attributes_note, className="note")] if details.attributes_note else []),
        *extra,
        *_dangling(details.dangling),
        html.H3(f"Incidents ({len(details.incidents)})"),
        _grid("details-incidents", details.incidents, INCIDENT_COLUMNS),
        *_histories(details.histories),
        html.H3(f"Changes ({len(details.changes)})"),
        _grid("details-changes", details.changes, CHANGE_COLUMNS),
        html.H3("Health events"),
        _health_chart(details),
    ]


def build_edge_details(
    type_name: str, source: str, target: str, merged: bool, traffic: EdgeTraffic | None = None
) -> list:
    """The panel for one edge: its type, both ends (names as text) and, from traces, its call traffic."""
    what = "Several relationships" if merged else "Relationship"
    known = RELATIONSHIP_TYPE_BY_NAME.get(type_name)
    if known is not None and known.symmetric:
        return [
            html.H2(f"{what}: {type_name}"),
            html.P([html.Strong(source), " and ", html.Strong(target), " are linked"]),
            html.P(
                "A link between peers has no direction: neither depends on the other, health does not roll along "
                "it, and the map walks and impact cross it both ways.",
                className="note",
            ),
        ]
    return [
        html.H2(f"{what}: {type_name}"),
        html.P([html.Strong(source), " depends on ", html.Strong(target)]),
        html.P("Arrows point from the dependent CI to the CI it depends on.", className="note"),
        *(_traffic(traffic) if traffic is not None else []),
    ]


def _traffic(traffic: EdgeTraffic) -> list:
    """Requests, error rate and latency of the calls over the window and in the latest bucket."""
    latest = str(traffic.latest_start.astype("datetime64[s]")).replace("T", " ")
    minutes = traffic.bucket_seconds / 60

    def row(label: str, requests: int, errors: int, p50: float, p95: float) -> html.Tr:
        rate = errors / requests if requests else 0.0
        cells = (label, f"{requests:,}", f"{errors:,} ({rate:.1%})", f"{p50:,.1f} ms", f"{p95:,.1f} ms")
        return html.Tr([html.Td(cell) for cell in cells])

    header = html.Tr([html.Th(h) for h in ("", "requests", "errors", "p50", "p95")])
    window = f"health window ({traffic.buckets:,} buckets)"
    return [
        html.H3("Calls seen in traces"),
        html.Table(
            [
                header,
                row(window, traffic.requests, traffic.errors, traffic.p50_ms, traffic.p95_ms),
                row(
                    f"latest: {latest} UTC",
                    traffic.latest_requests,
                    traffic.latest_errors,
                    traffic.latest_p50_ms,
                    traffic.latest_p95_ms,
                ),
            ],
            className="traffic-figures",
        ),
        html.P(
            f"Latency is the called service's span duration. A bucket is {minutes:g} minute(s); over the window, "
            "p50 and p95 are the buckets' values weighted by their requests.",
            className="note",
        ),
    ]


def build_hint() -> list:
    """The panel when nothing on the map is selected."""
    return [html.P("Click a node or an edge to see its details.", className="note")]


def build_group_details(label: str, close_href: str | None) -> list:
    """The panel for a group node: being opened (no close link yet), or open with a link that closes it again."""
    if close_href is None:
        return [html.H2(label), html.P("Opening this group on the map…", className="note")]
    return [
        html.H2(label),
        html.P(
            "Opened: its CIs are drawn on the map in its place. Click one of them for its details.", className="note"
        ),
        html.Div(dcc.Link("Close this group again", href=close_href, className="button"), className="buttons"),
    ]


def _culprits(details: CIDetails, hrefs: list[str]) -> html.Div:
    if not details.culprits:
        return html.Div()
    items = [
        html.Li(dcc.Link(name or f"CI {ci_id}", href=href))
        for (ci_id, name), href in zip(details.culprits, hrefs, strict=True)
    ]
    return html.Div([html.P("Decided by:", className="note"), html.Ul(items, className="culprits")])


def _dangling(dangling: tuple[str, ...]) -> list:
    if not dangling:
        return []
    return [
        html.H3("⚠ Relationships to CIs that do not exist", className="dangling"),
        html.Ul([html.Li(line) for line in dangling], className="dangling"),
    ]


def _histories(histories: tuple[IncidentHistory, ...]) -> list:
    """Each incident's changes, folded: a summary line to open, then one short line per change (the panel is narrow)."""
    if not histories:
        return []
    return [
        html.H4("Incident histories", className="history-title"),
        *(
            html.Details(
                [
                    html.Summary(_history_summary(h)),
                    html.Ol(
                        [html.Li([html.Span(when, className="when"), " ", what]) for when, what in h.changes],
                        className="history",
                    ),
                ],
                className="incident-history",
            )
            for h in histories
        ),
    ]


def _history_summary(history: IncidentHistory) -> str:
    changes = f"{len(history.changes)} change{'s' if len(history.changes) != 1 else ''}"
    resolved = f" · resolved in {history.resolved_in}" if history.resolved_in else ""
    return f"{history.number} · {changes}{resolved}"


def _grid(grid_id: str, rows: tuple[dict, ...], columns: tuple[str, ...]) -> html.Div | dag.AgGrid:
    if not rows:
        return html.P("None.", className="note")
    return dag.AgGrid(
        id=grid_id,
        rowData=[_row(row) for row in rows],
        columnDefs=[_column(c) for c in columns],
        defaultColDef={"sortable": True, "resizable": True},
        dashGridOptions={"domLayout": "autoHeight", "pagination": len(rows) > 10, "paginationPageSize": 10},
        className="ag-theme-quartz grid",
        style={"width": "100%"},
    )


def _row(row: dict) -> dict:
    """A grid row: 'P2 in_progress' (changes: the state alone) and 'number · summary' in one column each."""
    priority = row.get("priority")
    standing = f"P{priority} {row.get('state', '')}" if priority not in (None, "") else str(row.get("state", ""))
    what = " · ".join(
        part for part in (row.get("number", ""), row.get("summary", "")) if part
    )  # an export may have no summary
    return {**row, "standing": standing, "what": what}


def _column(name: str) -> dict:
    label = _LABELS.get(name, name.capitalize())
    flex, min_width = _FLEX.get(name, (2, 90))
    return {"field": name, "headerName": label, "flex": flex, "minWidth": min_width, **_WRAPPED}


def _health_chart(details: CIDetails) -> html.Div | dcc.Graph:
    events = details.events
    if events.empty:
        return html.P("No monitoring events in the loaded window.", className="note")
    figure = go.Figure()
    for metric, rows in events.groupby("metric", sort=True):
        if rows["value"].notna().any():
            figure.add_scatter(x=rows["observed_at"], y=rows["value"], mode="lines+markers", name=str(metric))
    statuses = events["status"].astype("str").str.strip().str.lower()
    codes = statuses.map({h.name.lower(): int(h) for h in Health})
    figure.add_scatter(
        x=events["observed_at"],
        y=codes,
        mode="markers+lines",
        line_shape="hv",
        name="status",
        yaxis="y2",
        marker={"color": [HEALTH_STYLES[Health(int(c))].colour if c == c else "#999999" for c in codes]},
    )
    figure.update_layout(
        height=220,
        margin={"l": 40, "r": 70, "t": 10, "b": 30},
        legend={"orientation": "h", "y": -0.25},
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "tickvals": [int(h) for h in Health],
            "ticktext": [HEALTH_STYLES[h].label for h in Health],
            "range": [-0.5, 4.5],
        },
        template="plotly_white",
    )
    figure.update_xaxes(time_axis(events["observed_at"]))
    return dcc.Graph(figure=figure, config={"displayModeBar": False}, className="health-chart")
