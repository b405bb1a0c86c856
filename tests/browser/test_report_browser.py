"""/report in Chromium: its charts draw under the page's Content-Security-Policy, and nothing fails."""

import pytest
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser
WAIT = 20


def test_rb001_the_report_page_draws_its_charts_and_breaks_no_policy(browser, served):
    browser.get_log("browser")  # drop what earlier tests left
    browser.get(served + "report")
    WebDriverWait(browser, WAIT).until(
        lambda d: len(d.find_elements("css selector", ".plotly-graph-div .main-svg")) >= 2
    )
    assert "Services at risk" in browser.find_element("tag name", "h2").text
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []  # a blocked inline script or a script error would be here
