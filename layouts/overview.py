"""The overview page: what the snapshot holds, how old it is, and what is wrong with the data."""

from dataclasses import dataclass
from datetime import datetime

from dash import html

from dashboard.domain.findings import Finding
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


def build_body(source: str | None, counts: dict[str, int], classes: dict[str, int], findings: list[Finding]) -> list:
    """Where the data comes from (None: not shown), counts per table and class, and the data-quality findings."""
    return [
        *([html.P(["Source: ", html.Code(source)])] if source is not None else []),
        html.Section([html.H2("Contents"), _table(("Table", "Rows"), counts.items())], className="card"),
        html.Section([html.H2("CIs by class"), _table(("Class", "CIs"), classes.items())], className="card"),
        html.Section([html.H2("Data quality"), _findings(findings)], className="card wide"),
    ]


def _table(header: tuple[str, str], rows: object) -> html.Table:
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in header])),
            html.Tbody([html.Tr([html.Td(str(k)), html.Td(f"{v:,}", className="num")]) for k, v in rows]),
        ]
    )


def _findings(findings: list[Finding]) -> html.Div | html.Table:
    if not findings:
        return html.P("No problems found.")
    rows = [
        html.Tr(
            [
                html.Td(str(f.severity), className=f"sev {f.severity}"),
                html.Td(f.title),
                html.Td(f"{f.count:,}", className="num"),
                html.Td(", ".join(f.examples)),
                html.Td(f.detail),
            ]
        )
        for f in findings
    ]
    header = html.Thead(html.Tr([html.Th(h) for h in ("Severity", "Finding", "Count", "Examples", "Handling")]))
    return html.Table([header, html.Tbody(rows)])
