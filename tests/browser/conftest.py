"""Browser fixtures: the app served on a free local port in a thread, and headless Debian Chromium."""

import threading
from collections.abc import Iterator

import pytest
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server

from dashboard.app import create_app
from dashboard.settings import Settings
from tests.browser_driver import available, chromium
from tests.conftest import unavailable


@pytest.fixture(scope="module")
def served(demo_cmdb: str) -> Iterator[str]:
    """The base URL of the app over the demo CMDB."""
    yield from _serve(Settings.from_env({}, database_url=demo_cmdb, refresh_seconds=0, anonymous=True))


@pytest.fixture(scope="module")
def served_small_budget(demo_cmdb: str) -> Iterator[str]:
    """The app over the demo CMDB with a map budget of 400 elements, so that big maps show group nodes."""
    yield from _serve(Settings.from_env({}, database_url=demo_cmdb, refresh_seconds=0, anonymous=True, map_budget=400))


@pytest.fixture(scope="module")
def served_behind_stripping_proxy(demo_cmdb: str) -> Iterator[str]:
    """The app as a proxy that strips /servicemap/ would show it: the URL of its page under that prefix."""
    settings = Settings.from_env(
        {},
        database_url=demo_cmdb,
        refresh_seconds=0,
        anonymous=True,
        url_prefix="/servicemap/",
        proxy_strips_prefix=True,
    )
    app = create_app(settings)
    # DispatcherMiddleware does what such a proxy does: /servicemap/x reaches the app as /x.
    for base in _serve(settings, DispatcherMiddleware(NotFound(), {"/servicemap": app.server})):
        yield base + "servicemap/"


def _serve(settings: Settings, wsgi: object | None = None) -> Iterator[str]:
    application = wsgi if wsgi is not None else create_app(settings).server
    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium (skipped, or failed in CI, when it is not installed)."""
    reason = available()
    if reason:
        unavailable(f"browser tests need Chromium: {reason}")
    driver = chromium(1600, 1000)
    driver.set_script_timeout(20)
    yield driver
    driver.quit()


@pytest.fixture
def screen(browser: object) -> Iterator[object]:
    """Sets the page to a wall screen's size (scale 1); back to the browser's own size afterwards."""

    def resize(width: int, height: int) -> None:
        metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)

    yield resize
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
