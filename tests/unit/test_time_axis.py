"""The health chart's time axis: readable whatever the events' spread (one event used to tick in milliseconds)."""

import pandas as pd
import pytest
from dash import dcc

from dashboard.details import CIDetails
from dashboard.domain.vocabulary import Health
from layouts.details import build_ci_details
from layouts.time_axis import time_axis

ONE_HOUR = pd.Timedelta(hours=1)


def events(times: list[str]) -> pd.DataFrame:
    observed = pd.to_datetime(times, utc=True)
    return pd.DataFrame(
        {
            "observed_at": observed,
            "metric": ["cpu"] * len(times),
            "value": [float(i) for i in range(len(times))],
            "status": ["ok"] * len(times),
        }
    )


def details(frame: pd.DataFrame) -> CIDetails:
    return CIDetails(
        ci_id=1,
        name="db-01",
        class_label="Database",
        fields=(),
        attributes=(),
        attributes_note="",
        status=Health.OK,
        rule="",
        reason="",
        culprits=(),
        incidents=(),
        histories=(),
        changes=(),
        events=frame,
        dangling=(),
    )


def x_axis(frame: pd.DataFrame):
    panel = build_ci_details(details(frame), "?root=1", "?root=1&impact=1", [])
    graph = next(part for part in panel if isinstance(part, dcc.Graph))
    return graph.figure.layout.xaxis


def span(axis) -> pd.Timedelta:
    low, high = (pd.Timestamp(value) for value in axis.range)
    return high - low


@pytest.mark.parametrize(
    "times",
    [
        ["2026-11-30T12:00:00Z"],
        ["2026-11-30T12:00:00Z", "2026-11-30T12:00:03Z"],
    ],
    ids=["one event", "two events seconds apart"],
)
def test_sm020_few_events_get_a_day_wide_date_axis_around_them(times):
    axis = x_axis(events(times))
    assert axis.type == "date"
    assert span(axis) >= pd.Timedelta(days=1) > ONE_HOUR
    low, high = (pd.Timestamp(value, tz="UTC") for value in axis.range)
    assert low < pd.Timestamp(times[0]) <= pd.Timestamp(times[-1]) < high
    formats = {stop.value for stop in axis.tickformatstops}
    assert all("%L" not in f and "%f" not in f for f in formats)  # never milliseconds
    assert "%H:%M<br>%b %d" in formats


def test_sm021_many_events_keep_their_own_span_with_a_margin():
    times = pd.date_range("2026-11-01", "2026-11-30", periods=500, tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
    axis = x_axis(events(list(times)))
    assert axis.type == "date"
    assert pd.Timedelta(days=29) < span(axis) < pd.Timedelta(days=32)
    low, high = (pd.Timestamp(value, tz="UTC") for value in axis.range)
    assert low < pd.Timestamp("2026-11-01", tz="UTC")
    assert high > pd.Timestamp("2026-11-30", tz="UTC")


def test_sm022_unreadable_times_leave_plotly_to_choose():
    axis = time_axis(pd.Series([None, "not a time"]))
    assert axis["type"] == "date"
    assert "range" not in axis
