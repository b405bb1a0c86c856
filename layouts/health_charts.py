"""The /health page's plotly figures, built from its view model (dashboard/health_page.py): data in, figures out.

Figures are plain dicts (what dcc.Graph sends anyway): plotly.graph_objects validates every property on the server,
which cost more than computing the page (170 ms of 230 at 100,000 CIs, benchmarks/health.py). Status colours come
from the vocabulary (HEALTH_STYLES), priority colours from PRIORITY_COLOURS: one definition of colour for the map,
the wall and these charts. Every mark carries its click key in `customdata` (dashboard/health_marks.py says what
each selects).
"""

from dashboard.domain.health import NO_DATA
from dashboard.domain.vocabulary import HEALTH_STYLES, PRIORITY_COLOURS, Health
from dashboard.health_page import DailyShares, Heat, IncidentDays, ParetoBars, ReliabilityBars, StatusBars
from layouts.chart_margins import (
    DATE_PX,
    LEGEND_PX,
    LINE_PX,
    TICK_PAD,
    TITLE_PX,
    count_ticks_px,
    first_slanted_px,
    labels_px,
    margin,
    slanted_px,
)

NO_DATA_COLOUR = "#FFFFFF"
FONT = {"family": "system-ui, sans-serif", "size": 14}
# Worst status first in the legend and at the bottom of every stack, where the eye starts.
STACK_ORDER = (Health.DOWN, Health.DEGRADED, Health.UNKNOWN, Health.MAINTENANCE, Health.OK)


GRID = "#e5e8ec"
PARETO_ANGLE = -40  # the pareto's CI names, slanted


def _figure(traces: list[dict], height: int, margins: dict, **layout: object) -> dict:
    """A figure: the traces, and the page's common layout (white, one font, a legend above, margins wide enough for
    the labels: layouts/chart_margins.py) with `layout` over it."""
    axis = {"gridcolor": GRID, "zerolinecolor": GRID, "automargin": True}
    common = {
        "height": height,
        # Unscaled: a big screen scales charts from them (assets/vendor/plotly-scale.js, callbacks/health.py).
        "meta": {"height": height, "margin": margins},
        "font": FONT,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "margin": margins,
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "traceorder": "normal"},
        "hoverlabel": {"font": FONT},
        "clickmode": "event",
        "xaxis": axis,
        "yaxis": axis,
    }
    for key, value in layout.items():
        common[key] = {**axis, **value} if key.startswith(("xaxis", "yaxis")) and isinstance(value, dict) else value
    return {"data": traces, "layout": common}


def _bar(**trace: object) -> dict:
    return {"type": "bar", **trace}


def status_bars(bars: StatusBars, kind: str) -> dict:
    """CIs per status now, one horizontal stacked bar per class or location (kind: "mixclass" or "mixloc")."""
    labels = list(reversed(bars.labels))  # the largest at the top
    counts = list(reversed(bars.counts))
    keys = list(reversed(bars.keys))
    traces = [
        _bar(
            y=labels,
            x=[row[status] for row in counts],
            orientation="h",
            name=HEALTH_STYLES[status].label,
            marker={"color": HEALTH_STYLES[status].colour, "line": {"color": "#555555", "width": 0.5}},
            customdata=[f"{kind}|{key}|{int(status)}" for key in keys],
            hovertemplate="%{y}: %{x} CIs " + HEALTH_STYLES[status].label + "<extra>click for the CIs</extra>",
        )
        for status in STACK_ORDER
    ]
    largest = max((sum(row) for row in counts), default=0)
    margins = margin(left=labels_px(labels) + TICK_PAD, top=LEGEND_PX, bottom=LINE_PX + TICK_PAD + TITLE_PX)
    return _figure(traces, 120 + 28 * len(labels), margins, barmode="stack", xaxis=_count_axis("CIs", largest))


def _count_axis(title: str, largest: int) -> dict:
    """An axis of whole counts: no 0.5 CIs on a small scale."""
    return {"title": {"text": title}, "tickformat": ",d", **({"dtick": 1} if largest <= 8 else {})}


def daily_shares(daily: DailyShares) -> dict:
    """The share of CIs per status per day, stacked to 100 %, with the share down or degraded above each day."""
    traces = [
        _bar(
            x=list(daily.days),
            y=[100 * row[status] for row in daily.shares],
            name=HEALTH_STYLES[status].label,
            marker={"color": HEALTH_STYLES[status].colour, "line": {"color": "#555555", "width": 0.5}},
            customdata=[f"day|{day}|{int(status)}" for day in daily.days],
            text=[str(row[status]) for row in daily.counts],
            textposition="none",
            hovertemplate="%{x}: %{y:.1f} % "
            + HEALTH_STYLES[status].label
            + " (%{text} CIs)<extra>click for the CIs</extra>",
        )
        for status in STACK_ORDER
    ]
    bad = [
        {
            "x": day,
            "y": 100,
            "text": f"{100 * (row[Health.DOWN] + row[Health.DEGRADED]):.0f} %",
            "showarrow": False,
            "yanchor": "bottom",
            "font": FONT,
        }
        for day, row in zip(daily.days, daily.shares, strict=True)
    ]
    return _figure(
        traces,
        380,
        margin(left=count_ticks_px(100), top=LEGEND_PX, bottom=DATE_PX),
        barmode="stack",
        annotations=bad,
        yaxis={
            "title": {"text": "% of the CIs observed that day"},
            "range": [0, 112],
            "tickvals": [0, 25, 50, 75, 100],
        },
        xaxis={"type": "category"},
    )


def heat(rows: Heat) -> dict:
    """The worst CIs × days, each cell coloured by the CI's worst status that day (white: no events)."""
    colours = [NO_DATA_COLOUR, *(HEALTH_STYLES[h].colour for h in Health)]
    scale = []
    for i, colour in enumerate(colours):  # one flat band per code from NO_DATA (-1) to DOWN (4)
        scale += [[i / len(colours), colour], [(i + 1) / len(colours), colour]]
    labels = {NO_DATA: "no events", **{int(h): HEALTH_STYLES[h].label for h in Health}}
    names = [
        f"{name} ({hours:g} h down)" if hours else name for name, hours in zip(rows.names, rows.down_hours, strict=True)
    ]
    trace = {
        "type": "heatmap",
        "z": [list(r) for r in reversed(rows.cells)],
        "x": list(rows.days),
        "y": list(reversed(names)),
        "zmin": NO_DATA - 0.5,
        "zmax": int(Health.DOWN) + 0.5,
        "colorscale": scale,
        "showscale": False,
        "xgap": 2,
        "ygap": 2,
        "customdata": [[f"ci|{ci}"] * len(rows.days) for ci in reversed(rows.ci_ids)],
        "text": [[labels[c] for c in r] for r in reversed(rows.cells)],
        "hovertemplate": "%{y}<br>%{x}: %{text}<extra>click to open on the map</extra>",
    }
    margins = margin(left=labels_px(names) + TICK_PAD, top=DATE_PX)
    return _figure([trace], 120 + 26 * len(rows.names), margins, xaxis={"type": "category", "side": "top"})


def incident_days(days: IncidentDays) -> dict:
    """Incidents opened per day, stacked by priority (P1 at the bottom)."""
    traces = [
        _bar(
            x=list(days.days),
            y=[row[priority - 1] for row in days.counts],
            name=f"P{priority}",
            marker={"color": PRIORITY_COLOURS[priority], "line": {"color": "#555555", "width": 0.5}},
            customdata=[f"inc|{day}|{priority}" for day in days.days],
            hovertemplate="%{x}: %{y} P" + str(priority) + " incidents opened<extra>click for their CIs</extra>",
        )
        for priority in sorted(PRIORITY_COLOURS)
    ]
    largest = max((sum(row) for row in days.counts), default=0)
    margins = margin(left=count_ticks_px(largest), top=LEGEND_PX, bottom=2 * LINE_PX + TICK_PAD)  # dates: 2 lines
    yaxis = _count_axis("incidents opened", largest)
    return _figure(traces, 340, margins, barmode="stack", yaxis=yaxis, xaxis={"type": "date"})


def reliability(bars: ReliabilityBars) -> dict:
    """MTTR and MTBF side by side, one row per service, class or group (most incidents at the top)."""
    labels = [f"{label} ({n})" for label, n in zip(bars.labels, bars.incidents, strict=True)][::-1]
    keys = list(bars.keys)[::-1]
    traces = [
        _bar(
            y=labels,
            x=list(values)[::-1],
            orientation="h",
            name=name,
            xaxis=axis,
            marker={"color": colour},
            customdata=keys,
            hovertemplate="%{y}: " + name + " %{x} h<extra>click for the CIs</extra>",
        )
        for values, colour, name, axis in (
            (bars.mttr_hours, "#0072B2", "MTTR", "x"),
            (bars.mtbf_hours, "#6b7482", "MTBF", "x2"),
        )
    ]
    # Each title centred over its own bars ("x domain"), short enough for half a column: a paper-relative place
    # ignored the labels' margin, and the long titles ran into each other.
    subplots = (("MTTR: hours to resolve", "x domain"), ("MTBF: hours between failures", "x2 domain"))
    titles = [
        {"text": text, "x": 0.5, "y": 1, "xref": ref, "yref": "paper", "xanchor": "center", "yanchor": "bottom",
         "showarrow": False, "font": FONT}
        for text, ref in subplots
    ]  # fmt: skip
    return _figure(
        traces,
        150 + 28 * len(labels),
        margin(left=labels_px(labels) + TICK_PAD, right=24, top=40, bottom=LINE_PX + TICK_PAD),  # r: the last tick
        showlegend=False,
        annotations=titles,
        xaxis={"domain": [0, 0.48]},
        xaxis2={"domain": [0.52, 1], "anchor": "y"},
    )


def pareto_chart(bars: ParetoBars, unit: str) -> dict:
    """The biggest contributors as bars (CIs, biggest first) and the running share of the total as a line."""
    names = list(bars.names)
    customdata = [f"ci|{ci}" for ci in bars.ci_ids]
    traces = [
        _bar(
            x=names,
            y=list(bars.values),
            name=unit,
            marker={"color": HEALTH_STYLES[Health.DOWN].colour},
            customdata=customdata,
            hovertemplate="%{x}: %{y} " + unit + "<extra>click to open on the map</extra>",
        ),
        {
            "type": "scatter",
            "x": names,
            "y": [100 * c for c in bars.cumulative],
            "yaxis": "y2",
            "name": "cumulative % of the total",
            "mode": "lines+markers",
            "line": {"color": "#111111"},
            "customdata": customdata,
            "hovertemplate": "%{x}: %{y:.0f} % of all " + unit + " so far<extra></extra>",
        },
    ]
    largest = max(bars.values, default=0)
    margins = margin(
        # Hours may have a decimal: room for one more digit. The first name, slanted, reaches left of the plot.
        left=max(count_ticks_px(largest * 10), first_slanted_px(names, PARETO_ANGLE)),
        right=count_ticks_px(100),
        top=LEGEND_PX,
        bottom=slanted_px(names, PARETO_ANGLE) + TICK_PAD,
    )
    return _figure(
        traces,
        420,
        margins,
        xaxis={"tickangle": PARETO_ANGLE, "type": "category"},
        yaxis=_count_axis(unit, int(largest)) if unit == "incidents" else {"title": {"text": unit}},
        yaxis2={
            "title": {"text": "cumulative %"},
            "range": [0, 105],
            "tickvals": [0, 25, 50, 75, 100],
            "overlaying": "y",
            "side": "right",
            "showgrid": False,
        },
    )
