"""Filters and embedding in headless Chromium: filtered maps keep their paths; an embedded map fits its frame at any
size and after resizes; details=0 and the details button hide the panel."""

import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 20
pytestmark = pytest.mark.browser

# Where the map is drawn: the nodes' rendered box inside the container, and the container inside the window.
PLACEMENT_JS = """
const el = document.querySelector('#map-graph');
const cy = el && el._cyreg && el._cyreg.cy;
if (!cy || !cy.nodes().length) return null;
const r = el.getBoundingClientRect();
const bb = cy.nodes().renderedBoundingBox();
return {nodes: cy.nodes().length, box: [r.left, r.top, r.right, r.bottom], width: r.width, height: r.height,
        drawn: [bb.x1, bb.y1, bb.x2, bb.y2], window: [innerWidth, innerHeight]};
"""
# How many pixels cytoscape's canvases have painted inside the container (0: a blank canvas).
PAINTED_JS = """
let painted = 0;
for (const canvas of document.querySelectorAll('#map-graph canvas')) {
  if (!canvas.width || !canvas.height) continue;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < data.length; i += 4 * 7) if (data[i] > 0) painted++;
}
return painted;
"""


def settled(browser, check=None) -> dict:
    """The map's placement once it stopped moving (the fit after a resize is debounced)."""
    last = None
    for _ in range(60):
        now = browser.execute_script(PLACEMENT_JS)
        if now is not None and now == last and (check is None or check(now)):
            return now
        last = now
        time.sleep(0.25)
    raise AssertionError(f"the map did not settle: {last}")


def inside(placement: dict, slack: float = 1.0) -> bool:
    """Every node drawn inside the container, and the container inside the window."""
    x1, y1, x2, y2 = placement["drawn"]
    left, top, right, bottom = placement["box"]
    width, height = placement["window"]
    return (
        x1 >= -slack
        and y1 >= -slack
        and x2 <= placement["width"] + slack
        and y2 <= placement["height"] + slack
        and left >= -slack
        and top >= -slack
        and right <= width + slack
        and bottom <= height + slack
    )


def test_fe050_only_cis_with_open_incidents_on_the_landing_map_keeps_connected_paths(browser, served):
    browser.get(served)
    settled(browser)
    before = browser.execute_script("return document.querySelector('#map-graph')._cyreg.cy.nodes().length")
    browser.find_element(By.CSS_SELECTOR, "#map-filters summary").click()
    browser.find_element(By.CSS_SELECTOR, "#map-only input[type=checkbox]").click()
    WebDriverWait(browser, WAIT).until(lambda d: "only=incidents" in d.current_url)
    shown = settled(browser, lambda p: p["nodes"] < before)
    assert shown["nodes"] >= 2
    lonely = browser.execute_script(
        "const cy = document.querySelector('#map-graph')._cyreg.cy;"
        "return cy.nodes().filter(n => !n.hasClass('root') && n.connectedEdges().length === 0).map(n => n.id());"
    )
    assert lonely == []
    hidden = browser.execute_script(
        "return document.querySelector('#map-graph')._cyreg.cy.nodes().filter(n => !n.visible()).length"
    )
    assert hidden == 0
    assert browser.execute_script("return document.querySelector('#map-graph')._cyreg.cy.edges('.via').length") > 0
    notice = browser.find_element(By.ID, "map-notice").text
    assert "filtered by open incidents" in notice
    assert "contracted into “via” edges" in notice


def test_fe051_a_filter_from_the_url_shows_in_its_dropdown(browser, served):
    browser.get(served + "?root=5&loc=FRA1")
    settled(browser)
    WebDriverWait(browser, WAIT).until(lambda d: "FRA1" in d.find_element(By.ID, "map-filter-location").text)
    assert browser.find_element(By.ID, "map-filters").get_attribute("open") is not None
    assert "Filters (1 set)" in browser.find_element(By.ID, "map-filters-summary").text


@pytest.mark.parametrize(("width", "height"), [(400, 300), (800, 600), (1200, 700)])
def test_fe052_an_embedded_map_fits_its_frame(browser, served, screen, width, height):
    screen(width, height)
    browser.get(served + "?root=5&embed=1")
    placement = settled(browser, inside)
    assert inside(placement), placement
    # The map takes most of the frame: it is not squeezed into a half or a corner.
    assert placement["width"] >= 0.6 * width
    assert placement["height"] >= 0.6 * height
    assert browser.execute_script(PAINTED_JS) > 100


def test_fe053_resizing_an_embedded_map_keeps_it_drawn_and_fitted(browser, served, screen):
    screen(1200, 700)
    browser.get(served + "?root=5&embed=1")
    settled(browser, inside)
    for width, height in ((800, 600), (1200, 700)):
        screen(width, height)
        placement = settled(browser, lambda p, w=width: inside(p) and p["window"][0] == w)
        assert inside(placement), placement
        assert browser.execute_script(PAINTED_JS) > 100, f"blank canvas at {width}×{height}"


def test_fe054_details_0_hides_the_panel_and_the_button_brings_it_back_by_keyboard(browser, served, screen):
    screen(1200, 700)
    browser.get(served + "?root=5&embed=1&details=0")
    settled(browser)
    panel = browser.find_element(By.ID, "map-details-panel")
    toggle = browser.find_element(By.ID, "map-details-toggle")
    WebDriverWait(browser, WAIT).until(lambda d: toggle.get_attribute("aria-expanded") == "false")
    assert not panel.is_displayed()
    placement = settled(browser, inside)
    assert placement["width"] >= 0.95 * 1200 - 20  # the map takes the whole frame
    toggle.send_keys(Keys.ENTER)
    WebDriverWait(browser, WAIT).until(lambda d: toggle.get_attribute("aria-expanded") == "true")
    assert panel.is_displayed()
    assert toggle.text == "Hide details"
    settled(browser, inside)
