"""Wall wiring: a clientside gate keeps one refresh in flight; the server answers with tiles or the rotation's map;
a timer in the browser, outside Dash's callbacks, says how old the data is and shows STALE when answers stop; the
rotation's map is fitted to the screen in the browser (see assets/wall.js).
"""

from dataclasses import replace
from datetime import UTC, datetime

from dash import ClientsideFunction, Dash, Input, Output, State, no_update

from dashboard.asof import as_of_notices, views_at
from dashboard.auth import cause_for_viewer
from dashboard.availability import is_service, ready_or_within
from dashboard.cmdb.derived import Derived
from dashboard.cmdb.snapshot import Snapshot
from dashboard.cmdb.store import StoreStatus
from dashboard.domain.notices import Notice
from dashboard.domain.viewstate import ViewState, WallState, bad_as_of, parse_wall
from dashboard.services import Services
from dashboard.settings import Settings
from dashboard.wall import WallModel, rotation_step, service_tile, trouble_map
from dashboard.wall_cis import wall_of
from layouts import ids
from layouts.map import build_elements
from layouts.wall import (
    as_of_label,
    build_as_of_banner,
    build_rotation_map,
    build_rotation_title,
    build_tiles,
    build_time_alerts,
    build_wall_heading,
    tiles_class,
)


def register(app: Dash, services: Services) -> None:
    """Attach the wall callbacks."""
    app.clientside_callback(
        ClientsideFunction("servicemap", "gate"),
        Output(ids.WALL_REQUEST, "data"),
        Input(ids.WALL_TICK, "n_intervals"),
        Input(ids.URL, "pathname"),
        State(ids.WALL_TICK, "interval"),
    )
    # No callback says whether the data is current: Dash holds callbacks whose inputs wait on a request in flight, so
    # assets/wall.js decides STALE by a plain timer from the time of the last answer these two write into the page.
    app.clientside_callback(ClientsideFunction("servicemap", "noteAnswer"), Input(ids.WALL_ANSWER, "data"))
    app.clientside_callback(ClientsideFunction("servicemap", "noteInterval"), Input(ids.WALL_TICK, "interval"))

    app.clientside_callback(
        ClientsideFunction("servicemap", "fitMap"),
        Input(ids.WALL_MAP, "children"),
    )

    @app.callback(
        Output(ids.WALL_TICK, "interval"),
        Output(ids.PAGE_WALL, "className"),
        Input(ids.URL, "search"),
        State(ids.URL, "pathname"),
    )
    def configure(search: object, _pathname: object) -> tuple[int, str]:
        wall = parse_wall(search if isinstance(search, str) else "")
        return wall.tick_seconds * 1000, f"wall {wall.theme}" + (" as-of" if wall.as_of else "")

    @app.callback(
        Output(ids.WALL_TILES, "children"),
        Output(ids.WALL_TILES, "className"),
        Output(ids.WALL_TILES, "hidden"),
        Output(ids.WALL_ROTATION, "hidden"),
        Output(ids.WALL_TITLE, "children"),
        Output(ids.WALL_MAP, "children"),
        Output(ids.WALL_ANSWER, "data"),
        Output(ids.WALL_HEADING, "children"),
        Input(ids.WALL_REQUEST, "data"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def refresh(request: object, search: object) -> tuple:
        status = services.store.status
        now = datetime.now(UTC)
        if status.snapshot is None:
            return [], "tiles", False, True, [], [], _answer(status, None, now), []
        search = search if isinstance(search, str) else ""
        wall = parse_wall(search)
        # While a new snapshot's views warm (seconds at a million CIs), the wall shows the previous one's, saying so.
        live = services.views.settled(status.snapshot)
        derived = views_at(live, wall.as_of)  # asof=: statuses, incidents and faults of then (dashboard/asof.py)
        snapshot = derived.snapshot
        answer = _answer(status, snapshot, now) | {"as_of": wall.as_of}
        model = wall_of(derived, wall)
        if wall.sla and wall.as_of is None:  # availability is worked out up to now only
            model = with_availability(derived, model, services.settings)
        heading = [
            *time_banner(live, wall, bad_as_of(search)),
            *build_wall_heading(model.heading, snapshot.old_health, model.left_out),
        ]
        naive_now = datetime.fromisoformat(wall.as_of) if wall.as_of else now.replace(tzinfo=None)
        step = rotation_step(now.timestamp(), wall.rotate, len(model.not_ok))
        if step is not None:
            ci_id = model.not_ok[step]
            tile = next((t for t in model.tiles if t.ci_id == ci_id), None) or service_tile(derived, ci_id)
            trouble = derived.recent(("trouble", ci_id), lambda: trouble_map(derived, ci_id))
            if tile is not None and trouble is not None:
                title = build_rotation_title(tile, trouble, step + 1, len(model.not_ok), naive_now)
                graph = build_rotation_map(build_elements(trouble.map))
                return no_update, no_update, True, False, title, graph, answer, heading
        tiles = build_tiles(model, naive_now, banner=wall.as_of is not None)
        kind = tiles_class(len(tiles), model.notice is not None, model.rest is not None)
        return tiles, kind, False, True, [], [], answer, heading


WALL_AS_OF = "Statuses, incidents and likely faults as they were then, on today's services and dependencies."


def time_banner(derived: Derived, wall: WallState, bad: str) -> list:
    """A wall as of a past time says so in big letters, with what it means; a bad `asof=` is ignored, saying so."""
    notices = as_of_notices(derived, ViewState(as_of=wall.as_of), bad, page="wall")
    if bad:
        return build_time_alerts(notices)
    if wall.as_of is None:
        return []
    year = derived.snapshot.loaded_at.year
    shown = tuple(Notice(n.code, WALL_AS_OF, "") if n.code == "asof.past" else n for n in notices)
    return [build_as_of_banner(as_of_label(wall.as_of, year), shown)]


def with_availability(derived: Derived, model: WallModel, settings: Settings) -> WallModel:
    """The wall with each full tile of a business service saying its availability (as far as worked out yet)."""
    index = derived.snapshot.index
    positions = {t.ci_id: index.position(t.ci_id) for t in model.tiles if t.ci_id is not None}
    services = [p for p in positions.values() if p is not None and is_service(derived, p)]
    views = ready_or_within(derived, services, default_target=settings.sla_target, count_p2=settings.sla_count_p2)
    tiles = tuple(replace(t, availability=views.get(positions.get(t.ci_id))) for t in model.tiles)
    return replace(model, tiles=tiles)


def _answer(status: StoreStatus, snapshot: Snapshot | None, now: datetime) -> dict:
    """What the browser's clock needs: server time, the time of the data shown, the last good check of the CMDB, and
    a failed refresh (times in ms since 1970)."""
    return {
        "served_at": int(now.timestamp() * 1000),
        "loaded_at": int(snapshot.loaded_at.timestamp() * 1000) if snapshot else None,
        "checked_at": int(status.checked_at.timestamp() * 1000) if snapshot and status.checked_at else None,
        "error": cause_for_viewer(status.error, public=status.error_public),
        "error_id": status.error_id,
        "failed_at": int(status.failed_at.timestamp() * 1000) if status.failed_at else None,
    }
