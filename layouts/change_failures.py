"""The "changes followed by incidents" section of /health: failure rates per change type and team, and the pairs."""

from dash import dcc, html

from dashboard.change_failures import LISTED, ChangeFailuresView, ChangePair
from dashboard.domain.change_failures import FailureRate
from layouts import ids
from layouts.health_sections import ALERT_COLOUR, MAP_COLUMN, bar_chart, grid, map_link, section

TITLE = "Changes followed by incidents"
PAIR_COLUMNS = (
    {"field": "change", "headerName": "Change", "minWidth": 120, "flex": 1},
    {"field": "type", "headerName": "Type", "minWidth": 100, "flex": 1},
    {"field": "team", "headerName": "Team", "minWidth": 140, "flex": 2},
    {"field": "changed_ci", "headerName": "Changed CI", "minWidth": 160, "flex": 2},
    {"field": "changed_at", "headerName": "Change at (UTC)", "minWidth": 150, "flex": 1},
    {"field": "incident", "headerName": "Incident", "minWidth": 120, "flex": 1},
    {"field": "priority", "headerName": "Priority", "minWidth": 90, "flex": 1},
    {"field": "incident_ci", "headerName": "Incident on", "minWidth": 160, "flex": 2},
    {"field": "where", "headerName": "Where", "minWidth": 140, "flex": 1},
    {"field": "after", "headerName": "Opened after", "minWidth": 110, "flex": 1},
    {"field": "summary", "headerName": "Incident summary", "minWidth": 220, "flex": 3},
)


def build_change_failures(view: ChangeFailuresView, map_href: str | None = None) -> html.Section:
    """The section: a headline, the rate per change type and per team, and every (change, incident) pair (with a
    link to each CI on the map when `map_href` is the map's path)."""
    lead = (
        f"{view.failed} of {view.changes} changes ({view.rate:.0%}) were followed within 24 hours by an incident on "
        "the changed CI or on something that depends on it. Review the changes of the types and teams on top first."
        if view.changes
        else "No change in this scope and time range."
    )
    charts = (
        [
            _rates(ids.HEALTH_CHANGE_FAILURES_BY_TYPE, "Change-failure rate by change type", view.by_type, "chgtype"),
            _rates(ids.HEALTH_CHANGE_FAILURES_BY_TEAM, "Change-failure rate by team", view.by_team, "chgteam"),
        ]
        if view.changes
        else []
    )
    listed = html.Div(pair_list(view.pairs, view.pair_count, 0, map_href), id=_pager(ids.HEALTH_PAIRS_LIST))
    return section(ids.HEALTH_CHANGE_FAILURES, TITLE, lead, [html.Div(charts, className="report-charts"), listed])


def pair_list(pairs: tuple[ChangePair, ...], total: int, page: int, map_href: str | None) -> list:
    """The list's parts: a page of the pairs (LISTED at a time, newest change first) in a grid; with more than one
    page, which ones are shown of how many, and buttons to the newer and older pages (callbacks/health.py)."""
    rows = [pair_row(pair) for pair in pairs]
    columns = PAIR_COLUMNS
    if map_href is not None:
        columns = (*PAIR_COLUMNS[:4], {"field": "changed_map", **MAP_COLUMN}, *PAIR_COLUMNS[4:8])
        columns += ({"field": "incident_map", **MAP_COLUMN}, *PAIR_COLUMNS[8:])
        for row in rows:
            row["changed_map"] = map_link(map_href, row["changed_ci_id"])
            row["incident_map"] = map_link(map_href, row["incident_ci_id"])
    table = grid(ids.HEALTH_CHANGE_FAILURES_PAIRS, rows, columns, "No change was followed by an incident.")
    parts: list[object] = [table]
    if total > LISTED:
        first = page * LISTED
        parts[:0] = [
            html.P(shown(first, len(pairs), total), className="note"),
            html.Div(
                [
                    html.Button("Newer pairs", id=_pager(ids.HEALTH_PAIRS_NEWER), disabled=page == 0),
                    html.Button("Older pairs", id=_pager(ids.HEALTH_PAIRS_OLDER), disabled=first + LISTED >= total),
                    dcc.Store(id=_pager(ids.HEALTH_PAIRS_PAGE), data=page),
                ],
                className="pager",
            ),
        ]
    return parts


def shown(first: int, count: int, total: int) -> str:
    """Which pairs a page shows, of how many (the grid sorts and filters those shown)."""
    return (
        f"Showing pairs {first + 1:,}–{first + count:,} of {total:,}, newest change first ({LISTED} at a time: the "
        "grid sorts and filters those shown). The buttons show the others; the filters above or a click on a bar "
        "narrow them."
    )


def _pager(kind: str) -> dict:
    return {"type": kind, "name": "changes"}


def _rates(graph_id: str, title: str, rates: tuple[FailureRate, ...], kind: str) -> dcc.Graph:
    return bar_chart(
        graph_id,
        title,
        [r.label for r in rates],
        [r.rate for r in rates],
        [f"{r.rate:.0%} ({r.failed} of {r.changes})" for r in rates],
        percent=True,
        colour=ALERT_COLOUR,
        keys=[f"{kind}|{r.label}" for r in rates],  # a click lists the CIs those failed changes changed
    )


def pair_row(pair: ChangePair) -> dict:
    """A grid row of plain values; `where` says whether the incident hit the changed CI or something above it."""
    hours = (pair.opened_at - pair.changed_at).total_seconds() / 3600
    return {
        "change": pair.change,
        "type": pair.change_type,
        "team": pair.team,
        "changed_ci": pair.changed_ci,
        "changed_ci_id": pair.changed_ci_id,
        "changed_at": f"{pair.changed_at:%Y-%m-%d %H:%M}",
        "incident": pair.incident,
        "priority": f"P{pair.priority}" if pair.priority is not None else "",
        "incident_ci": pair.incident_ci,
        "incident_ci_id": pair.incident_ci_id,
        "where": "the changed CI" if pair.hops == 0 else f"{pair.hops} hop{'s' * (pair.hops > 1)} above it",
        "after": f"{hours:.1f} h",
        "summary": pair.summary,
    }
