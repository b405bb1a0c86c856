"""axe-core (bundled with selenium-axe-python, no CDN) over the map, the embedded map, the data-quality page and the
wall: no serious or critical violation; the lesser ones are printed when a check fails."""

import pytest
from selenium.webdriver.support.ui import WebDriverWait
from selenium_axe_python import Axe

from tests.browser.test_map_browser import WAIT, wait_for_map

pytestmark = pytest.mark.browser

BLOCKING = ("serious", "critical")


def violations(browser) -> list[dict]:
    axe = Axe(browser)
    axe.inject()
    return axe.run()["violations"]


def described(found: list[dict]) -> str:
    lines = []
    for violation in found:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:5]]
        lines.append(f"{violation['impact']}: {violation['id']} — {violation['help']} — {targets}")
    return "\n".join(lines)


def assert_accessible(browser) -> None:
    found = violations(browser)
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert not blocking, described(found)


def test_kb201_the_landing_map_has_no_serious_violation(browser, served):
    browser.get(served)
    wait_for_map(browser, 5)
    assert_accessible(browser)


def test_kb202_the_embedded_map_has_no_serious_violation(browser, served):
    browser.get(served + "?root=5&embed=1")
    wait_for_map(browser, 5)
    assert_accessible(browser)


def test_kb203_the_data_quality_page_has_no_serious_violation(browser, served):
    browser.get(served + "quality")
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements("css selector", "#page-quality table"))
    assert_accessible(browser)


def test_kb204_the_wall_has_no_serious_violation(browser, served):
    browser.get(served + "wall")
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements("css selector", "#wall-tiles > *"))
    assert_accessible(browser)


def test_kb205_every_map_control_is_named_by_its_label(browser, served):
    browser.get(served + "?root=5")
    wait_for_map(browser, 5)
    named = """
        const id = arguments[0];
        const el = document.getElementById(id);
        return [el.getAttribute('role'), (el.getAttribute('aria-labelledby') || '').split(' ')[0]];
    """
    for control in ("map-root", "map-depth", "map-layout", "map-changes"):
        WebDriverWait(browser, WAIT).until(lambda d, c=control: d.execute_script(named, c)[1] == f"{c}-label")
    assert browser.execute_script(named, "map-scope") == ["radiogroup", "map-scope-label"]
    assert browser.execute_script(named, "map-only") == ["group", "map-only-label"]
    assert (
        browser.execute_script(
            "return document.querySelectorAll('[aria-hidden=true] input, input[aria-hidden]').length"
        )
        == 0
    )
