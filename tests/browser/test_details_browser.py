"""Details and paths in headless Chromium: the selection is in the URL and survives a reload, the panel follows the
view, an opened group closes again, a dependency path is highlighted, and the root picker shows enough choices."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.cmdb.derived import Derived
from dashboard.cmdb.store import SnapshotStore
from dashboard.domain.paths import dependency_paths
from dashboard.domain.viewstate import parse
from dashboard.maps import build_map
from tests.browser.test_map_browser import CY, WAIT, click_node, details_text, wait_for_map

pytestmark = pytest.mark.browser
HINT = "Click a node or an edge to see its details."
SCHEDULING = 42  # Online Banking – Scheduling, an application service under Online Banking (5)
CLUSTER = 347  # a vSphere cluster three hops below it, by three shortest paths


@pytest.fixture(scope="module")
def derived(demo_cmdb):
    store = SnapshotStore(demo_cmdb)
    store.refresh()
    return Derived(store.snapshot)


def search(browser) -> str:
    return browser.execute_script("return location.search")


def pick(browser, dropdown_id: str, typed: str) -> None:
    """Open a searchable dropdown, type, and take the first match with Enter."""
    browser.find_element(By.ID, dropdown_id).click()
    box = WebDriverWait(browser, WAIT).until(lambda d: d.find_element(By.CSS_SELECTOR, "input.dash-dropdown-search"))
    box.send_keys(typed)
    WebDriverWait(browser, WAIT).until(lambda d: first_option(d).startswith(_expected_start(typed)))
    box.send_keys(Keys.ENTER)


def _expected_start(typed: str) -> str:
    return "" if typed.startswith("#") else typed


def first_option(browser) -> str:
    texts = browser.execute_script(
        "return [...document.querySelectorAll('.dash-dropdown-content .dash-dropdown-option')].map(o => o.innerText)"
    )
    return texts[0].lstrip("✓⚙?!✕ \n") if texts else ""


def path_text(browser) -> str:
    return browser.find_element(By.ID, "map-path-box").text


def test_dp101_a_click_puts_sel_in_the_url_keeps_the_zoom_and_a_reload_restores_it(browser, served):
    browser.get(served + "?root=5&depth=2")
    wait_for_map(browser, 5)
    click_node(browser, f"ci-{SCHEDULING}")
    WebDriverWait(browser, WAIT).until(lambda d: f"sel={SCHEDULING}" in search(d))
    WebDriverWait(browser, WAIT).until(lambda d: "Focus here" in details_text(d))
    # Zoom in about the next CI to click, so it stays where it was drawn (a fixed point could push it off the canvas).
    browser.execute_script(
        f"const cy = {CY}; cy.zoom({{level: 1.7, renderedPosition: cy.$id('ci-41').renderedPosition()}})"
    )
    view = browser.execute_script(f"const cy = {CY}; return [cy.zoom(), cy.pan().x, cy.pan().y]")
    click_node(browser, "ci-41")
    WebDriverWait(browser, WAIT).until(lambda d: "sel=41" in search(d))
    WebDriverWait(browser, WAIT).until(lambda d: "Document Store" in details_text(d))
    # A selection changes neither the layout nor the zoom: the map is not drawn again.
    assert browser.execute_script(f"const cy = {CY}; return [cy.zoom(), cy.pan().x, cy.pan().y]") == pytest.approx(view)
    browser.refresh()
    wait_for_map(browser, 5)
    WebDriverWait(browser, WAIT).until(lambda d: "Document Store" in details_text(d))
    assert browser.execute_script(f"return {CY}.$(':selected').map(n => n.id())") == ["ci-41"]


def test_dp102_re_rooting_clears_the_panel_unless_the_ci_is_still_shown(browser, served, derived):
    browser.get(served + f"?root=5&depth=2&sel={SCHEDULING}")
    wait_for_map(browser, 5)
    WebDriverWait(browser, WAIT).until(lambda d: "Focus here" in details_text(d))
    browser.find_element(By.LINK_TEXT, "Focus here").click()  # the new map is centred on the selected CI: kept
    wait_for_map(browser, SCHEDULING)
    WebDriverWait(browser, WAIT).until(lambda d: "Focus here" in details_text(d))
    index = derived.snapshot.index
    service_desk = derived.search.prefix("Service Desk", 1)[0]
    shown = build_map(derived, parse("?depth=2"), int(service_desk), budget=2000)
    assert SCHEDULING not in {node.ci_id for node in shown.nodes}
    pick(browser, "map-root", "Service Desk")
    wait_for_map(browser, int(index.ci_ids[service_desk]))
    WebDriverWait(browser, WAIT).until(lambda d: details_text(d) == HINT)
    assert not browser.find_element(By.ID, "map-path-box").is_displayed()


def test_dp103_an_opened_group_says_so_and_closes_again(browser, served_small_budget):
    browser.get(served_small_budget + "?root=1&dir=upstream&depth=all")
    wait_for_map(browser, 1)
    group = browser.execute_script(f"const g = {CY}.nodes('.group'); return g.length ? g[0].id() : null;")
    click_node(browser, group)
    WebDriverWait(browser, WAIT).until(lambda d: "open=" in search(d))
    WebDriverWait(browser, WAIT).until(lambda d: "Close this group again" in details_text(d), details_text(browser))
    assert "Opening this group" not in details_text(browser)
    chips = browser.find_element(By.ID, "map-opened").text
    assert chips.startswith("Opened:")
    browser.find_element(By.LINK_TEXT, "Close this group again").click()
    WebDriverWait(browser, WAIT).until(lambda d: "open=" not in search(d))
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script(f"return {CY}.$id('{group}').length") == 1)
    WebDriverWait(browser, WAIT).until(lambda d: details_text(d) == HINT)
    assert browser.find_element(By.ID, "map-opened").text == ""


def test_dp104_the_path_between_two_cis_is_highlighted_and_listed(browser, served, derived):
    index = derived.snapshot.index
    found = dependency_paths(index, index.position(SCHEDULING), index.position(CLUSTER))
    browser.get(served + f"?root={SCHEDULING}&sel={SCHEDULING}")
    wait_for_map(browser, SCHEDULING)
    WebDriverWait(browser, WAIT).until(lambda d: "How does Online Banking – Scheduling" in path_text(d))
    pick(browser, "map-path-to", f"#{CLUSTER}")
    WebDriverWait(browser, WAIT).until(lambda d: f"path={CLUSTER}" in search(d))
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script(f"return {CY}.nodes('.path').length") > 0)
    assert browser.execute_script(f"return {CY}.nodes('.path').length") == len(found.nodes)
    assert browser.execute_script(f"return {CY}.edges('.path').length") == len(found.edges)
    # The list comes with the details panel's answer, the marks with the map's: wait for both (a busy machine).
    lines = WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".path-list li"))
    assert len(lines) == len(found.paths) == 3
    assert all(line.text.startswith("Online Banking – Scheduling → ") for line in lines)
    assert all(line.text.endswith("fra1-vsphere-cl-01") for line in lines)


def test_dp105_no_dependency_path_is_said_plainly(browser, served):
    browser.get(served + f"?root={SCHEDULING}&sel={SCHEDULING}&path=41")  # two application services side by side
    wait_for_map(browser, SCHEDULING)
    WebDriverWait(browser, WAIT).until(lambda d: "No dependency path between" in path_text(d))
    assert browser.execute_script(f"return {CY}.elements('.path').length") == 0


def test_dp106_the_picker_shows_eight_choices_at_1080p_and_finds_an_id(browser, served, screen):
    screen(1920, 1080)
    browser.get(served + "?root=5")
    wait_for_map(browser, 5)
    browser.find_element(By.ID, "map-root").click()
    visible = """
        const c = document.querySelector('.dash-dropdown-content');
        const box = c.querySelector('.dash-dropdown-search-container').getBoundingClientRect();
        const r = c.getBoundingClientRect();
        return [...c.querySelectorAll('.dash-dropdown-option')].filter(o => {
            const b = o.getBoundingClientRect(); return b.top >= box.bottom - 1 && b.bottom <= r.bottom + 1; }).length;
    """
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script(visible) >= 8)
    box = browser.find_element(By.CSS_SELECTOR, "input.dash-dropdown-search")
    box.send_keys("#712")
    WebDriverWait(browser, WAIT).until(lambda d: first_option(d).startswith("fra1-vm-0053"))
    # The match sits right under the search box, not hidden behind it.
    first_top, box_bottom = browser.execute_script(
        "const c = document.querySelector('.dash-dropdown-content');"
        "return [c.querySelector('.dash-dropdown-option').getBoundingClientRect().top,"
        " c.querySelector('.dash-dropdown-search-container').getBoundingClientRect().bottom];"
    )
    assert 0 <= first_top - box_bottom < 20
    box.send_keys(Keys.ENTER)
    wait_for_map(browser, 712)


def test_dp107_a_tap_emitted_for_a_focused_node_selects_it_like_a_click(browser, served):
    # The keyboard's Enter emits cytoscape's 'tap' on the focused node: the same way as a click.
    browser.get(served + "?root=5&depth=2")
    wait_for_map(browser, 5)
    browser.execute_script(f"{CY}.$id('ci-{SCHEDULING}').emit('tap')")
    WebDriverWait(browser, WAIT).until(lambda d: f"sel={SCHEDULING}" in search(d))
    WebDriverWait(browser, WAIT).until(lambda d: "Online Banking – Scheduling" in details_text(d))
    assert browser.find_element(By.ID, "map-path-box").is_displayed()
