"""The data-quality page in headless Chromium: findings worst first, and a finding's link opens its CI on the map."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 20
pytestmark = pytest.mark.browser
SEVERITIES = ("error", "warning", "info")
ROOT_JS = """
const el = document.querySelector('#map-graph');
const cy = el && el._cyreg && el._cyreg.cy;
const root = cy ? cy.nodes('.root') : [];
return root.length === 1 ? root.data('ci_id') : null;
"""


def test_sm011_findings_are_worst_first_and_lead_to_their_cis_on_the_map(browser, served):
    browser.get(served + "quality")
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#page-quality td.sev"))
    shown = [cell.text.lower() for cell in browser.find_elements(By.CSS_SELECTOR, "#page-quality td.sev")]
    assert shown == sorted(shown, key=SEVERITIES.index)
    link = browser.find_element(By.CSS_SELECTOR, "#page-quality .finding-links a")
    ci_id = int(link.text.removeprefix("#"))
    link.click()
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script(ROOT_JS) == ci_id)
    assert f"root={ci_id}" in browser.current_url
    assert browser.find_element(By.ID, "page-map").is_displayed()
