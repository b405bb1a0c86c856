"""A wall over a CMDB without business services, in headless Chromium: it says what its tiles are, worst first."""

from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.settings import Settings
from tests.browser.conftest import _serve
from tests.rows import ci, health, incident, rel, write

pytestmark = pytest.mark.browser


@pytest.fixture
def network_wall(sqlite_db: str) -> Iterator[str]:
    """Twenty switches on one router, no business service: switch 3 is down with a P1, switch 7 degraded."""
    switches = range(2, 22)
    write(
        sqlite_db,
        ci=[ci(1, "core-1", "router"), *(ci(i, f"sw-{i}", "switch", location="FRA1") for i in switches)],
        relationship=[rel(i, i, "connects to", 1) for i in switches],
        health=[health(1, 3, "down"), health(2, 7, "degraded"), health(3, 1, "ok")],
        incident=[incident("INC1", 3, priority=1)],
    )
    yield from _serve(Settings.from_env({}, database_url=sqlite_db, refresh_seconds=0, anonymous=True))


def test_bs001_a_wall_without_business_services_shows_the_most_troubled_cis_and_says_so(browser, network_wall):
    browser.get(network_wall + "wall")
    tiles = lambda d: d.find_elements(By.CSS_SELECTOR, "#wall-tiles .tile[data-ci]")  # noqa: E731
    WebDriverWait(browser, 20).until(lambda d: len(tiles(d)) > 0)
    heading = browser.find_element(By.ID, "wall-heading").text
    assert heading.startswith("No business services in this CMDB — showing the 2 troubled CIs")
    found = tiles(browser)
    assert len(found) == 12
    assert [t.get_attribute("data-ci") for t in found[:3]] == ["3", "7", "1"]  # down, degraded, most depended on
    assert "Switch" in found[0].text  # what the CI is: a tile must not read as a service
    assert browser.execute_script("return document.scrollingElement.scrollHeight <= window.innerHeight")
