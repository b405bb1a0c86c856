"""The first map of a page load: drawn from the first round of callbacks, and only once."""

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser_driver import CY_NODES_JS

pytestmark = pytest.mark.browser
WAIT = 20
# Runs before the page's own scripts: notes when each callback request left and when its answer came back.
RECORD_JS = """
window.__callbacks = [];
const original = window.fetch;
window.fetch = async (...args) => {
  const body = args[1] && typeof args[1].body === 'string' ? args[1].body : '';
  const entry = {output: '', sent: performance.now(), answered: null};
  try { entry.output = JSON.parse(body).output || ''; } catch (e) { /* not a callback */ }
  if (String(args[0]).includes('_dash-update-component')) { window.__callbacks.push(entry); }
  const response = await original(...args);
  entry.answered = performance.now();
  return response;
};
"""


@pytest.fixture
def recorded(browser):
    """The browser with RECORD_JS run first on every page it loads (removed afterwards)."""
    added = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_JS})
    yield browser
    browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]})


def load(browser, url: str) -> list[dict]:
    browser.get(url)
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script(CY_NODES_JS) > 0)
    WebDriverWait(browser, WAIT).until(
        lambda d: d.execute_script("return window.__callbacks.every(c => c.answered !== null)")
    )
    return browser.execute_script("return window.__callbacks")


def map_requests(callbacks: list[dict]) -> list[dict]:
    return [c for c in callbacks if "map-graph.elements" in c["output"]]


def test_pl001_a_url_naming_the_view_draws_its_map_without_waiting_for_another_callback(recorded, served):
    callbacks = load(recorded, served + "?root=5&depth=2")
    (drawn,) = map_requests(callbacks)  # once: the status answer does not draw it again
    first_answer = min(c["answered"] for c in callbacks)
    # Sent in the first round: before any callback's answer was back (neither the URL sync's nor the status's).
    assert drawn["sent"] <= first_answer, callbacks


def test_pl002_a_url_without_a_root_still_draws_the_default_map(recorded, served):
    callbacks = load(recorded, served)
    assert "root=" in recorded.execute_script("return location.search")
    # The first call finds no root and draws nothing; the URL with the default root draws the map.
    assert 1 <= len(map_requests(callbacks)) <= 2


def test_pl005_the_page_runs_without_babel_polyfill_and_no_script_fails(browser, served):
    browser.get_log("browser")  # drop what earlier tests left
    browser.get(served + "?root=5&depth=2&sel=5")
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script(CY_NODES_JS) > 0)
    scripts = browser.execute_script("return [...document.scripts].map(s => s.src)")
    assert not [s for s in scripts if "polyfill" in s]
    assert browser.execute_script("return typeof regeneratorRuntime.mark") == "function"
    # The async parts that use it: the picker's dropdown, the table view (ag-grid), the details panel's chart.
    browser.find_element("id", "map-root").click()
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements("css selector", "input.dash-dropdown-search"))
    browser.get(served + "?root=5&depth=2&view=table")
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements("css selector", "#map-table-nodes .ag-row"))
    browser.get(served + "quality")
    WebDriverWait(browser, WAIT).until(lambda d: "CMDB health" in d.find_element("id", "overview-body").text)
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE" and e.get("source") == "javascript"]
    assert errors == []
