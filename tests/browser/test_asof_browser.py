"""Time travel in headless Chromium: the slider moves the map into the past (asof= in the URL, the banner above the
map), 'Back to live' returns, and a service's details show its availability."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.test_map_browser import WAIT, wait_for_map

pytestmark = pytest.mark.browser


def search(browser) -> str:
    return browser.execute_script("return location.search")


def notice(browser) -> str:
    return browser.find_element(By.ID, "map-notice").text


def test_ab001_the_slider_takes_the_map_back_in_time_and_back_to_live(browser, served):
    browser.get(served + "?root=5&depth=2")
    wait_for_map(browser, 5)
    assert browser.find_element(By.ID, "map-asof-shown").text == "Live"
    thumb = browser.find_element(By.CSS_SELECTOR, "#map-asof [role=slider]")
    thumb.send_keys(Keys.HOME)  # the oldest hour of the health window
    WebDriverWait(browser, WAIT).until(lambda d: "asof=" in search(d))
    WebDriverWait(browser, WAIT).until(lambda d: "not live" in notice(d))
    assert "the topology is today's" in notice(browser)
    assert browser.find_element(By.ID, "map-asof-shown").text.endswith("UTC — not live")
    browser.find_element(By.ID, "map-asof-live").click()
    WebDriverWait(browser, WAIT).until(lambda d: "asof=" not in search(d))
    WebDriverWait(browser, WAIT).until(lambda d: "not live" not in notice(d))
    assert "depth=2" in search(browser)


def test_ab002_a_services_details_show_its_availability(browser, served):
    browser.get(served + "?root=5&sel=5")
    line = WebDriverWait(browser, WAIT).until(lambda d: d.find_element(By.ID, "details-availability"))
    assert line.text.startswith("Availability 30 d: ")
    # The chart comes with plotly's own chunk, after the line: wait for it to be drawn.
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".availability-chart .main-svg"))


def test_ab003_a_wall_as_of_a_time_shows_the_not_live_banner_and_still_its_data_clock(browser, served):
    from datetime import UTC, datetime, timedelta

    when = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:00")
    browser.get(served + f"wall?asof={when}")
    banner = WebDriverWait(browser, WAIT).until(lambda d: d.find_element(By.CSS_SELECTOR, ".wall-as-of"))
    assert "UTC — NOT LIVE" in banner.text
    assert banner.text.startswith("AS OF ")
    status = browser.find_element(By.ID, "wall-status")
    WebDriverWait(browser, WAIT).until(lambda d: status.text.startswith("Worked out from data read at"))
    assert "as-of" in browser.find_element(By.ID, "page-wall").get_attribute("class")


def test_ab004_health_as_of_a_time_shows_the_not_live_banner_above_its_charts(browser, served):
    from datetime import UTC, datetime, timedelta

    from tests.browser.test_health_browser import open_health

    when = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:00")
    open_health(browser, served, f"?asof={when}")
    banner = browser.find_element(By.CSS_SELECTOR, ".health-as-of")
    assert f"As of {when.replace('T', ' ')} UTC — not live." in banner.text
    assert banner.is_displayed()
    assert "Status at " in browser.find_element(By.ID, "page-health").text
