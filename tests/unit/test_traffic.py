"""Call traffic per edge (domain/traffic.py) and how the map and the details panel show it."""

import numpy as np
from dash import html

from dashboard.domain.traffic import compact_count, edge_traffic
from layouts.details import build_edge_details
from layouts.map import traffic_classes, traffic_label


def figures():
    minute = np.datetime64("2022-08-23T17:00", "ns")
    return edge_traffic(
        np.array([1, 1, 2]),
        np.array([2, 2, 3]),
        np.array([minute + np.timedelta64(60, "s"), minute, minute]),
        np.array([60, 60, 60]),
        np.array([300, 100, 4]),
        np.array([30, 0, 0]),
        np.array([2.0, 6.0, 1.0]),
        np.array([10.0, 20.0, np.nan]),
    )


def test_tf001_an_edges_figures_sum_its_buckets_and_keep_the_latest_apart():
    one = figures()[(1, 2)]
    assert (one.requests, one.errors, one.buckets) == (400, 30, 2)
    assert one.p50_ms == (2.0 * 300 + 6.0 * 100) / 400
    assert (one.latest_requests, one.latest_errors, one.latest_p95_ms) == (300, 30, 10.0)
    assert one.latest_start == np.datetime64("2022-08-23T17:01", "ns")
    assert one.error_rate == 0.075


def test_tf002_width_follows_requests_per_bucket_and_colour_the_error_rate():
    by_edge = figures()
    assert traffic_classes(by_edge[(1, 2)]) == ["traffic", "rq-4", "er-2"]
    assert traffic_classes(by_edge[(2, 3)]) == ["traffic", "rq-2", "er-0"]
    assert traffic_label(by_edge[(1, 2)]) == "400 req · 7.5% err"
    assert traffic_label(by_edge[(2, 3)]) == "4 req · 0% err"
    assert [compact_count(n) for n in (950, 1_234, 34_000, 5_600_000)] == ["950", "1.2k", "34k", "5.6M"]


def test_tf003_the_edge_panel_gives_window_and_latest_figures():
    panel = build_edge_details("depends on", "frontend", "cartservice", False, figures()[(1, 2)])
    text = str(panel)
    assert "Calls seen in traces" in text
    assert "30 (7.5%)" in text
    assert "latest: 2022-08-23 17:01:00 UTC" in text
    assert not any(isinstance(p, html.Table) for p in build_edge_details("depends on", "a", "b", False))
