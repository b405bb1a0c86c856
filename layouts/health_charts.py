"""The /health page's plotly figures, built from its view model (dashboard/health_page.py): data in, figures out.

Status colours come from the vocabulary (HEALTH_STYLES), priority colours from PRIORITY_COLOURS: one definition of
colour for the map, the wall and these charts. Every mark carries its click key in `customdata`
(dashboard/health_marks.py says what each selects).
"""

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.domain.health import NO_DATA
from dashboard.domain.vocabulary import HEALTH_STYLES, PRIORITY_COLOURS, Health
from dashboard.health_page import DailyShares, Heat, IncidentDays, ParetoBars, ReliabilityBars, StatusBars

NO_DATA_COLOUR = "#FFFFFF"
FONT = {"family": "system-ui, sans-serif", "size": 14}
# Worst status first in the legend and at the bottom of every stack, where the eye starts.
STACK_ORDER = (Health.DOWN, Health.DEGRADED, Health.UNKNOWN, Health.MAINTENANCE, Health.OK)


def _frame(figure: go.Figure, height: int, **layout: object) -> go.Figure:
    figure.update_layout(
        template="plotly_white",
        height=height,
        font=FONT,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "traceorder": "normal"},
        hoverlabel={"font": FONT},
        clickmode="event",
        **layout,
    )
    return figure


def status_bars(bars: StatusBars, kind: str) -> go.Figure:
    """CIs per status now, one horizontal stacked bar per class or location (kind: "mixclass" or "mixloc")."""
    figure = go.Figure()
    labels = list(reversed(bars.labels))  # the largest at the top
    counts = list(reversed(bars.counts))
    keys = list(reversed(bars.keys))
    for status in STACK_ORDER:
        style = HEALTH_STYLES[status]
        figure.add_bar(
            y=labels,
            x=[row[status] for row in counts],
            orientation="h",
            name=style.label,
            marker={"color": style.colour, "line": {"color": "#555555", "width": 0.5}},
            customdata=[f"{kind}|{key}|{int(status)}" for key in keys],
            hovertemplate="%{y}: %{x} CIs " + style.label + "<extra>click for the CIs</extra>",
        )
    return _frame(figure, 120 + 28 * len(labels), barmode="stack", xaxis={"title": "CIs"}, yaxis={"automargin": True})


def daily_shares(daily: DailyShares) -> go.Figure:
    """The share of CIs per status per day, stacked to 100 %."""
    figure = go.Figure()
    for status in STACK_ORDER:
        style = HEALTH_STYLES[status]
        figure.add_bar(
            x=list(daily.days),
            y=[100 * row[status] for row in daily.shares],
            name=style.label,
            marker={"color": style.colour, "line": {"color": "#555555", "width": 0.5}},
            customdata=[f"day|{day}|{int(status)}" for day in daily.days],
            text=[str(row[status]) for row in daily.counts],
            hovertemplate="%{x}: %{y:.1f} % " + style.label + " (%{text} CIs)<extra>click for the CIs</extra>",
            textposition="none",
        )
    for day, row in zip(daily.days, daily.shares, strict=True):
        bad = row[Health.DOWN] + row[Health.DEGRADED]
        figure.add_annotation(x=day, y=100, text=f"{100 * bad:.0f} %", showarrow=False, yanchor="bottom", font=FONT)
    return _frame(
        figure,
        380,
        barmode="stack",
        yaxis={"title": "% of the CIs observed that day", "range": [0, 112], "tickvals": [0, 25, 50, 75, 100]},
        xaxis={"type": "category"},
    )


def heat(rows: Heat) -> go.Figure:
    """The worst CIs × days, each cell coloured by the CI's worst status that day (white: no events)."""
    order = [NO_DATA, *(int(h) for h in Health)]
    colours = [NO_DATA_COLOUR, *(HEALTH_STYLES[h].colour for h in Health)]
    scale = []
    for i, colour in enumerate(colours):  # one flat band per code from -1 to 4
        scale += [[i / len(colours), colour], [(i + 1) / len(colours), colour]]
    labels = {NO_DATA: "no events", **{int(h): HEALTH_STYLES[h].label for h in Health}}
    names = [
        f"{name} ({hours:g} h down)" if hours else name for name, hours in zip(rows.names, rows.down_hours, strict=True)
    ]
    figure = go.Figure(
        go.Heatmap(
            z=[list(r) for r in reversed(rows.cells)],
            x=list(rows.days),
            y=list(reversed(names)),
            zmin=order[0] - 0.5,
            zmax=order[-1] + 0.5,
            colorscale=scale,
            showscale=False,
            xgap=2,
            ygap=2,
            customdata=[[f"ci|{ci}"] * len(rows.days) for ci in reversed(rows.ci_ids)],
            text=[[labels[c] for c in r] for r in reversed(rows.cells)],
            hovertemplate="%{y}<br>%{x}: %{text}<extra>click to open on the map</extra>",
        )
    )
    return _frame(
        figure, 120 + 26 * len(rows.names), xaxis={"type": "category", "side": "top"}, yaxis={"automargin": True}
    )


def incident_days(days: IncidentDays) -> go.Figure:
    """Incidents opened per day, stacked by priority (P1 at the bottom)."""
    figure = go.Figure()
    for priority in sorted(PRIORITY_COLOURS):
        figure.add_bar(
            x=list(days.days),
            y=[row[priority - 1] for row in days.counts],
            name=f"P{priority}",
            marker={"color": PRIORITY_COLOURS[priority], "line": {"color": "#555555", "width": 0.5}},
            customdata=[f"inc|{day}|{priority}" for day in days.days],
            hovertemplate="%{x}: %{y} P" + str(priority) + " incidents opened<extra>click for their CIs</extra>",
        )
    return _frame(figure, 340, barmode="stack", yaxis={"title": "incidents opened"}, xaxis={"type": "date"})


def reliability(bars: ReliabilityBars) -> go.Figure:
    """MTTR and MTBF side by side, one row per service, class or group (most incidents at the top)."""
    figure = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.04,
        subplot_titles=("MTTR: mean time to resolve (hours)", "MTBF: mean time between failures (hours)"),
    )
    labels = [f"{label} ({n})" for label, n in zip(bars.labels, bars.incidents, strict=True)][::-1]
    keys = list(bars.keys)[::-1]
    for col, values, colour, name in (
        (1, bars.mttr_hours, "#0072B2", "MTTR"),
        (2, bars.mtbf_hours, "#6b7482", "MTBF"),
    ):
        figure.add_bar(
            y=labels,
            x=list(values)[::-1],
            orientation="h",
            name=name,
            marker={"color": colour},
            customdata=keys,
            hovertemplate="%{y}: " + name + " %{x} h<extra>click for the CIs</extra>",
            row=1,
            col=col,
        )
    figure.update_annotations(font=FONT, yshift=6)
    figure = _frame(figure, 150 + 28 * len(labels), showlegend=False, yaxis={"automargin": True})
    return figure.update_layout(margin={"t": 40})


def pareto_chart(bars: ParetoBars, unit: str) -> go.Figure:
    """The biggest contributors as bars (CIs, biggest first) and the running share of the total as a line."""
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    names = list(bars.names)
    customdata = [f"ci|{ci}" for ci in bars.ci_ids]
    figure.add_bar(
        x=names,
        y=list(bars.values),
        name=unit,
        marker={"color": HEALTH_STYLES[Health.DOWN].colour},
        customdata=customdata,
        hovertemplate="%{x}: %{y} " + unit + "<extra>click to open on the map</extra>",
    )
    figure.add_scatter(
        x=names,
        y=[100 * c for c in bars.cumulative],
        name="cumulative % of the total",
        mode="lines+markers",
        line={"color": "#111111"},
        customdata=customdata,
        hovertemplate="%{x}: %{y:.0f} % of all " + unit + " so far<extra></extra>",
        secondary_y=True,
    )
    figure.update_yaxes(title_text=unit, secondary_y=False)
    figure.update_yaxes(title_text="cumulative %", range=[0, 105], tickvals=[0, 25, 50, 75, 100], secondary_y=True)
    return _frame(figure, 420, xaxis={"tickangle": -40, "automargin": True, "type": "category"})
