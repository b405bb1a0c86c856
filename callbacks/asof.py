"""Time-travel wiring: the slider and the URL's `asof=` follow each other; the slider's right end is live.

The slider spans the health window the snapshot holds (from its oldest event, whole hours, to the time it was
loaded). Moving it writes asof= (validated by parse() like any URL); the URL sets it back without a loop: a value
that matches the URL's time writes nothing.
"""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from dash import Dash, Input, Output, State, ctx, no_update

from dashboard.asof import history, moment
from dashboard.cmdb.derived import Derived
from dashboard.domain.viewstate import ViewState, as_of_text, parse, to_query
from dashboard.services import Services
from layouts import ids
from layouts.asof import slider_marks

HOUR = 3600


def register(app: Dash, services: Services) -> None:
    """Attach the slider's callbacks."""

    current = services.current

    @app.callback(
        Output(ids.MAP_ASOF, "min"),
        Output(ids.MAP_ASOF, "max"),
        Output(ids.MAP_ASOF, "marks"),
        Output(ids.MAP_ASOF, "value"),
        Output(ids.MAP_ASOF_SHOWN, "children"),
        Output(ids.MAP_ASOF_LIVE, "hidden"),
        Input(ids.URL, "search"),
        Input(ids.SNAPSHOT_VERSION, "data"),
    )
    def slider(search: object, _version: object) -> tuple:
        derived = current()
        if derived is None:
            return (no_update,) * 6
        state = parse(search if isinstance(search, str) else "")
        start, end = bounds(derived, services.settings.health_days)
        shown = "Live" if state.as_of is None else f"As of {state.as_of.replace('T', ' ')} UTC — not live"
        return start, end, slider_marks(days(start, end), end), position(state, start, end), shown, state.as_of is None

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.MAP_ASOF, "value"),
        Input(ids.MAP_ASOF_LIVE, "n_clicks"),
        State(ids.URL, "search"),
        State(ids.MAP_ASOF, "min"),
        State(ids.MAP_ASOF, "max"),
        prevent_initial_call=True,
    )
    def travel(value: object, _live: object, search: object, start: object, end: object) -> str:
        state = parse(search if isinstance(search, str) else "")
        if ctx.triggered_id == ids.MAP_ASOF_LIVE:
            wanted = None
        elif isinstance(value, int | float) and isinstance(start, int) and isinstance(end, int):
            if int(value) == position(state, start, end):
                return no_update  # the URL set this value: nothing moved
            wanted = None if value >= end else as_of_text(str(int(value)))
        else:
            return no_update
        chosen = replace(state, as_of=wanted)
        return to_query(chosen) if chosen != state else no_update


def bounds(derived: Derived, health_days: int) -> tuple[int, int]:
    """The slider's ends, seconds since 1970: the oldest health event (else the window's start), whole hours down,
    and the time the snapshot was loaded."""
    loaded = derived.snapshot.loaded_at.astimezone(UTC)
    end = int(loaded.timestamp())
    first = history(derived).first
    start = first // 1_000_000_000 if first is not None else int((loaded - timedelta(days=health_days)).timestamp())
    start = min(start - start % HOUR, end - HOUR)
    return start, end


def position(state: ViewState, start: int, end: int) -> int:
    """The slider's value for a view: its time, within the ends; live is the right end."""
    if state.as_of is None:
        return end
    return max(start, min(end, moment(state.as_of) // 1_000_000_000))


def days(start: int, end: int) -> list[tuple[int, str]]:
    """Midnights between the ends, with labels such as '24 Nov'."""
    first = start - start % 86400 + 86400
    return [(seconds, datetime.fromtimestamp(seconds, UTC).strftime("%d %b")) for seconds in range(first, end, 86400)]
