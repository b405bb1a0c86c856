"""The /health page's report sections, after its charts: changes followed by incidents, incidents that name no CI,
asset lifecycle risk (each section's builder is in its own module)."""

from dash import html

from dashboard.health_reports import HealthReports
from layouts.change_failures import build_change_failures
from layouts.incidents_without_ci import build_incidents_without_ci
from layouts.lifecycle import build_lifecycle


def build_reports(reports: HealthReports, map_href: str) -> html.Div:
    """The three sections, each CI in their tables with a link to it on the map."""
    return html.Div(
        [
            build_change_failures(reports.changes, map_href),
            build_incidents_without_ci(reports.without_ci),
            build_lifecycle(reports.lifecycle, map_href),
        ],
        className="health-reports",
    )
