"""The wall in headless Chromium: tiles, rotation, a refresh slower than its interval, STALE by the clock (a server
that stopped, froze or never answered) and recovery."""

import re
import signal
import threading
import time
from collections.abc import Iterator
from itertools import pairwise

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

import callbacks.wall
from dashboard.app import create_app
from dashboard.cmdb.connect import parse_url
from dashboard.settings import Settings
from tests.rows import ci, write
from tests.served_process import app_process, freeze
from tests.tcp_proxy import stalling_proxy

pytestmark = pytest.mark.browser


class Server:
    """The app on a fixed local port that can be stopped and started again (a server restart)."""

    def __init__(self, app: object) -> None:
        self.app = app
        self.port = 0
        self.server = None

    def start(self) -> None:
        self.server = make_server("127.0.0.1", self.port, self.app.server, threaded=True)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


@pytest.fixture
def wall_server(demo_cmdb: str) -> Iterator[Server]:
    server = Server(create_app(Settings.from_env({}, database_url=demo_cmdb, refresh_seconds=0, anonymous=True)))
    server.start()
    yield server
    server.stop()


def tiles(browser) -> list:
    return browser.find_elements(By.CSS_SELECTOR, "#wall-tiles .tile[data-ci]")


def status_text(browser) -> str:
    return browser.find_element(By.ID, "wall-status").text


def test_bw001_every_business_service_is_a_tile_worst_first(browser, wall_server, demo_cmdb):
    browser.get(wall_server.url + "wall")
    WebDriverWait(browser, 20).until(lambda d: len(tiles(d)) > 0)
    found = tiles(browser)
    assert len(found) == 16  # the sample's business services
    classes = [t.get_attribute("class") for t in found]
    order = ["t-down", "t-degraded", "t-unknown", "t-maintenance", "t-ok"]
    ranks = [next(i for i, c in enumerate(order) if c in cls) for cls in classes]
    assert ranks == sorted(ranks)
    loaded = r"Data as of \d\d:\d\d\sUTC · checked \d+\ss ago"
    WebDriverWait(browser, 5).until(lambda d: re.fullmatch(loaded, status_text(d)))  # the clock's next second at most
    assert browser.execute_script("return document.scrollingElement.scrollHeight <= window.innerHeight")


def test_bw002_rotation_advances_through_the_services_that_are_not_ok(browser, wall_server):
    browser.get(wall_server.url + "wall?rotate=5")
    title = lambda d: d.find_element(By.ID, "wall-title").text  # noqa: E731
    WebDriverWait(browser, 20).until(lambda d: "/" in title(d))
    first = title(browser)
    WebDriverWait(browser, 20).until(lambda d: title(d) and title(d) != first)
    # The title comes with the answer; cytoscape makes its canvas when it draws the map, a moment later.
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#wall-map canvas"))


def test_bw012_rotation_alternates_the_overview_with_each_trouble_map(browser, wall_server):
    browser.get(wall_server.url + "wall?rotate=5")
    seen: list[str] = []

    def shown(d) -> str:
        if d.find_element(By.ID, "wall-tiles").is_displayed():
            return "overview"
        return d.find_element(By.CSS_SELECTOR, "#wall-title .rotation-name").text

    def alternated(d) -> bool:
        try:
            state = shown(d)
        except Exception:
            return False
        if state and (not seen or seen[-1] != state):
            seen.append(state)
        maps = [s for s in seen if s != "overview"]
        return len(maps) >= 2 and len(seen) >= 4

    WebDriverWait(browser, 45, poll_frequency=0.5).until(alternated)
    assert all((a == "overview") != (b == "overview") for a, b in pairwise(seen)), seen  # never two maps in a row
    maps = [s for s in seen if s != "overview"]
    assert maps[0] != maps[1], seen  # the next service that is not OK, not the same one again


def test_bw003_a_refresh_slower_than_its_interval_does_not_starve_the_screen(browser, wall_server, monkeypatch):
    calls, running, overlap = [], [0], [False]
    original = callbacks.wall.wall_of

    def slow(*args: object, **kwargs: object) -> object:
        running[0] += 1
        overlap[0] |= running[0] > 1
        calls.append(time.monotonic())
        try:
            if len(calls) == 1:
                time.sleep(8)  # longer than the 5 s interval
            return original(*args, **kwargs)
        finally:
            running[0] -= 1

    monkeypatch.setattr(callbacks.wall, "wall_of", slow)
    browser.get(wall_server.url + "wall?refresh=5")
    WebDriverWait(browser, 40).until(lambda d: len(calls) >= 3)
    assert not overlap[0], "a second refresh started while the first was still running"
    assert len(tiles(browser)) == 16


def test_bw004_stale_when_the_server_stops_and_back_when_it_returns(browser, wall_server):
    browser.get(wall_server.url + "wall?refresh=5")
    WebDriverWait(browser, 20).until(lambda d: len(tiles(d)) > 0)
    wall_server.stop()
    WebDriverWait(browser, 30).until(lambda d: "STALE" in status_text(d))
    assert "stale" in browser.find_element(By.ID, "page-wall").get_attribute("class")
    wall_server.start()  # a server restart, on the same address
    WebDriverWait(browser, 30).until(lambda d: "Data as of" in status_text(d))
    assert "stale" not in browser.find_element(By.ID, "page-wall").get_attribute("class")


def test_bw005_a_database_outage_shows_stale_and_recovers(browser, demo_cmdb, tmp_path):
    import shutil

    from dashboard.cmdb.connect import parse_url, sqlite_path

    copy = tmp_path / "cmdb.sqlite"
    shutil.copy(sqlite_path(parse_url(demo_cmdb)), copy)
    app = create_app(Settings.from_env({}, database_url=f"sqlite:///{copy}", refresh_seconds=5, anonymous=True))
    server = Server(app)
    server.start()
    try:
        browser.get(server.url + "wall?refresh=5")
        WebDriverWait(browser, 20).until(lambda d: "Data as of" in status_text(d))
        shutil.move(copy, tmp_path / "away.sqlite")  # the database goes away
        WebDriverWait(browser, 30).until(lambda d: "STALE" in status_text(d))
        assert "could not be read" in status_text(browser)
        assert len(tiles(browser)) == 16  # the last good data stays, dimmed and marked
        shutil.move(tmp_path / "away.sqlite", copy)  # and comes back
        WebDriverWait(browser, 30).until(lambda d: "Data as of" in status_text(d))
    finally:
        app.server.extensions["servicemap"].store.stop()
        server.stop()


def test_bw011_data_of_an_unchanged_cmdb_says_when_it_was_last_checked(browser, demo_cmdb):
    # The store checks the CMDB's fingerprint every 5 s: the data stays "as of" its load, "checked" keeps up.
    app = create_app(Settings.from_env({}, database_url=demo_cmdb, refresh_seconds=5, anonymous=True))
    server = Server(app)
    server.start()
    pattern = r"Data as of (\d\d:\d\d)\sUTC · checked (\d+)\ss ago"
    try:
        browser.get(server.url + "wall?refresh=5")
        WebDriverWait(browser, 20).until(lambda d: re.fullmatch(pattern, status_text(d)))
        as_of = re.fullmatch(pattern, status_text(browser)).group(1)
        time.sleep(16)  # three checks later
        found = re.fullmatch(pattern, status_text(browser))
        assert found
        assert found.group(1) == as_of
        assert int(found.group(2)) <= 5 + 5 + 2, status_text(browser)  # a check's interval + a refresh's + the clock
        assert "stale" not in browser.find_element(By.ID, "page-wall").get_attribute("class")
    finally:
        app.server.extensions["servicemap"].store.stop()
        server.stop()


REFRESH = 5  # seconds: the shortest refresh a wall takes
STALE_AFTER = 2 * REFRESH + 5  # seconds of silence before the wall says STALE
SLACK = 3  # seconds: the clock's one-second step, and a busy test machine


def test_bw008_a_frozen_server_is_stale_by_the_clock_and_normal_after(browser, demo_cmdb):
    # A stopped process keeps its listening socket: the browser's refresh connects and waits, without an error.
    with app_process(demo_cmdb) as (url, process):
        browser.get(url + f"wall?refresh={REFRESH}")
        WebDriverWait(browser, 30).until(lambda d: "Data as of" in status_text(d))
        freeze(process)
        try:
            WebDriverWait(browser, STALE_AFTER + SLACK).until(lambda d: "STALE" in status_text(d))
            assert "no answer from the server since" in status_text(browser)
            assert "stale" in browser.find_element(By.ID, "page-wall").get_attribute("class")
            # The refresh waiting on the frozen server is given up at its deadline, not left holding a connection.
            aborted = "return (window.servicemapWall || {}).aborted || 0"
            WebDriverWait(browser, REFRESH + STALE_AFTER).until(lambda d: d.execute_script(aborted) > 0)
        finally:
            freeze(process, signal.SIGCONT)
        WebDriverWait(browser, REFRESH + SLACK).until(lambda d: "Data as of" in status_text(d))
        assert "stale" not in browser.find_element(By.ID, "page-wall").get_attribute("class")


def test_bw009_a_first_answer_that_never_came_is_stale_by_the_clock(browser, wall_server, monkeypatch):
    answering = threading.Event()
    original = callbacks.wall.wall_of

    def hung(*args: object, **kwargs: object) -> object:
        answering.wait(120)
        return original(*args, **kwargs)

    monkeypatch.setattr(callbacks.wall, "wall_of", hung)
    try:
        browser.get(wall_server.url + f"wall?refresh={REFRESH}")
        WebDriverWait(browser, 10).until(lambda d: status_text(d) == "Waiting for the first data…")
        WebDriverWait(browser, STALE_AFTER + SLACK).until(lambda d: "STALE" in status_text(d))
        assert re.fullmatch(r"STALE — No data yet: the server has not answered for \d+\ss\.", status_text(browser))
        assert "stale" in browser.find_element(By.ID, "page-wall").get_attribute("class")
    finally:
        answering.set()
    WebDriverWait(browser, REFRESH + SLACK).until(lambda d: "Data as of" in status_text(d))
    assert len(tiles(browser)) == 16


def test_bw010_a_hung_database_makes_the_wall_stale_and_it_recovers(browser, postgresql_db):
    # Our TCP proxy in front of PostgreSQL stops forwarding and keeps every connection open: no error ever comes.
    write(postgresql_db, ci=[ci(1, "Payroll", "business_service")])
    upstream = parse_url(postgresql_db)
    with stalling_proxy((upstream.host, upstream.port or 5432)) as proxy:
        url = upstream.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        settings = Settings.from_env(
            {}, database_url=url, refresh_seconds=REFRESH, cmdb_deadline_seconds=2, anonymous=True
        )
        app = create_app(settings)
        server = Server(app)
        server.start()
        try:
            browser.get(server.url + f"wall?refresh={REFRESH}")
            WebDriverWait(browser, 20).until(lambda d: "Data as of" in status_text(d))
            proxy.stall()
            # The store's next refresh overruns its 2 s deadline; the wall's next answer says so.
            WebDriverWait(browser, REFRESH + 2 + REFRESH + SLACK).until(lambda d: "STALE" in status_text(d))
            assert "the CMDB has not answered for 2 s" in status_text(browser)
            assert len(tiles(browser)) == 1  # the last good data stays, dimmed and marked
            proxy.resume()
            WebDriverWait(browser, 2 * REFRESH + SLACK).until(lambda d: "Data as of" in status_text(d))
        finally:
            app.server.extensions["servicemap"].store.stop()
            server.stop()


# Per node: its label's and its own rendered box, inside the map's container? And the zoom (1 until a fit ran).
MAP_FIT_JS = """
const el = document.querySelector('#wall-map > div');
const cy = el && el._cyreg && el._cyreg.cy;
if (!cy || !cy.nodes().length || !el.clientWidth) return null;
const inside = cy.nodes().every((n) => {
  const b = n.renderedBoundingBox({includeLabels: true});
  return b.x1 >= 0 && b.y1 >= 0 && b.x2 <= el.clientWidth && b.y2 <= el.clientHeight;
});
return {inside: inside, zoom: cy.zoom(), nodes: cy.nodes().length};
"""
# Per tile: how far its last line reaches below the tile's content box (px; > 0 is clipped or flush with the edge).
TILE_OVERFLOW_JS = """
return [...document.querySelectorAll('#wall-tiles .tile[data-ci]')].map((t) => {
  const bottom = t.getBoundingClientRect().bottom - parseFloat(getComputedStyle(t).paddingBottom);
  return Math.max(...[...t.children].map((c) => c.getBoundingClientRect().bottom)) - bottom;
});
"""


def open_rotation_map(browser, wall_server, screen, size, monkeypatch) -> None:
    """The wall at `size`, on a step of its rotation that shows a map, once the map is fitted inside the screen."""
    monkeypatch.setattr(callbacks.wall, "rotation_step", lambda *_: 0)  # a map, whatever the clock says
    screen(*size)
    browser.get(wall_server.url + "wall?rotate=60")
    WebDriverWait(browser, 20).until(lambda d: (d.execute_script(MAP_FIT_JS) or {}).get("inside"))


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)])
def test_bw006_the_rotation_map_is_fitted_to_the_screen(browser, wall_server, screen, size, monkeypatch):
    open_rotation_map(browser, wall_server, screen, size, monkeypatch)
    fit = browser.execute_script(MAP_FIT_JS)
    assert fit["zoom"] != 1  # the first map is drawn while the page is hidden: it is fitted once it has a size
    screen(size[0] // 2, size[1] // 2)  # and again when the screen changes
    WebDriverWait(browser, 10).until(lambda d: (d.execute_script(MAP_FIT_JS) or {}).get("zoom") < fit["zoom"] * 0.6)
    assert browser.execute_script(MAP_FIT_JS)["inside"]


LABELS_JS = """
const el = document.querySelector('#wall-map > div');
const cy = el && el._cyreg && el._cyreg.cy;
if (!cy || !cy.nodes().length || !el.clientWidth) return null;
return Math.min(...cy.nodes().map((n) => parseFloat(n.style('font-size')) * cy.zoom()));
"""


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)])
def test_bw013_the_rotation_maps_labels_are_28_px_per_1080_lines(browser, wall_server, screen, size, monkeypatch):
    open_rotation_map(browser, wall_server, screen, size, monkeypatch)
    wanted = 28 * size[1] / 1080
    WebDriverWait(browser, 10).until(lambda d: (d.execute_script(LABELS_JS) or 0) >= wanted * 0.98)
    assert browser.execute_script(MAP_FIT_JS)["inside"]


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)])
def test_bw007_every_line_of_every_tile_fits_inside_the_tile(browser, wall_server, screen, size):
    screen(*size)
    browser.get(wall_server.url + "wall")
    WebDriverWait(browser, 20).until(lambda d: len(tiles(d)) == 16)
    overflow = browser.execute_script(TILE_OVERFLOW_JS)
    assert max(overflow) < 0, overflow
