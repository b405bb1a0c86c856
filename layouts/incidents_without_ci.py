"""The "incidents that name no CI" section of /health: by assignment group, by category, and the newest of them."""

from dash import dcc, html

from dashboard.domain.incidents_without_ci import GroupCount
from dashboard.incidents_without_ci import LISTED, IncidentsWithoutCIView, UnplacedIncident
from layouts import ids
from layouts.health_sections import bar_chart, grid, section

TITLE = "Incidents that name no CI"
INCIDENT_COLUMNS = (
    {"field": "number", "headerName": "Incident", "minWidth": 120, "flex": 1},
    {"field": "opened_at", "headerName": "Opened (UTC)", "minWidth": 150, "flex": 1},
    {"field": "priority", "headerName": "Priority", "minWidth": 90, "flex": 1},
    {"field": "state", "headerName": "State", "minWidth": 100, "flex": 1},
    {"field": "assignment_group", "headerName": "Assignment group", "minWidth": 160, "flex": 2},
    {"field": "category", "headerName": "Category", "minWidth": 120, "flex": 1},
    {"field": "business_service", "headerName": "Business service named", "minWidth": 160, "flex": 2},
    {"field": "named_ci", "headerName": "Unknown CI named", "minWidth": 120, "flex": 1},
    {"field": "summary", "headerName": "Summary", "minWidth": 220, "flex": 3},
)


def build_incidents_without_ci(view: IncidentsWithoutCIView) -> html.Section:
    """The section: how many incidents the CMDB cannot place, where they come from, and the newest of them."""
    section_parts: list[object] = []
    if view.without_ci:
        section_parts.append(
            html.Div(
                [
                    _counts(
                        ids.HEALTH_NO_CI_BY_GROUP,
                        "Incidents without CI by assignment group",
                        view.by_group,
                        "nocigroup",
                    ),
                    _counts(
                        ids.HEALTH_NO_CI_BY_CATEGORY, "Incidents without CI by category", view.by_category, "nocicat"
                    ),
                ],
                className="report-charts",
            )
        )
    listed = f"The newest {LISTED} of them:" if view.without_ci > LISTED else ""
    rows = [incident_row(i) for i in view.incidents]
    section_parts += [
        html.P(listed, className="note") if listed else None,
        grid(ids.HEALTH_NO_CI_INCIDENTS, rows, INCIDENT_COLUMNS, "Every incident in view names a CI."),
    ]
    return section(ids.HEALTH_NO_CI, TITLE, lead(view), [p for p in section_parts if p is not None])


def lead(view: IncidentsWithoutCIView) -> str:
    """The section's headline: the counts, which add up, and what to do."""
    if not view.total:
        return "No incident was opened in this scope and time range."
    dangling = f", {view.dangling} of them a CI the CMDB does not have" if view.dangling else ""
    return (
        f"{view.without_ci} of {view.total} incidents ({view.share:.0%}) name no CI the CMDB knows{dangling}; "
        f"{view.with_ci} name one. For those the CMDB cannot say what was affected: ask the groups on top to link "
        "their incidents to CIs. Incidents without a CI cannot be placed in a scope, so they are all counted."
    )


def _counts(graph_id: str, title: str, counts: tuple[GroupCount, ...], kind: str) -> dcc.Graph:
    shown = [c for c in counts if c.without_ci]
    return bar_chart(
        graph_id,
        title,
        [c.label for c in shown],
        [c.without_ci for c in shown],
        [f"{c.without_ci} of {c.total} ({c.share:.0%})" for c in shown],
        keys=[f"{kind}|{c.label}" for c in shown],  # a click says how many there are: they have no CI to list
    )


def incident_row(incident: UnplacedIncident) -> dict:
    """A grid row of plain values."""
    return {
        "number": incident.number,
        "opened_at": f"{incident.opened_at:%Y-%m-%d %H:%M}" if incident.opened_at else "",
        "priority": f"P{incident.priority}" if incident.priority is not None else "",
        "state": incident.state,
        "assignment_group": incident.assignment_group,
        "category": incident.category,
        "business_service": incident.business_service,
        "named_ci": incident.named_ci,
        "summary": incident.summary,
    }
