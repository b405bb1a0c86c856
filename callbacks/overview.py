"""Overview wiring: on load and every tick, show the current snapshot's age, counts and findings."""

from datetime import UTC, datetime

from dash import Dash, Input, Output

from dashboard.services import Services
from layouts import ids
from layouts.overview import DataAge, build_body, build_status


def register(app: Dash, services: Services) -> None:
    """Attach the overview callback to the app."""

    @app.callback(
        Output(ids.OVERVIEW_STATUS, "children"),
        Output(ids.OVERVIEW_BODY, "children"),
        Input(ids.OVERVIEW_TICK, "n_intervals"),
    )
    def show(_tick: object) -> tuple[list, list]:
        status = services.store.status
        snapshot = status.snapshot
        age = DataAge(
            loaded_at=snapshot.loaded_at if snapshot else None,
            checked_at=status.checked_at,
            now=datetime.now(UTC),
            error=status.error,
            error_id=status.error_id,
            failed_at=status.failed_at,
        )
        if snapshot is None:
            return build_status(age), []
        body = build_body(snapshot.source, snapshot.counts(), snapshot.class_counts, list(snapshot.findings))
        return build_status(age), body
