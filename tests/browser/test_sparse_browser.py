"""A wall over a CMDB without business services, in headless Chromium: it says what its tiles are, worst first."""

from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.settings import Settings
from tests.browser.conftest import _serve
from tests.integration.test_sparse import OLD
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


@pytest.fixture
def desk_wall(sqlite_db: str) -> Iterator[str]:
    """A service-desk export: one CI, 14 groups of open incidents, every priority, long names; most name no CI."""
    long_ci = "sap-production-application-server-frankfurt-01.corp.example.com"
    rows = [
        incident(
            f"INC{g:02}{i:03}",
            1 if i % 9 == 0 else None,
            priority=1 + i % 5,
            assignment_group=f"Identity & Access Management Level {g}",
            opened_at=OLD.replace(day=1 + g),
        )
        for g in range(14)
        for i in range(40 + g)
    ]
    write(sqlite_db, ci=[ci(1, long_ci)], incident=rows)
    yield from _serve(Settings.from_env({}, database_url=sqlite_db, refresh_seconds=0, anonymous=True))


def test_bs002_an_incident_export_without_services_shows_its_groups_each_line_inside_its_tile(browser, desk_wall):
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False}
    )
    try:
        browser.get(desk_wall + "wall")
        tiles = lambda d: d.find_elements(By.CSS_SELECTOR, "#wall-tiles .tile")  # noqa: E731
        WebDriverWait(browser, 20).until(lambda d: len(tiles(d)) == 12)
        heading = browser.find_element(By.ID, "wall-heading").text
        assert heading.startswith("No business services and ")
        assert "open incidents by assignment group, most P1 first (12 of 14 assignment groups)" in heading
        assert "Most named: sap-production" in tiles(browser)[0].text
        overflow = browser.execute_script(
            "return [...document.querySelectorAll('#wall-tiles .tile')].map((t) => {"
            " const bottom = t.getBoundingClientRect().bottom - parseFloat(getComputedStyle(t).paddingBottom);"
            " return Math.max(...[...t.children].map((c) => c.getBoundingClientRect().bottom)) - bottom; });"
        )
        assert max(overflow) < 0, overflow
        assert browser.execute_script("return document.scrollingElement.scrollHeight <= window.innerHeight")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
