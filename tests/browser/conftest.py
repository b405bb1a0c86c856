"""Browser fixtures: the app served on a free local port in a thread, and headless Debian Chromium."""

import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from dashboard.app import create_app
from dashboard.settings import Settings
from tests.browser_driver import available, chromium
from tests.conftest import unavailable


@pytest.fixture(scope="module")
def served(demo_cmdb: str) -> Iterator[str]:
    """The base URL of the app over the demo CMDB."""
    yield from _serve(Settings.from_env({}, database_url=demo_cmdb, refresh_seconds=0))


@pytest.fixture(scope="module")
def served_small_budget(demo_cmdb: str) -> Iterator[str]:
    """The app over the demo CMDB with a map budget of 400 elements, so that big maps show group nodes."""
    yield from _serve(Settings.from_env({}, database_url=demo_cmdb, refresh_seconds=0, map_budget=400))


def _serve(settings: Settings) -> Iterator[str]:
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
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
