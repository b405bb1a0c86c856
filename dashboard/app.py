"""create_app: the only place where servicemap is wired together."""

from pathlib import Path

import dash_cytoscape as cyto
import flask
from dash import Dash, html

from callbacks import asof as asof_callbacks
from callbacks import filters as filter_callbacks
from callbacks import health as health_callbacks
from callbacks import map as map_callbacks
from callbacks import map_export as map_export_callbacks
from callbacks import map_table as map_table_callbacks
from callbacks import overview as overview_callbacks
from callbacks import pages as pages_callbacks
from callbacks import paths as paths_callbacks
from callbacks import saved_views as saved_views_callbacks
from callbacks import selection as selection_callbacks
from callbacks import wall as wall_callbacks
from callbacks import whatif as whatif_callbacks
from callbacks.pages import HEALTH_PATH, QUALITY_PATH, WHATIF_PATH
from dashboard import api, auth, background, compression, fast_json, guard, headers, page_scripts, report_route
from dashboard.asof import warm_as_of
from dashboard.cmdb.derived import DerivedCache
from dashboard.health_availability import availability_warmer
from dashboard.health_data import health_data
from dashboard.health_reports import warm_health_reports
from dashboard.report_sections import Sla
from dashboard.saved_views import SavedViews
from dashboard.services import Services, store_for
from dashboard.settings import Settings
from dashboard.wall_cis import warm_wall
from dashboard.whatif import warm_whatif
from layouts.shell import build_shell

FEATURES = (
    pages_callbacks,
    overview_callbacks,
    map_callbacks,
    filter_callbacks,
    map_table_callbacks,
    map_export_callbacks,
    wall_callbacks,
    selection_callbacks,
    paths_callbacks,
    health_callbacks,
    asof_callbacks,
    whatif_callbacks,
    saved_views_callbacks,
)
STATUS_TICK_MS = 10_000


# Dash's own page with the document's language set (screen readers pick their voice by it; WCAG 3.1.1).
INDEX_STRING = """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""


def layout_referer(app: Dash) -> str | None:
    """The Referer of the request being served when it is the page's layout request (the page's own URL), else None
    (Dash also builds the layout to check it, at start and on the first request of any kind)."""
    if not flask.has_request_context():
        return None
    if flask.request.path != f"{app.config.routes_pathname_prefix}_dash-layout":
        return None
    return flask.request.headers.get("Referer")


def create_app(
    settings: Settings | None = None, server: flask.Flask | None = None, *, start_threads: bool = True
) -> Dash:
    """Build a fresh Dash app over the CMDB the settings name, with its first snapshot loaded.

    With start_threads=False no thread is left running (safe to fork: gunicorn --preload); the refresh and the views'
    warm-up start in each process that serves (dashboard.background).
    """
    settings = settings or Settings.from_env()
    access = auth.policy_from(settings)
    # The map offers dagre among its browser layouts; the extra bundle is served locally with the app's assets.
    cyto.load_extra_layouts()
    fast_json.install()
    services = Services(
        settings,
        store_for(settings),
        # /health's per-snapshot data is warmed too (seconds at 1M CIs), so that its first page is a filter change;
        # so are the histories of asof= (the map's, the wall's and /health's past), and the change-failure pairs of
        # every change with the default URL's report sections (issue 13 speed).
        # Then what-if's basis, and the availability of every business service, which /health's availability
        # section shows.
        DerivedCache(
            warmers=(
                warm_wall,
                health_data,
                warm_as_of,
                warm_health_reports,
                warm_whatif,  # 1.8 s at 1M, before the availability of every service (minutes at 1M)
                availability_warmer(Sla(settings.sla_target, settings.sla_count_p2)),
            )
        ),
        SavedViews(settings.state_url),
    )
    app = Dash(
        __name__,
        server=server if server is not None else True,
        title=settings.title,
        assets_folder=str(Path(__file__).parent / "assets"),
        serve_locally=True,
        update_title=None,
        index_string=INDEX_STRING,
        # Behind a proxy that strips the prefix, routes sit at / while the browser asks for /prefix/….
        routes_pathname_prefix="/" if settings.proxy_strips_prefix else settings.url_prefix,
        requests_pathname_prefix=settings.url_prefix,
    )
    map_href, quality_href = app.get_relative_path("/"), app.get_relative_path(QUALITY_PATH)

    def page() -> html.Div:
        # Built per page load, so that it carries the snapshot version being served (see build_shell).
        snapshot = services.store.snapshot
        version = snapshot.version if snapshot is not None else None
        return build_shell(
            settings.title,
            STATUS_TICK_MS,
            map_href,
            quality_href,
            version,
            app.get_relative_path(HEALTH_PATH),
            app.get_relative_path(WHATIF_PATH),
            # A page load at /health gets its body here, not one request later from the page callback.
            health_callbacks.first_health(app, services, layout_referer(app)) if version is not None else None,
        )

    app.layout = page
    compression.install(app)  # first: its after-request hook runs last, over the finished answer
    page_scripts.install(app)
    report_route.install(app, services)
    api.install(app, services)
    auth.install(app, access, settings)
    guard.install(app)
    headers.install(app, settings.frame_ancestor_list)
    for feature in FEATURES:
        feature.register(app, services)
    services.store.refresh()  # the first snapshot; its attempt's thread has ended when this returns
    work = background.Background(services)
    background.install(app.server, work)
    if start_threads:
        work.ensure_started()
    app.server.extensions["servicemap"] = services
    return app
