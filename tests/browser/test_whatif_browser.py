"""The what-if page in Chromium: from a CI's details to /whatif, adding a site, the URL as the state, inert names."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.test_map_browser import details_text, wait_for_map
from tests.conftest import HOSTILE_NAMES

pytestmark = pytest.mark.browser
WAIT = 20


def body_text(browser) -> str:
    return browser.find_element(By.ID, "whatif-body").text


def test_wb001_what_if_this_fails_opens_the_page_with_the_ci_and_a_site_can_be_added(browser, served):
    browser.get_log("browser")  # drop what earlier tests left
    browser.get(served + "?root=900001&dir=both&depth=1&sel=900001")
    wait_for_map(browser, 900001)
    WebDriverWait(browser, WAIT).until(lambda d: "What if this fails?" in details_text(d))
    browser.find_element(By.ID, "details-whatif").click()
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script("return location.pathname").endswith("/whatif"))
    assert browser.execute_script("return location.search") == "?fail=900001"
    WebDriverWait(browser, WAIT).until(lambda d: "CIs down" in body_text(d) or "CI down" in body_text(d))
    assert HOSTILE_NAMES[900001] in body_text(browser)  # the hostile name, shown as text
    assert browser.execute_script("return window.__pwned === undefined")
    assert not browser.find_elements(By.CSS_SELECTOR, "#whatif-body img")
    assert not browser.find_element(By.ID, "page-map").is_displayed()
    # The picker holds the CI; a whole site is added from its picker, and the URL says so.
    assert (
        "900001" in browser.find_element(By.ID, "whatif-cis").text
        or HOSTILE_NAMES[900001] in browser.find_element(By.ID, "whatif-cis").text
    )
    browser.find_element(By.ID, "whatif-sites").click()
    box = WebDriverWait(browser, WAIT).until(
        lambda d: next(b for b in d.find_elements(By.CSS_SELECTOR, "input.dash-dropdown-search") if b.is_displayed())
    )
    box.send_keys("DUB1")
    option = WebDriverWait(browser, WAIT).until(
        lambda d: next(o for o in d.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option") if o.text.strip() == "DUB1")
    )
    option.click()
    WebDriverWait(browser, WAIT).until(lambda d: "site=DUB1" in d.execute_script("return location.search"))
    WebDriverWait(browser, WAIT).until(lambda d: "site fails whole" in body_text(d))
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#whatif-body .whatif-table tr"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#whatif-body .whatif-table tbody tr")
    assert rows
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []


def test_wb002_a_shared_link_draws_the_same_answer_and_a_forged_one_a_safe_one(browser, served):
    browser.get(served + "whatif?fail=424&site=DUB1")
    WebDriverWait(browser, WAIT).until(lambda d: "site fails whole" in body_text(d))
    assert "DUB1" in body_text(browser)
    browser.get(served + "whatif?fail=abc,%3Cscript%3E&in=-5&site=")
    WebDriverWait(browser, WAIT).until(lambda d: "Nothing chosen to fail" in body_text(d))
