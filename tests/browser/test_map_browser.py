"""The map in headless Chromium: it renders, a click opens details, focus re-roots, back returns, impact lists the
services, and hostile CI names stay text."""

import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.cmdb.derived import Derived
from dashboard.cmdb.store import SnapshotStore
from dashboard.domain.impact import impact
from dashboard.domain.viewstate import parse
from dashboard.maps import build_map
from tests.conftest import HOSTILE_NAMES

WAIT = 20
CY = "document.querySelector('#map-graph')._cyreg.cy"
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def derived(demo_cmdb):
    store = SnapshotStore(demo_cmdb)
    store.refresh()
    return Derived(store.snapshot)


def wait_for_map(browser, root_id: int) -> int:
    """Wait until the map centred on root_id is drawn; the number of nodes drawn."""
    script = f"""
        const el = document.querySelector('#map-graph');
        const cy = el && el._cyreg && el._cyreg.cy;
        if (!cy) return -1;
        const root = cy.nodes('.root');
        return root.length === 1 && root.data('ci_id') === {root_id} ? cy.nodes().length : -1;
    """
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script(script) > 0)
    return browser.execute_script(script)


def click_node(browser, element_id: str) -> None:
    """A real mouse click on a node, at the place cytoscape drew it (once the fit to the screen has settled)."""
    where = f"const p = {CY}.$id('{element_id}').renderedPosition(); return [p.x, p.y];"
    last = None
    for _ in range(50):
        x, y = browser.execute_script(where)
        if (x, y) == last:
            break
        last = (x, y)
        time.sleep(0.2)
    canvas = browser.find_element(By.ID, "map-graph")
    ActionChains(browser).move_to_element_with_offset(canvas, 0, 0).perform()
    size = canvas.size
    ActionChains(browser).move_to_element_with_offset(
        canvas, int(x - size["width"] / 2), int(y - size["height"] / 2)
    ).click().perform()


def details_text(browser) -> str:
    return browser.find_element(By.ID, "map-details").text


def test_br001_the_demo_page_draws_the_service_map_with_the_right_nodes(browser, served, derived):
    browser.get(served + "?root=5")
    drawn = wait_for_map(browser, 5)
    state = parse("?root=5")
    expected = build_map(derived, state, derived.snapshot.index.position(5), budget=2000)
    assert drawn == len(expected.nodes)


def test_br002_click_opens_details_focus_re_roots_and_back_returns(browser, served):
    browser.get(served + "?root=5&depth=2")
    wait_for_map(browser, 5)
    click_node(browser, "ci-42")
    WebDriverWait(browser, WAIT).until(lambda d: "Focus here" in details_text(d))
    assert "Scheduling" in details_text(browser)
    browser.find_element(By.LINK_TEXT, "Focus here").click()
    wait_for_map(browser, 42)
    assert "root=42" in browser.execute_script("return location.search")
    browser.back()
    wait_for_map(browser, 5)
    assert browser.execute_script("return location.search") == "?root=5&depth=2&sel=42"  # the click is in the URL


def test_br003_impact_lists_the_services_the_ci_would_hit(browser, served, derived):
    browser.get(served + "?root=900002&dir=upstream&depth=all&impact=1")
    wait_for_map(browser, 900002)
    panel = WebDriverWait(browser, WAIT).until(lambda d: d.find_element(By.ID, "map-impact").text)
    index = derived.snapshot.index
    services = impact(index, index.position(900002)).services
    names = [str(derived.snapshot.ci["name"].iat[s]) for s in services]
    assert f"{len(names)} business service" in panel
    for name in names:
        assert name in panel


def test_br004_hostile_names_render_as_text_and_run_nothing(browser, served):
    browser.get(served + "?root=900001&dir=both&depth=1")
    wait_for_map(browser, 900001)
    click_node(browser, "ci-900001")
    WebDriverWait(browser, WAIT).until(lambda d: HOSTILE_NAMES[900001] in details_text(d))
    browser.find_element(By.ID, "map-root").click()
    browser.find_element(By.CSS_SELECTOR, "input.dash-dropdown-search").send_keys("javascript")
    WebDriverWait(browser, WAIT).until(lambda d: HOSTILE_NAMES[900002] in d.page_source)
    time.sleep(0.5)
    assert browser.execute_script("return window.__pwned === undefined")
    assert not browser.find_elements(By.CSS_SELECTOR, "#map-details img")
    assert browser.execute_script("return document.querySelectorAll('a[href^=\"javascript\"]').length") == 0


def test_br005_clicking_a_group_opens_it_and_the_url_remembers(browser, served_small_budget):
    browser.get(served_small_budget + "?root=1&dir=upstream&depth=all")
    wait_for_map(browser, 1)
    group = browser.execute_script(f"const g = {CY}.nodes('.group'); return g.length ? g[0].id() : null;")
    assert group is not None, "a data centre's whole upstream needs group nodes within 400 elements"
    click_node(browser, group)
    WebDriverWait(browser, WAIT).until(lambda d: "open=" in d.execute_script("return location.search"))
    opened = browser.execute_script("return location.search")
    key = group.removeprefix("group-")
    assert key.replace(":", "%3A") in opened
    WebDriverWait(browser, WAIT).until(lambda d: not d.execute_script(f"return {CY}.$id('{group}').length"))


def test_br006_the_page_runs_under_its_content_security_policy(browser, served):
    # Violations are recorded from the very start of the page (script injected before any of the page's own).
    browser.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument",
        {
            "source": "window.__csp = []; document.addEventListener('securitypolicyviolation',"
            " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
        },
    )
    browser.get(served + "?root=329&dir=upstream&depth=1")  # a switch with monitoring: its details draw a chart
    wait_for_map(browser, 329)
    click_node(browser, "ci-329")
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#map-details .js-plotly-plot"))
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#map-details .ag-root"))
    assert browser.execute_script("return window.__csp") == []


def test_br007_behind_a_proxy_that_strips_the_prefix_links_keep_it(browser, served_behind_stripping_proxy):
    browser.get(served_behind_stripping_proxy + "?root=5&depth=2")
    wait_for_map(browser, 5)
    click_node(browser, "ci-42")
    WebDriverWait(browser, WAIT).until(lambda d: "Focus here" in details_text(d))
    browser.find_element(By.LINK_TEXT, "Focus here").click()
    wait_for_map(browser, 42)
    assert browser.execute_script("return location.pathname") == "/servicemap/"
    browser.back()
    wait_for_map(browser, 5)
