"""The asset-health page (/health): filters, charts and the CIs behind a clicked mark. Pure builders.

The page's container is in the shell from the start but empty: its filters and charts are put in by a callback
only while the URL's path is /health (callbacks/health.py), so that no dcc.Graph is mounted on the map page and a
cold map load never fetches plotly.js. A page load at a /health URL gets them with its first layout instead.
"""

import json
from dataclasses import dataclass
from urllib.parse import quote

import dash_ag_grid as dag
from dash import dcc, html

from dashboard.domain.health_scope import RANGES, HealthQuery
from dashboard.domain.notices import Notice
from dashboard.health_marks import MAX_ROWS, CIList
from dashboard.health_page import FilterOptions, HealthPage, Offender, StatusBars, range_text
from layouts import ids
from layouts.health_charts import daily_shares, heat, incident_days, pareto_chart, reliability, status_bars

GRAPH_CONFIG = {"displayModeBar": False}
CI_COLUMNS = (
    {"field": "name", "headerName": "CI", "flex": 3, "minWidth": 200},
    {"field": "map", "headerName": "Map", "cellRenderer": "markdown", "flex": 1, "minWidth": 110, "sortable": False},
    {"field": "class", "headerName": "Class", "flex": 2, "minWidth": 130},
    {"field": "location", "headerName": "Location", "flex": 1, "minWidth": 110},
    {"field": "status", "headerName": "Status now", "flex": 1, "minWidth": 110},
    {"field": "incidents", "headerName": "Incidents in range", "flex": 1, "minWidth": 120, "type": "numericColumn"},
)
OFFENDER_COLUMNS = (
    {"field": "name", "headerName": "CI", "flex": 3, "minWidth": 200},
    {"field": "map", "headerName": "Map", "cellRenderer": "markdown", "flex": 1, "minWidth": 110, "sortable": False},
    {"field": "class", "headerName": "Class", "flex": 2, "minWidth": 130},
    {"field": "incidents", "headerName": "Incidents in range", "flex": 1, "minWidth": 120, "type": "numericColumn"},
    {"field": "reopened", "headerName": "Reopened", "flex": 1, "minWidth": 100, "type": "numericColumn"},
)


@dataclass(frozen=True)
class FirstHealth:
    """/health's filters and body built with the page's first layout (a page load at a /health URL), and `built`:
    the URL and snapshot version they are for (callbacks/health.py first_health)."""

    filters: list
    body: list
    built: dict


def build_health_page(first: FirstHealth | None = None) -> html.Div:
    """The page's frame: the URL it was last built for, then filters, charts and the CIs behind a click; empty and
    hidden unless the page is loaded at a /health URL (`first`)."""
    return html.Div(
        [
            dcc.Store(id=ids.HEALTH_URL),
            dcc.Store(id=ids.HEALTH_BUILT, data=first.built if first else None),
            html.Div(
                first.filters if first else None,
                id=ids.HEALTH_FILTERS,
                className="health-filters",
                role="search",
                **{"aria-label": "Filters"},
            ),
            html.Div(id=ids.HEALTH_SELECTION, className="health-selection", **{"aria-live": "polite"}),
            html.Main(first.body if first else None, id=ids.HEALTH_BODY, className="health-body"),
        ],
        id=ids.PAGE_HEALTH,
        className="health-page",
        hidden=first is None,
    )


def dom_id(component_id: dict) -> str:
    """The DOM id Dash gives a component with a pattern-matching id (its JSON, keys sorted, no spaces)."""
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))


def _dropdown(
    name: str, label: str, options: tuple[tuple[str, str], ...], value: object, multi: bool = True
) -> html.Div:
    # The label's id is the dropdown's DOM id + "-label": assets/control_names.js then names the dropdown by it.
    control = {"type": ids.HEALTH_FILTER, "name": name}
    return html.Div(
        [
            html.Label(label, htmlFor=dom_id(control), id=dom_id(control) + "-label", className="filter-label"),
            dcc.Dropdown(
                id=control,
                options=[{"value": v, "label": t} for v, t in options],
                value=value,
                multi=multi,
                clearable=multi,
                placeholder="all",
            ),
        ],
        className=f"health-filter health-filter-{name}",
    )


def build_filters(options: FilterOptions, query: HealthQuery) -> list:
    """The filters, set as the URL says: business service, class, location, assignment group, time range."""
    ranges = tuple((str(d), f"last {d} days") for d in sorted({*RANGES, query.days}))
    return [
        html.H2("Asset health"),
        html.Div(
            [
                _dropdown("service", "Business service", options.services, [str(s) for s in query.services]),
                _dropdown("class", "Class", options.classes, list(query.classes)),
                _dropdown("loc", "Location", options.locations, list(query.locations)),
                _dropdown("group", "Assignment group", options.groups, list(query.groups)),
                _dropdown("days", "Time range", ranges, str(query.days), multi=False),
            ],
            className="health-filter-row",
        ),
    ]


def _section(title: str, reading: str, body: object, name: str) -> html.Section:
    """A chart under a heading that says what to read off it."""
    return html.Section(
        [html.H3(title), html.P(reading, className="note"), body], className=f"health-section health-{name}"
    )


def _graph(name: str, figure: object) -> dcc.Graph:
    return dcc.Graph(id={"type": ids.HEALTH_CHART, "name": name}, figure=figure, config=GRAPH_CONFIG)


def _empty(text: str) -> html.P:
    return html.P(text, className="note empty")


def build_body(page: HealthPage, map_href: str, time_notices: tuple[Notice, ...] = ()) -> list:
    """Every chart of the page for one URL; a chart with nothing to show says why instead. `time_notices`: what the
    page says about `asof=` (a banner for a past time, or a bad value it ignored)."""
    scope = f"{page.scope_cis:,} CIs in scope; {page.scope_incidents:,} incidents opened in {range_text(page)}."
    if page.open_then is not None:
        scope += f" At {page.end} UTC, {open_then_text(page.open_then)}."
    return [
        *build_time_banner(time_notices),
        html.P(scope, className="health-scope"),
        *(html.P(text, className="notice", role="note") for text in page.missing),
        html.Div([_status_now(page), _over_time(page)], className="health-grid"),
        html.Div(_incident_sections(page, map_href), className="health-grid"),
    ]


def _status_now(page: HealthPage) -> html.Div:
    def chart(name: str, bars: StatusBars) -> dcc.Graph | html.P:
        if not page.monitored:
            return _empty("No health events: every CI's status is unknown.")
        return _graph(name, status_bars(bars, name)) if bars.labels else _empty("No CI in scope.")

    by_class, by_location = chart("mixclass", page.by_class), chart("mixloc", page.by_location)
    when = "right now" if page.query.as_of is None else f"at {page.end} UTC"
    unknown = "no event" if page.query.as_of is None else "no event at or before then (its first came later)"
    reading = (
        f"How many CIs of each class are down, degraded or fine {when}, by their own latest monitoring event "
        f"(the map also colours a CI by what it depends on). Unknown: {unknown}. Click a bar for its CIs."
    )
    now = "now" if page.query.as_of is None else f"at {page.end} UTC"
    return html.Div(
        [
            _section(f"Status {now}, by class", reading, by_class, "mixclass"),
            _section(
                f"Status {now}, by location", "Where the trouble sits: the same, per site.", by_location, "mixloc"
            ),
        ]
    )


SITES = "Where the trouble sits: the same, per site."


def open_then_text(counts: tuple[int, ...]) -> str:
    """'3 incidents in scope were open (P1 1, P3 2)'."""
    total = sum(counts)
    parts = ", ".join(f"P{p} {n:,}" for p, n in enumerate(counts, start=1) if n)
    return f"{total:,} incident{'s' if total != 1 else ''} in scope {'was' if total == 1 else 'were'} open" + (
        f" ({parts})" if parts else ""
    )


def build_time_banner(notices: tuple[Notice, ...]) -> list:
    """The page as of a past time: a banner that cannot be taken for live figures (the map's), then the other
    notices of time (before the history, after the load, or a bad `asof=` ignored)."""
    shown = []
    for notice in notices:
        if notice.code == "asof.past":
            shown.append(
                html.Div(
                    [html.Strong(notice.why + " "), html.Span(HEALTH_AS_OF)],
                    className="notice-box n-asof-past health-as-of",
                    role="alert",
                )
            )
        else:
            shown.append(html.P(notice.text, className="notice", role="note"))
    return shown


HEALTH_AS_OF = (
    "Every figure is as it was then: the status is each CI's status then, the range ends then, incidents resolved "
    "later count as open, and the day the time falls in ends at it. The CIs and what they depend on are today's."
)


def _over_time(page: HealthPage) -> html.Div:
    observed = any(sum(day) for day in page.daily.counts)
    daily = (
        _graph("day", daily_shares(page.daily))
        if observed
        else _empty("No health events in scope for these days: nothing was monitored, or the CMDB holds no events.")
    )
    worst = _graph("heat", heat(page.heat)) if page.heat.names else _empty("No CI in scope was degraded or down.")
    return html.Div(
        [
            _section(
                "Health over time: share of CIs per status, per day",
                "Each day, every monitored CI counts once at its worst status of the day; the figure above a day is "
                "its share down or degraded. A growing red or amber band means the estate is getting worse.",
                daily,
                "day",
            ),
            _section(
                "Worst CIs, day by day",
                "The CIs with most down-time (then most bad days), each day coloured by its worst status; white: no "
                "events. Click a row to open the CI on the map.",
                worst,
                "heat",
            ),
        ]
    )


def _incident_sections(page: HealthPage, map_href: str) -> list:
    any_incident = page.scope_incidents > 0
    no_incident = "No incident in scope was opened in this range."
    return [
        html.Div(
            [
                _section(
                    "Incidents opened per day, by priority",
                    "Spikes and a rising share of P1/P2 are what to look into. Click a bar for the CIs behind it.",
                    _graph("inc", incident_days(page.incidents)) if any_incident else _empty(no_incident),
                    "inc",
                ),
                *(
                    _section(
                        title, reading, _graph(name, reliability(bars)) if bars.labels else _empty(no_incident), name
                    )
                    for name, title, reading, bars in (
                        ("svc", "MTTR and MTBF per business service", _SERVICE_READING, page.by_service),
                        ("class", "MTTR and MTBF per class", _CLASS_READING, page.by_class_reliability),
                        ("group", "MTTR and MTBF per assignment group", _GROUP_READING, page.by_group),
                    )
                ),
            ]
        ),
        html.Div(
            [
                _section(
                    "Top offending CIs: incidents",
                    "The CIs with most incidents in the range, and their running share of all incidents on CIs: "
                    "fixing the first few removes the line's share of the work.",
                    _graph("pareto-inc", pareto_chart(page.pareto_incidents, "incidents"))
                    if page.pareto_incidents.names
                    else _empty("No incident in scope names a CI."),
                    "pareto-inc",
                ),
                _section(
                    "Top offending CIs: down-time",
                    "The CIs with most hours down in the range (from their health events), and their running share.",
                    _graph("pareto-down", pareto_chart(page.pareto_down, "hours down"))
                    if page.pareto_down.names
                    else _empty("No CI in scope was down in this range."),
                    "pareto-down",
                ),
                _section(
                    "Repeat offenders",
                    "CIs with 3 or more incidents in the range, or with an incident that was reopened.",
                    _offender_grid(page.offenders, map_href) if page.offenders else _empty("No repeat offender."),
                    "offenders",
                ),
            ]
        ),
    ]


_SERVICE_READING = (
    "Per service, its incidents are those on any CI it depends on. MTTR: how long they took to resolve; MTBF: how "
    "long between two of them. Long bars on the left and short ones on the right are the services to look at. "
    "The number after a name is its incidents in the range. Click a bar to open the service on the map."
)
_CLASS_READING = "The same per class of CI (MTBF between incidents on the same CI). Click a bar for its CIs."
_GROUP_READING = "The same per assignment group: who is slow to resolve, whose CIs fail often. Click a bar for its CIs."


def map_link(map_href: str, ci_id: str) -> str:
    """A markdown link to the map centred on a CI (the id quoted, so no CMDB text can make it another link);
    `map_href` may carry a query already (asof= of a page as of a time)."""
    joiner = "&" if "?" in map_href else "?"
    return f"[open on map]({map_href}{joiner}root={quote(ci_id, safe='')})"


def _grid(rows: list[dict], columns: tuple[dict, ...]) -> dag.AgGrid:
    return dag.AgGrid(
        rowData=rows,
        columnDefs=list(columns),
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={"domLayout": "autoHeight", "pagination": True, "paginationPageSize": 20},
        className="ag-theme-quartz grid health-grid-table",
        style={"width": "100%"},
    )


def _offender_grid(offenders: tuple[Offender, ...], map_href: str) -> dag.AgGrid:
    rows = [
        {
            "name": o.name,
            "map": map_link(map_href, o.ci_id),
            "class": o.class_name,
            "incidents": o.incidents,
            "reopened": o.reopened,
        }
        for o in offenders
    ]
    return _grid(rows, OFFENDER_COLUMNS)


def build_selection(cis: CIList, map_href: str) -> list:
    """The CIs behind a clicked mark: a heading with how many, and a grid with a link to each on the map."""
    shown = f" (the {MAX_ROWS} with most incidents shown)" if cis.total > len(cis.rows) else ""
    extra = f" {cis.without_ci:,} incidents behind this mark name no CI." if cis.without_ci else ""
    heading = html.H3(f"{cis.title}: {cis.total:,} CIs{shown}.{extra}")
    if not cis.rows:
        return [heading]
    rows = [row | {"map": map_link(map_href, row["id"])} for row in cis.rows]
    return [heading, _grid(rows, CI_COLUMNS)]
