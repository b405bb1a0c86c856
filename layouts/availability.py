"""A service's availability in its details panel: one line against its SLA target and a bar per day (plotly)."""

import numpy as np
import plotly.graph_objects as go
from dash import dcc, html

from dashboard.availability import AvailabilityView
from dashboard.domain.availability import AvailabilityReport
from layouts import ids

BELOW, MET = "#D55E00", "#0072B2"  # Okabe-Ito vermilion and blue, as the status palette
HALF_DAY = 43_200


def percent(share: float) -> str:
    """99.8234 % as '99.82 %', never rounded up to 100.00 % while there was any outage."""
    value = share * 100
    shown = f"{value:.2f}"
    if shown == "100.00" and share < 1:
        shown = "99.99"
    return f"{shown} %"


def duration(seconds: float) -> str:
    """A signed duration for a budget: '−12 min', '+3.5 h', '+2 d' (a true minus sign)."""
    sign = "−" if seconds < 0 else "+"
    size = abs(seconds)
    if size < 2 * 3600:
        return f"{sign}{size / 60:.0f} min"
    if size < 2 * 86400:
        return f"{sign}{size / 3600:.1f} h"
    return f"{sign}{size / 86400:.1f} d"


def availability_line(view: AvailabilityView) -> str:
    """'Availability 30 d: 99.82 % (target 99.9 %, budget −12 min)'."""
    result = view.report
    return (
        f"Availability {view.days} d: {percent(result.availability)} "
        f"(target {result.target:g} %, budget {duration(result.budget_left_seconds)})"
    )


def wall_line(view: AvailabilityView) -> str:
    """A wall tile's line, short enough for one line of a tile: '99.82 % · budget −12 min' (over the last 30 days;
    the budget's sign says whether the target is met)."""
    result = view.report
    return f"{percent(result.availability)} · budget\u00a0{duration(result.budget_left_seconds)}"


def build_availability(view: AvailabilityView) -> list:
    """The availability section of a business service's details."""
    result = view.report
    spent = result.budget_left_seconds < 0
    source = result.target_source
    where = "the default (SERVICEMAP_SLA_TARGET)" if source == "setting" else f"its {source} attribute"
    notes = [f"Target from {where}. Outage: rolled-up status down, or a P1 incident on it or below it."]
    if view.health_note:
        notes.append(view.health_note)
    return [
        html.H3("Availability"),
        html.P(
            availability_line(view),
            className="availability spent" if spent else "availability",
            id=ids.DETAILS_AVAILABILITY,
        ),
        html.P(" ".join(notes), className="note"),
        _day_chart(result),
    ]


def _day_chart(result: AvailabilityReport) -> dcc.Graph:
    days = [str(np.datetime64(d.start, "D")) for d in result.days]
    shares = [d.availability * 100 for d in result.days]
    below = [share < result.target for share in shares]
    figure = go.Figure()
    figure.add_bar(
        x=days,
        y=shares,
        marker={"color": [BELOW if b else MET for b in below]},
        customdata=[round(d.outage_seconds / 60) for d in result.days],
        hovertemplate="%{x}: %{y:.2f} % (%{customdata} min out)<extra></extra>",
        name="availability",
    )
    figure.add_hline(y=result.target, line={"dash": "dash", "color": "#1d2430"})
    # The axis follows the days counted at least half a day: today, an hour old and down, would squash every other
    # bar into 0–100 %; a bar below the axis runs off its foot, vermilion.
    whole = [share for share, day in zip(shares, result.days, strict=True) if day.seconds >= HALF_DAY]
    low = min([*whole, result.target])
    figure.update_layout(
        height=160,
        margin={"l": 50, "r": 10, "t": 10, "b": 30},
        showlegend=False,
        yaxis={"range": [max(0.0, low - (100 - low) * 0.2 - 0.05), 100.02], "ticksuffix": " %"},
        xaxis={"type": "date"},
        template="plotly_white",
    )
    return dcc.Graph(figure=figure, config={"displayModeBar": False}, className="availability-chart")
