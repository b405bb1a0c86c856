"""Each layout on the demo's 282-node map in headless Chromium: tree and dagre fit without a long strip, concentric
has the root in the middle, force-directed falls back to the layered layout with a notice."""

import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.domain.placement import BROWSER_LIMITS
from tests.browser.test_map_browser import CY, WAIT, wait_for_map

pytestmark = pytest.mark.browser
BIG_MAP = "?root=16&dir=both&depth=all"  # Service Desk both ways: 282 nodes
DRAWN = f"""
    const cy = {CY};
    const box = cy.nodes().boundingBox();
    const root = cy.nodes('.root').position();
    return {{zoom: cy.zoom(), width: box.w, height: box.h, middle: [(box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2],
             root: [root.x, root.y]}};
"""


def drawn(browser, layout: str) -> dict:
    """Open the big map in `layout`; what cytoscape drew once the view has settled."""
    browser.get(f"{browser.current_url.split('?')[0]}{BIG_MAP}&layout={layout}")
    assert wait_for_map(browser, 16) > 200
    last = None
    for _ in range(50):
        now = browser.execute_script(DRAWN)
        if now == last:
            return now
        last = now
        time.sleep(0.2)
    return last


@pytest.fixture
def page(browser, served):
    browser.get(served)
    return browser


@pytest.mark.parametrize("layout", ["breadthfirst", "dagre"])
def test_ly301_tree_and_dagre_wrap_a_wide_map_instead_of_drawing_one_strip(page, layout):
    view = drawn(page, layout)
    # Before, the tree drew a 9,400 × 670 px strip at zoom 0.11.
    assert view["width"] / view["height"] < 3
    assert view["zoom"] >= 0.2


def test_ly302_concentric_puts_the_root_in_the_middle(page):
    view = drawn(page, "concentric")
    for axis, size in ((0, view["width"]), (1, view["height"])):
        assert abs(view["root"][axis] - view["middle"][axis]) <= 0.05 * size


def test_ly303_force_directed_beyond_its_limit_keeps_the_layered_positions_and_says_so(page):
    view = drawn(page, "cose")
    WebDriverWait(page, WAIT).until(lambda d: "Force-directed draws up to" in d.find_element(By.ID, "map-notice").text)
    assert f"{BROWSER_LIMITS['cose']} nodes" in page.find_element(By.ID, "map-notice").text
    layered = drawn(page, "layered")
    assert [view[key] for key in ("width", "height", "root")] == [layered[key] for key in ("width", "height", "root")]
