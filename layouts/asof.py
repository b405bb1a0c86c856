"""Time travel in the map's controls: a slider over the health window (its right end is live) and what it shows."""

from dash import dcc, html

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
                className="asof-slider",
            ),
            html.P("Live", id=ids.MAP_ASOF_SHOWN, className="note", **{"aria-live": "polite"}),
            html.Button("Back to live", id=ids.MAP_ASOF_LIVE, className="button", hidden=True),
        ],
        className="time-travel",
    )


def slider_marks(days: list[tuple[int, str]], end: int) -> dict:
    """Marks: a label per day (at most eight, evenly spread) and 'now' at the right end."""
    step = max(1, -(-len(days) // 8))
    marks = dict(days[::step])
    return marks | {end: "now"}
