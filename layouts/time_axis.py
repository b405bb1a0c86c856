"""Readable time axes for plotly charts: a range of at least a day around the events, and date tick formats.

Without a range, plotly fits the axis to the data: one event (or a few seconds of them) gives an axis a few
milliseconds wide, ticked in milliseconds.
"""

import pandas as pd

MIN_SPAN = pd.Timedelta(days=1)
MARGIN = 0.05  # of the events' span, on each side, when they span more than MIN_SPAN
# Tick labels by tick distance: never below seconds; the date under the time while ticks are within a day.
TICK_FORMATS = (
    {"dtickrange": [None, 60_000], "value": "%H:%M:%S<br>%b %d"},
    {"dtickrange": [60_000, 86_400_000], "value": "%H:%M<br>%b %d"},
    {"dtickrange": [86_400_000, None], "value": "%b %d<br>%Y"},
)


def time_axis(times: pd.Series) -> dict:
    """Plotly x-axis settings for events at `times`: a date axis at least a day wide, centred on them."""
    moments = pd.to_datetime(times, utc=True, errors="coerce").dropna()
    axis: dict = {"type": "date", "tickformatstops": list(TICK_FORMATS)}
    if moments.empty:
        return axis
    first, last = moments.min(), moments.max()
    span = last - first
    pad = (MIN_SPAN - span) / 2 if span < MIN_SPAN else span * MARGIN
    # Plotly draws the data's wall-clock time (it drops the offset): the range is written the same way, in UTC.
    low, high = (moment.tz_localize(None) for moment in (first - pad, last + pad))
    return axis | {"range": [low.isoformat(), high.isoformat()]}
