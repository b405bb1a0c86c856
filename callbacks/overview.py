"""Overview wiring: on load and every tick, show the snapshot's age, counts and findings, and tell the map when a
new snapshot arrived or a refresh failed."""

from datetime import UTC, datetime

from dash import Dash, Input, Output, State, no_update

from callbacks.pages import QUALITY_PATH, page_of
from dashboard.auth import cause_for_viewer, source_for_viewer
from dashboard.cmdb.snapshot import Snapshot
from dashboard.cmdb_health_view import cmdb_health_view
from dashboard.domain.notices import cmdb_notices
from dashboard.services import Services
from layouts import ids
from layouts.cmdb_health import build_cmdb_health
from layouts.notices import build_notices
from layouts.overview import DataAge, build_body, build_status


def register(app: Dash, services: Services) -> None:
    """Attach the overview callback to the app."""
    map_href = app.get_relative_path("/")

    @app.callback(
        Output(ids.OVERVIEW_STATUS, "children"),
        Output(ids.OVERVIEW_BODY, "children"),
        # A duplicate (with an initial call), so that the map's first answer does not wait for this one: the page
        # layout already carries the version it was built with (layouts/shell.py).
        Output(ids.SNAPSHOT_VERSION, "data", allow_duplicate=True),
        Output(ids.MAP_GRAPH, "className"),
        Input(ids.OVERVIEW_TICK, "n_intervals"),
        # The data-quality body is built only while its page is shown: on the map it would cost every cold load
        # its rendering (and every tick its 18 KB) for a page nobody sees.
        Input(ids.URL, "pathname"),
        State(ids.SNAPSHOT_VERSION, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def show(_tick: object, pathname: object, shown_version: object) -> tuple:
        status = services.store.status
        snapshot = status.snapshot
        age = DataAge(
            loaded_at=snapshot.loaded_at if snapshot else None,
            checked_at=status.checked_at,
            now=datetime.now(UTC),
            error=cause_for_viewer(status.error, public=status.error_public),
            error_id=status.error_id,
            failed_at=status.failed_at,
        )
        map_class = "map stale" if status.stale else "map"
        if snapshot is None:
            return build_status(age), [], no_update, map_class
        body = _quality_body(snapshot, map_href) if page_of(app, pathname) == QUALITY_PATH else no_update
        # The map redraws only when a new snapshot arrived, not on every tick (that would reset zoom and pan).
        version = snapshot.version if snapshot.version != shown_version else no_update
        services.views.of(snapshot)  # a new snapshot's views start warming before the map asks for them
        return build_status(age), body, version, map_class


def _quality_body(snapshot: Snapshot, map_href: str) -> list:
    """The data-quality page's body: notices about the CMDB, then counts and findings."""
    counts = snapshot.counts()
    notices = cmdb_notices(
        snapshot.index.node_count, snapshot.index.edge_count, counts["relationship"], snapshot.old_health
    )
    findings = list(snapshot.findings)
    health = build_cmdb_health(cmdb_health_view(snapshot), map_href)
    body = build_body(source_for_viewer(snapshot.source), counts, snapshot.class_counts, findings, map_href, health)
    return build_notices(notices) + body
