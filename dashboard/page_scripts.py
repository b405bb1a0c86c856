"""The page's scripts: Dash's @babel/polyfill (99 KB of ES5 polyfills) is left out of the page, and /health loads a
plotly.js of the chart types the app draws with the page's own scripts.

Every browser Dash 4 supports has what core-js adds; what Dash's renderer and dcc still use is the global
`regeneratorRuntime`, which assets/vendor/regenerator-runtime.js (7 KB compressed) defines before they run (asset
scripts come before the component libraries in the page). The cold load saves the download and, more, the main
thread's time compiling and running the polyfill before anything else can start.

plotly.js: dcc.Graph draws with `window.Plotly` when it is defined, and only otherwise fetches plotly.py's full
bundle (plotly.js 4.1.1, 4.8 MB, 1.4 MB compressed) when the first chart mounts, i.e. after the Dash bundles, the
layout and the page callback's answer. A page load of /health instead fetches assets/vendor/plotly-cartesian.min.js
(served compressed from PLOTLY_ROUTE, with assets/vendor/plotly-resize.js after it: dcc.Graph's resize right after
each chart's first draw redrew the chart at the size it had just been drawn at, one draw in every two; and
assets/vendor/plotly-scale.js, which draws each chart at the page's scale at once instead of redrawing it to it)
(the same plotly.js 4.1.1, cartesian traces only: bar, heatmap and scatter are all the app draws; 1.5 MB, 0.45 MB
compressed) at once, in parallel with Dash's bundles, and runs it before them, so that the charts are drawn as soon
as the answer arrives. Other pages do not load it (the map's cold load never fetches plotly.js); a later chart of
the same page load (the map's details panel after /health) draws with it too. The report's self-contained HTML
keeps the full bundle (dashboard/report_route.py).
"""

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import flask
from dash import Dash

POLYFILL = re.compile(r'<script src="[^"]*/_dash-component-suites/dash/deps/polyfill@[^"]*"></script>\s*')
PLOTLY = Path(__file__).parent / "assets" / "vendor" / "plotly-cartesian.min.js"
RESIZE = PLOTLY.with_name("plotly-resize.js")  # appended: no redraw when dcc.Graph "resizes" a chart to its size
SCALE = PLOTLY.with_name("plotly-scale.js")  # appended: a chart drawn at the page's scale at once, not redrawn to it
PLOTLY_VERSION = "4.1.1"  # plotly.py's (plotly/package_data/plotly.min.js): the figures are written for it
# Served by a route of its own, not as an asset: Dash's assets go out uncompressed (1.5 MB instead of 0.45 MB).
PLOTLY_ROUTE = "_servicemap/plotly-cartesian.min.js"
CHART_PAGES = ("health",)  # paths (under the prefix) whose page load draws charts at once


def install(app: Dash) -> None:
    """Serve the app's page without the polyfill's script tag, with plotly.js's on the pages that draw charts."""
    interpolate: Callable[..., str] = app.interpolate_index
    app.config.assets_ignore = "^plotly-"  # kept with the assets, never put in every page by Dash
    plotly_js = b"\n".join(path.read_bytes() for path in (PLOTLY, RESIZE, SCALE))
    # The appended patches change the file, not plotly's version: the URL names both, so a cached copy is never stale.
    digest = hashlib.sha256(plotly_js).hexdigest()[:12]
    src = f"{app.config.requests_pathname_prefix}{PLOTLY_ROUTE}?v={PLOTLY_VERSION}-{digest}"

    @app.server.route(f"{app.config.routes_pathname_prefix}{PLOTLY_ROUTE}", endpoint="servicemap_page_plotly")
    def plotly() -> flask.Response:
        response = flask.Response(plotly_js, 200, mimetype="text/javascript")
        response.cache_control.max_age = 86_400
        response.cache_control.public = True
        return response

    def page(**kwargs: Any) -> str:
        scripts = POLYFILL.sub("", kwargs["scripts"], count=1)
        if draws_charts(app, flask.request.path):
            scripts = f'<script src="{src}"></script>\n{scripts}'
        return interpolate(**{**kwargs, "scripts": scripts})

    app.interpolate_index = page  # type: ignore[method-assign]


def draws_charts(app: Dash, path: str) -> bool:
    """True when a page load of this request path (as the app's routes see it) shows a page of charts."""
    prefix = app.config.routes_pathname_prefix
    return path.startswith(prefix) and path[len(prefix) :].strip("/") in CHART_PAGES
