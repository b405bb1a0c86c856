"""The overview page: what the snapshot holds, how old it is, and what is wrong with the data."""

from dataclasses import dataclass
from datetime import datetime

from dash import dcc, html

from dashboard.domain.findings import Finding, by_severity
from layouts import ids


@dataclass(frozen=True, slots=True)
class DataAge:
    """What the page says about the age of its data."""

    loaded_at: datetime | None
    checked_at: datetime | None
    now: datetime
    error: str | None = None
    error_id: str | None = None
    failed_at: datetime | None = None


def build_quality_page() -> html.Div:
    """The data-quality page; its body is filled by the overview callback on load and every tick."""
    return html.Div(html.Main(id=ids.OVERVIEW_BODY), id=ids.PAGE_QUALITY, className="quality-page", hidden=True)


def _ago(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 90:
        return f"{seconds} s ago"
    if seconds < 90 * 60:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min ago"


def build_status(age: DataAge) -> list:
    """The data-age line, and a plain warning when the last refresh failed (never old data shown as current). Each
    answer carries a mark of its own (the server's time), so that the browser's clock sees that an answer came."""
    return [*_age_lines(age), html.Span(hidden=True, **{"data-answer": age.now.isoformat()})]


def _age_lines(age: DataAge) -> list:
    if age.loaded_at is None:
        text = "No data loaded yet."
        if age.error:
            text += f" The CMDB could not be read: {age.error} (error id {age.error_id})."
        return [html.P(text, className="stale")]
    # The relative parts ("1 s ago", "checked") are hidden while the browser's clock says the server is silent.
    ago = html.Span(f" ({_ago((age.now - age.loaded_at).total_seconds())})", className="ago")
    parts = [html.Span([f"Data loaded {age.loaded_at:%Y-%m-%d %H:%M:%S} UTC", ago], className="age")]
    if age.error:
        failed = f"{age.failed_at:%H:%M:%S} UTC" if age.failed_at else "the last attempt"
        parts.append(
            html.P(
                f"STALE: refreshing from the CMDB failed at {failed}: {age.error} (error id {age.error_id}). "
                "What you see is the data loaded above, not the current state.",
                className="stale",
                role="alert",
            )
        )
    elif age.checked_at is not None:
        checked = f"CMDB checked {_ago((age.now - age.checked_at).total_seconds())}"
        parts.append(html.Span(checked, className="checked"))
    return parts


MAP_LINKS = 5  # example CIs linked per finding


def build_body(
    source: str | None,
    counts: dict[str, int],
    classes: dict[str, int],
    findings: list[Finding],
    map_href: str = "/",
    health: html.Section | None = None,
) -> list:
    """Where the data comes from (None: not shown), the CMDB health section when given, counts per table and class,
    and the data-quality findings (worst first, each with links to its example CIs on the map at `map_href`)."""
    return [
        *([html.P(["Source: ", html.Code(source)])] if source is not None else []),
        *([health] if health is not None else []),
        html.Section([html.H2("Contents"), _table(("Table", "Rows"), counts.items())], className="card"),
        html.Section([html.H2("CIs by class"), _table(("Class", "CIs"), classes.items())], className="card"),
        html.Section([html.H2("Data quality"), _findings(findings, map_href)], className="card wide"),
    ]


def _table(header: tuple[str, str], rows: object) -> html.Table:
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in header])),
            html.Tbody([html.Tr([html.Td(str(k)), html.Td(f"{v:,}", className="num")]) for k, v in rows]),
        ]
    )


def _findings(findings: list[Finding], map_href: str) -> html.Div | html.Table:
    if not findings:
        return html.P("No problems found.")
    rows = [
        html.Tr(
            [
                html.Td(str(f.severity), className=f"sev {f.severity}"),
                html.Td(f.title),
                html.Td(f"{f.count:,}", className="num"),
                html.Td([html.Span(", ".join(f.examples)), *_map_links(f, map_href)]),
                html.Td(f.detail),
            ]
        )
        for f in by_severity(findings)
    ]
    header = html.Thead(html.Tr([html.Th(h) for h in ("Severity", "Finding", "Count", "Examples", "Handling")]))
    return html.Table([header, html.Tbody(rows)])


def _map_links(finding: Finding, map_href: str) -> list:
    """Links to a few of the finding's CIs on the map, and to the first one's view as a table (ids only: no name from
    the CMDB becomes part of a link)."""
    if not finding.ci_ids:
        return []
    links: list = []
    for ci_id in finding.ci_ids[:MAP_LINKS]:
        if links:
            links.append(", ")
        links.append(dcc.Link(f"#{ci_id}", href=f"{map_href}?root={ci_id}", title=f"Open CI {ci_id} on the map"))
    first = finding.ci_ids[0]
    table = dcc.Link("as a table", href=f"{map_href}?root={first}&view=table", title=f"CI {first}'s view as a table")
    return [html.Div(["On the map: ", *links, " · ", table], className="finding-links")]
