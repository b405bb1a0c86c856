"""Saved views in headless Chromium: a node dragged, the view saved under a name, reopened by its link with the node
where it was left, and listed for reopening."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from layouts import ids
from tests.browser.test_map_browser import WAIT, wait_for_map

CY = "document.querySelector('#map-graph')._cyreg.cy"


def test_vb001_a_saved_view_reopens_by_its_link_with_its_nodes_where_they_were_left(browser, served):
    browser.get(f"{served}?root=5&depth=2")
    wait_for_map(browser, 5)
    browser.execute_script(f"{CY}.$id('ci-5').position({{x: 777, y: 333}});")  # as a drag leaves it
    browser.find_element(By.CSS_SELECTOR, ".saved-views summary").click()
    browser.find_element(By.ID, ids.SAVED_NAME).send_keys("Banking <b>as left</b>")
    browser.find_element(By.ID, ids.SAVED_SAVE).click()
    status = WebDriverWait(browser, WAIT).until(
        lambda d: (
            d.find_element(By.ID, ids.SAVED_STATUS).text
            if "Saved" in d.find_element(By.ID, ids.SAVED_STATUS).text
            else None
        )
    )
    assert "Banking <b>as left</b>" in status  # the name as text
    link = browser.find_element(By.ID, f"{ids.SAVED_STATUS}-link").get_attribute("href")
    assert "saved=" in link
    assert "saved=" in browser.execute_script("return window.location.search")

    browser.get(link)  # a fresh page load, as a colleague opening the link would
    wait_for_map(browser, 5)
    where = WebDriverWait(browser, WAIT).until(
        lambda d: d.execute_script(f"var p = {CY}.$id('ci-5').position(); return p.x === 777 ? [p.x, p.y] : null;")
    )
    assert where == [777, 333]


def test_vb002_picking_a_saved_view_opens_it(browser, served):
    browser.get(f"{served}?root=42")  # another map; the view saved by vb001 is listed
    wait_for_map(browser, 42)
    browser.find_element(By.CSS_SELECTOR, ".saved-views summary").click()

    def choose(d) -> bool:
        if not d.find_elements(By.XPATH, "//*[@role='option']"):
            d.find_element(By.CSS_SELECTOR, ".saved-views .dash-dropdown").click()
        option = next((o for o in d.find_elements(By.XPATH, "//*[@role='option']") if "as left" in o.text), None)
        if option is None:
            return False
        option.click()
        return True

    WebDriverWait(browser, WAIT).until(choose)
    wait_for_map(browser, 5)
    assert "saved=" in browser.execute_script("return window.location.search")
    where = WebDriverWait(browser, WAIT).until(
        lambda d: d.execute_script(f"var p = {CY}.$id('ci-5').position(); return p.x === 777 ? [p.x, p.y] : null;")
    )
    assert where == [777, 333]
