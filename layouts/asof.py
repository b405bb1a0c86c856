"""Time travel in the map's controls: a slider over the health window (its right end is live) and what it shows."""

from dash import dcc, html

from dashboard.asof import DiffView
from dashboard.domain.vocabulary import HEALTH_STYLES, Health
from layouts import ids


def build_time_travel() -> html.Div:
    """The slider (bounds and marks come from the snapshot, callbacks/asof.py), its reading and a way back to live."""
    return html.Div(
        [
            html.Label("Time travel (UTC)", htmlFor=ids.MAP_ASOF, id=f"{ids.MAP_ASOF}-label"),
            dcc.Slider(
                id=ids.MAP_ASOF,
                min=0,
                max=1,
                step=3600,
                value=1,
                marks={},
                included=False,
                updatemode="mouseup",
                allow_direct_input=False,  # its box would show seconds since 1970; the line below says the time
                className="asof-slider",
            ),
            html.P("Live", id=ids.MAP_ASOF_SHOWN, className="note", **{"aria-live": "polite"}),
            html.Button("Back to live", id=ids.MAP_ASOF_LIVE, className="button", hidden=True),
        ],
        className="time-travel",
    )


MAX_MARKS = 4  # the controls are narrow: four dates and "now" fit without overlapping


def slider_marks(days: list[tuple[int, str]], end: int) -> dict:
    """Marks: up to MAX_MARKS days, evenly spread, counted back from the newest, and 'now' at the right end (a day
    too close to it is left out)."""
    if days:
        step = max(1, -(-len(days) // MAX_MARKS))
        room = (end - days[0][0]) / max(1, len(days)) * step * 0.6
        days = [day for day in days[::-1][::step] if end - day[0] >= room][::-1]
    return dict(days) | {end: "now"}


MAX_LISTED = 50


def build_live_note(as_of: str) -> html.P:
    """Above a CI's details while the map is as of a time: the details are today's, not those of then."""
    return html.P(
        f"The map is as of {as_of.replace('T', ' ')} UTC; these details (status, record, incidents) are live.",
        className="note as-of-live",
    )


def build_diff(view: DiffView) -> list:
    """'Between T1 and T2 on this map: …' with each list folded (status changes, incidents, changes)."""
    counts = (
        f"{len(view.statuses):,} CI{'s' if len(view.statuses) != 1 else ''} changed status (marked on the map), "
        f"{len(view.opened):,} incident{'s' if len(view.opened) != 1 else ''} opened, {len(view.resolved):,} resolved, "
        f"{len(view.changes):,} change{'s' if len(view.changes) != 1 else ''}."
    )
    lists = [
        ("Status changes", [f"{s.name}: {_label(s.before)} → {_label(s.after)}" for s in view.statuses]),
        ("Incidents opened", list(view.opened)),
        ("Incidents resolved", list(view.resolved)),
        ("Changes", list(view.changes)),
    ]
    return [
        html.Div(
            [
                html.Strong(f"Between {view.since} and {view.until} on this map: "),
                html.Span(counts),
                *(_folded(title, lines) for title, lines in lists if lines),
            ],
            className="notice-box n-asof-diff",
        )
    ]


def diff_data(view: DiffView) -> dict[str, str]:
    """Per element id of a CI whose status changed: what it was before ('Down → OK')."""
    return {f"ci-{s.ci_id}": f"{_label(s.before)} → {_label(s.after)}" for s in view.statuses}


def _label(status: Health) -> str:
    return HEALTH_STYLES[status].label


def _folded(title: str, lines: list[str]) -> html.Details:
    shown = lines[:MAX_LISTED]
    more = [html.Li(f"and {len(lines) - MAX_LISTED:,} more")] if len(lines) > MAX_LISTED else []
    return html.Details(
        [html.Summary(f"{title} ({len(lines):,})"), html.Ul([html.Li(line) for line in shown] + more)],
        className="diff-list",
    )
