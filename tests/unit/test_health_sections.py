"""The report sections' charts as plain dicts: what plotly.graph_objects built, without validating it per call."""

import json

import plotly.graph_objects as go
import plotly.io as pio

from layouts.health_sections import ALERT_COLOUR, bar_chart


def old_bar_chart(title, labels, values, texts, *, percent, colour, value_range, keys) -> dict:
    """How bar_chart built its figure before (go.Figure, the whole plotly_white template), as JSON."""
    figure = go.Figure(
        go.Bar(
            x=list(values),
            y=list(labels),
            orientation="h",
            text=list(texts),
            textposition="outside",
            cliponaxis=False,
            marker={"color": colour},
            customdata=list(keys),
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    height = max(160, 70 + 30 * len(labels))
    axis = {"tickformat": ".0%", "range": [0, 1.05]} if percent else {"tickformat": ",d", "rangemode": "tozero"}
    figure.update_layout(
        title={"text": title, "x": 0, "font": {"size": 17}},
        font={"size": 14},
        height=height,
        meta={"height": height},
        margin={"l": 10, "r": 130, "t": 40, "b": 30},
        template="plotly_white",
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis=axis if value_range is None else {"range": list(value_range), "zeroline": True},
        showlegend=False,
    )
    return json.loads(pio.to_json(figure))


def test_hs001_a_bar_chart_is_the_figure_go_figure_made_with_the_template_a_bar_chart_reads():
    for percent, value_range, colour in ((True, None, ALERT_COLOUR), (False, (-3.0, 9.0), ["#111111", "#222222"])):
        args = ("Rate", ["a", "b"], [0.5, 0.25], ["50 % (1 of 2)", "25 % (1 of 4)"])
        keys = ["chgtype|a", "chgtype|b"]
        graph = bar_chart("x", *args, percent=percent, colour=colour, value_range=value_range, keys=keys)
        new = json.loads(json.dumps(graph.figure))
        old = old_bar_chart(*args, percent=percent, colour=colour, value_range=value_range, keys=keys)
        assert new["data"] == old["data"]
        template, whole = new["layout"].pop("template"), old["layout"].pop("template")
        margins, meta = new["layout"].pop("margin"), new["layout"].pop("meta")
        assert meta == {"height": old["layout"].pop("meta")["height"], "margin": margins}
        # Wide enough for the labels now (layouts/chart_margins.py), never narrower than the fixed ones were.
        assert all(margins[side] >= old["layout"]["margin"][side] for side in "lrtb")
        old["layout"].pop("margin")
        assert new["layout"] == old["layout"]
        assert template["data"] == {"bar": whole["data"]["bar"]}
        assert template["layout"] == {k: whole["layout"][k] for k in template["layout"]}
        assert {"font", "xaxis", "yaxis", "paper_bgcolor", "plot_bgcolor", "hoverlabel"} <= set(template["layout"])
        pio.from_json(json.dumps(graph.figure))  # plotly accepts it
