"""The page's scripts: Dash's @babel/polyfill (99 KB of ES5 polyfills) is left out of the page.

Every browser Dash 4 supports has what core-js adds; what Dash's renderer and dcc still use is the global
`regeneratorRuntime`, which assets/vendor/regenerator-runtime.js (7 KB compressed) defines before they run (asset
scripts come before the component libraries in the page). The cold load saves the download and, more, the main
thread's time compiling and running the polyfill before anything else can start.
"""

import re
from collections.abc import Callable
from typing import Any

from dash import Dash

POLYFILL = re.compile(r'<script src="[^"]*/_dash-component-suites/dash/deps/polyfill@[^"]*"></script>\s*')


def install(app: Dash) -> None:
    """Serve the app's page without the polyfill's script tag."""
    interpolate: Callable[..., str] = app.interpolate_index

    def without_polyfill(**kwargs: Any) -> str:
        kwargs["scripts"] = POLYFILL.sub("", kwargs["scripts"], count=1)
        return interpolate(**kwargs)

    app.interpolate_index = without_polyfill  # type: ignore[method-assign]
