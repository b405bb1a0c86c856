"""`/report`: the report of the snapshot being served, in the browser (plotly.js served beside it, never a CDN).

Query: `since=30d` (12h, 2w …) and `service=NAME` or `service=#ID`, repeated. The same view model and page as
`python -m dashboard report`; it is worked out once per snapshot and query, and says when the data is stale.
"""

import argparse
from datetime import UTC, datetime
from pathlib import Path

import flask
import plotly
from dash import Dash

from dashboard.headers import content_security_policy
from dashboard.report import build_report
from dashboard.report_cli import window
from dashboard.report_html import inline_scripts, report_html
from dashboard.services import Services

REPORT_PATH = "report"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
MAX_SERVICES = 50  # services named in one query
MAX_NAME = 255


def install(app: Dash, services: Services) -> None:
    """Add the report page and plotly.js beside it under the app's prefix (behind its sign-in, like every page)."""
    prefix = app.config.routes_pathname_prefix
    shown = app.config.requests_pathname_prefix

    @app.server.route(f"{prefix}{REPORT_PATH}", endpoint="servicemap_report")
    def report() -> flask.Response:
        try:
            since = window(flask.request.args.get("since", "30d")[:16])
        except argparse.ArgumentTypeError as error:
            return flask.Response(f"{error}", 400, mimetype="text/plain")
        scope = tuple(s[:MAX_NAME] for s in flask.request.args.getlist("service")[:MAX_SERVICES] if s.strip())
        derived = services.current()
        if derived is None:
            return flask.Response("The CMDB has not been read yet: no report to show.", 503, mimetype="text/plain")
        model = derived.kept(
            f"report:{since}:{scope}",
            lambda: build_report(derived, now=datetime.now(UTC), window=since, scope=scope),
        )
        status = services.store.status
        stale = status.failed_at if status.stale else None
        page = report_html(model, plotly_js=f"{shown}{REPORT_PATH}/plotly.min.js", map_url=shown, stale_since=stale)
        response = flask.Response(page, 200, mimetype="text/html")
        ancestors = services.settings.frame_ancestor_list
        response.headers["Content-Security-Policy"] = content_security_policy(app, ancestors, inline_scripts(page))
        return response

    @app.server.route(f"{prefix}{REPORT_PATH}/plotly.min.js", endpoint="servicemap_report_plotly")
    def plotly_js() -> flask.Response:
        return flask.send_file(PLOTLY_JS, mimetype="text/javascript", max_age=86_400)
