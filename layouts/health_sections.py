"""Parts the report sections of /health share: a titled section, a horizontal bar chart, a plain-text grid.

Figures are plain dicts, as layouts/health_charts.py's: plotly.graph_objects validated every property on the server
(~30 ms a figure at 1M CIs, docs/benchmarks.md). They carry the part of plotly's "plotly_white" template that a bar
chart reads (WHITE), which go.Figure(template="plotly_white") sent whole: the same drawing, 7 KB less per figure.
"""

from collections.abc import Sequence
from urllib.parse import quote

import dash_ag_grid as dag
import plotly.io as pio
from dash import dcc, html

from layouts import ids
from layouts.chart_margins import LINE_PX, TICK_PAD, labels_px, margin

BAR_COLOUR = "#3a6ea5"  # 5.3:1 on white
ALERT_COLOUR = "#B22222"  # the Down colour: what went wrong
ROW_PX, CHART_MIN_PX = 30, 160
FONT_PX, TITLE_PX = 14, 17  # plotly's 12 px is small beside the page's text on a wall screen
TOP_BARS = 15  # bars per chart at most (the grids have every row)
GRID_PAGE = 15
SMALL_COUNT = 8  # counts up to this get a tick per whole number

# What a horizontal bar chart reads of plotly's "plotly_white" template: its 2-D layout and its bar defaults (the
# geo, polar, 3-D and other trace types' parts of it draw nothing here).
_LAYOUT_KEYS = (
    "annotationdefaults", "autotypenumbers", "colorway", "font", "hoverlabel", "hovermode", "paper_bgcolor",
    "plot_bgcolor", "shapedefaults", "title", "xaxis", "yaxis",
)  # fmt: skip


def _white() -> dict:
    whole = pio.templates["plotly_white"].to_plotly_json()
    return {
        "data": {"bar": whole["data"]["bar"]},
        "layout": {key: whole["layout"][key] for key in _LAYOUT_KEYS if key in whole["layout"]},
    }


WHITE = _white()


def section(section_id: str, title: str, lead: str, children: Sequence[object]) -> html.Section:
    """A section under a visible heading that names its region, with one line saying what it shows."""
    heading = f"{section_id}-heading"
    return html.Section(
        [html.H3(title, id=heading), html.P(lead, className="note"), *children],
        id=section_id,
        className="report-section",
        **{"aria-labelledby": heading},
    )


def bar_chart(
    graph_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    texts: Sequence[str],
    *,
    percent: bool = False,
    colour: str | Sequence[str] = BAR_COLOUR,
    value_range: tuple[float, float] | None = None,
    keys: Sequence[str] | None = None,
) -> dcc.Graph:
    """Horizontal bars, the first TOP_BARS labels on top, each bar's text beside it; `customdata` carries the label
    for clicks."""
    labels, values, texts = list(labels)[:TOP_BARS], list(values)[:TOP_BARS], list(texts)[:TOP_BARS]
    trace = {
        "type": "bar",
        "x": list(values),
        "y": list(labels),
        "orientation": "h",
        "text": list(texts),
        "textposition": "outside",
        "cliponaxis": False,
        "marker": {"color": colour if isinstance(colour, str) else list(colour)[:TOP_BARS]},
        "customdata": list(keys)[:TOP_BARS] if keys is not None else list(labels),
        "hovertemplate": "%{y}: %{text}<extra></extra>",
    }
    layout = section_layout(
        title,
        max(CHART_MIN_PX, 70 + ROW_PX * len(labels)),
        margin(left=labels_px(labels) + TICK_PAD, right=130, top=40, bottom=LINE_PX + TICK_PAD),
        xaxis=_axis(percent, max(values, default=0)) if value_range is None else _fixed(value_range),
        showlegend=False,
    )
    return report_graph(graph_id, {"data": [trace], "layout": layout})


def section_layout(title: str, height: int, margins: dict, **layout: object) -> dict:
    """A section chart's layout: its title, the page's fonts, white, categories from the top down, the margins
    (layouts/chart_margins.py), with `layout` over it."""
    return {
        "title": {"text": title, "x": 0, "font": {"size": TITLE_PX}},
        "font": {"size": FONT_PX},
        "height": height,
        # Unscaled: a big screen scales charts from them (assets/vendor/plotly-scale.js, callbacks/health.py).
        "meta": {"height": height, "margin": margins},
        "margin": margins,
        "template": WHITE,
        "yaxis": {"autorange": "reversed", "automargin": True},
        **layout,
    }


def report_graph(graph_id: str, figure: dict) -> dcc.Graph:
    """A section's chart: a plain-dict figure in a dcc.Graph with the pattern id every /health chart has."""
    return dcc.Graph(id=chart_id(graph_id), figure=figure, config={"displayModeBar": False}, className="report-chart")


def _axis(percent: bool, largest: float) -> dict:
    """The value axis: shares from 0 to 100 % (with room for the text beside a full bar), or counts from 0 (a tick
    per whole count on a small scale: plotly's half steps printed as ",d" read "0 1 1 2 2 3 3")."""
    if percent:
        return {"tickformat": ".0%", "range": [0, 1.05]}
    return {"tickformat": ",d", "rangemode": "tozero", **({"dtick": 1} if largest <= SMALL_COUNT else {})}


def _fixed(value_range: tuple[float, float]) -> dict:
    """A value axis over a given range (signed values: a budget left), its zero line drawn."""
    return {"range": list(value_range), "zeroline": True}


def chart_id(name: str) -> dict:
    """A chart's id, of the pattern every dcc.Graph of /health has ({"type": HEALTH_CHART, "name": …})."""
    return {"type": ids.HEALTH_CHART, "name": name}


MAP_COLUMN = {"headerName": "Map", "cellRenderer": "markdown", "flex": 1, "minWidth": 110, "sortable": False}


def map_link(map_href: str, ci_id: object) -> str:
    """A markdown link to the map centred on a CI (the id quoted, so that no CMDB text can make it another link);
    `map_href` may carry a query already (asof= of a page as of a time)."""
    joiner = "&" if "?" in map_href else "?"
    return f"[open on map]({map_href}{joiner}root={quote(str(ci_id), safe='')})"


def grid(grid_id: str, rows: list[dict], columns: Sequence[dict], empty: str) -> html.Div | dag.AgGrid:
    """Rows as a sortable, filterable grid of plain text cells (a note saying `empty` when there are none)."""
    if not rows:
        return html.P(empty, className="note", id=grid_id)
    return dag.AgGrid(
        id=grid_id,
        rowData=rows,
        columnDefs=list(columns),
        defaultColDef={"sortable": True, "resizable": True, "filter": True},
        dashGridOptions={
            "domLayout": "autoHeight",
            "pagination": len(rows) > GRID_PAGE,
            "paginationPageSize": GRID_PAGE,
            "paginationPageSizeSelector": [GRID_PAGE, 50, 100],  # AG Grid's own list lacks 15: its box showed blank
        },
        className="ag-theme-quartz grid",
        style={"width": "100%"},
    )
