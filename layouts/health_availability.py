"""/health's availability section: a bar per business service (worst first, below target in the Down colour) and a
grid of every service in scope with its target, error budget and a link to its map."""

from dash import html

from dashboard.health_availability import HealthAvailability
from layouts.availability import duration, percent
from layouts.health_sections import ALERT_COLOUR, BAR_COLOUR, MAP_COLUMN, bar_chart, grid, map_link, section

SECTION_ID = "health-availability"
COLUMNS = (
    {"field": "service", "headerName": "Business service", "flex": 2, "minWidth": 180},
    {"field": "availability", "headerName": "Availability", "flex": 1, "minWidth": 110},
    {"field": "target", "headerName": "Target", "flex": 1, "minWidth": 90},
    {"field": "budget", "headerName": "Budget left", "flex": 1, "minWidth": 110},
    {"field": "map", **MAP_COLUMN},
)


def build_health_availability(view: HealthAvailability, map_href: str) -> html.Section:
    """The section; a note instead of a chart when the scope holds no business service."""
    title = f"Availability against SLA, last {view.days} days"
    if not view.services:
        return section(SECTION_ID, title, "No business service in this scope: nothing to measure.", [])
    rows = view.rows
    chart = bar_chart(
        "availability",
        "Error budget left (hours; below zero: the target was missed), furthest below first",
        [r.name for r in rows],
        [r.budget_left_seconds / 3600 for r in rows],
        [f"{duration(r.budget_left_seconds)} · {percent(r.availability)} of {r.target:g} %" for r in rows],
        colour=[ALERT_COLOUR if not r.met else BAR_COLOUR for r in rows],
        value_range=_room([r.budget_left_seconds / 3600 for r in rows]),
        keys=[f"svc|{r.ci_id}" for r in rows],  # a click opens the service's map (dashboard/health_marks.py)
    )
    table = [
        {
            "service": r.name,
            "availability": percent(r.availability),
            "target": f"{r.target:g} %",
            "budget": duration(r.budget_left_seconds),
            "map": map_link(map_href, r.ci_id),
        }
        for r in rows
    ]
    return section(
        SECTION_ID,
        title,
        lead(view),
        [chart, grid(f"{SECTION_ID}-grid", table, COLUMNS, "No availability worked out yet.")],
    )


def lead(view: HealthAvailability) -> str:
    """How many services met their target, what to do, and how many are still being worked out."""
    below = sum(not r.met for r in view.rows)
    pending = f" {view.pending} more are being worked out: reload the page to see them." if view.pending else ""
    act = " Start with the first: its error budget is spent furthest." if below else ""
    return (
        f"{len(view.rows) - below} of {len(view.rows)} business services met their SLA target over the last "
        f"{view.days} days (outages: rolled-up down, or a P1 open; docs/availability.md); {below} did not."
        f"{act}{pending}"
    )


def _room(hours: list[float]) -> tuple[float, float]:
    """An axis from below the lowest to above the highest value, with room for the texts beside the bars' ends."""
    low, high = min([0.0, *hours]), max([0.0, *hours])
    span = (high - low) or 1.0
    return (low - span * 0.6 if low < 0 else 0.0, high + span * 0.6 if high > 0 else span * 0.05)


def build_availability_not_as_of() -> html.Section:
    """The section of a page as of a past time (asof=): availability is worked out up to now only, so it says so."""
    return section(
        SECTION_ID,
        "Availability against SLA",
        "Not shown as of a time: availability is worked out over the days up to now only. Remove asof= from the "
        "address for it.",
        [],
    )
