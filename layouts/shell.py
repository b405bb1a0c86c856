"""The app shell: header with navigation and data age, the pages, the URL, and the refresh tick."""

from dash import dcc, html

from layouts import ids
from layouts.health import FirstHealth, build_health_page
from layouts.map import build_map_page
from layouts.overview import build_quality_page
from layouts.wall import build_wall_page
from layouts.whatif import build_whatif_page


def build_shell(
    title: str,
    tick_ms: int,
    map_href: str,
    quality_href: str,
    snapshot_version: int | None = None,
    health_href: str = "/health",
    whatif_href: str = "/whatif",
    first_health: FirstHealth | None = None,
) -> html.Div:
    """Every page of the app; the URL's path decides which one is visible.

    snapshot_version is the version of the snapshot being served: the status callback then changes it only when a newer
    one arrives, so the map is not drawn a second time on load. first_health: /health's page, shown at once, when the
    page is loaded at a /health URL (the page callback then shows the same pages).
    """
    health = first_health is not None
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.SNAPSHOT_VERSION, data=snapshot_version),
            dcc.Store(id=ids.MAP_TRAIL_STORE, storage_type="session", data=[]),
            dcc.Interval(id=ids.OVERVIEW_TICK, interval=tick_ms, n_intervals=0),
            html.Header(
                [
                    html.H1(title),
                    html.Nav(
                        [
                            dcc.Link("Service map", href=map_href, id=ids.NAV_MAP, className="nav"),
                            dcc.Link("Data quality", href=quality_href, id=ids.NAV_QUALITY, className="nav"),
                            dcc.Link(
                                "Asset health",
                                href=health_href,
                                id=ids.NAV_HEALTH,
                                className="nav active" if health else "nav",
                            ),
                            dcc.Link("What if", href=whatif_href, id=ids.NAV_WHATIF, className="nav"),
                        ]
                    ),
                    html.Div(
                        id=ids.OVERVIEW_STATUS,
                        className="status",
                        # the tick tells the browser's clock (assets/status_clock.js) when silence means STALE
                        **{"aria-live": "polite", "data-tick-ms": str(tick_ms)},
                    ),
                ],
                className="top",
                id=ids.TOP,
            ),
            html.Div(build_map_page([]), id=ids.PAGE_MAP, hidden=health),
            build_quality_page(),
            build_wall_page(),
            build_health_page(first_health),
            build_whatif_page(),
        ],
        className="page",
    )
