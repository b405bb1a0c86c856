"""The page's scripts: Dash's @babel/polyfill (99 KB of ES5 polyfills) is left out of the page, and /health loads a
plotly.js of the chart types the app draws with the page's own scripts.

Every browser Dash 4 supports has what core-js adds; what Dash's renderer and dcc still use is the global
`regeneratorRuntime`, which assets/vendor/regenerator-runtime.js (7 KB compressed) defines before they run (asset
scripts come before the component libraries in the page). The cold load saves the download and, more, the main
thread's time compiling and running the polyfill before anything else can start.

plotly.js: dcc.Graph draws with `window.Plotly` when it is defined, and only otherwise fetches plotly.py's full
bundle (plotly.js 4.1.1, 4.8 MB, 1.4 MB compressed) when the first chart mounts, i.e. after the Dash bundles, the
layout and the page callback's answer. A page load of /health instead fetches assets/vendor/plotly-cartesian.min.js
(the same plotly.js 4.1.1, cartesian traces only: bar, heatmap and scatter are all the app draws; 1.5 MB, 0.45 MB
compressed) at once, in parallel with Dash's bundles, and runs it before them, so that the charts are drawn as soon
as the answer arrives. Other pages do not load it (the map's cold load never fetches plotly.js); a later chart of
the same page load (the map's details panel after /health) draws with it too. The report's self-contained HTML
keeps the full bundle (dashboard/report_route.py).
"""

import re
from collections.abc import Callable
from typing import Any

import flask
from dash import Dash

POLYFILL = re.compile(r'<script src="[^"]*/_dash-component-suites/dash/deps/polyfill@[^"]*"></script>\s*')
PLOTLY = "vendor/plotly-cartesian.min.js"
CHART_PAGES = ("health",)  # paths (under the prefix) whose page load draws charts at once


def install(app: Dash) -> None:
    """Serve the app's page without the polyfill's script tag, with plotly.js's on the pages that draw charts."""
    interpolate: Callable[..., str] = app.interpolate_index
    app.config.assets_ignore = "^plotly-cartesian"  # served from assets/, never put in every page by Dash

    def page(**kwargs: Any) -> str:
        scripts = POLYFILL.sub("", kwargs["scripts"], count=1)
        if draws_charts(app, flask.request.path):
            scripts = f'<script src="{app.get_asset_url(PLOTLY)}"></script>\n{scripts}'
        return interpolate(**{**kwargs, "scripts": scripts})

    app.interpolate_index = page  # type: ignore[method-assign]


def draws_charts(app: Dash, path: str) -> bool:
    """True when a page load of this request path (as the app's routes see it) shows a page of charts."""
    prefix = app.config.routes_pathname_prefix
    return path.startswith(prefix) and path[len(prefix) :].strip("/") in CHART_PAGES
