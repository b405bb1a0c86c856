"""Callback answers as JSON through orjson (dashboard/fast_json.py): the same JSON as plotly's encoder gives."""

import json
from decimal import Decimal

import numpy as np
from dash import html
from plotly.io.json import to_json_plotly

from dashboard.fast_json import to_json


def plotly(value):
    return to_json_plotly(value, engine="json")


def test_sp010_components_numpy_and_nan_encode_as_plotly_encodes_them():
    answer = {
        "response": {
            "map-heading": {"children": [html.H2("Payments <Hub>"), html.Span("a/b", className="note")]},
            "map-graph": {"elements": [{"data": {"id": "ci-1", "x": np.float64(1.5), "n": np.int64(3)}}]},
            "other": {"values": np.arange(3), "missing": float("nan"), "name": "Zeile\u2028zwei ✎"},
        },
        "multi": True,
    }
    assert json.loads(to_json(answer, plotly)) == json.loads(plotly(answer))


def test_sp011_text_is_escaped_for_html_as_plotly_escapes_it():
    text = to_json({"label": "</script><img src=x onerror=alert(1)>\u2028"}, plotly)
    assert not {"<", ">", "/", "\u2028"} & set(text)
    assert json.loads(text) == {"label": "</script><img src=x onerror=alert(1)>\u2028"}


def test_sp012_what_orjson_cannot_encode_goes_to_the_fallback():
    calls = []

    def fallback(value):
        calls.append(value)
        return plotly(value)

    assert json.loads(to_json({"amount": Decimal("1.5")}, fallback)) == {"amount": 1.5}
    assert len(calls) == 1
