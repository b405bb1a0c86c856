"""Embedding: a portal on another local origin shows the map in an iframe; a third origin is refused."""

import threading
from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from dashboard.app import create_app
from dashboard.settings import Settings

pytestmark = pytest.mark.browser


class Portal:
    """A page on its own origin (its own port) that frames a URL given later."""

    def __init__(self) -> None:
        self.target = ""
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @Request.application
    def app(self, request: Request) -> Response:
        page = f'<html><body><h1>Portal</h1><iframe id="map" src="{self.target}" width="1200" height="800"></iframe>'
        return Response(page + "</body></html>", mimetype="text/html")


@pytest.fixture(scope="module")
def portals(demo_cmdb: str) -> Iterator[tuple[Portal, Portal]]:
    allowed, other = Portal(), Portal()
    settings = Settings.from_env(
        {}, database_url=demo_cmdb, refresh_seconds=0, anonymous=True, frame_ancestors=allowed.origin
    )
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # localhost, not 127.0.0.1: the app itself is on a third origin to both portals
    for portal in (allowed, other):
        portal.target = f"http://localhost:{server.server_port}/?root=5&embed=1"
    yield allowed, other
    for s in (server, allowed.server, other.server):
        s.shutdown()


def test_be001_an_allowed_portal_shows_the_map_without_chrome(browser, portals):
    allowed, _ = portals
    browser.get(allowed.origin + "/")
    browser.switch_to.frame(browser.find_element(By.ID, "map"))
    try:
        WebDriverWait(browser, 20).until(
            lambda d: d.execute_script(
                "const el = document.querySelector('#map-graph');"
                "return !!(el && el._cyreg && el._cyreg.cy && el._cyreg.cy.nodes().length);"
            )
        )
        assert browser.find_elements(By.ID, "react-entry-point")
        assert not browser.find_element(By.ID, "top").is_displayed()
        assert (
            not browser.find_elements(By.CSS_SELECTOR, ".controls label")
            or not browser.find_element(By.CSS_SELECTOR, ".controls").is_displayed()
        )
    finally:
        browser.switch_to.default_content()


def test_be002_any_other_origin_is_refused(browser, portals):
    _, other = portals
    browser.get(other.origin + "/")
    frame = browser.find_element(By.ID, "map")
    browser.switch_to.frame(frame)
    try:
        WebDriverWait(browser, 5).until(lambda d: d.execute_script("return document.readyState") == "complete")
        # Dash's page carries #react-entry-point in its HTML: absent, the browser refused to show the page at all.
        assert not browser.find_elements(By.ID, "react-entry-point")
    finally:
        browser.switch_to.default_content()
