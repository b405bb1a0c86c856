"""The map's table view in headless Chromium: the toggle, sorting, filtering, CSV export, re-rooting by name and by
keyboard, view=table kept over a reload, and hostile names shown as text."""

import tempfile
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser_driver import CY_NODES_JS
from tests.conftest import HOSTILE_NAMES

WAIT = 20
pytestmark = pytest.mark.browser
NODES = "#map-table-nodes"
# The CI grid's names in the order shown (ag-grid keeps DOM order with ensureDomOrder).
NAMES_JS = f"""
return [...document.querySelectorAll('{NODES} .ag-center-cols-container [role=row] [col-id=name]')]
    .map(cell => cell.textContent);
"""


def names(browser) -> list[str]:
    return browser.execute_script(NAMES_JS)


def wait_for_rows(browser, predicate=bool) -> list[str]:
    WebDriverWait(browser, WAIT).until(lambda d: predicate(names(d)))
    return names(browser)


def toggle(browser):
    return browser.find_element(By.ID, "map-view-toggle")


def test_tv001_the_toggle_shows_the_same_view_as_tables_and_back(browser, served):
    browser.get(served + "?root=5&depth=2")
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script(CY_NODES_JS) > 0)
    drawn = browser.execute_script(CY_NODES_JS)
    button = toggle(browser)
    assert button.text == "View as table"
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    WebDriverWait(browser, WAIT).until(lambda d: "view=table" in d.current_url)
    rows = wait_for_rows(browser)
    assert rows[0] == "Online Banking"  # the root comes first
    assert toggle(browser).text == "View as map"
    assert toggle(browser).get_attribute("aria-pressed") == "true"
    assert not browser.find_element(By.ID, "map-graph").is_displayed()
    summary = f"return document.querySelector('{NODES} .ag-paging-row-summary-panel').textContent"
    WebDriverWait(browser, WAIT).until(lambda d: f"of {drawn}" in d.execute_script(summary))  # every node is a row
    for label in ("CIs in this view", "Relationships in this view"):
        region = browser.find_element(By.XPATH, f"//section[@aria-labelledby][.//h3[text()='{label}']]")
        assert region.get_attribute("aria-labelledby")
        grid = region.find_element(By.CSS_SELECTOR, "[role=grid], [role=treegrid]")
        assert grid.get_attribute("aria-label") == label
    toggle(browser).click()
    WebDriverWait(browser, WAIT).until(lambda d: "view=table" not in d.current_url)
    WebDriverWait(browser, WAIT).until(lambda d: d.find_element(By.ID, "map-graph").is_displayed())
    assert browser.execute_script(CY_NODES_JS) == drawn
    assert toggle(browser).get_attribute("aria-pressed") == "false"


def test_tv002_view_table_survives_a_reload_and_the_keyboard_reaches_the_toggle(browser, served):
    browser.get(served + "?root=5&view=table")
    wait_for_rows(browser)
    browser.refresh()
    first = wait_for_rows(browser)
    assert "view=table" in browser.current_url
    assert first[0] == "Online Banking"
    assert not browser.find_element(By.ID, "map-graph").is_displayed()
    assert browser.find_element(By.ID, "map-view-toggle").get_attribute("tabindex") in (None, "0")


def test_tv003_sorting_and_filtering(browser, served):
    browser.get(served + "?root=5&view=table")
    before = wait_for_rows(browser, lambda n: len(n) > 5)
    header = browser.find_element(By.CSS_SELECTOR, f"{NODES} .ag-header-cell[col-id=name] .ag-header-cell-label")
    header.click()
    ascending = wait_for_rows(browser, lambda n: n != before)
    assert ascending == sorted(ascending, key=str.casefold) or ascending == sorted(ascending)
    box = browser.find_element(By.ID, "map-table-filter")
    box.send_keys("Scheduling")
    filtered = wait_for_rows(browser, lambda n: 0 < len(n) < len(ascending))
    assert any("Scheduling" in row for row in filtered)


def test_tv004_export_downloads_a_csv_with_a_sensible_name(browser, served):
    folder = tempfile.mkdtemp(prefix="servicemap-csv-")
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": folder})
    browser.get(served + "?root=5&view=table")
    wait_for_rows(browser)
    browser.find_element(By.ID, "map-table-nodes-export").click()
    target = Path(folder) / "servicemap-ci-5-cis.csv"
    WebDriverWait(browser, WAIT).until(lambda _: target.is_file() and target.stat().st_size > 0)
    text = target.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith('"Name","Class","Status"')
    assert '"Online Banking"' in text
    browser.find_element(By.ID, "map-table-edges-export").click()
    edges = Path(folder) / "servicemap-ci-5-relationships.csv"
    WebDriverWait(browser, WAIT).until(lambda _: edges.is_file() and edges.stat().st_size > 0)
    assert "depends on" in edges.read_text(encoding="utf-8-sig")


def test_tv005_clicking_a_name_re_roots_and_space_on_a_row_does_too(browser, served):
    browser.get(served + "?root=5&depth=2&view=table")
    wait_for_rows(browser, lambda n: "Online Banking – Scheduling" in n)
    cells = browser.find_elements(By.CSS_SELECTOR, f"{NODES} .ag-center-cols-container [role=row] [col-id=name]")
    next(cell for cell in cells if cell.text == "Online Banking – Scheduling").click()
    WebDriverWait(browser, WAIT).until(lambda d: "root=42" in d.current_url)
    assert "view=table" in browser.current_url
    assert "depth=2" in browser.current_url
    wait_for_rows(browser, lambda n: n and n[0] == "Online Banking – Scheduling")
    second = browser.find_elements(By.CSS_SELECTOR, f"{NODES} .ag-center-cols-container [role=row] [col-id=class]")[1]
    second.click()  # a click on another column only focuses the cell
    time.sleep(0.5)
    assert "root=42" in browser.current_url
    wanted = names(browser)[1]
    browser.switch_to.active_element.send_keys(Keys.SPACE)
    WebDriverWait(browser, WAIT).until(lambda d: "root=42" not in d.current_url)
    wait_for_rows(browser, lambda n: n and n[0] == wanted)


def test_tv006_hostile_names_are_text_in_the_table(browser, served):
    browser.get(served + "?root=5&view=table")
    rows = wait_for_rows(browser, lambda n: HOSTILE_NAMES[900001] in n)
    assert HOSTILE_NAMES[900001] in rows
    assert browser.execute_script("return window.__pwned === undefined")
    assert not browser.find_elements(By.CSS_SELECTOR, f"{NODES} img")
