"""The report as one self-contained HTML page: every CMDB string escaped, charts by plotly, no CDN.

`plotly_js="inline"` puts plotly.js in the page (a file to mail or archive: about 4.8 MB); otherwise it is the URL
of plotly.min.js beside the page (the /report route serves it). Links to the map need a base URL; without one, CIs
are named by id and name only.
"""

import re
from datetime import datetime

from plotly.offline import get_plotlyjs

from dashboard.domain.cmdb_health import DIMENSIONS, percent
from dashboard.domain.vocabulary import HEALTH_STYLES, Health
from dashboard.report import Report, ServiceRisk, common_fault
from dashboard.report_markup import bar, ci_link, e, section, table
from dashboard.report_parts import changes, lifecycle, top_cis, unplaced
from dashboard.report_sections import MAX_AVAILABILITY
from layouts.availability import duration
from layouts.availability import percent as availability_percent

CSS = """
html { font-size: clamp(15px, 0.8vw, 30px); }  /* a 4K screen reads it at the size a laptop does */
body { font: 1rem/1.45 system-ui, sans-serif; color: #1d2430; margin: 2em auto; max-width: 80em; padding: 0 1.5em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.25em; margin: 1.6em 0 0.4em; }
.meta { color: #5b6575; }
.stale { background: #b42318; color: #fff; font-weight: 700; padding: 0.5em 0.8em; }
.next { background: #eef4ff; border-left: 4px solid #0072B2; padding: 0.5em 0.8em; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0; }
th, td { text-align: left; padding: 0.3em 0.8em 0.3em 0; border-bottom: 1px solid #dde1e7; vertical-align: top;
  overflow-wrap: anywhere; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; } td.num { white-space: nowrap; }
.when { white-space: nowrap; }
.status { display: inline-block; padding: 0 0.5em; border-radius: 0.3em; font-weight: 600; white-space: nowrap; }
th { overflow-wrap: normal; }
@media print { body { margin: 0; max-width: none; } section { break-inside: avoid-page; } a { color: inherit; } }
"""


def report_html(
    report: Report, *, plotly_js: str = "inline", map_url: str = "", stale_since: datetime | None = None
) -> str:
    """The whole page; plotly_js is "inline" or the URL of plotly.min.js; map_url the map's base URL (or "");
    stale_since when the CMDB has not been read since then (the page then says so before anything else)."""
    script = (
        f"<script>{get_plotlyjs()}</script>" if plotly_js == "inline" else f'<script src="{e(plotly_js)}"></script>'
    )
    sections = (
        _services(report, map_url),
        top_cis(report, map_url),
        changes(report, map_url),
        _quality(report, map_url),
        _incidents(report),
        unplaced(report),
        lifecycle(report, map_url),
    )
    body = "\n".join((_header(report, stale_since), *sections))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>servicemap report {report.generated_at:%Y-%m-%d}</title><style>{CSS}</style>{script}</head>"
        f"<body>{body}</body></html>\n"
    )


def _header(report: Report, stale_since: datetime | None) -> str:
    scope = ", ".join(report.scope) if report.scope else "every business service"
    days = report.window.total_seconds() / 86400
    stale = (
        f'<p class="stale">STALE: the CMDB could not be read since {stale_since:%Y-%m-%d %H:%M} UTC; this report '
        f"shows it as read at {report.loaded_at:%Y-%m-%d %H:%M} UTC.</p>"
        if stale_since is not None
        else ""
    )
    return (
        f"<header><h1>servicemap report</h1>{stale}"
        f'<p class="meta">Made {report.generated_at:%Y-%m-%d %H:%M} UTC from the CMDB as read at '
        f"{report.loaded_at:%Y-%m-%d %H:%M} UTC · window: the last {days:g} days · scope: {e(scope)}</p></header>"
    )


def _services(report: Report, map_url: str) -> str:
    counts = dict(zip(Health, report.status_counts, strict=True))
    down, degraded = counts[Health.DOWN], counts[Health.DEGRADED]
    summary = (
        f"{len(report.at_risk)} of {report.services_total} business services need attention "
        f"({down} down, {degraded} degraded; the others have an open P1 or P2 on them or below them)."
    )
    if report.services_total == 0:
        summary = (
            "The CMDB holds no business service in scope, so no service can be at risk: the open incidents and the "
            "data quality below are what there is to see."
        )
        step = (
            "Model the business services (class business_service) and what they depend on, so that trouble has a place."
        )
        return section("Services at risk", f"<p>{summary}</p>", step, "")
    common = common_fault(report.at_risk)
    if common is not None:
        ci_id, name, many = common
        step = (
            f"{ci_link(ci_id, name, map_url)} is the likely fault of {many} of these services: start there. "
            "Then go down the table, worst first (status, then criticality)."
        )
    elif report.at_risk:
        first = report.at_risk[0].tile
        fault = f", starting with {e(first.fault.name)}, the likely fault" if first.fault else ""
        step = f"Open {e(first.name)}'s map first{fault}; then go down the table, worst first."
    else:
        step = "Nothing to do: every service in scope is OK or in maintenance, with no open P1 or P2 below it."
    chart = bar(
        [HEALTH_STYLES[h].label for h in Health],
        list(report.status_counts),
        [HEALTH_STYLES[h].colour for h in Health],
        "Business services by status",
    )
    return section("Services at risk", f"<p>{summary}</p>", step, chart + _risk_table(report, map_url))


def _risk_table(report: Report, map_url: str) -> str:
    if not report.at_risk:
        return ""
    days = report.window.total_seconds() / 86400
    head = (
        "Service",
        "Criticality",
        "Status",
        "Since",
        "Open P1 · P2 · P3–5",
        f"Opened, {days:g} d",
        f"Availability, {report.sections.availability_days} d",
        "Budget left",
        "Lifecycle risk below it",
        "Likely fault",
    )
    rows = [_risk_row(r, report, map_url) for r in report.at_risk]
    note = (
        f"<p class=meta>Availability for the {MAX_AVAILABILITY} worst only (docs/availability.md says how it is "
        "measured).</p>"
        if len(rows) > MAX_AVAILABILITY
        else "<p class=meta>Availability against each service's target: docs/availability.md says how.</p>"
    )
    return table(head, rows, numeric={4, 5, 6, 7, 8}) + note


def _risk_row(risk: ServiceRisk, report: Report, map_url: str) -> list[str]:
    tile = risk.tile
    sla = report.sections.availability.get(tile.ci_id) if tile.ci_id is not None else None
    measured = sla.report if sla is not None else None
    style = HEALTH_STYLES[tile.status]
    status = f'<span class="status" style="background:{style.colour};color:{style.ink}">{e(style.label)}</span>'
    before = "" if tile.since_known else "before "  # the history does not show the start: then or earlier
    since = f"<span class=when>{before}{tile.since:%Y-%m-%d %H:%M}</span>" if tile.since else ""
    fault = ci_link(tile.fault.ci_id, tile.fault.name, map_url) if tile.fault else ""
    p = tile.incidents
    return [
        ci_link(tile.ci_id, tile.name, map_url) if tile.ci_id is not None else e(tile.name),
        e(tile.criticality),
        status,
        since,
        f"{p[0]} · {p[1]} · {sum(p[2:])}",
        str(risk.opened_in_window),
        f"{availability_percent(measured.availability)} of {measured.target:g} %" if measured else "",
        duration(measured.budget_left_seconds) if measured else "",
        "" if risk.lifecycle_below is None else f"{risk.lifecycle_below} CIs",
        fault,
    ]


def _incidents(report: Report) -> str:
    total = sum(report.open_by_priority)
    chart = bar(
        [f"P{p}" for p in range(1, 6)], list(report.open_by_priority), ["#1d2430"] * 5, "Open incidents by priority"
    )
    text = f"<p>{total:,} open incidents; {report.open_without_ci:,} of them name no CI the CMDB has.</p>"
    if report.open_without_ci:
        step = (
            "Ask the service desk to link the incidents that name no CI to the CI they are about: servicemap cannot "
            "place them on any map, so no service counts them."
        )
    else:
        step = "Every open incident names a CI: nothing to link."
    return section("Open incidents", text, step, chart)


def _quality(report: Report, map_url: str) -> str:
    total = report.health.total
    parts = ", ".join(f"{d} {percent(getattr(total, d))}" for d in DIMENSIONS)
    text = f"<p>CMDB health {percent(total.overall)} ({parts}).</p>"
    failing = [c for c in report.health.checks if c.failing][:5]
    if failing:
        worst = failing[0]
        step = f"Fix the check that fails most first: “{e(worst.title)}” — {worst.failing:,} of {worst.checked:,} CIs."
    else:
        step = "Every CI passes every check: keep it so."
    checks = table(
        ("Part", "A CI passes when it", "Failing", "For example"),
        [
            [
                e(c.dimension),
                e(c.title),
                f"{c.failing:,} of {c.checked:,}",
                ", ".join(ci_link(i, n, map_url) for i, n in c.examples[:3]),
            ]
            for c in failing
        ],
        numeric={2},
    )
    findings = table(
        ("Severity", "Finding", "Count", "Handling"),
        [[e(str(f.severity)), e(f.title), f"{f.count:,}", e(f.detail)] for f in report.findings],
        numeric={2},
    )
    return section("CMDB data quality", text, step, checks + "<h3>Worst findings</h3>" + findings)


_INLINE_SCRIPT = re.compile(r"<script(?: type=\"text/javascript\")?>(.*?)</script>", re.DOTALL)


def inline_scripts(page: str) -> tuple[str, ...]:
    """The texts of the page's inline scripts (plotly's calls that draw each chart), for the page's CSP hashes."""
    return tuple(_INLINE_SCRIPT.findall(page))
