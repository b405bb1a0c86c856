"""What a first visit costs: the JavaScript transferred on a cold load of the map page (empty cache)."""

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser_driver import CY_NODES_JS

pytestmark = pytest.mark.browser
MAX_COLD_SCRIPT_BYTES = 1_500_000
# Bytes on the wire (headers and compressed bodies) of every script the page loaded; with the cache disabled, none
# comes from a cache.
SCRIPTS_JS = """
return performance.getEntriesByType('resource')
    .filter(e => e.initiatorType === 'script' || e.name.split('?')[0].endsWith('.js'))
    .map(e => [e.name, e.transferSize, e.decodedBodySize]);
"""


def test_sm010_a_cold_load_of_the_map_transfers_at_most_1_5_mb_of_javascript(browser, served):
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.clearBrowserCache", {})
    browser.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    try:
        browser.get(served + "?root=5")
        WebDriverWait(browser, 20).until(lambda d: d.execute_script(CY_NODES_JS) > 0)
        scripts = browser.execute_script(SCRIPTS_JS)
    finally:
        browser.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})
    sent = sum(size for _, size, _ in scripts)
    unpacked = sum(size for _, _, size in scripts)
    assert any("dash_cytoscape" in name for name, _, _ in scripts)
    assert all(size > 0 for _, size, _ in scripts)  # none came from a cache
    assert sent <= MAX_COLD_SCRIPT_BYTES, f"{sent:,} bytes of JavaScript ({unpacked:,} unpacked)"
